"""Engines: map one function over a stream of tasks and yield its results in task order.

Three engines share one contract, so the batch runner (and the bytes it writes) does
not depend on where the work runs:

- `SerialEngine`: in this process (``--engine serial``), the reference.
- `LocalEngine`: a `multiprocessing` pool of worker processes on this machine.
- `DaskEngine`: Dask distributed, on a `LocalCluster` or any scheduler (``tcp://host:port``).

Each keeps a bounded window of tasks in flight, so memory does not grow with the
number of tasks, and results come back in the order the tasks went in. A task that
cannot complete (a worker died, a scheduler error) is turned into data by
`on_error(task, exc)`: the caller decides what a lost task means (the batch retries
its files one by one with `alone`, so that only the file that kills a worker fails);
the engine never stops the stream for one task. Worker processes end with their
parent, however it ends (kill -9 included): none is left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver
from typing import Any, Protocol, TypeVar, cast

from extractor.remote import MissingExtraError

T = TypeVar("T")
R = TypeVar("R")

#: Tasks in flight per worker: enough to keep every worker busy while results are written.
WINDOW_PER_WORKER = 4
ENGINES = ("local", "dask", "serial")
#: Imported by the fork server: it ends with this process (see extractor/forkserver.py).
#: The server is started by the first pool, from the thread that makes it: the main one.
FORKSERVER_PRELOAD = "extractor.forkserver"
#: prctl(PR_SET_PDEATHSIG, SIGKILL): the kernel kills this process when its parent exits.
_PR_SET_PDEATHSIG = 1


class TaskLost(RuntimeError):  # noqa: N818 - reads as what happened to the task
    """A task whose worker never answered: it died (`exitcode`) or ran out of time."""

    def __init__(self, message: str, *, exitcode: int | None = None, timed_out: bool = False):
        super().__init__(message)
        self.exitcode = exitcode
        self.timed_out = timed_out


class Engine(Protocol):
    """Maps `fn` over `tasks`, yielding results in task order."""

    def map(
        self,
        fn: Callable[[T], R],
        tasks: Iterable[T],
        on_error: Callable[[T, BaseException], R],
    ) -> Iterator[R]:
        """Results of fn(task) for each task, in order; on_error(task, exc) for a lost task."""
        ...

    def alone(self, fn: Callable[[T], R], task: T, timeout: float | None) -> R:
        """fn(task) where nothing else can be lost with it; raises TaskLost when it is."""
        ...

    @property
    def in_process(self) -> bool:
        """True when tasks run in this process (no worker process to bound or to replace)."""
        ...


def cpu_count() -> int:
    """Cores this process may run on (the default for -j)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class SerialEngine:
    """Runs every task in this process, one after the other."""

    in_process = True

    def alone(self, fn: Callable[[T], R], task: T, timeout: float | None) -> R:
        """fn(task), here."""
        del timeout
        return fn(task)

    def map(
        self,
        fn: Callable[[T], R],
        tasks: Iterable[T],
        on_error: Callable[[T, BaseException], R],
    ) -> Iterator[R]:
        """fn(task) for each task, in order."""
        for task in tasks:
            try:
                result = fn(task)
            except Exception as exc:  # noqa: BLE001 - a lost task is data, see module doc
                result = on_error(task, exc)
            yield result


def die_with_parent() -> None:
    """End this process when the process that started it ends (Linux; elsewhere nothing).

    A worker blocked on its task queue would otherwise outlive a parent killed with -9.
    """
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if multiprocessing.parent_process() is not None and os.getppid() == 1:
        os._exit(1)  # the parent died before prctl took effect


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
        return ProcessPoolExecutor(workers, mp_context=self._context(), initializer=worker_init)

    def map(
        self,
        fn: Callable[[T], R],
        tasks: Iterable[T],
        on_error: Callable[[T, BaseException], R],
    ) -> Iterator[R]:
        """fn(task) in worker processes; results in task order."""
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
        pool.shutdown(wait=True)

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


def _end_workers(pool: ProcessPoolExecutor | None) -> None:
    # A task past its deadline holds its worker, and ProcessPoolExecutor cannot cancel a
    # running task: the pool's workers are ended (the pool is then broken and replaced;
    # its other tasks come back lost and are retried one by one). `_processes` is the
    # executor's own table of its workers; there is no public way to reach them.
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(OSError, ValueError):
            process.kill()


