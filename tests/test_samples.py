"""samples/ holds real posts copied unchanged, and each one extracts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS, SAMPLES, extract_file

SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".md", ".json"))
POSTS = [p for p in SAMPLE_FILES if p.suffix == ".md"]


def original_of(sample: Path) -> Path:
    """Where a sample came from in ../shared/corpus."""
    if sample.name == "2021-12-22-NW202112222222391066.gold.json":
        return CORPUS / "seed.gold.json"
    for folder in ("real", "finews"):
        candidate = CORPUS / folder / sample.name
        if candidate.exists():
            return candidate
    return CORPUS / "missing" / sample.name


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is not present here")
@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_is_an_unchanged_copy(sample: Path) -> None:
    original = original_of(sample)
    assert original.exists(), f"{sample.name} has no original in {CORPUS}"
    assert sample.read_bytes() == original.read_bytes()


def test_samples_hold_the_required_posts() -> None:
    assert (SAMPLES / "2021-12-22-NW202112222222391066.gold.json").exists()
    gold_posts = [p for p in POSTS if p.with_suffix(".gold.json").exists()]
    assert len(gold_posts) >= 25
    flashes = [p for p in POSTS if p.name.startswith(("2021-12-08", "-2022"))]
    assert len(flashes) >= 5


@pytest.mark.parametrize("sample", POSTS, ids=lambda p: p.name)
def test_every_sample_extracts(sample: Path) -> None:
    article = extract_file(sample)
    assert article.paragraphs, f"{sample.name}: no body paragraphs"
    assert article.id
    assert not [w for w in article.warnings if "rule failed" in w]


@pytest.mark.parametrize("sample", POSTS, ids=lambda p: p.name)
def test_extraction_is_byte_identical_twice(sample: Path) -> None:
    assert extract_file(sample).model_dump_json() == extract_file(sample).model_dump_json()
