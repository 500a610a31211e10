"""Wiring in one place: settings -> database, i18n, dispatcher, bot. No module-level state."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.methods import AnswerCallbackQuery, AnswerInlineQuery, EditMessageText, GetFile, GetMe, SendMessage
from aiogram.methods.base import Response
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import storage.seed  # noqa: F401  (registers the first-start seeders)
from bot.commands import register_commands, register_coordinator_commands
from bot.config import Settings
from bot.dedupe import DeduplicateUpdates, build_ledger
from bot.failsafe import Apology, harmless
from bot.fsm import SQLStorage
from bot.handlers import coordinator, documents, fallback, groups, lookup, privacy, start, survey
from bot.heavy import HeavyWork
from bot.i18n import DOMAIN, LOCALES_DIR, compile_catalogs
from bot.lookup import default_vocabulary
from bot.member_cache import INFO_KEY as MEMBER_CACHE
from bot.member_cache import MemberCache
from bot.middlewares import AnswerButtons, DatabaseMiddleware, KnownUpdatesOnly, MemberLocaleMiddleware
from bot.services.surveys import FormCache
from bot.services.thresholds import ThresholdCatalog
from bot.survey.sandbox import FormReader
from storage.db import create_engine, create_sessionmaker, ensure_database

log = logging.getLogger(__name__)

# The Bot API answers the bot reads (see `keep_response_types` in build_dispatcher).
ANSWER_TYPES = {
    method.__returning__
    for method in (SendMessage, EditMessageText, AnswerCallbackQuery, GetMe, GetFile, AnswerInlineQuery)
}


@dataclass
class Storage:
    """The database as the app uses it."""

    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    # Members as updates see them (bot/member_cache.py); every session of `sessionmaker` carries it, so a
    # member changed through any of them is read again on their next update.
    members: MemberCache = field(default_factory=MemberCache)

    def __post_init__(self) -> None:
        self.sessionmaker.configure(info={MEMBER_CACHE: self.members})


async def open_storage(settings: Settings) -> Storage:
    """Connect, migrate and seed on first start (raises DatabaseUnavailable with one line)."""
    engine = create_engine(settings.database_url)
    try:
        await ensure_database(engine)
    except BaseException:
        await engine.dispose()
        raise
    # Open drafts are cached only when this process is the only one (bot/member_cache.py).
    return Storage(
        engine=engine,
        sessionmaker=create_sessionmaker(engine),
        members=MemberCache(cache_drafts=not settings.redis_url),
    )


def build_i18n(settings: Settings) -> I18n:
    """Compile catalogs that changed and load them all."""
    compile_catalogs()
    return I18n(path=LOCALES_DIR, default_locale=settings.default_language, domain=DOMAIN)


def build_fsm_storage(settings: Settings, storage: Storage) -> BaseStorage:
    """Redis when several instances share the work, otherwise the database (a step waiting for typed
    input survives a restart either way)."""
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage.from_url(settings.redis_url)
    return SQLStorage(storage.sessionmaker)


def build_dispatcher(settings: Settings, storage: Storage, i18n: I18n) -> Dispatcher:
    """The one dispatcher every entry point (polling, webhook, console chat, tests) runs."""
    apology = Apology(i18n, settings.default_language)
    dispatcher = Dispatcher(
        storage=build_fsm_storage(settings, storage),
        settings=settings,
        sessionmaker=storage.sessionmaker,
        forms=FormCache(),
        catalog=ThresholdCatalog(),
        form_reader=FormReader(),  # uploaded XLSForms are read in its capped child process
        heavy=HeavyWork(workers=settings.heavy_workers),
        apology=apology,
    )
    dispatcher.update.outer_middleware(KnownUpdatesOnly())
    # Before the database session: a redelivered update costs one Redis round trip, no SQL.
    ledger = build_ledger(settings.redis_url)
    dispatcher.update.outer_middleware(DeduplicateUpdates(ledger))
    dispatcher.update.outer_middleware(DatabaseMiddleware(storage.sessionmaker, storage.members))
    MemberLocaleMiddleware(i18n, settings.default_language).setup(dispatcher)
    # Every button press a handler takes is answered exactly once, by this middleware (or, on an error, by the apology).
    dispatcher.callback_query.middleware(AnswerButtons())
    # Personal, survey and coordinator tools answer in private chats only: the guard sits on the router
    # that holds them. Coordinator tools first: their typed-input steps (reminder text, reject reason)
    # must win over onboarding, surveys and lookups. Lookups work anywhere; then what groups get
    # instead (bot/handlers/groups.py); the private catch-all last. Each feature router's guard says what it
    # can take at all (bot/handlers/guards.py), so a typed question passes the routers before the lookup at one
    # check each (tests/test_routing.py).
    private = Router(name="private chats")
    private.message.filter(groups.in_private_chat)
    private.callback_query.filter(groups.in_private_chat, groups.on_readable_message)
    # A file answering a survey's document question comes before the coordinators' form upload.
    private.include_routers(
        documents.build_router(),
        coordinator.build_router(),
        start.build_router(),
        privacy.build_router(),
        survey.build_router(),
    )
    outside = groups.build_router()
    outside.message.filter(groups.outside_private_chat)
    outside.callback_query.filter(groups.outside_private_chat)
    dispatcher.include_routers(private, lookup.build_router(), outside, fallback.build_router())
    run_filters_inline(dispatcher)

    async def register_menu(bot: Bot) -> None:
        await register_commands(bot, i18n, settings.default_language)
        from bot.services.coordination import coordinator_chats

        async with storage.sessionmaker() as session:
            chats = await coordinator_chats(session, settings.coordinator_ids)
        await register_coordinator_commands(bot, i18n, chats, settings.default_language)
        # Country names of every CLDR locale: built once now rather than in the first user's lookup (then
        # frozen with the rest by freeze_long_lived). In a daemon thread: a bot stopped while it builds
        # (seconds on a busy machine) does not wait for it, as it would for asyncio's default executor.
        await in_daemon_thread(default_vocabulary)

    async def apologize(event: ErrorEvent, bot: Bot, member_language: str | None = None) -> bool:
        # The session of the failed update is closed and its objects expired: only plain data here
        # (`member_language` is a string DatabaseMiddleware copied while the session was open).
        if harmless(event.exception):
            log.info("update %s: %s", event.update.update_id, event.exception.message)
            return True
        log.error("update %s failed", event.update.update_id, exc_info=event.exception)
        await apology.send(bot, event.update, member_language)
        return True

    async def close_ledger() -> None:
        await ledger.close()

    async def close_form_reader() -> None:
        dispatcher["form_reader"].close()

    async def stop_heavy_work() -> None:
        await dispatcher["heavy"].close()

    response_types: list[type] = []

    async def keep_response_types() -> None:
        # aiogram reads each Bot API answer through `Response[method.__returning__]`, and pydantic keeps such a
        # generic class only while something refers to it: after a garbage collection the next call built it
        # again (~8 ms, which every member waiting meanwhile waited too; one lookup reply in eleven paid it in the
        # updates benchmark). Held while the bot runs, like what freeze_long_lived keeps; bot/polling.py keeps
        # its getUpdates one for good.
        response_types.extend(Response[returning] for returning in ANSWER_TYPES)

    async def release_response_types() -> None:
        response_types.clear()

    async def freeze_long_lived() -> None:
        # What is alive once the bot has started (libraries, catalogs, CLDR data, forms) lives as long as
        # the process: gc.freeze() keeps the full collections that come with allocation from walking it
        # again, each of which stalled every member's reply for 100-200 ms (README, Benchmarks).
        gc.collect()
        gc.freeze()

    async def unfreeze() -> None:
        gc.unfreeze()  # a process that starts another dispatcher (the tests) lets these be collected again

    dispatcher.startup.register(register_menu)
    dispatcher.startup.register(keep_response_types)
    dispatcher.startup.register(freeze_long_lived)
    dispatcher.shutdown.register(unfreeze)
    dispatcher.shutdown.register(release_response_types)
    dispatcher.shutdown.register(close_ledger)
    dispatcher.shutdown.register(close_form_reader)
    dispatcher.shutdown.register(stop_heavy_work)
    dispatcher.errors.register(apologize)
    return dispatcher


def run_filters_inline(router: Router) -> None:
    """Every plain (non-async) filter of `router` and its sub-routers is called in the event loop.

    aiogram calls a callback that is not a coroutine function through `asyncio.to_thread`
    (aiogram/dispatcher/event/handler.py, `CallableObject.call`; aiogram PR #1661), magic filters (`F.text`)
    included: a thread-pool round trip for each such filter an update meets. A typed lookup met eleven before
    its handler, more time than the lookup itself. Our filters only read the update and the member, so they
    run inline; the handlers are coroutines already. A filter added after this call would still take the
    thread: call it once every router is included (build_dispatcher does).
    """
    for each in router.chain_tail:
        for observer in each.observers.values():
            # `_handler` holds the filters set on the observer itself (`router.message.filter(...)`).
            for handler in (observer._handler, *observer.handlers):
                for filter_ in handler.filters or ():
                    if not filter_.awaitable:
                        filter_.callback = _inline(filter_.callback)
                        filter_.awaitable = True


def _inline(function: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    async def call(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return call


async def in_daemon_thread(function):
    """`function()` in a thread of its own that never holds up the process's exit."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(outcome, error: BaseException | None) -> None:
        if not future.done():
            future.set_exception(error) if error is not None else future.set_result(outcome)

    def run() -> None:
        try:
            outcome, error = function(), None
        except BaseException as caught:  # handed to the awaiting coroutine
            outcome, error = None, caught
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody waits any more
            loop.call_soon_threadsafe(settle, outcome, error)

    threading.Thread(target=run, name=getattr(function, "__name__", "work"), daemon=True).start()
    return await future


def enable_sender(dispatcher: Dispatcher, settings: Settings, storage: Storage, i18n: I18n) -> None:
    """Run the reminder sender (bot/sender.py) while the dispatcher runs; handlers get it as `sender`."""
    from bot.sender import Sender

    async def start_sender(bot: Bot) -> None:
        sender = Sender(
            bot,
            storage.sessionmaker,
            i18n,
            settings.default_language,
            rate=settings.send_rate,
            lease=settings.send_lease,
            workers=settings.send_workers,
            window=settings.send_window,
        )
        dispatcher["sender"] = sender
        sender.start()

    async def stop_sender() -> None:
        sender = dispatcher.workflow_data.pop("sender", None)
        if sender is not None:
            await sender.stop()

    dispatcher.startup.register(start_sender)
    dispatcher.shutdown.register(stop_sender)


def build_bot(token: str, settings: Settings, session: BaseSession | None = None) -> Bot:
    """A Bot talking to Telegram, to TELEGRAM_API_BASE, or through the given session."""
    if session is None:
        session = AiohttpSession()
        if settings.telegram_api_base:
            session.api = TelegramAPIServer.from_base(settings.telegram_api_base.rstrip("/"))
    return Bot(token=token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
