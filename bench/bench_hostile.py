"""Hostile and broken input beside the plain reference post: CPU time and memory, one run.

    python bench/bench_hostile.py [--repeat 5]

Each case is built from the reference post at run time (tests/test_faults.py). The issue's
bound is under 0.5 s and bounded memory per hostile file; the ratio column compares each
case with extracting the reference post itself in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractor.errors import InputError
from extractor.pipeline import extract_article
from tests.test_faults import (
    HOSTILE,
    REF_TEXT,
    cut_in_tag,
    impossible_date,
    random_bytes,
)

BOUND_SECONDS = 0.5


def run(path: str, data: bytes) -> None:
    """Extract once, accepting a coded failure."""
    with contextlib.suppress(InputError):
        extract_article(path, data)


def measure(path: str, data: bytes, repeat: int) -> tuple[float, float]:
    """(best CPU seconds over `repeat` runs, traced peak MiB of one run)."""
    run(path, data)  # warm: rules load once per process
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        run(path, data)
        best = min(best, time.process_time() - started)
    tracemalloc.start()
    run(path, data)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return best, peak


def main() -> int:
    """Print one line per case; exit 1 when a case breaks the bound."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cases: list[tuple[str, Callable[[], bytes], str]] = [
        ("reference post", REF_TEXT.encode, "md"),
        ("impossible date", impossible_date, "md"),
        ("cut in a tag", cut_in_tag, "md"),
        ("random bytes", random_bytes, "md"),
        *HOSTILE,
    ]
    base, _ = measure("post.md", REF_TEXT.encode(), args.repeat)
    print(f"{'case':24} {'bytes':>10} {'cpu ms':>8} {'x ref':>7} {'peak MiB':>9}")
    worst = 0.0
    for name, build, kind in cases:
        data = build()
        seconds, peak = measure(f"post.{kind}", data, args.repeat)
        worst = max(worst, seconds)
        ratio = seconds / base if base else float("nan")
        print(f"{name:24} {len(data):>10} {seconds * 1000:>8.1f} {ratio:>7.1f} {peak:>9.1f}")
    print(f"slowest case: {worst * 1000:.1f} ms CPU (bound {BOUND_SECONDS * 1000:.0f} ms)")
    return 0 if worst < BOUND_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
