"""Ordinal enumerations: 一是…二是, 一要, 第一, 首先/其次/最后, 一、 (一) 1. — nested by level."""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor import rules
from extractor.measures.text import Draft, Item, first_clause, strip_span
from extractor.numerals import to_int

#: Paragraph-level families, outermost first: a deeper family nests under a shallower one.
PARAGRAPH_FAMILIES = ("section", "paren", "number")
#: Inline families; any of them nests inside an item of any other.
INLINE_FAMILIES = ("shi", "di", "xian")
#: 首先/其次/再次 count 1, 2, 3; 最后 closes a sequence at any position after the second.
XIAN_ORDINALS = {"首先": 1, "其次": 2, "再次": 3, "最后": 99}
LAST = 99
#: A 首先… sequence continues at most this many paragraphs after its last item.
XIAN_SPAN = 2
#: How a sequence of each family is labelled when the text gives no label (gold style).
LABEL_FORMS = {
    "section": "{}、",
    "paren": "({})",
    "number": "{}.",
    "shi": "{}",
    "di": "第{}",
}


@dataclass
class Marker:
    """One ordinal marker found in a paragraph."""

    family: str
    ordinal: int
    word: str
    para: int
    start: int
    body: int  # offset where the item text starts (after the marker and its comma)
    initial: bool  # the marker opens its paragraph


@dataclass
class Sequence:
    """Markers of one family counting 1, 2, 3…, with sequences nested under its items."""

    family: str
    markers: list[Marker]
    children: list[tuple[Sequence, int]] = field(default_factory=list)
    closed: bool = False


def scan_markers(paragraphs: list[str]) -> list[Marker]:
    """All ordinal markers in text order; inline ones never inside a paragraph head's marker."""
    found: list[Marker] = []
    heads = [
        (family, rules.pattern("measures", f"marker_{family}")) for family in PARAGRAPH_FAMILIES
    ]
    inlines = [
        (family, rules.pattern("measures", f"marker_{family}")) for family in INLINE_FAMILIES
    ]
    for p, text in enumerate(paragraphs):
        lead_space = len(text) - len(text.lstrip())
        head_end = 0
        for family, pattern in heads:
            match = pattern.match(text)
            ordinal = to_int(match.group("n")) if match else None
            if match and ordinal:
                found.append(Marker(family, ordinal, match.group("n"), p, 0, match.end(), True))
                head_end = match.end()
                break
        inline = []
        for family, pattern in inlines:
            for match in pattern.finditer(text):
                word = match.group("n")
                ordinal = XIAN_ORDINALS[word] if family == "xian" else to_int(word)
                if family == "shi":  # keep 是/要 in the label: 一要…四要
                    word = match.group(0).rstrip("，,：:")
                if ordinal and match.start() >= head_end:
                    initial = match.start() <= lead_space
                    inline.append(
                        Marker(family, ordinal, word, p, match.start(), match.end(), initial)
                    )
        found.extend(sorted(inline, key=lambda m: m.start))
    return found


def _accepts(seq: Sequence, m: Marker) -> bool:
    """Whether `m` continues `seq` (same family, next ordinal, close enough)."""
    last = seq.markers[-1]
    if seq.closed or seq.family != m.family:
        return False
    if m.family == "xian":
        near = m.para - last.para <= XIAN_SPAN
        return near and (m.ordinal == last.ordinal + 1 or (m.ordinal == LAST and last.ordinal >= 2))
    if m.ordinal != last.ordinal + 1:
        return False
    if m.family in PARAGRAPH_FAMILIES:
        return True
    return m.para == last.para or (m.para == last.para + 1 and m.initial)


def _contains(seq: Sequence, m: Marker) -> bool:
    """Whether a new sequence opened by `m` lies inside the last item of `seq`."""
    last = seq.markers[-1]
    if seq.family in PARAGRAPH_FAMILIES:
        if m.family in PARAGRAPH_FAMILIES:
            return PARAGRAPH_FAMILIES.index(m.family) > PARAGRAPH_FAMILIES.index(seq.family)
        return True
    if seq.family == "xian":
        # an open 首先… sequence spans paragraphs; its closing 最后 item ends with its paragraph
        return m.para == last.para or (m.para > last.para and not seq.closed)
    return m.para == last.para


