"""Hostile updates against the real processes (issue 11): `python -m bot run` and `python -m bot webhook`
over the fake Bot API.

Forged callback data for every prefix the bot uses (huge, negative, non-numeric, missing and extra
fields, control characters, overlong), from a member in the middle of a survey and from a
coordinator; update kinds the bot does not know; messages and buttons from groups and channels.
Afterwards the process is alive, every update was confirmed, every button press was answered,
nothing was stored, nothing was logged as a failure, and a normal lookup is answered.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time

import aiohttp
import pytest
from sqlalchemy import func, select

from storage.db import create_engine
from storage.models import Member, Submission, SurveyAnswer
from tests.botprocess import BotProcess, open_threshold_survey, sent_to
from tests.conftest import ROOT
from tests.fakeapi.server import FakeBotAPI

# A bot process against the fake Bot API, on the committed database (its seed put back after the module).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed_database")]

COORDINATOR = 900  # COORDINATOR_IDS of BotProcess
BAD_INTS = ("99999999999999999999", "2147483648", "-1", "-99999999999999999999", "x", "", "1.5", "0x10", "²", " 1")
# Each prefix with its fields: "i" an id or number, "s" a string; as bot/callbacks.py and privacy.py define them.
PREFIXES = {
    "lang": "s",
    "ctry": "s",
    "role": "s",
    "svo": "i",
    "svs": "issi",
    "cmp": "ss",
    "crm": "iss",
    "crx": "is",
    "crv": "iss",
    "cex": "ii",
    "cpb": "iss",
    "forget": "ii",
    "lkp": "ssissss",
    "civ": "ssiis",
    "prf": "s",
    "sva": "is",
    "doc": "i",
}
GOOD = {"i": "1", "s": "ok"}


def forged_payloads() -> list[str | None]:
    """Every way to get a payload wrong, for every prefix."""
    payloads: list[str | None] = [None, "", "zzz:1", ":", "::::", "\x00", "x" * 64]
    for prefix, fields in PREFIXES.items():
        good = [GOOD[kind] for kind in fields]
        payloads += [prefix, f"{prefix}:{':'.join(good)}:extra", f"{prefix}:{':'.join(good[:-1])}"]
        for position, kind in enumerate(fields):
            bad_values = BAD_INTS if kind == "i" else ("\x00", "a\nb", "é" * 30, "x" * 70, "%s")
            for bad in bad_values:
                payloads.append(":".join([prefix, *good[:position], bad, *good[position + 1 :]]))
    # In range but no such row: must be "not available", not an SQL error.
    payloads += [
        "svo:2147483647",
        "svs:2147483647:abcd1234:c:0",
        "crv:2147483647:ok:",
        "cex:2147483647:0",
        "crm:2147483647:now:",
        "crx:2147483647:cancel",
        "cpb:2147483647:ok:",
    ]
    return payloads


async def answers_stored(engine, telegram_id: int) -> int:
    async with engine.connect() as connection:
        return await connection.scalar(
            select(func.count(SurveyAnswer.id))
            .join(Submission, Submission.id == SurveyAnswer.submission_id)
            .join(Member, Member.id == Submission.member_id)
            .where(Member.telegram_id == telegram_id)
        )


async def inject_hostile(fake: FakeBotAPI, member: int, group: int) -> list[str]:
    """Everything hostile, as Telegram would deliver it; returns the ids of the forged button presses."""
    queries: list[str] = []
    # Pressed under the bot's latest message in each private chat (the member's survey question), and
    # under a member's message in the group.
    member_message = fake.sent_messages(member)[-1]["message_id"]
    coordinator_message = fake.sent_messages(COORDINATOR)[-1]["message_id"]
    group_message = fake.inject_message("hello all", user_id=member, chat_id=group)["message"]["message_id"]
    for data in forged_payloads():
        for chat, message_id, user in (
            (member, member_message, member),
            (COORDINATOR, coordinator_message, COORDINATOR),
            (group, group_message, member),
        ):
            update = fake.inject_callback_query(chat, message_id, data, user_id=user)
            queries.append(update["callback_query"]["id"])
    # Buttons under a message too old for Telegram to show the bot (an InaccessibleMessage: date 0).
    for data in (
        "lang:fr",
        "ctry:KE",
        "role:member",
        f"forget:{member}:1",
        "svo:1",
        "lkp:cadmium:NL:1::::",
        "cmp:cadmium::",
    ):
        query_id = f"old-{len(queries)}"
        callback = {
            "id": query_id,
            "from": {"id": member, "is_bot": False, "first_name": "Nadia"},
            "chat_instance": "1",
            "message": {"message_id": member_message, "date": 0, "chat": {"id": member, "type": "private"}},
            "data": data,
        }
        fake.callback_queries[query_id] = {"query": callback, "answered": False, "answer": None}
        fake.inject_update({"callback_query": callback})
        queries.append(query_id)
    # Groups: personal and coordinator commands, a would-be survey answer, a channel.
    for text in ("/stats", "/mydata", "/invite focal_point KE", "/export ids", "/survey", "My survey answer"):
        fake.inject_message(
            text,
            user_id=COORDINATOR if text in ("/stats", "/export ids", "/invite focal_point KE") else member,
            chat_id=group,
        )
    fake.register_chat(-1_001_234_567_890, type="channel", title="News")
    fake.inject_update(
        {
            "channel_post": {
                "message_id": 1,
                "date": int(time.time()),
                "text": "/stats",
                "chat": {"id": -1_001_234_567_890, "type": "channel", "title": "News"},
            }
        }
    )
    # Update kinds the bot does not handle, or that no aiogram knows.
    user = {"id": member, "is_bot": False, "first_name": "Nadia"}
    fake.inject_update({"future_kind": {"id": 1, "from": user}})
    fake.inject_update({})
    fake.inject_update(
        {
            "edited_message": {
                "message_id": 99,
                "date": int(time.time()),
                "edit_date": int(time.time()),
                "chat": {"id": member, "type": "private"},
                "from": user,
                "text": "edited",
            }
        }
    )
    fake.inject_update(
        {
            "poll": {
                "id": "1",
                "question": "?",
                "options": [],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
            }
        }
    )
    return queries


async def settle(fake: FakeBotAPI, queries: list[str], timeout: float = 120) -> None:
    """Until every update is confirmed (polling) or delivered (webhook) and every press answered."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        unanswered = [query for query in queries if not fake.callback_queries[query]["answered"]]
        if not fake.updates and not unanswered:
            return
        await asyncio.sleep(0.2)
    unanswered = [
        fake.callback_queries[query]["query"].get("data")
        for query in queries
        if not fake.callback_queries[query]["answered"]
    ]
    raise AssertionError(
        f"pending updates {[u['update_id'] for u in fake.updates][:10]}; unanswered presses {unanswered[:10]}"
    )


