"""Count labels (“三个保障”, 三点要求, 五促一稳) and the strategies that find their items."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from extractor import rules
from extractor.measures.labels import Label
from extractor.measures.text import (
    BRACKET_CHARS,
    CLAUSE_STOPS,
    SEGMENT_STOPS,
    SENTENCE_STOPS,
    Draft,
    Item,
    StopIndex,
    first_clause,
    first_stop,
    spans,
    stop_index,
    stop_positions,
    strip_span,
    unquote,
)
from extractor.numerals import (
    CLASSIFIERS,
    MAX_COUNT,
    label_parts,
)

#: A lead sentence (小标题) is at most this long: 迅速行动,全力以赴。
LEAD_MAX = 18
#: A verb before a quoted label (构建“三个保障”) is at most this long.
VERB_MAX = 4
#: Stops that end the clause holding a label's verb (构建“三个保障”).
VERB_STOPS = frozenset("，,；;。：:")
#: A verb is looked for only this far before its label (VERB_MAX and some spaces).
VERB_SCAN = 64
COMMAS = frozenset("，,")
DUN = frozenset("、")
NOT_SPACE = re.compile(r"\S")
#: Quote characters: a quoted piece before a label holds none of them.
QUOTES = frozenset('“”"')
QUOTE_OPENERS = frozenset('“"')
QUOTE_CLOSERS = frozenset('”"')
#: A quoted member before its label (“A”“B”四方面) is at most this long.
QUOTED_MAX = 30
#: Stops that end the sentence or clause holding the members before a label.
PRECEDING_STOPS = frozenset("。；;：:！!？?")
#: A label and the ordinal sequence it introduces are at most this far apart (”：, ”，即…).
GAP_MAX = 32
#: Clauses that may hold one part's item: “五清五查” → 清… , 查…
PART_STOPS = frozenset("，,；;。")
#: A part's items stand within this many characters of where they are looked for.
PART_REACH = 2000
#: Spaces, quotes and brackets that may precede a clause's first characters.
PART_HEAD_SLACK = 8
#: Search this many paragraphs after a label for items given by the label's parts.
PART_WINDOW = 3
#: Where a part's head may stand in a sentence's first clause (村组干部查村内道路).
PART_HEAD_WITHIN = 6


@dataclass
class Context:
    """The paragraphs, the labels found in them and the ordinal sequences."""

    paragraphs: list[str]
    labels: list[Label]
    sequences: list[Draft]
    #: Labels and sequences (nested ones too) by the paragraph they start in.
    labels_at: dict[int, list[Label]] = field(default_factory=dict)
    sequences_at: dict[int, list[Draft]] = field(default_factory=dict)

    #: Per paragraph: sequence starts, sorted, and the sequences in that order with their rank
    #: in tree order (so a window of them is found by bisect and tried in tree order).
    _seq_starts: dict[int, list[int]] = field(default_factory=dict)
    _seq_sorted: dict[int, list[tuple[int, Draft]]] = field(default_factory=dict)
    _body_ends: dict[int, int] = field(default_factory=dict)
    _openings: dict[tuple[int, str], list[Item]] = field(default_factory=dict)
    _label_starts: dict[int, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for label in self.labels:
            self.labels_at.setdefault(label.para, []).append(label)
        for top in self.sequences:
            for seq in top.walk():
                self.sequences_at.setdefault(seq.para, []).append(seq)
        for para, seqs in self.sequences_at.items():
            ranked = sorted(enumerate(seqs), key=lambda pair: pair[1].start)
            self._seq_sorted[para] = ranked
            self._seq_starts[para] = [seq.start for _, seq in ranked]

    def sequences_near(self, para: int, start: int, end: int) -> list[Draft]:
        """Sequences of paragraph `para` starting in [start, end], in tree order."""
        starts = self._seq_starts.get(para)
        if not starts:
            return []
        window = self._seq_sorted[para][bisect_left(starts, start) : bisect_right(starts, end)]
        return [seq for _, seq in sorted(window, key=lambda pair: pair[0])]

    def opening_sentences(self, para: int, opening: str) -> list[Item]:
        """Sentences of paragraph `para` that open with `opening` (cached: many labels ask)."""
        key = (para, opening)
        found = self._openings.get(key)
        if found is None:
            text = self.paragraphs[para]
            pieces = [
                (s, e)
                for s, e in stop_index(text).spans(SENTENCE_STOPS, 0, len(text))
                if text[s:e].lstrip().startswith(opening)
            ]
            found = self._openings[key] = _items(text, para, pieces)
        return list(found)

    def labels_between(self, para: int, start: int, end: int) -> list[Label]:
        """Labels of paragraph `para` starting in [start, end)."""
        found = self.labels_at.get(para, [])
        starts = self._label_starts.get(para)
        if starts is None:
            starts = self._label_starts[para] = [lab.start for lab in found]
        return found[bisect_left(starts, start) : bisect_left(starts, end)]

    def body_end(self, para: int) -> int:
        """Where paragraph `para` ends once its final sentence stops are cut off."""
        found = self._body_ends.get(para)
        if found is None:
            found = self._body_ends[para] = len(self.paragraphs[para].rstrip("。！!？?"))
        return found


def _draft(label: Label, items: list[Item], ctx: Context) -> Draft:
    text = ctx.paragraphs[label.para] if label.where == "paragraph" else ""
    return Draft(
        label=label.text,
        declared=label.count,
        items=items,
        para=label.para,
        start=label.start,
        end=label.end,
        where=label.where,
        heading=_heading(text, label) if text else None,
        purpose=_purpose(text, label) if text else None,
        labelled=True,
    )


def _heading(text: str, label: Label) -> str:
    """The sentence stating the label."""
    index = stop_index(text)
    before = index.last(SENTENCE_STOPS, label.start)
    after = index.first(SENTENCE_STOPS, label.start)
    start = 0 if before is None else before + 1
    end = len(text) if after is None else after + 1
    sentence = text[start:end].strip()
    return sentence or text.strip()


def _purpose(text: str, label: Label) -> str | None:
    """The clause after the label: 构建“三个保障”，完善就业工作机制 → 完善就业工作机制."""
    if text[label.end : label.end + 1] not in ("，", ","):
        return None
    stop = stop_index(text).first(CLAUSE_STOPS, label.end + 1)
    return first_clause(text[label.end + 1 : stop]) or None


def _item(text: str, para: int, start: int, end: int, name: str | None = None) -> Item | None:
    start, end = strip_span(text, start, end)
    if end <= start:
        return None
    body = text[start:end]
    name = first_clause(body) if name is None else name
    return Item(name, body, para, start, end, scope_end=(para, end)) if name else None


def _items(text: str, para: int, pieces: list[tuple[int, int]]) -> list[Item]:
    found = [_item(text, para, s, e) for s, e in pieces]
    return [it for it in found if it]


# --- Strategy: an ordinal sequence right after the label -----------------------------


def attach_sequence(label: Label, ctx: Context) -> Draft | None:
    """八项工作,即一是…, “三个到位”:一是…, or a label closing the paragraph before 一是…."""
    text = ctx.paragraphs[label.para]
    own = ctx.labels_at.get(label.para, [])  # sorted by start
    later = bool(own) and own[-1].start > label.start
    back = text.endswith(tuple(rules.strings("measures", "refers_back")), 0, label.start)
    for seq in ctx.sequences_near(label.para, label.end, label.end + GAP_MAX):
        if seq.labelled:
            continue
        gap = text[label.end : seq.start]
        if re.fullmatch(r"[”\"]?\s*(?:[，,：:]?\s*即?|[^。；;！!？?]{0,10}[：:])\s*", gap):
            return _adopt(seq, label, ctx)
    if later or back:
        return None
    for seq in ctx.sequences_near(label.para + 1, 0, 0):
        if seq.labelled:
            continue
        body_end = ctx.body_end(label.para)
        last = stop_index(text).first(SENTENCE_STOPS, label.end, body_end) is None
        if label.count == len(seq.items) or last:
            return _adopt(seq, label, ctx)
    return None


def _adopt(seq: Draft, label: Label, ctx: Context) -> Draft:
    """Give an ordinal sequence the label's words and count (it stays where it is in the tree)."""
    own = _draft(label, seq.items, ctx)
    seq.label, seq.declared, seq.labelled = own.label, own.declared, True
    seq.heading, seq.purpose = own.heading, own.purpose
    seq.para, seq.start, seq.end, seq.where = label.para, label.start, label.end, label.where
    return seq


