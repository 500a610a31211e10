"""A redelivered update (same update_id) is handled once: in-process LRU, and Redis shared by processes."""

from __future__ import annotations

import os
import random

import pytest

from bot.dedupe import DONE, RedisUpdateLedger, UpdateLedger, update_key
from tests.harness import BotHarness

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def redis_reachable() -> bool:
    try:
        from redis.asyncio import Redis

        client = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        try:
            return bool(await client.ping())
        finally:
            await client.aclose()
    except Exception:
        return False


def require_redis_unless_ci(reachable: bool) -> None:
    """Skip without Redis on a laptop; CI has Redis, so there a missing Redis fails the test."""
    if not reachable:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL} but CI must run the Redis tests")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")


async def test_same_update_twice_is_handled_once_in_process(harness, user_id):
    user = harness.user(user_id)
    update = harness.updates.message(user, "/help")
    first = await harness.feed(update)
    assert any("What I can do" in text for text in harness.texts(first))
    assert await harness.feed(update) == []
    # A different update of the same user is of course handled.
    assert harness.texts(await harness.send(user, "/help"))


async def test_failed_update_is_handled_again_when_redelivered():
    ledger = UpdateLedger(size=10)
    key = update_key(1, 7)
    assert await ledger.claim(key)
    await ledger.release(key)  # the handler raised
    assert await ledger.claim(key)
    await ledger.finish(key)
    assert not await ledger.claim(key)


async def test_in_process_ledger_is_bounded():
    ledger = UpdateLedger(size=100)
    for update_id in range(1_000):
        assert await ledger.claim(update_key(1, update_id))
        await ledger.finish(update_key(1, update_id))
    assert len(ledger._seen) == 100
    assert not await ledger.claim(update_key(1, 999))
    assert await ledger.claim(update_key(1, 0))  # long forgotten: Redis is the answer for long memories


async def test_redis_ledger_shared_by_processes_and_taking_over_dead_claims():
    require_redis_unless_ci(await redis_reachable())
    first, second = RedisUpdateLedger(REDIS_URL), RedisUpdateLedger(REDIS_URL)
    key = update_key(1000, random.randrange(10**12, 10**13))
    try:
        assert await first.claim(key)
        assert not await first.claim(key)  # the same process got it twice: drop
        # Another process gets the redelivery while the first never finished (it was killed): it takes over.
        assert await second.claim(key)
        await second.finish(key)
        assert await first.redis.get(key) == DONE.encode()
        assert 0 < await first.redis.ttl(key) <= 86_400
        assert not await first.claim(key) and not await second.claim(key)
        await first.release(key)  # never deletes a finished update
        assert not await second.claim(key)
    finally:
        await first.redis.delete(key)
        await first.close()
        await second.close()


async def test_same_update_twice_through_two_dispatchers_sharing_redis(settings, storage, user_id):
    require_redis_unless_ci(await redis_reachable())
    shared = settings.model_copy(update={"redis_url": REDIS_URL})
    one, two = await BotHarness.start(shared, storage), await BotHarness.start(shared, storage)
    # Update ids no earlier run used (keys live 24 h).
    base = random.randrange(10**12, 10**13)
    one.updates = two.updates = type(one.updates)(start=base)
    try:
        user = one.user(user_id)
        update = one.updates.message(user, "/help")
        assert harness_texts(one, await one.feed(update))
        assert await two.feed(update) == []  # the other process drops Telegram's redelivery
        assert await one.feed(update) == []
    finally:
        await one.close()
        await two.close()


def harness_texts(harness: BotHarness, calls) -> list[str]:
    return harness.texts(calls)
