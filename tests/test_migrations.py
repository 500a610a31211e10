"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.db import create_engine, ensure_database
from storage.models import Base


async def test_migrated_schema_matches_the_models(database_url):
    engine = create_engine(database_url)
    try:
        await ensure_database(engine)
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()
    assert differences == []


async def test_upgrade_twice_is_harmless(database_url):
    engine = create_engine(database_url)
    try:
        await ensure_database(engine)
        await ensure_database(engine)
    finally:
        await engine.dispose()


def test_threshold_cell_limits_follow_the_columns():
    """A CSV cell too long for its column is refused by the reader, not by the database."""
    from bot.lookup.records import FIELD_LIMITS
    from storage.models import Threshold

    for field, (_column, limit) in FIELD_LIMITS.items():
        assert Threshold.__table__.columns[field].type.length == limit, field
