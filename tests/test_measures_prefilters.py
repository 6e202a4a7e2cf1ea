"""The measures stage's shortcuts skip only text that could give nothing.

A hint or a joined pattern lets a paragraph be skipped before the rule patterns are asked;
that is sound only while every match of those patterns holds the hint. These tests check it
on the rule examples and on every marker the families can write, so a change of a marker or
count-label pattern that outgrows its hint fails here, not silently in the output.
"""

from __future__ import annotations

import re
import sys

import pytest

from extractor import rules
from extractor.measures.before import _framing_verbs, _lead_in, _lead_in_at
from extractor.measures.labels import (
    COUNT_LABEL_OPENING,
    QUOTE_OPENERS,
    count_label_places,
    find_labels,
)
from extractor.measures.markers import (
    INLINE_FAMILIES,
    INLINE_OPENING,
    PARAGRAPH_FAMILIES,
    _inline_places,
    any_head,
    scan_markers,
)
from extractor.measures.prefilter import any_of
from extractor.measures.runs import UNLABELLED
from extractor.measures.text import (
    BMP_DIGITS,
    BRACKETS,
    DIGIT_OPENING,
    SPACES,
    first_stop,
    stop_positions,
)
from extractor.measures.tree import (
    HINT_GROUPS,
    HINT_OPENING,
    _lead_groups,
    _runin_groups,
    build_tree,
    enumerating,
    opening_no_run,
)
from extractor.numerals import _model_code
from extractor.reader import read_document
from tests.conftest import CORPUS, SAMPLES
from tests.test_fast_paths import reference_stop_positions

ORDINALS = [*"一二三四五六七八九十", "十一", "十二"]
#: Every marker shape the inline families write, in a clause of invented words.
MARKERS = [
    *(f"要求，{n}{verb}加强协作" for n in ORDINALS for verb in ("是", "要", "则", "是，")),
    *(f"要求：第{n}{tail}加强协作" for n in ORDINALS for tail in ("，", "、", "：", "是", "要，")),
    *(f"要求：{n}、加强协作；" for n in ORDINALS),
    *(
        f"{word}{tail}加强协作"
        for word in ("首先", "其次", "再次", "最后")
        for tail in ("", "是，")
    ),
    "一方面加强协作，另一方面要改进服务",
]


def _examples(group: str) -> list[str]:
    described = rules.examples("measures", group)
    assert described is not None
    return [*described.match, *described.no_match]


@pytest.mark.parametrize("family", INLINE_FAMILIES)
def test_every_inline_marker_holds_the_marker_hint(family: str) -> None:
    pattern = rules.pattern("measures", f"marker_{family}")
    hint = rules.pattern("measures", "marker_hint")
    texts = [*MARKERS, *_examples(f"marker_{family}")]
    matched = [m for text in texts for m in pattern.finditer(text)]
    assert matched, f"no marker of {family} in the cases"
    missed = [m.group() for m in matched if hint.search(m.string, m.start(), m.end()) is None]
    assert not missed, f"marker_hint misses {family} markers {missed}"


def _inline_cases() -> list[str]:
    examples = (text for f in INLINE_FAMILIES for text in _examples(f"marker_{f}"))
    spaced = ["提出要求： 一、围绕中心；　二、加强建设", "要求，\n一是统一思想", "十一是，十二要"]
    return [*MARKERS, *examples, *spaced, *("".join(MARKERS[i : i + 3]) for i in range(0, 60, 7))]


def test_one_scan_finds_every_place_an_inline_family_matches_and_names_it() -> None:
    patterns = [(f, rules.pattern("measures", f"marker_{f}")) for f in INLINE_FAMILIES]
    opening = re.compile(INLINE_OPENING)
    found = set()
    for text in _inline_cases():
        places = []
        for at in range(len(text)):
            families = [f for f, pattern in patterns if pattern.match(text, at)]
            assert len(families) <= 1, (text, at, families)  # the group names the family
            places += [(at, f) for f in families]
            assert not families or opening.match(text, at), (text, at)
        assert [(m.start(), m.lastgroup) for m in _inline_places().finditer(text)] == places
        found.update(f for _, f in places)
    assert found == set(INLINE_FAMILIES)  # every family is met, so the comparison means something


