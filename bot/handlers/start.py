"""Onboarding: /start, language, country and role; /help, /language, /cancel."""

from __future__ import annotations

import html

from aiogram import F
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers import Handlers
from bot.callbacks import CountryChoice, LanguageChoice, RoleChoice
from bot.i18n import language_name
from bot.countries import country_name, is_country, match_country
from bot.keyboards import country_keyboard, language_keyboard, role_keyboard
from bot.limits import fit_utf16
from bot.services import coordination, members, surveys
from storage.models import Member

handlers = Handlers("start")


def help_text() -> str:
    """What the bot can do, with examples, in the current language."""
    return "\n".join(
        [
            _("<b>What I can do</b>"),
            _("Ask me for soil threshold values in your own words, for example:"),
            "• <i>" + html.escape(_("cadmium limit in agricultural soil in Kenya")) + "</i>",
            "• <i>" + html.escape(_("lead residential Netherlands")) + "</i>",
            "",
            _("/start: set up your profile"),
            _("/survey: answer a survey; /resume: continue where you stopped"),
            _("/compare: one pollutant across countries; /countries: which countries have values"),
            _("/language: change the language"),
            _("/help: this message"),
            _("/cancel: stop what you are doing (nothing you typed is lost)"),
        ]
    )


def _ask_country() -> str:
    return _("Which country do you work in? Type its name in any language, for example <i>Kenya</i>.")


async def _continue_onboarding(message: Message, member: Member) -> None:
    """Ask for whatever the profile still misses."""
    if not member.country:
        await message.answer(_ask_country())
    elif not member.role:
        await message.answer(_("What is your role in the network?"), reply_markup=role_keyboard())
    else:
        await message.answer(help_text())


@handlers.message(CommandStart())
async def start(message: Message, command: CommandObject, session: AsyncSession, i18n: I18n) -> None:
    """Greet the member in their language, offer other languages, then ask what the profile misses."""
    user = message.from_user
    payload = members.parse_start_payload(command.args)
    member = await members.register(session, user, payload)
    name = html.escape(user.first_name or "")
    invite_note = None
    if coordination.is_invite_code(payload) and not member.is_onboarded:
        # An invite link from a coordinator presets country and role; a used or expired one changes nothing.
        outcome = await coordination.redeem_invite(session, user, payload)
        if outcome.applied:
            member = outcome.member
            invite_note = _("Your invitation sets your country to {country} and your role to {role}.").format(
                country=html.escape(country_name(member.country, i18n.current_locale)), role=_invited_role(member.role))
        else:
            invite_note = _("This invitation link has expired or was already used. Let's set up your profile together.")
    if member.is_onboarded and invite_note is None:
        await message.answer(_("Welcome back, {name}!").format(name=name))
        await message.answer(help_text())
        return
    await message.answer(
        _(
            "Hello, {name}! I am the bot of INSOP, the International Network on Soil Pollution of "
            "FAO's Global Soil Partnership. I look up soil pollutant threshold values and collect "
            "the network's surveys."
        ).format(name=name)
        + "\n\n"
        + _("You can change the language here:"),
        reply_markup=language_keyboard(i18n.available_locales, i18n.current_locale),
    )
    if invite_note:
        await message.answer(invite_note)
    await _continue_onboarding(message, member)


def _invited_role(role: str | None) -> str:
    labels = {"focal_point": _("National focal point"), "lab": _("Soil laboratory"), "member": _("INSOP member / other")}
    return labels.get(role or "", role or "")


@handlers.message(Command("help"))
async def show_help(message: Message) -> None:
    """List what the bot can do."""
    await message.answer(help_text())


@handlers.message(Command("language"))
async def choose_language(message: Message, i18n: I18n) -> None:
    """Offer every language the bot speaks, each in its own name."""
    await message.answer(
        _("Choose your language:"), reply_markup=language_keyboard(i18n.available_locales, i18n.current_locale)
    )


@handlers.message(Command("cancel"))
async def cancel(message: Message, state: FSMContext, member: Member | None, session: AsyncSession) -> None:
    """Stop the current step; everything already answered stays stored."""
    await state.clear()
    if member is not None and await surveys.pause(session, member):
        await message.answer(_("Survey paused. Your answers are saved: send /resume to continue where you stopped."))
        return
    await message.answer(_("Stopped. Everything you entered so far is kept. Send /help to see what I can do."))


@handlers.callback_query(LanguageChoice.filter())
async def language_chosen(
    query: CallbackQuery, callback_data: LanguageChoice, session: AsyncSession, i18n: I18n
) -> None:
    """Switch to the chosen language and carry on where the member was."""
    if callback_data.code not in i18n.available_locales:
        await query.answer(_("This language is not available."), show_alert=True)
        return
    member = await members.set_language(session, query.from_user, callback_data.code)
    with i18n.use_locale(callback_data.code):
        await query.answer()
        if query.message is not None:
            await query.message.edit_text(
                _("Language set: {language}.").format(language=html.escape(language_name(callback_data.code))),
            )
            if not member.is_onboarded:
                await _continue_onboarding(query.message, member)


@handlers.callback_query(CountryChoice.filter())
async def country_chosen(query: CallbackQuery, callback_data: CountryChoice, session: AsyncSession, i18n: I18n) -> None:
    """Store the confirmed country, or ask again."""
    await query.answer()
    if query.message is None:
        return
    if not callback_data.code:
        await query.message.edit_text(_ask_country())
        return
    if not is_country(callback_data.code):
        await query.message.edit_text(_("I don't know that country. Please type its name again."))
        return
    member = await members.set_country(session, query.from_user, callback_data.code)
    await query.message.edit_text(
        _("Country: {country}.").format(country=html.escape(country_name(member.country, i18n.current_locale)))
    )
    await _continue_onboarding(query.message, member)


@handlers.callback_query(RoleChoice.filter())
async def role_chosen(query: CallbackQuery, callback_data: RoleChoice, session: AsyncSession) -> None:
    """Store the role; the profile is complete."""
    if callback_data.role not in members.SELF_CHOSEN_ROLES:
        await query.answer(_("This choice is not available."), show_alert=True)
        return
    member = await members.set_role(session, query.from_user, callback_data.role)
    await query.answer()
    if query.message is None:
        return
    await query.message.edit_text(_("Thank you, your profile is complete."))
    await _continue_onboarding(query.message, member)


def _is_command(message: Message) -> bool:
    return (message.text or "").startswith("/")


def _needs_country(message: Message, member: Member | None) -> bool:
    if _is_command(message):
        return False  # an unknown command is not a country name
    return member is None or (not member.is_onboarded and not member.country)


@handlers.message(F.text, _needs_country)
async def country_typed(message: Message, member: Member | None, session: AsyncSession, i18n: I18n) -> None:
    """Match a typed country name in any language and ask the member to confirm it."""
    if member is None:
        member = await members.register(session, message.from_user, None)
    candidates = match_country(message.text or "")
    if not candidates:
        await message.answer(
            _("I could not find a country called “{text}”. Please check the spelling and type it again.").format(
                text=html.escape(fit_utf16(message.text or "", 100))
            )
        )
        return
    language = i18n.current_locale
    await message.answer(
        _("Did you mean:"),
        reply_markup=country_keyboard([(code, country_name(code, language)) for code, _score in candidates]),
    )


@handlers.message(F.text, lambda message, member: not _is_command(message) and member is not None
                and not member.is_onboarded and not member.role)
async def role_missing(message: Message) -> None:
    """The member typed instead of pressing a role button: show the buttons again."""
    await message.answer(_("Please choose your role with one of the buttons:"), reply_markup=role_keyboard())
