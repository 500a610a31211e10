"""The outbox: one delivery per recipient of a reminder, claimed and sent by the sender. Never commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from itertools import islice

from sqlalchemy import and_, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DeliveryStatus, Member, Reminder, ReminderDelivery, ReminderSchedule, ReminderStatus

# Deliveries not finished yet: a reminder with any of these is still being sent.
OPEN_DELIVERY_STATUSES = (DeliveryStatus.QUEUED, DeliveryStatus.CLAIMED, DeliveryStatus.SENDING)


class OutboxRepository:
    """Deliveries queued, claimed and sent; everything the reminder sender reads and writes."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def queue_deliveries(self, reminder_id: int, recipients: Iterable[tuple[int, int, str]]) -> int:
        """Insert one queued delivery per (member id, chat id, language), 500 rows per statement; the rows of
        a statement are built just before it, so the event loop is free between them."""
        recipients = iter(recipients)
        count = 0
        while batch := list(islice(recipients, 500)):
            await self.session.execute(
                insert(ReminderDelivery),
                [
                    {
                        "reminder_id": reminder_id,
                        "member_id": member_id,
                        "chat_id": chat_id,
                        "language": language,
                        "status": DeliveryStatus.QUEUED,
                        "attempts": 0,
                    }
                    for member_id, chat_id, language in batch
                ],
            )
            count += len(batch)
        return count

    async def claim(self, token: str, now: datetime, stale_before: datetime, limit: int) -> list[int]:
        """Take up to `limit` deliveries for this sender: queued ones that are due, or claims of a dead sender.

        PostgreSQL locks the candidates with SKIP LOCKED, so concurrent senders take different rows;
        SQLite has one writer at a time, so the single UPDATE is atomic there.
        """
        candidates = (
            select(ReminderDelivery.id)
            .where(
                or_(
                    and_(
                        ReminderDelivery.status == DeliveryStatus.QUEUED,
                        or_(ReminderDelivery.not_before.is_(None), ReminderDelivery.not_before <= now),
                    ),
                    and_(ReminderDelivery.status == DeliveryStatus.CLAIMED, ReminderDelivery.claimed_at < stale_before),
                )
            )
            .order_by(ReminderDelivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = await self.session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.id.in_(candidates.scalar_subquery()))
            .values(status=DeliveryStatus.CLAIMED, claim_token=token, claimed_at=now)
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
            .where(ReminderDelivery.claim_token == token, ReminderDelivery.status == DeliveryStatus.CLAIMED)
            .order_by(ReminderDelivery.id)
        )
        return [tuple(row) for row in rows]

    async def set_delivery(self, delivery_id: int, token: str, expected: DeliveryStatus, **values) -> bool:
        """Change a delivery this sender holds, only if it is still in the `expected` status."""
        result = await self.session.execute(
            update(ReminderDelivery)
            .where(
                ReminderDelivery.id == delivery_id,
                ReminderDelivery.claim_token == token,
                ReminderDelivery.status == expected,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    async def release_claims(self, token: str) -> int:
        """Give back deliveries this sender claimed but never attempted (a clean stop)."""
        result = await self.session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.claim_token == token, ReminderDelivery.status == DeliveryStatus.CLAIMED)
            .values(status=DeliveryStatus.QUEUED, claim_token=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount

    async def give_up_in_doubt(self, stale_before: datetime) -> int:
        """Requests a dead sender had under way: Telegram may have delivered them, so never send them again."""
        result = await self.session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.status == DeliveryStatus.SENDING, ReminderDelivery.claimed_at < stale_before)
            .values(status=DeliveryStatus.UNKNOWN, error="sender stopped while the request was under way")
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
            .where(Reminder.status == ReminderStatus.SENDING, ~exists(open_delivery))
            .values(status=ReminderStatus.DONE, finished_at=now)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount

    async def has_open_deliveries(self) -> bool:
        """Whether anything is waiting to be sent or under way."""
        return bool(
            await self.session.scalar(
                select(func.count(ReminderDelivery.id)).where(ReminderDelivery.status.in_(OPEN_DELIVERY_STATUSES))
            )
        )

    async def next_due_at(self) -> datetime | None:
        """When the next scheduled reminder or weekly run is due."""
        reminder = await self.session.scalar(
            select(func.min(Reminder.scheduled_for)).where(Reminder.status == ReminderStatus.SCHEDULED)
        )
        schedule = await self.session.scalar(
            select(func.min(ReminderSchedule.next_run_at)).where(ReminderSchedule.cancelled.is_(False))
        )
        moments = [moment for moment in (reminder, schedule) if moment is not None]
        return min(moments) if moments else None

    async def deactivate_member(self, member_id: int) -> None:
        """The member blocked the bot: no more reminders until they write again."""
        await self.session.execute(
            update(Member)
            .where(Member.id == member_id)
            .values(active=False)
            .execution_options(synchronize_session=False)
        )
