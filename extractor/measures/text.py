"""Cutting item text into clauses and sentences, both punctuation widths, quotes kept whole."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cache, lru_cache
from typing import ClassVar, Final

#: Characters that end a clause (README: an item name runs up to the first , ; 。 :).
CLAUSE_STOPS: Final = frozenset("，,；;。：:！!？?")
#: Characters that end a sentence.
SENTENCE_STOPS: Final = frozenset("。！!？?")
#: Any sentence stop, quotes or not: a text without one within reach holds no sentence end.
SENTENCE_END: Final = re.compile("[" + re.escape("".join(sorted(SENTENCE_STOPS))) + "]")
#: What `\s` matches (`str.isspace`), as ranges for a character class: a class spelling them
#: out is one bitmap lookup a character, where `\s` in it costs the regex engine a Unicode
#: category lookup at each one (twice the time of a scan along a paragraph).
SPACES: Final = "\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: The decimal digits of the Basic Multilingual Plane (`str.isdecimal`, what `\d` matches
#: there), as ranges for a character class, for the same reason as SPACES.
BMP_DIGITS: Final = (
    "0-9\u0660-\u0669\u06f0-\u06f9\u07c0-\u07c9\u0966-\u096f\u09e6-\u09ef\u0a66-\u0a6f"
    "\u0ae6-\u0aef\u0b66-\u0b6f\u0be6-\u0bef\u0c66-\u0c6f\u0ce6-\u0cef\u0d66-\u0d6f"
    "\u0de6-\u0def\u0e50-\u0e59\u0ed0-\u0ed9\u0f20-\u0f29\u1040-\u1049\u1090-\u1099"
    "\u17e0-\u17e9\u1810-\u1819\u1946-\u194f\u19d0-\u19d9\u1a80-\u1a89\u1a90-\u1a99"
    "\u1b50-\u1b59\u1bb0-\u1bb9\u1c40-\u1c49\u1c50-\u1c59\ua620-\ua629\ua8d0-\ua8d9"
    "\ua900-\ua909\ua9d0-\ua9d9\ua9f0-\ua9f9\uaa50-\uaa59\uabf0-\uabf9\uff10-\uff19"
)
#: `\d` in an opening class (one a joined pattern skips to, see `prefilter.any_of`): the BMP's
#: digits and everything above the BMP (its few digits among them): an opening may admit
#: more characters than the patterns open with, never fewer.
DIGIT_OPENING: Final = BMP_DIGITS + "\U00010000-\U0010ffff"
#: Characters that separate items of one run: 聚焦A，…；聚焦B，…
SEGMENT_STOPS: Final = frozenset("；;")
OPENERS: Final = {"“": "”", "《": "》", "（": "）", "(": ")", "‘": "’"}
CLOSERS: Final = frozenset(OPENERS.values())
BRACKETS: Final = frozenset(OPENERS) | CLOSERS | {'"'}


#: Any quote or bracket: a text without one needs no balancing (the common case).
BRACKET_CHARS: Final = re.compile("[" + re.escape("".join(sorted(BRACKETS))) + "]")


@cache  # a few sets of stops, each the code's constant; the cache's look-up runs in C
def _scanner(chars: frozenset[str]) -> re.Pattern[str]:
    """A regex finding any of `chars`: a scan in C, not a loop per character."""
    return re.compile("[" + re.escape("".join(sorted(chars))) + "]")


def stop_positions(text: str, stops: frozenset[str]) -> list[int]:
    """Indices of `stops` outside quotes and brackets (all if the brackets do not balance).

    No stop is a quote or bracket (none of the sets of stops holds one).
    """
    found = [m.start() for m in _scanner(stops).finditer(text)]
    if not found or BRACKET_CHARS.search(text) is None:  # the common case: nothing to balance
        return found
    flips = _bracket_flips(text)
    if not flips:  # unbalanced (all stops count), or no bracket ever opened
        return found
    return [i for i in found if bisect_right(flips, i) % 2 == 0]


@lru_cache(maxsize=256)  # a paragraph (each of its sets of stops asks) or a piece of one
def _bracket_flips(text: str) -> tuple[int, ...] | None:
    """Where the text goes into and out of quotes and brackets; None if they do not balance.

    A stop at i stands outside them exactly when an even number of flips come before it:
    found once per text, so a set of stops costs a bisect per stop, not a loop over the text.
    """
    depth = 0
    ascii_open = inside = False
    flips = []
    for match in BRACKET_CHARS.finditer(text):
        ch = match.group()
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        else:  # the ASCII quote, its own opener and closer
            ascii_open = not ascii_open
        if (depth > 0 or ascii_open) != inside:
            inside = not inside
            flips.append(match.start())
    return None if depth or ascii_open else tuple(flips)


@cache  # the code's few sets of stops, as `_scanner`
def _stop_or_bracket(stops: frozenset[str]) -> re.Pattern[str]:
    """A regex finding any of `stops` or of BRACKETS (no stop is one)."""
    if stops & BRACKETS:  # `first_stop` tells the two apart by the character found
        raise ValueError(f"stops holding a quote or bracket: {sorted(stops & BRACKETS)}")
    return _scanner(stops | BRACKETS)


def first_stop(text: str, stops: frozenset[str]) -> int | None:
    """The first of `stop_positions(text, stops)`, or None; without listing them all."""
    # One scan for the first stop or bracket: a stop first has no quote or bracket before it,
    # so no flip precedes it, and if the brackets after it do not balance every stop counts:
    # it is the first either way (most clauses; one search, not a second for the brackets).
    opening = _stop_or_bracket(stops).search(text)
    if opening is None:
        return None
    if text[opening.start()] not in BRACKETS:
        return opening.start()
    scanner = _scanner(stops)
    first = scanner.search(text, opening.start() + 1)
    if first is None:
        return None
    flips = _bracket_flips(text)
    if not flips:
        return first.start()
    return next(
        (m.start() for m in scanner.finditer(text) if bisect_right(flips, m.start()) % 2 == 0),
        None,
    )


#: A clause is looked for in at most this many characters: an item running to the end of a
#: very long paragraph is not balanced whole, once per item, to find its name.
CLAUSE_SCAN: Final = 2000


def first_clause(text: str) -> str:
    """The text up to the first clause stop outside quotes, trimmed; a quoted whole unquoted."""
    text = text[:CLAUSE_SCAN]
    stop = first_stop(text, CLAUSE_STOPS)
    clause = (text[:stop] if stop is not None else text).strip()
    # (most clauses open with no quote: `unquote` is asked only of one that does)
    return unquote(clause) if clause[:1] in QUOTE_OPENERS else clause


#: What a quoted whole name opens with (see `unquote`).
QUOTE_OPENERS: Final = frozenset('“"')


def unquote(text: str) -> str:
    """Drop quotes around a whole name: “吹响集结号” → 吹响集结号 (inner quotes stay)."""
    for left, right in (("“", "”"), ('"', '"')):
        if len(text) > 2 and text[0] == left and text[-1] == right:  # before copying the inside
            inner = text[1:-1]
            if left not in inner:
                return inner
    return text


def spans(text: str, stops: frozenset[str], offset: int = 0) -> list[tuple[int, int]]:
    """Non-empty (start, end) pieces of `text` cut after each stop; stops stay with their piece."""
    pieces = []
    start = 0
    for i in stop_positions(text, stops):
        if text[start:i].strip():
            pieces.append((offset + start, offset + i + 1))
        start = i + 1
    if text[start:].strip():
        pieces.append((offset + start, offset + len(text)))
    return pieces


class StopIndex:
    """The stops of one paragraph, found once and looked up by position (never rescanned).

    A label's strategies ask "the first sentence stop after here", "the last clause stop
    before here", "the pieces between here and there": asking `stop_positions` of a slice
    each time rescans the paragraph once per label, quadratic in a long paragraph.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._at: dict[frozenset[str], list[int]] = {}

    def positions(self, stops: frozenset[str]) -> list[int]:
        """`stop_positions(text, stops)`, computed once per set of stops."""
        found = self._at.get(stops)
        if found is None:
            found = self._at[stops] = stop_positions(self.text, stops)
        return found

    def marks(self, chars: frozenset[str]) -> list[int]:
        """Every position of `chars` (quotes and brackets included, nothing balanced)."""
        key = frozenset({"marks", *chars})  # never a set of stops: "marks" is no character
        found = self._at.get(key)
        if found is None:
            found = self._at[key] = [m.start() for m in _scanner(chars).finditer(self.text)]
        return found

    def first(self, stops: frozenset[str], start: int, end: int | None = None) -> int | None:
        """The first stop at or after `start` (and before `end`), or None."""
        found = self.positions(stops)
        i = bisect_left(found, start)
        if i < len(found) and (end is None or found[i] < end):
            return found[i]
        return None

    def last(self, stops: frozenset[str], end: int, start: int = 0) -> int | None:
        """The last stop before `end` (and at or after `start`), or None."""
        found = self.positions(stops)
        i = bisect_left(found, end) - 1
        return found[i] if i >= 0 and found[i] >= start else None

    def count(self, stops: frozenset[str], start: int, end: int) -> int:
        """How many stops lie in [start, end)."""
        found = self.positions(stops)
        return bisect_left(found, end) - bisect_left(found, start)

    def between(self, stops: frozenset[str], start: int, end: int) -> list[int]:
        """The stops in [start, end)."""
        found = self.positions(stops)
        return found[bisect_left(found, start) : bisect_left(found, end)]

    def spans(self, stops: frozenset[str], start: int, end: int) -> list[tuple[int, int]]:
        """Like `spans(text[start:end], stops, start)`, from the paragraph's stops."""
        pieces = []
        text = self.text
        at = start
        for i in self.between(stops, start, end):
            if not _blank(text, at, i):
                pieces.append((at, i + 1))
            at = i + 1
        if not _blank(text, at, end):
            pieces.append((at, end))
        return pieces

    def ends_before(self, stops: frozenset[str], end: int) -> int:
        """How many stops lie before `end` (for counting pieces without listing them)."""
        return bisect_right(self.positions(stops), end - 1)


