"""Mentions: every occurrence of an organization name or an acting place, with what it tells
about the subject (opening the title or the lead, acting in a measure sentence, crediting
the text); all mentions of one name make a candidate.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from functools import cache, lru_cache, partial
from operator import itemgetter
from typing import Final, cast

from extractor import regions, rules
from extractor.caches import NAME_CACHE
from extractor.document import Document, Span
from extractor.names import is_cjk
from extractor.needles import PatternGroup, may_match, pattern_group
from extractor.organizations.suffixes import (
    SEPARATOR,
    Name,
    Openings,
    kind_of,
    names_by_text,
    names_in_joined,
)
from schemas import MeasureGroup, OrgKind, Where

#: A lead paragraph has at least this many characters (shorter ones are metadata lines).
MIN_LEAD: Final = 30

#: A name opening with these is a reference back (该校, 该村委), counted by _references
#: (我院党委 stays: the gold takes it as the generic form of the actor).
REFERENCE_PREFIXES: Final = frozenset("该")

#: Characters that end a clause: an internal-body marker counts only within the clause.
CLAUSE_END: Final = re.compile("[，,。；;：:]")


@cache
def named_weight(name: str) -> int:
    """A named weight of the subject's support (rules/organizations.yaml: weights)."""
    value = rules.table("organizations", "weights").get(name)
    if not isinstance(value, int):
        raise rules.RuleError(f"organizations.yaml: weights: no integer {name!r}")
    return value


def is_weight(name: str) -> bool:
    """A weight the rules name (the check of the `weights` group)."""
    return isinstance(rules.table("organizations", "weights").get(name.strip()), int)


#: Span(*fields) built in C: `tuple.__new__` bound to the class takes the four fields as they
#: are (the generated __new__ would only pass them on, in a Python call), as
#: regions.places_of builds its places.
new_span = cast(
    "Callable[[tuple[Where, int | None, int, int]], Span]", partial(tuple.__new__, Span)
)


# A plain class with slots, not a dataclass: a fresh process makes it in a few us, not 0.3 ms
# (it is made, read and changed, never compared or printed).
class Mention:
    """One occurrence of a name: where, and what it tells about the subject."""

    __slots__ = ("acts", "internal", "issues", "kind", "name", "opens", "place", "span", "weight")

    def __init__(  # noqa: PLR0917 - the fields in order: `mentions_in` passes them so
        self,
        name: str,
        kind: OrgKind,
        span: Span,
        place: bool = False,
        weight: int = 1,
        internal: bool = False,
        acts: bool = False,
        issues: bool = False,
        opens: bool = False,
    ) -> None:
        self.name = name
        self.kind = kind
        self.span = span
        self.place = place
        self.weight = weight
        self.internal = internal
        self.acts = acts
        #: it issues a document (印发《…》): cited, when another name then acts on it
        self.issues = issues
        #: it opens a clause (after a comma, a full stop, a colon)
        self.opens = opens


@cache
def _person_titles() -> tuple[str, ...]:
    return rules.strings("organizations", "person_titles")


@cache
def _issuing() -> re.Pattern[str]:
    return rules.pattern("organizations", "issuing")


# A plain class with slots, not a dataclass: a fresh process makes it in a few us, not 0.3 ms
# (it is made, read and changed, never compared or printed).
class Candidate:
    """All mentions of one name."""

    __slots__ = (
        "counted",
        "first",
        "has_internal",
        "has_place",
        "idle_place",
        "in_title",
        "kind",
        "mentions",
        "name",
        "own",
        "seen",
    )

    def __init__(self, name: str, kind: OrgKind) -> None:
        self.name = name
        self.kind = kind
        self.mentions: list[Mention] = []
        #: The span of each mention: a mention is added once, found by its span.
        self.seen: set[Span] = set()
        #: Some mention is of a place acting (kept as mentions are added: asked about often).
        self.has_place = False
        #: Some mention is of an internal body the subject sets up (kept likewise).
        self.has_internal = False
        #: Some mention in the title supports it (kept likewise).
        self.in_title = False
        #: Every mention is of a place that does not act (kept likewise).
        self.idle_place = True
        #: Support from its own mentions: their weights summed as they are added (a mention's
        #: weight is final by then, see `candidates`), not summed again at each of the many
        #: asks.
        self.own = 0
        #: `only_counted`, once known (asked of a candidate by both the subject and the filter).
        self.counted: bool | None = None
        #: Where its first mention stands, (paragraph, start), -1 for the title: the order of
        #: the record's names (kept when that mention is added, not looked up to sort).
        self.first = (-1, 0)


