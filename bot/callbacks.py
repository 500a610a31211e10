"""Callback data factories: every button's payload, parsed and validated by aiogram."""

from aiogram.filters.callback_data import CallbackData


class LanguageChoice(CallbackData, prefix="lang"):
    """The member picked a language."""

    code: str


class CountryChoice(CallbackData, prefix="ctry"):
    """The member confirmed a country (ISO code), or asked to type it again (code "")."""

    code: str


class RoleChoice(CallbackData, prefix="role"):
    """The member said what they do in the network."""

    role: str
