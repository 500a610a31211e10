"""A lookup costs what a lookup needs: the member is read at most once per few seconds, nothing is written,
and every change to a member (language, role, /forget) is seen by their very next update."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, inspect, select

from bot.member_cache import MemberCache
from bot.middlewares import DatabaseMiddleware, LazySession
from bot.services import thresholds
from storage.models import Member
from tests.harness import BotHarness


class Statements:
    """The SQL statements the bot runs while the block runs."""

    def __init__(self, harness: BotHarness) -> None:
        self.engine = harness.storage.engine.sync_engine
        self.seen: list[str] = []

    def _record(self, _connection, _cursor, statement, _parameters, _context, _many) -> None:
        self.seen.append(" ".join(statement.split()))

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def reading(self, table: str) -> list[str]:
        return [s for s in self.seen if re.search(rf"\bFROM {table}\b", s)]

    def writes(self) -> list[str]:
        return [s for s in self.seen if s.split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")]


async def onboarded(harness: BotHarness, user_id: int, role: str = "INSOP member"):
    user = harness.user(user_id)
    await harness.onboard(user, "Canada", role)
    return user


async def test_repeated_lookups_write_nothing_and_read_the_member_once(harness, user_id):
    user = await onboarded(harness, user_id)
    with Statements(harness) as first:
        reply = "\n".join(harness.texts(await harness.send(user, "lead industrial")))
    assert "Canada" in reply and "600 mg/kg" in reply  # the member's country, as stored
    assert first.writes() == []
    assert len(first.reading("members")) <= 1
    with Statements(harness) as later:
        for _ in range(5):
            assert "600 mg/kg" in "\n".join(harness.texts(await harness.send(user, "lead industrial")))
    assert later.writes() == []
    assert later.reading("members") == []  # served from the cache within its few seconds
    # One process (no Redis): the open draft is known too, until a commit here changes a draft of theirs.
    assert later.reading("submissions") == []


@pytest.fixture
async def pooled_harness(settings, committed_database):
    """A bot on the committed database with its own engine: sessions check connections out of a real pool (the
    isolated harness shares one connection, so it cannot count them)."""
    harness = await BotHarness.start(settings)
    yield harness
    await harness.close()


async def test_a_lookup_the_caches_answer_creates_no_session_and_takes_no_connection(
    pooled_harness, user_id, monkeypatch
):
    harness = pooled_harness
    # Generous freshness, so a slow machine does not make the member or the index due for a check mid-test.
    monkeypatch.setattr(harness.storage.members, "ttl", 600.0)
    monkeypatch.setattr(thresholds, "FRESH_SECONDS", 600.0)
    user = await onboarded(harness, user_id)
    await harness.send(user, "lead industrial")  # the member, their open draft and the index are known now
    middleware = next(m for m in harness.dispatcher.update.outer_middleware if isinstance(m, DatabaseMiddleware))
    sessionmaker, sessions, checkouts = middleware.sessionmaker, [], []

    def counting_sessionmaker(**kwargs):
        sessions.append(kwargs)
        return sessionmaker(**kwargs)

    def count_checkout(*_args) -> None:
        checkouts.append(1)

    monkeypatch.setattr(middleware, "sessionmaker", counting_sessionmaker)
    event.listen(harness.storage.engine.sync_engine, "checkout", count_checkout)
    try:
        reply = "\n".join(harness.texts(await harness.send(user, "lead industrial")))
        assert "Canada" in reply and "600 mg/kg" in reply
        assert (sessions, checkouts) == ([], [])
        # An update that reads the database (the member, no longer cached) gets its session and closes it.
        harness.storage.members.invalidate({user_id})
        assert "600 mg/kg" in "\n".join(harness.texts(await harness.send(user, "lead industrial")))
        assert len(sessions) == 1 and checkouts
        assert harness.storage.engine.sync_engine.pool.checkedout() == 0
    finally:
        event.remove(harness.storage.engine.sync_engine, "checkout", count_checkout)


async def test_the_lazy_session_is_the_session_once_used(pooled_harness, user_id):
    harness = pooled_harness
    session = LazySession(harness.storage.sessionmaker, {"member_cache": harness.storage.members})
    member = Member(telegram_id=user_id, name="A")
    assert member not in session and list(session) == [] and session.info["member_cache"] is harness.storage.members
    assert not session.opened  # none of that created it
    async with session.begin():
        assert await session.scalar(select(Member).where(Member.telegram_id == user_id)) is None
        session.add(member)
        assert member in session and list(session) == [member]
        await session.rollback()
    assert session.opened and session.info["member_cache"] is harness.storage.members
    await session.finish()
    assert harness.storage.engine.sync_engine.pool.checkedout() == 0


async def test_a_draft_opened_turns_the_next_text_into_an_answer(harness, user_id):
    user = harness.user(user_id)
    await harness.onboard(user, "Kenya", "National focal point")
    await harness.send(user, "lead industrial")  # "no open draft" is cached now
    await harness.send(user, "/survey")
    await harness.press(user, "INSOP soil threshold values")
    with Statements(harness) as answer:
        calls = await harness.send(user, "Kenya")  # typed, it answers the first question (the country)
    assert "In what capacity are you answering?" in harness.texts(calls)[-1]
    assert any(s.startswith("INSERT INTO survey_answers") for s in answer.writes()), answer.writes()


async def test_a_language_change_is_seen_by_the_next_lookup(harness, user_id):
    user = await onboarded(harness, user_id)
    assert "Canada" in "\n".join(harness.texts(await harness.send(user, "lead industrial")))  # cached now
    await harness.send(user, "/language")
    await harness.press(user, "Français")
    reply = "\n".join(harness.texts(await harness.send(user, "lead industrial")))
    assert "mg/kg" in reply and "Canada" in reply
    assert "Valeur" in reply or "valeur" in reply, reply[:300]


async def test_a_promotion_is_seen_by_the_next_update(harness, user_id):
    user = await onboarded(harness, user_id)
    refusal = harness.texts(await harness.send(user, "/stats"))
    assert "coordinator" in refusal[0].lower()  # refused, and the member is now cached
    await harness.send(harness.user(900), f"/promote {user_id}")
    assert harness.texts(await harness.send(user, "/stats")) != refusal
    await harness.send(harness.user(900), f"/demote {user_id}")
    assert harness.texts(await harness.send(user, "/stats")) == refusal


async def test_forget_is_seen_by_the_next_update(harness, user_id):
    user = await onboarded(harness, user_id)
    await harness.send(user, "lead industrial")  # cached
    await harness.send(user, "/forget")
    await harness.press(user, "Yes, erase my data")
    async with harness.storage.sessionmaker() as session:
        assert await session.scalar(select(Member).where(Member.telegram_id == user_id)) is None
    # Unknown again: the next text is taken as the start of onboarding (a country), not a member's lookup.
    with Statements(harness) as after:
        await harness.send(user, "/profile")
    assert len(after.reading("members")) == 1
    assert harness.texts(await harness.send(user, "/profile")) == ["Please set up your profile first: send /start."]


def test_entries_expire_and_a_read_overlapping_a_change_is_not_kept():
    now = [100.0]
    cache = MemberCache(ttl=3.0, clock=lambda: now[0])
    member = Member(id=1, telegram_id=7, name="A", language="fr", role="lab", country="CA")
    cache.store(7, member, cache.generation)
    found, copy = cache.lookup(7)
    assert found and copy is not member and (copy.language, copy.role, copy.country) == ("fr", "lab", "CA")
    assert inspect(copy).transient and copy.id == 1  # attached to no session, the values as read
    copy.role = "coordinator"
    assert cache.lookup(7)[1].role == "lab"  # each update gets its own copy
    now[0] += 3.5
    assert cache.lookup(7) == (False, None)  # another process may have changed it: read again

    started = cache.generation
    cache.invalidate({8})  # a change committed while this read was running
    cache.store(7, member, started)
    assert cache.lookup(7) == (False, None)
    cache.store(9, None, cache.generation)  # "not a member" is kept too
    assert cache.lookup(9) == (True, None)
    cache.invalidate(None)
    assert cache.lookup(9) == (False, None)


def test_drafts_are_cached_only_for_one_process():
    several = MemberCache(cache_drafts=False)  # REDIS_URL: another instance may open a draft at any time
    several.store_draft(1, 0, several.generation)
    assert several.open_draft(1) is None
    one = MemberCache(cache_drafts=True)
    one.store_draft(1, 0, one.generation)
    assert one.open_draft(1) == 0
    one.invalidate(set(), {1})
    assert one.open_draft(1) is None
