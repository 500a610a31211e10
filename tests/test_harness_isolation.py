"""Each test starts from the seed alone, on SQLite and on PostgreSQL: what a test, or the bot it talks to, commits
is rolled back after it, the bot's caches forget it, and a handler's own rollback keeps what came before.

The tests of this module run in this order on purpose: the second and fourth look for what the first and third left.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.models import Member
from tests.harness import BotHarness

WRITTEN = 7_770_001  # the Telegram id the first test writes and the second looks for
ONBOARDED = 7_770_002


@pytest.fixture(scope="module")
async def harness(settings, module_storage):
    """One bot for the module, as the other modules have: its caches must forget what a test's rollback took back."""
    harness = await BotHarness.start(settings, module_storage)
    yield harness
    await harness.close()


async def members_with(storage, telegram_id: int) -> int:
    async with storage.sessionmaker() as session:
        return await session.scalar(select(func.count(Member.id)).where(Member.telegram_id == telegram_id))


async def test_a_row_committed_in_one_test(storage):
    async with storage.sessionmaker() as session, session.begin():
        session.add(Member(telegram_id=WRITTEN, language="en"))
    assert await members_with(storage, WRITTEN) == 1


async def test_is_absent_in_the_next(storage):
    assert await members_with(storage, WRITTEN) == 0


async def test_a_member_the_bot_onboarded_in_one_test(harness, storage):
    user = harness.user(ONBOARDED)
    await harness.onboard(user, "Kenya", "Soil laboratory")
    assert "Kenya" in "\n".join(harness.texts(await harness.send(user, "/mydata")))  # committed, read again
    assert await members_with(storage, ONBOARDED) == 1


async def test_is_a_stranger_to_the_bot_in_the_next(harness, storage):
    assert await members_with(storage, ONBOARDED) == 0
    texts = harness.texts(await harness.send(harness.user(ONBOARDED), "/mydata"))
    assert not any("Kenya" in text for text in texts), texts


async def test_a_session_rolled_back_inside_the_test_keeps_the_earlier_commits(storage, user_id):
    async with storage.sessionmaker() as session, session.begin():
        session.add(Member(telegram_id=user_id, language="en"))
    async with storage.sessionmaker() as session:
        await session.begin()
        session.add(Member(telegram_id=user_id + 1, language="en"))
        await session.flush()
        await session.rollback()
    async with storage.sessionmaker() as session:
        ids = await session.scalars(select(Member.telegram_id).where(Member.telegram_id.in_([user_id, user_id + 1])))
        assert list(ids) == [user_id]
