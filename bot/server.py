"""Serving Telegram: long polling, or an aiohttp webhook server for production."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.app import build_bot, build_dispatcher, build_i18n, enable_sender, open_storage
from bot.config import ConfigError, Settings

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
        await dispatcher.start_polling(bot, polling_timeout=20, handle_signals=True)
    finally:
        await dispatcher.storage.close()
        await storage.engine.dispose()


def build_webhook_app(settings: Settings, dispatcher: Dispatcher, bot: Bot) -> web.Application:
    """The aiohttp app: Telegram's POSTs (secret checked) and a health endpoint."""
    app = web.Application()
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    SimpleRequestHandler(dispatcher=dispatcher, bot=bot, secret_token=secret).register(app, path=settings.webhook_path)

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app.router.add_get("/healthz", health)
    setup_application(app, dispatcher, bot=bot)
    return app


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
    app = build_webhook_app(settings, dispatcher, bot)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host="0.0.0.0", port=settings.port)
    await site.start()
    log.info("webhook server listening on port %s", settings.port)
    try:
        import asyncio

        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await dispatcher.storage.close()
        await storage.engine.dispose()
