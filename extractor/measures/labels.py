"""Count labels in running text: “三个保障”, 三点要求, 五促一稳 — what they declare and where."""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache, lru_cache
from typing import Final

from extractor import rules
from extractor.measures.guards import is_date_numeral, is_plan_period
from extractor.measures.prefilter import any_of
from extractor.measures.text import DIGIT_OPENING
from extractor.numerals import MAX_COUNT, NUMERAL_RUN, label_count, model_code, to_int


# A plain class with slots, not a dataclass: a fresh process makes it in a few us, not 0.3 ms
# (it is made, read and changed, never compared or printed).
class Label:
    """A count label in the text: its words, the count it declares, where it stands."""

    __slots__ = (
        "after_list",
        "count",
        "end",
        "para",
        "quoted",
        "start",
        "text",
        "used",
        "weak",
        "where",
    )

    def __init__(  # noqa: PLR0917 - the fields in order, as the readers pass them
        self,
        text: str,
        count: int | None,
        para: int,
        start: int,  # span including quotes
        end: int,
        quoted: bool,
        where: str = "paragraph",
        used: bool = False,
        weak: bool = False,
        after_list: bool = False,
    ) -> None:
        self.text = text
        self.count = count
        self.para = para
        self.start = start
        self.end = end
        self.quoted = quoted
        self.where = where
        self.used = used
        #: A weak label (严把三关。) is a group only when items match its count exactly.
        self.weak = weak
        #: A count word after a quoted list (“A、B”两手抓): its items stand before it.
        self.after_list = after_list


@cache
def _slogans() -> frozenset[str]:
    return frozenset(rules.strings("slogans", "slogans"))


def is_slogan(text: str) -> bool:
    """Rule check: `text` quotes a slogan (“四个意识”), which is no label."""
    return any(m.group("label").strip() in _slogans() for m in _quoted().finditer(text))


@cache  # asked for by every paragraph `find_labels` reads
def _quoted() -> re.Pattern[str]:
    return rules.pattern("measures", "quoted")


@cache
def _not_counted() -> frozenset[str]:
    """Heads a weak label never has: units (年, 人) and sides (两岸), joined once, not per text."""
    return frozenset(rules.strings("measures", "not_counted")) | frozenset(
        rules.strings("measures", "side_heads")
    )


#: What splits a quoted word into list members: a quoted list is no label itself.
LIST_MARKS: Final = re.compile(r"[、，,；;。]")
QUOTE_CLOSERS: Final = frozenset('”"')
#: The characters every match of the `quoted` pattern opens with (its first class).
QUOTE_OPENERS: Final = ("“", '"')
CURLY_OPENER, STRAIGHT_QUOTE = QUOTE_OPENERS


def find_labels(text: str, para: int, where: str = "paragraph") -> tuple[list[Label], list[str]]:
    """Count labels of one text, and the model codes (“三三六三”) it states.

    Every label comes from a quote, a place where a `count_label` pattern matches or a weak
    clause count: a text with none of them (two paragraphs in three) is left at that, and
    each scan starts at the first.
    """
    # a quote opens with one of QUOTE_OPENERS: `in` (a C scan of the bare characters) tells
    # most paragraphs there is none, cheaper than the regex engine reading the text for it
    quoted = CURLY_OPENER in text or STRAIGHT_QUOTE in text
    quote = _quoted().search(text) if quoted else None
    # Every place where one of the patterns matches, in one scan: the joined patterns behind
    # their shared opening class consume one character a match, so no place is skipped. Most
    # numerals and classifiers open no count label (一个, 两个月): they give no place, instead
    # of one failed match per pattern and numeral.
    starts = [m.start() for m in count_label_places().finditer(text)]
    clause = rules.pattern("measures", "clause_count").search(text)
    if quote is None and not starts and clause is None:
        return [], []
    found = _Found(text, para, where)
    if quote is not None:
        _quoted_labels(found, quote.start())
    if starts:
        _count_labels(found, starts)
    if clause is not None:
        _clause_counts(found, clause.start())
    found.labels.sort(key=lambda lab: lab.start)
    return found.labels, found.codes


class _Found:  # a plain class with slots, as Label: made for every paragraph with a hint
    """What `find_labels` collects in one text."""

    __slots__ = ("codes", "labels", "para", "taken", "text", "where")

    def __init__(self, text: str, para: int, where: str) -> None:
        self.text = text
        self.para = para
        self.where = where
        self.labels: list[Label] = []
        self.codes: list[str] = []
        self.taken = _Spans()

    # The flags as keywords, not **how: a call passing **kwargs is a Python call, where mypyc
    # otherwise calls the compiled constructor directly.
    def add(
        self,
        word: str,
        count: int | None,
        start: int,
        end: int,
        *,
        quoted: bool,
        weak: bool = False,
        after_list: bool = False,
    ) -> None:
        self.taken.add(start, end)
        self.labels.append(
            Label(
                word,
                count,
                self.para,
                start,
                end,
                quoted,
                self.where,
                weak=weak,
                after_list=after_list,
            )
        )


