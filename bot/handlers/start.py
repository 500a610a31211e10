"""Onboarding: /start, language, country and role; /help, /language, /cancel."""

from __future__ import annotations

import html

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, User
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CountryChoice, LanguageChoice, ProfileEdit, RoleChoice
from bot.config import Settings
from bot.countries import country_name, exact_country, fold, is_country, match_country
from bot.handlers.guards import command, is_command
from bot.i18n import language_name
from bot.keyboards import (
    country_keyboard,
    language_keyboard,
    profile_keyboard,
    role_keyboard,
    role_labels,
    start_survey_keyboard,
)
from bot.limits import fit_utf16
from bot.services import members, surveys
from bot.services.surveys import FormCache
from bot.services.thresholds import ThresholdCatalog
from storage.models import Member, Role


class ProfileStates(StatesGroup):
    """/profile: the member is typing their new country."""

    country = State()


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
            _("/profile: change your country, role or language"),
            _("/survey: answer a survey; /resume: continue where you stopped"),
            _("/compare: one pollutant across countries; /countries: which countries have values"),
            _("/language: change the language"),
            _("/help: this message"),
            _("/cancel: stop what you are doing (nothing you typed is lost)"),
        ]
    )


def role_question() -> str:
    """The role question, with why "National focal point" is not among the buttons."""
    return "\n".join(
        [
            _("What is your role in the network?"),
            _(
                "National focal points are confirmed by the INSOP coordinators: through their invitation "
                "link, or ask a coordinator."
            ),
        ]
    )


def _ask_country() -> str:
    return _("Which country do you work in? Type its name in any language, for example <i>Kenya</i>.")


async def _continue_onboarding(
    message: Message,
    member: Member,
    session: AsyncSession | None = None,
    forms: FormCache | None = None,
    settings: Settings | None = None,
    language: str = "en",
) -> None:
    """Ask for whatever the profile still misses; once complete, offer the survey waiting for the member."""
    if not member.country:
        await message.answer(_ask_country())
    elif not member.role:
        await message.answer(role_question(), reply_markup=role_keyboard())
    else:
        await message.answer(help_text())
        if session is not None and forms is not None and settings is not None:
            await _offer_survey(message, member, session, forms, settings, language)


async def _offer_survey(
    message: Message, member: Member, session: AsyncSession, forms: FormCache, settings: Settings, language: str
) -> None:
    """A [Continue] button for the member's paused draft, else [Start the survey] for one not yet answered."""
    paused = await surveys.paused_draft(session, member)
    if paused is not None:
        draft, title, answers = paused
        await message.answer(
            ngettext(
                "You have a draft of “{title}” with {answers} answer saved.",
                "You have a draft of “{title}” with {answers} answers saved.",
                answers,
            ).format(title=html.escape(_(title) if title else title), answers=format_decimal(answers, locale=language)),
            reply_markup=start_survey_keyboard(draft.form_pk, draft=True),
        )
        return
    coordinator = members.is_coordinator(member, message.chat.id, settings.coordinator_ids)
    waiting = [
        offer
        for offer in await surveys.offers(session, forms, member, coordinator, language)
        if offer.draft is None and not offer.submitted
    ]
    # Every survey offered to the member's role (a member may answer the threshold survey too); coordinators
    # find theirs under /survey rather than on every /start.
    if waiting and not coordinator:
        await message.answer(
            _("A survey is waiting for you: “{title}”.").format(title=html.escape(_(waiting[0].title))),
            reply_markup=start_survey_keyboard(waiting[0].form.id),
        )


async def start(
    message: Message, command: CommandObject, session: AsyncSession, i18n: I18n, forms: FormCache, settings: Settings
) -> None:
    """Greet the member in their language, offer other languages, then ask what the profile misses."""
    user = message.from_user
    payload = members.parse_start_payload(command.args)
    # An invite link from a coordinator presets country and role; a used or expired one changes nothing.
    started = await members.start(session, user, payload)
    member = started.member
    name = html.escape(user.first_name or "")
    invite_note = None
    if started.invite_applied is not None:
        if started.invite_applied:
            invite_note = _("Your invitation sets your country to {country} and your role to {role}.").format(
                country=html.escape(country_name(member.country, i18n.current_locale)), role=_invited_role(member.role)
            )
        else:
            invite_note = _("This invitation link has expired or was already used. Let's set up your profile together.")
    if member.is_onboarded and invite_note is None:
        await message.answer(_("Welcome back, {name}!").format(name=name))
        await message.answer(help_text())
        await _offer_survey(message, member, session, forms, settings, i18n.current_locale)
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
    await _continue_onboarding(message, member, session, forms, settings, i18n.current_locale)


