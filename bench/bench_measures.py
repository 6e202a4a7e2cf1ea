"""The measure tree on the bulk corpus: declared-count agreement, date codes, and its cost.

    python -m bench.bench_measures [--corpus DIR] [--limit N] [--show KIND --samples 20]

Reads the 10,649 unannotated real items of `../shared/corpus/bulk/xwlb-10k.tar.xz` (unpacked
into a temporary folder unless `--corpus` names an unpacked one) and prints, as the corpus
README defines them:

- agreement: of the groups that state a count label and declare a count (at any level), the
  share whose items found equal the count (target >= AGREEMENT_TARGET);
- density: such groups per 1,000 items (target >= DENSITY_TARGET: agreement is raised by
  finding the right items, not by dropping groups);
- model-code warnings, and those naming a date or holiday (target 0);
- the measures stage's CPU time per article (target <= MS_TARGET ms), measured beside the
  reading stage in the same run.

`--show KIND` prints random groups of one kind (`agree`, `disagree`, `unlabelled`, or a
finder's name such as `colon_list`) to read what a rule catches on text it was not written for.
"""

from __future__ import annotations

import argparse
import random
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractor.document import Document
from extractor.measures import extract_measure_groups
from extractor.measures.guards import is_date_numeral
from extractor.reader import read_document
from schemas import MeasureGroup

ROOT = Path(__file__).resolve().parent.parent
BULK = ROOT.parent / "shared" / "corpus" / "bulk" / "xwlb-10k.tar.xz"
AGREEMENT_TARGET = 0.85
DENSITY_TARGET = 55.0
MS_TARGET = 0.25


def corpus_files(folder: Path | None) -> tuple[list[Path], tempfile.TemporaryDirectory[str] | None]:
    """The bulk items, unpacking the archive into a temporary folder when none is given."""
    if folder is not None:
        return sorted(p for p in folder.rglob("*") if p.is_file()), None
    if not BULK.exists():
        raise SystemExit(f"no bulk corpus at {BULK}; pass --corpus DIR")
    temp = tempfile.TemporaryDirectory(prefix="xwlb-")
    with tarfile.open(BULK, "r:xz") as archive:
        archive.extractall(temp.name, filter="data")
    return sorted(p for p in Path(temp.name).rglob("*") if p.is_file()), temp


def walk(groups: list[MeasureGroup]) -> list[MeasureGroup]:
    found = []
    for group in groups:
        found.append(group)
        found.extend(walk(group.children))
    return found


def describe(doc: Document, group: MeasureGroup) -> str:
    para = group.evidence.paragraph if group.evidence and group.evidence.paragraph else 0
    where = doc.paragraphs[para][:160] if doc.paragraphs else ""
    items = " | ".join(it.name for it in group.items)
    return (
        f"{doc.path}\n  {group.label} declared={group.declared_count} "
        f"found={len(group.items)}: {items}\n  ¶ {where}"
    )


def kind_of(group: MeasureGroup) -> str:
    if not group.label_stated:
        return "unlabelled"
    return "agree" if group.declared_count == len(group.items) else "disagree"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="an unpacked folder of the bulk items")
    parser.add_argument("--limit", type=int, help="read only the first N items")
    parser.add_argument("--show", help="print random groups of this kind")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    files, temp = corpus_files(args.corpus)
    files = files[: args.limit] if args.limit else files
    counted = agreeing = 0
    codes = date_codes = 0
    read_seconds = measure_seconds = 0.0
    kinds: Counter[str] = Counter()
    shown: list[str] = []
    for path in files:
        data = path.read_bytes()
        started = time.process_time()
        doc = read_document(path.name, data)
        read_seconds += time.process_time() - started
        started = time.process_time()
        groups = extract_measure_groups(doc)
        measure_seconds += time.process_time() - started
        for group in walk(groups):
            kind = kind_of(group)
            kinds[kind] += 1
            if group.label_stated and group.declared_count is not None:
                counted += 1
                agreeing += group.declared_count == len(group.items)
            if args.show and args.show == kind:
                shown.append(describe(doc, group))
        for warning in doc.warnings:
            if warning.startswith("model code "):
                codes += 1
                word = warning.removeprefix("model code ").split(":", 1)[0]
                date_codes += is_date_numeral(word)
    if temp is not None:
        temp.cleanup()
    n = len(files)
    agreement = agreeing / counted if counted else 0.0
    density = 1000 * counted / n if n else 0.0
    ms = 1000 * measure_seconds / n if n else 0.0
    print(f"items read:                       {n:,}")
    print(f"count-declaring groups:           {counted:,} ({density:.1f} per 1,000 items)")
    print(f"  whose items equal the count:    {agreeing:,} = {agreement:.1%}")
    print(f"model-code warnings:              {codes} (from dates or holidays: {date_codes})")
    print(f"groups by kind:                   {dict(sorted(kinds.items()))}")
    print(
        f"measures stage:                   {ms:.3f} ms per item (reading: "
        f"{1000 * read_seconds / n:.3f} ms)"
        if n
        else ""
    )
    if shown:
        print(f"\n{min(args.samples, len(shown))} random groups of kind {args.show!r}:")
        for line in random.Random(args.seed).sample(shown, min(args.samples, len(shown))):
            print(line)
    ok = (
        agreement >= AGREEMENT_TARGET
        and density >= DENSITY_TARGET
        and date_codes == 0
        and ms <= MS_TARGET
    )
    print(
        f"\ntargets: agreement >= {AGREEMENT_TARGET:.0%}, >= {DENSITY_TARGET:.0f} per 1,000, "
        f"0 date codes, <= {MS_TARGET} ms: {'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
