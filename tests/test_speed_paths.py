"""The speed work's shortcuts read what the plain definitions they replace read."""

from __future__ import annotations

import html
import re
from pathlib import PurePath

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from extractor import authors, entities, pipeline, reader, regions, rules
from extractor.decode import PLAIN_TEXT
from extractor.document import Document
from extractor.measures.text import CLAUSE_STOPS, SENTENCE_STOPS, first_stop, stop_positions
from extractor.organizations.suffixes import Openings
from extractor.reader import _flat_front_matter
from tests.conftest import ROOT, SAMPLES

CORPUS = ROOT.parent / "shared" / "corpus"

#: Characters that make YAML read a line differently: indicators, quotes, escapes, spaces,
#: line breaks YAML knows beyond \n, controls, and some CJK text.
VALUE_ALPHABET = " \t\"'\\:#&*!|>%@`-?,[]{}~\u3000\x85\u2028\xa0\ufeff\x07abc1年月党委"
KEYS = st.sampled_from(["title", "date", "tags", "categories", "layout", "a_b", "x-y", "k1"])
VALUES = st.text(alphabet=VALUE_ALPHABET, max_size=10)
QUOTED = VALUES.map(lambda v: f'"{v}"') | VALUES.map(lambda v: f"'{v}'")
LINES = st.builds(
    lambda key, sep, value: f"{key}:{sep}{value}",
    KEYS,
    st.sampled_from(["", " ", "  ", "\t"]),
    VALUES | QUOTED,
)
FRONT = st.lists(LINES | st.sampled_from(["", "  ", "# c", "- x", "---", "  y"]), max_size=6).map(
    "\n".join
)


def pyyaml(raw: str) -> object:
    """What the front matter reader made of it before: CBaseLoader's data, or an error."""
    try:
        data = yaml.load(raw, Loader=yaml.CBaseLoader)  # noqa: S506 - BaseLoader builds no objects
    except yaml.YAMLError:
        return "error"
    return {} if data is None else data


@settings(max_examples=3000, deadline=None)
@given(raw=FRONT)
def test_flat_front_matter_reads_what_pyyaml_reads(raw: str) -> None:
    flat = _flat_front_matter(raw)
    if flat is not None:
        assert flat == pyyaml(raw)


#: The flat reading as it was first written, one line at a time (reader.FLAT_LINES is this
#: pattern for all the lines at once).
FLAT_LINE = re.compile(
    r"(?P<key>[A-Za-z_][A-Za-z0-9_-]*):"
    r"(?:[ ]+(?:\"(?P<dq>[^\"\\]*)\"|'(?P<sq>[^']*)'"
    r"|(?P<plain>[^\s\-?:,\[\]{}#&*!|>'\"%@`](?:.*[^ ])?)))?"
    r"[ ]*"
)


def line_by_line(raw: str) -> dict[str, str] | None:
    """The flat reading one line at a time: the plain definition `_flat_front_matter` keeps."""
    if reader.NOT_FLAT_CHARS.search(raw):
        return None
    data: dict[str, str] = {}
    for line in raw.split("\n"):
        match = FLAT_LINE.fullmatch(line)
        if match is None:
            if line.strip(" "):
                return None
            continue
        key, double, single, plain = match.group("key", "dq", "sq", "plain")
        if plain is not None:
            if ": " in plain or " #" in plain or plain.endswith(":"):
                return None
            data[key] = plain
        else:
            data[key] = double if double is not None else single or ""
    return data


@settings(max_examples=3000, deadline=None)
@given(raw=FRONT)
def test_flat_front_matter_reads_what_the_line_by_line_reading_reads(raw: str) -> None:
    assert _flat_front_matter(raw) == line_by_line(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('title: "[视频]新闻"\ndate: 2012-07-02 19:17:52 +0800\ncategories: xwlb', True),
        ("title: x\ntitle: y", True),
        ("a: &x 1\nb: *x", False),  # anchors and aliases: the checked YAML reading refuses them
        ("tags:\n  - a", False),
        ('title: "a\\"b"', False),
        ("title: a: b", False),
        ("title: a #c", False),
    ],
)
def test_flat_front_matter_takes_only_flat_shapes(raw: str, expected: bool) -> None:
    flat = _flat_front_matter(raw)
    assert (flat is not None) == expected
    if flat is not None:
        assert flat == pyyaml(raw)