# --- Strategy: following paragraphs that each open a nested labelled group ----------


def nested_heads(label: Label, ctx: Context) -> Draft | None:
    """实施“六项举措” then paragraphs 聚焦“三个精准”：A；B；C — items that are groups themselves."""
    items: list[Item] = []
    children: list[Draft] = []
    heads: list[Label] = []
    for q in range(label.para + 1, len(ctx.paragraphs)):
        head = next(
            (
                lab
                for lab in ctx.labels_at.get(q, [])
                if lab.quoted and lab.start <= VERB_MAX + 2 and not lab.used
            ),
            None,
        )
        text = ctx.paragraphs[q]
        if head is None or text[head.end : head.end + 1] not in ("：", ":"):
            break
        child = colon_list(head, ctx)
        if child is None:
            break
        heads.append(head)
        child.parent_item = len(items)
        children.append(child)
        items.append(Item(text[: head.end], text, q, 0, len(text), scope_end=(q, len(text))))
    if len(items) < 2:
        return None
    for head in heads:
        head.used = True
    draft = _draft(label, items, ctx)
    draft.children = children
    return draft


# --- Strategy: a list right after the label -----------------------------------------


def colon_list(label: Label, ctx: Context) -> Draft | None:
    """聚焦“三个精准”：A；B；C。 or 5个具体目标,即A、B、C、D和E。"""
    text = ctx.paragraphs[label.para]
    intro = next(
        (m for p in rules.patterns("measures", "list_after") if (m := p.match(text, label.end))),
        None,
    )
    if intro is None:
        return None
    start = intro.end()
    if text[start - 1] in "（(":  # 三项措施（A、B、C）: the list ends with the bracket
        end = min((i for i in (text.find("）", start), text.find(")", start)) if i > 0), default=-1)
        if end < 0:
            return None
    else:
        stop = stop_index(text).first(SENTENCE_STOPS, start)
        end = stop if stop is not None else len(text)
    pieces = stop_index(text).spans(SEGMENT_STOPS, start, end)
    if len(pieces) < 2:
        pieces = _list_members(text, start, end, label.count)
    items = _items(text, label.para, pieces)
    return _draft(label, items, ctx) if len(items) >= 2 else None


