"""Reading a file: front matter, body, source line, URL line; or a bare HTML page."""

from __future__ import annotations

import html
import re
import threading
from functools import cache
from typing import Any, Final

from lxml import etree
from lxml import html as lxml_html

from extractor import rules
from extractor.dates import parse_date
from extractor.decode import Decoded, decode_bytes
from extractor.document import Document
from extractor.errors import InputError
from extractor.pages import read_page

HTML_SUFFIXES: Final = (".html", ".htm")
FRONT_MATTER_FENCE: Final = "---"
#: The line closing the front matter.
CLOSING_FENCE: Final = re.compile(r"^---[ \t]*$", re.MULTILINE)
XML_DECLARATION: Final = re.compile(r"^\s*<\?xml[^>]*\?>")
#: Front matter longer than this is not a post's metadata (and bounds YAML work).
MAX_FRONT_MATTER_CHARS: Final = 64_000
#: Collections nested deeper than this in front matter are not metadata (PyYAML's constructor
#: recurses per level and would hit Python's recursion limit near 500).
MAX_FRONT_MATTER_DEPTH: Final = 16
#: Each line of flat front matter (`key: value`) that the fast path reads without PyYAML, all
#: lines in one scan (MULTILINE; no class reaches past a line end): an ASCII key, then nothing,
#: a double-quoted value without `"` or `\\`, a single-quoted value without `'`, or a plain
#: value that opens with no YAML indicator (`&` anchor, `*` alias, `!` tag, `[`/`{` flow,
#: `|`/`>` block, quotes, `-?:,#%@` and the backquote). The plain value ends at its last
#: non-space (greedy, so that a value padded with spaces stays linear).
FLAT_LINES: Final = re.compile(
    r"^(?P<key>[A-Za-z_][A-Za-z0-9_-]*):"
    r"(?:[ ]+(?:\"(?P<dq>[^\"\\\n]*)\"|'(?P<sq>[^'\n]*)'"
    r"|(?P<plain>[^\s\-?:,\[\]{}#&*!|>'\"%@`](?:.*[^ \n])?)))?"
    r"[ ]*$",
    re.MULTILINE,
)
#: A line of front matter holding nothing but spaces (the line before the closing fence).
BLANK_LINES: Final = re.compile(r"^[ ]*$", re.MULTILINE)
#: What keeps front matter off the fast path: characters YAML reads as line breaks or refuses
#: (controls, NEL, the line/paragraph separators, BOM, non-characters), tabs and carriage
#: returns. Such front matter goes through PyYAML, which says what is wrong with it.
NOT_FLAT_CHARS: Final = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
#: libxml2 stops parsing (dropping the rest) past 256 nested elements; deeper markup is
#: flattened to this depth first, keeping all its text.
MAX_HTML_DEPTH: Final = 128
#: Runs of start tags and runs of end tags; void (`<br>`, `<img>`) and self-closing tags
#: never nest, so they are not part of a run. No `<` or `>` inside a tag: scanning is linear;
#: at most 1000 tags a run: the regex engine keeps state per repetition (memory stays small).
TAG_RUNS: Final = re.compile(
    r"(?P<start>(?:<(?!(?:area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr)"
    r"\b)[A-Za-z][^<>]*(?<!/)>){1,1000})|(?P<end>(?:</[A-Za-z][^<>]*>){1,1000})",
    re.IGNORECASE,
)
#: A DOCTYPE with an internal subset (`[<!ENTITY …>]`): entity declarations are never text.
DOCTYPE_SUBSET_OPEN: Final = re.compile(r"<!DOCTYPE[^<>\[]{0,512}\[", re.IGNORECASE)
DOCTYPE_SUBSET_CLOSE: Final = re.compile(r"\]\s*>")
#: An internal subset longer than this is not removed (a stray `]>` far away must not eat text).
MAX_DTD_SUBSET: Final = 65_536
#: The start of a tag: text ending after one of these and no `>` was cut inside a tag.
TAG_START: Final = re.compile(r"<[A-Za-z/!?]")
#: One `<p>` of body HTML made only of `<p>` elements holding plain text, blank between them:
#: how nearly every post is written. Attributes only as `name="value"` (no quote, bracket or
#: entity in the value: nothing that could make libxml2 read past the tag's `>`); no `/>`;
#: text without a tag, an entity, a `>` or a character libxml2 reports (controls,
#: non-characters). A chunk of such paragraphs is read without building a tree: libxml2 would
#: make one `<p>` per match, each with the text as written (tests/test_speed_paths.py compares
#: the two on generated markup). Group 1 is the text.
FLAT_PARAGRAPH: Final = re.compile(
    r"[ \t\n]*<p(?:[ \t\n]+[a-z][a-z-]*=\"[^\"<>&\x00-\x1f]*\")*[ \t\n]*>"
    r"([^<>&\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]*)</p>"
)
#: FLAT_PARAGRAPH for a chunk of a text decode_bytes found plain (it looked at every character:
#: no control but tab and line ends, nothing unassigned) and that holds no `&` or form feed:
#: nothing is left for the text to refuse but a tag, and `[^<]*` is a class the regex engine
#: runs through three times faster than one of ranges.
FLAT_PLAIN_PARAGRAPH: Final = re.compile(
    r"[ \t\n]*<p(?:[ \t\n]+[a-z][a-z-]*=\"[^\"<>]*\")*[ \t\n]*>([^<]*)</p>"
)
#: A whole chunk of such paragraphs (blank after the last): what `_flat_texts_of` takes.
FLAT_PARAGRAPHS: Final = re.compile(f"(?:{FLAT_PARAGRAPH.pattern})+[ \t\n]*")
FLAT_PLAIN_PARAGRAPHS: Final = re.compile(f"(?:{FLAT_PLAIN_PARAGRAPH.pattern})+[ \t\n]*")


