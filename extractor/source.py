"""The publisher the text names: the closing source line (（文章来源：黑龙江日报）)."""

from __future__ import annotations

from extractor import rules
from extractor.document import Document
from schemas import Evidence, Source


def extract_source(doc: Document) -> Source | None:
    """The source named by the post's source line, with its span there; None when none."""
    if doc.source_line is None:
        return None
    for pattern in rules.patterns("document", "source_line"):
        match = pattern.match(doc.source_line)
        if match:
            name = match.group("name").strip("《》 ")
            if name:
                start = doc.source_line.index(name, match.start("name"))
                evidence = Evidence(where="source_line", start=start, end=start + len(name))
                return Source(name=name, evidence=evidence)
    return None
