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
from bot.lookup.records import CSV_COLUMNS, OPTIONAL_COLUMNS, ORIGINAL_FIELDS
from bot.lookup import RowError, render_text, result_to_json
from bot.lookup.records import iter_thresholds
from bot.reports.export import neutralize_formula
from bot.services.thresholds import ThresholdCatalog, find_thresholds
from storage.repositories.thresholds import RECORD_COLUMNS, ThresholdRepository


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
                print(json.dumps(result_to_json(result, tr, language), ensure_ascii=False, default=str, allow_nan=False),
                      flush=True)
            elif args.query:
                print(_plain(render_text(result, tr, language)))
            else:
                # One answer per line, so scripts can pair answers with questions.
                print(" | ".join(line for line in _plain(render_text(result, tr, language)).splitlines() if line.strip()),
                      flush=True)
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
        async with storage.sessionmaker() as session, session.begin():
            rows = await ThresholdRepository(session).approved_records()
    finally:
        await storage.engine.dispose()
    handle = sys.stdout if out == "-" else open(out, "w", encoding="utf-8", newline="")
    try:
        # The seed's own columns first (so the file imports again), then the normalized fields.
        seed_columns = list(CSV_COLUMNS) + list(OPTIONAL_COLUMNS)
        normalized = {field: f"{field}_normalized" if field in seed_columns else field
                      for field in RECORD_COLUMNS if field != "verification_note"}
        writer = csv.DictWriter(handle, fieldnames=seed_columns + list(normalized.values()))
        writer.writeheader()
        for row in rows:
            # Text starting like a formula (=HYPERLINK, @SUM, +...) is kept as text, as /export does;
            # `data import` reads such a cell back without the apostrophe.
            writer.writerow({column: neutralize_formula(row[field]) for column, field in ORIGINAL_WORDING.items()}
                            | {normalized[field]: neutralize_formula(value) for field, value in row.items()
                               if field in normalized})
    finally:
        if handle is not sys.stdout:
            handle.close()
