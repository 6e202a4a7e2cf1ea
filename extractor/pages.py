"""A saved web page -> the article's parts: its paragraphs, title, publication time, credits.

The article is the node of lxml's tree with the highest text-density score, the idea of GNE
(GeneralNewsExtractor, after Hong et al., "基于文本及符号密度的网页正文提取方法"), written anew
here as one linear pass over the tree: per element the characters of its text and of its link
text, its descendant tags and links, its paragraphs and its punctuation; then

    score = (text - link text) / (tags - links) * log10(paragraphs + 2) * ln(symbol density)

where symbol density is (text - link text) / (punctuation + 1). The paragraphs are then read
from that node with the page's own text (whitespace collapsed as for posts), so evidence
offsets point into what the page says. Short lines beside the article that date it or credit
it (`2019-09-05 11:10 来源：X`, `责任编辑：X`) are kept as paragraphs before and after it,
where the author and source extractors read fields (rules/pages.yaml). The title and the
publication time: extractor/page_meta.py.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from lxml import etree

from extractor import rules
from extractor.document import Document
from extractor.page_meta import HEADLINE_TAGS, page_title, set_published
from extractor.page_rules import attribute_words, page_rule

WHITESPACE = re.compile(r"\s+")
#: Punctuation counted for the symbol density (full- and half-width).
PUNCTUATION = re.compile(r"[，。！？；：、“”‘’（）《》【】…—,.!?;:\"'()]")
#: A block whose link text is at least this share of its text is a link, not article text.
MAX_LINK_SHARE = 0.5
#: An ancestor of the best node is the article when it holds this many times its text and
#: scores at least this share of its score (measured on the 40 pages: a lone dense paragraph
#: of 60-250 characters wins over its article at 0.4-0.9 of its score; a page's chrome around
#: an article holds under 1.5 times its text or scores under 0.25 of it).
ANCESTOR_TEXT_FACTOR = 2.0
ANCESTOR_MIN_SCORE = 0.3
#: How many blocks before the article are looked at for its dateline and source line.
META_WINDOW = 8
#: How many blocks after the article are looked at for its credit lines.
CREDIT_WINDOW = 6
#: A line longer than this above the dateline is a paragraph, not a headline.
MAX_VISIBLE_HEADLINE = 80
#: How many blocks of chrome (share buttons, an article's <footer>) are passed over on the way.
CHROME_WINDOW = 16
#: Distinct class/id values remembered (a page repeats the same few hundred thousands of times).
ATTRIBUTE_CACHE = 4096
#: Elements HTML made for the article: their class never makes them chrome, nor that of an
#: element holding one (or the headline).
CONTENT_TAGS = frozenset(["article", "main"])
CONTENT_INSIDE = (".//h1", ".//article", ".//main")
#: Formatting inside a paragraph is no tag of the page's structure (GNE strips span/strong
#: inside <p>): a paragraph of plain text with one <strong> is still one text block.
INLINE_TAGS = frozenset(
    ["span", "strong", "b", "em", "i", "u", "font", "small", "big", "sub", "sup", "mark"]
)
#: Elements that count as a paragraph of text: <p>, and a <div> or <span> holding only text
#: (GNE turns those into <p> before it counts).
PARAGRAPH_TAGS = frozenset(["p"])
LEAF_PARAGRAPH_TAGS = frozenset(["div", "span"])


# A plain class with slots, not a dataclass: a fresh process makes it in a few us, not 0.3 ms
# (it is made, read and changed, never compared or printed).
class _Node:
    """What the density score of one element counts (its subtree, chrome left out)."""

    __slots__ = (
        "chars",
        "children",
        "element",
        "end",
        "first_block",
        "link_chars",
        "links",
        "paragraphs",
        "parent",
        "punctuation",
        "tags",
        "texts",
    )

    def __init__(self, element: etree._Element, parent: int, first_block: int) -> None:
        self.element = element
        self.parent = parent
        self.first_block = first_block  # the index its first block gets (if it has any)
        self.end = 0  # the preorder index of its subtree's last element
        self.chars = 0
        self.link_chars = 0
        self.tags = 0
        self.links = 0
        self.paragraphs = 0  # descendant paragraphs (see PARAGRAPH_TAGS)
        self.texts = 0  # its own non-blank text nodes (its text, its children's tails)
        self.children = 0
        self.punctuation = 0

    def score(self) -> float:
        """GNE's score without its constant factor (the log of the deviation of densities)."""
        text = self.chars - self.link_chars
        if self.tags - self.links <= 0 or text <= 0:
            return 0.0
        density = text / (self.tags - self.links)
        symbols = text / (self.punctuation + 1)
        paragraphs = self.paragraphs + self.texts
        return density * math.log10(paragraphs + 2) * math.log(max(symbols, 1.0))


