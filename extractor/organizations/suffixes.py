"""Organization names by their suffix: one regular expression (a trie of them) finds every suffix
(rules/organizations.yaml: 学院, 厅, 局, 党委 …), and a name reaches left from it up to a stop
word, cut at the first place name inside it (踏入温州市… -> 温州市…).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from typing import Final, cast, get_args

from extractor import regions, rules
from extractor.caches import NAME_CACHE
from schemas import OrgKind

#: How far a name reaches left of its suffix.
MAX_NAME: Final = 18

BOOK_TITLE: Final = re.compile(r"《[^》]*》")

#: Joins an article's texts so that each scan runs once over them all. No rule word holds it
#: and it is no CJK character, so no suffix, context, stop word or place reaches across it
#: (`_suffix_pattern` checks the contexts, the only rule words looked up beside a text's end).
SEPARATOR: Final = "\n"

#: `BOOK_TITLE` within one of the joined texts.
BOOK_TITLE_IN_TEXT: Final = re.compile(f"《[^》{SEPARATOR}]*》")


@cache
def suffix_kinds() -> dict[str, OrgKind]:
    """Every suffix and the kind it gives, in the order of the table (specific first)."""
    table = rules.table("organizations", "suffixes")
    kinds: dict[str, OrgKind] = {}
    for kind, words in table.items():
        if kind not in get_args(OrgKind) or not isinstance(words, list) or not words:
            raise rules.RuleError(f"organizations.yaml: suffixes: bad kind or empty {kind!r}")
        for word in words:
            kinds.setdefault(str(word), cast(OrgKind, kind))
    return kinds


@cache
def _contexts() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(after, not_before): a suffix counts only right after one of `after[suffix]`, and only
    when none of `not_before[suffix]` follows it (县院 is a procuratorate, 一中学 no 一中)."""
    table = rules.table("organizations", "suffix_contexts")
    after = {str(k): frozenset(map(str, v)) for k, v in table.get("after", {}).items()}
    not_before = {str(k): frozenset(map(str, v)) for k, v in table.get("not_before", {}).items()}
    return after, not_before


# A plain class with slots, not a dataclass: a fresh process makes it in a few us, not 0.3 ms
# (it is made, read and changed, never compared or printed).
class _Node:
    """A node of the trie of suffixes: a child per next character, and the word ending here."""

    __slots__ = ("children", "word")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.word: str | None = None


@cache
def _suffix_pattern() -> re.Pattern[str]:
    """Every suffix in its context as one regular expression, its words sharing their first
    characters as in a trie: at each position the longest suffix that fits wins, as
    `suffix_spans` says, and the engine skips in C to the characters some suffix opens with
    (per article 1.29x as fast on the bulk corpus, 1.14x on the real posts, as an
    Aho-Corasick pass with the context checked per hit; compiled once, in about 2 ms)."""
    after, not_before = _contexts()
    if any(SEPARATOR in chars for chars in (*after.values(), *not_before.values())):
        raise rules.RuleError("organizations.yaml: suffix_contexts: a line break as context")
    root = _Node()
    for word in suffix_kinds():
        node = root
        for ch in word:
            node = node.children.setdefault(ch, _Node())
        node.word = word
    return re.compile(_trie_source(root, after, not_before))


def _trie_source(
    node: _Node, after: dict[str, frozenset[str]], not_before: dict[str, frozenset[str]]
) -> str:
    """The alternatives below a trie node, longer words first: a word ending at the node is
    tried last, with its context as look-arounds (县院: 院 right after 县/市/区)."""
    branches = [
        re.escape(ch) + _trie_source(child, after, not_before)
        for ch, child in sorted(node.children.items())
    ]
    inner = "|".join(branches)
    if node.word is None:
        return f"(?:{inner})" if len(branches) > 1 else inner
    word, check = node.word, ""
    if word in after:
        check += f"(?<=[{''.join(map(re.escape, sorted(after[word])))}]{re.escape(word)})"
    if word in not_before:
        check += f"(?![{''.join(map(re.escape, sorted(not_before[word])))}])"
    return f"(?:{inner}|{check})" if branches else check