def read_document(path: str, data: bytes) -> Document:
    """Decode and cut one file into a Document; raise InputError when it cannot be read."""
    decoded = decode_bytes(data)
    if path.lower().endswith(HTML_SUFFIXES):
        doc = _read_html_page(path, decoded)
    else:
        doc = _read_post(path, decoded)
    # Read as UTF-8 with nothing repaired and no line end rewritten: the text is the bytes.
    if decoded.encoding == "utf-8" and not decoded.warnings and b"\r" not in data:
        doc.utf8 = data
    return doc


def clean_text(text: str) -> str:
    """Entities decoded, whitespace runs (incl. NBSP and ideographic space) collapsed, trimmed."""
    # str.split() cuts at the characters `\s` matches (both ask Py_UNICODE_ISSPACE), so this is
    # re.sub(r"\s+", " ", text).strip(), at a quarter of the cost: a post has dozens of texts.
    return " ".join(html.unescape(text).split())


# --- posts -------------------------------------------------------------------------------


def _new_document(path: str, decoded: Decoded, kind: str) -> Document:
    doc = Document(path=path, text=decoded.text, encoding=decoded.encoding, kind=kind)
    for warning in decoded.warnings:
        doc.warn(warning)
    return doc


def _read_post(path: str, decoded: Decoded) -> Document:
    doc = _new_document(path, decoded, "post")
    meta, body = _split_front_matter(decoded.text, doc)
    _apply_front_matter(doc, meta)
    _warn_if_cut_in_tag(doc, body)
    body_lines, doc.url = _cut_url_and_links(body.split("\n"))
    if not any(map(str.strip, body_lines)):  # white space only (joining them copied the body)
        raise InputError("no_body", "nothing after the front matter")
    doc.paragraphs = _body_paragraphs(body_lines, doc, plain=decoded.plain)
    _take_source_line(doc)
    return doc


def _split_front_matter(text: str, doc: Document) -> tuple[dict[str, Any], str]:
    stripped = text.lstrip()  # a post may start with blank lines before `---`
    if not stripped.startswith(FRONT_MATTER_FENCE + "\n"):
        doc.warn("no front matter: title, date and tags unknown")
        return {}, text
    opened = len(FRONT_MATTER_FENCE) + 1
    # searched from after the opening fence (a line start, where `^` matches), not in a copy
    match = CLOSING_FENCE.search(stripped, opened)
    if match is None:
        raise InputError("unclosed_front_matter", "no closing `---` line")
    raw, body = stripped[opened : match.start()], stripped[match.end() :]
    return _load_yaml(raw), body


