"""Groups, supergroups and channels: lookups only; everything else is for private chats.

Personal, survey and coordinator commands would post personal data and Telegram ids into the group,
and a member's group message would be taken as a survey answer. So those routers run in private
chats only (`in_private_chat` on the router, see bot/app.py); /lookup, /compare and inline mode work
anywhere. In a group this router takes the rest: the first command tried there gets one short note
pointing to the private chat (remembered per group in the FSM storage, so the group is not spammed,
across restarts too); other commands and plain messages are ignored; buttons are refused.
"""

from __future__ import annotations

import re

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

# The FSM storage's slot where a group's "told once" flag lives (not a person's conversation state).
NOTICE_DESTINY = "private_chat_notice"


def in_private_chat(event: Message | CallbackQuery) -> bool:
    """A message in a private chat, or a button under a message in one."""
    if isinstance(event, CallbackQuery):
        message = event.message
        return message is not None and message.chat.type == ChatType.PRIVATE
    return event.chat.type == ChatType.PRIVATE


def on_readable_message(query: CallbackQuery) -> bool:
    """A button under a message the bot can still read and edit.

    Telegram sends a button pressed under an old (or deleted) message with an `InaccessibleMessage`:
    chat and id only, no text, no edit methods. Handlers that edit the message they sit under would
    fail on it; such a press falls through to "This button is no longer active." instead.
    """
    return isinstance(query.message, Message)


def outside_private_chat(event: Message | CallbackQuery) -> bool:
    """A group, supergroup or channel (or a button under an inline-mode message, which has no chat)."""
    return not in_private_chat(event)


async def _told_before(storage: BaseStorage, bot: Bot, chat_id: int) -> bool:
    """True if this group already got the note; otherwise remembers that it gets it now."""
    key = StorageKey(bot_id=bot.id, chat_id=chat_id, user_id=chat_id, destiny=NOTICE_DESTINY)
    if (await storage.get_data(key)).get("told"):
        return True
    await storage.set_data(key, {"told": True})
    return False


# Any command addressed to this bot (`/stats`, `/stats@this_bot`; not `/stats@other_bot`).
async def private_chat_note(message: Message, bot: Bot, fsm_storage: BaseStorage) -> None:
    """The first command tried in a group: say once that only lookups work here, and where the rest is."""
    if message.chat.type == ChatType.CHANNEL or await _told_before(fsm_storage, bot, message.chat.id):
        return
    me = await bot.me()
    where = f"https://t.me/{me.username}" if me.username else me.first_name
    await message.answer(
        _(
            "In groups I only answer threshold lookups, for example /lookup cadmium Kenya or /compare cadmium. "
            "For your profile, surveys and everything else, please write to me in a private chat: {link}"
        ).format(link=where),
        disable_web_page_preview=True,
    )


async def ignore_group_message(message: Message) -> None:
    """Plain messages in a group are the members' conversation, not questions or survey answers."""


async def refuse_group_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    """Survey, profile and coordinator buttons do nothing outside a private chat."""
    callback_answer.text = _("This works only in a private chat with me.")
    callback_answer.show_alert = True


def build_router() -> Router:
    """A new Router for groups and channels: one note per group, other messages ignored, buttons refused."""
    router = Router(name="groups")
    router.message.register(private_chat_note, Command(re.compile(r".+")))
    router.message.register(ignore_group_message)
    router.callback_query.register(refuse_group_button)
    return router
