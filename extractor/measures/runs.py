"""Unlabelled runs: enumerations the text gives no label and no ordinal markers.

Each finder reads one shape and demands its parallelism (the gold names these groups
itself, `[段首小标题]`, `[…]`), in the order of `UNLABELLED`:

- heading-only paragraphs, each followed by its body (健全组织结构,强化政治建设 ¶ body …);
- run-in heads of one paragraph: head sentences of two short clauses, each followed by
  sentences that elaborate it (夯实工作基础，完善台账资料。要逐项梳理问题。优化…);
- parallel frames: `；`-separated clauses whose first clauses have one length and either
  share a frame character (前提在查…核心在改…目的在防) or follow a colon
  (建议：加强管理,…；提升服务,…).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from typing import Final

from extractor.measures.context import limit
from extractor.measures.items import HEADING_MAX, heading_run, is_heading, parallel_heads
from extractor.measures.text import (
    SENTENCE_END,
    SENTENCE_STOPS,
    Draft,
    Item,
    first_clause,
    stop_index,
    strip_span,
)

#: A run of unlabelled items needs this many members.
MIN_RUN: Final = limit("min_run")
#: A run-in head clause has this many characters (夯实工作基础).
HEAD_CLAUSE: Final = (4, 8)
#: A head sentence is two head clauses and the comma between them, at most.
HEAD_SENTENCE_MAX: Final = 2 * HEAD_CLAUSE[1] + 1
#: A frame's first clause is at most this long (前提在查, 加强管理).
FRAME_MAX: Final = 8
RUNS_STOPS: Final = frozenset("；;")
#: Quick counts that rule a paragraph out before it is cut (most paragraphs hold no run).
COMMA: Final = re.compile(r"[，,]")
DIGITS: Final = re.compile(r"[\d０-９一二三四五六七八九十百千万]{2,}|\d")
OTHER_PUNCTUATION: Final = re.compile(r"[、：:；;“”\"（）()《》]")


def unread(paragraphs: list[str], covered: set[int]) -> int:
    """How many paragraphs are not `covered`: a run of n paragraphs needs n of them (in most
    articles no paragraph or one is left once the closed ones are covered, so a finder that
    asks this first skips its loop).

    `covered` holds indices of `paragraphs` (of items and heads read, of closed paragraphs),
    so its size is what it covers: no intersection is built (three to four asks an article).
    """
    return len(paragraphs) - len(covered)


def heading_groups(paragraphs: list[str], covered: set[int]) -> list[Draft]:
    """Heading-only paragraphs alternating with their bodies, no label before them."""
    if unread(paragraphs, covered) < MIN_RUN:
        return []  # each head is a paragraph not covered
    found = []
    # each paragraph is asked once whether it is a heading, though it is read as a head and
    # as the body after one (bundled briefs alternate headlines and stories: one in ten)
    # (a paragraph longer than any heading with no space at either end is none: not copied
    # by strip nor asked, as four in five are not)
    heads = [
        (len(text) <= HEADING_MAX or text[0].isspace() or text[-1].isspace())
        and is_heading(text.strip())
        for text in paragraphs
    ]
    q = 0
    while q < len(paragraphs):  # q only moves forward: each paragraph is asked once at most
        if q in covered or not heads[q]:
            q += 1
            continue
        run = heading_run(paragraphs, q, heads=heads)
        # The run read from a later head of `run` is its tail (each head reads on to the same
        # end, and a body reads none), so the tails are tried instead of reading from each head.
        items = next(
            (run[i:] for i in range(len(run) - MIN_RUN + 1) if _heading_group(run[i:], covered)),
            None,
        )
        if items is not None:
            found.append(unlabelled("[段首小标题]", items))
            q = items[-1].para + 2
            continue
        q = run[-1].para + 2 if run else q + 1
    return found


def _heading_group(items: list[Item], covered: set[int]) -> bool:
    """Heads of one run that make a group: none read before, of one shape, section heads."""
    heads = [it.text for it in items]
    return (
        not any(it.para in covered for it in items)
        and parallel_heads(heads)
        and _section_heads(heads)
    )


def _section_heads(heads: list[str]) -> bool:
    """Heads of sections, not headlines of bundled briefs: each of two parallel clauses
    (健全组织结构,强化政治建设), or short ones sharing their last character (…到位)."""
    if all(len(COMMA.split(h)) == 2 for h in heads):
        return True
    return all(len(h) <= SHORT_HEAD for h in heads) and len({h[-1] for h in heads}) == 1


#: A one-clause section head sharing its last character is at most this long (宣传发动到位).
SHORT_HEAD: Final = 8


def runin_heads(paragraphs: list[str], covered: set[int]) -> list[Draft]:
    """Head sentences of two short clauses inside one paragraph, each with its elaboration."""
    found = []
    for p, text in enumerate(paragraphs):
        if p in covered:
            continue
        first = SENTENCE_END.search(text)
        if first is None or (first.start() > HEAD_SENTENCE_MAX and not text[:1].isspace()):
            continue  # the first sentence (all before its stop) is too long for a head
        if len(SENTENCE_END.findall(text)) < MIN_RUN or not _is_head_sentence(text[: first.end()]):
            continue  # the paragraph must open with a head sentence: look at that one first
        sentences = stop_index(text).spans(SENTENCE_STOPS, 0, len(text))
        heads = [i for i, (s, e) in enumerate(sentences) if _is_head_sentence(text[s:e])]
        if len(heads) < MIN_RUN or heads[0] != 0 or len(heads) == len(sentences):
            continue
        if any(b - a < 2 for a, b in pairwise(heads)):
            continue  # heads side by side are a list of sentences, not heads with bodies
        found.append(unlabelled("[段内小标题]", head_items(text, p, sentences, heads)))
    return found


def _is_head_sentence(sentence: str) -> bool:
    """夯实工作基础，完善台账资料。: two comma clauses of head length, nothing else."""
    body = sentence.strip().rstrip("。！!？?")
    clauses = COMMA.split(body)
    low, high = HEAD_CLAUSE
    return (
        len(clauses) == 2
        and all(low <= len(c) <= high for c in clauses)
        and not OTHER_PUNCTUATION.search(body)
    )


def parallel_frames(paragraphs: list[str], covered: set[int]) -> list[Draft]:
    """`；`-separated clauses opening with first clauses of one length and a shared frame."""
    found = []
    for p, text in enumerate(paragraphs):
        if p in covered or text.count("；") + text.count(";") < MIN_RUN - 1:
            continue  # str.count, not a regex: most paragraphs hold no semicolon
        index = stop_index(text)
        for s, e in index.spans(SENTENCE_STOPS, 0, len(text)):
            pieces = index.spans(RUNS_STOPS, s, e)
            if len(pieces) < MIN_RUN:
                continue
            colon = text.rfind("：", s, pieces[0][1])
            colon = max(colon, text.rfind(":", s, pieces[0][1]))
            if colon > 0 and text[colon - 1] in '”"':
                continue  # “四个意识”：… — the run is a quoted label's; a slogan's gives none
            if colon >= 0:  # 代表们建议：加强管理,…；提升服务,… — the run starts after the colon
                pieces[0] = (colon + 1, pieces[0][1])
            heads = [first_clause(text[a:b]) for a, b in pieces]
            if not _parallel(heads, framed=colon < 0):
                continue
            items = []
            for piece, head in zip(pieces, heads, strict=True):
                a, b = strip_span(text, piece[0], piece[1])
                items.append(Item(head, text[a:b], p, a, b, scope_end=(p, b)))
            found.append(unlabelled("[…；…]", items))
    return found


def _parallel(heads: list[str], *, framed: bool) -> bool:
    """One length, short; with `framed`, also one character at one inner position (在)."""
    if len({len(h) for h in heads}) != 1 or not 2 <= len(heads[0]) <= FRAME_MAX:
        return False
    if any(COMMA.search(h) or OTHER_PUNCTUATION.search(h) or DIGITS.search(h) for h in heads):
        return False
    if len({h[0] for h in heads}) != len(heads):
        return False  # 十年来…十年来, 我们自信…我们坚定: one opening repeated is rhetoric, no run
    if not framed:
        return True
    return any(len({h[i] for h in heads}) == 1 for i in range(1, len(heads[0]) - 1))


def head_items(text: str, p: int, sentences: list[tuple[int, int]], heads: list[int]) -> list[Item]:
    """The items of paragraph `p` that open at the sentences `heads`, each up to the next."""
    items = []
    for n, i in enumerate(heads):
        start = sentences[i][0]
        end = sentences[heads[n + 1]][0] if n + 1 < len(heads) else len(text)
        start, end = strip_span(text, start, end)
        items.append(
            Item(first_clause(text[start:end]), text[start:end], p, start, end, scope_end=(p, end))
        )
    return items


def unlabelled(label: str, items: list[Item]) -> Draft:
    """A group the text gives no label: `label` is the one newsfacts assigns ([段首小标题])."""
    first = items[0]
    return Draft(label, None, items, first.para, first.start, first.start, family="lead")


#: Unlabelled finders in the order they run; a paragraph one of them uses is not read again.
UNLABELLED: Final[tuple[Callable[[list[str], set[int]], list[Draft]], ...]] = (
    heading_groups,
    runin_heads,
    parallel_frames,
)


def unlabelled_runs(paragraphs: list[str], covered: set[int]) -> list[Draft]:
    """Every unlabelled run, each paragraph used once."""
    found: list[Draft] = []
    for finder in UNLABELLED:
        if not unread(paragraphs, covered):
            break  # every finder reads only paragraphs not covered
        runs = finder(paragraphs, covered)
        for run in runs:
            covered.update(it.para for it in run.items)
        found.extend(runs)
    return found
