"""newsfacts extractor: file bytes -> typed Article records."""

from importlib.machinery import EXTENSION_SUFFIXES as _EXTENSION_SUFFIXES
from pathlib import Path as _Path

from extractor import prebuilt_patterns as _prebuilt_patterns

#: The version of newsfacts: pyproject.toml reads it from here (`[tool.setuptools.dynamic]`),
#: so a run need not import importlib.metadata (zipfile, email: 10-60 ms) to learn it.
__version__ = "0.1.0"

# Before any module of the package compiles its patterns: `re.compile` finds them compiled
# (a fresh process's 0.03 s of compiling, see extractor/prebuilt_patterns.py).
_prebuilt_patterns.seed()


def build() -> str:
    """Which build of the stages this installation runs: `compiled` (mypyc, what
    `pip install .` makes, see setup.py) or `pure Python` (an editable install, or a machine
    that could not compile). Told by the files, without importing the stages."""
    measures = _Path(__file__).parent / "measures"
    compiled = any((measures / f"tree{suffix}").exists() for suffix in _EXTENSION_SUFFIXES)
    return "compiled" if compiled else "pure Python"
