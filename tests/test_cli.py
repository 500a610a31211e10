"""The command line as a newcomer uses it: console chat, and one clear line for bad configuration."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # `python -m bot` processes


def run_bot(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in {"BOT_TOKEN", "DATABASE_URL"}}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=timeout,
    )


def test_console_chat_answers_start_and_help_in_english(tmp_path):
    result = run_bot("chat", stdin="/start\n/help\n", env={"DATABASE_URL": f"sqlite:///{tmp_path}/chat.db"})
    assert result.returncode == 0, result.stderr
    assert "Hello, Console! I am the bot of INSOP" in result.stdout
    assert "[1] العربية  [2] 中文" in result.stdout
    assert "Which country do you work in?" in result.stdout
    assert "/language: change the language" in result.stdout
    assert "Traceback" not in result.stderr


def test_console_chat_buttons_are_pressed_by_number_and_language_sticks(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/chat.db"}
    result = run_bot("chat", "--lang", "en", stdin="/start\n4\nPays-Bas\n", env=database)
    assert result.returncode == 0, result.stderr
    assert "(edited) Langue choisie\u202f: Français." in result.stdout
    assert "Pays\u202f: Pays-Bas (Royaume des)." in result.stdout  # a name typed exactly: kept at once
    assert "Quel est votre rôle dans le réseau\u202f?" in result.stdout
    # A second session on the same database remembers the member and their language.
    result = run_bot("chat", "--lang", "en", stdin="/help\n", env=database)
    assert "Ce que je peux faire" in result.stdout


def test_run_without_token_exits_with_one_line(tmp_path):
    result = run_bot("run", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("error: BOT_TOKEN is not set")


def test_unreachable_database_exits_with_one_line_without_password():
    result = run_bot("db", "upgrade", env={"DATABASE_URL": "postgresql://insop:s3cret@127.0.0.1:1/nowhere"}, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot reach the database at postgresql+asyncpg://insop:***@127.0.0.1:1/nowhere")
    assert "s3cret" not in result.stderr


def test_bad_setting_exits_with_one_line():
    result = run_bot("chat", env={"COORDINATOR_IDS": "12,abc"}, timeout=60)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "COORDINATOR_IDS" in result.stderr


def test_lookup_cli_json_and_stdin_lines(tmp_path):
    import json

    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/lookup.db"}
    result = run_bot("lookup", "--json", "Pb industrial Canada", env=database)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["pollutant"], answer["land_use"], answer["country"]) == ("lead", "industrial", "CA")
    assert [(row["value"], row["unit"], row["year"]) for row in answer["results"]] == [(600.0, "mg/kg dw", 2007)]
    assert answer["results"][0]["source"] and answer["text"]
    # Issue 13's additive fields; where the value was read is never part of a lookup.
    first = answer["results"][0]
    assert (first["tier"], first["target"], first["land_use_detail"], first["soil_texture"], first["extraction"]) == (
        "assessment",
        ["human_health", "ecosystem"],
        [],
        None,
        None,
    )
    assert {"ph_min", "ph_max", "organic_carbon"} <= set(first) and "verification_note" not in result.stdout

    result = run_bot("lookup", "--json", stdin="cadmium limit in agricultural soil in Kenya\n镉 荷兰\n\n", env=database)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3
    assert lines[0]["country"] == "KE" and lines[0]["results"] == [] and lines[0]["alternatives"]
    assert (lines[1]["pollutant"], lines[1]["country"]) == ("cadmium", "NL") and lines[1]["results"]
    assert lines[2]["pollutant"] is None


def test_data_import_is_idempotent_and_names_bad_rows(tmp_path):
    import csv

    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/data.db"}
    exported = tmp_path / "export.csv"
    result = run_bot("data", "export", "--out", str(exported), env=database)
    assert result.returncode == 0, result.stderr
    with exported.open(encoding="utf-8", newline="") as handle:
        exported_rows = list(csv.DictReader(handle))
    assert len(exported_rows) == 965
    # Coordinators' export keeps where each value was read; lookups never show it.
    assert all(row["verification_note"] for row in exported_rows)
    result = run_bot("data", "import", str(exported), env=database)
    assert result.stdout.strip().endswith("0 values added, 965 already present")

    bad = tmp_path / "bad.csv"
    # The seed's columns, as in the export (which also names each country as the UN does, next to its code).
    header = [
        column
        for column in exported.read_text(encoding="utf-8").splitlines()[0].split(",")
        if column != "country_un_name"
    ][:15]
    bad.write_text(
        ",".join(header) + "\nCA,Canada,national,lead,,industrial,abc,mg/kg,guideline,total,,guideline,X,2007,src\n",
        encoding="utf-8",
    )
    result = run_bot("data", "import", str(bad), env=database)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"error: {bad}: row 2, column 'value': cannot read 'abc' as a number or a range like 1-3"
    )


def test_data_coverage_counts_jurisdictions_families_and_land_uses(tmp_path):
    import json

    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/coverage.db"}
    result = run_bot("data", "coverage", "--json", env=database)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["with_values"] == 23 and report["status_only"] == ["KE"] and report["values"] == 963
    germany = next(entry for entry in report["jurisdictions"] if entry["code"] == "DE")
    assert germany["region"] == "europe" and germany["values"] == 152
    assert germany["families"]["metal"]["residential"] == 24
    assert germany["tiers"] == {"action": 4, "assessment": 94, "food": 21, "protection": 33}
    assert any("BBodSchV" in item["instrument"] for item in germany["instruments"])
    text = run_bot("data", "coverage", env=database).stdout
    assert text.startswith("963 values from 23 jurisdictions")
    assert "KE Kenya: no values; recorded status: none - no national soil threshold values found" in text
    assert "Every other country: not yet surveyed." in text


def test_console_chat_refuses_a_user_id_telegram_never_gives(tmp_path):
    """Before: --user-id 99999999999999999999 printed an OverflowError traceback from SQLite, and 0 or a
    negative id turned the console into a group chat. Now: one usage line, exit 2."""
    for user_id in ("99999999999999999999", "0", "-5"):
        result = run_bot(
            "chat", "--user-id", user_id, stdin="/start\n", env={"DATABASE_URL": f"sqlite:///{tmp_path}/c.db"}
        )
        assert result.returncode == 2, (user_id, result.stderr)
        assert "--user-id" in result.stderr and "Traceback" not in result.stderr


def test_webhook_secret_telegram_would_refuse_exits_with_one_line(tmp_path):
    """Telegram's setWebhook accepts only A-Z, a-z, 0-9, _ and - (1 to 256): before, such a secret got
    through and the webhook server died at startup with Telegram's 400 as a traceback."""
    for secret in ("has space", "ñandú", "x" * 257):
        result = run_bot(
            "webhook",
            env={
                "DATABASE_URL": f"sqlite:///{tmp_path}/w.db",
                "BOT_TOKEN": "1:x",
                "WEBHOOK_URL": "https://bot.example.org",
                "WEBHOOK_SECRET": secret,
            },
            timeout=60,
        )
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: setting WEBHOOK_SECRET"), result.stderr
        assert secret not in result.stderr
