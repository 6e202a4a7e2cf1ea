"""Organizations: the subject that acts in the measures, and the ones mentioned.

Names are found by their suffix (rules/organizations.yaml: 学院, 厅, 局, 党委 …) and
extended to the left up to a stop word; places (哈尔滨市, 木河乡) come from the table of
administrative divisions and count as organizations when they act. The subject is the
best-supported name: opening the title (X：… unless X is an outlet), opening the lead,
named in the measure sentences, referred back to (学校, 我院), crediting the text; an
internal body the subject sets up (成立…领导小组) never is. `region` places each name.
A mentioned name that is a description rather than a proper name (星级供电所, 省委常委,
发改委网站) is dropped (rules/organizations.yaml: not_proper_names).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import cast, get_args

from extractor import regions, rules
from extractor.document import Document
from extractor.names import is_cjk
from schemas import Evidence, MeasureGroup, Organization, OrgKind

#: How far a name reaches left of its suffix.
MAX_NAME = 18
TITLE_WEIGHT = 5
LEAD_FIRST_WEIGHT = 3
MEASURE_WEIGHT = 2
CREDIT_WEIGHT = 2
ACTING_WEIGHT = 2
MAX_SHORT_SUPPORT = 5
#: A name that holds a division's full name (海南省国家税务局) names one organization, not a
#: kind of office (办税服务厅).
PLACED_WEIGHT = 2
#: A lead paragraph has at least this many characters (shorter ones are metadata lines).
MIN_LEAD = 30
BOOK_TITLE = re.compile(r"《[^》]*》")
#: Characters that end a clause: an internal-body marker counts only within the clause.
CLAUSE_END = re.compile("[，,。；;：:]")


@dataclass
class Mention:
    """One occurrence of a name: where, and what it tells about the subject."""

    name: str
    kind: OrgKind
    evidence: Evidence
    place: bool = False
    weight: int = 1
    internal: bool = False
    acts: bool = False


@dataclass
class Candidate:
    """All mentions of one name."""

    name: str
    kind: OrgKind
    mentions: list[Mention] = field(default_factory=list)
    #: (where, paragraph, start, end) of each mention: a mention is added once, found by key.
    seen: set[tuple[str, int | None, int, int]] = field(default_factory=set)

    @property
    def own(self) -> int:
        """Support from its own mentions."""
        return sum(m.weight for m in self.mentions)


@cache
def _suffixes() -> tuple[re.Pattern[str], dict[str, OrgKind]]:
    table = rules.table("organizations", "suffixes")
    if not isinstance(table, dict):
        raise rules.RuleError("organizations.yaml: 'suffixes' must map kinds to suffixes")
    kinds: dict[str, OrgKind] = {}
    for kind, words in table.items():
        if kind not in get_args(OrgKind) or not isinstance(words, list) or not words:
            raise rules.RuleError(f"organizations.yaml: suffixes: bad kind or empty {kind!r}")
        for word in words:
            kinds.setdefault(str(word), cast(OrgKind, kind))
    ordered = sorted(kinds, key=len, reverse=True)
    alternatives = "|".join(f"(?:{w})" for w in ordered)
    firsts = _first_chars(ordered)
    # A lookahead on the characters a suffix can start with lets the scan skip most positions.
    head = f"(?=[{re.escape(''.join(sorted(firsts)))}])" if firsts else ""
    return re.compile(f"{head}(?:{alternatives})"), kinds


LOOKBEHIND = re.compile(r"^\(\?<[=!][^()]*\)")


def _first_chars(suffixes: list[str]) -> set[str] | None:
    """The characters the suffix patterns can start with; None when one is too complex to say."""
    found: set[str] = set()
    for suffix in suffixes:
        word = LOOKBEHIND.sub("", suffix)
        if "|" in word or word[1:2] in ("?", "*", "{"):
            return None  # alternatives or an optional first character
        if word.startswith("[") and "]" in word:
            chars = word[1 : word.index("]")]
            if not chars or chars[0] == "^" or "-" in chars or "\\" in chars:
                return None
            found |= set(chars)
        elif word and word[0] not in "\\()[]{}.*+?|^$":
            found.add(word[0])
        else:
            return None
    return found


@cache
def _kind_patterns() -> tuple[tuple[re.Pattern[str], OrgKind], ...]:
    _, kinds = _suffixes()
    return tuple((re.compile(f"(?:{w})$"), k) for w, k in kinds.items())


@lru_cache(maxsize=16384)
def kind_of(name: str) -> OrgKind:
    """The kind a name's suffix gives (specific suffixes first)."""
    for pattern, kind in _kind_patterns():
        if pattern.search(name):
            return kind
    return "government" if regions.table().by_name.get(name) else "other"


