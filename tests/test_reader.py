"""Reading posts: front matter, body, URL/id, dates, source line — table cases over corpus snippets."""

from __future__ import annotations

import pytest

from extractor.dates import find_date, parse_date
from extractor.errors import InputError
from extractor.pipeline import extract_article
from tests.conftest import REFERENCE, post

REF_FRONT = 'title: "绥化学院：打好组合拳毕业生就业三连升"\ndate: 2021-12-22 11:16:43 +0800\ncategories: heilongjiangribao\ntags: 黑龙江日报新闻'

# --- front matter ---------------------------------------------------------------------------

FRONT_MATTER_CASES = [
    # (front matter, expected title, expected published, expected category, expected tags)
    (
        REF_FRONT,
        "绥化学院：打好组合拳毕业生就业三连升",
        "2021-12-22T11:16:43+08:00",
        "heilongjiangribao",
        ["黑龙江日报新闻"],
    ),
    # -202205262391921712.md: empty title, a date that is only an offset
    (
        'title: ""\ndate:  +0800\ncategories: emnews\ntags: 东财滚动新闻',
        None,
        None,
        "emnews",
        ["东财滚动新闻"],
    ),
    # flashes: a time without offset is Beijing time
    (
        'title: "FF：有充足的现金支持到FF 91完成投产"\ndate: 2021-12-08 10:18:31',
        "FF：有充足的现金支持到FF 91完成投产",
        "2021-12-08T10:18:31+08:00",
        None,
        [],
    ),
    # real/ posts with a date only: stays a date, never an invented midnight (constructed)
    ('title: "t"\ndate: 2018-11-29\ntags: [甲, 乙]', "t", "2018-11-29", None, ["甲", "乙"]),
]


@pytest.mark.parametrize(("front", "title", "published", "category", "tags"), FRONT_MATTER_CASES)
def test_front_matter(
    front: str, title: str | None, published: str | None, category: str | None, tags: list[str]
) -> None:
    article = extract_article("p.md", post("<p>正文。</p>", front))
    assert (article.title, article.published, article.category, article.tags) == (
        title,
        published,
        category,
        tags,
    )


def test_empty_title_is_null_with_a_warning() -> None:
    article = extract_article("p.md", post("正文。", 'title: ""\ndate:  +0800'))
    assert article.title is None
    assert any(w.startswith("title:") for w in article.warnings)


def test_front_matter_after_a_blank_line() -> None:
    # 2021-12-08-202112082206703990.md starts with a blank line before `---`
    article = extract_article("p.md", b"\n" + post("Faraday Future (FF)于今日。"))
    assert article.title == "t"
    assert article.paragraphs == ["Faraday Future (FF)于今日。"]


def test_missing_front_matter_is_read_as_body_with_a_warning() -> None:
    article = extract_article("p.md", "北向资金净流入达30亿元。\n".encode())
    assert article.paragraphs == ["北向资金净流入达30亿元。"]
    assert article.title is None
    assert any("no front matter" in w for w in article.warnings)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"---\ntitle: x\n\n<p>body</p>\n", "unclosed_front_matter"),
        (b"---\ntitle: x\n---\n\n", "no_body"),
        (b"", "empty"),
        (b"---\na: &a [x, x]\nb: [*a, *a]\n---\nbody\n", "bad_front_matter"),
        (b"---\ntitle: [unclosed\n---\nbody\n", "bad_front_matter"),
    ],
)
def test_unreadable_posts_raise_a_coded_error(data: bytes, code: str) -> None:
    with pytest.raises(InputError) as info:
        extract_article("p.md", data)
    assert info.value.code == code


# --- body ----------------------------------------------------------------------------------