def _invited_role(role: str | None) -> str:
    labels = {
        "focal_point": _("National focal point"),
        "lab": _("Soil laboratory"),
        "member": _("INSOP member / other"),
    }
    return labels.get(role or "", role or "")


async def show_help(message: Message) -> None:
    """List what the bot can do."""
    await message.answer(help_text())


async def choose_language(message: Message, i18n: I18n) -> None:
    """Offer every language the bot speaks, each in its own name."""
    await message.answer(
        _("Choose your language:"), reply_markup=language_keyboard(i18n.available_locales, i18n.current_locale)
    )


async def cancel(message: Message, state: FSMContext, member: Member | None, session: AsyncSession) -> None:
    """Stop the current step; everything already answered stays stored."""
    await state.clear()
    if member is not None and await surveys.pause(session, member):
        await message.answer(_("Survey paused. Your answers are saved: send /resume to continue where you stopped."))
        return
    await message.answer(_("Stopped. Everything you entered so far is kept. Send /help to see what I can do."))


async def language_chosen(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: LanguageChoice,
    session: AsyncSession,
    i18n: I18n,
    forms: FormCache | None = None,
) -> None:
    """Switch to the chosen language and carry on where the member was."""
    if callback_data.code not in i18n.available_locales:
        callback_answer.text = _("This language is not available.")
        callback_answer.show_alert = True
        return
    member = await members.set_language(session, query.from_user, callback_data.code)
    with i18n.use_locale(callback_data.code):
        if query.message is not None:
            await query.message.edit_text(
                _("Language set: {language}.").format(language=html.escape(language_name(callback_data.code))),
            )
            if not member.is_onboarded:
                await _continue_onboarding(query.message, member)
            elif forms is not None:
                await _ask_again_in_language(query.message, member, session, forms, callback_data.code)


async def _ask_again_in_language(
    message: Message, member: Member, session: AsyncSession, forms: FormCache, language: str
) -> None:
    """The open survey's current question again, in the language just chosen."""
    from bot.handlers.survey import show_turn

    draft_id = await surveys.active_draft_id(session, member)
    if draft_id is None:
        return
    try:
        turn = await surveys.current_turn(session, forms, member, draft_id, language)
    except surveys.SurveyUnavailable:
        return
    await show_turn(message, turn, language, member)


async def country_chosen(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CountryChoice,
    session: AsyncSession,
    i18n: I18n,
    state: FSMContext,
    forms: FormCache,
    settings: Settings,
    member: Member | None = None,
) -> None:
    """Store the confirmed country, or ask again."""
    if query.message is None:
        return
    if member is not None and member.role == Role.FOCAL_POINT and member.country:
        # The country a coordinator confirmed them for (a country step or button from before that).
        await state.clear()
        callback_answer.text = _confirmed_role_note()
        callback_answer.show_alert = True
        return
    if member is not None and member.country and await state.get_state() != ProfileStates.country.state:
        # A "Did you mean" button from before (or forged): the country is changed in /profile, not by it.
        callback_answer.text = _("This button is no longer active.")
        return
    if not callback_data.code:
        await query.message.edit_text(_ask_country())
        return
    if not is_country(callback_data.code):
        await query.message.edit_text(_("I don't know that country. Please type its name again."))
        return
    await _store_country(
        query.message, query.from_user, callback_data.code, member, session, i18n, state, forms, settings
    )


