"""/review: threshold values reported in surveys, approved, corrected or rejected one card at a time."""

from __future__ import annotations

import contextlib
import html
import re

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CoordReview, ReviewAction
from bot.config import Settings
from bot.countries import country_name
from bot.handlers.coordinator.common import CoordinatorStates, Tr, fit, format_moment, format_number, not_command
from bot.handlers.documents import document_line
from bot.handlers.guards import command
from bot.handlers.survey import tell_submitter
from bot.keyboards import review_again_keyboard, review_corrections_keyboard, review_keyboard, with_document_buttons
from bot.lookup.survey_entries import typed_land_use, typed_pollutant
from bot.lookup.views import (
    extraction_label,
    format_ph_band,
    jurisdiction_label,
    land_use_text,
    legal_status_label,
    own_conditions,
    pollutant_name,
    source_link,
    source_text,
    targets_label,
    texture_label,
    tier_label,
    value_type_label,
)
from bot.lookup.views import format_number as format_value
from bot.services import coordination
from storage.models import Member, Role


def _review_text(item: coordination.ReviewItem, lang: str) -> str:
    """The review card: the value as typed, who reported it, the range elsewhere, and where it comes from."""
    row = item.value
    submitted_from = item.submission_country
    lines = [
        "<b>"
        + ngettext(
            "Reported threshold value ({count} waiting)", "Reported threshold value ({count} waiting)", item.remaining
        ).format(count=format_number(item.remaining, lang))
        + "</b>",
        _("Country: {country}").format(
            country=fit(f"{jurisdiction_label(row.jurisdiction, lang) or row.jurisdiction_name} ({row.jurisdiction})")
        ),
    ]
    if item.submitter_role or submitted_from or item.submitter_name:
        lines.append(
            _("Reported by: {who}, {role}, {country}").format(
                who=fit(item.submitter_name or "—", 64),
                role=html.escape(_submitter_role(item.submitter_role)),
                country=fit(country_name(submitted_from, lang) if submitted_from else "—"),
            )
        )
    # "Reported as" quotes what the respondent typed; a choice of the survey is said in the reader's words only.
    pollutant = fit(pollutant_name(row.record.pollutant_id, lang) or row.pollutant_name)
    typed = typed_pollutant(row.record)
    land_use = fit(land_use_text(row.land_use, Tr()))
    typed_place = typed_land_use(row.record)
    lines += [
        _("Pollutant: {name} (reported as “{original}”)").format(name=pollutant, original=fit(typed))
        if typed
        else _("Pollutant: {name}").format(name=pollutant),
        _("Land use: {name} (reported as “{original}”)").format(name=land_use, original=fit(typed_place))
        if typed_place
        else _("Land use: {land_use}").format(land_use=land_use),
        _value_line(item, lang),
        *_meaning_lines(row, lang),
    ]
    if item.others_count:
        lines.append(
            _("Other jurisdictions, same pollutant and land use: {low}–{high} {unit} ({count})").format(
                low=html.escape(_number(item.others_low, None, None, lang)),
                high=html.escape(_number(item.others_high, None, None, lang)),
                unit=fit(row.unit),
                count=format_number(item.others_count, lang),
            )
        )
    else:
        lines.append(_("No other jurisdiction has an approved value for this pollutant and land use."))
    lines += [
        _("Type: {value_type}; legal status: {status}").format(
            value_type=fit(value_type_label(row.value_type, Tr())),
            # The survey's status is a choice, stored in English words: the label the lookups use says it.
            status=fit(legal_status_label(row.legal_status, Tr())),
        ),
    ]
    if row.document_name:
        lines.append(_("Name in the document: “{name}”").format(name=fit(row.document_name)))
    source = source_text(row.record, Tr(), lang, with_link=False)
    lines += [
        _("Instrument: {instrument} ({year})").format(
            instrument=fit(row.instrument or "—", 400), year=fit(row.year_original or "—", 64)
        ),
        _("Source: {source}").format(source=fit(source, 400)),
    ]
    # A survey answer's link on a line of its own: a long authority shortens the source, never hides the address
    # that the public pages will make clickable once the value is approved.
    link = source_link(row.record)
    if link and link not in source:
        lines.append(_("Link: {link}").format(link=fit(link, 300)))
    # The documents feature adds the submission's attached files here.
    lines.extend(fit(document, 200) for document in item.documents[:5])
    return "\n".join(lines)


