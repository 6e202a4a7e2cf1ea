"""Engines: map one function over a stream of tasks and yield its results in task order.

Three engines share one contract, so the batch runner (and the bytes it writes) does
not depend on where the work runs:

- `SerialEngine`: in this process (``-j 1``), the reference.
- `LocalEngine`: a `multiprocessing` pool of worker processes on this machine.
- `DaskEngine`: Dask distributed, on a `LocalCluster` or any scheduler (``tcp://host:port``).

Each keeps a bounded window of tasks in flight, so memory does not grow with the
number of tasks, and results come back in the order the tasks went in. A task that
cannot complete (a worker died, a scheduler error) is turned into data by
`on_error(task, exc)`: the caller decides what a lost task means; the engine never
stops the stream for one task.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

from extractor.remote import MissingExtraError

T = TypeVar("T")
R = TypeVar("R")

#: Tasks in flight per worker: enough to keep every worker busy while results are written.
WINDOW_PER_WORKER = 4
#: A task (one chunk of files) taking longer than this is given up as lost.
TASK_TIMEOUT_S = 600.0
ENGINES = ("local", "dask")


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


def cpu_count() -> int:
    """Cores this process may run on (the default for -j)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class SerialEngine:
    """Runs every task in this process, one after the other."""

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


def _ignore_sigint() -> None:
    # Ctrl-C goes to the whole process group; the parent decides what to do with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LocalEngine:
    """A pool of `jobs` worker processes, replaced after `tasks_per_child` tasks each.

    Replacing workers bounds what a long run can accumulate in one process (lxml and
    the allocator do not always give memory back). The pool itself is replaced rather
    than using `max_tasks_per_child`, which deadlocks on Python 3.11-3.13 (CPython
    gh-115634): a retired pool finishes the tasks it holds, then the next one starts.
    A worker that dies (a crash in a C library, the OOM killer) breaks its pool: each
    task it held is tried once more alone in a fresh process, then given to `on_error`.
    """

    def __init__(self, jobs: int, *, tasks_per_child: int = 64, preload: str = "") -> None:
        self.jobs = max(1, jobs)
        self.tasks_per_child = tasks_per_child
        self.preload = preload

    def _context(self) -> multiprocessing.context.BaseContext:
        # forkserver: workers fork from a clean server that has imported the extractor
        # once (fast replacement, no threads inherited); spawn where it does not exist.
        if "forkserver" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("forkserver")
            if self.preload:
                ctx.set_forkserver_preload([self.preload])
            return ctx
        return multiprocessing.get_context("spawn")

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=self._context(), initializer=_ignore_sigint)

    def map(
        self,
        fn: Callable[[T], R],
        tasks: Iterable[T],
        on_error: Callable[[T, BaseException], R],
    ) -> Iterator[R]:
        """fn(task) in worker processes; results in task order."""
        pool = self._pool(self.jobs)
        submitted = 0
        pending: deque[tuple[T, Future[R]]] = deque()
        window = self.jobs * WINDOW_PER_WORKER
        try:
            for task in tasks:
                if submitted == self.jobs * self.tasks_per_child:
                    # Retire the pool once it has finished what it holds: overlapping it
                    # with the next would double the workers' memory for a moment.
                    pool.shutdown(wait=True)
                    pool, submitted = self._pool(self.jobs), 0
                try:
                    future = pool.submit(fn, task)
                except BrokenProcessPool:
                    pool, submitted = self._pool(self.jobs), 0
                    future = pool.submit(fn, task)
                submitted += 1
                pending.append((task, future))
                while len(pending) >= window:
                    yield self._collect(fn, *pending.popleft(), on_error)
            while pending:
                yield self._collect(fn, *pending.popleft(), on_error)
        except BaseException:
            for _, future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)  # Ctrl-C: running tasks end soon
            raise
        pool.shutdown(wait=True)

    def _collect(
        self,
        fn: Callable[[T], R],
        task: T,
        future: Future[R],
        on_error: Callable[[T, BaseException], R],
    ) -> R:
        try:
            return future.result(timeout=TASK_TIMEOUT_S)
        except BrokenProcessPool:
            return self._alone(fn, task, on_error)
        except FutureTimeoutError:
            return on_error(task, TimeoutError(f"no answer in {TASK_TIMEOUT_S:.0f} s"))
        except Exception as exc:  # noqa: BLE001 - a lost task is data, see module doc
            return on_error(task, exc)

    def _alone(self, fn: Callable[[T], R], task: T, on_error: Callable[[T, BaseException], R]) -> R:
        # Its pool broke: some task in it killed a worker. Run this one in a process of
        # its own, so that it fails only if it is the one.
        with self._pool(1) as alone:
            try:
                return alone.submit(fn, task).result(timeout=TASK_TIMEOUT_S)
            except BrokenProcessPool:
                return on_error(task, RuntimeError("the worker process died on this task"))
            except FutureTimeoutError:
                return on_error(task, TimeoutError(f"no answer in {TASK_TIMEOUT_S:.0f} s"))
            except Exception as exc:  # noqa: BLE001 - a lost task is data, see module doc
                return on_error(task, exc)


class DaskEngine:
    """Dask distributed: a `LocalCluster` of `jobs` worker processes, or a running scheduler.

    Workers must be able to import newsfacts and read the input paths (shared storage).
    """

    def __init__(self, jobs: int, *, scheduler: str | None = None, retries: int = 1) -> None:
        self.jobs = max(1, jobs)
        self.scheduler = scheduler
        self.retries = retries

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
        except ImportError as exc:
            raise MissingExtraError(
                "the dask engine needs Dask distributed: pip install 'newsfacts[dask]'"
            ) from exc
        cluster: Any = None
        if self.scheduler:
            client = distributed.Client(self.scheduler)
        else:
            cluster = distributed.LocalCluster(
                n_workers=self.jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            client = distributed.Client(cluster)
        try:
            window = max(2, len(client.scheduler_info()["workers"])) * WINDOW_PER_WORKER
            pending: deque[tuple[T, Any]] = deque()
            for task in tasks:
                pending.append((task, client.submit(fn, task, pure=False, retries=self.retries)))
                while len(pending) >= window:
                    yield _collect_future(*pending.popleft(), on_error)
            while pending:
                yield _collect_future(*pending.popleft(), on_error)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def _collect_future(task: T, future: Any, on_error: Callable[[T, BaseException], R]) -> R:
    try:
        result: R = future.result()
    except Exception as exc:  # noqa: BLE001 - a lost task is data, see module doc
        return on_error(task, exc)
    finally:
        future.release()
    return result


def make_engine(name: str, jobs: int, *, scheduler: str | None = None, preload: str = "") -> Engine:
    """The engine for `--engine NAME -j JOBS [--scheduler URL]`."""
    if name == "dask":
        return DaskEngine(jobs, scheduler=scheduler)
    if name != "local":
        raise ValueError(f"unknown engine {name!r}; known: {', '.join(ENGINES)}")
    if jobs <= 1:
        return SerialEngine()
    return LocalEngine(jobs, preload=preload)
