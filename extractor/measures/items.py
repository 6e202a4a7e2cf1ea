"""Item finders for a count label, in one ordered table (`FINDERS`); the best fit wins."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from functools import cache
from typing import Final

from extractor import rules
from extractor.measures.before import preceding_list, preceding_openings
from extractor.measures.context import (
    OPENING_STOPS,
    Context,
    limit,
    list_members,
    make_draft,
    make_item,
    make_items,
)
from extractor.measures.guards import is_thing_label, label_head
from extractor.measures.labels import Label, joined_list_after
from extractor.measures.text import (
    BRACKET_CHARS,
    SEGMENT_STOPS,
    SENTENCE_END,
    SENTENCE_STOPS,
    Draft,
    Item,
    StopIndex,
    first_clause,
    first_stop,
    stop_index,
    strip_span,
    unquote,
)
from extractor.numerals import (
    CLASSIFIERS,
    label_parts,
)

#: A lead sentence (小标题) is at most this long: 迅速行动,全力以赴。
LEAD_MAX: Final = limit("lead_max")
#: A verb before a quoted label (构建“三个保障”) is at most this long.
VERB_MAX: Final = 4
#: Stops that end the clause holding a label's verb (构建“三个保障”).
VERB_STOPS: Final = frozenset("，,；;。：:")
#: A verb is looked for only this far before its label (VERB_MAX and some spaces).
VERB_SCAN: Final = 64
COMMAS: Final = frozenset("，,")
COMMA_SPLIT: Final = re.compile(r"[，,]")
COLON: Final = re.compile(r"[：:]")
NOT_SPACE: Final = re.compile(r"\S")
#: An intro that promises a list (即, 包括, 分别是): its comma clauses are items.
STRONG_INTRO: Final = re.compile(r"即|包括|分别|涉及|涵盖|包含")
#: Words that are never an item: what introduces items.
NOT_ITEMS: Final = frozenset({"即", "即：", "包括", "分别是"})
#: A label and the ordinal sequence it introduces are at most this far apart (”：, ”，即…,
#: 从9个方面报告了过去五年的工作：一是…).
GAP_MAX: Final = limit("gap_max")
#: The rest of the label's sentence before its sequence (从五个方面提出了政策措施。一是…):
#: taken only when the sequence has the label's count.
LEAD_SENTENCE: Final = re.compile(r"[”\"]?[^。；;！!？?：:]{0,48}[。：:]\s*")
#: What may stand between a label and its sequence: a comma, 即 or a full stop (提出七点要求。
#: 一要…), one clause to a colon, or a short clause to a comma (五个方面的具体要求，一是…).
LEAD_TO_SEQUENCE: Final = re.compile(
    r"[”\"]?\s*(?:[，,：:。]?\s*即?|[^。；;！!？?，,]{0,30}[：:]|[^。；;！!？?，,：:]{0,12}[，,])\s*"
)
#: Clauses that may hold one part's item: “五清五查” → 清… , 查…
PART_STOPS: Final = frozenset("，,；;。")
#: A part's items stand within this many characters of where they are looked for.
PART_REACH: Final = 2000
#: Spaces, quotes and brackets that may precede a clause's first characters.
PART_HEAD_SLACK: Final = 8
#: Search this many paragraphs after a label for items given by the label's parts.
PART_WINDOW: Final = limit("part_window")
#: Where a part's head may stand in a sentence's first clause (村组干部查村内道路).
PART_HEAD_WITHIN: Final = 6


# --- Strategy: an ordinal sequence right after the label -----------------------------


def attach_sequence(label: Label, ctx: Context) -> Draft | None:
    """八项工作,即一是…, “三个到位”:一是…, or a label closing the paragraph before 一是…."""
    text = ctx.paragraphs[label.para]
    for seq in ctx.sequences_near(label.para, label.end, label.end + GAP_MAX):
        if seq.labelled:
            continue
        gap = text[label.end : seq.start]
        if LEAD_TO_SEQUENCE.fullmatch(gap):
            return _adoption(seq, label, ctx)
        if LEAD_SENTENCE.fullmatch(gap) and label.count == len(seq.items):
            return _adoption(seq, label, ctx)  # 从6个方面提出了政策措施。一是… (count met)
    if text.endswith(rules.strings("measures", "refers_back"), 0, label.start):
        return None
    own = ctx.labels_at.get(label.para, [])  # sorted by start
    later = bool(own) and own[-1].start > label.start
    for seq in ctx.sequences_near(label.para + 1, 0, 0):
        if seq.labelled:
            continue
        body_end = ctx.body_end(label.para)
        last = stop_index(text).first(SENTENCE_STOPS, label.end, body_end) is None
        # a later label of the paragraph may name the sequence instead: then the count decides
        if label.count == len(seq.items) or (last and not later):
            return _adoption(seq, label, ctx)
    return None


def _adoption(seq: Draft, label: Label, ctx: Context) -> Draft:
    """A candidate naming the sequence: adopted only if it wins (see `label_groups`)."""
    draft = make_draft(label, seq.items, ctx)
    draft.adopts = seq
    return draft


def _adopt(seq: Draft, own: Draft) -> Draft:
    """Give an ordinal sequence the label's words and count (it stays where it is in the tree)."""
    seq.label, seq.declared, seq.labelled = own.label, own.declared, True
    seq.heading, seq.purpose = own.heading, own.purpose
    seq.para, seq.start, seq.end, seq.where = own.para, own.start, own.end, own.where
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
    draft = make_draft(label, items, ctx)
    draft.children = children
    draft.consumes = list(heads)
    return draft