def test_the_spelt_out_digits_are_what_backslash_d_matches() -> None:
    bmp, opening = re.compile(f"[{BMP_DIGITS}]"), re.compile(f"[{DIGIT_OPENING}]")
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        digit = re.match(r"\d", ch) is not None
        if code < 0x10000:
            assert (bmp.match(ch) is not None) == digit, hex(code)
        assert opening.match(ch) is not None or not digit, hex(code)


def test_a_numeral_and_classifier_opening_no_count_label_leave_the_paragraph_unread() -> None:
    hint = rules.pattern("measures", "count_label_hint")
    unread = ["第一个月完成了任务", "已有一个多月没有下雨"]
    for text in unread:
        assert hint.search(text), text  # a count label's hint, yet no count label starts here
        assert not list(count_label_places().finditer(text)), text
        assert find_labels(text, 0) == ([], [])
    read = ["采取四项措施推进工作", "已有一个多月没有下雨，落实三项措施"]
    assert enumerating([*unread, *read]) == [2, 3]


def test_the_spelt_out_spaces_are_what_backslash_s_matches() -> None:
    spelt = re.compile(f"[{SPACES}]")
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert bool(spelt.match(ch)) == bool(re.match(r"\s", ch)), hex(code)


def test_the_joined_head_pattern_matches_where_a_head_family_does() -> None:
    heads = [rules.pattern("measures", f"marker_{f}") for f in PARAGRAPH_FAMILIES]
    texts = [
        *(text for f in PARAGRAPH_FAMILIES for text in _examples(f"marker_{f}")),
        *MARKERS,
        "  （三）加强协作",
        "12、改进服务",
    ]
    for text in texts:
        assert bool(any_head().match(text)) == any(p.match(text) for p in heads), text


def test_every_count_label_starts_at_a_hint_or_one_numeral_before_one() -> None:
    hint = rules.pattern("measures", "count_label_hint")
    texts = [
        *_examples("count_label"),
        *(f"采取{n}{c}措施，" for n in ("两", "十二", "3", "12") for c in ("项", "个", "大", "")),
        "源于两方面改革：",
        "分两部分即",
        "第三项措施和5个方面",
        "落实十二项三大举措两方面改革",
    ]
    for pattern in rules.patterns("measures", "count_label"):
        for text in texts:
            hints = {m.start() for m in hint.finditer(text)}
            for match in pattern.finditer(text):
                assert hints & {match.start(), match.start() + 1}, (text, match)


def test_a_joined_pattern_matches_exactly_where_one_of_its_patterns_does() -> None:
    parts = [re.compile(r"(?P<n>[一二])是"), re.compile(r"^\s*(?P<n>\d)、"), re.compile(r"首先")]
    joined = any_of(parts)
    for text in ["一是", "各是", " 3、", "x3、", "首先", "其次", ""]:
        assert bool(joined.search(text)) == any(p.search(text) for p in parts), text


def test_an_opening_class_leaves_what_the_joined_pattern_matches() -> None:
    parts = [
        re.compile(r"(?P<n>[一二])是"),
        re.compile(r"(?<=[甲乙])[一二]、"),
        re.compile(r"首先"),
    ]
    plain, opened = any_of(parts), any_of(parts, opening="[一二首]")
    for text in ["一是", "各是", "甲二、", "丙二、", "x首先", "其次", "", "\n一是"]:
        assert bool(opened.search(text)) == bool(plain.search(text)), text
        assert bool(opened.match(text)) == bool(plain.match(text)), text


