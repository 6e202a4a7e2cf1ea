"""The batch runner: files -> `extract_article` -> records in path order -> the log and writers.

`articles.jsonl` and `manifest.jsonl` are the durable log: written record by record in
path order and flushed, so an interrupted run keeps every finished record. A run with
`resume=True` repairs a torn last line, skips the files whose sha256 is already in
the manifest, and appends the rest; the other formats (xlsx, RDF, CSV) are rebuilt
from the log and renamed into place. Memory stays flat: inputs are walked lazily in
path order, the engine keeps a bounded window of chunks in flight, and writers stream.
"""

from __future__ import annotations

import codecs
import hashlib
import heapq
import json
import os
import platform
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

from exporters import REGISTRY, AtomicFile, Exporter, exporter_class, resolve
from exporters.jsonl import article_line
from extractor import __version__
from extractor.decode import WIDE_BOMS, decode
from extractor.engines import Engine, SerialEngine
from extractor.errors import InputError
from extractor.pipeline import extract_article
from extractor.remote import is_url, open_url, url_size, walk_url
from schemas import Article

INPUT_SUFFIXES = (".md", ".markdown", ".html", ".htm")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: Files sent to a worker at once: large enough to amortise the round trip, small
#: enough that a lost chunk costs little and results stream steadily.
CHUNK_SIZE = 32
ARTICLES = "articles.jsonl"
MANIFEST = "manifest.jsonl"
RUN = "run.json"
#: Failed results kept in memory for the closing summary (the manifest has them all).
MAX_FAILURES_KEPT = 1000


class ResumeError(RuntimeError):
    """The log in the output folder cannot be resumed (it says why)."""


@dataclass(frozen=True)
class InputFile:
    """A file to extract and its path relative to the folder it was found in.

    `url` is set for a file in an object store (fsspec); `path` is then its path there.
    """

    path: Path
    rel: str
    url: str | None = None

    def size(self) -> int:
        """Size in bytes."""
        return url_size(self.url) if self.url else self.path.stat().st_size

    def open(self) -> IO[bytes]:
        """Open for reading bytes."""
        return open_url(self.url) if self.url else self.path.open("rb")

    def identity(self) -> str:
        """What makes two InputFiles the same file."""
        return self.url or str(self.path.resolve())


@dataclass
class FileResult:
    """The outcome for one file: its manifest line, and the article when it was read."""

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
    #: The article's articles.jsonl line, serialised where it was extracted (in the worker).
    line: str | None = None

    def manifest_line(self) -> str:
        """The line written to manifest.jsonl."""
        record = {
            "path": self.rel,
            "size": self.size,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "status": self.status,
            "reason": self.reason,
            "warnings": self.warnings,
        }
        return json.dumps(record, ensure_ascii=False) + "\n"


@dataclass
class Summary:
    """Counts of a run, for the exit code and the closing message."""

    ok: int = 0
    failed: int = 0
    skipped: int = 0
    reused: int = 0
    failures: list[FileResult] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        """Files accounted for in the manifest."""
        return self.ok + self.failed + self.skipped


# --- finding the inputs, lazily and in path order -------------------------------------------


def iter_inputs(
    paths: Sequence[Path | str], suffixes: tuple[str, ...] = INPUT_SUFFIXES
) -> Iterator[InputFile]:
    """Input files under the given files/folders/URLs (recursive), in relative-path order, lazily.

    A file reachable from two of the given paths is taken from the first one.
    """
    for given in paths:
        if not is_url(str(given)) and not Path(given).exists():
            raise FileNotFoundError(f"no such file or folder: {given}")
    streams = [_walk_root(given, suffixes) for given in paths]
    if len(streams) == 1:
        yield from streams[0]
        return
    roots = [_root_identity(given) for given in paths]
    tagged = [_tag(index, stream) for index, stream in enumerate(streams)]
    for index, item in heapq.merge(*tagged, key=lambda pair: (pair[1].rel, str(pair[1].path))):
        identity = item.identity()
        if not any(identity == root or identity.startswith(root + "/") for root in roots[:index]):
            yield item


def _root_identity(given: Path | str) -> str:
    return str(given).rstrip("/") if is_url(str(given)) else str(Path(given).resolve())