@cache
def _stop_pattern() -> re.Pattern[str]:
    words = sorted(rules.strings("organizations", "left_stops"), key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, words)) + ")$")


@cache
def _stop_last_chars() -> frozenset[str]:
    """Last characters of the left stops: only there can a stop word end."""
    return frozenset(w[-1] for w in rules.strings("organizations", "left_stops"))


@cache
def _not_endings() -> tuple[str, ...]:
    return rules.strings("organizations", "not_org_endings")


def names_in(text: str) -> Iterator[tuple[int, int, OrgKind]]:
    """Spans of organization names in a text, with their kind (names in 《》 are skipped)."""
    pattern, _ = _suffixes()
    # Book titles do not overlap: the last one starting at or before a position is the only
    # one that can hold it (found by bisection, not by trying every title).
    books = [m.span() for m in BOOK_TITLE.finditer(text)] if "《" in text else []
    book_starts = [s for s, _ in books]
    not_after = _not_after()
    for match in pattern.finditer(text):
        end = match.end()
        if books:
            i = bisect_right(book_starts, match.start()) - 1
            if i >= 0 and match.start() < books[i][1]:
                continue
        if text.startswith(not_after, end - 1) or text.startswith(_not_before_name(), end):
            continue
        start = _anchor(text, _left_edge(text, match.start()), match.start())
        name = text[start:end]
        if name.endswith(_not_endings()) or (len(match.group()) == 1 and len(name) < 3):
            continue
        yield start, end, kind_of(name)  # a generic name (学院) is kept for titles


@cache
def _not_after() -> tuple[str, ...]:
    return rules.strings("organizations", "not_after_suffix")


@cache
def _not_before_name() -> tuple[str, ...]:
    return rules.strings("organizations", "not_before_name")


def is_proper_name(name: str) -> bool:
    """False for a description that a mentioned name must not be (星级供电所, 省委常委)."""
    return not any(p.search(name) for p in rules.patterns("organizations", "not_proper_names"))


def _anchor(text: str, start: int, suffix: int) -> int:
    """Cut a verb off the name's left: start at the first place name inside it (踏入温州市…)."""
    for place_start, _, _ in regions.places_in(text[start:suffix]):
        return start + place_start
    return start


def _left_edge(text: str, start: int) -> int:
    stop = _stop_pattern()
    last = _stop_last_chars()
    pos = start
    while pos > 0 and is_cjk(text[pos - 1]) and start - pos < MAX_NAME:
        if text[pos - 1] in last and stop.search(text, max(0, pos - 6), pos):
            break
        pos -= 1
    return pos


def extract_organizations(doc: Document) -> list[Organization]:
    """Organizations named in the article, the subject(s) first."""
    texts = ([doc.title] if doc.title else []) + doc.paragraphs
    ctx = regions.context(texts)
    candidates = _candidates(doc)
    subjects = _subjects(doc, candidates)
    generic = set(rules.strings("organizations", "generic_names"))
    ordered = sorted(
        candidates.values(),
        key=lambda c: (c.name not in subjects, _first_position(c)),
    )
    found = []
    for cand in ordered:
        if cand.name in generic and cand.name not in subjects:
            continue
        if cand.name not in subjects and all(m.place and m.weight == 0 for m in cand.mentions):
            continue
        if cand.name not in subjects and (
            not is_proper_name(cand.name) or _only_counted(doc, cand)
        ):
            continue
        region = _region(cand.name, ctx)
        found.append(
            Organization(
                name=cand.name,
                kind=cand.kind,
                role="subject" if cand.name in subjects else "mentioned",
                region=region,
                evidence=[m.evidence for m in cand.mentions],
            )
        )
    return found


