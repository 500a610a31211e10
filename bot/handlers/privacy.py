"""Privacy: /mydata shows what is stored about the member, /forget erases it after a confirmation."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_datetime
from sqlalchemy.ext.asyncio import AsyncSession

from bot import survey as engine
from bot.callbacks import TelegramId
from bot.countries import country_name
from bot.fsm import SQLStorage
from bot.handlers.coordinator.reminders import audience_text
from bot.handlers.guards import command, is_command
from bot.handlers.survey import review_items
from bot.i18n import language_name
from bot.i18n.survey_words import add_another_choice, add_another_question, wording
from bot.i18n.typography import file_size, join_items, typeset
from bot.keyboards import role_labels
from bot.limits import fit_utf16
from bot.services import privacy, surveys
from bot.services.coord_reminders import TEMPLATES
from bot.services.surveys import FormCache
from bot.survey.form import language_code
from bot.telegram_render import split_message
from storage.models import Role, SubmissionStatus

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


def _value(value, limit: int | None) -> str:
    if isinstance(value, dict) and isinstance(value.get("document"), int):
        value = "📎 " + str(value.get("name") or "")  # a document answer: listed whole under "Documents you sent"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if limit is not None:
        text = fit_utf16(text, limit)
    return html.escape(text)


def _yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _role(role: str | None) -> str:
    return html.escape(role_labels().get(role, role) if role else "—")


def _role_in(role: str | None, country: str | None, language: str) -> str:
    """The role's label, with the country it was held in when given ("National focal point (Kenya)")."""
    if not country:
        return _role(role)
    return _("{role} ({country})").format(role=_role(role), country=html.escape(country_name(country, language)))


def _step_labels() -> dict[str, str]:
    """What the member is in the middle of, by the conversation state the bot keeps for them."""
    return {
        "ProfileStates:country": _("changing your country"),
        "LookupStates:compare_pollutant": _("choosing a pollutant to compare"),
        "CoordinatorStates:reminder_text": _("writing a reminder"),
        "CoordinatorStates:reminder_country": _("choosing the country a reminder goes to"),
        "CoordinatorStates:reminder_when": _("choosing when a reminder is sent"),
        "CoordinatorStates:reminder_until": _("choosing until when a weekly reminder is sent"),
        "CoordinatorStates:reject_reason": _("giving the reason for rejecting a value"),
        "CoordinatorStates:review_value": _("correcting a reported value"),
        "CoordinatorStates:invite_country": _("choosing the country of an invite"),
    }


def _step_text(state: str, values: dict, language: str, limit: int | None) -> str:
    """The step in words, with what the bot keeps for it (a language by its name, other values as stored)."""
    label = _step_labels().get(state)
    if label is None:
        return html.escape(state) + (" " + _value(values, limit) if values else "")
    kept = [
        language_name(value) if key == "language" and isinstance(value, str) else str(value)
        for key, value in (values or {}).items()
    ]
    return html.escape(label + (f" ({join_items(kept, language)})" if kept else ""))


def _action_labels() -> dict[str, str]:
    return {
        "answer": _("answered"),
        "choose": _("chose"),
        "toggle": _("ticked or unticked a choice"),
        "done": _("confirmed the choices"),
        "skip": _("skipped"),
        "back": _("went back"),
        "edit": _("went back to edit"),
        "submit": _("submitted"),
    }


def _delivery_labels() -> dict[str, str]:
    waiting = _("waiting to be sent")
    return {
        "queued": waiting,
        "claimed": waiting,
        "sending": waiting,
        "sent": _("sent"),
        "blocked": _("not delivered: the bot was blocked"),
        "failed": _("not delivered: error"),
        "unknown": _("perhaps delivered (the sender stopped while sending)"),
        "skipped": _("not sent: reminders muted"),
    }


def _reminder_labels() -> dict[str, str]:
    return {
        "draft": _("being written"),
        "scheduled": _("scheduled"),
        "sending": _("sending"),
        "done": _("finished"),
        "cancelled": _("cancelled"),
    }


