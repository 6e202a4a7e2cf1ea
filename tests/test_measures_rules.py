"""Every rule in extractor/rules/measures.yaml has a case that must match and one that must not."""

from __future__ import annotations

from typing import Any

import pytest

from extractor import rules
from extractor.measures import build_tree

#: (group, pattern index, must match, must not match) for the regular-expression groups.
PATTERN_CASES = [
    ("marker_section", 0, "一、总体情况", "一、二季度经济运行平稳"),
    ("marker_paren", 0, "（一）网点宣传", "（来源：新华网）"),
    ("marker_number", 0, "1.立足城市战略定位", "1.5万人参加"),
    ("marker_shi", 0, "要求,一是统一思想", "统一要求"),
    ("marker_di", 0, "要求:第一,提高保密意识", "第一时间发布"),
    ("marker_xian", 0, "其次,宣校就学校制度", "次要问题"),
    ("quoted", 0, "构建“三个保障”，完善", "构建三个保障，完善"),
    ("count_after_quote", 0, "四部曲奏响", "部曲四"),
    ("count_label", 0, "采取四项措施推进工作", "四项"),
    ("count_label", 1, "强调了三点意见,认清形势", "三位副校长"),
    ("count_label", 2, "从财政等6方面支持", "方面"),
    ("count_label", 3, "严把三关。", "三秋工作"),
    ("count_label_hint", 0, "严把三关。", "三位副校长"),
    ("list_after", 0, ",即提高教学质量", "提高教学质量"),
    ("list_after", 1, "：聚焦精准指导", "聚焦精准指导"),
    ("list_after", 2, "（结对帮扶、", "结对帮扶）"),
    ("model_code", 0, "三三六三", "三个保障"),
    ("title_parallel", 0, "强一产", "一产"),
]

#: Which rule functions anchor where: marker heads and model codes must match at the start.
ANCHORED = {"marker_section", "marker_paren", "marker_number", "model_code"}
AT_POSITION = {"count_after_quote", "list_after"}


@pytest.mark.parametrize(("group", "index", "good", "bad"), PATTERN_CASES)
def test_pattern_rule(group: str, index: int, good: str, bad: str) -> None:
    pattern = rules.patterns("measures", group)[index]
    find = pattern.match if group in ANCHORED | AT_POSITION else pattern.search
    assert find(good), good
    assert not find(bad), bad


def tree(paragraphs: list[str]) -> list[tuple[str, list[str]]]:
    drafts, _ = build_tree(paragraphs, None)
    return [(d.label, [i.name for i in d.items]) for d in drafts]


#: (group, word, paragraphs where it acts, expected, paragraphs where it must not act, expected).
#: All sentences constructed.
WORD_CASES = [
    (
        "list_verbs",
        "包括",
        ["主要包括安全排查、隐患整治和成果巩固三大方面的工作。"],
        [("三大方面", ["安全排查", "隐患整治", "成果巩固"])],
        ["开展安全排查、隐患整治和成果巩固三大方面的工作。"],
        [("三大方面", ["开展安全排查", "隐患整治", "成果巩固"])],
    ),
    (
        "list_prepositions",
        "就",
        ["校长就学校制度,发展定位,重点工作这三方面提出要求。"],
        [("三方面", ["学校制度", "发展定位", "重点工作"])],
        ["校长讲了学校制度,发展定位,重点工作这三方面。"],
        [("三方面", ["校长讲了学校制度", "发展定位", "重点工作"])],
    ),
    (
        "list_joiners",
        "和",
        ["提出3个目标,即提高质量、加强队伍和建设文化。"],
        [("3个目标", ["提高质量", "加强队伍", "建设文化"])],
        ["提出2个目标,即提高质量、加强队伍和文化建设。"],
        [("2个目标", ["提高质量", "加强队伍和文化建设"])],
    ),
    (
        "list_closers",
        "等",
        ["深入推进规划提升、生态修复等9项工程。"],
        [("9项工程", ["规划提升", "生态修复"])],
        ["深入推进规划提升、生态修复9项工程。"],
        [],
    ),
    (
        "refers_back",
        "这",
        ["校长就制度,定位,工作这三方面提出要求。", "一是A类要求;二是B类要求;三是C类要求。"],
        [("三方面", ["制度", "定位", "工作"]), ("一是…三是", ["A类要求", "B类要求", "C类要求"])],
        ["校长提出三方面要求。", "一是A类要求;二是B类要求;三是C类要求。"],
        [("三方面", ["A类要求", "B类要求", "C类要求"])],
    ),
    (
        "not_heads",
        "化",
        ["一是做好工作,做到任务项目化、项目清单化、清单具体化。二是抓落实。"],
        [("一是…二是", ["做好工作", "抓落实"])],
        ["一是做好工作,做到组织领导到位、任务分解到位、督促落实到位。二是抓落实。"],
        [("一是…二是", ["做好工作", "抓落实"])],
    ),
]


@pytest.mark.parametrize("case", WORD_CASES, ids=[c[0] for c in WORD_CASES])
def test_word_rule(case: tuple[Any, ...]) -> None:
    group, word, good, good_tree, bad, bad_tree = case
    assert word in rules.strings("measures", group)
    assert tree(good) == good_tree
    assert tree(bad) == bad_tree


def test_shared_head_child_only_when_the_head_is_a_noun() -> None:
    # constructed: 到位 is a head, 化 (a suffix) is not
    drafts, _ = build_tree(WORD_CASES[-1][4], None)
    assert [c.label for c in drafts[0].children] == ["[…到位]"]
    drafts, _ = build_tree(WORD_CASES[-1][2], None)
    assert drafts[0].children == []


def test_every_rule_group_has_cases() -> None:
    covered = {g for g, *_ in PATTERN_CASES} | {g for g, *_ in WORD_CASES}
    assert set(rules.load("measures")) == covered
    for group, count in {g: len(rules.strings("measures", g)) for g, *_ in PATTERN_CASES}.items():
        assert {i for g, i, *_ in PATTERN_CASES if g == group} == set(range(count)), group