#: Texts of invented words holding labels of every kind, quoted counts and codes among them.
LABEL_TEXTS = [
    *(f"推行“{n}项保障”机制" for n in ("两", "十二", "3")),
    "推行“ 三项保障”机制",
    "“轻拉慢唱”四部曲奏响",
    '"轻拉慢唱"四部曲奏响',
    "“线上招募、线下对接”两手抓",
    "“甲”“乙”“丙”三个章节",
    "围绕“三三六二”，即…",
    "按照“四三二一”思路推进",
    "严把三关。",
    "采取四项措施推进工作",
]


def _label_cases() -> list[str]:
    groups = ("quoted", "count_after_quote", "count_label", "clause_count", "count_label_hint")
    return [*LABEL_TEXTS, *(text for g in groups for text in _examples(g)), *MARKERS]


def test_the_opening_class_opens_every_match_of_the_hint_groups() -> None:
    opening = re.compile(HINT_OPENING)
    for group in HINT_GROUPS:
        pattern = rules.pattern("measures", group)
        texts = [*_label_cases(), *_examples(group)]
        matched = [m for text in texts for m in pattern.finditer(text)]
        assert matched, group
        assert all(opening.match(m.group()) for m in matched), group


def test_a_count_hint_at_a_digit_the_opening_leaves_out_gives_no_label() -> None:
    opening = re.compile(HINT_OPENING)
    for digit in "５٣𝟒":
        assert opening.match(digit) is None
        assert re.match(r"\d", digit)  # a digit to the rules' patterns, yet its count is unread
        assert find_labels(f"采取{digit}项措施推进工作，落实{digit}个方面", 0) == ([], [])


def test_a_paragraph_that_gives_a_label_or_a_marker_is_hinted() -> None:
    texts = [*_label_cases(), *(t for f in PARAGRAPH_FAMILIES for t in _examples(f"marker_{f}"))]
    given = [t for t in texts if find_labels(t, 0) != ([], []) or scan_markers([t])]
    assert len(given) > len(LABEL_TEXTS)
    assert enumerating(given) == list(range(len(given)))
    assert enumerating(["各方面工作稳步推进。", "“轻拉慢唱”活动"]) == []


def test_a_paragraph_opening_no_run_is_long_stopless_unspaced_and_without_semicolons() -> None:
    long = "各村组织志愿者开展环境整治并同步推进道路硬化与绿化美化工作取得实效"
    cases = [long + "。", "组织建设到位", long[:10] + "。" + long, " " + long, long + "；甲；乙"]
    assert opening_no_run(cases) == {0}


def _article_paragraphs() -> list[list[str]]:
    paths = [*sorted(SAMPLES.glob("*.md")), *sorted((CORPUS / "real").glob("*.md"))]
    return [read_document(p.name, p.read_bytes()).paragraphs for p in paths]


def test_a_paragraph_opening_no_run_changes_no_unlabelled_finder() -> None:
    articles = _article_paragraphs()
    assert sum(bool(opening_no_run(paragraphs)) for paragraphs in articles) > len(articles) // 2
    found = 0
    for paragraphs in articles:
        closed = opening_no_run(paragraphs)
        for finder in (*UNLABELLED, _runin_groups):
            runs = finder(paragraphs, set())
            assert finder(paragraphs, closed) == runs, finder.__name__
            found += len(runs)
        runs = _lead_groups(paragraphs, set(), set())
        assert _lead_groups(paragraphs, set(), closed) == runs
        found += len(runs)
    assert found >= 10  # the articles hold runs of each shape, so the comparison means something


def test_an_article_no_stage_can_read_still_gets_its_title_run() -> None:
    long = "各村组织志愿者开展环境整治并同步推进道路硬化与绿化美化工作取得实效"
    drafts, codes = build_tree([long + "。"] * 3, "抓一线促二线兴三线")
    assert codes == []
    assert [(d.where, [it.name for it in d.items]) for d in drafts] == [
        ("title", ["抓一线", "促二线", "兴三线"])
    ]
    assert build_tree([long + "。"] * 3, "各村开展环境整治") == ([], [])