def _only_counted(doc: Document, cand: Candidate) -> bool:
    """Every mention follows a count or 各 (310配货中心, 各派出所): a kind, not one body."""
    for mention in cand.mentions:
        ev = mention.evidence
        text = doc.title if ev.paragraph is None else doc.paragraphs[ev.paragraph]
        before = (text or "")[max(0, ev.start - 2) : ev.start]
        if not any(p.search(before) for p in rules.patterns("organizations", "count_before_name")):
            return False
    return True


def _first_position(cand: Candidate) -> tuple[int, int]:
    ev = cand.mentions[0].evidence
    return (-1 if ev.paragraph is None else ev.paragraph, ev.start)


def _region(name: str, ctx: Counter[str]) -> str | None:
    place = regions.region_of(name, ctx)
    if place is None:
        for level, prefixes in enumerate(("省", "市州", "县区")):
            if name[:1] in prefixes or (name[1:2] in prefixes and name[:1] in "我全该本"):
                place = regions.context_level(ctx, level)
                break
    return regions.full_name(place) if place else None


# --- mentions -------------------------------------------------------------------------


def _candidates(doc: Document) -> dict[str, Candidate]:
    candidates: dict[str, Candidate] = {}
    measure_paragraphs = _measure_paragraphs(doc.facts.measure_groups)
    lead = next(
        (i for i, p in enumerate(doc.paragraphs) if len(p) >= MIN_LEAD and not _is_meta(p)), None
    )
    if doc.title:
        for mention in _mentions_in(doc.title, None, title=True):
            _add(candidates, mention)
    for index, text in enumerate(doc.paragraphs):
        first = index == lead
        for mention in _mentions_in(text, index, title=False):
            if index in measure_paragraphs and mention.acts:
                mention.weight += MEASURE_WEIGHT
            if first and mention.weight > 0:
                mention.weight += LEAD_FIRST_WEIGHT - 1
                first = False
            _add(candidates, mention)
        for start, end in _credit_units(text, index, len(doc.paragraphs)):
            name = text[start:end]
            ev = Evidence(where="paragraph", paragraph=index, start=start, end=end)
            _add(candidates, Mention(name, kind_of(name), ev, weight=CREDIT_WEIGHT))
    return candidates


def _add(candidates: dict[str, Candidate], mention: Mention) -> None:
    cand = candidates.setdefault(mention.name, Candidate(mention.name, mention.kind))
    ev = mention.evidence
    key = (ev.where, ev.paragraph, ev.start, ev.end)
    if key not in cand.seen:
        cand.seen.add(key)
        cand.mentions.append(mention)


def _is_meta(text: str) -> bool:
    return bool(re.match(r"^\S{0,12}[:：]", text)) and "。" not in text


def _measure_paragraphs(groups: list[MeasureGroup]) -> set[int]:
    found: set[int] = set()
    for group in groups:
        for ev in [group.evidence, *(i.evidence for i in group.items)]:
            if ev is not None and ev.paragraph is not None:
                found.add(ev.paragraph)
        found |= _measure_paragraphs(group.children)
    return found


def _mentions_in(text: str, index: int | None, *, title: bool) -> Iterator[Mention]:
    """Organization names and acting places of one text."""
    spans: list[tuple[int, int, OrgKind, bool]] = [(s, e, k, False) for s, e, k in names_in(text)]
    names = sorted((s, e) for s, e, _, _ in spans)
    longest = max((e - s for s, e in names), default=0)
    for start, end, _ in regions.places_in(text):
        if not _inside_a_name(names, longest, start, end):
            spans.append((start, end, "government", True))
    clause_starts = [m.end() for m in CLAUSE_END.finditer(text)]
    internal = _Markers(text, rules.strings("organizations", "internal_markers"))
    lead_end = _title_lead_end(text) if title else -1
    acting = tuple(rules.strings("organizations", "acting_after"))
    for start, end, kind, place in sorted(spans, key=lambda t: (t[0], -t[1])):
        if index is None:
            ev = Evidence(where="title", start=start, end=end)
        else:
            ev = Evidence(where="paragraph", paragraph=index, start=start, end=end)
        weight = 1
        if title:
            weight = TITLE_WEIGHT if start == lead_end or _title_colon(text, start, end) else 0
        acts = text.startswith(acting, end) or (title and text[end : end + 1] in ("：", ":", " "))
        if place and not acts:
            weight = 0
        if text[max(0, start - 4) : start].endswith(_passive()):
            weight = 0
        opens = start == 0 or text[start - 1] in "，,。；;：: 、"
        if not place and not title and opens and text.startswith(acting, end):
            weight += ACTING_WEIGHT
        before = bisect_left(clause_starts, start + 1) - 1
        clause_start = clause_starts[before] if before >= 0 else 0
        yield Mention(
            text[start:end],
            kind,
            ev,
            place=place,
            weight=weight,
            internal=internal.within(clause_start, start),
            acts=opens and text.startswith(acting, end),
        )


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


