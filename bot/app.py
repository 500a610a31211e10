"""Wiring in one place: settings -> database, i18n, dispatcher, bot. No module-level state."""

from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import ErrorEvent, Update, User
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.commands import register_commands, register_coordinator_commands
from bot.config import Settings
from bot.dedupe import DeduplicateUpdates, build_ledger
from bot.handlers import coordinator, fallback, lookup, privacy, start, survey
from bot.heavy import HeavyWork
from bot.services.surveys import FormCache
from bot.services.thresholds import ThresholdCatalog
from bot.survey.sandbox import FormReader
from bot.lookup import default_vocabulary
from bot.i18n import DOMAIN, LOCALES_DIR, choose_language, compile_catalogs
from bot.fsm import SQLStorage
from bot.middlewares import DatabaseMiddleware, MemberLocaleMiddleware
import storage.seed  # noqa: F401  (registers the first-start seeders)
from storage.db import create_engine, create_sessionmaker, ensure_database

log = logging.getLogger(__name__)


@dataclass
class Storage:
    """The database as the app uses it."""

    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]


async def open_storage(settings: Settings) -> Storage:
    """Connect, migrate and seed on first start (raises DatabaseUnavailable with one line)."""
    engine = create_engine(settings.database_url)
    try:
        await ensure_database(engine)
    except BaseException:
        await engine.dispose()
        raise
    return Storage(engine=engine, sessionmaker=create_sessionmaker(engine))


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
    dispatcher = Dispatcher(
        storage=build_fsm_storage(settings, storage),
        settings=settings,
        sessionmaker=storage.sessionmaker,
        forms=FormCache(),
        catalog=ThresholdCatalog(),
        form_reader=FormReader(),  # uploaded XLSForms are read in its capped child process
        heavy=HeavyWork(workers=settings.heavy_workers),
    )
    # Before the database session: a redelivered update costs one Redis round trip, no SQL.
    ledger = build_ledger(settings.redis_url)
    dispatcher.update.outer_middleware(DeduplicateUpdates(ledger))
    dispatcher.update.outer_middleware(DatabaseMiddleware(storage.sessionmaker))
    MemberLocaleMiddleware(i18n, settings.default_language).setup(dispatcher)
    # Coordinator tools first: their typed-input steps (reminder text, reject reason) must win over
    # onboarding, surveys and lookups. Catch-all last.
    dispatcher.include_routers(coordinator.handlers.router(), start.handlers.router(), privacy.handlers.router(),
                               survey.handlers.router(), lookup.handlers.router(), fallback.handlers.router())

    async def register_menu(bot: Bot) -> None:
        await register_commands(bot, i18n, settings.default_language)
        from bot.services.coordination import coordinator_chats

        async with storage.sessionmaker() as session:
            chats = await coordinator_chats(session, settings.coordinator_ids)
        await register_coordinator_commands(bot, i18n, chats, settings.default_language)
        # Country names of every CLDR locale: built once now rather than in the first user's lookup.
        await asyncio.to_thread(default_vocabulary)
        # Those millions of long-lived objects would otherwise be walked by every full collection.
        gc.freeze()

    async def apologize(event: ErrorEvent, bot: Bot) -> bool:
        log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
        user = _apology_recipient(event.update)
        if user is None:
            return True
        language = choose_language(None, user.language_code, settings.default_language, i18n.available_locales)
        text = i18n.gettext("Sorry, something went wrong on our side. Please try again in a moment.", locale=language)
        try:
            await bot.send_message(user.id, text)
        except Exception:  # the apology is best effort; the failure is already logged
            log.warning("could not send the apology for update %s", event.update.update_id)
        return True

    async def close_ledger() -> None:
        await ledger.close()

    async def close_form_reader() -> None:
        dispatcher["form_reader"].close()

    async def stop_heavy_work() -> None:
        await dispatcher["heavy"].close()

    dispatcher.startup.register(register_menu)
    dispatcher.shutdown.register(close_ledger)
    dispatcher.shutdown.register(close_form_reader)
    dispatcher.shutdown.register(stop_heavy_work)
    dispatcher.errors.register(apologize)
    return dispatcher


def enable_sender(dispatcher: Dispatcher, settings: Settings, storage: Storage, i18n: I18n) -> None:
    """Run the reminder sender (bot/sender.py) while the dispatcher runs; handlers get it as `sender`."""
    from bot.sender import Sender

    async def start_sender(bot: Bot) -> None:
        sender = Sender(bot, storage.sessionmaker, i18n, settings.default_language, rate=settings.send_rate,
                        lease=settings.send_lease, workers=settings.send_workers, window=settings.send_window)
        dispatcher["sender"] = sender
        sender.start()

    async def stop_sender() -> None:
        sender = dispatcher.workflow_data.pop("sender", None)
        if sender is not None:
            await sender.stop()

    dispatcher.startup.register(start_sender)
    dispatcher.shutdown.register(stop_sender)


def _apology_recipient(update: Update) -> User | None:
    """The person whose message or button press failed (the bot talks in private chats)."""
    inner = update.message or update.edited_message or update.callback_query
    return inner.from_user if inner is not None else None


def build_bot(token: str, settings: Settings, session: BaseSession | None = None) -> Bot:
    """A Bot talking to Telegram, to TELEGRAM_API_BASE, or through the given session."""
    if session is None:
        session = AiohttpSession()
        if settings.telegram_api_base:
            session.api = TelegramAPIServer.from_base(settings.telegram_api_base.rstrip("/"))
    return Bot(token=token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
