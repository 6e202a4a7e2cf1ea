"""Table tests per enumeration style: real sentences from ../shared/corpus (file named beside
each), constructed ones marked `# constructed` where the corpus has no such form, and for every
style a case that must not match. Projection: (label, declared_count, item names, children)."""

from __future__ import annotations

from typing import Any

import pytest

from extractor.document import Document
from extractor.measures import extract_measure_groups
from schemas import MeasureGroup
from tests.conftest import CORPUS

#: Real text used below, by corpus file; a test checks each one occurs there verbatim.
REAL: dict[str, list[str]] = {}


def real(corpus_file: str, *paragraphs: str) -> list[str]:
    """Paragraphs quoted from a corpus post (registered for the verbatim check)."""
    REAL.setdefault(corpus_file, []).extend(paragraphs)
    return list(paragraphs)


def doc(paragraphs: list[str], title: str | None = None) -> Document:
    return Document(
        path="t.md", text="", encoding="utf-8", kind="post", title=title, paragraphs=paragraphs
    )


def project(groups: list[MeasureGroup]) -> list[tuple[Any, ...]]:
    return [
        (g.label, g.declared_count, [i.name for i in g.items], project(g.children)) for g in groups
    ]


def tree(paragraphs: list[str], title: str | None = None) -> list[tuple[Any, ...]]:
    return project(extract_measure_groups(doc(paragraphs, title)))


REF = "finews/2021-12-22-NW202112222222391066.md"

# --- Quoted count label, items in the following sentences / paragraphs ------------------

QUOTED_FOLLOWING = real(
    REF,
    "构建“三个保障”，完善就业工作机制",
    "构建组织保障，学校成立由党委书记和校长任组长的就业工作领导小组，各学院成立由党总支书记和院长任组长的就业工作组，为就业工作提供组织保障。构建制度保障，学校制定就业工作管理办法和考核办法，建立校、院两级领导班子就业工作周例会制度，实施全员包保责任制，健全就业数据核查机制，为就业工作提供制度保障。构建条件保障，学校建设职业发展咨询室、就业面试洽谈室、就业宣讲室及大学生就业服务平台，为就业工作提供条件保障。",
)
SLOGANS_IN_TEXT = real(
    REF,
    "近年来，绥化学院把打好稳就业保就业攻坚战作为践行初心使命和增强“四个意识”、坚定“四个自信”、做到“两个维护”的“试金石”，全力以赴稳住就业基本盘。",
)


def test_quoted_label_with_items_in_next_paragraph() -> None:
    assert tree(QUOTED_FOLLOWING) == [
        ("三个保障", 3, ["构建组织保障", "构建制度保障", "构建条件保障"], [])
    ]
    group = extract_measure_groups(doc(QUOTED_FOLLOWING))[0]
    assert group.heading == "构建“三个保障”，完善就业工作机制"
    assert group.purpose == "完善就业工作机制"


def test_slogans_in_running_text_give_no_group() -> None:
    assert tree(SLOGANS_IN_TEXT) == []


NESTED_HEADS = real(
    REF,
    "实施“六项举措”，助力毕业生顺利就业",
    "聚焦“三个精准”：聚焦精准指导，为毕业生建立就业档案，开展“一生一策”精准指导服务，帮助毕业生积极就业；聚焦精准培训，对参加公务员、选调生、研究生考试以及基层就业等就业项目的毕业生进行精准培训，助力毕业生实现就业梦想；聚焦精准引导，将毕业生思想教育工作与就业服务相结合，开设“求职路上学党史”栏目，引导毕业生积极就业。",
    "搭建“三个平台”：搭建校际平台，加强与各高校之间联系，积极参与省教育厅倡导的各类就业工作协作体，搭建校际就业服务平台，促进毕业生顺利就业；搭建网络平台，积极引导学生参与国家、黑龙江省组织的网络招聘活动，与优质招聘平台联合举办线上招聘会，为毕业生提供更多就业机会；搭建属地平台，积极拓展本地就业市场，参加“绥化就业大集”“书记进校园”“春风行动”等活动，引导毕业生扎根龙江。",
)


def test_items_that_open_nested_groups_stay_items() -> None:
    [group] = extract_measure_groups(doc(NESTED_HEADS))
    assert [i.name for i in group.items] == ["聚焦“三个精准”", "搭建“三个平台”"]
    assert [(c.label, c.parent_item, len(c.items)) for c in group.children] == [
        ("三个精准", 0, 3),
        ("三个平台", 1, 3),
    ]


