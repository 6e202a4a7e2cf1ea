"""Items that stand before their label: A、B和C等三大方面, “A”“B”四方面, 必须…；必须…“两个必须”."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cache
from typing import Final

from extractor import rules
from extractor.measures.context import (
    OPENING_STOPS,
    Context,
    list_members,
    make_draft,
    make_item,
    make_items,
)
from extractor.measures.guards import is_measure_label
from extractor.measures.labels import Label
from extractor.measures.text import (
    Draft,
    Item,
    StopIndex,
    spans,
    stop_index,
    stop_positions,
)
from extractor.numerals import (
    MAX_COUNT,
)

COMMAS: Final = frozenset("，,")
DUN: Final = frozenset("、")
#: Parallel members open alike: the second's first ALIGN_OPENING characters, found at most
#: ALIGN_MAX characters into the first member, mark where its item starts.
ALIGN_OPENING: Final = 2
ALIGN_MAX: Final = 4
#: A subject before a preposition opening a list (宣校就…) is at most this long.
SUBJECT_MAX: Final = 3
#: A first member at most this much longer than the others has no lead clause to cut.
LEAD_SLACK: Final = 1
#: An item keeps at least this many characters once its lead clause is cut.
MIN_ITEM: Final = 2
#: 等 ending a list inside a member (A、B等C、D; 等9项): the list ended there. 平等 is a word.
LIST_END: Final = re.compile(r"等(?:$|[一二两三四五六七八九十\d])")
#: Quote characters: a quoted piece before a label holds none of them.
QUOTES: Final = frozenset('“”"')
QUOTE_OPENERS: Final = frozenset('“"')
QUOTE_CLOSERS: Final = frozenset('”"')
#: A quoted member before its label (“A”“B”四方面) is at most this long.
QUOTED_MAX: Final = 30
#: Stops that end the sentence or clause holding the members before a label.
PRECEDING_STOPS: Final = frozenset("。；;：:！!？?")


# --- Strategy: the items stand before the label -------------------------------------


def preceding_list(label: Label, ctx: Context) -> Draft | None:
    """A、B和C等三大方面; “A、B、C”的“四联包”; “A”“B”“C”“D”四方面; A,B,C这三方面; 百千万."""
    text = ctx.paragraphs[label.para]
    end = label.start
    closers = rules.strings("measures", "list_closers")
    # one endswith of them all first: most labels follow none (which one is asked then only)
    closer = (
        next((c for c in closers if text.endswith(c, 0, end)), "")
        if text.endswith(closers, 0, end)
        else ""
    )
    end -= len(closer)
    quoted = _quotes_before(text, end, QUOTED_MAX)
    if len(quoted) >= 2:  # “加强合作,强化团队意识”“加强常规,…”四方面
        items = [it for s, e in quoted if (it := make_item(text, label.para, s, e, text[s:e]))]
        return make_draft(label, items, ctx) if len(items) >= 2 else None
    last_n = closer == "这" and bool(label.count)
    if (not last_n and label.count != PAIR and text.find("、", 0, end) < 0) or _too_few_members(
        text, end, label, closer
    ):
        return None  # no 、-list before the label, and only a pair needs none (most labels),
        # or too few 、 for its count (八项规定 after one or two): no list is cut from the text
    inner = _quotes_before(text, end, None, 1)
    index = stop_index(text)
    if inner:  # “镇包区、区包村、村包组、组包户”的“四联包”
        start, stop = inner[0]
    else:
        last = index.last(PRECEDING_STOPS, end)
        start, stop = (last + 1 if last is not None else 0), end
    if closer == "这" and label.count:  # A,B,C这三方面: the last N comma pieces
        pieces = spans(text[start:stop], COMMAS, start)[-label.count :]
        pieces = [(s, e - 1 if text[e - 1] in "，," else e) for s, e in pieces]
    else:
        comma = _last_comma(text, start, stop, index, bool(inner))
        if comma is not None:
            start = comma + 1
        if text.find("、", start, stop) < 0:
            return _pair_before(label, ctx, text, start, stop)
        dun = index.marks(DUN)
        if bisect_left(dun, stop) - bisect_left(dun, start) > MAX_COUNT:
            return None  # more members than any count: a list of things, not this label's
        pieces = list_members(text, start, stop, label.count)
    if len(pieces) < 2 or not _plausible_list(text, pieces, label, closer=closer, ctx=ctx):
        return None
    others = [text[s:e].strip() for s, e in pieces[1:]]
    first_start, first_end = pieces[0]  # (not *pieces[0]: a starred call is a Python call)
    pieces[0] = (_strip_opener(text, first_start, first_end, label, others), first_end)
    items = make_items(text, label.para, pieces)
    counted = label.count is not None or _acrostic(label.text, items)  # 百千万 spells its items
    return make_draft(label, items, ctx) if counted and len(items) >= 2 else None


def _too_few_members(text: str, end: int, label: Label, closer: str) -> bool:
    """Whether no 、-list before `end` can have the label's count of members.

    Outside a cut list (等) and a last-N (这), the members must be exactly `count`, and n
    、 (quoted ones too: a bound) make n + 1 members, n + 2 once the last is split at 和:
    with fewer than count - 2 of them before the label, no reading gives enough.
    """
    count = label.count
    if count is None or count <= PAIR or closer == "这" or closer.startswith("等"):
        return False
    return text.count("、", 0, end) < count - 2


def _pair_before(label: Label, ctx: Context, text: str, start: int, stop: int) -> Draft | None:
    """调动A和B两个积极性: two members joined by 和/及/与 before a label counting two."""
    if label.count != PAIR or stop - start > PAIR_MAX:
        return None
    pieces = list_members(text, start, stop, PAIR)
    if len(pieces) != PAIR or not _plausible_list(text, pieces, label, closer="", ctx=ctx):
        return None
    others = [text[s:e].strip() for s, e in pieces[1:]]
    first_start, first_end = pieces[0]  # (not *pieces[0]: a starred call is a Python call)
    pieces[0] = (_strip_opener(text, first_start, first_end, label, others), first_end)
    items = make_items(text, label.para, pieces)
    return make_draft(label, items, ctx) if len(items) == PAIR else None


#: A pair before its label spans at most this many characters.
PAIR_MAX: Final = 30
#: The count of a label whose two members need no 、 between them (A和B两个积极性).
PAIR: Final = 2


def _quotes_before(
    text: str, end: int, longest: int | None, most: int | None = None
) -> list[tuple[int, int]]:
    """The quoted pieces (inner spans) that end right at `end`, back to front, in text order.

    Read backwards from `end`, so a label late in a long paragraph costs the quotes before it,
    not the paragraph (a `$`-anchored search would try every start). A piece holds no quote
    and at most `longest` characters; reading stops after `most` pieces.
    """
    found: list[tuple[int, int]] = []
    if end < 1 or text[end - 1] not in QUOTE_CLOSERS:
        return found  # no quote closes right there (most labels): the quotes are not listed
    marks = stop_index(text).marks(QUOTES)
    at = end
    while (most is None or len(found) < most) and at > 0 and text[at - 1] in QUOTE_CLOSERS:
        i = bisect_left(marks, at - 1) - 1  # the nearest quote before the closing one
        opener = marks[i] if i >= 0 else -1
        inner = at - 2 - opener
        if opener < 0 or text[opener] not in QUOTE_OPENERS or inner < 1:
            break
        if longest is not None and inner > longest:
            break
        found.append((opener + 1, at - 1))
        at = opener
        if (
            longest is not None
            and at >= 2
            and text[at - 1] == "、"
            and text[at - 2] in QUOTE_CLOSERS
        ):
            at -= 1  # “A”、“B”、“C”三项内容: quoted members separated by 、
    return found[::-1]


def _last_comma(text: str, start: int, stop: int, index: StopIndex, quoted: bool) -> int | None:
    """The last comma of text[start:stop] outside quotes (a quoted list is balanced by itself)."""
    if quoted:
        commas = stop_positions(text[start:stop], COMMAS)
        return start + commas[-1] if commas else None
    return index.last(COMMAS, stop, start)


def _plausible_list(
    text: str,
    pieces: list[tuple[int, int]],
    label: Label,
    *,
    closer: str,
    ctx: Context,
) -> bool:
    """Items before their label are counted by it: exactly, or fewer when 等 says the list is cut.

    No member may hold 等 (the list ended before it) or be a count label itself
    (10项目标任务、9个工作重点、6方面…).
    """
    if text[label.start - len(closer) - 1 : label.start - len(closer)] == "、":
        return False  # the label is itself a member of a list
    counted = label.count is None or (
        len(pieces) == label.count
        # a list cut short by 等 names examples: kept under a measure head only (等9项工程)
        or (closer.startswith("等") and len(pieces) < label.count and is_measure_label(label.text))
    )
    if not counted or any(LIST_END.search(text[s:e].strip()) for s, e in pieces):
        return False
    starts = [s for s, _ in pieces]
    for lab in ctx.labels_between(label.para, pieces[0][0], pieces[-1][1]):
        i = bisect_right(starts, lab.start) - 1
        if lab is not label and not lab.quoted and i >= 0 and lab.start < pieces[i][1]:
            return False
    return True


def _strip_opener(text: str, start: int, end: int, label: Label, others: list[str]) -> int:
    """Where the first member starts once the list's lead clause is cut off."""
    member = text[start:end]
    target = max(len(o) for o in others)
    if label.count is None and label.text[:1] in member:  # acrostic: 着力推进百名… → 百名…
        return start + member.index(label.text[0])
    cut = lead_in_end(member, target)
    return start + (cut or _aligned_start(member, others))


