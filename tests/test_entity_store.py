"""The entities kept on disk come back as the objects in memory gave them: the same counts,
Python's order of strings, `Counter.most_common`'s order of names, a capped list of articles."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from exporters.entity_store import EntityArticle, EntityPages, EntityTallies, Mention

#: Keys whose UTF-8 bytes and code points must sort alike: ASCII, CJK, an astral character
#: (four UTF-8 bytes, beyond U+FFFF), a character after the CJK block, a stray surrogate.
KEYS = ("b", "a", "甲乙", "甲", "𠀀山", "\uff01", "乙\udc80", "Z")


@pytest.mark.parametrize("in_memory", [2, 5, 10_000])  # written to the database or not
def test_tallies_sorted_as_python_sorts(tmp_path: Path, in_memory: int) -> None:
    tallies = EntityTallies(tmp_path / "e.sqlite", in_memory)
    articles: list[list[Mention]] = []
    for number in range(len(KEYS)):
        # entity KEYS[i] is in the articles i..end: counts differ, and ties remain
        mentions: list[Mention] = [
            ("organization", key, f"{key}名{number % 2}", number == 3, False)
            for key in KEYS[: number + 1]
        ]
        mentions.append(("person", "甲", "甲", False, True))
        mentions.append(("organization", KEYS[0], KEYS[0], True, False))  # twice in one article
        articles.append(mentions)
    for mentions in articles:
        tallies.add(mentions)
    got = list(tallies.tallies())
    tallies.close()
    assert (tmp_path / "e.sqlite").exists() == (in_memory < len(KEYS))

    local_of: dict[tuple[str, str], bool] = {}
    names_of: dict[tuple[str, str], set[str]] = {}
    count_of: Counter[tuple[str, str]] = Counter()
    subject_of: Counter[tuple[str, str]] = Counter()
    for mentions in articles:  # what the workbook held in memory before
        seen: dict[tuple[str, str], bool] = {}
        for kind, key, name, subject, local in mentions:
            local_of.setdefault((kind, key), local)
            names_of.setdefault((kind, key), set()).add(name)
            seen[(kind, key)] = seen.get((kind, key), False) or subject
        for entity, subject in seen.items():
            count_of[entity] += 1
            subject_of[entity] += subject
    order = sorted(count_of, key=lambda e: (-count_of[e], e[0], e[1]))
    assert [(t.kind, t.key) for t in got] == order
    for tally in got:
        entity = (tally.kind, tally.key)
        assert tally.local == local_of[entity]
        assert set(tally.names) == names_of[entity]
        assert (tally.articles, tally.subject_of) == (count_of[entity], subject_of[entity])
    assert len(set(got[0].names)) == len(got[0].names)  # each name once


def test_pages_in_first_mention_order_names_by_count(tmp_path: Path) -> None:
    pages = EntityPages(tmp_path / "p.sqlite")
    counts: dict[str, Counter[str]] = {}
    listed: dict[str, list[EntityArticle]] = {}
    for number in range(12):
        mentions = [(KEYS[(number + i) % len(KEYS)], f"名{i % 3}", f"role{i}") for i in range(4)]
        mentions.append(mentions[0])  # the same entity again: its name counts, its article not
        page, title, date = f"articles/{number}.html", f"标题{number}", f"2024-01-{number:02}"
        pages.add(mentions, page, title, date)
        seen: set[str] = set()
        for entity, name, role in mentions:  # what the report held in memory before
            counts.setdefault(entity, Counter())[name] += 1
            if entity not in seen:
                seen.add(entity)
                listed.setdefault(entity, []).append(EntityArticle(page, title, date, role))
    got = list(pages.pages(rows=5))
    pages.close()
    assert [p.key for p in got] == list(counts)
    for entity_page in got:
        assert entity_page.names == [n for n, _ in counts[entity_page.key].most_common()]
        assert entity_page.articles == listed[entity_page.key][:5]
        assert entity_page.total == len(listed[entity_page.key])
    assert any(p.total > len(p.articles) for p in got)  # the cap was reached