def _list_members(text: str, start: int, end: int, count: int | None) -> list[tuple[int, int]]:
    """Members of an 、-list in text[start:end]; the last split at 和/及 when one is missing."""
    pieces = [
        (s, e - 1 if text[e - 1] == "、" else e)
        for s, e in spans(text[start:end], frozenset("、"), start)
    ]
    if count and len(pieces) == count - 1 and pieces:
        s, e = pieces[-1]
        for joiner in rules.strings("measures", "list_joiners"):
            at = text.find(joiner, s, e)
            if at > s:
                pieces[-1:] = [(s, at), (at + len(joiner), e)]
                break
    return pieces


# --- Strategy: sentences of the next paragraph that repeat the heading's verb --------


def verb_sentences(label: Label, ctx: Context) -> Draft | None:
    """构建“三个保障”，… then 构建组织保障，…。构建制度保障，…。构建条件保障，…。"""
    text = ctx.paragraphs[label.para]
    if not label.quoted or label.para + 1 >= len(ctx.paragraphs):
        return None
    before = stop_index(text).last(VERB_STOPS, label.start)
    clause_start = 0 if before is None else before + 1
    verb = (
        text[clause_start : label.start].strip() if label.start - clause_start <= VERB_SCAN else ""
    )
    parts = label_parts(label.text) or []
    # the items repeat the heading's verb (构建“三个保障”) or the label's head (“四个聚焦”)
    openings = [w for w in (verb, parts[-1][1].lstrip("".join(CLASSIFIERS)) if parts else "") if w]
    q = label.para + 1
    for opening in openings:
        if len(opening) > VERB_MAX:
            continue
        items = ctx.opening_sentences(q, opening)
        if len(items) >= 2:
            return _draft(label, items, ctx)
    return None


# --- Strategy: ;-separated items after the label, no markers ------------------------


