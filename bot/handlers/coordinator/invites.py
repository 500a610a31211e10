"""/invite: a deep link presetting a new member's country and role, typed at once or built with buttons."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CoordInvite, InviteStep
from bot.config import Settings
from bot.countries import country_name, is_country, read_country
from bot.handlers.coordinator.common import (
    ROLE_WORDS,
    CoordinatorStates,
    fit,
    format_moment,
    not_a_member_nation,
    not_command,
    usage_html,
)
from bot.handlers.guards import command
from bot.keyboards import (
    invite_country_keyboard,
    invite_days_keyboard,
    invite_role_keyboard,
    invite_uses_keyboard,
    role_labels,
)
from bot.services import coordination
from storage.models import Member


def _invite_usage() -> str:
    return _(
        "Usage: /invite <country> <focal_point | lab | member> [multi] [days]\n"
        "Example: <code>/invite Kenya focal_point</code> (single use, valid 30 days) or "
        "<code>/invite KE lab multi 60</code>."
    )


_NUMBER = re.compile(r"[+-]?\d+")


@dataclass
class InviteRequest:
    """What a coordinator typed after /invite."""

    country_text: str
    role: str | None
    multi: bool
    days: int | None  # None: a number outside MIN..MAX_INVITE_DAYS was typed


def parse_invite(args: str) -> InviteRequest:
    """Role, single or multi use, days, and the remaining words as the country."""
    role, multi, days, words = None, False, coordination.DEFAULT_INVITE_DAYS, []
    for word in args.split():
        lowered = word.lower()
        if lowered in ROLE_WORDS and role is None:
            role = ROLE_WORDS[lowered]
        elif lowered in ("multi", "multiple", "multi-use"):
            multi = True
        elif lowered in ("single", "once"):
            multi = False
        elif _NUMBER.fullmatch(lowered):
            number = int(lowered) if len(lowered) < 10 else 0
            days = number if coordination.MIN_INVITE_DAYS <= number <= coordination.MAX_INVITE_DAYS else None
        else:
            words.append(word)
    return InviteRequest(" ".join(words), role, multi, days)


async def invite(
    message: Message,
    command: CommandObject,
    member: Member | None,
    settings: Settings,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    """Create a deep link that presets a new member's country and role (a guessed country is confirmed first)."""
    await state.clear()
    if not (command.args or "").strip():
        # The guided way: country (typed, confirmed), then role, uses and validity with buttons.
        await state.set_state(CoordinatorStates.invite_country)
        await message.answer(
            _(
                "Which country is the invite for? Type its name, for example <i>Kenya</i>.\n"
                "(Shortcut for next time: <code>/invite Kenya focal_point</code>.)"
            )
        )
        return
    request = parse_invite(command.args or "")
    if not request.country_text or request.role is None:
        await message.answer(usage_html(_invite_usage()))
        return
    if request.days is None:
        await message.answer(
            _(
                "An invite is valid for {low} to {high} days. Please send /invite again with a "
                "number of days in that range."
            ).format(low=coordination.MIN_INVITE_DAYS, high=coordination.MAX_INVITE_DAYS)
        )
        return
    lang = i18n.current_locale
    country, candidates = read_country(request.country_text)
    if country is not None:
        await message.answer(
            await _create_invite(
                session, bot, message.from_user.id, country, request.role, request.multi, request.days, lang
            )
        )
        return
    if not candidates:
        await message.answer(
            _(
                "I do not recognise the country “{text}”. Please type its name or its two-letter "
                "ISO code, for example Kenya or KE."
            ).format(text=fit(request.country_text, 100))
        )
        return
    await message.answer(
        _("Which country did you mean for this invite?"),
        reply_markup=invite_country_keyboard(
            [(code, country_name(code, lang)) for code, _score in candidates], request.role, request.multi, request.days
        ),
    )


async def invite_country_typed(
    message: Message, member: Member | None, settings: Settings, state: FSMContext, i18n: I18n
) -> None:
    """The guided /invite: the typed country, confirmed with buttons; then whom the invite is for."""
    text, lang = message.text.strip(), i18n.current_locale
    country, candidates = read_country(text)
    if country is not None:
        await state.clear()
        await message.answer(
            _("Invite for {country}. Who is it for?").format(country=html.escape(country_name(country, lang))),
            reply_markup=invite_role_keyboard(country, _invite_roles()),
        )
        return
    if not candidates:
        # The state stays: the next message is the country.
        await message.answer(
            _(
                "I do not recognise the country “{text}”. Please type its name or its two-letter "
                "ISO code, for example Kenya or KE."
            ).format(text=fit(text, 100))
        )
        return
    await state.clear()
    await message.answer(
        _("Which country did you mean for this invite?"),
        reply_markup=invite_country_keyboard(
            [(code, country_name(code, lang)) for code, _score in candidates],
            "",
            False,
            coordination.DEFAULT_INVITE_DAYS,
            step=InviteStep.country,
        ),
    )


