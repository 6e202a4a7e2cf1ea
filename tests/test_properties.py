"""Property tests over mutations of the real sample posts (hypothesis, bounded examples).

A mutated post is what a dirty archive holds: cut-off downloads, flipped bytes, stray or
hostile tags, other encodings. Whatever the bytes, extraction gives a valid record or a
coded InputError, the same one each time, with evidence that points inside the record.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.document import Document
from extractor.errors import REASONS, InputError
from extractor.pipeline import FIELD_EXTRACTORS, article_of, extract_article
from extractor.reader import read_document
from schemas import Article, Evidence, MeasureGroup
from tests.conftest import SAMPLES, post

#: The real posts (copied unchanged from the shared corpus), read once.
POSTS: list[bytes] = [p.read_bytes() for p in sorted(SAMPLES.glob("*.md"))]

#: Fragments a broken or hostile file may hold, inserted anywhere.
FRAGMENTS: list[str] = [
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    '<p class="em_media">',
    "<br/>",
    "<script>",
    "<style>",
    "<!--",
    "<![CDATA[",
    "<table><tr><td>",
    "<h1>",
    "<title>",
    '<meta charset="gbk">',
    '<?xml version="1.0" encoding="gbk"?>',
    '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>&x;',
    '<!DOCTYPE l [<!ENTITY a "&b;&b;"><!ENTITY b "&a;">]>&a;',
    "&lol;",
    "&#0;",
    "&#x110000;",
    "&nbsp;",
    "<div>" * 300,
    "</div>" * 300,
    "---\n",
    "\n---\n",
    "title: *a\n",
    "<>",
    "<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW1>",
    "\x00",
    "\ufeff",
    "\r",
    "<",
    ">",
    "（文章来源：",
    "构建“三个保障”",
    "一是",
]

#: Encodings a post is re-encoded into (characters a codec lacks become `?`).
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "gbk", "gb18030", "big5"]

Draw = Callable[[st.SearchStrategy[object]], object]


def truncate(draw: Draw, data: bytes) -> bytes:
    """A cut-off download."""
    at = draw(st.integers(0, len(data)))
    assert isinstance(at, int)
    return data[:at]


def flip_bytes(draw: Draw, data: bytes) -> bytes:
    """A few bytes damaged."""
    if not data:
        return data
    out = bytearray(data)
    flips = draw(
        st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(1, 255)), max_size=8)
    )
    assert isinstance(flips, list)
    for at, mask in flips:
        out[at] ^= mask
    return bytes(out)


def insert_tag(draw: Draw, data: bytes) -> bytes:
    """A stray or hostile fragment inserted anywhere (UTF-8: as most of the corpus is)."""
    fragment = draw(st.sampled_from(FRAGMENTS))
    at = draw(st.integers(0, len(data)))
    assert isinstance(fragment, str) and isinstance(at, int)
    return data[:at] + fragment.encode("utf-8") + data[at:]


def re_encode(draw: Draw, data: bytes) -> bytes:
    """The post written in another encoding, maybe with CRLF line ends."""
    encoding = draw(st.sampled_from(ENCODINGS))
    crlf = draw(st.booleans())
    assert isinstance(encoding, str)
    text = data.decode("utf-8", errors="replace")
    if crlf:
        text = text.replace("\n", "\r\n")
    return text.encode(encoding, errors="replace")


MUTATIONS = [truncate, flip_bytes, insert_tag, re_encode]


@st.composite
def mutated_posts(draw: st.DrawFn) -> tuple[str, bytes]:
    """(path, bytes): a real post after one to four mutations, read as a post or a page."""
    data = draw(st.sampled_from(POSTS))
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        data = mutation(draw, data)
    path = draw(st.sampled_from(["post.md", "page.html"]))
    return path, data


#: Bounded so the suite stays fast (an example takes a few ms); the main property gets most.
PROPERTY_SETTINGS = settings(
    max_examples=100,
    deadline=None,  # hostile fragments are meant to be slow to parse; bounds are in test_faults
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MAIN_SETTINGS = settings(PROPERTY_SETTINGS, max_examples=400)


def extract(path: str, data: bytes) -> Article | InputError:
    """The record, or the coded error the file got (anything else propagates and fails)."""
    try:
        return extract_article(path, data)
    except InputError as exc:
        return exc


@MAIN_SETTINGS
@given(mutated_posts())
def test_extraction_gives_a_valid_record_or_a_coded_error(case: tuple[str, bytes]) -> None:
    result = extract(*case)
    if isinstance(result, InputError):
        assert result.code in REASONS
        assert result.code != "internal"
        return
    assert Article.model_validate_json(result.model_dump_json()) == result
    assert result.path == case[0]


@PROPERTY_SETTINGS
@given(mutated_posts())
def test_extraction_is_deterministic(case: tuple[str, bytes]) -> None:
    first, second = extract(*case), extract(*case)
    if isinstance(first, InputError):
        assert isinstance(second, InputError) and second.reason == first.reason
    else:
        assert isinstance(second, Article)
        assert second.model_dump_json() == first.model_dump_json()


def evidence_of(article: Article) -> list[Evidence]:
    """Every evidence span in a record."""
    spans: list[Evidence] = []
    if article.source is not None:
        spans.append(article.source.evidence)
    for org in article.organizations:
        spans.extend(org.evidence)
    spans.extend(person.evidence for person in article.authors)
    groups = list(article.measure_groups)
    while groups:
        group = groups.pop()
        if group.evidence is not None:
            spans.append(group.evidence)
        spans.extend(item.evidence for item in group.items)
        groups.extend(group.children)
    return spans


@PROPERTY_SETTINGS
@given(mutated_posts())
def test_paragraph_evidence_points_inside_the_record(case: tuple[str, bytes]) -> None:
    result = extract(*case)
    if isinstance(result, InputError):
        return
    for span in evidence_of(result):
        if span.where == "paragraph":
            assert span.paragraph is not None and span.paragraph < len(result.paragraphs)
            assert span.end <= len(result.paragraphs[span.paragraph])
        elif span.where == "title":
            assert result.title is not None and span.end <= len(result.title)


# --- each field extractor, directly, on long and odd generated text --------------------------
# The pipeline turns nothing into a warning under test (strict mode), but a crash could still
# hide behind an earlier stage that dropped the input; here each extractor runs itself on a
# Document read from a constructed post, in pipeline order (a later one reads earlier facts).

#: Pieces of Chinese news text the rules read: words, every marker family, count labels,
#: quotes, book titles, `、`-lists, names with organization suffixes, bylines and source words,
#: numerals of every kind, and every punctuation mark in both widths (all words invented).
PIECES: list[str] = [
    "学校", "开展", "工作", "推进", "加强", "完善", "机制", "服务", "群众", "发展",
    "东湖市", "西岭县", "南江镇", "北原街道", "青山区人民政府", "白水大学", "红石职业技术学院",
    "金沙公司", "教育局", "委员会", "党委", "人民法院", "人民检察院", "医院", "日报", "融媒体中心",
    "一是", "二是", "三是", "一要", "二要", "第一", "第二", "第三", "首先", "其次", "再次", "最后",
    "一、", "二、", "三、", "（一）", "（二）", "(三)", "1.", "2.", "3、", "１．", "２．",
    "“三个保障”", "“四个到位”", "‘两个维护’", "「五项举措」", "“三三六三”", "“一生一策”",
    "三个", "四项", "五大", "六种", "两手抓", "十四五", "十", "百", "千", "万", "两", "零",
    "0", "7", "12", "２０２１", "3.5%", "第N", "第12",
    "《东湖市就业管理办法》", "《西岭日报》", "《", "》", "《《", "》》",
    "项目工作法、一线工作法、典型引路法", "到位、", "、", "、、",
    "记者", "通讯员", "编辑", "作者：", "作者:", "责任编辑：", "审核", "摄", "张伟", "王 芳",
    "（文章来源：", "来源:", "——原载", "本报讯", "新华社",
    "，", "：", "；", "（", "）", "？", ",", ":", ";", "(", ")", "?", "。", "！", "…", "——",
    "“", "”", "‘", "’", "「", "」", " ", "\u3000", "\xa0", "&", "<", ">",
]

#: Any run of pieces.
loose_texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join)

NUMERAL_WORDS = "一二三四五六七八九十"
#: Ordinal markers of every family, by ordinal (1-based), in both widths.
MARKER_FORMS = [
    "{c}是",
    "{c}要",
    "第{c}，",
    "第{c},",
    "{c}、",
    "（{c}）",
    "({c})",
    "{d}.",
    "{d}、",
    "{w}．",
]
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
NAMES = ["张伟", "李娜", "王 芳", "陈冰", "刘洋洋", "欧阳明"]
BYLINES = [
    "（记者 {a} 通讯员 {b}）",
    "本报讯(记者 {a})",
    "(通讯员:{a} {b})",
    "作者：{a}",
    "编辑:{a}",
    "责任编辑：{a} 审核：{b}",
    "({a}{b})",
    "{a} 摄",
]


@st.composite
def enumerations(draw: st.DrawFn) -> list[str]:
    """A count label and its items behind ordinal markers, inline or one paragraph each."""
    count = draw(st.integers(1, 10))
    form = draw(st.sampled_from(MARKER_FORMS))
    label = f"“{NUMERAL_WORDS[count - 1]}{draw(st.sampled_from(['个', '项', '大', '种', '']))}"
    label += f"{draw(st.sampled_from(['保障', '举措', '到位', '联动']))}”"
    head = f"{draw(st.sampled_from(['构建', '实施', '坚持']))}{label}{draw(st.sampled_from(['：', ':', '，', '。']))}"
    items = []
    for n in range(1, draw(st.integers(0, count + 2)) + 1):
        digits = str(n)
        marker = form.format(
            c=NUMERAL_WORDS[(n - 1) % 10], d=digits, w=digits.translate(FULL_WIDTH_DIGITS)
        )
        items.append(marker + draw(loose_texts) + draw(st.sampled_from(["；", ";", "。", "，"])))
    if draw(st.booleans()):
        return [head + "".join(items)]
    return [head, *items]


@st.composite
def bylines(draw: st.DrawFn) -> list[str]:
    """A credit line of invented names in one of the byline forms."""
    form = draw(st.sampled_from(BYLINES))
    return [form.format(a=draw(st.sampled_from(NAMES)), b=draw(st.sampled_from(NAMES)))]


#: A paragraph of pieces; its length drawn so that some are huge.
paragraph_texts = loose_texts
paragraph_runs = st.one_of(loose_texts.map(lambda text: [text]), enumerations(), bylines())


@st.composite
def long_odd_posts(draw: st.DrawFn) -> tuple[str, bytes]:
    """(path, bytes): a constructed post or page of generated paragraphs, maybe very long or
    deeply nested, with a generated title and maybe a source line."""
    paragraphs = [p for run in draw(st.lists(paragraph_runs, min_size=1, max_size=8)) for p in run]
    length = draw(st.sampled_from(["short", "huge paragraph", "many paragraphs"]))
    if length == "huge paragraph":  # a run of pieces repeated
        at = draw(st.integers(0, len(paragraphs) - 1))
        paragraphs[at] = paragraphs[at] * draw(st.integers(50, 400))
    elif length == "many paragraphs":  # hundreds: the paragraphs repeated
        paragraphs = paragraphs * draw(st.integers(10, 60))
    depth = draw(st.sampled_from([0, 1, 5, 130, 300]))  # past the reader's 128 and libxml2's 256
    title = draw(paragraph_texts)
    body = "<div>" * depth + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    body += "</div>" * depth
    if draw(st.booleans()):
        body += f'<p class="em_media">（文章来源：{html.escape(draw(paragraph_texts))}）</p>'
    if draw(st.booleans()):
        page = f"<html><head><title>{html.escape(title)}</title></head><body><h1>"
        page += f"{html.escape(title)}</h1><div>{body}</div></body></html>"
        return "page.html", page.encode("utf-8")
    front = f"---\ntitle: {json.dumps(title)}\ndate: 2021-12-22 11:16:43 +0800\n---\n"
    return "post.md", (front + body + "\n").encode("utf-8")


def span_text(doc: Document, span: Evidence) -> str | None:
    """The text a span points into (None for front matter and URL spans), checking its bounds."""
    texts = {"title": doc.title, "source_line": doc.source_line}
    if span.where == "paragraph":
        assert span.paragraph is not None and span.paragraph < len(doc.paragraphs)
        text: str | None = doc.paragraphs[span.paragraph]
    elif span.where in texts:
        text = texts[span.where]
        assert text is not None
    else:
        return None
    assert text is not None and 0 <= span.start <= span.end <= len(text)
    return text[span.start : span.end]


def check_measure_groups(doc: Document, groups: list[MeasureGroup]) -> None:
    """Every group's and item's span lies inside its text; an item's span is its text, and a
    count label's span holds the label."""
    stack = list(groups)
    while stack:
        group = stack.pop()
        if group.evidence is not None:
            at = span_text(doc, group.evidence)
            # A count label is the text's own (三个保障); other labels may be made (一是…三是, (一)).
            if at is not None and group.declared_count is not None and "…" not in group.label:
                assert group.label in at
        for item in group.items:
            at = span_text(doc, item.evidence)
            assert at is None or at == item.text
            assert item.name in item.text
        stack.extend(group.children)


