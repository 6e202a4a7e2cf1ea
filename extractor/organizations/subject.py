"""The subject: who acts. Support per candidate from its mentions (mentions.py), from the
names that are the same body written another way (岱山县院 / 岱山县检察院) or its governing
body (黑虎庙镇党委 / 黑虎庙镇), from references back (学校, 我院), and from the organizers
a sentence lists (由A、B主办); an internal body stands for its parent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from typing import Final

import ahocorasick

from extractor import rules
from extractor.caches import NAME_CACHE
from extractor.document import Document
from extractor.organizations.mentions import (
    Candidate,
    article_text,
    is_outlet,
    named_weight,
    only_counted,
)
from extractor.organizations.places import merge_level_names, placed, short_name_support
from extractor.organizations.suffixes import (
    Endings,
    expand,
    generic_names,
    is_proper_name,
    names_in,
)


def subjects(doc: Document, candidates: dict[str, Candidate], text: str | None = None) -> list[str]:
    """The subject(s): the best-supported name, or every organizer a sentence lists (`text`:
    mentions.article_text, joined once an article for the searches of the whole)."""
    if not candidates:
        return []  # every subject is a candidate (a sixth of the bulk posts name none)
    if text is None:
        text = article_text(doc)
    hosted = _hosted(doc, candidates, text)
    if hosted:
        return hosted
    scores = _scores(doc, candidates)
    if not scores:
        return []
    if len(scores) == 1:
        (best_name,) = scores  # one name may act: what support it shares cannot change that
    else:
        shared = _shared(doc, candidates, scores, text)
        best_name = max(
            shared, key=lambda n: (shared[n], scores[n], candidates[n].in_title, len(n))
        )
    best = _named_form(_body_form(best_name, candidates), candidates)
    best = _parent_of_internal(best, candidates)
    return [best, *(n for n in _co_hosts(doc, best, candidates) if n != best)]


#: A name opening with a level (市中院, 区文旅局) is written for one body of that level.
LEVEL_OPENINGS: Final = frozenset("省市州县区旗镇乡")
#: How many characters the place before such a name may have (东岭 in 东岭市中院).
MAX_PLACE_PREFIX: Final = 6


def _named_form(name: str, candidates: dict[str, Candidate]) -> str:
    """The full name the text writes for a name opening with its level: 市中院 -> 东岭市中院,
    区文旅局 -> 青川区文化和旅游局 (its full form, with the place before it)."""
    if name[:1] not in LEVEL_OPENINGS:
        return name
    full = expand(name)
    named = [
        n
        for n in candidates
        if n != name
        and expand(n).endswith(full)
        and 0 <= len(expand(n)) - len(full) <= MAX_PLACE_PREFIX
        and is_proper_name(n)
    ]
    return max(named, key=lambda n: (len(n) - len(expand(n)) == 0, len(n))) if named else name


def _parent_of_internal(name: str, candidates: dict[str, Candidate]) -> str:
    """An internal body (校党委理论学习中心组) stands for its parent when the text names it."""
    bodies = _internal_bodies()
    if not name.endswith(bodies):
        return name  # one test of them all: most subjects are no internal body
    for body in bodies:
        if name.endswith(body) and len(name) > len(body):
            head = name[: -len(body)]
            parents = [n for n in candidates if n != name and len(n) >= 2 and head.startswith(n)]
            if parents and head in parents:
                return head
            break
    return name


@cache
def _internal_bodies() -> tuple[str, ...]:
    """organizations.yaml `internal_bodies`, longest first."""
    return tuple(sorted(rules.strings("organizations", "internal_bodies"), key=len, reverse=True))


def _co_hosts(doc: Document, subject: str, candidates: dict[str, Candidate]) -> list[str]:
    """Who called the meeting the subject attended: 泰兴市供电公司参加泰兴市政府组织召开的会议."""
    # No search of the whole article first: the paragraphs naming the subject are few, and
    # the pattern's lazy list made one search of all of them cost more than theirs.
    found: list[str] = []
    patterns = rules.patterns("organizations", "co_hosts")
    for text in doc.paragraphs:
        if subject not in text:
            continue  # the subject must stand right before the match
        for pattern in patterns:
            for match in pattern.finditer(text):
                if not text.endswith(subject, 0, match.start()):
                    continue
                found.extend(
                    text[s:e]
                    for s, e, _ in names_in(text)
                    if match.start("list") <= s
                    and e <= match.end("list")
                    and text[s:e] in candidates
                )
    return list(dict.fromkeys(found))


def _body_form(name: str, candidates: dict[str, Candidate]) -> str:
    """Of the ways the text writes the subject (岱山县检察院 in the title, 岱山县院 where it
    acts), the one the body supports most."""
    forms = [n for n in candidates if n == name or (n not in name and _same_or_part(n, name))]
    if len(forms) == 1:
        return name  # written one way only (most subjects): no support to compare

    def body(n: str) -> int:
        return sum(m.weight for m in candidates[n].mentions if m.span.where != "title")

    best = max(forms, key=lambda n: (body(n), n == name))
    return best if body(best) > body(name) else name


def subject_scores(
    doc: Document, candidates: dict[str, Candidate]
) -> tuple[dict[str, int], dict[str, int]]:
    """(support with related names and references, own support) of each possible subject."""
    scores = _scores(doc, candidates)
    if not scores:
        return {}, {}
    return _shared(doc, candidates, scores, article_text(doc)), scores


def _scores(doc: Document, candidates: dict[str, Candidate]) -> dict[str, int]:
    """Own support of each possible subject, a level name's (镇党委) and a kind word's (街道)
    moved to the place or name they stand for."""
    generic = generic_names()
    scores = _own_scores(doc, candidates, generic)
    if scores:
        merge_level_names(candidates, scores)
        _merge_generic_names(candidates, scores, generic)
    return scores


def _shared(
    doc: Document, candidates: dict[str, Candidate], scores: dict[str, int], text: str
) -> dict[str, int]:
    """`scores` with the support of related names, short names and references added (`text`:
    mentions.article_text)."""
    generic = generic_names()
    shared = dict(scores)
    for name, others in _related(candidates, scores):
        for other in others:
            if other != name and other not in generic:
                shared[name] += max(candidates[other].own, 0)
        shared[name] += short_name_support(doc, name, candidates[name], text)
        if placed(name, candidates[name]):
            shared[name] += named_weight("placed")
    # the scan for references is skipped when no name they could add to is there
    references = _references(doc, text) if any(map(_any_ending().search, scores)) else {}
    for ending, count in references.items():
        fits = _ending(ending).search
        fitting = [n for n in scores if fits(n)]
        if fitting:
            best = max(fitting, key=lambda n: shared[n])
            shared[best] += count
    return shared


def _own_scores(
    doc: Document, candidates: dict[str, Candidate], generic: frozenset[str]
) -> dict[str, int]:
    """Own support of each candidate that may act. A kind word (集团召开…会议) counts only
    opening the title, or acting where no name it can refer back to is there (学校 for 东坡二中)."""
    scores: dict[str, int] = {}
    acting_kinds: dict[str, int] = {}
    for name, cand in candidates.items():
        if not _may_act(doc, name, cand):
            continue
        if name in generic and not any(m.span.where == "title" and m.weight for m in cand.mentions):
            if any(m.acts for m in cand.mentions):
                acting_kinds[name] = cand.own
            continue
        scores[name] = cand.own
    for name, own in acting_kinds.items():
        if not any(_refers_to(name, other) for other in scores):
            scores[name] = own
    return scores


def _may_act(doc: Document, name: str, cand: Candidate) -> bool:
    """Whether a candidate can be the subject at all: no outlet, no internal body, no person's
    title, no kind counted (各二级公司), and some support of its own."""
    if cand.kind == "media" or cand.has_internal or cand.own <= 0:
        return False
    if is_outlet(name) or _is_title(name):
        return False
    return not only_counted(doc, cand)


def _refers_to(word: str, name: str) -> bool:
    """A bare kind word can stand for the name (学校 for 东坡二中, 街道 for 东风街道)."""
    if name.endswith(word):
        return True
    table = rules.table("organizations", "references")
    return any(word in words and _ending(ending).search(name) for ending, words in table.items())


@cache
def _ending(ending: str) -> re.Pattern[str]:
    """The names ending as a `references` key says (大学|学院|…)."""
    return re.compile(f"(?:{ending})$")


@cache
def _any_ending() -> re.Pattern[str]:
    """The names ending as some `references` key says."""
    return re.compile("|".join(f"(?:{ending})$" for ending in _reference_endings()))


def _is_title(name: str) -> bool:
    """A person's title (河北大学党委常委: a member of the standing committee), never who acts."""
    return name.endswith("常委") and not is_proper_name(name)


