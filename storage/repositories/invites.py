"""Invite codes (`/start <code>`). Never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invite, utcnow


class InviteRepository:
    """Invites that preset a new member's country and role."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_invite(
        self, code: str, country: str, role: str, max_uses: int | None, expires_at: datetime, created_by: int
    ) -> Invite:
        """Store a new invite code."""
        invite = Invite(
            code=code,
            country=country,
            role=role,
            max_uses=max_uses,
            uses=0,
            expires_at=expires_at,
            created_by=created_by,
            created_at=utcnow(),
        )
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
            .where(
                Invite.code == code,
                Invite.expires_at > now,
                or_(Invite.max_uses.is_(None), Invite.uses < Invite.max_uses),
            )
            .values(uses=Invite.uses + 1)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1
