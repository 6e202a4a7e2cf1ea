"""The constructed cases of the measure grammar (issue 12), each beside a `no_match` twin.

Every form is a shape seen in real articles, written with invented words. A case gives the
paragraphs and the groups expected at the top level: (label, declared count, label stated,
item names), with children checked where the form says so. Its twin keeps the words and
breaks the form, and must give no group of that form.
"""

from __future__ import annotations

from typing import Any

import pytest

from extractor.document import Document
from extractor.measures import extract_measure_groups
from schemas import MeasureGroup


def run(paragraphs: list[str]) -> tuple[list[MeasureGroup], list[str]]:
    doc = Document(path="t.md", text="", encoding="utf-8", kind="post", paragraphs=paragraphs)
    groups = extract_measure_groups(doc)
    return groups, doc.warnings


def shape(group: MeasureGroup) -> tuple[str, int | None, bool, list[str]]:
    return (group.label, group.declared_count, group.label_stated, [i.name for i in group.items])


def walk(groups: list[MeasureGroup]) -> list[MeasureGroup]:
    found = []
    for group in groups:
        found.append(group)
        found.extend(walk(group.children))
    return found


#: (form, paragraphs, expected top-level shapes). `…` in an expected label means "any label
#: the extractor assigns" (label_stated is False then).
CASES: list[tuple[str, list[str], list[tuple[Any, ...]]]] = [
    (
        "di-yao",
        [
            "做到以下五点：第一要保持“两股劲”即干劲和韧劲；第二要讲纪律；第三要讲安全；"
            "第四要讲协作；第五要讲效率。"
        ],
        [
            (
                "五点",
                5,
                True,
                ["保持“两股劲”即干劲和韧劲", "讲纪律", "讲安全", "讲协作", "讲效率"],
            )
        ],
    ),
    (
        "shouxian-shi",
        [
            "得益于三方面探索：首先是机制探索，整合执法力量。其次是服务探索，设置临时摊位。"
            "最后是平台探索，建立监管平台。"
        ],
        [("三方面探索", 3, True, ["机制探索", "服务探索", "平台探索"])],
    ),
    (
        "mixed-family",
        ["首先，必须提高站位。要统一思想。第二，必须狠抓落实。要分解任务。第三，必须转变作风。"],
        [("…", None, False, ["必须提高站位", "必须狠抓落实", "必须转变作风"])],
    ),
    (
        "mixed-family-shi",
        [
            "首先要坚持开放发展，扩大合作。二是要坚持创新发展，培育动能。三是要坚持绿色发展，保护环境。"
        ],
        # the marker is 二是 (one 是/要 at most): 要 stays with the item, as the gold reads it
        [("…", None, False, ["坚持开放发展", "要坚持创新发展", "要坚持绿色发展"])],
    ),
    (
        "yifangmian",
        [
            "院长提出三点意见：一是加大查控力度。二是落实联动机制。三是加强执行宣传，"
            "一方面及时公布执行典型案例，另一方面要普及诉讼风险知识。"
        ],
        [("三点意见", 3, True, ["加大查控力度", "落实联动机制", "加强执行宣传"])],
    ),
    (
        "no-classifier",
        [
            "东湖街道四举措推进文明城市创建工作。",
            "一是强化宣传引导，营造浓厚氛围。",
            "二是整治环境卫生，清理卫生死角。",
            "三是规范摊点经营，疏导占道经营。",
            "四是开展志愿服务，组织文明劝导。",
        ],
        [("四举措", 4, True, ["强化宣传引导", "整治环境卫生", "规范摊点经营", "开展志愿服务"])],
    ),
    (
        "head-after-fangmian",
        ["源于两方面改革：一是机制改革，理顺职责关系。二是服务改革，压缩办理时限。"],
        [("两方面改革", 2, True, ["机制改革", "服务改革"])],
    ),
    (
        "count-after-quote",
        ["坚持“线上招聘、线下对接”两手抓，帮助群众就业。"],
        [("两手抓", 2, True, ["线上招聘", "线下对接"])],
    ),
    (
        "heading-paragraphs",
        [
            "社区围绕“三个到位”推进垃圾分类。",
            "宣传发动到位",
            "社区组织志愿者入户讲解分类知识，发放宣传资料两千余份。",
            "设施配套到位",
            "社区新增分类投放点十二处，配齐四色垃圾桶。",
            "考核监督到位",
            "社区每月评比各小区分类成效，结果张榜公布。",
        ],
        [("三个到位", 3, True, ["宣传发动到位", "设施配套到位", "考核监督到位"])],
    ),
    (
        "quoted-heads",
        [
            "学校以“四个一”为载体开展读书活动。这“四个一”是：",
            "“读一本经典名著”，即每名学生每学期精读一本名著。",
            "“写一篇读书心得”，即读完后撰写心得体会。",
            "“办一次读书分享”，即每班每月举办分享会。",
            "“评一批读书之星”，即学期末评选表彰。",
        ],
        [
            (
                "四个一",
                4,
                True,
                ["读一本经典名著", "写一篇读书心得", "办一次读书分享", "评一批读书之星"],
            )
        ],
    ),
    (
        "yao-clauses",
        [
            "会议提出了三点要求：要压实安全责任。明确分工；要完善应急预案。组织演练；"
            "要强化值班值守。确保畅通。"
        ],
        [("三点要求", 3, True, ["要压实安全责任", "要完善应急预案", "要强化值班值守"])],
    ),
    (
        "run-in-heads",
        [
            "夯实工作基础，完善台账资料。要逐项梳理问题。优化服务流程，缩短办理时限。"
            "要简化手续。加强队伍建设，提升业务能力。要开展练兵。"
        ],
        [("…", None, False, ["夯实工作基础", "优化服务流程", "加强队伍建设"])],
    ),
    (
        "parallel-frames",
        ["前提在查，要全面排查问题；核心在改，要立行立改；目的在防，要建章立制。"],
        [("…", None, False, ["前提在查", "核心在改", "目的在防"])],
    ),
    (
        "adjacent-inline-list",
        [
            "社区依托“摸清底数、压实责任、跟踪问效”三项举措，推进帮扶工作。",
            "一是摸清底数，逐户登记困难群众信息。",
            "二是开展入户走访，了解群众实际需求。",
        ],
        [
            ("三项举措", 3, True, ["摸清底数", "压实责任", "跟踪问效"]),
            ("…", None, False, ["摸清底数", "开展入户走访"]),
        ],
    ),
    (
        "cut-off-list",
        ["要推动服务工作三个转变，即服务方式从被动向主动转变，服务内容从单一向多元"],
        [("三个转变", 3, True, ["服务方式从被动向主动转变", "服务内容从单一向多元"])],
    ),
    (
        "synonym-relabel",
        [
            "学校推出“六项举措”。该校本次推出的“六项措施”分别是：建立就业信息平台；"
            "开展就业指导培训；拓展校外实习基地；实施困难学生帮扶；设立创业孵化基金；"
            "完善就业考核机制。"
        ],
        [
            (
                "六项举措",
                6,
                True,
                [
                    "建立就业信息平台",
                    "开展就业指导培训",
                    "拓展校外实习基地",
                    "实施困难学生帮扶",
                    "设立创业孵化基金",
                    "完善就业考核机制",
                ],
            )
        ],
    ),
    (
        "lead-clause",
        [
            "全区各幼儿园通过开展举办一次亲子安全课、组织一次消防演练、发放一份安全手册等"
            "“三个一”活动，提高安全意识。"
        ],
        [("三个一", 3, True, ["举办一次亲子安全课", "组织一次消防演练", "发放一份安全手册"])],
    ),
    (
        "preceding-openings",
        ["必须坚持稳中求进；必须坚持创新驱动；必须坚持改革开放。会议提出的“三个必须”意义重大。"],
        [("三个必须", 3, True, ["必须坚持稳中求进", "必须坚持创新驱动", "必须坚持改革开放"])],
    ),
    (
        "label-sentence-then-markers",
        ["会议从三个方面部署了重点工作。一是稳就业。二是保民生。三是促发展。"],
        [("三个方面", 3, True, ["稳就业", "保民生", "促发展"])],
    ),
    (
        "yipi",
        ["实施“三个一批”（即：培训提升一批、岗位安置一批、创业扶持一批）帮扶行动。"],
        [("三个一批", 3, True, ["培训提升一批", "岗位安置一批", "创业扶持一批"])],
    ),
]

