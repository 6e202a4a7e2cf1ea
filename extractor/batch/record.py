"""Each outcome written in path order: the log, the formats, distinct ids, lost workers.

`Recorder` takes the events of a run (kept, dropped, extracted) with their results in
path order and writes them; `Isolate` is what a chunk whose worker was lost becomes:
each of its files again, in a process of its own.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from exporters import Exporter, FilePreparer, Preparer
from extractor.batch.ids import DUPLICATE_OF, Ids, id_of_line
from extractor.batch.inputs import InputFile
from extractor.batch.limits import EXIT_TIMED_OUT, HARD_GRACE_S, Limits
from extractor.batch.resume import Dropped, Event, Kept, Sink
from extractor.batch.worker import FileResult, lost_file
from extractor.engines import Engine, TaskLost

#: Time a process of its own may take to start, on top of a file's budget.
START_MARGIN_S = 30.0


# A plain class, not a frozen dataclass: a fresh process makes the class in 0.05 ms, not 0.3.
class Isolate:
    """A chunk whose worker was lost: each of its files again, in a process of its own.

    So a file that kills its worker (a crash in C code, the memory bound, the hard time
    limit) fails alone with its reason, and its neighbours are extracted.
    """

    __slots__ = ("engine", "limits", "work")

    def __init__(
        self, engine: Engine, work: Callable[[list[InputFile]], list[FileResult]], limits: Limits
    ) -> None:
        self.engine = engine
        self.work = work
        self.limits = limits

    def __call__(self, items: list[InputFile], exc: BaseException) -> list[FileResult]:
        del exc
        deadline = None
        if self.limits.timeout > 0:
            deadline = self.limits.timeout + 2 * HARD_GRACE_S + START_MARGIN_S
        results: list[FileResult] = []
        for item in items:
            started = time.monotonic()
            try:
                results.extend(self.engine.alone(self.work, [item], deadline))
            except TaskLost as lost:
                results.append(lost_file(item, self._reason(lost, time.monotonic() - started)))
            except Exception as error:  # noqa: BLE001 - a lost file is data
                results.append(lost_file(item, f"worker lost: {type(error).__name__}: {error}"))
        return results

    def _reason(self, lost: TaskLost, seconds: float) -> str:
        """Why the file failed: over its budget (the watchdog or the CPU limit ended its
        worker, or, on Dask, which does not say how a worker ended, it was lost after its
        budget had passed), else its worker was lost (an internal error)."""
        over = 0 < self.limits.timeout <= seconds
        if lost.timed_out or lost.exitcode in {EXIT_TIMED_OUT, -signal.SIGXCPU} or over:
            return self.limits.timed_out_reason()
        return f"worker lost: {lost}"


class Recorder:
    """Writes each event's outcome in path order; gives the result to count (None for a
    dropped old record). Ids are made distinct here, where the order is known."""

    def __init__(
        self,
        sink: Sink,
        exporters: list[Exporter],
        isolate: Isolate,
        old_log: Path | None,
        *,
        preparers: tuple[Preparer, ...] = (),
        file_preparers: tuple[FilePreparer | None, ...] = (),
    ) -> None:
        self.sink = sink
        self.exporters = exporters
        #: The exporters' preparers (as the workers run them), for a record renamed here.
        self.preparers = preparers
        #: Their file preparers, for a result made here (a lost file) or renamed here.
        self.file_preparers = file_preparers
        self.isolate = isolate
        self.ids = Ids()
        # Resumed: the old log's lines, read along with the kept and dropped records.
        self.old_log: IO[bytes] | None = None
        if old_log is not None and old_log.exists():  # no log: no ok record to read
            self.old_log = old_log.open("rb")

    def __call__(self, event: Event, answer: FileResult | None) -> FileResult | None:
        if isinstance(event, Kept):
            return self._keep(event)
        if isinstance(event, Dropped):
            self._old_id(event.record)
            self.sink.drop(event)
            return None
        assert answer is not None  # noqa: S101 - _ordered pairs every Todo with its answer
        return self._add(answer, event.before_old)

    def _add(self, answer: FileResult, before_old: bool) -> FileResult:
        answer = self.ids.distinct(answer)
        if answer.file_pieces is None and any(self.file_preparers):
            answer.prepare_file(self.file_preparers)
        self.sink.add(answer, before_old)
        if answer.file_pieces is not None:
            for exporter, file_piece in zip(self.exporters, answer.file_pieces, strict=True):
                if file_piece is not None:
                    exporter.append_file(file_piece)
        pieces = answer.pieces
        if pieces is None and answer.article is not None and self.exporters:
            # renamed by `ids.distinct`: its pieces were made under the id it no longer has
            pieces = tuple(prepare(answer.article) for prepare in self.preparers)
        if pieces is not None:
            for exporter, piece in zip(self.exporters, pieces, strict=True):
                exporter.append(piece)
        answer.article, answer.pieces, answer.file_pieces = None, None, None  # written
        return answer

    def _keep(self, event: Kept) -> FileResult | None:
        old_id = self._old_id(event.record)
        renamed = any(str(w).startswith(DUPLICATE_OF) for w in event.record.get("warnings", []))
        if old_id is not None and (renamed or self.ids.taken(old_id)):
            # Its id was decided against files that changed: what a fresh run would write
            # needs this file extracted again, in its place.
            self.sink.drop(Dropped(event.line, event.record))
            return self._add(self.isolate([event.item], RuntimeError())[0], before_old=True)
        if old_id is not None:
            self.ids.claim(old_id, event.record["path"])
        self.sink.keep(event)
        return _reused(event.record)

    def _old_id(self, record: dict[str, Any]) -> str | None:
        if self.old_log is None or record.get("status") != "ok":
            return None
        return id_of_line(self.old_log.readline())

    def close(self) -> None:
        """Close the old log; drop the ids."""
        self.ids.close()
        if self.old_log is not None:
            self.old_log.close()


def _reused(record: dict[str, Any]) -> FileResult:
    return FileResult(
        record["path"],
        record.get("size", 0),
        record.get("sha256", ""),
        record.get("encoding"),
        record.get("status", "ok"),
        record.get("reason"),
        list(record.get("warnings", [])),
        reused=True,
    )
