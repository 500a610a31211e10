"""Surveys in the chat: /survey, /resume, /back, /skip, answers by button or text, review, submit."""

from __future__ import annotations

import html
from dataclasses import replace

from aiogram import F
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message, Update
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers import Handlers
from bot import survey as engine
from bot.callbacks import SurveyOpen, SurveyStep
from bot.config import Settings
from bot.i18n import translations
from bot.i18n.typography import typeset
from bot.keyboards import MAX_CHOICE_BUTTONS, survey_list_keyboard, survey_question_keyboard, survey_review_keyboard
from bot.limits import fit_utf16
from bot.lookup import split_message
from bot.services import members, surveys
from bot.services.surveys import FormCache, Turn, step_token
from bot.survey.form import language_code
from storage.models import Member

handlers = Handlers("survey")

_TYPE_HINTS = {
    "integer": lambda: _("Type a whole number."),
    "decimal": lambda: _("Type a number."),
    "date": lambda: _("Type a date, for example 2024-05-31."),
}
# The shipped forms' titles (XLSForm titles have no translation columns): marked here so the
# catalogs carry them; a title without a translation, e.g. an uploaded form's, shows as written.
SHIPPED_FORM_TITLES = (__("INSOP soil threshold values"), __("INSOP soil laboratory SOP survey"))
_ACTIONS = {"c": "choose", "t": "toggle", "d": "done", "s": "skip", "b": "back", "e": "edit", "S": "submit"}
# UTF-16 units each part of a question message may take: together well within Telegram's 4096, so a
# form with very long wording (or a very long earlier answer) still shows its question and buttons.
_LABEL_UNITS, _HINT_UNITS, _SECTION_UNITS, _VALUE_UNITS, _ERROR_UNITS = 1500, 800, 200, 800, 800
# Notes shown together after one answer: their labels share about three messages' worth.
_NOTES_UNITS = 12_000
# On the review screen: every answer is listed, long ones shortened (the stored answer stays whole).
_REVIEW_LABEL_UNITS, _REVIEW_VALUE_UNITS = 200, 300


def _fit(text: str, units: int) -> str:
    """Plain text shortened to `units` UTF-16 units, then escaped for Telegram HTML."""
    return html.escape(fit_utf16(text, units))


def _question_text(turn: Turn) -> str:
    prompt = turn.prompt
    lines = [
        "<i>" + _("Question {index} of about {total}").format(index=prompt.index, total=prompt.total) + "</i>",
    ]
    if prompt.section:
        lines.append(_fit(prompt.section, _SECTION_UNITS))
    lines.append("<b>" + _fit(prompt.label, _LABEL_UNITS) + "</b>")
    if prompt.hint:
        lines.append("<i>" + _fit(prompt.hint, _HINT_UNITS) + "</i>")
    if prompt.type in _TYPE_HINTS and prompt.kind == "question":
        lines.append(_TYPE_HINTS[prompt.type]())
    limit = surveys.answer_limit(prompt)
    if limit:
        lines.append(_("At most {limit} characters.").format(limit=limit))
    if len(prompt.choices) > MAX_CHOICE_BUTTONS:
        lines.append(_("Type your answer; I will find it in the list."))
    if prompt.display_value and prompt.kind == "question":
        lines.append(_("Current answer: {value}").format(value=_fit(prompt.display_value, _VALUE_UNITS)))
    if prompt.kind == "question" and not prompt.required:
        lines.append("<i>" + _("Optional: /skip to leave it empty.") + "</i>")
    return "\n".join(lines)


def _review_text(turn: Turn, lang: str) -> tuple[str, list[dict]]:
    items = engine.review(turn.form, turn.submission.state, lang)
    form_language = _form_language(turn, lang)
    for item in items:
        if item["label"] == "Specify other.":
            item["label"] = _("Specify other.")  # pyxform's or_other wording is English only (as in the engine)
        for key in ("label", "display", "section"):
            item[key] = typeset(item[key], form_language) if isinstance(item[key], str) else item[key]
    lines = ["<b>" + _("Please check your answers before you submit:") + "</b>", ""]
    section = None
    for item in items:
        if item["section"] and item["section"] != section:
            section = item["section"]
            lines.append("<u>" + _fit(section, _SECTION_UNITS) + "</u>")
        lines.append("• " + _("{label}: {value}").format(
            label=_fit(item["label"], _REVIEW_LABEL_UNITS), value="<b>" + _fit(item["display"], _REVIEW_VALUE_UNITS) + "</b>"))
    lines += ["", _("Press an answer to change it, or Submit.")]
    return "\n".join(lines), items


