"""Bytes -> text: UTF-8 first, a charset detector for the rest, and a check that it is text.

Order of trust: a byte-order mark; then strict UTF-8; then, for an HTML page, the charset it
declares (`<meta charset=gbk>`, `http-equiv`); then UTF-8 with a few damaged bytes (a cut-off
download, a flipped byte) when the rest is plainly UTF-8; then charset-normalizer (GBK/GB18030,
Big5, ...). What had to be repaired is said in `Decoded.warnings`.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

from extractor.errors import InputError

#: BOM -> codec; checked before anything else (UTF-32 before UTF-16: its BOM starts the same).
#: The UTF-8 BOM is stripped and the rest read as UTF-8 (with the same repairs).
WIDE_BOMS: Final[tuple[tuple[bytes, str], ...]] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Share of characters that may be control/unassigned before a text is called binary.
MAX_JUNK_RATIO: Final = 0.02
#: Control characters that belong in text.
TEXT_CONTROLS: Final = frozenset("\t\n\r\f")
#: Bytes looked at for NUL (text without a UTF-16/32 BOM never has one) and chars for junk.
NUL_WINDOW: Final = 4096
JUNK_WINDOW: Final = 20_000
#: A file is read as damaged UTF-8 when its good non-ASCII UTF-8 characters are at least
#: MIN_GOOD_UTF8 and outnumber the bad sequences MIN_GOOD_PER_BAD_UTF8 times. GBK or Big5
#: read as UTF-8 has almost no good ones: over the corpus and random CJK strings (GBK, and
#: Big5 after s2tw) with at least 16 good, good/bad never passed 0.75.
MIN_GOOD_UTF8: Final = 16
MIN_GOOD_PER_BAD_UTF8: Final = 10
#: Detector answers never trusted without a BOM: UTF-16/32 text without one would hold NUL
#: bytes (rejected before), so such a guess is always random bytes.
BOMLESS_WIDE: Final = ("utf_16", "utf_32")
#: Code point ranges that are text in every Unicode version: assigned (they stay assigned) and
#: not control, private use or surrogate (those sets never change: Unicode's stability
#: policy). The text check skips them in one regex pass and classifies only the rest.
PLAIN_TEXT_RANGES: Final[tuple[tuple[str, str], ...]] = (
    ("\t", "\n"),
    ("\f", "\r"),
    ("\x20", "\x7e"),  # ASCII
    ("\xa0", "\u0377"),  # Latin, IPA, combining marks, early Greek
    ("\u2000", "\u2064"),  # general punctuation
    ("\u2066", "\u206f"),
    ("\u2100", "\u218b"),  # letterlike symbols, number forms
    ("\u2190", "\u2426"),  # arrows, maths, technical
    ("\u2460", "\u27ff"),  # enclosed numerals, box drawing, shapes, dingbats
    ("\u3000", "\u303f"),  # CJK symbols and punctuation
    ("\u3041", "\u3096"),  # hiragana
    ("\u3099", "\u30ff"),  # katakana
    ("\u3400", "\u4dbf"),  # CJK extension A
    ("\u4e00", "\u9fff"),  # CJK unified ideographs
    ("\ufe30", "\ufe4f"),  # CJK compatibility forms
    ("\uff01", "\uffbe"),  # full-width forms
    ("\uffe0", "\uffe6"),
)
PLAIN_TEXT: Final = re.compile(
    "[" + "".join(f"{re.escape(a)}-{re.escape(b)}" for a, b in PLAIN_TEXT_RANGES) + "]+"
)
REPLACEMENT: Final = "\ufffd"
#: How far into a page its charset declaration is looked for (HTML's prescan takes 1024
#: bytes; saved Chinese pages often put a long <head> of scripts and metas before it).
DECLARATION_WINDOW: Final = 4096
#: A page starts with markup (after white space): posts start with front matter, never `<`.
PAGE_START: Final = re.compile(rb"\s*<")
#: `<meta charset="gbk">`, `<meta http-equiv="Content-Type" content="text/html; charset=gbk">`,
#: `<?xml version="1.0" encoding="gbk"?>`: the label a page declares for its bytes.
DECLARED_CHARSET: Final = re.compile(
    rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*(?P<meta>[A-Za-z0-9._:-]{2,40})"
    rb"|<\?xml\b[^>]*?\bencoding\s*=\s*[\"'](?P<xml>[A-Za-z0-9._:-]{2,40})",
    re.IGNORECASE,
)
#: Declared labels read with a wider codec, as browsers do (WHATWG Encoding: gb2312 and gbk
#: are decoded as GBK, whose superset GB18030 also reads what a page wrongly labels gb2312).
WIDER_CODEC: Final = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}
#: Double-byte codecs tried to see whether a file ends inside a character (a cut download).
CUT_CHECK_CODECS: Final = ("gb18030", "big5")
MAX_CHAR_BYTES: Final = 4


@dataclass(frozen=True)
class Decoded:
    """A file's text (LF line ends), the encoding it was read with, and what was repaired."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()
    #: Every character is plain text (PLAIN_TEXT_RANGES: no control but tab and line ends, no
    #: unassigned, private-use or non-character), as the text check found: readers skip the
    #: same search (False when unknown: a text longer than the window checked).
    plain: bool = field(default=False, compare=False)


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes; return (text with LF line ends, encoding name)."""
    decoded = decode_bytes(data)
    return decoded.text, decoded.encoding


def decode_bytes(data: bytes) -> Decoded:
    """Decode file bytes; raise InputError `empty` or `not text` when they hold no text."""
    if not data or data.isspace():  # not data.strip(): the same test without a copy
        raise InputError("empty")
    text, encoding, warnings = _decode_any(data)
    if "\r" in text:  # rare: looking costs a tenth of replacing
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text or text.isspace():
        raise InputError("empty", "nothing but a byte-order mark and white space")
    plain = _check_is_text(text)
    return Decoded(text, encoding, tuple(warnings), plain)


def _decode_any(data: bytes) -> tuple[str, str, list[str]]:
    if data.startswith(codecs.BOM_UTF8):
        text, _, warnings = _decode_utf8(data[len(codecs.BOM_UTF8) :])
        return text, "utf-8-sig", warnings
    for bom, codec in WIDE_BOMS:
        if data.startswith(bom):
            return _decode_with_bom(data, codec)
    return _decode_utf8(data)


def _decode_utf8(data: bytes) -> tuple[str, str, list[str]]:
    try:
        # Valid UTF-8 with non-ASCII characters is UTF-8 whatever a page declares: saved pages
        # are often re-encoded to UTF-8 with their old `charset=gb2312` left in place.
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        damaged = _damaged_utf8(data, exc)
    if damaged is not None:
        return damaged
    declared = _declared_codec(data)
    return _decode_declared(data, declared) if declared is not None else _detect(data)


def declared_charset(data: bytes) -> str | None:
    """The codec an HTML page declares for its bytes (Python's name), or None."""
    if not PAGE_START.match(data):
        return None
    match = DECLARED_CHARSET.search(data, 0, DECLARATION_WINDOW)
    if match is None:
        return None
    label = (match.group("meta") or match.group("xml")).decode("ascii").lower()
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None  # a label Python does not know: the bytes decide, as without one


def _declared_codec(data: bytes) -> str | None:
    """A declared codec other than UTF-8 (a UTF-8 page that fails to decode is damaged UTF-8)."""
    codec = declared_charset(data)
    return None if codec in (None, "utf-8") else codec


def _decode_declared(data: bytes, codec: str) -> tuple[str, str, list[str]]:
    """The page's declared codec (or the wider one browsers use for it); when neither reads
    the bytes, the declaration and the bytes disagree and charset-normalizer decides."""
    for name in dict.fromkeys([codec, WIDER_CODEC.get(codec, codec)]):
        try:
            return data.decode(name), name, []
        except UnicodeDecodeError as exc:
            if exc.end >= len(data) and exc.start >= len(data) - MAX_CHAR_BYTES:
                try:  # the last bytes are half a character (a cut download)
                    text = data[: exc.start].decode(name)
                except UnicodeDecodeError:
                    continue
                return text, name, [_cut_character_warning(len(data) - exc.start)]
    text, detected, warnings = _detect(data)
    note = f"decoding: the page declares {codec} but its bytes are not; read as {detected}"
    return text, detected, [note, *warnings]


def _detect(data: bytes) -> tuple[str, str, list[str]]:
    """charset-normalizer's best guess, on the bytes before a character cut in half at the end."""
    if b"\x00" in data[:NUL_WINDOW]:  # NUL in a non-UTF-16 file: binary, whatever a guess says
        raise InputError("not_text", "NUL bytes in a file without a UTF-16 BOM")
    cut = _cut_multibyte_tail(data)
    # Imported here: nearly every file is UTF-8, and importing the detector costs about 40 ms.
    from charset_normalizer import from_bytes  # noqa: PLC0415

    best = from_bytes(data[:cut] if cut is not None else data).best()
    if best is None:
        raise InputError("not_text", "no text encoding fits its bytes")
    if best.encoding.startswith(BOMLESS_WIDE):
        raise InputError("not_text", f"bytes look like {best.encoding} without a BOM")
    warnings = [] if cut is None else [_cut_character_warning(len(data) - cut)]
    return str(best), best.encoding, warnings


def _cut_multibyte_tail(data: bytes) -> int | None:
    """Where a CJK double-byte file was cut inside its last character, if it was."""
    cut = None
    for codec in CUT_CHECK_CODECS:
        try:
            data.decode(codec)
        except UnicodeDecodeError as exc:
            if cut is None and exc.end >= len(data) and exc.start >= len(data) - MAX_CHAR_BYTES:
                cut = exc.start
        else:
            return None  # one codec reads it all: nothing was cut
    return cut


def _decode_with_bom(data: bytes, codec: str) -> tuple[str, str, list[str]]:
    """A BOM names the codec; bytes it cannot read are replaced (a cut file), and said so."""
    try:
        return data.decode(codec).lstrip("\ufeff"), codec, []
    except UnicodeDecodeError as exc:
        cut_at = exc.start if _is_cut(exc, data) else None
    if cut_at is not None:
        text = data[:cut_at].decode(codec, errors="replace").lstrip("\ufeff")
        return text, codec, [_cut_character_warning(len(data) - cut_at)]
    text = data.decode(codec, errors="replace").lstrip("\ufeff")
    bad = text.count(REPLACEMENT)
    return text, codec, [f"decoding: {bad} undecodable {codec} sequences replaced by U+FFFD"]


def _is_cut(exc: UnicodeDecodeError, data: bytes) -> bool:
    """The first bad bytes are an incomplete character at the very end of the file."""
    return exc.end >= len(data) and exc.reason in ("truncated data", "unexpected end of data")


def _damaged_utf8(data: bytes, exc: UnicodeDecodeError) -> tuple[str, str, list[str]] | None:
    """UTF-8 cut off inside a character, or with a few bad bytes in plain UTF-8 text."""
    if _is_cut(exc, data):  # the first error is the last bytes: all before them is good UTF-8
        text = data[: exc.start].decode("utf-8")
        return text, "utf-8", [_cut_character_warning(len(data) - exc.start)]
    text = data.decode("utf-8", errors="replace")
    bad = text.count(REPLACEMENT) - data.count(REPLACEMENT.encode("utf-8"))
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    good = non_ascii - text.count(REPLACEMENT)
    if bad <= 0 or good < max(MIN_GOOD_UTF8, bad * MIN_GOOD_PER_BAD_UTF8):
        return None
    return text, "utf-8", [f"decoding: {bad} invalid UTF-8 sequences replaced by U+FFFD"]


def _cut_character_warning(count: int) -> str:
    return f"cut off: the file ends inside a character ({count} trailing bytes dropped)"


def _check_is_text(text: str) -> bool:
    """Raise InputError for a text of control or unassigned characters; return whether every
    character of it is plain text."""
    sample = text[:JUNK_WINDOW]
    # usually all plain (Chinese, ASCII and punctuation): one match, no text built
    if not sample or PLAIN_TEXT.fullmatch(sample):
        return len(text) <= JUNK_WINDOW
    rest = PLAIN_TEXT.sub("", sample)
    # Classify each distinct character once: a post has a few hundred, not tens of thousands.
    junk = sum(n for ch, n in Counter(rest).items() if _is_junk(ch))
    if sample and junk / len(sample) > MAX_JUNK_RATIO:
        raise InputError(
            "not_text", f"{junk} of {len(sample)} characters are control or unassigned"
        )
    return False


def _is_junk(ch: str) -> bool:
    if ch in TEXT_CONTROLS:
        return False
    return unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")
