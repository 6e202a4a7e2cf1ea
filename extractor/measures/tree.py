"""The measure tree: enumerated measures and their declared counts, checked.

Three kinds of evidence make a group: a count label the text states (“三个保障”,
三点要求) with the items a finder of `items` finds for it; an ordinal
sequence (一是…二是, (一)(二), 首先…最后) from `markers`; and, without
either, paragraph-lead subtitles or a 、-list whose members share a head. A
declared count that the items found do not meet is a warning, never silent.
"""

from __future__ import annotations

import heapq
import re
from functools import cache
from typing import Final

from extractor import rules
from extractor.document import Document
from extractor.measures.before import lead_in_end
from extractor.measures.context import Context, limit
from extractor.measures.items import HEADING_MAX, LEAD_MAX, label_groups, lead_sentence
from extractor.measures.labels import Label, count_label_places, find_labels
from extractor.measures.markers import any_head, ordinal_words, sequence_drafts
from extractor.measures.prefilter import any_of
from extractor.measures.runs import (
    HEAD_SENTENCE_MAX,
    MIN_RUN,
    head_items,
    unlabelled,
    unlabelled_runs,
    unread,
)
from extractor.measures.text import (
    SENTENCE_END,
    SENTENCE_STOPS,
    Draft,
    Item,
    first_clause,
    spans,
    strip_span,
)
from extractor.numerals import label_parts, model_code, to_int
from schemas import MeasureGroup

#: Unlabelled lead subtitles need this many paragraphs (or sentences) in a row.
MIN_LEADS: Final = limit("min_leads")
#: A run-in subtitle inside a paragraph is a comma-free sentence of at most this length.
RUNIN_MAX: Final = 12
#: A label or item this close to its paragraph's start makes the paragraph a heading or an item.
HEAD_AT: Final = 6
#: A shared-head list needs this many members.
MIN_SHARED: Final = limit("min_shared")
#: The numeral a run of numbered parallel phrases opens with.
FIRST: Final = "一"


def extract_measure_groups(doc: Document) -> list[MeasureGroup]:
    """Top-level measure groups of the article, children nested; count mismatches as warnings."""
    drafts, codes = build_tree(doc.paragraphs, doc.title)
    for draft in drafts:
        for group in draft.walk():
            if group.labelled and group.declared is not None and group.declared != len(group.items):
                doc.warn(f"{group.label}: declared {group.declared}, found {len(group.items)}")
    for warning in check_model_codes(codes, drafts) if codes else ():  # (most state none)
        doc.warn(warning)
    return [to_model(d) for d in drafts]


def build_tree(paragraphs: list[str], title: str | None) -> tuple[list[Draft], list[str]]:
    """Draft groups of an article (top level, children nested) and the model codes it states."""
    hinted = enumerating(paragraphs)
    closed = opening_no_run(paragraphs)
    if not hinted and len(closed) == len(paragraphs):
        return _title_parallel(title or ""), []  # no stage can use a paragraph (one item in 5)
    sequences = sequence_drafts(paragraphs, hinted)
    labels: list[Label] = []
    codes: list[str] = []
    for p in hinted:
        found, stated = find_labels(paragraphs[p], p)
        labels.extend(found)
        codes.extend(stated)
    # most articles state no count label: then there is no group and no context to build
    groups = label_groups(Context(paragraphs, labels, sequences)) if labels else []
    if title and (named := _title_label(title, sequences)):
        groups = [g for g in groups if g.label != named]  # the title's label, restated
    covered = _covered(groups, sequences)
    leads = _lead_groups(paragraphs, covered, closed) + _runin_groups(paragraphs, covered | closed)
    for lead in leads:
        covered.update(it.para for it in lead.items)
    for group in groups:  # an unlabelled run never reads a paragraph a label group reads
        covered.update(it.para for draft in group.walk() for it in draft.items)
    # a closed paragraph fails each finder's first test, as a covered one is skipped by it
    leads += unlabelled_runs(paragraphs, covered | closed)
    tops = sequences + leads + _title_parallel(title or "")
    loose = _hang_all(groups, tops)
    drafts = sorted(tops + loose, key=lambda d: (d.where != "title", d.para, d.start))
    for draft in tops:  # only items of enumerations: a label's own items are never split
        _shared_heads(draft, paragraphs)
    return drafts, codes