def _tag(index: int, stream: Iterator[InputFile]) -> Iterator[tuple[int, InputFile]]:
    for item in stream:
        yield index, item


def _walk_root(given: Path | str, suffixes: tuple[str, ...]) -> Iterator[InputFile]:
    if is_url(str(given)):
        for rel, url in walk_url(str(given), suffixes):
            yield InputFile(Path(url.split("://", 1)[1]), rel, url)
        return
    given = Path(given)
    if given.is_file():
        yield InputFile(given, given.name)
    else:
        yield from _walk_dir(given, "", suffixes)


def _walk_dir(folder: Path, prefix: str, suffixes: tuple[str, ...]) -> Iterator[InputFile]:
    # Sorting each folder with a "/" after folder names gives exactly the order of the
    # full relative paths, without holding them all: "a-b" < "a/…" < "ab".
    with os.scandir(folder) as scan:
        entries = [(e.name + "/" if _is_dir(e) else e.name, e) for e in scan]
    entries.sort(key=lambda pair: pair[0])
    for key, entry in entries:
        if key.endswith("/"):
            yield from _walk_dir(Path(entry.path), prefix + key, suffixes)
        elif entry.name.lower().endswith(suffixes) and _is_file(entry):
            yield InputFile(Path(entry.path), prefix + entry.name)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    # Symlinked folders are not followed: they can loop.
    return entry.is_dir(follow_symlinks=False)


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def discover(
    paths: Sequence[Path | str], suffixes: tuple[str, ...] = INPUT_SUFFIXES
) -> list[InputFile]:
    """Input files under the given files/folders (recursive), sorted by relative path."""
    return list(iter_inputs(paths, suffixes))


def count_inputs(paths: Sequence[Path | str], suffixes: tuple[str, ...] = INPUT_SUFFIXES) -> int:
    """How many input files there are (for progress), without keeping them."""
    return sum(1 for _ in iter_inputs(paths, suffixes))


# --- one file, one chunk: what workers run ----------------------------------------------------


def process_file(item: InputFile, max_bytes: int = DEFAULT_MAX_BYTES) -> FileResult:
    """Read and extract one file; never raises: a problem becomes a failed result."""
    try:
        size = item.size()
        if size > max_bytes:
            return FileResult(
                item.rel, size, "", None, "failed", f"too large: {size} bytes > {max_bytes}"
            )
        with item.open() as handle:
            data = handle.read()
    except OSError as exc:
        return FileResult(item.rel, 0, "", None, "failed", f"unreadable: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - a store's client raises its own error types
        return FileResult(item.rel, 0, "", None, "failed", f"unreadable: {exc}")
    digest = hashlib.sha256(data).hexdigest()
    try:
        article = extract_article(item.rel, data)
    except InputError as exc:
        return FileResult(item.rel, len(data), digest, None, "failed", exc.reason)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        return FileResult(
            item.rel,
            len(data),
            digest,
            None,
            "failed",
            f"internal error: {type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(),
        )
    encoding = _encoding_of(data)
    return FileResult(
        item.rel, len(data), digest, encoding, "ok", None, list(article.warnings), article
    )


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
    items: list[InputFile], max_bytes: int = DEFAULT_MAX_BYTES, keep_articles: bool = True
) -> list[FileResult]:
    """`process_file` over a chunk: what a worker process or a Dask task runs.

    Each result carries its JSON line, serialised here so that the work is spread over
    the workers; without `keep_articles` the Article itself is not sent back (when the
    log is the only output, the writer needs nothing else).
    """
    results = [process_file(item, max_bytes) for item in items]
    for result in results:
        if result.article is not None:
            result.line = article_line(result.article)
            if not keep_articles:
                result.article = None
    return results


def lost_chunk(items: list[InputFile], exc: BaseException) -> list[FileResult]:
    """Failed results for a chunk whose worker never answered (the batch goes on)."""
    reason = f"internal error: worker lost: {type(exc).__name__}: {exc}"
    return [FileResult(item.rel, 0, "", None, "failed", reason) for item in items]


# --- the durable log ---------------------------------------------------------------------------


