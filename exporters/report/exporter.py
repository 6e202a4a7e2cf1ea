"""`report/`: an offline evidence report, one page per article, an overview and a paged index.

Streams: each article's page is rendered where the article was extracted (`ReportPages`, in
the worker) and written as it arrives; its index row goes to a file read back on close, so
only the overview's counts and the entity pages' lists stay in memory. The site is written
into `report.part/` and renamed into place on close, so a reader sees the old report or the new.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from exporters.base import Exporter, Preparer
from exporters.entity_store import EntityPages
from exporters.report.charts import column_chart, hbar_chart
from exporters.report.facts import Fact, article_facts
from exporters.report.marks import fits, marked
from exporters.tables import (
    count_groups,
    leaf_count,
    manifest_lines,
    subject_organizations,
    walk_measures,
)
from extractor import __version__
from schemas import Article, MeasureGroup
from schemas.models import LOCAL_SEPARATOR

REPORT = "report"
#: The batch runner's manifest beside articles.jsonl (named here: exporters do not import
#: the extractor); read when the report closes, for the failed and skipped files.
MANIFEST = "manifest.jsonl"
#: Rows on one page of the article index (the script pages the whole list the same way).
PAGE_SIZE = 100
#: Rows of each overview list; the counts above them cover everything.
OVERVIEW_ROWS = 500
#: Bars in the organization chart.
CHART_BARS = 25
NO_DATE = "(no date)"
WHERE_NAMES = {"source_line": "source line", "front_matter": "front matter", "url": "url"}
#: Characters kept in a file name made from an article id.
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
STATIC = ("report.css", "report.js")
#: Articles listed on one entity's page (the count covers them all).
ENTITY_ROWS = 1000
#: The index rows of the run, one JSON array a line, kept beside the site until it closes.
INDEX_ROWS = ".index-rows.jsonl"
#: The entity pages' data (`exporters.entity_store`), beside it until the report closes.
ENTITY_DB = ".entities.sqlite"
#: The index-data.js separators (compact: it holds a row per article).
COMPACT = (",", ":")


def entity_href(key: str) -> str:
    """The page of one organization entity (a hash: keys hold any character)."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
    return f"entities/{digest}.html"


def is_local(article: Article, key: str) -> bool:
    """Whether an entity key is local to this article (a name no other article shares)."""
    return key.startswith(article.id + LOCAL_SEPARATOR)


@dataclass
class Overview:
    """What the overview shows, gathered article by article."""

    articles: int = 0
    organizations: int = 0
    persons: int = 0
    sources: int = 0
    groups: int = 0
    items: int = 0
    leaves: int = 0
    subject_leaves: Counter[str] = field(default_factory=Counter)
    months: Counter[str] = field(default_factory=Counter)
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    mismatch_total: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    warning_total: int = 0

    def add(self, tally: OverviewTally, href: str, title: str) -> None:
        """Count one article."""
        self.articles += 1
        self.organizations += tally.organizations
        self.persons += tally.persons
        self.sources += tally.source
        self.groups += tally.groups
        self.items += tally.items
        self.leaves += tally.leaves
        for name in tally.subjects:
            self.subject_leaves[name] += tally.leaves
        self.months[tally.month] += 1
        for group, declared, found in tally.mismatches:
            self.mismatch_total += 1
            if len(self.mismatches) < OVERVIEW_ROWS:
                self.mismatches.append(
                    {
                        "href": href,
                        "title": title,
                        "group": group,
                        "declared": declared,
                        "found": found,
                    }
                )
        for warning in tally.warnings:
            self.warning_total += 1
            if len(self.warnings) < OVERVIEW_ROWS:
                self.warnings.append({"href": href, "title": title, "text": warning})


@dataclass(frozen=True)
class OverviewTally:
    """What the overview counts of one article (made with its page, in the worker)."""

    organizations: int
    persons: int
    source: bool
    groups: int
    items: int
    leaves: int
    subjects: tuple[str, ...]
    month: str
    #: (group path, declared count, items found) of each group whose counts differ.
    mismatches: tuple[tuple[str, int, int], ...]
    warnings: tuple[str, ...]

    @classmethod
    def of(cls, article: Article) -> OverviewTally:
        """Count one article."""
        mismatches = tuple(
            (" › ".join(path), group.declared_count, len(group.items))
            for group, path in _groups(article.measure_groups, ())
            if group.declared_count is not None and group.declared_count != len(group.items)
        )
        return cls(
            len(article.organizations),
            len(article.authors),
            article.source is not None,
            count_groups(article.measure_groups),
            sum(1 for _ in walk_measures(article.measure_groups)),
            leaf_count(article),
            tuple(subject_organizations(article)),
            article.published[:7] if article.published else NO_DATE,
            mismatches,
            tuple(article.warnings),
        )