#: The character every match of `_enumeration_hint`'s patterns that can give something opens
#: with: a quote, a numeral or 第首其再最 (the patterns' own first classes, joined). Of the
#: digits only 0-9: a count label's numeral is one `numerals.to_int` reads (Chinese or ASCII),
#: so a hint at another digit (５项) gives no label, and the class holds no `\d`, which costs
#: the regex engine a Unicode category lookup at every character of every paragraph.
HINT_OPENING: Final = '[“”"一二两三四五六七八九十0-9第首其再最]'
#: Rule groups of which every count label (quoted, unquoted, weak) and inline marker holds one.
HINT_GROUPS: Final = ("quoted_count_hint", "count_label_hint", "clause_count", "marker_hint")


@cache
def _enumeration_hint() -> re.Pattern[str]:
    """The hint groups joined, `count_label_hint` as the places a count label can start.

    A numeral and a classifier (第一个, 一个多月, 2个) are in a third of all paragraphs, yet
    `find_labels` reads an unquoted count label only where a `count_label` pattern matches
    at or one before such a hint (`count_label_places`, that hint its gate): asking for
    those places here leaves a quarter of the hinted paragraphs unread by `find_labels` and
    `scan_markers`, and more articles with no paragraph to read at all (each gave nothing).
    """
    hints = (
        count_label_places() if g == "count_label_hint" else rules.pattern("measures", g)
        for g in HINT_GROUPS
    )
    return any_of(hints, opening=HINT_OPENING)


def enumerating(paragraphs: list[str]) -> list[int]:
    """The paragraphs that may hold a count label or an ordinal marker (a fifth of news items').

    One search per paragraph before any stage reads it: a paragraph without a paragraph head
    and without any of the hints gives `find_labels` and `scan_markers` nothing, so neither
    is asked (bound methods: no Python call of ours per paragraph).
    """
    hint, head = _enumeration_hint().search, any_head().match
    return [p for p, text in enumerate(paragraphs) if hint(text) or head(text)]


#: How far into a paragraph a lead or run-in head (all before its sentence stop) may reach.
OPEN_REACH: Final = max(LEAD_MAX, RUNIN_MAX, HEAD_SENTENCE_MAX) + 1


def opening_no_run(paragraphs: list[str]) -> set[int]:
    """The paragraphs no unlabelled finder can take as a head or lead (four in five).

    Each finder's first test asks one of: a sentence stop within OPEN_REACH (a lead or run-in
    head), a leading space (run-in heads), a paragraph short enough once stripped to be a
    heading, MIN_RUN - 1 semicolons (frames). A paragraph failing all of them is found once
    here, in C calls, instead of by each finder's own call; it may still be a heading's body.
    """
    stop = SENTENCE_END.search  # (bound once: this runs for every paragraph of every article)
    return {
        p
        for p, text in enumerate(paragraphs)
        if len(text) > HEADING_MAX  # so text[0] and text[-1] exist
        and not text[0].isspace()
        and not text[-1].isspace()
        and stop(text, 0, OPEN_REACH) is None
        and text.count("；") + text.count(";") < MIN_RUN - 1
    }


def _title_label(title: str, sequences: list[Draft]) -> str | None:
    """A count label only in the title (南席镇:“四强”举措…) names the body's first enumeration."""
    first = next((s for s in sequences if not s.labelled), None)
    if first is None:  # no enumeration for the title to name (most articles): not read
        return None
    labels, _ = find_labels(title, 0, "title")
    if not labels or any(s.labelled for s in sequences[: sequences.index(first)]):
        return None
    label = labels[0]
    parts = label_parts(label.text) or []
    heads = {head[0] for _, head in parts}
    tied = any(all(it.name.startswith(h) for it in first.items) for h in heads)
    if label.count == len(first.items) or tied:
        first.label, first.declared, first.labelled = label.text, label.count, True
        first.heading, first.where = title, "title"
        first.para, first.start, first.end = 0, label.start, label.end
        return label.text
    return None


