"""Exact prefilters: one regex that matches wherever any of several rule patterns matches.

Most paragraphs open with no ordinal head (一、 （一） 1.), yet asking each family's pattern in
turn costs a Python call per pattern and paragraph. An alternation of the same patterns
answers "could any of them match here?" in one call, in C: `match` (or `search`) tries every
alternative at each position, so it finds nothing exactly when no pattern would: a text it
rejects is skipped with no change to what the finders return.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

#: A named group; in the alternation it becomes a plain group (names may repeat across rules).
NAMED_GROUP: Final = re.compile(r"\(\?P<\w+>")
#: Back-references would point at other groups once patterns are joined: such a rule is refused.
BACKREFERENCE: Final = re.compile(r"\(\?P=|\(\?\(|\\[1-9]")


def any_of(
    patterns: Iterable[re.Pattern[str]], opening: str | None = None, gate: str = ""
) -> re.Pattern[str]:
    """One pattern that matches at a position wherever one of `patterns` matches there.

    `opening` is a character class every match of every pattern opens with. The engine skips
    in C only to a character a pattern's first class admits, and an alternation has no first
    class: with `opening` the joined pattern starts with one (as `marker_hint` does), then a
    lookahead inside a one-character lookbehind reads the alternatives from that character.
    `gate` (with `opening`) is a lookahead every match passes at its start, asked before the
    alternatives: a cheap test that fails at most places spares their reading there.
    """
    sources, flags = _sources(patterns)
    joined = "|".join(f"(?:{source})" for source in sources)
    if opening is not None:
        joined = f"{opening}(?<={gate}(?={joined})(?s:.))"
    return re.compile(joined, flags)


def named_places(named: Iterable[tuple[str, re.Pattern[str]]], opening: str) -> re.Pattern[str]:
    """One character (of `opening`) wherever one of the `named` patterns matches, by name.

    As `any_of` with `opening`, a match consumes only that character, so `finditer` reaches
    every place where a pattern matches; each pattern is a named group of the lookahead, so
    `lastgroup` names the first of them (in the given order) that matches there.
    """
    named = list(named)
    names = [name for name, _ in named]
    sources, flags = _sources(pattern for _, pattern in named)
    joined = "|".join(f"(?P<{name}>{source})" for name, source in zip(names, sources, strict=True))
    return re.compile(f"{opening}(?<=(?={joined})(?s:.))", flags)


def _sources(patterns: Iterable[re.Pattern[str]]) -> tuple[list[str], int]:
    """The patterns' sources with their named groups made plain, and their shared flags."""
    sources = []
    flags: set[int] = set()
    for pattern in patterns:
        if BACKREFERENCE.search(pattern.pattern):
            raise ValueError(f"cannot join a pattern with a back-reference: {pattern.pattern!r}")
        sources.append(NAMED_GROUP.sub("(?:", pattern.pattern))
        flags.add(pattern.flags)
    if len(flags) > 1:
        raise ValueError("cannot join patterns compiled with different flags")
    return sources, flags.pop() if flags else 0
