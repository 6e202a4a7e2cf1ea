"""Resuming: the old manifest joined with the inputs (both in path order), and the log sink.

Each input is kept (same path, same sha256), dropped (gone or changed) or extracted;
`Sink` applies that plan to the log, appending while it can and rewriting it beside
the old one (renamed into place at the end) once an old record has to go.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import IO, Any, NamedTuple

from exporters.jsonl import article_line
from extractor.batch.inputs import InputFile
from extractor.batch.log import ARTICLES, MANIFEST, LogWriter, ResumeError
from extractor.batch.worker import FileResult


# NamedTuples, not dataclasses (never changed once made): a fresh process makes each
# class in 0.05 ms, not 0.2-0.3.
class Kept(NamedTuple):
    """A file whose record the log already holds (same path, same sha256)."""

    line: bytes
    record: dict[str, Any]
    item: InputFile


class Dropped(NamedTuple):
    """A record in the log whose file is gone or changed: the log is rewritten without it."""

    line: bytes
    record: dict[str, Any]


class Todo(NamedTuple):
    """A file to extract; `before_old` when records after it are already in the log."""

    item: InputFile
    before_old: bool


Event = Kept | Dropped | Todo


def _old_manifest(path: Path) -> Iterator[tuple[bytes, dict[str, Any]]]:
    previous = None
    with path.open("rb") as lines:
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


def _unchanged(item: InputFile, record: dict[str, Any]) -> bool:
    if item.problem is not None:  # never read: the same if it is still what it was
        return (record.get("status"), record.get("reason")) == item.problem
    return bool(record.get("sha256")) and record["sha256"] == _sha256_of(item)


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
            if _unchanged(item, record):
                yield Kept(line, record, item)
                continue
            yield Dropped(line, record)
        yield Todo(item, before_old=head is not None)
    while head is not None:
        yield Dropped(*head)
        head = next(old, None)


def fresh_plan(items: Iterable[InputFile]) -> Iterator[Event]:
    """A run without --resume: every input is extracted."""
    for item in items:
        yield Todo(item, before_old=False)


class Sink:
    """Receives results in path order and writes the log, appending or rewriting it."""

    def __init__(self, outdir: Path, resume: bool) -> None:
        self.outdir = outdir
        self.articles, self.manifest = outdir / ARTICLES, outdir / MANIFEST
        self.log: LogWriter | None = None
        self.prefix_lines = 0  # resumed: manifest lines kept so far, before anything is written
        self.prefix_articles = 0
        self.old_articles: IO[bytes] | None = None  # rewriting: the old log, read alongside
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

    def add(self, result: FileResult, before_old: bool) -> bytes | None:
        """A new result; returns its article line."""
        if self.log is None:
            if before_old:
                self._rewrite()
            else:
                self.log = LogWriter(self.articles, self.manifest, "a")
        assert self.log is not None  # noqa: S101
        line = result.line
        if line is None and result.article is not None:
            line = article_line(result.article).encode("utf-8")
        self.log.write(result.manifest_bytes(), line)
        return line

    def _rewrite(self) -> None:
        # The new log is built beside the old one and renamed over it at the end; until
        # then the old log is intact, so a kill now loses only this run's new records.
        if self.rewriting:
            return
        self.rewriting = True
        self.log = LogWriter(_part(self.articles), _part(self.manifest), "w")
        self.old_articles = self.articles.open("rb")
        with self.manifest.open("rb") as old_manifest:
            for _ in range(self.prefix_lines):
                self.log.manifest.write(old_manifest.readline())
        for _ in range(self.prefix_articles):
            self.log.articles.write(self.old_articles.readline())

    def flush(self) -> None:
        """Put the records added so far on disk (see `LogWriter`)."""
        if self.log is not None:
            self.log.flush()

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
            self.log.stop()
        if self.rewriting:
            _part(self.articles).unlink(missing_ok=True)
            _part(self.manifest).unlink(missing_ok=True)


def _part(path: Path) -> Path:
    return path.with_name(path.name + ".part")
