"""Write extractor/rules/patterns.index.marshal: the patterns a run compiles, compiled ahead
for this interpreter (see extractor/prebuilt_patterns.py).

Run after a change of the rules or of a pattern in the code, or with another interpreter;
until then the patterns the file lacks are compiled in every process (correct, slower) and
tests/test_patterns_prebuilt.py fails (for the interpreter the file was made with).

    python scripts/index_patterns.py
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from extractor import prebuilt_patterns

#: `re`'s compiler itself (its cache is what the file fills).
COMPILER: Any = importlib.import_module("re._compiler")


def main() -> int:
    """Record the patterns in fresh processes, check each, and write the file."""
    entries = prebuilt_patterns.build().entries
    for entry in entries:
        source, flags = entry[0], entry[1]
        made, fresh = prebuilt_patterns.compiled(entry), re_compile(source, flags)
        if made != fresh or made.groupindex != fresh.groupindex or made.groups != fresh.groups:
            raise SystemExit(f"{source!r}: not the program re compiles")
    prebuilt_patterns.PATH.write_bytes(prebuilt_patterns.dumps(entries))
    print(f"{prebuilt_patterns.PATH}: {len(entries)} patterns ({prebuilt_patterns.interpreter()})")
    return 0


def re_compile(source: str | bytes, flags: int) -> re.Pattern[Any]:
    """The pattern as `re`'s compiler makes it now (not from its cache, which the file fills)."""
    fresh: re.Pattern[Any] = COMPILER.compile(source, flags)
    return fresh


if __name__ == "__main__":
    raise SystemExit(main())
