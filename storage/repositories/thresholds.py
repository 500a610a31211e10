"""Reading and writing threshold values. Never commits."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ReviewStatus, SeedState, Threshold, ThresholdRevision, check_row_widths, utcnow
from storage.repositories.batches import in_batches

# The source's own wording identifies a row: re-importing a file finds the same keys.
_KEY_FIELDS = (
    "kind",
    "jurisdiction",
    "pollutant_original",
    "cas",
    "land_use_original",
    "value_original",
    "unit_original",
    "value_type_original",
    "basis_original",
    "conditions",
    "legal_status_original",
    "instrument",
    "year_original",
    "source",
)
RECORD_COLUMNS = tuple(
    column.name
    for column in Threshold.__table__.columns
    if column.name
    not in {
        "id",
        "source_key",
        "origin",
        "review_status",
        "submission_id",
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "created_at",
        "updated_at",
        "seed_key",
        "retired_at",
    }
)
REFERENCE = "reference"
# A rejected survey value sent again: its history keeps the rejection (no seed digest).
RESUBMITTED = "resubmitted"
_REVIEW_COLUMNS = ("review_status", "submission_id", "reviewed_by", "reviewed_at", "review_note")


def _jsonable(values: dict) -> dict:
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in values.items()}


def source_key(record: dict) -> str:
    """A stable fingerprint of a record's original wording."""
    payload = json.dumps([record.get(field) for field in _KEY_FIELDS], ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:64]


