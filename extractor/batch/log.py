"""The durable log: articles.jsonl + manifest.jsonl, appended and flushed, repaired after a kill.

Article lines are flushed before the manifest lines that name them, so a manifest line
always means its record is complete: the manifest is the commit record of the log.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from schemas import Article


ARTICLES = "articles.jsonl"
MANIFEST = "manifest.jsonl"


class ResumeError(RuntimeError):
    """The log in the output folder cannot be resumed (it says why)."""


#: The articles' buffer: room for a chunk's records of most sizes (32 of 3 kB; a longer one
#: is written early, which is harmless: an article line before its manifest line is dropped
#: on repair).
LOG_BUFFER = 128 << 10


class LogWriter:
    """articles.jsonl + manifest.jsonl, appended record by record, flushed when told.

    Lines are UTF-8 bytes (as the workers encode them). The manifest lines wait here until
    the article lines before them are flushed, so a manifest line on disk always has its
    record (whatever the size of either). The runner flushes after each chunk's results,
    before it waits for the next: two system calls a chunk, not two a record, and whatever
    a kill interrupts, every record it was not still waiting for is on disk.
    """

    def __init__(self, articles: Path, manifest: Path, mode: str) -> None:
        self.paths = (articles, manifest)
        self.articles: IO[bytes] = articles.open(mode + "b", buffering=LOG_BUFFER)
        self.manifest: IO[bytes] = manifest.open(mode + "b")
        self.pending: list[bytes] = []  # manifest lines whose articles are not flushed yet

    def write(self, manifest_line: bytes, article: bytes | None) -> None:
        """Append one file's record (article line, if any, then its manifest line)."""
        if article is not None:
            self.articles.write(article)
        self.pending.append(manifest_line)

    def flush(self) -> None:
        """Hand what is written to the system: the articles first, then their manifest lines."""
        self.articles.flush()
        self.manifest.write(b"".join(self.pending))
        self.manifest.flush()
        self.pending.clear()

    def stop(self) -> None:
        """Close after an interrupt or an error, keeping what is complete (when it can)."""
        with contextlib.suppress(OSError):
            self.flush()
        for handle in (self.articles, self.manifest):
            with contextlib.suppress(OSError):
                handle.close()

    def close(self) -> None:
        """Flush to disk and close."""
        self.flush()
        for handle in (self.articles, self.manifest):
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


def read_log(articles: Path) -> Iterator[Article]:
    """The Articles of an articles.jsonl, one at a time."""
    from schemas import Article  # noqa: PLC0415 - the models load when a log is read

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
