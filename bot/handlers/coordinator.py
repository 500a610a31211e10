"""Coordinator tools: /stats, /remind, /reminders, /review, /export, /invite, /promote, /demote, form upload.

Every command and every button checks the coordinator role on the server (`_allowed`), so a forged
callback or a typed command from anyone else gets a polite refusal and changes nothing.
Also /mute and /unmute, which any member may use.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
from dataclasses import dataclass
from datetime import datetime, time as day_time, timedelta, timezone
from urllib.parse import urlsplit

from aiogram import Bot, F
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    WebAppInfo,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from babel.dates import format_datetime
from babel.numbers import format_decimal, format_percent
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.survey import tell_submitter
from bot.callbacks import CoordExport, CoordInvite, CoordPublish, CoordReminderAdmin, CoordRemind, CoordReview
from bot.commands import register_coordinator_commands, remove_coordinator_commands
from bot.config import Settings
from bot.downloads import FileTooLarge, download_capped
from bot.countries import country_name, exact_country, is_country, match_country
from bot.handlers import Handlers
from bot.heavy import HeavyWork
from bot.i18n import language_name, ordered_languages, translations
from bot.i18n.typography import direct, format_list, join_items
from bot.keyboards import (
    role_labels,
    export_keyboard,
    invite_country_keyboard,
    invite_days_keyboard,
    invite_role_keyboard,
    invite_uses_keyboard,
    publish_keyboard,
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
    review_again_keyboard,
    review_corrections_keyboard,
    review_keyboard,
    scheduled_reminders_keyboard,
    with_document_buttons,
    zone_label,
)
from bot.limits import fit_utf16, utf16_len
from bot.telegram_render import split_message
from bot.reports.indicators import indicator_label
from bot.reports.regions import REGIONS, region_label
from bot.services import coord_reminders as reminders
from bot.services import coordination, documents, members
from bot.handlers.documents import document_line
from bot.survey import FormError
from bot.survey.limits import MAX_FORM_BYTES, FormLimitError
from bot.survey.sandbox import FormReader
from storage.models import DeliveryStatus, Member, ReminderStatus, Role

handlers = Handlers("coordinator")

PUBLISH_AUDIENCES = {"fp": "focal_point,member", "lab": "lab", "all": ""}


class CoordinatorStates(StatesGroup):
    """Typed input a coordinator is asked for (the data being built lives in the database)."""

    reminder_text = State()
    reminder_country = State()
    reminder_when = State()
    reminder_until = State()
    reject_reason = State()
    review_value = State()
    invite_country = State()


_TELEGRAM_TAG = re.compile(r"</?(?:b|i|u|s|code|pre)>")


def _usage_html(text: str) -> str:
    """Usage lines show <placeholders>: escape every "<" that is not one of Telegram's tags."""
    pieces, position = [], 0
    for tag in _TELEGRAM_TAG.finditer(text):
        pieces += [html.escape(text[position:tag.start()], quote=False), tag.group()]
        position = tag.end()
    return "".join(pieces) + html.escape(text[position:], quote=False)


def _is_coordinator(member: Member | None, user_id: int, settings: Settings) -> bool:
    return members.is_coordinator(member, user_id, settings.coordinator_ids)


def is_coordinator(member: Member | None, user_id: int, settings: Settings) -> bool:
    """Whether this member (or configured Telegram id) holds the coordinator role."""
    return _is_coordinator(member, user_id, settings)


def coordinator_help() -> str:
    """The second help block, shown to coordinators only."""
    return "\n".join([
        _("<b>Coordinator tools</b>"),
        _("/stats: survey campaign progress"),
        _("/remind: send or schedule a reminder; /reminders: delivery results"),
        _("/review: review reported threshold values"),
        _("/export: survey answers as XLSX and CSV"),
        _("/invite: an invite link for a country and role"),
        _("/promote, /demote: give or take the coordinator role"),
        _("Send an XLSForm file to publish a new survey version."),
    ])


async def _coordinator_asks(message: Message, settings: Settings, member: Member | None = None) -> bool:
    return _is_coordinator(member, message.from_user.id, settings)


@handlers.message(Command("help"), _coordinator_asks)
async def coordinator_help_command(message: Message, member: Member | None, settings: Settings, bot: Bot,
                                   i18n: I18n) -> None:
    """/help for a coordinator: the public help, then the coordinator tools; their command menu is set too."""
    from bot.handlers.start import help_text

    await message.answer(f"{help_text()}\n\n{coordinator_help()}")
    # Telegram accepts a chat's own menu only once the chat exists: now it does.
    await register_coordinator_commands(bot, i18n, {message.chat.id: i18n.current_locale}, settings.default_language)


def _refusal() -> str:
    return _("Sorry, this is only for coordinators.")


async def _allowed(event: Message | CallbackQuery, member: Member | None, settings: Settings) -> bool:
    """The server-side role check; refuses politely when it fails."""
    if _is_coordinator(member, event.from_user.id, settings):
        return True
    if isinstance(event, CallbackQuery):
        await event.answer(_refusal(), show_alert=True)
    else:
        await event.answer(_refusal())
    return False


def _not_command(message: Message) -> bool:
    return bool(message.text) and not message.text.startswith("/")


def _when(moment: datetime | None, lang: str) -> str:
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return format_datetime(moment, "medium", tzinfo=timezone.utc, locale=_babel(lang)) + " UTC"


def _number(value: int, lang: str) -> str:
    return format_decimal(value, locale=_babel(lang))


def _babel(lang: str) -> str:
    return lang.replace("-", "_") or "en"


# ================================================================ roles


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


@handlers.message(Command("promote"))
async def promote(message: Message, command: CommandObject, member: Member | None, settings: Settings,
                  session: AsyncSession, state: FSMContext, bot: Bot, i18n: I18n) -> None:
    """Make members (Telegram ids or @usernames, one or several) coordinators; one line per member."""
    if not await _allowed(message, member, settings):
        return
    await state.clear()
    references = _references(command.args)
    if not references or len(references) > MAX_ROLE_REFERENCES:
        await message.answer(_usage_html(_("Usage: /promote <Telegram id or @username> [more ids or usernames, "
                                           "at most {count}]").format(count=MAX_ROLE_REFERENCES)))
        return
    lines, promoted = [], {}
    for reference in references:
        try:
            result = await coordination.promote(session, reference, message.from_user.id)
        except coordination.NotFound:
            lines.append(_("I know no member {who}. They need to send /start to the bot first.").format(who=_who(reference)))
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


@handlers.message(Command("demote"))
async def demote(message: Message, command: CommandObject, member: Member | None, settings: Settings,
                 session: AsyncSession, state: FSMContext, bot: Bot) -> None:
    """Give promoted coordinators (one or several) their previous role back; one line per member."""
    if not await _allowed(message, member, settings):
        return
    await state.clear()
    references = _references(command.args)
    if not references or len(references) > MAX_ROLE_REFERENCES:
        await message.answer(_usage_html(_("Usage: /demote <Telegram id or @username> [more ids or usernames, "
                                           "at most {count}]").format(count=MAX_ROLE_REFERENCES)))
        return
    lines = []
    for reference in references:
        try:
            result = await coordination.demote(session, reference, message.from_user.id, settings.coordinator_ids)
        except coordination.NotFound:
            lines.append(_("I know no member {who}. They need to send /start to the bot first.").format(who=_who(reference)))
            continue
        except coordination.NotAllowed as error:
            if str(error) == "configured":
                lines.append(_("{who} is a coordinator by the bot's configuration (COORDINATOR_IDS); "
                               "only the operator can change that.").format(who=_who(reference)))
            else:
                lines.append(_("{who} is not a coordinator.").format(who=_who(reference)))
            continue
        await remove_coordinator_commands(bot, result.member.telegram_id)
        lines.append(_("{name} is no longer a coordinator (role now: {role}).").format(
            name=_member_label(result.member), role=role_labels().get(result.new_role, result.new_role)))
    for chunk in split_message("\n".join(lines)):
        await message.answer(chunk)


