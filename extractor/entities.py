"""Entity keys: which real organization or person each mention stands for, across articles.

A key is built from the article alone, so the same input gives the same record whatever else
is in the run. An organization's key is its full, place-qualified name (江川省白沙市委 for a
市委 in an article about 白沙市); a generic or short form resolves to the full form its
article names (该校 -> 白沙学院), or stays local to the article (`<id>#<name>`) so that it never
merges across articles by its surface alone. A person's key is `<medium>/<name>`: one 张伟
credited twice by one medium is one person, two media's 张伟 are two.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from typing import Final, Protocol

from extractor import regions, rules
from extractor.caches import NAME_CACHE
from extractor.organizations.suffixes import Endings
from schemas import Organization, Person
from schemas.models import local_key

#: Separates the medium from the name in a person's key.
MEDIUM_SEPARATOR: Final = "/"
#: Level names of regions.LEVELS, top down, as entities.yaml `level_words` names them.
LEVEL_NAMES: Final = ("province", "city", "county", "town")
#: Organization kinds whose names are proper without a place (新华社, 青峰大学, 某某集团).
PROPER_KINDS: Final = frozenset({"university", "enterprise", "media"})

_SPACE: Final = re.compile(r"\s+")


# What the keys read of a mention: the records' fields, or the pipeline's plain facts before
# the record is validated (document.FoundOrganization …).
class OrganizationLike(Protocol):
    """An organization mention as the keys read it."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def region(self) -> str | None: ...


class NamedLike(Protocol):
    """A person or a source as the keys read it: by its name."""

    @property
    def name(self) -> str: ...


def normal(name: str) -> str:
    """The form keys compare: NFKC, no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", name))


@lru_cache(maxsize=NAME_CACHE)  # each name is asked twice per article, and names recur
def _key_name(name: str) -> str:
    """The form of an organization's name its key is built from: normal, short forms written out."""
    return expand_short_form(normal(name))


def resolve_entities(
    article_id: str,
    organizations: Sequence[Organization],
    authors: Sequence[Person],
    source: NamedLike | None,
    site: str | None,
) -> tuple[list[Organization], list[Person]]:
    """The article's organizations and people, each with its `entity` key set (copies: the
    mentions given are left as they are)."""
    org_keys, person_keys = entity_keys(article_id, organizations, authors, source, site)
    orgs = [
        org.model_copy(update={"entity": key})
        for org, key in zip(organizations, org_keys, strict=True)
    ]
    people = [
        p.model_copy(update={"entity": key}) for p, key in zip(authors, person_keys, strict=True)
    ]
    return orgs, people


def entity_keys(
    article_id: str,
    organizations: Sequence[OrganizationLike],
    authors: Sequence[NamedLike],
    source: NamedLike | None,
    site: str | None,
) -> tuple[list[str], list[str]]:
    """The `entity` key of each organization and each person, in their order."""
    region = article_region(organizations)
    named = _named_keys(article_id, organizations, region)
    medium = source.name if source is not None else site
    return (
        [organization_key(article_id, org, region, named) for org in organizations],
        [person_key(article_id, p.name, medium) for p in authors],
    )


def person_key(article_id: str, name: str, medium: str | None) -> str:
    """`<medium>/<name>`, or `<article id>#<name>` when the article names no medium."""
    if medium and normal(medium):
        return f"{normal(medium)}{MEDIUM_SEPARATOR}{normal(name)}"
    return local_key(article_id, name)


def article_region(organizations: Iterable[OrganizationLike]) -> str | None:
    """The article's place: its subject's region, else the region its organizations share most."""
    orgs = list(organizations)
    for org in orgs:
        if org.role == "subject" and org.region:
            return org.region
    counts: dict[str, int] = {}  # (a Counter of a generator: two Python calls and an ABC check)
    for org in orgs:
        if org.region:
            counts[org.region] = counts.get(org.region, 0) + 1
    if not counts:
        return None
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0]


def organization_key(
    article_id: str,
    org: OrganizationLike,
    region: str | None,
    named: dict[str, str] | None = None,
) -> str:
    """The place-qualified full name an organization mention stands for (see module doc)."""
    name = _key_name(org.name)
    referred = _referred(name, named or {})
    if referred:
        return referred
    qualified = _qualified(name, org.region or region)
    if qualified:
        return qualified
    if is_national_name(name) or (org.kind in PROPER_KINDS and name not in _generic_names()):
        return name
    return local_key(article_id, name)


def _named_keys(
    article_id: str, organizations: Sequence[OrganizationLike], region: str | None
) -> dict[str, str]:
    """Keys of the organizations the article names in full, by name (what references point to)."""
    found: dict[str, str] = {}
    for org in sorted(organizations, key=lambda o: o.role != "subject"):
        name = _key_name(org.name)
        if name in _reference_words() or name in _generic_names():
            continue
        key = _qualified(name, org.region or region)
        if key is None and (is_national_name(name) or org.kind in PROPER_KINDS):
            key = name
        if key is not None:
            found.setdefault(name, key)
    return found


def _referred(name: str, named: dict[str, str]) -> str | None:
    """The key of the one named organization a reference word (该校, 学校, 我局) stands for."""
    endings = _references().get(name)
    if endings is None:
        return None
    keys = {key for full, key in named.items() if endings.search(full)}
    return keys.pop() if len(keys) == 1 else None


@lru_cache(maxsize=NAME_CACHE)  # pure; each name is asked twice per article, and names recur
def _qualified(name: str, region: str | None) -> str | None:
    """The name with its place made whole and unambiguous (市委 -> 白沙市委, or 江川省白沙市委
    where two 白沙市 exist), or None when no place qualifies it."""
    chain = _chain(region) if region else ()
    level = level_of(name)
    if level is not None:
        word, index = level
        place = next((p for p in chain if p.level == index), None)
        return None if place is None else _unique_name(place) + name[len(word) :]
    return _place_qualified(name, chain)


