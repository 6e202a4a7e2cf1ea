"""The run: events in path order -> the engine -> the log and every format; the summary.

Memory stays flat: inputs are walked lazily in path order, the engine keeps a bounded
window of chunks in flight, and writers stream. A resumed run rebuilds the formats
other than the log from the finished log.
"""

from __future__ import annotations

import contextlib
import json
import platform
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from itertools import pairwise
from pathlib import Path

from exporters import REGISTRY, AtomicFile, Exporter, exporter_class, resolve
from extractor import __version__
from extractor.batch.inputs import InputFile, shown
from extractor.batch.limits import HARD_GRACE_S, Limits
from extractor.batch.log import ARTICLES, MANIFEST, read_log, repair_log
from extractor.batch.record import START_MARGIN_S, Isolate, Recorder
from extractor.batch.resume import Event, Sink, Todo, fresh_plan, plan_resume
from extractor.batch.worker import DEFAULT_MAX_BYTES, FileResult, process_chunk
from extractor.engines import Engine, SerialEngine

#: Files sent to a worker at once: large enough to amortise the round trip, small
#: enough that a lost chunk costs little and results stream steadily.
CHUNK_SIZE = 32
RUN = "run.json"
#: Failed results kept in memory for the closing summary (the manifest has them all).
MAX_FAILURES_KEPT = 1000
#: The parts of a run's time that run.json gives (`phases`): from the start of the run (its
#: outputs opened, the engine started) until the first chunk's records are written; from then
#: until the last one's are; and closing every output. The first and last take as long at any
#: -j (3,000 bulk posts on two cores: 0.17 s and 0.16 s, beside 2.1 s extracting at -j 1 and
#: 1.2 s at -j 2; `bench.bench_extract` prints them for -j 1 and -j 2).
PHASES = ("until_first_result", "extracting", "closing")
#: Formats written by default when they are registered (json, the log, always is).
DEFAULT_FORMATS = ("xlsx", "nquads")