@cache
def _passive() -> tuple[str, ...]:
    return rules.strings("organizations", "not_acting_after")


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
            return not any(m.search(match.group("org")) for m in _media())
    return False


def _media() -> tuple[re.Pattern[str], ...]:
    return rules.patterns("organizations", "media_names")


def _credit_units(text: str, index: int, count: int) -> Iterator[tuple[int, int]]:
    """The unit opening a closing credit: (天星镇王玉林), (泰兴市供电公司 周君 严文俊)."""
    if index < count - 3:
        return
    for pattern in rules.patterns("authors", "paren_credit_tail"):
        match = pattern.search(text)
        if not match:
            continue
        start = match.start("credit")
        credit = match.group("credit")
        units = rules.strings("organizations", "unit_suffixes")
        for cut in range(len(credit.split()[0]) if credit.split() else 0, 2, -1):
            head = credit[:cut]
            if head.endswith(units) and all(is_cjk(c) for c in head):
                yield start, start + cut
                break


# --- the subject ----------------------------------------------------------------------


def _subjects(doc: Document, candidates: dict[str, Candidate]) -> list[str]:
    hosted = _hosted(doc, candidates)
    if hosted:
        return hosted
    shared, scores = subject_scores(doc, candidates)
    if not shared:
        return []
    best_name = max(shared, key=lambda n: (shared[n], scores[n], _in_title(candidates[n]), len(n)))
    best = _body_form(best_name, candidates)
    return [best, *(n for n in _co_hosts(doc, best, candidates) if n != best)]


def _co_hosts(doc: Document, subject: str, candidates: dict[str, Candidate]) -> list[str]:
    """Who called the meeting the subject attended: 泰兴市供电公司参加泰兴市政府组织召开的会议."""
    found: list[str] = []
    for text in doc.paragraphs:
        for pattern in rules.patterns("organizations", "co_hosts"):
            for match in pattern.finditer(text):
                if not text[: match.start()].endswith(subject):
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

    def body(n: str) -> int:
        return sum(m.weight for m in candidates[n].mentions if m.evidence.where != "title")

    best = max(forms, key=lambda n: (body(n), n == name))
    return best if body(best) > body(name) else name


def subject_scores(
    doc: Document, candidates: dict[str, Candidate]
) -> tuple[dict[str, int], dict[str, int]]:
    """(support with related names and references, own support) of each possible subject."""
    generic = set(rules.strings("organizations", "generic_names"))
    scores: dict[str, int] = {}
    for name, cand in candidates.items():
        if cand.kind == "media" or any(m.internal for m in cand.mentions):
            continue
        if any(p.search(name) for p in _media()):
            continue
        if name in generic and not any(
            m.evidence.where == "title" and m.weight for m in cand.mentions
        ):
            continue
        if cand.own <= 0:
            continue
        scores[name] = cand.own
    if not scores:
        return {}, {}
    _merge_level_names(candidates, scores)
    _merge_generic_names(candidates, scores, generic)
    shared = dict(scores)
    for name in scores:
        for other, cand in candidates.items():
            if other != name and other not in generic and _same_or_part(name, other):
                shared[name] += max(cand.own, 0)
        shared[name] += _short_name_support(doc, name, candidates[name])
        if _placed(name, candidates[name]):
            shared[name] += PLACED_WEIGHT
    for ending, count in _references(doc).items():
        fitting = [n for n in scores if re.search(f"(?:{ending})$", n)]
        if fitting:
            best = max(fitting, key=lambda n: shared[n])
            shared[best] += count
    return shared, scores


