"""What the web handlers find on the aiohttp application."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.thresholds import ThresholdCatalog

SETTINGS = web.AppKey("web_settings", Settings)
SESSIONMAKER = web.AppKey("web_sessionmaker", async_sessionmaker[AsyncSession])
CATALOG = web.AppKey("web_catalog", ThresholdCatalog)
# The download files of the current index, built on first request after each change of the data.
EXPORTS = web.AppKey("web_exports", dict)
# The worker process that counts the campaign (bot/heavy.py) when the bot runs beside the site; else in-process.
HEAVY = web.AppKey("web_heavy", object)
# Rendered pages of the current index (bot.web.views.PageCache).
PAGES = web.AppKey("web_pages", object)
# Nonces of the signed dashboard links already used (until they expire): a link works once per process.
USED_LINKS = web.AppKey("web_used_links", dict)
