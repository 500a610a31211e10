"""Middlewares: one database session per update (opened on first use), the member who sent it, their
language; every button press answered once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from types import MappingProxyType
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.flags import get_flag
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, TelegramObject, Update, User
from aiogram.types.update import UpdateTypeLookupError
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from aiogram.utils.i18n import I18n, I18nMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.failsafe import harmless
from bot.handlers.guards import typed_text
from bot.i18n import choose_language
from bot.member_cache import INFO_KEY as MEMBER_CACHE
from bot.member_cache import MemberCache, snapshot
from storage.models import Member, utcnow
from storage.repositories.members import MemberRepository
from storage.repositories.surveys import SurveyRepository

log = logging.getLogger(__name__)

# Writing last_seen on every message would turn every read into a write; once an hour is enough.
LAST_SEEN_RESOLUTION = timedelta(hours=1)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class KnownUpdatesOnly(BaseMiddleware):
    """Ignores an update of a kind this aiogram does not know (a newer Bot API): aiogram would warn
    with the whole update, names and texts included, in the message."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Update):
            try:
                event.event_type  # noqa: B018 - the property raises for an unknown kind
            except UpdateTypeLookupError:
                log.info("update %s of an unknown kind ignored", event.update_id)
                return None
        return await handler(event, data)


class LazySession:
    """The update's `AsyncSession`, created on first use: most updates (a lookup from a known member, the
    cache answering) never touch the database, and creating a session costs more than the rest of their
    middleware work together.

    Any attribute but `info` creates the session (with `info`) and is the session's own, so a handler uses
    it as the `AsyncSession` it asks for: `begin()`, `execute()`, `add()` behave and commit as on a session
    opened at once. Until then `info` is a read-only view of what the session will carry (the lookup index
    reads the member cache's commit counts from it), nothing is `in` it and iterating it gives nothing.
    `finish()` closes the session, if one was created, the way `async with session` would; a handler never
    closes it itself.
    """

    __slots__ = ("_sessionmaker", "_info", "_session")

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], info: dict[str, Any]) -> None:
        self._sessionmaker = sessionmaker
        self._info = info
        self._session: AsyncSession | None = None

    @property
    def opened(self) -> bool:
        return self._session is not None

    @property
    def info(self) -> Any:
        if self._session is not None:
            return self._session.info
        return MappingProxyType(self._info)

    def open(self) -> AsyncSession:
        """The session, created now if it was not yet."""
        if self._session is None:
            self._session = self._sessionmaker(info=self._info)
        return self._session

    def __getattr__(self, name: str) -> Any:
        # Only called for what this class does not define: the session's own attributes.
        return getattr(self.open(), name)

    # The session's own special methods (`in`, iteration) are looked up on the class, not through __getattr__.
    # Before the session exists, nothing is in it.
    def __contains__(self, instance: object) -> bool:
        return self._session is not None and instance in self._session

    def __iter__(self) -> Iterator[object]:
        return iter(self._session) if self._session is not None else iter(())

    async def finish(self) -> None:
        if self._session is not None:
            await self._session.__aexit__(None, None, None)


