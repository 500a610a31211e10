"""/dashboard: the coordinators' web dashboard, as a Mini App button and a signed browser link."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiogram import Router
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message, WebAppInfo
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.handlers.guards import command
from storage.models import Member


async def dashboard(message: Message, member: Member | None, settings: Settings) -> None:
    """The coordinators' dashboard (bot/web/dashboard.py): a Mini App button, and a signed link for a browser."""
    base = web_origin(settings.webhook_url)
    if base is None or settings.bot_token is None:
        await message.answer(
            _(
                "The dashboard opens once the bot is served over HTTPS (WEBHOOK_URL is set). "
                "Meanwhile, /stats gives the same figures."
            )
        )
        return
    from bot.web.dashboard import dashboard_link

    link = dashboard_link(settings.bot_token.get_secret_value(), base, message.from_user.id)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=_("📊 Open the dashboard"), web_app=WebAppInfo(url=base + "/dashboard"))],
            [InlineKeyboardButton(text=_("🖥 Open in a browser (link valid 15 minutes, once)"), url=link)],
        ]
    )
    await message.answer(
        _("Campaign progress, indicators by region and the review queue, updated live."), reply_markup=markup
    )


def web_origin(url: str | None) -> str | None:
    """ "https://host[:port]" of the webhook URL: the site is served by the same process."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"https://{parts.netloc}" if parts.scheme == "https" and parts.netloc else None


def build_router() -> Router:
    """/dashboard (coordinators only: the parent router's filter)."""
    router = Router(name="coordinator: dashboard")
    router.message.register(dashboard, command("dashboard"))
    return router
