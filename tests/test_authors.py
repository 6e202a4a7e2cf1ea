"""Bylines and credit lines: one table per form, real strings from ../shared/corpus where
the form occurs there (the post is named), constructed ones marked `# constructed`."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.authors import extract_authors
from extractor.document import Document
from extractor.names import is_name, split_names, surnames
from extractor.organizations import extract_organizations
from extractor.source import extract_source
from schemas import AUTHOR_ROLES, Person
from tests.conftest import SAMPLES, extract_file

BODY = "会议要求,各单位要认真学习领会文件精神,不折不扣落实工作部署要求。"


def doc(*paragraphs: str) -> Document:
    """A document whose body is the given paragraphs (a long body paragraph first)."""
    return Document(
        path="t.md", text="", encoding="utf-8", kind="post", paragraphs=list(paragraphs)
    )


def credited(*paragraphs: str) -> list[tuple[str, str]]:
    """(name, role) of the people found, checking each one's evidence span."""
    found = extract_authors(doc(*paragraphs))
    for person in found:
        check_evidence(person, list(paragraphs))
    return [(p.name, p.role) for p in found]


def check_evidence(person: Person, paragraphs: list[str]) -> None:
    ev = person.evidence
    assert ev.where == "paragraph"
    assert ev.paragraph is not None
    assert "".join(paragraphs[ev.paragraph][ev.start : ev.end].split()) == person.name


# --- a closing credit in parentheses ---------------------------------------------------------

CLOSING = [
    # reference post: two names run together
    ("完善就业服务常态化体系。(蒋平董大为)", [("蒋平", "author"), ("董大为", "author")]),
    # 029_guanbuqiao, 124_funing, 128_wenzhou: one bare name
    ("确保专人日常维护,常管常新。(方卫东)", [("方卫东", "author")]),
    # 111_taixing: the unit before two names, then page chrome
    (
        "不断开创“平安电力”建设工作新局面。(泰兴市供电公司 周君 严文俊) |",
        [("周君", "author"), ("严文俊", "author")],
    ),
    # 133_heihumiao: the township before the name, then a link text
    ("并责令限期整改。(黑虎庙镇 林福全) 相关阅读", [("林福全", "author")]),
    # 134_tianxing: the township glued to the name
    ("促使项目实施顺利推进。(天星镇王玉林)", [("王玉林", "author")]),
    # constructed: compound surnames run together
    (
        "完善就业服务常态化体系。(欧阳晓东司马光明)",
        [("欧阳晓东", "author"), ("司马光明", "author")],
    ),
    # constructed: a padding space inside a two-character name
    ("完善就业服务常态化体系。(记者 张 伟)", [("张伟", "reporter")]),
    # constructed: a photo credit
    ("学生们在操场上列队。(张伟 摄)", [("张伟", "photographer")]),
    ("学生们在操场上列队。(记者 李明 摄)", [("李明", "photographer")]),
    # must not: a flash's outlet, a term in brackets, a word that holds 摄
    ("贵州茅台的反弹幅度已超过30%。（澎湃新闻）", []),
    ("这也标志着蔚来成为国内首家使用该制冷剂的汽车企业。（上海证券报）", []),
    ("首页数据来自行情软件。(东方财富网)", []),
    ("路口新装了一批高清设备。(摄像头)", []),
    ("提供HFO-1234yf(四氟丙烯)制冷剂。", []),
    ("各项工作有序推进(试行)", []),
]


@pytest.mark.parametrize(("last", "expected"), CLOSING)
def test_closing_credit(last: str, expected: list[tuple[str, str]]) -> None:
    assert credited(BODY, last) == expected


def test_closing_credit_only_in_the_last_paragraphs() -> None:
    early = "完善就业服务常态化体系。(蒋平董大为)"
    assert credited(early, BODY, BODY, BODY, BODY) == []


# --- a credit at the start: 本报讯(记者 …) and datelines -------------------------------------