def _fits(text: str, word: str, start: int, end: int) -> bool:
    after, not_before = _contexts()
    before = after.get(word)
    if before is not None and (start == 0 or text[start - 1] not in before):
        return False
    blocked = not_before.get(word)
    return blocked is None or end >= len(text) or text[end] not in blocked


def suffix_spans(text: str) -> list[tuple[int, int]]:
    """Suffixes in the text, left to right, not overlapping, the longest at each start: of
    the suffixes that fit their context, the leftmost wins, and the longest at that start."""
    return [match.span() for match in _suffix_pattern().finditer(text)]


class Endings:
    """Which of some words a name ends with, in the words' own order.

    A name is looked up by its last characters, one slice per word length, instead of trying
    every word with `endswith` (the tables hold over a hundred suffixes; a name ends in two
    or three of them at most).
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.order = {word: i for i, word in enumerate(dict.fromkeys(words))}
        self.sizes = sorted({len(word) for word in self.order})
        #: The words' last characters: most names asked end in none of them (a body's 党委
        #: ends in 委, a short form's 文旅局 in 局), and then need no slice at all.
        self.last = frozenset(word[-1] for word in self.order if word)

    def of(self, name: str) -> list[str]:
        """The words `name` ends with, in the order they were given."""
        if name[-1:] not in self.last:
            return []
        found = [name[-n:] for n in self.sizes if n <= len(name) and name[-n:] in self.order]
        if len(found) > 1:
            found.sort(key=self.order.__getitem__)
        return found


class Openings:
    """Whether a text holds one of some words at a position: `text.startswith(words, at)`.

    Only the words opening with the character there are tried: `startswith` with a tuple
    tries every word in turn (0.3-0.6 us for the tables of a few dozen words asked of every
    suffix and mention), a look-up by the first character costs a slice and a dict get, and
    at most positions no word opens with that character.
    """

    __slots__ = ("by_first",)

    def __init__(self, words: Iterable[str]) -> None:
        by_first: dict[str, list[str]] = {}
        for word in dict.fromkeys(words):
            if not word:  # "" opens every text: no table of first characters can say so
                raise rules.RuleError("an empty word among words looked for at a position")
            by_first.setdefault(word[0], []).append(word)
        self.by_first = {first: tuple(found) for first, found in by_first.items()}

    def at(self, text: str, at: int) -> bool:
        """`text.startswith(words, at)` for a position 0 <= at (past the end: False).

        (The loops asked for every suffix or mention do the same with `by_first.get` bound
        once: a method call costs as much as the look-up.)"""
        words = self.by_first.get(text[at : at + 1])
        return words is not None and text.startswith(words, at)


@cache
def _suffix_endings() -> Endings:
    return Endings(suffix_kinds())


@lru_cache(maxsize=NAME_CACHE)
def kind_of(name: str) -> OrgKind:
    """The kind a name's suffix gives (specific suffixes first)."""
    kinds = suffix_kinds()
    for word in _suffix_endings().of(name):
        if _fits(name, word, len(name) - len(word), len(name)):
            return kinds[word]
    return "government" if regions.table().by_name.get(name) else "other"


#: A stop word counts when it ends where the name would start and fits in this many
#: characters before it.
STOP_WINDOW: Final = 6


@cache
def _stop_sizes() -> dict[int, tuple[int, ...]]:
    """Last character of a left stop (its code point) -> the lengths of the stops ending in
    it, longest first: "does a stop end here?" is then a few slices looked up in a set, not a
    regular expression of all 225 stops tried at each character. Keyed by code point: the
    walk of `_left_edge` reads code points, without a string made for each character."""
    sizes: dict[int, set[int]] = {}
    for word in _stops():
        if len(word) <= STOP_WINDOW:
            sizes.setdefault(ord(word[-1]), set()).add(len(word))
    return {code: tuple(sorted(found, reverse=True)) for code, found in sizes.items()}


@cache
def _stop_set() -> frozenset[str]:
    return frozenset(_stops())