class LogWriter:
    """articles.jsonl + manifest.jsonl, appended record by record and flushed.

    The article line is flushed before its manifest line, so a manifest line always
    means its record is complete: the manifest is the commit record of the log.
    """

    def __init__(self, articles: Path, manifest: Path, mode: str) -> None:
        self.paths = (articles, manifest)
        self.articles: IO[str] = articles.open(mode, encoding="utf-8", newline="\n")
        self.manifest: IO[str] = manifest.open(mode, encoding="utf-8", newline="\n")

    def write(self, manifest_line: str, article: str | None) -> None:
        """Append one file's record (article line, if any, then its manifest line)."""
        if article is not None:
            self.articles.write(article)
            self.articles.flush()
        self.manifest.write(manifest_line)
        self.manifest.flush()

    def close(self) -> None:
        """Flush to disk and close."""
        for handle in (self.articles, self.manifest):
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()


def repair_log(outdir: Path) -> None:
    """Make the log consistent after a kill: cut a torn last line, drop unconfirmed articles."""
    manifest, articles = outdir / MANIFEST, outdir / ARTICLES
    if not manifest.exists():
        raise ResumeError(f"nothing to resume: no {manifest}")
    _cut_torn_line(manifest)
    confirmed = 0
    last_ok = None
    with manifest.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ResumeError(f"{manifest}:{number}: not a manifest line ({exc})") from exc
            if record.get("status") == "ok":
                confirmed += 1
                last_ok = record.get("path")
    kept = _keep_lines(articles, confirmed) if articles.exists() else 0
    if kept < confirmed:
        raise ResumeError(
            f"{articles} has {kept} records but the manifest confirms {confirmed}; "
            "run again without --resume"
        )
    if last_ok is not None and _last_path(articles) != last_ok:
        raise ResumeError(f"{articles} and {manifest} disagree; run again without --resume")


def _cut_torn_line(path: Path) -> None:
    with path.open("r+b") as handle:
        end = handle.seek(0, os.SEEK_END)
        position = end
        while position > 0:
            step = min(65536, position)
            position -= step
            handle.seek(position)
            block = handle.read(step)
            newline = block.rfind(b"\n")
            if newline >= 0:
                handle.truncate(position + newline + 1)
                return
        handle.truncate(0)


def _keep_lines(path: Path, count: int) -> int:
    """Truncate `path` after its first `count` complete lines; return how many it had."""
    kept = 0
    offset = 0
    with path.open("r+b") as handle:
        for line in handle:
            if kept == count or not line.endswith(b"\n"):
                break
            kept += 1
            offset += len(line)
        handle.truncate(offset)
    return kept


def _last_path(articles: Path) -> str | None:
    last = b""
    with articles.open("rb") as handle:
        for line in handle:
            last = line
    if not last:
        return None
    path: str | None = json.loads(last).get("path")
    return path


# --- resuming: the old manifest joined with the inputs, both in path order -----------------


@dataclass
class Kept:
    """A file whose record the log already holds (same path, same sha256)."""

    line: str
    record: dict[str, Any]


@dataclass
class Dropped:
    """A record in the log whose file is gone or changed: the log is rewritten without it."""

    line: str
    record: dict[str, Any]


@dataclass
class Todo:
    """A file to extract; `before_old` when records after it are already in the log."""

    item: InputFile
    before_old: bool


Event = Kept | Dropped | Todo


