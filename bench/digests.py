"""Digests of what `newsfacts extract` writes, to check a speed change left the output alone.

Runs the real command on each input folder with the log, N-Quads and CSV outputs on and
prints one `sha256  folder/file` line per byte-stable file (the xlsx carries openpyxl's
timestamps, so it is left to the tests that compare its cells).

    python -m bench.digests samples ../shared/corpus/real > before.txt
    # change something
    python -m bench.digests samples ../shared/corpus/real | diff before.txt -
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

#: The formats whose files are byte-stable for the same input.
STABLE_FORMATS = "nquads,csv"
#: Files of a run that hold the extraction (run.json has times and the manifest sizes).
STABLE_FILES = ("articles.jsonl", "articles.nq", "csv/*.csv")


def digests(
    folder: Path, scratch: Path, env: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """(sha256, file name) of each byte-stable output of one extract run over folder (`env`:
    the run's environment, this one's by default)."""
    out = scratch / folder.name
    command = [
        sys.executable, "-m", "extractor.cli", "extract", str(folder), "-o", str(out),
        "--format", STABLE_FORMATS, "-j", "1",
    ]  # fmt: skip
    subprocess.run(
        command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    found = []
    for pattern in STABLE_FILES:
        for path in sorted(out.glob(pattern)):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found.append((digest, f"{folder.name}/{path.relative_to(out).as_posix()}"))
    return found


def main() -> None:
    """Print the digests of each folder's outputs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsfacts-digests-") as scratch:
        for folder in args.folders:
            for digest, name in digests(folder, Path(scratch)):
                print(f"{digest}  {name}")


if __name__ == "__main__":
    main()
