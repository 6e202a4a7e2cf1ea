"""RDF export: IRIs, the N-Quads writer, the round-trip matrix, the vocabulary and the shapes."""

from __future__ import annotations

import json
import unicodedata
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from exporters import REGISTRY, exporter_class
from exporters.rdf import (
    NF,
    NQuadsExporter,
    article_iri,
    article_nquads,
    article_triples,
    graph_iri,
    key,
    lit,
    organization_iri,
    person_iri,
    url_iri,
)
from extractor.cli import main
from schemas import Article, MeasureGroup
from tests.conftest import REFERENCE, SAMPLES, extract_file
from tests.rdf_articles import reference_with_facts

NQ = ox.RdfFormat.N_QUADS
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: Every RDF format in the registry and how to read its file back; a new RDF exporter that is
#: missing here fails test_every_rdf_format_is_in_the_round_trip_matrix.
ROUND_TRIP: dict[str, tuple[str, ox.RdfFormat, bool]] = {
    # name: (file, pyoxigraph format, keeps graph names)
    "nquads": ("articles.nq", ox.RdfFormat.N_QUADS, True),
    "trig": ("articles.trig", ox.RdfFormat.TRIG, True),
    "turtle": ("articles.ttl", ox.RdfFormat.TURTLE, False),
    "ntriples": ("articles.nt", ox.RdfFormat.N_TRIPLES, False),
    "jsonld": ("articles.jsonld", ox.RdfFormat.JSON_LD, True),
}
RDFLIB_FORMATS = {
    "nquads": "nquads",
    "trig": "trig",
    "turtle": "turtle",
    "ntriples": "nt",
    "jsonld": "json-ld",
}


def write(articles: list[Article], outdir: Path, names: list[str]) -> None:
    """Run the named exporters over the articles, as the batch does."""
    exporters = [exporter_class(name)(outdir) for name in dict.fromkeys(names)]
    for article in articles:
        for exporter in exporters:
            exporter.write(article)
    for exporter in exporters:
        exporter.close()


def quads(path: Path, fmt: ox.RdfFormat = NQ) -> set[ox.Quad]:
    return set(ox.parse(path=path, format=fmt))


@pytest.fixture(scope="module")
def rich() -> Article:
    return reference_with_facts()