def _place_qualified(name: str, chain: tuple[regions.Place, ...]) -> str | None:
    """A name opening with a place's name, full or short, qualified as `_qualified` says."""
    by_name = regions.table().by_name
    in_chain = {p.code for p in chain}  # codes are unique: compared faster than places
    for size in range(min(len(name), regions.table().max_name), 1, -1):
        written = name[:size]
        places = by_name.get(written)
        if not places:
            continue
        chosen = next((p for p in places if p.code in in_chain), None)
        if chosen is None:
            # Outside the article's places only a full, unique name counts: a bare short form
            # (友谊, 安定) opens many names that are no place's (北京友谊医院).
            whole = [p for p in places if p.name == written]
            chosen = whole[0] if len(whole) == 1 else None
        if chosen is None:
            return None
        unique = _unique_name(chosen)
        above = unique[: len(unique) - len(chosen.name)]
        if _keeps_level(written, chosen):  # 红河州民政局 is the 红河…自治州's 民政局
            return unique + name[size:]
        if written != chosen.name and len(places) > 1:  # a short name several places share
            return above + chosen.name + name[size:] if above else None
        return above + name  # a bare short name is part of a proper name (白沙学院)
    return None


@cache
def _unique_name(place: regions.Place) -> str:
    """The place's name with as many divisions above it as make it one of a kind (白沙市, or
    江川省白沙市 where two provinces have a 白沙市)."""
    chain = regions.parents(place)
    namesakes = [p for p in regions.table().by_name.get(place.name, ()) if p.name == place.name]
    for depth in range(1, len(chain) + 1):
        tail = [p.name for p in chain[-depth:]]
        alike = [p for p in namesakes if [a.name for a in regions.parents(p)[-depth:]] == tail]
        if len(alike) <= 1:
            return "".join(tail)
    return regions.full_name(place)


def _keeps_level(written: str, place: regions.Place) -> bool:
    """A short name that keeps its level word (红河州 for 红河哈尼族彝族自治州)."""
    words = _level_words().get(LEVEL_NAMES[place.level], ())
    # 滁州 (of 滁州市) ends in 州 too, but is the start of the full name, not a short form
    return not place.name.startswith(written) and written.endswith(words)


def level_of(name: str) -> tuple[str, int] | None:
    """The level word a name opens with instead of a place (市委 -> 市, city), or None."""
    if _starts_with_place(name):
        return None
    for index, level in enumerate(LEVEL_NAMES):
        for word in _level_words().get(level, ()):
            if name.startswith(word) and len(name) > len(word):
                return word, index
    return None


def _starts_with_place(name: str) -> bool:
    table = regions.table()
    longest = min(len(name), table.max_name)
    return any(name[:size] in table.by_name for size in range(2, longest + 1))


def expand_short_form(name: str) -> str:
    """A name with a known short ending written out (区文旅局 -> 区文化和旅游局)."""
    forms = _full_forms()
    for short in _short_endings().of(name):
        if not name.endswith(forms[short]):
            return name[: len(name) - len(short)] + forms[short]
    return name


@cache
def _short_endings() -> Endings:
    """The short endings, looked up by the name's last characters, longest first."""
    return Endings(short for short, _ in _short_forms())


@cache
def _full_forms() -> dict[str, str]:
    return dict(_short_forms())


@lru_cache(maxsize=4096)
def _chain(region: str) -> tuple[regions.Place, ...]:
    """The chain of places, top down, of the division whose full name is `region`
    (黑龙江省绥化市), or () when none is.

    Looked up by the name the full name ends with, not from an index of all 44,000 full
    names: building that index cost a fresh process about 0.3 s, for the few regions a run
    meets. (No two divisions share a full name; tests/test_speed_paths.py checks.)
    """
    table = regions.table()
    for size in range(min(len(region), table.max_name), 0, -1):
        for place in table.by_name.get(region[-size:], ()):
            if place.name == region[-size:] and regions.full_name(place) == region:
                return tuple(regions.parents(place))
    return ()


@cache
def _level_words() -> dict[str, tuple[str, ...]]:
    table = rules.table("entities", "level_words")
    return {level: tuple(table.get(level, ())) for level in LEVEL_NAMES}


@cache
def _generic_names() -> frozenset[str]:
    return frozenset(rules.strings("organizations", "generic_names"))


@cache
def _references() -> dict[str, re.Pattern[str]]:
    """Reference word (该校) -> the endings of the names it may stand for."""
    found: dict[str, re.Pattern[str]] = {}
    for endings, words in rules.table("organizations", "references").items():
        for word in words:
            found[word] = re.compile(f"(?:{endings})$")
    return found


@cache
def _reference_words() -> frozenset[str]:
    return frozenset(_references())


@cache
def _short_forms() -> tuple[tuple[str, str], ...]:
    """(short, full) endings from organizations.yaml `short_forms`, longest short first."""
    if "short_forms" not in rules.load("organizations"):
        return ()
    table = rules.table("organizations", "short_forms")
    pairs = [(short, str(full)) for short, full in table.items()]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def opens_with_level_word(name: str) -> bool:
    """Rule check (entities.yaml `level_words`)."""
    return level_of(name) is not None


@lru_cache(maxsize=NAME_CACHE)  # asked up to twice of each organization, and names recur
def is_national_name(name: str) -> bool:
    """Rule check (entities.yaml `national_openings`): a nation-wide body's name."""
    return any(p.search(name) for p in rules.patterns("entities", "national_openings"))
