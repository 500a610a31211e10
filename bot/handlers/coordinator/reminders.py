"""/remind and /reminders: compose a reminder (text, languages, recipients, time), send or schedule it,
and read the delivery results."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from babel.dates import format_datetime
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CoordRemind, CoordReminderAdmin, RemindAction, ReminderAdminAction
from bot.config import Settings
from bot.countries import country_name, is_country, read_country
from bot.handlers.coordinator.common import (
    CoordinatorStates,
    Tr,
    babel_locale,
    fit,
    format_moment,
    format_number,
    not_command,
    survey_forms,
)
from bot.handlers.guards import command
from bot.i18n import language_name, ordered_languages
from bot.i18n.typography import format_list, join_items
from bot.keyboards import (
    REMINDER_ZONES,
    remind_audience_keyboard,
    remind_compose_keyboard,
    remind_confirm_keyboard,
    remind_forms_keyboard,
    remind_languages_keyboard,
    remind_repeat_keyboard,
    remind_send_keyboard,
    remind_values_keyboard,
    remind_when_keyboard,
    remind_zone_keyboard,
    reminder_zone,
    role_labels,
    scheduled_reminders_keyboard,
    zone_label,
)
from bot.limits import fit_utf16, utf16_len
from bot.reports.regions import REGIONS, region_label
from bot.services import coord_reminders as reminders
from bot.telegram_render import split_message
from storage.models import DeliveryStatus, Member, ReminderStatus, Role


def audience_text(audience: dict, forms: dict[str, str], lang: str) -> str:
    """Who a reminder goes to, in words (Telegram HTML): \"everyone\", \"role: lab\", a survey's non-respondents."""
    kind, value = audience.get("kind"), audience.get("value")
    if kind == "all":
        return _("everyone") + _refinements_text(audience, lang)
    if kind in ("not_submitted", "not_started", "draft"):
        title = html.escape(
            fit_utf16(_(forms[value]) if forms.get(value) else value, 200)
        )  # a shipped title translated
        text = {
            "not_submitted": _("members who have not submitted “{title}”"),
            "not_started": _("members who never started “{title}”"),
            "draft": _("members with a draft of “{title}” in progress"),
        }[kind].format(title=title)
        return text + _refinements_text(audience, lang)
    if kind == "role":
        return _("role: {role}").format(role=role_labels().get(value, value)) + _refinements_text(audience, lang)
    if kind == "region":
        return _("region: {region}").format(region=region_label(value, Tr())) + _refinements_text(audience, lang)
    if kind == "country":
        return _("country: {country}").format(country=html.escape(country_name(value, lang))) + _refinements_text(
            audience, lang
        )
    if kind == "language":
        return _("language: {language}").format(language=language_name(value)) + _refinements_text(audience, lang)
    return str(kind)


def _refinements_text(audience: dict, lang: str) -> str:
    """ "; only: language French, role lab" for the refinements added to an audience."""
    parts = []
    if audience.get("language") and audience.get("kind") != "language":
        parts.append(_("language: {language}").format(language=language_name(audience["language"])))
    if audience.get("role") and audience.get("kind") != "role":
        parts.append(_("role: {role}").format(role=role_labels().get(audience["role"], audience["role"])))
    if audience.get("region") and audience.get("kind") != "region":
        parts.append(_("region: {region}").format(region=region_label(audience["region"], Tr())))
    return ("; " + _("only {conditions}").format(conditions=join_items(parts, lang))) if parts else ""


async def remind(
    message: Message, member: Member | None, settings: Settings, session: AsyncSession, state: FSMContext
) -> None:
    """Start composing a reminder: own text or a catalog template."""
    await state.clear()
    draft = await reminders.new_draft(session, message.from_user.id)
    await message.answer(
        _("New reminder. How do you want to write it?"), reply_markup=remind_compose_keyboard(draft.id)
    )


async def _ask_text(target: Message, state: FSMContext, rid: int, language: str) -> None:
    await state.set_state(CoordinatorStates.reminder_text)
    await state.update_data(reminder_id=rid, language=language)
    await target.answer(_("Send the reminder text in {language}.").format(language=language_name(language)))


