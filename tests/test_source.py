"""The publisher the text names: one table per form, real strings from ../shared/corpus where
the form occurs there, constructed ones marked `# constructed`; each with must-not cases."""

from __future__ import annotations

import pytest

from extractor import rules
from extractor.document import Document
from extractor.source import extract_source

BODY = "会议要求,各单位要认真学习领会文件精神,不折不扣落实工作部署要求。"


def source_of(
    *paragraphs: str, source_line: str | None = None, tags: list[str] | None = None
) -> str | None:
    """The source's name, after checking that its evidence spans it."""
    doc = Document(
        path="t.md",
        text="",
        encoding="utf-8",
        kind="post",
        paragraphs=list(paragraphs),
        source_line=source_line,
        tags=tags or [],
    )
    found = extract_source(doc)
    if found is None:
        return None
    ev = found.evidence
    if ev.where == "source_line":
        assert source_line is not None
        assert source_line[ev.start : ev.end] == found.name
    else:
        assert ev.paragraph is not None
        assert paragraphs[ev.paragraph][ev.start : ev.end] == found.name
    return found.name


SOURCE_LINES = [
    ("（文章来源：黑龙江日报）", "黑龙江日报"),  # reference post
    ("(文章来源:《湖南日报》)", "湖南日报"),  # constructed: ASCII width, 《》
    ("（文章来源：本报）", None),  # constructed: the house itself
    ("（文章来源：陈冰）", None),  # constructed: a person is no publisher
]


@pytest.mark.parametrize(("line", "name"), SOURCE_LINES)
def test_source_line(line: str, name: str | None) -> None:
    assert source_of(BODY, source_line=line) == name


LABELLED = [
    # 030_harbin: other fields share the line
    ("2017-08-15 17:21:04|来源:东北网|编辑:吕岩|责编:刘征宇", "东北网"),
    # 130_zhanjiang: a programme in 《》 after the station, a role glued after it
    (
        "来源:湛江市广播电视台《第一视线》融媒体编辑:谢胜强责编:郑玉君审核:吕小兰",
        "湛江市广播电视台",
    ),
    # 140_qingdao: a space ends the value
    ("2018-01-03 07:32 来源: 半岛网-半岛都市报 手机看新闻 半岛网 半岛都市报", "半岛网-半岛都市报"),
    # 126_dongfeng: in brackets, with an ad on the same line
    (
        "(来源:梁园区人民政府网站) 【投稿、区域合作请私信或发3469887933#qq.com24小时内回复。】",
        "梁园区人民政府网站",
    ),
    # 120_huangshigang, 132_xialu: an office or an account is still what the text names
    ("发布时间:2018-07-05 09:30 来源:研究室 阅读:316", "研究室"),
    ("日期:2020-03-24 来源:首善下陆", "首善下陆"),
    # must not: placeholders (029_guanbuqiao, 031_lvting), a person (129_hainan), empty fields
    ("稿件来源: 本站原创", None),
    ("2016-08-26 来源:网络收录 撰稿:周萌 浏览次数: 我来说两句", None),
    ("来源:陈冰 日期:2011-03-10 点击率:121", None),
    ("时间:2017-06-02 作者: 新闻来源: 【字号: | |", None),
    ("发布时间:2015-05-15 16:08:32本文来源: 阅读量: 8959", None),
    # must not: a picture's source (-202205262391921712)
    ("图片来源：霍尼韦尔官网", None),
]


@pytest.mark.parametrize(("line", "name"), LABELLED)
def test_source_field(line: str, name: str | None) -> None:
    assert source_of(line, BODY) == name


OTHER_FORMS = [
    # 032_donglan: a journal's issue line
    (["2017-10-31丁刚", "人民论坛 2017年27期", BODY], "人民论坛"),
    # 136_nanxi: a provider sentence
    (
        [
            BODY,
            "《南席镇:“四强”举措扎实开展三秋秸秆禁烧工作》由河南新闻网-豫都网提供,转载请注明出处:http://xuchang.yuduxx.com/changge/256498.html,谢谢合作!",
        ],
        "河南新闻网-豫都网",
    ),
    # 110_dongpo, 112_ningde: datelines
    (
        ["四川新闻网眉山9月4日讯(彭中洪 李天龙 图/文)2019年秋季开学,东坡二中扎实做好系列工作。"],
        "四川新闻网",
    ),
    (["中电新闻网讯 通讯员 姜南昵 报道 日前,继宁德供电公司本部营销楼竣工投运后。"], "中电新闻网"),
    # finews flashes closed by their outlet
    (["累计打击恶意商标注册申请37.6万件。(央视新闻)"], "央视新闻"),
    (["贵州茅台的反弹幅度已超过30%。（澎湃新闻）"], "澎湃新闻"),
    # constructed: reprint notes
    ([BODY, "——原载2013年6月28日《南京日报》"], "南京日报"),
    ([BODY, "本文转载自光明网"], "光明网"),
    # must not: 本报讯 (028_heilongjiang), an author's name closing the text (124_funing)
    (["本报讯(记者徐佳倩)记者从省人社厅获悉,1月份,省人社厅紧盯两项主要指标。"], None),
    (["三是联席会议成员单位组成专门工作组进行明查暗访。(郁永耀)"], None),
    # must not: a term in brackets that is no outlet
    (["提供HFO-1234yf(四氟丙烯)制冷剂"], None),
]


@pytest.mark.parametrize(("paragraphs", "name"), OTHER_FORMS)
def test_other_forms(paragraphs: list[str], name: str | None) -> None:
    assert source_of(*paragraphs) == name


def test_the_site_in_tags_is_not_the_source() -> None:
    # 028_heilongjiang: tags name the aggregator; the text names no publisher
    assert source_of(BODY, tags=["gqsoso新闻", "黑龙江日报新闻"]) is None


def test_the_source_line_wins_over_a_body_field() -> None:
    # 140_qingdao: the dateline 半岛都市报1月2日讯 repeats what the source line says
    name = source_of(
        "半岛都市报1月2日讯 为全市人民创造一个平安祥和的春节环境。",
        source_line="（文章来源：半岛网-半岛都市报）",
    )
    assert name == "半岛网-半岛都市报"


def test_reference_post_source(reference) -> None:  # type: ignore[no-untyped-def]
    assert reference.source is not None
    assert reference.source.name == "黑龙江日报"
    assert reference.source.evidence.where == "source_line"


PATTERN_GROUPS = [
    (
        "source",
        [
            "source_label",
            "issue_line",
            "reprint",
            "provider",
            "dateline",
            "trailing_outlet",
            "programme",
        ],
    ),
    (
        "authors",
        [
            "bare_name_line",
            "paren_credit_head",
            "paren_credit_tail",
            "plain_credit_head",
            "photo_caption",
        ],
    ),
    ("organizations", ["hosted_by", "title_colon", "media_names", "title_lead"]),
    ("regions", ["short_name"]),
]


@pytest.mark.parametrize(("name", "groups"), PATTERN_GROUPS)
def test_rule_patterns_of_people_organizations_source_compile(name: str, groups: list[str]) -> None:
    for group in groups:
        assert rules.patterns(name, group), group