# --- Unquoted count labels ------------------------------------------------------------

UNQUOTED = real(
    "real/111_taixing-gongdian-pingan-dianli.md",
    "副市长顾刚就加强全市“平安电力”建设工作强调了三点意见,认清形势,切实增强做好“平安电力”建设工作的责任感和紧迫感;突出重点,扎实推进“平安电力”建设各项工作;加强领导,努力提高“平安电力”建设工作成效。",
)
COUNTS_WITHOUT_LIST = real(
    "real/030_harbin-longtou.md",
    "特别是黑龙江省委省政府刚出台的支持省会建设的意见,10项目标任务、9个工作重点、6方面支持政策,清晰明了,只要真抓实干,哈尔滨的明天一定会更美好。",
)
COUNT_AS_INDICATOR = real(
    "real/028_heilongjiang-renshe-wucuyiwen.md",
    "本报讯(记者徐佳倩)记者从省人社厅获悉,1月份,省人社厅紧盯“城镇调查失业率”和“城镇新增就业”两项主要指标,千方百计拓宽就业渠道,促进就业供需精准匹配,全省实现城镇新增就业2.3万人,完成年计划7.6%;全省城镇调查失业率6%,比去年同期下降0.1个百分点。",
)


def test_unquoted_count_label_with_unmarked_items() -> None:
    assert tree(UNQUOTED) == [("三点意见", 3, ["认清形势", "突出重点", "加强领导"], [])]


@pytest.mark.parametrize("paragraphs", [COUNTS_WITHOUT_LIST, COUNT_AS_INDICATOR])
def test_counts_without_items_give_no_group(paragraphs: list[str]) -> None:
    assert tree(paragraphs) == []


# --- Items inline after the label (即, 包括, brackets) ----------------------------------

INLINE_AFTER = real(
    "real/108_chuzhou-zhongxue-baxiang-gongzuo.md",
    "张大银在会上介绍了假期工作情况,提出我校要以提高教育教学质量为核心,以“立德树人”为总目标,并提出了5个具体目标,即提高教学质量、德育工作、队伍建设、学校管理和校园文化。",
)
INLINE_BRACKETS = [
    "学校推出三项措施（结对帮扶、精准指导、跟踪服务），助力毕业生就业。"
]  # constructed
NOT_INLINE = real(
    "real/110_dongpo-erzhong-kaixue.md",
    "教导主任左松军代表学校,对评选出来的“三好学生”、优秀学生干部、进步明显同学、学科优异同学、劳动之星、品德之星等,进行了表彰通报。",
)


def test_items_inline_after_ji() -> None:
    assert tree(INLINE_AFTER) == [
        ("5个具体目标", 5, ["提高教学质量", "德育工作", "队伍建设", "学校管理", "校园文化"], [])
    ]


def test_items_inline_in_brackets() -> None:
    assert tree(INLINE_BRACKETS) == [("三项措施", 3, ["结对帮扶", "精准指导", "跟踪服务"], [])]


def test_quoted_count_inside_a_list_is_no_label() -> None:
    assert tree(NOT_INLINE) == []


# --- Items before their label -----------------------------------------------------------

BEFORE_QUOTED = real(
    "real/140_qingdao-gongan-qingchang-tiequan.md",
    "冬季严打“铁拳”行动,准确把握岁末年初犯罪活动的规律和特点,坚持严打方针和“零容忍”的理念,以打击严重暴力犯罪、黑恶势力霸痞团伙违法犯罪、侵财犯罪、黄赌毒违法犯罪、食药环违法犯罪“五记重拳”,强化多警种合成作战和专案攻坚,不断提升打击效能",
)
BEFORE_ETC = real(
    "real/028_heilongjiang-renshe-wucuyiwen.md",
    "年初以来,省人社厅以稳就业扩就业为切入点,深入实施经济发展促就业、政策赋能促就业、重点群体兜底保障促就业、公共就业服务升级促就业、职业技能提升促就业和风险防范化解稳就业等“五促一稳”工作计划,多措并举确保全省就业局势持续稳定向好。",
)
BEFORE_ADJACENT_QUOTES = real(
    "real/109_disi-zhongxue-sifangmian.md",
    "他从“加强合作,强化团队意识”“加强常规,强化质量意识”“加强学习,强化责任意识”“加强领导,强化服务意识”四方面对学校工作进行了深入解读。",
)
BEFORE_ACROSTIC = real(
    "real/028_heilongjiang-renshe-wucuyiwen.md",
    "我省人社部门通过着力推进百名就业推荐官、千名人社服务专员、万名基层就业服务人员的“百千万”人社服务,打造“春风行动云聘会”特色服务品牌",
)
NOT_BEFORE_PARTIAL = real(
    "real/032_donglan-sangecengmian.md",
    "县委县政府依托优势资源大力发展板栗、桑蚕、核桃、山茶油等“十大百万”扶贫产业",
)
NOT_BEFORE_NAMES = real(
    "real/116_nanzhang-xianwei-zhuanti-huiyi.md",
    "陈栋、张功玉、孙国强、晏兆品、雷斌、方军、程建胜、张小艳、李采明等县“四大家”领导参加会议。",
)


