"""A fresh interpreter runs a snippet, then says which of some modules it has imported.

Import costs are what a new process pays (the CLI's start, `import newsfacts`, a worker
unpickling its task); the tests that keep a heavy module out of a path ask this.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Sequence


def loaded_after(code: str, modules: Sequence[str], stdin: bytes | None = None) -> list[str]:
    """The names of `modules` in sys.modules after `code` ran in a new interpreter (which
    must exit 0); the code's own output goes to the caller's stderr only on failure."""
    names = list(modules)
    probe = f"{code}\nimport sys as _s\n_s.stderr.write(repr(sorted(m for m in {names!r} if m in _s.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], input=stdin, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    listed = done.stderr.decode("utf-8").rsplit("\n", 1)[-1]
    found: list[str] = ast.literal_eval(listed)
    return found
