"""Production mode: two `python -m bot webhook` processes behind a (simulated) load balancer.

They share the database (PostgreSQL with TEST_DATABASE_URL, else one SQLite file) and Redis. Updates
are POSTed alternately to both, with the secret header, as Telegram does; the member's onboarding and
survey move on consistently whichever process gets the update, and a redelivery that reaches the
other process is dropped there (Redis ledger). Logs are JSON lines without the token or personal data.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import subprocess
import sys
import time

import aiohttp
import pytest
from sqlalchemy import func, select

from storage.db import create_engine
from storage.models import Member, Submission, SurveyAnswer
from tests.botprocess import BotProcess
from tests.conftest import ROOT
from tests.fakeapi.server import FakeBotAPI
from tests.test_production_dedupe import REDIS_URL, redis_reachable

# Webhook bot processes, on the committed database (its seed put back after the module).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed_database")]

USER = 8108
SECRET = "hook-secret_for-two-processes"
NAME = "Grace-Wanjiku"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Telegram:
    """Builds updates like Telegram and POSTs them to one of the webhook processes."""

    def __init__(self, fake: FakeBotAPI, client: aiohttp.ClientSession, ports: list[int]) -> None:
        self.fake = fake
        self.client = client
        self.ports = ports
        # Update ids no earlier run used: the Redis ledger remembers ids for 24 h.
        self.ids = itertools.count(random.randrange(10**12, 10**13))
        self.turn = itertools.cycle(range(len(ports)))

    def message(self, text: str) -> dict:
        update_id = next(self.ids)
        message = {
            "message_id": update_id % 10**9,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": USER, "type": "private", "first_name": NAME},
            "from": {"id": USER, "is_bot": False, "first_name": NAME, "language_code": "en"},
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"update_id": update_id, "message": message}

    def press(self, label: str) -> dict:
        keyboard = self.fake.last_inline_keyboard(USER)
        assert keyboard is not None, "no keyboard to press"
        buttons = [button for row in keyboard["inline_keyboard"] for button in row if label in button["text"]]
        assert buttons, f"no button {label!r} in {keyboard['inline_keyboard']}"
        update_id = next(self.ids)
        query = {
            "id": str(update_id),
            "chat_instance": "1",
            "data": buttons[0]["callback_data"],
            "from": {"id": USER, "is_bot": False, "first_name": NAME, "language_code": "en"},
            "message": json.loads(json.dumps(self.fake.messages[(USER, keyboard["message_id"])])),
        }
        # Telegram knows the queries it sent; the fake answers answerCallbackQuery only for those.
        self.fake.callback_queries[query["id"]] = {"query": query, "answered": False, "answer": None}
        return {"update_id": update_id, "callback_query": query}

    async def post(self, update: dict, port: int | None = None) -> int:
        """Deliver to the next process in turn (or to `port`); the answer comes after the update is handled."""
        port = port if port is not None else self.ports[next(self.turn)]
        async with self.client.post(
            f"http://127.0.0.1:{port}/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        ) as response:
            assert response.status == 200, await response.text()
        return port

    def last_text(self) -> str:
        messages = self.fake.sent_messages(USER)
        return messages[-1].get("text", "") if messages else ""


async def stored_state(database_url: str) -> tuple[Member | None, dict | None, int, int]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            member = (await connection.execute(select(Member).where(Member.telegram_id == USER))).first()
            if member is None:
                return None, None, 0, 0
            draft = (
                await connection.execute(
                    select(Submission.id, Submission.state)
                    .where(Submission.member_id == member.id)
                    .order_by(Submission.id.desc())
                    .limit(1)
                )
            ).first()
            if draft is None:
                return member, None, 0, 0
            answers = await connection.scalar(
                select(func.count(SurveyAnswer.id)).where(SurveyAnswer.submission_id == draft.id)
            )
            distinct = await connection.scalar(
                select(func.count(func.distinct(SurveyAnswer.update_id))).where(SurveyAnswer.submission_id == draft.id)
            )
            return member, draft.state, answers, distinct
    finally:
        await engine.dispose()


async def wait_healthy(client: aiohttp.ClientSession, port: int, process: subprocess.Popen, log_path=None) -> dict:
    for _ in range(600):  # at most ~60 s
        if process.poll() is not None:
            output = log_path.read_text(errors="replace")[-3000:] if log_path else ""
            raise AssertionError(f"webhook process on {port} exited: {output}")
        try:
            async with client.get(f"http://127.0.0.1:{port}/healthz") as response:
                return {"http": response.status, **(await response.json())}
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"webhook process on {port} never answered /healthz")


async def test_two_webhook_processes_share_database_and_redis(database_url, tmp_path):
    use_redis = await redis_reachable()
    if not use_redis and os.environ.get("CI"):
        pytest.fail(f"Redis is not reachable at {REDIS_URL} but CI must run the Redis part")
    ports = [free_port(), free_port()]
    processes: list[subprocess.Popen] = []
    logs = [tmp_path / f"webhook-{port}.log" for port in ports]
    async with FakeBotAPI.running() as fake:
        try:
            for port, log_path in zip(ports, logs):
                environment = BotProcess(fake, database_url).environment() | {
                    "PORT": str(port),
                    "WEBHOOK_URL": f"http://127.0.0.1:{port}",
                    "WEBHOOK_SECRET": SECRET,
                    "LOG_FORMAT": "json",
                    "LOG_LEVEL": "INFO",
                }
                if use_redis:
                    environment["REDIS_URL"] = REDIS_URL
                else:
                    environment.pop("REDIS_URL", None)
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "bot", "webhook"],
                        cwd=ROOT,
                        env=environment,
                        stdout=subprocess.DEVNULL,
                        stderr=open(log_path, "wb"),
                    )
                )
                # One after the other, as a rolling deploy does (two SQLite processes migrating at once collide).
                async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as client:
                    health = await wait_healthy(client, port, processes[-1], log_path)
                    assert health == {"http": 200, "status": "ok", "database": "ok"}
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as client:
                telegram = Telegram(fake, client, ports)

                used = set()
                used.add(await telegram.post(telegram.message("/start")))
                assert "Which country do you work in?" in telegram.last_text()
                used.add(await telegram.post(telegram.message("Kenyia")))
                assert "Did you mean" in telegram.last_text()
                await telegram.post(telegram.press("Kenya"))
                member, _state, _answers, _distinct = await stored_state(database_url)
                assert member.country == "KE" and member.role is None
                await telegram.post(telegram.press("INSOP member / other"))  # focal points are appointed
                member, *_ = await stored_state(database_url)
                assert member.role == "member" and member.onboarded_at is not None
                assert used == set(ports)

                await telegram.post(telegram.message("/survey"))
                await telegram.post(telegram.press("INSOP soil threshold values"))
                await telegram.post(telegram.press("Kenya"))
                assert "In what capacity are you answering?" in telegram.last_text()
                await telegram.post(telegram.press("Official GSP national focal point"))
                answer = telegram.message("Director of soils")
                handled_by = await telegram.post(answer)
                assert "Your work e-mail" in telegram.last_text()
                await telegram.post(telegram.message("director@example.org"))
                assert "Which institution" in telegram.last_text()
                await telegram.post(telegram.message("Ministry of Environment"))
                assert "checked with the authority" in telegram.last_text()

                _member, state, answers, distinct = await stored_state(database_url)
                assert state["answers"]["respondent/resp_name"] == "Director of soils"
                assert state["answers"]["respondent/institution"] == "Ministry of Environment"
                assert state["answers"]["respondent/resp_capacity"] == "gsp_focal_point"
                assert answers == distinct == 5

                # Telegram redelivers an answer to the *other* process: nothing is stored or sent twice.
                other = ports[1 - ports.index(handled_by)]
                before = len(fake.sent_messages(USER))
                since = fake.mark()
                await telegram.post(answer, port=other)
                assert len(fake.sent_messages(USER)) == before
                if use_redis:
                    # Dropped by the shared ledger before any handler ran: no call to Telegram at all.
                    assert [
                        call for call in fake.calls if call.seq > since and call.params.get("chat_id") == USER
                    ] == []
                _member, state_after, answers_after, _ = await stored_state(database_url)
                assert (state_after, answers_after) == (state, answers)

                # /resume on either process shows the same next question.
                for port in ports:
                    await telegram.post(telegram.message("/resume"), port=port)
                    assert "checked with the authority" in telegram.last_text()
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(2)
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
        token = fake.token
    for log_path in logs:
        lines = [line for line in log_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert lines, f"{log_path.name} is empty"
        for line in lines:
            entry = json.loads(line)  # every line is one JSON object
            assert {"time", "level", "logger", "message"} <= entry.keys()
        text = "\n".join(lines)
        assert token not in text and token.split(":")[1] not in text and SECRET not in text
        for personal in (NAME, "Director of soils", "Ministry of Environment"):
            assert personal not in text, f"{personal!r} logged in {log_path.name}"


async def test_health_is_503_when_the_database_is_down(settings):
    """A load balancer stops routing to a process whose database is unreachable."""
    from aiohttp.test_utils import TestClient, TestServer

    from bot.app import build_bot, build_dispatcher, build_i18n, open_storage
    from bot.local_api import LocalBotAPI
    from storage.db import create_engine as make_engine

    storage = await open_storage(settings)
    dead = make_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    try:
        dispatcher = build_dispatcher(settings, storage, build_i18n(settings))
        bot = build_bot("1000:test", settings, session=LocalBotAPI())
        from bot.server import build_webhook_app

        for engine, expected in ((storage.engine, 200), (dead, 503)):
            app = build_webhook_app(settings.model_copy(update={"webhook_secret": None}), dispatcher, bot, engine)
            async with TestClient(TestServer(app)) as client:
                response = await client.get("/healthz")
                assert response.status == expected
                body = await response.json()
                assert body["database"] == ("ok" if expected == 200 else "down")
    finally:
        await dead.dispose()
        await storage.engine.dispose()
