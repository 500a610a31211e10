"""The command menu Telegram shows, registered once per language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllGroupChats
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import lazy_gettext as __

# Order is the order of the menu. Descriptions are lazy: rendered per language below.
MENU = [
    ("start", __("Set up your profile")),
    ("lookup", __("Look up soil threshold values")),
    ("compare", __("Compare a pollutant across countries")),
    ("countries", __("Countries with threshold values")),
    ("survey", __("Answer a survey")),
    ("resume", __("Continue your survey")),
    ("back", __("Previous survey question")),
    ("skip", __("Skip an optional question")),
    ("help", __("What this bot can do")),
    ("profile", __("Change your country, role or language")),
    ("language", __("Change the language")),
    ("cancel", __("Stop what you are doing")),
    ("mute", __("Stop receiving reminders")),
    ("unmute", __("Receive reminders again")),
    ("mydata", __("See what the bot stores about you")),
    ("forget", __("Erase your personal data")),
]


# In groups only lookups work (bot/handlers/groups.py): their menu offers nothing else.
GROUP_COMMANDS = ("lookup", "compare")


def menu(i18n: I18n, language: str, only: tuple[str, ...] | None = None) -> list[BotCommand]:
    """The command list in one language (or just the commands `only` names)."""
    with i18n.context(), i18n.use_locale(language):
        return [
            BotCommand(command=name, description=str(description))
            for name, description in MENU
            if only is None or name in only
        ]


async def register_commands(bot: Bot, i18n: I18n, default_language: str) -> None:
    """setMyCommands for every catalog, plus the default for clients in other languages; the same
    for group chats with the lookup commands only."""
    await bot.set_my_commands(menu(i18n, default_language))
    for language in i18n.available_locales:
        await bot.set_my_commands(menu(i18n, language), language_code=language)
    groups = BotCommandScopeAllGroupChats()
    await bot.set_my_commands(menu(i18n, default_language, GROUP_COMMANDS), scope=groups)
    for language in i18n.available_locales:
        await bot.set_my_commands(menu(i18n, language, GROUP_COMMANDS), scope=groups, language_code=language)


# ---------------------------------------------------------------- coordinator menu (issue 5)

import logging  # noqa: E402

from aiogram.exceptions import TelegramAPIError  # noqa: E402
from aiogram.types import BotCommandScopeChat  # noqa: E402

log = logging.getLogger(__name__)

# Shown only in coordinators' own chats (BotCommandScopeChat), after the public commands.
COORDINATOR_MENU = [
    ("stats", __("Survey campaign progress")),
    ("dashboard", __("Open the coordinators' dashboard")),
    ("remind", __("Send or schedule a reminder")),
    ("reminders", __("Reminder delivery results")),
    ("review", __("Review reported threshold values")),
    ("export", __("Export survey answers")),
    ("invite", __("Create an invite link")),
    ("promote", __("Make a member a coordinator")),
    ("demote", __("Remove a coordinator")),
    ("setrole", __("Set a member's role, e.g. focal point")),
]


def coordinator_menu(i18n: I18n, language: str) -> list[BotCommand]:
    """The public commands plus the coordinator's, in one language."""
    with i18n.context(), i18n.use_locale(language):
        extra = [BotCommand(command=name, description=str(description)) for name, description in COORDINATOR_MENU]
    return menu(i18n, language) + extra


async def register_coordinator_commands(
    bot: Bot, i18n: I18n, chats: dict[int, str | None], default_language: str
) -> None:
    """setMyCommands in each coordinator's chat; a chat Telegram does not know yet is skipped."""
    for chat_id, language in chats.items():
        language = language if language in i18n.available_locales else default_language
        try:
            await bot.set_my_commands(coordinator_menu(i18n, language), scope=BotCommandScopeChat(chat_id=chat_id))
        except TelegramAPIError as error:
            log.info("no coordinator menu for chat %s: %s", chat_id, error)


async def remove_coordinator_commands(bot: Bot, chat_id: int) -> None:
    """A demoted coordinator sees the public menu again."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=chat_id))
    except TelegramAPIError as error:
        log.info("could not reset the menu of chat %s: %s", chat_id, error)
