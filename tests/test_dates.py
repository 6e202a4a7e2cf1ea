"""Date patterns: linear on padded values, and the same readings as the patterns they replaced."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import rules
from extractor.dates import parse_date

#: Spaces padding a value: the former patterns took minutes on this many (quadratic
#: backtracking over `\s*(?P<tz>…)?\s*$`); linear ones take milliseconds.
PADDING = 100_000


def test_a_padded_value_that_is_no_date_is_refused() -> None:
    raw = "2021-12-22" + " " * PADDING + "x"  # constructed
    assert parse_date(raw) == (
        None,
        f"published: no date in a value of {PADDING + 11} characters ('2021-12-22{' ' * 14}'…)",
    )


def test_a_padded_chinese_date_that_is_no_date_is_refused() -> None:
    raw = "2019年10月30" + " " * PADDING + "x"  # constructed: no 日, then padding
    value, warning = parse_date(raw)
    assert value is None
    assert warning is not None and warning.startswith("published: no date in a value of")


def test_a_padded_value_that_is_a_date_is_read() -> None:
    raw = "2021-12-22" + " " * PADDING + "11:16:43" + " " * PADDING + "+0800"  # constructed
    assert parse_date(raw) == ("2021-12-22T11:16:43+08:00", None)
    raw = "2019年10月30日" + " " * PADDING + "10时05分"  # constructed
    assert parse_date(raw) == ("2019-10-30T10:05:00+08:00", None)


def test_a_padded_impossible_date_is_shown_in_part() -> None:
    raw = "2021-13-45" + " " * PADDING + "10:05"  # constructed
    assert parse_date(raw) == (
        None,
        f"published: impossible date a value of {PADDING + 15} characters "
        f"('2021-13-45{' ' * 14}'…)",
    )


#: The patterns before they were made linear: the reference for what each value reads as.
FORMER_DATETIME = (
    r"^\s*(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[T\s]+(?P<H>\d{1,2}):"
    r"(?P<M>\d{1,2})(?::(?P<S>\d{1,2})(?:\.\d+)?)?)?\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?\s*$",
    r"^\s*(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?(?:\s*(?P<H>\d{1,2})"
    r"\s*[:：时]\s*(?P<M>\d{1,2})(?:\s*[:：分]\s*(?P<S>\d{1,2})秒?)?分?)?\s*$",
)
TOKENS = [
    "2021", "12", "3", "05", "-", "/", ".", "T", " ", "  ", "\t", ":", "：", "+08:00", "+0800",
    "-0500", "Z", "年", "月", "日", "号", "时", "分", "秒", ".5", "x",
]  # fmt: skip


def readings(patterns: tuple[re.Pattern[str], ...], text: str) -> list[dict[str, str | None]]:
    return [m.groupdict() if (m := p.match(text)) else {} for p in patterns]


FORMER = tuple(re.compile(p) for p in FORMER_DATETIME)


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.lists(st.sampled_from(TOKENS), max_size=16).map("".join),
        *(st.from_regex(p, fullmatch=True) for p in FORMER_DATETIME),
    )
)
def test_linear_patterns_read_what_the_former_ones_read(text: str) -> None:
    assert readings(rules.patterns("dates", "datetime"), text) == readings(FORMER, text)