def semicolon_run(label: Label, ctx: Context) -> Draft | None:
    """严把三关。严把时间关,…;严把责任关,…;严把质量关,…。 (exactly the declared number)."""
    text = ctx.paragraphs[label.para]
    offset = label.end
    while text[offset : offset + 1] in ("”", '"'):
        offset += 1
    if not label.count or label.count < 2 or text[offset : offset + 1] not in ("，", ",", "。"):
        return None
    start = offset + 1
    index = stop_index(text)
    stop = index.first(SENTENCE_STOPS, start)
    end = stop if stop is not None else len(text)
    # more stops than twice the count cannot cut exactly `count` pieces: not listed at all
    enough = 2 * label.count + 2
    pieces = (
        index.spans(SEGMENT_STOPS, start, end)
        if index.count(SEGMENT_STOPS, start, end) <= enough
        else []
    )
    if len(pieces) == label.count:
        items = _items(text, label.para, pieces)
        if len(items) == label.count and _alike([it.name for it in items], label):
            return _draft(label, items, ctx)
    # 要做到“两个坚持”，坚持人民至上，坚持生命至上。 — comma clauses need one opening
    if index.count(COMMAS, start, end) > enough:
        return None
    pieces = index.spans(COMMAS, start, end)
    items = _items(text, label.para, pieces)
    if len(items) == label.count and len({it.name[:2] for it in items}) == 1:
        return _draft(label, items, ctx)
    return None


def _alike(names: list[str], label: Label) -> bool:
    """Unmarked items belong together: one opening (严把…), one length, or the label's head."""
    heads = {head[-1] for _, head in label_parts(label.text) or []}
    return (
        len({name[:2] for name in names}) == 1
        or len({len(name) for name in names}) == 1
        or any(all(name.endswith(h) for name in names) for h in heads)
    )


# --- Strategy: the next paragraphs open with short lead sentences -------------------


def lead_paragraphs(label: Label, ctx: Context) -> Draft | None:
    """“吹拉弹唱”四部曲 then four paragraphs “吹响集结号”。…"""
    if not label.count or label.count < 2:
        return None
    items = []
    for q in range(label.para + 1, min(label.para + 1 + label.count, len(ctx.paragraphs))):
        lead = lead_sentence(ctx.paragraphs[q], q)
        if lead is None:
            return None
        items.append(lead)
    return _draft(label, items, ctx) if len(items) == label.count else None


def lead_sentence(text: str, para: int = 0) -> Item | None:
    """A short lead sentence (小标题) opening a longer paragraph: 迅速行动,全力以赴。"""
    stop = first_stop(text[: LEAD_MAX + 1], SENTENCE_STOPS)
    if stop is not None and BRACKET_CHARS.search(text, 0, stop) is not None:
        stop = stop_index(text).first(SENTENCE_STOPS, 0)  # a quote may hide the stop
    if stop is None or stop > LEAD_MAX or NOT_SPACE.search(text, stop + 1) is None:
        return None
    head = text[:stop]
    clauses = [c for c in re.split(r"[，,]", head) if c]
    if len(clauses) > 2 or (len(clauses) == 2 and len(clauses[1]) > 6) or len(head) < 4:
        return None
    name = unquote(first_clause(head))
    return Item(name, text, para, 0, len(text), scope_end=(para, len(text))) if name else None


# --- Strategy: the items stand before the label -------------------------------------


