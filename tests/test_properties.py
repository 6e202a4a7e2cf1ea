"""Property tests over mutations of the real sample posts (hypothesis, bounded examples).

A mutated post is what a dirty archive holds: cut-off downloads, flipped bytes, stray or
hostile tags, other encodings. Whatever the bytes, extraction gives a valid record or a
coded InputError, the same one each time, with evidence that points inside the record.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.errors import REASONS, InputError
from extractor.pipeline import extract_article
from schemas import Article, Evidence
from tests.conftest import SAMPLES

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
