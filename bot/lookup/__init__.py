"""Threshold lookup engine: pure Python, no Telegram and no database.

The app layer loads records (from SQL, or `records.read_thresholds_csv` for the seed file),
builds the index once, then answers each message:

    vocabulary = default_vocabulary()          # once per process: ~0.1 s from its cache, 2-3 s to build
    index = build_index(records)               # records: Iterable[ThresholdRecord]
    result = lookup(index, text, member_country="KE")     # LookupResult
    view = result_data(result, translations, locale)      # plain data (bot/lookup/views.py)

The Telegram reply (HTML, split to messages) is written by bot/telegram_render.py.

`ThresholdRecord.to_dict()` / `from_dict()` map a record to flat storage columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from bot.lookup.index import LookupResult, ThresholdIndex, chart_value
from bot.lookup.parser import ParsedQuery, Suggestion, parse_query
from bot.lookup.records import RowError, ThresholdRecord, normalize_row, read_thresholds_csv
from bot.lookup.vocabulary import Vocabulary, build_vocabulary, cached_vocabulary

__all__ = [
    "LookupResult",
    "ParsedQuery",
    "RowError",
    "Suggestion",
    "ThresholdIndex",
    "ThresholdRecord",
    "Vocabulary",
    "build_index",
    "build_vocabulary",
    "chart_value",
    "default_vocabulary",
    "lookup",
    "normalize_row",
    "parse_query",
    "read_thresholds_csv",
]


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    """The full vocabulary (all CLDR locales), read or built on first use and kept for the process."""
    return cached_vocabulary()


def build_index(records: Iterable[ThresholdRecord]) -> ThresholdIndex:
    """Index threshold records in memory for fast lookups."""
    return ThresholdIndex(records)


def lookup(
    index: ThresholdIndex, text: str, member_country: str | None = None, vocabulary: Vocabulary | None = None
) -> LookupResult:
    """Answer a free-text threshold question; `member_country` is used when none is named."""
    parsed = parse_query(text, vocabulary or default_vocabulary())
    return index.find(parsed, member_country=member_country)
