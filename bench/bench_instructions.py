"""Instructions a post (valgrind's callgrind), this checkout beside another: a count of the work
that does not move with the machine's load.

On a shared machine the time of the same code moves by about 10 % from run to run (see
bench_extract's ratios over a session), so a change that saves a few per cent cannot be seen in
timings, nor one that costs a few. The instructions the processor runs for the same input are
the same in every run. This counts them for `extract_article` (or for one stage, `--stage`) a
post, after the set-up: imports, rule tables and one untimed read of every post happen before
collection starts; only the calls made inside the `itertools.starmap` that runs the posts are
counted (callgrind's `--toggle-collect`). Hash seeds are fixed, so dictionaries probe alike.

Instructions are not time: a cache miss or a mispredicted branch costs time that no count
shows, and a tight C loop (the regex engine's) runs more instructions a nanosecond than the
interpreter does. Use the counts to see whether a change does less work; bench_extract tells the
speed. Needs valgrind (`apt-get install valgrind`); under it Python runs some 50x slower, so the
corpora are small by default.

    python -m bench.bench_instructions                         # real posts, pure and compiled
    python -m bench.bench_instructions --against /tmp/main     # another checkout beside this one
    python -m bench.bench_instructions --corpus bulk --stage organizations --no-compiled
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: How often each post is read in the counted run (the counts are exact: a few reads suffice).
DEFAULT_READS = 3
#: Bulk items counted (in name order, after the first WARM_BULK, which only warm the caches).
DEFAULT_BULK = 300
WARM_BULK = 200
#: The whole extraction, or one of its stages as bench_stages names them.
WHOLE = "extract_article"
#: The C function every counted call runs inside (see `count`).
COUNTED = "starmap_next"
TOTALS = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)

Post = tuple[str, bytes]


@dataclass
class Version:
    """A build of some checkout to count: its label and its PYTHONPATH."""

    label: str
    path: str


def stage_names() -> list[str]:
    """`extract_article`, then its stages in the order they run."""
    from extractor.pipeline import FIELD_EXTRACTORS  # noqa: PLC0415 - the code counted

    return [WHOLE, "read_document", *(name for name, _ in FIELD_EXTRACTORS), "article_of"]


def count(version: Version, posts_file: Path, stage: str, reads: int, scratch: Path) -> float:
    """Instructions a post of `stage` with `version`'s code, from one run under callgrind."""
    out = scratch / f"callgrind.{os.getpid()}.{len(list(scratch.iterdir()))}"
    env = {
        **os.environ,
        "PYTHONPATH": version.path,
        "PYTHONSAFEPATH": "1",  # the working directory's packages are not the version's
        "PYTHONHASHSEED": "0",
    }
    command = [
        "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--collect-atstart=no",
        f"--toggle-collect={COUNTED}", sys.executable, __file__,
        "--worker", str(posts_file), "--stage", stage, "--reads", str(reads),
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{version.label}: the counted run failed:\n{done.stderr[-3000:]}")
    runs = int(done.stdout.split()[-1])  # the worker prints how many calls it made
    found = TOTALS.search(out.read_text(encoding="utf-8", errors="replace"))
    if found is None:
        raise SystemExit(f"{version.label}: no instruction total in {out}")
    return int(found.group(1)) / runs


def worker(posts_file: Path, stage: str, reads: int) -> int:
    """Run `stage` over the posts `reads` times inside one starmap each; return the calls made.

    Every post is extracted once first (tables, caches: as in a long run), and what the set-up
    made is frozen out of the collector's reach, as the batch workers do."""
    from extractor.document import Document  # noqa: PLC0415 - the code counted
    from extractor.pipeline import FIELD_EXTRACTORS, article_of, extract_article  # noqa: PLC0415
    from extractor.reader import read_document  # noqa: PLC0415

    with posts_file.open("rb") as handle:
        warm, posts = pickle.load(handle)  # noqa: S301 - written by this script's parent
    for post in [*warm, *posts]:
        extract_article(*post)
    names = [name for name, _ in FIELD_EXTRACTORS]

    def prepared(upto: int) -> list[Document]:
        docs = [read_document(*post) for post in posts]
        for doc in docs:
            for name, extractor in FIELD_EXTRACTORS[:upto]:
                setattr(doc.facts, name, extractor(doc))
        return docs

    calls = 0
    for _ in range(reads):
        function: Callable[..., object]
        if stage == WHOLE:
            function, arguments = extract_article, list(posts)
        elif stage == "read_document":
            function, arguments = read_document, list(posts)
        else:
            # fresh documents each read (not counted): a stage may keep what it derived on one
            at = len(names) if stage == "article_of" else names.index(stage)
            function = article_of if stage == "article_of" else FIELD_EXTRACTORS[at][1]
            arguments = [(doc,) for doc in prepared(at)]
        gc.collect()
        gc.freeze()
        for _result in itertools.starmap(function, arguments):
            pass
        calls += len(arguments)
    return calls


def corpus_posts(corpus: str, bulk: int) -> tuple[list[Post], list[Post]]:
    """(posts read only to warm up, posts counted) of a corpus."""
    from bench.bench_extract import bulk_posts, real_posts  # noqa: PLC0415 - the parent only

    if corpus == "real":
        return [], real_posts()
    items = bulk_posts(WARM_BULK + bulk)
    return items[:WARM_BULK], items[WARM_BULK:]


def versions(against: Path | None, compiled: bool, scratch: Path) -> list[Version]:
    """This checkout (pure, then compiled), then the other checkout the same ways."""
    from bench import compiled as builds  # noqa: PLC0415 - imports mypy's version

    found = [Version("this checkout (pure)", str(ROOT))]
    if compiled:
        found.append(Version("this checkout (compiled)", str(builds.compiled_copy())))
    if against is not None:
        env = builds.checkout_copy(against, scratch / "against")
        found.append(Version(f"{against} (pure)", env["PYTHONPATH"]))
        if compiled:
            found.append(Version(f"{against} (compiled)", str(builds.compiled_copy(against))))
    return found


def main() -> None:
    """Print the instructions a post of each version, and each one's against the first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="another checkout to count beside this one")
    parser.add_argument("--corpus", choices=["real", "bulk"], default="real")
    parser.add_argument("--bulk", type=int, default=DEFAULT_BULK, help="bulk items counted")
    parser.add_argument("--reads", type=int, default=DEFAULT_READS, help="reads of each post")
    parser.add_argument("--stage", default=WHOLE, help="extract_article or one of its stages")
    parser.add_argument("--no-compiled", action="store_true", help="the pure builds only")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        print(worker(args.worker, args.stage, args.reads))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("bench_instructions needs valgrind (apt-get install valgrind)")
    if args.stage not in stage_names():
        raise SystemExit(f"--stage: one of {', '.join(stage_names())}")
    with tempfile.TemporaryDirectory(prefix="newsfacts-instructions-") as folder:
        scratch = Path(folder)
        posts_file = scratch / "posts.pickle"
        posts_file.write_bytes(pickle.dumps(corpus_posts(args.corpus, args.bulk)))
        counted = scratch / "counts"
        counted.mkdir()
        print(f"{args.stage} on the {args.corpus} corpus, {args.reads} reads, M instructions/post")
        first: float | None = None
        for version in versions(args.against, not args.no_compiled, scratch):
            per_post = count(version, posts_file, args.stage, args.reads, counted)
            first = first or per_post
            ratio = per_post / first
            print(f"  {version.label:<60} {per_post / 1e6:9.4f}  {ratio:6.3f}x", flush=True)


if __name__ == "__main__":
    main()
