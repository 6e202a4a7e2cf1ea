"""The HTML evidence report: every fact one highlight around exactly its span, in a real browser.

The marks are checked against the record itself (the spans' text), not against the report's
own fact list, so a fact the report forgot or placed wrongly fails.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporters.report import HtmlExporter
from exporters.report.facts import Fact
from exporters.report.marks import marked
from extractor.cli import main
from schemas import Article, Evidence, MeasureGroup
from tests.browser import Browser, screenshot
from tests.conftest import REFERENCE, SAMPLES

Key = tuple[str, str, str]  # kind, role, text


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    assert main(["extract", str(SAMPLES), "-o", str(folder), "--format", "json,html"]) == 0
    return folder


def articles(out: Path) -> list[Article]:
    lines = (out / "articles.jsonl").read_text("utf-8").splitlines()
    found = [Article.model_validate_json(line) for line in lines]
    assert not [w for a in found for w in a.warnings if "rule failed" in w]
    return found


def span_text(article: Article, evidence: Evidence, name: str) -> str:
    """What a highlight must hold: the span's text, or the name when the record lacks the text."""
    texts = {"title": article.title, "url": article.url}
    if evidence.where == "paragraph" and evidence.paragraph is not None:
        text: str | None = article.paragraphs[evidence.paragraph]
    else:
        text = texts.get(evidence.where)
    return name if text is None else text[evidence.start : evidence.end]


def items(groups: list[MeasureGroup]) -> list[tuple[str, str, Evidence]]:
    found = []
    for group in groups:
        found.extend((group.label, item.name, item.evidence) for item in group.items)
        found.extend(items(group.children))
    return found


def expected_marks(article: Article) -> Counter[Key]:
    """One (kind, role, text) per fact of the record."""
    want: Counter[Key] = Counter()
    if article.source is not None:
        source = article.source
        want["source", "source", span_text(article, source.evidence, source.name)] += 1
    for org in article.organizations:
        for evidence in org.evidence:
            want["organization", org.role, span_text(article, evidence, org.name)] += 1
    for person in article.authors:
        want["person", person.role, span_text(article, person.evidence, person.name)] += 1
    for label, name, evidence in items(article.measure_groups):
        want["item", label, span_text(article, evidence, name)] += 1
    return want


def dom_marks(html: str) -> tuple[Counter[Key], int]:
    """(kind, role, text) of each fact highlighted in a page; the parts of a split span joined."""
    root = lxml.html.fromstring(html)
    facts: dict[str, list[str]] = {}
    kinds: dict[str, tuple[str, str]] = {}
    marks = root.xpath("//mark[@data-fact]")
    for mark in marks:
        fact = mark.get("data-fact")
        facts.setdefault(fact, []).append(mark.text_content())
        kinds[fact] = (mark.get("data-kind"), mark.get("data-role"))
        assert mark.get("title"), "every highlight shows its fact on hover"
    found: Counter[Key] = Counter()
    for fact, parts in facts.items():
        found[(*kinds[fact], "".join(parts))] += 1
    return found, len(marks)


def page_of(out: Path, article: Article) -> Path:
    return out / "report" / "articles" / f"{article.id}.html"


def test_every_fact_is_one_highlight_around_its_span(out: Path) -> None:
    records = articles(out)
    assert len({a.id for a in records}) == len(records)
    for article in records:
        found, _ = dom_marks(page_of(out, article).read_text("utf-8"))
        assert found == expected_marks(article), article.path


def test_the_reference_post_highlights_its_credits_and_nests(out: Path) -> None:
    (article,) = [a for a in articles(out) if a.path == REFERENCE.name]
    root = lxml.html.fromstring(page_of(out, article).read_text("utf-8"))
    people = [m.text_content() for m in root.xpath('//mark[@data-kind="person"][@data-fact]')]
    assert people == ["蒋平", "董大为"]
    last = root.xpath('//p[.//mark[@data-kind="person"][@data-fact]]')[0].text_content()
    assert "(蒋平董大为)" in last
    # an organization named inside a measure item is a mark inside the item's mark
    assert root.xpath('//mark[@data-kind="item"]//mark[@data-kind="organization"]')
    tree = root.xpath('//aside[@class="facts"]')[0].text_content()
    assert "三个保障" in tree and "declared 3, found 3" in tree


