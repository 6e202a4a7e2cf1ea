"""The tables both spreadsheet exporters write: one row builder per record type.

The xlsx sheets and the CSV files come from the same `Table`s, so they have the same
columns in the same order. Every row starts with the article id and title, so a sheet
read alone still says where each row comes from. Values are typed (dates, integers,
booleans); each writer decides how to store them.

Every header, sheet name and label is given here in both languages (Chinese, the default,
and English): `Column("文章编号", "article id")`. Paragraph numbers count from 0, as in the
JSON and the RDF, and the headers say so.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, TypeVar

from exporters.lang import DEFAULT_LANG, LANG_ENV, LANGS, Lang

if TYPE_CHECKING:
    # annotations only: `newsfacts --help` must not import pydantic and the models
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

#: The batch runner's manifest beside articles.jsonl (named here: exporters do not import
#: the extractor); the workbook's Files sheet and the report read it when they close.
MANIFEST = "manifest.jsonl"

#: Where a fact was found, for a reader; a paragraph is "¶3" (counted from 0).
WHERE_NAMES: dict[str, tuple[str, str]] = {
    "title": ("标题", "title"),
    "source_line": ("来源行", "source line"),
    "front_matter": ("文件头", "front matter"),
    "url": ("网址", "url"),
}

T = TypeVar("T")


def language(lang: str | None = None) -> Lang:
    """The language asked for (argument, else $NEWSFACTS_LANG, else Chinese)."""
    chosen = (lang or os.environ.get(LANG_ENV) or DEFAULT_LANG).strip().lower()
    for known in LANGS:
        if chosen == known:
            return known
    raise ValueError(f"unknown language {chosen!r} (${LANG_ENV}); known: {', '.join(LANGS)}")


# A NamedTuple, not a frozen dataclass: a fresh process makes the class in 0.05 ms, not 0.3.
class Text(NamedTuple):
    """A label in both languages."""

    zh: str
    en: str

    def __call__(self, lang: Lang) -> str:
        """The label in `lang`."""
        return self.zh if lang == "zh" else self.en


# A NamedTuple, not a frozen dataclass: a fresh process makes the class in 0.05 ms, not 0.3.
class Column(NamedTuple):
    """A column: its header in both languages, the kind of value, its width cap (narrow chars)."""

    zh: str
    en: str
    kind: Kind = "text"
    max_width: int = 40

    def header(self, lang: Lang) -> str:
        """The header in `lang`."""
        return self.zh if lang == "zh" else self.en


# A NamedTuple, not a frozen dataclass: a fresh process makes the class in 0.05 ms, not 0.3.
class Table(NamedTuple, Generic[T]):
    """A sheet / CSV file: its names, its columns, and the rows one record gives.

    `sheet` (the English name) is also the table's key in code.
    """

    sheet: str
    sheet_zh: str
    csv: str | None
    columns: tuple[Column, ...]
    rows: Callable[[T, Lang], Iterator[Row]]

    def title(self, lang: Lang) -> str:
        """The sheet name in `lang`."""
        return self.sheet_zh if lang == "zh" else self.sheet

    def headers(self, lang: Lang) -> list[str]:
        """The header row in `lang`."""
        return [column.header(lang) for column in self.columns]


@dataclass(frozen=True)
class MeasureNode:  # not a NamedTuple: its `index` would hide tuple.index
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


def evidence_place(evidence: Evidence | None, lang: Lang = "en") -> str | None:
    """Where a fact was found: "¶3" (paragraph 3, counted from 0 as in JSON), "title", …."""
    if evidence is None:
        return None
    if evidence.where == "paragraph" and evidence.paragraph is not None:
        return f"¶{evidence.paragraph}"
    names = WHERE_NAMES.get(evidence.where)
    return names[0 if lang == "zh" else 1] if names else evidence.where


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


def article_rows(article: Article, lang: Lang = DEFAULT_LANG) -> Iterator[Row]:
    """One row per article."""
    del lang  # no value of this table is a word to translate
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


def organization_rows(article: Article, lang: Lang = DEFAULT_LANG) -> Iterator[Row]:
    """One row per organization named in the article, with the sentence of its first mention."""
    for org in article.organizations:
        first = org.evidence[0] if org.evidence else None
        yield (
            article.id,
            article.title,
            org.name,
            org.entity_in(article.id),
            org.role,
            org.kind,
            org.region,
            len(org.evidence),
            evidence_place(first, lang),
            sentence_text(article, first),
        )


def measure_rows(article: Article, lang: Lang = DEFAULT_LANG) -> Iterator[Row]:
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
            evidence_place(node.item.evidence, lang),
            node.group.heading,
        )


def person_rows(article: Article, lang: Lang = DEFAULT_LANG) -> Iterator[Row]:
    """One row per person credited, with the role and the sentence the credit is in."""
    for person in article.authors:
        yield (
            article.id,
            article.title,
            person.name,
            person.entity_in(article.id),
            person.role,
            evidence_place(person.evidence, lang),
            sentence_text(article, person.evidence),
        )


def source_rows(article: Article, lang: Lang = DEFAULT_LANG) -> Iterator[Row]:
    """One row per article whose text names its publisher."""
    if article.source is not None:
        yield (
            article.id,
            article.title,
            article.source.name,
            evidence_place(article.source.evidence, lang),
            sentence_text(article, article.source.evidence),
            article.url,
        )


def warning_rows(article: Article, lang: Lang = DEFAULT_LANG) -> Iterator[Row]:
    """One row per warning the rules raised."""
    del lang
    for warning in article.warnings:
        yield (article.id, article.title, article.path, "extractor", warning)


EntityKind = Literal["organization", "person"]


@dataclass(slots=True)
class EntityTally:
    """One real organization or person over the run: the names it was written with, and the
    articles (and, for organizations, the articles it is the subject of) that mention it.

    One per distinct entity of the run, so kept small: slots, and the names as a tuple (most
    entities are written one way; a set costs four times a one-name tuple).
    """

    key: str
    kind: EntityKind
    local: bool
    names: tuple[str, ...]
    articles: int = 0
    subject_of: int = 0

    def add_name(self, name: str) -> None:
        """Another way the entity is written (kept once)."""
        if name not in self.names:
            self.names = (*self.names, name)


def entity_rows(tally: EntityTally, lang: Lang = DEFAULT_LANG) -> Iterator[Row]:
    """One row per entity."""
    kind = ENTITY_KINDS[tally.kind](lang)
    names = "、".join(sorted(tally.names))
    yield (tally.key, kind, names, tally.local, tally.articles, tally.subject_of)


def manifest_lines(path: Path) -> Iterator[Mapping[str, Any]]:
    """The run's manifest lines (none when there is no manifest beside the output)."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a torn last line of an interrupted run
            if isinstance(record, dict):
                yield record


