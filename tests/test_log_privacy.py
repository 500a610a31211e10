"""Secrets and personal data out of the logs (issue 11, part 7).

Logging is set up in a child process (`bot.__main__.configure_logging`, as `python -m bot` does), so
the hooks it installs do not touch the test runner.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage.db import create_engine
from tests.conftest import ROOT

# Python processes started to read their logs, on the committed database (its seed put back after the module).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed_database")]

TOKEN = "123456:SECRET-token_value"


def run_logged(code: str, **environment: str) -> subprocess.CompletedProcess:
    """Python `code` after `configure_logging(Settings())`, with BOT_TOKEN and `environment` set."""
    script = (
        "from bot.__main__ import configure_logging\nfrom bot.config import Settings\n"
        "configure_logging(Settings(_env_file=None))\n" + textwrap.dedent(code)
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "WEBHOOK_", "LOG_"))}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_token_with_a_trailing_newline_is_redacted_as_used():
    """A Kubernetes secret ends in a newline; the bot uses the token stripped, and so must the redaction."""
    result = run_logged(
        """
        import logging
        from bot.config import Settings
        settings = Settings(_env_file=None)
        assert settings.require_token() == %r
        logging.getLogger("aiogram").error("download failed: https://api.telegram.org/file/bot%s/documents/file_7.xlsx")
        logging.getLogger("aiohttp").error("GET /bot%s/getFile: 502")
    """
        % (TOKEN, TOKEN, TOKEN.replace(":", "%3A")),
        BOT_TOKEN=TOKEN + "\n",
        WEBHOOK_SECRET=" hook-secret\n",
    )
    assert result.returncode == 0, result.stderr
    assert "download failed" in result.stderr and "/bot[redacted]/documents" in result.stderr
    assert "SECRET-token_value" not in result.stderr


def test_uncaught_exceptions_and_warnings_go_through_the_log_setup():
    """Redacted and, with LOG_FORMAT=json, one JSON object per line like every other log line."""
    result = run_logged(
        """
        import asyncio, threading, warnings
        warnings.warn("deprecated call with bot%s")
        thread = threading.Thread(target=lambda: 1 / 0, name="worker")
        thread.start(); thread.join()

        async def forgotten():
            raise ValueError("task failed at /bot%s/sendMessage")

        async def main():
            asyncio.get_running_loop().create_task(forgotten())
            await asyncio.sleep(0.1)

        asyncio.run(main())
        import gc; gc.collect()
        raise RuntimeError("GET https://api.telegram.org/bot%s/getMe failed")
    """
        % (TOKEN, TOKEN, TOKEN),
        BOT_TOKEN=TOKEN,
        LOG_FORMAT="json",
    )
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stderr.splitlines()]  # every line is JSON
    assert "SECRET-token_value" not in result.stderr
    assert any(entry["logger"] == "py.warnings" and "deprecated call" in entry["message"] for entry in lines)
    assert any("worker" in entry["message"] and "ZeroDivisionError" in entry.get("exception", "") for entry in lines)
    assert any("task failed" in json.dumps(entry) for entry in lines)
    last = lines[-1]
    assert (
        last["level"] == "CRITICAL"
        and "RuntimeError" in last["exception"]
        and "bot[redacted]/getMe" in last["exception"]
    )


def test_the_bot_failing_at_startup_logs_one_json_record_without_the_token(tmp_path):
    """`python -m bot run` with an unusable API address: the traceback (with the request URL, token
    inside) is a redacted JSON record, not raw stderr."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "WEBHOOK_", "LOG_"))}
    env.update(
        BOT_TOKEN=TOKEN + "\n",
        LOG_FORMAT="json",
        TELEGRAM_API_BASE="http://127.0.0.1:99999",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode != 0
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert "SECRET-token_value" not in result.stderr
    assert lines[-1]["level"] == "CRITICAL" and "/bot[redacted]/deleteWebhook" in lines[-1]["exception"]


async def test_sql_errors_do_not_carry_their_parameters(database_url):
    """An answer or a name in a failing statement must not reach the log through the error message."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError) as raised:
                await connection.execute(
                    text("SELECT name FROM no_such_table WHERE name = :name"),
                    {"name": "Amina Wanjiru, Ministry of Soil"},
                )
        assert "Amina Wanjiru" not in str(raised.value)
        assert "no_such_table" in str(raised.value)  # the statement itself is still there to debug
    finally:
        await engine.dispose()
