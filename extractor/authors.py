"""People credited for the text, with their roles: bylines, credit lines, photo credits.

Forms (rules/authors.yaml): labelled fields anywhere (编辑:吕岩|责编:刘征宇, names glued
to the next label as in 庞颖融媒体编辑:…), credits in parentheses at a paragraph's start
or after a dateline (本报讯(记者 王翠 通讯员 王慧丽 文/图)) or closing one of the last
paragraphs ((蒋平董大为), (泰兴市供电公司 周君 严文俊)), plain credit lines closed by 报道,
and bare names heading the text (2017-10-31丁刚). Run-together names are split by
extractor/names.py; a padding space inside a name (张 伟) is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Final, NamedTuple, cast, get_args

from extractor import rules
from extractor.document import STRICT_RECORD, Document, FoundPerson, Span
from extractor.names import CREDIT_MIN_SCORE, MIN_SCORE, is_cjk, is_name, split_names
from extractor.needles import (
    Needles,
    PatternGroup,
    group_needles,
    may_match,
    needles,
    pattern_group,
)
from schemas import Person, Role

#: How many paragraphs at the end may close with a parenthesised credit.
TAIL_PARAGRAPHS: Final = 3
#: How many paragraphs at the start may hold a byline.
HEAD_PARAGRAPHS: Final = 3
TOKEN: Final = re.compile(r"[^\s/、，,；;|｜\[\]【】]+")
FIELD_END: Final = re.compile(r"[\s|｜\]】)）]")
VALUE_END: Final = re.compile(r"[|｜\]】)）\[【(（《]|\s{2,}")


# A NamedTuple, not a frozen dataclass: a fresh process makes the class in 0.05 ms, not 0.3.
class Found(NamedTuple):
    """A person found in a paragraph: name, role and span there."""

    name: str
    role: Role
    paragraph: int
    start: int
    end: int


@cache
def _role_words() -> tuple[tuple[str, Role], ...]:
    """(word, role), longest word first."""
    table = rules.table("authors", "roles")
    if not isinstance(table, dict):
        raise rules.RuleError("authors.yaml: 'roles' must map roles to words")
    for role, words in table.items():
        if role not in get_args(Role) or not isinstance(words, list) or not words:
            raise rules.RuleError(f"authors.yaml: roles: bad role or empty {role!r}")
    pairs = [(str(w), cast(Role, role)) for role, words in table.items() for w in words]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@cache
def _label_pattern() -> re.Pattern[str]:
    """Any labelled field: a role word (with its prefixes) or a non-person field, then a colon."""
    prefixes = "|".join(map(re.escape, rules.strings("authors", "role_prefixes")))
    words = sorted(
        [w for w, _ in _role_words()] + list(rules.strings("authors", "field_labels")),
        key=len,
        reverse=True,
    )
    alternatives = "|".join(map(re.escape, words))
    slashes = rules.strings("authors", "slash_roles")
    slash = "|".join(map(re.escape, slashes))
    # A lookahead on the possible first characters lets the scan skip most positions fast.
    starts = {w[0] for w in [*rules.strings("authors", "role_prefixes"), *words, *slashes]}
    first = re.escape("".join(sorted(starts)))
    return re.compile(
        rf"(?=[{first}])(?:{prefixes})*(?:(?P<word>{alternatives})\s*[:：]|(?P<slashed>{slash})/(?=\s*[\u4e00-\u9fff]))"
    )


@cache
def _label_needles() -> Needles | None:
    """What every labelled field holds (its colon or slash): a paragraph without it has none."""
    return needles(_label_pattern())


@cache
def _label_ends() -> tuple[frozenset[str], frozenset[str]]:
    """The last characters of the words a colon closes, and of those a slash closes."""
    words = [w for w, _ in _role_words()] + list(rules.strings("authors", "field_labels"))
    slashes = rules.strings("authors", "slash_roles")
    return frozenset(w[-1] for w in words), frozenset(w[-1] for w in slashes)


def _may_hold_label(text: str) -> bool:
    """False only when `_label_pattern` cannot match in text: every label is a word closed by
    a colon (after white space) or a slash role closed by `/`, so some colon or slash must
    follow one of those words' last characters. Most paragraphs with a colon quote someone
    (…说：); finding the colons and looking one character back costs a fifth of the scan."""
    colon_ends, slash_ends = _label_ends()
    for colon in (":", "："):
        at = text.find(colon, 1)  # a colon opening the text closes no word
        while at > 0:
            before = at - 1
            while before > 0 and text[before].isspace():  # `\s*` between the word and its colon
                before -= 1
            if text[before] in colon_ends:
                return True
            at = text.find(colon, at + 1)
    at = text.find("/", 1)
    while at > 0:
        if text[at - 1] in slash_ends:
            return True
        at = text.find("/", at + 1)
    return False


@cache
def _group(group: str) -> PatternGroup:
    """A pattern group of authors.yaml with its precheck (most paragraphs credit nobody)."""
    return pattern_group(rules.patterns("authors", group))


def field_value_end(text: str, start: int) -> int:
    """Where a field's value that starts at `start` ends: at a space, a bar or the next label."""
    label = _label_pattern().search(text, start)
    stop = label.start() if label else len(text)
    end = FIELD_END.search(text, start, stop)
    return end.start() if end else stop


