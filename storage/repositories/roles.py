"""Members' roles and who changed them. Never commits: the calling service owns the transaction."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, Role, RoleChange, utcnow


class RoleRepository:
    """Coordinators are appointed, never self-chosen: every change is recorded."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def member(self, telegram_id: int) -> Member | None:
        """A member by Telegram id."""
        return await self.session.scalar(select(Member).where(Member.telegram_id == telegram_id))

    async def member_by_username(self, username: str) -> Member | None:
        """A member by Telegram @username (case-insensitive, without the @)."""
        return await self.session.scalar(
            select(Member).where(func.lower(Member.username) == username.lstrip("@").lower()).limit(1)
        )

    async def change_role(
        self, member: Member, new_role: str, changed_by: int, new_country: str | None = None
    ) -> RoleChange:
        """Set the member's role (and country, when given) and record who did it, with both countries."""
        country = member.country if new_country is None else new_country
        change = RoleChange(
            member_id=member.id,
            old_role=member.role,
            new_role=new_role,
            old_country=member.country,
            new_country=country,
            changed_by=changed_by,
            changed_at=utcnow(),
        )
        member.role, member.country = new_role, country
        self.session.add(change)
        await self.session.flush()
        return change

    async def role_before_promotion(self, member_id: int) -> str | None:
        """The role the member had before their latest promotion to coordinator: "member" for a focal-point role
        migration 0008 found self-declared after that promotion (recorded as focal_point -> member by 0)."""
        promotion = await self.session.scalar(
            select(RoleChange)
            .where(RoleChange.member_id == member_id, RoleChange.new_role == Role.COORDINATOR)
            .order_by(RoleChange.id.desc())
            .limit(1)
        )
        if promotion is None:
            return None
        if promotion.old_role == Role.FOCAL_POINT:
            stepped_down = await self.session.scalar(
                select(RoleChange.id)
                .where(
                    RoleChange.member_id == member_id,
                    RoleChange.id > promotion.id,
                    RoleChange.changed_by == 0,
                    RoleChange.old_role == Role.FOCAL_POINT,
                    RoleChange.new_role == Role.MEMBER,
                )
                .limit(1)
            )
            if stepped_down is not None:
                return Role.MEMBER
        return promotion.old_role

    async def role_changes(self, member_id: int) -> list[RoleChange]:
        """The member's role history, oldest first."""
        return list(
            await self.session.scalars(
                select(RoleChange).where(RoleChange.member_id == member_id).order_by(RoleChange.id)
            )
        )

    async def promoted_coordinators(self) -> list[Member]:
        """Members holding the coordinator role in the database."""
        return list(await self.session.scalars(select(Member).where(Member.role == Role.COORDINATOR)))