#: What one text names: its organization names (suffixes.names_in) and places
#: (regions.places_in).
Named = tuple[list[Name], regions.Places]


def article_text(doc: Document) -> str:
    """The title and the paragraphs joined by line breaks (SEPARATOR): what `scan` scans, and
    what the subject's stages search or count in, joined once an article."""
    return SEPARATOR.join([doc.title, *doc.paragraphs] if doc.title else doc.paragraphs)


def scan(doc: Document, joined: str | None = None) -> dict[int | None, Named]:
    """The names and places of each text that names some, by paragraph index (None for the
    title), in the order of the texts: one scan of the whole article for each (most texts
    name nobody), both mapped back to their texts in one pass (`joined`: `article_text`)."""
    texts = [doc.title, *doc.paragraphs] if doc.title else doc.paragraphs
    first = 1 if doc.title else 0  # the index of the first paragraph among the texts
    if joined is None:
        joined = SEPARATOR.join(texts)
    if joined.count(SEPARATOR) != len(texts) - 1:  # some text holds the separator: each alone
        names, places = names_by_text(texts), regions.places_by_text(texts)
        return {
            (i - first if i >= first else None): (names.get(i, []), places.get(i, ()))
            for i in sorted(names.keys() | places.keys())
        }
    # the joined texts scanned once for each, then each find moved to its text (one map back,
    # not one for the names, one for the places and a third joining the two)
    found_names, found_places = names_in_joined(joined), regions.places_in(joined)
    if not found_names and not found_places:
        return {}
    starts = regions.text_starts(texts)
    by_text: dict[int, tuple[list[Name], list[regions.PlaceFound]]] = {}
    for start, end, kind in found_names:
        i = bisect_right(starts, start) - 1
        if i not in by_text:
            by_text[i] = ([], [])
        by_text[i][0].append((start - starts[i], end - starts[i], kind))
    for start, end, named in found_places:
        i = bisect_right(starts, start) - 1
        if i not in by_text:
            by_text[i] = ([], [])
        by_text[i][1].append((start - starts[i], end - starts[i], named))
    return {
        (i - first if i >= first else None): (names, tuple(places))
        for i, (names, places) in sorted(by_text.items(), key=itemgetter(0))
    }


def candidates(
    doc: Document, named: dict[int | None, Named], article: str | None = None
) -> dict[str, Candidate]:
    """Every name and acting place of the article, with its mentions (`named`: `scan(doc)`,
    `article`: `article_text(doc)`)."""
    # Each mention's weight is settled before `_add` takes it (Candidate.own sums them there).
    found: dict[str, Candidate] = {}
    # Decided once an article, not once a text: whether some text may set up an internal body
    # (one search of the whole; most articles set none up), and the closing credits' precheck.
    markers = article is None or _any_marker().search(article) is not None
    credit_needles = _credit_tail().needles
    # the paragraphs holding a measure, found when a mention first acts (most never do)
    measure_paragraphs: set[int] | None = None
    lead = next(
        (i for i, p in enumerate(doc.paragraphs) if len(p) >= MIN_LEAD and not _is_meta(p)), None
    )
    if None in named:
        title = doc.title or ""
        names, places = named[None]  # (not *named[None]: a starred call is a Python call)
        for mention in _mentions_in(title, None, names, places, title=True, markers=markers):
            _add(found, mention)
    measure, lead_first = named_weight("measure"), named_weight("lead_first")
    count = len(doc.paragraphs)
    credits_from = max(count - CREDIT_PARAGRAPHS, 0)
    # the paragraphs naming some organization or place, and those a closing credit may end
    looked_at = sorted({i for i in named if i is not None} | set(range(credits_from, count)))
    for index in looked_at:
        text = doc.paragraphs[index]
        if index in named:
            first = index == lead
            names, places = named[index]
            mentions = _cited_issuers(
                _mentions_in(text, index, names, places, title=False, markers=markers)
            )
            for mention in mentions:
                if mention.acts:
                    if measure_paragraphs is None:
                        measure_paragraphs = _measure_paragraphs(doc.facts.measure_groups)
                    if index in measure_paragraphs:
                        mention.weight += measure
                if first and mention.weight > 0:
                    mention.weight += lead_first - 1
                    first = False
                _add(found, mention)
        # most closing paragraphs hold no parenthesis: no generator is made for them
        if index >= credits_from and may_match(text, credit_needles):
            for start, end in _credit_units(text):
                name = text[start:end]
                span = Span("paragraph", index, start, end)
                _add(found, Mention(name, kind_of(name), span, weight=named_weight("credit")))
    return found


