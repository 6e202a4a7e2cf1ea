"""The reference post gives exactly the record DESIGN.md and its gold describe."""

from __future__ import annotations

from schemas import Article


def test_reference_metadata(reference: Article) -> None:
    assert reference.id == "NW202112222222391066"
    assert reference.title == "绥化学院：打好组合拳毕业生就业三连升"
    assert reference.published == "2021-12-22T11:16:43+08:00"
    assert reference.url is not None
    assert reference.url.endswith("infoCode=NW202112222222391066")
    assert reference.category == "heilongjiangribao"
    assert reference.tags == ["黑龙江日报新闻"]


def test_reference_source_with_evidence(reference: Article) -> None:
    assert reference.source is not None
    assert reference.source.name == "黑龙江日报"
    ev = reference.source.evidence
    assert ev.where == "source_line"
    assert "（文章来源：黑龙江日报）"[ev.start : ev.end] == "黑龙江日报"


def test_reference_body(reference: Article) -> None:
    assert len(reference.paragraphs) == 15
    assert reference.paragraphs[0].startswith("就业是最大的民生工程")
    assert reference.paragraphs[-1].endswith("(蒋平董大为)")
    assert not any("文章来源" in p for p in reference.paragraphs)
    assert not any("返回" in p for p in reference.paragraphs)
    assert not reference.warnings