@dataclass
class Summary:
    """Counts of a run, for the exit code and the closing message."""

    ok: int = 0
    failed: int = 0
    skipped: int = 0
    reused: int = 0
    #: Records whose id an earlier file had: renamed, with a warning.
    duplicates: int = 0
    failures: list[FileResult] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    #: Where the run's time went (see PHASES), seconds each: run.json's `phases`.
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Files accounted for in the manifest."""
        return self.ok + self.failed + self.skipped


def chunk_timeout(limits: Limits, chunk_size: int = CHUNK_SIZE) -> float | None:
    """How long a chunk may take before the engine gives it up (None: no time budget).

    Only a safety net: a file past its budget ends itself, or its worker ends it.
    """
    if limits.timeout <= 0:
        return None
    return chunk_size * (limits.timeout + 2 * HARD_GRACE_S) + START_MARGIN_S


def default_formats() -> list[str]:
    """The default formats that this installation has (decided from the registry at run time)."""
    return [name for name in DEFAULT_FORMATS if name in REGISTRY]


def open_exporters(outdir: Path, formats: Iterable[str]) -> list[Exporter]:
    """Exporters for the chosen formats other than the log (articles.jsonl is always written)."""
    names: list[str] = []
    for name in formats:
        canonical = resolve(name)
        if canonical != "json" and canonical not in names:
            names.append(canonical)
    opened: list[Exporter] = []
    try:
        for name in names:
            opened.append(exporter_class(name)(outdir))
    except BaseException:
        _abort(opened)  # no partial file of the ones already opened is left behind
        raise
    return opened


def _abort(exporters: Iterable[Exporter]) -> None:
    for exporter in exporters:
        with contextlib.suppress(Exception):
            exporter.abort()


def _close(exporters: list[Exporter]) -> None:
    """Close every exporter; when one cannot, drop the partial files of the others.

    Each exporter's streamed files are first put on disk by a thread of its own
    (`Exporter.sync`): a line output's fsync waits on the disk (30 ms for the N-Quads of
    3,000 bulk posts) and so overlaps the workbook's close, which runs Python, instead of
    following it. The closes themselves stay in order, each once its files are synced.
    """
    syncing = [_Syncing(exporter) for exporter in exporters]
    for index, exporter in enumerate(exporters):
        try:
            syncing[index].wait()
            exporter.close()
        except BaseException:
            for sync in syncing:
                sync.thread.join()  # no thread still writing a file about to be dropped
            _abort(exporters[index:])
            raise


class _Syncing:
    """An exporter's `sync()` in a thread of its own; `wait()` raises what it raised."""

    def __init__(self, exporter: Exporter) -> None:
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(exporter,))
        self.thread.start()

    def _run(self, exporter: Exporter) -> None:
        try:
            exporter.sync()
        except BaseException as exc:  # noqa: BLE001 - raised by wait(), in the closing thread
            self.error = exc

    def wait(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error


def run_batch(
    items: Iterable[InputFile],
    outdir: Path,
    formats: Iterable[str] = (),
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    options: dict[str, object] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    engine: Engine | None = None,
    resume: bool = False,
    chunk_size: int = CHUNK_SIZE,
    limits: Limits | None = None,
) -> Summary:
    """Extract every item, write the log and every format, account for each file in the manifest.

    `items` must be in path order (as `iter_inputs` gives them). `limits` bounds each
    file's time and each worker's memory (default: the time budget, no memory bound).
    """
    outdir.mkdir(parents=True, exist_ok=True)
    started, clock = datetime.now(UTC).isoformat(), time.perf_counter()
    formats = list(formats)
    if resume:
        repair_log(outdir)
        events = plan_resume(items, outdir / MANIFEST)
    else:
        events = fresh_plan(items)
    summary = Summary()
    sink = Sink(outdir, resume)
    # Fresh runs stream to every format as they go; a resumed run has records it does not
    # hold in memory, so it rebuilds the other formats from the finished log instead.
    try:
        exporters = [] if resume else open_exporters(outdir, formats)
    except BaseException:
        sink.abort()
        raise
    engine = engine or SerialEngine()
    if engine.in_process:
        chunk_size = 1  # no round trip to amortise: each record is written as it is done
    limits = limits or Limits()
    # Each exporter's piece of an article is made where the article is extracted (the
    # workers); the writer (this process) only appends them in path order.
    preparers = tuple(exporter.preparer() for exporter in exporters)
    file_preparers = tuple(exporter.file_preparer() for exporter in exporters)
    # Workers on this machine write the line outputs' pieces to spool files the writer copies
    # in the kernel, instead of sending them through the result pipe (`exporters.spool`).
    spools = tuple(
        exporter.spool() if getattr(engine, "shares_files", False) else None
        for exporter in exporters
    )
    work = partial(
        process_chunk,
        max_bytes=max_bytes,
        preparers=preparers,
        limits=limits,
        worker=not engine.in_process,
        file_preparers=file_preparers,
        spools=spools if any(spools) else (),
    )
    isolate = Isolate(engine, work, limits)
    record = Recorder(
        sink,
        exporters,
        isolate,
        outdir / ARTICLES if resume else None,  # the old log, read alongside
        preparers=preparers,
        file_preparers=file_preparers,
    )
    try:
        chunks = _ordered(events, engine, work, chunk_size, isolate)
        first_written = _write_all(chunks, record, summary, on_result, sink)
    except BaseException:
        _abort(exporters)
        record.close()
        sink.abort()
        raise
    record.close()
    extracted = time.perf_counter()
    summary.duplicates = record.ids.renamed
    try:
        sink.close()
    except BaseException:
        _abort(exporters)
        raise
    if resume:
        exporters = export_log(outdir / ARTICLES, outdir, formats)
    else:
        _close(exporters)
    _list_files(summary, outdir, exporters)
    # (no chunk at all, nothing extracted: the first phase ends where the second does)
    summary.phases = _phases(clock, first_written or extracted, extracted, time.perf_counter())
    summary.seconds = sum(summary.phases.values())
    _write_run_json(outdir, started, summary, options or {})
    return summary


def _write_all(
    chunks: Iterable[list[tuple[Event, FileResult | None]]],
    record: Recorder,
    summary: Summary,
    on_result: Callable[[FileResult], None] | None,
    sink: Sink,
) -> float | None:
    """Write each chunk's outcomes as it comes; the clock's reading once the first is written
    (None: no chunk)."""
    first: float | None = None
    for outcomes in chunks:
        _record_chunk(outcomes, record, summary, on_result)
        sink.flush()  # before waiting for the next chunk: what is done is on disk
        first = first or time.perf_counter()
    return first


def _phases(*marks: float) -> dict[str, float]:
    """Seconds of each of PHASES, from the clock's readings at their bounds."""
    return {name: end - start for name, (start, end) in zip(PHASES, pairwise(marks), strict=True)}


def _record_chunk(
    outcomes: list[tuple[Event, FileResult | None]],
    record: Recorder,
    summary: Summary,
    on_result: Callable[[FileResult], None] | None,
) -> None:
    for event, answer in outcomes:
        result = record(event, answer)
        if result is None:
            continue
        _count(summary, result)
        if on_result is not None:
            on_result(result)


def _list_files(summary: Summary, outdir: Path, exporters: list[Exporter]) -> None:
    summary.files.append(outdir / ARTICLES)
    summary.files.extend(outdir / name for exporter in exporters for name in exporter.files)
    summary.files.append(outdir / MANIFEST)


def _ordered(
    events: Iterator[Event],
    engine: Engine,
    work: Callable[[list[InputFile]], list[FileResult]],
    chunk_size: int,
    on_error: Callable[[list[InputFile], BaseException], list[FileResult]],
) -> Iterator[list[tuple[Event, FileResult | None]]]:
    """Events in path order, each Todo paired with its result from the engine: a list per
    chunk, given as soon as the chunk's results are in."""
    queued: deque[list[Event]] = deque()

    def chunks() -> Iterator[list[InputFile]]:
        batch: list[Event] = []
        todo: list[InputFile] = []
        for event in events:
            batch.append(event)
            if isinstance(event, Todo):
                todo.append(event.item)
            if len(todo) >= chunk_size or len(batch) >= 8 * chunk_size:
                queued.append(batch)
                yield todo
                batch, todo = [], []
        if batch:
            queued.append(batch)
            yield todo

    for results in engine.map(_skip_empty(work), chunks(), on_error):
        answers = iter(results)
        yield [
            (event, next(answers) if isinstance(event, Todo) else None)
            for event in queued.popleft()
        ]


# A plain class, not a frozen dataclass: a fresh process makes the class in 0.05 ms, not 0.3.
class _skip_empty:  # noqa: N801 - behaves as a function; a class so it pickles for workers
    __slots__ = ("work",)

    def __init__(self, work: Callable[[list[InputFile]], list[FileResult]]) -> None:
        self.work = work

    def __call__(self, items: list[InputFile]) -> list[FileResult]:
        return self.work(items) if items else []


def _count(summary: Summary, result: FileResult) -> None:
    summary.reused += result.reused
    if result.status == "ok":
        summary.ok += 1
    elif result.status == "skipped":
        summary.skipped += 1
    else:
        summary.failed += 1
        if len(summary.failures) < MAX_FAILURES_KEPT:
            summary.failures.append(result)


def export_log(articles: Path, outdir: Path, formats: Iterable[str]) -> list[Exporter]:
    """Rebuild formats from an articles.jsonl without extracting again; returns the exporters."""
    outdir.mkdir(parents=True, exist_ok=True)
    exporters = open_exporters(outdir, formats)
    try:
        for article in read_log(articles):
            for exporter in exporters:
                exporter.write(article)
    except BaseException:
        _abort(exporters)
        raise
    _close(exporters)
    return exporters


def _shown_value(value: object) -> object:
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, list):
        return [_shown_value(item) for item in value]
    return value


def _write_run_json(
    outdir: Path, started: str, summary: Summary, options: dict[str, object]
) -> None:
    """Run-dependent facts (time, version, options) live here, never in the records."""
    run = AtomicFile(outdir / RUN)
    record = {
        "newsfacts_version": __version__,
        "python": platform.python_version(),
        "argv": [shown(arg) for arg in sys.argv],
        "started": started,
        "finished": datetime.now(UTC).isoformat(),
        "seconds": round(summary.seconds, 3),
        "phases": {name: round(seconds, 3) for name, seconds in summary.phases.items()},
        "options": {key: _shown_value(value) for key, value in options.items()},
        "counts": {"ok": summary.ok, "failed": summary.failed, "skipped": summary.skipped},
        "reused": summary.reused,
        "duplicate_ids": summary.duplicates,
    }
    run.write(json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n")
    run.commit()
    summary.files.append(outdir / RUN)