@dataclass(slots=True)
class _Block:
    """A paragraph of the page: its text, where it sits in the tree, how much of it is links."""

    text: str
    node: int  # preorder index of the element its first text belongs to
    tail: bool  # that text is the element's tail (it sits after the element, in its parent)
    link_chars: int
    headline: bool = False
    chrome: bool = False  # inside navigation, a side bar, a footer, comments …
    related: bool = False  # under a heading such as 相关阅读 (see end_lines)


# A plain class with slots, not a dataclass: a fresh process makes it in a few us, not 0.3 ms
# (it is made, read and changed, never compared or printed).
class _Page:
    """The tree cut into scored nodes and blocks in document order."""

    __slots__ = ("blocks", "nodes")

    def __init__(self) -> None:
        self.nodes: list[_Node] = []
        self.blocks: list[_Block] = []


def read_page(doc: Document, root: etree._Element) -> None:
    """Fill doc's title, paragraphs, source line and publication time from a parsed page."""
    page = _walk(root)
    first, last = _content_span(page)
    meta = _meta_blocks(page, first)
    doc.title = page_title(root, _visible_headline(page, meta))
    if doc.title is None:
        doc.warn("title: the page has no <title> or <h1>")
    body = [
        block.text
        for block in page.blocks[first : last + 1]
        if _is_text(block)
        and not block.chrome
        and not block.related
        and not (block.text == doc.title and block.headline)
    ]
    credits, dates_after = _after_blocks(page, last, body)
    doc.paragraphs = [b.text for b in meta] + body + [b.text for b in credits]
    _take_source_line(doc)
    set_published(doc, root, [b.text for b in meta + credits] + dates_after)


# --- the tree, in one pass --------------------------------------------------------------


@cache
def _tag_sets() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(block tags, tags without text, chrome tags): blocks as for posts, the rest from
    rules/pages.yaml."""
    return (
        frozenset(rules.strings("document", "block_tags")),
        page_rule("no_text_tags").word_set,
        page_rule("chrome_tags").word_set,
    )


@lru_cache(maxsize=ATTRIBUTE_CACHE)
def attribute_kind(value: str) -> str | None:
    """What a class or id value names: "chrome" (comments, share bars, related links …),
    "footer" (a footer, copyright or disclaimer), or None."""
    words = attribute_words(value)
    if page_rule("chrome_attributes").search(words) is not None:
        return "chrome"
    if page_rule("footer_attributes").search(words) is not None:
        return "footer"
    return None


def _attribute_kind(element: etree._Element, tag: str) -> str | None:
    if tag in CONTENT_TAGS:
        return None  # <article class="post tag-x …">: a content element names no chrome
    kinds = {attribute_kind(value) for name in ("class", "id") if (value := element.get(name))}
    kind = "chrome" if "chrome" in kinds else "footer" if "footer" in kinds else None
    if kind is not None and any(element.find(path) is not None for path in CONTENT_INSIDE):
        return None  # a wrapper named for its side bar (`main-side-wrap`) around the article
    return kind


def _chars(text: str) -> int:
    """Characters other than white space (split/join runs in C: pages run to megabytes)."""
    return len("".join(text.split()))


class _Walker:
    """One iterative walk: the nodes' counts (bottom-up) and the blocks (in order)."""

    def __init__(self) -> None:
        self.page = _Page()
        self.stack: list[int] = []
        self.links_open = 0
        self.buffer: list[str] = []
        self.start: tuple[int, bool] | None = None  # where the buffered block's text begins
        self.block_link_chars = 0
        self.headline_open = 0
        self.chrome_open = 0
        self.block_chrome = False
        self.block_headline = False

    def text(self, value: str | None, owner: int, *, tail: bool) -> None:
        """Text of the element `owner` (its .text), or after it in its parent (its .tail)."""
        if not value:
            return
        counted = self.page.nodes[owner].parent if tail else owner
        chars = _chars(value)
        if chars and counted >= 0 and not self.chrome_open:
            node = self.page.nodes[counted]
            node.chars += chars
            node.texts += 1
            node.punctuation += len(PUNCTUATION.findall(value))
            if self.links_open:
                node.link_chars += chars
        if chars and self.start is None:
            self.start = (owner, tail)
            self.block_chrome = self.chrome_open > 0
            self.block_headline = self.headline_open > 0
        if self.links_open:
            self.block_link_chars += chars
        self.buffer.append(value)

    def flush(self) -> None:
        text = WHITESPACE.sub(" ", html.unescape("".join(self.buffer))).strip()
        if text and self.start is not None:
            node, tail = self.start
            self.page.blocks.append(
                _Block(
                    text,
                    node,
                    tail,
                    self.block_link_chars,
                    headline=self.block_headline,
                    chrome=self.block_chrome,
                )
            )
        self.buffer.clear()
        self.start = None
        self.block_link_chars = 0

    def open(self, element: etree._Element, *, chrome: bool) -> int:
        parent = self.stack[-1] if self.stack else -1
        if parent >= 0 and not chrome:
            self.page.nodes[parent].children += 1
        self.page.nodes.append(_Node(element, parent, len(self.page.blocks)))
        index = len(self.page.nodes) - 1
        self.stack.append(index)
        return index

    def close(self, index: int, tag: str, *, chrome: bool) -> None:
        node = self.page.nodes[index]
        node.end = len(self.page.nodes) - 1
        self.stack.pop()
        if node.parent < 0 or chrome:
            return  # chrome counts for nothing, as if GNE had removed it
        parent = self.page.nodes[node.parent]
        is_paragraph = tag in PARAGRAPH_TAGS or (tag in LEAF_PARAGRAPH_TAGS and not node.children)
        parent.tags += node.tags + (tag not in INLINE_TAGS)
        parent.links += node.links + (tag == "a")
        parent.chars += node.chars
        parent.link_chars += node.link_chars
        parent.paragraphs += node.paragraphs + is_paragraph
        parent.punctuation += node.punctuation


