"""Every fact of an article with its evidence span, named once, for the report's highlights.

A fact is one evidence span: an organization named three times is three facts (one per
mention), each with its own `data-fact` id. Measure items come in the reading order of the
tree, so `m3` is the third item a reader meets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from exporters.tables import walk_measures
from schemas import Article, Evidence

FactKind = Literal["item", "person", "organization", "source"]

#: Colours cycle over this many measure groups (report.css defines .g0 … .g5).
GROUP_COLOURS = 6


@dataclass(frozen=True)
class Fact:
    """One highlighted span: what it is (kind, role), its id, its hover text, where it is."""

    id: str
    kind: FactKind
    role: str
    label: str
    evidence: Evidence
    #: The text the fact names (an item's name, a person's name), for facts outside the body.
    name: str
    #: Colour class of a measure item's group ("g0" …), empty for other kinds.
    colour: str = ""


def article_facts(article: Article) -> list[Fact]:
    """The article's facts in a fixed order: source, organizations, people, measure items."""
    facts: list[Fact] = []
    if article.source is not None:
        source = article.source
        facts.append(
            Fact("s", "source", "source", f"source: {source.name}", source.evidence, source.name)
        )
    for i, org in enumerate(article.organizations):
        region = f", {org.region}" if org.region else ""
        label = f"organization ({org.role}, {org.kind}{region}): {org.name}"
        for j, evidence in enumerate(org.evidence):
            facts.append(Fact(f"o{i}.{j}", "organization", org.role, label, evidence, org.name))
    for i, person in enumerate(article.authors):
        label = f"person ({person.role}): {person.name}"
        facts.append(Fact(f"p{i}", "person", person.role, label, person.evidence, person.name))
    groups: dict[int, int] = {}
    for n, node in enumerate(walk_measures(article.measure_groups)):
        colour = groups.setdefault(id(node.group), len(groups)) % GROUP_COLOURS
        declared = node.group.declared_count
        counts = f"declared {declared}, " if declared is not None else ""
        label = (
            f"measure {' › '.join(node.path)} › item {node.index + 1} "
            f"({counts}found {len(node.group.items)}): {node.item.name}"
        )
        facts.append(
            Fact(
                f"m{n}",
                "item",
                node.group.label,
                label,
                node.item.evidence,
                node.item.name,
                f"g{colour}",
            )
        )
    return facts
