"""Level 2: the real dispatcher fed real updates, with the Bot API in-process (no network).

The in-process Bot API refuses what Telegram refuses (HTML it cannot parse, texts over 4096 UTF-16 units,
callback data over 64 bytes, too many buttons). The bot's error handling turns such a refusal into an
apology or swallows it, so the harness fails the update that caused it: a test cannot pass over it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from aiogram import Bot, Dispatcher
from aiogram.types import InlineKeyboardButton, Message, User
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker, create_async_engine

from bot.app import Storage, build_bot, build_dispatcher, build_i18n, open_storage
from bot.callbacks import CountryChoice, RoleChoice
from bot.config import Settings
from bot.fsm import SQLStorage
from bot.local_api import Call, LocalBotAPI, UpdateFactory
from bot.member_cache import MemberCache
from bot.services.surveys import FormCache
from storage.db import create_engine
from storage.models import Role

# The focal point's button as tests name it (English, French): the harness has a coordinator confirm them.
FOCAL_POINT_LABELS = ("National focal point", "Point focal national")
_running: list[BotHarness] = []  # the in-process bots started and not yet closed


def savepoint_engine(url: str, **options) -> AsyncEngine:
    """An engine whose connections can hold a transaction that sessions join with savepoints.

    On SQLite, pysqlite begins transactions itself, late, and a SAVEPOINT outside one would commit on release:
    the transaction control is handed to SQLAlchemy (its documented recipe for SQLite savepoints).
    """
    engine = (
        create_engine(url)
        if not options
        else create_async_engine(url, pool_pre_ping=True, hide_parameters=True, **options)
    )
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine.sync_engine, "connect")
        def _no_implicit_transactions(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(connection) -> None:
            connection.exec_driver_sql("BEGIN")

    return engine


def joining_storage(engine: AsyncEngine, connection: AsyncConnection) -> Storage:
    """The bot's storage on one connection: every session joins the transaction open on it, and its commits
    become savepoints (SQLAlchemy's `join_transaction_mode="create_savepoint"`). Only for a bot fed one update
    at a time: all sessions share the connection."""
    return Storage(
        engine=engine,
        sessionmaker=async_sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        ),
        members=MemberCache(cache_drafts=True),  # as open_storage builds it for one process
    )


def forget_rolled_back(storage: Storage) -> None:
    """After a rollback the bot's in-memory caches must not serve what it took back: members and open drafts
    are read again, the lookup index checks the approved values again, and every running harness on
    `storage` forgets its forms and conversation steps."""
    storage.members.invalidate(None, None)
    for table in storage.members.versions:
        storage.members.versions[table] += 1
    for harness in _running:
        if harness.storage is storage:
            harness.forget_cached()


class BotHarness:
    """Talk to the bot as Telegram users and read what it sent back."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, api: LocalBotAPI, storage: Storage) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.api = api
        self.storage = storage
        self.updates = UpdateFactory(start=1_000_000)
        self._refusals_allowed = False
        self._owns_storage = True
        self.coordinator_id: int | None = None

    @classmethod
    async def start(cls, settings: Settings, storage: Storage | None = None) -> BotHarness:
        """The bot on `storage` (the `storage` fixture: rolled back after each test), which it then leaves open;
        without one, on the database of `settings`, committed."""
        owned = storage is None
        storage = storage or await open_storage(settings)
        dispatcher = build_dispatcher(settings, storage, build_i18n(settings))
        api = LocalBotAPI()
        bot = build_bot("1000:test", settings, session=api)
        await dispatcher.emit_startup(bot=bot, dispatcher=dispatcher)
        harness = cls(dispatcher, bot, api, storage)
        harness._owns_storage = owned
        harness.coordinator_id = settings.coordinator_ids[0] if settings.coordinator_ids else None
        _running.append(harness)
        return harness

    def forget_cached(self) -> None:
        """Forget the parsed forms and conversation steps kept in memory (their rows were rolled back)."""
        self.dispatcher["forms"] = FormCache()
        if isinstance(self.dispatcher.storage, SQLStorage):
            self.dispatcher.storage.forget_cached()

    async def close(self) -> None:
        if self in _running:
            _running.remove(self)
        await self.dispatcher.emit_shutdown(bot=self.bot, dispatcher=self.dispatcher)
        await self.dispatcher.storage.close()
        if self._owns_storage:
            await self.storage.engine.dispose()

    @staticmethod
    def user(user_id: int, language: str | None = "en", name: str = "Amina") -> User:
        return User(id=user_id, is_bot=False, first_name=name, language_code=language)

    async def send(self, user: User, text: str) -> list[Call]:
        """The user types `text`; returns the calls the bot made in reply."""
        return await self._deliver(self.updates.message(user, text))

    async def feed(self, update) -> list[Call]:
        """Deliver an update as it is (e.g. a second time, as Telegram does after a timeout)."""
        return await self._deliver(update)

    async def _deliver(self, update) -> list[Call]:
        before, refused_before = len(self.api.calls), len(self.api.refused)
        await self.dispatcher.feed_update(self.bot, update)
        refused = self.api.refused[refused_before:]
        if refused and not self._refusals_allowed:
            raise AssertionError(
                "the bot made calls Telegram refuses: "
                + "; ".join(f"{call.method} refused ({call.result}) on {call.text[:300]!r}" for call in refused)
            )
        return self.api.calls[before:]

    @contextlib.contextmanager
    def refusals_allowed(self) -> Iterator[None]:
        """For a test about what the bot does when Telegram refuses a call: the refusals do not fail it."""
        self._refusals_allowed = True
        try:
            yield
        finally:
            self._refusals_allowed = False

    async def onboard(self, user: User, country: str, role_label: str) -> None:
        """Run /start, type the country (confirm it if asked) and pick the role.

        Nobody can pick "National focal point" (FOCAL_POINT_LABELS): such a member picks "member" and a
        coordinator confirms them with /setrole, as in production.
        """
        await self.send(user, "/start")
        await self.type_country(user, country)
        if role_label not in FOCAL_POINT_LABELS:
            await self.press(user, role_label)
            return
        await self.press(user, data=RoleChoice(role=Role.MEMBER).pack())
        await self.confirm_focal_point(user)

    async def type_country(self, user: User, typed: str, button: str = "") -> list[Call]:
        """Type a country at the country question; press `button` (else `typed`) if the bot asks "Did you mean"
        (a name typed exactly is kept without asking). The calls of the step that kept the country."""
        calls = await self.send(user, typed)
        offered = [
            key.callback_data or ""
            for call in calls
            if call.keyboard
            for row in call.keyboard.inline_keyboard
            for key in row
        ]
        if any(data.startswith(CountryChoice.__prefix__ + ":") for data in offered):
            return await self.press(user, button or typed)
        return calls

    async def confirm_focal_point(self, user: User, country: str = "") -> list[Call]:
        """A coordinator makes the member a national focal point (of `country`, else of their own) with /setrole."""
        assert self.coordinator_id is not None, "the harness's settings name no coordinator"
        coordinator = self.user(self.coordinator_id, name="Coco")
        calls = await self.send(coordinator, f"/setrole {user.id} focal_point {country}".rstrip())
        assert any(call.chat_id == user.id for call in calls), self.texts(calls)  # the member is told
        return calls

    async def press(self, user: User, label: str | None = None, data: str | None = None) -> list[Call]:
        """The user presses the newest button in their chat whose text contains `label` (or with `data`)."""
        message, button = self.find_button(user.id, label=label, data=data)
        return await self._deliver(self.updates.press(user, message, data or button.callback_data))

    def find_button(
        self, chat_id: int, label: str | None = None, data: str | None = None
    ) -> tuple[Message, InlineKeyboardButton]:
        for call in reversed(self.api.calls):
            if call.chat_id != chat_id or call.keyboard is None or not isinstance(call.result, Message):
                continue
            message = self.api.message(chat_id, call.result.message_id) or call.result
            for row in call.keyboard.inline_keyboard:
                for button in row:
                    if (label is not None and label in button.text) or (
                        data is not None and button.callback_data == data
                    ):
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