async def _ask_audience(target: Message, session: AsyncSession, rid: int) -> None:
    forms = [(form.id, _(form.title) if form.title else form.form_id) for form in await survey_forms(session)]
    await target.answer(_("Who should receive it?"), reply_markup=remind_audience_keyboard(rid, forms))


async def _preview(
    target: Message, session: AsyncSession, rid: int, count: int, lang: str, i18n: I18n, settings: Settings
) -> None:
    draft = await reminders.get_draft(session, rid)
    forms = {form.form_id: form.title or form.form_id for form in await survey_forms(session)}
    lines = ["<b>" + _("Preview") + "</b>", ""]
    if draft.texts and len(draft.texts) > 1:
        # Every language written, each as its readers get it, with how many of the recipients read it.
        for code in ordered_languages(draft.texts):
            readers = await reminders.audience_count(session, rid, settings.default_language, language=code)
            lines += [
                ngettext(
                    "<b>{language}</b> ({count} recipient reads it)",
                    "<b>{language}</b> ({count} recipients read it)",
                    readers,
                ).format(language=language_name(code), count=format_number(readers, lang)),
                html.escape(fit_utf16(draft.texts[code], 600)),
                "",
            ]
    else:
        lines += [html.escape(reminders.render(draft, lang, i18n, settings.default_language)), ""]
    button = reminders.survey_button(draft, lang, i18n)
    if button is not None:
        lines.append(_("Under it, the button: {label}").format(label=html.escape(button.label)))
    lines += [
        _("Recipients: {audience}.").format(audience=audience_text(draft.audience, forms, lang)),
        ngettext(
            "{count} member will receive it (members who muted reminders or blocked the bot are left out).",
            "{count} members will receive it (members who muted reminders or blocked the bot are left out).",
            count,
        ).format(count=format_number(count, lang)),
    ]
    if draft.texts:
        lines.append(
            _("Texts in: {languages}. Members in other languages get the {default} text.").format(
                languages=format_list((language_name(code) for code in ordered_languages(draft.texts)), lang),
                default=language_name(
                    settings.default_language if settings.default_language in draft.texts else next(iter(draft.texts))
                ),
            )
        )
    if not count:
        lines.append(_("Nobody matches these recipients."))
    await target.answer("\n".join(lines), reply_markup=remind_send_keyboard(rid, count > 0))


async def reminder_text(
    message: Message, member: Member | None, settings: Settings, session: AsyncSession, state: FSMContext, i18n: I18n
) -> None:
    """The typed reminder text in the language asked for."""
    data = await state.get_data()
    length = utf16_len(message.text.strip())
    if length > reminders.TEXT_LIMIT:
        # The state stays: the next message is the shorter text.
        await message.answer(
            ngettext(
                "This text is too long for a reminder: {length} character, at most {limit}. "
                "Please send a shorter text.",
                "This text is too long for a reminder: {length} characters, at most {limit}. "
                "Please send a shorter text.",
                length,
            ).format(
                length=format_number(length, i18n.current_locale),
                limit=format_number(reminders.TEXT_LIMIT, i18n.current_locale),
            )
        )
        return
    await state.set_state(None)
    try:
        draft = await reminders.set_text(session, int(data["reminder_id"]), data["language"], message.text)
    except (reminders.ReminderGone, KeyError):
        await message.answer(_gone())
        return
    missing = [
        (code, language_name(code)) for code in ordered_languages(i18n.available_locales) if code not in draft.texts
    ]
    await message.answer(
        _("Text in {language} saved. Add another language, or choose the recipients.").format(
            language=language_name(data["language"])
        ),
        reply_markup=remind_languages_keyboard(draft.id, missing),
    )