def _title_parallel(title: str) -> list[Draft]:
    """Numbered parallel phrases making up a title: 强一产壮二产拓三产 (three items, no label)."""
    if FIRST not in title:
        return []  # the run counts from 一 (most titles hold none)
    pattern = rules.pattern("measures", "numbered_parallel")
    for first in pattern.finditer(title):
        if to_int(first.group("n")) != 1:
            continue
        run = [first]
        while (nxt := pattern.match(title, run[-1].end())) and (
            nxt.group("head") == first.group("head") and to_int(nxt.group("n")) == len(run) + 1
        ):
            run.append(nxt)
        if len(run) >= MIN_LEADS:
            items = []
            for m in run:
                start, end = strip_span(title, m.start(), m.end())
                end = start + len(title[start:end].rstrip("、，,"))
                items.append(Item(title[start:end], title[start:end], 0, start, end, "title"))
            draft = unlabelled("[标题]", items)
            draft.where, draft.heading, draft.end = "title", title, items[-1].end
            return [draft]
    return []


def has_numbered_parallel(title: str) -> bool:
    """Rule check: the title holds a run of numbered parallel phrases."""
    return bool(_title_parallel(title))


def _covered(groups: list[Draft], sequences: list[Draft]) -> set[int]:
    """Paragraphs already used as items or heads, so lead subtitles do not read them twice."""
    covered: set[int] = set()
    for top in sequences:
        for draft in top.walk():
            covered.update(it.para for it in draft.items)
    for top in groups:
        for draft in top.walk():
            covered.update(it.para for it in draft.items if it.start <= HEAD_AT)
            if draft.where == "paragraph" and draft.start <= HEAD_AT:
                covered.add(draft.para)
    return covered


def _lead_groups(paragraphs: list[str], covered: set[int], closed: set[int]) -> list[Draft]:
    """Runs of paragraphs opening with short subtitles (迅速行动,全力以赴。), no label or marker.

    A `closed` paragraph opens with no subtitle, yet may hold the run-in first one (首先…).
    """
    if unread(paragraphs, covered | closed) < MIN_LEADS:
        return []  # each lead opens a paragraph neither covered nor closed
    found: list[Draft] = []
    run: list[Item] = []
    for p, text in enumerate([*paragraphs, ""]):
        item = None if p in covered or p in closed or not text else lead_sentence(text, p)
        if item is not None:
            item.scope_end = (p + 1, 0)
            run.append(item)
            continue
        if len(run) >= MIN_LEADS:
            first = run[0].para - 1
            runin = (
                None if first < 0 or first in covered else _runin_first(paragraphs[first], first)
            )
            found.append(unlabelled("[段首小标题]", [runin, *run] if runin else run))
        run = []
    return found


def _runin_first(text: str, p: int) -> Item | None:
    """The first subtitle run into the lead after 首先: 学校首先开好…会,谋划开局。"""
    for match in rules.pattern("measures", "marker_xian").finditer(text):
        if ordinal_words().get(match.group("n"), (0, 0))[0] != 1:
            continue
        lead = lead_sentence(text[match.end() :], p)
        if lead is not None:
            start, end = strip_span(text, match.end(), len(text))
            return Item(lead.name, text[start:end], p, start, end, scope_end=(p + 1, 0))
    return None


def _runin_groups(paragraphs: list[str], covered: set[int]) -> list[Draft]:
    """Run-in subtitles inside one paragraph: 推动新思想落地生根。成立…。着力营造良好舆论氛围。…"""
    if not unread(paragraphs, covered):
        return []  # (most articles, once the closed paragraphs are covered)
    found = []
    for p, text in enumerate(paragraphs):
        if p in covered or not _may_open_runin(text):
            continue
        sentences = spans(text, SENTENCE_STOPS)
        heads = [
            i
            for i, (s, e) in enumerate(sentences)
            if (body := text[s:e].strip().rstrip("。！!？?"))
            and len(body) <= RUNIN_MAX
            and not RUNIN_MARKS.search(body)
            and first_clause(text[s:e])
            and i + 1 < len(sentences)
        ]
        if len(heads) < MIN_LEADS or heads[0] != 0:
            continue
        found.append(unlabelled("[段首小标题]", head_items(text, p, sentences, heads)))
    return found


#: What a run-in subtitle never holds: it is one clause.
RUNIN_MARKS: Final = re.compile(r"[，,；;：:、]")