# ================================================================ member settings


@handlers.message(Command("mute"))
async def mute(message: Message, session: AsyncSession) -> None:
    """Stop receiving reminders."""
    await coordination.set_muted(session, message.from_user, True)
    await message.answer(_("You will receive no more reminders. Send /unmute to receive them again."))


@handlers.message(Command("unmute"))
async def unmute(message: Message, session: AsyncSession) -> None:
    """Receive reminders again."""
    await coordination.set_muted(session, message.from_user, False)
    await message.answer(_("You will receive reminders again. Send /mute to stop them."))


# ================================================================ invites


def _invite_usage() -> str:
    return _("Usage: /invite <country> <focal_point | lab | member> [multi] [days]\n"
             "Example: <code>/invite Kenya focal_point</code> (single use, valid 30 days) or "
             "<code>/invite KE lab multi 60</code>.")


_ROLE_WORDS = {"focal_point": Role.FOCAL_POINT.value, "focal": Role.FOCAL_POINT.value, "fp": Role.FOCAL_POINT.value,
               "lab": Role.LAB.value, "laboratory": Role.LAB.value, "member": Role.MEMBER.value}
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
        if lowered in _ROLE_WORDS and role is None:
            role = _ROLE_WORDS[lowered]
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


@handlers.message(Command("invite"))
async def invite(message: Message, command: CommandObject, member: Member | None, settings: Settings,
                 session: AsyncSession, state: FSMContext, bot: Bot, i18n: I18n) -> None:
    """Create a deep link that presets a new member's country and role (a guessed country is confirmed first)."""
    if not await _allowed(message, member, settings):
        return
    await state.clear()
    if not (command.args or "").strip():
        # The guided way: country (typed, confirmed), then role, uses and validity with buttons.
        await state.set_state(CoordinatorStates.invite_country)
        await message.answer(_("Which country is the invite for? Type its name, for example <i>Kenya</i>.\n"
                               "(Shortcut for next time: <code>/invite Kenya focal_point</code>.)"))
        return
    request = parse_invite(command.args or "")
    if not request.country_text or request.role is None:
        await message.answer(_usage_html(_invite_usage()))
        return
    if request.days is None:
        await message.answer(_("An invite is valid for {low} to {high} days. Please send /invite again with a "
                               "number of days in that range.").format(low=coordination.MIN_INVITE_DAYS,
                                                                      high=coordination.MAX_INVITE_DAYS))
        return
    lang = i18n.current_locale
    country = exact_country(request.country_text)
    if country is not None:
        await message.answer(await _create_invite(session, bot, message.from_user.id, country, request.role,
                                                  request.multi, request.days, lang))
        return
    candidates = match_country(request.country_text)
    if not candidates:
        await message.answer(_("I do not recognise the country “{text}”. Please type its name or its two-letter "
                               "ISO code, for example Kenya or KE.").format(text=_fit(request.country_text, 100)))
        return
    await message.answer(
        _("Which country did you mean for this invite?"),
        reply_markup=invite_country_keyboard(
            [(code, country_name(code, lang)) for code, _score in candidates], request.role, request.multi, request.days),
    )


@handlers.message(StateFilter(CoordinatorStates.invite_country), _not_command)
async def invite_country_typed(message: Message, member: Member | None, settings: Settings, state: FSMContext,
                               i18n: I18n) -> None:
    """The guided /invite: the typed country, confirmed with buttons; then whom the invite is for."""
    if not await _allowed(message, member, settings):
        await state.clear()
        return
    text, lang = message.text.strip(), i18n.current_locale
    country = exact_country(text)
    if country is not None:
        await state.clear()
        await message.answer(_("Invite for {country}. Who is it for?").format(country=html.escape(country_name(country, lang))),
                             reply_markup=invite_role_keyboard(country, _invite_roles()))
        return
    candidates = match_country(text)
    if not candidates:
        # The state stays: the next message is the country.
        await message.answer(_("I do not recognise the country “{text}”. Please type its name or its two-letter "
                               "ISO code, for example Kenya or KE.").format(text=_fit(text, 100)))
        return
    await state.clear()
    await message.answer(_("Which country did you mean for this invite?"), reply_markup=invite_country_keyboard(
        [(code, country_name(code, lang)) for code, _score in candidates], "", False,
        coordination.DEFAULT_INVITE_DAYS, step="c"))


def _invite_roles() -> dict[str, str]:
    labels = role_labels()
    return {role: labels[role] for role in coordination.INVITE_ROLES}


@handlers.callback_query(CoordInvite.filter(F.step.in_({"c", "r", "u"})))
async def invite_step(query: CallbackQuery, callback_data: CoordInvite, member: Member | None, settings: Settings,
                      i18n: I18n) -> None:
    """The guided /invite: country chosen -> role; role -> single or multi use; uses -> validity."""
    if not await _allowed(query, member, settings):
        return
    await query.answer()
    if query.message is None:
        return
    country, role, step, lang = callback_data.country, callback_data.role, callback_data.step, i18n.current_locale
    if not country:
        await query.message.edit_text(_("No invite was created. Send /invite again with the country's name or "
                                        "ISO code."))
        return
    if not is_country(country) or (step != "c" and role not in coordination.INVITE_ROLES):
        await query.message.answer(_("This button is no longer active."))
        return
    name = html.escape(country_name(country, lang))
    if step == "c":
        await query.message.edit_text(_("Invite for {country}. Who is it for?").format(country=name),
                                      reply_markup=invite_role_keyboard(country, _invite_roles()))
    elif step == "r":
        await query.message.edit_text(_("Invite for a {role} in {country}. For one person, or anyone with the link?").format(
            role=role_labels()[role], country=name), reply_markup=invite_uses_keyboard(country, role))
    else:
        await query.message.edit_text(_("Invite for a {role} in {country}. How long should the link stay valid?").format(
            role=role_labels()[role], country=name), reply_markup=invite_days_keyboard(country, role, bool(callback_data.multi)))


@handlers.callback_query(CoordInvite.filter())
async def invite_country_chosen(query: CallbackQuery, callback_data: CoordInvite, member: Member | None,
                                settings: Settings, session: AsyncSession, bot: Bot, i18n: I18n) -> None:
    """The coordinator confirmed the invite's country (or none of the guesses), or the guided flow's validity."""
    if not await _allowed(query, member, settings):
        return
    if query.message is None:
        await query.answer()
        return
    if callback_data.step:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    if not callback_data.country:
        await query.answer()
        await query.message.edit_text(_("No invite was created. Send /invite again with the country's name or "
                                        "ISO code."))
        return
    if (not is_country(callback_data.country) or callback_data.role not in coordination.INVITE_ROLES
            or not coordination.MIN_INVITE_DAYS <= callback_data.days <= coordination.MAX_INVITE_DAYS):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    await query.message.edit_text(await _create_invite(session, bot, query.from_user.id, callback_data.country,
                                                       callback_data.role, bool(callback_data.multi), callback_data.days,
                                                       i18n.current_locale))


async def _create_invite(session: AsyncSession, bot: Bot, by: int, country: str, role: str, multi: bool, days: int,
                         lang: str) -> str:
    """Store the invite; the message with its link."""
    created = await coordination.create_invite(session, by, country, role, multi, days)
    me = await bot.me()
    link = f"https://t.me/{me.username}?start={created.code}"
    uses = _("anyone with the link can use it") if multi else _("one person can use it")
    return (_("Invite link for a {role} in {country} ({uses}), valid until {until}:").format(
        role=role_labels()[role], country=html.escape(country_name(country, lang)), uses=uses,
        until=_when(created.expires_at, lang)) + f"\n{link}")


