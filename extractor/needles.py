"""Needles: strings one of which every match of a pattern holds, an exact cheap precheck.

Most paragraphs hold no credit, no 来源 field, no reprint note; yet every pattern of such a group
scans every paragraph, and patterns that open with a lookaround, an optional group or an anchor
give the regex engine no literal to skip ahead with, so it tries the whole pattern at every
character. `needles(pattern)` reads the pattern's own syntax tree and returns strings of which
every match must contain one (`来源` for a 来源 field, `(` or `（` for a credit in parentheses);
`str.__contains__` looks for them far faster than the patterns run, and a paragraph holding none
of them is skipped. The needles come from the patterns themselves, so a rule author changing a
pattern changes its precheck with it; a pattern whose tree holds no sure literal gets no
precheck (None), never a wrong one.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from typing import Any, Final, NamedTuple

# The parser of the standard `re` module, read only (typeshed has no stubs for it; `sre_parse`
# is its deprecated alias). Its tree has kept this shape since 3.11; a node this module does not
# recognise makes it answer "no precheck", never a wrong one.
sre: Any = importlib.import_module("re._constants")
sre_parse: Any = importlib.import_module("re._parser")

#: More alternative needles than this make a precheck slower than the patterns it guards.
MAX_NEEDLES: Final = 12

_REPEATS: Final = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)

Needles = frozenset[str]


def needles(pattern: re.Pattern[str]) -> Needles | None:
    """Strings one of which every match of the pattern contains, or None when none is sure."""
    if pattern.flags & re.IGNORECASE:
        return None  # a needle would have to be looked for in every case
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError, AttributeError):  # pragma: no cover - compiled patterns parse
        return None
    return _of_sequence(list(tree))


def group_needles(patterns: Iterable[re.Pattern[str]]) -> Needles | None:
    """Needles of a group of patterns (one of them must match), or None when one has none."""
    found: set[str] = set()
    for pattern in patterns:
        own = needles(pattern)
        if own is None:
            return None
        found |= own
    return frozenset(found) if len(found) <= MAX_NEEDLES else None


def may_match(text: str, found: Needles | None) -> bool:
    """False only when no pattern with these needles can match anywhere in text."""
    if found is None:
        return True
    for needle in found:  # noqa: SIM110 - a loop is 3x faster than any(…) per paragraph
        if needle in text:
            return True
    return False


# A NamedTuple, not a frozen dataclass: a fresh process makes the class in 0.05 ms, not 0.3.
class PatternGroup(NamedTuple):
    """A group of patterns with its precheck."""

    patterns: tuple[re.Pattern[str], ...]
    needles: Needles | None

    def may_match(self, text: str) -> bool:
        """False only when no pattern of the group can match anywhere in text. (The compiled
        stages call `may_match(text, group.needles)`: a NamedTuple's method is a Python call.)"""
        return may_match(text, self.needles)


def pattern_group(patterns: Iterable[re.Pattern[str]]) -> PatternGroup:
    """The patterns with their group's precheck."""
    found = tuple(patterns)
    return PatternGroup(found, group_needles(found))


def _better(a: Needles | None, b: Needles | None) -> Needles | None:
    """The more selective of two needle sets: longer shortest needle, then fewer needles."""
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b, key=lambda n: (min(map(len, n)), -len(n)))


def _of_sequence(items: list[tuple[Any, Any]]) -> Needles | None:
    """A sequence matches each item in turn: any item's needles (or a run of literals) will do."""
    best: Needles | None = None
    run: list[str] = []
    for op, av in items:
        if op is sre.LITERAL and isinstance(av, int):
            run.append(chr(av))
            continue
        if run:
            best = _better(best, frozenset(["".join(run)]))
            run = []
        best = _better(best, _of_item(op, av))
    if run:
        best = _better(best, frozenset(["".join(run)]))
    return best


def _of_item(op: Any, av: Any) -> Needles | None:  # noqa: PLR0911 - one per node kind
    if op is sre.IN and isinstance(av, list):
        chars = [chr(value) for kind, value in av if kind is sre.LITERAL]
        if len(chars) == len(av) and len(chars) <= MAX_NEEDLES:  # no range, class or negation
            return frozenset(chars)
        return None
    if op is sre.SUBPATTERN and isinstance(av, tuple):
        _, add_flags, _, body = av
        if add_flags & sre.SRE_FLAG_IGNORECASE:
            return None  # (?i:…): its literals match in any case
        return _of_sequence(list(body))
    if op is sre.ATOMIC_GROUP:
        return _of_sequence(list(av))
    if op is sre.BRANCH and isinstance(av, tuple):
        union: set[str] = set()
        for alternative in av[1]:
            own = _of_sequence(list(alternative))
            if own is None:
                return None  # one way through holds no sure literal
            union |= own
        return frozenset(union) if len(union) <= MAX_NEEDLES else None
    if op in _REPEATS and isinstance(av, tuple):
        low, _, body = av
        return _of_sequence(list(body)) if low >= 1 else None
    return None  # anchors, lookarounds, `.`, classes, backreferences: nothing sure
