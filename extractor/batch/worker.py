"""One file -> its record or its failure: what a worker process or a Dask task runs."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import signal
import time
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from exporters.base import FilePreparer, Preparer
from exporters.jsonl import article_line
from exporters.spool import spool_chunk
from extractor.batch.inputs import InputFile, shown
from extractor.batch.limits import FileTimedOut, Limits, arm_worker, time_budget
from extractor.decode import WIDE_BOMS, decode
from extractor.errors import REASONS, InputError

if TYPE_CHECKING:
    # annotations only: `newsfacts --help` must not import pydantic and the models
    from schemas import Article

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: What a caller of process_file gets without asking: no bounds.
NO_LIMITS = Limits(timeout=0, max_memory=0)


@dataclass
class FileResult:
    """The outcome for one file: its manifest line, its log line and the exporters' pieces.

    `article` stays with a result of `process_file`; a chunk's results (what workers send
    back) leave it out: the writer needs only the lines and pieces made from it.
    """

    rel: str
    size: int
    sha256: str
    encoding: str | None
    status: str  # ok | failed | skipped
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    article: Article | None = None
    traceback: str | None = None
    #: True when a resumed run kept this file's record from the log instead of extracting it.
    reused: bool = False
    #: The article's articles.jsonl line as UTF-8, serialised where it was extracted (in the
    #: worker): bytes cross to the writer, which appends them as they are.
    line: bytes | None = None
    #: The article's id (sent back even when the Article is not), for distinct ids.
    article_id: str | None = None
    #: What each exporter's preparer made of the article, in the exporters' order.
    pieces: tuple[Any, ...] | None = None
    #: `manifest_line()` as UTF-8, made in the worker (None: not made, or out of date).
    manifest: bytes | None = None
    #: What each exporter's file preparer made of the manifest record (None where an
    #: exporter has none), in the exporters' order; None: not made, or out of date.
    file_pieces: tuple[Any, ...] | None = None

    def manifest_bytes(self) -> bytes:
        """The line written to manifest.jsonl, as UTF-8 (made once)."""
        if self.manifest is None:
            self.manifest = self.manifest_line().encode("utf-8")
        return self.manifest

    def manifest_line(self) -> str:
        """The line written to manifest.jsonl."""
        return json.dumps(self.manifest_record(), ensure_ascii=False) + "\n"

    def manifest_record(self) -> dict[str, Any]:
        """What the manifest line says, as a dict."""
        # shown(): a reason may quote an error message about a file name's bytes; the
        # line must stay UTF-8 whatever it says.
        return {
            "path": shown(self.rel),
            "size": self.size,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "status": self.status,
            "reason": None if self.reason is None else shown(self.reason),
            "warnings": [shown(warning) for warning in self.warnings],
        }

    def prepare_file(self, file_preparers: tuple[FilePreparer | None, ...]) -> None:
        """Make `file_pieces` (and the manifest line) from this result as it now stands."""
        record = self.manifest_record()
        self.manifest = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        if any(file_preparers):
            self.file_pieces = tuple(None if p is None else p(record) for p in file_preparers)


def process_file(
    item: InputFile,
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: Limits = NO_LIMITS,
    preparers: tuple[Preparer, ...] = (),
) -> FileResult:
    """Read, extract and serialise one file; never raises: a problem becomes a failed result.

    `preparers` (the exporters'): their pieces are made here too, within the file's budget
    and error handling, so that a record an exporter cannot render fails alone.
    """
    read = _read(item, max_bytes)
    if isinstance(read, FileResult):
        return read
    digest = hashlib.sha256(read).hexdigest()

    def failed(reason: str, trace: str | None = None) -> FileResult:
        return FileResult(item.rel, len(read), digest, None, "failed", reason, traceback=trace)

    try:
        with time_budget(limits.timeout):
            _test_fault(item.rel)
            # imported here: the CLI process (and `newsfacts --help`) never loads the rules;
            # workers have it from the fork server's preload
            from extractor.pipeline import extract_article  # noqa: PLC0415

            article = extract_article(item.rel, read)
            line = article_line(article).encode("utf-8")
            pieces = tuple(prepare(article) for prepare in preparers)
    except FileTimedOut:
        return failed(limits.timed_out_reason())
    except MemoryError:
        return failed(REASONS["memory"])
    except InputError as exc:
        return failed(exc.reason)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        return failed(f"{REASONS['internal']}: {type(exc).__name__}: {exc}", traceback.format_exc())
    result = _done(item, read, digest, article, line)
    result.pieces = pieces
    return result


def _done(item: InputFile, data: bytes, digest: str, article: Article, line: bytes) -> FileResult:
    encoding = _encoding_of(data)
    result = FileResult(
        item.rel, len(data), digest, encoding, "ok", None, list(article.warnings), article
    )
    result.line = line
    result.article_id = article.id
    return result


def _read(item: InputFile, max_bytes: int) -> bytes | FileResult:
    if item.problem is not None:  # never opened: see extractor/batch/inputs.py
        status, reason = item.problem
        return FileResult(item.rel, 0, "", None, status, reason)
    try:
        size = item.size()
        if size > max_bytes:
            return FileResult(
                item.rel, size, "", None, "failed", f"too large: {size} bytes > {max_bytes}"
            )
        with item.open() as handle:
            return handle.read()
    except OSError as exc:
        return FileResult(item.rel, 0, "", None, "failed", f"unreadable: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - a store's client raises its own error types
        return FileResult(item.rel, 0, "", None, "failed", f"unreadable: {exc}")


#: Tests only: `NEWSFACTS_TEST_FAULT=KIND:NAME,…` makes the file named NAME misbehave in
#: the worker, so that the bounds can be tested on real processes: `hang` (sleeps
#: forever), `spin` (a busy loop that blocks SIGALRM, as C code that never returns
#: would), `crash` (the worker dies), `memory` (allocates until refused).
TEST_FAULT = "NEWSFACTS_TEST_FAULT"


def _test_fault(rel: str) -> None:
    spec = os.environ.get(TEST_FAULT)
    if not spec:
        return
    name = rel.rsplit("/", 1)[-1]
    for entry in spec.split(","):
        kind, _, target = entry.partition(":")
        if target == name:
            _misbehave(kind)


def _misbehave(kind: str) -> None:
    if kind == "hang":
        while True:
            time.sleep(1)
    if kind == "spin":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        while True:
            pass
    if kind == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    if kind == "memory":
        hoard = []
        while True:
            hoard.append(bytearray(64 << 20))


def _encoding_of(data: bytes) -> str:
    # What `decode` settles on, without its text check (which extract_article has just
    # passed): the BOM's codec, else strict UTF-8 (the common case, one cheap decode), else
    # the full path (repairs, detection).
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for bom, codec in WIDE_BOMS:
        if data.startswith(bom):
            return codec
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return decode(data)[1]
    return "utf-8"


def process_chunk(
    items: list[InputFile],
    max_bytes: int = DEFAULT_MAX_BYTES,
    preparers: tuple[Preparer, ...] = (),
    limits: Limits = NO_LIMITS,
    *,
    worker: bool = False,
    file_preparers: tuple[FilePreparer | None, ...] = (),
    spools: tuple[str | None, ...] = (),
) -> list[FileResult]:
    """`process_file` over a chunk: what a worker process or a Dask task runs.

    Each result carries its log and manifest lines and each exporter's pieces (of the
    article and of the file's manifest record), made here so that the work is spread over
    the workers; the Article itself is not sent back: the writer only appends. `worker`:
    this runs in a worker process, which takes the bounds. `spools`: per exporter, the folder
    its pieces are written to instead of sent (`exporters.spool`), or None.
    """
    if worker:
        arm_worker(limits)
    results = [process_file(item, max_bytes, limits, preparers) for item in items]
    for result in results:
        result.article = None
        result.prepare_file(file_preparers)
    for index, folder in enumerate(spools):
        if folder is not None:
            spool_chunk(results, index, folder)
    return results


def lost_chunk(items: list[InputFile], exc: BaseException) -> list[FileResult]:
    """Failed results for a chunk whose worker never answered (the batch goes on)."""
    return [lost_file(item, f"worker lost: {type(exc).__name__}: {exc}") for item in items]


def lost_file(item: InputFile, reason: str | None) -> FileResult:
    """A failed result for a file that got no answer; `reason` without a known phrase is
    an internal error."""
    known = reason is not None and reason.startswith(tuple(REASONS.values()))
    text = reason if known else f"{REASONS['internal']}: {reason}"
    return FileResult(item.rel, 0, "", None, "failed", text)