# ================================================================ statistics


@handlers.message(Command("dashboard"))
async def dashboard(message: Message, member: Member | None, settings: Settings) -> None:
    """The coordinators' dashboard (bot/web/dashboard.py): a Mini App button, and a signed link for a browser."""
    if not await _allowed(message, member, settings):
        return
    base = web_origin(settings.webhook_url)
    if base is None or settings.bot_token is None:
        await message.answer(_("The dashboard opens once the bot is served over HTTPS (WEBHOOK_URL is set). "
                               "Meanwhile, /stats gives the same figures."))
        return
    from bot.web.dashboard import dashboard_link

    link = dashboard_link(settings.bot_token.get_secret_value(), base, message.from_user.id)
    markup = InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=_("📊 Open the dashboard"), web_app=WebAppInfo(url=base + "/dashboard"))],
        [InlineKeyboardButton(text=_("🖥 Open in a browser (link valid 15 minutes, once)"), url=link)],
    ])
    await message.answer(_("Campaign progress, indicators by region and the review queue, updated live."),
                         reply_markup=markup)


def web_origin(url: str | None) -> str | None:
    """"https://host[:port]" of the webhook URL: the site is served by the same process."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"https://{parts.netloc}" if parts.scheme == "https" and parts.netloc else None


@handlers.message(Command("stats"))
async def stats(message: Message, member: Member | None, settings: Settings, session: AsyncSession,
                state: FSMContext, i18n: I18n, heavy: HeavyWork) -> None:
    """Submissions and drafts per form by region and country, the action-plan indicators and a chart."""
    if not await _allowed(message, member, settings):
        return
    heavy.prepare()
    await state.clear()
    lang = i18n.current_locale
    tr = translations(i18n.locales, lang)
    result = await coordination.campaign_stats(session, heavy)
    lines = ["<b>" + _("Survey campaign progress") + "</b>"]
    for form in result.forms:
        lines += ["", "<b>" + html.escape(form.title) + "</b> (" + html.escape(form.form_id) + ")",
                  _("{submitted} submitted, {drafts} in progress").format(
                      submitted=_number(form.submitted, lang), drafts=_number(form.drafts, lang))]
        for region in sorted(form.by_region, key=coordination.region_order):
            countries = form.by_region[region]
            done = sum(cell[0] for cell in countries.values())
            drafts = sum(cell[1] for cell in countries.values())
            names = join_items(
                sorted(f"{country_name(code, lang) if code else '?'} {cell[0]}/{cell[1]}" for code, cell in countries.items()), lang
            )
            label = region_label(region, tr) if region in REGIONS else _("Country not given or outside the regions")
            lines.append("• " + _("{region}: {submitted} submitted, {drafts} in progress ({countries})").format(
                region=html.escape(label), submitted=_number(done, lang), drafts=_number(drafts, lang),
                countries=html.escape(names)))
    lines += ["", "<b>" + _("Action plan indicators") + "</b>"]
    for indicator in result.indicators:
        goal = ""
        if indicator.goal is not None:
            goal = " · " + _("goal {goal}").format(goal=format_percent(indicator.goal, locale=_babel(lang)))
        lines.append("• " + _("{label}: {value}").format(
            label=html.escape(indicator_label(indicator.id, tr)),
            value=_("{numerator} of {denominator}").format(
                numerator=_number(indicator.numerator, lang), denominator=_number(indicator.denominator, lang))
            + f" ({format_percent(indicator.value, locale=_babel(lang))})" + goal))
    counted = [
        (_("{country}: answer no. {id} of the focal point") if answer.official
         else _("{country}: answer no. {id}, no focal point has answered")).format(country=answer.country, id=answer.submission_id)
        for answer in result.counted if answer.answers > 1 or not answer.official
    ]
    if counted:  # one official answer per country: say which one counted where there was a choice
        lines += ["", _("Counted for the indicators (one answer per country):"), *("• " + line for line in counted)]
    lines += ["", _("(country: submitted/in progress)")]
    for chunk in split_message(direct("\n".join(lines), lang)):  # form titles may be Latin in Arabic text
        await message.answer(chunk)
    await message.bot.send_chat_action(message.chat.id, "upload_photo")
    # Drawn in the worker process: members answering surveys meanwhile are not kept waiting.
    chart = await heavy.progress_chart(result.regions, result.indicators, await heavy.chart_language(lang))
    await message.answer_photo(BufferedInputFile(chart, filename="insop-progress.png"),
                               caption=_("Response rate by region and action-plan indicators."))


# ================================================================ exports


@handlers.message(Command("export"))
async def export(message: Message, command: CommandObject, member: Member | None, settings: Settings,
                 session: AsyncSession, state: FSMContext, heavy: HeavyWork) -> None:
    """Offer the surveys to export; `/export ids` adds Telegram ids to the files."""
    if not await _allowed(message, member, settings):
        return
    heavy.prepare()  # while the coordinator picks a survey
    await state.clear()
    with_ids = (command.args or "").strip().lower() in ("ids", "telegram_ids", "with_ids")
    forms = await coordination.exportable_forms(session)
    if not forms:
        await message.answer(_("There is no survey to export."))
        return
    text = _("Which survey do you want to export (XLSX and CSV)?")
    if with_ids:
        text += "\n" + _("The files will include members' Telegram ids: keep them confidential.")
    await message.answer(text, reply_markup=export_keyboard([(form.id, form.title or form.form_id) for form in forms], with_ids))


@handlers.callback_query(CoordExport.filter())
async def export_chosen(query: CallbackQuery, callback_data: CoordExport, member: Member | None, settings: Settings,
                        session: AsyncSession, heavy: HeavyWork) -> None:
    """Send the chosen survey's submissions as XLSX and CSV files."""
    if not await _allowed(query, member, settings):
        return
    try:
        stored, rows = await coordination.export_rows(session, callback_data.form_pk)
    except coordination.NotFound:
        await query.answer(_("This survey is not available."), show_alert=True)
        return
    await query.answer()
    if query.message is None:
        return
    await query.message.bot.send_chat_action(query.message.chat.id, "upload_document")
    # Written in the worker process: a large export does not hold up anyone else's updates.
    files = await heavy.export_files(stored.definition, rows, None, bool(callback_data.ids))
    count = len(rows)
    caption = _("{title}: {count} submitted responses.").format(title=_fit(stored.title or stored.form_id, 300),
                                                                 count=count)
    await query.message.answer_document(BufferedInputFile(files.xlsx, filename=files.filename_stem + ".xlsx"), caption=caption)
    await query.message.answer_document(BufferedInputFile(files.csv, filename=files.filename_stem + ".csv"),
                                        caption=_("CSV: one row per response.") if files.repeat_csvs else None)
    for sheet, content in files.repeat_csvs:
        # The reported values are rows of a repeat: their own CSV, linked to the response by _parent_submission_id.
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", sheet).strip("._") or "repeat"
        await query.message.answer_document(
            BufferedInputFile(content, filename=f"{files.filename_stem}_{stem}.csv"),
            caption=_("CSV “{sheet}”: one row per entry, linked to its response by _parent_submission_id.").format(
                sheet=_fit(sheet, 64)))
    # The documents sent as answers, in zips whose paths the files' cells name (off the event loop: copying).
    sent = await documents.export_documents(session, stored.form_id)
    if sent:
        archives = await asyncio.to_thread(documents.build_archives, sent)
        for number, archive in enumerate(archives, start=1):
            suffix = f"-{number}" if len(archives) > 1 else ""
            await query.message.answer_document(
                BufferedInputFile(archive, filename=f"{files.filename_stem}-documents{suffix}.zip"),
                caption=_("Documents sent as answers ({count}), with manifest.csv: consent level, SHA-256 and size "
                          "of each.").format(count=len(sent)) if number == 1 else None)


