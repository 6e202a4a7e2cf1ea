"""The measure tree as a whole: the reference post against its gold, count checks, model
codes, slogans, robustness, and the eval figures over samples/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import rules
from extractor.document import Document
from extractor.evaluate import evaluate
from extractor.measures import extract_measure_groups
from extractor.measures.labels import find_labels
from schemas import Article, MeasureGroup
from tests.conftest import REFERENCE, SAMPLES, extract_file


def doc(paragraphs: list[str]) -> Document:
    return Document(path="t.md", text="", encoding="utf-8", kind="post", paragraphs=paragraphs)


def project(groups: list[MeasureGroup]) -> list[dict[str, Any]]:
    return [
        {
            "label": g.label,
            "declared_count": g.declared_count,
            "items": [i.name for i in g.items],
            "children": project(g.children),
        }
        for g in groups
    ]


def project_gold(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "label": g["label"],
            "declared_count": g["declared_count"],
            "items": g["items"],
            "children": project_gold(g.get("children", [])),
        }
        for g in groups
    ]


def leaves(groups: list[MeasureGroup]) -> int:
    return sum(leaves(g.children) if g.children else len(g.items) for g in groups)


# --- The reference post --------------------------------------------------------------------


def test_reference_tree_equals_seed_gold(reference: Article) -> None:
    gold = json.loads(REFERENCE.with_name(REFERENCE.stem + ".gold.json").read_text("utf-8"))
    assert project(reference.measure_groups) == project_gold(gold["measure_groups"])


def test_reference_tree_shape(reference: Article) -> None:
    groups = reference.measure_groups
    assert [g.label for g in groups] == ["三个保障", "三种方式", "六项举措", "三个体系"]
    six = groups[2]
    assert len(six.items) == 6 and len(six.children) == 6
    assert [c.parent_item for c in six.children] == list(range(6))
    assert all(len(c.items) == 3 for c in six.children)
    assert leaves(groups) == 27


def test_reference_has_no_warnings_and_no_slogan_groups(reference: Article) -> None:
    assert reference.warnings == []
    labels = {g.label for top in reference.measure_groups for g in [top, *top.children]}
    assert labels.isdisjoint({"四个意识", "四个自信", "两个维护"})


def test_reference_evidence(reference: Article) -> None:
    group = reference.measure_groups[0]
    assert group.heading == "构建“三个保障”，完善就业工作机制"
    assert group.purpose == "完善就业工作机制"
    assert group.evidence is not None and group.evidence.paragraph == 2
    for item in group.items:
        ev = item.evidence
        assert ev.paragraph is not None
        assert reference.paragraphs[ev.paragraph][ev.start : ev.end] == item.text


# --- Declared counts are checked -------------------------------------------------------------


def test_count_mismatch_is_a_warning_real_sentence_cut_short(reference: Article) -> None:
    heading, items = reference.paragraphs[2], reference.paragraphs[3]
    cut = items[: items.index("构建条件保障")]  # the real paragraph without its third item
    d = doc([heading, cut])
    [group] = extract_measure_groups(d)
    assert len(group.items) == 2
    assert d.warnings == ["三个保障: declared 3, found 2"]


def test_model_code_is_checked_against_top_level_counts(reference: Article) -> None:
    paragraphs = reference.paragraphs
    whole = doc(paragraphs)
    extract_measure_groups(whole)
    assert whole.warnings == []
    without_last = doc(paragraphs[:13])  # the real post cut before 完善“三个体系”
    extract_measure_groups(without_last)
    assert without_last.warnings == ["model code 三三六三: declared 3/3/6/3, found 3/3/6"]


# --- Slogans: by list and by form ------------------------------------------------------------


@pytest.mark.parametrize("slogan", rules.strings("slogans", "slogans"))
def test_every_listed_slogan_is_no_label(slogan: str) -> None:
    labels, _ = find_labels(f"要牢固树立“{slogan}”，一是加强学习；二是狠抓落实。", 0)
    assert labels == []


def test_listed_slogan_followed_by_items_still_gives_no_group() -> None:
    # constructed: a slogan that seems to introduce a list
    d = doc(["增强“四个意识”：增强政治意识；增强大局意识；增强核心意识；增强看齐意识。"])
    assert extract_measure_groups(d) == []


def test_unlisted_quoted_label_without_items_gives_no_group() -> None:
    paragraphs = [  # real: 029_guanbuqiao-sanguan.md, “一隔五化” has no items
        "铜安路、枞桐路两边新建绿岛绿化工程,拓宽辅助车道达2公里,初步测算60万元,夯实“一隔五化”基础"
    ]
    labels, _ = find_labels(paragraphs[0], 0)
    assert [lab.text for lab in labels] == ["一隔五化"]
    assert extract_measure_groups(doc(paragraphs)) == []


def test_same_label_restated_gives_one_group() -> None:
    paragraphs = [  # constructed
        "学校实施“三项行动”。",
        "学校扎实推进“三项行动”：开展走访行动；开展帮扶行动；开展宣讲行动。",
    ]
    groups = extract_measure_groups(doc(paragraphs))
    assert [(g.label, len(g.items)) for g in groups] == [("三项行动", 3)]


# --- Robustness ------------------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        "一是",
        "二是",
        "三要",
        "第一,",
        "首先",
        "最后,",
        "（一）",
        "(二)",
        "1.",
        "一、",
        "“三个保障”",
        "“五清五查”",
        "三点要求",
        "等",
        "、",
        "，",
        ",",
        "；",
        ";",
        "。",
        "：",
        ":",
        "”",
        "“",
        "（",
        "和",
        "(",
        "二是(二)",
        "这",
        "即",
        "构建",
        "到位",
        "清理",
        "查",
        "百千万",
        "\n",
        " ",
        "的",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(PIECES, max_size=25).map("".join), max_size=6))
def test_never_raises_on_any_text(paragraphs: list[str]) -> None:
    d = doc(paragraphs)
    for group in extract_measure_groups(d):
        for g in [group, *group.children]:
            assert all(i.name for i in g.items)
            for item in g.items:
                ev = item.evidence
                assert ev.paragraph is not None
                assert paragraphs[ev.paragraph][ev.start : ev.end] == item.text


def test_samples_extract_without_rule_failures() -> None:
    for path in sorted(SAMPLES.glob("*.md")):
        article = extract_file(path)
        assert not [w for w in article.warnings if "measure_groups: rule failed" in w], path


# --- Eval figures ------------------------------------------------------------------------------


def test_eval_figures_over_samples_reach_the_issue_floor() -> None:
    figures = evaluate([Path(SAMPLES)]).figures()
    for field in ("groups", "items", "declared_counts"):
        assert figures[field]["f1"] >= 0.85, (field, figures[field])


# --- Bounded depth ---------------------------------------------------------------------------


def depth(groups: list[MeasureGroup]) -> int:
    return max((1 + depth(g.children) for g in groups), default=0)


#: Every level of markers there is: 3 paragraph families, 3 inline ones, count labels, and
#: a shared-head child. A tree deeper than that grew with the text's length.
MAX_LEVELS = 8


@pytest.mark.parametrize(
    "paragraph",
    [
        "一是抓落实，首先要学习，第一，要读书，二是抓整改，其次要反思，第二，要查找，",
        "一是抓落实，一是再抓落实，二是抓整改，",
        "首先，学习。其次，反思。",
    ],
)
def test_repeated_inline_sequences_do_not_deepen_the_tree(paragraph: str) -> None:
    groups = extract_measure_groups(doc([paragraph * 300]))
    assert groups
    assert depth(groups) <= MAX_LEVELS
    # the record serialises whatever its length
    assert Article(id="x", path="t.md", measure_groups=groups, paragraphs=[]).model_dump_json()


def test_a_new_first_marker_in_a_later_paragraph_starts_beside_the_open_sequence() -> None:
    paragraphs = [
        "校长首先讲了形势。其次，校长讲了任务。",
        "首先，要学习。其次，要反思。最后，要落实。",
        "最后，校长提出了期望。",
    ]
    groups = extract_measure_groups(doc(paragraphs))
    assert [(g.label, len(g.items)) for g in groups] == [("首先…最后", 3), ("首先…最后", 3)]
    assert [it.evidence.paragraph for it in groups[0].items] == [0, 0, 2]
