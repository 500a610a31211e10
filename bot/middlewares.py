"""Outer middlewares: one database session per update, the member who sent it, their language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import I18n, I18nMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import choose_language
from storage.models import utcnow
from storage.repositories.members import MemberRepository
from storage.repositories.surveys import SurveyRepository

# Writing last_seen on every message would turn every read into a write; once an hour is enough.
LAST_SEEN_RESOLUTION = timedelta(hours=1)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class DatabaseMiddleware(BaseMiddleware):
    """Opens one session for the update and loads the member who sent it (if known).

    For typed text it also reads which survey draft is open (`open_draft_id`, 0 if none): that text
    answers the survey, and reading it here saves the survey filter a transaction of its own.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.sessionmaker() as session:
            data["session"] = session
            data["member"] = None
            user: User | None = data.get("event_from_user")
            if user is not None:
                async with session.begin():
                    repo = MemberRepository(session)
                    member = await repo.get(user.id)
                    if member is not None and utcnow() - _aware(member.last_seen_at) > LAST_SEEN_RESOLUTION:
                        await repo.touch(member)
                    if member is not None and _typed_text(event):
                        data["open_draft_id"] = await SurveyRepository(session).active_draft_id(member.id) or 0
                data["member"] = member
            return await handler(event, data)


class MemberLocaleMiddleware(I18nMiddleware):
    """The member's stored language, then Telegram's `language_code`, then DEFAULT_LANGUAGE."""

    def __init__(self, i18n: I18n, default_language: str) -> None:
        super().__init__(i18n)
        self.default_language = default_language

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        member = data.get("member")
        user: User | None = data.get("event_from_user")
        return choose_language(
            member.language if member is not None else None,
            user.language_code if user is not None else None,
            self.default_language,
            tuple(self.i18n.available_locales) + ("en",),
        )


def _typed_text(event: TelegramObject) -> bool:
    message = event.message if isinstance(event, Update) else None
    return message is not None and bool(message.text) and not message.text.startswith("/")


def _aware(moment):
    # SQLite hands timestamps back without a zone; they were stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)