# ================================================================ threshold review


def _fit(text: str | None, units: int = 200) -> str:
    """Stored or reported text shortened for a message, then escaped (the stored text stays whole)."""
    return html.escape(fit_utf16(text or "", units))


def _review_text(item: coordination.ReviewItem, lang: str) -> str:
    """The review card: the value as typed, who reported it, the range elsewhere, and where it comes from."""
    row = item.threshold
    submitted_from = item.submission_country
    lines = [
        "<b>" + _("Reported threshold value ({count} waiting)").format(count=_number(item.remaining, lang)) + "</b>",
        _("Country: {country}").format(country=_fit(f"{row.jurisdiction_name} ({row.jurisdiction})")),
    ]
    if item.submitter_role or submitted_from or item.submitter_name:
        lines.append(_("Reported by: {who}, {role}, {country}").format(
            who=_fit(item.submitter_name or "—", 64), role=html.escape(_submitter_role(item.submitter_role)),
            country=_fit(country_name(submitted_from, lang) if submitted_from else "—")))
    lines += [
        _("Pollutant: {name} (reported as “{original}”)").format(name=_fit(row.pollutant_name),
                                                                 original=_fit(row.pollutant_original)),
        _("Land use: {name} (reported as “{original}”)").format(name=_fit(row.land_use),
                                                                original=_fit(row.land_use_original)),
        _("Value as typed: <b>{original} {unit_original}</b>, stored as {value} {unit}").format(
            value=html.escape(_plain_number(row.value, row.value_min, row.value_max)), unit=_fit(row.unit),
            original=_fit(item.typed_value or _as_typed(row.value_original) or "—", 64), unit_original=_fit(row.unit_original)),
    ]
    if item.others_count:
        lines.append(_("Other jurisdictions, same pollutant and land use: {low}–{high} {unit} ({count})").format(
            low=html.escape(_plain_number(item.others_low, None, None)),
            high=html.escape(_plain_number(item.others_high, None, None)), unit=_fit(row.unit),
            count=_number(item.others_count, lang)))
    else:
        lines.append(_("No other jurisdiction has an approved value for this pollutant and land use."))
    lines += [
        _("Type: {value_type}; legal status: {status}").format(value_type=_fit(row.value_type_original or row.value_type),
                                                              status=_fit(row.legal_status_original or row.legal_status)),
        _("Instrument: {instrument} ({year})").format(instrument=_fit(row.instrument or "—", 400),
                                                      year=_fit(row.year_original or "—", 64)),
        _("Source: {source}").format(source=_fit(row.source, 400)),
    ]
    # The documents feature adds the submission's attached files here.
    lines.extend(_fit(document, 200) for document in item.documents[:5])
    return "\n".join(lines)


MAX_REVIEW_DOCUMENTS = 5  # buttons under one review card


def _submitter_role(role: str | None) -> str:
    labels = {Role.FOCAL_POINT.value: _("national focal point"), Role.LAB.value: _("soil laboratory"),
              Role.MEMBER.value: _("INSOP member")}
    return labels.get(role or "", role or "—")


def _as_typed(original: str | None) -> str:
    """A stored survey number as the focal point typed it: "3.500000" (stored so before) reads "3.5"."""
    text = (original or "").strip()
    if re.fullmatch(r"-?\d+\.\d*0", text):
        text = text.rstrip("0").rstrip(".")
    return text


def _plain_number(value, low, high) -> str:
    def show(number):
        return "—" if number is None else f"{number:g}"

    if value is None and (low is not None or high is not None):
        return f"{show(low)}–{show(high)}"
    return show(value)


async def _decided(session: AsyncSession, tid: int, decision: str, lang: str) -> str:
    """The card as it stays in the chat once decided: the value, the decision, no buttons."""
    item = await coordination.review_item(session, tid)
    card = _review_text(item, lang).split("\n", 1)[1] if item is not None else ""
    return f"{card}\n\n<b>{decision}</b>"


async def _show_review(target: Message, session: AsyncSession, lang: str, after_id: int = 0, edit: bool = False,
                       wrap: bool = True) -> None:
    item = await coordination.next_review(session, after_id, wrap=wrap)
    if item is None:
        remaining = await coordination.pending_review_count(session)
        if remaining and not wrap:
            # Skip on the last card: say so, rather than showing the first skipped card again.
            text = _("That was the last one. {count} skipped value(s) still wait for review.").format(
                count=_number(remaining, lang))
            markup = review_again_keyboard()
        else:
            text, markup = _("No reported threshold value is waiting for review."), None
        await (target.edit_text(text, reply_markup=markup) if edit else target.answer(text, reply_markup=markup))
        return
    text = _review_text(item, lang)
    markup = review_keyboard(item.threshold.id)
    # The documents sent with the survey that reported the value, to check it against the official text.
    attached = (await documents.documents_for_threshold(session, item.threshold))[:MAX_REVIEW_DOCUMENTS]
    if attached:
        text += "\n" + "\n".join(document_line(view, lang) for view in attached)
        markup = with_document_buttons(markup, [(view.id, view.filename) for view in attached])
    await (target.edit_text(text, reply_markup=markup) if edit else target.answer(text, reply_markup=markup))


@handlers.message(Command("review"))
async def review(message: Message, member: Member | None, settings: Settings, session: AsyncSession,
                 state: FSMContext, i18n: I18n) -> None:
    """Show the next threshold value reported in a survey, with approve / correct / reject buttons."""
    if not await _allowed(message, member, settings):
        return
    await state.clear()
    await _show_review(message, session, i18n.current_locale)


@handlers.callback_query(CoordReview.filter())
async def review_button(query: CallbackQuery, callback_data: CoordReview, member: Member | None, settings: Settings,
                        session: AsyncSession, state: FSMContext, i18n: I18n) -> None:
    """Approve, correct, reject or skip the value under review."""
    if not await _allowed(query, member, settings):
        return
    if query.message is None:
        await query.answer()
        return
    action, tid, lang = callback_data.action, callback_data.tid, i18n.current_locale
    if action == "skip":
        await query.answer()
        await query.message.edit_reply_markup(reply_markup=None)
        await _show_review(query.message, session, lang, after_id=tid, wrap=False)
        return
    if action == "again":
        await query.answer()
        await _show_review(query.message, session, lang, edit=True)
        return
    if action == "back":
        await query.answer()
        await query.message.edit_reply_markup(reply_markup=review_keyboard(tid))
        return
    if action == "unit":
        await query.answer()
        await query.message.edit_reply_markup(reply_markup=review_corrections_keyboard(
            tid, "fixu", [(unit, unit) for unit in coordination.CORRECTION_UNITS]))
        return
    if action == "land":
        await query.answer()
        await query.message.edit_reply_markup(reply_markup=review_corrections_keyboard(
            tid, "fixl", [(land_use, land_use) for land_use in coordination.CORRECTION_LAND_USES]))
        return
    if action in ("no", "val"):
        await query.answer()
        await state.set_state(CoordinatorStates.reject_reason if action == "no" else CoordinatorStates.review_value)
        await state.update_data(threshold_id=tid, card_chat=query.message.chat.id, card_id=query.message.message_id)
        await query.message.answer(_("Type the reason for rejecting this value (or /cancel).") if action == "no"
                                   else _("Type the correct value, a number in the unit shown (or /cancel)."))
        return
    if action not in ("ok", "fixu", "fixl"):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    try:
        row = await coordination.approve_threshold(
            session, tid, query.from_user.id,
            unit=callback_data.arg if action == "fixu" else None,
            land_use=callback_data.arg if action == "fixl" else None,
        )
    except coordination.NotFound:
        await query.answer(_("This value no longer exists."), show_alert=True)
        return
    except (coordination.NotAllowed, ValueError):
        await query.answer(_("This value was already reviewed, or the correction does not fit it."), show_alert=True)
        return
    await query.answer(_("Approved."))
    await query.message.edit_text(await _decided(session, tid, _approved_line(row, lang), lang), reply_markup=None)
    await tell_submitter(query.bot, session, row, i18n, settings.default_language)
    await _show_review(query.message, session, lang, after_id=tid)


