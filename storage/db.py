"""Database engine, sessions, and the first-start routine that migrates and seeds."""

from __future__ import annotations

import ast
import logging
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
# Any fixed number: PostgreSQL advisory lock so that several processes starting together
# migrate and seed once.
_MIGRATION_LOCK = 4_170_001

Seeder = Callable[[AsyncSession], Awaitable[None]]
_seeders: list[tuple[str, Seeder]] = []


class DatabaseUnavailable(Exception):
    """The database cannot be reached; the message is one line without the password."""


def register_seeder(name: str, seeder: Seeder) -> None:
    """Run `seeder` after every upgrade; seeders must be idempotent (they check before adding)."""
    if name not in {existing for existing, _ in _seeders}:
        _seeders.append((name, seeder))


def create_engine(url: str) -> AsyncEngine:
    """An async engine tuned per backend.

    `hide_parameters`: an SQL error's message would otherwise carry the statement's parameters
    (answers, names) into the logs.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # Long timeout: two bot processes on one SQLite file wait instead of failing.
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        if database and database != ":memory:":
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True)


def _sqlite_pragmas(connection, _record) -> None:
    # WAL lets readers and the writer work side by side, and with synchronous=NORMAL a commit no
    # longer waits for the disk each time: a committed answer survives a process crash (kill -9);
    # only a power cut can take back the last moments of WAL.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit (handlers render them afterwards)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def _alembic_config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str] | None:
    """The newest revisions, read from the migration files' `revision` and `down_revision` lines.

    Alembic (with Mako, Pygments and every SQLAlchemy dialect it knows) is about 10 MB a bot process would
    keep for good; it is imported only when the database is not at these. None when a file cannot be read
    this way: Alembic then decides.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
            target = node.target if isinstance(node, ast.AnnAssign) else target
            if isinstance(target, ast.Name) and target.id in {"revision", "down_revision"} and node.value is not None:
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    return None
        revision, down = found.get("revision"), found.get("down_revision")
        if not isinstance(revision, str) or "down_revision" not in found:
            return None
        revisions.add(revision)
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, (tuple, list)):  # a merge revision
            parents.update(str(parent) for parent in down)
    return frozenset(revisions - parents) or None


def _stored_revisions(connection: Connection) -> frozenset[str]:
    """The revisions the database says it is at (none for a new database), read as Alembic reads them."""
    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _upgrade(connection: Connection) -> bool:
    """Upgrade to head; True when the schema was changed."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    if _stored_revisions(connection) == head_revisions():
        return False  # the usual start: Alembic is not even imported
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    current = MigrationContext.configure(connection).get_current_revision()
    head = ScriptDirectory.from_config(_alembic_config(connection)).get_current_head()
    if current == head:
        return False
    command.upgrade(_alembic_config(connection), "head")
    return True


async def ensure_database(engine: AsyncEngine) -> None:
    """Migrate to the newest schema and run the seeders; cheap when nothing is to do."""
    try:
        async with engine.begin() as connection:
            changed = await connection.run_sync(_upgrade)
    except (OSError, ConnectionError) as error:
        raise DatabaseUnavailable(_unavailable(engine, error)) from error
    except Exception as error:
        if _is_connection_error(error):
            raise DatabaseUnavailable(_unavailable(engine, error)) from error
        raise
    if changed:
        log.info("database migrated to the newest schema")
    sessionmaker = create_sessionmaker(engine)
    for name, seeder in _seeders:
        async with sessionmaker() as session:
            await seeder(session)
        log.debug("seeder %s done", name)


def _is_connection_error(error: BaseException) -> bool:
    from sqlalchemy.exc import InterfaceError, OperationalError

    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, (OperationalError, InterfaceError, OSError, ConnectionError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _unavailable(engine: AsyncEngine, error: BaseException) -> str:
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    return f"cannot reach the database at {engine.url.render_as_string(hide_password=True)}: {reason[0] if reason else type(error).__name__}"