def _add(candidates: dict[str, Candidate], mention: Mention) -> None:
    # A flag is set only when the mention changes it (a test, not a load and a store of each
    # flag for every mention).
    name, span, weight = mention.name, mention.span, mention.weight
    cand = candidates.get(name)
    if cand is None:
        cand = candidates[name] = Candidate(name, mention.kind)
        cand.first = (-1 if span.paragraph is None else span.paragraph, span.start)
    elif span in cand.seen:
        return
    cand.seen.add(span)
    cand.mentions.append(mention)
    if mention.place:
        cand.has_place = True
        if weight != 0:
            cand.idle_place = False
    else:
        cand.idle_place = False
    if mention.internal:
        cand.has_internal = True
    if weight != 0:
        cand.own += weight
        if weight > 0 and span.where == "title":
            cand.in_title = True


#: A metadata line opens with a short label and a colon (来源：…).
META_LINE: Final = re.compile(r"^\S{0,12}[:：]")


def _is_meta(text: str) -> bool:
    return bool(META_LINE.match(text)) and "。" not in text


def _measure_paragraphs(groups: list[MeasureGroup]) -> set[int]:
    """The paragraphs holding a measure: of every group of the tree, and of its items."""
    found: set[int] = set()
    pending = list(groups)  # a stack, not a recursion building a set per group
    while pending:
        group = pending.pop()
        for ev in (group.evidence, *(i.evidence for i in group.items)):
            if ev is not None and ev.paragraph is not None:
                found.add(ev.paragraph)
        pending.extend(group.children)
    return found


def _mentions_in(
    text: str,
    index: int | None,
    names: list[Name],
    places: regions.Places,
    *,
    title: bool,
    markers: bool = True,
) -> list[Mention]:
    """Organization names and acting places of one text (`names`, `places`: what it names;
    `markers`: False when the article holds no internal marker, so the text is not searched)."""
    spans: list[tuple[int, int, OrgKind, bool]] = [(s, e, k, False) for s, e, k in names]
    if places:
        name_spans = sorted([(s, e) for s, e, _ in names])
        longest = max([e - s for s, e in name_spans], default=0)
        for start, end, _ in places:
            if not _inside_a_name(name_spans, longest, start, end):
                spans.append((start, end, "government", True))
    if len(spans) > 1:
        spans.sort(key=lambda t: (t[0], -t[1]))
    # most texts set nothing up: no table of marker positions for them, nor of their clauses
    # (a marker counts only within the mention's clause)
    internal = (
        _Markers(text, _internal_markers()) if markers and _any_marker().search(text) else None
    )
    clause_starts = [m.end() for m in CLAUSE_END.finditer(text)] if internal is not None else []
    lead_end = _title_lead_end(text) if title else -1
    acting, titles, issuing, passive, governed_after, title_weight, acting_weight = _mention_rules()
    where: Where = "paragraph" if index is not None else "title"
    found = []
    for start, end, kind, place in spans:
        if text[start] in REFERENCE_PREFIXES and not place:
            continue  # 该村委, 我局 refer back to a name (references), they are none
        weight = 1
        if title:
            opens_title = start == lead_end or _title_colon(text, start, end)
            weight = title_weight if opens_title else 0
        # the rule words opening at `end`, by the character there (Openings.at, written out)
        follows = text[end : end + 1]
        acting_words = acting(follows)
        acting_follows = acting_words is not None and text.startswith(acting_words, end)
        acts = acting_follows or (title and follows in ("：", ":", " "))
        if place and not acts:
            weight = 0
        # 按照市政府…; 校党委书记林建国: part of a person's title, not an actor (GOVERNED_WINDOW)
        if weight and (
            ((title_words := titles(follows)) is not None and text.startswith(title_words, end))
            or (
                text[start - 1 : start] in governed_after
                and passive.search(text, max(0, start - GOVERNED_WINDOW), start) is not None
            )
        ):
            weight = 0
        opens = start == 0 or text[start - 1] in "，,。；;：: 、"
        if not place and not title and opens and acting_follows:
            weight += acting_weight
        # the fields in their order (Mention's): keywords cost a third of building one
        found.append(
            Mention(
                text[start:end],
                kind,
                new_span((where, index, start, end)),
                place,
                weight,
                internal is not None
                and internal.within(_clause_start(clause_starts, start), start),
                opens and acting_follows,
                bool(issuing.match(text, end)),
                opens,
            )
        )
    return found


