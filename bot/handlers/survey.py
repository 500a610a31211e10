"""Surveys in the chat: /survey, /resume, /back, /skip, answers by button or text, review, submit."""

from __future__ import annotations

import html
import logging
from dataclasses import replace

from aiogram import F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message, Update
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from babel.dates import format_date
from babel.numbers import format_decimal
from sqlalchemy.ext.asyncio import AsyncSession

from bot import survey as engine
from bot.callbacks import SurveyAgain, SurveyOpen, SurveyStep
from bot.config import Settings
from bot.countries import country_name
from bot.handlers.guards import command, is_command, typed_text
from bot.i18n.survey_errors import explain, suggest_cancel
from bot.i18n.survey_words import add_another_choice, synonyms, worded_answer, worded_prompt, wording
from bot.i18n.typography import is_rtl, strip_bidi_controls, typeset
from bot.keyboards import (
    MAX_CHOICE_BUTTONS,
    short_label,
    survey_again_keyboard,
    survey_list_keyboard,
    survey_lookup_keyboard,
    survey_part_keyboard,
    survey_question_keyboard,
    survey_review_keyboard,
)
from bot.limits import MAX_DOCUMENT_BYTES, fit_utf16
from bot.services import members, surveys
from bot.services.surveys import FormCache, Turn, step_token
from bot.survey.form import language_code
from bot.telegram_render import split_message
from storage.models import Member, utcnow

log = logging.getLogger(__name__)

