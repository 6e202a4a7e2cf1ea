"""JSON Lines: one Article per line, in path order (`articles.jsonl`)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from exporters.base import AtomicFile, Exporter
from schemas import Article


def article_line(article: Article) -> str:
    """The exact line written for an article (UTF-8 JSON, no trailing spaces, newline)."""
    return article.model_dump_json() + "\n"


class JsonLinesExporter(Exporter):
    """Writes `articles.jsonl`."""

    name: ClassVar[str] = "json"
    files: ClassVar[tuple[str, ...]] = ("articles.jsonl",)

    def __init__(self, outdir: Path) -> None:
        super().__init__(outdir)
        self.out = AtomicFile(outdir / self.files[0])

    def write(self, article: Article) -> None:
        """Append one line."""
        self.out.write(article_line(article))

    def close(self) -> None:
        """Rename into place."""
        self.out.commit()

    def abort(self) -> None:
        """Drop the partial file."""
        self.out.discard()