def _approved_line(row, lang: str) -> str:
    decision = _("✅ Approved by you, {date}").format(date=_when(row.reviewed_at, lang))
    if row.review_note:
        decision += "\n" + _("Correction: {note}").format(note=_fit(row.review_note, 300))
    return decision


async def _edit_card(bot: Bot, session: AsyncSession, data: dict, decision: str, lang: str) -> None:
    """Write the decision onto the card the buttons were on (it may be gone: nothing to do then)."""
    text = await _decided(session, int(data.get("threshold_id")), decision, lang)
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_text(text, chat_id=data.get("card_chat"), message_id=data.get("card_id"), reply_markup=None)


@handlers.message(StateFilter(CoordinatorStates.review_value), _not_command)
async def review_value(message: Message, member: Member | None, settings: Settings, session: AsyncSession,
                       state: FSMContext, i18n: I18n, bot: Bot) -> None:
    """The typed value approves the value under review with it (the original wording stays on record)."""
    if not await _allowed(message, member, settings):
        await state.clear()
        return
    data = await state.get_data()
    typed = message.text.strip()
    if not re.fullmatch(r"\d{1,9}(?:[.,]\d{1,9})?", typed):
        # The state stays: the next message is the number.
        await message.answer(_("Please type only a number, for example 3.5 (the unit stays as shown)."))
        return
    await state.clear()
    try:
        row = await coordination.approve_threshold(session, int(data.get("threshold_id")), message.from_user.id,
                                                   value=typed.replace(",", "."))
    except (coordination.NotFound, coordination.NotAllowed, TypeError, ValueError):
        await message.answer(_("This value was already reviewed, or the correction does not fit it."))
        return
    await message.answer(_("Approved with the corrected value {value} {unit}.").format(
        value=html.escape(_plain_number(row.value, row.value_min, row.value_max)), unit=_fit(row.unit)))
    await _edit_card(bot, session, data, _approved_line(row, i18n.current_locale), i18n.current_locale)
    await tell_submitter(message.bot, session, row, i18n, settings.default_language)
    await _show_review(message, session, i18n.current_locale, after_id=row.id)


@handlers.message(StateFilter(CoordinatorStates.reject_reason), _not_command)
async def reject_reason(message: Message, member: Member | None, settings: Settings, session: AsyncSession,
                        state: FSMContext, i18n: I18n, bot: Bot) -> None:
    """The typed reason rejects the value under review."""
    if not await _allowed(message, member, settings):
        await state.clear()
        return
    data = await state.get_data()
    tid = data.get("threshold_id")
    if len(message.text.strip()) > coordination.REASON_LIMIT:
        # The state stays: the next message is the shorter reason.
        await message.answer(_("Please keep the reason to at most {limit} characters (it has {length}).").format(
            limit=_number(coordination.REASON_LIMIT, i18n.current_locale),
            length=_number(len(message.text.strip()), i18n.current_locale)))
        return
    await state.clear()
    try:
        rejected = await coordination.reject_threshold(session, int(tid), message.from_user.id, message.text)
    except (coordination.NotFound, coordination.NotAllowed, TypeError, ValueError):
        await message.answer(_("This value was already reviewed, or the correction does not fit it."))
        return
    await message.answer(_("Rejected. The reason is stored with the value."))
    await _edit_card(bot, session, data, _("❌ Rejected by you: {reason}").format(reason=_fit(message.text.strip(), 300)),
                     i18n.current_locale)
    await tell_submitter(message.bot, session, rejected, i18n, settings.default_language)
    await _show_review(message, session, i18n.current_locale, after_id=int(tid))


# ================================================================ publishing a survey version


async def download_document(bot: Bot, message: Message) -> bytes:
    """The file the coordinator sent, from Telegram: at most MAX_FORM_BYTES are read, whatever size Telegram
    declared (FileTooLarge beyond)."""
    return await download_capped(bot, message.document.file_id, MAX_FORM_BYTES)


@handlers.message(F.document)
async def form_uploaded(message: Message, member: Member | None, settings: Settings, session: AsyncSession,
                        state: FSMContext, bot: Bot, i18n: I18n, form_reader: FormReader) -> None:
    """A coordinator sends an XLSForm: check it and offer to publish it as the form's new version.

    The file is read in a capped child process (`form_reader`): the event loop goes on serving
    everyone else, and a form that hits a limit gets one line naming its sheet, row and column.
    """
    if not _is_coordinator(member, message.from_user.id, settings):
        await message.answer(_("Only coordinators can publish surveys. To answer a survey, send /survey."))
        return
    await state.clear()
    document = message.document
    too_large = _("This file is too large for a survey form (at most 5 MB).")  # MAX_FORM_BYTES
    if document.file_size and document.file_size > MAX_FORM_BYTES:
        await message.answer(too_large)
        return
    try:
        content = await download_document(bot, message)
    except FileTooLarge:
        await message.answer(too_large)
        return
    except TelegramBadRequest as error:
        if "too big" not in str(error).lower():
            raise
        await message.answer(too_large)  # over the 20 MB Telegram lets bots download
        return
    try:
        check = await coordination.check_upload(session, message.from_user.id, document.file_name or "form.xlsx",
                                                content, form_reader)
    except FormLimitError as error:
        lang = i18n.current_locale
        await message.answer("⚠️ " + html.escape(error.problem.text(translations(i18n.locales, lang), lang), quote=False))
        return
    except FormError as error:
        await message.answer("⚠️ " + _fit(str(error), 1000))
        return
    form = check.form
    lines = [
        "<b>" + _("Survey form received") + "</b>",
        _("Title: {title}").format(title=_fit(form.title or "—", 600)),
        _("Form id: {form_id}").format(form_id=_fit(form.form_id)),
        _("Version: {version}").format(version=_fit(form.version)),
        _("Questions: {count}").format(count=check.question_count),
        _("Languages: {languages}").format(languages=html.escape(join_items(form.languages, i18n.current_locale) or form.default_language)),
    ]
    if check.warnings:
        lang = i18n.current_locale
        lines += ["", _("Worth a look before publishing:")]
        lines += ["⚠️ " + html.escape(warning.text(translations(i18n.locales, lang), lang), quote=False)
                  for warning in check.warnings[:10]]
    if check.version_exists:
        lines += ["", _("Version {version} of this form is already published. Change the version in the settings "
                        "sheet and send the file again.").format(version=html.escape(form.version))]
        await message.answer("\n".join(lines))
        return
    if check.current is not None:
        lines += ["", _("It will replace version {version}; drafts of earlier versions stay answerable. "
                        "Recipients stay the same as for the current version.").format(version=html.escape(check.current.version))]
    else:
        lines += ["", _("This is a new survey. Who should be offered it?")]
    await message.answer("\n".join(lines), reply_markup=publish_keyboard(check.upload.id, check.current is not None))


