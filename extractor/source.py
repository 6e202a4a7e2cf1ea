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
from collections.abc import Iterator
from functools import cache

from extractor import rules
from extractor.authors import field_value_end
from extractor.document import Document
from extractor.names import is_name
from extractor.needles import PatternGroup, pattern_group
from schemas import Evidence, Source

#: Paragraphs at each end of the body where metadata lines (来源:…) sit.
EDGE_PARAGRAPHS = 4
#: A name holds at least one of these (a bare `——` or `》` is no name).
WORD_CHAR = re.compile(r"[\w\u4e00-\u9fff]")


def extract_source(doc: Document) -> Source | None:
    """The source the text names, with its span; None when it names none."""
    for found in _candidates(doc):
        if found is not None:
            return found
    return None


def _candidates(doc: Document) -> Iterator[Source | None]:
    if doc.source_line is not None:
        for pattern in rules.patterns("document", "source_line"):
            match = pattern.match(doc.source_line)
            if match:
                yield _source(doc.source_line, match.start("name"), match.end("name"), None)
    edges = _edge_paragraphs(doc)
    head = edges[:EDGE_PARAGRAPHS]
    # Each group's precheck runs once on all the edge paragraphs together before any runs on
    # one: most posts hold no 来源 field, reprint note or provider sentence, so a group is
    # passed over in one step, not one per paragraph (a needle a paragraph holds, the joined
    # text holds too: nothing a paragraph could match is passed over).
    edge_text = "\n".join([doc.paragraphs[index] for index in edges])
    if _group("source_label").may_match(edge_text):
        for index in edges:
            yield from _labelled(doc.paragraphs[index], index)
    yield from _matches(doc, head, edge_text, "issue_line", anchored=True)
    yield from _matches(doc, edges, edge_text, "reprint", anchored=False)
    yield from _matches(doc, edges, edge_text, "provider", anchored=False)
    yield from _matches(doc, head, edge_text, "dateline", anchored=True)
    yield from _matches(doc, edges, edge_text, "trailing_outlet", anchored=False)


def _matches(
    doc: Document, indices: list[int], edge_text: str, group: str, *, anchored: bool
) -> Iterator[Source | None]:
    """Sources named by one rule group in the given paragraphs (among the edge paragraphs,
    `edge_text` joined), in order."""
    rule = _group(group)
    if not rule.may_match(edge_text):
        return
    for index in indices:
        text = doc.paragraphs[index]
        # Only a scan of the whole paragraph gains from the precheck (a match at the start
        # fails at once).
        if not anchored and not rule.may_match(text):
            continue
        for pattern in rule.patterns:
            found = [pattern.match(text)] if anchored else list(pattern.finditer(text))
            for match in found:
                if match:
                    yield _source(text, *match.span("name"), index)


def _edge_paragraphs(doc: Document) -> list[int]:
    """Indices of the first and last paragraphs (where metadata and bylines sit), in order."""
    count = len(doc.paragraphs)
    head = list(range(min(EDGE_PARAGRAPHS, count)))
    tail = list(range(max(count - EDGE_PARAGRAPHS, 0), count))
    return list(dict.fromkeys(head + tail))


@cache
def _group(group: str) -> PatternGroup:
    """A pattern group of source.yaml with its precheck (most paragraphs name no source)."""
    return pattern_group(rules.patterns("source", group))


def _labelled(text: str, index: int) -> Iterator[Source | None]:
    rule = _group("source_label")
    if not rule.may_match(text):
        return
    for pattern in rule.patterns:
        for match in pattern.finditer(text):
            start = match.end()
            yield _source(text, start, field_value_end(text, start), index)


@cache
def _not_sources() -> frozenset[str]:
    return frozenset(rules.strings("source", "not_sources"))


def is_placeholder(name: str) -> bool:
    """A name that is no publisher: 本报, 网络收录 (rules/source.yaml: not_sources)."""
    return name in _not_sources() or name.startswith(("本报", "本站"))


def _source(text: str, start: int, end: int, index: int | None) -> Source | None:
    """A Source for text[start:end] once trimmed, or None when it names no publisher."""
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
    if index is None:
        evidence = Evidence(where="source_line", start=at, end=at + len(name))
    else:
        evidence = Evidence(where="paragraph", paragraph=index, start=at, end=at + len(name))
    return Source(name=name, evidence=evidence)