@lru_cache(maxsize=65536)
def _same_or_part(name: str, other: str) -> bool:
    """`other` is a body of `name` (黑虎庙镇党委 / 黑虎庙镇), or both are one name written two ways
    (岱山县院 / 岱山县检察院: same first and last characters, one a subsequence of the other)."""
    if other.startswith(name) and other[len(name) :] in _bodies():
        return True
    short, long = sorted((name, other), key=len)
    if len(short) < 4:
        return False
    return any(
        long.startswith(short[:k]) and long.endswith(short[k:]) for k in range(2, len(short))
    )


@cache
def _bodies() -> frozenset[str]:
    return frozenset(rules.strings("organizations", "bodies"))


def _short_name_support(doc: Document, name: str, cand: Candidate) -> int:
    """A place the article keeps naming by its short form (哈尔滨 for 哈尔滨市) is its topic."""
    if not any(m.place for m in cand.mentions):
        return 0
    shorts = [
        s
        for p in regions.table().by_name.get(name, ())
        if p.name == name
        for s in regions.short_names(p)
    ]
    if not shorts:
        return 0
    text = "\n".join(([doc.title] if doc.title else []) + doc.paragraphs)
    count = max(text.count(s) - text.count(name) for s in shorts)
    return min(max(count, 0), MAX_SHORT_SUPPORT)


def _merge_generic_names(
    candidates: dict[str, Candidate], scores: dict[str, int], generic: set[str]
) -> None:
    """A bare 街道 opening the title stands for the 东风街道 the text names: support goes there."""
    for name in [n for n in scores if n in generic]:
        named = [n for n in candidates if n != name and n.endswith(name) and n not in generic]
        if named:
            best = max(named, key=lambda n: (candidates[n].own, len(n)))
            scores[best] = scores.get(best, 0) + scores.pop(name)


def _merge_level_names(candidates: dict[str, Candidate], scores: dict[str, int]) -> None:
    """镇党委 stands for the town the article names (天星镇): its support goes there."""
    table = rules.table("organizations", "level_prefixes")
    levels = {"province": 0, "city": 1, "county": 2, "town": 3}
    for name in list(scores):
        cand = candidates[name]
        if any(m.place for m in cand.mentions):
            continue
        level = next((levels[k] for k, v in table.items() if name[:1] in v), None)
        if level is None:
            continue
        places = {
            n
            for n, c in candidates.items()
            if any(m.place for m in c.mentions) and _level(n) == level
        }
        if len(places) == 1:
            place = places.pop()
            scores[place] = scores.get(place, 0) + scores.pop(name)


def _level(name: str) -> int | None:
    found = regions.table().by_name.get(name, ())
    whole = [p.level for p in found if p.name == name]
    return whole[0] if whole else None


def _placed(name: str, cand: Candidate) -> bool:
    return not any(m.place for m in cand.mentions) and bool(regions.places_in(name))


def _in_title(cand: Candidate) -> bool:
    return any(m.evidence.where == "title" and m.weight > 0 for m in cand.mentions)


def _first_index(cand: Candidate) -> int:
    ev = cand.mentions[0].evidence
    return -1 if ev.paragraph is None else ev.paragraph


def _references(doc: Document) -> dict[str, int]:
    """How often words such as 学校/我院 refer back, keyed by the name endings they fit."""
    text = "\n".join(([doc.title] if doc.title else []) + doc.paragraphs)
    counts: Counter[str] = Counter()
    for ending, word, pattern in _reference_words():
        if word not in text:
            n = 0
        elif pattern is None:
            n = text.count(word)
        else:
            n = len(pattern.findall(text))
        counts[ending] += n
    return {k: v for k, v in counts.items() if v}


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


def _hosted(doc: Document, candidates: dict[str, Candidate]) -> list[str]:
    """Every organization in `由A、B和C主办`."""
    for text in doc.paragraphs:
        for pattern in rules.patterns("organizations", "hosted_by"):
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
