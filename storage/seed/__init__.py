"""Seed data shipped with the bot: the reference threshold table and its sources.

`SEED_THRESHOLDS_CSV` is read by `bot.lookup.records.read_thresholds_csv`; `SOURCES.md`
explains every row (ranges, pH bands, sludge-only limits, superseded tables, status rows).
"""

from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent
SEED_THRESHOLDS_CSV = SEED_DIR / "reference_thresholds.csv"
SEED_SOURCES_MD = SEED_DIR / "SOURCES.md"
