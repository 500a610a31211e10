"""The member behind an update, read from SQL at most once every few seconds.

Every update needs the member who sent it (language, role, country). Reading their row on each update
cost a transaction per lookup; `MemberCache` keeps what was read for `MEMBER_TTL_SECONDS`, keyed by
Telegram id, and hands each update a fresh *transient* `Member` built from those values (not attached
to any session: a handler that changes a member goes through a service, which reads the row itself).

Freshness:

* in this process, any committed change to a member through a session that carries the cache
  (`session.info["member_cache"]`, set by DatabaseMiddleware: /start, /language, /profile, /forget,
  /promote, /demote, invites, /mute) drops the entry at commit, so the next update reads the row again;
  a bulk `UPDATE`/`DELETE` of members through such a session drops every entry;
* another process (several instances behind Redis) may change a member without this process knowing:
  what this process serves is then at most `MEMBER_TTL_SECONDS` old. Roles, languages and countries are
  not security boundaries that need better (a demoted coordinator keeps their tools for that long), and
  survey drafts are never cached (DatabaseMiddleware reads the open draft on every typed text).

Only `last_seen_at` changing (the hourly touch) keeps the entry.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from storage.models import Member

MEMBER_TTL_SECONDS = 3.0
CACHE_SIZE = 20_000
INFO_KEY = "member_cache"
_CHANGED = "member_cache_changed"  # session.info: Telegram ids changed in the open transaction, or None for all
_COLUMNS = tuple(column.key for column in inspect(Member).column_attrs)
_IGNORED = frozenset({"last_seen_at"})  # changing only this keeps the cached entry


class MemberCache:
    """Members by Telegram id (None: not a member), each kept `ttl` seconds at most."""

    def __init__(self, ttl: float = MEMBER_TTL_SECONDS, size: int = CACHE_SIZE, clock=time.monotonic) -> None:
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self.generation = 0  # moves on every invalidation: a read that overlapped one is not stored
        self._entries: OrderedDict[int, tuple[float, dict[str, Any] | None]] = OrderedDict()
        listen_for_member_changes()

    def lookup(self, telegram_id: int) -> tuple[bool, Member | None]:
        """(found, a fresh transient Member or None) for this Telegram id."""
        entry = self._entries.get(telegram_id)
        if entry is None:
            return False, None
        stored_at, values = entry
        if self.clock() - stored_at > self.ttl:
            del self._entries[telegram_id]
            return False, None
        return True, (Member(**values) if values is not None else None)

    def store(self, telegram_id: int, member: Member | None, generation: int) -> None:
        """Keep what was read, unless a change was committed since the read began (`generation`)."""
        if generation != self.generation:
            return
        values = None if member is None else {key: getattr(member, key) for key in _COLUMNS}
        self._entries[telegram_id] = (self.clock(), values)
        self._entries.move_to_end(telegram_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def invalidate(self, telegram_ids: set[int] | None) -> None:
        """Drop these members (None: every member)."""
        self.generation += 1
        if telegram_ids is None:
            self._entries.clear()
        else:
            for telegram_id in telegram_ids:
                self._entries.pop(telegram_id, None)


def snapshot(member: Member | None) -> Member | None:
    """A transient copy of a loaded member (what a cache hit hands out, for a miss too)."""
    return None if member is None else Member(**{key: getattr(member, key) for key in _COLUMNS})


# ------------------------------------------------------------------ invalidation through the ORM

def listen_for_member_changes() -> None:
    """Register the session hooks once per process (they do nothing for sessions without a cache)."""
    if not event.contains(Session, "after_flush", _note_flushed_members):
        event.listen(Session, "after_flush", _note_flushed_members)
        event.listen(Session, "do_orm_execute", _note_bulk_member_statements)
        event.listen(Session, "after_commit", _invalidate_committed)
        event.listen(Session, "after_soft_rollback", _forget_changes)


def _note(session: Session, telegram_ids: set[int] | None) -> None:
    if telegram_ids is None:
        session.info[_CHANGED] = None
        return
    changed = session.info.setdefault(_CHANGED, set())
    if changed is not None:
        changed.update(telegram_ids)


def _note_flushed_members(session: Session, _context) -> None:
    if INFO_KEY not in session.info:
        return
    changed: set[int] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(instance, Member):
            continue
        state = inspect(instance)
        if instance in session.dirty and all(
                key in _IGNORED or not state.attrs[key].history.has_changes() for key in _COLUMNS):
            continue
        changed.add(instance.telegram_id)
    if changed:
        _note(session, changed)


def _note_bulk_member_statements(state: ORMExecuteState) -> None:
    session = state.session
    if INFO_KEY in session.info and (state.is_update or state.is_delete):
        mapper = state.bind_mapper
        if mapper is not None and mapper.class_ is Member:
            _note(session, None)


def _invalidate_committed(session: Session) -> None:
    if _CHANGED not in session.info:
        return
    changed = session.info.pop(_CHANGED)
    cache = session.info.get(INFO_KEY)
    if cache is not None:
        cache.invalidate(changed)


def _forget_changes(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction rolled back: nothing was committed
        session.info.pop(_CHANGED, None)
