"""The name data (rules/surnames.txt, given_chars.tsv, common_words.tsv) as names.model reads it."""

from __future__ import annotations

from importlib import resources

from extractor import names


def _rows(file: str) -> list[list[str]]:
    """A plain per-line reading: the reference the whole-text split must agree with."""
    text = resources.files("extractor.rules").joinpath(file).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def test_the_model_holds_every_row_as_a_plain_reading_of_the_files() -> None:
    model = names.model()
    assert model.surnames == frozenset(row[0] for row in _rows("surnames.txt"))
    given = _rows("given_chars.tsv")
    assert model.in_names == {row[0]: float(row[1]) for row in given}
    assert model.in_words == {row[0]: int(row[2]) for row in given}
    assert model.names_total == sum(float(row[1]) for row in given)
    assert model.words_total == sum(int(row[2]) for row in given)
    assert model.common == {row[0]: int(row[1]) for row in _rows("common_words.tsv")}
