"""Command-line lookups and threshold data import/export (`python -m bot lookup|data`)."""

from __future__ import annotations

import argparse
import csv
import gettext
import itertools
import json
import sys

from bot.app import open_storage
from bot.config import Settings
from bot.i18n import DOMAIN, LOCALES_DIR, compile_catalogs, normalize_language
from bot.lookup import RowError
from bot.lookup.records import ORIGINAL_FIELDS, iter_thresholds
from bot.services.thresholds import ThresholdCatalog, export_rows, export_table, find_thresholds
from bot.telegram_render import render_text, result_to_json
from storage.repositories.thresholds import ThresholdRepository

# Seed CSV column -> the stored field that keeps the source's own wording.
ORIGINAL_WORDING = ORIGINAL_FIELDS


class DataFileError(Exception):
    """A data file cannot be used; the message names the file, row and column."""


def _translations(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALES_DIR, languages=[language], fallback=True)


def _plain(text: str) -> str:
    from bot.console import plain

    return plain(text)


async def run_lookup(settings: Settings, args: argparse.Namespace) -> None:
    """Answer the query (or each stdin line), as text or one JSON object per line."""
    language = normalize_language(args.lang, compile_catalogs()) or "en"
    tr = _translations(language)
    storage = await open_storage(settings)
    catalog = ThresholdCatalog()
    queries = [" ".join(args.query)] if args.query else (line.rstrip("\n") for line in sys.stdin)
    try:
        for query in queries:
            async with storage.sessionmaker() as session:
                result = await find_thresholds(session, catalog, query, args.country)
            if args.json:
                print(
                    json.dumps(result_to_json(result, tr, language), ensure_ascii=False, default=str, allow_nan=False),
                    flush=True,
                )
            elif args.query:
                print(_plain(render_text(result, tr, language)))
            else:
                # One answer per line, so scripts can pair answers with questions.
                print(
                    " | ".join(line for line in _plain(render_text(result, tr, language)).splitlines() if line.strip()),
                    flush=True,
                )
    finally:
        await storage.engine.dispose()


# Rows normalized and written per round trip: memory stays flat whatever the file's size.
IMPORT_BATCH = 1000


async def import_thresholds(settings: Settings, path: str) -> None:
    """Add the file's values that are not stored yet; says how many were new.

    The file is read and written in batches inside one transaction: a bad row anywhere leaves the
    database as it was, and the error names that row and column.
    """
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as error:
        raise DataFileError(f"{path}: {error}") from error
    storage = await open_storage(settings)
    added = present = 0
    try:
        async with storage.sessionmaker() as session, session.begin():
            repo = ThresholdRepository(session)
            records = iter_thresholds(handle)
            while batch := list(itertools.islice(records, IMPORT_BATCH)):
                batch_added, batch_present = await repo.add_records((r.to_dict() for r in batch), origin="import")
                added += batch_added
                present += batch_present
    except RowError as error:
        raise DataFileError(f"{path}: {error}") from error
    except (UnicodeDecodeError, csv.Error, ValueError) as error:
        raise DataFileError(f"{path}: {error}") from error
    finally:
        handle.close()
        await storage.engine.dispose()
    print(f"{path}: {added} values added, {present} already present")


async def export_thresholds(settings: Settings, out: str) -> None:
    """Every approved value with its normalized fields and original wording, as CSV."""
    storage = await open_storage(settings)
    try:
        async with storage.sessionmaker() as session:
            rows = await export_rows(session)
    finally:
        await storage.engine.dispose()
    handle = sys.stdout if out == "-" else open(out, "w", encoding="utf-8", newline="")
    try:
        # Text starting like a formula (=HYPERLINK, @SUM, +...) is kept as text, as /export does;
        # `data import` reads such a cell back without the apostrophe.
        columns, cells = export_table(rows)
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(cells)
    finally:
        if handle is not sys.stdout:
            handle.close()


async def coverage_report(settings: Settings, as_json: bool, language: str = "en") -> None:
    """Jurisdictions x pollutant families x land-use categories, with counts and instruments."""
    from bot.lookup.coverage import coverage
    from bot.lookup.records import LAND_USES
    from bot.reports.regions import region_of

    storage = await open_storage(settings)
    try:
        async with storage.sessionmaker() as session:
            index = await ThresholdCatalog().index(session)
    finally:
        await storage.engine.dispose()
    entries = coverage(index.records())
    if as_json:
        payload = {
            "jurisdictions": [entry.to_json() | {"region": region_of(entry.code)} for entry in entries],
            "with_values": sum(1 for entry in entries if entry.values),
            "status_only": [entry.code for entry in entries if not entry.values],
            "values": sum(entry.values for entry in entries),
            "land_uses": list(LAND_USES),
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    with_values = [entry for entry in entries if entry.values]
    print(f"{sum(e.values for e in with_values)} values from {len(with_values)} jurisdictions")
    for entry in with_values:
        tiers = ", ".join(f"{tier} {count}" for tier, count in sorted(entry.tiers.items()))
        print(f"\n{entry.code} {entry.name}: {entry.values} values, {len(entry.pollutants)} pollutants ({tiers})")
        print("  " + "family".ljust(22) + "".join(land_use[:12].rjust(13) for land_use in LAND_USES))
        for family, counts in sorted(entry.cells.items()):
            print(
                "  " + family[:22].ljust(22) + "".join(str(counts[land_use] or "").rjust(13) for land_use in LAND_USES)
            )
        for instrument, count in entry.instruments.most_common():
            print(f"  - {instrument} ({count})")
    for entry in entries:
        if not entry.values:
            print(f"\n{entry.code} {entry.name}: no values; recorded status: {'; '.join(entry.statuses)}")
    print("\nEvery other country: not yet surveyed.")