# --- Strategy: a list right after the label -----------------------------------------


def colon_list(label: Label, ctx: Context) -> Draft | None:
    """聚焦“三个精准”：A；B；C。 or 5个具体目标,即A、B、C、D和E。"""
    text = ctx.paragraphs[label.para]
    intro = list_intro(text, label.end)
    if intro is None:
        return None
    start = intro.end()
    para = label.para
    if not text[start:].strip() and COLON.search(intro.group()) and para + 1 < len(ctx.paragraphs):
        # 主要有以下三项： ¶ A；B；C。 — the list is the next paragraph's first sentence
        para, text, start = para + 1, ctx.paragraphs[para + 1], 0
        if ctx.next_marker(para, -1, len(text)) < len(text):
            return None  # an ordinal sequence there is attach_sequence's
    if "（" in intro.group() or "(" in intro.group():  # 三项措施（A、B、C）: up to the bracket
        end = min((i for i in (text.find("）", start), text.find(")", start)) if i > 0), default=-1)
        if end < 0:
            return None
    else:
        stop = stop_index(text).first(SENTENCE_STOPS, start)
        end = stop if stop is not None else len(text)
    end = ctx.next_marker(para, start, end)  # a list inside an item ends with it
    pieces = stop_index(text).spans(SEGMENT_STOPS, start, end)
    if len(pieces) < 2:
        pieces = list_members(text, start, end, label.count)
    if len(pieces) < 2 and STRONG_INTRO.search(intro.group()):
        # 三个转变，即A，B (the text may end before the list does): clauses after 即
        pieces = stop_index(text).spans(COMMAS, start, end)
    items = [it for it in make_items(text, para, pieces) if it.name not in NOT_ITEMS]
    return make_draft(label, items, ctx) if len(items) >= 2 else None


def list_intro(text: str, at: int) -> re.Match[str] | None:
    """The first `list_after` pattern's match at `at` (，即 / ： / （), if one matches there.

    Most labels have none after them: one match of the joined patterns tells, in C, before
    they are asked in their order (the first that matches is the one a finder reads).
    """
    if joined_list_after().match(text, at) is None:
        return None
    return next(
        (m for p in rules.patterns("measures", "list_after") if (m := p.match(text, at))), None
    )


# --- Strategy: sentences of the next paragraph that repeat the heading's verb --------