def render_member_data(
    data: privacy.MemberData,
    language: str,
    answer_chars: int | None = _ANSWER_CHARS,
    conversation: tuple[str | None, dict] | None = None,
) -> str:
    """The /mydata listing in the member's language (Telegram HTML): everything stored about them.

    `answer_chars` shortens long answers in messages; the file version passes None and shows them whole.
    """
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
        _("Role: {value}").format(value=_role(member.role)),
        _("First contact: {value}").format(value=_when(member.created_at, language)),
        _("Last seen: {value}").format(value=_when(member.last_seen_at, language)),
        _("Profile completed: {value}").format(value=_when(member.onboarded_at, language)),
        _("Reminders muted: {value}").format(value=_yes_no(bool(member.muted))),
        _("Reminders can reach you (you have not blocked the bot): {value}").format(value=_yes_no(bool(member.active))),
        _("Reminder messages sent to you: {value}").format(value=data.reminders_received),
    ]
    if member.start_payload:
        lines.append(_("Invitation code you started with: {value}").format(value=html.escape(member.start_payload)))
    if conversation and conversation[0]:
        state, values = conversation
        lines.append(_("Step in progress: {step}").format(step=_step_text(state, values, language, answer_chars)))
    if data.role_changes:
        lines += ["", "<b>" + _("Role changes") + "</b>"]
        for change in data.role_changes:
            # The country is named where it moved, and with the focal-point role (appointed for one country).
            moved = change.old_country != change.new_country
            old = _role_in(change.old_role, change.old_country if moved else None, language)
            new = _role_in(
                change.new_role,
                change.new_country if moved or change.new_role == Role.FOCAL_POINT else None,
                language,
            )
            lines.append(
                "• " + _("{date}: {old} → {new}").format(date=_when(change.changed_at, language), old=old, new=new)
            )
    if data.deliveries:
        statuses = _delivery_labels()
        lines += ["", "<b>" + _("Reminders sent to you") + "</b>"]
        for delivery in data.deliveries:
            lines.append(
                "• "
                + _("Reminder #{id}: {status}, {date}").format(
                    id=delivery.reminder_id,
                    status=statuses.get(delivery.status, html.escape(delivery.status)),
                    date=_when(delivery.sent_at, language),
                )
            )
    lines.append("")
    if not data.submissions:
        lines.append(_("Surveys: none."))
    actions = _action_labels()
    for stored in data.submissions:
        if stored.status == SubmissionStatus.SUBMITTED:
            heading = _("{title}: submitted {date}").format(
                title=html.escape(_(stored.title)), date=_when(stored.submitted_at, language)
            )
        else:
            heading = _("{title}: draft, started {started}, last change {changed}").format(
                title=html.escape(_(stored.title)),
                started=_when(stored.created_at, language),
                changed=_when(stored.updated_at, language),
            )
        lines.append("<b>" + heading + "</b>")
        lines.append(
            _("Form version: {version}; language: {language}; country: {country}").format(
                version=html.escape(stored.version or "—"),
                language=html.escape(language_name(stored.language) if stored.language else "—"),
                country=html.escape(country_name(stored.country, language) if stored.country else "—"),
            )
        )
        lines += _answer_lines(stored, language, answer_chars, actions)
        lines.append("")
    if data.documents:
        readers = {stored.submission_id: _Reader(stored, language) for stored in data.submissions}
        lines.append("<b>" + _("Documents you sent") + "</b>")
        for document in data.documents:
            reader = readers.get(document.submission_id)
            lines.append(
                "• "
                + _("{date}: {name} ({type}, {size}), answer to {question}, SHA-256 {digest}").format(
                    date=_when(document.created_at, language),
                    name=html.escape(document.filename),
                    type=document.extension.upper(),
                    size=file_size(document.size, language),
                    question=reader.question(document.question) if reader else html.escape(document.question),
                    digest=document.sha256,
                )
            )
        lines.append("")
    lines += _coordinator_lines(data, language, answer_chars)
    lines += [_("Send /forget to erase your personal data.")]
    return "\n".join(lines)


class _Reader:
    """A submission's question paths and stored values as its form shows them in the member's language."""

    def __init__(self, stored: privacy.StoredSubmission, language: str) -> None:
        self.form = stored.form
        self.language = language
        self.form_language = (
            (language_code(self.form.resolve_language(language)) or language) if self.form else language
        )

    def question(self, path: str) -> str:
        """ "Section › label" of the question at `path`; the path itself when the form has no such question."""
        described = engine.describe_answer(self.form, path, None, self.language, wording(_)) if self.form else None
        if described is None:
            return html.escape(path)
        section, label, _shown = described
        return html.escape(typeset(f"{section} › {label}" if section else label, self.form_language))

    def add_another(self, path: str, value) -> tuple[str, str] | None:
        """An "Add another …?" step as the survey asked it and the button pressed; None for other paths."""
        described = engine.describe_add_another(self.form, path, value, self.language) if self.form else None
        if described is None:
            return None
        label = add_another_question(described.repeat, _)
        question = typeset(f"{described.section} › {label}" if described.section else label, self.form_language)
        return html.escape(question), html.escape(typeset(add_another_choice(described.choice, _), self.form_language))

    def value(self, path: str, value, limit: int | None) -> str:
        """The value as the member reads it: choice labels, local numbers and dates, a document's name."""
        described = engine.describe_answer(self.form, path, value, self.language, wording(_)) if self.form else None
        if described is None:
            return _value(value, limit)
        text = typeset(described[2], self.form_language)
        return html.escape(fit_utf16(text, limit) if limit is not None else text)