def build_sequences(markers: list[Marker]) -> list[Sequence]:
    """Top-level sequences, each with the sequences nested under its items."""
    tops: list[Sequence] = []
    stack: list[Sequence] = []
    for m in markers:
        for i in range(len(stack) - 1, -1, -1):
            if _accepts(stack[i], m):
                del stack[i + 1 :]
                stack[i].markers.append(m)
                if m.ordinal == LAST:
                    stack[i].closed = True
                break
        else:
            if m.ordinal != 1:
                continue
            # A family opens inside an open sequence of its own family only under a paragraph
            # head (二是…：一是…二是…); a new 首先 in a later paragraph starts beside the open
            # one (which may still close with its 最后), and any other repeat ends it. So the
            # tree is never deeper than its families of markers, however long the text.
            same = next(
                (i for i in range(len(stack) - 1, -1, -1) if stack[i].family == m.family), None
            )
            if same is not None and m.para != stack[same].markers[-1].para:
                new = Sequence(m.family, [m])
                tops.append(new)
                stack.append(new)
                continue
            if same is not None and not (stack[same].markers[-1].initial and not m.initial):
                del stack[same:]
            while stack and not _contains(stack[-1], m):
                stack.pop()
            new = Sequence(m.family, [m])
            if stack:
                stack[-1].children.append((new, len(stack[-1].markers) - 1))
            else:
                tops.append(new)
            stack.append(new)
    return tops


def _item(seq: Sequence, i: int, paragraphs: list[str], doc_end: tuple[int, int]) -> Item:
    """The i-th item of a sequence: from its marker to the next marker of the sequence."""
    m = seq.markers[i]
    text = paragraphs[m.para]
    nxt = seq.markers[i + 1] if i + 1 < len(seq.markers) else None
    end = nxt.start if nxt and nxt.para == m.para else len(text)
    start, end = strip_span(text, m.body, end)
    if nxt:
        scope = (nxt.para, nxt.start)
    elif seq.family in PARAGRAPH_FAMILIES or seq.family == "xian":
        scope = doc_end
    else:
        scope = (m.para, len(text))
    return Item(first_clause(text[start:end]), text[start:end], m.para, start, end, scope_end=scope)


def _label(seq: Sequence) -> str:
    """Gold-style label of an unlabelled sequence: 一是…三是, 首先…最后, (一)…(三)."""
    first, last = seq.markers[0], seq.markers[-1]
    if seq.family == "xian":
        return f"{first.word}…{last.word}" if len(seq.markers) > 1 else f"{first.word}…"
    form = LABEL_FORMS[seq.family]
    if len(seq.markers) == 1:
        return form.format(first.word)
    return f"{form.format(first.word)}…{form.format(last.word)}"


def to_drafts(seqs: list[Sequence], paragraphs: list[str], doc_end: tuple[int, int]) -> list[Draft]:
    """Drafts of valid sequences (inline ones need two items); an invalid one's children move up."""
    drafts: list[Draft] = []
    for seq in seqs:
        items = [_item(seq, i, paragraphs, doc_end) for i in range(len(seq.markers))]
        children: list[Draft] = []
        for nested, parent in seq.children:
            for draft in to_drafts([nested], paragraphs, doc_end):
                draft.parent_item = parent if draft.parent_item is None else draft.parent_item
                children.append(draft)
        named = [it for it in items if it.name]
        minimum = 1 if seq.family in PARAGRAPH_FAMILIES else 2
        if len(named) < minimum:
            for child in children:
                child.parent_item = None
            drafts.extend(children)
            continue
        # Empty items (a bare "(二)" at the end of an excerpt) are dropped; re-index children.
        index = {id(it): n for n, it in enumerate(named)}
        for child in children:
            if child.parent_item is not None:
                kept = items[child.parent_item]
                child.parent_item = index.get(id(kept))
        first = seq.markers[0]
        drafts.append(
            Draft(
                label=_label(seq),
                declared=None,
                items=named,
                para=first.para,
                start=first.start,
                end=first.body,
                children=children,
                family=seq.family,
            )
        )
    return drafts


def sequence_drafts(paragraphs: list[str]) -> list[Draft]:
    """All ordinal enumerations of the paragraphs as nested drafts."""
    doc_end = (len(paragraphs), 0)
    return to_drafts(build_sequences(scan_markers(paragraphs)), paragraphs, doc_end)