def file_rows(record: Mapping[str, Any], lang: Lang = DEFAULT_LANG) -> Iterator[Row]:
    """One row per manifest line: every input file, read or not, and why not."""
    del lang
    warnings = record.get("warnings") or []
    yield (
        str(record.get("path", "")),
        str(record.get("status", "")),
        record.get("reason"),
        record.get("encoding"),
        len(warnings),
        "\n".join(str(w) for w in warnings) or None,
    )


#: Where a fact was found, counted as the JSON counts: the header says so.
FOUND_IN = Column("出处（段落¶自0起，同JSON）", "found in (¶ from 0, as in JSON)", max_width=14)
SENTENCE = Column("所在句子", "sentence", "wrap", max_width=50)
ID = Column("文章编号", "article id", max_width=24)
TITLE = Column("文章标题", "article title", "wrap", max_width=40)
#: The entity a mention stands for (schemas: Organization.entity, Person.entity).
ENTITY = Column("实体", "entity", max_width=30)
ENTITY_KINDS: dict[str, Text] = {
    "organization": Text("机构", "organization"),
    "person": Text("人员", "person"),
}

ARTICLES: Table[Article] = Table(
    "Articles",
    "文章",
    "articles.csv",
    (
        ID,
        Column("标题", "title", "wrap", max_width=40),
        Column("发布时间（北京时间）", "published (Beijing time)", "date"),
        Column("网址", "url", "url", max_width=40),
        Column("来源", "source", max_width=20),
        Column("主体机构", "subject organizations", "wrap", max_width=30),
        Column("人员", "people", "wrap", max_width=30),
        Column("分类", "category", max_width=20),
        Column("标签", "tags", max_width=20),
        Column("文件路径", "path", max_width=40),
        Column("举措组数", "measure groups", "int"),
        Column("举措条数", "measure items", "int"),
        Column("末级举措数", "leaf measures", "int"),
        Column("警告数", "warnings", "int"),
        Column("段落数", "paragraphs", "int"),
        # Not wrapped: the whole body in one cell would make every row a page tall.
        Column("正文", "text", max_width=60),
    ),
    article_rows,
)
ORGANIZATIONS: Table[Article] = Table(
    "Organizations",
    "机构",
    "organizations.csv",
    (
        ID,
        TITLE,
        Column("机构", "organization", max_width=30),
        ENTITY,
        Column("角色", "role"),
        Column("类型", "kind"),
        Column("地区", "region", max_width=20),
        Column("提及次数", "mentions", "int"),
        FOUND_IN,
        SENTENCE,
    ),
    organization_rows,
)
MEASURES: Table[Article] = Table(
    "Measures",
    "举措",
    "measures.csv",
    (
        ID,
        TITLE,
        Column("举措组路径", "group path", max_width=30),
        Column("举措组", "group", max_width=16),
        Column("层级", "depth", "int"),
        Column("序号", "item no.", "int"),
        Column("举措", "item", "wrap", max_width=30),
        Column("末级", "leaf", "bool"),
        Column("声明数", "declared", "int"),
        Column("找到数", "found", "int"),
        Column("数目相符", "counts match", "bool"),
        Column("原文", "text", "wrap", max_width=60),
        FOUND_IN,
        Column("举措组所在句", "group heading", "wrap", max_width=40),
    ),
    measure_rows,
)
PERSONS: Table[Article] = Table(
    "Persons",
    "人员",
    "persons.csv",
    (
        ID,
        TITLE,
        Column("姓名", "name", max_width=16),
        ENTITY,
        Column("角色", "role", max_width=20),
        FOUND_IN,
        SENTENCE,
    ),
    person_rows,
)
SOURCES: Table[Article] = Table(
    "Sources",
    "来源",
    None,  # the source is a column of articles.csv; DESIGN.md names no sources.csv
    (
        ID,
        TITLE,
        Column("来源", "source", max_width=20),
        FOUND_IN,
        SENTENCE,
        Column("网址", "url", "url", max_width=40),
    ),
    source_rows,
)
WARNINGS: Table[Article] = Table(
    "Warnings",
    "警告",
    "warnings.csv",
    (
        ID,
        TITLE,
        Column("文件路径", "path", max_width=40),
        Column("来自", "from", max_width=10),
        Column("警告", "warning", "wrap", max_width=60),
    ),
    warning_rows,
)
ENTITIES: Table[EntityTally] = Table(
    "Entities",
    "实体",
    None,  # a run-wide tally: the organizations/persons CSV files carry the entity column
    (
        ENTITY,
        Column("类别", "type", max_width=10),
        Column("写法", "written as", "wrap", max_width=40),
        Column("仅本文", "local to one article", "bool"),
        Column("文章数", "articles", "int"),
        Column("作为主体的文章数", "articles as subject", "int"),
    ),
    entity_rows,
)
FILES: Table[Mapping[str, Any]] = Table(
    "Files",
    "文件",
    None,  # the manifest itself is the machine-readable form
    (
        Column("文件路径", "path", max_width=50),
        Column("状态", "status", max_width=10),
        Column("原因", "reason", "wrap", max_width=50),
        Column("编码", "encoding", max_width=12),
        Column("警告数", "warnings", "int"),
        Column("警告", "warning texts", "wrap", max_width=60),
    ),
    file_rows,
)

