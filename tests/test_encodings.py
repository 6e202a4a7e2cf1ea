"""The reference post in every encoding an archive holds gives the record of its UTF-8 original.

Every variant is made here, at test time, from the real reference post: nothing but the
UTF-8 original is in git.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from functools import cache

import opencc
import pytest

from extractor.decode import Decoded, decode, decode_bytes
from extractor.errors import InputError
from extractor.pipeline import extract_article
from tests.conftest import REFERENCE, SAMPLES

REFERENCE_TEXT = REFERENCE.read_text("utf-8")


@cache
def traditional_text() -> str:
    """The reference post in Taiwan-standard traditional characters, which Big5 can encode.

    Big5 has no simplified characters (绥, 业, 为 …), so the simplified post itself cannot be
    written in Big5. A real Big5 file holds traditional text: OpenCC's `s2tw` converts the
    post to it (为 -> 為, not OpenCC's default 爲, which Big5 lacks), and the Big5 record is
    compared with the record of that same traditional text in UTF-8.
    """
    return str(opencc.OpenCC("s2tw").convert(REFERENCE_TEXT))


def crlf(text: str) -> str:
    """Windows line ends."""
    return text.replace("\n", "\r\n")


#: (case, text the variant holds, how it is written to bytes, the encoding decode() names)
VARIANTS: list[tuple[str, Callable[[], str], Callable[[str], bytes], str]] = [
    ("utf-8-bom", lambda: REFERENCE_TEXT, lambda t: t.encode("utf-8-sig"), "utf-8-sig"),
    # UTF-16 with a BOM, little- and big-endian (Python's "utf-16" writes the BOM)
    ("utf-16-le-bom", lambda: REFERENCE_TEXT, lambda t: t.encode("utf-16"), "utf-16"),
    (
        "utf-16-be-bom",
        lambda: REFERENCE_TEXT,
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
        "utf-16",
    ),
    # GB18030 is a superset of GBK: the detector names the superset, which reads both alike
    ("gbk", lambda: REFERENCE_TEXT, lambda t: t.encode("gbk"), "gb18030"),
    ("gb18030", lambda: REFERENCE_TEXT, lambda t: t.encode("gb18030"), "gb18030"),
    ("big5", traditional_text, lambda t: t.encode("big5"), "big5"),
    ("crlf", lambda: REFERENCE_TEXT, lambda t: crlf(t).encode("utf-8"), "utf-8"),
    # Notepad's "Unicode": UTF-16 LE with a BOM and CRLF line ends
    ("utf-16-crlf", lambda: REFERENCE_TEXT, lambda t: crlf(t).encode("utf-16"), "utf-16"),
    ("gbk-crlf", lambda: REFERENCE_TEXT, lambda t: crlf(t).encode("gbk"), "gb18030"),
]


def record_without_path(data: bytes) -> dict[str, object]:
    """The record of a file, minus the one field that names the file."""
    record = extract_article("post.md", data).model_dump(mode="json")
    del record["path"]
    return record


@pytest.mark.parametrize(
    ("text", "write", "encoding"),
    [pytest.param(text, write, enc, id=case) for case, text, write, enc in VARIANTS],
)
def test_variant_gives_the_record_of_its_utf8_original(
    text: Callable[[], str], write: Callable[[str], bytes], encoding: str
) -> None:
    original = text()
    data = write(original)
    assert data != original.encode("utf-8")  # the variant really is other bytes
    assert decode(data) == (original, encoding)
    assert record_without_path(data) == record_without_path(original.encode("utf-8"))


@pytest.mark.parametrize(
    ("case", "write"), [(case, write) for case, text, write, _ in VARIANTS if case != "big5"]
)
def test_hash_id_of_a_post_without_url_ignores_the_encoding(
    case: str, write: Callable[[str], bytes]
) -> None:
    # without a URL line the id is a hash of the decoded text: BOM and CR must not enter it
    text = REFERENCE_TEXT[: REFERENCE_TEXT.index("\n\n<http")] + "\n"
    original = extract_article("post.md", text.encode())
    assert original.id.startswith("sha256-")
    assert extract_article("post.md", write(text)).id == original.id, case


def test_variants_keep_the_reference_record() -> None:
    """Not only equal to each other: the variants read the post as it is (title, date, body)."""
    record = record_without_path(REFERENCE_TEXT.encode("gbk"))
    assert record["title"] == "绥化学院：打好组合拳毕业生就业三连升"
    assert record["published"] == "2021-12-22T11:16:43+08:00"
    assert record["id"] == "NW202112222222391066"
    assert len(record["paragraphs"]) == 15  # type: ignore[arg-type]
    assert record["warnings"] == []


def test_big5_case_is_the_post_in_traditional_characters() -> None:
    tw = traditional_text()
    with pytest.raises(UnicodeEncodeError):
        REFERENCE_TEXT.encode("big5")  # why the Big5 case needs the conversion
    assert tw.startswith('---\nlayout: post\ntitle: "綏化學院：打好組合拳畢業生就業三連升"')
    assert len(tw) == len(REFERENCE_TEXT)  # character for character, nothing dropped
    record = record_without_path(tw.encode("big5"))
    assert record["title"] == "綏化學院：打好組合拳畢業生就業三連升"


@pytest.mark.parametrize(("encoding", "name"), [("gbk", "gb18030"), ("big5", "big5")])
def test_every_sample_post_is_detected_in_each_double_byte_encoding(
    encoding: str, name: str
) -> None:
    """Short flashes too: the detector needs enough text, and damaged-UTF-8 must not claim it."""
    convert = opencc.OpenCC("s2tw").convert if encoding == "big5" else str
    decoded = 0
    for post in sorted(SAMPLES.glob("*.md")):
        text = str(convert(post.read_text("utf-8")))
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            continue  # a character Big5 lacks even in traditional form
        assert decode_bytes(data) == Decoded(text, name, ()), post.name
        decoded += 1
    assert decoded >= 45


# constructed: no corpus post has a character outside GBK, so GB18030's own four-byte
# sequences are tested with a sentence added to the reference post.
OUTSIDE_GBK = "<p>“𠮷”与“䶮”不在GBK字符集中。</p>"


def test_gb18030_four_byte_characters() -> None:
    text = REFERENCE_TEXT.replace("</p><p class=", OUTSIDE_GBK + "</p><p class=", 1)
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    data = text.encode("gb18030")
    assert decode(data) == (text, "gb18030")
    record = record_without_path(data)
    assert record == record_without_path(text.encode("utf-8"))
    assert "“𠮷”与“䶮”不在GBK字符集中。" in record["paragraphs"]  # type: ignore[operator]


# --- what decoding repairs, and says it did ------------------------------------------------


def test_utf8_with_a_few_bad_bytes_is_read_with_a_warning() -> None:
    data = bytearray(REFERENCE_TEXT.encode("utf-8"))
    at = data.index("构建组织保障".encode())
    data[at:at] = b"\xff"  # one stray byte, never valid in UTF-8, inside a paragraph
    decoded = decode_bytes(bytes(data))
    assert decoded.encoding == "utf-8"
    assert decoded.text.count("\ufffd") == 1
    assert decoded.warnings == ("decoding: 1 invalid UTF-8 sequences replaced by U+FFFD",)
    article = extract_article("post.md", bytes(data))
    assert article.title == "绥化学院：打好组合拳毕业生就业三连升"
    assert "decoding: 1 invalid UTF-8 sequences replaced by U+FFFD" in article.warnings


@pytest.mark.parametrize(
    ("encoding", "name"), [("utf-8", "utf-8"), ("gbk", "gb18030"), ("utf-16", "utf-16")]
)
def test_a_file_cut_inside_a_character_keeps_what_came_before(encoding: str, name: str) -> None:
    cut = REFERENCE_TEXT.index("构建组织保障") + 2  # after 构建, inside 组
    whole = REFERENCE_TEXT[:cut].encode(encoding)
    char = REFERENCE_TEXT[cut].encode(encoding)
    if encoding == "utf-16":
        char = char[2:]  # the character without a second BOM
    decoded = decode_bytes(whole + char[:1])
    assert decoded.encoding == name
    assert decoded.text == REFERENCE_TEXT[:cut]
    assert decoded.warnings == (
        "cut off: the file ends inside a character (1 trailing bytes dropped)",
    )


def test_gbk_read_as_utf8_is_not_mistaken_for_damaged_utf8() -> None:
    # GBK bytes are invalid UTF-8 almost everywhere: the detector must get them, not repair
    decoded = decode_bytes(REFERENCE_TEXT.encode("gbk"))
    assert decoded.encoding == "gb18030"
    assert decoded.warnings == ()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b" \r\n\t\n", "empty"),
        (codecs.BOM_UTF8 + b"\n\n", "empty"),
        (codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "empty"),
        # a PNG header: NUL bytes without a UTF-16 BOM
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not_text"),
        # UTF-16 without a BOM is never guessed: a post would hold NULs (its ASCII front matter)
        ("绥化学院就业三连升".encode("utf-16-le"), "not_text"),
        # control characters that decode fine but are not text
        (bytes(range(1, 9)) * 200, "not_text"),
    ],
)
def test_bytes_that_are_not_a_text(data: bytes, code: str) -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(data)
    assert info.value.code == code
