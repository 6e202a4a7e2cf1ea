"""A text with its facts' spans as nested `<mark>` elements, each around exactly its span.

Spans nest where they nest (an organization inside a measure item). Where two spans
overlap without nesting, the one that starts later is split into adjacent marks that share
one `data-fact`, so every mark is well formed and the text is unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from markupsafe import Markup, escape

from exporters.report.facts import Fact


def mark_open(fact: Fact, part: int) -> str:
    """The opening tag of one mark (a second part of a split span says so)."""
    colour = f' class="{fact.colour}"' if fact.colour else ""
    split = f' data-part="{part}"' if part > 1 else ""
    return (
        f'<mark data-kind="{fact.kind}" data-role="{escape(fact.role)}" '
        f'data-fact="{fact.id}"{colour}{split} title="{escape(fact.label)}">'
    )


def fits(fact: Fact, text: str) -> bool:
    """Whether the fact's span lies inside the text."""
    return 0 <= fact.evidence.start <= fact.evidence.end <= len(text)


def marked(text: str, facts: Iterable[Fact]) -> Markup:
    """The text, HTML-escaped, with a mark around each fact's span (facts must fit the text)."""
    spans = [f for f in facts if fits(f, text)]
    if not spans:
        return escape(text)
    # Outer first: earlier start, then longer span, then record order.
    order = sorted(
        range(len(spans)),
        key=lambda i: (spans[i].evidence.start, -spans[i].evidence.end, i),
    )
    starts: dict[int, list[int]] = defaultdict(list)
    empty: dict[int, list[int]] = defaultdict(list)
    for i in order:
        evidence = spans[i].evidence
        (empty if evidence.start == evidence.end else starts)[evidence.start].append(i)
    points = sorted(
        {0, len(text)} | {f.evidence.start for f in spans} | {f.evidence.end for f in spans}
    )
    rank = {i: r for r, i in enumerate(order)}
    parts: dict[int, int] = defaultdict(int)
    out: list[str] = []
    stack: list[int] = []
    active: set[int] = set()
    for a, b in zip(points, [*points[1:], None], strict=True):
        active = {i for i in active if spans[i].evidence.end > a} | set(starts.get(a, ()))
        desired = sorted(active, key=rank.__getitem__)
        keep = 0
        while keep < min(len(stack), len(desired)) and stack[keep] == desired[keep]:
            keep += 1
        out.extend("</mark>" for _ in stack[keep:])
        stack = stack[:keep]
        for i in empty.get(a, ()):
            out.append(mark_open(spans[i], 1) + "</mark>")
        for i in desired[keep:]:
            parts[i] += 1
            out.append(mark_open(spans[i], parts[i]))
            stack.append(i)
        if b is not None:
            out.append(str(escape(text[a:b])))
    out.extend("</mark>" for _ in stack)
    return Markup("".join(out))  # noqa: S704 - built from escaped text and our own tags
