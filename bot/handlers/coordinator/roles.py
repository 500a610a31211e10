"""/promote and /demote: give or take the coordinator role; /setrole: a member's role (national focal point,
laboratory, member) and country."""

from __future__ import annotations

import html
import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import register_coordinator_commands, remove_coordinator_commands
from bot.config import Settings
from bot.countries import country_name, read_country
from bot.handlers.coordinator.common import ROLE_WORDS, fit, not_a_member_nation, usage_html
from bot.handlers.guards import command
from bot.keyboards import role_labels
from bot.limits import fit_utf16
from bot.services import coordination
from bot.telegram_render import split_message
from storage.models import Member, Role

log = logging.getLogger(__name__)

# One /promote or /demote names at most this many members (each gets its own line in the reply).
MAX_ROLE_REFERENCES = 20
# Longest /setrole arguments read (a reference, a role and a country name fit well within it).
MAX_SETROLE_ARGS = 200


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


def _setrole_usage() -> str:
    return _(
        "Usage: /setrole <Telegram id or @username> <focal_point | lab | member> [country]\n"
        "Example: <code>/setrole @amina focal_point Kenya</code> (the country is needed for a focal point "
        "who has none yet)."
    )


async def setrole(
    message: Message,
    command: CommandObject,
    settings: Settings,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    """Set a member's role (national focal point, laboratory, member) and, if given, their country; the
    member is told in their language."""
    await state.clear()
    args = (command.args or "").split()
    role = ROLE_WORDS.get(args[1].lower()) if len(args) >= 2 else None
    if role is None or len(command.args or "") > MAX_SETROLE_ARGS:
        await message.answer(usage_html(_setrole_usage()))
        return
    reference, country_text = args[0], " ".join(args[2:])
    country = None
    if country_text:
        country, candidates = read_country(country_text)
        if country is None:
            lang = i18n.current_locale
            if candidates:
                names = ", ".join(html.escape(country_name(code, lang)) for code, _score in candidates)
                await message.answer(
                    _("Which country did you mean: {names}? Please send /setrole again with its name.").format(
                        names=names
                    )
                )
            else:
                await message.answer(
                    _(
                        "I do not recognise the country “{text}”. Please type its name or its two-letter "
                        "ISO code, for example Kenya or KE."
                    ).format(text=fit(country_text, 100))
                )
            return
    try:
        result = await coordination.set_member_role(
            session, reference, role, country, message.from_user.id, settings.coordinator_ids
        )
    except coordination.NotFound:
        await message.answer(
            _("I know no member {who}. They need to send /start to the bot first.").format(who=_who(reference))
        )
        return
    except coordination.NotAllowed as error:
        reason, *about = error.args
        await message.answer(_setrole_refusal(reason, reference, role, (about or [country])[0], i18n.current_locale))
        return
    target = result.member
    await message.answer(
        _("{name} now has the role: {role}.").format(
            name=_member_label(target), role=_role_and_country(target.role, target.country, i18n.current_locale)
        )
    )
    await _tell_member(bot, i18n, target, settings.default_language)


def _role_and_country(role: str | None, country: str | None, lang: str) -> str:
    """ "National focal point (Kenya)", or the role alone for a member without a country (no article to agree)."""
    label = html.escape(role_labels().get(role or "", role or "—"))
    if not country:
        return label
    return _("{role} ({country})").format(role=label, country=html.escape(country_name(country, lang)))


def _setrole_refusal(reason: str, reference: str, role: str, country: str | None, lang: str) -> str:
    if reason == "coordinator":
        return _("{who} is a coordinator: send /demote first to give them another role.").format(who=_who(reference))
    if reason == "no country":
        return usage_html(
            _("{who} has no country yet. Add it, for example: <code>/setrole {who} focal_point Kenya</code>")
        ).format(who=_who(reference))
    if reason == "not a member nation":
        return not_a_member_nation(country or "", lang)
    return _("{who} already has the role: {role}.").format(
        who=_who(reference), role=_role_and_country(role, country, lang)
    )


async def _tell_member(bot: Bot, i18n: I18n, member: Member, default_language: str) -> None:
    """The member reads their new role in their own language (they may have blocked the bot: it stands anyway)."""
    language = member.language if member.language in i18n.available_locales else default_language
    with i18n.use_locale(language):
        if member.role == Role.FOCAL_POINT:
            text = _(
                "A coordinator has confirmed you as national focal point of your country ({country}). Your answers "
                "to the threshold survey can now count as your country's official answer."
            ).format(country=html.escape(country_name(member.country or "", language)))
        else:
            text = _("A coordinator has set your role to: {role}.").format(
                role=_role_and_country(member.role, member.country, language)
            )
    try:
        await bot.send_message(member.telegram_id, text)
    except TelegramAPIError as error:
        log.info("role change not delivered to the member: %s", error)


def build_router() -> Router:
    """/promote, /demote and /setrole (coordinators only: the parent router's filter)."""
    router = Router(name="coordinator: roles")
    router.message.register(promote, command("promote"))
    router.message.register(demote, command("demote"))
    router.message.register(setrole, command("setrole"))
    return router
