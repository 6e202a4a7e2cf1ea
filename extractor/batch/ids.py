"""Distinct article ids within a run: a file whose id an earlier file (in path order) took
gets that id plus `-` and a short hash of its relative path, and the warning
`duplicate id of FILE`; both records are kept, each with its own graph.

So such an id depends on what else is in the run (README says so). The ids taken are held
in a dict up to IDS_IN_MEMORY of them, then written to a private temporary SQLite database
(deleted when closed): a dict of every id held two small strings a record, unpickled among
each chunk's transient results, so they pinned the allocator's pools and the writer's
resident memory grew with the run (bench_memory). A lookup in the database costs the writer
3-4 us a record; a run of a few thousand files never makes it.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from exporters.jsonl import article_line
from exporters.scratch_db import blob, connect, text
from extractor.batch.worker import FileResult

if TYPE_CHECKING:  # the module itself is imported by scratch_db.connect, when one is made
    import sqlite3

#: Hex digits of the path's sha256 added to a duplicate id.
SUFFIX_DIGITS = 8
#: The warning on a renamed record, before the first file's path.
DUPLICATE_OF = "duplicate id of "


#: Ids held in memory before they go to the database (some 1 MB).
IDS_IN_MEMORY = 4096
SCHEMA = "CREATE TABLE taken (id BLOB PRIMARY KEY, rel BLOB) WITHOUT ROWID"


class Ids:
    """The ids taken so far in this run, each with the path of the file that took it."""

    def __init__(self, in_memory: int = IDS_IN_MEMORY) -> None:
        self.in_memory = in_memory
        #: id -> path of the ids taken since the last write to the database.
        self.held: dict[str, str] = {}
        self.db: sqlite3.Connection | None = None
        self.renamed = 0

    def taken(self, article_id: str) -> bool:
        """True when a file earlier in path order has this id."""
        return self._first(article_id) is not None

    def claim(self, article_id: str, rel: str) -> bool:
        """Record that `rel` has `article_id` unless a file has it already; True if it had not."""
        if self._first(article_id) is not None:
            return False
        self.held[article_id] = rel
        if len(self.held) >= self.in_memory:
            self._write()
        return True

    def _first(self, article_id: str) -> str | None:
        rel = self.held.get(article_id)
        if rel is None and self.db is not None:
            row = self.db.execute("SELECT rel FROM taken WHERE id = ?", (blob(article_id),))
            found = row.fetchone()
            if found is not None:
                rel = text(found[0])
        return rel

    def _write(self) -> None:
        if self.db is None:
            self.db = connect(None, SCHEMA)  # private to this run, deleted on close
        rows = [(blob(article_id), blob(rel)) for article_id, rel in self.held.items()]
        self.db.executemany("INSERT INTO taken VALUES (?, ?)", rows)
        self.held = {}

    def close(self) -> None:
        """Drop the database."""
        if self.db is not None:
            self.db.close()
        self.held = {}

    def distinct(self, result: FileResult) -> FileResult:
        """The result with an id of its own: renamed (and warned) when its id is taken."""
        if result.status != "ok" or result.article_id is None:
            return result
        if self.claim(result.article_id, result.rel):
            return result
        first = self._first(result.article_id)
        assert first is not None  # noqa: S101 - claim found it taken
        digest = hashlib.sha256(result.rel.encode("utf-8")).hexdigest()[:SUFFIX_DIGITS]
        new_id = f"{result.article_id}-{digest}"
        article = result.article
        if article is None:
            assert result.line is not None  # noqa: S101 - an ok result has its line
            from schemas import Article  # noqa: PLC0415 - only a renamed record's log line

            article = Article.model_validate_json(result.line)
        warnings = [*article.warnings, DUPLICATE_OF + first]
        article = article.model_copy(update={"id": new_id, "warnings": warnings})
        self.claim(new_id, result.rel)
        self.renamed += 1
        result.line = article_line(article).encode("utf-8")
        result.warnings = list(warnings)
        result.manifest, result.file_pieces = None, None  # made with its old warnings
        result.article_id = new_id
        # The exporters' pieces were made with the old id: the writer makes them again.
        result.article = article
        result.pieces = None
        return result


def id_of_line(line: bytes) -> str:
    """The `id` of an articles.jsonl line (its first field), without parsing the whole line."""
    head = b'{"id":"'
    if line.startswith(head):
        end = line.find(b'"', len(head))
        if end > 0 and b"\\" not in line[len(head) : end]:
            return line[len(head) : end].decode("utf-8")
    identifier: str = json.loads(line)["id"]
    return identifier