@dataclass(frozen=True)
class ReportPiece:
    """One article's share of the report: its page, its index row, what the rest counts."""

    article_id: str
    page: str
    #: The index row after its href: title, date, subjects, source, people, leaves, warnings.
    row: tuple[str | int, ...]
    overview: OverviewTally
    #: (entity, name written, role) of each mention of an entity other articles may share.
    entities: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class ReportPages:
    """The preparer: an article's page and counts, made in the worker (the templates load
    once per process)."""

    def __call__(self, article: Article) -> ReportPiece:
        """Render the page; gather the row and the counts."""
        page = (
            _templates().get_template("article.html").render(root="../", **article_context(article))
        )
        row = (
            article.title or article.path,
            article.published[:10] if article.published else "",
            "; ".join(subject_organizations(article)),
            article.source.name if article.source else "",
            "; ".join(dict.fromkeys(p.name for p in article.authors)),
            leaf_count(article),
            len(article.warnings),
        )
        entities = tuple(
            (org.entity, org.name, org.role)
            for org in article.organizations
            if org.entity and not is_local(article, org.entity)
        )
        return ReportPiece(article.id, page, row, OverviewTally.of(article), entities)


@cache
def _templates() -> Environment:
    env = environment()
    env.globals["version"] = __version__
    return env


def _groups(
    groups: list[MeasureGroup], path: tuple[str, ...]
) -> list[tuple[MeasureGroup, tuple[str, ...]]]:
    found: list[tuple[MeasureGroup, tuple[str, ...]]] = []
    for group in groups:
        labels = (*path, group.label)
        found.append((group, labels))
        found.extend(_groups(group.children, labels))
    return found


