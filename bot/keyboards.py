"""Inline keyboards. Labels come from gettext or CLDR; payloads from `bot.callbacks`."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import CountryChoice, LanguageChoice, RoleChoice
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
