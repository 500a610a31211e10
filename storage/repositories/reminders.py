"""Reminders, weekly schedules and their audiences, as coordinators compose them. Never commits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    DeliveryStatus,
    Member,
    Reminder,
    ReminderDelivery,
    ReminderSchedule,
    ReminderStatus,
    Role,
    Submission,
    SubmissionStatus,
    SurveyForm,
    utcnow,
)
from storage.repositories.batches import in_batches


class ReminderRepository:
    """Reminders and schedules: drafts, what is due, who receives them, how they went."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_reminder(self, created_by: int, **values) -> Reminder:
        """A reminder (a draft unless `status` says otherwise)."""
        values.setdefault("texts", {})
        values.setdefault("template_args", {})
        values.setdefault("audience", {})
        reminder = Reminder(created_by=created_by, created_at=utcnow(), **values)
        self.session.add(reminder)
        await self.session.flush()
        return reminder

    async def reminder(self, reminder_id: int, for_update: bool = False) -> Reminder | None:
        """One reminder."""
        query = select(Reminder).where(Reminder.id == reminder_id)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def add_schedule(self, **values) -> ReminderSchedule:
        """A weekly schedule."""
        schedule = ReminderSchedule(created_at=utcnow(), **values)
        self.session.add(schedule)
        await self.session.flush()
        return schedule

    async def schedule(self, schedule_id: int) -> ReminderSchedule | None:
        """One weekly schedule."""
        return await self.session.get(ReminderSchedule, schedule_id)

    async def audience(
        self, audience: dict, default_language: str, region_countries: Callable[[str], set[str]]
    ) -> list[tuple[int, int, str | None]]:
        """(member id, Telegram id, stored language) of the members an audience describes: active and not
        muted, in id order. Plain rows read 200 at a time: 10,000 recipients never hold the event loop."""
        query = await self._audience_query(
            select(Member.id, Member.telegram_id, Member.language), audience, default_language, region_countries
        )
        return [
            (row.id, row.telegram_id, row.language) async for row in in_batches(self.session, query.order_by(Member.id))
        ]

    async def audience_count(
        self, audience: dict, default_language: str, region_countries: Callable[[str], set[str]]
    ) -> int:
        """How many members the audience describes right now."""
        query = await self._audience_query(select(func.count(Member.id)), audience, default_language, region_countries)
        return int(await self.session.scalar(query) or 0)

    async def _audience_query(
        self, query, audience: dict, default_language: str, region_countries: Callable[[str], set[str]]
    ):
        query = query.where(Member.active, Member.muted.is_(False))
        kind, value = audience.get("kind", "all"), audience.get("value")
        if kind == "role":
            query = query.where(Member.role == value)
        elif kind == "country":
            query = query.where(Member.country == str(value).upper())
        elif kind == "region":
            query = query.where(Member.country.in_(sorted(region_countries(value))))
        elif kind == "language":
            query = query.where(func.coalesce(Member.language, default_language) == value)
        elif kind == "not_submitted":
            submitted = (
                select(Submission.id)
                .join(SurveyForm, SurveyForm.id == Submission.form_pk)
                .where(
                    Submission.member_id == Member.id,
                    SurveyForm.form_id == value,
                    Submission.status == SubmissionStatus.SUBMITTED,
                )
            )
            query = query.where(~exists(submitted), Member.role != Role.COORDINATOR)
            current = await self.session.scalar(
                select(SurveyForm).where(SurveyForm.form_id == value, SurveyForm.is_current).limit(1)
            )
            roles = current.audience_roles() if current is not None else set()
            if roles:
                query = query.where(Member.role.in_(sorted(roles)))
        elif kind in ("not_started", "draft"):
            # Never started: no response at all to the survey. Draft in progress: a draft and nothing submitted.
            def responses(*status: str):
                return (
                    select(Submission.id)
                    .join(SurveyForm, SurveyForm.id == Submission.form_pk)
                    .where(
                        Submission.member_id == Member.id,
                        SurveyForm.form_id == value,
                        *((Submission.status.in_(status),) if status else ()),
                    )
                )

            if kind == "not_started":
                query = query.where(~exists(responses()))
            else:
                query = query.where(
                    exists(responses(SubmissionStatus.DRAFT)), ~exists(responses(SubmissionStatus.SUBMITTED))
                )
            query = query.where(Member.role != Role.COORDINATOR)
            current = await self.session.scalar(
                select(SurveyForm).where(SurveyForm.form_id == value, SurveyForm.is_current).limit(1)
            )
            roles = current.audience_roles() if current is not None else set()
            if roles:
                query = query.where(Member.role.in_(sorted(roles)))
        elif kind != "all":
            raise ValueError(f"unknown audience {kind!r}")
        # Refinements combine with the audience: non-submitters who read French, in Africa, and so on.
        if audience.get("language") and kind != "language":
            query = query.where(func.coalesce(Member.language, default_language) == audience["language"])
        if audience.get("role") and kind != "role":
            query = query.where(Member.role == audience["role"])
        if audience.get("region") and kind != "region":
            query = query.where(Member.country.in_(sorted(region_countries(audience["region"]))))
        if audience.get("country") and kind != "country":
            query = query.where(Member.country == str(audience["country"]).upper())
        return query

    async def start_reminder(self, reminder_id: int, now: datetime) -> bool:
        """Move a scheduled reminder to sending; False if another sender (or a restart) already did."""
        result = await self.session.execute(
            update(Reminder)
            .where(Reminder.id == reminder_id, Reminder.status == ReminderStatus.SCHEDULED)
            .values(status=ReminderStatus.SENDING, queued_at=now)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    async def due_reminders(self, now: datetime) -> list[int]:
        """Scheduled reminders whose time has come."""
        return list(
            await self.session.scalars(
                select(Reminder.id)
                .where(Reminder.status == ReminderStatus.SCHEDULED, Reminder.scheduled_for <= now)
                .order_by(Reminder.scheduled_for, Reminder.id)
            )
        )

    async def due_schedules(self, now: datetime) -> list[ReminderSchedule]:
        """Weekly schedules with a run due, locked so two senders do not both advance them."""
        return list(
            await self.session.scalars(
                select(ReminderSchedule)
                .where(ReminderSchedule.next_run_at <= now, ReminderSchedule.cancelled.is_(False))
                .with_for_update(skip_locked=True)
            )
        )

    async def occurrence_exists(self, schedule_id: int, scheduled_for: datetime) -> bool:
        """Whether the schedule already created its reminder for this time."""
        return (
            await self.session.scalar(
                select(func.count(Reminder.id)).where(
                    Reminder.schedule_id == schedule_id, Reminder.scheduled_for == scheduled_for
                )
            )
            > 0
        )

    async def delivery_counts(self, reminder_ids: list[int]) -> dict[int, dict[DeliveryStatus, int]]:
        """Deliveries per status for each reminder."""
        counts: dict[int, dict[DeliveryStatus, int]] = {reminder_id: {} for reminder_id in reminder_ids}
        if not reminder_ids:
            return counts
        rows = await self.session.execute(
            select(ReminderDelivery.reminder_id, ReminderDelivery.status, func.count(ReminderDelivery.id))
            .where(ReminderDelivery.reminder_id.in_(reminder_ids))
            .group_by(ReminderDelivery.reminder_id, ReminderDelivery.status)
        )
        for reminder_id, status, count in rows:
            counts[reminder_id][status] = count
        return counts

    async def recent_reminders(self, limit: int = 10) -> list[Reminder]:
        """The newest reminders that are not drafts."""
        return list(
            await self.session.scalars(
                select(Reminder)
                .where(Reminder.status != ReminderStatus.DRAFT)
                .order_by(Reminder.id.desc())
                .limit(limit)
            )
        )

    async def active_schedules(self) -> list[ReminderSchedule]:
        """Weekly schedules still running."""
        return list(
            await self.session.scalars(
                select(ReminderSchedule)
                .where(ReminderSchedule.cancelled.is_(False), ReminderSchedule.next_run_at.is_not(None))
                .order_by(ReminderSchedule.id)
            )
        )
