"""`newsfacts eval`: score extraction against hand-checked gold files.

Scores exactly as ../shared/corpus/README.md says the gold was written, so that a
figure means the same thing everywhere: NFKC text without whitespace and
punctuation; precision/recall/F1 micro-averaged over all posts, per field.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from extractor import regions
from extractor.pipeline import extract_article
from schemas import AUTHOR_ROLES, Article, MeasureGroup

FIELDS = (
    "organizations",
    "organizations_strict",
    "authors",
    "source",
    "groups",
    "items",
    "declared_counts",
)
GOLD_SUFFIX = ".gold.json"
#: Prefix matches need this many characters in the shorter string (README: "at least 4").
MIN_PREFIX = 4
#: Organization containment needs this many characters (README: "at least 2").
MIN_CONTAINED = 2


def normalize(text: str) -> str:
    """NFKC, then drop whitespace and punctuation (quotes, brackets, commas, colons, dashes…)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and not _is_punctuation(ch))


def _is_punctuation(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")


def prefix_match(gold: str, found: str) -> bool:
    """Equal, or the shorter (>= 4 chars) starts the longer."""
    if gold == found:
        return True
    short, long = sorted((gold, found), key=len)
    return len(short) >= MIN_PREFIX and long.startswith(short)


def contains_match(gold: str, found: str) -> bool:
    """Equal, or one contains the other (>= 2 chars)."""
    short, long = sorted((gold, found), key=len)
    return len(short) >= MIN_CONTAINED and short in long


#: Strict organization match (README "How gold is scored"): the longer may be the shorter
#: with a place before it, the place ending in one of these ...
PLACE_ENDINGS = ("自治区", "街道", "省", "市", "县", "区", "州", "盟", "旗", "镇", "乡")
#: ... or the shorter followed by its governing body.
GOVERNING_BODIES = ("人民政府", "办事处", "党委", "党组", "政府", "办")
GOVERNING_COMMITTEE = re.compile("[省市州盟县区旗镇乡]委")


def strict_match(gold: str, found: str) -> bool:
    """Equal; or the longer is a place + the shorter (陕西省紫阳县 ~ 紫阳县, 江苏新沂市供电公司 ~
    新沂市供电公司); or the shorter + its governing body (官埠桥镇 ~ 官埠桥镇党委)."""
    if gold == found:
        return True
    short, long = sorted((gold, found), key=len)
    if not short:
        return False
    if long.endswith(short):
        place = long[: -len(short)]
        return place.endswith(PLACE_ENDINGS) or place in _province_short_names()
    if long.startswith(short):
        body = long[len(short) :]
        # 东岭县 ~ 东岭县委: the committee of the place the shorter names
        committee = short[-1:] + body if body == "委" else body
        return body in GOVERNING_BODIES or bool(GOVERNING_COMMITTEE.fullmatch(committee))
    return False


@cache
def _province_short_names() -> frozenset[str]:
    table = regions.table()
    return frozenset(
        short
        for place in table.by_code.values()
        if place.level == 0
        for short in regions.short_names(place)
    )


def exact_match(gold: str, found: str) -> bool:
    """Equal after normalisation."""
    return gold == found


@dataclass
class Score:
    """True positives, false positives, false negatives; and what was missed or extra."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        """Accumulate another score (micro-averaging)."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was extracted and nothing expected."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float(self.fn == 0)

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def match(gold: Sequence[str], found: Sequence[str], same: Callable[[str, str], bool]) -> Score:
    """One-to-one matching: each gold string takes at most one found string (exact first)."""
    gold_n = [normalize(g) for g in gold]
    found_n = [normalize(f) for f in found]
    free = list(range(len(found_n)))
    score = Score()
    for g, g_raw in zip(gold_n, gold, strict=True):
        hit = next((i for i in free if found_n[i] == g), None)
        if hit is None:
            hit = next((i for i in free if same(g, found_n[i])), None)
        if hit is None:
            score.fn += 1
            score.missed.append(g_raw)
        else:
            free.remove(hit)
            score.tp += 1
    score.fp = len(free)
    score.extra = [found[i] for i in free]
    return score


def _gold_groups(groups: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for group in groups:
        yield group
        yield from _gold_groups(group.get("children", []))


def _found_groups(groups: Iterable[MeasureGroup]) -> Iterable[MeasureGroup]:
    for group in groups:
        yield group
        yield from _found_groups(group.children)


#: A label that is nothing but an enumeration marker: "(一)", "一、", "1.". The gold gives
#: such labels to runs of a single numbered item; like `…` and `[…]` labels they are the
#: gold's own naming, not a label the text states, so only their items are scored.
MARKER_ONLY = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[)）、.．]?$")


def own_label(label: str) -> bool:
    """A gold label the text states (assigned ones contain …, start with [, or are a marker).

    Gold files carry no `label_stated`; extracted groups do, and are read by it.
    """
    return "…" not in label and not label.startswith("[") and not MARKER_ONLY.match(label)


def score_article(article: Article, gold: dict[str, Any]) -> dict[str, Score]:
    """Scores of one article per field."""
    gold_groups = list(_gold_groups(gold.get("measure_groups", [])))
    found_groups = list(_found_groups(article.measure_groups))
    labelled = [g for g in gold_groups if own_label(g["label"])]
    stated = [g for g in found_groups if g.label_stated]  # the record says so: no parsing
    counted = [g for g in stated if g.declared_count is not None]
    subjects = [o.name for o in article.organizations if o.role == "subject"]
    credited = [p.name for p in article.authors if p.role in AUTHOR_ROLES]
    gold_source = [gold["source"]] if gold.get("source") else []
    found_source = [article.source.name] if article.source else []
    return {
        "organizations": match(gold.get("organizations", []), subjects, contains_match),
        "organizations_strict": match(gold.get("organizations", []), subjects, strict_match),
        "authors": match(gold.get("authors", []), credited, exact_match),
        "source": match(gold_source, found_source, exact_match),
        "groups": match([g["label"] for g in labelled], [g.label for g in stated], prefix_match),
        "items": match(
            [i for g in gold_groups for i in g["items"]],
            [i.name for g in found_groups for i in g.items],
            prefix_match,
        ),
        "declared_counts": match(
            [f"{g['label']}={g['declared_count']}" for g in labelled if g["declared_count"]],
            [f"{g.label}={g.declared_count}" for g in counted],
            exact_match,
        ),
    }


@dataclass
class Report:
    """Totals per field and the per-post scores behind them."""

    totals: dict[str, Score]
    posts: dict[str, dict[str, Score]]

    def figures(self) -> dict[str, dict[str, float]]:
        """{field: {precision, recall, f1}} rounded for baselines."""
        return {
            name: {
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "f1": round(s.f1, 4),
            }
            for name, s in self.totals.items()
        }

    def worst(self, n: int) -> list[tuple[str, int]]:
        """The n posts with most errors (fp + fn over all fields)."""
        errors = {p: sum(s.fp + s.fn for s in scores.values()) for p, scores in self.posts.items()}
        ranked = sorted(errors.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(p, e) for p, e in ranked[:n] if e]


def gold_pairs(paths: Sequence[Path]) -> list[tuple[Path, Path]]:
    """(post, gold) pairs under the given files/folders: posts with a `.gold.json` beside them."""
    posts: list[Path] = []
    for given in paths:
        posts.extend(sorted(given.rglob("*.md")) if given.is_dir() else [given])
    pairs = []
    for post in posts:
        gold = post.with_name(post.stem + GOLD_SUFFIX)
        if gold.exists():
            pairs.append((post, gold))
    return pairs


def evaluate(paths: Sequence[Path]) -> Report:
    """Extract every post that has gold and score it."""
    totals = {name: Score() for name in FIELDS}
    posts: dict[str, dict[str, Score]] = {}
    for post, gold_path in gold_pairs(paths):
        gold = json.loads(gold_path.read_text("utf-8"))
        article = extract_article(post.name, post.read_bytes())
        scores = score_article(article, gold)
        posts[post.name] = scores
        for name, score in scores.items():
            totals[name].add(score)
    return Report(totals, posts)


def regressions(report: Report, baseline: dict[str, dict[str, float]]) -> list[str]:
    """Fields whose figure fell below the baseline's."""
    drops = []
    figures = report.figures()
    for name, floors in baseline.items():
        for metric, floor in floors.items():
            value = figures.get(name, {}).get(metric, 0.0)
            if value + 1e-9 < floor:
                drops.append(f"{name} {metric}: {value:.4f} < baseline {floor:.4f}")
    return drops