def verb_sentences(label: Label, ctx: Context) -> Draft | None:
    """构建“三个保障”，… then 构建组织保障，…。构建制度保障，…。构建条件保障，…。"""
    text = ctx.paragraphs[label.para]
    if not label.quoted or label.para + 1 >= len(ctx.paragraphs):
        return None
    q = label.para + 1
    verb = ""
    # The verb ends with the label's last character before it that is no space, and only a
    # verb the next paragraph holds twice is tried: when it holds that character fewer times
    # (most labels), the verb's clause is not looked for (a scan of the paragraph's stops).
    last = label.start - 1
    while last >= 0 and text[last].isspace():
        last -= 1
    if last >= 0 and ctx.paragraphs[q].count(text[last]) >= 2:
        before = stop_index(text).last(VERB_STOPS, label.start)
        clause_start = 0 if before is None else before + 1
        if label.start - clause_start <= VERB_SCAN:
            verb = text[clause_start : label.start].strip()
    parts = label_parts(label.text) or []
    # the items repeat the heading's verb (构建“三个保障”) or the label's head (“四个聚焦”)
    openings = [w for w in (verb, parts[-1][1].lstrip("".join(CLASSIFIERS)) if parts else "") if w]
    for opening in openings:
        if len(opening) > VERB_MAX or ctx.paragraphs[q].count(opening) < 2:
            continue  # two sentences opening with it hold it twice
        items = ctx.opening_sentences(q, opening)
        if len(items) >= 2:
            return make_draft(label, items, ctx)
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
    # Stops of a kind cut at most one piece more than there are of them, quoted ones or not:
    # with fewer than count - 1 in the rest of the paragraph (str.count), then in the
    # sentence, that kind cuts too few pieces and its stops are not listed (most labels).
    need = label.count - 1
    if _raw_count(text, SEGMENT_STOPS, start) < need and _raw_count(text, COMMAS, start) < need:
        return None
    index = stop_index(text)
    stop = index.first(SENTENCE_STOPS, start)
    end = stop if stop is not None else len(text)
    items = _segment_items(label, index, start, end) or _comma_items(label, index, start, end)
    return make_draft(label, items, ctx) if items else None


def _segment_items(label: Label, index: StopIndex, start: int, end: int) -> list[Item] | None:
    """Exactly `count` ;-separated pieces of text[start:end] that belong together."""
    count, text = label.count or 0, index.text
    # more stops than twice the count cannot cut exactly `count` pieces: not listed at all
    if _raw_count(text, SEGMENT_STOPS, start, end) < count - 1:
        return None
    if index.count(SEGMENT_STOPS, start, end) > 2 * count + 2:
        return None
    pieces = index.spans(SEGMENT_STOPS, start, end)
    if len(pieces) != count:
        return None
    items = make_items(text, label.para, pieces)
    if len(items) == count and _alike([it.name for it in items], label):
        return items
    return None


def _comma_items(label: Label, index: StopIndex, start: int, end: int) -> list[Item] | None:
    """要做到“两个坚持”，坚持人民至上，坚持生命至上。 — comma clauses need one opening."""
    count, text = label.count or 0, index.text
    if _raw_count(text, COMMAS, start, end) < count - 1:
        return None  # too few pieces, as below
    if index.count(COMMAS, start, end) > 2 * count + 2:
        return None
    pieces = index.spans(COMMAS, start, end)
    if len(pieces) < count:
        return None  # each item is made of one piece: too few (most clauses) make too few
    items = make_items(text, label.para, pieces)
    if len(items) == count and len({it.name[:2] for it in items}) == 1:
        return items
    return None


def _raw_count(text: str, stops: frozenset[str], start: int, end: int | None = None) -> int:
    """How many of `stops` stand in text[start:end], quoted or not (one str.count each)."""
    end = len(text) if end is None else end
    found = 0
    for ch in stops:  # (a loop, not sum() of a generator: no frame per character)
        found += text.count(ch, start, end)
    return found


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
    return make_draft(label, items, ctx) if len(items) == label.count else None


def lead_sentence(text: str, para: int = 0) -> Item | None:
    """A short lead sentence (小标题) opening a longer paragraph: 迅速行动,全力以赴。"""
    if SENTENCE_END.search(text, 0, LEAD_MAX + 1) is None:
        return None  # no stop within reach (most paragraphs): no slice, no balancing
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


# --- Strategy: a label of several parts, each part's items found by its head --------


def part_items(label: Label, ctx: Context) -> Draft | None:
    """“五清五查”: clauses opening with 清, sentences whose subject 查s; “三亮三比” in part."""
    parts = label_parts(label.text) if label.quoted else None
    if not parts or len(parts) < 2 or any(count < 2 for count, _ in parts):
        return None
    window = _PartWindow(label, ctx)
    items: list[Item] = []
    for count, head in parts:
        found = _part_candidates(window, head[0], count)
        items.extend(found)
    return make_draft(label, items, ctx) if items else None