def _stops() -> tuple[str, ...]:
    """Left stops and person titles: a name never reaches left across either."""
    return rules.strings("organizations", "left_stops") + rules.strings(
        "organizations", "person_titles"
    )


@cache
def _not_endings() -> tuple[str, ...]:
    return rules.strings("organizations", "not_org_endings")


#: A name found in a text: (start, end, kind).
Name = tuple[int, int, OrgKind]


def names_in(text: str) -> list[Name]:
    """Spans of organization names in a text, with their kind (names in 《》 are skipped)."""
    return _names_at(text, suffix_spans(text), BOOK_TITLE)


def names_by_text(texts: Sequence[str]) -> dict[int, list[Name]]:
    """`names_in` of each text that names some, by its index, found in one scan of them all
    joined by SEPARATOR.

    An article has a few names in a handful of its texts: one scan of the whole saves the
    set-up of one per text (most of them name nobody).
    """
    joined = SEPARATOR.join(texts)
    if joined.count(SEPARATOR) != len(texts) - 1:  # some text holds the separator
        alone = {i: names_in(text) for i, text in enumerate(texts)}
        return {i: names for i, names in alone.items() if names}
    found: dict[int, list[Name]] = {}
    names = names_in_joined(joined)
    if names:
        starts = regions.text_starts(texts)
        for start, end, kind in names:
            i = bisect_right(starts, start) - 1
            found.setdefault(i, []).append((start - starts[i], end - starts[i], kind))
    return found


def names_in_joined(joined: str) -> list[Name]:
    """The names of texts joined by SEPARATOR (none of which holds it), at their positions in
    the joined text (`names_by_text` gives them per text)."""
    return _names_at(joined, suffix_spans(joined), BOOK_TITLE_IN_TEXT)


def _names_at(text: str, spans: list[tuple[int, int]], books_in: re.Pattern[str]) -> list[Name]:
    """The names of the suffixes `spans` of the text (`books_in`: how book titles are found),
    as a list (not a generator: a resumption per name cost more than the list)."""
    found: list[Name] = []
    if not spans:
        return found
    # Book titles do not overlap: the last one starting at or before a position is the only
    # one that can hold it (found by bisection, not by trying every title).
    books = [m.span() for m in books_in.finditer(text)] if "《" in text else []
    book_starts = [s for s, _ in books]
    # the words opening at a position, by its character (Openings.at, written out)
    not_after, not_before = _not_after().by_first.get, _not_before_name()
    stops, stop_sizes = _stop_set(), _stop_sizes()  # for `_left_edge`, looked up once here
    for suffix_start, end in spans:
        if books:
            i = bisect_right(book_starts, suffix_start) - 1
            if i >= 0 and suffix_start < books[i][1]:
                continue
        after = not_after(text[end - 1 : end])  # (a suffix's last character: most start none)
        if after is not None and text.startswith(after, end - 1):
            continue
        if text.startswith(not_before, end):  # (a word or two: tried as they are)
            continue
        left = _left_edge(text, suffix_start, end, stops, stop_sizes)
        cut = _name_in(text[left:end], end - suffix_start)
        if cut is not None:  # a generic name (学院) is kept for titles
            found.append((left + cut[0], end, cut[1]))
    return found


#: Distinct stretches `_name_in` keeps the answer for (a name with the words before it up to
#: a stop: on the bulk corpus most recur, the verb before a place name varies little).
NAME_IN_CACHE: Final = 16384


@lru_cache(maxsize=NAME_IN_CACHE)
def _name_in(stretch: str, suffix_size: int) -> tuple[int, OrgKind] | None:
    """The name a stretch from its left edge to the end of its suffix (the last `suffix_size`
    characters) holds: (where it starts in the stretch, its kind), or None when it is none.

    Everything decided here depends on the stretch alone: one cached call a suffix found
    instead of the place lookup, the endings and the kind asked one by one.
    """
    suffix_start = len(stretch) - suffix_size
    start = _anchor(stretch, 0, suffix_start)
    name = stretch[start:]
    if name.endswith(_not_endings()) or (suffix_size == 1 and len(name) < 3):
        return None
    suffix = stretch[suffix_start:]
    if suffix in _checked_suffixes() and (
        not _province_office(name, suffix) or not _placed_village(name, suffix)
    ):
        return None
    return start, kind_of(name)