def test_items_before_quoted_label() -> None:
    assert tree(BEFORE_QUOTED)[0][:3] == (
        "五记重拳",
        5,
        [
            "打击严重暴力犯罪",
            "黑恶势力霸痞团伙违法犯罪",
            "侵财犯罪",
            "黄赌毒违法犯罪",
            "食药环违法犯罪",
        ],
    )


def test_items_before_label_with_deng_and_joiner() -> None:
    names = tree(BEFORE_ETC)[0][2]
    assert names[0] == "经济发展促就业" and names[-1] == "风险防范化解稳就业" and len(names) == 6


def test_adjacent_quoted_items_are_not_cut_at_commas() -> None:
    assert tree(BEFORE_ADJACENT_QUOTES)[0][2] == [
        "加强合作,强化团队意识",
        "加强常规,强化质量意识",
        "加强学习,强化责任意识",
        "加强领导,强化服务意识",
    ]


def test_acrostic_label_has_no_declared_count() -> None:
    assert tree(BEFORE_ACROSTIC) == [
        ("百千万", None, ["百名就业推荐官", "千名人社服务专员", "万名基层就业服务人员"], [])
    ]


@pytest.mark.parametrize("paragraphs", [NOT_BEFORE_PARTIAL, NOT_BEFORE_NAMES])
def test_lists_that_are_not_the_labels_items(paragraphs: list[str]) -> None:
    assert tree(paragraphs) == []


# --- 一是…二是, 一要…二要 -----------------------------------------------------------------

SHI = real(
    "real/132_xialu-quwei-zhongxinzu-xuexi.md",
    "会议指出,当前疫情防控形势持续向好、明天开始生产生活秩序逐渐恢复,后续工作任务依然艰巨,我们要做好以下工作:一是疫情防控战场不能丝毫麻痹,要毫不放松抓紧抓实抓细各项防控工作;二是经济发展战场要在统筹上做决策、想办法、见效果,加快建立同疫情防控相适应的经济社会运行秩序,积极有序推进企事业单位复工复产。三是要维护好社会稳定的战场,确保政治社会大局稳定,奋力夺取疫情防控和经济社会发展双胜利。",
)
YAO = real(
    "real/033_qu-jisheng-yiyao.md",
    "一要加强对会议精神的学习和领会。每名干部要把思想统一到区政府第三次全体会议精神上来,用会议精神指导各项工作,时刻使自己思想、言行体现先进性。二要狠抓落实。要严守政治纪律,严明工作纪律,严格执行力,确保完成年终各项目标任务。三要增强转作风的责任感和紧迫感。全局干部要严格遵守各项规章制度,进一步严于律己,勤奋学习,进一步提升自身综合素质,树立人口计生队伍的良好形象。",
)
SHI_WITH_COMMA = real(
    "real/123_hbu-fuyuan-zhongxinzu-xuexi.md",
    "就贯彻落实好会议精神,倪志宇在总结发言中表示,一是,全院贯彻学习全国卫生健康工作会议和卫生健康宣传工作会议精神;二是,紧紧围绕党中央重大决策部署和卫生健康重点工作,着力加强新闻宣传,展示行业形象;三是,毫不松懈抓好疫情防控,坚守阵地严防反弹,构建常态化防控新格局。",
)
NOT_SHI = ["各单位要统一要求,统一标准,做到一是一、二是二。"]  # constructed: 统一要 and 一是一 idiom


def test_yi_shi_sequence_keeps_yao_after_the_marker() -> None:
    assert tree(SHI) == [
        (
            "一是…三是",
            None,
            [
                "疫情防控战场不能丝毫麻痹",
                "经济发展战场要在统筹上做决策、想办法、见效果",
                "要维护好社会稳定的战场",
            ],
            [],
        )
    ]