BODY_CASES = [
    # reference post: <p> paragraphs
    (
        "<p>就业是最大的民生工程。</p><p>构建“三个保障”，完善就业工作机制</p>",
        ["就业是最大的民生工程。", "构建“三个保障”，完善就业工作机制"],
    ),
    # -202205262391921712.md: <span>/<a> inside a paragraph, <br /> before </p>
    (
        '<p>国内首款使用超低GWP(全球变暖潜值)制冷剂的<span id="bk_90.BK0493"><a href="http://quote.eastmoney.com/unify/r/90.BK0493" class="keytip" data-code="90,BK0493">新能源</a></span><span id="bkquote_90.BK0493"></span>汽车来了！<br /></p>',
        ["国内首款使用超低GWP(全球变暖潜值)制冷剂的新能源汽车来了！"],
    ),
    # entities decoded, whitespace (NBSP, ideographic space) normalised (constructed)
    ("<p>&nbsp;&nbsp;A&amp;B\u3000 公司&lt;说&gt;</p>", ["A&B 公司<说>"]),
    # a hidden image paragraph gives nothing; script is never text (constructed around a real tag)
    (
        '<p style="display:none;height:1px;overflow:hidden;"><br /></p><script>var x=1;</script><p>正文</p>',
        ["正文"],
    ),
    # finance flash: plain text body, one paragraph per line
    (
        "离岸人民币兑美元升至6.3512，为2018年以来最高水平。",
        ["离岸人民币兑美元升至6.3512，为2018年以来最高水平。"],
    ),
    # `> ` digest line followed by HTML
    (
        "> 据霍尼韦尔官网消息，5月24日。（上海证券报）\n\n<p>正文。</p>",
        ["据霍尼韦尔官网消息，5月24日。（上海证券报）", "正文。"],
    ),
]


@pytest.mark.parametrize(("body", "paragraphs"), BODY_CASES)
def test_body_paragraphs(body: str, paragraphs: list[str]) -> None:
    assert extract_article("p.md", post(body)).paragraphs == paragraphs


def test_source_line_and_links_are_not_paragraphs() -> None:
    body = (
        '<p>正文。</p><p class="em_media">（文章来源：黑龙江日报）</p>\n\n'
        "<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202112222222391066>\n\n"
        "[返回黑龙江日报新闻](//finews.withounder.com/category/heilongjiangribao.html)｜[返回首页](//finews.withounder.com/)"
    )
    article = extract_article("p.md", post(body))
    assert article.paragraphs == ["正文。"]
    assert article.source is not None and article.source.name == "黑龙江日报"


def test_link_lines_without_url_line_are_dropped() -> None:
    body = "北向资金净流入达30亿元。\n\n[返回东财滚动新闻](../emnews/)\n[返回首页](../)"
    assert extract_article("p.md", post(body)).paragraphs == ["北向资金净流入达30亿元。"]


# --- URL and id ----------------------------------------------------------------------------

URL_CASES = [
    (
        "<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202112222222391066>",
        "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202112222222391066",
        "NW202112222222391066",
    ),
    (
        "<http://stock.eastmoney.com/news/1611,202112082206703990.html>",
        "http://stock.eastmoney.com/news/1611,202112082206703990.html",
        "202112082206703990",
    ),
    (
        "<http://miluo.gov.cn/25221/25222/26735/26747/29710/content_1156297.html>",
        "http://miluo.gov.cn/25221/25222/26735/26747/29710/content_1156297.html",
        None,
    ),
    ("<>", None, None),
]


@pytest.mark.parametrize(("line", "url", "article_id"), URL_CASES)
def test_url_line_and_id(line: str, url: str | None, article_id: str | None) -> None:
    article = extract_article("p.md", post(f"<p>正文。</p>\n\n{line}\n"))
    assert article.url == url
    if article_id is None:
        assert article.id.startswith("sha256-")
    else:
        assert article.id == article_id


def test_hash_id_depends_on_text_not_path() -> None:
    data = post("<p>正文。</p>\n\n<>\n")
    assert extract_article("a.md", data).id == extract_article("b/c.md", data).id
    assert extract_article("a.md", data).id != extract_article("a.md", post("<p>别的。</p>")).id


# --- dates ---------------------------------------------------------------------------------

