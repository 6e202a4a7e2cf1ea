"""The run's ids, held in memory or written to the database, are each taken once."""

from __future__ import annotations

import pytest

from extractor.batch.ids import Ids


@pytest.mark.parametrize("in_memory", [1, 2, 3, 1000])  # written to the database or not
def test_an_id_is_taken_once_wherever_it_is_kept(in_memory: int) -> None:
    ids = Ids(in_memory)
    names = [f"2024-文章-{n}" for n in range(7)] + ["stray-\udc80"]
    for number, name in enumerate(names):
        assert ids.claim(name, f"posts/{number}.md")
    assert (ids.db is not None) == (in_memory <= len(names))
    for number, name in enumerate(names):
        assert ids.taken(name)
        assert not ids.claim(name, "posts/later.md")
        assert ids._first(name) == f"posts/{number}.md"  # the first file keeps it
    assert not ids.taken("2024-文章-99")
    ids.close()