@cache
def _mention_rules() -> tuple[
    Callable[[str], tuple[str, ...] | None],
    Callable[[str], tuple[str, ...] | None],
    re.Pattern[str],
    re.Pattern[str],
    frozenset[str],
    int,
    int,
]:
    """What `_mentions_in` reads of the rules, in one call a text: the words of acting_after
    and of person_titles opening with a character (`Openings.by_first`), the issuing and
    governing patterns, what a governing match ends with, the title and acting weights."""
    return (
        Openings(_acting_after()).by_first.get,
        Openings(_person_titles()).by_first.get,
        _issuing(),
        _passive(),
        _governed_after(),
        named_weight("title"),
        named_weight("acting"),
    )


def _clause_start(clause_starts: list[int], at: int) -> int:
    """Where the clause holding position `at` starts (`clause_starts`: where each clause after
    the first starts, in order)."""
    before = bisect_left(clause_starts, at + 1) - 1
    return clause_starts[before] if before >= 0 else 0


@cache
def _internal_markers() -> tuple[str, ...]:
    return rules.strings("organizations", "internal_markers")


@cache
def _any_marker() -> re.Pattern[str]:
    """Some internal marker: one search in C, not a test of each word."""
    return re.compile("|".join(map(re.escape, _internal_markers())))


@cache
def _acting_after() -> tuple[str, ...]:
    return rules.strings("organizations", "acting_after")


def _cited_issuers(mentions: list[Mention]) -> list[Mention]:
    """An issuer cited before the one that acts on its document (省教育厅联合六部门印发《…》,
    市教育局迅速行动…) does not act: its mention supports nothing."""
    for i, mention in enumerate(mentions):
        if mention.issues and any(
            m.opens and not m.issues and not m.place and m.name != mention.name
            for m in mentions[i + 1 :]
        ):
            mention.weight = 0
            mention.acts = False
    return mentions


def _inside_a_name(names: list[tuple[int, int]], longest: int, start: int, end: int) -> bool:
    """A place that lies inside a longer name (哈尔滨市 in 哈尔滨市教育局) is no mention of its own.

    `names` are the name spans sorted by start and `longest` the longest of them: only a name
    starting in that window before the place can hold it (found by bisection, so this stays
    linear in the number of names).
    """
    i = bisect_left(names, (end - longest, -1))
    while i < len(names) and names[i][0] <= start:
        s, e = names[i]
        if end <= e and (s, e) != (start, end):
            return True
        i += 1
    return False


#: What joins the names of a list after a governing word (落实省、市国税局).
LIST_JOINERS: Final = "、和及与"


@cache
def _passive() -> re.Pattern[str]:
    """根据/落实… before a name, also across a list (落实省、市国税局: 市国税局 does not act)."""
    words = "|".join(map(re.escape, rules.strings("organizations", "not_acting_after")))
    return re.compile(f"(?:{words})(?:[\u4e00-\u9fff]{{1,12}}[{LIST_JOINERS}])*$")


@cache
def _governed_after() -> frozenset[str]:
    """The characters a `_passive` match ends with: a governing word's last one, or a list's
    joiner. A name after any other is governed by none, and its window is not searched (most
    names follow a comma, a verb, the start of the text)."""
    words = rules.strings("organizations", "not_acting_after")
    return frozenset(word[-1] for word in words) | frozenset(LIST_JOINERS)


#: How far back a governing word (根据, 落实) may stand before a name in a list: a name in
#: `_passive` there is the object of 根据/落实…, not an actor (the window keeps this linear).
GOVERNED_WINDOW: Final = 48