class _PartWindow:
    """The paragraphs a label's parts are read in, each cut into clauses and into sentences
    once for all the parts (each part filters the same pieces by its own head)."""

    def __init__(self, label: Label, ctx: Context) -> None:
        last = min(label.para + PART_WINDOW, len(ctx.paragraphs))
        #: (paragraph, text, where its items are looked for from)
        self.texts = [
            (q, ctx.paragraphs[q], label.end if q == label.para else 0)
            for q in range(label.para, last)
        ]
        self._pieces: dict[frozenset[str], list[list[tuple[int, int]]]] = {}
        self._openings: list[list[tuple[tuple[int, int], str]]] | None = None

    def pieces(self, stops: frozenset[str]) -> list[list[tuple[int, int]]]:
        """Each paragraph's pieces cut at `stops`, within a part's reach."""
        found = self._pieces.get(stops)
        if found is None:
            found = self._pieces[stops] = [
                stop_index(t).spans(stops, s, _reach(t, s)) for _, t, s in self.texts
            ]
        return found

    def clause_openings(self) -> list[list[tuple[tuple[int, int], str]]]:
        """Each paragraph's clauses (PART_STOPS) with the character each opens with once
        spaces are skipped: a part takes those opening with its head."""
        if self._openings is None:
            self._openings = [
                [(p, _opening(t, p[0])) for p in pieces]
                for (_, t, _), pieces in zip(self.texts, self.pieces(PART_STOPS), strict=True)
            ]
        return self._openings


def _part_candidates(window: _PartWindow, ch: str, count: int) -> list[Item]:
    """Items of one part: the first of three readings that gives exactly `count`."""
    quoted = _quoted_part(ch)
    readings: list[Callable[[], list[list[Item]]]] = [
        lambda: [
            make_items(t, q, [p for p, first in openings if first == ch])
            for (q, t, _), openings in zip(window.texts, window.clause_openings(), strict=True)
        ],
        lambda: [
            make_items(
                t,
                q,
                [
                    p
                    for p in pieces
                    # the head stands in the clause's first characters: look there first
                    if ch in t[p[0] : p[0] + PART_HEAD_WITHIN + PART_HEAD_SLACK]
                    and ch in first_clause(t[p[0] : p[1]])[:PART_HEAD_WITHIN]
                ],
            )
            for (q, t, _), pieces in zip(window.texts, window.pieces(SENTENCE_STOPS), strict=True)
        ],
        lambda: [
            [
                it
                for m in quoted.finditer(t, s, _reach(t, s))
                if (it := make_item(t, q, m.start(1), m.end(1)))
            ]
            for q, t, s in window.texts
        ],
    ]
    for read in readings:
        found = [it for items in read() for it in items]
        if len(found) == count:
            return found
    return []


def _reach(text: str, start: int) -> int:
    """Where a part's items stop being looked for: PART_REACH characters on (a whole sentence)."""
    if len(text) - start <= PART_REACH:
        return len(text)
    stop = stop_index(text).first(SENTENCE_STOPS, start + PART_REACH)
    return len(text) if stop is None else stop + 1


def _opening(text: str, start: int) -> str:
    """The first character of text[start:] that is no space ("" if none; no slice of the rest)."""
    if start < len(text) and not text[start].isspace():
        return text[start]  # (most pieces: no space to skip, so no scan)
    found = NOT_SPACE.search(text, start)
    return found.group() if found is not None else ""


@cache
def _quoted_part(ch: str) -> re.Pattern[str]:
    """A short quoted phrase opening with a part's head: “清理…”."""
    return re.compile(rf"“({re.escape(ch)}[^“”]{{1,8}})”")


# --- Finder: clauses after the label that open alike (要…；要…；要…) ---------------------


