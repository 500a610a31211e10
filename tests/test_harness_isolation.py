"""A test on `rolled_back_storage` leaves nothing behind, on SQLite and on PostgreSQL: the bot's commits
are savepoints of one transaction that is rolled back, and a handler's own rollback keeps what came before."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.db import create_engine, create_sessionmaker
from storage.models import Member
from tests.harness import BotHarness, rolled_back_storage


async def members_with(settings, telegram_id: int) -> int:
    """Members with this id as another connection sees them (committed data only)."""
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await session.scalar(select(func.count(Member.id)).where(Member.telegram_id == telegram_id))
    finally:
        await engine.dispose()


async def test_what_the_bot_commits_in_a_rolled_back_test_is_gone_after_it(settings, user_id):
    user = BotHarness.user(user_id)
    async with rolled_back_storage(settings) as storage:
        harness = await BotHarness.start(settings, storage)
        try:
            await harness.onboard(user, "Kenya", "Soil laboratory")
            calls = await harness.send(user, "/mydata")
            assert "Kenya" in "\n".join(harness.texts(calls))  # committed by one update, read by the next
            async with storage.sessionmaker() as session:
                assert await session.scalar(select(func.count(Member.id)).where(Member.telegram_id == user_id)) == 1
            assert await members_with(settings, user_id) == 0  # never committed for real
        finally:
            await harness.close()
    assert await members_with(settings, user_id) == 0


async def test_a_session_rolled_back_inside_the_test_keeps_the_earlier_commits(settings, user_id):
    async with rolled_back_storage(settings) as storage:
        async with storage.sessionmaker() as session, session.begin():
            session.add(Member(telegram_id=user_id, language="en"))
        async with storage.sessionmaker() as session:
            await session.begin()
            session.add(Member(telegram_id=user_id + 1, language="en"))
            await session.flush()
            await session.rollback()
        async with storage.sessionmaker() as session:
            ids = await session.scalars(
                select(Member.telegram_id).where(Member.telegram_id.in_([user_id, user_id + 1]))
            )
            assert list(ids) == [user_id]
    assert await members_with(settings, user_id) == 0
