"""/promote and /demote: give or take the coordinator role."""

from __future__ import annotations

import html

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import register_coordinator_commands, remove_coordinator_commands
from bot.config import Settings
from bot.handlers.coordinator.common import usage_html
from bot.keyboards import role_labels
from bot.limits import fit_utf16
from bot.services import coordination
from bot.telegram_render import split_message
from storage.models import Member

# One /promote or /demote names at most this many members (each gets its own line in the reply).
MAX_ROLE_REFERENCES = 20


def _references(args: str | None) -> list[str]:
    """The Telegram ids and @usernames of a /promote or /demote, each once, in the order given."""
    seen: dict[str, str] = {}
    for word in (args or "").replace(",", " ").split():
        seen.setdefault(word.lower(), word)
    return list(seen.values())


def _who(reference: str) -> str:
    return html.escape(fit_utf16(reference, 64))


def _member_label(member: Member) -> str:
    return html.escape(fit_utf16(member.name or "", 64) or str(member.telegram_id))


async def promote(
    message: Message,
    command: CommandObject,
    member: Member | None,
    settings: Settings,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    """Make members (Telegram ids or @usernames, one or several) coordinators; one line per member."""
    await state.clear()
    references = _references(command.args)
    if not references or len(references) > MAX_ROLE_REFERENCES:
        await message.answer(
            usage_html(
                _("Usage: /promote <Telegram id or @username> [more ids or usernames, at most {count}]").format(
                    count=MAX_ROLE_REFERENCES
                )
            )
        )
        return
    lines, promoted = [], {}
    for reference in references:
        try:
            result = await coordination.promote(session, reference, message.from_user.id)
        except coordination.NotFound:
            lines.append(
                _("I know no member {who}. They need to send /start to the bot first.").format(who=_who(reference))
            )
            continue
        except coordination.NotAllowed:
            lines.append(_("{name} is already a coordinator.").format(name=_who(reference)))
            continue
        promoted[result.member.telegram_id] = result.member.language
        lines.append(_("{name} is now a coordinator.").format(name=_member_label(result.member)))
    if promoted:
        await register_coordinator_commands(bot, i18n, promoted, settings.default_language)
    for chunk in split_message("\n".join(lines)):
        await message.answer(chunk)


async def demote(
    message: Message,
    command: CommandObject,
    member: Member | None,
    settings: Settings,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
) -> None:
    """Give promoted coordinators (one or several) their previous role back; one line per member."""
    await state.clear()
    references = _references(command.args)
    if not references or len(references) > MAX_ROLE_REFERENCES:
        await message.answer(
            usage_html(
                _("Usage: /demote <Telegram id or @username> [more ids or usernames, at most {count}]").format(
                    count=MAX_ROLE_REFERENCES
                )
            )
        )
        return
    lines = []
    for reference in references:
        try:
            result = await coordination.demote(session, reference, message.from_user.id, settings.coordinator_ids)
        except coordination.NotFound:
            lines.append(
                _("I know no member {who}. They need to send /start to the bot first.").format(who=_who(reference))
            )
            continue
        except coordination.NotAllowed as error:
            if str(error) == "configured":
                lines.append(
                    _(
                        "{who} is a coordinator by the bot's configuration (COORDINATOR_IDS); "
                        "only the operator can change that."
                    ).format(who=_who(reference))
                )
            else:
                lines.append(_("{who} is not a coordinator.").format(who=_who(reference)))
            continue
        await remove_coordinator_commands(bot, result.member.telegram_id)
        lines.append(
            _("{name} is no longer a coordinator (role now: {role}).").format(
                name=_member_label(result.member), role=role_labels().get(result.new_role, result.new_role)
            )
        )
    for chunk in split_message("\n".join(lines)):
        await message.answer(chunk)


def build_router() -> Router:
    """/promote and /demote (coordinators only: the parent router's filter)."""
    router = Router(name="coordinator: roles")
    router.message.register(promote, Command("promote"))
    router.message.register(demote, Command("demote"))
    return router