class _Markers:
    """Every occurrence of some words in one text, asked "does one lie within [a, b)?".

    Found once per text, so that asking for each mention's clause stays linear.
    """

    def __init__(self, text: str, words: tuple[str, ...]) -> None:
        found: list[tuple[int, int]] = []
        for word in words:
            at = text.find(word)
            while at >= 0:
                found.append((at, at + len(word)))
                at = text.find(word, at + 1)
        found.sort()
        self.starts = [s for s, _ in found]
        # the earliest end among the occurrences from i on
        self.min_end = [e for _, e in found]
        for i in range(len(found) - 2, -1, -1):
            self.min_end[i] = min(self.min_end[i], self.min_end[i + 1])

    def within(self, start: int, end: int) -> bool:
        """True when a whole occurrence lies in text[start:end]."""
        i = bisect_left(self.starts, start)
        return i < len(self.starts) and self.min_end[i] <= end


def _title_lead_end(title: str) -> int:
    for pattern in rules.patterns("organizations", "title_lead"):
        match = pattern.match(title)
        if match:
            return match.end()
    return 0


def _title_colon(title: str, start: int, end: int) -> bool:
    """`X：…` with X this name and no outlet (a newspaper before the colon names itself)."""
    for pattern in rules.patterns("organizations", "title_colon"):
        match = pattern.match(title)
        if match and match.start("org") <= start and end == match.end("org"):
            return not is_outlet(match.group("org"))
    return False


def media_patterns() -> tuple[re.Pattern[str], ...]:
    """Endings of outlets' names (X报, X网): an outlet names itself, it does not act."""
    return rules.patterns("organizations", "media_names")


@lru_cache(maxsize=NAME_CACHE)  # asked of every candidate, and names recur
def is_outlet(name: str) -> bool:
    """The name ends as an outlet's does (media_patterns)."""
    return any(p.search(name) for p in media_patterns())


#: A closing credit stands in one of the last this many paragraphs.
CREDIT_PARAGRAPHS: Final = 3


def _credit_units(text: str) -> Iterator[tuple[int, int]]:
    """The unit opening a closing credit (of one of the last CREDIT_PARAGRAPHS paragraphs):
    (天星镇王玉林), (泰兴市供电公司 周君 严文俊)."""
    credit_tail = _credit_tail()
    if not may_match(text, credit_tail.needles):
        return  # most closing paragraphs hold no parenthesis: the patterns are not tried
    units = rules.strings("organizations", "unit_suffixes")
    for pattern in credit_tail.patterns:
        match = pattern.search(text)
        if not match:
            continue
        start = match.start("credit")
        credit = match.group("credit")
        for cut in range(len(credit.split()[0]) if credit.split() else 0, 2, -1):
            head = credit[:cut]
            if head.endswith(units) and all(is_cjk(c) for c in head):
                yield start, start + cut
                break


@cache
def _credit_tail() -> PatternGroup:
    """authors.yaml `paren_credit_tail` with its precheck (a parenthesis, see needles.py)."""
    return pattern_group(rules.patterns("authors", "paren_credit_tail"))


def has_title_lead(title: str) -> bool:
    """A column or date opens the title (东岭新闻丨…, 5月26日,…)."""
    return _title_lead_end(title) > 0


def only_counted(doc: Document, cand: Candidate) -> bool:
    """Every mention follows a count or 各 (310配货中心, 各派出所): a kind, not one body."""
    if cand.counted is None:  # asked once all mentions are in (see Candidate.counted)
        counted = _count_before().search
        cand.counted = True
        # a loop, not all(…): a generator and a call per mention cost more than the test
        for mention in cand.mentions:
            span = mention.span
            text = (doc.title if span.paragraph is None else doc.paragraphs[span.paragraph]) or ""
            if not counted(text[max(0, span.start - COUNT_BEFORE) : span.start]):
                cand.counted = False
                break
    return cand.counted


#: A count before a name is looked for in this many characters before it (5个, 各).
COUNT_BEFORE: Final = 2


@cache
def _count_before() -> re.Pattern[str]:
    """The patterns of `count_before_name` as one alternation (one search a mention, not one a
    pattern): alternatives with no groups and the same flags, so that joining them changes
    none of them."""
    patterns = rules.patterns("organizations", "count_before_name")
    if len(patterns) == 1:
        return patterns[0]
    if any(p.groups for p in patterns) or len({p.flags for p in patterns}) > 1:
        raise rules.RuleError("organizations.yaml: count_before_name: patterns cannot be joined")
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags)
