"""Threshold lookups against the database: an in-memory index of approved values, kept fresh."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.lookup import LookupResult, ThresholdIndex, ThresholdRecord, build_index, default_vocabulary, lookup, parse_query
from storage.repositories.thresholds import ThresholdRepository


class ThresholdCatalog:
    """The lookup index of approved values; rebuilt when another process or a review changed them."""

    def __init__(self) -> None:
        self._index: ThresholdIndex | None = None
        self._signature: tuple[int, datetime | None, int | None] | None = None
        self._lock = asyncio.Lock()

    async def index(self, session: AsyncSession) -> ThresholdIndex:
        """The current index (one cheap query checks it is still up to date)."""
        repo = ThresholdRepository(session)
        async with session.begin():
            signature = await repo.approved_signature()
        if self._index is not None and signature == self._signature:
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
        return self._index


def _index_rows(rows: list[dict]) -> ThresholdIndex:
    return build_index(ThresholdRecord.from_dict(row) for row in rows)


async def find_thresholds(session: AsyncSession, catalog: ThresholdCatalog, text: str,
                          member_country: str | None) -> LookupResult:
    """Answer a free-text question about threshold values."""
    index = await catalog.index(session)
    return lookup(index, text, member_country=member_country)


async def compare(session: AsyncSession, catalog: ThresholdCatalog, text: str) -> tuple[str | None, str | None, list[ThresholdRecord]]:
    """One pollutant's values across jurisdictions: (pollutant, land use, records lowest first)."""
    index = await catalog.index(session)
    parsed = parse_query(text, default_vocabulary())
    if parsed.pollutant is None:
        return None, parsed.land_use, []
    return parsed.pollutant, parsed.land_use, index.compare(parsed.pollutant, parsed.land_use, parsed.ph)