async def reminder_country(
    message: Message, member: Member | None, settings: Settings, session: AsyncSession, state: FSMContext, i18n: I18n
) -> None:
    """The typed country of the recipients."""
    data = await state.get_data()
    text = message.text.strip()
    code, candidates = read_country(text)
    if code is None and not candidates:
        await message.answer(
            _("I could not find a country called “{text}”. Please check the spelling and type it again.").format(
                text=fit(text, 100)
            )
        )
        return
    await state.set_state(None)
    if code is None:
        # A guessed spelling is confirmed with a button, as in onboarding and /invite.
        await message.answer(
            _("Which country did you mean?"),
            reply_markup=remind_values_keyboard(
                int(data["reminder_id"]),
                "country",
                [(guess, country_name(guess, i18n.current_locale)) for guess, _score in candidates],
            ),
        )
        return
    await _choose_audience(
        message, session, int(data["reminder_id"]), {"kind": "country", "value": code}, i18n, settings
    )


async def _choose_audience(
    target: Message,
    session: AsyncSession,
    rid: int,
    audience: dict,
    i18n: I18n,
    settings: Settings,
    refine: bool = False,
) -> None:
    try:
        _draft, count = await reminders.set_audience(session, rid, audience, settings.default_language, refine=refine)
    except (reminders.ReminderGone, ValueError):
        await target.answer(_gone())
        return
    await _preview(target, session, rid, count, i18n.current_locale, i18n, settings)


# How far ahead a reminder can be scheduled (and a weekly one run until).
SCHEDULE_HORIZON = timedelta(days=5 * 366)


class _OutOfRange(ValueError):
    """A readable date that is not within the next five years (year 9999 would not even convert to UTC)."""


def _parse_when(text: str, zone: str = "UTC") -> datetime | None:
    """A typed date and time on the clocks of the coordinator's time zone (its summer time included):
    2026-12-01 09:00, 01/12/2026 09:00, 1.12.2026. A time the clocks skip (02:30 on the night summer time
    starts) reads as the moment it names, shown as the clocks show it then (03:30). Raises _OutOfRange for a
    date before 2000 or beyond SCHEDULE_HORIZON (a past date after that is the caller's to refuse)."""
    text = text.strip().replace("T", " ").removesuffix("UTC").removesuffix("Z").strip()
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y"):
        try:
            typed = datetime.strptime(text, pattern)
        except ValueError:
            continue
        tz = ZoneInfo(zone)
        if typed.year < 2000 or typed - datetime.now(tz).replace(tzinfo=None) > SCHEDULE_HORIZON:
            raise _OutOfRange(text)
        return typed.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)
    return None


# The examples in the date prompts: a send time a week ahead, a last date of a weekly reminder two months ahead.
EXAMPLE_SEND_DAYS = 7
EXAMPLE_UNTIL_DAYS = 60


def _example(zone: str, days: int, with_time: bool = False) -> str:
    """A date `days` ahead on the zone's clocks, typed as `_parse_when` reads it ("08/12/2026 09:00"): an example
    that is never in the past."""
    day = datetime.now(ZoneInfo(zone)).date() + timedelta(days=days)
    return f"{day:%d/%m/%Y} 09:00" if with_time else f"{day:%d/%m/%Y}"


def _out_of_range(zone: str, lang: str) -> str:
    return _("Please type a date within the next five years ({zone}).").format(
        zone=zone_label(zone, lang, offset=False)
    )


def _zone(data: dict) -> str:
    """The coordinator's chosen zone, as kept in the conversation (an earlier fixed offset read too)."""
    return reminder_zone(data.get("zone"))


def _local(moment: datetime, zone: str, lang: str) -> str:
    """A moment on the clocks of the coordinator's time zone, named: "Mar 29, 2027, 9:00:00 AM (Rome, UTC+2)"."""
    tz = ZoneInfo(zone)
    shown = format_datetime(moment.astimezone(tz), "medium", tzinfo=tz, locale=babel_locale(lang))
    return _("{moment} ({zone})").format(moment=shown, zone=zone_label(zone, lang, moment))


def _next_at(choice: str, zone: str) -> datetime:
    """Tomorrow 09:00, or next Monday 09:00, in the coordinator's time zone."""
    tz = ZoneInfo(zone)
    today = datetime.now(tz).date()
    days = 1 if choice == "tom" else (7 - today.weekday()) or 7
    return datetime.combine(today + timedelta(days=days), day_time(9, 0), tzinfo=tz)