def _load_yaml(raw: str) -> dict[str, Any]:
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        raise InputError("bad_front_matter", f"over {MAX_FRONT_MATTER_CHARS} characters")
    flat = _flat_front_matter(raw)
    if flat is not None:
        return flat
    # PyYAML only for front matter the flat reading leaves (10 ms of a fresh process's import).
    import yaml  # noqa: PLC0415

    try:
        data = _data_from_events(raw)
    except _UnusualShapeError:
        data = _checked_load(raw)
    except yaml.YAMLError as exc:
        raise InputError("bad_front_matter", str(exc).replace("\n", " ")) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("bad_front_matter", "not a mapping of keys to values")
    return data


def _flat_front_matter(raw: str) -> dict[str, str] | None:
    """Flat `key: value` front matter read by two scans, or None for anything else.

    Gives what CBaseLoader gives (every value a string, a repeated key keeps its first place
    and its last value) for the shapes FLAT_LINES admits; no anchor, alias, tag or nesting can
    pass, so nothing is left to check. A post's front matter is nearly always this shape:
    reading it here costs a tenth of building PyYAML's events in Python. Any other shape
    (lists, comments, a continued line, escapes) returns None for the YAML reading.
    """
    if NOT_FLAT_CHARS.search(raw):
        return None
    # Two scans of the whole front matter instead of a match per line: every line must be a
    # flat line or blank (FLAT_LINES needs a key: a line is never both), else YAML decides.
    found = FLAT_LINES.findall(raw)
    lines = raw.count("\n") + 1
    # Nearly always every line is flat but the empty one after the last line end: no need to
    # count the blank lines then.
    if not (len(found) == lines - 1 and raw.endswith("\n")) and (
        len(found) + len(BLANK_LINES.findall(raw)) != lines
    ):
        return None
    data: dict[str, str] = {}
    for key, double, single, plain in found:  # a group that took no part is ""
        if plain:  # never empty when it took part
            if ": " in plain or " #" in plain or plain.endswith(":"):
                return None  # a second mapping value or a comment: YAML's reading decides
            data[key] = plain
        else:
            data[key] = double or single  # "" for a quoted empty value and for no value
    return data


def _checked_load(raw: str) -> Any:
    """The events checked, then PyYAML's own reading (a second parse): for unusual shapes."""
    import yaml  # noqa: PLC0415 - see _load_yaml

    try:
        _check_yaml_events(raw)
        # BaseLoader keeps every scalar a string: YAML's own typing would drop the offset of
        # `2021-12-22 11:16:43 +0800` or turn a bare date into a datetime at midnight.
        return yaml.load(raw, Loader=yaml.CBaseLoader)  # noqa: S506 - BaseLoader builds no objects
    except yaml.YAMLError as exc:
        raise InputError("bad_front_matter", str(exc).replace("\n", " ")) from exc