def _aligned_start(member: str, others: list[str]) -> int:
    """Where the first member starts to read like the others: 壮大文明创建志愿队、文明劝导队 —
    the second member's opening recurs a few characters in (parallel members open alike)."""
    if not others or len(member) <= max(len(o) for o in others):
        return 0
    opening = others[0][:ALIGN_OPENING]
    if len(opening) < ALIGN_OPENING:
        return 0
    at = member.find(opening, 1, ALIGN_MAX + len(opening))
    return at if at > 0 and len(member) - at >= MIN_ITEM else 0


def lead_in_end(member: str, target: int | None = None) -> int:
    """Where the item starts once a lead clause (…通过开展, 落实, 就) is cut from a member.

    A framing verb (two characters or more) ends the lead clause wherever it stands, a
    preposition (以, 从, 就) when it opens the member; with `target` (the length of the other
    members) a member longer than them is also cut after a preposition inside it, where the
    rest comes closest to their length. The item keeps at least MIN_ITEM characters.
    """
    words = _lead_in()
    if _framing_verbs().search(member):  # most members hold none: one scan, not one per word
        verbs = [
            at + len(w)
            for w in words
            if len(w) > 1 and (at := member.rfind(w)) >= 0 and len(member) - at - len(w) >= MIN_ITEM
        ]
        if verbs:
            return max(verbs)
    # a preposition opening the member, or after a short subject (校长就学校制度)
    opens = _lead_in_at().match
    for at in range(min(SUBJECT_MAX, len(member)) + 1):
        found = opens(member, at)
        if found is not None and len(member) - found.end() >= MIN_ITEM:
            return found.end()
    if target is None or len(member) <= target + LEAD_SLACK:
        return 0
    prepositions = _one_character_lead_ins()
    cuts = [
        at + 1
        for at, ch in enumerate(member)
        if ch in prepositions and len(member) - at - 1 >= MIN_ITEM
    ]
    if not cuts:
        return 0
    return min(cuts, key=lambda end: (abs(len(member) - end - target), end))


