"""/help for a coordinator: the public help, then the coordinator tools; their command menu is set too."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.commands import register_coordinator_commands
from bot.config import Settings
from bot.handlers.guards import command


def coordinator_help() -> str:
    """The second help block, shown to coordinators only."""
    return "\n".join(
        [
            _("<b>Coordinator tools</b>"),
            _("/stats: survey campaign progress"),
            _("/remind: send or schedule a reminder; /reminders: delivery results"),
            _("/review: review reported threshold values"),
            _("/export: survey answers as XLSX and CSV"),
            _("/invite: an invite link for a country and role"),
            _("/promote, /demote: give or take the coordinator role"),
            _("/setrole: confirm a national focal point, or set a member's role and country"),
            _("Send an XLSForm file to publish a new survey version."),
        ]
    )


async def coordinator_help_command(message: Message, settings: Settings, bot: Bot, i18n: I18n) -> None:
    """/help for a coordinator: the public help, then the coordinator tools; their command menu is set too."""
    from bot.handlers.start import help_text

    await message.answer(f"{help_text()}\n\n{coordinator_help()}")
    # Telegram accepts a chat's own menu only once the chat exists: now it does.
    await register_coordinator_commands(bot, i18n, {message.chat.id: i18n.current_locale}, settings.default_language)


def build_router() -> Router:
    """/help with the coordinator block (coordinators only: the parent router's filter; others get start's /help)."""
    router = Router(name="coordinator: menu")
    router.message.register(coordinator_help_command, command("help"))
    return router
