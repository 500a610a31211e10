"""Inline keyboards. Labels come from gettext or CLDR; payloads from `bot.callbacks`."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import CompareValues, CountryChoice, LanguageChoice, RoleChoice, SurveyOpen, SurveyStep
from bot.i18n import language_name, ordered_languages
from storage.models import Role


def language_keyboard(languages: list[str] | tuple[str, ...], current: str | None = None) -> InlineKeyboardMarkup:
    """Each language in its own name; the current one ticked."""
    builder = InlineKeyboardBuilder()
    for code in ordered_languages(languages):
        mark = "✓ " if code == current else ""
        builder.button(text=f"{mark}{language_name(code)}", callback_data=LanguageChoice(code=code))
    builder.adjust(2)
    return builder.as_markup()


def country_keyboard(candidates: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Candidate countries as (code, localized name), plus "none of these"."""
    builder = InlineKeyboardBuilder()
    for code, name in candidates:
        builder.button(text=name, callback_data=CountryChoice(code=code))
    builder.button(text=_("None of these, I'll type again"), callback_data=CountryChoice(code=""))
    builder.adjust(1)
    return builder.as_markup()


def role_keyboard() -> InlineKeyboardMarkup:
    """The roles a member can choose for themselves (coordinators are appointed, not chosen)."""
    labels = {
        Role.FOCAL_POINT: _("National focal point"),
        Role.LAB: _("Soil laboratory"),
        Role.MEMBER: _("INSOP member / other"),
    }
    builder = InlineKeyboardBuilder()
    for role, label in labels.items():
        builder.button(text=label, callback_data=RoleChoice(role=role.value))
    builder.adjust(1)
    return builder.as_markup()


def survey_list_keyboard(offers) -> InlineKeyboardMarkup:
    """One button per survey the member may answer, saying whether it is started or done."""
    builder = InlineKeyboardBuilder()
    for offer in offers:
        if offer.draft is not None:
            label = _("{title}: continue").format(title=offer.title)
        elif offer.submitted:
            label = _("{title}: submitted, answer again").format(title=offer.title)
        else:
            label = offer.title
        builder.button(text=label[:120], callback_data=SurveyOpen(form_pk=offer.form.id))
    builder.adjust(1)
    return builder.as_markup()


# Longer choice lists (countries...) are typed and fuzzy-matched instead of scrolled through.
MAX_CHOICE_BUTTONS = 24


def survey_question_keyboard(submission_id: int, token: str, prompt, pending: list[str],
                             suggested: str | None = None) -> InlineKeyboardMarkup | None:
    """Choices as buttons (toggles with a check mark for select_multiple), then Back and Skip.

    A long list shows only the `suggested` choice (the member's own country, say) as a button.
    """
    builder = InlineKeyboardBuilder()
    widths: list[int] = []
    multiple = prompt.type == "select_multiple" and prompt.kind == "question"
    choices = list(enumerate(prompt.choices))
    if len(choices) > MAX_CHOICE_BUTTONS:
        choices = [(position, choice) for position, choice in choices
                   if suggested and choice[0].lower() == suggested.lower()]
    if not choices:
        # Typed answers get no buttons: /back and /skip do the same, and a bare number stays an answer.
        return None
    for position, (_name, label) in choices:
        if multiple:
            mark = "✅ " if _name in pending else "▫️ "
            builder.button(text=f"{mark}{label}"[:120], callback_data=SurveyStep(sub=submission_id, step=token, action="t", arg=position))
        else:
            builder.button(text=label[:120], callback_data=SurveyStep(sub=submission_id, step=token, action="c", arg=position))
        widths.append(1)
    if multiple:
        builder.button(text=_("Done ✔"), callback_data=SurveyStep(sub=submission_id, step=token, action="d"))
        widths.append(1)
    navigation = [InlineKeyboardButton(text=_("◀ Back"), callback_data=SurveyStep(sub=submission_id, step=token, action="b").pack())]
    if not prompt.required and prompt.kind == "question":
        navigation.append(InlineKeyboardButton(text=_("Skip ▶"), callback_data=SurveyStep(sub=submission_id, step=token, action="s").pack()))
    if widths:
        builder.adjust(*widths)
    builder.row(*navigation)
    return builder.as_markup()


def survey_review_keyboard(submission_id: int, token: str, items: list[dict]) -> InlineKeyboardMarkup:
    """An edit button per answer, then Submit."""
    builder = InlineKeyboardBuilder()
    # Telegram allows 100 buttons; long forms keep the newest answers editable through /back.
    for position, item in enumerate(items[:90]):
        builder.button(text=("✏️ " + item["label"])[:60], callback_data=SurveyStep(sub=submission_id, step=token, action="e", arg=position))
    builder.button(text=_("✅ Submit"), callback_data=SurveyStep(sub=submission_id, step=token, action="S"))
    builder.adjust(1)
    return builder.as_markup()


def compare_keyboard(pollutant: str, land_use: str | None) -> InlineKeyboardMarkup:
    """A "Compare" button under a lookup answer."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📊 Compare countries"), callback_data=CompareValues(pollutant=pollutant, land_use=land_use or ""))
    return builder.as_markup()
