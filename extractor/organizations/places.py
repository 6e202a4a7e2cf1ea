"""Places among the organizations: the region a name belongs to, the support a place gets
from its short form (哈尔滨 for 哈尔滨市), and bare level names (镇党委) that stand for the
one place of that level the article names.
"""

from __future__ import annotations

from functools import cache, lru_cache

from extractor import regions, rules
from extractor.caches import NAME_CACHE
from extractor.document import Document
from extractor.organizations.mentions import Candidate, article_text, named_weight


def region_of(name: str, ctx: regions.PlaceCounts) -> str | None:
    """The full name of the division the organization belongs to (`fixed_region` first)."""
    place = regions.region_of(name, ctx)
    if place is None:
        level = _level_written(name)
        if level is not None:
            place = regions.context_level(ctx, level)
    return regions.full_name(place) if place else None


@lru_cache(maxsize=NAME_CACHE)  # asked of every organization kept, and names recur
def fixed_region(name: str) -> tuple[bool, str | None]:
    """(True, `region_of(name, ctx)`) when no article's context can change it (most names:
    one cached call, and the article's context need not be counted), else (False, None)."""
    known, place = regions.region_alone(name)
    if not known:
        return False, None
    if place is not None:
        return True, regions.full_name(place)
    return _level_written(name) is None, None  # a level alone (省教育厅) takes the article's


@lru_cache(maxsize=NAME_CACHE)  # asked of every organization kept, and names recur
def _level_written(name: str) -> int | None:
    """The level a name opens with (省教育厅, 我市…: 0 province, 1 city, 2 county): the
    article's most named place of that level is its region when it names none itself."""
    for level, prefixes in enumerate(("省", "市州", "县区")):
        if name[:1] in prefixes or (name[1:2] in prefixes and name[:1] in "我全该本"):
            return level
    return None


def short_name_support(doc: Document, name: str, cand: Candidate, text: str | None = None) -> int:
    """A place the article keeps naming by its short form (哈尔滨 for 哈尔滨市) is its topic
    (`text`: mentions.article_text, joined once an article)."""
    if not cand.has_place:
        return 0
    shorts = _short_names_of(name)
    if not shorts:
        return 0
    if text is None:
        text = article_text(doc)
    count = max(text.count(s) - text.count(name) for s in shorts)
    return min(max(count, 0), named_weight("max_short_support"))


@lru_cache(maxsize=16_384)  # asked of every place that may act, and names recur
def _short_names_of(name: str) -> tuple[str, ...]:
    """The short names of the divisions with this full name (哈尔滨 for 哈尔滨市)."""
    return tuple(
        s
        for p in regions.table().by_name.get(name, ())
        if p.name == name
        for s in sorted(regions.short_names(p))
    )


def merge_level_names(candidates: dict[str, Candidate], scores: dict[str, int]) -> None:
    """镇党委 stands for the town the article names (天星镇): its support goes there."""
    levels = _level_prefixes()
    by_level: dict[int | None, set[str]] | None = None  # the places named, by level
    for name in list(scores):
        level = levels.get(name[:1])
        if level is None or candidates[name].has_place:
            continue
        if by_level is None:  # found once, and only for an article with such a name
            by_level = {}
            for n, c in candidates.items():
                if c.has_place:
                    by_level.setdefault(_level(n), set()).add(n)
        places = by_level.get(level, set())
        if len(places) == 1:
            (place,) = places
            scores[place] = scores.get(place, 0) + scores.pop(name)


@cache
def _level_prefixes() -> dict[str, int]:
    """First character of a name written with its level only -> that level (0 province)."""
    table = rules.table("organizations", "level_prefixes")
    levels = {"province": 0, "city": 1, "county": 2, "town": 3}
    found: dict[str, int] = {}
    for key, chars in table.items():
        for char in chars:
            found.setdefault(char, levels[key])
    return found


def _level(name: str) -> int | None:
    found = regions.table().by_name.get(name, ())
    whole = [p.level for p in found if p.name == name]
    return whole[0] if whole else None


def placed(name: str, cand: Candidate) -> bool:
    return not cand.has_place and bool(regions.places_in_name(name))


def opens_with_level(name: str) -> bool:
    """A name written with its level only (镇党委, 市委): it stands for a place of that level."""
    table = rules.table("organizations", "level_prefixes")
    return any(name[:1] in chars for chars in table.values())
