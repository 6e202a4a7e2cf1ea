"""Progress of a batch: a rich bar on a terminal, plain periodic lines otherwise, and a summary."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TextIO, cast, runtime_checkable

from extractor.batch.run import Summary
from extractor.batch.worker import FileResult

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

#: Seconds between two plain progress lines (log files, CI, pipes).
PLAIN_EVERY_S = 10.0


@runtime_checkable
class Printer(Protocol):
    """Where a run's messages go: rich's Console (a terminal) or a PlainPrinter."""

    @property
    def is_terminal(self) -> bool: ...

    def print(
        self,
        *objects: Any,
        markup: bool | None = None,
        highlight: bool | None = None,
        soft_wrap: bool | None = None,
    ) -> None: ...


class PlainPrinter:
    """A stream that is no terminal (a log, a pipe, CI): each message one line as it is,
    never wrapped nor read as markup. rich is not imported for it: 15 ms of a one-file run."""

    is_terminal = False

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def print(
        self,
        *objects: Any,
        markup: bool | None = None,
        highlight: bool | None = None,
        soft_wrap: bool | None = None,
    ) -> None:
        del markup, highlight, soft_wrap  # plain text either way
        self.stream.write(" ".join(map(str, objects)) + "\n")
        self.stream.flush()


def stderr_printer() -> Printer:
    """rich's console on a terminal (the bar, colour), else plain lines."""
    if not sys.stderr.isatty():
        return PlainPrinter(sys.stderr)
    from rich.console import Console  # noqa: PLC0415 - a terminal only

    return Console(stderr=True, highlight=False)


class BatchProgress:
    """Counts results as they arrive and shows them; use as a context manager."""

    def __init__(
        self,
        total: int,
        console: Printer,
        *,
        plain_every: float = PLAIN_EVERY_S,
        debug: bool = False,
    ) -> None:
        self.total = total
        self.console = console
        self.plain_every = plain_every
        self.debug = debug
        self.done = 0
        self.failed = 0
        self.started = time.perf_counter()
        self.last_line = self.started
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> BatchProgress:
        if self.console.is_terminal:
            from rich.progress import (  # noqa: PLC0415 - a terminal only
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("[bold]extract[/bold]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} files/s"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                TextColumn("[red]{task.fields[failed]} failed[/red]"),
                console=cast("Console", self.console),  # is_terminal: rich's own
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("extract", total=self.total, rate="—", failed=0)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.stop()

    def rate(self) -> float:
        """Files per second so far."""
        elapsed = time.perf_counter() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def update(self, result: FileResult) -> None:
        """Count one result; name a failed file with its reason."""
        self.done += 1
        if result.status == "failed":
            self.failed += 1
            if not result.reused:
                self._failed_line(result)
                if self.debug and result.traceback:
                    self.console.print(result.traceback, markup=False)
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, advance=1, rate=f"{self.rate():.0f}", failed=self.failed)
            return
        now = time.perf_counter()
        if now - self.last_line >= self.plain_every:
            self.last_line = now
            self.console.print(self.line(), markup=False)

    def _failed_line(self, result: FileResult) -> None:
        """`failed a/b.md: reason`, red on a terminal (the name escaped: `[x]` is no markup)."""
        if not self.console.is_terminal:
            self.console.print(f"failed {result.rel}: {result.reason}", markup=False)
            return
        from rich.markup import escape  # noqa: PLC0415 - a terminal only

        self.console.print(
            f"[red]failed[/red] {escape(result.rel)}: {escape(result.reason or '')}", markup=True
        )

    def line(self) -> str:
        """`1200/20000 files (6%), 310 files/s, ETA 0:01:00, 2 failed`."""
        rate = self.rate()
        share = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        return (
            f"{self.done}/{_files(self.total)}{share}, {rate:.0f} files/s, "
            f"ETA {_clock(left)}, {self.failed} failed"
        )


def _duration(seconds: float) -> str:
    """`1.7 s` under a minute, else `0:02:05` (never both)."""
    return f"{seconds:.1f} s" if seconds < 60 else _clock(seconds)


def _clock(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def print_summary(summary: Summary, console: Printer | TextIO) -> None:
    """The closing summary: counts per status, time, throughput, where the outputs are."""
    extracted = summary.total - summary.reused
    rate = extracted / summary.seconds if summary.seconds > 0 else 0.0
    reused = f" ({summary.reused} kept from the log)" if summary.reused else ""
    duplicates = (
        f", {summary.duplicates} with an id an earlier file had (renamed, warned)"
        if summary.duplicates
        else ""
    )
    lines = [
        f"{_files(summary.total)}{reused}: {summary.ok} ok, {summary.failed} failed, "
        f"{summary.skipped} skipped{duplicates}",
        f"{_duration(summary.seconds)}, {rate:.0f} files/s extracted",
        "outputs: " + ", ".join(_shown(path) for path in summary.files),
    ]
    for text in lines:
        if isinstance(console, Printer):
            # soft_wrap: a long line is left to the terminal, never cut after a ", ".
            console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            console.write(text + "\n")


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def _shown(path: Path) -> str:
    return str(path)