OPENING = [
    # 028_heilongjiang: no separator after 记者
    (
        "本报讯(记者徐佳倩)记者从省人社厅获悉,1月份,省人社厅紧盯两项主要指标。",
        [("徐佳倩", "reporter")],
    ),
    # 106_duling: two reporters and a correspondent, 文/图 closing
    (
        "本报讯(记者 王翠 鲁慧 通讯员 王慧丽 文/图)“热热闹闹的现场就需要红红火火的舞蹈!”",
        [("王翠", "reporter"), ("鲁慧", "reporter"), ("王慧丽", "correspondent")],
    ),
    # 110_dongpo: an outlet's dateline, 图/文 reversed
    (
        "四川新闻网眉山9月4日讯(彭中洪 李天龙 图/文)2019年秋季开学,东坡二中扎实做好系列工作。",
        [("彭中洪", "author"), ("李天龙", "author")],
    ),
    # 112_ningde: no brackets, closed by 报道
    (
        "中电新闻网讯 通讯员 姜南昵 报道 日前,继宁德供电公司本部营销楼竣工投运后。",
        [("姜南昵", "correspondent")],
    ),
    # 140_qingdao: an outlet's prefix before 记者, a name glued to 通讯员
    ("半岛全媒体记者 孙桂东 通讯员左晟 报道", [("孙桂东", "reporter"), ("左晟", "correspondent")]),
    # constructed: a news agency's dateline
    (
        "新华社北京1月2日电(记者 欧阳晓东)国务院新闻办公室2日举行发布会。",
        [("欧阳晓东", "reporter")],
    ),
    # must not: 本报讯 running straight into the text (128_wenzhou)
    ("本报讯踏入温州市行政审批中心国税局税务登记窗口,令人耳目一新。", []),
    # must not: a bracket at the start that holds no names
    ("(一)网点宣传", []),
]


@pytest.mark.parametrize(("first", "expected"), OPENING)
def test_opening_credit(first: str, expected: list[tuple[str, str]]) -> None:
    assert credited(first, BODY, BODY, BODY, BODY) == expected


# --- labelled fields -------------------------------------------------------------------------

LABELLED = [
    # 030_harbin: other fields share the line; 责编 is another role
    (
        "2017-08-15 17:21:04|来源:东北网|编辑:吕岩|责编:刘征宇",
        [("吕岩", "editor"), ("刘征宇", "responsible_editor")],
    ),
    # 116_nanzhang: names split by /, roles by |
    (
        "记者:赵武/邹宝剑|见习记者:柳琪",
        [("赵武", "reporter"), ("邹宝剑", "reporter"), ("柳琪", "reporter")],
    ),
    (
        "编辑:符柳婵|责任编辑:卢珊娜/周尔华",
        [("符柳婵", "editor"), ("卢珊娜", "responsible_editor"), ("周尔华", "responsible_editor")],
    ),
    ("审核:代军", [("代军", "reviewer")]),
    # 130_zhanjiang: every name glued to the next role word
    (
        "来源:湛江市广播电视台《第一视线》记者:冯表见习记者:林汝婷 谢思桦通讯员:庞颖融媒体编辑:谢胜强责编:郑玉君审核:吕小兰",
        [
            ("冯表", "reporter"),
            ("林汝婷", "reporter"),
            ("谢思桦", "reporter"),
            ("庞颖", "correspondent"),
            ("谢胜强", "editor"),
            ("郑玉君", "responsible_editor"),
            ("吕小兰", "reviewer"),
        ],
    ),
    # 027_fjcpc: the name glued to the next field's label
    ("发布者:谢翠红发布时间:2018-11-29浏览次数:671", [("谢翠红", "editor")]),
    # 031_lvting, 107_xinqiao
    ("2016-08-26 来源:网络收录 撰稿:周萌 浏览次数: 我来说两句", [("周萌", "author")]),
    ("撰稿:於敏佳", [("於敏佳", "author")]),
    # 140_qingdao, 029_guanbuqiao, 123_hbu
    ("[编辑: 张珍珍]", [("张珍珍", "editor")]),
    ("编辑: 乔婷", [("乔婷", "editor")]),
    # 129_hainan: a person's name in the 来源 field
    ("来源:陈冰 日期:2011-03-10 点击率:121", [("陈冰", "author")]),
    # constructed: photographer labels
    ("摄影:李明 编辑:王芳", [("李明", "photographer"), ("王芳", "editor")]),
    # constructed: slashes instead of colons, a role word inside the value
    ("文/张三", [("张三", "author")]),
    ("文/记者 张三 图/李四", [("张三", "reporter"), ("李四", "photographer")]),
    # must not: 全文/图表 is no credit
    ("全文/图表", []),
    # must not: an office credited (123_hbu), an empty field (036_gongyuan, 117_daishan)
    ("文、图:党委办公室", []),
    ("作者:", []),
    ("时间:2017-06-02 作者: 新闻来源: 【字号: | |", []),
    # must not: a publisher in 来源 is no person; 全文:/如图: in running text is no credit
    ("来源:湖南省国土资源厅门户网 日期:2017-10-26 07:35", []),
    ("报告全文:加快建设现代化产业体系", []),
    ("路口新装了摄像头:高清摄像头覆盖主要路段", []),
]


@pytest.mark.parametrize(("line", "expected"), LABELLED)
def test_labelled_fields(line: str, expected: list[tuple[str, str]]) -> None:
    assert credited(BODY, line) == expected


# --- bare names heading the text -------------------------------------------------------------