@cache
def _checked_suffixes() -> frozenset[str]:
    """The suffixes `_province_office` or `_placed_village` may refuse a name for (厅, 村 …):
    the other names skip both calls."""
    return _province_offices()[0] | _village_suffixes()


@cache
def _not_after() -> Openings:
    return Openings(rules.strings("organizations", "not_after_suffix"))


@cache
def _not_before_name() -> tuple[str, ...]:
    return rules.strings("organizations", "not_before_name")


@lru_cache(maxsize=NAME_CACHE)  # asked of each name kept, and names recur
def is_proper_name(name: str) -> bool:
    """False for a description that a mentioned name must not be (星级供电所, 省委常委)."""
    return not any(p.search(name) for p in rules.patterns("organizations", "not_proper_names"))


#: The shortest name of a division looked for in text (regions.Table.by_full_name).
MIN_PLACE_NAME: Final = 2


def _anchor(text: str, start: int, suffix: int) -> int:
    """Cut a verb off the name's left: start at the first place name inside it (踏入温州市…),
    or at a nation-wide group's short name right before that place (国网江川县供电公司)."""
    if suffix - start < MIN_PLACE_NAME:
        return start  # no place's name fits before the suffix
    for place_start, _, _ in regions.places_in_name(text[start:suffix]):
        head = text[start : start + place_start]
        groups, group = _group_prefixes(), None
        if head.endswith(groups):  # one test of them all first: most places follow none
            group = next(g for g in groups if head.endswith(g))
        return start + place_start - (len(group) if group else 0)
    return start


@cache
def _group_prefixes() -> tuple[str, ...]:
    return tuple(sorted(rules.strings("organizations", "group_prefixes"), key=len, reverse=True))


def keeps_group_prefix(text: str) -> bool:
    """Rule check (organizations.yaml `group_prefixes`): a name in the text opens with one."""
    return any(text[s:e].startswith(_group_prefixes()) for s, e, _ in names_in(text))


def _left_edge(
    text: str, start: int, end: int, stops: frozenset[str], stop_sizes: dict[int, tuple[int, ...]]
) -> int:
    """Where the name ending in the suffix text[start:end] starts: after the nearest stop word
    to its left (参与省教育厅 -> 省教育厅), but not at a 和 inside the name (区文化和旅游局).
    `stops`, `stop_sizes`: `_stop_set()` and `_stop_sizes()`, looked up once by the caller."""
    pos = start
    while pos > 0 and start - pos < MAX_NAME:
        # code points, not characters: compiled, `ord(text[i])` reads one without making a
        # string, and compares as a number (names.is_cjk written out, in code points)
        code = ord(text[pos - 1])
        if not (CJK_FIRST <= code <= CJK_LAST or CJK_A_FIRST <= code <= CJK_A_LAST):
            break
        if code == JOIN_CODE:
            if not _joined(text, pos - 1, start, end):
                break
        else:
            sizes = stop_sizes.get(code)
            if sizes is not None:  # a loop, not any(…): a generator per character cost more
                for size in sizes:
                    if size <= pos and text[pos - size : pos] in stops:
                        return pos  # a stop word ends right here
        pos -= 1
    return pos


#: The CJK unified ideographs and their extension A, as code points (names.is_cjk).
CJK_FIRST: Final = 0x4E00
CJK_LAST: Final = 0x9FFF
CJK_A_FIRST: Final = 0x3400
CJK_A_LAST: Final = 0x4DBF


#: The conjunction that may stand inside a name (rules/organizations.yaml: short_forms).
JOIN: Final = "和"
JOIN_CODE: Final = ord(JOIN)


@cache
def short_forms() -> dict[str, str]:
    """{short form: full form} of government bodies (文旅局: 文化和旅游局)."""
    table = rules.table("organizations", "short_forms")
    return {str(k): str(v) for k, v in table.items()}


