"""Onboarding and profile changes. Each function owns its transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.coordination import apply_invite, is_invite_code
from storage.models import SELF_CHOSEN_ROLES, Member, Role, fit_column, utcnow
from storage.repositories.invites import InviteRepository
from storage.repositories.members import MemberRepository

# Telegram allows A-Z, a-z, 0-9, _ and - in deep-link payloads, up to 64 characters.
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class User(Protocol):
    """The Telegram user an update comes from, as far as the services need it (aiogram's User fits)."""

    id: int
    username: str | None

    @property
    def full_name(self) -> str: ...


@dataclass
class Started:
    """What /start did: the member, and what their invite link did (None: the link carried no invite)."""

    member: Member
    invite_applied: bool | None = None


def parse_start_payload(args: str | None) -> str | None:
    """The deep-link payload of `/start <payload>`, or None when absent or malformed."""
    if not args:
        return None
    args = args.strip()
    return args if _PAYLOAD.match(args) else None


async def register(session: AsyncSession, user: User, payload: str | None) -> Member:
    """Create the member on first /start (or refresh their name) and remember the deep link."""
    async with session.begin():
        return await _register(MemberRepository(session), user, payload)


async def _register(repo: MemberRepository, user: User, payload: str | None) -> Member:
    member = await repo.get_or_create(user.id, user.full_name)
    # Secondary text from Telegram: shortened to its column rather than refused.
    member.name = fit_column(Member.name, user.full_name)
    member.username = fit_column(Member.username, user.username or "") or None
    member.active = True  # writing to the bot again after blocking it
    if payload:
        member.start_payload = payload
    await repo.touch(member)
    return member


async def start(session: AsyncSession, user: User, payload: str | None) -> Started:
    """/start, in one transaction: register the member (or refresh them) and, for someone without a profile
    yet, redeem the invite the link carries (country and role preset; a used or expired one changes nothing)."""
    async with session.begin():
        member = await _register(MemberRepository(session), user, payload)
        if payload is None or not is_invite_code(payload) or member.is_onboarded:
            return Started(member)
        return Started(member, await apply_invite(InviteRepository(session), member, payload))


async def set_language(session: AsyncSession, user: User, language: str) -> Member:
    """Store the member's language choice."""
    async with session.begin():
        member = await MemberRepository(session).get_or_create(user.id, user.full_name)
        member.language = language
    return member


async def set_country(session: AsyncSession, user: User, country: str) -> Member:
    """Store the member's country (ISO code); a national focal point keeps the one a coordinator confirmed."""
    async with session.begin():
        member = await MemberRepository(session).get_or_create(user.id, user.full_name)
        if member.role != Role.FOCAL_POINT or not member.country:
            member.country = country.upper()
    return member


async def set_role(session: AsyncSession, user: User, role: str) -> Member:
    """Store the member's role; onboarding is complete once country and role are known."""
    if role not in SELF_CHOSEN_ROLES:
        raise ValueError(f"role {role!r} cannot be self-chosen")
    async with session.begin():
        member = await MemberRepository(session).get_or_create(user.id, user.full_name)
        # A coordinator, or a focal point a coordinator confirmed, keeps that role.
        if member.role not in (Role.COORDINATOR, Role.FOCAL_POINT):
            member.role = role
        if member.country and member.onboarded_at is None:
            member.onboarded_at = utcnow()
    return member


def is_coordinator(member: Member | None, user_id: int, coordinator_ids: list[int]) -> bool:
    """Coordinators are the configured ids plus members promoted to the role."""
    return user_id in coordinator_ids or (member is not None and member.role == Role.COORDINATOR)
