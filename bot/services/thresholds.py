"""Threshold lookups against the database: an in-memory index of approved values, kept fresh."""

from __future__ import annotations

import asyncio
import logging
import math
import time
import weakref
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.lookup import (
    LookupResult,
    ParsedQuery,
    ThresholdIndex,
    ThresholdRecord,
    build_index,
    default_vocabulary,
    lookup,
    parse_query,
)
from bot.lookup.index import Comparison, asked_tier
from bot.lookup.records import with_derived_fields
from bot.lookup.vocabulary import LAND_USE_TERMS
from bot.member_cache import INFO_KEY as MEMBER_CACHE
from storage.repositories.thresholds import ThresholdRepository

if TYPE_CHECKING:
    from bot.lookup.coverage import JurisdictionCoverage

log = logging.getLogger(__name__)

# How long the lookup index is served without asking the database whether another process changed it.
FRESH_SECONDS = 2.0


def _servable(row: dict[str, Any]) -> bool:
    """Whether a stored row can be shown: an infinite value (stored before imports refused it) cannot."""
    return all(row.get(name) is None or math.isfinite(row[name]) for name in ("value", "value_min", "value_max"))


class ThresholdCatalog:
    """The lookup index of approved values; rebuilt when another process or a review changed them."""

    def __init__(self) -> None:
        self._index: ThresholdIndex | None = None
        self._signature: tuple[int, datetime | None, int | None] | None = None
        self._version: int | None = None  # the tracker's count of thresholds commits when last checked
        self._checked_at = 0.0
        self._lock = asyncio.Lock()

    async def index(self, session: AsyncSession) -> ThresholdIndex:
        """The current index (one cheap query checks it is still up to date, at most every few seconds)."""
        # A commit through this process's sessions that wrote thresholds (a review, an import) is known at
        # once (bot/member_cache.py counts them); another process's is seen within FRESH_SECONDS.
        tracker = session.info.get(MEMBER_CACHE)
        version = tracker.versions.get("thresholds", 0) if tracker is not None else None
        if (
            self._index is not None
            and version is not None
            and version == self._version
            and time.monotonic() - self._checked_at < FRESH_SECONDS
        ):
            return self._index
        repo = ThresholdRepository(session)
        async with session.begin():
            signature = await repo.approved_signature()
        if self._index is not None and signature == self._signature:
            self._version, self._checked_at = version, time.monotonic()
            return self._index
        async with self._lock:
            if self._index is None or signature != self._signature:
                async with session.begin():
                    signature = await repo.approved_signature()
                    rows = await repo.approved_records()
                # Tens of milliseconds per thousand values, seconds at 100,000: in a thread (the index stays
                # in this process), so members answering surveys are not held while an approval is indexed.
                self._index = await asyncio.to_thread(_index_rows, rows)
                self._signature = signature
                self._version, self._checked_at = version, time.monotonic()
        return self._index


def _index_rows(rows: list[dict[str, Any]]) -> ThresholdIndex:
    records = [with_derived_fields(ThresholdRecord.from_dict(row)) for row in rows if _servable(row)]
    if len(records) < len(rows):
        log.warning("%d stored threshold values are not finite numbers and are not served", len(rows) - len(records))
    return build_index(records)


async def find_thresholds(
    session: AsyncSession, catalog: ThresholdCatalog, text: str, member_country: str | None
) -> LookupResult:
    """Answer a free-text question about threshold values."""
    index = await catalog.index(session)
    return lookup(index, text, member_country=member_country)


async def find_again(
    session: AsyncSession,
    catalog: ThresholdCatalog,
    pollutant: str,
    country: str,
    land_use: str | None,
    ph: float | None,
    value_type: str | None,
    conditions: str = "",
) -> LookupResult:
    """The same question asked again from its understood parts (for the next page of an answer)."""
    from bot.lookup.parser import unpack_conditions

    index = await catalog.index(session)
    parsed = ParsedQuery(
        text="",
        pollutant=pollutant,
        land_use=land_use,
        country=country,
        ph=ph,
        value_type=value_type,
        **unpack_conditions(conditions),
    )
    return index.find(parsed)


async def compare(
    session: AsyncSession, catalog: ThresholdCatalog, text: str, tier: str | None = None
) -> tuple[str | None, str | None, Comparison | None]:
    """One pollutant's values across jurisdictions within one tier: (pollutant, land use, comparison)."""
    index = await catalog.index(session)
    parsed = parse_query(text, default_vocabulary())
    if parsed.pollutant is None:
        return None, parsed.land_use, None
    asked = tier or asked_tier(parsed)
    return (
        parsed.pollutant,
        parsed.land_use,
        index.comparison(
            parsed.pollutant, parsed.land_use, parsed.ph, asked, detail=parsed.land_use_detail, ph_range=parsed.ph_range
        ),
    )