def credits_someone(line: str) -> bool:
    """The line, closing an article, credits someone (the check of the `roles` group)."""
    body = "东湖街道召开会议，部署下一阶段的重点工作，要求各社区认真落实各项任务。"
    doc = Document(path="check.md", text="", encoding="utf-8", kind="post", paragraphs=[body, line])
    return bool(find_authors(doc))


@cache
def _roles_by_word() -> dict[str, Role]:
    """Role of each role word (the first pair of `_role_words` naming it): one lookup per token."""
    found: dict[str, Role] = {}
    for word, role in _role_words():
        found.setdefault(word, role)
    return found


def _role_of(word: str) -> Role | None:
    return _roles_by_word().get(word)


@cache
def _closing_words() -> frozenset[str]:
    return frozenset(rules.strings("authors", "closing_words"))


@cache
def _person_source_labels() -> frozenset[str]:
    return frozenset(rules.strings("authors", "person_source_labels"))


# A NamedTuple, not a frozen dataclass: a fresh process makes the class in 0.05 ms, not 0.3.
class _Form(NamedTuple):
    """One form of credit: how to read it in a paragraph, which paragraphs may hold it, and
    what every credit of the form holds (its precheck; None: no sure needle)."""

    read: Callable[[str, int, int], Iterable[Found]]  # (text, index, paragraph count)
    where: Callable[[int], Iterable[int]]  # paragraph count -> the indices, in order
    needles: Needles | None
    #: A sharper exact test than the needles, or None: false only for a text in which no
    #: credit of the form can stand, asked of the joined paragraphs and then of each one.
    hint: Callable[[str], bool] | None = None


def _anywhere(count: int) -> range:
    return range(count)


def _head(count: int) -> range:
    return range(min(HEAD_PARAGRAPHS, count))


def _head_or_last(count: int) -> list[int]:
    return [*range(min(HEAD_PARAGRAPHS, count)), *([count - 1] if count > HEAD_PARAGRAPHS else [])]


@cache
def _forms() -> tuple[_Form, ...]:
    """The forms of credit, in the order they are read (a person found twice keeps the first)."""

    def union(*groups: str) -> Needles | None:
        return group_needles(p for group in groups for p in rules.patterns("authors", group))

    return (
        _Form(_labelled, _anywhere, _label_needles(), _may_hold_label),
        _Form(_paren_credits, _anywhere, union("paren_credit_head", "paren_credit_tail")),
        _Form(_plain_credit, _head, union("plain_credit_head", "byline_head")),
        _Form(_bare_names, _head_or_last, None),
        _Form(_photo_caption, _anywhere, union("photo_caption")),
    )


def extract_authors(doc: Document) -> list[Person]:
    """People credited for the article, each with a role and evidence, as records."""
    return [
        Person.model_validate(p, from_attributes=True, strict=STRICT_RECORD)
        for p in find_authors(doc)
    ]


def find_authors(doc: Document) -> list[FoundPerson]:
    """People credited for the article, each with a role and evidence: their fields, which
    the pipeline validates with the whole Article."""
    found: list[Found] = []
    paragraphs = doc.paragraphs
    count = len(paragraphs)
    # A form whose needles the whole text lacks is not looked for paragraph by paragraph (most
    # articles hold no photo credit, no 报道 line); the others only where a paragraph has them.
    # Form by form, each over its own paragraphs: the order of `found` differs from reading
    # paragraph by paragraph only between paragraphs, which the stable sort below puts back
    # (within a paragraph the forms still come in their order), and no test is asked of a
    # paragraph a form never reads.
    whole = "\n".join(paragraphs)
    for form in _forms():
        # (a hint finds on the joined text all a paragraph's text gives it, and more: a line
        # end before a colon is white space it looks across)
        if not may_match(whole, form.needles) or (form.hint is not None and not form.hint(whole)):
            continue
        for index in form.where(count):
            text = paragraphs[index]
            if may_match(text, form.needles) and (form.hint is None or form.hint(text)):
                found.extend(form.read(text, index, count))
    people: list[FoundPerson] = []
    seen: set[str] = set()
    for item in sorted(found, key=lambda f: (f.paragraph, f.start)):
        if item.name in seen:
            continue
        seen.add(item.name)
        evidence = Span("paragraph", item.paragraph, item.start, item.end)
        people.append(FoundPerson(item.name, item.role, evidence))
    return people


