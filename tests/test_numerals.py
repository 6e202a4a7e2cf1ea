"""Numerals in count labels: the numeral table (checked against cn2an) and the label forms."""

from __future__ import annotations

import itertools
import os
import re
import tarfile
from collections.abc import Iterator

import pytest

from extractor.numerals import MAX_COUNT, NUMERAL_RUN, label_count, label_parts, model_code, to_int
from tests.conftest import CORPUS, ROOT


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


# --- The table against cn2an (normal mode), which it replaced ------------------------------

#: The characters of NUMERAL_RUN's Chinese runs, and those the rule groups capture.
RUN_CHARS = "零一二两三四五六七八九十百千万"
GROUP_CHARS = "一二两三四五六七八九十"
#: Rule groups capture at most this many numeral characters (第十二, `{1,3}` markers).
GROUP_LENGTH = 3
#: Runs checked exhaustively: every string of RUN_CHARS up to this length (14^4 = 38,416
#: strings; NEWSFACTS_NUMERAL_LENGTH=6 checks 8.1 million, about two minutes).
RUN_LENGTH = int(os.environ.get("NEWSFACTS_NUMERAL_LENGTH", "4"))
#: What cn2an reads that is no numeral: a place value out of order before a 零 (十百零,
#: 一十千零 = 10; 零千百一 = 10). Never met in a corpus (test below); read as None here.
CN2AN_QUIRKS = re.compile("[十千万百][零十百千万]*[百千万]零|零[千万][零十百千万]*百一")


def cn2an_to_int(word: str) -> int | None:
    """What extractor.numerals.to_int was with cn2an: the oracle."""
    cn2an = pytest.importorskip("cn2an", reason="cn2an (the oracle) is not installed")
    if word.isascii() and word.isdigit():
        return int(word)
    if len(word) > 1 and not set("十百千万").intersection(word):
        return None
    try:
        value = cn2an.cn2an(word, "normal")
    except (ValueError, KeyError, IndexError):
        return None
    return int(value) if float(value).is_integer() else None


def as_count(value: int | None) -> int | None:
    """What label_parts keeps of a run's value: a count of parts, else nothing."""
    return value if value is not None and 0 < value <= MAX_COUNT else None


def strings(chars: str, longest: int) -> Iterator[str]:
    for size in range(1, longest + 1):
        yield from map("".join, itertools.product(chars, repeat=size))


def test_rule_groups_read_as_cn2an_read_them() -> None:
    """Every numeral a rule group can capture has cn2an's exact value (1,463 strings)."""
    words = [*strings(GROUP_CHARS, GROUP_LENGTH), *map(str, range(100))]
    words += [chr(c) for c in range(0x110000) if chr(c).isdigit()]  # \\d: any script's digits
    assert [w for w in words if to_int(w) != cn2an_to_int(w)] == []


def test_runs_count_as_cn2an_counted_them() -> None:
    """label_parts keeps a run's value only as a count (1-12): the same count as cn2an's,
    for every run up to RUN_LENGTH characters, except cn2an's quirks."""
    differ = [
        w
        for w in strings(RUN_CHARS, RUN_LENGTH)
        if as_count(to_int(w)) != as_count(cn2an_to_int(w))
    ]
    assert differ, "no quirk met: CN2AN_QUIRKS is out of date"
    assert [w for w in differ if not CN2AN_QUIRKS.search(w)] == []
    assert all(to_int(w) is None for w in differ)


def corpus_texts() -> Iterator[str]:
    """Samples, the real posts and the bulk corpus (when ../shared is there)."""
    for folder in (ROOT / "samples", CORPUS / "real"):
        for path in sorted(folder.glob("*.md")):
            yield path.read_text("utf-8")
    bulk = CORPUS / "bulk" / "xwlb-10k.tar.xz"
    if not bulk.exists():
        pytest.skip(f"{bulk} is absent: the corpus runs were not all checked")
    with tarfile.open(bulk) as archive:
        for member in archive:
            handle = archive.extractfile(member) if member.isfile() else None
            if handle is not None:
                yield handle.read().decode("utf-8", "replace")


def test_every_numeral_of_the_corpora_reads_as_cn2an_read_it() -> None:
    """Each numeral run in 10,700 real texts: the same count as cn2an's, and no quirk met."""
    cn2an_to_int("一")  # skips before the corpus is read when the oracle is absent
    runs = {m.group() for text in corpus_texts() for m in NUMERAL_RUN.finditer(text)}
    assert len(runs) > 1000
    assert [w for w in runs if CN2AN_QUIRKS.search(w)] == []
    assert [w for w in runs if as_count(to_int(w)) != as_count(cn2an_to_int(w))] == []
    short = [w for w in runs if len(w) <= GROUP_LENGTH and set(w) <= set(GROUP_CHARS)]
    assert [w for w in short if to_int(w) != cn2an_to_int(w)] == []