def _blank(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is empty or whitespace, without copying a long slice."""
    if end - start > BLANK_PROBE:
        return False if not text[start].isspace() else not text[start:end].strip()
    return not text[start:end].strip()


#: Slices longer than this are tested for blankness by their first character first.
BLANK_PROBE: Final = 64


@lru_cache(maxsize=64)  # the paragraphs of the article at hand; str caches its own hash
def stop_index(text: str) -> StopIndex:
    """The stop index of a paragraph (one per distinct text, reused by every label in it)."""
    return StopIndex(text)


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) without surrounding whitespace and trailing stops."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in CLAUSE_STOPS):
        end -= 1
    return start, end


Where = str  # "paragraph" | "title"


# Item and Draft are plain classes with slots, as Marker and Label, not dataclasses: under
# mypyc a dataclass keeps the `__init__` the dataclasses module writes, run by the interpreter
# and setting each field through a descriptor (with Context, 1 % of a real post's instructions
# compiled). They compare and print by their fields as the dataclasses did (the tests compare
# drafts), and hash not at all.
class _Fields:
    """Equality and repr by the fields named in FIELDS, in their order (a dataclass's): mypyc
    keeps no `__slots__` on a compiled class, so each class names its fields itself."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[str, ...]] = ()

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.FIELDS)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self) or not isinstance(other, _Fields):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # changed in place, never a key (as a dataclass)

    def __repr__(self) -> str:
        named = zip(self.FIELDS, self._fields(), strict=True)
        return f"{type(self).__name__}({', '.join(f'{n}={v!r}' for n, v in named)})"