def _old_manifest(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    previous = None
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            rel = record["path"]
            if previous is not None and rel <= previous:
                raise ResumeError(f"{path} is not in path order at {rel!r}; run without --resume")
            previous = rel
            yield line, record


def _sha256_of(item: InputFile) -> str:
    digest = hashlib.sha256()
    try:
        with item.open() as handle:
            for block in iter(partial(handle.read, 1 << 20), b""):
                digest.update(block)
    except Exception:  # noqa: BLE001 - unreadable now: extract it again, which says why
        return ""
    return digest.hexdigest()


def plan_resume(items: Iterable[InputFile], manifest: Path) -> Iterator[Event]:
    """Merge the inputs with the old manifest: keep, drop, or extract each, in path order."""
    old = _old_manifest(manifest)
    head = next(old, None)
    for item in items:
        while head is not None and head[1]["path"] < item.rel:
            yield Dropped(*head)
            head = next(old, None)
        if head is not None and head[1]["path"] == item.rel:
            line, record = head
            head = next(old, None)
            if record.get("sha256") and record["sha256"] == _sha256_of(item):
                yield Kept(line, record)
                continue
            yield Dropped(line, record)
        yield Todo(item, before_old=head is not None)
    while head is not None:
        yield Dropped(*head)
        head = next(old, None)


def _fresh_plan(items: Iterable[InputFile]) -> Iterator[Event]:
    for item in items:
        yield Todo(item, before_old=False)


# --- the run -------------------------------------------------------------------------------------


class _Sink:
    """Receives results in path order and writes the log, appending or rewriting it."""

    def __init__(self, outdir: Path, resume: bool) -> None:
        self.outdir = outdir
        self.articles, self.manifest = outdir / ARTICLES, outdir / MANIFEST
        self.log: LogWriter | None = None
        self.prefix_lines = 0  # resumed: manifest lines kept so far, before anything is written
        self.prefix_articles = 0
        self.old_articles: IO[str] | None = None  # rewriting: the old log, read alongside
        self.rewriting = False
        if not resume:
            self.log = LogWriter(self.articles, self.manifest, "w")

    def keep(self, event: Kept) -> None:
        """A record that stays: counted while it is a prefix of the log, copied when rewriting."""
        ok = event.record.get("status") == "ok"
        if self.rewriting:
            assert self.log is not None and self.old_articles is not None  # noqa: S101
            self.log.write(event.line, self.old_articles.readline() if ok else None)
        else:
            self.prefix_lines += 1
            self.prefix_articles += ok

    def drop(self, event: Dropped) -> None:
        """A record that goes: the log can no longer be appended to; rewrite it."""
        self._rewrite()
        if event.record.get("status") == "ok":
            assert self.old_articles is not None  # noqa: S101
            self.old_articles.readline()

    def add(self, result: FileResult, before_old: bool) -> str | None:
        """A new result; returns its article line."""
        if self.log is None:
            if before_old:
                self._rewrite()
            else:
                self.log = LogWriter(self.articles, self.manifest, "a")
        assert self.log is not None  # noqa: S101
        line = result.line
        if line is None and result.article is not None:
            line = article_line(result.article)
        self.log.write(result.manifest_line(), line)
        return line

    def _rewrite(self) -> None:
        # The new log is built beside the old one and renamed over it at the end; until
        # then the old log is intact, so a kill now loses only this run's new records.
        if self.rewriting:
            return
        self.rewriting = True
        self.log = LogWriter(_part(self.articles), _part(self.manifest), "w")
        self.old_articles = self.articles.open(encoding="utf-8", newline="\n")
        with self.manifest.open(encoding="utf-8", newline="\n") as old_manifest:
            for _ in range(self.prefix_lines):
                self.log.manifest.write(old_manifest.readline())
        for _ in range(self.prefix_articles):
            self.log.articles.write(self.old_articles.readline())

    def close(self) -> None:
        """Finish the log (rename a rewritten one into place)."""
        if self.old_articles is not None:
            self.old_articles.close()
        if self.log is not None:
            self.log.close()
        if self.rewriting:
            _part(self.articles).replace(self.articles)
            _part(self.manifest).replace(self.manifest)

    def abort(self) -> None:
        """Stop after an interrupt: keep what is flushed; drop an unfinished rewrite."""
        if self.old_articles is not None:
            self.old_articles.close()
        if self.log is not None:
            for handle in (self.log.articles, self.log.manifest):
                handle.close()
        if self.rewriting:
            _part(self.articles).unlink(missing_ok=True)
            _part(self.manifest).unlink(missing_ok=True)


def _part(path: Path) -> Path:
    return path.with_name(path.name + ".part")


#: Formats written by default when they are registered (json, the log, always is).
DEFAULT_FORMATS = ("xlsx", "nquads")


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
    return [exporter_class(name)(outdir) for name in names]


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
) -> Summary:
    """Extract every item, write the log and every format, account for each file in the manifest.

    `items` must be in path order (as `iter_inputs` gives them).
    """
    outdir.mkdir(parents=True, exist_ok=True)
    started, clock = datetime.now(UTC).isoformat(), time.perf_counter()
    formats = list(formats)
    if resume:
        repair_log(outdir)
        events = plan_resume(items, outdir / MANIFEST)
    else:
        events = _fresh_plan(items)
    summary = Summary()
    sink = _Sink(outdir, resume)
    # Fresh runs stream to every format as they go; a resumed run has records it does not
    # hold in memory, so it rebuilds the other formats from the finished log instead.
    exporters = [] if resume else open_exporters(outdir, formats)
    work = partial(process_chunk, max_bytes=max_bytes, keep_articles=bool(exporters))
    try:
        for event, answer in _ordered(events, engine or SerialEngine(), work, chunk_size):
            result = _record(event, answer, sink, exporters)
            if result is None:
                continue
            _count(summary, result)
            if on_result is not None:
                on_result(result)
    except BaseException:
        for exporter in exporters:
            exporter.abort()
        sink.abort()
        raise
    sink.close()
    if resume:
        exporters = export_log(outdir / ARTICLES, outdir, formats)
    else:
        for exporter in exporters:
            exporter.close()
    summary.files.append(outdir / ARTICLES)
    summary.files.extend(outdir / name for exporter in exporters for name in exporter.files)
    summary.files.append(outdir / MANIFEST)
    summary.seconds = time.perf_counter() - clock
    _write_run_json(outdir, started, summary, options or {})
    return summary