def test_overview_counts_and_failed_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ref.md").write_bytes(REFERENCE.read_bytes())
    (folder / "empty.md").write_bytes(b"")
    assert main(["extract", str(folder), "-o", str(tmp_path / "out"), "--format", "json"]) == 1
    assert main(["report", str(tmp_path / "out")]) == 0
    root = lxml.html.fromstring((tmp_path / "out/report/index.html").read_text("utf-8"))
    failed = root.xpath('//tr[@class="failed"]/td/text()')
    assert failed == ["empty.md", "failed", "empty file"]
    figures = dict(
        zip(
            root.xpath('//div[@class="figure"]/span[@class="label"]/text()'),
            root.xpath('//div[@class="figure"]/span[@class="number"]/text()'),
            strict=True,
        )
    )
    assert figures["files failed"] == "1"
    assert figures["articles"] == "1"
    assert figures["leaf measures"] == "27"
    chart = root.xpath("//svg")[0]
    assert "绥化学院" in chart.xpath("string(.)")
    assert "27" in chart.xpath('.//text[@class="value"]/text()')


def test_the_index_is_paged_with_every_article(out: Path) -> None:
    records = articles(out)
    data = (out / "report" / "index-data.js").read_text("utf-8")
    rows = json.loads(data.removeprefix("window.NEWSFACTS_INDEX=").rstrip(";\n"))
    assert [r[0] for r in rows] == [f"articles/{a.id}.html" for a in records]
    assert all((out / "report" / r[0]).exists() for r in rows)
    first = lxml.html.fromstring((out / "report" / "articles.html").read_text("utf-8"))
    assert len(first.xpath('//table[@id="articles"]/tbody/tr')) == min(100, len(records))


def test_a_second_run_replaces_the_report_atomically(out: Path) -> None:
    assert main(["report", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir() if p.name.startswith("report")) == ["report"]


def test_pages_of_one_organization_entity_link_each_other(out: Path) -> None:
    records = articles(out)
    shared: dict[str, set[str]] = {}
    for a in records:
        for org in a.organizations:
            if not org.entity.startswith(a.id + "#"):
                shared.setdefault(org.entity, set()).add(f"../articles/{a.id}.html")
    assert any(len(hrefs) > 1 for hrefs in shared.values()), "the samples share an entity"
    pages = {p.name for p in (out / "report" / "entities").iterdir()}
    assert len(pages) == len(shared)
    linked = 0
    for a in records:
        root = lxml.html.fromstring(page_of(out, a).read_text("utf-8"))
        for link in root.xpath('//aside[@class="facts"]//a[starts-with(@href, "../entities/")]'):
            linked += 1
            entity = lxml.html.fromstring(
                (out / "report" / link.get("href")[3:]).read_text("utf-8")
            )
            key = entity.xpath("string(//p[@class='meta']/code)")
            listed = set(entity.xpath("//tbody//a/@href"))
            assert listed == shared[key], key
            assert f"../articles/{a.id}.html" in listed
    # one link per organization named (two names of one entity in an article: two links)
    assert linked == sum(
        not o.entity.startswith(a.id + "#") for a in records for o in a.organizations
    )


# --- the marks, on constructed spans -------------------------------------------------------


def fact(name: str, start: int, end: int) -> Fact:
    return Fact(name, "item", "g", name, Evidence(where="title", start=start, end=end), name)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="绥化学院<&>\"'ab", min_size=0, max_size=30).flatmap(
        lambda text: st.tuples(
            st.just(text),
            st.lists(
                st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(sorted),
                max_size=8,
            ),
        )
    )
)
def test_marks_keep_the_text_and_hold_exactly_each_span(case: tuple[str, list[list[int]]]) -> None:
    text, spans = case
    facts = [fact(f"f{n}", start, end) for n, (start, end) in enumerate(spans)]
    root = lxml.html.fragment_fromstring(f"<p>{marked(text, facts)}</p>")
    assert root.text_content() == text
    for one in facts:
        parts = root.xpath(f'.//mark[@data-fact="{one.id}"]')
        assert parts, one.id
        assert (
            "".join(p.text_content() for p in parts) == text[one.evidence.start : one.evidence.end]
        )