async def compare_pollutant(
    session: AsyncSession, catalog: ThresholdCatalog, pollutant: str, land_use: str | None, tier: str | None = None
) -> Comparison | None:
    """The comparison a button asks for by pollutant id and land use (no text to read again); None when
    the button names a pollutant or land use the database does not know (a stale or forged button)."""
    index = await catalog.index(session)
    if not index.knows_pollutant(pollutant) or (land_use is not None and land_use not in LAND_USE_TERMS):
        return None
    return index.comparison(pollutant, land_use, None, tier)


async def jurisdiction_coverage(session: AsyncSession, catalog: ThresholdCatalog) -> list[JurisdictionCoverage]:
    """Every jurisdiction with a value or a recorded status, with its counts (for /countries)."""
    from bot.lookup.coverage import coverage

    index = await catalog.index(session)
    return coverage(index.records())


# Per index (rebuilt whenever the approved values change): values by jurisdiction, for pages and the API.
_VALUES_BY_JURISDICTION: weakref.WeakKeyDictionary[ThresholdIndex, dict[str, list[ThresholdRecord]]] = (
    weakref.WeakKeyDictionary()
)


def _group_values(index: ThresholdIndex) -> dict[str, list[ThresholdRecord]]:
    from bot.lookup.records import KIND_VALUE

    grouped: dict[str, list[ThresholdRecord]] = {}
    for record in index.records():
        if record.kind == KIND_VALUE:
            grouped.setdefault(record.jurisdiction, []).append(record)
    return grouped


async def _values_by_jurisdiction(index: ThresholdIndex) -> dict[str, list[ThresholdRecord]]:
    grouped = _VALUES_BY_JURISDICTION.get(index)
    if grouped is None:
        # A second or so at 100,000 values: once per change of the data, in a thread.
        grouped = _VALUES_BY_JURISDICTION[index] = await asyncio.to_thread(_group_values, index)
    return grouped


async def jurisdiction_records(
    session: AsyncSession, catalog: ThresholdCatalog, jurisdiction: str
) -> tuple[list[ThresholdRecord], list[ThresholdRecord]]:
    """A jurisdiction's approved values and its recorded status rows (for a country page)."""
    index = await catalog.index(session)
    code = jurisdiction.upper()
    return list((await _values_by_jurisdiction(index)).get(code, ())), list(index.status_of(code))


async def filter_thresholds(
    session: AsyncSession,
    catalog: ThresholdCatalog,
    country: str | None = None,
    pollutant: str | None = None,
    land_use: str | None = None,
    tier: str | None = None,
) -> list[ThresholdRecord]:
    """Approved values matching every filter given (country, pollutant id or family, land use, tier)."""
    index = await catalog.index(session)
    grouped = await _values_by_jurisdiction(index)
    candidates = grouped.get(country.upper(), []) if country else [r for values in grouped.values() for r in values]
    return [
        record
        for record in candidates
        if (pollutant is None or pollutant in (record.pollutant_id, record.pollutant_family))
        and (land_use is None or land_use in record.land_uses)
        and (tier is None or record.tier == tier)
    ]


async def export_rows(session: AsyncSession) -> list[dict[str, Any]]:
    """Every approved value as `data export` writes it (one transaction)."""
    async with session.begin():
        return await ThresholdRepository(session).approved_records()


COUNTRY_UN_NAME_COLUMN = "country_un_name"


def export_table(rows: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """`data export`'s columns and cells: the seed's own columns first (so the file imports again), then the
    normalized fields (the remark on where a value was read appears once, in its seed column); text a
    spreadsheet would run as a formula gets a leading apostrophe."""
    from bot.countries import country_name
    from bot.lookup.records import CSV_COLUMNS, OPTIONAL_COLUMNS, ORIGINAL_FIELDS
    from bot.reports.export import neutralize_formula
    from storage.repositories.thresholds import RECORD_COLUMNS

    seed_columns = list(CSV_COLUMNS) + list(OPTIONAL_COLUMNS)
    # The UN's English name next to the ISO code (`country` keeps the source's own wording). The importer
    # reads columns by name, so the extra column does not stop the file from importing again.
    columns = [*seed_columns[:1], COUNTRY_UN_NAME_COLUMN, *seed_columns[1:]]
    normalized = {
        field: f"{field}_normalized" if field in seed_columns else field
        for field in RECORD_COLUMNS
        if field != "verification_note"
    }
    cells = [
        {column: neutralize_formula(row[field]) for column, field in ORIGINAL_FIELDS.items()}
        | {COUNTRY_UN_NAME_COLUMN: country_name(row["jurisdiction"], "en") if row.get("jurisdiction") else None}
        | {normalized[field]: neutralize_formula(value) for field, value in row.items() if field in normalized}
        for row in rows
    ]
    return columns + list(normalized.values()), cells
