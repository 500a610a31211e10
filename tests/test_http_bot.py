"""Level 3: the bot process over real HTTP against the project's fake Bot API on 127.0.0.1."""

from __future__ import annotations

import sys

import pytest
from sqlalchemy import select

from storage.db import create_engine
from storage.models import Member
from tests.botprocess import BotProcess
from tests.fakeapi.server import FakeBotAPI

# A bot process against the fake Bot API, on the committed database (its seed put back after the module).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed_database")]


def text_has(fragment: str):
    return lambda call: fragment in (call.params.get("text") or "")


async def stored_member(database_url: str, user_id: int) -> Member | None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            row = (await connection.execute(select(Member).where(Member.telegram_id == user_id))).first()
            return row
    finally:
        await engine.dispose()


async def test_commands_registered_per_language_over_http(fake, bot_process):
    call = await fake.wait_for("setMyCommands", {"language_code": "fr"}, timeout=10, consume=False)
    names = [command["command"] for command in call.params["commands"]]
    assert names[0] == "start" and {"help", "survey", "lookup", "language", "cancel"} <= set(names)


async def test_start_button_and_restart_after_kill_keeps_member(fake, bot_process, database_url):
    user = 4242
    since = fake.mark()
    fake.inject_command("start", user_id=user, language_code="en", first_name="Wanjiru")
    greeting = await fake.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == user and c.params.get("reply_markup"),
        since=since,
        timeout=15,
    )
    assert "Hello, Wanjiru!" in greeting.params["text"]

    fake.press_button(user, text="Français")
    edited = await fake.wait_for(
        "editMessageText", text_has("Langue choisie\u202f: Français."), since=since, timeout=15
    )
    assert edited.ok
    await fake.wait_for("answerCallbackQuery", since=since, timeout=15)
    await fake.wait_for("sendMessage", text_has("Dans quel pays travaillez-vous"), since=since, timeout=15)

    fake.inject_message("Keniya", user_id=user, language_code="en")  # misspelt: confirmed with a button
    await fake.wait_for("sendMessage", text_has("Vouliez-vous dire"), since=since, timeout=15)
    fake.press_button(user, text="Kenya")
    await fake.wait_for("editMessageText", text_has("Pays\u202f: Kenya."), since=since, timeout=15)
    await fake.wait_for("sendMessage", text_has("Quel est votre rôle"), since=since, timeout=15)

    bot_process.kill()
    member = await stored_member(database_url, user)
    assert (member.language, member.country) == ("fr", "KE")

    await bot_process.start()
    since = fake.mark()
    fake.inject_command("start", user_id=user, language_code="en")
    # Language and country survived the crash: the bot goes straight to the missing role, in French.
    await fake.wait_for("sendMessage", text_has("Quel est votre rôle"), since=since, timeout=15)
    fake.press_button(user, text="Laboratoire")
    await fake.wait_for("editMessageText", text_has("Merci, votre profil est complet."), since=since, timeout=15)
    member = await stored_member(database_url, user)
    assert member.role == "lab" and member.onboarded_at is not None


# `python -m bot run`, and on its way out the names of the modules the process imported, one per line.
_RUN_AND_LIST_MODULES = """
import atexit, os, runpy, sys
atexit.register(lambda: open(os.environ["MODULES_FILE"], "w").write("\\n".join(sorted(sys.modules))))
sys.argv[1:] = ["run"]
runpy.run_module("bot", run_name="__main__", alter_sys=True)
"""
# What only some paths need: migrations (Alembic with Mako and Pygments), XLSForms (pyxform), charts and
# exports (matplotlib, openpyxl: in the worker process), the web site (Jinja). A polling bot at rest holds none.
NOT_AT_REST = ("alembic", "mako", "pygments", "pyxform", "openpyxl", "matplotlib", "numpy", "PIL", "jinja2")


async def test_the_idle_bot_has_not_imported_what_only_some_paths_need(database_url, tmp_path):
    """The resident memory of an idle bot (README, Benchmarks): a bot that started on a database at the
    newest schema, registered its menus, built its vocabulary and waits for updates imported none of these."""
    from bot.app import open_storage
    from bot.config import Settings

    storage = await open_storage(Settings(_env_file=None, database_url=database_url, bot_token=None))
    await storage.engine.dispose()
    listing = tmp_path / "modules.txt"
    async with FakeBotAPI.running() as fake:
        process = BotProcess(
            fake,
            database_url,
            extra_env={"MODULES_FILE": str(listing)},
            command=[sys.executable, "-c", _RUN_AND_LIST_MODULES],
        )
        await process.start()
        await fake.wait_for("setMyCommands", timeout=30, consume=False)
        process.stop()
    modules = set(listing.read_text().split())
    assert {"aiogram", "bot.server", "bot.lookup.vocabulary", "storage.db"} <= modules  # the listing is the bot's
    assert sorted(name for name in modules if name.split(".")[0] in NOT_AT_REST) == []


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_webhook_mode_checks_the_secret_and_serves_updates(database_url):
    import asyncio
    import subprocess
    import sys

    import aiohttp

    from tests.conftest import ROOT

    port = free_port()
    async with FakeBotAPI.running() as fake:
        process = BotProcess(fake, database_url)
        environment = process.environment() | {
            "PORT": str(port),
            "WEBHOOK_URL": f"http://127.0.0.1:{port}",
            "WEBHOOK_SECRET": "s3cret-hook_42",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "bot", "webhook"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            registered = await fake.wait_for("setWebhook", timeout=60)
            assert registered.params["url"] == f"http://127.0.0.1:{port}/webhook"
            assert registered.params["secret_token"] == "s3cret-hook_42"

            async with aiohttp.ClientSession() as client:
                for _ in range(100):  # the site starts listening right after setWebhook
                    try:
                        async with client.get(f"http://127.0.0.1:{port}/healthz") as response:
                            assert response.status == 200 and (await response.json())["status"] == "ok"
                            break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.1)
                update = {
                    "update_id": 1,
                    "message": {
                        "message_id": 1,
                        "date": 0,
                        "chat": {"id": 77, "type": "private"},
                        "from": {"id": 77, "is_bot": False, "first_name": "X"},
                        "text": "/help",
                    },
                }
                async with client.post(f"http://127.0.0.1:{port}/webhook", json=update) as response:
                    assert response.status == 401
                async with client.post(
                    f"http://127.0.0.1:{port}/webhook",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                ) as response:
                    assert response.status == 401
            assert not fake.calls_of("sendMessage")

            # Telegram (the fake) delivers with the right secret: the bot answers.
            since = fake.mark()
            fake.inject_command("help", user_id=5151, language_code="fr")
            reply = await fake.wait_for("sendMessage", {"chat_id": 5151}, since=since, timeout=15)
            assert "Ce que je peux faire" in reply.params["text"]
        finally:
            server.send_signal(2)
            try:
                # communicate, not wait: it reads stderr meanwhile, so a chatty log never fills the pipe
                # and blocks the process on its way out.
                _output, errors = server.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.communicate(timeout=10)
                raise AssertionError("the webhook process did not stop within 30 s of SIGINT") from None
        assert b"s3cret-hook_42" not in errors
