"""Charts, exports and the lookup index are built off the event loop (bot/heavy.py, bot/services/thresholds.py).

Each test holds the heavy job at a gate (tests/slow_jobs.py) and checks that a member's update is
answered while the job is held; a job run inside the coroutine would hold the event loop instead,
and the member would only be answered after it. No timing thresholds: only what happened first.
"""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ProcessPoolExecutor

import pytest

from bot.heavy import HeavyWork, HeavyWorkFailed
from bot.services import thresholds
from bot.services.thresholds import ThresholdCatalog
from tests import slow_jobs
from tests.harness import BotHarness

COORDINATORS = (900, 901)


@pytest.fixture(scope="module")
async def harness(settings, committed_database):
    """Updates handled side by side while jobs are held: real connections, so the committed database."""
    harness = await BotHarness.start(settings)
    yield harness
    await harness.close()


@pytest.fixture(scope="module")
def gate_dir(tmp_path_factory):
    """The directory the held jobs look at; the worker reads its name from the environment it was started with."""
    path = tmp_path_factory.mktemp("gate")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(slow_jobs.GATE_ENV, str(path))
        yield path


@pytest.fixture(scope="module")
async def slow_heavy(harness, gate_dir):
    """The bot's heavy work, with every chart and export held at the gate."""
    original = harness.dispatcher["heavy"]
    heavy = HeavyWork(jobs=slow_jobs)
    harness.dispatcher["heavy"] = heavy
    yield heavy
    (gate_dir / "open").touch()
    harness.dispatcher["heavy"] = original
    await heavy.close()


@pytest.fixture
def gate(gate_dir, slow_heavy):
    """A closed gate with no job started yet; opened at the end so nothing stays held."""
    for path in gate_dir.iterdir():
        path.unlink()
    yield gate_dir
    (gate_dir / "open").touch()


def started_jobs(gate) -> int:
    return sum(1 for path in gate.iterdir() if path.name.startswith("started-"))


async def wait_until(predicate, what: str, polls: int = 3000) -> None:
    """Poll (bounded: a minute at most) until `predicate()` holds."""
    for _ in range(polls):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


async def member(harness: BotHarness, user_id: int):
    user = harness.user(user_id)
    await harness.onboard(user, "Kenya", "National focal point")
    return user


async def answered(harness: BotHarness, user, text: str) -> list[str]:
    """What the bot sent the member in reply to `text` (only this member's chat is read)."""
    calls = await harness.send(user, text)
    return [call.text for call in calls if call.chat_id == user.id and call.text]


def press(harness: BotHarness, user, label: str):
    message, button = harness.find_button(user.id, label=label)
    return asyncio.create_task(
        harness.dispatcher.feed_update(harness.bot, harness.updates.press(user, message, button.callback_data))
    )


def sent_to(harness: BotHarness, chat_id: int, method: str) -> list:
    return [call for call in harness.api.calls if call.chat_id == chat_id and call.method == method]


@pytest.mark.slow  # a worker process
async def test_a_member_is_answered_while_an_export_is_being_written(harness, gate, user_id):
    someone = await member(harness, user_id)
    coordinator = harness.user(COORDINATORS[0])
    documents_before = len(sent_to(harness, coordinator.id, "sendDocument"))
    await harness.send(coordinator, "/export")
    export = press(harness, coordinator, "INSOP soil threshold values")
    await wait_until(lambda: started_jobs(gate) == 1, "the export job started")

    assert "Which survey would you like to answer?" in "\n".join(await answered(harness, someone, "/survey"))
    assert not export.done()  # the member was answered while the files were still being written

    (gate / "open").touch()
    await export
    documents = sent_to(harness, coordinator.id, "sendDocument")[documents_before:]
    # The XLSX, the CSV of responses, then one CSV per repeat of the form (instruments, their key values).
    assert [call.params["document"].filename.rsplit(".", 1)[1] for call in documents] == ["xlsx", "csv", "csv", "csv"]
    assert documents[0].files["document"][:2] == b"PK"


@pytest.mark.slow  # a worker process
async def test_a_member_is_answered_while_the_stats_chart_is_drawn(harness, gate, user_id):
    someone = await member(harness, user_id)
    coordinator = harness.user(COORDINATORS[0])
    photos_before = len(sent_to(harness, coordinator.id, "sendPhoto"))
    stats = asyncio.create_task(
        harness.dispatcher.feed_update(harness.bot, harness.updates.message(coordinator, "/stats"))
    )
    await wait_until(lambda: started_jobs(gate) == 1, "the chart job started")

    assert await answered(harness, someone, "/survey")
    assert not stats.done()

    (gate / "open").touch()
    await stats
    photos = sent_to(harness, coordinator.id, "sendPhoto")[photos_before:]
    assert len(photos) == 1 and photos[0].files["photo"].startswith(b"\x89PNG")