DATE_CASES = [
    ("2021-12-22 11:16:43 +0800", "2021-12-22T11:16:43+08:00"),
    ("2021-12-08 10:18:31", "2021-12-08T10:18:31+08:00"),
    ("2021-12-22T03:16:43Z", "2021-12-22T03:16:43+00:00"),
    ("2017-10-26 07:35", "2017-10-26T07:35:00+08:00"),
    ("2018-11-29", "2018-11-29"),
    ("2019 年 10 月 30 日", "2019-10-30"),  # dateparser #866 misreads this form
    ("2015年04月08日10:05", "2015-04-08T10:05:00+08:00"),
    ("2021/12/22", "2021-12-22"),
    (" +0800", None),
    ("2021-13-45 99:99:99", None),
    ("2021-02-30", None),
    ("昨天", None),
]


@pytest.mark.parametrize(("raw", "expected"), DATE_CASES)
def test_parse_date(raw: str, expected: str | None) -> None:
    value, warning = parse_date(raw)
    assert value == expected
    assert (warning is None) == (expected is not None)


def test_impossible_date_keeps_the_record_with_a_warning() -> None:
    article = extract_article("p.md", post("正文。", 'title: "t"\ndate: 2021-13-45 99:99:99'))
    assert article.published is None
    assert any("impossible date" in w for w in article.warnings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "来源:湖南省国土资源厅门户网   日期:2017-10-26 07:35",
            "2017-10-26T07:35:00+08:00",
        ),  # 025_miluo
        ("4月20日，某县召开会议", None),  # no year: dateparser #519 guesses one; we do not
    ],
)
def test_find_date_in_text(text: str, expected: str | None) -> None:
    assert find_date(text) == expected


# --- source line ---------------------------------------------------------------------------

SOURCE_CASES = [
    ('<p class="em_media">（文章来源：黑龙江日报）</p>', "黑龙江日报"),
    # -202205262391921712.md: markup inside the source line
    (
        '<p class="em_media">（文章来源：上海<span id="bk_90.BK0473"><a href="http://quote.eastmoney.com/unify/r/90.BK0473" class="keytip" data-code="90,BK0473">证券</a></span><span id="bkquote_90.BK0473"></span>报）</p>',
        "上海证券报",
    ),
    # ASCII width (constructed), 《》 dropped
    ("<p>(文章来源:《湖南日报》)</p>", "湖南日报"),
]


@pytest.mark.parametrize(("tail", "name"), SOURCE_CASES)
def test_source_line(tail: str, name: str | None) -> None:
    article = extract_article("p.md", post(f"<p>正文。</p>{tail}"))
    if name is None:
        assert article.source is None
    else:
        assert article.source is not None
        assert article.source.name == name
        assert article.source.evidence.where == "source_line"


def test_body_source_field_is_not_the_source_line() -> None:
    # a 来源 line inside the body is not the closing source line (025_miluo's first paragraph);
    # the source extractor (issue 4) still reads the publisher from that field
    data = post("<p>正文。</p><p>来源:湖南省国土资源厅门户网   日期:2017-10-26 07:35</p><p>正文。</p>")
    article = extract_article("p.md", data)
    assert article.source is not None
    assert article.source.evidence.where == "paragraph"
    assert article.source.name == "湖南省国土资源厅门户网"


# --- bare HTML pages -------------------------------------------------------------------------


def test_bare_html_page_from_a_real_body() -> None:
    text = REFERENCE.read_text("utf-8")
    body = text.split("---\n", 2)[2].split("\n\n<http")[0]
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<title>绥化学院：打好组合拳毕业生就业三连升 - 黑龙江日报</title>"
        '<meta name="publishdate" content="2021-12-22 11:16:43">'
        '<link rel="canonical" href="http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202112222222391066">'
        "</head><body><nav><a href='/'>首页</a></nav><article>"
        f"<h1>绥化学院：打好组合拳毕业生就业三连升</h1>{body}</article>"
        "<footer>版权所有</footer></body></html>"
    )
    article = extract_article("page.html", page.encode())
    assert article.title == "绥化学院：打好组合拳毕业生就业三连升"
    assert article.id == "NW202112222222391066"
    assert article.published == "2021-12-22T11:16:43+08:00"
    assert len(article.paragraphs) == 15
    assert article.paragraphs[0].startswith("就业是最大的民生工程")
    assert article.source is not None and article.source.name == "黑龙江日报"
