"""Reading and writing threshold values. Never commits."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ReviewStatus, Threshold, utcnow

# The source's own wording identifies a row: re-importing a file finds the same keys.
_KEY_FIELDS = (
    "kind", "jurisdiction", "pollutant_original", "cas", "land_use_original", "value_original", "unit_original",
    "value_type_original", "basis_original", "conditions", "legal_status_original", "instrument", "year_original",
    "source",
)
RECORD_COLUMNS = tuple(column.name for column in Threshold.__table__.columns if column.name not in {
    "id", "source_key", "origin", "review_status", "submission_id", "reviewed_by", "reviewed_at", "review_note",
    "created_at", "updated_at",
})


def source_key(record: dict) -> str:
    """A stable fingerprint of a record's original wording."""
    payload = json.dumps([record.get(field) for field in _KEY_FIELDS], ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:64]


class ThresholdRepository:
    """Threshold rows: the approved ones feed lookups."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_records(self, records: Iterable[dict], origin: str, review_status: str = ReviewStatus.APPROVED.value,
                          submission_id: int | None = None) -> tuple[int, int]:
        """Insert records not stored yet (by source key); returns (added, already present).

        Meant for batches (a file is imported a thousand rows at a time): one query finds the keys
        already stored, one multi-row INSERT writes the rest, and no ORM object is kept per row.
        """
        records = list(records)
        keys = [source_key(record) for record in records]
        existing: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            existing.update(await self.session.scalars(select(Threshold.source_key).where(Threshold.source_key.in_(chunk))))
        now = utcnow()
        rows = []
        for key, record in zip(keys, records):
            if key in existing:
                continue
            existing.add(key)
            rows.append({column: record.get(column) for column in RECORD_COLUMNS} | {
                "source_key": key, "origin": origin, "review_status": review_status, "submission_id": submission_id,
                "created_at": now, "updated_at": now,
            })
        if rows:
            await self.session.execute(insert(Threshold), rows)
        return len(rows), len(records) - len(rows)

    async def count(self, origin: str | None = None) -> int:
        """How many rows (of one origin) are stored."""
        query = select(func.count(Threshold.id))
        if origin is not None:
            query = query.where(Threshold.origin == origin)
        return await self.session.scalar(query) or 0

    async def approved_signature(self) -> tuple[int, datetime | None, int | None]:
        """Changes whenever the approved set changes: count, newest update, highest id."""
        row = (await self.session.execute(
            select(func.count(Threshold.id), func.max(Threshold.updated_at), func.max(Threshold.id))
            .where(Threshold.review_status == ReviewStatus.APPROVED.value)
        )).one()
        return int(row[0]), row[1], row[2]

    async def approved_records(self) -> list[dict]:
        """Every approved row as a plain record dict."""
        columns = [getattr(Threshold, name) for name in RECORD_COLUMNS]
        rows = await self.session.execute(
            select(*columns).where(Threshold.review_status == ReviewStatus.APPROVED.value).order_by(Threshold.id)
        )
        return [dict(zip(RECORD_COLUMNS, row)) for row in rows]

    async def for_submission(self, submission_id: int) -> list[Threshold]:
        """The candidate rows a survey submission produced."""
        return list(await self.session.scalars(select(Threshold).where(Threshold.submission_id == submission_id)))