def check_facts(doc: Document) -> None:
    """The evidence of every fact found in `doc` spans what the fact says."""
    if doc.facts.source is not None:
        at = span_text(doc, doc.facts.source.evidence)
        assert at is None or at == doc.facts.source.name
    check_measure_groups(doc, doc.facts.measure_groups)
    for person in doc.facts.authors:
        at = span_text(doc, person.evidence)
        assert at is None or "".join(at.split()) == person.name  # `王 芳` is one name
    for org in doc.facts.organizations:
        for span in org.evidence:
            at = span_text(doc, span)
            assert at is None or at == org.name


EXTRACTOR_SETTINGS = settings(PROPERTY_SETTINGS, max_examples=150)

#: Every level of markers there is: three paragraph families (一、 (一) 1.), three inline ones
#: (一是 第一 首先) and count labels. A tree deeper than that grew with the text's length.
MAX_TREE_DEPTH = 7
#: The smallest text the property test found deepening the tree before measures was made
#: linear: each repetition nested under the last item of the one before (100 of them: the
#: JSON could not be read back; 300: it could not be written).
REPEATED_ENUMERATION = "构建“两个保障”：一是甲；二是乙；"


def tree_depth(groups: list[MeasureGroup]) -> int:
    """Levels of a measure tree (0 without groups), counted without recursion."""
    deepest, stack = 0, [(group, 1) for group in groups]
    while stack:
        group, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in group.children)
    return deepest


@EXTRACTOR_SETTINGS
@given(long_odd_posts())
def test_each_field_extractor_takes_long_odd_text(case: tuple[str, bytes]) -> None:
    doc = read_document(*case)
    for name, extractor in FIELD_EXTRACTORS:
        setattr(doc.facts, name, extractor(doc))
    check_facts(doc)
    assert tree_depth(doc.facts.measure_groups) <= MAX_TREE_DEPTH
    record = article_of(doc)
    assert Article.model_validate_json(record.model_dump_json()) == record


def test_a_repeated_enumeration_stays_flat() -> None:
    doc = read_document("post.md", post(REPEATED_ENUMERATION * 300))
    for name, extractor in FIELD_EXTRACTORS:
        setattr(doc.facts, name, extractor(doc))
    assert tree_depth(doc.facts.measure_groups) <= 2  # a count label over its 一是… items
    record = article_of(doc)
    assert Article.model_validate_json(record.model_dump_json()) == record
