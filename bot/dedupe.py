"""Telegram redelivers an update it thinks was lost; each update_id is handled once.

An outer update middleware claims the update_id before the handlers run:

* with `REDIS_URL`: `SET insop:update:<bot id>:<update id> <claim> NX EX 86400`, shared by every
  process behind the load balancer (a redelivery may reach another process);
* without Redis: a bounded in-process LRU. Enough for one process; several processes need Redis.

Delivery stays at-least-once where it matters. The claim names the process that made it, and
only a finished update is final:

* a handler that raised gives its claim back, so Telegram's retry is handled;
* a claim left by a process that died mid-update (kill -9, OOM) is taken over by the next
  delivery that reaches *another* process (a restarted process has a new name). Two live
  processes seeing the same update at the same moment is the one case where both run it; the
  survey's SQL guard (`Submission.last_update_id`, unique answer per update) still stores it once.

Nothing is written to SQL per update.
"""

from __future__ import annotations

import logging
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

log = logging.getLogger(__name__)

KEY_PREFIX = "insop:update:"
SEEN_FOR_SECONDS = 86_400  # Telegram keeps an update for 24 h at most
DONE = "done"
LRU_SIZE = 50_000

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

# Claim the key, or take over a claim left by another process that never finished it.
# Returns 1 when this process may handle the update.
_CLAIM = """
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
if current == ARGV[3] or current == ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""
# Give a claim back only if it is still ours (never delete another process's claim or a "done").
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class UpdateLedger:
    """Which update ids were claimed or finished; the in-process version (one process only)."""

    def __init__(self, size: int = LRU_SIZE) -> None:
        self.size = size
        self.owner = uuid.uuid4().hex
        self._seen: OrderedDict[str, str] = OrderedDict()

    async def claim(self, key: str) -> bool:
        """True when this update was never seen (or its handling failed) and is now ours."""
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen[key] = self.owner
        while len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True

    async def finish(self, key: str) -> None:
        """The update was handled: a redelivery is dropped."""
        self._seen[key] = DONE

    async def release(self, key: str) -> None:
        """Handling failed: a redelivery should try again."""
        if self._seen.get(key) == self.owner:
            del self._seen[key]

    async def close(self) -> None:
        self._seen.clear()


class RedisUpdateLedger(UpdateLedger):
    """The ledger in Redis, shared by every bot process."""

    def __init__(self, redis_url: str) -> None:
        super().__init__()
        from redis.asyncio import Redis

        self.redis = Redis.from_url(redis_url)
        self._claim = self.redis.register_script(_CLAIM)
        self._release = self.redis.register_script(_RELEASE)

    async def claim(self, key: str) -> bool:
        return bool(await self._claim(keys=[key], args=[self.owner, SEEN_FOR_SECONDS, DONE]))

    async def finish(self, key: str) -> None:
        await self.redis.set(key, DONE, ex=SEEN_FOR_SECONDS)

    async def release(self, key: str) -> None:
        await self._release(keys=[key], args=[self.owner])

    async def close(self) -> None:
        await self.redis.aclose()


def build_ledger(redis_url: str | None) -> UpdateLedger:
    """Redis when configured (several processes), the in-process LRU otherwise."""
    return RedisUpdateLedger(redis_url) if redis_url else UpdateLedger()


def update_key(bot_id: int, update_id: int) -> str:
    """The ledger key: update ids are per bot, so the bot id is part of it."""
    return f"{KEY_PREFIX}{bot_id}:{update_id}"


class DeduplicateUpdates(BaseMiddleware):
    """Drops an update whose id was already handled (or is being handled by this process)."""

    def __init__(self, ledger: UpdateLedger) -> None:
        self.ledger = ledger

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        bot = data.get("bot")
        key = update_key(bot.id if bot is not None else 0, event.update_id)
        if not await self.ledger.claim(key):
            log.info("update %s dropped: already handled", event.update_id)
            return None
        try:
            result = await handler(event, data)
        except BaseException:
            await self.ledger.release(key)
            raise
        await self.ledger.finish(key)
        return result
