"""Last router: whatever no other handler took."""

from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.handlers import Handlers

handlers = Handlers("fallback")


@handlers.message()
async def not_understood(message: Message) -> None:
    """Say politely that this was not understood and point to /help."""
    await message.answer(_("Sorry, I did not understand that. Send /help to see what I can do."))


@handlers.callback_query()
async def stale_button(query: CallbackQuery) -> None:
    """A button from an old message, or forged data: refuse politely."""
    await query.answer(_("This button is no longer active."), show_alert=True)
