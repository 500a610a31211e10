"""Read uploaded forms in a child process, with a memory cap and a time limit, off the event loop.

openpyxl, xlrd and pyxform are CPU-bound and allocate as the file asks; a file from a user must not
hold the bot's event loop or its memory. `FormReader` keeps one worker process (started with
`spawn`, importing only `bot.survey`, on the first upload) whose address space is capped at its size
after start plus PARSE_MEMORY_BYTES, and which the kernel ends (SIGALRM) if one form takes longer than
PARSE_SECONDS. A worker that dies is replaced on the next upload; the upload that killed it gets a
one-line FormLimitError.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import resource
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from bot.survey.form import Form, FormError
from bot.survey.limits import PARSE_MEMORY_BYTES, PARSE_SECONDS, FormLimitError, FormProblem, megabytes

log = logging.getLogger(__name__)


def _vm_size() -> int:
    """This process's virtual memory size in bytes (0 where /proc is not there)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _limit_worker(memory_bytes: int) -> None:
    """Worker initializer: import the engine, then cap the address space at its size now plus memory_bytes."""
    import bot.survey.loader  # noqa: F401  (counted in the baseline, not in the form's allowance)

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    current = _vm_size()
    if not current:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + memory_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _read_in_worker(content: bytes, filename: str, seconds: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """In the worker: check and parse the form; the default SIGALRM action ends the worker at the deadline."""
    from bot.survey.loader import check_and_load

    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(seconds)
    try:
        form, warnings = check_and_load(content, filename, warnings=True)
        return form.to_dict(), [warning.to_dict() for warning in warnings]
    except MemoryError:
        raise FormLimitError(
            FormProblem("parse_memory", filename, params={"limit": megabytes(PARSE_MEMORY_BYTES)})
        ) from None
    except RecursionError:  # a nesting the loader's depth checks missed: one line, not a failed upload
        raise FormError(f"{filename}: the form nests too deeply to be read") from None
    finally:
        signal.alarm(0)


class FormReader:
    """Checks and parses uploaded forms in a capped worker process; `read` for coroutines."""

    def __init__(self, memory_bytes: int = PARSE_MEMORY_BYTES, seconds: int = PARSE_SECONDS):
        self.memory_bytes = memory_bytes
        self.seconds = seconds
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_limit_worker,
                    initargs=(self.memory_bytes,),
                )
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    async def read(self, content: bytes, filename: str) -> tuple[Form, list[FormProblem]]:
        """The form in an uploaded file and its warnings; FormError (one line) if it is broken or too costly."""
        pool = self._executor()
        started = time.monotonic()
        try:
            future = pool.submit(_read_in_worker, content, filename, self.seconds)
            definition, warnings = await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self._discard(pool)
            raise self._killed(filename, time.monotonic() - started) from None
        except MemoryError:
            self._discard(pool)  # a worker that ran out of memory is not trusted with the next form
            raise self._killed(filename, 0.0) from None
        except FormLimitError as error:
            if error.problem.code == "parse_memory":
                self._discard(pool)
            raise
        # Rebuilding the Form from plain data takes milliseconds; a large one is still done off the loop.
        return await asyncio.to_thread(_rebuild, definition, warnings)

    def read_sync(self, content: bytes, filename: str) -> tuple[Form, list[FormProblem]]:
        """`read` for code without an event loop (the command line)."""
        pool = self._executor()
        started = time.monotonic()
        try:
            definition, warnings = pool.submit(_read_in_worker, content, filename, self.seconds).result()
        except BrokenProcessPool:
            self._discard(pool)
            raise self._killed(filename, time.monotonic() - started) from None
        return _rebuild(definition, warnings)

    def _killed(self, filename: str, elapsed: float) -> FormLimitError:
        if elapsed >= self.seconds - 0.5:
            log.warning("reading an uploaded form was stopped after %.1f s", elapsed)
            return FormLimitError(FormProblem("parse_timeout", filename, params={"seconds": self.seconds}))
        log.warning("the form reader ended after %.1f s (memory cap %d MB)", elapsed, megabytes(self.memory_bytes))
        return FormLimitError(FormProblem("parse_memory", filename, params={"limit": megabytes(self.memory_bytes)}))

    def close(self) -> None:
        """End the worker process (at shutdown)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _rebuild(definition: dict[str, Any], warnings: list[dict[str, Any]]) -> tuple[Form, list[FormProblem]]:
    return Form.from_dict(definition), [FormProblem(**warning) for warning in warnings]
