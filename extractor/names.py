"""Person names: is a token a Chinese personal name, and how run-together names split.

Uses the vendored surname table (`rules/surnames.txt`) and given-name lengths (one or
two characters): 蒋平董大为 splits into 蒋平 + 董大为 because 大 is no surname.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from extractor import rules

#: Given names have one or two characters; a name with a compound surname up to four in all.
GIVEN_LENGTHS = (1, 2)


@cache
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(all surnames, the most common ones) from rules/surnames.txt."""
    text = resources.files("extractor.rules").joinpath("surnames.txt").read_text("utf-8")
    every: set[str] = set()
    common: set[str] = set()
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name = line.lstrip("*")
        every.add(name)
        if line.startswith("*"):
            common.add(name)
    if not every:
        raise rules.RuleError("surnames.txt is empty")
    return frozenset(every), frozenset(common)


@cache
def _not_in_names() -> frozenset[str]:
    return frozenset("".join(rules.strings("authors", "not_in_given_names")))


@cache
def _not_names() -> frozenset[str]:
    return frozenset(rules.strings("authors", "not_names"))


def is_cjk(ch: str) -> bool:
    """A CJK unified ideograph."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def surname_of(token: str) -> str | None:
    """The surname a token starts with (compound first), or None."""
    every, _ = surnames()
    for size in (2, 1):
        if len(token) > size and token[:size] in every:
            return token[:size]
    return None


def is_name(token: str) -> bool:
    """A whole personal name: a surname, then a one- or two-character given name."""
    if not token or not all(is_cjk(ch) for ch in token) or token in _not_names():
        return False
    blocked = _not_in_names()
    every, _ = surnames()
    for size in (2, 1):
        surname, given = token[:size], token[size:]
        if surname in every and len(given) in GIVEN_LENGTHS and not set(given) & blocked:
            return True
    return False


def split_names(token: str) -> list[tuple[int, int]] | None:
    """Spans of the names a token holds (one, or several run together); None when not names."""
    if is_name(token):
        return [(0, len(token))]
    best: tuple[tuple[int, int], list[tuple[int, int]]] | None = None
    for spans in _segmentations(token, 0):
        # the fewest names first (欧阳晓东|司马光明, not 欧阳晓|东司|马光明), then the likeliest
        score = (-len(spans), sum(_weight(token[s:e]) for s, e in spans))
        if best is None or score > best[0]:
            best = (score, spans)
    return best[1] if best else None


def _segmentations(token: str, start: int) -> list[list[tuple[int, int]]]:
    if start == len(token):
        return [[]]
    found = []
    for size in (2, 3, 4):
        end = start + size
        if end <= len(token) and is_name(token[start:end]):
            found.extend([[(start, end), *rest] for rest in _segmentations(token, end)])
    return found


def _weight(name: str) -> int:
    """Common surnames and three-character names are likelier readings of a run."""
    _, common = surnames()
    surname = surname_of(name) or ""
    return (2 if surname in common else 1) + (1 if len(name) == 3 else 0)