def test_yi_yao_sequence() -> None:
    assert tree(YAO)[0][2] == [
        "加强对会议精神的学习和领会",
        "狠抓落实",
        "增强转作风的责任感和紧迫感",
    ]


def test_marker_followed_by_comma() -> None:
    assert tree(SHI_WITH_COMMA)[0][2][2] == "毫不松懈抓好疫情防控"


def test_words_holding_yi_shi_are_no_markers() -> None:
    assert tree(NOT_SHI) == []


# --- (一)(二), 一、二、, 1. 2., nesting across levels ------------------------------------

PAREN_ASCII = real(
    "real/115_wuxiang-cunzhen-yinhang-xuanchuan.md",
    "(一)网点宣传",
    "以我行四个营业网点为基本阵地,在网点醒目位置张贴宣传海报和条幅",
    "(二)户外宣传",
    "组织员工深入周边社区、超市、广场、村庄等区域",
)
PAREN_FULL = [
    "（一）网点宣传",
    "张贴宣传海报和条幅",
    "（二）户外宣传",
    "深入周边社区。",
]  # constructed
NOT_PAREN = ["（来源：湖南日报）", "（记者 王某）"]  # constructed: brackets that are no ordinals

LEVELS = real(
    "real/035_beijing-weijian-jixiao.md",
    "一、总体情况",
    "二、主要做法和工作成效",
    "(一)强化责任担当,全面高效履职",
)
SECTION_AND_SHI = real(
    "real/133_heihumiao-zhen-huanjing-zhengzhi.md",
    "一、精心组织部署。成立了农村环境综合整治领导小组及办公室,负责组织领导、规划协调工作,定期召开会议,研究布署有关活动,及时解决工作中遇到的实际问题。",
    "二、广泛宣传发动。一是召开了镇村两级干部环境综合整治动员大会,传达梁山县环境综合整治动员大会会议精神,并对我镇环境综合整治工作作出具体安排部署。二是向辖区内群众发放《致黑虎庙镇群众的一封信》3000余份,并灌制磁带、扎制宣传车在全镇范围内大力宣传,形成良好的氛围。三是组织学生到敬老院进行义务大扫除,机关单位干部职工也走上街头,参与垃圾清理、拉运、破旧拆除等工作。",
    "三、严格督查考核。为了督促环境整治工作落到实处、取得实效,镇环境整治领导小组不定期的对全镇环境卫生整治工作进行专项督查,发现问题,当场纠改。",
)
NOT_SECTION = ["一体化推进各项工作。", "一、二季度经济运行平稳。"]  # constructed
NUMBERED = real(
    "real/139_taizhou-zhongyiyuan-hushijie-jianxun.md",
    "2.为使我院的护士姐妹们能够轻松愉快而有意义地度过属于自己的节日,护理部于58组织全院护理人员在六楼多功能厅举行了“齐心合力运气球”接力赛趣味活动,参赛共18组,注射室以最快速度荣获第一名。",
)
NOT_NUMBERED = ["1.5万人参加了活动。", "2019年全市新增就业3万人。"]  # constructed: decimals, years


def test_paren_ordinals_ascii_and_full_width() -> None:
    expected = ["网点宣传", "户外宣传"]
    assert tree(PAREN_ASCII)[0][2] == expected
    assert tree(PAREN_FULL)[0][2] == expected


@pytest.mark.parametrize("paragraphs", [NOT_PAREN, NOT_SECTION, NOT_NUMBERED])
def test_no_ordinal_heads(paragraphs: list[str]) -> None:
    assert tree(paragraphs) == []


def test_nesting_across_levels() -> None:
    assert tree(LEVELS) == [
        (
            "一、…二、",
            None,
            ["总体情况", "主要做法和工作成效"],
            [("(一)", None, ["强化责任担当"], [])],
        )
    ]
    [group] = extract_measure_groups(doc(LEVELS))
    assert group.children[0].parent_item == 1


def test_inline_sequence_nested_in_section_item() -> None:
    [group] = extract_measure_groups(doc(SECTION_AND_SHI))
    assert [i.name for i in group.items] == ["精心组织部署", "广泛宣传发动", "严格督查考核"]
    [child] = group.children
    assert child.parent_item == 1 and len(child.items) == 3


