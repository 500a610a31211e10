"""Where one lookup update's time goes: `python benchmarks/profile_lookup.py [--updates N] [--pstats FILE]`.

Feeds N lookups from 20 onboarded members (SQLite, a fresh file) through the bot's real dispatcher, the Bot API
in-process (bot/local_api.py, so no network time is counted), under cProfile; prints the time per update of
each component of the path (middlewares, deduplication, database, lookup, rendering, sending, aiogram's routing)
as a Markdown table. A component's time is the self time (tottime) of the functions in its files: cumulative
times are not reliable across awaits, self times are. The profiler slows Python code down about twice, so
read the shares, not the milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXTS = [
    "cadmium agricultural Canada",
    "lead industrial",
    "plomb sol résidentiel Pays-Bas",
    "镉 荷兰",
    "mercury residential Netherlands",
    "zinc agricultural Germany",
    "arsenic Kenya",
    "Pb industrial China",
]


async def run(updates: int, workdir: Path, dump: str | None) -> None:
    from sqlalchemy import insert

    from bot.config import Settings
    from storage.db import create_engine
    from storage.models import Member, utcnow
    from tests.harness import BotHarness

    database_url = f"sqlite+aiosqlite:///{workdir / 'profile.db'}"
    settings = Settings(_env_file=None, database_url=database_url, bot_token=None)
    harness = await BotHarness.start(settings)
    try:
        engine = create_engine(database_url)
        now = utcnow()
        async with engine.begin() as connection:
            await connection.execute(
                insert(Member),
                [
                    {
                        "telegram_id": 60_000_000 + number,
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
                    for number in range(20)
                ],
            )
        await engine.dispose()
        users = [harness.user(60_000_000 + number) for number in range(20)]
        batch = [harness.updates.message(users[n % 20], TEXTS[n % len(TEXTS)]) for n in range(updates)]
        for update in [harness.updates.message(users[n % 20], TEXTS[n % len(TEXTS)]) for n in range(40)]:
            await harness.feed(update)  # warm: index, catalogs, caches
        started, started_cpu = time.perf_counter(), time.process_time()
        for update in [harness.updates.message(users[n % 20], TEXTS[n % len(TEXTS)]) for n in range(updates)]:
            await harness.feed(update)
        plain_ms = (time.perf_counter() - started) / updates * 1000
        cpu_ms = (time.process_time() - started_cpu) / updates * 1000
        profiler = cProfile.Profile()
        profiler.enable()
        for update in batch:
            await harness.feed(update)
        profiler.disable()
    finally:
        await harness.close()
    if dump:
        profiler.dump_stats(dump)
    stats = pstats.Stats(profiler)
    totals: dict[str, float] = {}
    for (filename, _line, function), (_p, _c, tottime, _cumtime, _callers) in stats.stats.items():
        label = component(filename.replace("\\", "/"), function)
        totals[label] = totals.get(label, 0.0) + tottime
    whole = sum(totals.values())
    print(
        f"{updates} lookup updates from 20 members, {plain_ms:.2f} ms each without the profiler "
        f"({cpu_ms:.2f} ms of CPU; {whole / updates * 1000:.2f} ms under cProfile)"
    )
    print()
    print("| component (self time of its functions) | ms per update (cProfile) | share |")
    print("| --- | --- | --- |")
    for label, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"| {label} | {seconds / updates * 1000:.3f} | {seconds / whole:.0%} |")


# First match wins: (label, fragments of the file path; a function name after ':').
COMPONENTS = [
    (
        "middlewares: member cache, open draft, locale (bot/middlewares.py, bot/member_cache.py, i18n middleware)",
        ("bot/middlewares.py", "bot/member_cache.py", "aiogram/utils/i18n/"),
    ),
    ("deduplication (bot/dedupe.py)", ("bot/dedupe.py",)),
    (
        # aiogram runs a plain (non-async) filter through asyncio.to_thread; build_dispatcher makes ours run inline.
        "thread pool: plain filters handed to asyncio.to_thread by aiogram",
        ("asyncio/threads.py", "concurrent/futures/thread.py", ":<method 'put' of '_queue.SimpleQueue'"),
    ),
    (
        "database: SQLAlchemy, aiosqlite, its thread (session per update, member and open-draft reads, index check)",
        (
            "sqlalchemy/",
            "aiosqlite/",
            "sqlite3",
            "greenlet",
            "queue",
            "threading.py",
            "concurrent/futures",
            ":SimpleQueue",
            ":_thread.lock",
            ":greenlet",
        ),
    ),
    (
        "lookup: parse and find (bot/lookup, not render)",
        (
            "bot/lookup/index.py",
            "bot/lookup/parser.py",
            "bot/lookup/vocabulary.py",
            "bot/lookup/__init__.py",
            "bot/lookup/records.py",
            "rapidfuzz",
        ),
    ),
    (
        "rendering: answer text, keyboard (bot/lookup/render.py, bot/keyboards.py, bot/i18n, babel)",
        (
            "bot/lookup/render.py",
            "bot/keyboards.py",
            "bot/i18n/",
            "babel/",
            "bot/countries.py",
            "gettext.py",
            "bot/callbacks.py",
            "html/",
            "bot/limits.py",
        ),
    ),
    (
        "sending: aiogram methods, Bot API session (bot/local_api.py)",
        ("aiogram/methods/", "aiogram/client/", "bot/local_api.py"),
    ),
    (
        "aiogram: routing, filters, handler calls (dispatcher, routers, magic filters)",
        ("aiogram/dispatcher/", "aiogram/filters/", "magic_filter/", "aiogram/fsm/", "bot/handlers/", "inspect.py"),
    ),
    ("pydantic: aiogram types (updates, messages, results)", ("pydantic", "aiogram/types/", ":pydantic_core")),
    (
        "event loop: scheduling, and waiting in epoll (for a thread: the database's, the thread pool; or for a core)",
        ("asyncio/", "selectors.py", ":select.epoll", ":_contextvars", ":socket"),
    ),
]


def component(filename: str, function: str) -> str:
    for label, fragments in COMPONENTS:
        for fragment in fragments:
            if (fragment.startswith(":") and fragment[1:] in function) or (
                not fragment.startswith(":") and fragment in filename
            ):
                return label
    return "other (the benchmark's own loop, builtins)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--pstats", default=None, help="also write the raw profile here (for snakeviz, pstats)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="insop-profile-") as workdir:
        asyncio.run(run(args.updates, Path(workdir), args.pstats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
