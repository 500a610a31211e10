"""Smoke test of the hand-run benchmarks: `--quick --json` runs every part at tiny sizes and reports every figure.

Not part of `make test` (it runs every timing loop, a few minutes on a loaded machine): `make bench-check`
runs it. It checks that the script works and reports every key, never how fast anything was.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

KEYS = {
    "lookup_rows",
    "lookup_p50_ms",
    "lookup_p99_ms",
    "lookup_growth",
    "lookup_index_mb",
    "answers_per_s",
    "echo_per_s",
    "answers_per_s_ratio_to_echo",
    "lookup_updates_per_s",
    "lookup_updates_ratio_to_echo",
    "broadcast_recipients",
    "broadcast_rate_of_limit",
    "broadcast_lost",
    "broadcast_duplicates",
    "rss_mb_idle",
    "rss_mb_10k_drafts",
    "load_members",
    "load_seconds",
    "load_errors",
    "load_answers_lost",
    "machine",
    "answer_p99_ms_idle",
    "answer_p99_ms_during_coordinator_work",
    "coordinator_cycles",
    "web_page_p99_ms",
    "web_page_kb",
}


def test_quick_benchmark_reports_every_figure():
    result = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert KEYS <= figures.keys(), KEYS - figures.keys()
    assert figures["broadcast_lost"] == 0 and figures["broadcast_duplicates"] == 0
    assert figures["load_errors"] == 0 and figures["load_answers_lost"] == 0
    assert (
        figures["coordinator_cycles"] >= 1 and figures["coordinator_documents"] == 4 * figures["coordinator_cycles"]
    )  # XLSX, CSV, two repeat CSVs
    assert figures["coordinator_answers_during"] > 0 and figures["coordinator_answers_misplaced"] == 0
