"""newsfacts extractor: file bytes -> typed Article records."""

from extractor import prebuilt_patterns as _prebuilt_patterns

#: The version of newsfacts: pyproject.toml reads it from here (`[tool.setuptools.dynamic]`),
#: so a run need not import importlib.metadata (zipfile, email: 10-60 ms) to learn it.
__version__ = "0.1.0"

# Before any module of the package compiles its patterns: `re.compile` finds them compiled
# (a fresh process's 0.03 s of compiling, see extractor/prebuilt_patterns.py).
_prebuilt_patterns.seed()