# --- labelled fields: 编辑:吕岩|责编:刘征宇 -------------------------------------------------


def _labelled(text: str, index: int, _count: int) -> Iterator[Found]:
    labels = [m for m in _label_pattern().finditer(text) if _label_ok(text, m)]
    person_sources = _person_source_labels()
    for i, label in enumerate(labels):
        stop = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        value_end = VALUE_END.search(text, label.end(), stop)
        end = value_end.start() if value_end else stop
        word = label.group("word") or label.group("slashed")
        role = _role_of(word)
        if role is not None:
            yield from _names_in(text, label.end(), end, role, index)
        elif word in person_sources:
            value = text[label.end() : end].strip()
            if value and is_name(value):
                start = text.index(value, label.end())
                yield Found(value, "author", index, start, start + len(value))


def _label_ok(text: str, label: re.Match[str]) -> bool:
    """A one-character role word (文:, 图:) only after a non-CJK character or at the start."""
    if (label.group("word") or label.group("slashed")) not in rules.strings(
        "authors", "single_char_roles"
    ):
        return True
    return label.start() == 0 or not is_cjk(text[label.start() - 1])


# --- credits without colons: (记者 王翠 通讯员 王慧丽 文/图), 通讯员 姜南昵 报道 ---------------


@cache
def _paren_groups(tail: bool) -> tuple[PatternGroup, ...]:
    """The groups of credits in parentheses read in a paragraph (the tail's in the last ones)."""
    head = _group("paren_credit_head")
    return (head, _group("paren_credit_tail")) if tail else (head,)


def _paren_credits(text: str, index: int, count: int) -> list[Found]:
    # a list, not a generator: read in most paragraphs holding a bracket, it nearly always
    # finds nothing (bulk: 1.1 paragraphs a post, 0 credits)
    spans = [
        match.span("credit")
        for group in _paren_groups(index >= count - TAIL_PARAGRAPHS)
        if may_match(text, group.needles)  # (the function: a NamedTuple's method is a Python call)
        for pattern in group.patterns
        for match in pattern.finditer(text)
    ]
    found: list[Found] = []
    for start, end in dict.fromkeys(spans):
        found.extend(_credit(text, start, end, index, bare_ok=True))
    return found


def _plain_credit(text: str, index: int, _count: int) -> Iterator[Found]:
    for group in (_group("plain_credit_head"), _group("byline_head")):
        if not may_match(text, group.needles):
            continue
        for pattern in group.patterns:
            match = pattern.match(text)
            if match:
                start, end = match.span("credit")  # (a starred call is a Python call)
                yield from _credit(text, start, end, index, bare_ok=False)


def _credit(text: str, start: int, end: int, index: int, *, bare_ok: bool) -> Iterator[Found]:
    """Names in a credit: role words switch the role. A token that is no name (a unit, a
    medium, a skipped credit such as 校对) is passed over; without a role word, a credit
    holding more such tokens than names is a remark in parentheses, not a credit."""
    role: Role = "author"
    closing = _closing_words()
    found: list[Found] = []
    saw_role = False
    tokens = list(_tokens(text, start, end))
    # a credit closed by 摄 (赵刚 钱明 摄) says names come before it, like a role word
    saw_role = any(text[s:e].startswith("摄") and text[s:e] in closing for s, e in tokens)
    group = 0  # where the names of the current role start in `found`
    read = unread = 0
    for position, (first_start, tok_end) in enumerate(tokens):
        tok_start = first_start
        token = text[tok_start:tok_end]
        if token in closing:
            if token.startswith("摄"):  # 张伟 摄: the names before are the photographers
                found[group:] = [
                    Found(f.name, "photographer", index, f.start, f.end) for f in found[group:]
                ]
            continue
        word, rest = _leading_role(token)
        if word is not None:
            saw_role = True
            role = _role_of(word) or role
            group = len(found)
            if not rest:
                continue
            tok_start += len(token) - len(rest)
        if _role_of(text[tok_start:tok_end]) is not None:  # 文/图 after the names closes the credit
            continue
        names = _token_names(text, tok_start, tok_end, first=position == 0, saw_role=saw_role)
        if names is None:
            unread += 1
            continue
        read += 1
        found.extend(Found(n, role, index, s, e) for n, s, e in names)
    if saw_role or (bare_ok and unread <= read and not (unread and read == 1 and not found)):
        yield from found


@cache
def _any_role_word() -> re.Pattern[str]:
    """Any role word: a token without one (most are names) skips the word-by-word search."""
    return re.compile("|".join(re.escape(word) for word, _ in _role_words()))