def has_lead_in(member: str) -> bool:
    """Rule check: a lead clause is cut from this member."""
    return lead_in_end(member) > 0


@cache
def _lead_in() -> tuple[str, ...]:
    return tuple(sorted(rules.strings("measures", "lead_in"), key=len, reverse=True))


@cache
def _lead_in_at() -> re.Pattern[str]:
    """The words of `_lead_in` joined in their order: a match at a position is the first of
    them (the longest) that opens there, as asking each in turn would find."""
    return re.compile("|".join(map(re.escape, _lead_in())))


@cache
def _framing_verbs() -> re.Pattern[str]:
    """The framing verbs of `_lead_in` (two characters or more): does a member hold one?"""
    return re.compile("|".join(re.escape(w) for w in _lead_in() if len(w) > 1))


@cache
def _one_character_lead_ins() -> frozenset[str]:
    """The prepositions of `lead_in` (以, 从, 就): a member is cut after one of them."""
    return frozenset(w for w in _lead_in() if len(w) == 1)


def _acrostic(word: str, items: list[Item]) -> bool:
    """百千万 over 百名…、千名…、万名…: each character opens one item, in order."""
    return len(word) == len(items) and all(
        it.name.startswith(ch) for ch, it in zip(word, items, strict=True)
    )


def preceding_openings(label: Label, ctx: Context) -> Draft | None:
    """必须…；必须…；必须…。会议提出“三个必须” — the clauses before a label, opening alike."""
    if not label.count or not label.quoted:
        return None
    text = ctx.paragraphs[label.para]
    index = stop_index(text)
    stops = index.positions(OPENING_STOPS)
    back = bisect_left(stops, label.start) - (2 * label.count + 3)  # only the last clauses
    pieces = index.spans(OPENING_STOPS, stops[back] + 1 if back >= 0 else 0, label.start)
    pieces = pieces[-(2 * label.count + 2) :]
    openings = [text[s:e].strip()[:PRECEDING_OPENING] for s, e in pieces]
    for i in range(len(pieces) - label.count, -1, -1):
        run = openings[i : i + label.count]
        # the label restates the shared opening (必须…必须… “五个必须”), not a subject (吉方…)
        if len(set(run)) == 1 and len(run[0]) == PRECEDING_OPENING and run[0] in label.text:
            before = openings[i - 1] if i else None
            if before == run[0]:
                return None  # more clauses open alike than the label counts
            items = make_items(text, label.para, pieces[i : i + label.count])
            return make_draft(label, items, ctx) if len(items) == label.count else None
    return None


#: Clauses before a label open alike in this many characters (必须, 坚持).
PRECEDING_OPENING: Final = 2