class DatabaseMiddleware(BaseMiddleware):
    """Gives the update one session (created on first use, `LazySession`) and finds the member who sent it (if known).

    The member comes from `MemberCache` (bot/member_cache.py): read from SQL at most once every few seconds
    per member, as a transient copy; a lookup from a known member reads nothing else about them and writes
    nothing. The row is read again after any change this process commits (the session carries the cache),
    and `last_seen_at` is touched at most once an hour, when the row is read.

    For typed text in a private chat it also finds which survey draft is open (`open_draft_id`, 0 if none):
    that text answers the survey, and finding it here saves the survey filter a transaction of its own.
    It is read from SQL unless this process is the only one (no Redis) and the cache knows it: a survey
    answer must never be taken for a lookup because another process opened the draft a second ago.

    The member's language is also kept as a plain string (`member_language`): the error path (locale,
    apology) runs after the session is gone and must not read ORM attributes.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], members: MemberCache | None = None) -> None:
        self.sessionmaker = sessionmaker
        self.members = members if members is not None else MemberCache()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        session = LazySession(self.sessionmaker, {MEMBER_CACHE: self.members})
        try:
            data["session"] = session
            data["member"] = None
            data["member_language"] = None
            user: User | None = data.get("event_from_user")
            if user is not None:
                found, member = self.members.lookup(user.id)
                wants_draft = _typed_text(event)
                if not found:
                    member = await self._read_member(session.open(), user.id, wants_draft, data)
                elif wants_draft and member is not None:
                    draft_id = self.members.open_draft(member.id)
                    if draft_id is None:
                        generation = self.members.generation
                        opened = session.open()
                        async with opened.begin():
                            draft_id = await SurveyRepository(opened).active_draft_id(member.id) or 0
                        self.members.store_draft(member.id, draft_id, generation)
                    data["open_draft_id"] = draft_id
                data["member"] = member
                data["member_language"] = member.language if member is not None else None
            return await handler(event, data)
        finally:
            await session.finish()

    async def _read_member(
        self, session: AsyncSession, telegram_id: int, wants_draft: bool, data: dict[str, Any]
    ) -> Member | None:
        generation = self.members.generation
        async with session.begin():
            repo = MemberRepository(session)
            member = await repo.get(telegram_id)
            if member is not None and utcnow() - member.last_seen_at > LAST_SEEN_RESOLUTION:
                await repo.touch(member)
            if member is not None and wants_draft:
                data["open_draft_id"] = await SurveyRepository(session).active_draft_id(member.id) or 0
        self.members.store(telegram_id, member, generation)
        if "open_draft_id" in data:
            self.members.store_draft(member.id, data["open_draft_id"], generation)
        # The handler gets a copy too: whether the cache answered or not, `member` behaves the same.
        return snapshot(member)


class MemberLocaleMiddleware(I18nMiddleware):
    """The member's stored language, then Telegram's `language_code`, then DEFAULT_LANGUAGE."""

    def __init__(self, i18n: I18n, default_language: str) -> None:
        super().__init__(i18n)
        self.default_language = default_language

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        # Also runs for the error event, after a failed transaction expired the member: plain data only.
        user: User | None = data.get("event_from_user")
        return choose_language(
            data.get("member_language"),
            user.language_code if user is not None else None,
            self.default_language,
            tuple(self.i18n.available_locales) + ("en",),
        )


def _typed_text(event: TelegramObject) -> bool:
    message = event.message if isinstance(event, Update) else None
    # Text in a group never answers a survey (surveys are private), so no draft is looked up for it.
    return message is not None and message.chat.type == ChatType.PRIVATE and typed_text(message)


class AnswerButtons(CallbackAnswerMiddleware):
    """aiogram's CallbackAnswerMiddleware: every button press handled is answered once, after its handler
    (handlers set `callback_answer.text` / `.show_alert` for a toast or an alert).

    One difference: a handler that fails leaves the answer to the error handler, whose apology is the
    alert (bot/failsafe.py); aiogram's own answers in a `finally`, and the apology would then be refused
    by Telegram as a second answer. A harmless refusal ("message is not modified") gets no apology, so
    the button is answered here.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        callback_answer = data["callback_answer"] = self.construct_callback_answer(
            properties=get_flag(data, "callback_answer")
        )
        if not callback_answer.disabled and callback_answer.answered:
            await self.answer(event, callback_answer)  # "pre": answered before the handler runs
        try:
            result = await handler(event, data)
        except TelegramBadRequest as error:
            # "Message is not modified" and the like: the error handler lets them pass without a word.
            if harmless(error) and not callback_answer.disabled and not callback_answer.answered:
                await self.answer(event, callback_answer)
            raise
        if not callback_answer.disabled and not callback_answer.answered:
            await self.answer(event, callback_answer)
        return result
