"""PostgreSQL stopped under the running bot: a polite apology in the member's language, nothing
half-written, and the bot recovers by itself once the database is back. Runs only on PostgreSQL
(TEST_DATABASE_URL) on a machine where this test may stop and start the local cluster."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.i18n import LOCALES_DIR, compile_catalogs
from storage.db import create_engine
from storage.models import Member, Submission, SurveyAnswer
from tests.botprocess import BotProcess, open_threshold_survey

# Bot processes killed and restarted, on the committed database (its seed put back after the module).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed_database")]

USER = 7227
APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."


def _cluster() -> list[str] | None:
    versions = (
        sorted(path.name for path in Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").is_dir() else []
    )
    if not versions or shutil.which("pg_ctlcluster") is None:
        return None
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"]


def _on_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def _ctl(action: str) -> None:
    command = _cluster() + [action] + (["--mode=fast"] if action == "stop" else [])
    subprocess.run(command, check=True, timeout=60, capture_output=True)


def _wait_ready(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], timeout=10).returncode == 0:
            return
        time.sleep(0.2)
    raise AssertionError("PostgreSQL did not come back")


def spanish(msgid: str) -> str:
    import gettext

    compile_catalogs()  # this test may be the first of its session
    return gettext.translation("messages", LOCALES_DIR, languages=["es"]).gettext(msgid)


def to_user(fragment: str | None = None):
    return lambda call: (
        call.params.get("chat_id") == USER and (fragment is None or fragment in (call.params.get("text") or ""))
    )


async def trail(engine) -> tuple[dict, int]:
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(Submission.id, Submission.state)
                .join(Member, Member.id == Submission.member_id)
                .where(Member.telegram_id == USER)
            )
        ).one()
        count = await connection.scalar(select(func.count(SurveyAnswer.id)).where(SurveyAnswer.submission_id == row.id))
        return row.state, count


async def test_postgres_restart_under_the_running_bot(fake, database_url):
    if not _on_postgres(database_url):
        pytest.skip("needs TEST_DATABASE_URL on PostgreSQL")
    if _cluster() is None or os.geteuid() != 0:
        pytest.skip("needs pg_ctlcluster and the right to stop the local cluster")
    apology = spanish(APOLOGY)
    assert apology != APOLOGY, "the Spanish catalog has no apology"
    bot = BotProcess(fake, database_url)
    await bot.start()
    engine = create_engine(database_url)
    stopped = False
    try:
        since = fake.mark()
        await open_threshold_survey(fake, USER, "Lucía", since)
        fake.press_button(USER, text="Kenya")
        await fake.wait_for("sendMessage", to_user("In what capacity are you answering?"), since=since, timeout=20)
        fake.press_button(USER, text="Official GSP national focal point")
        await fake.wait_for("sendMessage", to_user("Your full name"), since=since, timeout=20)
        fake.inject_message("Lucía Gómez", user_id=USER, language_code="en")
        await fake.wait_for("sendMessage", to_user("Your work e-mail"), since=since, timeout=20)
        fake.inject_message("lucia@example.org", user_id=USER, language_code="en")
        await fake.wait_for("sendMessage", to_user("Which institution"), since=since, timeout=20)
        state_before, answers_before = await trail(engine)
        await engine.dispose()  # our own connections must not keep the cluster from stopping

        _ctl("stop")
        stopped = True
        # The member's Telegram is in Spanish now; the database (with their stored profile) is unreachable.
        since = fake.mark()
        fake.inject_message("Ministerio del Ambiente", user_id=USER, language_code="es")
        reply = await fake.wait_for("sendMessage", to_user(), since=since, timeout=60)
        assert reply.params["text"] == apology
        since = fake.mark()
        fake.inject_message("/survey", user_id=USER, language_code="es")
        reply = await fake.wait_for("sendMessage", to_user(), since=since, timeout=60)
        assert reply.params["text"] == apology

        _ctl("start")
        _wait_ready()
        stopped = False
        # No restart of the bot: the next message just works, and the one sent during the outage was not stored.
        since = fake.mark()
        fake.inject_message("Kenya Soil Survey", user_id=USER, language_code="en")
        reply = await fake.wait_for("sendMessage", to_user(), since=since, timeout=60)
        assert "checked with the authority" in reply.params["text"], reply.params["text"]
        state_after, answers_after = await trail(engine)
        assert answers_after == answers_before + 1
        assert state_after["answers"]["respondent/institution"] == "Kenya Soil Survey"
        assert {key: value for key, value in state_after["answers"].items() if key != "respondent/institution"} == {
            key: value for key, value in state_before["answers"].items() if key != "respondent/institution"
        }
    finally:
        if stopped:
            # Whatever happened above, the cluster is running again for the rest of the suite.
            subprocess.run(_cluster() + ["start"], timeout=60, capture_output=True)
            _wait_ready()
        bot.stop()
        await engine.dispose()
