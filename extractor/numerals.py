"""Numerals in count labels: 三→3, 十二→12, 两→2, plus the labels that hold several counts.

Counts and ordinals in the rules are small: a count label declares at most MAX_COUNT parts,
and the rule groups capture at most three characters of 一…十 (第十二, 九十九). A table
of the numerals below a hundred reads them; it replaces cn2an (normal mode), whose import
alone cost 60-100 ms of a one-file run (it compiles its regular expressions and loads a
place-name table at import). tests/test_numerals.py checks the table against cn2an, where
it is installed, on every string the rules can meet (see CN2AN_QUIRKS there for what
cn2an reads that is no numeral).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from extractor import rules

#: A run of numeral characters (Chinese or Arabic).
NUMERAL_RUN: Final = re.compile(r"[零一二两三四五六七八九十百千万]+|\d+")
#: A count above this is no enumeration (19个部委办局, 百万): a label counting parts stays small.
MAX_COUNT: Final = 12
#: Classifiers after which a numeral is the head itself: “五个一” counts five.
CLASSIFIERS: Final = frozenset("个项种条大类点")
#: The digits; 两 is 2 as in 两个 (cn2an's normal mode reads it so too).
DIGITS: Final = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def _below_a_hundred() -> dict[str, int]:
    """Every way to write 0-99: 零, 七, 十, 十七, 一十七, 七十, 七十七 (两 wherever 二 is)."""
    table = {"零": 0, "十": 10, "一十": 10}
    for word, digit in DIGITS.items():
        table[word] = digit
        table["十" + word] = table["一十" + word] = 10 + digit
        table[word + "十"] = 10 * digit
        for unit_word, unit in DIGITS.items():
            table[word + "十" + unit_word] = 10 * digit + unit
    return table


#: The Chinese numerals a count or an ordinal is written with, and their values. A numeral
#: of a hundred or more (一百, 三千) is never a count of parts nor an ordinal of the rules.
NUMERALS: Final = _below_a_hundred()


def to_int(word: str) -> int | None:
    """A numeral word as an int (三→3, 两→2, 12→12); None when it is not a number below 100
    (Arabic numerals: any number)."""
    if word.isascii() and word.isdigit():
        return int(word)
    return NUMERALS.get(word)


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


@cache
def _model_code() -> re.Pattern[str]:
    """The `model_code` patterns joined: asked of every quoted word, in one match, not one each."""
    from extractor.measures.prefilter import any_of  # noqa: PLC0415 - measures imports this module

    return any_of(rules.patterns("measures", "model_code"))


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def label_count(label: str) -> int | None:
    """The number a label declares: 三个保障 → 3, 五促一稳 → 5 + 1 = 6; else None."""
    parts = label_parts(label)
    return sum(count for count, _ in parts) if parts else None


def model_code(label: str) -> list[int] | None:
    """The counts a model code names: 三三六三 → [3, 3, 6, 3]; None for anything else."""
    if _model_code().match(label) is None:
        return None
    counts = [to_int(ch) for ch in label]
    return [c for c in counts if c is not None] if None not in counts else None