def _invite_roles() -> dict[str, str]:
    labels = role_labels()
    return {role: labels[role] for role in coordination.INVITE_ROLES}


async def invite_step(
    query: CallbackQuery, callback_data: CoordInvite, member: Member | None, settings: Settings, i18n: I18n
) -> None:
    """The guided /invite: country chosen -> role; role -> single or multi use; uses -> validity."""
    if query.message is None:
        return
    country, role, step, lang = callback_data.country, callback_data.role, callback_data.step, i18n.current_locale
    if not country:
        await query.message.edit_text(
            _("No invite was created. Send /invite again with the country's name or ISO code.")
        )
        return
    if not is_country(country) or (step != InviteStep.country and role not in coordination.INVITE_ROLES):
        await query.message.answer(_("This button is no longer active."))
        return
    name = html.escape(country_name(country, lang))
    if step == InviteStep.country:
        await query.message.edit_text(
            _("Invite for {country}. Who is it for?").format(country=name),
            reply_markup=invite_role_keyboard(country, _invite_roles()),
        )
    elif step == InviteStep.role:
        await query.message.edit_text(
            _("Invite for a {role} in {country}. For one person, or anyone with the link?").format(
                role=role_labels()[role], country=name
            ),
            reply_markup=invite_uses_keyboard(country, role),
        )
    else:
        await query.message.edit_text(
            _("Invite for a {role} in {country}. How long should the link stay valid?").format(
                role=role_labels()[role], country=name
            ),
            reply_markup=invite_days_keyboard(country, role, bool(callback_data.multi)),
        )


async def invite_country_chosen(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordInvite,
    member: Member | None,
    settings: Settings,
    session: AsyncSession,
    bot: Bot,
    i18n: I18n,
) -> None:
    """The coordinator confirmed the invite's country (or none of the guesses), or the guided flow's validity."""
    if query.message is None:
        return
    if not callback_data.country:
        await query.message.edit_text(
            _("No invite was created. Send /invite again with the country's name or ISO code.")
        )
        return
    if (
        not is_country(callback_data.country)
        or callback_data.role not in coordination.INVITE_ROLES
        or not coordination.MIN_INVITE_DAYS <= callback_data.days <= coordination.MAX_INVITE_DAYS
    ):
        callback_answer.text = _("This button is no longer active.")
        callback_answer.show_alert = True
        return
    await query.message.edit_text(
        await _create_invite(
            session,
            bot,
            query.from_user.id,
            callback_data.country,
            callback_data.role,
            bool(callback_data.multi),
            callback_data.days,
            i18n.current_locale,
        )
    )


async def _create_invite(
    session: AsyncSession, bot: Bot, by: int, country: str, role: str, multi: bool, days: int, lang: str
) -> str:
    """Store the invite; the message with its link (or why a focal point cannot be invited for this country)."""
    try:
        created = await coordination.create_invite(session, by, country, role, multi, days)
    except coordination.NotAllowed:
        return not_a_member_nation(country, lang)
    me = await bot.me()
    link = f"https://t.me/{me.username}?start={created.code}"
    uses = _("anyone with the link can use it") if multi else _("one person can use it")
    return (
        _("Invite link for a {role} in {country} ({uses}), valid until {until}:").format(
            role=role_labels()[role],
            country=html.escape(country_name(country, lang)),
            uses=uses,
            until=format_moment(created.expires_at, lang),
        )
        + f"\n{link}"
    )


def build_router() -> Router:
    """/invite, its typed country and its buttons (coordinators only: the parent router's filter)."""
    router = Router(name="coordinator: invites")
    router.message.register(invite, command("invite"))
    router.message.register(invite_country_typed, StateFilter(CoordinatorStates.invite_country), not_command)
    router.callback_query.register(
        invite_step, CoordInvite.filter(F.step.in_({InviteStep.country, InviteStep.role, InviteStep.uses}))
    )
    router.callback_query.register(invite_country_chosen, CoordInvite.filter(F.step == InviteStep.create))
    return router
