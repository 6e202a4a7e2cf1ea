"""Count labels (“三个保障”, 三点要求, 五促一稳) and the strategies that find their items."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from extractor import rules
from extractor.measures_text import (
    SEGMENT_STOPS,
    SENTENCE_STOPS,
    Draft,
    Item,
    first_clause,
    first_stop,
    spans,
    stop_positions,
    strip_span,
    unquote,
)
from extractor.numerals import (
    CLASSIFIERS,
    NUMERAL_RUN,
    label_count,
    label_parts,
    model_code,
    to_int,
)

#: A lead sentence (小标题) is at most this long: 迅速行动,全力以赴。
LEAD_MAX = 18
#: A verb before a quoted label (构建“三个保障”) is at most this long.
VERB_MAX = 4
#: Search this many paragraphs after a label for items given by the label's parts.
PART_WINDOW = 3
#: Where a part's head may stand in a sentence's first clause (村组干部查村内道路).
PART_HEAD_WITHIN = 6


@dataclass
class Label:
    """A count label in the text: its words, the count it declares, where it stands."""

    text: str
    count: int | None
    para: int
    start: int  # span including quotes
    end: int
    quoted: bool
    where: str = "paragraph"
    used: bool = False


@dataclass
class Context:
    """The paragraphs, the labels found in them and the ordinal sequences."""

    paragraphs: list[str]
    labels: list[Label]
    sequences: list[Draft]
    #: Labels and sequences (nested ones too) by the paragraph they start in.
    labels_at: dict[int, list[Label]] = field(default_factory=dict)
    sequences_at: dict[int, list[Draft]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for label in self.labels:
            self.labels_at.setdefault(label.para, []).append(label)
        for top in self.sequences:
            for seq in top.walk():
                self.sequences_at.setdefault(seq.para, []).append(seq)


@cache
def _slogans() -> frozenset[str]:
    return frozenset(rules.strings("slogans", "slogans"))


def find_labels(text: str, para: int, where: str = "paragraph") -> tuple[list[Label], list[str]]:
    """Count labels of one text, and the model codes (“三三六三”) it states."""
    labels: list[Label] = []
    codes: list[str] = []
    taken: list[tuple[int, int]] = []
    slogans = _slogans()
    for match in rules.pattern("measures", "quoted").finditer(text):
        word = match.group("label").strip()
        taken.append(match.span())
        if word in slogans or re.search(r"[、，,；;。]", word):
            continue
        if model_code(word):
            codes.append(word)
            continue
        count = label_count(word)
        after = rules.pattern("measures", "count_after_quote").match(text, match.end())
        if after:  # “吹拉弹唱”四部曲: the count follows the quoted label
            count = to_int(after.group("num"))
        if count is not None or NUMERAL_RUN.fullmatch(word):
            labels.append(Label(word, count, para, match.start(), match.end(), True, where))
    hinted = rules.pattern("measures", "count_label_hint").search(text) is not None
    for pattern in rules.patterns("measures", "count_label") if hinted else ():
        for match in pattern.finditer(text):
            start, end = match.span("label")
            word = match.group("label")
            count = label_count(word)
            if word in slogans or any(s < end and start < e for s, e in taken):
                continue
            if count is None or count < 2:  # 一个平台 declares no enumeration
                continue
            taken.append((start, end))
            labels.append(Label(word, count, para, start, end, False, where))
    labels.sort(key=lambda lab: lab.start)
    return labels, codes


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
    for start, end in spans(text, SENTENCE_STOPS):
        if start <= label.start < end:
            return text[start:end].strip()
    return text.strip()


def _purpose(text: str, label: Label) -> str | None:
    """The clause after the label: 构建“三个保障”，完善就业工作机制 → 完善就业工作机制."""
    rest = text[label.end :]
    if rest[:1] not in ("，", ","):
        return None
    return first_clause(rest[1:]) or None


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
    later = any(lab.start > label.start for lab in ctx.labels_at.get(label.para, []))
    back = text[: label.start].endswith(tuple(rules.strings("measures", "refers_back")))
    nearby = ctx.sequences_at.get(label.para, []) + ctx.sequences_at.get(label.para + 1, [])
    for seq in nearby:
        if seq.labelled:
            continue
        if seq.para == label.para and seq.start >= label.end:
            gap = text[label.end : seq.start]
            if re.fullmatch(r"[”\"]?\s*(?:[，,：:]?\s*即?|[^。；;！!？?]{0,10}[：:])\s*", gap):
                return _adopt(seq, label, ctx)
        if seq.para == label.para + 1 and seq.start == 0 and not later and not back:
            last = first_stop(text[label.end :].rstrip("。！!？?"), SENTENCE_STOPS) is None
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
        stop = first_stop(text[start:], SENTENCE_STOPS)
        end = start + stop if stop is not None else len(text)
    region = text[start:end]
    pieces = spans(region, SEGMENT_STOPS, start)
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
    clause_start = max(
        [0, *[i + 1 for i in stop_positions(text[: label.start], frozenset("，,；;。：:"))]]
    )
    verb = text[clause_start : label.start].strip()
    parts = label_parts(label.text) or []
    # the items repeat the heading's verb (构建“三个保障”) or the label's head (“四个聚焦”)
    openings = [w for w in (verb, parts[-1][1].lstrip("".join(CLASSIFIERS)) if parts else "") if w]
    q = label.para + 1
    following = ctx.paragraphs[q]
    for opening in openings:
        if len(opening) > VERB_MAX:
            continue
        pieces = [
            (s, e)
            for s, e in spans(following, SENTENCE_STOPS)
            if following[s:e].lstrip().startswith(opening)
        ]
        items = _items(following, q, pieces)
        if len(items) >= 2:
            return _draft(label, items, ctx)
    return None


# --- Strategy: ;-separated items after the label, no markers ------------------------


def semicolon_run(label: Label, ctx: Context) -> Draft | None:
    """严把三关。严把时间关,…;严把责任关,…;严把质量关,…。 (exactly the declared number)."""
    text = ctx.paragraphs[label.para]
    rest = text[label.end :].lstrip('”"')
    offset = len(text) - len(rest)
    if not label.count or label.count < 2 or rest[:1] not in ("，", ",", "。"):
        return None
    start = offset + 1
    stop = first_stop(text[start:], SENTENCE_STOPS)
    end = start + stop if stop is not None else len(text)
    pieces = spans(text[start:end], SEGMENT_STOPS, start)
    if len(pieces) == label.count:
        items = _items(text, label.para, pieces)
        if len(items) == label.count and _alike([it.name for it in items], label):
            return _draft(label, items, ctx)
    # 要做到“两个坚持”，坚持人民至上，坚持生命至上。 — comma clauses need one opening
    pieces = spans(text[start:end], frozenset("，,"), start)
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
    stop = first_stop(text, SENTENCE_STOPS)
    if stop is None or stop > LEAD_MAX or stop + 1 >= len(text.rstrip()):
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
    closer = next((c for c in closers if text[:end].endswith(c)), "")
    end -= len(closer)
    before = text[:end]
    quoted = re.search(r"((?:[“\"][^“”\"]{1,30}[”\"]){2,})$", before)
    if quoted:  # “加强合作,强化团队意识”“加强常规,…”四方面
        pieces = [
            (m.start() + 1, m.end() - 1)
            for m in re.finditer(r"[“\"][^“”\"]+[”\"]", quoted.group(1))
        ]
        base = quoted.start(1)
        items = [
            it
            for s, e in pieces
            if (it := _item(text, label.para, base + s, base + e, text[base + s : base + e]))
        ]
        return _draft(label, items, ctx) if len(items) >= 2 else None
    inner = re.search(r"[“\"]([^“”\"]+)[”\"]$", before)
    if inner:  # “镇包区、区包村、村包组、组包户”的“四联包”
        start, stop = inner.span(1)
    else:
        stops = stop_positions(before, frozenset("。；;：:！!？?"))
        start, stop = (stops[-1] + 1 if stops else 0), end
    if closer == "这" and label.count:  # A,B,C这三方面: the last N comma pieces
        pieces = spans(text[start:stop], frozenset("，,"), start)[-label.count :]
        pieces = [(s, e - 1 if text[e - 1] in "，," else e) for s, e in pieces]
    else:
        commas = stop_positions(text[start:stop], frozenset("，,"))
        if commas:
            start += commas[-1] + 1
        if "、" not in text[start:stop]:
            return None
        pieces = _list_members(text, start, stop, label.count)
    if len(pieces) < 2 or not _plausible_list(text, pieces, label, closer=closer, ctx=ctx):
        return None
    pieces[0] = (_strip_opener(text, *pieces[0], label), pieces[0][1])
    items = _items(text, label.para, pieces)
    if label.count is None and not _acrostic(label.text, items):
        return None
    return _draft(label, items, ctx) if len(items) >= 2 else None


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
    if any("等" in text[s:e] for s, e in pieces):
        return False
    spans_ = [
        (lab.start, lab.end)
        for lab in ctx.labels_at.get(label.para, [])
        if lab is not label and not lab.quoted
    ]
    if any(s <= ls < e for s, e in pieces for ls, _ in spans_):
        return False
    if label.count is None:
        return True
    return len(pieces) == label.count or (closer.startswith("等") and len(pieces) < label.count)


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
    readings: list[Callable[[str, int, int], list[Item]]] = [
        lambda t, q, s: _items(
            t,
            q,
            [
                p
                for p in spans(t[s:], frozenset("，,；;。"), s)
                if t[p[0] :].lstrip().startswith(ch)
            ],
        ),
        lambda t, q, s: _items(
            t,
            q,
            [
                p
                for p in spans(t[s:], SENTENCE_STOPS, s)
                if ch in first_clause(t[p[0] : p[1]])[:PART_HEAD_WITHIN]
            ],
        ),
        lambda t, q, s: [
            it
            for m in re.finditer(rf"“({re.escape(ch)}[^“”]{{1,8}})”", t[s:])
            if (it := _item(t, q, s + m.start(1), s + m.end(1)))
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