class Item(_Fields):
    """One enumerated item while the tree is being built: its name, text and place."""

    __slots__ = ("end", "marker_at", "name", "para", "scope_end", "start", "text", "where")
    FIELDS = ("name", "text", "para", "start", "end", "where", "scope_end", "marker_at")

    def __init__(  # noqa: PLR0917 - the fields in order, as the finders pass them
        self,
        name: str,
        text: str,
        para: int,
        start: int,
        end: int,
        where: Where = "paragraph",
        scope_end: tuple[int, int] = (0, 0),
        marker_at: int | None = None,
    ) -> None:
        self.name = name
        self.text = text
        self.para = para
        self.start = start
        self.end = end
        self.where = where
        #: Where the item's scope ends (paragraph, offset), for hanging nested groups under it.
        self.scope_end = scope_end
        #: Where the ordinal marker opening the item stands (sequence items only).
        self.marker_at = marker_at


class Draft(_Fields):
    """A measure group while the tree is being built."""

    __slots__ = (
        "adopts", "children", "consumes", "declared", "end", "family", "heading", "items",
        "label", "labelled", "para", "parent_item", "purpose", "start", "where",
    )  # fmt: skip
    FIELDS = (
        "label", "declared", "items", "para", "start", "end", "where", "heading", "purpose",
        "children", "parent_item", "family", "labelled", "adopts", "consumes",
    )  # fmt: skip

    def __init__(  # noqa: PLR0917 - the fields in order, as the finders pass them
        self,
        label: str,
        declared: int | None,
        items: list[Item],
        para: int,
        start: int,
        end: int,
        where: Where = "paragraph",
        heading: str | None = None,
        purpose: str | None = None,
        children: list[Draft] | None = None,
        parent_item: int | None = None,
        family: str | None = None,
        labelled: bool = False,
        adopts: Draft | None = None,
        consumes: list[object] | None = None,
    ) -> None:
        self.label = label
        self.declared = declared
        self.items = items
        self.para = para
        self.start = start
        self.end = end
        self.where = where
        self.heading = heading
        self.purpose = purpose
        self.children: list[Draft] = [] if children is None else children
        self.parent_item = parent_item
        #: The marker family of an ordinal sequence (shi, section…); None for label groups.
        self.family = family
        self.labelled = labelled
        #: A candidate for a label that names an ordinal sequence: the sequence it would adopt.
        self.adopts = adopts
        #: Labels a candidate takes as its items' own groups (marked used once it is chosen).
        self.consumes: list[object] = [] if consumes is None else consumes

    def walk(self) -> list[Draft]:
        """This group and all nested ones, depth first."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found