def test_numbered_paragraph_is_an_item_but_a_decimal_inside_is_not() -> None:
    paragraphs = real(
        "real/139_taizhou-zhongyiyuan-hushijie-jianxun.md",
        "1.为纪念 5.12国际护士节”, 展示我院护理队伍的精神风采,增加护理队伍的凝聚力,进一步提升中医护理内涵建设",
    )
    assert tree(paragraphs + NUMBERED)[0][2] == [
        "为纪念 5.12国际护士节”",
        "为使我院的护士姐妹们能够轻松愉快而有意义地度过属于自己的节日",
    ]


# --- 第一/第二, 首先/其次/最后 ---------------------------------------------------------------

DI = real(
    "real/034_chengdu-univ-mishuzu.md",
    "会议对秘书组人员的工作进行了部署,苏蓉副校长听取了上周教育思想大讨论方案提交、资料编撰、启动会开展等工作开展情况,并对下一步工作提出要求:第一,提高保密意识,遵守保密规定;第二,加强沟通协调,统一思想认识;第三,以主人翁的精神工作,做好打硬仗的思想准备;第四,发挥每个人的特长,提高工作效率与能力。",
)
NOT_DI = real(
    "real/123_hbu-fuyuan-zhongxinzu-xuexi.md",
    "常务副书记李汉才领学2021年全国卫生健康宣传工作电视电话会议精神,并回顾了2018年至2021年以来卫生健康工作的宣传主线,他表示,宣传工作是现代医院管理体系中的重要组成部分,我们要重视宣传工作,深刻学习领会国家对新冠疫情形势下宣传工作的要求,把握最新形势,与时俱进做好宣传工作,通过多种渠道,第一时间发布百姓关切的诊疗信息、科普知识、防疫举措,努力开创医院宣传工作新局面。",
)
XIAN = real(
    "real/107_xinqiao-chuzhong-kaixue-huiyi.md",
    "宣校长首先对所有新进入新桥初中这个大家庭的老师表示了热烈的欢迎。其次,宣校就学校制度,发展定位与思路,学校重点工作这三方面对全体教师提出了要求与期望。",
)
NOT_XIAN = real(
    "real/109_disi-zhongxue-sifangmian.md",
    "会议首先由三位副校长就各自分管的德育、教学、党务后勤工作进行了总结回顾,并对新学期分管工作作了详细部署。副校长王锋还对全体教职工进行了开学第一次安全教育。",
)


def test_di_sequence() -> None:
    assert tree(DI)[0][2] == [
        "提高保密意识",
        "加强沟通协调",
        "以主人翁的精神工作",
        "发挥每个人的特长",
    ]


def test_xian_sequence_with_a_list_before_its_label_inside() -> None:
    assert tree(XIAN) == [
        (
            "首先…其次",
            None,
            ["对所有新进入新桥初中这个大家庭的老师表示了热烈的欢迎", "宣校就学校制度"],
            [("三方面", 3, ["学校制度", "发展定位与思路", "学校重点工作"], [])],
        )
    ]


@pytest.mark.parametrize("paragraphs", [NOT_DI, NOT_XIAN])
def test_lone_ordinals_give_no_group(paragraphs: list[str]) -> None:
    assert tree(paragraphs) == []


# --- Paragraph-lead subtitles and shared-head lists -------------------------------------

LEADS = real(
    "real/031_lvting-wenming-chuangjian.md",
    "迅速行动,全力以赴。按照上级会议要求,镇党委政府高度重视,迅速行动,成立了文明创建领导小组。8月23日召开文明创建推进会,具体筹划部署了文明创建活动,做到组织领导到位、任务分解到位、督促落实到位。",
    "层层落实,压实责任。按照镇级分工村责任,分为十个片区,片长由分工村领导担任,各村、相关部门配合,严格按照“把握重点、突破难点、整体推进”的要求,各个路段实行包干、包片、包区域,明确分工,细化责任。",
    "加强宣传,提升意识。按照文明城市创建要求,充分利用宣传栏、宣传车、横幅等舆论载体,在镇区、各村大力宣传城市文明程度测评工作的重要意义和相关要求,倡导广大居民自觉遵守公共道德、维护公共秩序,形成全民参与创建的良好局面",
)
NOT_LEADS = [  # constructed: first sentences too long to be subtitles
    "镇党委政府高度重视文明创建工作并迅速行动起来。成立了领导小组。",
    "各村和相关部门密切配合共同推进各项创建任务。明确分工。",
    "全镇上下充分利用各类宣传载体广泛开展宣传活动。形成氛围。",
]
UNSHARED_LIST = real(
    "real/025_miluo-guotu-sandan.md",
    "为强化重点工作落实,治庸治懒治散,今年以来,汨罗市国土资源局通过建立重点工作“交办、督办、通报”三单制度,厘清责任清单、强化过程监督、加大问责力度,助推行政效能提升。",
    "一是工作交办单。办公室根据局党组决议制作《重点工作交办单》,及时下达给责任及协同股室(单位)并抄送党风政风室和人事股,明确工作目标和完成期限。",
    "二是工作督办单。党风政风室和人事股按照“提前督办、跟踪管理”的要求,依据“交办单”内容和实际工作进展情况及时制作《重点工作督办单》,敦促责任股室(单位)按照时间节点和要求完成任务。",
    "三是工作通报单。重点工作进展情况在局大厅电子显示屏和局内网中进行不定期公示。对未按规定完成任务的股室(单位),发出批评“通报单”,实行追责问责。",
)