@lru_cache(maxsize=NAME_CACHE)
def _same_or_part(name: str, other: str) -> bool:
    """`other` is a body of `name` (黑虎庙镇党委 / 黑虎庙镇), or both are one name written two ways
    (岱山县院 / 岱山县检察院: same first and last characters, one a subsequence of the other)."""
    if other.startswith(name) and other[len(name) :] in _bodies():
        return True
    if expand(name) == expand(other):
        return True  # one body, written short and in full (区文旅局 / 区文化和旅游局)
    short, long = sorted((name, other), key=len)
    if len(short) < 4:
        return False
    return any(
        long.startswith(short[:k]) and long.endswith(short[k:]) for k in range(2, len(short))
    )


#: The shortest name `_same_or_part` takes as another's short way of writing (岱山县院).
MIN_SHORT_FORM: Final = 4
#: Characters a short form keeps of the long one's start, at least (岱山 of 岱山县检察院).
MIN_KEPT_START: Final = 2


def _written_short(long: str) -> Iterator[str]:
    """Every way `_same_or_part` lets a longer name be written short: a start of at least
    MIN_KEPT_START characters and a non-empty end, MIN_SHORT_FORM characters at least."""
    for size in range(MIN_SHORT_FORM, len(long)):
        for k in range(MIN_KEPT_START, size):
            yield long[:k] + long[len(long) - (size - k) :]