class DaskEngine:
    """Dask distributed: a `LocalCluster` of `jobs` worker processes, or a running scheduler.

    Workers must be able to import newsfacts and read the input paths (shared storage).
    A task is not retried on another worker when its worker dies (`allowed-failures` 0
    on a LocalCluster): the caller retries its files one by one instead, so a file that
    kills workers costs one worker and itself, not a chunk and several workers.
    """

    in_process = False

    def __init__(
        self,
        jobs: int,
        *,
        scheduler: str | None = None,
        retries: int = 0,
        task_timeout: float | None = None,
    ) -> None:
        self.jobs = max(1, jobs)
        self.scheduler = scheduler
        self.retries = retries
        self.task_timeout = task_timeout
        self._client: Any = None

    def map(
        self,
        fn: Callable[[T], R],
        tasks: Iterable[T],
        on_error: Callable[[T, BaseException], R],
    ) -> Iterator[R]:
        """fn(task) on Dask workers; results in task order."""
        try:
            # Imported here and untyped (Any): an optional extra, and not typed upstream.
            distributed: Any = importlib.import_module("distributed")
            dask: Any = importlib.import_module("dask")
        except ImportError as exc:
            raise MissingExtraError(
                "the dask engine needs Dask distributed: pip install 'newsfacts[dask]'"
            ) from exc
        cluster: Any = None
        if self.scheduler:
            client = distributed.Client(self.scheduler)
        else:
            with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
                cluster = distributed.LocalCluster(
                    n_workers=self.jobs,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
            client = distributed.Client(cluster)
        self._client = client
        try:
            window = max(2, len(client.scheduler_info()["workers"])) * WINDOW_PER_WORKER
            pending: deque[tuple[T, Any]] = deque()
            for task in tasks:
                pending.append((task, client.submit(fn, task, pure=False, retries=self.retries)))
                while len(pending) >= window:
                    yield self._collect(*pending.popleft(), on_error)
            while pending:
                yield self._collect(*pending.popleft(), on_error)
        finally:
            self._client = None
            client.close()
            if cluster is not None:
                cluster.close()

    def _collect(self, task: T, future: Any, on_error: Callable[[T, BaseException], R]) -> R:
        try:
            result: R = future.result(timeout=self.task_timeout)
        except TimeoutError:
            future.cancel()
            return on_error(task, TaskLost("no answer", timed_out=True))
        except Exception as exc:  # noqa: BLE001 - a lost task is data, see module doc
            return on_error(task, exc)
        finally:
            future.release()
        return result

    def alone(self, fn: Callable[[T], R], task: T, timeout: float | None) -> R:
        """fn(task) as a task of its own (during `map`, on its cluster)."""
        if self._client is None:
            raise RuntimeError("DaskEngine.alone runs only inside map")
        future = self._client.submit(fn, task, pure=False, retries=0)
        try:
            result: R = future.result(timeout=timeout)
        except TimeoutError:
            future.cancel()
            raise TaskLost(f"no answer in {timeout:g} s", timed_out=True) from None
        except Exception as exc:
            raise TaskLost(f"{type(exc).__name__}: {exc}") from exc
        finally:
            future.release()
        return result


def make_engine(
    name: str,
    jobs: int,
    *,
    scheduler: str | None = None,
    preload: str = "",
    task_timeout: float | None = None,
) -> Engine:
    """The engine for `--engine NAME -j JOBS [--scheduler URL]`.

    `task_timeout`: a task (a chunk of files) not answered in this time is lost.
    """
    if name == "dask":
        return DaskEngine(jobs, scheduler=scheduler, task_timeout=task_timeout)
    if name == "serial":
        return SerialEngine()
    if name != "local":
        raise ValueError(f"unknown engine {name!r}; known: {', '.join(ENGINES)}")
    # -j 1 too runs in a worker process: only a worker can be ended when a file hangs in
    # C code, or bounded in memory, without ending the run.
    local = LocalEngine(jobs, preload=preload, task_timeout=task_timeout)
    local.start()
    return local
