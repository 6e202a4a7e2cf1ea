"""The word groups of extractor/rules/measures.yaml acting in a sentence, and not acting.

Each group's own `match`/`no_match` examples run in tests/test_rule_examples.py; here a word
of the group is shown changing the tree the way the rule says (constructed sentences).
"""

from __future__ import annotations

from typing import Any

import pytest

from extractor import rules
from extractor.measures import build_tree


def tree(paragraphs: list[str]) -> list[tuple[str, list[str]]]:
    drafts, _ = build_tree(paragraphs, None)
    return [(d.label, [i.name for i in d.items]) for d in drafts]


#: (group, word, paragraphs where it acts, expected, paragraphs where it must not act, expected).
WORD_CASES = [
    (
        "lead_in",
        "包括",
        ["主要包括安全排查、隐患整治和成果巩固三大方面的工作。"],
        [("三大方面", ["安全排查", "隐患整治", "成果巩固"])],
        ["安全排查、隐患整治和成果巩固三大方面的工作已完成。"],
        [("三大方面", ["安全排查", "隐患整治", "成果巩固"])],
    ),
    (
        "lead_in",
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
    (
        "measure_heads",
        "措施",
        ["将采取定点生产、建立储备等六大措施。"],
        [("六大措施", ["定点生产", "建立储备"])],
        ["将评选最佳影片、最佳导演等十项大奖。"],
        [],
    ),
    (
        "thing_heads",
        "产业",
        ["全县发展茶叶、柑橘、蔬菜等三大产业。"],
        [],
        ["全县推进茶叶提质、柑橘增效、蔬菜扩面等三大工程。"],
        [("三大工程", ["茶叶提质", "柑橘增效", "蔬菜扩面"])],
    ),
    (
        "date_numerals",
        "五一",
        ["“五一”期间：一是加强值守；二是保障供应。"],
        [("一是…二是", ["加强值守", "保障供应"])],
        ["“五三”要求：一是加强值守；二是保障供应。"],
        [("五三", ["加强值守", "保障供应"])],
    ),
    (
        "side_heads",
        "端",
        ["两国分处丝路两端。双方加强合作,深化交流。"],
        [],
        ["严把两关。严把时间关,按期完成;严把质量关,逐项验收。"],
        [("两关", ["严把时间关", "严把质量关"])],
    ),
    (
        "not_counted",
        "年",
        ["项目建设用了三年。建设期间，完成立项，完成施工，完成验收。"],
        [],
        ["严把三关。严把时间关,按期完成;严把责任关,落实到人;严把质量关,逐项验收。"],
        [("三关", ["严把时间关", "严把责任关", "严把质量关"])],
    ),
]


@pytest.mark.parametrize("case", WORD_CASES, ids=[f"{c[0]}-{c[1]}" for c in WORD_CASES])
def test_word_rule(case: tuple[Any, ...]) -> None:
    group, word, good, good_tree, bad, bad_tree = case
    assert word in rules.strings("measures", group)
    assert tree(good) == good_tree
    assert tree(bad) == bad_tree


def test_shared_head_child_only_when_the_head_is_a_noun() -> None:
    # constructed: 到位 is a head, 化 (a suffix) is not
    drafts, _ = build_tree(WORD_CASES[5][4], None)
    assert [c.label for c in drafts[0].children] == ["[…到位]"]
    drafts, _ = build_tree(WORD_CASES[5][2], None)
    assert drafts[0].children == []


def test_every_word_group_acts_in_a_sentence() -> None:
    groups = rules.load("measures")
    words = {g for g, raw in groups.items() if isinstance(raw, dict) and "words" in raw}
    assert words <= {g for g, *_ in WORD_CASES}


def test_deng_inside_a_word_does_not_end_the_list() -> None:
    # constructed: 平等 is a word; 等 ends a list only at a member's end or before a count
    assert tree(["双方坚持平等互利、合作共赢、开放包容的三项原则。"]) == [
        ("三项原则", ["平等互利", "合作共赢", "开放包容"])
    ]
    assert tree(["推进提质、增效等、扩面三项工作。"]) == []