def test_paragraph_lead_subtitles_with_a_shared_head_list() -> None:
    assert tree(LEADS) == [
        (
            "[段首小标题]",
            None,
            ["迅速行动", "层层落实", "加强宣传"],
            [("[…到位]", None, ["组织领导到位", "任务分解到位", "督促落实到位"], [])],
        )
    ]


def test_long_first_sentences_are_no_subtitles() -> None:
    assert tree(NOT_LEADS) == []


def test_label_takes_the_enumeration_after_it_and_verb_lists_are_no_group() -> None:
    assert tree(UNSHARED_LIST) == [("三单制度", 3, ["工作交办单", "工作督办单", "工作通报单"], [])]


RUNIN_FIRST = real(
    "real/110_dongpo-erzhong-kaixue.md",
    "四川新闻网眉山9月4日讯(彭中洪 李天龙 图/文)2019年秋季开学,东坡二中围绕“新时代、新征程,新学期、新面貌”工作目标,扎实做好系列工作。学校首先开好行政及后勤工作人员会,谋划开局。假期里,在新任校长万忠林的主持下,学校召开了两次行政班子成员及后勤人员会议,反复研讨开学工作,落实各项具体任务,保障开学工作顺利进行。",
    "开好全体教师会,凝心聚力。教师会上,万忠林校长做主要讲话。他就今后的办学理念、治校思路等话题同老师们进行了沟通交流,得到大家的广泛认同;其他行政也分别针对自己分管的工作讲要求,提建议,谈落实。",
    "搞好环境卫生,树立标杆。报名期间,学校行政、后勤、班主任分头行动,组织学生进行彻底的卫生大扫除。打扫完后,万校长带领大家一起进行全面检查验收,并用相机把存在的问题进行拍照记录,当面给相关班主任和牵头行政提出整改的要求及时限。在验收小结会上,万忠林校长强调,这次卫生的打扫要求和检查形式将是今后学校环境卫生管理的常态化要求。",
    "及时召开开学典礼,浓厚氛围。学校经过充分准备,在开学第一天便举行了隆重的开学典礼。学校万忠林校长发表主题讲话,号召全体师生发扬学校良好传统,克服各种不利因素,凝心聚力,全力拼搏,谱写学校新的篇章。",
)


def test_first_subtitle_run_into_the_lead_after_shouxian() -> None:
    assert tree(RUNIN_FIRST)[0][2] == [
        "开好行政及后勤工作人员会",
        "开好全体教师会",
        "搞好环境卫生",
        "及时召开开学典礼",
    ]


# --- Several numerals in one label, labels only in the title ----------------------------

PARTS = real(
    "real/121_muhe-xiang-wuqingwucha.md",
    "为切实做到整治一处、清洁一处、靓丽一处,全乡广泛围开展“五清五查”活动,清理农户院落,开展户内卫生大扫除,清理农户房屋四周垃圾、污泥、污水、杂物、杂草,力争做到窗明几净。清理农户住房,各村组织清理村庄内废弃房、危旧房。清理村内残垣断壁,力争不留一处。清理背街小巷,组织党员先锋队和公岗清理村内背街小巷生活垃圾和建筑垃圾及乱堆乱放,力争清爽整体。",
    "各村农户自查户内,排查农户家中院内及院落四周,看是否有乱堆乱放现象,户内垃圾是否有乱倒现象,院内及屋内是否清洁整齐,引导群众培养讲卫生、爱干净的意识。村组干部查村内道路,对全乡13个村通村道路路面、路肩、排水渠逐一排查,看是否有垃圾乱倒现象,制定排查台账,组织公岗及时整改。乡村河长查河道,各河河长对全乡河面、河床是否有垃圾,河床是否平整,河道周围是否有向河道排污情况逐一排查,看河流是否清俊、无污染,严格履行河长制工作职责。乡村干部排查田间地头是否有乱披乱挂、乱拦乱挡现象,是否用旧条幅、破包装袋、废旧农膜等作围栏,做到突出重点,不留死角。分管领导查乡域环境,查看门头牌匾是否规范、整洁、美观,店外门前是否实行“三包”。群众按规定将生活垃圾投放入桶,不随意把垃圾放在门前、道路、河道、绿化带等公共场所,切实改善乡域环境。",
)
NOT_PARTS = ["开展“两学一做”学习教育,学习党章党规,做合格党员。"]  # constructed: a slogan