def test_crossing_spans_split_the_later_one_and_nested_spans_nest() -> None:
    html = str(marked("abcdefgh", [fact("a", 0, 5), fact("b", 3, 8), fact("c", 1, 2)]))
    root = lxml.html.fragment_fromstring(f"<p>{html}</p>")
    assert [m.text_content() for m in root.xpath('.//mark[@data-fact="b"]')] == ["de", "fgh"]
    assert root.xpath('.//mark[@data-fact="a"]/mark[@data-fact="c"]/text()') == ["b"]
    assert root.xpath('.//mark[@data-fact="a"]/mark[@data-fact="b"]/text()') == ["de"]


# --- in a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as one:
        yield one


def test_the_console_check_sees_errors(tmp_path: Path, browser: Browser) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        '<link rel="stylesheet" href="missing.css"><p>x</p>'
        "<script>console.error('nf-broken'); undefinedName();</script>"
    )
    messages = browser.open(page).console
    assert "console.error: nf-broken" in messages
    assert any("undefinedName" in m for m in messages if m.startswith("uncaught: "))
    assert any("missing.css" in m for m in messages if m.startswith("log error: "))


def test_chromium_renders_every_page_with_every_highlight(out: Path, browser: Browser) -> None:
    for article in articles(out):
        page = browser.open(page_of(out, article))
        assert page.console == [], article.path
        found, _ = dom_marks(page.dom)
        assert found == expected_marks(article), article.path
    entity = next((out / "report" / "entities").iterdir())
    for page in (out / "report" / "index.html", out / "report" / "articles.html", entity):
        assert browser.open(page).console == [], page
    overview = lxml.html.fromstring(browser.open(out / "report" / "index.html").dom)
    assert overview.xpath("//svg//rect")


def test_chromium_filters_the_index_by_organization(out: Path, browser: Browser) -> None:
    records = articles(out)
    name = "绥化学院"
    want = sorted(
        a.title or a.path
        for a in records
        if name in {o.name for o in a.organizations if o.role == "subject"}
    )
    page = browser.open((out / "report" / "articles.html").as_uri() + "?org=" + name)
    assert page.console == []
    root = lxml.html.fromstring(page.dom)
    shown = sorted(root.xpath('//table[@id="articles"]/tbody/tr/td[2]/a/text()'))
    assert shown == want and want
    assert f"{len(want)} of {len(records)} articles" in root.xpath('string(//span[@id="shown"])')


def test_chromium_takes_a_screenshot(out: Path, tmp_path: Path) -> None:
    shot = tmp_path / "overview.png"
    screenshot(out / "report/index.html", shot, 1200, 900)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_needs_a_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path)]) == 2
    assert "no articles.jsonl" in capsys.readouterr().err
    assert not (tmp_path / "report").exists()


def test_hostile_text_stays_text(tmp_path: Path, reference: Article) -> None:
    """Text from a post is data: no tag, script or attribute of it reaches the page."""
    hostile = '<script>alert(1)</script><mark data-fact="x">"\'&'
    article = reference.model_copy(
        update={
            "title": hostile + reference.title,
            "paragraphs": [hostile + p for p in reference.paragraphs],
            "organizations": [],
            "authors": [],
            "measure_groups": [],
            "source": None,
            "warnings": [hostile],
        }
    )
    exporter = HtmlExporter(tmp_path)
    exporter.write(article)
    exporter.close()
    for page in (tmp_path / "report").rglob("*.html"):
        root = lxml.html.fromstring(page.read_text("utf-8"))
        assert all(s.get("src") for s in root.iter("script")), page  # only our own script files
        assert not root.xpath('//mark[@data-fact="x"]'), page
    text = lxml.html.fromstring(page_of(tmp_path, article).read_text("utf-8")).text_content()
    assert hostile in text
