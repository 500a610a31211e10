"""Privacy: /mydata shows what is stored about the member, /forget erases it after a confirmation."""

from __future__ import annotations

import html
import json
from datetime import datetime

from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_datetime
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import TelegramId
from bot.countries import country_name
from bot.fsm import SQLStorage
from bot.handlers import Handlers
from bot.i18n import language_name
from bot.keyboards import role_labels
from bot.lookup import split_message
from bot.services import privacy
from storage.models import SubmissionStatus

handlers = Handlers("privacy")

# Long answers are shortened in the listing only; the stored value is untouched.
_ANSWER_CHARS = 300


class ForgetConfirm(CallbackData, prefix="forget"):
    """The confirmation under /forget: whose data (Telegram id) and yes or no.

    Lives here rather than in bot/callbacks.py because only this module builds and reads it.
    """

    user: TelegramId
    erase: bool


def _when(moment: datetime | None, language: str) -> str:
    if moment is None:
        return "—"
    try:
        return format_datetime(moment, format="medium", locale=language)
    except Exception:  # an unknown locale must not hide the member's data
        return moment.isoformat(timespec="minutes")


def _value(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > _ANSWER_CHARS:
        text = text[:_ANSWER_CHARS] + "…"
    return html.escape(text)


def _yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


def render_member_data(data: privacy.MemberData, language: str) -> str:
    """The /mydata listing in the member's language (Telegram HTML)."""
    member = data.member
    country = country_name(member.country, language) if member.country else "—"
    lines = [
        "<b>" + _("What this bot stores about you") + "</b>",
        "",
        _("Telegram id: {value}").format(value=member.telegram_id),
        _("Name: {value}").format(value=html.escape(member.name or "—")),
        _("Username: {value}").format(value=html.escape("@" + member.username if member.username else "—")),
        _("Language: {value}").format(value=html.escape(language_name(member.language) if member.language else "—")),
        _("Country: {value}").format(value=html.escape(country)),
        _("Role: {value}").format(value=html.escape(role_labels().get(member.role, member.role) if member.role else "—")),
        _("First contact: {value}").format(value=_when(member.created_at, language)),
        _("Last seen: {value}").format(value=_when(member.last_seen_at, language)),
        _("Profile completed: {value}").format(value=_when(member.onboarded_at, language)),
        _("Reminders muted: {value}").format(value=_yes_no(bool(member.muted))),
        _("Reminder messages sent to you: {value}").format(value=data.reminders_received),
    ]
    if member.start_payload:
        lines.append(_("Invitation code you started with: {value}").format(value=html.escape(member.start_payload)))
    lines.append("")
    if not data.submissions:
        lines.append(_("Surveys: none."))
    for stored in data.submissions:
        if stored.status == SubmissionStatus.SUBMITTED.value:
            heading = _("{title}: submitted {date}").format(title=html.escape(stored.title),
                                                            date=_when(stored.submitted_at, language))
        else:
            heading = _("{title}: draft, started {started}, last change {changed}").format(
                title=html.escape(stored.title), started=_when(stored.created_at, language),
                changed=_when(stored.updated_at, language))
        lines.append("<b>" + heading + "</b>")
        for path, value in stored.answers.items():
            lines.append(f"• {html.escape(path)}: {_value(value)}")
    lines += ["", _("Send /forget to erase your personal data.")]
    return "\n".join(lines)


def forget_keyboard(user_id: int) -> InlineKeyboardMarkup:
    """Erase or keep; the buttons name the member they belong to."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, erase my data"), callback_data=ForgetConfirm(user=user_id, erase=True))
    builder.button(text=_("No, keep it"), callback_data=ForgetConfirm(user=user_id, erase=False))
    builder.adjust(1)
    return builder.as_markup()


@handlers.message(Command("mydata"))
async def show_my_data(message: Message, session: AsyncSession, i18n: I18n) -> None:
    """Show the member everything stored about them: profile, drafts, submissions, flags."""
    data = await privacy.member_data(session, message.from_user.id)
    if data is None:
        await message.answer(_("I store nothing about you."))
        return
    for chunk in split_message(render_member_data(data, i18n.current_locale)):
        await message.answer(chunk)


@handlers.message(Command("forget"))
async def ask_to_forget(message: Message) -> None:
    """Explain what /forget erases and ask for a confirmation."""
    await message.answer(
        _("This erases your profile (name, Telegram id, country, role, language) and your unfinished surveys. "
          "Surveys you already submitted stay with your country's answers, without your name. Erase now?"),
        reply_markup=forget_keyboard(message.from_user.id),
    )


@handlers.callback_query(ForgetConfirm.filter())
async def forget_confirmed(query: CallbackQuery, callback_data: ForgetConfirm, session: AsyncSession,
                           state: FSMContext) -> None:
    """Erase the member's data if they, and only they, confirmed."""
    if callback_data.user != query.from_user.id:
        # A forwarded or forged button: nobody erases someone else's data.
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    if not callback_data.erase:
        if query.message is not None:
            await query.message.edit_text(_("Nothing was erased."))
        return
    await state.clear()
    report = await privacy.forget(session, query.from_user.id)
    if isinstance(state.storage, SQLStorage):
        state.storage.forget_cached()  # their rows are gone; no copy in memory may bring one back
    if query.message is None:
        return
    if report is None:
        await query.message.edit_text(_("I store nothing about you."))
        return
    await query.message.edit_text(
        _("Your personal data has been erased. Surveys already submitted stay with your country's answers, "
          "without your name. Send /start if you want to use the bot again.")
    )