BARE = [
    # 032_donglan: glued to a date, and again alone
    (["2017-10-31丁刚", "人民论坛 2017年27期", "丁刚", BODY], [("丁刚", "author")]),
    # 104_nanjing
    (["刘根生", "2013年06月28日09:29 来源:南京日报", BODY], [("刘根生", "author")]),
    # constructed: glued to an outlet's name
    (["光明日报王晓峰", BODY], [("王晓峰", "author")]),  # an invented, plausible name
    (["新华社 欧阳晓东", BODY], [("欧阳晓东", "author")]),
    # must not: an outlet alone
    (["东北网", BODY], []),
    # must not: a department signing off (139_taizhou), a heading
    ([BODY, "护理部"], []),
    (["总 纲", BODY], []),
]


@pytest.mark.parametrize(("paragraphs", "expected"), BARE)
def test_bare_names(paragraphs: list[str], expected: list[tuple[str, str]]) -> None:
    assert credited(*paragraphs) == expected


CAPTIONS = [
    ("图为学生们在上课。 王五 摄", [("王五", "photographer")]),  # constructed
    (
        "图为学生们在上课。王五、李六 摄",
        [("王五", "photographer"), ("李六", "photographer")],
    ),  # constructed
    ("他们在路口安装摄像头", []),  # constructed: 摄 inside a word
    ("所有画面均由无人机拍摄", []),  # constructed: 拍摄 is no credit
]


@pytest.mark.parametrize(("line", "expected"), CAPTIONS)
def test_photo_captions(line: str, expected: list[tuple[str, str]]) -> None:
    assert credited(BODY, line) == expected


def test_a_person_credited_twice_is_listed_once() -> None:
    # 031_lvting: 撰稿:周萌 in the header and the footer
    assert credited("2016-08-26 来源:网络收录 撰稿:周萌", BODY, "撰稿:周萌") == [("周萌", "author")]


# --- names -----------------------------------------------------------------------------------

NAMES = [
    ("蒋平董大为", ["蒋平", "董大为"]),
    ("王翠鲁慧", ["王翠", "鲁慧"]),
    ("诸葛亮", ["诸葛亮"]),
    ("欧阳晓东司马光明", ["欧阳晓东", "司马光明"]),
    ("於敏佳", ["於敏佳"]),
    ("党委办公室", None),
    ("护理部", None),
    ("时间", None),
    ("四氟丙烯", None),
]


@pytest.mark.parametrize(("token", "names"), NAMES)
def test_split_names(token: str, names: list[str] | None) -> None:
    spans = split_names(token)
    assert (None if spans is None else [token[s:e] for s, e in spans]) == names


def test_is_name_needs_a_surname_and_a_short_given_name() -> None:
    assert is_name("张伟")
    assert is_name("欧阳晓东")
    assert not is_name("张")
    assert not is_name("张伟伟伟")
    assert not is_name("大为")
    assert not is_name("东北网")


def test_reference_post_credits_exactly_two_authors(reference) -> None:  # type: ignore[no-untyped-def]
    assert [(p.name, p.role) for p in reference.authors] == [
        ("蒋平", "author"),
        ("董大为", "author"),
    ]


def test_every_sample_credits_its_gold_authors() -> None:
    """Per post, the credited people (author roles) are exactly the gold authors."""
    wrong = []
    for gold_path in sorted(SAMPLES.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text("utf-8"))
        article = extract_file(gold_path.with_name(gold_path.name.replace(".gold.json", ".md")))
        found = [p.name for p in article.authors if p.role in AUTHOR_ROLES]
        if sorted(found) != sorted(gold["authors"]):
            wrong.append((gold_path.name, gold["authors"], found))
    assert wrong == []


def test_other_roles_are_kept_apart() -> None:
    # 130_zhanjiang / 116_nanzhang: 责编 and 审核 are extracted with their own roles
    article = extract_file(SAMPLES / "116_nanzhang-xianwei-zhuanti-huiyi.md")
    roles = {p.name: p.role for p in article.authors}
    assert roles["卢珊娜"] == "responsible_editor"
    assert roles["周尔华"] == "responsible_editor"
    assert roles["代军"] == "reviewer"
    assert roles["符柳婵"] == "editor"


PIECES = [
    "记者",
    "通讯员",
    "编辑",
    "责编",
    "审核",
    "摄",
    "图/文",
    "文",
    "来源",
    ":",
    "：",
    "(",
    ")",
    "（",
    "）",
    "|",
    " ",
    "、",
    "/",
    "，",
    "。",
    "本报讯",
    "张",
    "伟",
    "欧阳",
    "晓东",
    "王翠",
    "绥化学院",
    "省教育厅",
    "镇党委",
    "街道",
    "由",
    "主办",
    "参加",
    "组织召开",
    "讯",
    "《",
    "》",
    "2021-12-22",
    "报道",
    "县",
    "院",
]


