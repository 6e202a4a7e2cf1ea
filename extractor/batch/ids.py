"""Distinct article ids within a run: a file whose id an earlier file (in path order) took
gets that id plus `-` and a short hash of its relative path, and the warning
`duplicate id of FILE`; both records are kept, each with its own graph.

So such an id depends on what else is in the run (README says so). Memory: one entry
(id -> first path) per record of the run.
"""

from __future__ import annotations

import hashlib
import json

from exporters.jsonl import article_line
from extractor.batch.worker import FileResult

#: Hex digits of the path's sha256 added to a duplicate id.
SUFFIX_DIGITS = 8
#: The warning on a renamed record, before the first file's path.
DUPLICATE_OF = "duplicate id of "


class Ids:
    """The ids taken so far in this run, each with the path of the file that took it."""

    def __init__(self) -> None:
        self.first: dict[str, str] = {}
        self.renamed = 0

    def taken(self, article_id: str) -> bool:
        """True when a file earlier in path order has this id."""
        return article_id in self.first

    def claim(self, article_id: str, rel: str) -> None:
        """Record that `rel` has `article_id`."""
        self.first.setdefault(article_id, rel)

    def distinct(self, result: FileResult) -> FileResult:
        """The result with an id of its own: renamed (and warned) when its id is taken."""
        if result.status != "ok" or result.article_id is None:
            return result
        first = self.first.get(result.article_id)
        if first is None:
            self.claim(result.article_id, result.rel)
            return result
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
