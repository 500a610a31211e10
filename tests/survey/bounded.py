"""Run a function in a forked child with a time limit and a memory cap, so a test of a hostile form
fails (instead of hanging the suite or filling the machine's memory) when the engine is not bounded.
"""

from __future__ import annotations

import multiprocessing
import resource
import traceback
from collections.abc import Callable
from typing import Any

MB = 1024 * 1024


class Unbounded(AssertionError):
    """The function ran out of time or memory in the child."""


def _vm_size() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(connection, func, args, memory_bytes) -> None:
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (_vm_size() + memory_bytes, hard))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        result = func(*args)
        connection.send((True, result))
    except MemoryError:
        connection.send((False, f"needed more than {memory_bytes // MB} MB"))
    except BaseException:  # the test reports it
        connection.send((False, traceback.format_exc()))
    finally:
        connection.close()


def run_bounded(func: Callable[..., Any], *args: Any, seconds: float = 20, memory_mb: int = 400) -> Any:
    """func(*args) in a forked child: its result, or Unbounded if it needed more than seconds or memory_mb."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, func, args, memory_mb * MB), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise Unbounded(f"{getattr(func, '__name__', func)} took longer than {seconds} s")
        try:
            ok, value = receiver.recv()
        except EOFError:
            raise Unbounded(
                f"{getattr(func, '__name__', func)} ended its process (memory cap {memory_mb} MB)"
            ) from None
        if not ok:
            raise Unbounded(f"{getattr(func, '__name__', func)} failed: {value}")
        return value
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