def _quoted_labels(found: _Found, scan_from: int) -> None:
    """“三个保障”; “吹拉弹唱”四部曲; “A、B”两手抓 (the count word is the label); model codes."""
    text, slogans = found.text, _slogans()
    after_quote = rules.pattern("measures", "count_after_quote")
    for match in _quoted().finditer(text, scan_from):
        word = match.group("label").strip()
        start, end = match.span()  # (not *match.span(): a starred call is a Python call)
        found.taken.add(start, end)
        after = after_quote.match(text, match.end())
        opens_with_numeral = NUMERAL_RUN.match(word) is not None
        if after is None and not opens_with_numeral:
            # no count (it opens the word or follows the quote), and no code, which is all
            # numerals (`model_code` reads each character as one): most quotes
            continue
        code = model_code(word) if opens_with_numeral else None  # (asked once: read below)
        before = text[max(0, match.start() - 2) : match.start()]
        in_run = before[-1:] in QUOTE_CLOSERS or (
            before[-1:] == "、" and before[:1] in QUOTE_CLOSERS
        )
        if after and (LIST_MARKS.search(word) or in_run):
            # “线上招聘、线下对接”两手抓 / “A”“B”“C”三个章节: the count word is the label
            count = to_int(after.group("num"))
            start, end = after.span("label")
            if count is None or not 2 <= count <= MAX_COUNT:
                continue
            if not found.taken.overlaps(start, end):
                found.add(after.group("label"), count, start, end, quoted=False, after_list=True)
            continue
        if (
            word in slogans
            or LIST_MARKS.search(word)
            or is_date_numeral(word)
            or is_plan_period(word)
        ):
            continue
        if code and not _has_own_list(text, match.end()):
            found.codes.append(word)
            continue
        count = _count_of(word)
        if after and count is None:  # “吹拉弹唱”四部曲: the count follows the quoted label
            count = to_int(after.group("num"))
            if count is not None and count > MAX_COUNT:
                continue  # “旭富一号”26名获救船员: a number of people, no count of parts
        if count is not None and count < 2 and not NUMERAL_RUN.fullmatch(word):
            continue  # “一岗双责”, “一站式”: one is no enumeration
        if code:
            count = None  # “四三二一”，即…: a code with its own items is one group of them
        if count is not None or NUMERAL_RUN.fullmatch(word):
            found.labels.append(
                Label(word, count, found.para, match.start(), match.end(), True, found.where)
            )


def _count_labels(found: _Found, starts: list[int]) -> None:
    """Unquoted count labels: 三项措施, 三点意见, 两方面改革, 四举措.

    Each pattern is tried only at `starts`, where one of them matches (`match`), not scanned
    along the paragraph: the first of those places where it matches at or after the end of
    its last match is the match `finditer` would find next.
    """
    slogans = _slogans()
    text = found.text
    for pattern in rules.patterns("measures", "count_label"):
        end = 0
        for at in starts:
            if at < end or (match := pattern.match(text, at)) is None:
                continue
            end = match.end()
            start, stop = match.span("label")
            word = match.group("label")
            if word in slogans or found.taken.overlaps(start, stop):
                continue
            count = _count_of(word)
            if count is None or count < 2:  # 一个平台 declares no enumeration
                continue
            found.add(word, count, start, stop, quoted=False)


def _clause_counts(found: _Found, scan_from: int) -> None:
    """Weak labels: a bare count word closing a clause (严把三关。), never a unit (三年。)."""
    not_counted = _not_counted()
    for match in rules.pattern("measures", "clause_count").finditer(found.text, scan_from):
        start, end = match.span("label")
        count = to_int(match.group("num"))
        if match.group("head") in not_counted or found.taken.overlaps(start, end) or count is None:
            continue
        found.add(match.group("label"), count, start, end, quoted=False, weak=True)


#: The numeral every `count_label` pattern and the `count_label_hint` opens with (their first
#: class, `\d` spelt out: see text.DIGIT_OPENING).
COUNT_LABEL_OPENING: Final = f"[一二两三四五六七八九十{DIGIT_OPENING}]"


@cache
def count_label_places() -> re.Pattern[str]:
    """One character wherever any `count_label` pattern matches: `finditer` lists them all.

    Most numerals (dates, 一个) open no label: the gate (a `count_label_hint` here or one
    character on, which every label holds) turns them away before the patterns are read.
    """
    hint = rules.pattern("measures", "count_label_hint").pattern
    return any_of(
        rules.patterns("measures", "count_label"),
        opening=COUNT_LABEL_OPENING,
        gate=f"(?=(?s:.)?(?:{hint}))",
    )


@lru_cache(maxsize=4096)  # a few hundred words (两个, 三项措施…) make most labels
def _count_of(word: str) -> int | None:
    """`label_count(word)`, remembered: it reads the word's numerals one by one."""
    return label_count(word)


def _has_own_list(text: str, at: int) -> bool:
    """A list follows right here (，即 / ： / （): the code before it names that list."""
    return joined_list_after().match(text, at) is not None


@cache
def joined_list_after() -> re.Pattern[str]:
    """The `list_after` patterns joined: one match asks whether any of them matches."""
    return any_of(rules.patterns("measures", "list_after"))


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
