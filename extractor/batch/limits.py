"""Bounds on one file's work: a time budget per file and a memory bound per worker process.

The time budget has two layers. The soft one raises `FileTimedOut` inside the work (a
SIGALRM on the main thread, which also interrupts a long regular-expression match; an
asynchronous exception on any other thread, as in a Dask worker). The hard one, only
in worker processes, is for work that never returns to Python (a C loop): a watchdog
thread ends the process `HARD_GRACE_S` after the budget, and a CPU-time limit
(SIGXCPU) ends it even when the watchdog cannot get the interpreter lock. The engine
then sees a lost worker, and the batch retries that chunk file by file, so the file
fails alone. The memory bound is the worker's address space (RLIMIT_AS): an
allocation over it raises MemoryError in the file that asked.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import NamedTuple

from extractor.engines import die_with_parent

#: Default time budget of one file, seconds (`--timeout`).
DEFAULT_TIMEOUT_S = 60.0
#: How long past its budget a file may go before its worker process is ended.
HARD_GRACE_S = 5.0
#: Exit status of a worker ended by the watchdog (the parent reads it as "timed out").
EXIT_TIMED_OUT = 75
#: Share of the machine's memory the workers may use together by default.
MEMORY_SHARE = 0.8
#: The smallest default bound: below this a worker cannot import the extractor.
MIN_MEMORY = 1 << 30
#: How often the watchdog looks at the clock.
WATCH_EVERY_S = 0.25


class FileTimedOut(BaseException):
    """The file ran past its budget.

    A BaseException on purpose: the pipeline turns an `Exception` in a field extractor
    into a warning, and a timeout must end the file, not one of its fields.
    """


# A NamedTuple, not a frozen dataclass: a fresh process makes the class in 0.05 ms, not 0.3.
class Limits(NamedTuple):
    """The bounds a run gives each file and each worker; 0 means none."""

    timeout: float = DEFAULT_TIMEOUT_S
    max_memory: int = 0

    def timed_out_reason(self) -> str:
        """The manifest's reason for a file over its budget."""
        return f"timed out after {self.timeout:g} s"


def default_max_memory(jobs: int) -> int:
    """Each worker's share of this machine's memory (the default of `--max-memory`)."""
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not POSIX: no bound
        return 0
    return max(MIN_MEMORY, int(total * MEMORY_SHARE / max(1, jobs)))


def parse_size(text: str) -> int:
    """`2G`, `512M`, `300k` or a number of bytes; `0` for no bound."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
    cleaned = text.strip().lower().removesuffix("ib").removesuffix("b")
    factor = units.get(cleaned[-1:], 1)
    number = cleaned[:-1] if cleaned[-1:] in units else cleaned
    value = float(number)
    if value < 0:
        raise ValueError(f"a size cannot be negative: {text}")
    return int(value * factor)


# --- in a worker process ------------------------------------------------------------------


class _Worker:
    """What this process knows about the file it is on (set only in worker processes)."""

    armed = False
    deadline: float | None = None
    cpu_budget = 0.0


def arm_worker(limits: Limits) -> None:
    """Once per worker process: the memory bound, the watchdog, death with the parent."""
    if _Worker.armed:
        return
    _Worker.armed = True
    die_with_parent()
    if sys.platform != "win32":
        import resource  # noqa: PLC0415 - POSIX only

        # A worker ended by the CPU limit (or a crash) leaves no core file behind.
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    if limits.max_memory > 0 and sys.platform != "win32":
        import resource  # noqa: PLC0415 - POSIX only

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = limits.max_memory
        if hard != resource.RLIM_INFINITY:
            wanted = min(hard, wanted)
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    if limits.timeout > 0:
        _Worker.cpu_budget = limits.timeout + 2 * HARD_GRACE_S
        threading.Thread(target=_watchdog, name="newsfacts-watchdog", daemon=True).start()


def _watchdog() -> None:
    while True:
        time.sleep(WATCH_EVERY_S)
        deadline = _Worker.deadline
        if deadline is not None and time.monotonic() > deadline:
            os._exit(EXIT_TIMED_OUT)


def _limit_cpu(seconds: float) -> None:
    # The kernel ends the process (SIGXCPU) when this file's CPU time passes `seconds`,
    # even when no Python code can run.
    if seconds <= 0 or sys.platform != "linux":
        return
    import resource  # noqa: PLC0415 - POSIX only

    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(spent + seconds) + 1
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


# --- around one file ----------------------------------------------------------------------


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise FileTimedOut in this thread when the block runs longer than `seconds` (0: never)."""
    if seconds <= 0:
        yield
        return
    if _Worker.armed:
        _Worker.deadline = time.monotonic() + seconds + HARD_GRACE_S
        _limit_cpu(_Worker.cpu_budget)
    try:
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
            with _alarm(seconds):
                yield
        else:
            with _async_timer(seconds):
                yield
    finally:
        _Worker.deadline = None


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def expired(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        raise FileTimedOut

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _async_timer(seconds: float) -> Iterator[None]:
    # Off the main thread there are no signal handlers: raise the exception in this
    # thread from a timer (CPython checks for it between bytecodes).
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def expire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                _set_async_exc(target, FileTimedOut)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state["fired"]:  # fired as the block ended: do not let it land later
                _set_async_exc(target, None)


def _set_async_exc(thread: int, kind: type[BaseException] | None) -> None:
    import ctypes  # noqa: PLC0415 - only when a budget runs out off the main thread

    # An empty py_object is NULL, which clears a pending exception.
    exc = ctypes.py_object() if kind is None else ctypes.py_object(kind)
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), exc)