async def _store_country(
    message: Message,
    user: User,
    code: str,
    member: Member | None,
    session: AsyncSession,
    i18n: I18n,
    state: FSMContext,
    forms: FormCache,
    settings: Settings,
    typed: bool = False,
) -> None:
    """Keep the country (a confirmed button, or a name typed exactly) and go on with onboarding.

    `message` is the bot's "Did you mean" message, edited, or the member's `typed` name, answered."""
    changing = await state.get_state() == ProfileStates.country.state
    was_onboarded = member is not None and member.is_onboarded
    member = await members.set_country(session, user, code)
    await state.clear()
    said = _("Country: {country}.").format(country=html.escape(country_name(member.country, i18n.current_locale)))
    if typed:
        await message.answer(said)
    else:
        await message.edit_text(said)
    if changing or was_onboarded:
        return  # a profile change: nothing else to ask
    await _continue_onboarding(message, member, session, forms, settings, i18n.current_locale)


async def role_chosen(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: RoleChoice,
    session: AsyncSession,
    i18n: I18n,
    forms: FormCache,
    settings: Settings,
    member: Member | None = None,
) -> None:
    """Store the role (laboratory or member); the profile is complete."""
    if callback_data.role not in members.SELF_CHOSEN_ROLES:
        callback_answer.text = _("This choice is not available.")
        callback_answer.show_alert = True
        return
    if member is not None and member.role == Role.FOCAL_POINT:
        # A role keyboard from before a coordinator confirmed them: that confirmation stands.
        callback_answer.text = _confirmed_role_note()
        callback_answer.show_alert = True
        return
    member = await members.set_role(session, query.from_user, callback_data.role)
    if query.message is None:
        return
    await query.message.edit_text(_("Thank you, your profile is complete."))
    await _continue_onboarding(query.message, member, session, forms, settings, i18n.current_locale)


def _needs_country(message: Message, member: Member | None, raw_state: str | None = None) -> bool:
    if is_command(message):
        return False  # an unknown command is not a country name
    if raw_state == ProfileStates.country.state:
        return True  # /profile: changing the country
    return member is None or (not member.is_onboarded and not member.country)


def _onboarding_or_command(message: Message, member: Member | None, raw_state: str | None = None) -> bool:
    """Router guard: a command, or typed text the onboarding may take (`_needs_country`, `_needs_role`)."""
    onboarding = member is None or not member.is_onboarded or raw_state == ProfileStates.country.state
    return onboarding or is_command(message)


def _needs_role(message: Message, member: Member | None) -> bool:
    """Typed text from a member who has a country but has not picked a role yet."""
    return not is_command(message) and member is not None and not member.is_onboarded and not member.role


async def country_typed(
    message: Message,
    member: Member | None,
    session: AsyncSession,
    i18n: I18n,
    catalog: ThresholdCatalog,
    state: FSMContext,
    forms: FormCache,
    settings: Settings,
) -> None:
    """Keep a country named exactly ("Kenya", "Kenia", "肯尼亚"); match anything else in any language and ask
    the member to confirm it. A lookup typed instead ("cadmium netherlands") is answered as one, and the
    country asked again."""
    if member is None:
        member = await members.register(session, message.from_user, None)
    text = message.text or ""
    exact = exact_country(text)
    if exact is not None and len(fold(text)) > 2 and message.from_user is not None:
        # A whole name, not a two-letter code ("no", "in" and "to" are words as well as Norway, India, Tonga).
        await _store_country(
            message, message.from_user, exact, member, session, i18n, state, forms, settings, typed=True
        )
        return
    if exact is None and surveys.names_a_pollutant(text):
        from bot.handlers.lookup import answer_lookup

        await answer_lookup(message, text, member, session, catalog, i18n)
        await message.answer(_("I answered that as a lookup; it is not saved as your country.") + "\n" + _ask_country())
        return
    candidates = match_country(text)
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


