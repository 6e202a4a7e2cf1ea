"""newsfacts beside GNE on the saved pages of ../shared/corpus/pages (a peer, not gold).

Per page: the title equal to GNE's (white space ignored); the publication time equal to the
minute (to the day when GNE gives only a day); body recall (GNE's content lines found in
newsfacts' paragraphs) and body precision (newsfacts' paragraphs found in GNE's content).

    python -m bench.pages_peer        # one line per page, then the figures
"""

from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from extractor.dates import find_date, parse_date
from extractor.pipeline import extract_article

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT.parent / "shared" / "corpus" / "pages"
GNE_FILE = "gne.json"
SPACE = re.compile(r"\s+")
MINUTE = len("2019-09-05T11:10")
DAY = len("2019-09-05")


@dataclass(frozen=True)
class Agreement:
    """How one page's record compares with GNE's reading of it."""

    name: str
    title: bool
    published: bool
    recall: float
    precision: float
    ours: tuple[str | None, str | None]
    gne: tuple[str, str]


def squeeze(text: str) -> str:
    """Text without white space (the two tools collapse spaces differently)."""
    return SPACE.sub("", text)


def gne_time(raw: str) -> str | None:
    """GNE's publish_time as an ISO value (it writes dates in many ways), or None."""
    value, _ = parse_date(raw)
    return value or find_date(raw)


def same_time(ours: str | None, theirs: str | None) -> bool:
    """Equal to the minute; to the day when GNE has only a day."""
    if ours is None or theirs is None:
        return False
    if "T" not in theirs:
        return ours[:DAY] == theirs
    return ours[:MINUTE] == theirs[:MINUTE] and ours[MINUTE + 3 :] == theirs[MINUTE + 3 :]


def compare(
    name: str, title: str | None, published: str | None, paragraphs: list[str], gne: dict[str, str]
) -> Agreement:
    """One page's agreement figures for one reading of it (title, time, paragraphs)."""
    lines = [squeeze(line) for line in gne["content"].split("\n") if squeeze(line)]
    ours = [squeeze(p) for p in paragraphs if squeeze(p)]
    body, theirs = "".join(ours), "".join(lines)
    recall = sum(line in body for line in lines) / len(lines) if lines else 1.0
    precision = sum(p in theirs for p in ours) / len(ours) if ours else 0.0
    return Agreement(
        name=name,
        title=squeeze(title or "") == squeeze(gne["title"]),
        published=same_time(published, gne_time(gne["publish_time"])),
        recall=recall,
        precision=precision,
        ours=(title, published),
        gne=(gne["title"], gne["publish_time"]),
    )


def peer(pages: Path = PAGES) -> dict[str, dict[str, str]]:
    """What GNE read from each page, by file name."""
    data: dict[str, dict[str, str]] = json.loads((pages / GNE_FILE).read_text("utf-8"))
    return data


def agreements(pages: Path = PAGES) -> list[Agreement]:
    """newsfacts' record of every page of the folder that gne.json has, compared."""
    found = []
    for name, theirs in sorted(peer(pages).items()):
        article = extract_article(name, (pages / name).read_bytes())
        found.append(compare(name, article.title, article.published, article.paragraphs, theirs))
    return found


def figures(found: list[Agreement]) -> dict[str, float]:
    """The four figures the issue asks for."""
    return {
        "pages": len(found),
        "title_equal": sum(a.title for a in found),
        "published_equal": sum(a.published for a in found),
        "recall_median": statistics.median(a.recall for a in found),
        "precision_median": statistics.median(a.precision for a in found),
    }


def main() -> None:
    found = agreements()
    for a in found:
        marks = ("T" if a.title else "-") + ("D" if a.published else "-")
        print(f"{marks} r={a.recall:.2f} p={a.precision:.2f} {a.name}")
        if not a.title:
            print(f"     title  ours={a.ours[0]!r}  gne={a.gne[0]!r}")
        if not a.published:
            print(f"     time   ours={a.ours[1]!r}  gne={a.gne[1]!r}")
    print(json.dumps(figures(found)))


if __name__ == "__main__":
    main()
