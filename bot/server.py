"""Serving Telegram: long polling, or an aiohttp webhook server for production."""

from __future__ import annotations

import asyncio
import hmac
import logging

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import build_bot, build_dispatcher, build_i18n, enable_sender, open_storage
from bot.config import ConfigError, Settings
from bot.failsafe import feed_update_safely
from bot.limits import WEB_LINE_BYTES
from bot.polling import poll

log = logging.getLogger(__name__)


async def run_polling(settings: Settings) -> None:
    """Long polling until interrupted."""
    token = settings.require_token()
    storage = await open_storage(settings)
    i18n = build_i18n(settings)
    dispatcher = build_dispatcher(settings, storage, i18n)
    enable_sender(dispatcher, settings, storage, i18n)
    bot = build_bot(token, settings)
    try:
        # A webhook left over from a production run would make getUpdates fail with 409.
        await bot.delete_webhook(drop_pending_updates=False)
        # Not dispatcher.start_polling: it confirms updates before handling them (see bot/polling.py).
        await poll(dispatcher, bot, timeout=20)
    finally:
        await bot.session.close()  # also when Telegram could not be reached before polling began
        await dispatcher.storage.close()
        await storage.engine.dispose()


# A load balancer polls /healthz every few seconds; a hung database must not hang the probe.
HEALTH_DB_TIMEOUT = 3.0


async def database_ok(engine: AsyncEngine, timeout: float = HEALTH_DB_TIMEOUT) -> bool:
    """SELECT 1 within `timeout` seconds."""

    async def probe() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(probe(), timeout)
        return True
    except Exception as error:  # any failure means "do not route updates here"
        log.warning("health check: database unavailable (%s)", type(error).__name__)
        return False


class WebhookHandler(SimpleRequestHandler):
    """Telegram's POSTs: the secret checked, the update handled, and always answered.

    aiogram's handler compares the secret with `secrets.compare_digest` on str, which raises
    TypeError for a header with non-ASCII characters (a 500 instead of a 401); here both sides are
    compared as bytes. A failing update still gets 200 once it was logged and apologized for
    (bot/failsafe.py): a 500 would make Telegram send it again and again and hold every update
    behind it.
    """

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        if not self.secret_token:
            return True
        given = telegram_secret_token.encode("utf-8", "surrogateescape")
        return hmac.compare_digest(given, self.secret_token.encode("utf-8"))

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        raw = None
        try:
            raw = await request.json(loads=bot.session.json_loads)
            update = Update.model_validate(raw, context={"bot": bot})
        except Exception as error:  # the right secret and no readable update: nothing to handle or retry
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            update_id = update_id if isinstance(update_id, int) else "?"  # nothing a sender wrote goes to the log
            log.warning("webhook: update %s could not be read (%s); skipped", update_id, type(error).__name__)
            return web.json_response({})
        result = await feed_update_safely(self.dispatcher, bot, update, **self.data)
        return web.Response(
            body=self._build_response_writer(bot=bot, result=result if isinstance(result, TelegramMethod) else None)
        )


def build_webhook_app(
    settings: Settings, dispatcher: Dispatcher, bot: Bot, engine: AsyncEngine | None = None
) -> web.Application:
    """The aiohttp app: Telegram's POSTs (secret checked) and a health endpoint (503 when the database is down)."""
    # A long search on the site in the same process gets the site's translated 400, not aiohttp's own.
    app = web.Application(handler_args={"max_line_size": WEB_LINE_BYTES})
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    # Answer Telegram only once the update is handled: a process that dies mid-update gets no 200,
    # so Telegram delivers the update again (to another process); the update ledger and the survey's
    # per-update guard make that second delivery harmless. aiogram's default answers first.
    WebhookHandler(dispatcher=dispatcher, bot=bot, secret_token=secret, handle_in_background=False).register(
        app, path=settings.webhook_path
    )

    async def health(_request: web.Request) -> web.Response:
        if engine is not None and not await database_ok(engine):
            return web.json_response({"status": "unavailable", "database": "down"}, status=503)
        return web.json_response({"status": "ok", "database": "ok" if engine is not None else "unchecked"})

    app.router.add_get("/healthz", health)
    if engine is not None:
        # The public web site in the same process, on the same use cases and threshold index as the bot.
        from bot.web import setup_web

        setup_web(
            app,
            settings,
            dispatcher["sessionmaker"],
            dispatcher["catalog"],
            skip_paths=frozenset({settings.webhook_path, "/healthz"}),
            heavy=dispatcher["heavy"],
        )
    setup_application(app, dispatcher, bot=bot)
    return app


WEBHOOK_SHUTDOWN_SECONDS = 10.0


async def run_webhook(settings: Settings) -> None:
    """Serve webhooks on PORT until interrupted; registers WEBHOOK_URL with Telegram."""
    token = settings.require_token()
    if not settings.webhook_url:
        raise ConfigError("WEBHOOK_URL is not set: the public https URL Telegram should POST updates to")
    if not settings.webhook_secret:
        raise ConfigError("WEBHOOK_SECRET is not set: a random string Telegram sends with every update")
    storage = await open_storage(settings)
    i18n = build_i18n(settings)
    dispatcher = build_dispatcher(settings, storage, i18n)
    enable_sender(dispatcher, settings, storage, i18n)
    bot = build_bot(token, settings)

    async def register_webhook(bot: Bot) -> None:
        await bot.set_webhook(
            url=settings.webhook_url.rstrip("/") + settings.webhook_path,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=dispatcher.resolve_used_update_types(),
        )

    dispatcher.startup.register(register_webhook)
    app = build_webhook_app(settings, dispatcher, bot, storage.engine)
    # On SIGINT/SIGTERM, updates in hand get WEBHOOK_SHUTDOWN_SECONDS to finish (aiohttp waits 60 s by
    # default); one cut short was never answered, so Telegram delivers it again.
    # SiteRunner: a request aiohttp cannot read (a line or header over the limit) gets the site's error page.
    from bot.web.unreadable import SiteRunner  # with Jinja: not in a polling bot

    runner = SiteRunner(app, shutdown_timeout=WEBHOOK_SHUTDOWN_SECONDS)
    await runner.setup()
    site = web.TCPSite(runner, host="0.0.0.0", port=settings.port)
    await site.start()
    log.info("webhook server listening on port %s", settings.port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await dispatcher.storage.close()
        await storage.engine.dispose()