def clause_openings(label: Label, ctx: Context) -> Draft | None:
    """三点要求：要压实…。明确分工；要完善…。组织演练；要强化… — clauses sharing an opening."""
    text = ctx.paragraphs[label.para]
    intro = list_intro(text, label.end)
    if intro is None or not label.count:
        return None
    start = intro.end()
    index = stop_index(text)
    stops = index.positions(OPENING_STOPS)
    ahead = bisect_left(stops, start) + OPENING_SCAN * label.count  # only the next clauses
    end = ctx.next_marker(label.para, start, stops[ahead] + 1 if ahead < len(stops) else len(text))
    pieces = index.spans(OPENING_STOPS, start, end)[: OPENING_SCAN * label.count]
    if len(pieces) < 2:
        return None
    first = text[pieces[0][0] : pieces[0][1]].strip()
    opening = first[:1]
    if not opening or not "\u4e00" <= opening <= "\u9fff":
        return None
    alike = [p for p in pieces if text[p[0] : p[1]].lstrip().startswith(opening)]
    items = make_items(text, label.para, alike[: label.count])
    if len(items) < 2 or len(alike) == len(pieces):
        return None  # all pieces alike is a plain list: colon_list reads it
    return make_draft(label, items, ctx)


#: How many clauses per item an opening run reads at most.
OPENING_SCAN: Final = 4


# --- Finder: heading-only paragraphs after the label, each followed by its body -----------


def heading_paragraphs(label: Label, ctx: Context) -> Draft | None:
    """围绕“三个到位” ¶ 宣传发动到位 ¶ body ¶ 设施配套到位 ¶ body … — short heads, then bodies."""
    if not label.count:
        return None
    items = heading_run(ctx.paragraphs, label.para + 1, label.count)
    if len(items) != label.count:
        return None  # brief headings after a story are no items: the count must be met
    head = label_head(label.text)[-2:]
    heads = [it.text for it in items]
    if not parallel_heads(heads):
        return None  # headlines of bundled briefs differ in shape; section heads do not
    two_clauses = all(len(COMMA_SPLIT.split(h)) == 2 for h in heads)
    if not (two_clauses or all(it.name.endswith(head) for it in items)):
        return None  # the heads restate the label's head (…到位) or are two-clause section heads
    return make_draft(label, items, ctx)


def heading_run(
    paragraphs: list[str], q: int, most: int | None = None, heads: list[bool] | None = None
) -> list[Item]:
    """Heading-only paragraphs from `q` on, alternating with longer body paragraphs.

    `heads` holds `is_heading` of each paragraph (stripped) when the caller has asked it.
    """
    items: list[Item] = []
    while q + 1 < len(paragraphs) and (most is None or len(items) < most):
        head = paragraphs[q].strip()
        if heads is not None:
            if not heads[q] or heads[q + 1]:
                break
        elif not is_heading(head) or is_heading(paragraphs[q + 1].strip()):
            break
        name = unquote(first_clause(head))
        if not name:
            break
        start, end = strip_span(paragraphs[q], 0, len(paragraphs[q]))
        items.append(Item(name, paragraphs[q][start:end], q, start, end, scope_end=(q + 2, 0)))
        q += 2
    return items


def is_heading(text: str) -> bool:
    """A heading-only paragraph: short, no sentence stop (宣传发动到位), one comma at most."""
    return (
        MIN_HEADING <= len(text) <= HEADING_MAX
        and text[-1:] not in SENTENCE_STOPS  # (the cheap tests first: a short sentence fails)
        and text.count("，") + text.count(",") <= 1
        and first_stop(text, SENTENCE_STOPS) is None
    )


def parallel_heads(heads: list[str]) -> bool:
    """Section heads of one shape (健全组织结构,强化政治建设 …): one clause count, lengths
    within HEAD_SPREAD, no spaces — unlike the headlines of bundled news briefs."""
    clauses = {len(COMMA_SPLIT.split(h)) for h in heads}
    lengths = [len(h) for h in heads]
    return (
        len(clauses) == 1
        and max(lengths) - min(lengths) <= HEAD_SPREAD
        and not any(" " in h or "\u3000" in h for h in heads)
    )


#: Parallel heads differ in length by at most this much.
HEAD_SPREAD: Final = 2


#: A heading paragraph has this many characters (宣传发动到位; 健全组织结构,强化政治建设).
MIN_HEADING: Final = 4
HEADING_MAX: Final = limit("heading_max")


# --- Finder: paragraphs opening with a quoted head (这“四个一”是： ¶ “读一本…”，即…) --------