def _walk(root: etree._Element) -> _Page:
    body = root.find("body")
    top = body if body is not None else root
    block_tags, no_text, chrome_tags = _tag_sets()
    walker = _Walker()
    opened: list[tuple[int, str, bool, bool]] = []  # (index, tag, chrome, hidden) of each open
    events = etree.iterwalk(top, events=("start", "end"))
    for event, element in events:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            # Skipped whole: no text, and chrome named by its class (comment lists and
            # recommendations run to thousands of elements and never date the article);
            # walked, but never the article: chrome tags (a headline may sit in an <aside>)
            # and footers (an article's footer holds its date and editor).
            kind = _attribute_kind(element, tag) if element is not top else None
            hidden = not tag or tag in no_text or kind == "chrome"
            chrome = hidden or tag in chrome_tags or kind == "footer"
            if tag in block_tags or tag == "br" or chrome:
                walker.flush()
            index = walker.open(element, chrome=chrome)
            opened.append((index, tag, chrome, hidden))
            if hidden:
                events.skip_subtree()
                continue
            walker.chrome_open += chrome
            walker.links_open += tag == "a"
            walker.headline_open += tag in HEADLINE_TAGS
            walker.text(element.text, index, tail=False)
            continue
        index, tag, chrome, hidden = opened.pop()  # ends come in the reverse order of starts
        if not hidden:
            walker.chrome_open -= chrome
            walker.links_open -= tag == "a"
            walker.headline_open -= tag in HEADLINE_TAGS
        if tag in block_tags or chrome:
            walker.flush()
        walker.close(index, tag, chrome=chrome)
        if element is not top:
            walker.text(element.tail, index, tail=True)
    walker.flush()
    _mark_related(walker.page.blocks)
    return walker.page


def _mark_related(blocks: list[_Block]) -> None:
    """Flag the blocks from a 相关阅读/推荐阅读 heading up to the next other headline."""
    rule = page_rule("end_lines")
    related = False
    for block in blocks:
        if rule.holds(block.text):
            related = True
        elif block.headline:
            related = False
        block.related = related


# --- the article: the best node's blocks ------------------------------------------------


def _content_span(page: _Page) -> tuple[int, int]:
    """First and last index of the blocks inside the highest-scoring node (all when none)."""
    if not page.blocks:
        return 0, -1
    best = _best_node(page.nodes, page.blocks)
    if best is None:
        return 0, len(page.blocks) - 1
    start, end = best, page.nodes[best].end
    inside = [i for i, block in enumerate(page.blocks) if _within(block, start, end)]
    if not inside:
        return 0, len(page.blocks) - 1
    return inside[0], inside[-1]