async def normal_lookup_answered(fake: FakeBotAPI, user: int) -> None:
    since = fake.mark()
    fake.inject_command("lookup", "cadmium agricultural Netherlands", user_id=user, language_code="en")
    reply = await fake.wait_for("sendMessage", sent_to(user), since=since, timeout=30)
    assert "Cadmium" in reply.params["text"] and "Netherlands" in reply.params["text"]


def check_group_quiet(fake: FakeBotAPI, group: int) -> None:
    """One note in the group and nothing personal: no statistics, file or chart. (Forged "cmp" presses
    are lookups, which groups may use: with no known pollutant they ask which one.)"""
    into_group = [call for call in fake.calls if call.params.get("chat_id") == group and call.method.startswith("send")]
    notes = [
        call for call in into_group if "In groups I only answer threshold lookups" in (call.params.get("text") or "")
    ]
    others = [
        (call.method, call.params.get("text"))
        for call in into_group
        if call not in notes
        and not (call.method == "sendMessage" and call.params["text"].startswith("Which pollutant should I compare?"))
    ]
    assert len(notes) == 1 and not others, (len(notes), others)


def check_no_apology(fake: FakeBotAPI) -> None:
    """Hostile input is refused, not failed on: nobody got "something went wrong"."""
    texts = [
        call.params.get("text") or "" for call in fake.calls if call.method in ("sendMessage", "answerCallbackQuery")
    ]
    assert not [text for text in texts if "something went wrong" in text]


def check_clean_log(stderr: str, token: str) -> None:
    failures = [
        line for line in stderr.splitlines() if " ERROR " in line or " CRITICAL " in line or "Traceback" in line
    ]
    assert not failures, "\n".join(failures[:20])
    assert token not in stderr