@pytest.mark.slow  # a worker process
async def test_two_exports_at_once_run_one_after_the_other(harness, gate, user_id):
    someone = await member(harness, user_id)
    first, second = (harness.user(telegram_id) for telegram_id in COORDINATORS)
    before = {user.id: len(sent_to(harness, user.id, "sendDocument")) for user in (first, second)}
    for user in (first, second):
        await harness.send(user, "/export")
    exports = [press(harness, user, "INSOP soil threshold values") for user in (first, second)]
    await wait_until(lambda: started_jobs(gate) >= 1, "an export job started")

    # Both exports have been asked for and the loop is free (a member is answered), yet one job runs.
    assert await answered(harness, someone, "/survey")
    assert started_jobs(gate) == 1 and not any(export.done() for export in exports)

    (gate / "open").touch()
    await asyncio.gather(*exports)
    assert started_jobs(gate) == 2
    for user in (first, second):
        assert len(sent_to(harness, user.id, "sendDocument")) - before[user.id] == 4  # XLSX and three CSVs


async def test_a_member_is_answered_while_the_lookup_index_is_rebuilt(harness, monkeypatch, user_id):
    """After a coordinator approves a value the next lookup rebuilds the index: in a thread, not on the loop."""
    asker, someone = await member(harness, user_id), await member(harness, user_id + 500_000)
    entered, release = threading.Event(), threading.Event()
    build_index = thresholds.build_index

    def held_build(records):
        entered.set()
        release.wait(60)  # bounded: a test that fails still ends
        return build_index(records)

    monkeypatch.setattr(thresholds, "build_index", held_build)
    monkeypatch.setitem(harness.dispatcher.workflow_data, "catalog", ThresholdCatalog())  # an index not built yet
    lookup = asyncio.create_task(
        harness.dispatcher.feed_update(harness.bot, harness.updates.message(asker, "cadmium Canada"))
    )
    await wait_until(entered.is_set, "the index build started")

    assert await answered(harness, someone, "/survey")
    assert not lookup.done()

    release.set()
    await lookup
    assert "mg/kg" in "\n".join(call.text for call in harness.api.calls if call.chat_id == asker.id)


@pytest.mark.slow  # a worker process killed
async def test_a_killed_worker_is_replaced_and_the_failure_reported(gate_dir):
    heavy = HeavyWork(jobs=slow_jobs)
    try:
        heavy.prepare()  # a coordinator opened /export: the worker starts before the job is asked for
        assert heavy.started
        first = await heavy.run(slow_jobs.worker_pid)
        assert first != os.getpid()  # the job ran in another process
        with pytest.raises(HeavyWorkFailed):
            await heavy.run(slow_jobs.die)  # dies twice: reported, not retried forever
        assert await heavy.run(slow_jobs.worker_pid) not in (first, os.getpid())
    finally:
        await heavy.close()
    assert not heavy.started


async def test_without_processes_the_jobs_run_in_a_thread(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OSError("no more processes")

    monkeypatch.setattr(ProcessPoolExecutor, "submit", refuse)
    heavy = HeavyWork(jobs=slow_jobs)
    try:
        assert await heavy.run(slow_jobs.worker_pid) == os.getpid()
        assert heavy.workers == 0
    finally:
        await heavy.close()


@pytest.mark.slow  # a worker process started and stopped
async def test_an_idle_worker_is_stopped(gate_dir):
    heavy = HeavyWork(jobs=slow_jobs, idle_seconds=0.05)
    try:
        await heavy.run(slow_jobs.worker_pid)
        await wait_until(lambda: not heavy.started, "the idle worker stopped")
    finally:
        await heavy.close()


BOT_WITH_A_WORKER = """
import asyncio, os, sys, time
from bot.heavy import HeavyWork
from tests import slow_jobs

async def main():
    heavy = HeavyWork(workers=1, jobs=slow_jobs)
    print(await heavy.run(slow_jobs.worker_pid), flush=True)
    time.sleep(60)  # killed before

if __name__ == "__main__":
    asyncio.run(main())
"""


@pytest.mark.slow  # a process killed with SIGKILL
def test_the_worker_ends_with_a_bot_that_was_killed(tmp_path):
    """A bot killed with SIGKILL never shuts its pool down: its worker must not live on as an orphan."""
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    script = tmp_path / "bot_with_a_worker.py"
    script.write_text(BOT_WITH_A_WORKER)
    bot = subprocess.Popen(
        [sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    try:
        worker = int(bot.stdout.readline())
        bot.send_signal(signal.SIGKILL)
        bot.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(worker, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            os.kill(worker, signal.SIGKILL)
            raise AssertionError("the worker outlived the bot")
    finally:
        bot.kill()
        bot.wait(timeout=10)
