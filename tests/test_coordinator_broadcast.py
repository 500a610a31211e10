"""Level 3: a reminder broadcast to 2,000 members by the sender process (`python -m bot send-reminders`)
over real HTTP against a fake Telegram that allows 30 messages per (fake) second and answers 429 above it.

Every message is accepted once, also when the sender is killed with SIGKILL halfway and started again.
Its own module: a bot process left running by another module would run a second sender on the
same database (safe, but its messages would go to another fake).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from storage.models import Member, Reminder, ReminderDelivery, utcnow
from tests.conftest import ROOT
from tests.fakeapi.server import FakeBotAPI
from tests.test_coordinator_http import with_session

# A bot process against the fake Bot API, on the committed database (its seed put back after the module).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed_database")]

COORDINATOR = 900


# ================================================================ the broadcast


RECIPIENTS = 2_000
FIRST_CHAT = 7_000_000
BLOCKED = {FIRST_CHAT + 17, FIRST_CHAT + 1_234}
TIME_SCALE = 20
RATE_LIMIT = 30


def sender_process(fake: FakeBotAPI, database_url: str, log) -> subprocess.Popen:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "WEBHOOK_", "SEND_"))}
    environment.update(
        BOT_TOKEN=fake.token,
        TELEGRAM_API_BASE=fake.base_url,
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        # 30 messages per fake second at 20 fake seconds per wall second: 600 per wall second. Aim at 90 %.
        SEND_RATE=str(RATE_LIMIT * TIME_SCALE * 0.9),
        SEND_LEASE="2",
        SEND_WORKERS="4",
        SEND_WINDOW=str(1 / TIME_SCALE),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "send-reminders", "--until-idle"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=log,
    )


async def test_broadcast_to_2000_members_exactly_once_across_a_kill(database_url):
    async def prepare(session):
        session.add_all(
            [
                Member(
                    telegram_id=FIRST_CHAT + offset,
                    name=f"M{offset}",
                    country="QZ",
                    role="focal_point",
                    language=("en", "fr", "es", "ru", "zh", "ar")[offset % 6],
                    created_at=utcnow(),
                    last_seen_at=utcnow(),
                    onboarded_at=utcnow(),
                )
                for offset in range(RECIPIENTS)
            ]
        )
        reminder = Reminder(
            created_by=COORDINATOR,
            texts={"en": "Broadcast test", "fr": "Test de diffusion"},
            template_args={},
            audience={"kind": "country", "value": "QZ"},
            status="scheduled",
            scheduled_for=utcnow(),
            created_at=utcnow(),
        )
        session.add(reminder)
        await session.flush()
        return reminder.id

    reminder_id = await with_session(database_url, prepare)
    started = time.monotonic()
    async with FakeBotAPI.running(rate_limit=RATE_LIMIT, time_scale=TIME_SCALE, blocked=BLOCKED) as fake:
        fake.fail_next("sendMessage", times=2, error_code=429, retry_after=1)
        with tempfile.TemporaryFile() as log:
            process = sender_process(fake, database_url, log)
            try:
                # Kill it with SIGKILL once about 40 % is through.
                deadline = time.monotonic() + 180  # a loaded machine starts Python processes slowly
                while len(fake.calls_of("sendMessage", ok=True)) < RECIPIENTS * 0.4:
                    assert process.poll() is None, _log(log)
                    assert time.monotonic() < deadline, "the sender did not get going"
                    await asyncio.sleep(0.01)
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
                at_kill = len(fake.calls_of("sendMessage", ok=True))

                process = sender_process(fake, database_url, log)
                deadline = time.monotonic() + 180
                while process.poll() is None:
                    assert time.monotonic() < deadline, "the restarted sender did not finish"
                    await asyncio.sleep(0.05)
                assert process.returncode == 0, _log(log)
            finally:
                if process.poll() is None:
                    process.kill()
        accepted = fake.calls_of("sendMessage", ok=True)
        stats = fake.stats
    elapsed = time.monotonic() - started

    async def outcome(session):
        rows = await session.execute(
            select(ReminderDelivery.chat_id, ReminderDelivery.status).where(ReminderDelivery.reminder_id == reminder_id)
        )
        inactive = await session.scalar(
            select(func.count(Member.id)).where(Member.telegram_id.in_(BLOCKED), Member.active.is_(False))
        )
        status = (await session.get(Reminder, reminder_id)).status
        return dict(rows.all()), inactive, status

    deliveries, inactive, reminder_status = await with_session(database_url, outcome)
    per_chat = Counter(int(call.params["chat_id"]) for call in accepted)
    recipients = {FIRST_CHAT + offset for offset in range(RECIPIENTS)}
    duplicates = {chat for chat, count in per_chat.items() if count > 1}
    in_doubt = {chat for chat, status in deliveries.items() if status == "unknown"}
    lost = recipients - BLOCKED - set(per_chat)
    times = sorted(call.time for call in accepted)
    busiest = max(
        sum(1 for moment in times[index : index + RATE_LIMIT + 5] if moment - times[index] < 1 / TIME_SCALE)
        for index in range(len(times))
    )
    print(
        f"\nbroadcast: {len(per_chat)} accepted once, {len(duplicates)} duplicates, {len(lost)} lost, "
        f"{len(in_doubt)} in doubt after the kill (at {at_kill}), {stats['sends_rejected'] + stats['faults_injected']} "
        f"answered 429 and retried, "
        f"{stats['blocked_403']} blocked; busiest fake second {busiest} (limit {RATE_LIMIT}); "
        f"average {len(accepted) / ((times[-1] - times[0]) * TIME_SCALE):.1f} msg per fake second; {elapsed:.1f} s wall"
    )

    assert len(deliveries) == RECIPIENTS and set(deliveries) == recipients
    assert not duplicates
    # A delivery under way at the kill is never sent again; whether it arrived is Telegram's secret.
    assert lost <= in_doubt and len(in_doubt) <= 4
    assert {chat for chat, status in deliveries.items() if status == "sent"} <= set(per_chat)
    assert {chat for chat, status in deliveries.items() if status == "blocked"} == BLOCKED and inactive == len(BLOCKED)
    assert sum(1 for status in deliveries.values() if status in ("queued", "claimed", "sending")) == 0
    assert reminder_status == "done"
    assert busiest <= RATE_LIMIT
    texts = {call.params["text"].split("\n")[0] for call in accepted}
    assert texts == {"Broadcast test", "Test de diffusion"}
    assert elapsed < 100


def _log(log) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-3000:]