def _check_yaml_events(raw: str) -> None:
    """Refuse anchors/aliases (how YAML bombs work) and deep nesting before building anything."""
    import yaml  # noqa: PLC0415 - see _load_yaml

    depth = 0
    for event in yaml.parse(raw, Loader=yaml.CBaseLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise InputError("bad_front_matter", "YAML anchors or aliases are not allowed")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_FRONT_MATTER_DEPTH:
                raise InputError(
                    "bad_front_matter", f"nested deeper than {MAX_FRONT_MATTER_DEPTH} levels"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


class _UnusualShapeError(Exception):
    """A shape the one-pass reading leaves to PyYAML (several documents, a collection as key)."""


def _data_from_events(raw: str) -> Any:
    """Check the events as `_check_yaml_events` does and build the data in the same pass.

    The result is CBaseLoader's (every scalar a string, a repeated key keeps its first place
    and its last value); one parse instead of two. Raises _UnusualShapeError for what it
    does not build.
    """
    import yaml  # noqa: PLC0415 - see _load_yaml

    root: Any = None
    documents = 0
    stack: list[dict[str, Any] | list[Any]] = []
    keys: list[str | None] = []  # per open mapping: the key waiting for its value

    def add(value: Any) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        top = stack[-1]
        if isinstance(top, list):
            top.append(value)
        elif keys[-1] is None:
            if not isinstance(value, str):
                raise _UnusualShapeError  # a collection as a key: PyYAML says how it fails
            keys[-1] = value
        else:
            top[keys[-1]] = value
            keys[-1] = None

    for event in yaml.parse(raw, Loader=yaml.CBaseLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise InputError("bad_front_matter", "YAML anchors or aliases are not allowed")
        if isinstance(event, yaml.ScalarEvent):
            add(event.value)
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_FRONT_MATTER_DEPTH:
                raise InputError(
                    "bad_front_matter", f"nested deeper than {MAX_FRONT_MATTER_DEPTH} levels"
                )
            collection: dict[str, Any] | list[Any] = (
                {} if isinstance(event, yaml.MappingStartEvent) else []
            )
            add(collection)
            stack.append(collection)
            keys.append(None)
        elif isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
            keys.pop()
        elif isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _UnusualShapeError  # PyYAML refuses a second document with its own message
    return root


def _apply_front_matter(doc: Document, meta: dict[str, Any]) -> None:
    title = _scalar(meta.get("title"))
    doc.title = clean_text(title) if title else None
    if not doc.title:
        doc.title = None
        doc.warn("title: empty in the front matter")
    doc.date_raw = _scalar(meta.get("date"))
    if doc.date_raw is not None:
        doc.published, warning = parse_date(doc.date_raw)
        if warning:
            doc.warn(warning)
    categories = _words(meta.get("categories", meta.get("category")))
    doc.category = categories[0] if categories else None
    doc.tags = _words(meta.get("tags"))


def _scalar(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip()
    return None


def _words(value: Any) -> list[str]:
    """Jekyll's reading of categories/tags: a list, or a string split on whitespace."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def _cut_url_and_links(lines: list[str]) -> tuple[list[str], str | None]:
    """Split off the `<URL>` line and the site links after it; return (body lines, url)."""
    url_line = rules.pattern("document", "url_line")
    for index, line in enumerate(lines):
        match = url_line.match(line.strip())
        if match:
            return lines[:index], (match.group("url") or None)
    link_line = rules.pattern("document", "link_line")
    end = len(lines)
    while end and (not lines[end - 1].strip() or link_line.match(lines[end - 1])):
        end -= 1
    return lines[:end], None


def _warn_if_cut_in_tag(doc: Document, text: str) -> None:
    """A file cut off inside a tag (`<p class="em`): what came before is read; say so."""
    start = text.rfind("<")
    if start > text.rfind(">") and TAG_START.match(text, start):
        fragment = text[start : start + 40].strip()
        doc.warn(f"cut off: the text ends inside a tag ({fragment!r}); what came before was read")


def _body_paragraphs(lines: list[str], doc: Document, *, plain: bool = False) -> list[str]:
    """Digest lines (`> `) and chunks of HTML or plain text, in order."""
    digest = rules.pattern("document", "digest_line")
    paragraphs: list[str] = []
    chunk: list[str] = []
    for line in [*lines, None]:
        match = digest.match(line) if line is not None else None
        if line is not None and match is None:
            chunk.append(line)
            continue
        paragraphs.extend(_chunk_paragraphs("\n".join(chunk), doc, plain=plain))
        chunk = []
        if match:
            paragraphs.extend(p for p in [clean_text(match.group("text"))] if p)
    return paragraphs


def _chunk_paragraphs(chunk: str, doc: Document, *, plain: bool = False) -> list[str]:
    """The paragraphs of a chunk of the body (`plain`: the text is, see Decoded.plain)."""
    if not chunk.strip():
        return []
    if rules.pattern("document", "html_marker").search(chunk):
        plain_flat = plain and "&" not in chunk and "\x0c" not in chunk
        flat = _flat_texts_of(chunk, FLAT_PLAIN_PARAGRAPH if plain_flat else FLAT_PARAGRAPH)
        if flat is not None:  # a quarter of the cost of parsing it
            # clean_text without html.unescape: the texts hold no `&`
            texts = (" ".join(text.split()) for text in flat)
            return [text for text in texts if text]
        root = _parse_html(f"<div>{chunk}</div>", doc, fragment=True)
        return _html_texts(root) if root is not None else []
    return [p for p in (clean_text(line) for line in chunk.split("\n")) if p]


def _flat_texts_of(chunk: str, paragraph: re.Pattern[str]) -> list[str] | None:
    """The texts of a chunk that `paragraph` repeated, then blanks, matches whole (FLAT_PARAGRAPHS
    / FLAT_PLAIN_PARAGRAPHS), else None. One split finds the paragraphs and their texts: split
    gives [gap, text, gap, text, …, tail], and the chunk is flat when every gap is empty and
    the tail blank (a paragraph's match from a given start is unique, so these are the
    paragraphs the whole-chunk pattern takes). Once through the chunk, not twice."""
    pieces = paragraph.split(chunk)
    if len(pieces) == 1 or any(pieces[0:-1:2]) or pieces[-1].strip(" \t\n"):
        return None
    return pieces[1::2]


def _take_source_line(doc: Document) -> None:
    """Move the closing `（文章来源：…）` paragraph out of the body into doc.source_line."""
    if not doc.paragraphs:
        return
    last = doc.paragraphs[-1]
    if _is_source_line(last):
        doc.source_line = last
        doc.paragraphs.pop()


def _is_source_line(text: str) -> bool:
    for pattern in rules.patterns("document", "source_line"):  # noqa: SIM110 - no generator
        if pattern.match(text):
            return True
    return False


# --- HTML --------------------------------------------------------------------------------


class _Parsers(threading.local):
    """The HTML parsers of one thread, made once: libxml2 sets a parser up on its first use, a
    third of parsing a post's body; a parser clears its error log on each parse, and one per
    thread keeps that log the reading's own (Dask may run tasks in threads)."""

    def __init__(self) -> None:
        self.by_size: dict[bool, etree.HTMLParser] = {}


_PARSERS: Final = _Parsers()


def _parser(*, huge: bool = False) -> etree.HTMLParser:
    parser = _PARSERS.by_size.get(huge)
    if parser is None:
        # No network, no entity expansion beyond HTML's own: a page never reaches outside
        # itself. etree's parser, not lxml.html's: the same libxml2 tree, without a Python
        # class lookup per element (the rules read tags, text and attributes only).
        parser = etree.HTMLParser(
            remove_comments=True, remove_pis=True, no_network=True, recover=True, huge_tree=huge
        )
        _PARSERS.by_size[huge] = parser
    return parser


def _parse_html(markup: str, doc: Document, *, fragment: bool) -> etree._Element | None:
    markup = XML_DECLARATION.sub("", markup)  # lxml refuses str input that declares an encoding
    markup = _drop_doctype_subsets(markup, doc)
    huge = flattened = False
    while True:
        root, limit = _parse_markup(markup, fragment=fragment, huge=huge)
        if limit == "depth" and not flattened:
            doc.warn(f"html: elements nested deeper than {MAX_HTML_DEPTH} levels were flattened")
            markup, flattened = _flatten(markup, MAX_HTML_DEPTH), True
        elif limit == "size" and not huge:
            huge = True  # a text over libxml2's 10 MB; --max-bytes already bounds the file
        else:
            return root


def _parse_markup(
    markup: str, *, fragment: bool, huge: bool
) -> tuple[etree._Element | None, str | None]:
    """The parsed tree (None when there is none) and the libxml2 limit that stopped it, if any.

    libxml2 stops at its first resource limit and keeps only what it read: "depth" (nesting)
    or "size" (a text node or buffer too large).
    """
    parser = _parser(huge=huge)
    try:
        if fragment:
            found = _fragment_fromstring(markup, parser)
            if found is None:
                return None, None
            root: etree._Element = found
        else:
            root = lxml_html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError):
        return None, None
    for error in parser.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT":
            return root, "depth" if "depth" in error.message.lower() else "size"
    return root, None


def _fragment_fromstring(markup: str, parser: etree.HTMLParser) -> etree._Element | None:
    """The one element `markup` (`<div>…</div>`) holds, or None where lxml.html's
    fragment_fromstring raises ParserError (nothing parsed, text before or after the element,
    more than one element). The same libxml2 reading without lxml.html's general-purpose
    steps, which cost as much as a third of the parse."""
    document = etree.fromstring(f"<html><body>{markup}</body></html>", parser)
    body = document.find("body") if document is not None else None
    if body is None or (body.text and body.text.strip()) or len(body) != 1:
        return None
    element = body[0]
    if element.tail and element.tail.strip():
        return None
    element.tail = None
    return element


def _drop_doctype_subsets(markup: str, doc: Document) -> str:
    """Remove `<!DOCTYPE x [ … ]>` internal subsets: their entities are never expanded anyway."""
    pieces: list[str] = []
    pos = 0
    while (start := DOCTYPE_SUBSET_OPEN.search(markup, pos)) is not None:
        end = DOCTYPE_SUBSET_CLOSE.search(markup, start.end(), start.end() + MAX_DTD_SUBSET)
        if end is None:
            break  # not closed nearby: it and any later ones are left to the parser (inert)
        pieces.append(markup[pos : start.start()])
        pos = end.end()
    if not pieces:
        return markup
    doc.warn("html: a DOCTYPE with entity declarations was ignored (entities are not expanded)")
    pieces.append(markup[pos:])
    return "".join(pieces)


def _flatten(markup: str, max_depth: int) -> str:
    """Drop the start/end tags nested deeper than max_depth, keeping all text between them.

    Works on runs of tags rather than single tags, so `<div>` x 200,000 is a handful of steps.
    """
    pieces: list[str] = []
    depth = 0
    pos = 0
    for run in TAG_RUNS.finditer(markup):
        count = run.group(0).count("<")
        if run.lastgroup == "start":
            keep = max(max_depth - depth, 0)  # the first `keep` levels still fit
            depth += count
            if count > keep:
                pieces.append(markup[pos : run.start() + _tags_length(run.group(0), keep)])
                pos = run.end()
        else:
            drop = min(depth - max_depth, count)  # the first `drop` close the levels dropped
            depth = max(depth - count, 0)
            if drop > 0:
                pieces.append(markup[pos : run.start()])
                pos = run.start() + _tags_length(run.group(0), drop)
    pieces.append(markup[pos:])
    return "".join(pieces)


def _tags_length(run: str, count: int) -> int:
    """Length of the first `count` tags of a run of tags (each ends at its only `>`)."""
    if count <= 0:
        return 0
    return len(run) - len(run.split(">", count)[-1])


def _xpath_strings(root: etree._Element, xpath: str) -> list[str]:
    """Text/attribute results of an XPath, as plain strings."""
    found = root.xpath(xpath)
    return [str(v) for v in found if isinstance(v, str)] if isinstance(found, list) else []


@cache
def _tag_sets() -> tuple[frozenset[str], frozenset[str]]:
    """(block tags, drop tags), built once: a post may hold thousands of HTML chunks."""
    return (
        frozenset(rules.strings("document", "block_tags")),
        frozenset(rules.strings("document", "drop_tags")),
    )


def _html_texts(root: etree._Element) -> list[str]:
    """The clean text of each block, in order."""
    flat = _flat_texts(root)
    return flat if flat is not None else _walk_texts(root)


def _walk_texts(root: etree._Element) -> list[str]:
    """The clean text of each block, walking iteratively (deep nesting is safe)."""
    block_tags, drop_tags = _tag_sets()
    texts: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        text = clean_text("".join(buffer))
        buffer.clear()
        if text:
            texts.append(text)

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in drop_tags or not tag:
                walker.skip_subtree()
                continue
            if tag in block_tags or tag == "br":
                flush()
            buffer.append(element.text or "")
        else:
            if tag in block_tags:
                flush()
            buffer.append(element.tail or "")
    flush()
    return texts


def _flat_texts(root: etree._Element) -> list[str] | None:
    """What `_walk_texts` gives for a root holding only childless blocks between
    blank texts (`<p>…</p><p>…</p>`, nearly every post), else None: one loop over the children
    instead of two Python steps per element and a flush per block boundary."""
    block_tags, _ = _tag_sets()
    if not _blank(root.text) or not _blank(root.tail):
        return None
    texts: list[str] = []
    for element in root:
        if len(element) or element.tag not in block_tags or not _blank(element.tail):
            return None
        text = clean_text(element.text or "")
        if text:
            texts.append(text)
    return texts


def _blank(text: str | None) -> bool:
    """No text, or white space only (NBSP and ideographic space too): it cleans to nothing."""
    return not text or text.isspace()


def _read_html_page(path: str, decoded: Decoded) -> Document:
    doc = _new_document(path, decoded, "html")
    _warn_if_cut_in_tag(doc, decoded.text)
    root = _parse_html(decoded.text, doc, fragment=False)
    if root is None:
        raise InputError("unreadable", "no HTML document could be parsed")
    doc.url = _first_attr(
        root, ['//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content']
    )
    read_page(doc, root)  # the article among the page's chrome: extractor/pages.py
    return doc


def _first_attr(root: etree._Element, xpaths: list[str]) -> str | None:
    for xpath in xpaths:
        values = [v.strip() for v in _xpath_strings(root, xpath) if v.strip()]
        if values:
            return values[0]
    return None