def _leading_role(token: str) -> tuple[str | None, str]:
    """The role word a token holds (半岛全媒体记者, 通讯员左晟), and what follows it."""
    if _any_role_word().search(token) is None:
        return None, token
    for word, _ in _role_words():
        at = token.find(word)
        if at >= 0 and (at == 0 or len(word) > 1) and at <= 8:
            head = token[:at]
            if head and len(word) == 1:
                continue
            return word, token[at + len(word) :]
    return None, token


def _token_names(
    text: str, start: int, end: int, *, first: bool, saw_role: bool = False
) -> list[tuple[str, int, int]] | None:
    """Names of one token; a leading unit (天星镇王玉林) is skipped. None: not names.
    After a role word names are expected, so a less name-like token still reads as one."""
    token = _squeeze(text[start:end])
    floor = CREDIT_MIN_SCORE if saw_role else MIN_SCORE
    if " " not in text[start:end]:
        # a unit or medium before the names is read first: 天星镇王玉林, 新华网李强
        for cut in range(len(token) - 2, 2, -1):
            if is_unit(token[:cut]):
                rest = split_names(token[cut:], floor)
                if rest is not None:
                    return [
                        (token[cut + s : cut + e], start + cut + s, start + cut + e)
                        for s, e in rest
                    ]
    spans = split_names(token, floor)
    if spans is not None:
        return [
            (f.name, f.start, f.end)
            for f in _found(text, start, end, spans, role="author", index=0)
        ]
    if first and " " not in text[start:end] and is_unit(token):
        return []
    return None


def is_unit(token: str) -> bool:
    """A unit credited before the names (泰兴市供电公司, 黑虎庙镇): it ends like an organization."""
    suffixes = rules.strings("organizations", "unit_suffixes")
    return len(token) >= 3 and token.endswith(suffixes)


def _tokens(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Token spans; one-character tokens after a surname join it (张 伟 -> 张伟)."""
    spans = [(m.start() + start, m.end() + start) for m in TOKEN.finditer(text[start:end])]
    i = 0
    while i < len(spans):
        s, e = spans[i]
        if (
            i + 1 < len(spans)
            and e - s == 1
            and spans[i + 1][1] - spans[i + 1][0] <= 2
            and is_name(text[s:e] + text[spans[i + 1][0] : spans[i + 1][1]])
            and _role_of(text[spans[i + 1][0] : spans[i + 1][1]]) is None
        ):
            yield s, spans[i + 1][1]
            i += 2
            continue
        yield s, e
        i += 1


def _names_in(text: str, start: int, end: int, role: Role, index: int) -> Iterator[Found]:
    """Names in a labelled value (文/记者 张三: a role word switches the role); stops at
    the first token that is no name."""
    closing = _closing_words()
    for first_start, tok_end in _tokens(text, start, end):
        token = text[first_start:tok_end]
        if token in closing:
            continue
        word, rest = _leading_role(token)
        if word is not None:
            role = _role_of(word) or role
            if not rest:
                continue
            token = rest
        spans = split_names(_squeeze(token), CREDIT_MIN_SCORE)
        if spans is None or is_unit(token):
            return
        yield from _found(text, tok_end - len(token), tok_end, spans, role=role, index=index)


def _found(
    text: str, start: int, end: int, spans: list[tuple[int, int]], *, role: Role, index: int
) -> Iterator[Found]:
    """Map spans of a squeezed token back to the text (a padding space may sit inside)."""
    positions = [i for i in range(start, end) if not text[i].isspace()]
    for s, e in spans:
        yield Found(
            text[positions[s] : positions[e - 1] + 1].replace(" ", ""),
            role,
            index,
            positions[s],
            positions[e - 1] + 1,
        )


def _squeeze(token: str) -> str:
    return "".join(token.split())


def _photo_caption(text: str, index: int, _count: int) -> Iterator[Found]:
    """A caption closed by its photographers: 图为学生们在上课。 王五 摄."""
    for pattern in rules.patterns("authors", "photo_caption"):
        match = pattern.search(text)
        if match:
            start, end = match.span("credit")
            yield from _credit(text, start, end, index, bare_ok=True)


# --- bare names heading the text: 2017-10-31丁刚 ------------------------------------------


def _bare_names(text: str, index: int, _count: int) -> list[Found]:
    # a list, not a generator: read in up to four paragraphs of every post, it nearly always
    # finds nothing, and a generator's set-up cost more than the pattern's one failed match
    found: list[Found] = []
    for pattern in rules.patterns("authors", "bare_name_line"):
        match = pattern.match(text)
        if not match:
            continue
        start, end = match.span("names")
        squeezed = _squeeze(text[start:end])
        spans = split_names(squeezed)
        if spans is not None and len(squeezed) <= 8:
            found.extend(_found(text, start, end, spans, role="author", index=index))
    return found