def environment() -> Environment:
    """The report's templates (package data), HTML-escaped by default."""
    return Environment(
        loader=PackageLoader("exporters.report", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=True,
    )


def page_href(page: int) -> str:
    """The file of one page of the article index."""
    return "articles.html" if page == 1 else f"articles-{page}.html"


class HtmlExporter(Exporter):
    """Writes `report/`: index.html (overview), articles*.html, articles/<id>.html."""

    name: ClassVar[str] = "html"
    files: ClassVar[tuple[str, ...]] = (f"{REPORT}/index.html",)

    def __init__(self, outdir: Path) -> None:
        super().__init__(outdir)
        self.target = outdir / REPORT
        self.partial = outdir / f"{REPORT}.part"
        shutil.rmtree(self.partial, ignore_errors=True)
        (self.partial / "articles").mkdir(parents=True)
        self.env = _templates()
        self.rows_path = self.partial / INDEX_ROWS
        self.rows = self.rows_path.open("w", encoding="utf-8")
        self.row_count = 0
        self.overview = Overview()
        #: Every shared organization entity's names and articles, on disk: one a bulk post.
        self.entities = EntityPages(self.partial / ENTITY_DB)

    def preparer(self) -> Preparer:
        """The page, rendered in the worker."""
        return ReportPages()

    def append(self, piece: object) -> None:
        """Write the article's page; keep its index row and counts."""
        assert isinstance(piece, ReportPiece)  # noqa: S101 - what ReportPages makes
        name = self._file_name(piece.article_id)
        href = f"articles/{name}"
        (self.partial / href).write_text(piece.page, "utf-8")
        title, date = piece.row[0], piece.row[1]
        self.entities.add(piece.entities, href, str(title), str(date))
        self.overview.add(piece.overview, href, str(title))
        self.rows.write(json.dumps([href, *piece.row], ensure_ascii=False, separators=COMPACT))
        self.rows.write("\n")
        self.row_count += 1

    def write(self, article: Article) -> None:
        """Write the article's page; keep its index row and counts."""
        self.append(ReportPages()(article))

    def close(self) -> None:
        """Write the overview, the index pages and the static files; move the site into place."""
        self.rows.close()
        self._write_overview()
        self._write_entities()
        self._write_index()
        self.rows_path.unlink()
        for static in STATIC:
            text = files("exporters.report").joinpath("static", static).read_text("utf-8")
            (self.partial / static).write_text(text, "utf-8")
        old = self.outdir / f"{REPORT}.old"
        shutil.rmtree(old, ignore_errors=True)
        if self.target.exists():
            self.target.rename(old)
        self.partial.rename(self.target)
        shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        """Drop the unfinished site; the old report stays."""
        self.rows.close()
        self.entities.close()
        shutil.rmtree(self.partial, ignore_errors=True)

    def _write_entities(self) -> None:
        template = self.env.get_template("entity.html")
        (self.partial / "entities").mkdir()
        for page in self.entities.pages(ENTITY_ROWS):
            html = template.render(
                root="../",
                key=page.key,
                names=page.names,
                articles=page.articles,
                total=page.total,
            )
            (self.partial / entity_href(page.key)).write_text(html, "utf-8")
        self.entities.close()
        (self.partial / ENTITY_DB).unlink()

    def _file_name(self, article_id: str) -> str:
        # The same id twice keeps both records, so both get a page.
        base = SAFE_NAME.sub("_", article_id)[:120] or "article"
        # Asked of the folder, not of a set of every name: the writer keeps nothing per article.
        name, n = f"{base}.html", 1
        while (self.partial / "articles" / name).exists():
            n += 1
            name = f"{base}-{n}.html"
        return name

    def _write_overview(self) -> None:
        stats = self.overview
        statuses, problems, found = _manifest(self.outdir / MANIFEST)
        ranked = sorted(stats.subject_leaves.items(), key=lambda kv: (-kv[1], kv[0]))
        bars = [(n, v, f"articles.html?org={_quote(n)}") for n, v in ranked[:CHART_BARS] if v > 0]
        months = sorted((m, c) for m, c in stats.months.items() if m != NO_DATE)
        figures = [
            ("files read", statuses.get("ok", stats.articles)),
            ("files failed", statuses.get("failed", 0)),
            ("files skipped", statuses.get("skipped", 0)),
            ("articles", stats.articles),
            ("organization mentions", stats.organizations),
            ("subject organizations", len(stats.subject_leaves)),
            ("persons credited", stats.persons),
            ("sources", stats.sources),
            ("measure groups", stats.groups),
            ("measure items", stats.items),
            ("leaf measures", stats.leaves),
            ("count mismatches", stats.mismatch_total),
            ("warnings", stats.warning_total),
        ]
        if stats.months.get(NO_DATE):
            figures.append(("articles without a date", stats.months[NO_DATE]))
        html = self.env.get_template("overview.html").render(
            root="",
            figures=[(label, f"{value:,}") for label, value in figures],
            org_chart=hbar_chart(bars, "Leaf measures per subject organization"),
            orgs_more=max(0, len([v for _, v in ranked if v > 0]) - len(bars)),
            month_chart=column_chart(months, "Articles per month"),
            mismatches=stats.mismatches,
            mismatch_total=stats.mismatch_total,
            warnings=stats.warnings,
            warning_total=stats.warning_total,
            problems=problems,
            problem_total=statuses.get("failed", 0) + statuses.get("skipped", 0),
            manifest_found=found,
        )
        (self.partial / "index.html").write_text(html, "utf-8")

    def _write_index(self) -> None:
        template = self.env.get_template("index.html")
        pages = max(1, -(-self.row_count // PAGE_SIZE))
        rows = self._index_rows()
        for page in range(1, pages + 1):
            html = template.render(
                root="",
                rows=[
                    next(rows)
                    for _ in range(min(PAGE_SIZE, self.row_count - (page - 1) * PAGE_SIZE))
                ],
                page=page,
                pages=pages,
                total=self.row_count,
                page_href=page_href,
            )
            (self.partial / page_href(page)).write_text(html, "utf-8")
        # The rows' own JSON text, joined: what json.dumps of the whole list writes.
        with (
            (self.partial / "index-data.js").open("w", encoding="utf-8") as data,
            self.rows_path.open(encoding="utf-8") as lines,
        ):
            data.write("window.NEWSFACTS_INDEX=[")
            for number, line in enumerate(lines):
                data.write(("," if number else "") + line.rstrip("\n"))
            data.write("];\n")

    def _index_rows(self) -> Iterator[list[str | int]]:
        with self.rows_path.open(encoding="utf-8") as lines:
            for line in lines:
                row: list[str | int] = json.loads(line)
                yield row


def _quote(text: str) -> str:
    from urllib.parse import quote  # noqa: PLC0415

    return quote(text, safe="")


def _manifest(path: Path) -> tuple[Counter[str], list[dict[str, Any]], bool]:
    """Counts per status, the first failed/skipped lines, and whether a manifest was there."""
    statuses: Counter[str] = Counter()
    problems: list[dict[str, Any]] = []
    if not path.exists():
        return statuses, problems, False
    for record in manifest_lines(path):
        status = str(record.get("status", "ok"))
        statuses[status] += 1
        if status != "ok" and len(problems) < OVERVIEW_ROWS:
            problems.append(
                {"path": record.get("path"), "status": status, "reason": record.get("reason") or ""}
            )
    return statuses, problems, True


def article_context(article: Article) -> dict[str, Any]:
    """What the article template needs: the marked text, the tree, the lists."""
    facts = article_facts(article)
    by_place: dict[tuple[str, int | None], list[Fact]] = {}
    for fact in facts:
        evidence = fact.evidence
        by_place.setdefault((evidence.where, evidence.paragraph), []).append(fact)

    def text_of(where: str, paragraph: int | None = None) -> str | None:
        if where == "title":
            return article.title
        if where == "url":
            return article.url
        if where == "paragraph" and paragraph is not None and paragraph < len(article.paragraphs):
            return article.paragraphs[paragraph]
        return None

    placed: set[str] = set()

    def mark(where: str, paragraph: int | None = None) -> Markup | None:
        text = text_of(where, paragraph)
        if text is None:
            return None
        here = [f for f in by_place.get((where, paragraph), []) if fits(f, text)]
        placed.update(f.id for f in here)
        return marked(text, here)

    paragraphs = [(n, mark("paragraph", n)) for n in range(len(article.paragraphs))]
    title_html = mark("title") or Markup("(no title)")
    url_html = mark("url")
    outside = []
    for fact in facts:
        if fact.id not in placed:
            where = WHERE_NAMES.get(fact.evidence.where, fact.evidence.where)
            if text_of(fact.evidence.where, fact.evidence.paragraph) is not None:
                where += " (span outside the text)"
            outside.append((where, marked(fact.name, [_whole(fact)])))
    item_facts = {id(f.evidence): f for f in facts if f.kind == "item"}
    return {
        "id": article.id,
        "path": article.path,
        "title_text": article.title or article.path,
        "title_html": title_html,
        "url_html": url_html,
        "published": article.published,
        "source": article.source.name if article.source else None,
        "paragraphs": paragraphs,
        "outside": outside,
        "groups": [_tree(g, item_facts) for g in article.measure_groups],
        "leaves": leaf_count(article),
        "organizations": [
            {
                "name": o.name,
                "role": o.role,
                "kind": o.kind,
                "region": o.region,
                "mentions": len(o.evidence),
                # an entity other articles may share has a page listing them
                "entity_href": (
                    entity_href(o.entity) if o.entity and not is_local(article, o.entity) else None
                ),
            }
            for o in article.organizations
        ],
        "people": [{"name": p.name, "role": p.role} for p in article.authors],
        "warnings": article.warnings,
    }


def _whole(fact: Fact) -> Fact:
    """The fact as a span over its own name (for a fact whose text the record does not hold)."""
    evidence = fact.evidence.model_copy(update={"start": 0, "end": len(fact.name)})
    return Fact(fact.id, fact.kind, fact.role, fact.label, evidence, fact.name, fact.colour)


def _tree(group: MeasureGroup, item_facts: dict[int, Fact]) -> dict[str, Any]:
    children: dict[int, list[MeasureGroup]] = {}
    rest: list[MeasureGroup] = []
    for child in group.children:
        if child.parent_item is not None and child.parent_item < len(group.items):
            children.setdefault(child.parent_item, []).append(child)
        else:
            rest.append(child)
    items = []
    for index, item in enumerate(group.items):
        fact = item_facts.get(id(item.evidence))
        items.append(
            {
                "name": item.name,
                "fact": fact.id if fact else "",
                "colour": fact.colour if fact else "",
                "children": [_tree(c, item_facts) for c in children.get(index, [])],
            }
        )
    declared = group.declared_count
    return {
        "label": group.label,
        "declared": declared,
        "found": len(group.items),
        "mismatch": declared is not None and declared != len(group.items),
        "members": items,
        "rest": [_tree(c, item_facts) for c in rest],
    }
