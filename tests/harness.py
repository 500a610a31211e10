"""Level 2: the real dispatcher fed real updates, with the Bot API in-process (no network)."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.types import InlineKeyboardButton, Message, User

from bot.app import Storage, build_bot, build_dispatcher, build_i18n, open_storage
from bot.config import Settings
from bot.local_api import Call, LocalBotAPI, UpdateFactory


class BotHarness:
    """Talk to the bot as Telegram users and read what it sent back."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, api: LocalBotAPI, storage: Storage) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.api = api
        self.storage = storage
        self.updates = UpdateFactory(start=1_000_000)

    @classmethod
    async def start(cls, settings: Settings) -> "BotHarness":
        storage = await open_storage(settings)
        dispatcher = build_dispatcher(settings, storage, build_i18n(settings))
        api = LocalBotAPI()
        bot = build_bot("1000:test", settings, session=api)
        await dispatcher.emit_startup(bot=bot, dispatcher=dispatcher)
        return cls(dispatcher, bot, api, storage)

    async def close(self) -> None:
        await self.dispatcher.emit_shutdown(bot=self.bot, dispatcher=self.dispatcher)
        await self.dispatcher.storage.close()
        await self.storage.engine.dispose()

    @staticmethod
    def user(user_id: int, language: str | None = "en", name: str = "Amina") -> User:
        return User(id=user_id, is_bot=False, first_name=name, language_code=language)

    async def send(self, user: User, text: str) -> list[Call]:
        """The user types `text`; returns the calls the bot made in reply."""
        before = len(self.api.calls)
        await self.dispatcher.feed_update(self.bot, self.updates.message(user, text))
        return self.api.calls[before:]

    async def feed(self, update) -> list[Call]:
        """Deliver an update as it is (e.g. a second time, as Telegram does after a timeout)."""
        before = len(self.api.calls)
        await self.dispatcher.feed_update(self.bot, update)
        return self.api.calls[before:]

    async def onboard(self, user: User, country: str, role_label: str) -> None:
        """Run /start, type the country, confirm it and pick the role."""
        await self.send(user, "/start")
        await self.send(user, country)
        await self.press(user, country)
        await self.press(user, role_label)

    async def press(self, user: User, label: str | None = None, data: str | None = None) -> list[Call]:
        """The user presses the newest button in their chat whose text contains `label` (or with `data`)."""
        message, button = self.find_button(user.id, label=label, data=data)
        before = len(self.api.calls)
        await self.dispatcher.feed_update(self.bot, self.updates.press(user, message, data or button.callback_data))
        return self.api.calls[before:]

    def find_button(self, chat_id: int, label: str | None = None, data: str | None = None) -> tuple[Message, InlineKeyboardButton]:
        for call in reversed(self.api.calls):
            if call.chat_id != chat_id or call.keyboard is None or not isinstance(call.result, Message):
                continue
            message = self.api.message(chat_id, call.result.message_id) or call.result
            for row in call.keyboard.inline_keyboard:
                for button in row:
                    if (label is not None and label in button.text) or (data is not None and button.callback_data == data):
                        return message, button
            if data is not None:
                return message, InlineKeyboardButton(text="forged", callback_data=data)
        raise AssertionError(f"no button {label or data!r} in chat {chat_id}")

    def texts(self, calls: list[Call]) -> list[str]:
        """What the user saw: sent and edited texts, and callback alerts."""
        return [call.text for call in calls if call.text]


def shown(calls: list[Call]) -> list[Call]:
    """The calls that put something in the chat: a button's answer (sent after its handler by aiogram's
    CallbackAnswerMiddleware) left out."""
    return [call for call in calls if call.method != "answerCallbackQuery"]