def _answer_lines(
    stored: privacy.StoredSubmission, language: str, answer_chars: int | None, actions: dict[str, str]
) -> list[str]:
    """A survey's answers, unconfirmed ticks and answer trail with the form's labels in the member's language."""
    reader = _Reader(stored, language)
    lines: list[str] = []
    shown: set[str] = set()
    if stored.form is not None and stored.state:
        try:
            items = review_items(stored.form, stored.state, language)
        except Exception:  # a state the engine can no longer replay: listed below, answer by answer
            items = []
        for item in items:
            shown.add(item["path"])
            label = f"{item['section']} › {item['label']}" if item["section"] else item["label"]
            text = item["display"] if answer_chars is None else fit_utf16(item["display"], answer_chars)
            lines.append("• " + _("{label}: {value}").format(label=html.escape(label), value=html.escape(text)))
    for path, value in stored.answers.items():
        if path in shown or (stored.form is not None and engine.is_calculated(stored.form, path)):
            continue  # worked out by the form from the answers above
        lines.append(
            "• "
            + _("{label}: {value}").format(label=reader.question(path), value=reader.value(path, value, answer_chars))
        )
    for path, value in stored.pending.items():
        if path == surveys.TYPED_KEY:
            lines.append(
                "• "
                + _("Text you typed, kept until you say whether it is your answer: {value}").format(
                    value=_value(" ".join(map(str, value)) if isinstance(value, list) else value, answer_chars)
                )
            )
            continue
        lines.append(
            "• "
            + _("{question}: ticked, not yet confirmed: {value}").format(
                question=reader.question(path), value=reader.value(path, value, answer_chars)
            )
        )
    if stored.trail:
        lines.append("<i>" + _("Answer trail, every step as you gave it:") + "</i>")
        for entry in stored.trail:
            lines.append("  " + _trail_line(entry, reader, language, answer_chars, actions))
    return lines


def _trail_line(
    entry: privacy.TrailEntry, reader: _Reader, language: str, answer_chars: int | None, actions: dict[str, str]
) -> str:
    """One step of the trail: when, which question, what was done and with what."""
    step = reader.add_another(entry.question, entry.value) if entry.action in ("answer", "choose") else None
    if step is not None:
        return f"{_when(entry.at, language)} · {step[0]} · {actions[entry.action]} {step[1]}"
    if entry.value is None or entry.action == "edit":
        value = ""  # an edit's value is the position of the answer on the review screen
    elif isinstance(entry.value, int) and entry.action in ("choose", "toggle"):
        value = " " + _("option {number}").format(number=entry.value + 1)  # stored as the button's position
    else:
        value = " " + reader.value(entry.question, entry.value, answer_chars)
    refused = "" if entry.accepted else " (" + _("not accepted") + ")"
    question = _trail_steps().get(entry.question) or reader.question(entry.question)
    return (
        f"{_when(entry.at, language)} · {question} · "
        f"{actions.get(entry.action, html.escape(entry.action))}{value}{refused}"
    )


def _trail_steps() -> dict[str, str]:
    """Steps of the trail that are not a question (the engine names them by their kind)."""
    return {
        "review": _("checking your answers"),
        "complete": _("end of the survey"),
    }


def _template_text(key: str, args: dict) -> str:
    """A catalog template as the member reads it in their language, its blanks filled; its key if unknown."""
    template = TEMPLATES.get(key)
    if template is None:
        return key
    try:
        return _(template).format(
            **{name: _(value) if name == "form" and value else value for name, value in args.items()}
        )
    except (KeyError, IndexError, ValueError):
        return str(template)


