"""The publisher the text names: the source line, a 来源 field, a reprint note, a dateline.

Tried in order (rules/source.yaml): the closing source line （文章来源：黑龙江日报）, a
来源: field (also when other fields share its line), a journal's issue line (人民论坛
2017年27期), ——原载…《X》 / 转载自X, a provider sentence (由X提供，转载请注明出处), a
dateline (中电新闻网讯), a flash's closing （X报）.
Never 本报/本站/网络收录, never a person's name (来源:陈冰 credits an author), never the
site in `tags`. The name is given without 《》.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from extractor import rules
from extractor.authors import field_value_end
from extractor.document import STRICT_RECORD, Document, FoundSource, Span
from extractor.names import is_name
from extractor.needles import PatternGroup, may_match, pattern_group
from schemas import Source, Where

#: Paragraphs at each end of the body where metadata lines (来源:…) sit.
EDGE_PARAGRAPHS: Final = 4
#: The rule groups read after the 来源 fields, in order: (group, anchored). An anchored group
#: matches at the start of one of the first paragraphs, the others anywhere in an edge one.
LATER_GROUPS: Final = (
    ("issue_line", True),
    ("reprint", False),
    ("provider", False),
    ("dateline", True),
    ("trailing_outlet", False),
)
#: A name holds at least one of these (a bare `——` or `》` is no name).
WORD_CHAR: Final = re.compile(r"[\w\u4e00-\u9fff]")


def extract_source(doc: Document) -> Source | None:
    """The source the text names, with its span, as a record; None when it names none."""
    found = find_source(doc)
    return (
        None
        if found is None
        else Source.model_validate(found, from_attributes=True, strict=STRICT_RECORD)
    )


def find_source(doc: Document) -> FoundSource | None:
    """The source the text names, with its span: its fields, which the pipeline validates
    with the whole Article; None when it names none."""
    if doc.source_line is not None:
        for pattern in rules.patterns("document", "source_line"):
            match = pattern.match(doc.source_line)
            if match:
                found = _source(doc.source_line, match.start("name"), match.end("name"), None)
                if found is not None:
                    return found
    edges = _edge_paragraphs(len(doc.paragraphs))
    head = edges[:EDGE_PARAGRAPHS]
    # Each group's precheck runs once on all the edge paragraphs together before any runs on
    # one: most posts hold no 来源 field, reprint note or provider sentence, so a group is
    # passed over in one step, not one per paragraph (a needle a paragraph holds, the joined
    # text holds too: nothing a paragraph could match is passed over).
    edge_text = "\n".join([doc.paragraphs[index] for index in edges])
    found = _labelled(doc, edges, edge_text)
    for group, anchored in LATER_GROUPS:
        if found is not None:
            break
        found = _first_match(doc, head if anchored else edges, edge_text, group, anchored=anchored)
    return found


def _first_match(
    doc: Document, indices: list[int], edge_text: str, group: str, *, anchored: bool
) -> FoundSource | None:
    """The first source one rule group names in the given paragraphs (among the edge
    paragraphs, `edge_text` joined), or None."""
    rule = _group(group)
    if not may_match(edge_text, rule.needles):
        return None
    for index in indices:
        text = doc.paragraphs[index]
        if not may_match(text, rule.needles):
            continue
        for pattern in rule.patterns:
            matches = [pattern.match(text)] if anchored else pattern.finditer(text)
            for match in matches:
                if match:
                    start, end = match.span("name")  # (a starred call is a Python call)
                    found = _source(text, start, end, index)
                    if found is not None:
                        return found
    return None


def _edge_paragraphs(count: int) -> list[int]:
    """Indices of the first and last paragraphs (where metadata and bylines sit), in order."""
    if count <= 2 * EDGE_PARAGRAPHS:
        return list(range(count))
    return [*range(EDGE_PARAGRAPHS), *range(count - EDGE_PARAGRAPHS, count)]


@cache
def _group(group: str) -> PatternGroup:
    """A pattern group of source.yaml with its precheck (most paragraphs name no source)."""
    return pattern_group(rules.patterns("source", group))


def _labelled(doc: Document, edges: list[int], edge_text: str) -> FoundSource | None:
    """The first 来源 field of the edge paragraphs that names a publisher, or None."""
    rule = _group("source_label")
    if not may_match(edge_text, rule.needles):
        return None
    for index in edges:
        text = doc.paragraphs[index]
        if not may_match(text, rule.needles):
            continue
        for pattern in rule.patterns:
            for match in pattern.finditer(text):
                start = match.end()
                found = _source(text, start, field_value_end(text, start), index)
                if found is not None:
                    return found
    return None


@cache
def _not_sources() -> frozenset[str]:
    return frozenset(rules.strings("source", "not_sources"))


def is_placeholder(name: str) -> bool:
    """A name that is no publisher: 本报, 网络收录 (rules/source.yaml: not_sources)."""
    return name in _not_sources() or name.startswith(("本报", "本站"))


def _source(text: str, start: int, end: int, index: int | None) -> FoundSource | None:
    """The source text[start:end] names once trimmed, or None when it names no publisher."""
    stripped = text[start:end].strip()
    for pattern in rules.patterns("source", "programme"):
        match = pattern.match(stripped)
        if match:
            stripped = match.group("name").strip()
    name = stripped.strip("《》 ")
    if len(name) < 2 or is_placeholder(name):
        return None
    if is_name(name) or not WORD_CHAR.search(name):
        return None  # 来源:陈冰 names a person (an author), not a publisher
    at = text.index(name, start)
    where: Where = "source_line" if index is None else "paragraph"
    return FoundSource(name, Span(where, index, at, at + len(name)))
