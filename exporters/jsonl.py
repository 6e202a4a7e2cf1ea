"""JSON Lines: one Article per line, in path order (`articles.jsonl`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from exporters.base import LineExporter

if TYPE_CHECKING:
    # annotations only: `newsfacts --help` must not import pydantic and the models
    from schemas import Article


def article_line(article: Article) -> str:
    """The exact line written for an article (UTF-8 JSON, no trailing spaces, newline)."""
    return article.model_dump_json() + "\n"


class JsonLinesExporter(LineExporter):
    """Writes `articles.jsonl`."""

    name: ClassVar[str] = "json"
    files: ClassVar[tuple[str, ...]] = ("articles.jsonl",)

    @staticmethod
    def render(article: Article) -> str:
        """One line."""
        return article_line(article)
