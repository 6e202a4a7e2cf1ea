"""The tables both spreadsheet exporters write: one row builder per record type.

The xlsx sheets and the CSV files come from the same `Table`s, so they have the same
columns in the same order. Every row starts with the article id and title, so a sheet
read alone still says where each row comes from. Values are typed (dates, integers,
booleans); each writer decides how to store them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Literal

from schemas import Article, Evidence, Measure, MeasureGroup

#: Beijing time (UTC+8, no daylight saving): the zone the dates are shown in.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

#: Separator of group labels in a measure's path (六项举措 › 三个精准).
PATH_SEP = " › "

#: Characters of context shown on each side of an evidence span.
CONTEXT_CHARS = 30
#: What ends a sentence, for the sentence shown beside a fact (full-width and ASCII forms).
SENTENCE_STOPS = ("。", "！", "？", "；", "!", "?", ";")
#: Characters of a sentence kept on each side of the span it holds.
SENTENCE_CHARS = 80

Value = str | int | bool | datetime | date | None
Row = tuple[Value, ...]
#: text: one line; wrap: long text, wrapped; date: a date or Beijing date-time; url: a link.
Kind = Literal["text", "wrap", "int", "bool", "date", "url"]

WHERE_NAMES = {
    "title": "title",
    "source_line": "source line",
    "front_matter": "front matter",
    "url": "url",
}


@dataclass(frozen=True)
class Column:
    """A column: its header, the kind of value it holds, and its width cap (narrow chars)."""

    header: str
    kind: Kind = "text"
    max_width: int = 40


@dataclass(frozen=True)
class Table:
    """A sheet / CSV file: its name, its columns, and the rows an article gives."""

    sheet: str
    csv: str | None
    columns: tuple[Column, ...]
    rows: Callable[[Article], Iterator[Row]]

    @property
    def headers(self) -> list[str]:
        """The header row."""
        return [column.header for column in self.columns]


@dataclass(frozen=True)
class MeasureNode:
    """One measure item in its tree: the labels above it, its group, position and leafness."""

    path: tuple[str, ...]
    group: MeasureGroup
    depth: int
    index: int
    item: Measure
    leaf: bool


def beijing_time(published: str | None) -> datetime | date | None:
    """An ISO date-time as a naive Beijing date-time; a date-only value stays a date."""
    if not published:
        return None
    if "T" not in published:
        return date.fromisoformat(published)
    moment = datetime.fromisoformat(published)
    if moment.tzinfo is None:  # the contract says an offset-less time is Beijing time
        return moment
    return moment.astimezone(BEIJING).replace(tzinfo=None)


def walk_measures(
    groups: list[MeasureGroup], path: tuple[str, ...] = (), depth: int = 1
) -> Iterator[MeasureNode]:
    """Every item of a measure tree in reading order: a child group follows the item it expands.

    An item is a leaf when no child group expands it; a child without a valid parent_item
    comes after its parent's items.
    """
    for group in groups:
        labels = (*path, group.label)
        expands = {c.parent_item for c in group.children if c.parent_item is not None}
        placed: set[int] = set()
        for index, item in enumerate(group.items):
            yield MeasureNode(labels, group, depth, index, item, index not in expands)
            for position, child in enumerate(group.children):
                if child.parent_item == index:
                    placed.add(position)
                    yield from walk_measures([child], labels, depth + 1)
        rest = [c for i, c in enumerate(group.children) if i not in placed]
        yield from walk_measures(rest, labels, depth + 1)


def count_groups(groups: list[MeasureGroup]) -> int:
    """Groups in a tree, children included."""
    return sum(1 + count_groups(group.children) for group in groups)


def leaf_count(article: Article) -> int:
    """How many measures the article lists: items that no child group expands."""
    return sum(node.leaf for node in walk_measures(article.measure_groups))


def evidence_place(evidence: Evidence | None) -> str | None:
    """Where a fact was found, for a reader: "paragraph 3" (1-based), "title", "source line"."""
    if evidence is None:
        return None
    if evidence.where == "paragraph" and evidence.paragraph is not None:
        return f"paragraph {evidence.paragraph + 1}"
    return WHERE_NAMES.get(evidence.where, evidence.where)


def evidence_context(article: Article, evidence: Evidence | None) -> str | None:
    """The supporting span with some text around it, when the record holds that text."""
    text = _evidence_source(article, evidence)
    if text is None or evidence is None:
        return None
    start = max(0, evidence.start - CONTEXT_CHARS)
    end = min(len(text), evidence.end + CONTEXT_CHARS)
    before = "…" if start > 0 else ""
    after = "…" if end < len(text) else ""
    return f"{before}{text[start:end]}{after}"


def evidence_sentence(
    article: Article, evidence: Evidence | None, limit: int = SENTENCE_CHARS
) -> tuple[str, str, str] | None:
    """The sentence holding a span, as (before, span, after); None when the text is not kept.

    The sentence runs from the stop before the span to the stop after it (。！？；), each side
    cut to `limit` characters with "…".
    """
    text = _evidence_source(article, evidence)
    if text is None or evidence is None or evidence.end > len(text):
        return None
    start, end = evidence.start, evidence.end
    left = max(text.rfind(stop, 0, start) for stop in SENTENCE_STOPS) + 1
    ends = [i for i in (text.find(stop, end) for stop in SENTENCE_STOPS) if i >= 0]
    right = min(ends) + 1 if ends else len(text)
    if start < end and text[end - 1] in SENTENCE_STOPS:  # the span closes its own sentence
        right = end
    before, after = text[left:start], text[end:right]
    if len(before) > limit:
        before = "…" + before[-limit:]
    if len(after) > limit:
        after = after[:limit] + "…"
    return before, text[start:end], after


def sentence_text(article: Article, evidence: Evidence | None) -> str | None:
    """The sentence holding a span, as one string (for a cell)."""
    parts = evidence_sentence(article, evidence)
    return None if parts is None else "".join(parts)


def _evidence_source(article: Article, evidence: Evidence | None) -> str | None:
    if evidence is None:
        return None
    if evidence.where == "paragraph" and evidence.paragraph is not None:
        if evidence.paragraph < len(article.paragraphs):
            return article.paragraphs[evidence.paragraph]
        return None
    if evidence.where == "title":
        return article.title
    if evidence.where == "url":
        return article.url
    return None  # the source line and front matter are not kept in the record


def _subjects(article: Article) -> list[str]:
    return [org.name for org in article.organizations if org.role == "subject"]


def subject_organizations(article: Article) -> list[str]:
    """Distinct subject organization names, in record order."""
    return list(dict.fromkeys(_subjects(article)))


def article_rows(article: Article) -> Iterator[Row]:
    """One row per article."""
    nodes = list(walk_measures(article.measure_groups))
    yield (
        article.id,
        article.title,
        beijing_time(article.published),
        article.url,
        article.source.name if article.source else None,
        "; ".join(subject_organizations(article)) or None,
        "; ".join(f"{p.name} ({p.role})" for p in article.authors) or None,
        article.category,
        "; ".join(article.tags) or None,
        article.path,
        count_groups(article.measure_groups),
        len(nodes),
        sum(node.leaf for node in nodes),
        len(article.warnings),
        len(article.paragraphs),
        "\n".join(article.paragraphs),
    )


def organization_rows(article: Article) -> Iterator[Row]:
    """One row per organization named in the article."""
    for org in article.organizations:
        first = org.evidence[0] if org.evidence else None
        yield (
            article.id,
            article.title,
            org.name,
            org.role,
            org.kind,
            org.region,
            len(org.evidence),
            evidence_place(first),
            evidence_context(article, first),
        )


def measure_rows(article: Article) -> Iterator[Row]:
    """One row per measure item, every level, with its group path and the group's counts."""
    for node in walk_measures(article.measure_groups):
        declared = node.group.declared_count
        found = len(node.group.items)
        yield (
            article.id,
            article.title,
            PATH_SEP.join(node.path),
            node.group.label,
            node.depth,
            node.index + 1,
            node.item.name,
            node.leaf,
            declared,
            found,
            None if declared is None else declared == found,
            node.item.text,
            evidence_place(node.item.evidence),
            node.group.heading,
        )


