"""CPU-heavy work (charts, XLSX/CSV exports) off the event loop, so one coordinator's export never
makes the members answering a survey wait.

matplotlib and openpyxl hold the GIL while they work: in a thread they still take the interpreter
from the event loop for 5 ms slices (`sys.getswitchinterval()`), and every database round trip of
every other update queues behind them. They run in a worker process instead (spawned: a fresh
interpreter that imports `bot.reports.jobs`, never aiogram), started on the first job and stopped
after a quiet spell. Inputs and results are plain data (dataclasses, dicts, bytes); the database is
read in the coroutine before a job starts.

One semaphore bounds the jobs of a bot process: two coordinators asking for exports at once are
served one after the other rather than both eating the CPU the members need.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from bot.reports.campaign import CampaignStats
    from bot.reports.export import ExportFiles

log = logging.getLogger(__name__)

# A worker is replaced after this many jobs: whatever matplotlib caches per figure cannot pile up.
JOBS_PER_WORKER = 200
# Seconds without a job after which the worker process is stopped (its ~100 MB go back to the system).
IDLE_SECONDS = 600.0
# Added to the worker's nice value (lower priority): a chart may take longer, an answer may not.
WORKER_NICENESS = 10


class HeavyWorkFailed(RuntimeError):
    """The worker process died twice in a row (killed, out of memory): the job could not be done."""


def _worker_started(jobs_module: str) -> None:
    # Ctrl-C in the bot's terminal reaches the whole process group: the bot shuts its workers down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Background work: when the cores are busy, the system gives them to the bot's event loop first.
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # not permitted here: the work still runs, only without the priority hint
        pass
    __import__(jobs_module)  # matplotlib and openpyxl load now, not in the first coordinator's wait
    # A bot killed (SIGKILL, OOM) never shuts its pool down: the worker ends with it rather than live on
    # as an orphan holding the bot's stdout and stderr open.
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), name="exit-with-the-bot", daemon=True).start()


def _exit_with(parent) -> None:
    parent.join()  # returns once the bot's process has ended, however it ended
    os._exit(0)


def _nothing() -> None:
    """A job that only makes the pool start its worker."""


def _call_job(module: str, name: str, *args: Any) -> Any:
    """`module.name(*args)`, the module imported where the job runs: the bot process never imports matplotlib
    and openpyxl (about 40 MB) unless it runs the jobs in a thread itself."""
    return getattr(importlib.import_module(module), name)(*args)


class HeavyWork:
    """Runs chart and export jobs in a worker process (or, with `workers=0`, in a thread of this one)."""

    def __init__(
        self, workers: int = 1, jobs: ModuleType | str = "bot.reports.jobs", idle_seconds: float = IDLE_SECONDS
    ) -> None:
        # The jobs' module by name: imported by the worker, not here (it draws with matplotlib).
        self.jobs_module = jobs if isinstance(jobs, str) else jobs.__name__
        self.workers = workers
        self.idle_seconds = idle_seconds
        self._executor: Executor | None = None
        self._semaphore = asyncio.Semaphore(max(workers, 1))
        self._running = 0
        self._idle_timer: asyncio.TimerHandle | None = None
        self._chart_languages: dict[str, str] = {}

    # ------------------------------------------------------------------ jobs

    def prepare(self) -> None:
        """Start the worker now (a fresh interpreter takes a second or two to import matplotlib and
        openpyxl), so the job a coordinator is about to ask for does not wait for it."""
        if self._executor is None and self.workers > 0:
            executor = self._start()
            try:
                executor.submit(_nothing)
            except OSError as error:
                self._fall_back_to_thread(executor, error)
            self._arm_idle_timer()

    async def chart_language(self, locale: str) -> str:
        """The language a chart is drawn in (English for Chinese when the machine has no CJK font)."""
        if locale not in self._chart_languages:
            self._chart_languages[locale] = await self.run(_call_job, self.jobs_module, "chart_language", locale)
        return self._chart_languages[locale]

    async def progress_chart(self, regions: list, indicators: list, locale: str) -> bytes:
        """The /stats chart as PNG bytes, drawn in `locale` (see `chart_language`)."""
        return await self.run(_call_job, self.jobs_module, "progress_chart", regions, indicators, locale)

    async def comparison_chart(
        self,
        rows: list[dict[str, Any]],
        pollutant_name: str,
        land_use_name: str,
        locale: str,
        tier_name: str | None = None,
    ) -> bytes:
        """The /compare chart as PNG bytes (`tier_name` titles the legend)."""
        return await self.run(
            _call_job, self.jobs_module, "comparison_chart", rows, pollutant_name, land_use_name, locale, tier_name
        )

    async def campaign_stats(
        self, forms: list[tuple[str, str]], rows: list[dict[str, Any]], members: list[dict[str, Any]]
    ) -> CampaignStats:
        """The /stats counts and indicators (`bot.reports.campaign.CampaignStats`) from submission rows."""
        stats = await self.run(_call_job, self.jobs_module, "campaign_stats", forms, rows, members)
        return cast("CampaignStats", stats)

    async def export_files(
        self,
        definition: dict[str, Any],
        submissions: list[dict[str, Any]],
        label_language: str | None,
        include_telegram_ids: bool,
        country_language: str = "en",
    ) -> ExportFiles:
        """XLSX and CSV of the submissions (`bot.reports.export.ExportFiles`), country names in `country_language`."""
        files = await self.run(
            _call_job,
            self.jobs_module,
            "export_files",
            definition,
            submissions,
            label_language,
            include_telegram_ids,
            country_language,
        )
        return cast("ExportFiles", files)

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run `function(*args)` off the event loop, one job per worker at a time; the result comes back."""
        async with self._semaphore:
            self._running += 1
            self._cancel_idle_timer()
            try:
                return await self._submit(function, args)
            finally:
                self._running -= 1
                self._arm_idle_timer()

    async def _submit(self, function: Callable[..., Any], args: tuple) -> Any:
        for attempt in (1, 2):
            executor = self._executor or self._start()
            try:
                future = executor.submit(function, *args)
            except OSError as error:
                # No process can be started here (limits, no shared memory): slower for members, but it works.
                self._fall_back_to_thread(executor, error)
                continue
            except BrokenProcessPool:
                self._discard(executor, attempt)
                continue
            try:
                return await asyncio.wrap_future(future)
            except BrokenProcessPool:
                # The worker was killed under us (out of memory, an operator's kill): one fresh try.
                self._discard(executor, attempt)
        name = args[1] if function is _call_job else getattr(function, "__name__", str(function))
        raise HeavyWorkFailed(name)

    def _discard(self, executor: Executor, attempt: int) -> None:
        log.warning("the heavy-work process died (attempt %d); starting a new one", attempt)
        if self._executor is executor:
            self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)

    def _fall_back_to_thread(self, executor: Executor, error: OSError) -> None:
        if not isinstance(executor, ProcessPoolExecutor):
            raise error
        log.warning("cannot start the heavy-work process (%s): charts and exports run in a thread", error)
        executor.shutdown(wait=False, cancel_futures=True)
        self._executor = None
        self.workers = 0

    def _start(self) -> Executor:
        if self.workers <= 0:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="heavy")
        else:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                # spawn, not fork: a forked copy of the bot would carry its event loop, sockets and ~300 MB.
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_started,
                initargs=(self.jobs_module,),
                max_tasks_per_child=JOBS_PER_WORKER,
            )
        return self._executor

    # ------------------------------------------------------------------ lifetime

    def _cancel_idle_timer(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    def _arm_idle_timer(self) -> None:
        if self._running == 0 and self._executor is not None and self.idle_seconds > 0:
            self._idle_timer = asyncio.get_running_loop().call_later(self.idle_seconds, self._stop_when_idle)

    def _stop_when_idle(self) -> None:
        self._idle_timer = None
        if self._running == 0 and self._executor is not None:
            executor, self._executor = self._executor, None
            # Not waited for: no job is running, the worker exits on its own.
            executor.shutdown(wait=False)

    @property
    def started(self) -> bool:
        """Whether a worker pool is up (it starts with the first job)."""
        return self._executor is not None

    async def close(self) -> None:
        """Stop the workers (a running job is finished first; queued ones are dropped)."""
        self._cancel_idle_timer()
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