def _best_node(nodes: list[_Node], blocks: list[_Block]) -> int | None:
    """The highest-scoring node; or the best of its ancestors that hold several times its text
    while scoring nearly as well (a single dense paragraph is one part of a bigger article).
    A node that starts under a 相关阅读 heading is a related article's teaser, never the article."""
    scores = [
        0.0 if node.first_block < len(blocks) and blocks[node.first_block].related else node.score()
        for node in nodes
    ]
    best = max(range(len(nodes)), key=scores.__getitem__, default=None)
    if best is None or scores[best] <= 0:
        return None
    text = nodes[best].chars - nodes[best].link_chars
    ancestors: list[int] = []
    parent = nodes[best].parent
    while parent >= 0:
        node = nodes[parent]
        if (
            node.chars - node.link_chars >= ANCESTOR_TEXT_FACTOR * text
            and scores[parent] >= ANCESTOR_MIN_SCORE * scores[best]
        ):
            ancestors.append(parent)
        parent = node.parent
    return max(ancestors, key=scores.__getitem__, default=best)


def _within(block: _Block, start: int, end: int) -> bool:
    """The block's first text lies inside the subtree [start, end] (a tail only below start)."""
    if block.tail:
        return start < block.node <= end
    return start <= block.node <= end


def _is_text(block: _Block) -> bool:
    """Not a link (a block mostly of link text is navigation or a related-article list)."""
    return block.link_chars < MAX_LINK_SHARE * _chars(block.text)


def _meta_blocks(page: _Page, first: int) -> list[_Block]:
    """Datelines and source/byline fields just before the article, up to its headline
    (chrome too: a headline and its date in an <aside>)."""
    dates, fields = page_rule("date_lines"), page_rule("field_lines")
    found = [
        block
        for block in _beside(page, range(first - 1, -1, -1), META_WINDOW)
        if dates.holds(block.text) or fields.holds(block.text)
    ]
    return found[::-1]


def _visible_headline(page: _Page, meta: list[_Block]) -> str | None:
    """The line right above the first dateline: a headline not marked up as one."""
    if not meta:
        return None
    index = page.blocks.index(meta[0]) - 1
    block = page.blocks[index] if index >= 0 else None
    if block is None or block.chrome or not _is_text(block) or block.related:
        return None
    dates, fields = page_rule("date_lines"), page_rule("field_lines")
    if (
        len(block.text) > MAX_VISIBLE_HEADLINE
        or dates.holds(block.text)
        or fields.holds(block.text)
    ):
        return None
    return block.text


def _after_blocks(page: _Page, last: int, body: list[str]) -> tuple[list[_Block], list[str]]:
    """Credit lines and fields (责任编辑：X, (记者 X), 发布日期：…) just after the article, not
    already in it; and the bare dates there (which only date it)."""
    credit, fields, dates = (page_rule(g) for g in ("credit_lines", "field_lines", "date_lines"))
    have = set(body)
    credits: list[_Block] = []
    bare: list[str] = []
    for block in _beside(page, range(last + 1, len(page.blocks)), CREDIT_WINDOW):
        if block.text in have:
            continue
        if credit.holds(block.text) or fields.holds(block.text):
            credits.append(block)
        elif dates.holds(block.text):
            bare.append(block.text)
    return credits, bare


def _beside(page: _Page, indices: range, window: int) -> Iterator[_Block]:
    """The blocks next to the article in the order of `indices`, up to the headline: `window`
    blocks of text and CHROME_WINDOW of chrome (share bars and the article's own <footer>
    sit between it and its date or credits)."""
    text = chrome = 0
    for index in indices:
        block = page.blocks[index]
        if block.headline:
            return
        chrome += block.chrome
        text += not block.chrome
        if text > window or chrome > CHROME_WINDOW:
            return
        yield block


def _take_source_line(doc: Document) -> None:
    """The last `（来源：X）` paragraph becomes the source line, as the closing line of a post
    does (credit lines may follow it on a page)."""
    for index in range(len(doc.paragraphs) - 1, -1, -1):
        if any(p.match(doc.paragraphs[index]) for p in rules.patterns("document", "source_line")):
            doc.source_line = doc.paragraphs.pop(index)
            return


#: Groups of rules/pages.yaml whose examples are class/id values, and the kind they name.
ATTRIBUTE_GROUPS = {"chrome_attributes": "chrome", "footer_attributes": "footer"}


def holds_example(group: str, text: str) -> bool:
    """Rule check for every group of rules/pages.yaml (tests/test_rule_examples.py runs it)."""
    if group in ATTRIBUTE_GROUPS:  # class/id values are split into words first
        return attribute_kind(text) == ATTRIBUTE_GROUPS[group]
    return page_rule(group).holds(text)