MAX_REVIEW_DOCUMENTS = 5  # buttons under one review card


def _value_line(item: coordination.ReviewItem, lang: str) -> str:
    """The number as typed and as stored; for a "must not be detected" value, that (it has no number)."""
    row = item.value
    if row.not_detected:
        return _("Value: <b>must not be detected</b> (no number is set)")
    return _("Value as typed: <b>{original} {unit_original}</b>, stored as {value} {unit}").format(
        value=html.escape(_number(row.value, row.value_min, row.value_max, lang)),
        unit=fit(row.unit),
        original=fit(item.typed_value or _as_typed(row.value_original) or "—", 64),
        unit_original=fit(row.unit_original),
    )


def _meaning_lines(row: coordination.ReportedValue, lang: str) -> list[str]:
    """What crossing the value means and protects, and the conditions it holds under, as the lookups word them."""
    record, tr = row.record, Tr()
    lines = []
    tier = tier_label(record.tier, tr)
    if tier:
        lines.append(f"<i>{html.escape(tier)}</i>")
    targets = targets_label(record, tr, lang)
    if targets:
        lines.append(_("Protects: {targets}").format(targets=html.escape(targets)))
    band = format_ph_band(record, lang)
    if band:
        lines.append(_("Soil pH band: {band}").format(band=html.escape(band)))
    if record.soil_texture:
        lines.append(_("Soil texture: {texture}").format(texture=fit(texture_label(record.soil_texture, tr))))
    if record.organic_carbon:
        lines.append(_("Organic carbon: {band}").format(band=fit(record.organic_carbon)))
    if record.extraction:
        lines.append(_("Extraction: {method}").format(method=fit(extraction_label(record.extraction, tr))))
    conditions = own_conditions(record)
    if conditions:
        lines.append(
            _("Conditions, as written in the source (not translated): {conditions}").format(conditions=fit(conditions))
        )
    return lines


def _submitter_role(role: str | None) -> str:
    labels = {
        Role.FOCAL_POINT: _("national focal point"),
        Role.LAB: _("soil laboratory"),
        Role.MEMBER: _("INSOP member"),
    }
    return labels.get(role or "", role or "—")


def _as_typed(original: str | None) -> str:
    """A stored survey number as the focal point typed it: "3.500000" (stored so before) reads "3.5"."""
    text = (original or "").strip()
    if re.fullmatch(r"-?\d+\.\d*0", text):
        text = text.rstrip("0").rstrip(".")
    return text


def _number(value: float | None, low: float | None, high: float | None, lang: str) -> str:
    """A stored value or range in the reader's locale, as the lookups write numbers ("0,8", "0,3–20")."""

    def show(number: float | None) -> str:
        return "—" if number is None else format_value(number, lang)

    if value is None and (low is not None or high is not None):
        return f"{show(low)}–{show(high)}"
    return show(value)


async def _decided(session: AsyncSession, tid: int, decision: str, lang: str) -> str:
    """The card as it stays in the chat once decided: the value, the decision, no buttons."""
    item = await coordination.review_item(session, tid)
    card = _review_text(item, lang).split("\n", 1)[1] if item is not None else ""
    return f"{card}\n\n<b>{decision}</b>"


async def _show_review(
    target: Message, session: AsyncSession, lang: str, after_id: int = 0, edit: bool = False, wrap: bool = True
) -> None:
    """The next value waiting for review as a card with its buttons (or why there is none)."""
    card = await coordination.review_card(session, after_id, wrap=wrap, max_documents=MAX_REVIEW_DOCUMENTS)
    if card.item is None:
        if card.waiting and not wrap:
            # Skip on the last card: say so, rather than showing the first skipped card again.
            text = ngettext(
                "That was the last one. {count} skipped value still waits for review.",
                "That was the last one. {count} skipped values still wait for review.",
                card.waiting,
            ).format(count=format_number(card.waiting, lang))
            markup = review_again_keyboard()
        else:
            text, markup = _("No reported threshold value is waiting for review."), None
    else:
        text = _review_text(card.item, lang)
        markup = review_keyboard(card.item.value.id)
        # The documents sent with the survey that reported the value, to check it against the official text.
        if card.documents:
            text += "\n" + "\n".join(document_line(view, lang) for view in card.documents)
            markup = with_document_buttons(markup, [(view.id, view.filename) for view in card.documents])
    await (target.edit_text(text, reply_markup=markup) if edit else target.answer(text, reply_markup=markup))


