"""The last line of defence around every update, in polling and webhook mode alike.

Whatever a handler, middleware, filter or the error handler raises, the person gets an apology in
their language, the failure is logged once with the update id, and the update counts as handled:
it is confirmed to Telegram and the next one runs. A forged button or a bug must never end the
process, and an update that fails every time must never be delivered again and again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import Update
from aiogram.utils.i18n import I18n

from bot.i18n import choose_language

log = logging.getLogger(__name__)

# An update still running after this long is abandoned (its transaction rolls back) so that it can
# neither hold its chat nor keep Telegram's offset, and so the queue behind it, forever.
UPDATE_TIMEOUT = 300.0


# Telegram's answers to a button pressed twice (a double tap, a forged copy): the first press already
# did the edit or answered the query. Not a failure to apologize for.
_HARMLESS = ("message is not modified", "query is too old", "query id is invalid")


def harmless(error: BaseException) -> bool:
    """A Bot API refusal that only means "already done"."""
    return isinstance(error, TelegramBadRequest) and any(text in error.message for text in _HARMLESS)


class Apology:
    """Says sorry where a failed update came from; never raises (it already is the failure path)."""

    def __init__(self, i18n: I18n, default_language: str) -> None:
        self.i18n = i18n
        self.default_language = default_language

    def text(self, update: Update, member_language: str | None = None) -> str:
        """The apology in the member's stored language, else their Telegram language, else the default."""
        user = _sender(update)
        language = choose_language(
            member_language,
            user.language_code if user is not None else None,
            self.default_language,
            tuple(self.i18n.available_locales) + ("en",),
        )
        return self.i18n.gettext(
            "Sorry, something went wrong on our side. Please try again in a moment.", locale=language
        )

    async def send(self, bot: Bot, update: Update, member_language: str | None = None) -> None:
        """An alert for a button press, a message in the chat for a message; nothing for other updates."""
        try:
            text = self.text(update, member_language)
            query = update.callback_query
            if query is not None:
                try:
                    # Also stops the button's spinner.
                    await bot.answer_callback_query(query.id, text=text, show_alert=True)
                    return
                except Exception:  # too old to answer: say it in the chat instead
                    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
                    await bot.send_message(chat_id, text)
                    return
            message = update.message or update.edited_message
            if message is not None and message.from_user is not None:
                await bot.send_message(message.chat.id, text)
        except Exception as error:  # best effort; the failure itself is already logged
            log.warning("could not send the apology for update %s (%s)", update.update_id, type(error).__name__)


async def feed_update_safely(
    dispatcher: Dispatcher, bot: Bot, update: Update, /, *, update_timeout: float = UPDATE_TIMEOUT, **data: Any
) -> Any:
    """`dispatcher.feed_update` that never raises an Exception.

    The dispatcher's error handler normally logs and apologizes; this catches what gets past it
    (aiogram re-raises when the error handler itself fails, or when errors are not handled) and a
    handler that runs past `update_timeout`. Cancellation (the process stopping) still propagates.
    """
    deadline = asyncio.timeout(update_timeout)
    try:
        async with deadline:
            return await dispatcher.feed_update(bot, update, **data)
    except Exception as error:
        if deadline.expired():
            log.error("update %s abandoned after %g s", update.update_id, update_timeout)
        else:
            log.error("update %s failed", update.update_id, exc_info=error)
        apology = dispatcher.workflow_data.get("apology")
        if isinstance(apology, Apology):
            await apology.send(bot, update)
        return None


def _sender(update: Update):
    for event in (update.message, update.edited_message, update.callback_query, update.inline_query):
        if event is not None:
            return event.from_user
    return None
