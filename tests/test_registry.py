"""The exporter registry: names, aliases, and an error that lists what is known."""

from __future__ import annotations

import pytest

from exporters import REGISTRY, UnknownFormatError, exporter_class, resolve


def test_aliases_resolve_to_their_format() -> None:
    for entry in REGISTRY.values():
        for alias in (entry.name, *entry.aliases):
            assert resolve(alias) == entry.name
            assert resolve(alias.upper()) == entry.name


def test_every_registered_format_imports() -> None:
    for name in REGISTRY:
        assert exporter_class(name).name == name


def test_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(UnknownFormatError) as info:
        resolve("docx")
    assert "docx" in str(info.value)
    for name in REGISTRY:
        assert name in str(info.value)