#: (form, paragraphs): the twin of each form — the same words with the form broken — gives
#: no group at all.
TWINS: list[tuple[str, list[str]]] = [
    ("di-yao", ["第一时间要保持干劲；讲纪律；讲安全。"]),
    ("shouxian-shi", ["得益于探索：首先是机制探索，整合执法力量。"]),
    ("mixed-family", ["首先，必须提高站位。要统一思想。第三，必须转变作风。"]),
    ("mixed-family-shi", ["首先要坚持开放发展，扩大合作。三是要坚持绿色发展，保护环境。"]),
    ("yifangmian", ["院长要求一方面及时公布执行典型案例。"]),
    ("no-classifier", ["东湖街道四举措推进文明城市创建工作。"]),
    ("head-after-fangmian", ["源于两方面改革，理顺职责关系。"]),
    ("count-after-quote", ["坚持“线上招聘、线下对接”，帮助群众就业。"]),
    (
        "heading-paragraphs",
        [
            "社区围绕“三个到位”推进垃圾分类。",
            "社区组织志愿者入户讲解分类知识，发放宣传资料两千余份。",
            "社区新增分类投放点十二处，配齐四色垃圾桶。",
        ],
    ),
    (
        "quoted-heads",
        [
            "“读一本经典名著”，即每名学生每学期精读一本名著。",
            "学生读完后撰写心得体会。",
        ],
    ),
    ("yao-clauses", ["要压实安全责任。明确分工；要完善应急预案。组织演练；要强化值班值守。"]),
    (
        "run-in-heads",
        ["今年以来，社区完善台账资料，逐项梳理问题，缩短办理时限，群众满意度明显提升。"],
    ),
    ("parallel-frames", ["前提在查，要全面排查问题。"]),
    ("adjacent-inline-list", ["社区依托“摸清底数、压实责任、跟踪问效”，推进帮扶工作。"]),
    ("cut-off-list", ["要推动服务工作三个转变。"]),
    ("synonym-relabel", ["学校推出“六项举措”。该校推出的举措受到欢迎。"]),
    ("lead-clause", ["全区各幼儿园通过开展“三个一”活动，提高安全意识。"]),
    ("preceding-openings", ["必须坚持稳中求进；坚持创新驱动。会议提出的“三个必须”意义重大。"]),
    ("label-sentence-then-markers", ["会议从三个方面部署了重点工作。"]),
    ("yipi", ["实施“三个一批”帮扶行动。"]),
]