async def review(
    message: Message, member: Member | None, settings: Settings, session: AsyncSession, state: FSMContext, i18n: I18n
) -> None:
    """Show the next threshold value reported in a survey, with approve / correct / reject buttons."""
    await state.clear()
    await _show_review(message, session, i18n.current_locale)


async def review_skip(query: CallbackQuery, callback_data: CoordReview, session: AsyncSession, i18n: I18n) -> None:
    """Skip: the card loses its buttons, the next value waiting is shown (not wrapping around)."""
    await query.message.edit_reply_markup(reply_markup=None)
    await _show_review(query.message, session, i18n.current_locale, after_id=callback_data.tid, wrap=False)


async def review_again(query: CallbackQuery, session: AsyncSession, i18n: I18n) -> None:
    """Review the skipped values, from the first."""
    await _show_review(query.message, session, i18n.current_locale, edit=True)


async def review_back(query: CallbackQuery, callback_data: CoordReview) -> None:
    """Back from the corrections to the card's own buttons."""
    await query.message.edit_reply_markup(reply_markup=review_keyboard(callback_data.tid))


async def review_corrections(query: CallbackQuery, callback_data: CoordReview) -> None:
    """The units (or land uses) the value can be approved with instead."""
    if callback_data.action == ReviewAction.units:
        action, options = ReviewAction.fix_unit, coordination.CORRECTION_UNITS
    else:
        action, options = ReviewAction.fix_land_use, coordination.CORRECTION_LAND_USES
    await query.message.edit_reply_markup(
        reply_markup=review_corrections_keyboard(callback_data.tid, action, [(option, option) for option in options])
    )


async def review_ask(query: CallbackQuery, callback_data: CoordReview, state: FSMContext) -> None:
    """Reject or correct the value: ask for the reason (or the value), remembering the card to update."""
    reject = callback_data.action == ReviewAction.reject
    await state.set_state(CoordinatorStates.reject_reason if reject else CoordinatorStates.review_value)
    await state.update_data(
        threshold_id=callback_data.tid, card_chat=query.message.chat.id, card_id=query.message.message_id
    )
    await query.message.answer(
        _("Type the reason for rejecting this value (or /cancel).")
        if reject
        else _("Type the correct value, a number in the unit shown (or /cancel).")
    )


async def review_approve(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CoordReview,
    settings: Settings,
    session: AsyncSession,
    i18n: I18n,
) -> None:
    """Approve the value, as reported or with the unit or land use chosen; then the next card."""
    action, tid, lang = callback_data.action, callback_data.tid, i18n.current_locale
    try:
        row = await coordination.approve_threshold(
            session,
            tid,
            query.from_user.id,
            unit=callback_data.arg if action == ReviewAction.fix_unit else None,
            land_use=callback_data.arg if action == ReviewAction.fix_land_use else None,
        )
    except coordination.NotFound:
        callback_answer.text = _("This value no longer exists.")
        callback_answer.show_alert = True
        return
    except (coordination.NotAllowed, ValueError):
        callback_answer.text = _("This value was already reviewed, or the correction does not fit it.")
        callback_answer.show_alert = True
        return
    callback_answer.text = _("Approved.")
    await query.message.edit_text(await _decided(session, tid, _approved_line(row, lang), lang), reply_markup=None)
    await tell_submitter(query.bot, session, row, i18n, settings.default_language)
    await _show_review(query.message, session, lang, after_id=tid)


def _approved_line(row, lang: str) -> str:
    decision = _("✅ Approved by you, {date}").format(date=format_moment(row.reviewed_at, lang))
    if row.review_note:
        decision += "\n" + _("Correction: {note}").format(note=fit(row.review_note, 300))
    return decision


async def _edit_card(bot: Bot, session: AsyncSession, data: dict, decision: str, lang: str) -> None:
    """Write the decision onto the card the buttons were on (it may be gone: nothing to do then)."""
    text = await _decided(session, int(data.get("threshold_id")), decision, lang)
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_text(
            text, chat_id=data.get("card_chat"), message_id=data.get("card_id"), reply_markup=None
        )