def _is_written_short(short: str, long: str) -> bool:
    """`short` is one of `_written_short(long)`, tested without listing them all."""
    return MIN_SHORT_FORM <= len(short) < len(long) and any(
        long.startswith(short[:k]) and long.endswith(short[k:])
        for k in range(MIN_KEPT_START, len(short))
    )


def _ends(name: str) -> tuple[str, str]:
    """What a name shares with every way of writing it short: its first MIN_KEPT_START
    characters and its last one."""
    return name[:MIN_KEPT_START], name[-1:]


def _written_short_among(long: str, fitting: set[str]) -> set[str]:
    """The names of `fitting` (all with the `_ends` of `long`) that write `long` short.

    Testing each costs one check a name; listing every short form of `long` costs its length
    squared: whichever is fewer is done, so an article naming thousands of bodies stays linear.
    """
    if len(fitting) <= len(long) ** 2:
        return {short for short in fitting if _is_written_short(short, long)}
    return fitting.intersection(_written_short(long))


#: Up to this many (candidate, possible subject) pairs, each pair is tested: building the
#: indexes of `_Related` costs more than that many cached tests (most articles have a few
#: candidates; the indexes keep an article naming thousands linear).
MAX_PAIRS_TESTED: Final = 64


def _related(
    candidates: Iterable[str], asked: dict[str, int]
) -> Iterator[tuple[str, Iterable[str]]]:
    """Each name asked about with every candidate `_same_or_part` relates to it."""
    names = list(candidates)
    if len(names) * len(asked) <= MAX_PAIRS_TESTED:
        for name in asked:
            yield name, [o for o in names if o != name and _same_or_part(name, o)]
    else:
        related = _Related(names, asked)
        for name in asked:
            yield name, related.of(name)