@cache
def _joined_fields() -> dict[int, frozenset[str]]:
    """The full forms holding 和 (up to their suffix), by the index of the first 和 in them."""
    found: dict[int, set[str]] = {}
    for full in short_forms().values():
        if JOIN in full:
            found.setdefault(full.index(JOIN), set()).add(full)
    return {k: frozenset(fulls) for k, fulls in sorted(found.items())}


def _joined(text: str, at: int, suffix_start: int, suffix_end: int) -> bool:
    """和 at `at` is inside a full form (文化和旅游局), not between two names (市政府和市纪委).

    A full form with its 和 at index k would be text[at - k : suffix_end]: one slice looked up
    per index, not a test of every full form."""
    for k, fulls in _joined_fields().items():
        if at >= k and text[at - k : suffix_end] in fulls:
            return True
    return False


@cache
def _short_endings() -> Endings:
    return Endings(short_forms())


@lru_cache(maxsize=NAME_CACHE)  # asked about each candidate several times, and names recur
def expand(name: str) -> str:
    """The full form of a name written short (区文旅局 -> 区文化和旅游局); else the name."""
    forms = short_forms()
    for short in _short_endings().of(name):
        if not name.endswith(forms[short]):
            return name[: -len(short)] + forms[short]
    return name


def _placed_village(name: str, suffix: str) -> bool:
    """A village name needs the town or county it lies in before it (三都镇青石村)."""
    if suffix not in _village_suffixes():
        return True
    head = name[: -len(suffix)]
    found = regions.places_in_name(head)
    if not found or found[0][0] != 0:
        return False
    own = head[found[-1][1] :]  # the village's own name: one 村, two characters at least
    if suffix != "村":
        own = own.removesuffix("村")  # 青石村村委会: the committee of 青石村
    return len(own) >= MIN_VILLAGE_NAME and "村" not in own and not own.endswith(("乡", "农"))


@cache
def _village_suffixes() -> frozenset[str]:
    return frozenset(rules.strings("organizations", "village_suffixes"))


#: A village's own name has at least this many characters (青石 in 三都镇青石村).
MIN_VILLAGE_NAME: Final = 2


@cache
def _province_offices() -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """(suffixes, endings always kept, openings) of organizations.yaml `province_offices`."""
    table = rules.table("organizations", "province_offices")
    return frozenset(table["suffixes"]), tuple(table["always"]), tuple(table["openings"])


def _province_office(name: str, suffix: str) -> bool:
    """False for a hall (报告厅, 多功能厅): 厅 names a provincial office only."""
    suffixes, always, openings = _province_offices()
    if suffix not in suffixes or name.endswith(always):
        return True
    if name.startswith(openings):
        return True
    # a province's full or short name opening it (河南省财政厅, 湖北住建厅)
    by_name = regions.table().by_name
    return any(
        any(p.level == 0 for p in by_name.get(name[:size], ()))
        for size in range(2, min(len(name), PROVINCE_NAME) + 1)
    )


#: The longest name of a province (内蒙古自治区, 广西壮族自治区…).
PROVINCE_NAME: Final = 8


# --- checks of the rule groups' examples (tests/test_rule_examples.py) ---------------------


def ends_in_a_name(text: str) -> bool:
    """Some organization name ends the text (东岭县教育局; not 良好局面)."""
    return any(end == len(text) for _, end, _ in names_in(text))


def starts_after_a_stop(text: str) -> bool:
    """The name ending the text starts after a stop word (参与东岭县教育局 -> 东岭县教育局)."""
    return any(end == len(text) and start > 0 for start, end, _ in names_in(text))


def is_generic(name: str) -> bool:
    """A bare kind word (学校, 街办), no name of its own."""
    return name in generic_names()


@cache
def generic_names() -> frozenset[str]:
    """The bare kind words of organizations.yaml `generic_names`."""
    return frozenset(rules.strings("organizations", "generic_names"))


def is_short_form(name: str) -> bool:
    """The name is written with a short form (区文旅局)."""
    return expand(name) != name


def is_description(name: str) -> bool:
    """A description, not a proper name (省委常委, 发改委网站)."""
    return not is_proper_name(name)
