"""Last router: whatever no other handler took."""

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _


async def not_understood(message: Message) -> None:
    """Say politely that this was not understood and point to /help."""
    await message.answer(_("Sorry, I did not understand that. Send /help to see what I can do."))


async def stale_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    """A button from an old message, or forged data: refuse politely."""
    callback_answer.text = _("This button is no longer active.")
    callback_answer.show_alert = True


def build_router() -> Router:
    """A new Router: whatever no other router took (include it last)."""
    router = Router(name="fallback")
    router.message.register(not_understood)
    router.callback_query.register(stale_button)
    return router
