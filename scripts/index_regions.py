"""Write extractor/rules/regions.index.marshal: the region table's indexes, precomputed.

Run after regions.tsv (scripts/build_regions.py) or the short_name rules of regions.yaml
change; until then the table is indexed from its rows in every process (correct, slower)
and tests/test_regions_table.py fails.

    python scripts/index_regions.py
"""

from __future__ import annotations

from importlib import resources

from extractor import prebuilt_regions


def main() -> int:
    """Index regions.tsv and write the file beside it."""
    folder = resources.files("extractor.rules")
    data = prebuilt_regions.build(folder.joinpath("regions.tsv").read_bytes())
    target = folder.joinpath(prebuilt_regions.FILE)
    with resources.as_file(target) as path:
        path.write_bytes(prebuilt_regions.dumps(data))
        print(f"{path}: {len(data['shared'])} shared names, {len(data['short'])} short ones")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