@handlers.callback_query(CoordPublish.filter())
async def publish_button(query: CallbackQuery, callback_data: CoordPublish, member: Member | None, settings: Settings,
                         session: AsyncSession) -> None:
    """Publish the uploaded form (or drop it)."""
    if not await _allowed(query, member, settings):
        return
    if query.message is None:
        await query.answer()
        return
    if callback_data.action == "no":
        await query.answer()
        await query.message.edit_text(_("Not published."))
        return
    audience = None
    if callback_data.action == "aud":
        if callback_data.arg not in PUBLISH_AUDIENCES:
            await query.answer(_("This button is no longer active."), show_alert=True)
            return
        audience = PUBLISH_AUDIENCES[callback_data.arg]
    elif callback_data.action != "ok":
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    try:
        stored = await coordination.publish_upload(session, callback_data.upload, query.from_user.id, audience)
    except (coordination.NotFound, coordination.NotAllowed):
        await query.answer(_("This form is already published or no longer available."), show_alert=True)
        return
    await query.answer()
    await query.message.edit_text(_("Published: {title}, version {version}. Members see it in /survey.").format(
        title=html.escape(stored.title or stored.form_id), version=html.escape(stored.version)))


# ================================================================ reminders: compose


def _audience_text(audience: dict, forms: dict[str, str], lang: str) -> str:
    kind, value = audience.get("kind"), audience.get("value")
    if kind == "all":
        return _("everyone") + _refinements_text(audience, lang)
    if kind in ("not_submitted", "not_started", "draft"):
        title = html.escape(fit_utf16(forms.get(value, value), 200))
        text = {"not_submitted": _("members who have not submitted “{title}”"),
                "not_started": _("members who never started “{title}”"),
                "draft": _("members with a draft of “{title}” in progress")}[kind].format(title=title)
        return text + _refinements_text(audience, lang)
    if kind == "role":
        return _("role: {role}").format(role=role_labels().get(value, value)) + _refinements_text(audience, lang)
    if kind == "region":
        return _("region: {region}").format(region=region_label(value, _Tr())) + _refinements_text(audience, lang)
    if kind == "country":
        return (_("country: {country}").format(country=html.escape(country_name(value, lang)))
                + _refinements_text(audience, lang))
    if kind == "language":
        return _("language: {language}").format(language=language_name(value)) + _refinements_text(audience, lang)
    return str(kind)


def _refinements_text(audience: dict, lang: str) -> str:
    """"; only: language French, role lab" for the refinements added to an audience."""
    parts = []
    if audience.get("language") and audience.get("kind") != "language":
        parts.append(_("language: {language}").format(language=language_name(audience["language"])))
    if audience.get("role") and audience.get("kind") != "role":
        parts.append(_("role: {role}").format(role=role_labels().get(audience["role"], audience["role"])))
    if audience.get("region") and audience.get("kind") != "region":
        parts.append(_("region: {region}").format(region=region_label(audience["region"], _Tr())))
    return ("; " + _("only {conditions}").format(conditions=join_items(parts, lang))) if parts else ""


class _Tr:
    """gettext for the report helpers that take a `tr` object, in the current locale."""

    @staticmethod
    def gettext(message: str) -> str:
        return _(message)


async def _forms(session: AsyncSession) -> list:
    return await coordination.exportable_forms(session)


@handlers.message(Command("remind"))
async def remind(message: Message, member: Member | None, settings: Settings, session: AsyncSession,
                 state: FSMContext) -> None:
    """Start composing a reminder: own text or a catalog template."""
    if not await _allowed(message, member, settings):
        return
    await state.clear()
    draft = await reminders.new_draft(session, message.from_user.id)
    await message.answer(_("New reminder. How do you want to write it?"), reply_markup=remind_compose_keyboard(draft.id))


async def _ask_text(target: Message, state: FSMContext, rid: int, language: str) -> None:
    await state.set_state(CoordinatorStates.reminder_text)
    await state.update_data(reminder_id=rid, language=language)
    await target.answer(_("Send the reminder text in {language}.").format(language=language_name(language)))


async def _ask_audience(target: Message, session: AsyncSession, rid: int) -> None:
    forms = [(form.id, form.title or form.form_id) for form in await _forms(session)]
    await target.answer(_("Who should receive it?"), reply_markup=remind_audience_keyboard(rid, forms))


async def _preview(target: Message, session: AsyncSession, rid: int, count: int, lang: str, i18n: I18n,
                   settings: Settings) -> None:
    draft = await reminders.get_draft(session, rid)
    forms = {form.form_id: form.title or form.form_id for form in await _forms(session)}
    lines = ["<b>" + _("Preview") + "</b>", ""]
    if draft.texts and len(draft.texts) > 1:
        # Every language written, each as its readers get it, with how many of the recipients read it.
        for code in ordered_languages(draft.texts):
            readers = await reminders.audience_count(session, rid, settings.default_language, language=code)
            lines += [_("<b>{language}</b> ({count} recipients read it)").format(
                language=language_name(code), count=_number(readers, lang)),
                html.escape(fit_utf16(draft.texts[code], 600)), ""]
    else:
        lines += [html.escape(reminders.render(draft, lang, i18n, settings.default_language)), ""]
    button = reminders.survey_button(draft, lang, i18n)
    if button is not None:
        lines.append(_("Under it, the button: {label}").format(label=html.escape(button.inline_keyboard[0][0].text)))
    lines += [
             _("Recipients: {audience}.").format(audience=_audience_text(draft.audience, forms, lang)),
             _("{count} members will receive it (members who muted reminders or blocked the bot are left out).").format(
                 count=_number(count, lang))]
    if draft.texts:
        lines.append(_("Texts in: {languages}. Members in other languages get the {default} text.").format(
            languages=format_list((language_name(code) for code in ordered_languages(draft.texts)), lang),
            default=language_name(settings.default_language if settings.default_language in draft.texts else next(iter(draft.texts)))))
    if not count:
        lines.append(_("Nobody matches these recipients."))
    await target.answer("\n".join(lines), reply_markup=remind_send_keyboard(rid, count > 0))


@handlers.message(StateFilter(CoordinatorStates.reminder_text), _not_command)
async def reminder_text(message: Message, member: Member | None, settings: Settings, session: AsyncSession,
                        state: FSMContext, i18n: I18n) -> None:
    """The typed reminder text in the language asked for."""
    if not await _allowed(message, member, settings):
        await state.clear()
        return
    data = await state.get_data()
    length = utf16_len(message.text.strip())
    if length > reminders.TEXT_LIMIT:
        # The state stays: the next message is the shorter text.
        await message.answer(_("This text is too long for a reminder: {length} characters, at most {limit}. "
                               "Please send a shorter text.").format(length=_number(length, i18n.current_locale),
                                                                     limit=_number(reminders.TEXT_LIMIT, i18n.current_locale)))
        return
    await state.set_state(None)
    try:
        draft = await reminders.set_text(session, int(data["reminder_id"]), data["language"], message.text)
    except (reminders.ReminderGone, KeyError):
        await message.answer(_("This reminder was already sent or cancelled. Send /remind to write a new one."))
        return
    missing = [(code, language_name(code)) for code in ordered_languages(i18n.available_locales) if code not in draft.texts]
    await message.answer(_("Text in {language} saved. Add another language, or choose the recipients.").format(
        language=language_name(data["language"])), reply_markup=remind_languages_keyboard(draft.id, missing))


