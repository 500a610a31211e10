"""`python -m bot chat` is a faithful place to try the bot: a survey goes on across runs, and reminders are sent."""

from __future__ import annotations

import pytest

from tests.test_cli import run_bot

pytestmark = pytest.mark.slow  # `python -m bot chat` processes


def test_a_survey_started_in_one_run_takes_answers_in_the_next(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/chat.db"}
    # Sign up as a member, start the survey from the button onboarding offers, pick the country.
    first = run_bot("chat", "--lang", "en", stdin="/start\nKenya\n2\n/survey\n1\n1\n", env=database)
    assert first.returncode == 0, first.stderr
    assert "[1] INSOP soil threshold values" in first.stdout
    assert "In what capacity are you answering?" in first.stdout
    second = run_bot("chat", "--lang", "en", stdin="1\n", env=database)
    assert second.returncode == 0, second.stderr
    # "1" presses the first button of the question shown in the first run (shown again on start).
    assert "(the last message with buttons, from your previous chat)" in second.stdout
    assert "In what capacity are you answering? → Official GSP national focal point" in second.stdout
    assert "Your full name" in second.stdout


def test_a_number_presses_the_buttons_shown_in_the_previous_run(tmp_path):
    """Issue 17: after a restart, "1" meant for a button shown before was taken as text. The console keeps each
    user's last buttons in the bot's storage, shows them again on start, and a number presses them."""
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/chat.db"}
    first = run_bot("chat", "--lang", "en", "--user-id", "42", stdin="/start\nKenyia\n", env=database)
    assert first.returncode == 0, first.stderr
    assert "Did you mean:\n[1] Kenya" in first.stdout
    second = run_bot("chat", "--lang", "en", "--user-id", "42", stdin="1\n", env=database)
    assert second.returncode == 0, second.stderr
    assert "(the last message with buttons, from your previous chat)\nDid you mean:\n[1] Kenya" in second.stdout
    assert "(edited) Country: Kenya." in second.stdout and "What is your role in the network?" in second.stdout
    third = run_bot("chat", "--lang", "en", "--user-id", "42", stdin="2\n/profile\n", env=database)
    assert third.returncode == 0, third.stderr
    assert (
        "[2] INSOP member / other" in third.stdout and "(edited) Thank you, your profile is complete." in third.stdout
    )
    assert "Role: INSOP member / other" in third.stdout  # button 2 was pressed, not the first one
    # Another console user has no buttons of 42's: "1" is their text.
    other = run_bot("chat", "--lang", "en", "--user-id", "43", stdin="1\n", env=database)
    assert other.returncode == 0, other.stderr
    assert "previous chat" not in other.stdout and "Country: Kenya" not in other.stdout


def test_send_now_delivers_in_the_console(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/chat.db", "COORDINATOR_IDS": "777"}
    member = run_bot("chat", "--lang", "en", "--user-id", "501", stdin="/start\nKenya\n1\n", env=database)
    assert member.returncode == 0, member.stderr
    # Template "please answer a survey", the first survey, everyone, Send now (and a confirmation, if asked).
    coordinator = run_bot(
        "chat", "--lang", "en", "--user-id", "777", stdin="/start\nKenya\n3\n/remind\n2\n1\n1\n1\n1\n", env=database
    )
    assert coordinator.returncode == 0, coordinator.stderr
    assert "(to chat 501) Reminder from INSOP" in coordinator.stdout


def _printer(tmp_path, **options):
    import io

    from bot.console import ConsolePrinter

    out = io.StringIO()
    return ConsolePrinter(out, 1, files_dir=tmp_path / "chat-files", **options), out


def _sent(method: str, field: str, content: bytes, filename: str | None = None):
    from aiogram.types import BufferedInputFile

    from bot.local_api import Call

    params = {"chat_id": 1, "caption": "Chart"}
    if filename is not None:
        params[field] = BufferedInputFile(content, filename=filename)
    return Call(method, params, files={field: content})


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 40


def test_pictures_and_files_are_saved_and_their_path_printed(tmp_path):
    printer, out = _printer(tmp_path)
    printer.begin_turn()
    printer(_sent("sendPhoto", "photo", PNG))
    printer(_sent("sendPhoto", "photo", PNG + b"2"))
    printer(_sent("sendDocument", "document", b"a,b\n", filename="../../etc/export;rm -rf.csv"))
    printer.end_turn()
    folder = tmp_path / "chat-files"
    saved = sorted(path.name for path in folder.iterdir())
    assert saved == ["export_rm_-rf.csv", "picture-2.png", "picture.png"]  # the bot's name, never its path
    assert (folder / "picture.png").read_bytes() == PNG and (folder / "picture-2.png").read_bytes() == PNG + b"2"
    text = out.getvalue()
    assert f"[picture, {len(PNG)} bytes, saved to {folder / 'picture.png'}]" in text
    assert f"saved to {folder / saved[0]}]" in text and "Chart" in text
    assert not (tmp_path / "etc").exists()


def test_open_uses_the_viewer_and_never_fails_without_one(tmp_path, monkeypatch):
    import bot.console as console

    opened = []
    printer, out = _printer(tmp_path, open_files=True, opener=lambda path: opened.append(path))
    printer(_sent("sendPhoto", "photo", PNG))
    assert opened == [tmp_path / "chat-files" / "picture.png"]

    # No xdg-open/open on this machine: the chat says so and goes on.
    monkeypatch.setattr(console.shutil, "which", lambda name: None)
    monkeypatch.setattr(console.sys, "platform", "linux")
    printer, out = _printer(tmp_path, open_files=True)
    printer(_sent("sendPhoto", "photo", PNG))
    assert "(!) cannot open" in out.getvalue() and "no system viewer" in out.getvalue()

    # A viewer that cannot start is reported, not raised.
    monkeypatch.setattr(console.shutil, "which", lambda name: "/nonexistent/xdg-open")
    assert console.open_with_viewer(tmp_path / "chat-files" / "picture.png")


def test_a_folder_that_cannot_be_written_does_not_end_the_chat(tmp_path):
    blocker = tmp_path / "chat-files"
    blocker.write_text("a file where the folder should be")
    printer, out = _printer(tmp_path)
    printer(_sent("sendPhoto", "photo", PNG))
    assert "(!) cannot save picture.png" in out.getvalue() and f"[picture, {len(PNG)} bytes]" in out.getvalue()


def test_the_chat_command_saves_the_stats_chart_where_asked(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/chat.db", "COORDINATOR_IDS": "777"}
    folder = tmp_path / "pictures"
    result = run_bot(
        "chat",
        "--lang",
        "en",
        "--user-id",
        "777",
        "--files-dir",
        str(folder),
        "--open",
        stdin="/start\nKenya\n3\n/stats\n",
        env=database | {"PATH": "/nonexistent"},
    )
    assert result.returncode == 0, result.stderr
    pictures = list(folder.iterdir())
    assert pictures and pictures[0].read_bytes().startswith(b"\x89PNG")
    assert f"saved to {pictures[0]}]" in result.stdout
    assert "Traceback" not in result.stderr