def front_matters() -> list[str]:
    """The front matter of every post of samples/ and of the real corpora."""
    paths = [*SAMPLES.glob("*.md"), *(CORPUS / "real").glob("*.md")]
    paths += (CORPUS / "finews").glob("*.md")
    found = []
    for path in paths:
        text = path.read_text("utf-8").lstrip()
        if text.startswith("---\n"):
            found.append(text[4:].split("\n---", 1)[0])
    return found


def test_flat_front_matter_of_the_corpora_is_pyyamls() -> None:
    if not (CORPUS / "real").is_dir():
        pytest.skip(f"the real corpora are not at {CORPUS}")
    raws = front_matters()
    assert len(raws) > 100
    taken = 0
    for raw in raws:
        flat = _flat_front_matter(raw)
        if flat is not None:
            taken += 1
            assert flat == pyyaml(raw), raw
    assert taken > len(raws) // 2  # the shortcut is the common case, or it is no shortcut


def test_chain_lookup_finds_every_division_by_its_full_name() -> None:
    """The looked-up chain is the one an index of all full names gave (and names are unique)."""
    index: dict[str, tuple[regions.Place, ...]] = {}
    for place in regions.table().by_code.values():
        full = regions.full_name(place)
        assert full not in index, f"two divisions named {full}"
        index[full] = tuple(regions.parents(place))
    sample = list(index.items())[:: max(len(index) // 3000, 1)]
    for full, chain in sample:
        assert entities._chain(full) == chain
    assert entities._chain("不是地名") == ()


#: Pieces of post bodies: blocks with and without inline markup, breaks, dropped elements,
#: comments, entities, white space of every kind, stray text and unbalanced tags.
MARKUP_PIECES = st.sampled_from(
    [
        "<p>党委</p>", '<p class="em_media">（文章来源：东湖日报）</p>', "<p>  年 月\u3000</p>",
        "<p></p>", "<div>甲</div>", "<p>a<span>b</span>c</p>", "<p>一<br>二</p>", "<br>",
        "<script>x()</script>", "<!-- c -->", "&nbsp;", "&amp;nbsp;", "\n", " ", "\xa0", "文字",
        "<li>项</li>", "<p><strong>粗</strong></p>", "</div>", "<div>", "</p>", "<p>",
        "<h2>题</h2>", "<table><tr><td>格</td></tr></table>", "<?pi x?>",
    ]
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(pieces=st.lists(MARKUP_PIECES, max_size=8))
def test_fragment_reading_is_lxml_htmls(pieces: list[str]) -> None:
    """The direct fragment parse gives lxml.html.fragment_fromstring's tree, or None where it
    raises, and the texts of a flat tree are those of the walk."""
    markup = "<div>" + "".join(pieces) + "</div>"
    parser = reader._parser()
    try:
        expected = etree.tostring(lxml_html.fragment_fromstring(markup, parser=parser))
    except etree.ParserError:
        expected = None
    root = reader._fragment_fromstring(markup, parser)
    assert (None if root is None else etree.tostring(root)) == expected
    if root is not None:
        flat = reader._flat_texts(root)
        if flat is not None:
            assert flat == reader._walk_texts(root)


def test_flat_texts_is_the_common_case_and_reads_what_the_walk_reads() -> None:
    paths = sorted(SAMPLES.glob("*.md"))
    if (CORPUS / "real").is_dir():
        paths += sorted((CORPUS / "real").glob("*.md"))
    flat = 0
    for path in paths:
        body = path.read_text("utf-8").split("\n---\n", 1)[-1].split("\n<http", 1)[0]
        root = reader._fragment_fromstring(f"<div>{body}</div>", reader._parser())
        if root is None:
            continue
        texts = reader._flat_texts(root)
        if texts is not None:
            flat += 1
            assert texts == reader._walk_texts(root), path.name
    assert flat > len(paths) // 2  # the shortcut is the common case, or it is no shortcut


#: Characters of generated paragraph texts and attribute values: what FLAT_PARAGRAPHS must
#: refuse (tags, entities, quotes, controls, non-characters) beside what it reads.
FLAT_ALPHABET = "党委a1 \t\n\u3000\xa0&<>\"'/=\x0c\x1c\x7f\x85\u2028\ufffe\U0001f600"
#: Mostly characters the shortcut reads, so that generated chunks often take it.
FLAT_TEXTS = st.text(
    alphabet="党委a1 \t\n\u3000\xa0\"'/=\x85\u2028\U0001f600", max_size=6
) | st.text(alphabet=FLAT_ALPHABET, max_size=6)
FLAT_TAGS = st.builds(
    lambda name, value: f'<p {name}="{value}">' if name else "<p>",
    st.sampled_from(["", "class", "style", "data-x", "X", "-a"]),
    FLAT_TEXTS,
) | st.sampled_from(["<p/>", "<p x/>", "<P>", "<p >", "<p\n>", '<p a="1" b="2">', "<p title=x>"])
FLAT_CHUNKS = st.lists(
    st.tuples(
        st.sampled_from(["", "", " ", "\n", "\t", "\u3000", "x"]),
        FLAT_TAGS,
        FLAT_TEXTS,
        st.sampled_from(["</p>"] * 6 + ["</P>", "", "</p >"]),  # mostly well closed
    ),
    min_size=1,
    max_size=5,
).map(lambda parts: "".join("".join(part) for part in parts))


def tree_texts(chunk: str) -> tuple[list[str], list[str]]:
    """(texts, warnings) of a chunk read through libxml2's tree, as the reader's general path."""
    doc = Document(path="t.md", text=chunk, encoding="utf-8", kind="post")
    root = reader._parse_html(f"<div>{chunk}</div>", doc, fragment=True)
    return (reader._html_texts(root) if root is not None else []), doc.warnings


@settings(max_examples=3000, deadline=None)
@given(chunk=FLAT_CHUNKS)
def test_flat_paragraphs_read_what_the_tree_reads(chunk: str) -> None:
    """A chunk either flat shortcut takes (FLAT_PARAGRAPHS; FLAT_PLAIN_PARAGRAPHS in a text
    decode found plain) gives the texts libxml2's tree gives."""
    plain = not PLAIN_TEXT.sub("", chunk)
    plain_flat = plain and "&" not in chunk and "\x0c" not in chunk
    for taken, read_plain in (
        (reader.FLAT_PARAGRAPHS.fullmatch(chunk), False),
        (plain_flat and reader.FLAT_PLAIN_PARAGRAPHS.fullmatch(chunk), plain),
    ):
        if taken:
            doc = Document(path="t.md", text=chunk, encoding="utf-8", kind="post")
            got = reader._chunk_paragraphs(chunk, doc, plain=read_plain)
            assert (got, doc.warnings) == tree_texts(chunk)


@settings(max_examples=3000, deadline=None)
@given(chunk=FLAT_CHUNKS)
def test_flat_split_takes_what_the_whole_chunk_pattern_takes(chunk: str) -> None:
    """`_flat_texts_of` (one split) takes a chunk exactly when the whole-chunk pattern matches
    it, and gives the texts of its `<p>` elements."""
    for paragraph, whole in (
        (reader.FLAT_PARAGRAPH, reader.FLAT_PARAGRAPHS),
        (reader.FLAT_PLAIN_PARAGRAPH, reader.FLAT_PLAIN_PARAGRAPHS),
    ):
        texts = reader._flat_texts_of(chunk, paragraph)
        assert (texts is not None) == bool(whole.fullmatch(chunk))
        if texts is not None:
            assert texts == re.findall(r"<p[^>]*>([^<]*)</p>", chunk)


@pytest.mark.parametrize(
    ("chunk", "flat"),
    [
        ("<p>党委</p><p>  年\u3000月 </p>\n<p></p>", True),
        ('\n<p class="em_media">（文章来源：东湖日报）</p>\n', True),
        ('<p style="a:b" data-x="1">甲</p>', True),
        ("<p>甲&amp;乙</p>", False),  # an entity: libxml2 decodes it
        ('<p title="a>b">甲</p>', False),  # a `>` in a value
        ('<p title="a>甲</p><p>乙"</p>', False),  # an open quote runs past the tag
        ("<p/>甲</p>", False),
        ("<p>甲<br>乙</p>", False),
        ("<p>甲\x0c乙</p>", False),
        ("甲<p>乙</p>", False),
    ],
)
def test_flat_paragraphs_take_only_plain_paragraphs(chunk: str, flat: bool) -> None:
    assert bool(reader.FLAT_PARAGRAPHS.fullmatch(chunk)) is flat
    plain = not PLAIN_TEXT.sub("", chunk) and "&" not in chunk and "\x0c" not in chunk
    if plain and ">" not in chunk.replace("<p", "").replace("p>", ""):  # no `>` in a text
        assert bool(reader.FLAT_PLAIN_PARAGRAPHS.fullmatch(chunk)) is flat
    for plain_text in (False, True):
        doc = Document(path="t.md", text=chunk, encoding="utf-8", kind="post")
        assert reader._chunk_paragraphs(chunk, doc, plain=plain_text) == tree_texts(chunk)[0]


def test_flat_paragraphs_are_the_common_case() -> None:
    """Most posts' bodies take the shortcut (or it is no shortcut)."""
    paths = sorted(SAMPLES.glob("*.md"))
    if (CORPUS / "real").is_dir():
        paths += sorted((CORPUS / "real").glob("*.md"))
    bodies = [p.read_text("utf-8").split("\n---\n", 1)[-1].split("\n<http", 1)[0] for p in paths]
    flat = sum(1 for body in bodies if reader.FLAT_PARAGRAPHS.fullmatch(body))
    assert flat > len(paths) // 2


@pytest.mark.parametrize(
    "text", ["", " a\u3000b\xa0 c\n", "\x1c甲\u2028乙\x85", "&amp;&nbsp;x", "a\tb"]
)
def test_clean_text_collapses_what_the_regex_collapsed(text: str) -> None:
    assert reader.clean_text(text) == re.sub(r"\s+", " ", html.unescape(text)).strip()


@settings(max_examples=1000, deadline=None)
@given(path=st.text(alphabet="/.\\a文", max_size=8))
def test_posix_path_is_purepaths(path: str) -> None:
    assert pipeline.posix_path(path) == PurePath(path).as_posix()


def test_the_id_hashes_the_text_whether_or_not_the_bytes_are_kept() -> None:
    """The file's bytes stand in for the text's UTF-8 only where they are the same bytes."""
    cases = [(p.name, p.read_bytes()) for p in sorted(SAMPLES.glob("*.md"))]
    not_kept = [
        ("crlf.md", b"---\r\ntitle: a\r\n---\r\n<p>x</p>\r\n"),  # line ends rewritten
        ("bom.md", b"\xef\xbb\xbf<p>y</p>"),
        ("cut.md", "<p>正文".encode()[:-1]),  # cut inside a character
        ("gbk.md", "<p>正文内容，第二句。</p>".encode("gb18030")),
    ]
    for name, data in cases + not_kept:
        doc = reader.read_document(name, data)
        doc.url = None  # the id from the text, not from a URL
        if (name, data) in not_kept:
            assert doc.utf8 is None, name
        elif doc.utf8 is not None:
            assert doc.utf8 == doc.text.encode("utf-8"), name
        expected = pipeline.article_id(doc)
        doc.utf8 = None
        assert pipeline.article_id(doc) == expected, name
    assert any(reader.read_document(*case).utf8 is not None for case in cases)


#: Label words, their last characters alone, colons, slashes, white space and plain CJK: the
#: texts where a label and the colon test could disagree.
LABEL_ALPHABET = [
    "编辑",
    "责编",
    "记者",
    "文",
    "图",
    "来源",
    "辑",
    "者",
    "：",
    ":",
    "/",
    " ",
    "\u3000",
]
LABEL_TEXTS = st.lists(st.sampled_from([*LABEL_ALPHABET, "张", "说", "的"]), max_size=12).map(
    "".join
)


@settings(max_examples=3000, deadline=None)
@given(text=LABEL_TEXTS)
def test_label_colon_test_passes_every_text_with_a_label(text: str) -> None:
    if authors._label_pattern().search(text) is not None:
        assert authors._may_hold_label(text)


def test_label_colon_test_passes_every_labelled_paragraph_of_the_corpora() -> None:
    paths = sorted(SAMPLES.glob("*.md"))
    if (CORPUS / "real").is_dir():
        paths += sorted((CORPUS / "real").glob("*.md"))
    paragraphs = [
        p for path in paths for p in reader.read_document(path.name, path.read_bytes()).paragraphs
    ]
    labelled = [p for p in paragraphs if authors._label_pattern().search(p)]
    assert labelled
    assert all(authors._may_hold_label(p) for p in labelled)
    assert not all(authors._may_hold_label(p) for p in paragraphs if "：" in p)



def test_label_colon_test_of_the_joined_text_passes_where_a_paragraph_does() -> None:
    """extract_authors asks the test of the joined paragraphs first: it may pass where no
    paragraph does (across a line end), never fail where one passes."""
    paths = sorted(SAMPLES.glob("*.md"))
    if (CORPUS / "real").is_dir():
        paths += sorted((CORPUS / "real").glob("*.md"))
    for path in paths:
        paragraphs = reader.read_document(path.name, path.read_bytes()).paragraphs
        if any(authors._may_hold_label(p) for p in paragraphs):
            assert authors._may_hold_label("\n".join(paragraphs)), path.name
    assert authors._may_hold_label("编辑\n：")  # across a line end: a superset
    assert not authors._may_hold_label("他说：好")


# --- words looked for at a position, the first clause stop -------------------------------

#: Invented words of one to three characters sharing first characters (局面, 局长, 所在…).
OPENING_WORDS = st.lists(st.text(alphabet="局面长所在部门委员x:", min_size=1, max_size=3), max_size=8)


@given(OPENING_WORDS, st.text(alphabet="局面长所在部门委员x: ", max_size=12))
@settings(max_examples=300, deadline=None)
def test_openings_answer_what_startswith_answers(words: list[str], text: str) -> None:
    openings = Openings(words)
    for at in range(len(text) + 2):  # past the end too
        assert openings.at(text, at) == (bool(words) and text.startswith(tuple(words), at))
        found = openings.by_first.get(text[at : at + 1])
        assert (found is not None and text.startswith(found, at)) == openings.at(text, at)


def test_openings_refuse_an_empty_word() -> None:
    with pytest.raises(rules.RuleError):
        Openings(["局面", ""])


#: Clause text with stops, quotes and brackets, balanced or not.
CLAUSE_ALPHABET = "甲乙，,。；;：:！？“”\"《》（）()‘’ "


@given(st.text(alphabet=CLAUSE_ALPHABET, max_size=16))
@settings(max_examples=500, deadline=None)
def test_first_stop_is_the_first_of_the_stop_positions(text: str) -> None:
    for stops in (CLAUSE_STOPS, SENTENCE_STOPS):
        positions = stop_positions(text, stops)
        assert first_stop(text, stops) == (positions[0] if positions else None)