def _coordinator_lines(data: privacy.MemberData, language: str, answer_chars: int | None) -> list[str]:
    """What the member made as a coordinator: reminders, invites, forms and reviews."""
    lines: list[str] = []
    if data.reminders_written:
        statuses = _reminder_labels()
        lines.append("<b>" + _("Reminders you wrote") + "</b>")
        for reminder in data.reminders_written:
            lines.append(
                "• "
                + _("#{id}: {status}, written {written}, to be sent {when}").format(
                    id=reminder.reminder_id,
                    status=statuses.get(reminder.status, html.escape(reminder.status)),
                    written=_when(reminder.created_at, language),
                    when=_when(reminder.scheduled_for, language),
                )
                + (" · " + _("weekly") if reminder.weekly else "")
            )
            for code, text in reminder.texts.items():
                lines.append(f"  {html.escape(language_name(code))}: {_value(text, answer_chars)}")
            if reminder.template:
                lines.append(
                    "  "
                    + _("Template: {name}").format(
                        name=_value(_template_text(reminder.template, reminder.template_args), answer_chars)
                    )
                )
            if reminder.audience:
                lines.append(
                    "  "
                    + _("Recipients: {audience}").format(
                        audience=audience_text(reminder.audience, data.form_titles, language)
                    )
                )
        lines.append("")
    if data.invites_created:
        lines.append("<b>" + _("Invites you created") + "</b>")
        for invite in data.invites_created:
            uses = f"{invite.uses}/{invite.max_uses}" if invite.max_uses is not None else str(invite.uses)
            lines.append(
                "• "
                + _("{code}: {country}, {role}, used {uses}, valid until {until}").format(
                    code=html.escape(invite.code),
                    country=html.escape(country_name(invite.country, language)),
                    role=_role(invite.role),
                    uses=uses,
                    until=_when(invite.expires_at, language),
                )
            )
        lines.append("")
    if data.forms_uploaded:
        lines.append("<b>" + _("Survey forms you sent") + "</b>")
        for form in data.forms_uploaded:
            lines.append(
                "• "
                + _("{filename} ({form_id}, version {version}), {date}, published: {published}").format(
                    filename=html.escape(form.filename),
                    form_id=html.escape(form.form_id),
                    version=html.escape(form.version),
                    date=_when(form.uploaded_at, language),
                    published=_yes_no(form.published),
                )
            )
        lines.append("")
    if data.values_reviewed:
        lines += [_("Reported threshold values you reviewed: {count}").format(count=data.values_reviewed), ""]
    return lines


def forget_keyboard(user_id: int) -> InlineKeyboardMarkup:
    """Erase or keep; the buttons name the member they belong to."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, erase my data"), callback_data=ForgetConfirm(user=user_id, erase=True))
    builder.button(text=_("No, keep it"), callback_data=ForgetConfirm(user=user_id, erase=False))
    builder.adjust(1)
    return builder.as_markup()


# More messages than this and /mydata sends a file instead (whole answers, nothing shortened).
MAX_MYDATA_MESSAGES = 4
_TAG = re.compile(r"<[^>]+>")


def as_plain_text(text: str) -> str:
    """The listing as a text file: our tags removed, escaped characters restored."""
    return html.unescape(_TAG.sub("", text))


async def show_my_data(
    message: Message, session: AsyncSession, state: FSMContext, i18n: I18n, forms: FormCache
) -> None:
    """Show the member everything stored about them; several messages, or a file when it is long."""
    data = await privacy.member_data(session, message.from_user.id, forms)
    if data is None:
        await message.answer(_("I store nothing about you."))
        return
    language = i18n.current_locale
    conversation = (await state.get_state(), await state.get_data())
    chunks = split_message(render_member_data(data, language, conversation=conversation))
    if len(chunks) <= MAX_MYDATA_MESSAGES:
        for chunk in chunks:
            await message.answer(chunk)
        return
    whole = as_plain_text(render_member_data(data, language, answer_chars=None, conversation=conversation))
    await message.answer_document(
        BufferedInputFile(whole.encode("utf-8"), filename="insop-my-data.txt"),
        caption=_(
            "Everything this bot stores about you is in this file: it is too long for messages. "
            "Send /forget to erase your personal data."
        ),
    )


async def ask_to_forget(message: Message) -> None:
    """Explain what /forget erases and ask for a confirmation."""
    await message.answer(
        _(
            "This erases your profile (name, Telegram id, country, role, language) and your unfinished surveys. "
            "Surveys you already submitted stay with your country's answers, without your name. Erase now?"
        )
        + "\n"
        + _("Documents you sent go with their answers: erased with unfinished surveys, kept with submitted ones."),
        reply_markup=forget_keyboard(message.from_user.id),
    )


async def forget_confirmed(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: ForgetConfirm,
    session: AsyncSession,
    state: FSMContext,
) -> None:
    """Erase the member's data if they, and only they, confirmed."""
    if callback_data.user != query.from_user.id:
        # A forwarded or forged button: nobody erases someone else's data.
        callback_answer.text = _("This button is no longer active.")
        callback_answer.show_alert = True
        return
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
        _(
            "Your personal data has been erased. Surveys already submitted stay with your country's answers, "
            "without your name. Send /start if you want to use the bot again."
        )
        + (
            "\n" + _("Documents erased: {count}.").format(count=report.documents_deleted)
            if report.documents_deleted
            else ""
        )
    )


def build_router() -> Router:
    """A new Router: /mydata and /forget."""
    router = Router(name="privacy")
    router.message.filter(is_command)  # commands only: typed text passes at one check
    router.message.register(show_my_data, command("mydata"))
    router.message.register(ask_to_forget, command("forget"))
    router.callback_query.register(forget_confirmed, ForgetConfirm.filter())
    return router
