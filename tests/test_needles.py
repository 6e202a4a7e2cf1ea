"""A pattern group's needles never let it skip a text one of its patterns matches."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import authors, rules
from extractor.needles import group_needles, may_match, needles
from tests.conftest import ROOT, SAMPLES, extract_file

#: Every pattern group of the rule files the precheck guards.
GROUPS = [
    (name, group)
    for name in ("authors", "source", "document")
    for group, raw in rules.load(name).items()
    if isinstance(raw, dict) and "patterns" in raw
]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("来源[:：]", {"来源"}),  # a run of literals is one needle
        (
            "(?<!图片)(?:文章|新闻)?来源",
            {"来源"},
        ),  # lookbehinds and optional parts hold nothing sure
        ("[（(]记者", {"记者"}),  # the longer needle is the more selective
        ("(?:转载自|摘自)《", {"转载自", "摘自"}),  # each way through holds one
        ("(?:甲|乙)+丙?", {"甲", "乙"}),  # a repeat of at least one holds its body's needles
        ("^[（(]", {"（", "("}),
        ("a|.", None),  # one alternative with nothing sure: no precheck
        ("(?:来源)*", None),  # zero repeats are a match too
        ("[^()]{2}", None),  # negated and ranged classes hold nothing sure
        ("(?i:abc)", None),  # a case-insensitive literal is no needle
    ],
)
def test_needles(source: str, expected: set[str] | None) -> None:
    found = needles(re.compile(source))
    assert (None if found is None else set(found)) == expected


def test_a_case_insensitive_pattern_has_no_precheck() -> None:
    assert needles(re.compile("abc", re.IGNORECASE)) is None


@pytest.mark.parametrize(("name", "group"), GROUPS, ids=str)
def test_every_match_example_passes_its_groups_precheck(name: str, group: str) -> None:
    described = rules.examples(name, group)
    assert described is not None
    found = group_needles(rules.patterns(name, group))
    for text in described.match:
        if any(p.search(text) for p in rules.patterns(name, group)):
            assert may_match(text, found), (name, group, text)


@st.composite
def texts_near(draw: st.DrawFn, name_group: tuple[str, str]) -> str:
    """Text built from pieces of the group's own examples, cut and glued at random."""
    name, group = name_group
    described = rules.examples(name, group)
    assert described is not None
    pieces = [*described.match, *described.no_match]
    parts = draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=3))
    text = "".join(parts)
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, len(text)))
    return text[start:end] + draw(st.text(alphabet="（(:：/ 来源记者摄年", max_size=4))


@settings(max_examples=1500, deadline=None)
@given(data=st.data())
def test_a_text_the_precheck_skips_matches_no_pattern(data: st.DataObject) -> None:
    name, group = data.draw(st.sampled_from(GROUPS))
    text = data.draw(texts_near((name, group)))
    found = group_needles(rules.patterns(name, group))
    if not may_match(text, found):
        assert not any(p.search(text) for p in rules.patterns(name, group)), (name, group, text)


@settings(max_examples=1000, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from(["编辑", "记者", "文", "图", "来源", "本报", ":", "：", "/", " ", "孙立"]),
        max_size=8,
    )
)
def test_a_paragraph_the_label_precheck_skips_holds_no_label(parts: list[str]) -> None:
    text = "".join(parts)
    label = authors._label_pattern()
    if not may_match(text, authors._label_needles()):
        assert label.search(text) is None


def test_no_paragraph_of_the_posts_skipped_by_a_precheck_matches_its_group() -> None:
    """Over the paragraphs of the samples (and the real posts when ../shared is there)."""
    paths = [
        *sorted(SAMPLES.glob("*.md")),
        *sorted((ROOT.parent / "shared/corpus/real").glob("*.md")),
    ]
    paragraphs = [p for path in paths for p in extract_file(path).paragraphs]
    assert len(paragraphs) > 200
    skipped = 0
    for name, group in GROUPS:
        patterns = rules.patterns(name, group)
        found = group_needles(patterns)
        for text in paragraphs:
            if not may_match(text, found):
                skipped += 1
                assert not any(p.search(text) for p in patterns), (name, group, text)
    assert skipped > len(paragraphs)  # the prechecks do skip most paragraphs of some groups
