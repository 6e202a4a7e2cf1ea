"""Engines: map one function over a stream of tasks and yield its results in task order.

Three engines share one contract, so the batch runner (and the bytes it writes) does
not depend on where the work runs:

- `SerialEngine`: in this process (``--engine serial``), the reference.
- `LocalEngine` (`extractor/pool.py`, imported when used: multiprocessing and
  concurrent.futures cost a one-file run 12 ms): a pool of worker processes on this machine.
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
import importlib
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

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
    # Imported here: a worker has them already; a run in the CLI process needs neither.
    import ctypes  # noqa: PLC0415
    import multiprocessing  # noqa: PLC0415

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if multiprocessing.parent_process() is not None and os.getppid() == 1:
        os._exit(1)  # the parent died before prctl took effect


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
    from extractor.pool import LocalEngine  # noqa: PLC0415 - see the module's docstring

    local = LocalEngine(jobs, preload=preload, task_timeout=task_timeout)
    local.start()
    return local
