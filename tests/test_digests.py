"""The byte-stable outputs of `newsfacts extract` match the committed digest list.

`tests/output_digests.txt` holds the sha256 of articles.jsonl, articles.nq and the CSV files
for the samples (and the real posts of ../shared/corpus/real when present). A speed change must
leave them alone; when an extraction change is intended, regenerate the list with
`python -m bench.digests samples ../shared/corpus/real > tests/output_digests.txt` and say why
in the commit. The xlsx carries openpyxl's timestamps and is compared by its cells elsewhere.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from bench.digests import digests
from tests.conftest import CORPUS, ROOT, SAMPLES

DIGESTS = ROOT / "tests" / "output_digests.txt"


def committed(folder_name: str) -> dict[str, str]:
    """file name -> committed sha256, for one input folder."""
    found = {}
    for line in DIGESTS.read_text("utf-8").splitlines():
        digest, name = line.split("  ", 1)
        if name.split("/", 1)[0] == folder_name:
            found[name] = digest
    return found


@pytest.mark.parametrize("folder", [SAMPLES, CORPUS / "real"], ids=["samples", "real"])
def test_outputs_match_committed_digests(folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (the shared corpus sits beside the checkout)")
    expected = committed(folder.name)
    assert expected, f"no digests for {folder.name} in {DIGESTS}"
    with tempfile.TemporaryDirectory(prefix="newsfacts-digests-") as scratch:
        got = {name: digest for digest, name in digests(folder, Path(scratch))}
    assert got == expected