def preceding_list(label: Label, ctx: Context) -> Draft | None:
    """A、B和C等三大方面; “A、B、C”的“四联包”; “A”“B”“C”“D”四方面; A,B,C这三方面; 百千万."""
    text = ctx.paragraphs[label.para]
    end = label.start
    closers = rules.strings("measures", "list_closers")
    closer = next((c for c in closers if text.endswith(c, 0, end)), "")
    end -= len(closer)
    quoted = _quotes_before(text, end, QUOTED_MAX)
    if len(quoted) >= 2:  # “加强合作,强化团队意识”“加强常规,…”四方面
        items = [it for s, e in quoted if (it := _item(text, label.para, s, e, text[s:e]))]
        return _draft(label, items, ctx) if len(items) >= 2 else None
    inner = _quotes_before(text, end, None, 1)
    index = stop_index(text)
    if inner:  # “镇包区、区包村、村包组、组包户”的“四联包”
        start, stop = inner[0]
    else:
        last = index.last(PRECEDING_STOPS, end)
        start, stop = (last + 1 if last is not None else 0), end
    if closer == "这" and label.count:  # A,B,C这三方面: the last N comma pieces
        pieces = spans(text[start:stop], COMMAS, start)[-label.count :]
        pieces = [(s, e - 1 if text[e - 1] in "，," else e) for s, e in pieces]
    else:
        comma = _last_comma(text, start, stop, index, bool(inner))
        if comma is not None:
            start = comma + 1
        if text.find("、", start, stop) < 0:
            return None
        dun = index.marks(DUN)
        if bisect_left(dun, stop) - bisect_left(dun, start) > MAX_COUNT:
            return None  # more members than any count: a list of things, not this label's
        pieces = _list_members(text, start, stop, label.count)
    if len(pieces) < 2 or not _plausible_list(text, pieces, label, closer=closer, ctx=ctx):
        return None
    pieces[0] = (_strip_opener(text, *pieces[0], label), pieces[0][1])
    items = _items(text, label.para, pieces)
    if label.count is None and not _acrostic(label.text, items):
        return None
    return _draft(label, items, ctx) if len(items) >= 2 else None


def _quotes_before(
    text: str, end: int, longest: int | None, most: int | None = None
) -> list[tuple[int, int]]:
    """The quoted pieces (inner spans) that end right at `end`, back to front, in text order.

    Read backwards from `end`, so a label late in a long paragraph costs the quotes before it,
    not the paragraph (a `$`-anchored search would try every start). A piece holds no quote
    and at most `longest` characters; reading stops after `most` pieces.
    """
    found: list[tuple[int, int]] = []
    marks = stop_index(text).marks(QUOTES)
    at = end
    while (most is None or len(found) < most) and at > 0 and text[at - 1] in QUOTE_CLOSERS:
        i = bisect_left(marks, at - 1) - 1  # the nearest quote before the closing one
        opener = marks[i] if i >= 0 else -1
        inner = at - 2 - opener
        if opener < 0 or text[opener] not in QUOTE_OPENERS or inner < 1:
            break
        if longest is not None and inner > longest:
            break
        found.append((opener + 1, at - 1))
        at = opener
    return found[::-1]


def _last_comma(text: str, start: int, stop: int, index: StopIndex, quoted: bool) -> int | None:
    """The last comma of text[start:stop] outside quotes (a quoted list is balanced by itself)."""
    if quoted:
        commas = stop_positions(text[start:stop], COMMAS)
        return start + commas[-1] if commas else None
    return index.last(COMMAS, stop, start)


def _plausible_list(
    text: str,
    pieces: list[tuple[int, int]],
    label: Label,
    *,
    closer: str,
    ctx: Context,
) -> bool:
    """Items before their label are counted by it: exactly, or fewer when 等 says the list is cut.

    No member may hold 等 (the list ended before it) or be a count label itself
    (10项目标任务、9个工作重点、6方面…).
    """
    if text[label.start - len(closer) - 1 : label.start - len(closer)] == "、":
        return False  # the label is itself a member of a list
    counted = label.count is None or (
        len(pieces) == label.count or (closer.startswith("等") and len(pieces) < label.count)
    )
    if not counted or any(text.find("等", s, e) >= 0 for s, e in pieces):
        return False
    starts = [s for s, _ in pieces]
    for lab in ctx.labels_between(label.para, pieces[0][0], pieces[-1][1]):
        i = bisect_right(starts, lab.start) - 1
        if lab is not label and not lab.quoted and i >= 0 and lab.start < pieces[i][1]:
            return False
    return True


def _strip_opener(text: str, start: int, end: int, label: Label) -> int:
    """Where the first member starts once the list's verb or preposition is cut off."""
    member = text[start:end]
    if label.count is None and label.text[:1] in member:  # acrostic: 着力推进百名… → 百名…
        return start + member.index(label.text[0])
    for verb in rules.strings("measures", "list_verbs"):
        at = member.rfind(verb)
        if at >= 0 and len(member) - at - len(verb) >= 2:
            return start + at + len(verb)
    for prep in rules.strings("measures", "list_prepositions"):
        at = member.find(prep)
        if at >= 0 and len(member) - at - len(prep) >= 2:
            return start + at + len(prep)
    return start


