"""CPU time per post of each stage of `extract_article`, this checkout beside another one.

Stages as the pipeline runs them: `read_document`, each field extractor of FIELD_EXTRACTORS,
`article_of` (entity keys and the record), and the whole `extract_article` (which also pays for
the caches the stages share). Each stage runs over all posts in turn, so its time is its own,
without a timer call per post. Corpora: the bulk corpus (the first N items, each once) and the
60 real posts of `../shared/corpus/real/`, each read 10 times.

With `--against DIR` (a checkout of newsfacts, e.g. main's) the same measurement runs with that
code (`PYTHONPATH=DIR`) in subprocesses alternating with this checkout's, a few rounds, the best
of each kept: load on a shared machine falls on both alike; the table gives the ratio.

    python -m bench.bench_stages --against /work/main
    python -m bench.bench_stages --bulk 600 --rounds 2     # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: How often each real post is read (as bench_extract does).
REAL_READS = 10
#: Repeats of one stage within a measurement; the best is kept.
REPEATS = 3
DEFAULT_BULK = 3_000
DEFAULT_ROUNDS = 3

Timings = dict[str, float]  # stage -> CPU seconds per post


def measure(corpus: str, bulk: int) -> Timings:
    """Best CPU seconds per post of each stage over the corpus, with the code on the path."""
    from bench.bench_extract import bulk_posts, real_posts  # noqa: PLC0415 - worker only
    from extractor.pipeline import extract_article  # noqa: PLC0415 - the code under test

    posts = bulk_posts(bulk) if corpus == "bulk" else real_posts() * REAL_READS
    for post in posts:  # every lookup table and cache set up, as in a long run
        extract_article(*post)
    best: Timings = {}
    for _ in range(REPEATS):
        for stage, spent in one_round(posts).items():
            best[stage] = min(best.get(stage, spent), spent)
    return best


def one_round(posts: list[tuple[str, bytes]]) -> Timings:
    """CPU seconds per post of each stage, each stage over all posts in turn."""
    from extractor.pipeline import (  # noqa: PLC0415 - the code under test
        FIELD_EXTRACTORS,
        article_of,
        extract_article,
    )
    from extractor.reader import read_document  # noqa: PLC0415

    spent: Timings = {}
    start = time.process_time()
    docs = [read_document(path, data) for path, data in posts]
    spent["read_document"] = time.process_time() - start
    for name, extractor in FIELD_EXTRACTORS:
        start = time.process_time()
        for doc in docs:
            setattr(doc.facts, name, extractor(doc))
        spent[name] = time.process_time() - start
    start = time.process_time()
    for doc in docs:
        article_of(doc)
    spent["article_of"] = time.process_time() - start
    start = time.process_time()
    for path, data in posts:
        extract_article(path, data)
    spent["extract_article"] = time.process_time() - start
    return {stage: seconds / len(posts) for stage, seconds in spent.items()}


def in_subprocess(code: Path, corpus: str, bulk: int) -> Timings:
    """`measure` run by a fresh interpreter with `code` first on the path (this file runs as a
    script: the other checkout's `bench` package may not hold it)."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    command = [sys.executable, __file__, "--worker", corpus, "--bulk", str(bulk)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True, cwd=code)
    timings: Timings = json.loads(done.stdout.splitlines()[-1])
    return timings


def table(corpus: str, ours: Timings, theirs: Timings | None, against: str) -> str:
    """One line per stage: ms a post here, there, and their ratio."""
    head = f"{corpus:<5} {'stage':<16} {'this ms/post':>13}"
    if theirs is not None:
        head += f" {against + ' ms/post':>22} {'speed-up':>9}"
    lines = [head]
    for stage, spent in ours.items():
        line = f"{'':<5} {stage:<16} {1000 * spent:>13.4f}"
        if theirs is not None and stage in theirs:
            line += f" {1000 * theirs[stage]:>22.4f} {theirs[stage] / spent:>8.2f}x"
        lines.append(line)
    return "\n".join(lines)


def main() -> None:
    """Print the per-stage table of each corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="another checkout to compare with")
    parser.add_argument("--bulk", type=int, default=DEFAULT_BULK, help="bulk items to read")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    parser.add_argument("--worker", choices=["bulk", "real"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.worker, args.bulk)))
        return
    for corpus in ("bulk", "real"):
        ours: Timings = {}
        theirs: Timings = {}
        for round_ in range(args.rounds):
            sides = [(ROOT, ours), *([(args.against, theirs)] if args.against else [])]
            for code, best in sides if round_ % 2 == 0 else sides[::-1]:
                for stage, spent in in_subprocess(code, corpus, args.bulk).items():
                    best[stage] = min(best.get(stage, spent), spent)
        against = args.against.name if args.against else ""
        print(table(corpus, ours, theirs if args.against else None, against), flush=True)


if __name__ == "__main__":
    main()
