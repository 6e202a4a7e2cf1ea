"""How `newsfacts show` prints an article: a short header, the measure tree, the evidence.

Part of the command-line layer (like cli.py, it may import `exporters`): the header fits in
HEADER_LINES lines, so a terminal shows title to counts before anything scrolls.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from exporters.cells import display_width
from exporters.tables import (
    PATH_SEP,
    count_groups,
    evidence_place,
    evidence_sentence,
    walk_measures,
)
from schemas import Article, Evidence, MeasureGroup, Organization

#: `show` prints the article's header (title to counts) in at most this many lines.
HEADER_LINES = 12
#: Organizations merely mentioned that the header names (the rest are counted).
HEADER_NAMES = 6


def article_header(article: Article) -> list[Text]:
    """At most HEADER_LINES lines: what the article is, who acts, who wrote it, what it holds."""
    subjects = [o for o in article.organizations if o.role == "subject"]
    mentioned = [o.name for o in article.organizations if o.role == "mentioned"]
    nodes = list(walk_measures(article.measure_groups))
    counts = (
        f"{plural(count_groups(article.measure_groups), 'measure group')}, "
        f"{plural(sum(n.leaf for n in nodes), 'leaf measure')} "
        f"({plural(len(nodes), 'item')}),\n        "
        f"{plural(len(article.organizations), 'organization')}, "
        f"{plural(len(article.authors), 'person', 'people')}, "
        f"{plural(len(article.paragraphs), 'paragraph')}, "
        f"{plural(len(article.warnings), 'warning')}"
    )
    tags = ", ".join(article.tags) or "—"
    more = len(mentioned) - HEADER_NAMES
    named = "; ".join(mentioned[:HEADER_NAMES]) + (f" and {more} more" if more > 0 else "")
    source = article.source.name if article.source else "—"
    lines = [
        Text(article.title or "(no title)", style="bold"),
        Text(f"published {article.published or '—'} · source: {source}"),
        Text(f"id {article.id} · file {article.path}"),
        Text(f"url: {article.url or '—'}"),
        Text(f"category: {article.category or '—'} · tags: {tags}"),
        Text("subject: " + ("; ".join(_org(o) for o in subjects) or "—")),
        Text("mentioned: " + (named or "—")),
        Text("people: " + ("; ".join(f"{p.name} ({p.role})" for p in article.authors) or "—")),
        Text(f"counts: {counts}"),
    ]
    # The header's promise, checked as it is built (a line holding "\n" counts twice).
    assert sum(len(line.split()) for line in lines) <= HEADER_LINES  # noqa: S101
    return lines


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 graph`, `2 graphs` (`many` for an irregular plural)."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _org(org: Organization) -> str:
    return f"{org.name} ({org.kind}, {org.region})" if org.region else f"{org.name} ({org.kind})"


def measure_tree(article: Article) -> Tree:
    """The measure tree with declared/found counts, then the warnings, as a rich Tree."""
    tree = Tree(f"measure groups ({count_groups(article.measure_groups)})")
    for group in article.measure_groups:
        _add_group(tree, group)
    warnings = tree.add(f"warnings ({len(article.warnings)})")
    for warning in article.warnings:
        warnings.add(Text(warning, style="yellow"))
    return tree


def _add_group(parent: Tree, group: MeasureGroup) -> None:
    declared = "?" if group.declared_count is None else str(group.declared_count)
    label = Text(group.label, style="bold")
    label.append(f"  declared {declared}, found {len(group.items)}", style="")
    node = parent.add(label)
    children = {child.parent_item: child for child in group.children}
    for index, item in enumerate(group.items):
        item_node = node.add(Text(item.name))
        if index in children:
            _add_group(item_node, children.pop(index))
    for child in children.values():
        _add_group(node, child)


def print_evidence(console: Console, article: Article) -> None:
    """Every fact with its sentence, the span highlighted (a ^ line under it without colours)."""
    console.print(Text("\nevidence (¶ counts paragraphs from 0)", style="bold"))
    facts: list[tuple[str, str, Evidence]] = []
    if article.source is not None:
        facts.append(("source", article.source.name, article.source.evidence))
    for org in article.organizations:
        facts.extend((f"organization ({org.role})", org.name, ev) for ev in org.evidence)
    facts.extend((f"person ({p.role})", p.name, p.evidence) for p in article.authors)
    facts.extend(
        (f"measure {PATH_SEP.join(n.path)} #{n.index + 1}", n.item.name, n.item.evidence)
        for n in walk_measures(article.measure_groups)
    )
    for kind, name, where in facts:
        place = evidence_place(where) or "?"
        if where.where == "paragraph" and where.paragraph is not None:
            place = f"¶{where.paragraph}"
        console.print(Text(f"{kind}: {name}  [{place} {where.start}-{where.end}]"), soft_wrap=True)
        parts = evidence_sentence(article, where)
        if parts is None:
            console.print(Text("    (the text of this span is not kept in the record)"))
            continue
        before, span, after = parts
        line = Text("    " + before)
        line.append(span, style="bold black on yellow")
        line.append(after)
        console.print(line, soft_wrap=True)
        if console.color_system is None:
            console.print(" " * (4 + display_width(before)) + "^" * max(1, display_width(span)))