def _form_language(turn: Turn, lang: str) -> str:
    """The language the form's texts are shown in (the member's, or the form's default when it lacks it)."""
    return language_code(turn.form.resolve_language(lang)) or lang


def _typeset(turn: Turn, lang: str) -> Turn:
    """The turn with the form's own texts typeset like the catalogs (French spacing and apostrophes)."""
    language = _form_language(turn, lang)

    def prompt(shown):
        return replace(shown, label=typeset(shown.label, language), hint=typeset(shown.hint, language),
                       section=typeset(shown.section, language),
                       choices=[(name, typeset(label, language)) for name, label in shown.choices],
                       display_value=typeset(shown.display_value, language) if shown.display_value else shown.display_value)

    return replace(turn, prompt=prompt(turn.prompt), notes=[prompt(note) for note in turn.notes],
                   error=typeset(turn.error, language) if turn.error else turn.error)


async def show_turn(message: Message, turn: Turn, lang: str, member: Member | None = None) -> None:
    """Send what the member sees next: notes, an error, the next question, the review, or thanks."""
    turn = _typeset(turn, lang)
    if turn.notes:
        # Notes in a row come together, in as few messages as they fit (the engine passes at most 50 at a
        # time): one message each let a form of many notes spend Telegram's 30 messages a second, which
        # the whole bot shares, on one member's answer. Many notes share the room of a few messages.
        label_units = max(_SECTION_UNITS, min(_LABEL_UNITS, _NOTES_UNITS // len(turn.notes)))
        hint_units = max(_SECTION_UNITS // 2, min(_HINT_UNITS, _NOTES_UNITS // 3 // len(turn.notes)))
        texts = ["<b>" + _fit(note.label, label_units) + "</b>" + ("\n<i>" + _fit(note.hint, hint_units) + "</i>" if note.hint else "")
                 for note in turn.notes]
        for chunk in split_message("\n\n".join(texts)):
            await message.answer(chunk)
    if turn.error:
        await message.answer("⚠️ " + _fit(turn.error, _ERROR_UNITS))
    prompt = turn.prompt
    token = step_token(prompt)
    if turn.submitted_now or prompt.kind == "complete":
        await message.answer(
            _("Thank you! Your answers have been submitted. Coordinators will review any threshold values you "
              "reported before they appear in lookups. Send /survey to see your surveys.")
        )
    elif prompt.kind == "review":
        text, items = _review_text(turn, lang)
        chunks = split_message(text)
        for chunk in chunks[:-1]:
            await message.answer(chunk)
        await message.answer(chunks[-1], reply_markup=survey_review_keyboard(turn.submission.id, token, items))
    else:
        await message.answer(
            _question_text(turn),
            reply_markup=survey_question_keyboard(turn.submission.id, token, prompt, turn.pending,
                                                  suggested=member.country if member else None),
        )


def _coordinator(member: Member | None, user_id: int, settings: Settings) -> bool:
    return members.is_coordinator(member, user_id, settings.coordinator_ids)


@handlers.message(Command("survey"))
async def list_surveys(message: Message, member: Member | None, session: AsyncSession, forms: FormCache,
                       settings: Settings, i18n: I18n) -> None:
    """Offer the surveys that apply to the member."""
    if member is None or not member.is_onboarded:
        await message.answer(_("Please set up your profile first: send /start."))
        return
    offers = await surveys.offers(session, forms, member, _coordinator(member, message.from_user.id, settings), i18n.current_locale)
    if not offers:
        await message.answer(_("There is no survey for you at the moment."))
        return
    await message.answer(_("Which survey would you like to answer?"), reply_markup=survey_list_keyboard(offers))


@handlers.callback_query(SurveyOpen.filter())
async def open_survey(query: CallbackQuery, callback_data: SurveyOpen, member: Member | None, session: AsyncSession,
                      forms: FormCache, settings: Settings, i18n: I18n, event_update: Update) -> None:
    """Start the chosen survey, or continue the member's draft of it."""
    if member is None or query.message is None:
        await query.answer(_("Please set up your profile first: send /start."), show_alert=True)
        return
    lang = i18n.current_locale
    try:
        turn = await surveys.open_survey(session, forms, member, callback_data.form_pk,
                                         _coordinator(member, query.from_user.id, settings), event_update.update_id,
                                         lang, translations(i18n.locales, lang))
    except surveys.SurveyUnavailable:
        await query.answer(_("This survey is not available."), show_alert=True)
        return
    await query.answer()
    await show_turn(query.message, turn, lang, member)


@handlers.message(Command("resume"))
async def resume(message: Message, member: Member | None, session: AsyncSession, forms: FormCache, i18n: I18n,
                 event_update: Update) -> None:
    """Continue the most recent draft at its next unanswered question."""
    lang = i18n.current_locale
    turn = None
    if member is not None:
        turn = await surveys.resume_latest(session, forms, member, event_update.update_id, lang, translations(i18n.locales, lang))
    if turn is None:
        await message.answer(_("You have no survey in progress. Send /survey to see the surveys."))
        return
    await show_turn(message, turn, lang, member)


async def _reply_in_chat(message: Message, member: Member | None, session: AsyncSession, forms: FormCache, i18n: I18n,
                         update_id: int, action: str, value=None, draft_id: int | None = None) -> None:
    lang = i18n.current_locale
    if draft_id is None and member is not None:
        draft_id = await surveys.active_draft_id(session, member)
    turn = None
    if draft_id is not None:
        try:
            # Only the open survey: one paused (/cancel) since the draft id was read takes no typed input.
            turn = await surveys.reply(session, forms, member, draft_id, update_id, action, value, lang=lang,
                                       tr=translations(i18n.locales, lang), open_only=True)
        except surveys.SurveyUnavailable:
            pass
    if turn is None:
        await message.answer(_("You have no survey open. Send /resume to continue one, or /survey to start."))
        return
    if not turn.duplicate:
        await show_turn(message, turn, lang, member)


@handlers.message(Command("back"))
async def go_back(message: Message, member: Member | None, session: AsyncSession, forms: FormCache, i18n: I18n,
                  event_update: Update) -> None:
    """Return to the previous question."""
    await _reply_in_chat(message, member, session, forms, i18n, event_update.update_id, "back")


@handlers.message(Command("skip"))
async def skip_question(message: Message, member: Member | None, session: AsyncSession, forms: FormCache, i18n: I18n,
                        event_update: Update) -> None:
    """Leave an optional question empty."""
    await _reply_in_chat(message, member, session, forms, i18n, event_update.update_id, "skip")


async def _open_survey(message: Message, member: Member | None, session: AsyncSession,
                       open_draft_id: int | None = None) -> dict | bool:
    """Typed text goes to the member's open survey, if any; the handler gets its id as `draft_id`.

    DatabaseMiddleware read the open draft with the member; the query here is for updates it did not see.
    """
    if member is None or not message.text or message.text.startswith("/"):
        return False
    if open_draft_id is None:
        open_draft_id = await surveys.active_draft_id(session, member) or 0
    return {"draft_id": open_draft_id} if open_draft_id else False


@handlers.message(F.text, _open_survey)
async def typed_answer(message: Message, member: Member, session: AsyncSession, forms: FormCache, i18n: I18n,
                       event_update: Update, draft_id: int) -> None:
    """Typed text while a survey is open answers its current question."""
    await _reply_in_chat(message, member, session, forms, i18n, event_update.update_id, "answer", message.text,
                         draft_id=draft_id)


@handlers.callback_query(SurveyStep.filter())
async def survey_button(query: CallbackQuery, callback_data: SurveyStep, member: Member | None, session: AsyncSession,
                        forms: FormCache, i18n: I18n, event_update: Update) -> None:
    """A button under a survey question or the review."""
    action = _ACTIONS.get(callback_data.action)
    if member is None or action is None or query.message is None:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    lang = i18n.current_locale
    value = callback_data.arg if action in ("choose", "toggle", "edit") else None
    try:
        turn = await surveys.reply(session, forms, member, callback_data.sub, event_update.update_id, action, value,
                                   expected=callback_data.step, lang=lang, tr=translations(i18n.locales, lang))
    except surveys.SurveyUnavailable:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    if turn.duplicate:
        await query.answer()
        return
    if turn.stale:
        await query.answer(_("This question is already answered. Send /resume to see the current one."), show_alert=True)
        return
    await query.answer()
    if action == "toggle":
        markup = survey_question_keyboard(turn.submission.id, callback_data.step, turn.prompt, turn.pending,
                                          suggested=member.country)
        await query.message.edit_reply_markup(reply_markup=markup)
        return
    if not turn.error:
        # The answered question keeps its text but loses its buttons, so it cannot be pressed twice.
        await query.message.edit_reply_markup(reply_markup=None)
    await show_turn(query.message, turn, lang, member)
