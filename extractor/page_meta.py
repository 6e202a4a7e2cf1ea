"""A saved page's title (without the site's name) and publication time.

Title: the headline (<h1>, else <h2>/<h3>) that <title> or og:title starts with; else
og:title, then <title>, each without the site and channel names after a separator
(`…_新浪新闻`, `-观察者网`, `|…`); else the first <h1>. An <h1> that <title> does not start
with is trusted last: sites put their logo in one.
Time: JSON-LD datePublished, then the <meta> names of rules/pages.yaml, <time datetime>, then
the visible lines beside the article (`2019-09-05 11:10 来源：X`), then a date in its first
paragraphs; a declared day gives way to a later candidate with the time of that same day.
A time without an offset is Beijing time (extractor/dates.py, as for posts).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from extractor.dates import find_date, parse_date
from extractor.document import Document
from extractor.page_rules import page_rule

WHITESPACE = re.compile(r"\s+")
#: Headlines longer than this are no headline (an <h1> wrapping a whole page).
MAX_TITLE_CHARS = 200
#: Tags a headline is looked for in, most trusted first.
HEADLINE_TAGS = ("h1", "h2", "h3")
#: JSON-LD is searched this deep for datePublished (a @graph inside a list inside a mapping).
MAX_JSON_DEPTH = 6
#: JSON-LD blocks longer than this are not read (metadata is a few kilobytes).
MAX_JSON_CHARS = 200_000
#: How many first paragraphs may date an article that states its time nowhere else.
HEAD_PARAGRAPHS = 3


def _clean(text: str) -> str:
    return WHITESPACE.sub(" ", html.unescape(text)).strip()


def _strings(root: etree._Element, xpath: str) -> list[str]:
    found = root.xpath(xpath)
    return [str(v) for v in found if isinstance(v, str)] if isinstance(found, list) else []


def _elements(root: etree._Element, xpath: str) -> list[etree._Element]:
    found = root.xpath(xpath)
    return [v for v in found if isinstance(v, etree._Element)] if isinstance(found, list) else []


def strip_site_suffix(title: str) -> str:
    """The headline of a <title>: short site and channel names after separators cut off."""
    rule = page_rule("title_suffix")
    while True:
        match = rule.search(title)
        if match is None or match.start() == 0 or len(match.group("site")) >= match.start():
            return title
        title = title[: match.start()].rstrip()


def _section_and_site(title: str) -> bool:
    """A <title> of two short names and no headline: the tail is as long as what it follows."""
    match = page_rule("title_suffix").search(title)
    return match is not None and 0 < match.start() <= len(match.group("site"))


def page_title(root: etree._Element, visible: str | None = None) -> str | None:
    """The headline: the <h1> that <title> or og:title starts with; else og:title, <title>
    or the first <h1>, without the site's name. `visible` is the line standing right above
    the article's dateline: the headline when <title> holds it, or when <title> is only a
    section and the site (`新闻动态--青禾学会官网`) and the page has no og:title."""
    titles = [
        _clean(" ".join(_strings(root, "//title//text()"))),
        _clean(
            " ".join(_strings(root, '//meta[@property="og:title" or @name="og:title"]/@content'))
        ),
    ]
    for tag in HEADLINE_TAGS:
        heads = [_clean(" ".join(_strings(h, ".//text()"))) for h in _elements(root, f"//{tag}")]
        heads = [h for h in heads if h and len(h) <= MAX_TITLE_CHARS]
        for title in titles:
            starting = [h for h in heads if title.startswith(h)]
            if starting:
                return max(starting, key=len)
    og_title, title = titles[1], titles[0]
    if visible and (visible in title or (not og_title and _section_and_site(title))):
        return visible
    for name in (og_title, title):
        if name:
            return strip_site_suffix(name)
    h1 = [_clean(" ".join(_strings(h, ".//text()"))) for h in _elements(root, "//h1")]
    return next((h for h in h1 if h and len(h) <= MAX_TITLE_CHARS), None)


# --- the publication time ---------------------------------------------------------------


def set_published(doc: Document, root: etree._Element, visible: list[str]) -> None:
    """doc.published: the first time the page states, most trusted first (the module's
    docstring); a bare day gives way to a later candidate with the time of that same day."""
    chosen: str | None = None
    doubts: list[str] = []
    for raw, value in _time_candidates(doc, root, visible, doubts):
        if chosen is None:
            chosen, doc.date_raw = value, raw
            if "T" in value:
                break
        elif "T" in value and value.startswith(chosen):
            chosen, doc.date_raw = value, raw
            break
    doc.published = chosen
    if chosen is None and doubts:
        doc.warn(doubts[0])  # the page declares a time that is none (or impossible)


def _time_candidates(
    doc: Document, root: etree._Element, visible: list[str], doubts: list[str]
) -> Iterator[tuple[str, str]]:
    """(raw text, ISO value) of every readable publication time, most trusted first; why a
    declared one could not be read goes to `doubts`."""
    declared = [*_json_ld_dates(root), *_meta_dates(root), *_time_elements(root)]
    for raw in declared:
        value, warning = parse_date(raw)
        if value is None:
            value = find_date(raw)
        if value is not None:
            yield raw, value
        elif warning:
            doubts.append(warning)
    for line in [*visible, *doc.paragraphs[:HEAD_PARAGRAPHS]]:
        value = find_date(line)
        if value is not None:
            yield line, value


def _json_ld_dates(root: etree._Element) -> Iterator[str]:
    for script in _strings(root, '//script[@type="application/ld+json"]/text()'):
        if len(script) > MAX_JSON_CHARS:
            continue
        try:
            data = json.loads(script)
        except ValueError:
            continue
        yield from _find_key(data, "datePublished", MAX_JSON_DEPTH)


def _find_key(data: Any, key: str, depth: int) -> Iterator[str]:
    if depth <= 0:
        return
    if isinstance(data, dict):
        value = data.get(key)
        if isinstance(value, str):
            yield value
        for item in data.values():
            yield from _find_key(item, key, depth - 1)
    elif isinstance(data, list):
        for item in data:
            yield from _find_key(item, key, depth - 1)


def _meta_dates(root: etree._Element) -> list[str]:
    """<meta> publication times, in the order of trust of rules/pages.yaml's names."""
    rule = page_rule("published_meta")
    order = {name: rank for rank, name in enumerate(rule.words)}
    found: list[tuple[int, str]] = []
    for meta in _elements(root, "//meta[@content]"):
        for attribute in ("property", "name", "itemprop"):
            name = WHITESPACE.sub("", (meta.get(attribute) or "").lower())
            if rule.holds(name):
                found.append((order[name], meta.get("content") or ""))
                break
    return [content for _, content in sorted(found, key=lambda item: item[0])]


def _time_elements(root: etree._Element) -> list[str]:
    """<time datetime=…> values; a <time> without one is visible text (often a related
    article's date in a list), read only where it stands beside the article."""
    return [v.strip() for v in _strings(root, "//time/@datetime") if v.strip()]