def _acrostic(word: str, items: list[Item]) -> bool:
    """百千万 over 百名…、千名…、万名…: each character opens one item, in order."""
    return len(word) == len(items) and all(
        it.name.startswith(ch) for ch, it in zip(word, items, strict=True)
    )


# --- Strategy: a label of several parts, each part's items found by its head --------


def part_items(label: Label, ctx: Context) -> Draft | None:
    """“五清五查”: clauses opening with 清, sentences whose subject 查s; “三亮三比” in part."""
    parts = label_parts(label.text) if label.quoted else None
    if not parts or len(parts) < 2 or any(count < 2 for count, _ in parts):
        return None
    window = range(label.para, min(label.para + PART_WINDOW, len(ctx.paragraphs)))
    items: list[Item] = []
    for count, head in parts:
        found = _part_candidates(ctx, label, window, head[0], count)
        items.extend(found)
    return _draft(label, items, ctx) if items else None


def _part_candidates(ctx: Context, label: Label, window: range, ch: str, count: int) -> list[Item]:
    """Items of one part: the first of three readings that gives exactly `count`."""
    quoted = _quoted_part(ch)
    readings: list[Callable[[str, int, int], list[Item]]] = [
        lambda t, q, s: _items(
            t,
            q,
            [
                p
                for p in stop_index(t).spans(PART_STOPS, s, _reach(t, s))
                if _opens_with(t, p[0], ch)
            ],
        ),
        lambda t, q, s: _items(
            t,
            q,
            [
                p
                for p in stop_index(t).spans(SENTENCE_STOPS, s, _reach(t, s))
                # the head stands in the clause's first characters: look there first
                if ch in t[p[0] : p[0] + PART_HEAD_WITHIN + PART_HEAD_SLACK]
                and ch in first_clause(t[p[0] : p[1]])[:PART_HEAD_WITHIN]
            ],
        ),
        lambda t, q, s: [
            it
            for m in quoted.finditer(t, s, _reach(t, s))
            if (it := _item(t, q, m.start(1), m.end(1)))
        ],
    ]
    for read in readings:
        found = []
        for q in window:
            text = ctx.paragraphs[q]
            found.extend(read(text, q, label.end if q == label.para else 0))
        if len(found) == count:
            return found
    return []


def _reach(text: str, start: int) -> int:
    """Where a part's items stop being looked for: PART_REACH characters on (a whole sentence)."""
    if len(text) - start <= PART_REACH:
        return len(text)
    stop = stop_index(text).first(SENTENCE_STOPS, start + PART_REACH)
    return len(text) if stop is None else stop + 1


def _opens_with(text: str, start: int, ch: str) -> bool:
    """Whether text[start:] opens with `ch` once spaces are skipped (no slice of the rest)."""
    found = NOT_SPACE.search(text, start)
    return found is not None and text.startswith(ch, found.start())


@cache
def _quoted_part(ch: str) -> re.Pattern[str]:
    """A short quoted phrase opening with a part's head: “清理…”."""
    return re.compile(rf"“({re.escape(ch)}[^“”]{{1,8}})”")


#: Strategies in the order they are tried (specific to generic).
STRATEGIES: tuple[Callable[[Label, Context], Draft | None], ...] = (
    attach_sequence,
    nested_heads,
    colon_list,
    verb_sentences,
    semicolon_run,
    lead_paragraphs,
    preceding_list,
    part_items,
)


def label_groups(ctx: Context) -> list[Draft]:
    """Groups of the labels that have items; a label without any (a slogan) gives none."""
    found: list[Draft] = []
    stated: set[str] = set()
    for label in ctx.labels:
        if label.used or label.text in stated:  # a label restated later is the same group
            continue
        for strategy in STRATEGIES:
            draft = strategy(label, ctx)
            if draft is not None:
                label.used = True
                stated.add(label.text)
                if draft.family is None:  # an adopted sequence is already in the tree
                    found.append(draft)
                break
    return found