class _Related:
    """The candidates `_same_or_part` relates to each name asked about, found by lookups, not
    by trying every pair (an article naming thousands of bodies stays linear)."""

    def __init__(self, names: Iterable[str], asked: Iterable[str]) -> None:
        self.names = set(names)
        self.by_expanded: dict[str, set[str]] = {}
        self.by_ends: dict[tuple[str, str], set[str]] = {}
        #: name -> the candidates that are one of its bodies (黑虎庙镇 -> 黑虎庙镇党委)
        self.bodies: dict[str, set[str]] = {}
        for name in self.names:
            expanded, ends, heads = _related_keys(name)
            self.by_expanded.setdefault(expanded, set()).add(name)
            self.by_ends.setdefault(ends, set()).add(name)
            for head in heads:
                self.bodies.setdefault(head, set()).add(name)
        # the longer names each asked name writes short (岱山县院 for 岱山县检察院)
        asked_by_ends: dict[tuple[str, str], set[str]] = {}
        for name in asked:
            asked_by_ends.setdefault(_ends(name), set()).add(name)
        self.longer: dict[str, set[str]] = {}
        for ends, group in self.by_ends.items():
            fitting = asked_by_ends.get(ends)
            if not fitting or len(group) == 1:
                continue  # most names share their ends with no other, and none writes itself
            for long in group:
                for short in _written_short_among(long, fitting):
                    self.longer.setdefault(short, set()).add(long)

    def of(self, name: str) -> set[str]:
        """Every `other` with `_same_or_part(name, other)` (`name` one of those asked about)."""
        expanded, ends, _ = _related_keys(name)
        found = set(self.bodies.get(name, ()))
        found |= self.by_expanded.get(expanded, set())
        found |= self.longer.get(name, set())  # name is the short way of writing other
        fitting = self.by_ends.get(ends)
        if fitting and fitting != {name}:
            found |= _written_short_among(name, fitting)
        found.discard(name)
        return found


@lru_cache(maxsize=16_384)  # every candidate of an article is asked, and names recur
def _related_keys(name: str) -> tuple[str, tuple[str, str], tuple[str, ...]]:
    """What `_Related` files a name under: its full form, its `_ends`, and the names it is a
    body of (黑虎庙镇 for 黑虎庙镇党委)."""
    heads = tuple(name[: -len(body)] for body in _body_endings().of(name))
    return expand(name), _ends(name), heads


@cache
def _bodies() -> frozenset[str]:
    return frozenset(rules.strings("organizations", "bodies"))


@cache
def _body_endings() -> Endings:
    return Endings(rules.strings("organizations", "bodies"))


def _merge_generic_names(
    candidates: dict[str, Candidate], scores: dict[str, int], generic: frozenset[str]
) -> None:
    """A bare 街道 opening the title stands for the 东风街道 the text names: support goes there."""
    for name in [n for n in scores if n in generic]:
        named = [n for n in candidates if n != name and n.endswith(name) and n not in generic]
        if named:
            best = max(named, key=lambda n: (candidates[n].own, len(n)))
            scores[best] = scores.get(best, 0) + scores.pop(name)


def _references(doc: Document, text: str | None = None) -> dict[str, int]:
    """How often words such as 学校/我院 refer back, keyed by the name endings they fit.

    One Aho-Corasick pass over the article finds every reference word, instead of a scan of
    the text per word. A word such as 我院 counts anywhere; a bare 学校 only where it opens a
    clause, i.e. after no CJK character (what `_reference_words` patterns say). The words
    cannot overlap themselves (`_reference_automaton` checks), so every occurrence is one
    more of text.count / findall.
    """
    if text is None:  # the article's texts joined (mentions.article_text)
        text = article_text(doc)
    counts: dict[str, int] = {}  # (not a Counter: its missing key is a Python call)
    for last, (size, uses) in _reference_automaton().iter(text):
        start = last - size + 1
        after_cjk = start > 0 and CJK_FIRST <= text[start - 1] <= CJK_LAST
        for ending, anywhere in uses:
            if anywhere or not after_cjk:
                counts[ending] = counts.get(ending, 0) + 1
    # in the table's order: the support each ending adds decides where the next one goes
    return {ending: counts[ending] for ending in _reference_endings() if ending in counts}


