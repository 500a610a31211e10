"""What the heavy-work process runs (bot/heavy.py): charts and exports from plain data.

This module is the worker's whole world: it imports matplotlib, openpyxl, Babel and the catalogs,
never aiogram or SQLAlchemy, so a worker starts in about a second and stays small. Every argument
and result crosses a process boundary (pickled), so they are plain data: dataclasses, dicts, bytes.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from typing import Any

from bot.i18n import DOMAIN, LOCALES_DIR
from bot.reports import charts
from bot.reports.campaign import CampaignStats, decode_answers, summarize_campaign
from bot.reports.export import ExportFiles, build_export
from bot.reports.indicators import Indicator, RegionProgress
from bot.reports.regions import load_regions


@lru_cache(maxsize=16)
def _translations(language: str) -> gettext.NullTranslations:
    # The same compiled catalogs the bot reads (it compiles them before it starts any job).
    return gettext.translation(DOMAIN, localedir=LOCALES_DIR, languages=[language], fallback=True)


def chart_language(locale: str) -> str:
    """The language to draw a chart in on this machine (see `charts.chart_language`)."""
    return charts.chart_language(locale)


def progress_chart(regions: list[RegionProgress], indicators: list[Indicator], locale: str) -> bytes:
    """The /stats chart, labels in `locale`."""
    return charts.progress_chart(regions, indicators, _translations(locale), locale)


def comparison_chart(
    rows: list[dict[str, Any]], pollutant_name: str, land_use_name: str, locale: str, tier_name: str | None = None
) -> bytes:
    """The /compare chart, labels in `locale`."""
    return charts.comparison_chart(
        rows, pollutant_name, land_use_name, _translations(locale), locale, tier_name=tier_name
    )


def campaign_stats(
    forms: list[tuple[str, str]], rows: list[dict[str, Any]], members: list[dict[str, Any]]
) -> CampaignStats:
    """The /stats counts and indicators (answers arrive as JSON text)."""
    return summarize_campaign(forms, rows, members, load_regions())


def export_files(
    definition: dict[str, Any],
    submissions: list[dict[str, Any]],
    label_language: str | None,
    include_telegram_ids: bool,
    country_language: str = "en",
) -> ExportFiles:
    """The XLSX and CSV of an export (answers arrive as JSON text), country names in `country_language`."""
    return build_export(
        definition,
        decode_answers(submissions),
        label_language=label_language,
        include_telegram_ids=include_telegram_ids,
        country_language=country_language,
    )
