"""Benchmarks, run by hand: `python benchmarks/run.py [--json] [--quick] [--database-url URL]`.

1. lookup: in-process latency on synthetic rows (1k -> 10k -> 100k), index memory; clean English questions,
   then the field mix (typos, Chinese, Arabic, Cyrillic, conditions, CAS numbers; parsing included);
2. survey answers per second through the real dispatcher with database writes, against a bare aiogram
   echo handler in the same run (both in-process, Bot API faked in memory as in tests/harness.py);
   `updates`: lookups from 20 members through the real dispatcher, long polling (bot/polling.py) over HTTP from
   the fake Bot API (tests/fakeapi, in this process), against a bare aiogram echo bot on the same path in the
   same run;
3. broadcast: one reminder to 10,000 members through bot/sender.py against the fake Bot API enforcing
   30 messages/s in real time (`--quick`: time_scale 50 makes fake seconds shorter), lost and duplicates counted;
4. memory of a `python -m bot run` process idle and with 10,000 drafts stored (500 of them resumed);
5. load: 1,000 simulated members complete the threshold survey concurrently, over real HTTP;
7. web: server time of the search and country pages (p99) over an index of 100,000 synthetic rows, and
   the weight of the search page with its results (KB, without a chart);
6. coordinator: survey-answer latency (p99) of 10 members through the real dispatcher, idle and while a
   coordinator runs /stats and /export over 1,000 submitted surveys in the same process; then the longest
   event-loop stall while a reminder to everyone (10,000 more members) is addressed and queued.

`--quick` uses tiny sizes (a smoke test runs it); `--json` prints one JSON line with every figure.
Nothing here is part of the pytest suite. Loopback only; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import html
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "cadmium agricultural Kenya",
    "lead residential Netherlands",
    "arsenic in industrial soil in France",
    "zinc pH 6 agricultural DE",
    "mercury",
    "plomo suelo residencial España",
    "cuivre agricole",
    "nickel BR",
    "chromium VI commercial",
    "benzo(a)pyrene residential CA",
    "7440-43-9",
    "limite du cadmium au Kenya",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def lookup_queries(count: int, jurisdictions: list[str], seed: int = 3) -> list[str]:
    """Mostly distinct questions (pollutant x land use x country), so the index's per-key cache rarely helps."""
    from bot.lookup.pollutants import POLLUTANTS

    rng = random.Random(seed)
    names = [
        getattr(pollutant, "name", None) or getattr(pollutant, "id", None) or str(pollutant) for pollutant in POLLUTANTS
    ]
    land_uses = ["agricultural", "residential", "industrial", "commercial", "", "parks"]
    texts = []
    for number in range(count):
        if number % 10 == 0:
            texts.append(QUERIES[number // 10 % len(QUERIES)])
        else:
            words = [rng.choice(names).replace("_", " "), rng.choice(land_uses), rng.choice(jurisdictions)]
            texts.append(" ".join(word for word in words if word))
    return texts


def _typo(word: str, rng: random.Random) -> str:
    """One slip of the finger: a letter swapped with the next, dropped or replaced."""
    if len(word) < 4:
        return word
    position = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    if kind == 1:
        return word[:position] + word[position + 1 :]
    return word[:position] + rng.choice("aeiourstnl") + word[position + 1 :]


FIELD_CONDITIONS = (
    "sandy soil",
    "clay",
    "playground",
    "kindergarten",
    "pH 6,5",
    "acidic",
    "alkaline",
    "grassland",
    "arable land",
    "sludge",
    "light soil",
    "park",
    "loam",
)
FIELD_LAND_USES = {
    "en": ("agricultural", "residential", "industrial", ""),
    "zh": ("农用地", "住宅用地", "工业用地", ""),
    "ar": ("الزراعية", "السكنية", "الصناعية", ""),
    "ru": ("сельскохозяйственные", "жилые", "промышленные", ""),
}


def field_mix_queries(count: int, jurisdictions: list[str], seed: int = 5) -> list[str]:
    """What field staff type: typos, Chinese, Arabic, Cyrillic, conditions and CAS numbers, mixed."""
    from babel import Locale

    from bot.lookup.pollutants import POLLUTANTS

    rng = random.Random(seed)
    countries = {language: Locale.parse(language).territories for language in ("en", "zh", "ar", "ru")}
    with_cas = [pollutant for pollutant in POLLUTANTS if pollutant.cas]
    texts = []
    for number in range(count):
        pollutant = POLLUTANTS[rng.randrange(len(POLLUTANTS))]
        code = rng.choice(jurisdictions)
        kind = number % 6
        if kind == 0:  # typos in the pollutant and the country
            country = countries["en"].get(code, code)
            texts.append(
                f"{_typo((pollutant.names['en'] or (pollutant.name_en,))[0], rng)} limt {rng.choice(FIELD_LAND_USES['en'])} "
                f"{_typo(country, rng)}"
            )
        elif kind == 1:  # Chinese, unspaced
            names = pollutant.names["zh"] or (pollutant.name_en,)
            texts.append(f"{countries['zh'].get(code, code)}{rng.choice(FIELD_LAND_USES['zh'])}{names[0]}筛选值")
        elif kind == 2:  # Arabic
            names = pollutant.names["ar"] or (pollutant.name_en,)
            texts.append(
                f"حد {names[0]} في التربة {rng.choice(FIELD_LAND_USES['ar'])} في {countries['ar'].get(code, code)}"
            )
        elif kind == 3:  # Cyrillic
            names = pollutant.names["ru"] or (pollutant.name_en,)
            texts.append(f"{names[0]} {rng.choice(FIELD_LAND_USES['ru'])} почва {countries['ru'].get(code, code)}")
        elif kind == 4:  # conditions
            texts.append(
                f"{(pollutant.names['en'] or (pollutant.name_en,))[0]} {rng.choice(FIELD_CONDITIONS)} {countries['en'].get(code, code)}"
            )
        else:  # CAS numbers
            texts.append(f"{rng.choice(with_cas).cas} {rng.choice(FIELD_LAND_USES['en'])} {code}")
    return texts


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# ------------------------------------------------------------------------------------ 1. lookup


def bench_lookup(sizes: list[int], queries_per_size: int) -> dict:
    from bot.lookup import build_index, default_vocabulary, lookup
    from bot.lookup.synthetic import synthetic_jurisdictions, synthetic_records

    vocabulary = default_vocabulary()
    jurisdictions = synthetic_jurisdictions()
    growth = {}
    result: dict = {}
    for size in sizes:
        gc.collect()
        tracemalloc.start()
        records = synthetic_records(size, seed=1)
        started = time.perf_counter()
        index = build_index(records)
        build_s = time.perf_counter() - started
        memory = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        lookup(index, QUERIES[0], vocabulary=vocabulary)  # warm
        latencies = []
        texts = lookup_queries(queries_per_size, jurisdictions)
        for text in texts:
            started = time.perf_counter()
            lookup(index, text, member_country="KE", vocabulary=vocabulary)
            latencies.append((time.perf_counter() - started) * 1000)
        # The field mix, timed twice: wall clock, and this thread's CPU time (on a shared machine the wall
        # clock's tail is mostly other processes taking the core away).
        mix, mix_cpu = [], []
        for text in field_mix_queries(queries_per_size, jurisdictions):
            started, started_cpu = time.perf_counter(), time.thread_time()
            lookup(index, text, member_country="KE", vocabulary=vocabulary)
            mix_cpu.append((time.thread_time() - started_cpu) * 1000)
            mix.append((time.perf_counter() - started) * 1000)
        growth[str(size)] = {
            "p50_ms": round(statistics.median(latencies), 3),
            "p99_ms": round(percentile(latencies, 0.99), 3),
            "mix_p50_ms": round(statistics.median(mix), 3),
            "mix_p99_ms": round(percentile(mix, 0.99), 3),
            "mix_cpu_p50_ms": round(statistics.median(mix_cpu), 3),
            "mix_cpu_p99_ms": round(percentile(mix_cpu, 0.99), 3),
            "load_average": round(os.getloadavg()[0], 1),
            "build_s": round(build_s, 2),
            "memory_mb": round(memory / 2**20, 1),
        }
        log(f"lookup {size:>7} rows: {growth[str(size)]}")
        result = {
            "lookup_rows": size,
            "lookup_p50_ms": growth[str(size)]["p50_ms"],
            "lookup_p99_ms": growth[str(size)]["p99_ms"],
            "lookup_index_mb": growth[str(size)]["memory_mb"],
            "lookup_mix_p50_ms": growth[str(size)]["mix_p50_ms"],
            "lookup_mix_p99_ms": growth[str(size)]["mix_p99_ms"],
            "lookup_mix_cpu_p50_ms": growth[str(size)]["mix_cpu_p50_ms"],
            "lookup_mix_cpu_p99_ms": growth[str(size)]["mix_cpu_p99_ms"],
            "lookup_build_s": growth[str(size)]["build_s"],
        }
        del index, records
    result["lookup_growth"] = growth
    return result


# ------------------------------------------------------------------------------------ survey plans

# Answers with a format or a range of their own (threshold survey version 2026113004).
FIXED_ANSWERS = {
    "resp_email": "member@example.org",
    "expected_year": "2030",
    "pollutant_cas": "7440-43-9",
    "value_max": "1.6",
    "ph_min": "5",
    "ph_max": "7",
}


def survey_plan(form, has_thresholds: str = "Yes, in force", repeats: int = 1) -> list[tuple[str, str]]:
    """(typed text, start of the next question) pairs that take a member from the first question to the review."""
    return walk_plan(form, has_thresholds, repeats)[0]


def walk_plan(form, has_thresholds: str = "Yes, in force", repeats: int = 1) -> tuple[list[tuple[str, str]], dict]:
    """The plan of `survey_plan` and the engine state it leaves (every question answered, at the review)."""
    from bot.survey import answer, current_prompt, start

    state = start(form, "en")
    steps: list[tuple[str, str]] = []
    entered = 0
    for _ in range(300):
        prompt = current_prompt(form, state, "en")
        if prompt.kind == "note":
            state = answer(form, state, None).state
            continue
        if prompt.kind not in ("question", "add_another"):
            break
        if prompt.path == "respondent/country":
            text = "Kenya"
        elif prompt.kind == "add_another":
            entered += 1
            text = "Yes" if entered < repeats else "No"
        elif prompt.path == "status/has_thresholds":
            text = has_thresholds
        elif prompt.path.endswith(("/instr_type_values", "/unit_confirm")):
            text = "Yes"  # type key values; confirm an unusual unit
        elif prompt.path.rsplit("/", 1)[-1] in FIXED_ANSWERS:
            text = FIXED_ANSWERS[prompt.path.rsplit("/", 1)[1]]
        elif prompt.type == "select_one":
            text = prompt.choices[len(steps) % len(prompt.choices)][1]
        elif prompt.type == "select_multiple":
            text = prompt.choices[1][1]  # the first may be "None", which stands alone; labels may hold commas
        elif prompt.type == "integer":
            text = "2019"
        elif prompt.type == "decimal":
            text = "0.8"
        elif prompt.path.endswith("link"):
            text = "https://example.org/doc"
        elif prompt.type == "file":
            text = "/skip"  # the instrument's document is optional; the link stands for it
        else:
            text = f"answer {len(steps)}"
        result = answer(form, state, None if text == "/skip" else text)
        if not result.accepted:
            raise RuntimeError(f"plan: {prompt.path} refused {text!r}: {result.error}")
        state = result.state
        following = current_prompt(form, state, "en")
        while following.kind == "note":
            state = answer(form, state, None).state
            following = current_prompt(form, state, "en")
        expect = following.label if following.kind in ("question", "add_another") else "Please check your answers"
        steps.append((text, expect))
    return steps, state


def threshold_form():
    from bot.survey import load_form

    return load_form(ROOT / "storage" / "forms" / "threshold_survey.xlsx")


# ------------------------------------------------------------------------------------ 2. answers vs echo


async def bench_dispatch(database_url: str, members: int, answers_target: int) -> dict:
    from aiogram import Dispatcher
    from aiogram.types import Message

    from bot.app import build_bot
    from bot.config import Settings
    from bot.local_api import LocalBotAPI, UpdateFactory
    from tests.harness import BotHarness

    settings = Settings(_env_file=None, database_url=database_url, bot_token=None)
    harness = await BotHarness.start(settings)
    plan = [text for text, _expect in survey_plan(threshold_form(), repeats=50)]
    try:
        users = [harness.user(2_000_000 + number) for number in range(members)]
        for user in users:
            await harness.onboard(user, "Kenya", "INSOP member / other")  # the threshold survey is theirs too
            await harness.send(user, "/survey")
            await harness.press(user, "INSOP soil threshold values")
        per_user = max(1, min(len(plan), answers_target // (2 * members)))
        updates = [harness.updates.message(user, plan[step]) for step in range(per_user) for user in users]
        started = time.perf_counter()
        for update in updates:
            await harness.dispatcher.feed_update(harness.bot, update)
        answers_s = time.perf_counter() - started

        # The same number of answers again with every member typing at once (each member's own answers
        # in order), as a deadline day looks to the bot: one member's database waits overlap another's work.
        async def member_answers(user, steps: range) -> None:
            for step in steps:
                await harness.dispatcher.feed_update(harness.bot, harness.updates.message(user, plan[step]))

        started = time.perf_counter()
        await asyncio.gather(*(member_answers(user, range(per_user, 2 * per_user)) for user in users))
        concurrent_s = time.perf_counter() - started
        transaction_ms = await _transaction_ms(harness.storage.sessionmaker)
    finally:
        await harness.close()

    echo = Dispatcher()

    @echo.message()
    async def repeat(message: Message) -> None:
        await message.answer(message.text)

    bot = build_bot("1000:test", settings, session=LocalBotAPI())
    factory = UpdateFactory(start=1)
    echo_updates = [factory.message(users[index % len(users)], f"echo {index}") for index in range(len(updates))]
    started = time.perf_counter()
    for update in echo_updates:
        await echo.feed_update(bot, update)
    echo_s = time.perf_counter() - started
    answers_per_s = len(updates) / answers_s
    concurrent_per_s = len(updates) / concurrent_s
    echo_per_s = len(echo_updates) / echo_s
    log(
        f"dispatch: {len(updates)} survey answers in {answers_s:.1f} s ({answers_per_s:.0f}/s), {concurrent_per_s:.0f}/s "
        f"with {members} members at once; echo {echo_per_s:.0f}/s; one empty transaction {transaction_ms:.2f} ms"
    )
    return {
        "answers": len(updates),
        "answers_per_s": round(answers_per_s, 1),
        "echo_per_s": round(echo_per_s, 1),
        "answers_per_s_ratio_to_echo": round(answers_per_s / echo_per_s, 3),
        "answers_per_s_concurrent": round(concurrent_per_s, 1),
        "answers_concurrent_members": members,
        "answers_concurrent_ratio_to_echo": round(concurrent_per_s / echo_per_s, 3),
        "db_empty_transaction_ms": round(transaction_ms, 3),
        "echo_update_ms": round(1000 / echo_per_s, 3),
    }


async def _transaction_ms(sessionmaker, count: int = 500) -> float:
    """What one `SELECT 1` transaction costs through the bot's own sessions: the floor under any stored answer."""
    from sqlalchemy import text

    started = time.perf_counter()
    for _ in range(count):
        async with sessionmaker() as session, session.begin():
            await session.execute(text("SELECT 1"))
    return (time.perf_counter() - started) / count * 1000


# ------------------------------------------------------------------------------------ 2b. lookups vs echo over HTTP

LOOKUP_TEXTS = [
    "cadmium agricultural Canada",
    "lead industrial",
    "plomb sol résidentiel Pays-Bas",
    "镉 荷兰",
    "mercury residential Netherlands",
    "zinc agricultural Germany",
    "arsenic Kenya",
    "Pb industrial China",
]


class Polling:
    """`dispatcher` long-polling the fake Bot API in this process through the bot's own loop (bot/polling.py, as
    `python -m bot run` does), and a watcher of what it sends."""

    def __init__(self, fake, dispatcher, bot) -> None:
        self.fake, self.dispatcher, self.bot = fake, dispatcher, bot

    async def __aenter__(self) -> Polling:
        from bot.polling import poll

        since = self.fake.mark()
        self.task = asyncio.create_task(poll(self.dispatcher, self.bot, timeout=1, handle_signals=False))
        await self.fake.wait_for("getUpdates", since=since, timeout=60, consume=False)
        self.watcher = ChatWatcher(self.fake)
        return self

    async def __aexit__(self, *_exc) -> None:
        self.watcher.stop()
        self.task.cancel()  # poll() then shuts the dispatcher down
        await asyncio.gather(self.task, return_exceptions=True)

    async def throughput(
        self, users: list[int], texts: list[str], count: int, replies_per_text: dict[str, int], timeout: float
    ) -> float:
        """Updates per second: `count` messages from `users` (round robin) injected at once, until every reply
        was sent."""
        expected = {user: self.watcher.sent.get(user, 0) for user in users}
        started = time.perf_counter()
        for number in range(count):
            user, text = users[number % len(users)], texts[number % len(texts)]
            self.fake.inject_message(text, user_id=user, language_code="en")
            expected[user] += replies_per_text.get(text, 1)
        deadline = started + timeout
        for user, replies in expected.items():
            if not await self.watcher.wait_more(user, replies - 1, max(0.1, deadline - time.perf_counter())):
                raise RuntimeError(f"updates: chat {user} got {self.watcher.sent.get(user, 0)} of {replies} replies")
        return count / (time.perf_counter() - started)


async def bench_updates(database_url: str, users_count: int, count: int) -> dict:
    """Lookups through the bot's real dispatcher against a bare aiogram echo bot, both by the bot's long polling
    (bot/polling.py) over HTTP from the fake Bot API (tests/fakeapi) in this process: per-update overhead as a
    member meets it."""
    from aiogram import Dispatcher
    from aiogram.types import Message

    from bot.app import build_dispatcher, build_i18n, open_storage
    from bot.config import Settings
    from tests.fakeapi.server import FakeBotAPI

    await migrate(database_url)
    first_id = 50_000_000
    await add_members(database_url, users_count + 1, first_id)
    users = [first_id + number for number in range(users_count)]
    warm_user = first_id + users_count  # not measured
    settings = Settings(_env_file=None, database_url=database_url, bot_token=None)
    storage = await open_storage(settings)
    async with FakeBotAPI.running(record_calls=True) as fake:
        bot = fake.make_bot()
        dispatcher = build_dispatcher(settings, storage, build_i18n(settings))
        try:
            async with Polling(fake, dispatcher, bot) as polling:
                # How many messages each question gets (a country with no value gets a note too); this also
                # builds the index and warms every cache.
                replies: dict[str, int] = {}
                for text in LOOKUP_TEXTS:
                    before = polling.watcher.sent.get(warm_user, 0)
                    await polling.throughput([warm_user], [text], 1, {text: 1}, 60)
                    await asyncio.sleep(0.5)
                    replies[text] = polling.watcher.sent.get(warm_user, 0) - before
                lookups_per_s = await polling.throughput(users, LOOKUP_TEXTS, count, replies, max(60.0, count / 5))
        finally:
            await dispatcher.storage.close()
            await storage.engine.dispose()
            await bot.session.close()

    async with FakeBotAPI.running(record_calls=True) as fake:
        bot = fake.make_bot()
        echo = Dispatcher()

        @echo.message()
        async def repeat(message: Message) -> None:
            await message.answer(message.text)

        try:
            async with Polling(fake, echo, bot) as polling:
                await polling.throughput(users, ["warm"], len(users), {}, 60)
                echo_per_s = await polling.throughput(users, LOOKUP_TEXTS, count, {}, max(60.0, count / 5))
        finally:
            await bot.session.close()
    result = {
        "lookup_updates": count,
        "lookup_updates_users": users_count,
        "lookup_updates_per_s": round(lookups_per_s, 1),
        "lookup_updates_echo_per_s": round(echo_per_s, 1),
        "lookup_updates_ratio_to_echo": round(lookups_per_s / echo_per_s, 3),
        "lookup_updates_replies": replies,
        "lookup_updates_load_average": round(os.getloadavg()[0], 1),
    }
    log(f"updates: {result}")
    return result


# ------------------------------------------------------------------------------------ helpers for the fake


class ChatWatcher:
    """Counts the fake's successful sends per chat in one pass over new calls (waiting stays O(calls))."""

    def __init__(self, fake) -> None:
        self.fake = fake
        self.position = 0
        self.sent: dict[int, int] = {}
        self.texts: dict[int, str] = {}
        self.changed = asyncio.Condition()
        self.task = asyncio.create_task(self._scan())

    async def _scan(self) -> None:
        while True:
            calls = self.fake.calls
            if len(calls) > self.position:
                for call in calls[self.position :]:
                    if call.method in ("sendMessage", "editMessageText") and call.ok:
                        chat = call.params.get("chat_id")
                        if isinstance(chat, str) and chat.lstrip("-").isdigit():
                            chat = int(chat)
                        self.sent[chat] = self.sent.get(chat, 0) + 1
                        self.texts[chat] = call.params.get("text") or ""
                self.position = len(calls)
                async with self.changed:
                    self.changed.notify_all()
            await asyncio.sleep(0.01)

    async def wait_more(self, chat: int, seen: int, timeout: float) -> bool:
        """True once the chat got more than `seen` sends (within `timeout`)."""
        async with self.changed:
            try:
                await asyncio.wait_for(self.changed.wait_for(lambda: self.sent.get(chat, 0) > seen), timeout)
                return True
            except TimeoutError:
                return False

    async def wait_text(self, chat: int, fragment: str, timeout: float) -> bool:
        """True once the newest text sent to the chat contains `fragment` (within `timeout`); the text is HTML, the
        fragment plain ("country's" is sent as "country&#x27;s")."""
        async with self.changed:
            try:
                await asyncio.wait_for(
                    self.changed.wait_for(lambda: fragment in html.unescape(self.texts.get(chat, ""))), timeout
                )
                return True
            except TimeoutError:
                return False

    def stop(self) -> None:
        self.task.cancel()


def bot_environment(fake, database_url: str, **extra: str) -> dict[str, str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "WEBHOOK_", "REDIS_"))
    }
    environment.update(
        BOT_TOKEN=fake.token,
        TELEGRAM_API_BASE=fake.base_url,
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        COORDINATOR_IDS="900",
        **extra,
    )
    return environment


async def start_bot(fake, database_url: str) -> subprocess.Popen:
    since = fake.mark()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=bot_environment(fake, database_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    await fake.wait_for("getMe", since=since, timeout=120, consume=False)
    return process


def stop_bot(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(2)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


async def add_members(database_url: str, count: int, first_id: int, with_drafts: bool = False) -> None:
    """Onboarded members (and a draft of the threshold survey each), written in bulk."""
    from sqlalchemy import insert, select

    from bot.survey import start
    from storage.db import create_engine
    from storage.models import Member, Submission, SurveyForm, utcnow

    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            now = utcnow()
            for offset in range(0, count, 2000):
                await connection.execute(
                    insert(Member),
                    [
                        {
                            "telegram_id": first_id + number,
                            "name": f"Member {number}",
                            "language": "en",
                            "country": "KE",
                            "role": "focal_point",
                            "created_at": now,
                            "last_seen_at": now,
                            "onboarded_at": now,
                            "active": True,
                            "muted": False,
                        }
                        for number in range(offset, min(count, offset + 2000))
                    ],
                )
            if with_drafts:
                form = (
                    await connection.execute(
                        select(SurveyForm.id, SurveyForm.definition).where(
                            SurveyForm.form_id == "insop_thresholds", SurveyForm.is_current
                        )
                    )
                ).one()
                from bot.survey import Form

                state = start(Form.from_dict(form.definition), "en")
                ids = [
                    row.id
                    for row in await connection.execute(
                        select(Member.id).where(Member.telegram_id >= first_id, Member.telegram_id < first_id + count)
                    )
                ]
                for offset in range(0, len(ids), 2000):
                    await connection.execute(
                        insert(Submission),
                        [
                            {
                                "form_pk": form.id,
                                "member_id": member_id,
                                "country": "KE",
                                "language": "en",
                                "status": "draft",
                                "state": state.to_dict(),
                                "pending": {},
                                "active": True,
                                "last_update_id": 0,
                                "revision": 1,
                                "created_at": now,
                                "updated_at": now,
                            }
                            for member_id in ids[offset : offset + 2000]
                        ],
                    )
    finally:
        await engine.dispose()


async def migrate(database_url: str) -> None:
    from bot.app import open_storage
    from bot.config import Settings

    storage = await open_storage(Settings(_env_file=None, database_url=database_url, bot_token=None))
    await storage.engine.dispose()


# ------------------------------------------------------------------------------------ 3. broadcast

# The sender's rate as a share of the fake's limit. It is given the limit itself: its limiter lets at most
# rate x window requests leave per window + 3 % (bot/sender.py), which leaves room for latency.
PACE = float(os.environ.get("BENCH_PACE", "1.0"))


async def bench_broadcast(database_url: str, recipients: int, time_scale: float) -> dict:
    from bot.app import build_i18n
    from bot.config import Settings
    from bot.sender import deliver_due
    from bot.services import coord_reminders
    from storage.db import create_engine, create_sessionmaker
    from tests.fakeapi.server import FakeBotAPI

    await migrate(database_url)
    first_id = 30_000_000
    await add_members(database_url, recipients, first_id)
    settings = Settings(_env_file=None, database_url=database_url, bot_token=None)
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    limit = 30.0
    try:
        async with FakeBotAPI.running(rate_limit=limit, time_scale=time_scale) as fake:
            async with sessionmaker() as session:
                draft = await coord_reminders.new_draft(session, 900)
            async with sessionmaker() as session:
                await coord_reminders.set_text(session, draft.id, "en", "Please answer the INSOP survey.")
            async with sessionmaker() as session:
                await coord_reminders.set_audience(session, draft.id, {"kind": "all"}, "en")
            async with sessionmaker() as session:
                await coord_reminders.send_now(session, draft.id)
            bot = fake.make_bot()
            started = time.perf_counter()
            try:
                deadline = started + max(120.0, recipients / (limit * time_scale) * 4)
                for _ in range(50):  # passes; the sender leaves 429'd deliveries claimed for the next one
                    report = await deliver_due(
                        bot,
                        sessionmaker,
                        build_i18n(settings),
                        "en",
                        rate=limit * time_scale * PACE,
                        workers=8,
                        window=1 / time_scale,
                    )
                    sent = sum(
                        1
                        for call in fake.calls
                        if call.method == "sendMessage"
                        and call.ok
                        and first_id <= int(call.params.get("chat_id", 0)) < first_id + recipients
                    )
                    if sent >= recipients or time.perf_counter() > deadline or not (report.sent or report.queued):
                        break
            finally:
                await bot.session.close()
            elapsed = time.perf_counter() - started
            per_chat: dict[int, int] = {}
            for call in fake.calls:
                if call.method == "sendMessage" and call.ok:
                    chat = int(call.params.get("chat_id", 0))
                    if first_id <= chat < first_id + recipients:
                        per_chat[chat] = per_chat.get(chat, 0) + 1
            rejected = fake.stats.get("sends_rejected", 0)
    finally:
        await engine.dispose()
    delivered = len(per_chat)
    rate = sum(per_chat.values()) / elapsed / time_scale  # in fake (Telegram) seconds
    result = {
        "broadcast_recipients": recipients,
        "broadcast_seconds": round(elapsed, 1),
        "broadcast_rate_per_fake_s": round(rate, 1),
        "broadcast_rate_of_limit": round(rate / limit, 3),
        "broadcast_lost": recipients - delivered,
        "broadcast_duplicates": sum(count - 1 for count in per_chat.values() if count > 1),
        "broadcast_429": rejected,
        "broadcast_time_scale": time_scale,
    }
    log(f"broadcast: {result}")
    return result


# ------------------------------------------------------------------------------------ 4. memory


async def bench_memory(database_url: str, drafts: int, resumes: int) -> dict:
    from tests.fakeapi.server import FakeBotAPI

    await migrate(database_url)
    first_id = 40_000_000
    async with FakeBotAPI.running(record_calls=True) as fake:
        process = await start_bot(fake, database_url)
        try:
            await asyncio.sleep(2)
            idle = rss_mb(process.pid)
            await add_members(database_url, drafts, first_id, with_drafts=True)
            watcher = ChatWatcher(fake)
            try:
                chats = [first_id + number for number in range(min(resumes, drafts))]
                for chat in chats:
                    fake.inject_command("resume", user_id=chat, language_code="en")
                waited = await asyncio.gather(*(watcher.wait_more(chat, 0, 120) for chat in chats))
            finally:
                watcher.stop()
            loaded = rss_mb(process.pid)
        finally:
            stop_bot(process)
    result = {"rss_mb_idle": idle, "rss_mb_10k_drafts": loaded, "rss_drafts": drafts, "rss_resumed": sum(waited)}
    log(f"memory: {result}")
    return result


# ------------------------------------------------------------------------------------ 5. load


async def bench_load(database_url: str, members: int, timeout_per_step: float) -> dict:
    from sqlalchemy import func, select

    from storage.db import create_engine
    from storage.models import Member, Submission, SurveyAnswer
    from tests.fakeapi.server import FakeBotAPI

    await migrate(database_url)
    plan = survey_plan(threshold_form(), repeats=1)
    first_id = 50_000_000
    errors: list[str] = []
    async with FakeBotAPI.running() as fake:
        process = await start_bot(fake, database_url)
        watcher = ChatWatcher(fake)

        async def member(chat: int) -> bool:
            say = lambda text: lambda: fake.inject_message(text, user_id=chat, language_code="en")  # noqa: E731
            press = lambda label: lambda: fake.press_button(chat, text=label)  # noqa: E731
            # Each action with the start of the last message it should bring.
            script = [
                (say("/start"), "Which country"),
                (say("Kenya"), "What is your role"),  # a name typed exactly: no "Did you mean"
                (press("INSOP member / other"), "What I can do"),  # focal points are appointed
                (say("/survey"), "Which survey"),
                (press("INSOP soil threshold values"), "Which country are you answering about?"),
            ]
            script += [(say(text), expect) for text, expect in plan] + [(press("Submit"), "Thank you!")]
            await asyncio.sleep(random.uniform(0, 2))  # members do not all start in the same millisecond
            for action, expect in script:
                try:
                    action()
                except LookupError as error:  # a button that is not there
                    errors.append(f"{chat}: {error}"[:300])
                    return False
                if not await watcher.wait_text(chat, expect, timeout_per_step):
                    errors.append(f"{chat}: no {expect!r}; last: {watcher.texts.get(chat, '')[:80]!r}")
                    return False
            return True

        started = time.perf_counter()
        try:
            outcomes = await asyncio.gather(*(member(first_id + number) for number in range(members)))
        finally:
            elapsed = time.perf_counter() - started
            watcher.stop()
            stop_bot(process)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            submitted = await connection.scalar(
                select(func.count(Submission.id))
                .join(Member, Member.id == Submission.member_id)
                .where(Member.telegram_id >= first_id, Submission.status == "submitted")
            )
            stored = await connection.scalar(
                select(func.count(SurveyAnswer.id))
                .join(Submission, Submission.id == SurveyAnswer.submission_id)
                .join(Member, Member.id == Submission.member_id)
                .where(Member.telegram_id >= first_id)
            )
    finally:
        await engine.dispose()
    completed = sum(outcomes)
    expected_answers = completed * (len(plan) + 1)  # typed answers plus the Submit press
    result = {
        "load_members": members,
        "load_seconds": round(elapsed, 1),
        "load_completed": completed,
        "load_submitted": submitted,
        "load_errors": len(errors),
        "load_answers_per_member": len(plan) + 1,
        "load_answers_lost": max(0, expected_answers - (stored or 0)),
        "load_updates_per_s": round(completed * (len(plan) + 7) / elapsed, 1),
    }
    if errors:
        result["load_error_sample"] = errors[:3]
    log(f"load: {result}")
    return result


# ------------------------------------------------------------------------------------ 6. coordinator

COORDINATOR_ID = 900


async def add_submissions(sessionmaker, form, count: int, first_id: int, seed: int = 6) -> None:
    """`count` submitted threshold surveys (three values each) from as many members in varied countries."""
    from sqlalchemy import insert, select

    from bot.reports.regions import load_regions
    from bot.survey import submission_data, submit
    from storage.models import Member, Submission, SurveyForm, utcnow

    _plan, state = walk_plan(form, repeats=3)
    state = submit(form, state)
    data = submission_data(form, state)
    rng = random.Random(seed)
    countries = sorted(load_regions())
    now = utcnow()
    async with sessionmaker() as session, session.begin():
        form_pk = await session.scalar(
            select(SurveyForm.id).where(SurveyForm.form_id == "insop_thresholds", SurveyForm.is_current)
        )
        codes = [rng.choice(countries) for _ in range(count)]
        await session.execute(
            insert(Member),
            [
                {
                    "telegram_id": first_id + number,
                    "name": f"Member {number}",
                    "language": "en",
                    "country": codes[number],
                    "role": "focal_point",
                    "created_at": now,
                    "last_seen_at": now,
                    "onboarded_at": now,
                    "active": True,
                    "muted": False,
                }
                for number in range(count)
            ],
        )
        ids = list(
            await session.scalars(
                select(Member.id)
                .where(Member.telegram_id >= first_id, Member.telegram_id < first_id + count)
                .order_by(Member.telegram_id)
            )
        )
        rows = []
        for number, member_id in enumerate(ids):
            answers = dict(
                data,
                country=codes[number],
                discussions_2y=rng.choice(["yes", "no"]),
                reg_stage=rng.choice(["none", "drafting", "in_force"]),
            )
            rows.append(
                {
                    "form_pk": form_pk,
                    "member_id": member_id,
                    "country": codes[number],
                    "language": "en",
                    "status": "submitted",
                    "state": state.to_dict(),
                    "data": answers,
                    "pending": {},
                    "active": False,
                    "last_update_id": 0,
                    "revision": 1,
                    "created_at": now,
                    "updated_at": now,
                    "submitted_at": now,
                }
            )
        for offset in range(0, len(rows), 500):
            await session.execute(insert(Submission), rows[offset : offset + 500])


async def bench_coordinator(
    database_url: str, submissions: int, members: int, cycles: int, rest_s: float, reminder_members: int
) -> dict:
    """Survey-answer latency through the real dispatcher, idle and while a coordinator runs /stats and /export.

    Members answer all along; the coordinator alternates rest windows with a /stats + /export cycle. An
    answer that overlaps a cycle counts as "during", one that does not as "idle": both samples come from
    the same members at the same points of the survey, so only the coordinator's work differs.
    """
    from bot.config import Settings
    from tests.harness import BotHarness

    settings = Settings(_env_file=None, database_url=database_url, bot_token=None, coordinator_ids=str(COORDINATOR_ID))
    harness = await BotHarness.start(settings)
    form = threshold_form()
    plan = survey_plan(form, repeats=60)
    rng = random.Random(7)
    try:
        await add_submissions(harness.storage.sessionmaker, form, submissions, 61_000_000)
        users = [harness.user(3_000_000 + number) for number in range(members)]
        for user in users:
            await harness.onboard(user, "Kenya", "INSOP member / other")  # the threshold survey is theirs too
            await harness.send(user, "/survey")
            await harness.press(user, "INSOP soil threshold values")
        coordinator = harness.user(COORDINATOR_ID, name="Coco")
        position = {user.id: 0 for user in users}
        answers: list[tuple[float, float]] = []  # (start, end) of every answer, perf_counter seconds
        work: list[tuple[float, float]] = []  # the coordinator's cycles
        stats_ms: list[float] = []
        export_ms: list[float] = []
        working = asyncio.Event()
        working.set()

        async def member(user) -> None:
            await asyncio.sleep(rng.uniform(0, 0.2))
            while working.is_set() and position[user.id] < len(plan):
                update = harness.updates.message(user, plan[position[user.id]][0])
                started = time.perf_counter()
                await harness.dispatcher.feed_update(harness.bot, update)
                answers.append((started, time.perf_counter()))
                position[user.id] += 1
                # A member reads the next question before typing it.
                await asyncio.sleep(rng.uniform(0.1, 0.3))

        async def coordinator_work() -> None:
            try:
                for _ in range(cycles):
                    await asyncio.sleep(rest_s)
                    cycle_started = started = time.perf_counter()
                    await harness.dispatcher.feed_update(harness.bot, harness.updates.message(coordinator, "/stats"))
                    stats_ms.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    await harness.dispatcher.feed_update(harness.bot, harness.updates.message(coordinator, "/export"))
                    message, button = harness.find_button(COORDINATOR_ID, label="INSOP soil threshold values")
                    await harness.dispatcher.feed_update(
                        harness.bot, harness.updates.press(coordinator, message, button.callback_data)
                    )
                    export_ms.append((time.perf_counter() - started) * 1000)
                    work.append((cycle_started, time.perf_counter()))
                await asyncio.sleep(rest_s)
            finally:
                working.clear()

        documents_before = sum(1 for call in harness.api.calls if call.method == "sendDocument")
        await asyncio.gather(coordinator_work(), *(member(user) for user in users))
        documents = sum(1 for call in harness.api.calls if call.method == "sendDocument") - documents_before
        # Every answer must have been taken: each member's newest message is the question after their last answer.
        misplaced = 0
        for user in users:
            last = next(
                (
                    call.text
                    for call in reversed(harness.api.calls)
                    if call.chat_id == user.id and call.method in ("sendMessage", "editMessageText")
                ),
                "",
            )
            misplaced += position[user.id] > 0 and plan[position[user.id] - 1][1][:30] not in last
    finally:
        await harness.close()
    during = [
        (end - start) * 1000
        for start, end in answers
        if any(start < busy_end and end > busy_start for busy_start, busy_end in work)
    ]
    idle = [
        (end - start) * 1000
        for start, end in answers
        if not any(start < busy_end and end > busy_start for busy_start, busy_end in work)
    ]
    reminder = await reminder_loop_stalls(database_url, reminder_members)
    result = {
        "answer_p99_ms_idle": round(percentile(idle, 0.99), 1),
        "answer_p99_ms_during_coordinator_work": round(percentile(during, 0.99), 1),
        "answer_p50_ms_idle": round(statistics.median(idle), 1),
        "answer_p50_ms_during_coordinator_work": round(statistics.median(during), 1),
        "answer_max_ms_during_coordinator_work": round(max(during), 1),
        "coordinator_submissions": submissions,
        "coordinator_members_answering": members,
        "coordinator_answers_idle": len(idle),
        "coordinator_answers_during": len(during),
        "coordinator_cycles": len(work),
        "coordinator_documents": documents,
        "coordinator_stats_ms": round(statistics.median(stats_ms), 1),
        "coordinator_export_ms": round(statistics.median(export_ms), 1),
        "coordinator_answers_misplaced": misplaced,
        **reminder,
    }
    log(f"coordinator: {result}")
    return result


async def reminder_loop_stalls(database_url: str, members: int) -> dict:
    """The longest event-loop stall while a coordinator picks "everyone" for a reminder and it is queued."""
    from bot.app import open_storage
    from bot.config import Settings
    from bot.services import coord_reminders
    from storage.models import utcnow

    await add_members(database_url, members, 70_000_000)
    storage = await open_storage(Settings(_env_file=None, database_url=database_url, bot_token=None))
    stalls: list[float] = []
    watching = True

    async def watch() -> None:
        while watching:
            started = time.perf_counter()
            await asyncio.sleep(0.001)
            stalls.append((time.perf_counter() - started - 0.001) * 1000)

    try:
        async with storage.sessionmaker() as session:
            draft = await coord_reminders.new_draft(session, COORDINATOR_ID)
        async with storage.sessionmaker() as session:
            await coord_reminders.set_text(session, draft.id, "en", "Please answer the INSOP survey.")
        watcher = asyncio.create_task(watch())
        await asyncio.sleep(0.01)
        stalls.clear()
        async with storage.sessionmaker() as session:
            _reminder, audience = await coord_reminders.set_audience(session, draft.id, {"kind": "all"}, "en")
        audience_stall = max(stalls)
        async with storage.sessionmaker() as session:
            await coord_reminders.send_now(session, draft.id)
        stalls.clear()
        async with storage.sessionmaker() as session:
            queued = await coord_reminders.queue_due(session, utcnow(), "en", ("ar", "zh", "en", "fr", "ru", "es"))
        queue_stall = max(stalls)
        watching = False
        await watcher
    finally:
        await storage.engine.dispose()
    return {
        "reminder_audience": audience,
        "reminder_queued": queued,
        "reminder_audience_longest_stall_ms": round(audience_stall, 1),
        "reminder_queue_longest_stall_ms": round(queue_stall, 1),
    }


# ------------------------------------------------------------------------------------ main


def machine() -> dict:
    memory_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    return {
        "cpus": os.cpu_count(),
        "ram_gb": round(memory_kb / 2**20, 1),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


# ------------------------------------------------------------------------------------ web pages


async def bench_web(rows: int, requests: int) -> dict:
    """Server time of `/?q=` and `/country/XX` over `rows` synthetic values (no database: the index is given)."""
    from bot.lookup import build_index, default_vocabulary
    from bot.lookup.synthetic import synthetic_jurisdictions, synthetic_records
    from bot.web.views import PageCache

    default_vocabulary()
    index = build_index(synthetic_records(rows, seed=1))
    jurisdictions = [code for code in synthetic_jurisdictions() if len(code) == 2][:40]
    questions = lookup_queries(requests, jurisdictions)
    result = {"web_rows": rows}
    # Every page rendered (the rendered-page cache off), then with it (pages seen before come from memory).
    result.update(await _web_pass(index, PageCache(max_pages=0), jurisdictions, questions))
    cached = await _web_pass(index, PageCache(), jurisdictions, questions)
    result.update({key.replace("web_", "web_cached_", 1): value for key, value in cached.items()})
    log(f"web {rows} rows: {result}")
    return result


async def _web_pass(index, cache, jurisdictions: list[str], questions: list[str]) -> dict:
    from contextlib import asynccontextmanager

    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.config import Settings
    from bot.web import build_web_app
    from bot.web.guards import RateLimiter
    from bot.web.keys import PAGES

    class GivenIndex:
        async def index(self, session):
            return index

    @asynccontextmanager
    async def no_session():
        yield None

    timings: list[tuple[float, float]] = []

    @web.middleware
    async def timed(request, handler):
        # Wall clock, and this thread's CPU time: on a shared machine the wall clock's tail is mostly other
        # processes taking the core away (the handlers here never wait for a database).
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = await handler(request)
        timings.append(((time.perf_counter() - started) * 1000, (time.thread_time() - started_cpu) * 1000))
        return response

    app = build_web_app(Settings(_env_file=None), no_session, GivenIndex(), limiter=RateLimiter(rate=10**9))
    app[PAGES] = cache
    app.middlewares.insert(0, timed)
    search_ms, country_ms, page_bytes, cpu_ms = [], [], [], []
    async with TestClient(TestServer(app)) as client:
        await client.get("/?q=lead+Netherlands")  # templates compiled, caches warm
        await client.get(f"/country/{jurisdictions[0]}")
        for number, question in enumerate(questions):
            timings.clear()
            response = await client.get("/", params={"q": question})
            page_bytes.append(len(await response.read()))
            search_ms.append(timings[-1][0])
            cpu_ms.append(timings[-1][1])
            timings.clear()
            await (await client.get(f"/country/{jurisdictions[number % len(jurisdictions)]}")).read()
            country_ms.append(timings[-1][0])
            cpu_ms.append(timings[-1][1])
    return {
        "web_page_p99_ms": round(percentile(search_ms + country_ms, 0.99), 2),
        "web_page_cpu_p99_ms": round(percentile(cpu_ms, 0.99), 2),
        "web_search_p99_ms": round(percentile(search_ms, 0.99), 2),
        "web_country_p99_ms": round(percentile(country_ms, 0.99), 2),
        "web_page_kb": round(percentile(page_bytes, 0.99) / 1024, 1),
        "web_page_kb_median": round(statistics.median(page_bytes) / 1024, 1),
        "web_load_average": round(os.getloadavg()[0], 1),
    }


async def run_all(args: argparse.Namespace, workdir: Path) -> dict:
    quick = args.quick

    def database(name: str) -> str:
        if args.database_url:
            return args.database_url
        return f"sqlite+aiosqlite:///{workdir / name}.db"

    results: dict = {
        "quick": quick,
        "machine": machine(),
        "database": "sqlite" if not args.database_url else args.database_url.split(":", 1)[0],
    }
    parts = set(args.only.split(",")) if args.only else set(PARTS)
    if "lookup" in parts:
        results.update(bench_lookup([1_000, 5_000] if quick else [1_000, 10_000, 100_000], 200 if quick else 2_000))
    if "dispatch" in parts:
        results.update(await bench_dispatch(database("dispatch"), 4 if quick else 20, 60 if quick else 2_000))
    if "updates" in parts:
        results.update(await bench_updates(database("updates"), 4 if quick else 20, 40 if quick else 1_000))
    if "broadcast" in parts:
        results.update(await bench_broadcast(database("broadcast"), 150 if quick else 10_000, 50.0 if quick else 1.0))
    if "memory" in parts:
        results.update(await bench_memory(database("memory"), 200 if quick else 10_000, 20 if quick else 500))
    if "load" in parts:
        results.update(await bench_load(database("load"), 5 if quick else 1_000, 60 if quick else 300))
    if "coordinator" in parts:
        results.update(
            await bench_coordinator(
                database("coordinator"),
                60 if quick else 1_000,
                3 if quick else 10,
                1 if quick else 6,
                0.5 if quick else 2.0,
                200 if quick else 10_000,
            )
        )
    if "web" in parts:
        results.update(await bench_web(5_000 if quick else 100_000, 30 if quick else 300))
    return results


PARTS = ("lookup", "dispatch", "updates", "broadcast", "memory", "load", "coordinator", "web")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON line with every figure")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (seconds, for the smoke test)")
    parser.add_argument("--database-url", default=None, help="a database to use (default: fresh SQLite files)")
    parser.add_argument("--only", default=None, help="comma-separated parts to run: " + ",".join(PARTS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="insop-bench-") as workdir:
        results = asyncio.run(run_all(args, Path(workdir)))
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        for key, value in results.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