@handlers.message(StateFilter(CoordinatorStates.reminder_country), _not_command)
async def reminder_country(message: Message, member: Member | None, settings: Settings, session: AsyncSession,
                           state: FSMContext, i18n: I18n) -> None:
    """The typed country of the recipients."""
    if not await _allowed(message, member, settings):
        await state.clear()
        return
    data = await state.get_data()
    text = message.text.strip()
    code = exact_country(text)
    candidates = [] if code else match_country(text)
    if code is None and not candidates:
        await message.answer(_("I could not find a country called “{text}”. Please check the spelling and type it again.").format(
            text=_fit(text, 100)))
        return
    await state.set_state(None)
    if code is None:
        # A guessed spelling is confirmed with a button, as in onboarding and /invite.
        await message.answer(_("Which country did you mean?"), reply_markup=remind_values_keyboard(
            int(data["reminder_id"]), "country",
            [(guess, country_name(guess, i18n.current_locale)) for guess, _score in candidates]))
        return
    await _choose_audience(message, session, int(data["reminder_id"]), {"kind": "country", "value": code}, i18n, settings)


async def _choose_audience(target: Message, session: AsyncSession, rid: int, audience: dict, i18n: I18n,
                           settings: Settings, refine: bool = False) -> None:
    try:
        _draft, count = await reminders.set_audience(session, rid, audience, settings.default_language, refine=refine)
    except (reminders.ReminderGone, ValueError):
        await target.answer(_("This reminder was already sent or cancelled. Send /remind to write a new one."))
        return
    await _preview(target, session, rid, count, i18n.current_locale, i18n, settings)


def _parse_when(text: str, zone_minutes: int = 0) -> datetime | None:
    """A typed date and time in the coordinator's time zone: 2026-12-01 09:00, 01/12/2026 09:00, 1.12.2026."""
    text = text.strip().replace("T", " ").removesuffix("UTC").removesuffix("Z").strip()
    zone = timezone(timedelta(minutes=zone_minutes))
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=zone)
        except ValueError:
            continue
    return None


def _zone(data: dict) -> int:
    zone = data.get("zone")
    return zone if isinstance(zone, int) and zone in REMINDER_ZONES else 0


def _local(moment: datetime, zone_minutes: int, lang: str) -> str:
    """A moment in the coordinator's time zone, named: "1 Dec 2026, 09:00:00 UTC+1"."""
    zone = timezone(timedelta(minutes=zone_minutes))
    return format_datetime(moment.astimezone(zone), "medium", tzinfo=zone, locale=_babel(lang)) + " " + zone_label(zone_minutes)


def _next_at(choice: str, zone_minutes: int) -> datetime:
    """Tomorrow 09:00, or next Monday 09:00, in the coordinator's time zone."""
    zone = timezone(timedelta(minutes=zone_minutes))
    today = datetime.now(zone).date()
    days = 1 if choice == "tom" else (7 - today.weekday()) or 7
    return datetime.combine(today + timedelta(days=days), day_time(9, 0), tzinfo=zone)


@handlers.message(StateFilter(CoordinatorStates.reminder_when), _not_command)
async def reminder_when(message: Message, member: Member | None, settings: Settings, state: FSMContext,
                        i18n: I18n) -> None:
    """The typed date and time (UTC) of a scheduled reminder."""
    if not await _allowed(message, member, settings):
        await state.clear()
        return
    data = await state.get_data()
    zone = _zone(data)
    when = _parse_when(message.text, zone)
    if when is None:
        await message.answer(_("I could not read “{text}” as a date. Please type it as day/month/year and time, "
                               "for example 15/12/2026 09:00 ({zone}).").format(text=_fit(message.text, 60),
                                                                            zone=zone_label(zone)))
        return
    if when <= datetime.now(timezone.utc):
        await message.answer(_("{when} has already passed. Please type a future date and time ({zone}).").format(
            when=_local(when, zone, i18n.current_locale), zone=zone_label(zone)))
        return
    await _ask_repeat(message, state, int(data["reminder_id"]), when, zone, i18n.current_locale)


async def _ask_repeat(target: Message, state: FSMContext, rid: int, when: datetime, zone: int, lang: str) -> None:
    await state.set_state(None)
    await state.update_data(when=when.isoformat(), reminder_id=rid, zone=zone)
    await target.answer(_("First sending: {when}. Send it once at that time, or every week?").format(
        when=_local(when, zone, lang)), reply_markup=remind_repeat_keyboard(rid))


@handlers.message(StateFilter(CoordinatorStates.reminder_until), _not_command)
async def reminder_until(message: Message, member: Member | None, settings: Settings, session: AsyncSession,
                         state: FSMContext, i18n: I18n) -> None:
    """The typed last date of a weekly reminder."""
    if not await _allowed(message, member, settings):
        await state.clear()
        return
    data = await state.get_data()
    zone = _zone(data)
    until = _parse_when(message.text, zone)
    when = datetime.fromisoformat(data["when"]) if data.get("when") else None
    if until is None or when is None or until.date() < when.astimezone(until.tzinfo).date():
        await message.answer(_("Please type the last date, on or after the first one, for example 31/01/2027 ({zone}).").format(
            zone=zone_label(zone)))
        return
    until = datetime.combine(until.date(), day_time(23, 59, 59), tzinfo=until.tzinfo)
    await state.clear()
    try:
        await reminders.schedule_weekly(session, int(data["reminder_id"]), when, until)
    except reminders.ReminderGone:
        await message.answer(_("This reminder was already sent or cancelled. Send /remind to write a new one."))
        return
    lang = i18n.current_locale
    await message.answer(_("Scheduled every week from {first} until {until}. See /reminders.").format(
        first=_local(when, zone, lang), until=_local(until, zone, lang)))