async def test_polling_process_survives_hostile_updates(fake, database_url):
    member, group, stranger = 7331, -1_000_000_007_331, 7332
    fake.configure(deliver_all_kinds=True)
    bot = BotProcess(fake, database_url)
    await bot.start()
    engine = create_engine(database_url)
    try:
        since = fake.mark()
        await open_threshold_survey(fake, member, "Nadia", since)
        fake.inject_command("start", user_id=COORDINATOR, language_code="en")
        await fake.wait_for("sendMessage", sent_to(COORDINATOR), since=since, timeout=20)
        before = await answers_stored(engine, member)

        queries = await inject_hostile(fake, member, group)
        await settle(fake, queries)
        assert bot.process.poll() is None, "the bot process died: " + bot.stderr()
        assert await answers_stored(engine, member) == before
        check_group_quiet(fake, group)
        check_no_apology(fake)
        await normal_lookup_answered(fake, stranger)
        # The member's survey goes on where it was.
        since = fake.mark()
        fake.inject_command("resume", user_id=member, language_code="en")
        await fake.wait_for(
            "sendMessage", sent_to(member, "Which country are you answering about?"), since=since, timeout=20
        )
        fake.press_button(member, text="Kenya")
        await fake.wait_for(
            "sendMessage", sent_to(member, "In what capacity are you answering?"), since=since, timeout=20
        )
    finally:
        fake.configure(deliver_all_kinds=False)
        bot.stop()
        await engine.dispose()
    check_clean_log(bot.stderr(), fake.token)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def raw_post(port: int, headers: bytes, body: bytes) -> int:
    """An HTTP request written byte by byte (a header aiohttp's client would not send); returns the status."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + headers
        + b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n"
        + body
    )
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    return int(status_line.split()[1])


async def test_webhook_process_survives_hostile_updates(database_url):
    member, group, stranger = 7341, -1_000_000_007_341, 7342
    secret = "s3cret-hostile_41"
    port = free_port()
    async with FakeBotAPI.running(deliver_all_kinds=True) as fake:
        process = BotProcess(fake, database_url)
        environment = process.environment() | {
            "PORT": str(port),
            "WEBHOOK_URL": f"http://127.0.0.1:{port}",
            "WEBHOOK_SECRET": secret + "\n",
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
            assert registered.params["secret_token"] == secret  # the trailing newline is not part of it
            async with aiohttp.ClientSession() as client:
                for _ in range(100):
                    try:
                        async with client.get(f"http://127.0.0.1:{port}/healthz") as response:
                            if response.status == 200:
                                break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.1)
                # A secret with non-ASCII characters is a wrong secret (401), not a server error.
                update = b'{"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "/help"}}'
                for header in ("ñ".encode(), "秘密".encode(), secret.encode() + "é".encode("latin-1"), b"\xff\xfe"):
                    status = await raw_post(port, b"X-Telegram-Bot-Api-Secret-Token: " + header + b"\r\n", update)
                    assert status == 401, (header, status)
                # The right secret with a body that is no update: answered, not a 500 Telegram would retry forever.
                for body in (b"not json", b'{"update_id": "x"}', b"[]", b'{"update_id": 2, "message": {"text": 5}}'):
                    status = await raw_post(
                        port, b"X-Telegram-Bot-Api-Secret-Token: " + secret.encode() + b"\r\n", body
                    )
                    assert status == 200, (body, status)
            assert not fake.calls_of("sendMessage")

            since = fake.mark()
            await open_threshold_survey(fake, member, "Nadia", since)
            fake.inject_command("start", user_id=COORDINATOR, language_code="en")
            await fake.wait_for("sendMessage", sent_to(COORDINATOR), since=since, timeout=20)
            queries = await inject_hostile(fake, member, group)
            await settle(fake, queries)
            failed = [delivery for delivery in fake.webhook_deliveries if not delivery.get("ok")]
            assert not failed, failed[:5]
            assert server.poll() is None
            check_group_quiet(fake, group)
            check_no_apology(fake)
            await normal_lookup_answered(fake, stranger)
        finally:
            server.send_signal(2)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        check_clean_log(server.stderr.read().decode(errors="replace"), fake.token)


def test_every_prefix_is_forged():
    """A new button kind is forged here too: the list above names every callback data prefix of the bot."""
    from tests.test_callbacks import FACTORIES

    assert set(PREFIXES) == {factory.__prefix__ for factory in FACTORIES}
