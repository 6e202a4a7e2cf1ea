"""The context every item finder reads: paragraphs, labels, sequences, and how a draft is made."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Final

from extractor import rules
from extractor.measures.labels import Label
from extractor.measures.text import (
    CLAUSE_STOPS,
    SENTENCE_STOPS,
    Draft,
    Item,
    first_clause,
    spans,
    stop_index,
    strip_span,
)


def limit(name: str) -> int:
    """A bare number of the grammar, named in rules/measures.yaml (`limits`)."""
    value = rules.table("measures", "limits").get(name)
    if not isinstance(value, int):
        raise rules.RuleError(f"measures.yaml: limits: {name!r} must be an integer")
    return value


def is_limit(name: str) -> bool:
    """Rule check: `name` is a named limit."""
    return isinstance(rules.table("measures", "limits").get(name), int)


#: What separates the members of an 、-list.
DUN: Final = frozenset("、")
#: Stops between the clauses of an opening run (要…；要…), read by `items` and `before`.
OPENING_STOPS: Final = frozenset("；;。！!？?")


class Context:  # a plain class, not a dataclass: see text.Item
    """The paragraphs, the labels found in them and the ordinal sequences."""

    __slots__ = (
        "_body_ends", "_label_starts", "_markers", "_openings", "_seq_sorted", "_seq_starts",
        "labels", "labels_at", "paragraphs", "sequences", "sequences_at",
    )  # fmt: skip

    def __init__(self, paragraphs: list[str], labels: list[Label], sequences: list[Draft]) -> None:
        self.paragraphs = paragraphs
        self.labels = labels
        self.sequences = sequences
        #: Labels and sequences (nested ones too) by the paragraph they start in.
        self.labels_at: dict[int, list[Label]] = {}
        self.sequences_at: dict[int, list[Draft]] = {}
        #: Per paragraph: sequence starts, sorted, and the sequences in that order with their
        #: rank in tree order (so a window of them is found by bisect and tried in tree order).
        self._seq_starts: dict[int, list[int]] = {}
        self._seq_sorted: dict[int, list[tuple[int, Draft]]] = {}
        self._body_ends: dict[int, int] = {}
        self._openings: dict[tuple[int, str], list[Item]] = {}
        self._label_starts: dict[int, list[int]] = {}
        self._markers: dict[int, list[int]] = {}
        self._index()

    def _index(self) -> None:
        for label in self.labels:
            self.labels_at.setdefault(label.para, []).append(label)
        for top in self.sequences:
            for seq in top.walk():
                self.sequences_at.setdefault(seq.para, []).append(seq)
        for top in self.sequences:
            for seq in top.walk():
                for it in seq.items:
                    if it.marker_at is not None:
                        self._markers.setdefault(it.para, []).append(it.marker_at)
        for starts in self._markers.values():
            starts.sort()
        for para, seqs in self.sequences_at.items():
            ranked = sorted(enumerate(seqs), key=lambda pair: pair[1].start)
            self._seq_sorted[para] = ranked
            self._seq_starts[para] = [seq.start for _, seq in ranked]

    def sequences_near(self, para: int, start: int, end: int) -> list[Draft]:
        """Sequences of paragraph `para` starting in [start, end], in tree order."""
        starts = self._seq_starts.get(para)
        if not starts:
            return []
        window = self._seq_sorted[para][bisect_left(starts, start) : bisect_right(starts, end)]
        return [seq for _, seq in sorted(window, key=lambda pair: pair[0])]

    def opening_sentences(self, para: int, opening: str) -> list[Item]:
        """Sentences of paragraph `para` that open with `opening` (cached: many labels ask)."""
        key = (para, opening)
        found = self._openings.get(key)
        if found is None:
            text = self.paragraphs[para]
            pieces = [
                (s, e)
                for s, e in stop_index(text).spans(SENTENCE_STOPS, 0, len(text))
                if text[s:e].lstrip().startswith(opening)
            ]
            found = self._openings[key] = make_items(text, para, pieces)
        return list(found)

    def labels_between(self, para: int, start: int, end: int) -> list[Label]:
        """Labels of paragraph `para` starting in [start, end)."""
        found = self.labels_at.get(para, [])
        starts = self._label_starts.get(para)
        if starts is None:
            starts = self._label_starts[para] = [lab.start for lab in found]
        return found[bisect_left(starts, start) : bisect_left(starts, end)]

    def next_marker(self, para: int, start: int, end: int) -> int:
        """The first ordinal marker of paragraph `para` in (start, end), else `end`."""
        starts = self._markers.get(para, [])
        i = bisect_right(starts, start)
        return min(end, starts[i]) if i < len(starts) else end

    def body_end(self, para: int) -> int:
        """Where paragraph `para` ends once its final sentence stops are cut off."""
        found = self._body_ends.get(para)
        if found is None:
            found = self._body_ends[para] = len(self.paragraphs[para].rstrip("。！!？?"))
        return found


def make_draft(label: Label, items: list[Item], ctx: Context) -> Draft:
    text = ctx.paragraphs[label.para] if label.where == "paragraph" else ""
    return Draft(
        label=label.text,
        declared=label.count,
        items=items,
        para=label.para,
        start=label.start,
        end=label.end,
        where=label.where,
        heading=_heading(text, label) if text else None,
        purpose=_purpose(text, label) if text else None,
        labelled=True,
    )


def _heading(text: str, label: Label) -> str:
    """The sentence stating the label."""
    index = stop_index(text)
    before = index.last(SENTENCE_STOPS, label.start)
    after = index.first(SENTENCE_STOPS, label.start)
    start = 0 if before is None else before + 1
    end = len(text) if after is None else after + 1
    sentence = text[start:end].strip()
    return sentence or text.strip()


def _purpose(text: str, label: Label) -> str | None:
    """The clause after the label: 构建“三个保障”，完善就业工作机制 → 完善就业工作机制."""
    if text[label.end : label.end + 1] not in ("，", ","):
        return None
    stop = stop_index(text).first(CLAUSE_STOPS, label.end + 1)
    return first_clause(text[label.end + 1 : stop]) or None


def make_item(text: str, para: int, start: int, end: int, name: str | None = None) -> Item | None:
    start, end = strip_span(text, start, end)
    if end <= start:
        return None
    body = text[start:end]
    name = first_clause(body) if name is None else name
    return Item(name, body, para, start, end, scope_end=(para, end)) if name else None


def make_items(text: str, para: int, pieces: list[tuple[int, int]]) -> list[Item]:
    found = [make_item(text, para, s, e) for s, e in pieces]
    return [it for it in found if it]


def list_members(text: str, start: int, end: int, count: int | None) -> list[tuple[int, int]]:
    """Members of an 、-list in text[start:end]; the last split at 和/及 when one is missing."""
    if text.find("、", start, end) < 0:  # no member cut (a pair before its label, mostly)
        pieces = [(start, end)] if text[start:end].strip() else []
    else:
        pieces = [
            (s, e - 1 if text[e - 1] == "、" else e) for s, e in spans(text[start:end], DUN, start)
        ]
    if count and len(pieces) == count - 1 and pieces:
        s, e = pieces[-1]
        for joiner in rules.strings("measures", "list_joiners"):
            at = text.find(joiner, s, e)
            if at > s:
                pieces[-1:] = [(s, at), (at + len(joiner), e)]
                break
    return pieces