_TYPE_HINTS = {
    "integer": lambda: _("Type a whole number."),
    "decimal": lambda: _("Type a number."),
    "date": lambda: _("Type a date, for example 2024-05-31."),
    "file": lambda: _(
        "Send the document as a file in this chat: PDF, Word (DOCX), Excel (XLSX) or a picture, at most {limit} MB."
    ).format(limit=MAX_DOCUMENT_BYTES // 1_000_000),
}
# The shipped forms' titles (XLSForm titles have no translation columns): marked here so the
# catalogs carry them; a title without a translation, e.g. an uploaded form's, shows as written.
SHIPPED_FORM_TITLES = (__("INSOP soil threshold values"), __("INSOP soil laboratory SOP survey"))
_ACTIONS = {
    "c": "choose",
    "t": "toggle",
    "d": "done",
    "s": "skip",
    "b": "back",
    "k": "keep",
    "e": "edit",
    "S": "submit",
    "a": "saved",
    "l": "lookup",
    "v": "part",
    "r": "summary",
}
# UTF-16 units each part of a question message may take: together well within Telegram's 4096, so a
# form with very long wording (or a very long earlier answer) still shows its question and buttons.
_LABEL_UNITS, _HINT_UNITS, _SECTION_UNITS, _VALUE_UNITS, _ERROR_UNITS = 1500, 800, 200, 800, 800
# Notes shown together after one answer: their labels share about three messages' worth.
_NOTES_UNITS = 12_000
# On the review screen: every answer is listed, long ones shortened (the stored answer stays whole).
_REVIEW_LABEL_UNITS, _REVIEW_VALUE_UNITS = 200, 300
# One summary line per part of the review: a phone shows about this much on two lines.
_SUMMARY_LINE_UNITS, _SUMMARY_VALUE_UNITS, _SUMMARY_TITLE_UNITS = 160, 28, 60


def _fit(text: str, units: int) -> str:
    """Plain text shortened to `units` UTF-16 units, then escaped for Telegram HTML."""
    return html.escape(fit_utf16(text, units))


def progress_line(prompt) -> str:
    """Where the member is: the form's part, the entry of a repeat, and the question's place in it.

    Both totals come from the form's structure, so neither changes as answers are given or entries added.
    """
    if not prompt.parts:
        return _("Question {index} of about {total}").format(index=prompt.index, total=prompt.total)
    if prompt.kind != "question" or not prompt.part_questions:
        return _("Part {part} of {parts}").format(part=prompt.part, parts=prompt.parts)
    if prompt.entry:
        return _("Part {part} of {parts}, entry {entry}, question {question} of {questions}").format(
            part=prompt.part,
            parts=prompt.parts,
            entry=prompt.entry,
            question=prompt.part_question,
            questions=prompt.part_questions,
        )
    return _("Part {part} of {parts}, question {question} of {questions}").format(
        part=prompt.part, parts=prompt.parts, question=prompt.part_question, questions=prompt.part_questions
    )


def _question_text(turn: Turn, lead: str | None = None, entered: list[str] | None = None) -> str:
    prompt = turn.prompt
    lines = [lead] if lead else []
    lines.append("<i>" + progress_line(prompt) + "</i>")
    lines += entered or []
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
    long_list = len(prompt.choices) > MAX_CHOICE_BUTTONS  # typed (its featured choices are buttons)
    if long_list and not prompt.hint:
        lines.append(_("Type your answer; I will find it in the list."))
    elif prompt.choices and prompt.kind == "question" and not long_list:
        lines.append("<i>" + _("Press a button, or type the option or its number.") + "</i>")
    if prompt.display_value and prompt.kind == "question":
        shown = _fit(prompt.display_value, _VALUE_UNITS)
        # A form's default is offered, not presented as if the member had answered it.
        lines.append(
            _("Suggested: {value}").format(value=shown)
            if prompt.suggested
            else _("Current answer: {value}").format(value=shown)
        )
    if prompt.kind == "question" and not prompt.required:
        lines.append("<i>" + _("Optional: /skip to leave it empty.") + "</i>")
    return "\n".join(lines)


def _answer_arrow(lang: str) -> str:
    return "←" if is_rtl(lang) else "→"


def answered_text(prompt, shown: str, lang: str) -> str:
    """An answered question as it stays in the chat: its label and the answer ("Is it binding? → Yes")."""
    answer = "<b>" + _fit(shown, _VALUE_UNITS) + "</b>" if shown else "<i>" + _("(left empty)") + "</i>"
    section = _fit(prompt.section, _SECTION_UNITS) + "\n" if prompt.section else ""
    return f"{section}{_fit(prompt.label, _LABEL_UNITS)} {_answer_arrow(lang)} {answer}"


class _MemberCatalog:
    """The member's catalog (the update's locale), as the survey's refusals are worded from it."""

    def gettext(self, message: str, /) -> str:
        return _(message)

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return ngettext(singular, plural, n)


def _worded(turn: Turn, lang: str) -> Turn:
    """The turn with the engine's own steps (Add another …?) and pyxform's English-only texts in the member's
    words, in the question, its buttons and its current answer (the answer just given comes worded from
    `surveys.reply`); a turn already worded stays as it is."""
    answered = worded_prompt(turn.answered, _) if turn.answered is not None else None
    shown = turn.answer_shown
    if answered is not None and answered.kind == "add_another" and shown:
        shown = add_another_choice(shown, _)
    prompt = worded_prompt(turn.prompt, _)
    if prompt.kind == "question" and prompt.path and prompt.value is not None:
        prompt = replace(prompt, display_value=worded_answer(turn.form, prompt.path, prompt.value, lang, _))
    return replace(
        turn,
        prompt=prompt,
        notes=[worded_prompt(note, _) for note in turn.notes],
        answered=answered,
        answer_shown=shown,
    )


def _error_text(turn: Turn) -> str:
    """Why the step was not taken, in the member's words ("" when it was)."""
    text = explain(turn.error, _MemberCatalog()) if turn.error is not None else ""
    if turn.suggest_cancel:
        text += "\n" + suggest_cancel(_MemberCatalog())
    return text


def echo_line(turn: Turn, lang: str) -> str | None:
    """The first line of the next message after a typed answer: what the answer was read as."""
    turn = _worded(turn, lang)
    if turn.answered is None or turn.answer_shown is None:
        return None
    if turn.answer_shown == "":
        return "✓ " + _("“{question}” left empty.").format(question=_fit(turn.answered.label, _REVIEW_LABEL_UNITS))
    if turn.answered.type == "text" and turn.answered.kind == "question" and not turn.adjusted:
        return None  # the member's own message shows it as typed
    return "✓ " + _("{label}: {value}").format(
        # "… (optional)." then ": value" would read ". :": a label's closing full stop goes.
        label=_fit(turn.answered.label.rstrip().removesuffix(".").removesuffix("。"), _REVIEW_LABEL_UNITS),
        value="<b>" + _fit(turn.answer_shown, _VALUE_UNITS) + "</b>",
    )


# "Add another?" lists the entries made so far, the newest last (a long repeat shows its last ones).
_ENTERED_SHOWN = 8


def _entered_so_far(turn: Turn, lang: str) -> list[str]:
    """One line per entry of the repeat that asks "Add another?": what was entered, so the count is clear."""
    prefix = (turn.prompt.path or "") + "["
    items = [item for item in _review_items(turn, lang) if item["path"].startswith(prefix)]
    lines = []
    for title, positions in review_parts(items):
        values = " · ".join(
            short_label(items[position]["display"], _SUMMARY_VALUE_UNITS)
            for position in positions
            if items[position]["display"]
        )
        lines.append(
            "• "
            + _("{label}: {value}").format(
                label=html.escape(short_label(title, _SUMMARY_TITLE_UNITS)),
                value=html.escape(short_label(values, _SUMMARY_LINE_UNITS)),
            )
        )
    return lines[-_ENTERED_SHOWN:]


def _review_items(turn: Turn, lang: str) -> list[dict]:
    return review_items(turn.form, turn.submission.state, lang)


def review_items(form: engine.Form, state: dict, lang: str) -> list[dict]:
    """The answered questions as the review screen shows them: labels and values in the form's language (pyxform's
    English-only Other and "Specify other." in the member's), typeset."""
    items = engine.review(form, state, lang, wording=wording(_))
    form_language = language_code(form.resolve_language(lang)) or lang
    for item in items:
        for key in ("label", "display", "section"):
            item[key] = typeset(item[key], form_language) if isinstance(item[key], str) else item[key]
    return items


def review_parts(items: list[dict]) -> list[tuple[str, list[int]]]:
    """The review's parts in order: (title, positions of its answers); a repeat's instances apart."""
    parts: list[tuple[str, list[int]]] = []
    keys: list[str] = []
    for position, item in enumerate(items):
        key = item["path"].split("/", 1)[0] if "/" in item["path"] else ""
        if not keys or keys[-1] != key:
            keys.append(key)
            title = item["section"].split(" › ")[0] if key and item["section"] else ""
            parts.append((title, []))
        parts[-1][1].append(position)
    # Questions outside any group: titled by their question when alone, else "General".
    return [
        (title or (items[positions[0]]["label"] if len(positions) == 1 else _("General")), positions)
        for title, positions in parts
    ]


def _review_summary(turn: Turn, lang: str, lead: str | None = None) -> tuple[str, list[tuple[str, list[int]]]]:
    """The review on one phone screen: a line per part with its answers, then a button per part."""
    items = _review_items(turn, lang)
    parts = review_parts(items)
    separator = " · "
    lines = [lead] if lead else []
    lines += ["<b>" + _("Please check your answers before you submit:") + "</b>", ""]
    for title, positions in parts:
        values = separator.join(
            short_label(items[position]["display"], _SUMMARY_VALUE_UNITS)
            for position in positions
            if items[position]["display"]
        )
        lines.append(
            _("{label}: {value}").format(
                label="<b>" + html.escape(short_label(title, _SUMMARY_TITLE_UNITS)) + "</b>",
                value=html.escape(short_label(values, _SUMMARY_LINE_UNITS)),
            )
        )
    lines += ["", _("Press a part to see and change its answers, or Submit.")]
    return "\n".join(lines), parts


def _review_part(turn: Turn, lang: str, part: int) -> tuple[str, list[tuple[int, str]]] | None:
    """One part of the review: each answer on a line, and a button per answer."""
    items = _review_items(turn, lang)
    parts = review_parts(items)
    if not 0 <= part < len(parts):
        return None
    title, positions = parts[part]
    lines = ["<b>" + _fit(title, _SECTION_UNITS) + "</b>", ""]
    entry = ""
    for position in positions:
        item = items[position]
        # An entry of a repeat inside the part (an instrument's key value 1, 2...) gets a line of its own.
        inner = item["section"].split(" › ", 1)[1] if " › " in (item["section"] or "") else ""
        if inner != entry:
            entry = inner
            if inner:
                lines.append("<i>" + _fit(inner, _SECTION_UNITS) + "</i>")
        lines.append(
            "• "
            + _("{label}: {value}").format(
                label=_fit(item["label"], _REVIEW_LABEL_UNITS),
                value="<b>" + _fit(item["display"], _REVIEW_VALUE_UNITS) + "</b>",
            )
        )
    lines += ["", _("Press an answer to change it.")]
    return "\n".join(lines), [(position, items[position]["label"]) for position in positions]


def _form_language(turn: Turn, lang: str) -> str:
    """The language the form's texts are shown in (the member's, or the form's default when it lacks it)."""
    return language_code(turn.form.resolve_language(lang)) or lang


def _typeset(turn: Turn, lang: str) -> Turn:
    """The turn in the member's words, the form's own texts typeset like the catalogs (French spacing and
    apostrophes)."""
    turn = _worded(turn, lang)
    language = _form_language(turn, lang)

    def prompt(shown):
        return replace(
            shown,
            label=typeset(shown.label, language),
            hint=typeset(shown.hint, language),
            section=typeset(shown.section, language),
            choices=[(name, typeset(label, language)) for name, label in shown.choices],
            display_value=typeset(shown.display_value, language) if shown.display_value else shown.display_value,
        )

    return replace(turn, prompt=prompt(turn.prompt), notes=[prompt(note) for note in turn.notes])


async def show_turn(
    message: Message, turn: Turn, lang: str, member: Member | None = None, lead: str | None = None
) -> None:
    """Send what the member sees next: notes, an error, the next question, the review, or thanks.

    `lead` opens the next message (what a typed answer was read as). After an error only the error is
    sent: the question and its buttons are still just above it.
    """
    turn = _typeset(turn, lang)
    prompt = turn.prompt
    token = step_token(prompt)
    if turn.lookup_text is not None:
        await message.answer(
            _lookup_note(turn),
            reply_markup=survey_lookup_keyboard(turn.submission.id, token, can_save=prompt.type == "text"),
        )
        return
    error = _error_text(turn)
    if error:
        await message.answer("⚠️ " + _fit(typeset(error, _form_language(turn, lang)), _ERROR_UNITS))
        if prompt.kind != "review":
            return  # the question and its buttons are just above
    if turn.other_country and member is not None and member.country:
        warning = "⚠️ " + _(
            "Your profile says {registered}, and you are answering about {answered}: your answers will count "
            "for {answered}."
        ).format(
            registered=html.escape(country_name(member.country, lang)),
            answered=html.escape(country_name(turn.other_country, lang)),
        )
        lead = (lead + "\n\n" if lead else "") + warning  # after what the answer was read as
    if turn.notes:
        # Notes in a row come together, in as few messages as they fit (the engine passes at most 50 at a
        # time): one message each let a form of many notes spend Telegram's 30 messages a second, which
        # the whole bot shares, on one member's answer. Many notes share the room of a few messages.
        label_units = max(_SECTION_UNITS, min(_LABEL_UNITS, _NOTES_UNITS // len(turn.notes)))
        hint_units = max(_SECTION_UNITS // 2, min(_HINT_UNITS, _NOTES_UNITS // 3 // len(turn.notes)))
        texts = [
            "<b>"
            + _fit(note.label, label_units)
            + "</b>"
            + ("\n<i>" + _fit(note.hint, hint_units) + "</i>" if note.hint else "")
            for note in turn.notes
        ]
        if lead:
            texts[0], lead = lead + "\n\n" + texts[0], None
        for chunk in split_message("\n\n".join(texts)):
            await message.answer(chunk)
    if turn.submitted_now or prompt.kind == "complete":
        await message.answer(_receipt(turn, lang))
    elif prompt.kind == "review":
        text, parts = _review_summary(turn, lang, lead)
        chunks = split_message(text)
        for chunk in chunks[:-1]:
            await message.answer(chunk)
        await message.answer(chunks[-1], reply_markup=survey_review_keyboard(turn.submission.id, token, parts))
    else:
        entered = _entered_so_far(turn, lang) if prompt.kind == "add_another" else None
        await message.answer(
            _question_text(turn, lead, entered),
            reply_markup=survey_question_keyboard(
                turn.submission.id, token, prompt, turn.pending, suggested=member.country if member else None
            ),
        )


def _lookup_note(turn: Turn) -> str:
    text = _fit(strip_bidi_controls(turn.lookup_text or ""), _VALUE_UNITS)
    lines = [
        _("“{text}” looks like a question for a lookup, not an answer to “{question}”.").format(
            text=text, question=_fit(turn.prompt.label, _REVIEW_LABEL_UNITS)
        )
    ]
    lines.append(
        _(
            "Press “Look it up” to get the values: the survey pauses, your answers are kept, and /resume "
            "brings you back to this question."
        )
    )
    if turn.prompt.type == "text":
        lines.append(_("If it is your answer, press “Save as my answer”."))
    return "\n".join(lines)


def _receipt(turn: Turn, lang: str) -> str:
    """The thank-you with what was sent and a reference to quote."""
    submission = turn.submission
    values = turn.for_review
    answers = len(engine.review(turn.form, submission.state, lang)) if submission.state else 0
    when = submission.submitted_at or utcnow()
    sent = ngettext("{count} answer sent", "{count} answers sent", answers).format(
        count=format_decimal(answers, locale=lang)
    )
    if not values and not surveys.reports_values(submission):
        # A laboratory's survey, or a country without values: nothing goes to review, so nothing is said of it.
        lines = [_("Thank you! Your answers have been submitted. Send /survey to see your surveys."), ""]
        lines.append(_("Receipt: {answers}.").format(answers=sent))
    else:
        lines = [
            _(
                "Thank you! Your answers have been submitted. Coordinators will review any threshold values you "
                "reported before they appear in lookups. Send /survey to see your surveys."
            ),
            "",
            # Two counts, each with its own plural form, in one line whose order the translation decides.
            _("Receipt: {answers}, {values}.").format(
                answers=sent,
                values=ngettext(
                    "{count} threshold value for review", "{count} threshold values for review", values
                ).format(count=format_decimal(values, locale=lang)),
            ),
        ]
    lines += [
        _("Reference: {reference}, {date}").format(
            reference="<b>" + submission_reference(submission.id) + "</b>",
            date=format_date(when, format="medium", locale=lang),
        ),
    ]
    return "\n".join(lines)


async def tell_submitter(bot, session: AsyncSession, threshold, i18n: I18n, default_language: str = "en") -> None:
    """Tell the focal point who reported `threshold` that a coordinator approved or rejected it, with the reason."""
    submitter = await surveys.submitter_of(session, threshold)
    if submitter is None:
        return
    language = submitter.language if submitter.language in i18n.available_locales else default_language
    with i18n.use_locale(language):
        number = (
            format_decimal(threshold.value, locale=language)
            if threshold.value is not None
            else threshold.value_original
        )
        value = html.escape(fit_utf16(f"{threshold.pollutant_name} · {number} {threshold.unit}", 300))
        reference = "<b>" + submission_reference(submitter.submission_id) + "</b>"
        if threshold.review_status == "approved":
            text = _(
                "A coordinator approved the threshold value you reported ({reference}): {value}. "
                "It now appears in lookups."
            ).format(reference=reference, value=value)
        else:
            text = _("A coordinator did not accept the threshold value you reported ({reference}): {value}.").format(
                reference=reference, value=value
            )
            text += "\n" + _("Reason: {reason}").format(
                reason=html.escape(fit_utf16(threshold.review_note or "—", 1000))
            )
            text += "\n" + _("To send it again corrected, send /survey and start from your last answers.")
    try:
        await bot.send_message(submitter.telegram_id, text)
    except TelegramAPIError as error:  # blocked the bot, deleted the account: the decision stands anyway
        log.info("review decision not delivered to the submitter: %s", error)


def submission_reference(submission_id: int) -> str:
    """The reference a focal point quotes for a submission."""
    return f"INSOP-{submission_id:05d}"


def _coordinator(member: Member | None, user_id: int, settings: Settings) -> bool:
    return members.is_coordinator(member, user_id, settings.coordinator_ids)


async def list_surveys(
    message: Message, member: Member | None, session: AsyncSession, forms: FormCache, settings: Settings, i18n: I18n
) -> None:
    """Offer the surveys that apply to the member."""
    if member is None or not member.is_onboarded:
        await message.answer(_("Please set up your profile first: send /start."))
        return
    offers = await surveys.offers(
        session, forms, member, _coordinator(member, message.from_user.id, settings), i18n.current_locale
    )
    if not offers:
        await message.answer(_("There is no survey for you at the moment."))
        return
    await message.answer(_("Which survey would you like to answer?"), reply_markup=survey_list_keyboard(offers))


async def open_survey(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: SurveyOpen,
    member: Member | None,
    session: AsyncSession,
    forms: FormCache,
    settings: Settings,
    i18n: I18n,
    event_update: Update,
) -> None:
    """Start the chosen survey, or continue the member's draft of it."""
    await _open(
        query, callback_answer, callback_data.form_pk, None, member, session, forms, settings, i18n, event_update
    )


async def answer_again(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: SurveyAgain,
    member: Member | None,
    session: AsyncSession,
    forms: FormCache,
    settings: Settings,
    i18n: I18n,
    event_update: Update,
) -> None:
    """A new submission of a survey already submitted: empty, or from the last answers."""
    if callback_data.mode not in ("new", "copy"):
        callback_answer.text = _("This button is no longer active.")
        callback_answer.show_alert = True
        return
    await _open(
        query,
        callback_answer,
        callback_data.form_pk,
        callback_data.mode,
        member,
        session,
        forms,
        settings,
        i18n,
        event_update,
    )


async def _open(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    form_pk: int,
    again: str | None,
    member: Member | None,
    session: AsyncSession,
    forms: FormCache,
    settings: Settings,
    i18n: I18n,
    event_update: Update,
) -> None:
    if member is None or query.message is None:
        callback_answer.text = _("Please set up your profile first: send /start.")
        callback_answer.show_alert = True
        return
    lang = i18n.current_locale
    try:
        turn = await surveys.open_survey(
            session,
            forms,
            member,
            form_pk,
            _coordinator(member, query.from_user.id, settings),
            event_update.update_id,
            lang,
            again=again,
        )
    except surveys.SurveyUnavailable:
        callback_answer.text = _("This survey is not available.")
        callback_answer.show_alert = True
        return
    except surveys.AnswerAgain as submitted:
        when = format_date(submitted.submitted_at or utcnow(), format="medium", locale=lang)
        await query.message.answer(
            _(
                "You submitted this survey on {date}. Answering again sends a new submission; the one you sent stays "
                "as it is. You can start from your last answers and change only what is new."
            ).format(date=when),
            reply_markup=survey_again_keyboard(form_pk),
        )
        return
    if again is not None:
        await query.message.edit_reply_markup(reply_markup=None)
    await show_turn(query.message, turn, lang, member)


async def resume(
    message: Message, member: Member | None, session: AsyncSession, forms: FormCache, i18n: I18n, event_update: Update
) -> None:
    """Continue the most recent draft at its next unanswered question."""
    lang = i18n.current_locale
    turn = None
    if member is not None:
        turn = await surveys.resume_latest(session, forms, member, event_update.update_id, lang)
    if turn is None:
        await message.answer(_("You have no survey in progress. Send /survey to see the surveys."))
        return
    await show_turn(message, turn, lang, member)


async def _reply_in_chat(
    message: Message,
    member: Member | None,
    session: AsyncSession,
    forms: FormCache,
    i18n: I18n,
    update_id: int,
    action: str,
    value=None,
    draft_id: int | None = None,
) -> None:
    lang = i18n.current_locale
    if draft_id is None and member is not None:
        draft_id = await surveys.active_draft_id(session, member)
    turn = None
    if draft_id is not None:
        try:
            # Only the open survey: one paused (/cancel) since the draft id was read takes no typed input.
            turn = await surveys.reply(
                session,
                forms,
                member,
                draft_id,
                update_id,
                action,
                value,
                lang=lang,
                synonyms=synonyms(_),  # the member's words for yes, no and Other
                open_only=True,
                wording=wording(_),
            )
        except surveys.SurveyUnavailable:
            pass
    if turn is None:
        await message.answer(_("You have no survey open. Send /resume to continue one, or /survey to start."))
        return
    if not turn.duplicate:
        await show_turn(message, turn, lang, member, lead=echo_line(turn, lang))


async def go_back(
    message: Message, member: Member | None, session: AsyncSession, forms: FormCache, i18n: I18n, event_update: Update
) -> None:
    """Return to the previous question."""
    await _reply_in_chat(message, member, session, forms, i18n, event_update.update_id, "back")


async def skip_question(
    message: Message, member: Member | None, session: AsyncSession, forms: FormCache, i18n: I18n, event_update: Update
) -> None:
    """Leave an optional question empty."""
    await _reply_in_chat(message, member, session, forms, i18n, event_update.update_id, "skip")


def _command_or_answer(message: Message, open_draft_id: int | None = None) -> bool:
    """Router guard: a command, or anything but typed text from a member DatabaseMiddleware found with no open
    survey (`open_draft_id` 0; it is unset when it did not look, and `_open_survey` then asks)."""
    return open_draft_id != 0 or is_command(message)


async def _open_survey(
    message: Message, member: Member | None, session: AsyncSession, open_draft_id: int | None = None
) -> dict | bool:
    """Typed text goes to the member's open survey, if any; the handler gets its id as `draft_id`.

    DatabaseMiddleware read the open draft with the member; the query here is for updates it did not see.
    """
    if member is None or not typed_text(message):
        return False
    if open_draft_id is None:
        open_draft_id = await surveys.active_draft_id(session, member) or 0
    return {"draft_id": open_draft_id} if open_draft_id else False


async def typed_answer(
    message: Message,
    member: Member,
    session: AsyncSession,
    forms: FormCache,
    i18n: I18n,
    event_update: Update,
    draft_id: int,
) -> None:
    """Typed text while a survey is open answers its current question."""
    await _reply_in_chat(
        message, member, session, forms, i18n, event_update.update_id, "answer", message.text, draft_id=draft_id
    )


async def survey_button(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: SurveyStep,
    member: Member | None,
    session: AsyncSession,
    forms: FormCache,
    i18n: I18n,
    event_update: Update,
    catalog=None,
) -> None:
    """A button under a survey question or the review."""
    action = _ACTIONS.get(callback_data.action)
    if member is None or action is None or query.message is None:
        callback_answer.text = _("This button is no longer active.")
        callback_answer.show_alert = True
        return
    lang = i18n.current_locale
    if action in ("part", "summary"):
        await _show_review_view(query, callback_answer, callback_data, action, member, session, forms, i18n)
        return
    if action == "lookup":
        await _look_it_up(query, callback_answer, callback_data, member, session, catalog, i18n)
        return
    value = callback_data.arg if action in ("choose", "toggle", "edit") else None
    try:
        turn = await surveys.reply(
            session,
            forms,
            member,
            callback_data.sub,
            event_update.update_id,
            action,
            value,
            expected=callback_data.step,
            lang=lang,
            synonyms=synonyms(_),  # the member's words for yes, no and Other
            wording=wording(_),
        )
    except surveys.SurveyUnavailable:
        callback_answer.text = _("This button is no longer active.")
        callback_answer.show_alert = True
        return
    if turn.inactive:  # a button the step does not show: forged, or a choice beyond its list
        callback_answer.text = _("This button is no longer active.")
        callback_answer.show_alert = True
        return
    if turn.duplicate:
        return
    if turn.stale:
        callback_answer.text = _("This question is already answered. Send /resume to see the current one.")
        callback_answer.show_alert = True
        return
    turn = _worded(turn, lang)
    if action == "toggle":
        markup = survey_question_keyboard(
            turn.submission.id, callback_data.step, turn.prompt, turn.pending, suggested=member.country
        )
        await query.message.edit_reply_markup(reply_markup=markup)
        return
    if turn.answered is not None and action != "saved":
        # The answered question stays in the chat with its answer, and cannot be pressed twice.
        answered = _typeset(replace(turn, prompt=turn.answered), lang).prompt
        shown = typeset(turn.answer_shown or "", _form_language(turn, lang))
        await query.message.edit_text(answered_text(answered, shown, lang), reply_markup=None)
    elif not _error_text(turn):
        await query.message.edit_reply_markup(reply_markup=None)
    await show_turn(query.message, turn, lang, member, lead=echo_line(turn, lang) if action == "saved" else None)


async def _show_review_view(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: SurveyStep,
    action: str,
    member: Member,
    session: AsyncSession,
    forms: FormCache,
    i18n: I18n,
) -> None:
    """The review's summary or one of its parts, in place of the message the button was under."""
    lang = i18n.current_locale
    try:
        turn = await surveys.current_turn(session, forms, member, callback_data.sub, lang)
    except surveys.SurveyUnavailable:
        turn = None
    if turn is None or turn.prompt.kind != "review" or step_token(turn.prompt) != callback_data.step:
        callback_answer.text = _("This button is no longer active.")
        callback_answer.show_alert = True
        return
    turn = _typeset(turn, lang)
    if action == "part":
        view = _review_part(turn, lang, callback_data.arg)
        if view is None:
            callback_answer.text = _("This button is no longer active.")
            callback_answer.show_alert = True
            return
        text, answers = view
        markup = survey_part_keyboard(turn.submission.id, callback_data.step, answers)
    else:
        text, parts = _review_summary(turn, lang)
        markup = survey_review_keyboard(turn.submission.id, callback_data.step, parts)
    chunks = split_message(text)
    if len(chunks) == 1:
        await query.message.edit_text(text, reply_markup=markup)
        return
    await query.message.edit_reply_markup(reply_markup=None)
    for chunk in chunks[:-1]:
        await query.message.answer(chunk)
    await query.message.answer(chunks[-1], reply_markup=markup)


async def _look_it_up(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: SurveyStep,
    member: Member,
    session: AsyncSession,
    catalog,
    i18n: I18n,
) -> None:
    """Pause the survey and answer the typed text as a lookup."""
    text = await surveys.typed_lookup(session, member, callback_data.sub)
    if text is None or catalog is None:
        callback_answer.text = _("This button is no longer active.")
        callback_answer.show_alert = True
        return
    await query.message.edit_reply_markup(reply_markup=None)
    from bot.handlers.lookup import answer_lookup  # the lookup's own reply, as if typed outside the survey

    await answer_lookup(query.message, text, member, session, catalog, i18n)
    await query.message.answer(_("Survey paused. Your answers are saved: send /resume to continue where you stopped."))


def build_router() -> Router:
    """A new Router: /survey, /resume, /back, /skip, typed answers and the survey's buttons."""
    router = Router(name="survey")
    router.message.filter(_command_or_answer)
    router.message.register(list_surveys, command("survey"))
    router.callback_query.register(open_survey, SurveyOpen.filter())
    router.callback_query.register(answer_again, SurveyAgain.filter())
    router.message.register(resume, command("resume"))
    router.message.register(go_back, command("back"))
    router.message.register(skip_question, command("skip"))
    router.message.register(typed_answer, F.text, _open_survey)
    router.callback_query.register(survey_button, SurveyStep.filter())
    return router
