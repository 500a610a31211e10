"""Coordinator data: roles, invites, reminders and their deliveries, uploaded forms. Never commits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import islice

from sqlalchemy import Text, and_, cast, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    DeliveryStatus,
    FormUpload,
    Invite,
    Member,
    Reminder,
    ReminderDelivery,
    ReminderSchedule,
    ReminderStatus,
    ReviewStatus,
    Role,
    RoleChange,
    Submission,
    SubmissionStatus,
    SurveyForm,
    Threshold,
    utcnow,
)
from storage.repositories.batches import in_batches

# Deliveries not finished yet: a reminder with any of these is still being sent.
OPEN_DELIVERY_STATUSES = (DeliveryStatus.QUEUED.value, DeliveryStatus.CLAIMED.value, DeliveryStatus.SENDING.value)


class CoordinationRepository:
    """Everything coordinators create and read, on SQLite and PostgreSQL alike."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # ------------------------------------------------------------------ members and roles

    async def member(self, telegram_id: int) -> Member | None:
        """A member by Telegram id."""
        return await self.session.scalar(select(Member).where(Member.telegram_id == telegram_id))

    async def member_by_username(self, username: str) -> Member | None:
        """A member by Telegram @username (case-insensitive, without the @)."""
        return await self.session.scalar(
            select(Member).where(func.lower(Member.username) == username.lstrip("@").lower()).limit(1)
        )

    async def change_role(self, member: Member, new_role: str, changed_by: int) -> RoleChange:
        """Set the member's role and record who did it."""
        change = RoleChange(member_id=member.id, old_role=member.role, new_role=new_role, changed_by=changed_by,
                            changed_at=utcnow())
        member.role = new_role
        self.session.add(change)
        await self.session.flush()
        return change

    async def role_before_promotion(self, member_id: int) -> str | None:
        """The role the member had before their latest promotion to coordinator."""
        return await self.session.scalar(
            select(RoleChange.old_role)
            .where(RoleChange.member_id == member_id, RoleChange.new_role == Role.COORDINATOR.value)
            .order_by(RoleChange.id.desc()).limit(1)
        )

    async def role_changes(self, member_id: int) -> list[RoleChange]:
        """The member's role history, oldest first."""
        return list(await self.session.scalars(
            select(RoleChange).where(RoleChange.member_id == member_id).order_by(RoleChange.id)
        ))

    async def promoted_coordinators(self) -> list[Member]:
        """Members holding the coordinator role in the database."""
        return list(await self.session.scalars(select(Member).where(Member.role == Role.COORDINATOR.value)))

    # ------------------------------------------------------------------ invites

    async def add_invite(self, code: str, country: str, role: str, max_uses: int | None, expires_at: datetime,
                         created_by: int) -> Invite:
        """Store a new invite code."""
        invite = Invite(code=code, country=country, role=role, max_uses=max_uses, uses=0, expires_at=expires_at,
                        created_by=created_by, created_at=utcnow())
        self.session.add(invite)
        await self.session.flush()
        return invite

    async def invite(self, code: str) -> Invite | None:
        """An invite by its code."""
        return await self.session.scalar(select(Invite).where(Invite.code == code))

    async def use_invite(self, code: str, now: datetime) -> bool:
        """Count one use if the invite is still valid; one atomic UPDATE, so two people cannot share a single use."""
        result = await self.session.execute(
            update(Invite)
            .where(Invite.code == code, Invite.expires_at > now,
                   or_(Invite.max_uses.is_(None), Invite.uses < Invite.max_uses))
            .values(uses=Invite.uses + 1)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    # ------------------------------------------------------------------ reminders

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

    async def audience(self, audience: dict, default_language: str,
                       region_countries: Callable[[str], set[str]]) -> list[tuple[int, int, str | None]]:
        """(member id, Telegram id, stored language) of the members an audience describes: active and not
        muted, in id order. Plain rows read 200 at a time: 10,000 recipients never hold the event loop."""
        query = await self._audience_query(select(Member.id, Member.telegram_id, Member.language), audience,
                                           default_language, region_countries)
        return [(row.id, row.telegram_id, row.language) async for row in in_batches(self.session, query.order_by(Member.id))]

    async def audience_count(self, audience: dict, default_language: str, region_countries: Callable[[str], set[str]]) -> int:
        """How many members the audience describes right now."""
        query = await self._audience_query(select(func.count(Member.id)), audience, default_language, region_countries)
        return int(await self.session.scalar(query) or 0)

    async def _audience_query(self, query, audience: dict, default_language: str,
                              region_countries: Callable[[str], set[str]]):
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
                .where(Submission.member_id == Member.id, SurveyForm.form_id == value,
                       Submission.status == SubmissionStatus.SUBMITTED.value)
            )
            query = query.where(~exists(submitted), Member.role != Role.COORDINATOR.value)
            current = await self.session.scalar(
                select(SurveyForm).where(SurveyForm.form_id == value, SurveyForm.is_current).limit(1)
            )
            roles = current.audience_roles() if current is not None else set()
            if roles:
                query = query.where(Member.role.in_(sorted(roles)))
        elif kind in ("not_started", "draft"):
            # Never started: no response at all to the survey. Draft in progress: a draft and nothing submitted.
            def responses(*status: str):
                return (select(Submission.id).join(SurveyForm, SurveyForm.id == Submission.form_pk)
                        .where(Submission.member_id == Member.id, SurveyForm.form_id == value,
                               *((Submission.status.in_(status),) if status else ())))
            if kind == "not_started":
                query = query.where(~exists(responses()))
            else:
                query = query.where(exists(responses(SubmissionStatus.DRAFT.value)),
                                    ~exists(responses(SubmissionStatus.SUBMITTED.value)))
            query = query.where(Member.role != Role.COORDINATOR.value)
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
            .where(Reminder.id == reminder_id, Reminder.status == ReminderStatus.SCHEDULED.value)
            .values(status=ReminderStatus.SENDING.value, queued_at=now)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    async def queue_deliveries(self, reminder_id: int, recipients: Iterable[tuple[int, int, str]]) -> int:
        """Insert one queued delivery per (member id, chat id, language), 500 rows per statement; the rows of
        a statement are built just before it, so the event loop is free between them."""
        recipients = iter(recipients)
        count = 0
        while batch := list(islice(recipients, 500)):
            await self.session.execute(insert(ReminderDelivery), [
                {"reminder_id": reminder_id, "member_id": member_id, "chat_id": chat_id, "language": language,
                 "status": DeliveryStatus.QUEUED.value, "attempts": 0}
                for member_id, chat_id, language in batch
            ])
            count += len(batch)
        return count

    async def due_reminders(self, now: datetime) -> list[int]:
        """Scheduled reminders whose time has come."""
        return list(await self.session.scalars(
            select(Reminder.id).where(Reminder.status == ReminderStatus.SCHEDULED.value, Reminder.scheduled_for <= now)
            .order_by(Reminder.scheduled_for, Reminder.id)
        ))

    async def due_schedules(self, now: datetime) -> list[ReminderSchedule]:
        """Weekly schedules with a run due, locked so two senders do not both advance them."""
        return list(await self.session.scalars(
            select(ReminderSchedule)
            .where(ReminderSchedule.next_run_at <= now, ReminderSchedule.cancelled.is_(False))
            .with_for_update(skip_locked=True)
        ))

    async def occurrence_exists(self, schedule_id: int, scheduled_for: datetime) -> bool:
        """Whether the schedule already created its reminder for this time."""
        return await self.session.scalar(
            select(func.count(Reminder.id)).where(Reminder.schedule_id == schedule_id, Reminder.scheduled_for == scheduled_for)
        ) > 0

    async def claim(self, token: str, now: datetime, stale_before: datetime, limit: int) -> list[int]:
        """Take up to `limit` deliveries for this sender: queued ones that are due, or claims of a dead sender.

        PostgreSQL locks the candidates with SKIP LOCKED, so concurrent senders take different rows;
        SQLite has one writer at a time, so the single UPDATE is atomic there.
        """
        candidates = (
            select(ReminderDelivery.id)
            .where(or_(
                and_(ReminderDelivery.status == DeliveryStatus.QUEUED.value,
                     or_(ReminderDelivery.not_before.is_(None), ReminderDelivery.not_before <= now)),
                and_(ReminderDelivery.status == DeliveryStatus.CLAIMED.value, ReminderDelivery.claimed_at < stale_before),
            ))
            .order_by(ReminderDelivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = await self.session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.id.in_(candidates.scalar_subquery()))
            .values(status=DeliveryStatus.CLAIMED.value, claim_token=token, claimed_at=now)
            .returning(ReminderDelivery.id)
            .execution_options(synchronize_session=False)
        )
        return sorted(result.scalars())

    async def claimed(self, token: str) -> list[tuple[ReminderDelivery, Reminder, Member]]:
        """This sender's claimed deliveries with their reminder and member, oldest first."""
        rows = await self.session.execute(
            select(ReminderDelivery, Reminder, Member)
            .join(Reminder, Reminder.id == ReminderDelivery.reminder_id)
            .join(Member, Member.id == ReminderDelivery.member_id)
            .where(ReminderDelivery.claim_token == token, ReminderDelivery.status == DeliveryStatus.CLAIMED.value)
            .order_by(ReminderDelivery.id)
        )
        return [tuple(row) for row in rows]

    async def set_delivery(self, delivery_id: int, token: str, expected: str, **values) -> bool:
        """Change a delivery this sender holds, only if it is still in the `expected` status."""
        result = await self.session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.id == delivery_id, ReminderDelivery.claim_token == token,
                   ReminderDelivery.status == expected)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    async def release_claims(self, token: str) -> int:
        """Give back deliveries this sender claimed but never attempted (a clean stop)."""
        result = await self.session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.claim_token == token, ReminderDelivery.status == DeliveryStatus.CLAIMED.value)
            .values(status=DeliveryStatus.QUEUED.value, claim_token=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount

    async def give_up_in_doubt(self, stale_before: datetime) -> int:
        """Requests a dead sender had under way: Telegram may have delivered them, so never send them again."""
        result = await self.session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.status == DeliveryStatus.SENDING.value, ReminderDelivery.claimed_at < stale_before)
            .values(status=DeliveryStatus.UNKNOWN.value, error="sender stopped while the request was under way")
            .execution_options(synchronize_session=False)
        )
        return result.rowcount

    async def finish_reminders(self, now: datetime) -> int:
        """Mark sending reminders with no open delivery as done."""
        open_delivery = select(ReminderDelivery.id).where(
            ReminderDelivery.reminder_id == Reminder.id, ReminderDelivery.status.in_(OPEN_DELIVERY_STATUSES)
        )
        result = await self.session.execute(
            update(Reminder)
            .where(Reminder.status == ReminderStatus.SENDING.value, ~exists(open_delivery))
            .values(status=ReminderStatus.DONE.value, finished_at=now)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount

    async def has_open_deliveries(self) -> bool:
        """Whether anything is waiting to be sent or under way."""
        return bool(await self.session.scalar(
            select(func.count(ReminderDelivery.id)).where(ReminderDelivery.status.in_(OPEN_DELIVERY_STATUSES))
        ))

    async def next_due_at(self) -> datetime | None:
        """When the next scheduled reminder or weekly run is due."""
        reminder = await self.session.scalar(
            select(func.min(Reminder.scheduled_for)).where(Reminder.status == ReminderStatus.SCHEDULED.value)
        )
        schedule = await self.session.scalar(
            select(func.min(ReminderSchedule.next_run_at)).where(ReminderSchedule.cancelled.is_(False))
        )
        moments = [moment for moment in (reminder, schedule) if moment is not None]
        return min(moments) if moments else None

    async def deactivate_member(self, member_id: int) -> None:
        """The member blocked the bot: no more reminders until they write again."""
        await self.session.execute(
            update(Member).where(Member.id == member_id).values(active=False).execution_options(synchronize_session=False)
        )

    async def delivery_counts(self, reminder_ids: list[int]) -> dict[int, dict[str, int]]:
        """Deliveries per status for each reminder."""
        counts: dict[int, dict[str, int]] = {reminder_id: {} for reminder_id in reminder_ids}
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
        return list(await self.session.scalars(
            select(Reminder).where(Reminder.status != ReminderStatus.DRAFT.value)
            .order_by(Reminder.id.desc()).limit(limit)
        ))

    async def active_schedules(self) -> list[ReminderSchedule]:
        """Weekly schedules still running."""
        return list(await self.session.scalars(
            select(ReminderSchedule).where(ReminderSchedule.cancelled.is_(False), ReminderSchedule.next_run_at.is_not(None))
            .order_by(ReminderSchedule.id)
        ))

    # ------------------------------------------------------------------ statistics and exports

    async def submission_rows(self, form_ids: Iterable[str] | None = None, statuses: Iterable[str] | None = None,
                              data_as_text: bool = False) -> list[dict]:
        """Submissions (all versions) as plain dicts with their form id and the member's Telegram id.

        `data_as_text` leaves the answers as the database's JSON text (None when there are none), for a
        worker process to decode.
        """
        data = cast(Submission.data, Text).label("data") if data_as_text else Submission.data
        query = (
            # Columns, not Submission objects: the engine state (the largest column) is not needed here.
            select(Submission.id, SurveyForm.form_id, Submission.status, Submission.country, Submission.language,
                   data, Submission.submitted_at, Member.telegram_id, Member.role)
            .join(SurveyForm, SurveyForm.id == Submission.form_pk)
            .outerjoin(Member, Member.id == Submission.member_id)
            .order_by(Submission.id)
        )
        if form_ids is not None:
            query = query.where(SurveyForm.form_id.in_(list(form_ids)))
        if statuses is not None:
            query = query.where(Submission.status.in_(list(statuses)))
        found = []
        async for row in in_batches(self.session, query):
            found.append({"id": row.id, "form_id": row.form_id, "status": row.status, "country": row.country,
                          "language": row.language, "data": row.data if data_as_text else row.data or {},
                          "submitted_at": row.submitted_at,
                          "telegram_id": row.telegram_id, "role": row.role})
        return found

    async def review_statuses(self, submission_ids: list[int]) -> dict[int, str]:
        """Per submission, where its reported threshold values stand: pending while any waits,
        else approved, rejected, or partly approved; submissions without values are left out."""
        found: dict[int, set[str]] = {}
        for start in range(0, len(submission_ids), 500):
            rows = await self.session.execute(
                select(Threshold.submission_id, Threshold.review_status)
                .where(Threshold.submission_id.in_(submission_ids[start:start + 500]))
            )
            for submission_id, status in rows:
                found.setdefault(submission_id, set()).add(status)
        summary = {}
        for submission_id, statuses in found.items():
            if ReviewStatus.PENDING.value in statuses:
                summary[submission_id] = ReviewStatus.PENDING.value
            elif len(statuses) == 1:
                summary[submission_id] = statuses.pop()
            else:
                summary[submission_id] = "partly approved"
        return summary

    async def member_rows(self) -> list[dict]:
        """Members as plain dicts (country and role), for the indicators."""
        return [{"country": row.country, "role": row.role}
                async for row in in_batches(self.session, select(Member.country, Member.role))]

    async def current_form(self, form_id: str) -> SurveyForm | None:
        """The current version of a form id."""
        return await self.session.scalar(
            select(SurveyForm).where(SurveyForm.form_id == form_id, SurveyForm.is_current).order_by(SurveyForm.id.desc()).limit(1)
        )

    # ------------------------------------------------------------------ threshold review

    async def next_pending_threshold(self, after_id: int = 0, wrap: bool = True) -> Threshold | None:
        """The oldest survey-reported threshold waiting for review, after `after_id` (then from the start,
        unless `wrap` is False: Skip on the last one must not show it again)."""
        base = select(Threshold).where(Threshold.review_status == ReviewStatus.PENDING.value, Threshold.origin == "survey")
        found = await self.session.scalar(base.where(Threshold.id > after_id).order_by(Threshold.id).limit(1))
        if found is None and after_id and wrap:
            found = await self.session.scalar(base.order_by(Threshold.id).limit(1))
        return found

    async def pending_threshold_count(self) -> int:
        """How many survey-reported thresholds wait for review."""
        return await self.session.scalar(
            select(func.count(Threshold.id)).where(Threshold.review_status == ReviewStatus.PENDING.value,
                                                   Threshold.origin == "survey")
        ) or 0

    async def threshold(self, threshold_id: int, for_update: bool = False) -> Threshold | None:
        """One threshold row."""
        query = select(Threshold).where(Threshold.id == threshold_id)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query)

    # ------------------------------------------------------------------ form uploads

    async def add_upload(self, **values) -> FormUpload:
        """Keep a checked XLSForm until the coordinator confirms it."""
        upload = FormUpload(created_at=utcnow(), **values)
        self.session.add(upload)
        await self.session.flush()
        return upload

    async def upload(self, upload_id: int) -> FormUpload | None:
        """One uploaded form."""
        return await self.session.get(FormUpload, upload_id)
