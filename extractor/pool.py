"""`LocalEngine`: a pool of worker processes on this machine (see extractor/engines.py for
the contract every engine keeps). Apart from engines.py so that a run in the CLI process
(one file, --engine serial) imports neither multiprocessing nor concurrent.futures.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver
from typing import Any, TypeVar, cast

from extractor.engines import FORKSERVER_PRELOAD, WINDOW_PER_WORKER, TaskLost, die_with_parent

T = TypeVar("T")
R = TypeVar("R")


def worker_init() -> None:
    """What every worker process does first."""
    # Ctrl-C goes to the whole process group; the parent decides what to do with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def _run_alone(fn: Callable[[T], R], task: T, answer: Any) -> None:
    worker_init()
    try:
        outcome: tuple[bool, object] = (True, fn(task))
    except Exception as exc:  # noqa: BLE001 - sent back and raised in the parent
        outcome = (False, exc)
    answer.send(outcome)
    answer.close()


def _local_context(preload: str) -> multiprocessing.context.BaseContext:
    # forkserver: workers fork from a clean server that has imported the extractor
    # once (fast replacement, no threads inherited); spawn where it does not exist.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([FORKSERVER_PRELOAD, *filter(None, [preload])])
        return ctx
    return multiprocessing.get_context("spawn")


def start_fork_server(preload: str = "") -> None:
    """Start the local engine's fork server now (and so its preload: the extractor's imports
    and warm-up, 0.3 s), so that it overlaps what the caller does before the first task
    (walking and counting the inputs, opening the outputs) instead of following it.

    Idempotent: a later `LocalEngine` with the same `preload` uses the server started here.
    """
    if _local_context(preload).get_start_method() == "forkserver":
        forkserver.ensure_running()


class LocalEngine:
    """A pool of `jobs` worker processes, replaced after `tasks_per_child` tasks each.

    Replacing workers bounds what a long run can accumulate in one process (lxml and
    the allocator do not always give memory back). The pool itself is replaced rather
    than using `max_tasks_per_child`, which deadlocks on Python 3.11-3.13 (CPython
    gh-115634): a retired pool finishes the tasks it holds, then the next one starts.
    A worker that dies (a crash in a C library, the OOM killer) breaks its pool: each
    task the pool held goes to `on_error`, and the pool is replaced. A task not answered
    in `task_timeout` ends its pool's workers the same way.
    """

    in_process = False
    #: Workers see this process's files: outputs may hand pieces over on disk (exporters.spool).
    shares_files = True

    def __init__(
        self,
        jobs: int,
        *,
        tasks_per_child: int = 64,
        preload: str = "",
        task_timeout: float | None = None,
    ) -> None:
        self.jobs = max(1, jobs)
        self.tasks_per_child = tasks_per_child
        self.preload = preload
        #: A task not answered in this time is lost and its pool's workers are ended.
        self.task_timeout = task_timeout
        self._current: ProcessPoolExecutor | None = None

    def _context(self) -> multiprocessing.context.BaseContext:
        return _local_context(self.preload)

    def start(self) -> None:
        """Start the fork server now (see `start_fork_server`); the first pool would otherwise."""
        start_fork_server(self.preload)

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(workers, mp_context=self._context(), initializer=worker_init)
        _widen_result_pipe(pool)
        return pool

    def map(
        self,
        fn: Callable[[T], R],
        tasks: Iterable[T],
        on_error: Callable[[T, BaseException], R],
    ) -> Iterator[R]:
        """fn(task) in worker processes; results in task order."""
        # This process now only receives results and frees them as it writes them: while the
        # tasks run, its collections need not walk what it holds already (the imports, the
        # outputs' state): a full collection of those took 30 ms of a 3,000-post run, CPU
        # the workers lose when they have every core. Thawed when the map ends.
        gc.freeze()
        try:
            yield from self._map(fn, tasks, on_error)
        finally:
            gc.unfreeze()

    def _map(
        self,
        fn: Callable[[T], R],
        tasks: Iterable[T],
        on_error: Callable[[T, BaseException], R],
    ) -> Iterator[R]:
        pool = self._current = self._pool(self.jobs)
        submitted = 0
        pending: deque[tuple[T, Future[R]]] = deque()
        window = self.jobs * WINDOW_PER_WORKER
        try:
            for task in tasks:
                if submitted == self.jobs * self.tasks_per_child:
                    # Retire the pool once it has finished what it holds: overlapping it
                    # with the next would double the workers' memory for a moment.
                    pool.shutdown(wait=True)
                    pool = self._current = self._pool(self.jobs)
                    submitted = 0
                try:
                    future = pool.submit(fn, task)
                except BrokenProcessPool:
                    pool = self._current = self._pool(self.jobs)
                    submitted = 0
                    future = pool.submit(fn, task)
                submitted += 1
                pending.append((task, future))
                while len(pending) >= window:
                    yield self._collect(fn, *pending.popleft(), on_error)
            while pending:
                yield self._collect(fn, *pending.popleft(), on_error)
        except BaseException:
            # Ctrl-C or an error in the caller: queued tasks are dropped, running ones end
            # (each within its file's budget). Workers are not killed here: one killed
            # while it sends a result leaves half a message in the result pipe, and the
            # pool's manager thread would wait for the rest forever.
            for _, future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        # Every result is in: the workers end and are joined by the pool's own thread while
        # the caller closes its outputs (5-8 ms of waiting otherwise); exit waits for it.
        pool.shutdown(wait=False)

    def _collect(
        self,
        fn: Callable[[T], R],
        task: T,
        future: Future[R],
        on_error: Callable[[T, BaseException], R],
    ) -> R:
        del fn
        try:
            return future.result(timeout=self.task_timeout)
        except BrokenProcessPool:
            return on_error(task, TaskLost("a worker process died on a task of its pool"))
        except FutureTimeoutError:
            _end_workers(self._current)
            return on_error(task, TaskLost("no answer", timed_out=True))
        except Exception as exc:  # noqa: BLE001 - a lost task is data, see module doc
            return on_error(task, exc)

    def alone(self, fn: Callable[[T], R], task: T, timeout: float | None) -> R:
        """fn(task) in a fresh process of its own, ended after `timeout` seconds."""
        ctx: Any = self._context()
        receive, send = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_run_alone, args=(fn, task, send), daemon=True)
        process.start()
        send.close()
        try:
            if not receive.poll(timeout):
                process.kill()
                raise TaskLost(f"no answer in {timeout:g} s", timed_out=True)
            try:
                ok, value = receive.recv()
            except EOFError:
                process.join()
                code = process.exitcode
                raise TaskLost(
                    f"the worker process died on this task (exit status {code})", exitcode=code
                ) from None
        finally:
            receive.close()
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()
        if ok:
            return cast(R, value)
        raise cast(BaseException, value)


#: Bytes the pipe that carries results back may hold: a chunk's results (32 articles' log
#: lines and pieces, about 1 MB) then cross in a few reads instead of one per 64 kB (Linux's
#: default), each a wake-up of a worker blocked on the full pipe and of the pool's thread
#: here: 35 % less of this process's CPU for the same results (measured with 30 kB results in
#: chunks of 32), and CPU it does not take from the workers when they have every core. At most
#: /proc/sys/fs/pipe-max-size (1 MB by default) for a process without privileges.
RESULT_PIPE_BYTES = 1 << 20


def _widen_result_pipe(pool: ProcessPoolExecutor) -> None:
    # `_result_queue` is the executor's own queue of results (a SimpleQueue over one pipe,
    # made before any worker starts); there is no public way to reach it. Where it is not
    # there, or the system refuses the size, the pipe keeps its default: only slower.
    try:
        import fcntl  # noqa: PLC0415 - Unix only
    except ImportError:
        return
    reader = getattr(getattr(pool, "_result_queue", None), "_reader", None)
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    if reader is None or set_size is None:
        return
    with contextlib.suppress(OSError, ValueError):
        fcntl.fcntl(reader.fileno(), set_size, RESULT_PIPE_BYTES)


def _end_workers(pool: ProcessPoolExecutor | None) -> None:
    # A task past its deadline holds its worker, and ProcessPoolExecutor cannot cancel a
    # running task: the pool's workers are ended (the pool is then broken and replaced;
    # its other tasks come back lost and are retried one by one). `_processes` is the
    # executor's own table of its workers; there is no public way to reach them.
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(OSError, ValueError):
            process.kill()