@cache
def _reference_endings() -> tuple[str, ...]:
    return tuple(dict.fromkeys(ending for ending, _, _ in _reference_words()))


#: The CJK range the reference patterns take as "inside a name" (\u4e00-\u9fff).
CJK_FIRST, CJK_LAST = "\u4e00", "\u9fff"


@cache
def _reference_automaton() -> ahocorasick.Automaton:
    """Every reference word -> (its length, [(ending, counted anywhere)])."""
    uses: dict[str, list[tuple[str, bool]]] = {}
    for ending, word, pattern in _reference_words():
        if any(word[:k] == word[-k:] for k in range(1, len(word))):
            raise rules.RuleError(f"organizations.yaml: references: {word!r} overlaps itself")
        uses.setdefault(word, []).append((ending, pattern is None))
    automaton = ahocorasick.Automaton()
    for word, found in uses.items():
        automaton.add_word(word, (len(word), found))
    automaton.make_automaton()
    return automaton


@cache
def _reference_words() -> tuple[tuple[str, str, re.Pattern[str] | None], ...]:
    """(ending, word, pattern): words such as 我院 are counted anywhere; a bare 学校/医院
    refers back only when it opens a clause, not inside a name (the pattern says where)."""
    table = rules.table("organizations", "references")
    found = []
    for ending, words in table.items():
        for word in words:
            pattern = None
            if word[0] not in "我该本":
                source = rf"(?:^|(?<=[^\u4e00-\u9fff])){re.escape(word)}"
                pattern = re.compile(source, re.MULTILINE)
            found.append((str(ending), str(word), pattern))
    return tuple(found)


def _hosted(
    doc: Document, candidates: dict[str, Candidate], article: str | None = None
) -> list[str]:
    """Every organization in `由A、B和C主办` (`article`: mentions.article_text)."""
    if not _in_some_paragraph(doc, "hosted_by", article):
        return []  # most articles name no organizers
    patterns = rules.patterns("organizations", "hosted_by")
    for text in doc.paragraphs:
        for pattern in patterns:
            for match in pattern.finditer(text):
                listed = [
                    text[s:e]
                    for s, e, _ in names_in(text)
                    if match.start("list") <= s and e <= match.end("list")
                ]
                names = [
                    n
                    for n in listed
                    if n in candidates and not any(n in o and n != o for o in listed)
                ]
                if len(names) >= 1:
                    return list(dict.fromkeys(names))
    return []


def _in_some_paragraph(doc: Document, group: str, joined: str | None = None) -> bool:
    """Whether a pattern of the group may match in some paragraph: one search of them all
    joined by line breaks (most articles have no match, and skip the search of each).

    `joined` may be the title and the paragraphs joined (mentions.article_text, joined once an
    article): a match in the title too only means that the paragraphs are searched.
    """
    patterns = _anywhere(group)
    if patterns is None:
        return True
    if joined is None:
        joined = "\n".join(doc.paragraphs)
    return any(p.search(joined) for p in patterns)


#: Forms that look at the text beyond a match or at its very ends: across a line break they
#: may fail where they hold at the end of one paragraph, so a pattern using one is not
#: searched in the joined paragraphs.
EDGE_FORMS: Final = ("\\A", "\\Z", "(?<", "(?=", "(?!")


@cache
def _anywhere(group: str) -> tuple[re.Pattern[str], ...] | None:
    """The group's patterns for one search of all paragraphs joined by line breaks: with ^
    and $ at each line, each finds at least what it finds in some paragraph (None when a
    pattern looks beyond its match, see EDGE_FORMS)."""
    patterns = rules.patterns("organizations", group)
    if any(form in p.pattern for p in patterns for form in EDGE_FORMS):
        return None
    return tuple(re.compile(p.pattern, p.flags | re.MULTILINE) for p in patterns)


def refers_back(text: str) -> bool:
    """The text holds a word referring back to the subject (该校, 我院, a bare 学校 opening a
    clause)."""
    for _, word, pattern in _reference_words():
        if word in text and (pattern is None or pattern.search(text)):
            return True
    return False