#: The article tables, in the order of the workbook's sheets (after Summary and Chart).
TABLES: tuple[Table[Article], ...] = (
    ARTICLES,
    ORGANIZATIONS,
    MEASURES,
    PERSONS,
    SOURCES,
    WARNINGS,
)

#: The Summary sheet's words: its name, the figures, the organization table, the chart.
SUMMARY = Text("概览", "Summary")
CHART_SHEET = Text("图表", "Chart")
SUMMARY_FIGURE = Text("项目", "figure")
SUMMARY_COUNT = Text("数量", "count")
SUMMARY_FIGURES: dict[str, Text] = {
    "articles": Text("文章", "articles"),
    "organizations": Text("机构（提及）", "organizations"),
    "subject organizations": Text("主体机构", "subject organizations"),
    "persons": Text("人员", "persons"),
    "sources": Text("来源", "sources"),
    "measure groups": Text("举措组", "measure groups"),
    "measure items": Text("举措条目", "measure items"),
    "leaf measures": Text("末级举措", "leaf measures"),
    "warnings": Text("警告", "warnings"),
    "files": Text("输入文件", "input files"),
    "files failed": Text("读取失败的文件", "files failed"),
}
SUMMARY_ORGS = (
    Text("主体机构", "subject organization"),
    Text("文章数", "articles"),
    Text("末级举措数", "leaf measures"),
)
NO_SUBJECT = Text("（无主体机构）", "(no subject organization)")
CHART_TITLE = Text("各主体机构的末级举措数", "Leaf measures per subject organization")
