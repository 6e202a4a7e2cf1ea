"""Numerals in count labels: cn2an in normal mode plus the label forms it cannot read."""

from __future__ import annotations

import pytest

from extractor.numerals import label_count, label_parts, model_code, to_int


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("三", 3),
        ("十二", 12),
        ("两", 2),  # strict mode would reject 两
        ("二十", 20),
        ("9", 9),
        ("百", None),  # a place value alone is no number for a count
        ("十四五", None),  # a plan name, not a number
    ],
)
def test_to_int(word: str, value: int | None) -> None:
    assert to_int(word) == value


@pytest.mark.parametrize(
    ("label", "count"),
    [
        ("三个保障", 3),  # reference post
        ("六项举措", 6),
        ("四到位", 4),  # 036
        ("两关", 2),  # 029
        ("5个具体目标", 5),  # 108, Arabic numeral
        ("6方面", 6),  # 030
        ("五促一稳", 6),  # 028: 5 + 1
        ("五清五查", 10),  # 121: 5 + 5
        ("三亮三比", 6),  # 112
        ("三抓一服务", 4),  # 122
        ("十大百万", None),  # 032: 百万 is no count of parts
        ("百千万", None),  # 028: numerals only, no head
        ("吹拉弹唱", None),  # 126: no numeral at all
        ("一对一", None),  # ends in a numeral without head
        ("五个一", 5),  # constructed: a single numeral after a classifier is the head
        ("三个一批", 3),  # constructed: N个一X declares N
        ("四个一工程", 4),  # constructed
        ("三个一百", None),  # 百 after 一 makes a numeral run of its own: no head
        ("19个部委办局", None),  # 111: too many to be enumerated parts
    ],
)
def test_label_count(label: str, count: int | None) -> None:
    assert label_count(label) == count


def test_label_parts_keep_heads() -> None:
    assert label_parts("五清五查") == [(5, "清"), (5, "查")]
    assert label_parts("四强") == [(4, "强")]


@pytest.mark.parametrize(
    ("code", "counts"),
    [
        ("三三六三", [3, 3, 6, 3]),  # reference post
        ("三三六", [3, 3, 6]),  # constructed
        ("三个保障", None),
        ("十四五", None),  # 十 is no single-digit part count
        ("三", None),  # one digit is a count, not a model code
    ],
)
def test_model_code(code: str, counts: list[int] | None) -> None:
    assert model_code(code) == counts
