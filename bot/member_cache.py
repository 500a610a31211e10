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
  not security boundaries that need better (a demoted coordinator keeps their tools for that long).

Which survey draft is open decides whether typed text is an answer or a lookup, so it is cached only
when this process is the only one (`cache_drafts`: no `REDIS_URL`), where every draft change goes through
its sessions and drops the entry at commit. With several instances it is read on every typed text: a
draft opened by another process a second ago must never turn an answer into a lookup.

The cache also counts, per table, the commits that wrote it through those sessions (`versions`): the
lookup index checks the approved values again at once after a review here, and at most every few seconds
otherwise (bot/services/thresholds.py).

Only `last_seen_at` changing (the hourly touch) keeps the entry.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from storage.models import Member, Submission

MEMBER_TTL_SECONDS = 3.0
CACHE_SIZE = 20_000
INFO_KEY = "member_cache"
_CHANGED = "member_cache_changed"  # session.info: what the open transaction wrote (_Changes)
_COLUMNS = tuple(column.key for column in inspect(Member).column_attrs)
_MANAGER = inspect(Member).class_manager
_IGNORED = frozenset({"last_seen_at"})  # changing only this keeps the cached entry


class MemberCache:
    """Members by Telegram id (None: not a member), each kept `ttl` seconds at most; open drafts by member id when
    `cache_drafts` (one process only); and a version per table that moves with every commit that wrote it."""

    def __init__(
        self, ttl: float = MEMBER_TTL_SECONDS, size: int = CACHE_SIZE, clock=time.monotonic, cache_drafts: bool = False
    ) -> None:
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self.cache_drafts = cache_drafts
        self.generation = 0  # moves on every invalidation: a read that overlapped one is not stored
        self.versions: dict[str, int] = {}  # table name -> commits that wrote it, through sessions carrying this
        self._entries: OrderedDict[int, tuple[float, dict[str, Any] | None]] = OrderedDict()
        self._drafts: OrderedDict[int, tuple[float, int]] = OrderedDict()
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
        return True, (_transient(values) if values is not None else None)

    def store(self, telegram_id: int, member: Member | None, generation: int) -> None:
        """Keep what was read, unless a change was committed since the read began (`generation`)."""
        if generation != self.generation:
            return
        values = None if member is None else {key: getattr(member, key) for key in _COLUMNS}
        _keep(self._entries, telegram_id, (self.clock(), values), self.size)

    def open_draft(self, member_id: int) -> int | None:
        """The member's open draft id (0: none) if known and fresh, else None."""
        entry = self._drafts.get(member_id) if self.cache_drafts else None
        if entry is None:
            return None
        if self.clock() - entry[0] > self.ttl:
            del self._drafts[member_id]
            return None
        return entry[1]

    def store_draft(self, member_id: int, draft_id: int, generation: int) -> None:
        """Keep the open draft read for this member (one process only), unless a commit overlapped the read."""
        if self.cache_drafts and generation == self.generation:
            _keep(self._drafts, member_id, (self.clock(), draft_id), self.size)

    def invalidate(self, telegram_ids: set[int] | None, member_ids: set[int] | None = frozenset()) -> None:
        """Drop these members (None: every member) and these members' drafts (None: every draft)."""
        self.generation += 1
        for entries, keys in ((self._entries, telegram_ids), (self._drafts, member_ids)):
            if keys is None:
                entries.clear()
            else:
                for key in keys:
                    entries.pop(key, None)

    def committed(self, changes: _Changes) -> None:
        """A transaction that wrote these tables and members committed."""
        for table in changes.tables:
            self.versions[table] = self.versions.get(table, 0) + 1
        if changes.members or changes.members is None or changes.drafts or changes.drafts is None:
            self.invalidate(changes.members, changes.drafts)


def _keep(entries: OrderedDict, key: int, value: tuple, size: int) -> None:
    entries[key] = value
    entries.move_to_end(key)
    while len(entries) > size:
        entries.popitem(last=False)


def snapshot(member: Member | None) -> Member | None:
    """A transient copy of a loaded member (what a cache hit hands out, for a miss too)."""
    return None if member is None else _transient({key: getattr(member, key) for key in _COLUMNS})


def _transient(values: dict[str, Any]) -> Member:
    """A transient Member holding these column values as if loaded: what `Member(**values)` gives, without
    its attribute events (about 50 µs a copy, against 3): the copy is read, never flushed (a change to a member
    goes through a service, which reads the row)."""
    member = _MANAGER.new_instance()
    member.__dict__.update(values)
    return member


# ------------------------------------------------------------------ invalidation through the ORM


class _Changes:
    """What the open transaction of a session wrote: tables, members (Telegram ids), drafts (member ids);
    None for "any of them" (a bulk statement)."""

    def __init__(self) -> None:
        self.tables: set[str] = set()
        self.members: set[int] | None = set()
        self.drafts: set[int] | None = set()


def listen_for_member_changes() -> None:
    """Register the session hooks once per process (they do nothing for sessions without a cache)."""
    if not event.contains(Session, "after_flush", _note_flushed):
        event.listen(Session, "after_flush", _note_flushed)
        event.listen(Session, "do_orm_execute", _note_bulk_statements)
        event.listen(Session, "after_commit", _invalidate_committed)
        event.listen(Session, "after_soft_rollback", _forget_changes)


def _changes(session: Session) -> _Changes:
    changes = session.info.get(_CHANGED)
    if changes is None:
        changes = session.info[_CHANGED] = _Changes()
    return changes


def _note_flushed(session: Session, _context) -> None:
    if INFO_KEY not in session.info:
        return
    dirty = session.dirty
    written = [*session.new, *dirty, *session.deleted]
    if not written:
        return
    changes = _changes(session)
    for instance in written:
        table = getattr(instance, "__tablename__", None)
        if table is not None:
            changes.tables.add(table)
        if isinstance(instance, Submission) and changes.drafts is not None and instance.member_id is not None:
            changes.drafts.add(instance.member_id)
        if not isinstance(instance, Member) or changes.members is None:
            continue
        state = inspect(instance)
        if instance in dirty and all(key in _IGNORED or not state.attrs[key].history.has_changes() for key in _COLUMNS):
            continue
        changes.members.add(instance.telegram_id)


def _note_bulk_statements(state: ORMExecuteState) -> None:
    session = state.session
    if INFO_KEY not in session.info or not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is None:
        return
    changes = _changes(session)
    changes.tables.add(mapper.local_table.name)
    if mapper.class_ is Member:
        changes.members = None
    elif mapper.class_ is Submission:
        changes.drafts = None


def _invalidate_committed(session: Session) -> None:
    changes = session.info.pop(_CHANGED, None)
    cache = session.info.get(INFO_KEY)
    if changes is not None and cache is not None:
        cache.committed(changes)


def _forget_changes(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction rolled back: nothing was committed
        session.info.pop(_CHANGED, None)