def test_label_of_several_numerals_finds_each_parts_items() -> None:
    [(label, declared, names, _)] = tree(PARTS)
    assert (label, declared, len(names)) == ("五清五查", 10, 10)
    assert names[1] == "清理农户房屋四周垃圾、污泥、污水、杂物、杂草"
    assert names[5:] == [
        "各村农户自查户内",
        "村组干部查村内道路",
        "乡村河长查河道",
        "乡村干部排查田间地头是否有乱披乱挂、乱拦乱挡现象",
        "分管领导查乡域环境",
    ]


def test_slogan_of_several_numerals_gives_no_group() -> None:
    assert tree(NOT_PARTS) == []


TITLE_BODY = real(
    "real/124_funing-xian-sanxiang-cuoshi.md",
    "一是开展专项举报,通过广播、电视、报纸和政府网站等新闻媒体,公告了“关于对春节期间公路‘三乱’问题开展专项举报”内容、举报电话;二是召开治理公路“三乱”领导小组成员单位联席会议,认真传达学习国务院和省市的要求,提高认识,明确要求,落实责任;三是联席会议成员单位组成专门工作组对春节期间公路“三乱”问题进行明查暗访,发现问题,严肃处理。(郁永耀)",
)


def test_label_in_the_title_names_the_body_enumeration() -> None:
    [group] = extract_measure_groups(doc(TITLE_BODY, "阜宁县采取了三项措施,确保春节期间道路通畅"))
    assert (group.label, group.declared_count, len(group.items)) == ("三项措施", 3, 3)
    assert group.evidence is not None and group.evidence.where == "title"
    # constructed: a title count that fits neither the number nor the items' head
    [other] = extract_measure_groups(doc(TITLE_BODY, "阜宁县采取五项措施"))
    assert other.label == "一是…三是" and other.declared_count is None


# --- Both punctuation widths --------------------------------------------------------------

SEMICOLONS_ASCII = real(
    "real/029_guanbuqiao-sanguan.md",
    "特别在城乡结合部的村要细致深入地摸底登记,全镇统一标准,严把三关。严把时间关,3日全面开始,9日基本结束,10日后信息录入;严把责任关,镇驻村干部、村分片干部责任到组,具体到户,镇统计、民政、派出所、计生部门,密切配合,完善手续;严把质量关,要求调查员必须进村入户,认真核对填写,签字确认无误,才能通过验收。",
)


