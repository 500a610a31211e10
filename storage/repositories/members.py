"""Reading and writing members. Never commits: the calling service owns the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, fit_column, utcnow


class MemberRepository:
    """Members by Telegram id."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, telegram_id: int) -> Member | None:
        """The member with this Telegram id, if they ever talked to the bot."""
        return await self.session.scalar(select(Member).where(Member.telegram_id == telegram_id))

    async def get_or_create(self, telegram_id: int, name: str) -> Member:
        """The member, created on first contact."""
        member = await self.get(telegram_id)
        if member is not None:
            return member
        try:
            # A savepoint: two updates of a brand-new user may race to create the row.
            async with self.session.begin_nested():
                member = Member(
                    telegram_id=telegram_id,
                    name=fit_column(Member.name, name),
                    created_at=utcnow(),
                    last_seen_at=utcnow(),
                )
                self.session.add(member)
        except IntegrityError:
            member = await self.get(telegram_id)
            assert member is not None
        return member

    async def touch(self, member: Member, now: datetime | None = None) -> None:
        """Record that the member was active."""
        member.last_seen_at = now or utcnow()