#: Lists of things, personnel terms and dates: no group, no model-code warning.
NOT_MEASURES = [
    ["工会保障会员的选举权、表决权、质询权和建议权。"],
    ["社区开展书法比赛、朗诵会、座谈会、联欢会、观影、剪纸等活动。"],
    ["围绕“茶叶、柑橘、蔬菜”三大产业，发展特色农业。"],
    ["县直“两办”以及各乡镇主要负责人参加会议。"],
    ["五一假期，景区接待游客。"],
    ["七一前夕，支部开展慰问活动。"],
    ["“五一”期间，“十一”黄金周前后，“六一”儿童节，“三八”妇女节，“八一”建军节，“五四”青年节。"],
]


def _matches(group: MeasureGroup, expected: tuple[Any, ...]) -> bool:
    label, declared, stated, items = expected
    if label == "…":
        return (not group.label_stated) and [i.name for i in group.items] == items
    return shape(group) == (label, declared, stated, items)


@pytest.mark.parametrize(("form", "paragraphs", "expected"), CASES, ids=[c[0] for c in CASES])
def test_constructed_case(
    form: str, paragraphs: list[str], expected: list[tuple[Any, ...]]
) -> None:
    groups, warnings = run(paragraphs)
    assert len(groups) == len(expected), [shape(g) for g in groups]
    for group, want in zip(groups, expected, strict=True):
        assert _matches(group, want), (shape(group), want)
    assert not [w for w in warnings if "rule failed" in w]


@pytest.mark.parametrize(("form", "paragraphs"), TWINS, ids=[t[0] for t in TWINS])
def test_no_match_twin(form: str, paragraphs: list[str]) -> None:
    groups, warnings = run(paragraphs)
    assert groups == [], [shape(g) for g in walk(groups)]
    assert not [w for w in warnings if "rule failed" in w]


@pytest.mark.parametrize("paragraphs", NOT_MEASURES)
def test_lists_of_things_and_dates_are_not_measures(paragraphs: list[str]) -> None:
    groups, warnings = run(paragraphs)
    assert groups == [], [shape(g) for g in walk(groups)]
    assert not [w for w in warnings if w.startswith("model code")], warnings


def test_a_child_under_the_first_item_never_swallows_the_next_marker() -> None:
    (group,), _ = run([CASES[0][1][0]])
    for child in walk(group.children):
        assert child.parent_item == 0
        assert all("第二" not in i.text and "讲纪律" not in i.name for i in child.items)
    two = [c for c in group.children if c.label == "两股劲"]
    assert not two or [i.name for i in two[0].items] == ["干劲", "韧劲"]


def test_yifangmian_child_hangs_under_its_item() -> None:
    (group,), _ = run(CASES[4][1])
    assert [([i.name for i in c.items], c.parent_item, c.label_stated) for c in group.children] == [
        (["及时公布执行典型案例", "普及诉讼风险知识"], 2, False)
    ]


def test_a_cut_off_list_is_kept_with_a_warning() -> None:
    _, warnings = run(CASES[14][1])
    assert "三个转变: declared 3, found 2" in warnings


def test_an_unmarked_item_keeps_its_yao_but_no_label_gives_no_group() -> None:
    groups, _ = run(CASES[10][1])
    assert all(i.name.startswith("要") for i in groups[0].items)
    assert run([CASES[10][1][0].split("：", 1)[1]])[0] == []