class ThresholdRepository:
    """Threshold rows: the approved ones feed lookups."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_records(
        self,
        records: Iterable[dict],
        origin: str,
        review_status: ReviewStatus = ReviewStatus.APPROVED,
        submission_id: int | None = None,
    ) -> tuple[int, int]:
        """Insert records not stored yet (by source key); returns (added, already present).

        Meant for batches (a file is imported a thousand rows at a time): one query finds the keys
        already stored, one multi-row INSERT writes the rest, and no ORM object is kept per row.
        """
        records = list(records)
        keys = [source_key(record) for record in records]
        existing: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            existing.update(
                await self.session.scalars(select(Threshold.source_key).where(Threshold.source_key.in_(chunk)))
            )
        now = utcnow()
        rows = []
        for key, record in zip(keys, records):
            if key in existing:
                continue
            existing.add(key)
            row = {column: record.get(column) for column in RECORD_COLUMNS} | {
                "source_key": key,
                "origin": origin,
                "review_status": review_status,
                "submission_id": submission_id,
                "created_at": now,
                "updated_at": now,
            }
            check_row_widths(Threshold, row)
            rows.append(row)
        if rows:
            await self.session.execute(insert(Threshold), rows)
        return len(rows), len(records) - len(rows)

    async def add_for_review(self, records: Iterable[dict], submission_id: int) -> None:
        """Queue a survey submission's values for review: new ones are added, and one a coordinator rejected
        earlier, sent again in this (another) submission, waits for review again.

        The rejected row is reopened (its key is unique): it points to this submission and holds the data as
        reported now, and the rejection (status, reviewer, date, reason, submission) is kept in its history.
        A value still pending or approved is left as it is: nothing is stored twice.
        """
        records = list(records)
        by_key = {source_key(record): record for record in records}
        keys, now = list(by_key), utcnow()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rejected = await self.session.scalars(
                select(Threshold)
                .where(
                    Threshold.source_key.in_(chunk),
                    Threshold.review_status == ReviewStatus.REJECTED,
                    or_(Threshold.submission_id.is_(None), Threshold.submission_id != submission_id),
                )
                .order_by(Threshold.id)
                .with_for_update()
            )
            for row in rejected:
                record = by_key[row.source_key]
                data = {column: record.get(column) for column in RECORD_COLUMNS}
                check_row_widths(Threshold, data)
                previous = {column: getattr(row, column) for column in _REVIEW_COLUMNS} | {
                    column: getattr(row, column) for column, value in data.items() if getattr(row, column) != value
                }
                self.add_revision(row.id, RESUBMITTED, _jsonable(previous), "")
                for column, value in data.items():
                    setattr(row, column, value)
                row.review_status = ReviewStatus.PENDING
                row.submission_id = submission_id
                row.reviewed_by = row.reviewed_at = row.review_note = None
                row.updated_at = now
        await self.add_records(
            records, origin="survey", review_status=ReviewStatus.PENDING, submission_id=submission_id
        )

    async def waiting_for_review(self, records: Iterable[dict], submission_id: int) -> int:
        """How many of a submission's values it put up for review or still wait for review (the receipt's count)."""
        keys = list({source_key(record) for record in records})
        waiting = 0
        for start in range(0, len(keys), 500):
            waiting += (
                await self.session.scalar(
                    select(func.count(Threshold.id)).where(
                        Threshold.source_key.in_(keys[start : start + 500]),
                        or_(
                            Threshold.submission_id == submission_id,
                            (Threshold.review_status == ReviewStatus.PENDING) & (Threshold.origin == "survey"),
                        ),
                    )
                )
                or 0
            )
        return waiting

    async def count(self, origin: str | None = None) -> int:
        """How many rows (of one origin) are stored."""
        query = select(func.count(Threshold.id))
        if origin is not None:
            query = query.where(Threshold.origin == origin)
        return await self.session.scalar(query) or 0

    async def approved_signature(self) -> tuple[int, datetime | None, int | None]:
        """Changes whenever the served set changes: count, newest update, highest id."""
        row = (
            await self.session.execute(
                select(func.count(Threshold.id), func.max(Threshold.updated_at), func.max(Threshold.id)).where(
                    Threshold.review_status == ReviewStatus.APPROVED, Threshold.retired_at.is_(None)
                )
            )
        ).one()
        return int(row[0]), row[1], row[2]

    async def approved_records(self) -> list[dict]:
        """Every served row (approved, not retired) as a plain record dict."""
        columns = [getattr(Threshold, name) for name in RECORD_COLUMNS]
        query = (
            select(*columns)
            .where(Threshold.review_status == ReviewStatus.APPROVED, Threshold.retired_at.is_(None))
            .order_by(Threshold.id)
        )
        return [dict(zip(RECORD_COLUMNS, row)) async for row in in_batches(self.session, query)]

    # ------------------------------------------------------------ the reference seed, kept current

    async def reference_rows(self) -> list[Threshold]:
        """Every row that came from the shipped reference table, retired ones included."""
        return list(
            await self.session.scalars(
                select(Threshold).where(Threshold.origin == REFERENCE).order_by(Threshold.row_number, Threshold.id)
            )
        )

    async def other_origin_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of these source keys belong to rows imported or reported (not the reference seed)."""
        keys = list(keys)
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            found.update(
                await self.session.scalars(
                    select(Threshold.source_key).where(
                        Threshold.source_key.in_(keys[start : start + 500]), Threshold.origin != REFERENCE
                    )
                )
            )
        return found

    async def insert_rows(self, rows: list[dict]) -> None:
        """Insert complete rows (every column but the id) in one statement."""
        for row in rows:
            check_row_widths(Threshold, row)
        if rows:
            await self.session.execute(insert(Threshold), rows)

    def add_revision(self, threshold_id: int, change: str, previous: dict, digest: str) -> None:
        """Keep what a row was before a seed changed, retired or restored it."""
        self.session.add(
            ThresholdRevision(
                threshold_id=threshold_id, change=change, previous=previous, seed_digest=digest, changed_at=utcnow()
            )
        )

    async def revisions(self, threshold_id: int) -> list[ThresholdRevision]:
        """A row's history, oldest first."""
        return list(
            await self.session.scalars(
                select(ThresholdRevision)
                .where(ThresholdRevision.threshold_id == threshold_id)
                .order_by(ThresholdRevision.id)
            )
        )

    async def seed_digest(self, name: str) -> str | None:
        """The digest of the data file version the database was last brought in line with."""
        return await self.session.scalar(select(SeedState.digest).where(SeedState.name == name))

    async def set_seed_digest(self, name: str, digest: str) -> None:
        """Remember that the database now matches this version of a data file."""
        state = await self.session.get(SeedState, name)
        if state is None:
            self.session.add(SeedState(name=name, digest=digest, applied_at=utcnow()))
        else:
            state.digest = digest
            state.applied_at = utcnow()

    async def for_submission(self, submission_id: int) -> list[Threshold]:
        """The candidate rows a survey submission produced."""
        return list(await self.session.scalars(select(Threshold).where(Threshold.submission_id == submission_id)))
