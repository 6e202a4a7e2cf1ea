"""Ordinal runs: 一是…二是, 第一(要), 首先(是)/其次/最后, 一方面/另一方面, 一、 (一) 1.

The families are data (`ordinal_words` and the `marker_*` patterns of rules/measures.yaml):
each marker has an ordinal and a successor; a run that switches family at the next ordinal
(首先 → 第二 → 第三) continues; sequences nest by level.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from extractor import rules
from extractor.measures.prefilter import any_of, named_places
from extractor.measures.text import SPACES, Draft, Item, first_clause, strip_span
from extractor.numerals import to_int

#: Paragraph-level families, outermost first: a deeper family nests under a shallower one.
PARAGRAPH_FAMILIES: Final = ("section", "paren", "number")
#: Inline families; any of them nests inside an item of any other.
INLINE_FAMILIES: Final = ("shi", "di", "xian", "fangmian", "dun")
#: Families whose markers are words (首先, 另一方面) read through `ordinal_words`.
WORD_FAMILIES: Final = frozenset({"xian", "fangmian"})
#: The ordinal of a closing word (最后, 另一方面): it closes a run of at least `closes_after`.
LAST: Final = 99
#: A 首先… sequence continues at most this many paragraphs after its last item.
XIAN_SPAN: Final = 2
#: The first character that is no space (`\S` is `not str.isspace()`, as `str.lstrip` reads).
NOT_SPACE: Final = re.compile(r"\S")


@cache
def ordinal_words() -> dict[str, tuple[int, int]]:
    """Word markers: word -> (ordinal, or LAST for a closing word; least run it closes)."""
    table = rules.table("measures", "ordinal_words")
    return {
        word: (
            LAST if entry["ordinal"] == "last" else int(entry["ordinal"]),
            int(entry.get("closes_after", 0)),
        )
        for word, entry in table.items()
    }


@cache
def switches() -> frozenset[tuple[str, str]]:
    """(family, family) pairs whose runs continue each other at the next ordinal."""
    table = rules.table("measures", "family_switch")
    return frozenset((a, b) for a, others in table.items() for b in others)


#: How a sequence of each family is labelled when the text gives no label (gold style).
LABEL_FORMS: Final = {
    "section": "{}、",
    "paren": "({})",
    "number": "{}.",
    "shi": "{}",
    "di": "第{}",
    "dun": "{}、",
}


# A plain class with slots, not a dataclass: a fresh process makes it in a few us, not 0.3 ms
# (it is made, read and changed, never compared or printed).
class Marker:
    """One ordinal marker found in a paragraph."""

    __slots__ = ("body", "family", "initial", "ordinal", "para", "start", "word")

    def __init__(  # noqa: PLR0917 - the fields in order, as the readers pass them
        self,
        family: str,
        ordinal: int,
        word: str,
        para: int,
        start: int,
        body: int,  # offset where the item text starts (after the marker and its comma)
        initial: bool,  # the marker opens its paragraph
    ) -> None:
        self.family = family
        self.ordinal = ordinal
        self.word = word
        self.para = para
        self.start = start
        self.body = body
        self.initial = initial


class Sequence:  # a plain class with slots, as Marker
    """Markers of one family counting 1, 2, 3…, with sequences nested under its items."""

    __slots__ = ("children", "closed", "family", "markers")

    def __init__(self, family: str, markers: list[Marker]) -> None:
        self.family = family
        self.markers = markers
        self.children: list[tuple[Sequence, int]] = []
        self.closed = False


@cache
def any_head() -> re.Pattern[str]:
    """The paragraph-head families in one pattern: it matches where one of them does."""
    return any_of(rules.pattern("measures", f"marker_{family}") for family in PARAGRAPH_FAMILIES)


@cache
def _family_patterns(families: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((family, rules.pattern("measures", f"marker_{family}")) for family in families)


def scan_markers(paragraphs: list[str], hinted: list[int] | None = None) -> list[Marker]:
    """All ordinal markers in text order; inline ones never inside a paragraph head's marker.

    `hinted` (ascending) are the paragraphs that may hold one; None reads them all.
    """
    found: list[Marker] = []
    heads, inlines = _family_patterns(PARAGRAPH_FAMILIES), dict(_family_patterns(INLINE_FAMILIES))
    # Most paragraphs hold no marker: one match tells whether any head family opens the
    # paragraph, and every inline marker holds a `marker_hint`, so their patterns wait for it.
    opens_with_head = any_head().match
    hint = rules.pattern("measures", "marker_hint")
    words_table = ordinal_words()
    for p in range(len(paragraphs)) if hinted is None else hinted:
        text = paragraphs[p]
        head_end = 0
        for family, pattern in heads if opens_with_head(text) else ():
            match = pattern.match(text)
            ordinal = to_int(match.group("n")) if match else None
            if match and ordinal:
                found.append(Marker(family, ordinal, match.group("n"), p, 0, match.end(), True))
                head_end = match.end()
                break
        if hint.search(text) is None:
            continue
        lead_space: int | None = None  # where the text starts once spaces are skipped: asked
        # only of a marker kept (not a copy of every hinted paragraph by lstrip)
        # where each family's last marker ends: a family's markers never overlap (finditer's)
        ends = dict.fromkeys(INLINE_FAMILIES, 0)
        for place in _inline_places().finditer(text):  # in text order
            kind, start = place.lastgroup, place.start()
            if kind is None or start < ends[kind]:  # (every alternative is named)
                continue
            match = inlines[kind].match(text, start)
            if match is None:  # (the same pattern at the same place: never)
                continue
            ends[kind] = match.end()
            word = match.group("n")
            ordinal = words_table[word][0] if kind in WORD_FAMILIES else to_int(word)
            if kind == "shi":  # keep 是/要 in the label: 一要…四要
                word = match.group(0).rstrip("，,：:")
            if kind == "fangmian" and not _clause_initial(text, start):
                continue
            if ordinal and start >= head_end:  # never inside a paragraph head's marker
                if lead_space is None:
                    first = NOT_SPACE.search(text)
                    lead_space = len(text) if first is None else first.start()
                found.append(
                    Marker(kind, ordinal, word, p, start, match.end(), start <= lead_space)
                )
    return found


#: What every inline marker opens with: an ordinal numeral, 第, 首其再最 (首先…最后), 另
#: (另一方面), or the space a 一、 after a colon may follow (the families' first classes).
INLINE_OPENING: Final = f"[一二三四五六七八九十第首其再最另{SPACES}]"


@cache
def _inline_places() -> re.Pattern[str]:
    """One character wherever an inline family's pattern matches, the family named by its group.

    Five families asked by one scan, not five (see `prefilter.named_places`). At one place at
    most one family matches (their markers differ in the character after the ordinal word;
    tests/test_measures_prefilters.py checks it), so the group that matched names it.
    """
    return named_places(_family_patterns(INLINE_FAMILIES), INLINE_OPENING)


def is_ordinal_word(word: str) -> bool:
    """Whether `word` is a word marker of the table (首先, 另一方面)."""
    return word in ordinal_words()


def switches_family(pair: str) -> bool:
    """Whether `a>b` names families whose runs continue each other."""
    a, _, b = pair.partition(">")
    return (a, b) in switches()


def _clause_initial(text: str, start: int) -> bool:
    """A word marker opens a clause: 一方面 after punctuation, never inside 在这一方面."""
    return start == 0 or text[start - 1] in CLAUSE_OPENERS


#: What may stand right before a word marker that opens a clause.
CLAUSE_OPENERS: Final = frozenset("，,；;。：:！!？? ")


def _accepts(seq: Sequence, m: Marker) -> bool:
    """Whether `m` continues `seq` (next ordinal of its family or a switching one, near)."""
    last = seq.markers[-1]
    if seq.closed:
        return False
    if last.family != m.family:  # a run that switched family goes on in its last family
        switch = (last.family, m.family) in switches() and m.ordinal != LAST
        return switch and _next(last, m) and _near(last, m)
    if m.family in WORD_FAMILIES:
        return _near(last, m) and _next(last, m)
    if m.ordinal != last.ordinal + 1:
        return False
    if m.family in PARAGRAPH_FAMILIES:
        return True
    return m.para == last.para or (m.para == last.para + 1 and m.initial)


def _next(last: Marker, m: Marker) -> bool:
    """`m` follows `last`: the next ordinal, or a closing word after a long enough run."""
    if m.ordinal == LAST:
        closes_after = ordinal_words().get(m.word, (LAST, 2))[1]
        return last.ordinal != LAST and last.ordinal >= closes_after
    return m.ordinal == last.ordinal + 1


def _near(last: Marker, m: Marker) -> bool:
    if last.family in WORD_FAMILIES or m.family in WORD_FAMILIES:
        return m.para - last.para <= XIAN_SPAN
    return m.para == last.para or (m.para == last.para + 1 and m.initial)


def _contains(seq: Sequence, m: Marker) -> bool:
    """Whether a new sequence opened by `m` lies inside the last item of `seq`."""
    last = seq.markers[-1]
    if seq.family in PARAGRAPH_FAMILIES:
        if m.family in PARAGRAPH_FAMILIES:
            return PARAGRAPH_FAMILIES.index(m.family) > PARAGRAPH_FAMILIES.index(seq.family)
        return True
    if seq.family in WORD_FAMILIES:
        # an open 首先… sequence spans paragraphs; its closing 最后 item ends with its paragraph
        return m.para == last.para or (m.para > last.para and not seq.closed)
    return m.para == last.para


def build_sequences(markers: list[Marker]) -> list[Sequence]:
    """Top-level sequences, each with the sequences nested under its items."""
    tops: list[Sequence] = []
    stack: list[Sequence] = []
    for m in markers:
        for i in range(len(stack) - 1, -1, -1):
            if _accepts(stack[i], m):
                del stack[i + 1 :]
                stack[i].markers.append(m)
                if m.ordinal == LAST:
                    stack[i].closed = True
                break
        else:
            if m.ordinal != 1:
                continue
            # A family opens inside an open sequence of its own family only under a paragraph
            # head (二是…：一是…二是…); a new 首先 in a later paragraph starts beside the open
            # one (which may still close with its 最后), and any other repeat ends it. So the
            # tree is never deeper than its families of markers, however long the text.
            same = next(
                (i for i in range(len(stack) - 1, -1, -1) if stack[i].family == m.family), None
            )
            if same is not None and m.para != stack[same].markers[-1].para:
                new = Sequence(m.family, [m])
                tops.append(new)
                stack.append(new)
                continue
            if same is not None and not (stack[same].markers[-1].initial and not m.initial):
                del stack[same:]
            while stack and not _contains(stack[-1], m):
                stack.pop()
            new = Sequence(m.family, [m])
            if stack:
                stack[-1].children.append((new, len(stack[-1].markers) - 1))
            else:
                tops.append(new)
            stack.append(new)
    return tops


def _item(seq: Sequence, i: int, paragraphs: list[str], doc_end: tuple[int, int]) -> Item:
    """The i-th item of a sequence: from its marker to the next marker of the sequence."""
    m = seq.markers[i]
    text = paragraphs[m.para]
    nxt = seq.markers[i + 1] if i + 1 < len(seq.markers) else None
    end = nxt.start if nxt and nxt.para == m.para else len(text)
    start, end = strip_span(text, m.body, end)
    if nxt:
        scope = (nxt.para, nxt.start)
    elif seq.family in PARAGRAPH_FAMILIES or seq.family in WORD_FAMILIES:
        scope = doc_end
    else:
        scope = (m.para, len(text))
    body = text[start:end]
    return Item(first_clause(body), body, m.para, start, end, scope_end=scope, marker_at=m.start)


def _label(seq: Sequence) -> str:
    """Gold-style label of an unlabelled sequence: 一是…三是, 首先…最后, (一)…(三)."""
    first, last = seq.markers[0], seq.markers[-1]
    if len(seq.markers) == 1:
        return f"{_written(first)}…" if first.family in WORD_FAMILIES else _written(first)
    return f"{_written(first)}…{_written(last)}"


def _written(m: Marker) -> str:
    """A marker as a label writes it: 一是, 第三, (二), 首先."""
    return m.word if m.family in WORD_FAMILIES else LABEL_FORMS[m.family].format(m.word)


def to_drafts(seqs: list[Sequence], paragraphs: list[str], doc_end: tuple[int, int]) -> list[Draft]:
    """Drafts of valid sequences (inline ones need two items); an invalid one's children move up."""
    drafts: list[Draft] = []
    for seq in seqs:
        items = [_item(seq, i, paragraphs, doc_end) for i in range(len(seq.markers))]
        children: list[Draft] = []
        for nested, parent in seq.children:
            for draft in to_drafts([nested], paragraphs, doc_end):
                draft.parent_item = parent if draft.parent_item is None else draft.parent_item
                children.append(draft)
        named = [it for it in items if it.name]
        minimum = 1 if seq.family in PARAGRAPH_FAMILIES else 2
        if len(named) < minimum:
            for child in children:
                child.parent_item = None
            drafts.extend(children)
            continue
        # Empty items (a bare "(二)" at the end of an excerpt) are dropped; re-index children.
        index = {id(it): n for n, it in enumerate(named)}
        for child in children:
            if child.parent_item is not None:
                kept = items[child.parent_item]
                child.parent_item = index.get(id(kept))
        first = seq.markers[0]
        drafts.append(
            Draft(
                label=_label(seq),
                declared=None,
                items=named,
                para=first.para,
                start=first.start,
                end=first.body,
                children=children,
                family=seq.family,
            )
        )
    return drafts


def sequence_drafts(paragraphs: list[str], hinted: list[int] | None = None) -> list[Draft]:
    """All ordinal enumerations of the paragraphs as nested drafts (`hinted`: see scan_markers)."""
    if hinted is not None and not hinted:
        return []  # no paragraph may hold a marker (most articles)
    markers = scan_markers(paragraphs, hinted)
    if not markers:
        return []  # (most articles whose hints are count words: 一个, 两个月)
    doc_end = (len(paragraphs), 0)
    return to_drafts(build_sequences(markers), paragraphs, doc_end)
