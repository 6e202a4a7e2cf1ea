"""Numerals in count labels: 三→3, 十二→12, 两→2 (cn2an, normal mode) plus labels it cannot read."""

from __future__ import annotations

import re
from functools import lru_cache

import cn2an  # type: ignore[import-untyped]  # cn2an ships no type information

from extractor import rules

#: A run of numeral characters (Chinese or Arabic).
NUMERAL_RUN = re.compile(r"[零一二两三四五六七八九十百千万]+|\d+")
#: A count above this is no enumeration (19个部委办局, 百万): a label counting parts stays small.
MAX_COUNT = 12
#: Place values: a Chinese numeral of several characters has one (十二, 二十, 一百).
PLACE_VALUES = frozenset("十百千万")
#: Classifiers after which a numeral is the head itself: “五个一” counts five.
CLASSIFIERS = frozenset("个项种条大类点")


@lru_cache(maxsize=4096)  # few distinct words (三, 十二…); cn2an checks each at length
def to_int(word: str) -> int | None:
    """A numeral word as an int (三→3, 两→2, 12→12); None when it is not a number."""
    if word.isascii() and word.isdigit():
        return int(word)
    if len(word) > 1 and not PLACE_VALUES.intersection(word):
        return None  # 一一, 三三: digits side by side are a code, not a number

    try:
        value = cn2an.cn2an(word, "normal")
    except (ValueError, KeyError, IndexError):
        return None
    return int(value) if float(value).is_integer() else None


def label_parts(label: str) -> list[tuple[int, str]] | None:
    """(count, head) parts of a label: 五促一稳 → [(5, '促'), (1, '稳')]; None if not a count label.

    A label opens with a numeral, and each numeral is followed by at least one
    non-numeral character (its head); 十大百万 or 一对一 are no count labels.
    """
    runs = list(NUMERAL_RUN.finditer(label))
    if not runs or runs[0].start() != 0:
        return None
    # 一 right after a classifier is part of the head: 五个一 counts five, 三个一批 three
    # (N个一X declares N). A longer numeral there (十大百万) is no head.
    runs = [
        run
        for i, run in enumerate(runs)
        if not (i and run.group() == "一" and label[run.start() - 1] in CLASSIFIERS)
    ]
    parts = []
    for i, run in enumerate(runs):
        end = runs[i + 1].start() if i + 1 < len(runs) else len(label)
        head = label[run.end() : end]
        count = to_int(run.group())
        if not head or count is None or not 0 < count <= MAX_COUNT or not _is_han(head[0]):
            return None  # 4K+5G: a head is words, not letters or signs
        parts.append((count, head))
    return parts


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def label_count(label: str) -> int | None:
    """The number a label declares: 三个保障 → 3, 五促一稳 → 5 + 1 = 6; else None."""
    parts = label_parts(label)
    return sum(count for count, _ in parts) if parts else None


def model_code(label: str) -> list[int] | None:
    """The counts a model code names: 三三六三 → [3, 3, 6, 3]; None for anything else."""
    if not any(p.match(label) for p in rules.patterns("measures", "model_code")):
        return None
    counts = [to_int(ch) for ch in label]
    return [c for c in counts if c is not None] if None not in counts else None
