"""/mute and /unmute: any member may stop or resume reminders (not a coordinator tool, kept beside them)."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.guards import command
from bot.services import coordination


async def mute(message: Message, session: AsyncSession) -> None:
    """Stop receiving reminders."""
    await coordination.set_muted(session, message.from_user, True)
    await message.answer(_("You will receive no more reminders. Send /unmute to receive them again."))


async def unmute(message: Message, session: AsyncSession) -> None:
    """Receive reminders again."""
    await coordination.set_muted(session, message.from_user, False)
    await message.answer(_("You will receive reminders again. Send /mute to stop them."))


def build_router() -> Router:
    """/mute and /unmute, for every member."""
    router = Router(name="coordinator: muting")
    router.message.register(mute, command("mute"))
    router.message.register(unmute, command("unmute"))
    return router