@handlers.callback_query(CoordRemind.filter())
async def remind_button(query: CallbackQuery, callback_data: CoordRemind, member: Member | None, settings: Settings,
                        session: AsyncSession, state: FSMContext, i18n: I18n, sender=None) -> None:
    """Every button of the reminder composer."""
    if not await _allowed(query, member, settings):
        return
    if query.message is None:
        await query.answer()
        return
    rid, action, arg, lang = callback_data.rid, callback_data.action, callback_data.arg, i18n.current_locale
    target = query.message
    try:
        await reminders.get_draft(session, rid)
    except reminders.ReminderGone:
        await query.answer(_("This reminder was already sent or cancelled. Send /remind to write a new one."), show_alert=True)
        return
    await query.answer()
    if action == "cancel":
        await state.clear()
        await reminders.cancel_draft(session, rid)
        await target.edit_text(_("Reminder cancelled."))
    elif action == "txt":
        await _ask_text(target, state, rid, lang)
    elif action == "lang" and arg in i18n.available_locales:
        await _ask_text(target, state, rid, arg)
    elif action == "tpl" and arg in reminders.TEMPLATES:
        if arg in reminders.TEMPLATES_WITH_FORM:
            forms = [(form.id, form.title or form.form_id) for form in await _forms(session)]
            await target.answer(_("Which survey should the reminder name?"), reply_markup=remind_forms_keyboard(rid, "tform", forms))
        else:
            await reminders.set_template(session, rid, arg)
            await _ask_audience(target, session, rid)
    elif action == "tform" and arg.isascii() and arg.isdigit():
        forms = {form.id: form for form in await _forms(session)}
        form = forms.get(int(arg))
        if form is None:
            await target.answer(_("This survey is not available."))
            return
        await reminders.set_template(session, rid, "survey", {"form": form.title or form.form_id})
        await _ask_audience(target, session, rid)
    elif action == "aud":
        await _audience_button(target, session, state, rid, arg, i18n, settings)
    elif action == "av" and "=" in arg:
        kind, value = arg.split("=", 1)
        valid = {"role": set(role_labels()), "region": set(REGIONS), "language": set(i18n.available_locales)}
        if value not in valid.get(kind, set()) and not (kind == "country" and is_country(value)):
            await target.answer(_("This button is no longer active."))
            return
        await _choose_audience(target, session, rid, {"kind": kind, "value": value}, i18n, settings)
    elif action == "now":
        # Nothing leaves without a second tap that names how many people get it.
        count = await reminders.audience_count(session, rid, settings.default_language)
        if not count:
            await target.answer(_("Nobody matches these recipients."))
            return
        await target.edit_text(_("Send this reminder to {count} members now? This cannot be undone.").format(
            count=_number(count, lang)), reply_markup=remind_confirm_keyboard(rid, _number(count, lang)))
    elif action == "nowok":
        try:
            await reminders.send_now(session, rid)
        except reminders.ReminderGone:
            await target.answer(_("Choose the text and the recipients first."))
            return
        if sender is not None:
            sender.wake()
        await target.edit_text(_("Sending now. Send /reminders to see the delivery results."))
    elif action == "prev":
        count = await reminders.audience_count(session, rid, settings.default_language)
        await _preview(target, session, rid, count, lang, i18n, settings)
    elif action == "nar" and arg in ("language", "role", "region"):
        values = {"language": [(code, language_name(code)) for code in ordered_languages(i18n.available_locales)],
                  "role": [(role, label) for role, label in role_labels().items() if role != Role.COORDINATOR.value],
                  "region": [(region, region_label(region, _Tr())) for region in REGIONS]}[arg]
        await target.answer(_("Only the recipients who also match:"),
                            reply_markup=remind_values_keyboard(rid, arg, values, action="nv"))
    elif action == "nv" and "=" in arg:
        kind, value = arg.split("=", 1)
        valid = {"role": set(role_labels()), "region": set(REGIONS), "language": set(i18n.available_locales)}
        if value not in valid.get(kind, set()):
            await target.answer(_("This button is no longer active."))
            return
        await _choose_audience(target, session, rid, {kind: value}, i18n, settings, refine=True)
    elif action == "sched":
        await target.answer(_("Which time zone are you in? The date and time you give next are read in it."),
                            reply_markup=remind_zone_keyboard(rid))
    elif action == "tz" and arg.lstrip("-").isascii() and arg.lstrip("-").isdigit() and int(arg) in REMINDER_ZONES:
        await state.set_state(CoordinatorStates.reminder_when)
        await state.update_data(reminder_id=rid, zone=int(arg))
        await target.answer(_("When should it be sent? Tap a time, or type the date and time ({zone}), for example "
                              "15/12/2026 09:00.").format(zone=zone_label(int(arg))), reply_markup=remind_when_keyboard(rid))
    elif action == "at" and arg in ("tom", "mon"):
        data = await state.get_data()
        zone = _zone(data)
        await _ask_repeat(target, state, rid, _next_at(arg, zone), zone, lang)
    elif action == "once":
        data = await state.get_data()
        if not data.get("when"):
            await target.answer(_("Please choose the time first: tap 🕒 Schedule."))
            return
        await state.clear()
        when = datetime.fromisoformat(data["when"])
        await reminders.schedule_once(session, rid, when)
        await target.edit_text(_("Scheduled for {when}. See /reminders.").format(when=_local(when, _zone(data), lang)))
    elif action == "weekly":
        data = await state.get_data()
        await state.set_state(CoordinatorStates.reminder_until)
        await state.update_data(reminder_id=rid)
        await target.answer(_("Until which date? For example 31/01/2027 ({zone}).").format(zone=zone_label(_zone(data))))
    else:
        await target.answer(_("This button is no longer active."))


async def _audience_button(target: Message, session: AsyncSession, state: FSMContext, rid: int, arg: str, i18n: I18n,
                           settings: Settings) -> None:
    if not arg:
        await _ask_audience(target, session, rid)
    elif arg == "all":
        await _choose_audience(target, session, rid, {"kind": "all"}, i18n, settings)
    elif arg[:2] in ("ns", "nn", "nd") and arg[2:].isascii() and arg[2:].isdigit():
        forms = {form.id: form for form in await _forms(session)}
        form = forms.get(int(arg[2:]))
        if form is None:
            await target.answer(_("This survey is not available."))
            return
        kind = {"ns": "not_submitted", "nn": "not_started", "nd": "draft"}[arg[:2]]
        await _choose_audience(target, session, rid, {"kind": kind, "value": form.form_id, "form_pk": form.id},
                               i18n, settings)
    elif arg == "role":
        roles = [(role, label) for role, label in role_labels().items() if role != Role.COORDINATOR.value]
        await target.answer(_("Which role?"), reply_markup=remind_values_keyboard(rid, "role", roles))
    elif arg == "region":
        regions = [(region, region_label(region, _Tr())) for region in REGIONS]
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


# ================================================================ reminders: results


_STATUS_ORDER = (DeliveryStatus.SENT.value, DeliveryStatus.BLOCKED.value, DeliveryStatus.FAILED.value,
                 DeliveryStatus.UNKNOWN.value, DeliveryStatus.SKIPPED.value)


@handlers.message(Command("reminders"))
async def reminder_results(message: Message, member: Member | None, settings: Settings, session: AsyncSession,
                           state: FSMContext, i18n: I18n) -> None:
    """Delivery results of the latest reminders; scheduled ones can be cancelled."""
    if not await _allowed(message, member, settings):
        return
    await state.clear()
    lang = i18n.current_locale
    items = await reminders.report(session)
    if not items:
        await message.answer(_("No reminder has been sent or scheduled yet. Send /remind to write one."))
        return
    status_labels = {
        ReminderStatus.SCHEDULED.value: _("scheduled"), ReminderStatus.SENDING.value: _("sending"),
        ReminderStatus.DONE.value: _("finished"), ReminderStatus.CANCELLED.value: _("cancelled"),
    }
    lines = ["<b>" + _("Latest reminders") + "</b>"]
    cancellable = []
    for item in items:
        reminder, counts = item.reminder, item.counts
        queued = sum(counts.get(status, 0) for status in (DeliveryStatus.QUEUED.value, DeliveryStatus.CLAIMED.value,
                                                         DeliveryStatus.SENDING.value))
        text = reminders.render(reminder, lang, i18n, settings.default_language)
        lines += ["", f"<b>#{reminder.id}</b> · {status_labels.get(reminder.status, reminder.status)} · "
                  + _when(reminder.scheduled_for, lang)
                  + (" · " + _("weekly") if reminder.schedule_id else ""),
                  "<i>" + html.escape(fit_utf16(text, 80)) + "</i>",
                  _("sent {sent} · blocked {blocked} · failed {failed} · queued {queued} · uncertain {unknown} · muted {skipped}").format(
                      sent=_number(counts.get("sent", 0), lang), blocked=_number(counts.get("blocked", 0), lang),
                      failed=_number(counts.get("failed", 0), lang), queued=_number(queued, lang),
                      unknown=_number(counts.get("unknown", 0), lang), skipped=_number(counts.get("skipped", 0), lang))]
        if reminder.status == ReminderStatus.SCHEDULED.value:
            cancellable.append((reminder.id, f"#{reminder.id}"))
    for chunk in split_message("\n".join(lines))[:-1]:
        await message.answer(chunk)
    await message.answer(split_message("\n".join(lines))[-1], reply_markup=scheduled_reminders_keyboard(cancellable))


@handlers.callback_query(CoordReminderAdmin.filter())
async def cancel_scheduled(query: CallbackQuery, callback_data: CoordReminderAdmin, member: Member | None,
                           settings: Settings, session: AsyncSession) -> None:
    """Cancel a scheduled reminder and its weekly repeats."""
    if not await _allowed(query, member, settings):
        return
    if callback_data.action != "cancel" or not await reminders.cancel_scheduled(session, callback_data.rid):
        await query.answer(_("Too late: this reminder is already being sent or was cancelled."), show_alert=True)
        return
    await query.answer(_("Reminder #{id} cancelled.").format(id=callback_data.rid), show_alert=True)
