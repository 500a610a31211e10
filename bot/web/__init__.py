"""The public web site (and the coordinators' Mini App) on the same use cases as the bot.

`setup_web(app, ...)` adds the routes to an aiohttp application: `python -m bot web` serves them alone,
`python -m bot webhook` beside Telegram's webhook in the same process.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.limits import WEB_BODY_BYTES, WEB_LINE_BYTES
from bot.services.thresholds import ThresholdCatalog
from bot.web.guards import RateLimiter, web_middlewares
from bot.web.keys import CATALOG, EXPORTS, HEAVY, PAGES, SESSIONMAKER, SETTINGS, USED_LINKS

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def setup_web(
    app: web.Application,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: ThresholdCatalog | None = None,
    skip_paths: frozenset[str] = frozenset(),
    limiter: RateLimiter | None = None,
    heavy=None,
) -> web.Application:
    """Add the public pages, downloads and API to `app` (`skip_paths`: routes that are not ours, e.g. the webhook)."""
    from bot.web.dashboard import routes as dashboard_routes
    from bot.web.views import PageCache, polite_errors, routes

    app[SETTINGS] = settings
    app[SESSIONMAKER] = sessionmaker
    app[CATALOG] = catalog or ThresholdCatalog()
    app[EXPORTS] = {}
    app[PAGES] = PageCache()
    app[USED_LINKS] = {}
    if heavy is not None:
        app[HEAVY] = heavy
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    app.middlewares.extend(web_middlewares(skip_paths, limiter or RateLimiter()))
    app.middlewares.append(polite_errors)
    app.router.add_routes(routes)
    app.router.add_routes(dashboard_routes)
    app.router.add_static("/static", STATIC, name="static")
    return app


def build_web_app(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: ThresholdCatalog | None = None,
    limiter: RateLimiter | None = None,
) -> web.Application:
    """The site alone (what `python -m bot web` serves)."""
    app = web.Application(client_max_size=WEB_BODY_BYTES, handler_args={"max_line_size": WEB_LINE_BYTES})
    return setup_web(app, settings, sessionmaker, catalog, limiter=limiter)


async def run_web(settings: Settings, host: str = "127.0.0.1") -> None:
    """Serve the site on PORT until interrupted (SQLite by default: `make web`)."""
    from bot.app import open_storage
    from bot.lookup import default_vocabulary

    storage = await open_storage(settings)
    await asyncio.to_thread(default_vocabulary)  # built once now rather than in the first search
    from bot.web.unreadable import SiteRunner

    runner = SiteRunner(build_web_app(settings, storage.sessionmaker))
    await runner.setup()
    site = web.TCPSite(runner, host=host, port=settings.port)
    await site.start()
    log.warning("web site on http://%s:%s/", host, settings.port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await storage.engine.dispose()