def _record(
    event: Event, answer: FileResult | None, sink: _Sink, exporters: list[Exporter]
) -> FileResult | None:
    """Write one event's outcome; the result to count (None for a dropped old record)."""
    if isinstance(event, Kept):
        sink.keep(event)
        return _reused(event.record)
    if isinstance(event, Dropped):
        sink.drop(event)
        return None
    assert answer is not None  # noqa: S101 - _ordered pairs every Todo with its answer
    sink.add(answer, event.before_old)
    if answer.article is not None:
        for exporter in exporters:
            exporter.write(answer.article)
    return answer


def _ordered(
    events: Iterator[Event],
    engine: Engine,
    work: Callable[[list[InputFile]], list[FileResult]],
    chunk_size: int,
) -> Iterator[tuple[Event, FileResult | None]]:
    """Events in path order, each Todo paired with its result from the engine."""
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

    for results in engine.map(_skip_empty(work), chunks(), lost_chunk):
        answers = iter(results)
        for event in queued.popleft():
            yield event, next(answers) if isinstance(event, Todo) else None


@dataclass(frozen=True)
class _skip_empty:  # noqa: N801 - behaves as a function; a class so it pickles for workers
    work: Callable[[list[InputFile]], list[FileResult]]

    def __call__(self, items: list[InputFile]) -> list[FileResult]:
        return self.work(items) if items else []


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


def read_log(articles: Path) -> Iterator[Article]:
    """The Articles of an articles.jsonl, one at a time."""
    with articles.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                article = Article.model_validate_json(line)
            except ValueError as exc:
                first = str(exc).splitlines()[0]
                raise ValueError(f"{articles}:{number}: not an Article record ({first})") from exc
            yield article


def export_log(articles: Path, outdir: Path, formats: Iterable[str]) -> list[Exporter]:
    """Rebuild formats from an articles.jsonl without extracting again; returns the exporters."""
    outdir.mkdir(parents=True, exist_ok=True)
    exporters = open_exporters(outdir, formats)
    try:
        for article in read_log(articles):
            for exporter in exporters:
                exporter.write(article)
    except BaseException:
        for exporter in exporters:
            exporter.abort()
        raise
    for exporter in exporters:
        exporter.close()
    return exporters


def _write_run_json(
    outdir: Path, started: str, summary: Summary, options: dict[str, object]
) -> None:
    """Run-dependent facts (time, version, options) live here, never in the records."""
    run = AtomicFile(outdir / RUN)
    record = {
        "newsfacts_version": __version__,
        "python": platform.python_version(),
        "argv": sys.argv,
        "started": started,
        "finished": datetime.now(UTC).isoformat(),
        "seconds": round(summary.seconds, 3),
        "options": options,
        "counts": {"ok": summary.ok, "failed": summary.failed, "skipped": summary.skipped},
        "reused": summary.reused,
    }
    run.write(json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n")
    run.commit()
    summary.files.append(outdir / RUN)
