"""Count labels in running text: “三个保障”, 三点要求, 五促一稳 — what they declare and where."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

from extractor import rules
from extractor.numerals import NUMERAL_RUN, label_count, model_code, to_int


@dataclass
class Label:
    """A count label in the text: its words, the count it declares, where it stands."""

    text: str
    count: int | None
    para: int
    start: int  # span including quotes
    end: int
    quoted: bool
    where: str = "paragraph"
    used: bool = False


@cache
def _slogans() -> frozenset[str]:
    return frozenset(rules.strings("slogans", "slogans"))


def find_labels(text: str, para: int, where: str = "paragraph") -> tuple[list[Label], list[str]]:
    """Count labels of one text, and the model codes (“三三六三”) it states."""
    labels: list[Label] = []
    codes: list[str] = []
    taken = _Spans()
    slogans = _slogans()
    for match in rules.pattern("measures", "quoted").finditer(text):
        word = match.group("label").strip()
        taken.add(*match.span())
        if word in slogans or re.search(r"[、，,；;。]", word):
            continue
        if model_code(word):
            codes.append(word)
            continue
        count = label_count(word)
        after = rules.pattern("measures", "count_after_quote").match(text, match.end())
        if after:  # “吹拉弹唱”四部曲: the count follows the quoted label
            count = to_int(after.group("num"))
        if count is not None or NUMERAL_RUN.fullmatch(word):
            labels.append(Label(word, count, para, match.start(), match.end(), True, where))
    hinted = rules.pattern("measures", "count_label_hint").search(text) is not None
    for pattern in rules.patterns("measures", "count_label") if hinted else ():
        for match in pattern.finditer(text):
            start, end = match.span("label")
            word = match.group("label")
            count = label_count(word)
            if word in slogans or taken.overlaps(start, end):
                continue
            if count is None or count < 2:  # 一个平台 declares no enumeration
                continue
            taken.add(start, end)
            labels.append(Label(word, count, para, start, end, False, where))
    labels.sort(key=lambda lab: lab.start)
    return labels, codes


class _Spans:
    """Disjoint (start, end) spans, sorted: does a new span overlap one? (bisect, not a scan)"""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        i = bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end) - 1  # the last span starting before `end`
        return i >= 0 and self.ends[i] > start