def person_rows(article: Article) -> Iterator[Row]:
    """One row per person credited, with the role."""
    for person in article.authors:
        yield (
            article.id,
            article.title,
            person.name,
            person.role,
            evidence_place(person.evidence),
            evidence_context(article, person.evidence),
        )


def source_rows(article: Article) -> Iterator[Row]:
    """One row per article whose text names its publisher."""
    if article.source is not None:
        yield (
            article.id,
            article.title,
            article.source.name,
            evidence_place(article.source.evidence),
            article.url,
        )


def warning_rows(article: Article) -> Iterator[Row]:
    """One row per warning the rules raised."""
    for warning in article.warnings:
        yield (article.id, article.title, article.path, "extractor", warning)


ID = Column("article id", max_width=24)
TITLE = Column("article title", "wrap", max_width=40)

ARTICLES = Table(
    "Articles",
    "articles.csv",
    (
        ID,
        Column("title", "wrap", max_width=40),
        Column("published (Beijing time)", "date"),
        Column("url", "url", max_width=40),
        Column("source", max_width=20),
        Column("subject organizations", "wrap", max_width=30),
        Column("people", "wrap", max_width=30),
        Column("category", max_width=20),
        Column("tags", max_width=20),
        Column("path", max_width=40),
        Column("measure groups", "int"),
        Column("measure items", "int"),
        Column("leaf measures", "int"),
        Column("warnings", "int"),
        Column("paragraphs", "int"),
        # Not wrapped: the whole body in one cell would make every row a page tall.
        Column("text", max_width=60),
    ),
    article_rows,
)
ORGANIZATIONS = Table(
    "Organizations",
    "organizations.csv",
    (
        ID,
        TITLE,
        Column("organization", max_width=30),
        Column("role"),
        Column("kind"),
        Column("region", max_width=20),
        Column("mentions", "int"),
        Column("first found in", max_width=14),
        Column("context", "wrap", max_width=50),
    ),
    organization_rows,
)
MEASURES = Table(
    "Measures",
    "measures.csv",
    (
        ID,
        TITLE,
        Column("group path", max_width=30),
        Column("group", max_width=16),
        Column("depth", "int"),
        Column("item no.", "int"),
        Column("item", "wrap", max_width=30),
        Column("leaf", "bool"),
        Column("declared", "int"),
        Column("found", "int"),
        Column("counts match", "bool"),
        Column("text", "wrap", max_width=60),
        Column("found in", max_width=14),
        Column("group heading", "wrap", max_width=40),
    ),
    measure_rows,
)
PERSONS = Table(
    "Persons",
    "persons.csv",
    (
        ID,
        TITLE,
        Column("name", max_width=16),
        Column("role", max_width=20),
        Column("found in", max_width=14),
        Column("context", "wrap", max_width=50),
    ),
    person_rows,
)
SOURCES = Table(
    "Sources",
    None,  # the source is a column of articles.csv; DESIGN.md names no sources.csv
    (
        ID,
        TITLE,
        Column("source", max_width=20),
        Column("found in", max_width=14),
        Column("url", "url", max_width=40),
    ),
    source_rows,
)
WARNINGS = Table(
    "Warnings",
    "warnings.csv",
    (
        ID,
        TITLE,
        Column("path", max_width=40),
        Column("from", max_width=10),
        Column("warning", "wrap", max_width=60),
    ),
    warning_rows,
)

#: In the order of the workbook's sheets (after Summary).
TABLES: tuple[Table, ...] = (ARTICLES, ORGANIZATIONS, MEASURES, PERSONS, SOURCES, WARNINGS)
