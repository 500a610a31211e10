"""Shared fixtures: the database under test (TEST_DATABASE_URL or a temporary SQLite file)."""

from __future__ import annotations

import asyncio
import gc
import itertools
import os
import sys
import types
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import Settings, async_database_url

ROOT = Path(__file__).resolve().parent.parent


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
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
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
def settings(database_url: str) -> Settings:
    """Settings for in-process tests: no token, no .env, coordinators 900 and 901.

    Charts and exports are drawn in a thread of the test process (`heavy_workers=0`, a setting the bot
    supports): a worker process would be started per bot, each importing matplotlib and openpyxl for a second
    or two of both cores. The worker process itself is tested in tests/test_heavy_work.py, and the bot
    processes of the slow tests draw theirs in one.
    """
    return Settings(
        _env_file=None, database_url=database_url, coordinator_ids="900,901", bot_token=None, heavy_workers=0
    )


_user_ids = itertools.count(10_000)


@pytest.fixture
def user_id() -> int:
    """A Telegram user id no other test uses, so tests share one database safely."""
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
