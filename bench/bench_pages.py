"""Saved web pages, side by side in one run: newsfacts beside trafilatura and GNE.

On the 40 real pages of ../shared/corpus/pages (GNE's own test pages), prints articles/s of
newsfacts' whole extraction (read the page, find the article, then source, measures, authors,
organizations), of its page reading alone (bytes -> Document), of trafilatura's
bare_extraction and of GNE's extract; then each tool's agreement with what GNE 0.4.3 read
(gne.json: a peer, not gold): titles equal, times equal to the minute, median body recall
and precision.

    python -m bench.bench_pages              # 5 rounds over the 40 pages
    python -m bench.bench_pages --rounds 20
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from bench.pages_peer import PAGES, Agreement, compare, figures, peer
from extractor.decode import decode
from extractor.pipeline import extract_article
from extractor.reader import read_document


def rate(work: Callable[[], int], rounds: int) -> float:
    """Pages per second of `rounds` runs of work() (which returns how many pages it read)."""
    start = time.perf_counter()
    done = sum(work() for _ in range(rounds))
    return done / (time.perf_counter() - start)


def main() -> None:
    """Time the four readers on the same pages, then print their agreement with gne.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the pages")
    parser.add_argument("--pages", type=Path, default=PAGES, help="folder with gne.json")
    args = parser.parse_args()
    from gne import GeneralNewsExtractor  # noqa: PLC0415 - the `bench` extra
    from trafilatura import bare_extraction  # noqa: PLC0415 - the `bench` extra

    theirs = peer(args.pages)
    names = sorted(theirs)
    data = {name: (args.pages / name).read_bytes() for name in names}
    texts = {name: decode(raw)[0] for name, raw in data.items()}  # GNE takes text, not bytes
    gne = GeneralNewsExtractor()

    def ours() -> int:
        return sum(extract_article(n, data[n]) is not None for n in names)

    def reading() -> int:
        return sum(read_document(n, data[n]) is not None for n in names)

    def traf() -> int:
        return sum(bare_extraction(data[n]) is not None for n in names)

    def peer_gne() -> int:
        return sum(bool(gne.extract(texts[n])) for n in names)

    rates = {
        "newsfacts extract_article (whole record)": rate(ours, args.rounds),
        "newsfacts read_document (page reading only)": rate(reading, args.rounds),
        "trafilatura bare_extraction": rate(traf, args.rounds),
        "GNE GeneralNewsExtractor.extract": rate(peer_gne, args.rounds),
    }
    print(f"{len(names)} pages of {args.pages}, {args.rounds} rounds")
    print(f"{'reader':<46}{'articles/s':>12}")
    for label, value in rates.items():
        print(f"{label:<46}{value:>12.1f}")
    whole = rates["newsfacts extract_article (whole record)"]
    print(f"newsfacts / trafilatura = {whole / rates['trafilatura bare_extraction']:.2f}x")
    print(f"newsfacts / GNE         = {whole / rates['GNE GeneralNewsExtractor.extract']:.2f}x")

    readings: dict[str, list[Agreement]] = {"newsfacts": [], "trafilatura": []}
    for name in names:
        article = extract_article(name, data[name])
        readings["newsfacts"].append(
            compare(name, article.title, article.published, article.paragraphs, theirs[name])
        )
        doc = bare_extraction(data[name], with_metadata=True)
        text = (doc.text or "") if doc is not None else ""
        title = doc.title if doc is not None else None
        date = doc.date if doc is not None else None
        readings["trafilatura"].append(compare(name, title, date, text.split("\n"), theirs[name]))
    print(f"\nagreement with GNE 0.4.3 (gne.json) over {len(names)} pages")
    print(f"{'reader':<14}{'title':>7}{'time':>7}{'recall':>9}{'precision':>11}")
    for label, found in readings.items():
        f = figures(found)
        print(
            f"{label:<14}{f['title_equal']:>7}{f['published_equal']:>7}"
            f"{f['recall_median']:>9.2f}{f['precision_median']:>11.2f}"
        )
    low = [a.name for a in readings["newsfacts"] if a.recall < 0.5 or a.precision < 0.5]
    print(f"newsfacts pages below 0.5 recall or precision: {', '.join(low) or 'none'}")


if __name__ == "__main__":
    main()