@pytest.fixture(scope="module")
def samples_rdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`newsfacts extract samples -o out --format rdf` (out/articles.nq)."""
    out = tmp_path_factory.mktemp("out")
    assert main(["extract", str(SAMPLES), "-o", str(out), "--format", "rdf"]) == 0
    return out


# --- IRIs ----------------------------------------------------------------------------------


def test_keys_are_nfc_percent_encoded_utf8_without_whitespace() -> None:
    assert key("绥化学院") == "%E7%BB%A5%E5%8C%96%E5%AD%A6%E9%99%A2"
    # constructed: the same name typed decomposed, or with a padding space, is the same key
    assert key(unicodedata.normalize("NFD", "Café")) == key("Café") == "Caf%C3%A9"
    assert person_iri("张 伟") == person_iri("张伟")
    assert organization_iri("a/b?c#d") == organization_iri("a/b?c#d")
    assert "/" not in key("a/b?c#d") and "#" not in key("a/b?c#d")
    for iri in (organization_iri("黑龙江 日报"), person_iri("O'Brien <x>"), article_iri("id 1")):
        assert ox.NamedNode(iri).value == iri
        assert iri.isascii()


def test_url_becomes_a_valid_iri_or_stays_text() -> None:
    assert url_iri("http://a.cn/x y?q=100%") == "http://a.cn/x%20y?q=100%25"
    assert url_iri("http://a.cn/p?infoCode=NW1") == "http://a.cn/p?infoCode=NW1"
    assert url_iri("not a url") is None
    article = Article(id="x", path="x.md", title="t", url="www.example.com/没有协议")
    triples = article_triples(article)
    assert any(p == f"<{NF}urlText>" for _, p, _ in triples)
    assert not any(p == "<http://schema.org/url>" for _, p, _ in triples)


def test_same_record_gives_the_same_bytes_and_no_blank_nodes(rich: Article) -> None:
    text = article_nquads(rich)
    assert text == article_nquads(Article.model_validate_json(rich.model_dump_json()))
    parsed = list(ox.parse(text, format=NQ))
    assert len(parsed) == len(set(parsed)) == text.count("\n")
    for quad in parsed:
        for term in (quad.subject, quad.object, quad.graph_name):
            assert not isinstance(term, ox.BlankNode)
        assert quad.graph_name == ox.NamedNode(graph_iri(rich.id))


def test_no_clock_time_in_article_graphs(rich: Article) -> None:
    text = article_nquads(rich)
    times = [
        q
        for q in ox.parse(text, format=NQ)
        if isinstance(q.object, ox.Literal) and q.object.datatype.value.endswith("#dateTime")
    ]
    # the only date-time is when the article was published
    assert [q.predicate.value for q in times] == ["http://schema.org/datePublished"]
    assert "startedAtTime" not in text and "endedAtTime" not in text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_string_survives_both_parsers(text: str) -> None:
    line = f"<http://a/s> <http://a/p> {lit(text)} <http://a/g> .\n"
    (quad,) = ox.parse(line, format=NQ)
    assert quad.object.value == text
    dataset = rdflib.Dataset()
    dataset.parse(data=line, format="nquads")
    assert [str(o) for _, _, o, _ in dataset.quads()] == [text]


# --- The N-Quads file ------------------------------------------------------------------------


def test_samples_nquads_parse_strictly_with_pyoxigraph_and_with_rdflib(samples_rdf: Path) -> None:
    path = samples_rdf / "articles.nq"
    strict = quads(path)
    articles = [
        json.loads(line) for line in (samples_rdf / "articles.jsonl").open(encoding="utf-8")
    ]
    assert {q.graph_name.value for q in strict} == {graph_iri(a["id"]) for a in articles}
    dataset = rdflib.Dataset()
    dataset.parse(path, format="nquads")
    assert len(dataset.default_graph) == 0  # nothing in the default graph
    assert sum(len(g) for g in dataset.graphs()) == len(strict)
    # article by article: each graph's lines are contiguous, in path order
    order = list(dict.fromkeys(q.graph_name.value for q in ox.parse(path=path, format=NQ)))
    assert order == [graph_iri(a["id"]) for a in articles]


def test_reruns_write_identical_nquads(samples_rdf: Path, tmp_path: Path) -> None:
    assert main(["extract", str(SAMPLES), "-o", str(tmp_path), "--format", "nq"]) == 0
    assert (tmp_path / "articles.nq").read_bytes() == (samples_rdf / "articles.nq").read_bytes()


def test_the_writer_streams_article_by_article(tmp_path: Path, rich: Article) -> None:
    exporter = NQuadsExporter(tmp_path)
    exporter.write(rich)
    exporter.out.handle.flush()
    # the first article is on disk before the next one is even given
    assert exporter.out.partial.read_text("utf-8") == article_nquads(rich)
    exporter.abort()
    assert not list(tmp_path.iterdir())


# --- Round trips ---------------------------------------------------------------------------


def test_every_rdf_format_is_in_the_round_trip_matrix() -> None:
    rdf_formats = {n for n, e in REGISTRY.items() if e.target.startswith("exporters.rdf:")}
    assert rdf_formats == set(ROUND_TRIP)
    for name, (file, _, _) in ROUND_TRIP.items():
        assert exporter_class(name).files == (file,)
        assert REGISTRY[name].files == file


@pytest.mark.parametrize("name", sorted(ROUND_TRIP))
def test_round_trip(name: str, tmp_path: Path, rich: Article) -> None:
    articles = [rich, extract_file(SAMPLES / "-202205262391921712.md")]
    write(articles, tmp_path, ["nquads", name])
    expected = quads(tmp_path / "articles.nq")
    file, fmt, named = ROUND_TRIP[name]
    back = quads(tmp_path / file, fmt)
    if named:
        assert back == expected
    else:
        assert {q.triple for q in back} == {q.triple for q in expected}
    dataset = rdflib.Dataset()
    dataset.parse(tmp_path / file, format=RDFLIB_FORMATS[name])
    assert len(set(dataset.quads())) == len(back)


def test_jsonld_of_the_reference_post_is_isomorphic_to_its_nquads(
    tmp_path: Path, rich: Article
) -> None:
    write([rich], tmp_path, ["nquads", "jsonld"])
    from_nq, from_jsonld = rdflib.Dataset(), rdflib.Dataset()
    from_nq.parse(tmp_path / "articles.nq", format="nquads")
    from_jsonld.parse(tmp_path / "articles.jsonld", format="json-ld")
    name = rdflib.URIRef(graph_iri(rich.id))
    assert len(from_nq.graph(name)) > 300
    assert isomorphic(from_nq.graph(name), from_jsonld.graph(name))
    # compact and readable: the fixed context is inlined, terms are short
    data = json.loads((tmp_path / "articles.jsonld").read_text("utf-8"))
    context = json.loads((resources.files("schemas") / "context.jsonld").read_text("utf-8"))
    assert data["@context"] == context["@context"]
    assert "headline" in (tmp_path / "articles.jsonld").read_text("utf-8")


def test_jsonld_bytes_are_repeatable(tmp_path: Path, rich: Article) -> None:
    write([rich], tmp_path / "a", ["jsonld", "trig"])
    write([rich], tmp_path / "b", ["jsonld", "trig"])
    for file in ("articles.jsonld", "articles.trig"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


# --- The mapping -----------------------------------------------------------------------------


def test_reference_mapping(rich: Article) -> None:
    graph = rdflib.Graph().parse(
        data=article_nquads(rich).replace(f" <{graph_iri(rich.id)}> .", " ."), format="nt"
    )
    schema, nf = rdflib.Namespace("http://schema.org/"), rdflib.Namespace(NF)
    article = rdflib.URIRef(article_iri(rich.id))
    assert graph.value(article, schema.headline) == rdflib.Literal(rich.title, lang="zh")
    published = graph.value(article, schema.datePublished)
    assert isinstance(published, rdflib.Literal)
    assert (
        published.datatype == rdflib.XSD.dateTime and str(published) == "2021-12-22T11:16:43+08:00"
    )
    # IRIs mint from the entity keys: the college by its name, people by medium/name
    university = rdflib.URIRef(organization_iri("绥化学院"))
    assert graph.value(article, schema.about) == university
    assert (university, rdflib.RDF.type, schema.CollegeOrUniversity) in graph
    assert graph.value(article, schema.publisher) == rdflib.URIRef(organization_iri("黑龙江日报"))
    assert set(graph.objects(article, schema.author)) == {
        rdflib.URIRef(person_iri(f"黑龙江日报/{n}")) for n in ("蒋平", "董大为")
    }
    assert set(graph.objects(article, schema.editor)) == {
        rdflib.URIRef(person_iri("黑龙江日报/张伟"))
    }
    tops = sorted(graph.objects(article, nf.measureGroup))
    assert [str(graph.value(t, rdflib.RDFS.label)) for t in tops] == [
        "三个保障",
        "三种方式",
        "六项举措",
        "三个体系",
    ]
    six = rdflib.URIRef(article_iri(rich.id) + "/group/3")
    children = sorted(graph.subjects(nf.parentGroup, six))
    assert len(children) == 6
    first_item = rdflib.URIRef(article_iri(rich.id) + "/group/3/item/1")
    assert graph.value(first_item, rdflib.RDFS.label) == rdflib.Literal("聚焦“三个精准”", lang="zh")
    assert graph.value(children[0], nf.parentItem) == first_item
    assert graph.value(children[0], nf.declaredCount) == rdflib.Literal(3)
    assert graph.value(children[0], nf.foundCount) == rdflib.Literal(3)
    # every measure points at the paragraph text that supports it
    for item in graph.subjects(rdflib.RDF.type, nf.Measure):
        span = graph.value(item, rdflib.PROV.wasDerivedFrom)
        quote = str(graph.value(span, nf.quote))
        assert quote and quote in str(graph.value(item, rdflib.RDFS.label))


def test_a_group_without_declared_count_or_items(tmp_path: Path) -> None:
    # constructed: an unlabelled list, found but not counted
    group = MeasureGroup(label="一是…三是", children=[MeasureGroup(label="子", parent_item=5)])
    article = Article(id="c1", path="c.md", title="t", measure_groups=[group])
    text = article_nquads(article)
    assert "declaredCount" not in text
    assert "parentItem" not in text  # index 5 of no items: no dangling link
    assert f'<{NF}foundCount> "0"^^' in text


# --- Vocabulary and shapes -------------------------------------------------------------------


def _schema_graph(name: str) -> rdflib.Graph:
    return rdflib.Graph().parse(
        data=(resources.files("schemas") / name).read_text("utf-8"), format="turtle"
    )


def test_every_newsfacts_term_is_documented_in_english_and_chinese(rich: Article) -> None:
    ontology = _schema_graph("ontology.ttl")
    used = {
        term.value
        for q in ox.parse(article_nquads(rich), format=NQ)
        for term in (q.predicate, q.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(NF)
    }
    context = json.loads((resources.files("schemas") / "context.jsonld").read_text("utf-8"))[
        "@context"
    ]
    used |= {
        NF + v["@id"].removeprefix("nf:") if isinstance(v, dict) else NF + v.removeprefix("nf:")
        for v in context.values()
        if (isinstance(v, dict) and v["@id"].startswith("nf:"))
        or (isinstance(v, str) and v.startswith("nf:"))
    }
    assert len(used) > 25
    for term in sorted(used):
        labels = {lbl.language for lbl in ontology.objects(rdflib.URIRef(term), rdflib.RDFS.label)}
        assert labels >= {"en", "zh"}, term


def test_shapes_cover_every_record_class(rich: Article) -> None:
    shapes = _schema_graph("shapes.ttl")
    targeted = set(shapes.objects(None, rdflib.SH.targetClass))
    classes = {
        rdflib.URIRef(q.object.value)
        for q in ox.parse(article_nquads(rich), format=NQ)
        if q.predicate.value == RDF_TYPE
    }
    schema = rdflib.Namespace("http://schema.org/")
    # subclasses by organization kind are checked through schema:Organization
    classes -= {schema.CollegeOrUniversity, schema.GovernmentOrganization}
    # prov:Entity is the PROV role of the article and file, which have shapes of their own
    classes -= {rdflib.PROV.Entity}
    assert classes <= targeted, classes - targeted


def _graph_file(
    tmp_path: Path, article: Article, drop: str = "", replace: tuple[str, str] = ("", "")
) -> Path:
    lines = [
        line
        for line in article_nquads(article).splitlines(keepends=True)
        if not drop or drop not in line
    ]
    text = "".join(lines).replace(*replace) if replace[0] else "".join(lines)
    path = tmp_path / "broken.nq"
    path.write_text(text, "utf-8")
    return path


def test_validate_passes_samples_and_the_rich_reference(
    samples_rdf: Path, tmp_path: Path, rich: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    write([rich], tmp_path, ["nquads"])
    assert main(["validate", str(samples_rdf / "articles.nq"), str(tmp_path / "articles.nq")]) == 0
    out = capsys.readouterr().out
    assert f"{samples_rdf / 'articles.nq'}: conforms" in out
    assert f"{tmp_path / 'articles.nq'}: conforms to schemas/shapes.ttl (1 graph)" in out


def test_validate_reports_an_article_without_headline(
    tmp_path: Path, rich: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _graph_file(tmp_path, rich, drop="<http://schema.org/headline>")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "needs a schema:headline" in out
    assert article_iri(rich.id) in out


def test_an_untitled_article_needs_its_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    untitled = extract_file(SAMPLES / "-202205262391921712.md")
    assert untitled.title is None and any(w.startswith("title") for w in untitled.warnings)
    write([untitled], tmp_path, ["nquads"])
    assert main(["validate", str(tmp_path / "articles.nq")]) == 0
    path = _graph_file(tmp_path, untitled, drop=f"<{NF}warning>")
    assert main(["validate", str(path)]) == 1
    assert "needs a schema:headline" in capsys.readouterr().out


@pytest.mark.parametrize(
    "bad",
    [
        '"three"',  # a word
        '"3.5"^^<http://www.w3.org/2001/XMLSchema#decimal>',  # not an integer
        '"3"^^<http://www.w3.org/2001/XMLSchema#string>',  # the digit as text
    ],
)
def test_validate_reports_a_declared_count_that_is_not_an_integer(
    bad: str, tmp_path: Path, rich: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    good = f'<{NF}declaredCount> "6"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert article_nquads(rich).count(good) == 1  # 六项举措
    path = _graph_file(tmp_path, rich, replace=(good, f"<{NF}declaredCount> {bad}"))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "declaredCount" in line]
    assert lines
    for line in lines:
        assert "/group/3 " in line and "declared count must be one non-negative xsd:integer" in line


def test_validate_names_a_file_that_is_not_rdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "junk.nq"
    path.write_text("<http://a> <http://b> .\n", "utf-8")
    assert main(["validate", str(path)]) == 1
    assert f"{path}: not valid RDF" in capsys.readouterr().err


def test_reference_post_record_exports(tmp_path: Path) -> None:
    """The real extraction of the reference post (whatever its extractors find) validates."""
    write([extract_file(REFERENCE)], tmp_path, ["nquads"])
    assert main(["validate", str(tmp_path / "articles.nq")]) == 0


def test_an_organization_named_twice_is_stated_once(rich: Article) -> None:
    # constructed: the publisher is also the subject (公园街道 reports on itself)
    assert rich.source is not None
    same = rich.organizations[0].model_copy(update={"name": rich.source.name, "kind": "media"})
    text = article_nquads(rich.model_copy(update={"organizations": [same]}))
    lines = text.splitlines()
    assert len(lines) == len(set(lines))
    org = organization_iri(rich.source.name)
    assert (
        sum(
            1
            for line in lines
            if line.startswith(f"<{org}> <{RDF_TYPE}> <http://schema.org/Organization>")
        )
        == 1
    )


def test_one_line_per_record_exporter_base() -> None:
    from exporters.base import LineExporter  # noqa: PLC0415
    from exporters.jsonl import JsonLinesExporter  # noqa: PLC0415

    for cls in (JsonLinesExporter, NQuadsExporter):
        assert issubclass(cls, LineExporter)
        # only what differs is their own: the lines an article gives
        assert {k for k in vars(cls) if not k.startswith("_")} == {
            "name",
            "files",
            "render",
        }