async def review_value(
    message: Message,
    member: Member | None,
    settings: Settings,
    session: AsyncSession,
    state: FSMContext,
    i18n: I18n,
    bot: Bot,
) -> None:
    """The typed value approves the value under review with it (the original wording stays on record)."""
    data = await state.get_data()
    typed = message.text.strip()
    if not re.fullmatch(r"\d{1,9}(?:[.,]\d{1,9})?", typed):
        # The state stays: the next message is the number.
        await message.answer(_("Please type only a number, for example 3.5 (the unit stays as shown)."))
        return
    await state.clear()
    try:
        row = await coordination.approve_threshold(
            session, int(data.get("threshold_id")), message.from_user.id, value=typed.replace(",", ".")
        )
    except (coordination.NotFound, coordination.NotAllowed, TypeError, ValueError):
        await message.answer(_("This value was already reviewed, or the correction does not fit it."))
        return
    await message.answer(
        _("Approved with the corrected value {value} {unit}.").format(
            value=html.escape(_number(row.value, row.value_min, row.value_max, i18n.current_locale)),
            unit=fit(row.unit),
        )
    )
    await _edit_card(bot, session, data, _approved_line(row, i18n.current_locale), i18n.current_locale)
    await tell_submitter(message.bot, session, row, i18n, settings.default_language)
    await _show_review(message, session, i18n.current_locale, after_id=row.id)


async def reject_reason(
    message: Message,
    member: Member | None,
    settings: Settings,
    session: AsyncSession,
    state: FSMContext,
    i18n: I18n,
    bot: Bot,
) -> None:
    """The typed reason rejects the value under review."""
    data = await state.get_data()
    tid = data.get("threshold_id")
    if len(message.text.strip()) > coordination.REASON_LIMIT:
        # The state stays: the next message is the shorter reason.
        await message.answer(
            ngettext(
                "Please keep the reason to at most {limit} character (it has {length}).",
                "Please keep the reason to at most {limit} characters (it has {length}).",
                coordination.REASON_LIMIT,
            ).format(
                limit=format_number(coordination.REASON_LIMIT, i18n.current_locale),
                length=format_number(len(message.text.strip()), i18n.current_locale),
            )
        )
        return
    await state.clear()
    try:
        rejected = await coordination.reject_threshold(session, int(tid), message.from_user.id, message.text)
    except (coordination.NotFound, coordination.NotAllowed, TypeError, ValueError):
        await message.answer(_("This value was already reviewed, or the correction does not fit it."))
        return
    await message.answer(_("Rejected. The reason is stored with the value."))
    await _edit_card(
        bot,
        session,
        data,
        _("❌ Rejected by you: {reason}").format(reason=fit(message.text.strip(), 300)),
        i18n.current_locale,
    )
    await tell_submitter(message.bot, session, rejected, i18n, settings.default_language)
    await _show_review(message, session, i18n.current_locale, after_id=int(tid))


def build_router() -> Router:
    """/review, its buttons and the typed value or reason (coordinators only: the parent router's filter)."""
    router = Router(name="coordinator: review")
    router.message.register(review, command("review"))
    router.callback_query.register(review_skip, CoordReview.filter(F.action == ReviewAction.skip))
    router.callback_query.register(review_again, CoordReview.filter(F.action == ReviewAction.again))
    router.callback_query.register(review_back, CoordReview.filter(F.action == ReviewAction.back))
    router.callback_query.register(
        review_corrections, CoordReview.filter(F.action.in_({ReviewAction.units, ReviewAction.land_uses}))
    )
    router.callback_query.register(
        review_ask, CoordReview.filter(F.action.in_({ReviewAction.reject, ReviewAction.value}))
    )
    router.callback_query.register(
        review_approve,
        CoordReview.filter(F.action.in_({ReviewAction.approve, ReviewAction.fix_unit, ReviewAction.fix_land_use})),
    )
    router.message.register(review_value, StateFilter(CoordinatorStates.review_value), not_command)
    router.message.register(reject_reason, StateFilter(CoordinatorStates.reject_reason), not_command)
    return router