@given(
    st.lists(st.lists(st.sampled_from(PIECES), max_size=25).map("".join), min_size=1, max_size=5)
)
@settings(max_examples=150, deadline=None)
def test_people_organizations_source_never_raise(paragraphs: list[str]) -> None:
    """Any text: no exception, and every span points at what it names."""
    document = doc(*paragraphs)
    for person in extract_authors(document):
        check_evidence(person, paragraphs)
    for org in extract_organizations(document):
        for ev in org.evidence:
            assert paragraphs[ev.paragraph or 0][ev.start : ev.end] == org.name
    found = extract_source(document)
    if found is not None and found.evidence.paragraph is not None:
        ev = found.evidence
        assert paragraphs[ev.paragraph][ev.start : ev.end] == found.name


# Byline forms of issue 13, each with constructed words and a no_match twin beside it.
BYLINE_FORMS = [
    # dateline, then the credit in brackets
    (["新华社北京5月3日电(记者 董立新 钱明)" + BODY, BODY], [("董立新", "reporter"), ("钱明", "reporter")]),
    (["新华社北京5月3日电 东湖街道召开会议(现场 照片)" + BODY, BODY], []),
    (["东方网5月3日10时讯(通讯员 孙立)" + BODY, BODY], [("孙立", "correspondent")]),
    (["东方网5月3日10时讯(消息 一则)" + BODY, BODY], []),
    # several photographers before 摄
    ([BODY, "图为学生们在上课。 赵刚 钱明 摄"], [("赵刚", "photographer"), ("钱明", "photographer")]),
    ([BODY, "图为学生们在上课。 石油 马上 摄"], []),
    # a colon after the role word
    (["本报讯(通讯员:孙立 钱明)" + BODY, BODY], [("孙立", "correspondent"), ("钱明", "correspondent")]),
    (["本报讯(通讯员:暂无)" + BODY, BODY], []),
    # reporter and correspondent, either order
    (["本报讯(记者 董立新 通讯员 孙立)" + BODY, BODY], [("董立新", "reporter"), ("孙立", "correspondent")]),
    (["本报讯(通讯员 孙立 记者 董立新)" + BODY, BODY], [("孙立", "correspondent"), ("董立新", "reporter")]),
    # a padded name
    (["本报讯(记者 张 伟)" + BODY, BODY], [("张伟", "reporter")]),
    (["本报讯(记者 时 间)" + BODY, BODY], []),
    # a unit or medium before the names
    ([BODY, BODY, "完善服务体系。(东湖街办 李明)"], [("李明", "author")]),
    ([BODY, BODY, "完善服务体系。(东湖街办 周年)"], []),
    ([BODY, BODY, "完善服务体系。(孙立 新华网李强)"], [("孙立", "author"), ("李强", "author")]),
    ([BODY, BODY, "完善服务体系。(东湖镇的工作)"], []),
    (["东湖日报全媒体记者 董立新", BODY], [("董立新", "reporter")]),
    (["东湖日报全媒体记者会召开", BODY], []),
    # a byline line with a column or unit among the names
    (["本报记者 董立新 钱明 东湖联盟·青川 孙立", BODY], [("董立新", "reporter"), ("钱明", "reporter"), ("孙立", "reporter")]),
    (["本报记者来到东湖街道，看到了新变化。", BODY], []),
    # review lines; 校对 and 总监制 are skipped without losing the names around them
    ([BODY, "一审:张伟 二审:李明 三审:王芳"], [("张伟", "reviewer"), ("李明", "reviewer"), ("王芳", "reviewer")]),
    ([BODY, "本案一审:法院判决"], []),
    ([BODY, "编辑:张伟 校对:李明 审核:王芳"], [("张伟", "editor"), ("王芳", "reviewer")]),
    ([BODY, "责任编辑:张伟 总监制:李明 编辑:王芳"], [("张伟", "responsible_editor"), ("王芳", "editor")]),
    # run-together names split by likelihood; a word that is no name falls out by its score
    ([BODY, BODY, "完善服务体系。(蒋平董大为)"], [("蒋平", "author"), ("董大为", "author")]),
    ([BODY, BODY, "完善服务体系。(石油简讯)"], []),
]


@pytest.mark.parametrize(("paragraphs", "expected"), BYLINE_FORMS)
def test_byline_forms(paragraphs: list[str], expected: list[tuple[str, str]]) -> None:
    assert credited(*paragraphs) == expected


@pytest.mark.parametrize(
    ("token", "plausible"),
    [("张伟", True), ("何婷", True), ("蒋欣如", True), ("石油", False), ("周年", False),
     ("双方", False), ("简讯", False), ("应当", False)],
)
def test_names_fall_out_by_score(token: str, plausible: bool) -> None:
    assert is_name(token) is plausible


def test_surname_table_is_complete() -> None:
    table = surnames()
    assert set("展涂迟苟隋丛官栗楼朴晋鲜代") <= table
    assert {"欧阳", "司马", "上官", "诸葛"} <= table
