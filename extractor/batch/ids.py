"""Distinct article ids within a run: a file whose id an earlier file (in path order) took
gets that id plus `-` and a short hash of its relative path, and the warning
`duplicate id of FILE`; both records are kept, each with its own graph.

So such an id depends on what else is in the run (README says so). The ids taken are kept
in a private temporary SQLite database (deleted when closed), not in a dict of the writer
process: a dict held two small strings a record, unpickled among each chunk's transient
results, so they pinned the allocator's pools and the writer's resident memory grew with
the run (bench_memory; the CPU: a few microseconds a record).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

from exporters.jsonl import article_line
from extractor.batch.worker import FileResult

#: Hex digits of the path's sha256 added to a duplicate id.
SUFFIX_DIGITS = 8
#: The warning on a renamed record, before the first file's path.
DUPLICATE_OF = "duplicate id of "


#: SQLite's page cache for the ids (KiB): ids are looked up once each, at random.
CACHE_KIB = 512
SCHEMA = "CREATE TABLE taken (id BLOB PRIMARY KEY, rel BLOB) WITHOUT ROWID"


def _blob(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


class Ids:
    """The ids taken so far in this run, each with the path of the file that took it."""

    def __init__(self) -> None:
        # "": a temporary database on disk, private to this connection, deleted on close.
        self.db = sqlite3.connect("")
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute(SCHEMA)
        self.renamed = 0

    def taken(self, article_id: str) -> bool:
        """True when a file earlier in path order has this id."""
        return self._first(article_id) is not None

    def claim(self, article_id: str, rel: str) -> bool:
        """Record that `rel` has `article_id` unless a file has it already; True if it had not."""
        added = self.db.execute(
            "INSERT OR IGNORE INTO taken VALUES (?, ?)", (_blob(article_id), _blob(rel))
        )
        return added.rowcount == 1

    def _first(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT rel FROM taken WHERE id = ?", (_blob(article_id),))
        found = row.fetchone()
        return None if found is None else bytes(found[0]).decode("utf-8", "surrogatepass")

    def close(self) -> None:
        """Drop the database."""
        self.db.close()

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
