"""Heavy-work jobs for tests: the real ones, held at a gate the test opens (tests/test_heavy_work.py).

Imported by the worker process, so it talks to the test through files: a job writes `started-<n>`
in the directory named by INSOP_TEST_GATE, then waits (bounded) for a file named `open` there.
Nothing here measures time: a test checks what happened while a job was held.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

from bot.reports import jobs

GATE_ENV = "INSOP_TEST_GATE"
LONGEST_HOLD_S = 60.0  # a test that never opens the gate still ends
_count = itertools.count(1)


def _held() -> None:
    gate = Path(os.environ[GATE_ENV])
    (gate / f"started-{os.getpid()}-{next(_count)}").touch()
    deadline = time.monotonic() + LONGEST_HOLD_S
    while not (gate / "open").exists() and time.monotonic() < deadline:
        time.sleep(0.01)


def chart_language(locale):
    return jobs.chart_language(locale)


def campaign_stats(forms, rows, members):
    return jobs.campaign_stats(forms, rows, members)


def progress_chart(regions, indicators, locale):
    _held()
    return jobs.progress_chart(regions, indicators, locale)


def comparison_chart(rows, pollutant_name, land_use_name, locale, tier_name=None):
    _held()
    return jobs.comparison_chart(rows, pollutant_name, land_use_name, locale, tier_name)


def export_files(definition, submissions, label_language, include_telegram_ids, country_language="en"):
    _held()
    return jobs.export_files(definition, submissions, label_language, include_telegram_ids, country_language)


def worker_pid() -> int:
    return os.getpid()


def die() -> None:
    """Ends the worker process the way the kernel's out-of-memory killer would."""
    os._exit(9)