async def reminder_when(
    message: Message, member: Member | None, settings: Settings, state: FSMContext, i18n: I18n
) -> None:
    """The typed date and time (UTC) of a scheduled reminder."""
    data = await state.get_data()
    zone = _zone(data)
    try:
        when = _parse_when(message.text, zone)
    except _OutOfRange:
        await message.answer(_out_of_range(zone, i18n.current_locale))
        return
    if when is None:
        await message.answer(
            _(
                "I could not read “{text}” as a date. Please type it as day/month/year and time, "
                "for example {example} ({zone})."
            ).format(
                text=fit(message.text, 60),
                example=_example(zone, EXAMPLE_SEND_DAYS, with_time=True),
                zone=zone_label(zone, i18n.current_locale, offset=False),
            )
        )
        return
    if when <= datetime.now(UTC):
        await message.answer(
            _("{when} has already passed. Please type a future date and time ({zone}).").format(
                when=_local(when, zone, i18n.current_locale), zone=zone_label(zone, i18n.current_locale, offset=False)
            )
        )
        return
    await _ask_repeat(message, state, int(data["reminder_id"]), when, zone, i18n.current_locale)


async def _ask_repeat(target: Message, state: FSMContext, rid: int, when: datetime, zone: str, lang: str) -> None:
    await state.set_state(None)
    await state.update_data(when=when.isoformat(), reminder_id=rid, zone=zone)
    await target.answer(
        _("First sending: {when}. Send it once at that time, or every week?").format(when=_local(when, zone, lang)),
        reply_markup=remind_repeat_keyboard(rid),
    )


async def reminder_until(
    message: Message, member: Member | None, settings: Settings, session: AsyncSession, state: FSMContext, i18n: I18n
) -> None:
    """The typed last date of a weekly reminder."""
    data = await state.get_data()
    zone = _zone(data)
    try:
        until = _parse_when(message.text, zone)
    except _OutOfRange:
        await message.answer(_out_of_range(zone, i18n.current_locale))
        return
    when = datetime.fromisoformat(data["when"]) if data.get("when") else None
    if until is None or when is None or until.date() < when.astimezone(until.tzinfo).date():
        await message.answer(
            _("Please type the last date, on or after the first one, for example {example} ({zone}).").format(
                example=_example(zone, EXAMPLE_UNTIL_DAYS), zone=zone_label(zone, i18n.current_locale, offset=False)
            )
        )
        return
    until = datetime.combine(until.date(), day_time(23, 59, 59), tzinfo=until.tzinfo)
    await state.clear()
    try:
        await reminders.schedule_weekly(session, int(data["reminder_id"]), when, until, zone)
    except reminders.ReminderGone:
        await message.answer(_gone())
        return
    lang = i18n.current_locale
    await message.answer(
        _("Scheduled every week from {first} until {until}. See /reminders.").format(
            first=_local(when, zone, lang), until=_local(until, zone, lang)
        )
    )


def _gone() -> str:
    return _("This reminder was already sent or cancelled. Send /remind to write a new one.")


async def _still_draft(query: CallbackQuery, callback_answer: CallbackAnswer, session: AsyncSession, rid: int) -> bool:
    """For the buttons that only ask the next question: the draft is still being composed (else an alert)."""
    try:
        await reminders.get_draft(session, rid)
    except reminders.ReminderGone:
        callback_answer.text = _gone()
        callback_answer.show_alert = True
        return False
    return True


async def remind_cancel(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordRemind,
    session: AsyncSession,
    state: FSMContext,
) -> None:
    """Cancel the reminder being composed."""
    try:
        await reminders.cancel_draft(session, callback_data.rid)
    except reminders.ReminderGone:
        callback_answer.text = _gone()
        callback_answer.show_alert = True
        return
    await state.clear()
    await query.message.edit_text(_("Reminder cancelled."))