def test_ascii_and_full_width_punctuation_alike() -> None:
    full = [
        p.translate(str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）"}))
        for p in SEMICOLONS_ASCII
    ]  # constructed
    expected = [("三关", 3, ["严把时间关", "严把责任关", "严把质量关"], [])]
    assert tree(SEMICOLONS_ASCII) == expected
    assert tree(full) == expected


# --- Evidence ------------------------------------------------------------------------------


@pytest.mark.parametrize("paragraphs", [QUOTED_FOLLOWING, SHI, BEFORE_ETC, LEADS, PARTS])
def test_item_evidence_points_at_the_item_text(paragraphs: list[str]) -> None:
    for group in extract_measure_groups(doc(paragraphs)):
        for item in group.items:
            ev = item.evidence
            assert ev.where == "paragraph" and ev.paragraph is not None
            assert paragraphs[ev.paragraph][ev.start : ev.end] == item.text
            assert item.text.startswith(item.name) or item.name in item.text


# --- The real sentences are real ------------------------------------------------------------


def test_real_sentences_occur_verbatim_in_the_corpus() -> None:
    if not CORPUS.exists():
        pytest.skip("shared corpus not present")
    for name, paragraphs in REAL.items():
        raw = (CORPUS / name).read_text("utf-8")
        for text in paragraphs:
            assert text in raw, (name, text[:30])


def test_distant_qici_does_not_continue_shouxian() -> None:
    paragraphs = [  # constructed
        "会议首先传达了上级文件精神。",
        "与会人员进行了讨论。",
        "大家一致认为要抓好落实。",
        "会后各部门迅速行动。",
        "其次是做好宣传工作。",
    ]
    assert tree(paragraphs) == []


def test_count_of_one_is_no_label() -> None:
    paragraphs = ["学校建立一个平台：线上平台；线下平台。"]  # constructed
    assert tree(paragraphs) == []


TITLE_PARALLEL = real("real/030_harbin-longtou.md", "强一产壮二产拓三产 哈尔滨龙头舞起来")


def test_numbered_parallel_phrases_in_the_title() -> None:
    [group] = extract_measure_groups(doc(["哈尔滨有理由自豪。"], TITLE_PARALLEL[0]))
    assert (group.label, [i.name for i in group.items]) == (
        "[标题]",
        ["强一产", "壮二产", "拓三产"],
    )
    assert all(i.evidence.where == "title" and i.evidence.paragraph is None for i in group.items)
    assert TITLE_PARALLEL[0][3:6] == "壮二产" == group.items[1].name
    assert group.items[1].evidence.start == 3


@pytest.mark.parametrize(
    "title", ["强一产壮二产 哈尔滨", "第一季度三产增长", "一产二产三产"]
)  # constructed
def test_titles_without_a_parallel_run(title: str) -> None:
    assert tree(["哈尔滨有理由自豪。"], title) == []


# --- Constructed variants of the corpus forms ---------------------------------------------


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (  # constructed: a verb phrase and a colon between label and markers
            ["我局采取四项措施推进工作：一是加强领导；二是完善制度；三是强化宣传；四是严格考核。"],
            [("四项措施", 4, ["加强领导", "完善制度", "强化宣传", "严格考核"], [])],
        ),
        (  # constructed: comma clauses sharing their opening
            ["他指出，要做到“两个坚持”，坚持人民至上，坚持生命至上。"],
            [("两个坚持", 2, ["坚持人民至上", "坚持生命至上"], [])],
        ),
        (  # constructed: items before the label joined by 的, counted exactly
            ["该县坚持思想到位、措施到位、责任到位的“三个到位”要求。"],
            [("三个到位", 3, ["思想到位", "措施到位", "责任到位"], [])],
        ),
        (  # constructed: a head noun between the quoted label and 即
            ["某县推行“五个一”工作法，即一张图、一张表、一本账、一套制度、一支队伍。"],
            [("五个一", 5, ["一张图", "一张表", "一本账", "一套制度", "一支队伍"], [])],
        ),
        (  # constructed: the items open with the label's head, not the heading's verb
            [
                "该局围绕“四个聚焦”开展工作。",
                "聚焦主责主业，加强监督。聚焦重点领域，强化治理。聚焦群众关切，解决问题。聚焦队伍建设，提升能力。",
            ],
            [
                (
                    "四个聚焦",
                    4,
                    ["聚焦主责主业", "聚焦重点领域", "聚焦群众关切", "聚焦队伍建设"],
                    [],
                )
            ],
        ),
        (  # constructed: must not match, 一对一 declares no count
            ["学校开展“一对一”帮扶：帮扶学生；帮扶家庭。"],
            [],
        ),
        (  # constructed: must not match, comma clauses without a shared opening
            ["他指出，要做到“两个坚持”，这是根本，必须牢记。"],
            [],
        ),
        (  # constructed: must not match, a 的-list that the count does not fit
            ["对照省、市委提出的“五放”要求。"],
            [],
        ),
    ],
)
def test_constructed_variants(paragraphs: list[str], expected: list[tuple[Any, ...]]) -> None:
    assert tree(paragraphs) == expected


def test_label_closing_a_paragraph_takes_the_next_enumeration_and_warns() -> None:
    paragraphs = [  # constructed
        "我局采取四项措施推进工作。",
        "一是加强领导。成立领导小组。",
        "二是完善制度。制定办法。",
        "三是强化宣传。广泛宣传。",
    ]
    d = doc(paragraphs)
    [group] = extract_measure_groups(d)
    assert (group.label, len(group.items)) == ("四项措施", 3)
    assert d.warnings == ["四项措施: declared 4, found 3"]
