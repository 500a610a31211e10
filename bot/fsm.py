"""aiogram FSM storage in SQL: a step waiting for typed input (a reminder's text, a country) survives a restart.

Used when no Redis is configured (one bot process; several processes share Redis instead). Reads are
served from memory after the first one per key and every change is written through at once, so an update
costs no extra query and a restart loses nothing.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories.conversations import ConversationRepository

# Keys remembered in memory; older ones are read again from SQL when their chat comes back.
CACHE_SIZE = 50_000


class SQLStorage(BaseStorage):
    """State and data per storage key in the `conversation_states` table, cached in memory."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], cache_size: int = CACHE_SIZE) -> None:
        self.sessionmaker = sessionmaker
        self.key_builder = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)
        self.cache_size = cache_size
        self._cache: OrderedDict[str, tuple[str | None, dict[str, Any]]] = OrderedDict()

    async def _load(self, key: StorageKey) -> tuple[str, str | None, dict[str, Any]]:
        name = self.key_builder.build(key)
        stored = self._cache.get(name)
        if stored is None:
            async with self.sessionmaker() as session, session.begin():
                stored = await ConversationRepository(session).get(name)
            stored = self._cache.setdefault(name, stored)  # a write that came in meanwhile wins
        self._remember(name, stored)
        return name, stored[0], stored[1]

    async def _store(self, key: StorageKey, name: str, state: str | None, data: dict[str, Any], column: str) -> None:
        # Memory first, so an update of the same chat handled meanwhile builds on this one; in SQL only
        # the column that changed is written, so two such updates cannot undo each other there either.
        self._remember(name, (state, data))
        async with self.sessionmaker() as session, session.begin():
            await ConversationRepository(session).put(name, key.user_id, state, data, only=column)

    def _remember(self, name: str, stored: tuple[str | None, dict[str, Any]]) -> None:
        self._cache[name] = stored
        self._cache.move_to_end(name)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        name, _state, data = await self._load(key)
        await self._store(key, name, state.state if isinstance(state, State) else state, data, "state")

    async def get_state(self, key: StorageKey) -> str | None:
        _name, state, _data = await self._load(key)
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(f"Data must be a dict or dict-like object, got {type(data).__name__}")
        name, state, _data = await self._load(key)
        # As stored: what a restart reads back (lists, string keys), shared with no caller.
        await self._store(key, name, state, json.loads(json.dumps(data)), "data")

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _name, _state, data = await self._load(key)
        return json.loads(json.dumps(data))

    def forget_cached(self) -> None:
        """Drop what memory holds (after /forget deleted a person's rows, whichever chats they were in)."""
        self._cache.clear()

    async def close(self) -> None:
        self._cache.clear()
