"""Articles with a full measure tree, people and organizations, built with the models.

The extractors for measures, people and organizations are developed separately; these
records give the RDF tests the reference post's structure from its gold file
(samples/2021-12-22-NW202112222222391066.gold.json): 4 top groups, 27 leaf measures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from exporters import exporter_class
from extractor.entities import resolve_entities
from schemas import Article, Evidence, Measure, MeasureGroup, Organization, Person
from tests.conftest import REFERENCE, extract_file

GOLD = REFERENCE.with_name(REFERENCE.name.removesuffix(".md") + ".gold.json")


def span(article: Article, text: str) -> Evidence:
    """Evidence for the first paragraph that contains `text` (its leading 4 chars if not whole)."""
    for needle in (text, text[:4], text[:2]):
        for index, paragraph in enumerate(article.paragraphs):
            start = paragraph.find(needle)
            if start >= 0:
                return Evidence(
                    where="paragraph", paragraph=index, start=start, end=start + len(needle)
                )
    return Evidence(where="title", start=0, end=0)


def _group(article: Article, gold: dict[str, Any], parent_item: int | None) -> MeasureGroup:
    children = [
        _group(
            article,
            child,
            gold["items"].index(next(i for i in gold["items"] if child["label"] in i)),
        )
        for child in gold.get("children", [])
    ]
    return MeasureGroup(
        label=gold["label"],
        # the gold's convention: an assigned label holds … or starts with [
        label_stated="…" not in gold["label"] and not gold["label"].startswith("["),
        declared_count=gold["declared_count"],
        heading=f"“{gold['label']}”",
        items=[
            Measure(name=name, text=name + "。", evidence=span(article, name))
            for name in gold["items"]
        ],
        children=children,
        parent_item=parent_item,
        evidence=span(article, gold["label"]),
    )


def reference_with_facts() -> Article:
    """The reference post's record with the gold measure tree, authors and organization."""
    article = extract_file(REFERENCE)
    gold = json.loads(GOLD.read_text("utf-8"))
    title = article.title or ""
    rich = article.model_copy(
        update={
            "organizations": [
                Organization(
                    name="绥化学院",
                    kind="university",
                    role="subject",
                    region="黑龙江省绥化市",
                    evidence=[
                        Evidence(where="title", start=0, end=title.find("：")),
                        span(article, "绥化学院"),
                    ],
                ),
                Organization(name="黑龙江省教育厅", kind="government", role="mentioned"),
            ],
            "authors": [
                Person(name=name, role="reporter", evidence=span(article, name))
                for name in gold["authors"]
            ]
            + [
                Person(
                    name="张 伟",
                    role="responsible_editor",
                    evidence=Evidence(where="title", start=0, end=1),
                )
            ],
            "measure_groups": [_group(article, group, None) for group in gold["measure_groups"]],
        }
    )
    # keyed as extract_article keys them (extractor/entities.py), not by hand
    site = rich.tags[0] if rich.tags else rich.category
    organizations, authors = resolve_entities(
        rich.id, rich.organizations, rich.authors, rich.source, site
    )
    return rich.model_copy(update={"organizations": organizations, "authors": authors})


def leaf_and_top_counts(article: Article) -> tuple[int, int]:
    """(leaf measures, top groups) computed from the record: items no child group expands."""

    def leaves(group: MeasureGroup) -> int:
        expanded = {child.parent_item for child in group.children}
        own = sum(1 for index in range(len(group.items)) if index not in expanded)
        return own + sum(leaves(child) for child in group.children)

    return sum(leaves(g) for g in article.measure_groups), len(article.measure_groups)


def write_nq(articles: list[Article], outdir: Path) -> Path:
    """The articles as N-Quads through the registered exporter; the file's path."""
    exporter = exporter_class("nquads")(outdir)
    for article in articles:
        exporter.write(article)
    exporter.close()
    return outdir / "articles.nq"


def samples_with_facts() -> list[Article]:
    """Every sample's record, the reference post's with its gold facts (reference_with_facts)."""
    rich = reference_with_facts()
    return [
        rich if path == REFERENCE else extract_file(path)
        for path in sorted(REFERENCE.parent.glob("*.md"))
    ]