async def remind_write(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordRemind,
    session: AsyncSession,
    state: FSMContext,
    i18n: I18n,
) -> None:
    """Ask for the text, in the coordinator's language or (another language button) in that one."""
    language = i18n.current_locale
    if callback_data.action == RemindAction.language:
        if callback_data.arg not in i18n.available_locales:
            callback_answer.text = _("This button is no longer active.")
            callback_answer.show_alert = True
            return
        language = callback_data.arg
    if await _still_draft(query, callback_answer, session, callback_data.rid):
        await _ask_text(query.message, state, callback_data.rid, language)


async def remind_template(
    query: CallbackQuery, callback_answer: CallbackAnswer, callback_data: CoordRemind, session: AsyncSession
) -> None:
    """A catalog template; the survey template first asks which survey it names."""
    rid, key = callback_data.rid, callback_data.arg
    if key not in reminders.TEMPLATES:
        callback_answer.text = _("This button is no longer active.")
        callback_answer.show_alert = True
        return
    if key in reminders.TEMPLATES_WITH_FORM:
        if await _still_draft(query, callback_answer, session, rid):
            forms = [(form.id, _(form.title) if form.title else form.form_id) for form in await survey_forms(session)]
            await query.message.answer(
                _("Which survey should the reminder name?"),
                reply_markup=remind_forms_keyboard(rid, RemindAction.template_form, forms),
            )
        return
    try:
        await reminders.set_template(session, rid, key)
    except reminders.ReminderGone:
        callback_answer.text = _gone()
        callback_answer.show_alert = True
        return
    await _ask_audience(query.message, session, rid)


async def remind_template_form(
    query: CallbackQuery, callback_answer: CallbackAnswer, callback_data: CoordRemind, session: AsyncSession
) -> None:
    """The survey the template names."""
    arg = callback_data.arg
    forms = {form.id: form for form in await survey_forms(session)}
    form = forms.get(int(arg)) if arg.isascii() and arg.isdigit() else None
    if form is None:
        await query.message.answer(_("This survey is not available."))
        return
    try:
        await reminders.set_template(session, callback_data.rid, "survey", {"form": form.title or form.form_id})
    except reminders.ReminderGone:
        callback_answer.text = _gone()
        callback_answer.show_alert = True
        return
    await _ask_audience(query.message, session, callback_data.rid)