def test_a_pattern_with_a_back_reference_is_not_joined() -> None:
    with pytest.raises(ValueError, match="back-reference"):
        any_of([re.compile(r"(?P<a>x)(?P=a)")])


@pytest.mark.parametrize(
    "text",
    [
        "加强协作，改进服务。",
        "他说：“加强协作，改进服务。”随后，散会。",
        "（一，二）三，四",
        "“未闭合，引号。",
        '"甲，乙"，丙',
        '"甲，乙，丙',
        "））甲，乙（丙，丁）",
        "《甲，乙》（丙“丁，戊”）己，庚",
        "‘甲，乙’，丙",
        "甲，（乙，丙）丁",
        "甲，“乙，丙",
        "甲乙（丙，丁）戊，己",
    ],
)
def test_stops_outside_quotes_and_brackets_as_walked_by_hand(text: str) -> None:
    assert not frozenset("，。") & BRACKETS
    for stops in (frozenset("，,"), frozenset("。"), frozenset("，,；;。：:")):
        expected = reference_stop_positions(text, stops)
        assert stop_positions(text, stops) == expected
        assert first_stop(text, stops) == (expected[0] if expected else None)


def test_the_joined_count_label_scan_lists_every_place_one_of_them_matches() -> None:
    patterns = rules.patterns("measures", "count_label")
    texts = [
        *_label_cases(),
        *_examples("count_label"),
        "第三项措施和5个方面",
        "两个月，一个平台",
        "十三项措施，十二大举措",
    ]
    tried = 0
    for text in texts:
        places = [at for at in range(len(text)) if any(p.match(text, at) for p in patterns)]
        assert [m.start() for m in count_label_places().finditer(text)] == places, text
        tried += len(places)
    assert tried >= 10  # labels start in the cases, so the comparison means something


def test_every_count_label_pattern_opens_with_the_numeral_class() -> None:
    opening = re.compile(COUNT_LABEL_OPENING)
    for pattern in rules.patterns("measures", "count_label"):
        matched = [m for text in _label_cases() for m in pattern.finditer(text)]
        assert matched, pattern.pattern
        assert all(opening.match(m.group()) for m in matched), pattern.pattern


def test_every_quote_a_label_can_come_from_opens_with_a_quote_opener() -> None:
    quoted = rules.pattern("measures", "quoted")
    matched = [m for text in [*_label_cases(), *_examples("quoted")] for m in quoted.finditer(text)]
    assert len(matched) >= 5
    assert all(m.group()[0] in QUOTE_OPENERS for m in matched)


#: Members of invented words with and without a lead clause (framing verb, preposition).
MEMBERS = [
    *(f"{w}乙丙丁" for w in _lead_in()),
    *(f"甲{w}乙丙丁" for w in _lead_in()),
    *(f"甲乙{w}" for w in _lead_in()),
    "通过开展志愿服务",
    "校长就学校制度",
    "甲乙丙丁戊",
    "",
]


def test_the_lead_in_patterns_find_what_asking_each_word_finds() -> None:
    words = _lead_in()
    for member in MEMBERS:
        holds_verb = any(len(w) > 1 and w in member for w in words)
        assert (_framing_verbs().search(member) is not None) == holds_verb, member
        for at in range(len(member) + 1):
            found = _lead_in_at().match(member, at)
            first = next((w for w in words if member.startswith(w, at)), None)
            assert (found.group() if found else None) == first, (member, at)


def test_the_joined_model_code_pattern_matches_what_one_of_them_does() -> None:
    patterns = rules.patterns("measures", "model_code")
    for text in [*_examples("model_code"), *_label_cases(), "三三六三", "四三二一五", "三"]:
        assert (_model_code().match(text) is not None) == any(p.match(text) for p in patterns)
