"""Precision guards: what looks like an enumeration but is no measure.

A numeral that is a date or holiday (五一, 七一, 十一) is no count label and no model code;
a list of things without an action (rights, events, products, industries) gives no group;
a quoted personnel term (县直“两办”) is no label.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from extractor import rules


@cache
def _date_numerals() -> frozenset[str]:
    return frozenset(rules.strings("measures", "date_numerals"))


def is_date_numeral(word: str) -> bool:
    """五一, 七一, 六一, 三八, 五四, 八一, 十一: a date or holiday written as numerals."""
    return word in _date_numerals()


def is_plan_period(word: str) -> bool:
    """十四五, 十五五: a plan period named by numerals, no count of parts."""
    return any(p.match(word) for p in rules.patterns("measures", "model_numerals"))


@cache
def _thing_heads() -> tuple[str, ...]:
    return rules.strings("measures", "thing_heads")


def is_thing_label(label: str) -> bool:
    """三大产业, 7种水果, 6个代表团, 8个城市进行: a count over things, places or groups."""
    head = label_head(label)
    return label.endswith(_thing_heads()) or head.startswith(_thing_heads() + _units())


def is_measure_label(label: str) -> bool:
    """六大措施, 9项工程: the head names measures."""
    return label.endswith(_measure_heads())


def label_head(label: str) -> str:
    """The head after the numeral and classifier: 三大产业 → 产业, 四个月 → 月."""
    return HEAD.sub("", label, count=1)


#: A label's numeral and classifier (三个, 6大, 十项).
HEAD: Final = re.compile(r"^(?:[一二两三四五六七八九十百]+|\d+)(?:[个项种点条大类])?")


@cache
def _measure_heads() -> tuple[str, ...]:
    return rules.strings("measures", "measure_heads")


@cache
def _units() -> tuple[str, ...]:
    return tuple(w for w in rules.strings("measures", "not_counted") if w != "个")
