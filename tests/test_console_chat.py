"""`python -m bot chat` is a faithful place to try the bot: a survey goes on across runs, and reminders are sent."""

from __future__ import annotations

import pytest

from tests.test_cli import run_bot

pytestmark = pytest.mark.slow  # `python -m bot chat` processes


def test_a_survey_started_in_one_run_takes_answers_in_the_next(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/chat.db"}
    # Sign up as a focal point, start the survey from the button onboarding offers, pick the country.
    first = run_bot("chat", "--lang", "en", stdin="/start\nKenya\n1\n1\n1\n1\n", env=database)
    assert first.returncode == 0, first.stderr
    assert "[1] Start the survey ▶" in first.stdout
    assert "In what capacity are you answering?" in first.stdout
    second = run_bot("chat", "--lang", "en", stdin="1\n", env=database)
    assert second.returncode == 0, second.stderr
    assert "✓ In what capacity are you answering?: Official GSP national focal point" in second.stdout
    assert "Your full name" in second.stdout


def test_send_now_delivers_in_the_console(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/chat.db", "COORDINATOR_IDS": "777"}
    member = run_bot("chat", "--lang", "en", "--user-id", "501", stdin="/start\nKenya\n1\n1\n", env=database)
    assert member.returncode == 0, member.stderr
    # Template "please answer a survey", the first survey, everyone, Send now (and a confirmation, if asked).
    coordinator = run_bot("chat", "--lang", "en", "--user-id", "777", stdin="/start\nKenya\n1\n3\n/remind\n2\n1\n1\n1\n1\n",
                          env=database)
    assert coordinator.returncode == 0, coordinator.stderr
    assert "(to chat 501) Reminder from INSOP" in coordinator.stdout