def _may_open_runin(text: str) -> bool:
    """Whether the paragraph may open with run-in subtitles (most cannot: checked first).

    MIN_LEADS heads each followed by a sentence need MIN_LEADS stops; the first sentence holds
    all text before the first stop (a quote only moves its end later), so that text, when it
    is not blank, must be short and one clause, or the first sentence is no head.
    """
    first = SENTENCE_END.search(text)
    if first is None or (first.start() > RUNIN_MAX and not text[:1].isspace()):
        return False  # (without a copy of the text before the stop)
    lead = text[: first.start()].strip()
    if lead and (len(lead) > RUNIN_MAX or RUNIN_MARKS.search(lead)):
        return False
    return len(SENTENCE_END.findall(text)) >= MIN_LEADS


def _hang_all(groups: list[Draft], tops: list[Draft]) -> list[Draft]:
    """Hang each label group under the last item, in tree order, whose scope holds its label.

    One sweep in text order: items enter a heap when the sweep reaches their start and leave
    once it has passed their scope, so each group costs a heap look-up, not a walk of the tree.
    Returns the groups no item holds (they stay at the top level).
    """
    if not groups:
        return []
    scopes = _item_scopes(tops)
    heap: list[tuple[int, tuple[int, int], int]] = []  # (-rank, scope end, index in scopes)
    at = 0
    placed: dict[int, tuple[Draft, int]] = {}
    order = sorted(range(len(groups)), key=lambda g: (groups[g].para, groups[g].start))
    for g in (g for g in order if groups[g].where == "paragraph"):
        pos = (groups[g].para, groups[g].start)
        while at < len(scopes) and scopes[at][0] <= pos:
            heapq.heappush(heap, (-scopes[at][1], scopes[at][2], at))
            at += 1
        while heap and not pos < heap[0][1]:
            heapq.heappop(heap)  # the sweep moves forward only: a passed scope never returns
        if heap:
            placed[g] = scopes[heap[0][2]][3:]
    parents: dict[int, Draft] = {}
    for g, (parent, index) in sorted(placed.items()):
        groups[g].parent_item = index
        parent.children.append(groups[g])
        parents[id(parent)] = parent
    for parent in parents.values():
        parent.children.sort(key=lambda d: (d.para, d.start))
    return [group for g, group in enumerate(groups) if g not in placed]


Scope = tuple[tuple[int, int], int, tuple[int, int], Draft, int]


def _item_scopes(tops: list[Draft]) -> list[Scope]:
    """(start, rank in tree order, scope end, draft, item index) of every item, by start."""
    scopes: list[Scope] = []
    rank = 0
    for top in tops:
        for draft in top.walk():
            for i, it in enumerate(draft.items):
                if it.where == "paragraph":
                    scopes.append(((it.para, it.start), rank, it.scope_end, draft, i))
                rank += 1
    scopes.sort(key=lambda entry: (entry[0], entry[1]))
    return scopes


def _shared_heads(draft: Draft, paragraphs: list[str]) -> None:
    """An item holding an unlabelled 、-list whose members share a head (…到位) gets it as child."""
    not_heads = _not_heads()
    for index, item in enumerate(draft.items):
        text = paragraphs[item.para] if item.where == "paragraph" else ""
        if text.count("、", item.start, item.end) < MIN_DUN:
            continue  # no clause of the item holds a list long enough (most items)
        own_end = min(
            [c.start for c in draft.children if c.para == item.para and c.start > item.start]
            or [item.end]
        )
        if text.count("、", item.start, own_end) < MIN_DUN:
            continue  # nor does its own text before its first nested group
        for s, e in spans(text[item.start : own_end], SHARED_STOPS, item.start):
            if text.count("、", s, e) < MIN_DUN:
                continue  # (the clause is not copied to be read)
            run = _shared_run(text, s, e, not_heads)
            if not run:
                continue
            taken = [(it.para, it.start, it.end) for c in draft.children for it in c.items]
            if not any(p == item.para and a < run[-1][1] and run[0][0] < b for p, a, b in taken):
                child = Draft(
                    f"[…{_suffix([text[a:b] for a, b in run])}]",
                    None,
                    [],
                    item.para,
                    run[0][0],
                    run[-1][1],
                )
                child.items = [
                    Item(text[a:b], text[a:b], item.para, a, b, scope_end=(item.para, b))
                    for a, b in run
                ]
                child.parent_item = index
                child.family = "shared"
                draft.children.append(child)


