"""A running deployment seeded from the 360-row table gets the 965-row table at its next start.

The database is built at migration 0005 and seeded as the previous release did (its columns only),
with a value a focal point reported and a coordinator approved, one still pending, and a reference
row the new table no longer has. Then it is started as today's bot starts it (migrate, seed).
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (in a schema of its own).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from bot.lookup import lookup, read_thresholds_csv
from bot.lookup.records import identity_key
from bot.services.thresholds import ThresholdCatalog
from storage.db import _alembic_config, create_sessionmaker, ensure_database
from storage.models import Threshold, ThresholdRevision
from storage.repositories.thresholds import ThresholdRepository, source_key
from storage.seed import REFERENCE_THRESHOLDS

PREVIOUS_TABLE = Path(__file__).resolve().parent / "fixtures" / "reference_thresholds_360.csv"
# The thresholds columns of migration 0005, as the previous release stored them.
OLD_COLUMNS = (
    "kind",
    "jurisdiction",
    "jurisdiction_name",
    "jurisdiction_level",
    "jurisdiction_level_original",
    "pollutant_id",
    "pollutant_family",
    "pollutant_name",
    "pollutant_group",
    "pollutant_species",
    "pollutant_original",
    "cas",
    "land_use",
    "land_use_covers",
    "land_use_original",
    "value",
    "value_min",
    "value_max",
    "value_original",
    "unit",
    "unit_original",
    "value_type",
    "value_type_original",
    "basis",
    "basis_original",
    "conditions",
    "ph_min",
    "ph_max",
    "ph_min_inclusive",
    "ph_max_inclusive",
    "legal_status",
    "legal_status_original",
    "instrument",
    "year",
    "year_original",
    "source",
    "row_number",
)


def _old_row(record: dict, origin: str, status: str, now) -> dict:
    row = {column: record[column] for column in OLD_COLUMNS}
    # The previous release's source key: the same fields, so an unchanged row is found by it.
    row.update(source_key=source_key(record), origin=origin, review_status=status, created_at=now, updated_at=now)
    return row


async def _seed_as_previous_release(engine) -> dict:
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.upgrade(_alembic_config(sync), "0005"))
        table = await connection.run_sync(lambda sync: sa.Table("thresholds", sa.MetaData(), autoload_with=sync))
        now = sa.func.now()
        previous = [record.to_dict() for record in read_thresholds_csv(PREVIOUS_TABLE)]
        rows = [_old_row(record, "reference", "approved", now) for record in previous]
        # A row the new table no longer has (its values withdrawn by the source, say).
        stale = dict(previous[0], pollutant_original="arsenic (withdrawn test row)", value=99.0, value_original="99")
        rows.append(_old_row(stale, "reference", "approved", now))
        # A focal point's value, approved by a coordinator, and one still waiting for review.
        reported = dict(
            previous[0],
            jurisdiction="KE",
            jurisdiction_name="Kenya",
            value=7.0,
            value_original="7",
            source="INSOP threshold survey: answer of the focal point of Kenya",
            row_number=1,
        )
        rows.append(_old_row(reported, "survey", "approved", now))
        rows.append(_old_row(dict(reported, value=8.0, value_original="8"), "survey", "pending", now))
        for row in rows:
            await connection.execute(table.insert().values(**row))
    return {"stale": stale["pollutant_original"], "reported_source": reported["source"]}


@pytest.mark.slow  # the shipped table of 360 rows seeded, then upgraded to the current one
async def test_upgrade_from_the_360_row_table(old_database):
    marks = await _seed_as_previous_release(old_database)
    sessions = create_sessionmaker(old_database)
    survey_before = await _survey_rows(old_database)

    await ensure_database(old_database)  # what every command does at start

    current = read_thresholds_csv(REFERENCE_THRESHOLDS)
    assert len(current) == 965
    async with sessions() as session:
        served = await ThresholdRepository(session).approved_records()
        reference = [row for row in served if row["source"] != marks["reported_source"]]
        assert len(reference) == 965
        # None twice: every served reference row is a different row of the table.
        assert Counter(identity_key(_record(row)) for row in reference).most_common(1)[0][1] == 1
        assert {identity_key(record) for record in current} == {identity_key(_record(row)) for row in reference}
        assert sorted((row["jurisdiction"], row["value"], row["verification_note"]) for row in reference) == sorted(
            (record.jurisdiction, record.value, record.verification_note) for record in current
        )

        # The withdrawn row is retired: kept, with its history, never served.
        stale = (
            await session.scalars(sa.select(Threshold).where(Threshold.pollutant_original == marks["stale"]))
        ).one()
        assert stale.retired_at is not None
        assert [revision.change for revision in await ThresholdRepository(session).revisions(stale.id)] == ["retired"]

        # A changed row is updated in place; what it said before is kept.
        arsenic_nl = (
            await session.scalars(
                sa.select(Threshold).where(
                    Threshold.jurisdiction == "NL",
                    Threshold.pollutant_original == "arsenic",
                    Threshold.value_type_original == "intervention",
                )
            )
        ).one()
        assert arsenic_nl.jurisdiction_name == "Netherlands (Kingdom of the)"
        assert arsenic_nl.tier == "action" and arsenic_nl.verification_note
        history = await ThresholdRepository(session).revisions(arsenic_nl.id)
        assert [revision.change for revision in history] == ["updated"]
        assert history[0].previous["jurisdiction_name"] == "Netherlands"
        # The old source was an internal remark ("@824e24b", a mirror); now it is the public source.
        assert "@824e24b" in history[0].previous["source"] and "@824e24b" not in arsenic_nl.source
        assert "@824e24b" in arsenic_nl.verification_note

        # The survey's values are as they were, the approved one served, the pending one not.
        assert await _survey_rows(old_database) == survey_before
        assert [row["value"] for row in served if row["source"] == marks["reported_source"]] == [7.0]
        revisions = await session.scalar(sa.select(sa.func.count(ThresholdRevision.id)))

    # What field staff see: one Dutch arsenic intervention value, Germany's new rows.
    catalog = ThresholdCatalog()
    async with sessions() as session:
        index = await catalog.index(session)
    result = lookup(index, "arsenic intervention Netherlands")
    assert [r.value for r in result.results if r.value_type == "intervention"] == [76.0]
    assert {r.tier for r in lookup(index, "lead Germany").results} >= {"protection", "assessment", "food"}

    # The next start finds the database in line: nothing changes.
    await ensure_database(old_database)
    async with sessions() as session:
        assert await session.scalar(sa.select(sa.func.count(ThresholdRevision.id))) == revisions
        assert len(await ThresholdRepository(session).approved_records()) == 966


def _record(row: dict):
    from bot.lookup import ThresholdRecord

    return ThresholdRecord.from_dict(row)


async def _survey_rows(engine) -> dict:
    """The survey's rows, every column the previous release had, as stored."""
    columns = ", ".join(("id", "source_key", "review_status", "created_at", "updated_at") + OLD_COLUMNS)
    async with engine.connect() as connection:
        rows = (
            await connection.execute(sa.text(f"SELECT {columns} FROM thresholds WHERE origin = 'survey'"))
        ).mappings()
        return {row["id"]: dict(row) for row in rows}
