"""Column types: timestamps come back timezone-aware in UTC, statuses as Enums, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import func, select, text

from storage.models import DeliveryStatus, Reminder, ReminderSchedule, ReminderStatus, ReviewStatus, SubmissionStatus

NAIROBI = timezone(timedelta(hours=3))


async def test_timestamps_come_back_aware_in_utc(storage):
    """A moment given in another zone is stored as the same instant and read back aware, in UTC."""
    moment = datetime(2030, 6, 3, 12, 30, tzinfo=NAIROBI)  # 09:30 UTC

    async def work(session):
        schedule = ReminderSchedule(
            created_by=1, texts={"en": "hi"}, audience={}, until=moment + timedelta(days=30), next_run_at=moment
        )
        session.add(schedule)
        await session.flush()
        reminder = Reminder(created_by=1, schedule_id=schedule.id, scheduled_for=moment)
        session.add(reminder)
        await session.flush()
        session.expunge_all()  # read from the database, not from the objects above

        stored = await session.scalar(select(Reminder).where(Reminder.id == reminder.id))
        assert stored.scheduled_for == moment
        assert stored.scheduled_for.utcoffset() == timedelta(0)
        assert (stored.scheduled_for.hour, stored.scheduled_for.minute) == (9, 30)
        assert stored.created_at.tzinfo is not None  # the default (utcnow) as well
        # Arithmetic and comparisons with aware values need no helper.
        assert stored.scheduled_for + timedelta(weeks=1) <= (await session.get(ReminderSchedule, schedule.id)).until

        # Compared in SQL as instants: 09:29 UTC is before, 12:29 in Nairobi is too.
        for bound, expected in (
            (datetime(2030, 6, 3, 9, 29, tzinfo=UTC), 0),
            (datetime(2030, 6, 3, 12, 29, tzinfo=NAIROBI), 0),
            (datetime(2030, 6, 3, 9, 30, tzinfo=UTC), 1),
        ):
            found = await session.scalars(
                select(Reminder.id).where(Reminder.id == reminder.id, Reminder.scheduled_for <= bound)
            )
            assert len(list(found)) == expected, bound
        # An aggregate keeps the column's type: aware too.
        earliest = await session.scalar(select(func.min(Reminder.scheduled_for)).where(Reminder.id == reminder.id))
        assert earliest == moment and earliest.utcoffset() == timedelta(0)
        # Stored as UTC: SQLite's text shows 09:30 (the wall-clock digits it keeps are UTC's).
        raw = await session.scalar(text("SELECT scheduled_for FROM reminders WHERE id = :id"), {"id": reminder.id})
        if session.bind.dialect.name == "sqlite":
            assert raw.startswith("2030-06-03 09:30"), raw

    async with storage.sessionmaker() as session:  # rolled back after the test (conftest.py)
        await work(session)


async def test_statuses_are_enums_stored_as_their_plain_values(storage):
    """A status reads back as its Enum and is stored as the same short string as before (no schema change)."""

    async def work(session):
        reminder = Reminder(created_by=1, status=ReminderStatus.SCHEDULED)
        session.add(reminder)
        await session.flush()
        session.expunge_all()

        raw = await session.scalar(text("SELECT status FROM reminders WHERE id = :id"), {"id": reminder.id})
        assert raw == "scheduled" and type(raw) is str
        stored = await session.get(Reminder, reminder.id)
        assert stored.status is ReminderStatus.SCHEDULED
        # Filters take the Enum; a row written as plain text (by an older release) reads back as the Enum too.
        await session.execute(text("UPDATE reminders SET status = 'cancelled' WHERE id = :id"), {"id": reminder.id})
        session.expunge_all()
        found = await session.scalar(
            select(Reminder.status).where(Reminder.id == reminder.id, Reminder.status == ReminderStatus.CANCELLED)
        )
        assert found is ReminderStatus.CANCELLED

    async with storage.sessionmaker() as session:  # rolled back after the test (conftest.py)
        await work(session)


def test_status_columns_keep_their_width():
    """Every status column is still VARCHAR(16) and fits its longest value."""
    from storage.models import ReminderDelivery, Submission, Threshold, column_width

    for attribute, statuses in (
        (Reminder.status, ReminderStatus),
        (ReminderDelivery.status, DeliveryStatus),
        (Submission.status, SubmissionStatus),
        (Threshold.review_status, ReviewStatus),
    ):
        assert column_width(attribute) == 16
        assert max(len(status.value) for status in statuses) <= 16
