"""`python -m bot data import|export` and `lookup --json` on the database under test (SQLite or PostgreSQL).

Rows written here use pollutants no question can name ("testium ..."), so the lookups of other tests
sharing the database are not disturbed, and each test removes what it wrote.
"""

from __future__ import annotations

import csv
import io
import json
import tracemalloc

import pytest
from sqlalchemy import delete

from bot.lookup.records import CSV_COLUMNS
from storage.db import create_engine, create_sessionmaker
from storage.models import Threshold
from tests.test_cli import run_bot

HEADER = ",".join(CSV_COLUMNS)


def _row(
    pollutant: str,
    value: str = "12",
    country: str = "AQ",
    instrument: str = "Test instrument",
    conditions: str = "",
    land_use: str = "industrial",
) -> str:
    cells = [
        country,
        "Antarctica",
        "national",
        pollutant,
        "",
        land_use,
        value,
        "mg/kg",
        "guideline",
        "total",
        conditions,
        "guideline",
        instrument,
        "2020",
        "https://example.org/test",
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


async def _forget(database_url: str, *pollutant_ids: str) -> None:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            await session.execute(delete(Threshold).where(Threshold.pollutant_id.in_(pollutant_ids)))
    finally:
        await engine.dispose()


def _strict_json(line: str):
    def refuse(constant: str):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(line, parse_constant=refuse)


@pytest.mark.slow  # `python -m bot data` processes
@pytest.mark.usefixtures("committed_database")  # the seed put back after the module
async def test_import_refuses_a_value_too_large_for_a_number(tmp_path, database_url):
    bad = tmp_path / "nines.csv"
    bad.write_text(HEADER + "\n" + _row("testium nines", "9" * 400), encoding="utf-8")
    try:
        result = run_bot("data", "import", str(bad), env={"DATABASE_URL": database_url})
        assert result.returncode == 2, result.stdout
        assert result.stderr.strip() == (
            f"error: {bad}: row 2, column 'value': '999999999999999999999999…' is too large to be a concentration"
        )
    finally:
        await _forget(database_url, "testium_nines")


@pytest.mark.slow  # a `python -m bot lookup` process
@pytest.mark.usefixtures("committed_database")  # the seed put back after the module
async def test_lookup_json_never_prints_infinity(database_url):
    """A value stored as infinite before imports refused it is not served, and the JSON stays JSON."""
    from bot.lookup.records import read_thresholds_csv
    from storage.repositories.thresholds import ThresholdRepository

    record = read_thresholds_csv(io.StringIO(HEADER + "\n" + _row("lead", "12", country="AQ")))[0].to_dict()
    record.update(value=float("inf"), value_original="9" * 400, pollutant_original="lead (infinite test row)")
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            await ThresholdRepository(session).add_records([record], origin="import")
        result = run_bot("lookup", "--json", "lead Antarctica", "lead", env={"DATABASE_URL": database_url})
        assert result.returncode == 0, result.stderr
        answer = _strict_json(result.stdout)
        assert all(row["country"] != "AQ" for row in answer["results"] + answer["alternatives"])
    finally:
        async with create_sessionmaker(engine)() as session, session.begin():
            await session.execute(delete(Threshold).where(Threshold.pollutant_original == "lead (infinite test row)"))
        await engine.dispose()


@pytest.mark.slow  # `python -m bot data` processes
@pytest.mark.usefixtures("committed_database")  # the seed put back after the module
async def test_export_neutralizes_formulas_and_imports_back_unchanged(tmp_path, database_url):
    env = {"DATABASE_URL": database_url}
    source = tmp_path / "formulas.csv"
    source.write_text(
        HEADER
        + "\n"
        + _row("testium formula", instrument='=HYPERLINK("http://evil.example","click")', conditions="@SUM(1+1)")
        + _row("testium formula", value="13", instrument="+33 1 23 45", conditions="-2+3", country="NL"),
        encoding="utf-8",
    )
    try:
        assert (
            run_bot("data", "import", str(source), env=env).stdout.strip().endswith("2 values added, 0 already present")
        )
        exported = tmp_path / "export.csv"
        result = run_bot("data", "export", "--out", str(exported), env=env)
        assert result.returncode == 0, result.stderr
        with exported.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = [row for row in reader if row["pollutant"] == "testium formula"]
        # The UN's English name next to the ISO code; `country` keeps the source's own wording.
        assert reader.fieldnames[:3] == ["country_iso2", "country_un_name", "country"]
        assert sorted((row["country_iso2"], row["country_un_name"], row["country"]) for row in rows) == [
            ("AQ", "Antarctica", "Antarctica"),
            ("NL", "Netherlands (Kingdom of the)", "Antarctica"),
        ]
        assert sorted((row["instrument"], row["conditions"]) for row in rows) == [
            ("'+33 1 23 45", "'-2+3"),
            ('\'=HYPERLINK("http://evil.example","click")', "'@SUM(1+1)"),
        ]
        for row in rows:
            assert not any(str(cell).startswith(("=", "+", "-", "@")) for cell in row.values())
        # The apostrophe is read back off: importing the export finds every row already stored.
        result = run_bot("data", "import", str(exported), env=env)
        assert result.returncode == 0, result.stderr
        assert " 0 values added" in result.stdout
    finally:
        await _forget(database_url, "testium_formula")


@pytest.mark.slow  # 20,000 rows imported under tracemalloc (a load test)
@pytest.mark.usefixtures("committed_database")  # the seed put back after the module
async def test_import_streams_in_batches(tmp_path, settings, database_url):
    """20,000 rows import with memory that does not grow with the file (was every row at once)."""
    from bot.cli_data import import_thresholds

    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    small.write_text(HEADER + "\n" + _row("testium warmup"), encoding="utf-8")
    with large.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        for number in range(20_000):
            handle.write(_row("testium stream", value=str(number + 1), instrument=f"Instrument {number}"))
    try:
        await import_thresholds(settings, str(small))  # loads the modules and locale data first
        tracemalloc.start()
        try:
            await import_thresholds(settings, str(large))
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        engine = create_engine(database_url)
        try:
            async with create_sessionmaker(engine)() as session:
                from sqlalchemy import func, select

                stored = await session.scalar(
                    select(func.count(Threshold.id)).where(Threshold.pollutant_id == "testium_stream")
                )
        finally:
            await engine.dispose()
        assert stored == 20_000
        print(f"import of 20,000 rows: peak {peak / 2**20:.1f} MB traced")
        assert peak < 40 * 2**20, f"peak {peak / 2**20:.0f} MB"
    finally:
        await _forget(database_url, "testium_stream", "testium_warmup")


@pytest.mark.slow  # `python -m bot data` processes
@pytest.mark.usefixtures("committed_database")  # the seed put back after the module
async def test_import_is_all_or_nothing(tmp_path, database_url):
    """A bad row after the first batch (of 1,000) leaves nothing of the file behind."""
    batch = 1000
    source = tmp_path / "late_error.csv"
    with source.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        for number in range(batch + 5):
            handle.write(_row("testium late", value=str(number + 1)))
        handle.write(_row("testium late", value="abc"))
    try:
        result = run_bot("data", "import", str(source), env={"DATABASE_URL": database_url})
        assert result.returncode == 2
        assert f"row {batch + 7}, column 'value'" in result.stderr
        engine = create_engine(database_url)
        try:
            async with create_sessionmaker(engine)() as session:
                from sqlalchemy import func, select

                assert (
                    await session.scalar(
                        select(func.count(Threshold.id)).where(Threshold.pollutant_id == "testium_late")
                    )
                    == 0
                )
        finally:
            await engine.dispose()
    finally:
        await _forget(database_url, "testium_late")


@pytest.mark.parametrize("count", [3, 120])
def test_lookup_json_lists_are_capped(count):
    """`lookup --json` gives at most JSON_RECORDS_CAP records per list, with the full counts."""
    import gettext

    from bot.lookup import build_index, parse_query
    from bot.lookup.records import read_thresholds_csv
    from bot.lookup.views import JSON_RECORDS_CAP
    from bot.lookup.vocabulary import build_vocabulary
    from bot.telegram_render import result_to_json

    rows = "".join(
        _row("lead", value=str(number + 1), country="CA", instrument=f"I{number}") for number in range(count)
    )
    index = build_index(read_thresholds_csv(io.StringIO(HEADER + "\n" + rows)))
    result = index.find(parse_query("lead Canada", build_vocabulary(all_locales=False)))
    payload = result_to_json(result, gettext.NullTranslations(), "en")
    assert len(payload["results"]) == min(count, JSON_RECORDS_CAP)
    assert payload["results_total"] == count
    assert payload["truncated"] is (count > JSON_RECORDS_CAP)
    json.dumps(payload, allow_nan=False)


def test_export_writes_a_survey_values_source_as_its_stored_code_and_imports_it_back():
    """`data export` (and /download/thresholds.csv) gives a survey value's source as the stored code (README, `data
    export`): not an English sentence, and read back unchanged, so the file imports as the same row."""
    from datetime import datetime

    from bot.lookup.records import iter_thresholds
    from bot.lookup.survey_entries import SurveySource, records_from_submission, survey_source
    from bot.services.thresholds import export_table
    from tests.lookup.test_survey_wording import AUTHORITY, LINK, instrument_submission

    records, _problems = records_from_submission(instrument_submission(), "KE", "Kenya", datetime(2026, 11, 30), 7)
    columns, cells = export_table([record.to_dict() for record in records])
    assert cells[0]["source_url_or_path"] == (
        f'insop-survey:{{"country":"KE","submitted":"2026-11-30","authority":"{AUTHORITY}","link":"{LINK}"}}'
    )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(cells)
    read_back = list(iter_thresholds(io.StringIO(buffer.getvalue())))
    assert [record.source for record in read_back] == [record.source for record in records]
    assert survey_source(read_back[0].source) == SurveySource(datetime(2026, 11, 30).date(), AUTHORITY, LINK)
