"""Shared fixtures: the database under test (TEST_DATABASE_URL or a temporary SQLite file).

Two databases, both migrated and seeded as on a first start:

* the isolated one (`storage`, `module_storage`): a test's writes are rolled back after it, so every test
  starts from the seed alone and nothing is cleaned up by hand. A SQLite file of its own, or the schema
  `isolated` of the PostgreSQL test database. One connection holds a transaction per module (what a module
  fixture writes, e.g. a published test form) and a savepoint per test; the in-process bots and the
  repositories and services a test calls join it, their commits becoming savepoints.
* the committed one (`database_url`): for what needs real connections, which the in-process tests never
  see: bot processes and the fake HTTP Bot API, kill -9, connections racing (FOR UPDATE), the CLI,
  migrations, a harness on its own event loop. They ask for `committed_database`, which puts the seed
  back after their module.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import os
import sys
import types
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.config import Settings, async_database_url
from storage.db import ensure_database
from storage.models import Base

if TYPE_CHECKING:  # the bot (aiogram) is imported by the tests that use it: pytest-xdist's controller needs none
    from bot.app import Storage

ROOT = Path(__file__).resolve().parent.parent
ISOLATED_SCHEMA = "isolated"  # on PostgreSQL, the isolated tests' schema in the test database


def _worker_database(url: str, worker: str) -> str:
    """The PostgreSQL database of one pytest-xdist worker (`<database>_gw0`), created on first use.

    Workers run side by side and each resets its database's schema, so they cannot share one.
    """
    worker_url = make_url(url).set(database=f"{make_url(url).database}_{worker}")

    async def create() -> None:
        engine = create_async_engine(url, isolation_level="AUTOCOMMIT")  # CREATE DATABASE outside a transaction
        async with engine.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": worker_url.database}
            )
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{worker_url.database}"'))
        await engine.dispose()

    asyncio.run(create())
    return worker_url.render_as_string(hide_password=False)


def _reset_postgres(url: str) -> None:
    """Empty the PostgreSQL test database so the suite starts from a fresh schema."""

    async def reset() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            for schema in ("public", ISOLATED_SCHEMA):
                await connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                await connection.execute(text(f"CREATE SCHEMA {schema}"))
        await engine.dispose()

    asyncio.run(reset())


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database every storage test uses; printed so a run says which one it was. Each pytest-xdist
    worker has its own: a SQLite file under its own temporary folder, or a PostgreSQL database of its own."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        url = async_database_url(configured)
        if make_url(url).get_backend_name() == "postgresql":
            worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1" under `pytest -n 2`
            if worker:
                url = _worker_database(url, worker)
            _reset_postgres(url)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    return url


def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze what the collection left alive, once, and keep the bot's startup from walking the heap.

    A bot freezes what is alive once it has started (bot/app.py, `freeze_long_lived`: one full collection,
    then `gc.freeze()`) and thaws it at shutdown. Over a test session that starts a bot per module or per
    test, each start was a full collection of the whole session (pytest's items, every library): 0.3-0.6 s
    each, about 30 s of `make test-fast`. Here the libraries and the collected tests are frozen once, and the
    in-process bots' collect/freeze/thaw do nothing; the bot processes the slow tests start keep the real ones.
    """
    gc.collect()
    gc.freeze()
    app = sys.modules.get("bot.app")
    if app is not None:
        app.gc = types.SimpleNamespace(collect=lambda: 0, freeze=lambda: None, unfreeze=lambda: None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """Once a module's last test is torn down, collect what it left and freeze what outlives it (caches,
    libraries imported on first use): the collections that come with allocation walk only what came after."""
    yield
    if nextitem is None or getattr(nextitem, "module", None) is not getattr(item, "module", None):
        gc.collect()
        gc.freeze()


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database the storage tests run on."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        return f"database: {make_url(async_database_url(configured)).render_as_string(hide_password=True)}"
    return "database: SQLite (temporary file)"


@pytest.fixture(scope="session")
async def _committed_seed(database_url: str) -> dict[sa.Table, list[dict]]:
    """The committed database migrated and seeded, and every row as that left it."""
    engine = create_async_engine(database_url)
    try:
        await ensure_database(engine)
        async with engine.connect() as connection:
            return {
                table: [dict(row._mapping) for row in await connection.execute(table.select())]
                for table in Base.metadata.sorted_tables
            }
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
async def committed_database(database_url: str, _committed_seed) -> AsyncIterator[str]:
    """The committed database for a module that needs real connections (bot processes, racing writers, the
    CLI): what it leaves is replaced by the seed after its last test, so no module cleans up by hand."""
    yield database_url
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                await connection.execute(table.delete())
            for table, rows in _committed_seed.items():
                if rows:
                    await connection.execute(table.insert(), rows)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
async def _isolated_engine(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AsyncEngine]:
    """The isolated database, migrated and seeded: committed, the state every test starts from."""
    from tests.harness import savepoint_engine

    if make_url(database_url).get_backend_name() == "postgresql":
        url, options = database_url, {"connect_args": {"server_settings": {"search_path": ISOLATED_SCHEMA}}}
    else:
        url, options = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('isolated') / 'isolated.db'}", {}
    engine = savepoint_engine(url, **options)
    try:
        await ensure_database(engine)
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
async def _isolated_connection(_isolated_engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """The one connection a module's isolated tests share (per module, taken from the pool: a PostgreSQL
    restart in tests/test_faults_postgres.py ends only the connections open then)."""
    async with _isolated_engine.connect() as connection:
        yield connection


@pytest.fixture(scope="module")
async def module_storage(
    _isolated_engine: AsyncEngine, _isolated_connection: AsyncConnection
) -> AsyncIterator[Storage]:
    """The isolated database for one module (its in-process bot): what the module's fixtures write is rolled
    back after its last test. Each test runs in a savepoint of it (`storage`, taken by `_rolled_back`)."""
    from tests.harness import forget_rolled_back, joining_storage

    transaction = await _isolated_connection.begin()
    storage = joining_storage(_isolated_engine, _isolated_connection)
    try:
        yield storage
    finally:
        await transaction.rollback()
        forget_rolled_back(storage)


@pytest.fixture
async def storage(module_storage: Storage, _isolated_connection: AsyncConnection) -> AsyncIterator[Storage]:
    """The isolated database for one test: what it (or the bot it talks to) commits is rolled back after it."""
    from tests.harness import forget_rolled_back

    savepoint = await _isolated_connection.begin_nested()
    try:
        yield module_storage
    finally:
        if savepoint.is_active:
            await savepoint.rollback()
        forget_rolled_back(module_storage)


@pytest.fixture(autouse=True)
def _rolled_back(request: pytest.FixtureRequest) -> None:
    """Every test on the isolated database (through a module's bot or `module_storage`) runs in a savepoint."""
    if "module_storage" in request.fixturenames:
        request.getfixturevalue("storage")


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    """Settings for in-process tests: no token, no .env, coordinators 900 and 901. Their database is the
    committed one: an in-process bot is given `storage` or `module_storage` instead.

    Charts and exports are drawn in a thread of the test process (`heavy_workers=0`, a setting the bot
    supports): a worker process would be started per bot, each importing matplotlib and openpyxl for a second
    or two of both cores. The worker process itself is tested in tests/test_heavy_work.py, and the bot
    processes of the slow tests draw theirs in one.
    """
    return Settings(
        _env_file=None, database_url=database_url, coordinator_ids="900,901", bot_token=None, heavy_workers=0
    )


@pytest.fixture(scope="module")
async def harness(settings: Settings, module_storage: Storage):
    """The module's in-process bot on the isolated database (started once: aiogram's dispatcher takes a while to
    build); each test talks to it inside its own savepoint. A module that needs more (a published test form, an
    earlier form version) defines its own."""
    from tests.harness import BotHarness

    harness = await BotHarness.start(settings, module_storage)
    yield harness
    await harness.close()


_user_ids = itertools.count(10_000)


@pytest.fixture
def user_id() -> int:
    """A Telegram user id no other test uses: a module's bot keeps every chat's messages across its tests, and a
    test presses the newest button of its own user's chat."""
    return next(_user_ids)


@pytest.fixture(scope="module")
async def fake():
    """The project's fake Bot API on a free 127.0.0.1 port, one per test module."""
    from tests.fakeapi.server import FakeBotAPI

    async with FakeBotAPI.running() as fake:
        yield fake


@pytest.fixture(scope="module")
async def bot_process(fake, database_url):
    """`python -m bot run` polling the module's fake Bot API."""
    from tests.botprocess import BotProcess

    process = BotProcess(fake, database_url)
    await process.start()
    yield process
    process.stop()


@pytest.fixture
async def old_database(database_url, tmp_path):
    """An engine on an empty database of its own (a schema on PostgreSQL), dropped afterwards: for a test that
    builds a database as an earlier release left it, then upgrades it."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        schema = f"upgrade_{uuid.uuid4().hex[:8]}"
        admin = create_async_engine(database_url)
        async with admin.begin() as connection:
            await connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
        engine = create_async_engine(database_url, connect_args={"server_settings": {"search_path": schema}})
        try:
            yield engine
        finally:
            await engine.dispose()
            async with admin.begin() as connection:
                await connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            await admin.dispose()
    else:
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'previous.db'}")
        try:
            yield engine
        finally:
            await engine.dispose()
