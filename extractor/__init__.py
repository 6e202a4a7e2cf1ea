"""newsfacts extractor: file bytes -> typed Article records."""

#: The version of newsfacts: pyproject.toml reads it from here (`[tool.setuptools.dynamic]`),
#: so a run need not import importlib.metadata (zipfile, email: 10-60 ms) to learn it.
__version__ = "0.1.0"
