"""The command menu Telegram shows, registered once per language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import lazy_gettext as __

# Order is the order of the menu. Descriptions are lazy: rendered per language below.
MENU = [
    ("start", __("Set up your profile")),
    ("lookup", __("Look up soil threshold values")),
    ("compare", __("Compare a pollutant across countries")),
    ("survey", __("Answer a survey")),
    ("resume", __("Continue your survey")),
    ("back", __("Previous survey question")),
    ("skip", __("Skip an optional question")),
    ("help", __("What this bot can do")),
    ("language", __("Change the language")),
    ("cancel", __("Stop what you are doing")),
]


def menu(i18n: I18n, language: str) -> list[BotCommand]:
    """The command list in one language."""
    with i18n.context(), i18n.use_locale(language):
        return [BotCommand(command=name, description=str(description)) for name, description in MENU]


async def register_commands(bot: Bot, i18n: I18n, default_language: str) -> None:
    """setMyCommands for every catalog, plus the default for clients in other languages."""
    await bot.set_my_commands(menu(i18n, default_language))
    for language in i18n.available_locales:
        await bot.set_my_commands(menu(i18n, language), language_code=language)