def quoted_heads(label: Label, ctx: Context) -> Draft | None:
    """这“四个一”是： then paragraphs each opening with a quoted head: the heads, unquoted."""
    text = ctx.paragraphs[label.para]
    if not label.count or not CLOSES_WITH_COLON.fullmatch(text, label.end):
        return None
    items = []
    for q in range(label.para + 1, min(label.para + 1 + label.count, len(ctx.paragraphs))):
        found = OPENING_QUOTE.match(ctx.paragraphs[q])
        if found is None:
            break
        items.append(
            Item(
                found.group(1),
                ctx.paragraphs[q],
                q,
                found.start(1),
                found.end(1),
                scope_end=(q + 1, 0),
            )
        )
    return make_draft(label, items, ctx) if len(items) >= 2 else None


#: The paragraph ends right after the label with a colon (”是：, ”：).
CLOSES_WITH_COLON: Final = re.compile(r"[”\"]?\s*(?:是|为|有|包括|分别是)?\s*[：:]\s*")
#: A paragraph opening with a short quoted head.
OPENING_QUOTE: Final = re.compile(r"\s*[“\"]([^“”\"]{2,16})[”\"]")


#: Finders in the order they are preferred on a tie (specific to generic).
FINDERS: Final[tuple[Callable[[Label, Context], Draft | None], ...]] = (
    attach_sequence,
    nested_heads,
    colon_list,
    clause_openings,
    verb_sentences,
    semicolon_run,
    lead_paragraphs,
    heading_paragraphs,
    quoted_heads,
    preceding_list,
    preceding_openings,
    part_items,
)


def fit(draft: Draft, label: Label) -> int:
    """How well the items found fit the label: its count met (3), no count to meet (2), fewer
    than declared — a list cut off (1), more than declared (0, never taken: those items are
    another list's). A weak label needs its count."""
    found, declared = len(draft.items), label.count
    if declared is None:
        return UNCOUNTED
    if found == declared:
        return COUNT_MET
    if label.weak:
        return -1
    return 1 if found < declared else 0


#: The fits no other beats: the count met, or any items for a label declaring no count.
COUNT_MET: Final = 3
UNCOUNTED: Final = 2


def label_groups(ctx: Context) -> list[Draft]:
    """Groups of the labels that have items; a label without any (a slogan) gives none.

    Every finder proposes its items; the best fit wins, the earlier finder on a tie. A
    label's first mention names its group (“六项举措”… “六项措施”分别是：…).
    """
    found: list[Draft] = []
    stated: set[str] = set()
    unmatched: list[Label] = []
    for label in ctx.labels:
        if label.used or label.text in stated:  # a label restated later is the same group
            continue
        if is_thing_label(label.text):
            continue
        draft = _best_draft(label, ctx)
        if draft is None:
            unmatched.append(label)
            continue
        label.used = True
        stated.add(label.text)
        for head in draft.consumes:
            if isinstance(head, Label):
                head.used = True
        first = _first_mention(label, unmatched)
        if first is not None:
            draft.label, draft.start, draft.end, draft.para = (
                first.text,
                first.start,
                first.end,
                first.para,
            )
            first.used = True
            stated.add(first.text)
        if draft.adopts is not None:
            _adopt(draft.adopts, draft)
        else:
            found.append(draft)
    return found


def _best_draft(label: Label, ctx: Context) -> Draft | None:
    """The items of the finder that fits the label best (the earlier one on a tie), if any."""
    best: tuple[int, Draft] | None = None
    ceiling = UNCOUNTED if label.count is None else COUNT_MET
    for finder in FINDERS:
        draft = finder(label, ctx)
        if draft is None:
            continue
        score = fit(draft, label)
        if score > 0 and (best is None or score > best[0]):
            best = (score, draft)
            if score == ceiling:
                break  # a later finder could at best tie, and the earlier one wins a tie
    return best[1] if best else None


def _first_mention(label: Label, unmatched: list[Label]) -> Label | None:
    """An earlier label without items naming the same count with a kindred head (举措/措施)."""
    for earlier in reversed(unmatched):
        if label.para - earlier.para > RELABEL_WINDOW:
            break
        if (
            earlier.count == label.count
            and earlier.quoted
            and label.quoted
            and _kindred(earlier.text, label.text)
        ):
            return earlier
    return None


def _kindred(a: str, b: str) -> bool:
    """Two labels of one count that share a character of their heads: 六项举措 / 六项措施."""
    return bool(set(a[1:]) & set(b[1:]) - set("".join(CLASSIFIERS)))


#: A first mention is looked for this many paragraphs back.
RELABEL_WINDOW: Final = limit("relabel_window")
