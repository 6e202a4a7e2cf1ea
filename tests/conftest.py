"""Shared paths and helpers for the tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extractor.pipeline import STRICT_RULES_ENV, extract_article
from schemas import Article

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
#: The shared corpus the samples were copied from; present in the workspace, maybe not in CI.
CORPUS = ROOT.parent / "shared" / "corpus"
REFERENCE = SAMPLES / "2021-12-22-NW202112222222391066.md"

# Every test that extracts fails on a crashing rule instead of getting a "rule failed" warning.
# Set in os.environ at import time, so CLI subprocesses, pool and Dask workers inherit it.
os.environ[STRICT_RULES_ENV] = "1"


def extract_file(path: Path) -> Article:
    """Extract a file the way the CLI does (path relative to its folder)."""
    return extract_article(path.name, path.read_bytes())


@pytest.fixture(scope="session")
def reference() -> Article:
    """The reference post's record."""
    return extract_file(REFERENCE)


def post(body: str, front: str = 'title: "t"\ndate: 2021-12-22 11:16:43 +0800') -> bytes:
    """A constructed post (front matter + body) for table tests."""
    return f"---\nlayout: post\n{front}\n---\n{body}\n".encode()