#: A clause holding a shared-head list holds at least this many 、.
MIN_DUN: Final = 2
#: Stops between the clauses of an item that may each hold a shared-head list.
SHARED_STOPS: Final = frozenset("，,；;。：:")


@cache
def _not_heads() -> frozenset[str]:
    return frozenset(rules.strings("measures", "not_heads"))


#: What separates the members of an 、-list.
DUN: Final = frozenset("、")
#: What joins the last two members of a list (A、B和C): split there too.
JOINERS: Final = re.compile(r"[和及]")


def _shared_run(
    text: str, start: int, end: int, not_heads: frozenset[str]
) -> list[tuple[int, int]] | None:
    """The first run of >= 3 members of an 、-list (和/及 split too) ending alike."""
    if text.count("、", start, end) < MIN_DUN:
        return None
    members: list[tuple[int, int]] = []
    for s, stop in spans(text[start:end], DUN, start):
        e = stop - 1 if text[stop - 1] in "、，,；;。：:" else stop
        joined = JOINERS.search(text, s, e)  # in place: no copy of the member
        if joined and joined.start() - s >= 2:
            members += [(s, joined.start()), (joined.end(), e)]
        else:
            members.append((s, e))
    run: list[tuple[int, int]] = []
    for s, e in [*members, (0, 0)]:
        if run and (e <= s or text[e - 1] != text[run[0][1] - 1]):
            head = text[run[0][1] - 1]
            if len(run) >= MIN_SHARED and head not in not_heads and "\u4e00" <= head <= "\u9fff":
                return _trim_first(text, run)
            run = []
        if e > s:
            run.append((s, e))
    return None


def _trim_first(text: str, run: list[tuple[int, int]]) -> list[tuple[int, int]]:
    s, e = run[0]
    run[0] = (s + lead_in_end(text[s:e], max(b - a for a, b in run[1:])), e)
    return run


def _suffix(names: list[str]) -> str:
    common = names[0]
    for name in names[1:]:
        while not name.endswith(common):
            common = common[1:]
    return common


def check_model_codes(codes: list[str], drafts: list[Draft]) -> list[str]:
    """A model code (“三三六三”) must name the counts of the top-level labelled groups, in order."""
    counts = [d.declared for d in drafts if d.labelled and d.declared is not None]
    warnings = []
    for code in codes:
        named = model_code(code) or []
        if named != counts:
            found = "/".join(str(c) for c in counts) or "none"
            warnings.append(
                f"model code {code}: declared {'/'.join(map(str, named))}, found {found}"
            )
    return warnings


def to_model(draft: Draft) -> MeasureGroup:
    """The public record of a draft group.

    The whole tree is validated in one call from plain dicts: pydantic-core then builds the
    nested Measure and Evidence records itself, instead of one Python `__init__` (and one
    validation) per record (a third of this function's time on the real posts).
    """
    return MeasureGroup.model_validate(_record(draft))


def _record(draft: Draft) -> dict[str, object]:
    """The fields of `to_model`'s record, nested records as dicts (the same keys are set)."""
    return {
        "label": draft.label,
        "declared_count": draft.declared,
        "label_stated": draft.labelled,
        "heading": draft.heading,
        "purpose": draft.purpose,
        "items": [
            {
                "name": it.name,
                "text": it.text,
                # an item of a paragraph (all but a title's) written out: no call per item
                "evidence": (
                    {"where": "paragraph", "paragraph": it.para, "start": it.start, "end": it.end}
                    if it.where == "paragraph"
                    else _evidence(it.where, it.para, it.start, it.end)
                ),
            }
            for it in draft.items
        ],
        "children": [_record(c) for c in draft.children],
        "parent_item": draft.parent_item,
        "evidence": _evidence(draft.where, draft.para, draft.start, draft.end),
    }


def _evidence(where: str, para: int, start: int, end: int) -> dict[str, object]:
    is_paragraph = where == "paragraph"
    return {
        "where": "paragraph" if is_paragraph else "title",
        "paragraph": para if is_paragraph else None,
        "start": start,
        "end": end,
    }


__all__ = ["build_tree", "check_model_codes", "extract_measure_groups"]
