"""The batch runner: files -> `extract_article` -> articles in path order -> writers + manifest."""

from __future__ import annotations

import hashlib
import json
import platform
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from exporters import AtomicFile, Exporter, exporter_class, resolve
from extractor import __version__
from extractor.decode import decode
from extractor.errors import InputError
from extractor.pipeline import extract_article
from schemas import Article

INPUT_SUFFIXES = (".md", ".markdown", ".html", ".htm")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class InputFile:
    """A file to extract and its path relative to the folder it was found in."""

    path: Path
    rel: str


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
    failures: list[FileResult] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def discover(paths: Sequence[Path], suffixes: tuple[str, ...] = INPUT_SUFFIXES) -> list[InputFile]:
    """Input files under the given files/folders (recursive), sorted by relative path."""
    found: dict[Path, InputFile] = {}
    for given in paths:
        if given.is_dir():
            for path in sorted(given.rglob("*")):
                if path.is_file() and path.suffix.lower() in suffixes:
                    found.setdefault(
                        path.resolve(), InputFile(path, path.relative_to(given).as_posix())
                    )
        elif given.is_file():
            found.setdefault(given.resolve(), InputFile(given, given.name))
        else:
            raise FileNotFoundError(f"no such file or folder: {given}")
    return sorted(found.values(), key=lambda f: (f.rel, str(f.path)))


def process_file(item: InputFile, max_bytes: int = DEFAULT_MAX_BYTES) -> FileResult:
    """Read and extract one file; never raises: a problem becomes a failed result."""
    try:
        size = item.path.stat().st_size
        if size > max_bytes:
            return FileResult(
                item.rel, size, "", None, "failed", f"too large: {size} bytes > {max_bytes}"
            )
        data = item.path.read_bytes()
    except OSError as exc:
        return FileResult(item.rel, 0, "", None, "failed", f"unreadable: {exc.strerror or exc}")
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
    # Decoding again is cheap for UTF-8 (the common case) and keeps extract_article's
    # signature the one every caller shares.
    return decode(data)[1]


def open_exporters(outdir: Path, formats: Iterable[str]) -> list[Exporter]:
    """Exporters for the chosen formats; `json` first (articles.jsonl is always written)."""
    names = ["json"]
    for name in formats:
        canonical = resolve(name)
        if canonical not in names:
            names.append(canonical)
    return [exporter_class(name)(outdir) for name in names]


def run_batch(
    items: Sequence[InputFile],
    outdir: Path,
    formats: Iterable[str] = (),
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    options: dict[str, object] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> Summary:
    """Extract every item, write every output, and account for each file in the manifest."""
    outdir.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC).isoformat()
    exporters = open_exporters(outdir, formats)
    manifest = AtomicFile(outdir / "manifest.jsonl")
    summary = Summary()
    try:
        for result in _results(items, max_bytes):
            manifest.write(result.manifest_line())
            _count(summary, result)
            if result.article is not None:
                for exporter in exporters:
                    exporter.write(result.article)
            if on_result is not None:
                on_result(result)
    except BaseException:
        for exporter in exporters:
            exporter.abort()
        manifest.discard()
        raise
    for exporter in exporters:
        exporter.close()
        summary.files.extend(outdir / name for name in exporter.files)
    manifest.commit()
    summary.files.append(outdir / "manifest.jsonl")
    _write_run_json(outdir, started, summary, options or {})
    return summary


def _results(items: Sequence[InputFile], max_bytes: int) -> Iterator[FileResult]:
    for item in items:
        yield process_file(item, max_bytes)


def _count(summary: Summary, result: FileResult) -> None:
    if result.status == "ok":
        summary.ok += 1
    elif result.status == "skipped":
        summary.skipped += 1
    else:
        summary.failed += 1
        summary.failures.append(result)


def _write_run_json(
    outdir: Path, started: str, summary: Summary, options: dict[str, object]
) -> None:
    """Run-dependent facts (time, version, options) live here, never in the records."""
    run = AtomicFile(outdir / "run.json")
    record = {
        "newsfacts_version": __version__,
        "python": platform.python_version(),
        "argv": sys.argv,
        "started": started,
        "finished": datetime.now(UTC).isoformat(),
        "options": options,
        "counts": {"ok": summary.ok, "failed": summary.failed, "skipped": summary.skipped},
    }
    run.write(json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n")
    run.commit()
    summary.files.append(outdir / "run.json")