async def role_missing(
    message: Message,
    member: Member,
    session: AsyncSession,
    i18n: I18n,
    forms: FormCache,
    settings: Settings,
    catalog: ThresholdCatalog,
) -> None:
    """The member typed their role instead of pressing a button: matched like a survey answer, else the buttons
    again; a lookup typed instead ("cadmium kenya") is answered as one, and the role asked again."""
    from bot.survey.matching import match_choice

    labels = role_labels()
    typed = fit_utf16(message.text or "", 100).replace("_", " ")
    # Matched against the focal point's names too, so "focal point" gets why it is not a button.
    role = match_choice(
        typed,
        [
            (role, [label, role.replace("_", " ")])
            for role, label in labels.items()
            if role in members.SELF_CHOSEN_ROLES or role == Role.FOCAL_POINT
        ],
    )
    if role == Role.FOCAL_POINT:
        await message.answer(role_question(), reply_markup=role_keyboard())
        return
    if role is None and surveys.names_a_pollutant(message.text or ""):
        from bot.handlers.lookup import answer_lookup

        await answer_lookup(message, message.text or "", member, session, catalog, i18n)
        await message.answer(
            _("I answered that as a lookup; it is not saved as your role.") + "\n" + role_question(),
            reply_markup=role_keyboard(),
        )
        return
    if role is None:
        await message.answer(_("Please choose your role with one of the buttons:"), reply_markup=role_keyboard())
        return
    member = await members.set_role(session, message.from_user, role)
    await message.answer(_("Thank you, your profile is complete."))
    await _continue_onboarding(message, member, session, forms, settings, i18n.current_locale)


async def show_profile(message: Message, member: Member | None, i18n: I18n) -> None:
    """Show the member's country, role and language, with buttons to change each."""
    if member is None or not member.is_onboarded:
        await message.answer(_("Please set up your profile first: send /start."))
        return
    language = i18n.current_locale
    lines = [
        "<b>" + _("Your profile") + "</b>",
        _("Country: {country}").format(
            country=html.escape(country_name(member.country, language) if member.country else "—")
        ),
        _("Role: {role}").format(role=html.escape(role_labels().get(member.role or "", member.role or "—"))),
        _("Language: {language}").format(language=html.escape(language_name(member.language or language))),
    ]
    confirmed = member.role in (Role.COORDINATOR, Role.FOCAL_POINT)
    if member.role == Role.FOCAL_POINT:
        lines.append(_confirmed_role_note())
    keyboard = profile_keyboard(can_change_role=not confirmed, can_change_country=member.role != Role.FOCAL_POINT)
    await message.answer("\n".join(lines), reply_markup=keyboard)


def _confirmed_role_note() -> str:
    return _(
        "Your role and country as national focal point were confirmed by the INSOP coordinators; "
        "to change them, ask a coordinator."
    )


async def edit_profile(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: ProfileEdit,
    member: Member | None,
    state: FSMContext,
    i18n: I18n,
) -> None:
    """Ask for the new country, role or language."""
    if callback_data.what not in ("country", "role", "language"):
        callback_answer.text = _("This button is no longer active.")
        return
    if member is None or not member.is_onboarded or query.message is None:
        callback_answer.text = _("Please set up your profile first: send /start.")
        callback_answer.show_alert = True
        return
    if callback_data.what in ("country", "role") and member.role == Role.FOCAL_POINT:
        # A focal point's country and role are what a coordinator confirmed (buttons from before that).
        callback_answer.text = _confirmed_role_note()
        callback_answer.show_alert = True
        return
    if callback_data.what == "role" and member.role == Role.COORDINATOR:
        callback_answer.text = _("This button is no longer active.")  # coordinators are changed by /demote
        return
    await query.message.edit_reply_markup(reply_markup=None)
    if callback_data.what == "country":
        await state.set_state(ProfileStates.country)
        await query.message.answer(_ask_country())
    elif callback_data.what == "role":
        await query.message.answer(role_question(), reply_markup=role_keyboard())
    else:
        await query.message.answer(
            _("Choose your language:"), reply_markup=language_keyboard(i18n.available_locales, i18n.current_locale)
        )


def build_router() -> Router:
    """A new Router: /start and onboarding, /help, /language, /cancel, /profile."""
    router = Router(name="start")
    router.message.filter(_onboarding_or_command)
    router.message.register(start, CommandStart(ignore_case=True))
    router.message.register(show_help, command("help"))
    router.message.register(choose_language, command("language"))
    router.message.register(cancel, command("cancel"))
    router.callback_query.register(language_chosen, LanguageChoice.filter())
    router.callback_query.register(country_chosen, CountryChoice.filter())
    router.callback_query.register(role_chosen, RoleChoice.filter())
    router.message.register(country_typed, F.text, _needs_country)
    router.message.register(role_missing, F.text, _needs_role)
    router.message.register(show_profile, command("profile"))
    router.callback_query.register(edit_profile, ProfileEdit.filter())
    return router
