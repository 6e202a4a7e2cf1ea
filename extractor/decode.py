"""Bytes -> text: UTF-8 first, a charset detector for the rest, and a check that it is text."""

from __future__ import annotations

import codecs
import unicodedata

from charset_normalizer import from_bytes

from extractor.errors import InputError

#: BOM -> codec; checked before anything else (UTF-32 before UTF-16: its BOM starts the same).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Share of characters that may be control/unassigned before a text is called binary.
MAX_JUNK_RATIO = 0.02
#: Control characters that belong in text.
TEXT_CONTROLS = frozenset("\t\n\r\f")


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes; return (text with LF line ends, encoding name)."""
    if not data.strip():
        raise InputError("empty")
    text, encoding = _decode_any(data)
    _check_is_text(text)
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _decode_any(data: bytes) -> tuple[str, str]:
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec).lstrip("\ufeff"), codec
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:  # NUL in a non-UTF-16 file: binary, whatever a detector guesses
        raise InputError("not_text", "NUL bytes in a file without a UTF-16 BOM")
    best = from_bytes(data).best()
    if best is None:
        raise InputError("not_text", "no text encoding fits its bytes")
    return str(best), best.encoding


def _check_is_text(text: str) -> None:
    sample = text[:20000]
    junk = sum(1 for ch in sample if _is_junk(ch))
    if sample and junk / len(sample) > MAX_JUNK_RATIO:
        raise InputError(
            "not_text", f"{junk} of {len(sample)} characters are control or unassigned"
        )


def _is_junk(ch: str) -> bool:
    if ch in TEXT_CONTROLS:
        return False
    return unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")
