"""The measure tree: enumerated measures and their declared counts (issue 3 fills the rules)."""

from __future__ import annotations

from extractor.document import Document
from schemas import MeasureGroup


def extract_measure_groups(doc: Document) -> list[MeasureGroup]:
    """Top-level measure groups of the article, children nested."""
    del doc
    return []