async def remind_audience(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordRemind,
    session: AsyncSession,
    state: FSMContext,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Choose the recipients: everyone, by a survey's progress, or a role, region, country or language."""
    if await _still_draft(query, callback_answer, session, callback_data.rid):
        await _audience_button(query.message, session, state, callback_data.rid, callback_data.arg, i18n, settings)


async def remind_audience_value(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordRemind,
    session: AsyncSession,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Recipients by one value (a role, region, language or confirmed country), or a refinement of them."""
    kind, _separator, value = callback_data.arg.partition("=")
    valid = {"role": set(role_labels()), "region": set(REGIONS), "language": set(i18n.available_locales)}
    refine = callback_data.action == RemindAction.narrow_value
    if not (value in valid.get(kind, set()) or (not refine and kind == "country" and is_country(value))):
        await query.message.answer(_("This button is no longer active."))
        return
    audience = {kind: value} if refine else {"kind": kind, "value": value}
    try:
        _draft, count = await reminders.set_audience(
            session, callback_data.rid, audience, settings.default_language, refine=refine
        )
    except reminders.ReminderGone:
        callback_answer.text = _gone()
        callback_answer.show_alert = True
        return
    except ValueError:  # a refinement of no audience yet
        await query.message.answer(_gone())
        return
    await _preview(query.message, session, callback_data.rid, count, i18n.current_locale, i18n, settings)


async def remind_send(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordRemind,
    session: AsyncSession,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Send now: nothing leaves without a second tap that names how many people get it."""
    rid, lang = callback_data.rid, i18n.current_locale
    try:
        count = await reminders.audience_count(session, rid, settings.default_language)
    except reminders.ReminderGone:
        callback_answer.text = _gone()
        callback_answer.show_alert = True
        return
    if not count:
        await query.message.answer(_("Nobody matches these recipients."))
        return
    await query.message.edit_text(
        ngettext(
            "Send this reminder to {count} member now? This cannot be undone.",
            "Send this reminder to {count} members now? This cannot be undone.",
            count,
        ).format(count=format_number(count, lang)),
        reply_markup=remind_confirm_keyboard(rid, format_number(count, lang)),
    )


async def remind_confirm_send(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordRemind,
    session: AsyncSession,
    sender=None,
) -> None:
    """The second tap: queue the reminder for the sender now."""
    try:
        await reminders.send_now(session, callback_data.rid)
    except reminders.ReminderIncomplete:
        await query.message.answer(_("Choose the text and the recipients first."))
        return
    except reminders.ReminderGone:
        callback_answer.text = _gone()
        callback_answer.show_alert = True
        return
    if sender is not None:
        sender.wake()
    await query.message.edit_text(_("Sending now. Send /reminders to see the delivery results."))


async def remind_preview(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordRemind,
    session: AsyncSession,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Back to the preview of the reminder as its recipients will get it."""
    try:
        count = await reminders.audience_count(session, callback_data.rid, settings.default_language)
    except reminders.ReminderGone:
        callback_answer.text = _gone()
        callback_answer.show_alert = True
        return
    await _preview(query.message, session, callback_data.rid, count, i18n.current_locale, i18n, settings)


async def remind_narrow(
    query: CallbackQuery, callback_answer: CallbackAnswer, callback_data: CoordRemind, session: AsyncSession, i18n: I18n
) -> None:
    """Only the recipients who also read a language, have a role or live in a region: the values."""
    kind = callback_data.arg
    if kind not in ("language", "role", "region"):
        await query.message.answer(_("This button is no longer active."))
        return
    if not await _still_draft(query, callback_answer, session, callback_data.rid):
        return
    values = {
        "language": lambda: [(code, language_name(code)) for code in ordered_languages(i18n.available_locales)],
        "role": lambda: [(role, label) for role, label in role_labels().items() if role != Role.COORDINATOR],
        "region": lambda: [(region, region_label(region, Tr())) for region in REGIONS],
    }[kind]()
    await query.message.answer(
        _("Only the recipients who also match:"),
        reply_markup=remind_values_keyboard(callback_data.rid, kind, values, action=RemindAction.narrow_value),
    )


async def remind_schedule(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordRemind,
    session: AsyncSession,
    i18n: I18n,
) -> None:
    """Schedule: first the coordinator's time zone."""
    if await _still_draft(query, callback_answer, session, callback_data.rid):
        await query.message.answer(
            _("Which time zone are you in? The date and time you give next are read in it."),
            reply_markup=remind_zone_keyboard(callback_data.rid, i18n.current_locale),
        )


async def remind_zone(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordRemind,
    session: AsyncSession,
    state: FSMContext,
    i18n: I18n,
) -> None:
    """The time zone chosen: ask the date and time (typed, or a proposed one)."""
    zone, rid = callback_data.arg, callback_data.rid
    if zone not in REMINDER_ZONES:
        await query.message.answer(_("This button is no longer active."))
        return
    if not await _still_draft(query, callback_answer, session, rid):
        return
    await state.set_state(CoordinatorStates.reminder_when)
    await state.update_data(reminder_id=rid, zone=zone)
    await query.message.answer(
        _("When should it be sent? Tap a time, or type the date and time ({zone}), for example {example}.").format(
            zone=zone_label(zone, i18n.current_locale, offset=False),
            example=_example(zone, EXAMPLE_SEND_DAYS, with_time=True),
        ),
        reply_markup=remind_when_keyboard(rid),
    )


async def remind_at(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordRemind,
    session: AsyncSession,
    state: FSMContext,
    i18n: I18n,
) -> None:
    """A proposed time (tomorrow or next Monday, 09:00 in the coordinator's zone): once or weekly?"""
    if callback_data.arg not in ("tom", "mon"):
        await query.message.answer(_("This button is no longer active."))
        return
    if not await _still_draft(query, callback_answer, session, callback_data.rid):
        return
    zone = _zone(await state.get_data())
    await _ask_repeat(
        query.message, state, callback_data.rid, _next_at(callback_data.arg, zone), zone, i18n.current_locale
    )


async def remind_once(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordRemind,
    session: AsyncSession,
    state: FSMContext,
    i18n: I18n,
) -> None:
    """Send once, at the time chosen."""
    data = await state.get_data()
    if not data.get("when"):
        if await _still_draft(query, callback_answer, session, callback_data.rid):
            await query.message.answer(_("Please choose the time first: tap 🕒 Schedule."))
        return
    moment = datetime.fromisoformat(data["when"])
    try:
        await reminders.schedule_once(session, callback_data.rid, moment)
    except reminders.ReminderIncomplete:
        await query.message.answer(_("Choose the text and the recipients first."))
        return
    except reminders.ReminderGone:
        callback_answer.text = _gone()
        callback_answer.show_alert = True
        return
    await state.clear()
    await query.message.edit_text(
        _("Scheduled for {when}. See /reminders.").format(when=_local(moment, _zone(data), i18n.current_locale))
    )


async def remind_weekly(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordRemind,
    session: AsyncSession,
    state: FSMContext,
    i18n: I18n,
) -> None:
    """Every week: ask until when."""
    if not await _still_draft(query, callback_answer, session, callback_data.rid):
        return
    data = await state.get_data()
    await state.set_state(CoordinatorStates.reminder_until)
    await state.update_data(reminder_id=callback_data.rid)
    await query.message.answer(
        _("Until which date? For example {example} ({zone}).").format(
            example=_example(_zone(data), EXAMPLE_UNTIL_DAYS),
            zone=zone_label(_zone(data), i18n.current_locale, offset=False),
        )
    )


async def _audience_button(
    target: Message, session: AsyncSession, state: FSMContext, rid: int, arg: str, i18n: I18n, settings: Settings
) -> None:
    if not arg:
        await _ask_audience(target, session, rid)
    elif arg == "all":
        await _choose_audience(target, session, rid, {"kind": "all"}, i18n, settings)
    elif arg[:2] in ("ns", "nn", "nd") and arg[2:].isascii() and arg[2:].isdigit():
        forms = {form.id: form for form in await survey_forms(session)}
        form = forms.get(int(arg[2:]))
        if form is None:
            await target.answer(_("This survey is not available."))
            return
        kind = {"ns": "not_submitted", "nn": "not_started", "nd": "draft"}[arg[:2]]
        await _choose_audience(
            target, session, rid, {"kind": kind, "value": form.form_id, "form_pk": form.id}, i18n, settings
        )
    elif arg == "role":
        roles = [(role, label) for role, label in role_labels().items() if role != Role.COORDINATOR]
        await target.answer(_("Which role?"), reply_markup=remind_values_keyboard(rid, "role", roles))
    elif arg == "region":
        regions = [(region, region_label(region, Tr())) for region in REGIONS]
        await target.answer(_("Which region?"), reply_markup=remind_values_keyboard(rid, "region", regions))
    elif arg == "language":
        languages = [(code, language_name(code)) for code in ordered_languages(i18n.available_locales)]
        await target.answer(_("Which language?"), reply_markup=remind_values_keyboard(rid, "language", languages))
    elif arg == "country":
        await state.set_state(CoordinatorStates.reminder_country)
        await state.update_data(reminder_id=rid)
        await target.answer(_("Which country? Type its name, for example <i>Kenya</i>."))
    else:
        await target.answer(_("This button is no longer active."))


_STATUS_ORDER = (
    DeliveryStatus.SENT,
    DeliveryStatus.BLOCKED,
    DeliveryStatus.FAILED,
    DeliveryStatus.UNKNOWN,
    DeliveryStatus.SKIPPED,
)


async def reminder_results(
    message: Message, member: Member | None, settings: Settings, session: AsyncSession, state: FSMContext, i18n: I18n
) -> None:
    """Delivery results of the latest reminders; scheduled ones can be cancelled."""
    await state.clear()
    lang = i18n.current_locale
    items = await reminders.report(session)
    if not items:
        await message.answer(_("No reminder has been sent or scheduled yet. Send /remind to write one."))
        return
    status_labels = {
        ReminderStatus.SCHEDULED: _("scheduled"),
        ReminderStatus.SENDING: _("sending"),
        ReminderStatus.DONE: _("finished"),
        ReminderStatus.CANCELLED: _("cancelled"),
    }
    lines = ["<b>" + _("Latest reminders") + "</b>"]
    cancellable = []
    for item in items:
        reminder, counts = item.reminder, item.counts
        queued = sum(
            counts.get(status, 0) for status in (DeliveryStatus.QUEUED, DeliveryStatus.CLAIMED, DeliveryStatus.SENDING)
        )
        text = reminders.render(reminder, lang, i18n, settings.default_language)
        lines += [
            "",
            f"<b>#{reminder.id}</b> · {status_labels.get(reminder.status, reminder.status)} · "
            + format_moment(reminder.scheduled_for, lang)
            + (" · " + _("weekly") if reminder.schedule_id else ""),
            "<i>" + html.escape(fit_utf16(text, 80)) + "</i>",
            _(
                "sent {sent} · blocked {blocked} · failed {failed} · queued {queued} · uncertain {unknown} · muted {skipped}"
            ).format(
                sent=format_number(counts.get("sent", 0), lang),
                blocked=format_number(counts.get("blocked", 0), lang),
                failed=format_number(counts.get("failed", 0), lang),
                queued=format_number(queued, lang),
                unknown=format_number(counts.get("unknown", 0), lang),
                skipped=format_number(counts.get("skipped", 0), lang),
            ),
        ]
        if reminder.status == ReminderStatus.SCHEDULED:
            cancellable.append((reminder.id, f"#{reminder.id}"))
    for chunk in split_message("\n".join(lines))[:-1]:
        await message.answer(chunk)
    await message.answer(split_message("\n".join(lines))[-1], reply_markup=scheduled_reminders_keyboard(cancellable))


async def cancel_scheduled(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordReminderAdmin,
    member: Member | None,
    settings: Settings,
    session: AsyncSession,
) -> None:
    """Cancel a scheduled reminder and its weekly repeats."""
    if not await reminders.cancel_scheduled(session, callback_data.rid):
        callback_answer.text = _("Too late: this reminder is already being sent or was cancelled.")
        callback_answer.show_alert = True
        return
    callback_answer.text = _("Reminder #{id} cancelled.").format(id=callback_data.rid)
    callback_answer.show_alert = True


def build_router() -> Router:
    """/remind, /reminders, the composer's buttons and typed steps (coordinators only: the parent router's filter)."""
    router = Router(name="coordinator: reminders")
    router.message.register(remind, command("remind"))
    router.message.register(reminder_results, command("reminders"))
    router.message.register(reminder_text, StateFilter(CoordinatorStates.reminder_text), not_command)
    router.message.register(reminder_country, StateFilter(CoordinatorStates.reminder_country), not_command)
    router.message.register(reminder_when, StateFilter(CoordinatorStates.reminder_when), not_command)
    router.message.register(reminder_until, StateFilter(CoordinatorStates.reminder_until), not_command)
    composer = (
        (remind_cancel, RemindAction.cancel),
        (remind_write, RemindAction.write),
        (remind_write, RemindAction.language),
        (remind_template, RemindAction.template),
        (remind_template_form, RemindAction.template_form),
        (remind_audience, RemindAction.audience),
        (remind_audience_value, RemindAction.audience_value),
        (remind_audience_value, RemindAction.narrow_value),
        (remind_send, RemindAction.send),
        (remind_confirm_send, RemindAction.confirm_send),
        (remind_preview, RemindAction.preview),
        (remind_narrow, RemindAction.narrow),
        (remind_schedule, RemindAction.schedule),
        (remind_zone, RemindAction.zone),
        (remind_at, RemindAction.at),
        (remind_once, RemindAction.once),
        (remind_weekly, RemindAction.weekly),
    )
    for handler, action in composer:
        router.callback_query.register(handler, CoordRemind.filter(F.action == action))
    router.callback_query.register(cancel_scheduled, CoordReminderAdmin.filter(F.action == ReminderAdminAction.cancel))
    return router
