"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

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


def test_the_head_read_from_the_migration_files_is_alembics():
    """The start compares the database with these without importing Alembic (storage/db.py)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from storage.db import MIGRATIONS, head_revisions

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert head_revisions() == frozenset(ScriptDirectory.from_config(config).get_heads())


async def test_a_new_database_is_migrated_to_the_head(old_database):
    """An empty database (no alembic_version table) gets every migration at start, then nothing more."""
    import sqlalchemy as sa

    from storage.db import head_revisions

    await ensure_database(old_database)
    async with old_database.connect() as connection:
        stored = set((await connection.execute(sa.text("SELECT version_num FROM alembic_version"))).scalars())
        tables = await connection.run_sync(lambda sync: set(sa.inspect(sync).get_table_names()))
    assert stored == head_revisions() and tables == set(Base.metadata.tables) | {"alembic_version"}
    await ensure_database(old_database)


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


async def test_0008_steps_down_focal_points_no_coordinator_appointed(old_database):
    """Members who picked "National focal point" themselves become members, with the change recorded; those a
    coordinator's focal-point invite for their country made focal points keep the role (SQLite and PostgreSQL)."""
    import sqlalchemy as sa
    from alembic import command

    from storage.db import _alembic_config

    now = datetime.now(UTC)
    members = {
        # name: (role, country, start_payload)
        "self-declared": ("focal_point", "KE", None),
        "other deep link": ("focal_point", "KE", "campaign_ke"),
        "invited": ("focal_point", "KE", "inv-ke-fp"),
        "invited elsewhere": ("focal_point", "GH", "inv-ke-fp"),  # changed their country after the invite
        "lab invite": ("focal_point", "KE", "inv-ke-lab"),
        "unused invite": ("focal_point", "KE", "inv-unused"),
        "forwarded a": ("focal_point", "KE", "inv-ke-fwd"),  # one redeemed it, the other found it used:
        "forwarded b": ("focal_point", "KE", "inv-ke-fwd"),  # the data cannot tell which
        "lab": ("lab", "KE", None),
        "coordinator": ("coordinator", "KE", None),
        "promoted self-declared": ("coordinator", "KE", None),  # was focal point (self-chosen) when promoted
        "no role yet": (None, None, None),
    }
    async with old_database.begin() as connection:
        await connection.run_sync(lambda sync: command.upgrade(_alembic_config(sync), "0007"))
        tables = await connection.run_sync(
            lambda sync: {
                name: sa.Table(name, sa.MetaData(), autoload_with=sync)
                for name in ("members", "invites", "role_changes")
            }
        )
        for code, role, uses in (
            ("inv-ke-fp", "focal_point", 1),
            ("inv-ke-lab", "lab", 1),
            ("inv-unused", "focal_point", 0),
            ("inv-ke-fwd", "focal_point", 1),
        ):
            await connection.execute(
                tables["invites"]
                .insert()
                .values(
                    code=code,
                    country="KE",
                    role=role,
                    max_uses=1,
                    uses=uses,
                    expires_at=now,
                    created_by=900,
                    created_at=now,
                )
            )
        for number, (name, (role, country, payload)) in enumerate(members.items(), start=1):
            await connection.execute(
                tables["members"]
                .insert()
                .values(
                    telegram_id=70_000 + number,
                    name=name,
                    role=role,
                    country=country,
                    start_payload=payload,
                    created_at=now,
                    last_seen_at=now,
                    onboarded_at=now if role else None,
                    active=True,
                    muted=False,
                )
            )
        promoted_id = (
            await connection.execute(sa.text("SELECT id FROM members WHERE name = 'promoted self-declared'"))
        ).scalar()
        await connection.execute(
            tables["role_changes"]
            .insert()
            .values(
                member_id=promoted_id, old_role="focal_point", new_role="coordinator", changed_by=900, changed_at=now
            )
        )

    await ensure_database(old_database)  # what every command does at start

    async with old_database.connect() as connection:
        roles = dict((await connection.execute(sa.text("SELECT name, role FROM members"))).all())
        changes = (
            await connection.execute(
                sa.text(
                    "SELECT m.name, c.old_role, c.new_role, c.changed_by FROM role_changes c "
                    "JOIN members m ON m.id = c.member_id ORDER BY m.name"
                )
            )
        ).all()
    assert roles == {
        "self-declared": "member",
        "other deep link": "member",
        "invited": "focal_point",
        "invited elsewhere": "member",
        "lab invite": "member",
        "unused invite": "member",
        "forwarded a": "member",
        "forwarded b": "member",
        "lab": "lab",
        "coordinator": "coordinator",
        "promoted self-declared": "coordinator",
        "no role yet": None,
    }
    stepped_down = (
        "self-declared",
        "other deep link",
        "invited elsewhere",
        "lab invite",
        "unused invite",
        "forwarded a",
        "forwarded b",
    )
    assert sorted(tuple(change) for change in changes) == sorted(
        [(name, "focal_point", "member", 0) for name in stepped_down]
        + [
            ("promoted self-declared", "focal_point", "coordinator", 900),  # recorded at 0007
            ("promoted self-declared", "focal_point", "member", 0),  # the role to come back to, by the migration
        ]
    )
    # /demote gives the promoted one "member" back, not the focal-point role they had picked themselves.
    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.repositories.roles import RoleRepository

    async with AsyncSession(old_database) as session:
        promoted = (
            await session.execute(sa.text("SELECT id FROM members WHERE name = 'promoted self-declared'"))
        ).scalar()
        assert await RoleRepository(session).role_before_promotion(promoted) == "member"

    # Back down to 0007: the role comes back and the migration's changes go.
    async with old_database.begin() as connection:
        await connection.run_sync(lambda sync: command.downgrade(_alembic_config(sync), "0007"))
        assert (
            await connection.execute(sa.text("SELECT count(*) FROM members WHERE role = 'focal_point'"))
        ).scalar() == 8
        # Only the promotion recorded before 0008 is left.
        assert (await connection.execute(sa.text("SELECT count(*) FROM role_changes"))).scalar() == 1
