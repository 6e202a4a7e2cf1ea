"""`newsfacts validate`: every file `extract` writes is accepted; shapes that bite (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from exporters.shacl import validate_file
from exporters.store import iter_graphs
from extractor.cli import main
from schemas import Article
from tests.conftest import SAMPLES, extract_file
from tests.rdf_articles import reference_with_facts, write_nq


@pytest.fixture(scope="module")
def rich() -> Article:
    return reference_with_facts()


def interleaved(articles: list[Article], outdir: Path) -> Path:
    """The articles' N-Quads with each graph cut in two runs: A1 B1 … A2 B2 … (as a file two
    runs were concatenated into, or another tool wrote)."""
    lines = write_nq(articles, outdir).read_text("utf-8").splitlines(keepends=True)
    by_graph: dict[str, list[str]] = {}
    for line in lines:
        by_graph.setdefault(line.rsplit(" ", 2)[-2], []).append(line)
    halves = [(g[: len(g) // 2], g[len(g) // 2 :]) for g in by_graph.values()]
    path = outdir / "interleaved.nq"
    path.write_text("".join("".join(h[0]) for h in halves) + "".join("".join(h[1]) for h in halves))
    return path


def test_a_graph_in_several_runs_is_read_whole(tmp_path: Path, rich: Article) -> None:
    other = extract_file(SAMPLES / "-202205262391921712.md")
    path = interleaved([rich, other], tmp_path)
    whole = {
        name: set(triples)
        for name, triples in iter_graphs(write_nq([rich, other], tmp_path / "plain"))
    }
    assert {name: set(triples) for name, triples in iter_graphs(path)} == whole
    report = validate_file(path)
    assert report.graphs == 2 and report.conforms, [v.line() for v in report.violations]


def test_validate_accepts_many_graphs_of_a_real_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["extract", str(SAMPLES), "-o", str(out), "--format", "rdf"]) == 0
    report = validate_file(out / "articles.nq")
    assert report.graphs == 48 and report.conforms, [v.line() for v in report.violations]


def test_a_file_with_no_graph_is_an_error(
    tmp_path: Path, rich: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.nq"
    empty.write_text("", "utf-8")
    good = write_nq([rich], tmp_path)
    assert main(["validate", str(empty), str(good)]) == 1
    captured = capsys.readouterr()
    assert f"{empty}: no graph to validate" in captured.err
    assert f"{good}: conforms" in captured.out  # the next file is still checked


# --- The 31 mutations of issue 14 ------------------------------------------------------------

SCHEMA = "http://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
NF = "https://w3id.org/newsfacts/ns#"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"

Quad = list[str]  # [subject, predicate, object, graph] as N-Quads terms
Mutation = Callable[[list[Quad]], list[Quad]]


def _quads(article: Article, outdir: Path) -> list[Quad]:
    lines = write_nq([article], outdir).read_text("utf-8").splitlines()
    quads = []
    for line in lines:
        subject, predicate, rest = line.split(" ", 2)
        obj, graph = rest.removesuffix(" .").rsplit(" ", 1)
        quads.append([subject, predicate, obj, graph])
    return quads


def _where(quads: list[Quad], predicate: str, subject: str = "") -> list[Quad]:
    """The quads with this predicate (and a subject containing `subject`)."""
    found = [q for q in quads if q[1] == predicate and subject in q[0]]
    assert found, f"no {predicate} on {subject or 'any subject'}"
    return found


def drop(predicate: str, subject: str = "", *, first: bool = False) -> Mutation:
    def mutate(quads: list[Quad]) -> list[Quad]:
        gone = _where(quads, predicate, subject)[: 1 if first else None]
        return [q for q in quads if not any(q is g for g in gone)]

    return mutate


def set_object(predicate: str, obj: str, subject: str = "") -> Mutation:
    def mutate(quads: list[Quad]) -> list[Quad]:
        _where(quads, predicate, subject)[0][2] = obj
        return quads

    return mutate


def add(subject: str, predicate: str, obj: str) -> Mutation:
    def mutate(quads: list[Quad]) -> list[Quad]:
        node = next(q[0] for q in quads if subject in q[0])
        return [*quads, [node, predicate, obj, quads[0][3]]]

    return mutate


def rename(predicate: str, misspelt: str) -> Mutation:
    def mutate(quads: list[Quad]) -> list[Quad]:
        _where(quads, predicate)[0][1] = misspelt
        return quads

    return mutate


def drop_type(cls: str = "", *, first: bool = False) -> Mutation:
    def mutate(quads: list[Quad]) -> list[Quad]:
        gone = [q for q in quads if q[1] == TYPE and cls in q[2]][: 1 if first else None]
        return [q for q in quads if not any(q is g for g in gone)]

    return mutate


def integer(value: str) -> str:
    return f'"{value}"^^<{XSD}integer>'


def _end_before_start(quads: list[Quad]) -> list[Quad]:
    start = next(q for q in _where(quads, f"<{NF}start>", "/span/") if q[2] != integer("0"))
    end = next(q for q in quads if q[0] == start[0] and q[1] == f"<{NF}end>")
    end[2] = integer(str(int(start[2].split('"')[1]) - 1))
    return quads


#: name: (mutation, a fragment the report must show). The 7 marked ✗ in the issue pass on main.
MUTATIONS: dict[str, tuple[Mutation, str]] = {
    "remove schema:identifier": (drop(f"<{SCHEMA}identifier>"), f"{SCHEMA}identifier"),
    "remove the headline (no warning)": (drop(f"<{SCHEMA}headline>"), "needs a schema:headline"),
    "a second headline": (
        add("/article/", f"<{SCHEMA}headline>", '"另一个标题"@zh'),
        f"{SCHEMA}headline",
    ),
    "datePublished as a plain string": (
        set_object(f"<{SCHEMA}datePublished>", '"去年冬天"'),
        f"{SCHEMA}datePublished",
    ),
    "datePublished ill-typed": (
        set_object(f"<{SCHEMA}datePublished>", f'"2021-13-45T99:99:99+08:00"^^<{XSD}dateTime>'),
        f"{SCHEMA}datePublished",
    ),
    "datePublished as xsd:string": (
        set_object(f"<{SCHEMA}datePublished>", f'"2021-12-22T11:16:43+08:00"^^<{XSD}string>'),
        f"{SCHEMA}datePublished",
    ),
    "schema:url as a literal": (
        set_object(f"<{SCHEMA}url>", '"http://example.org/a"'),
        f"{SCHEMA}url",
    ),
    "remove prov:wasDerivedFrom": (
        drop(f"<{PROV}wasDerivedFrom>", "/article/NW202112222222391066>"),
        f"{PROV}wasDerivedFrom",
    ),
    "remove prov:wasGeneratedBy": (drop(f"<{PROV}wasGeneratedBy>"), f"{PROV}wasGeneratedBy"),
    "prov:startedAtTime on the activity": (
        add("/extraction", f"<{PROV}startedAtTime>", f'"2021-12-22T11:16:43Z"^^<{XSD}dateTime>'),
        "no clock time",
    ),
    'declaredCount "three"': (set_object(f"<{NF}declaredCount>", '"three"'), "declared count"),
    "declaredCount -1": (set_object(f"<{NF}declaredCount>", integer("-1")), "declared count"),
    "declaredCount 3.0 as decimal": (
        set_object(f"<{NF}declaredCount>", f'"3.0"^^<{XSD}decimal>'),
        "declared count",
    ),
    'declaredCount "3x" as integer': (
        set_object(f"<{NF}declaredCount>", integer("3x")),
        "declared count",
    ),
    "remove foundCount": (drop(f"<{NF}foundCount>", first=True), f"{NF}foundCount"),
    "✗ foundCount 99 ≠ items": (
        set_object(f"<{NF}foundCount>", integer("99")),
        "states nf:foundCount 99 but has",
    ),
    "remove a measure's nf:text": (drop(f"<{NF}text>", first=True), f"{NF}text"),
    "remove a measure's type": (drop_type(f"{NF}Measure>"), f"{NF}item"),
    'credit role "boss"': (set_object(f"<{NF}role>", '"boss"', "/credit/"), f"{NF}role"),
    "remove a credit's person": (drop(f"<{NF}person>", first=True), f"{NF}person"),
    "✗ span end < start": (_end_before_start, f"{NF}start"),
    "span start -5": (set_object(f"<{NF}start>", integer("-5"), "/span/"), f"{NF}start"),
    "✗ evidence text that is not the text at its span": (
        set_object(f"<{NF}quote>", '"某某某某"@zh', "/span/title/0-4"),
        "but the title has",
    ),
    'org kind "alien"': (set_object(f"<{NF}kind>", '"alien"'), f"{NF}kind"),
    "remove an organization's name": (
        drop(f"<{SCHEMA}name>", "/organization/"),
        f"{SCHEMA}name",
    ),
    "remove its schema:Organization type": (
        drop_type(f"{SCHEMA}Organization>", first=True),
        "Value does not have class schema1:Organization",
    ),
    "✗ a misspelt predicate schema:headlin": (
        rename(f"<{SCHEMA}headline>", f"<{SCHEMA}headlin>"),
        f"{SCHEMA}headlin",
    ),
    "✗ a misspelt predicate on a measure group nf:declaredcount": (
        rename(f"<{NF}declaredCount>", f"<{NF}declaredcount>"),
        f"{NF}declaredcount",
    ),
    "✗ remove the schema:NewsArticle type": (
        drop_type(f"{SCHEMA}NewsArticle>"),
        "exactly one schema:NewsArticle, found 0",
    ),
    "✗ remove every rdf:type": (drop_type(), "exactly one schema:NewsArticle, found 0"),
    "✗ an empty graph": (lambda quads: [], "no graph to validate"),
}


@pytest.fixture(scope="module")
def reference_quads(tmp_path_factory: pytest.TempPathFactory, rich: Article) -> list[Quad]:
    return _quads(rich, tmp_path_factory.mktemp("ref"))


def _write(quads: list[Quad], path: Path) -> Path:
    path.write_text("".join(" ".join(q) + " .\n" for q in quads), "utf-8")
    return path


def test_the_reference_graph_conforms(reference_quads: list[Quad], tmp_path: Path) -> None:
    assert main(["validate", str(_write(reference_quads, tmp_path / "ok.nq"))]) == 0


def test_there_are_31_mutations() -> None:
    assert len(MUTATIONS) == 31


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_every_mutation_is_a_violation(
    name: str,
    reference_quads: list[Quad],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mutation, shown = MUTATIONS[name]
    mutated = mutation([list(q) for q in reference_quads])
    assert mutated != reference_quads
    path = _write(mutated, tmp_path / "mutated.nq")
    assert main(["validate", str(path)]) == 1, name
    captured = capsys.readouterr()
    assert shown in captured.out + captured.err, captured.out + captured.err


def test_a_headline_in_either_form_is_valid(reference_quads: list[Quad], tmp_path: Path) -> None:
    headline = _where(reference_quads, f"<{SCHEMA}headline>")[0]
    assert headline[2].endswith('"@zh')  # the writer's form
    for form in (headline[2], headline[2].removesuffix("@zh")):
        quads = [list(q) for q in reference_quads]
        _where(quads, f"<{SCHEMA}headline>")[0][2] = form
        assert main(["validate", str(_write(quads, tmp_path / "h.nq"))]) == 0, form


def test_a_quote_of_a_url_that_is_no_iri_is_checked(
    tmp_path: Path, rich: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    # constructed: a url field that is no IRI (kept as nf:urlText) cited by a mention
    from schemas import Evidence, Organization  # noqa: PLC0415

    cited = Organization(
        name="某某日报", role="mentioned", evidence=[Evidence(where="url", start=2, end=6)]
    )
    article = rich.model_copy(
        update={"url": "见《某某日报》第三版", "organizations": [*rich.organizations, cited]}
    )
    quads = _quads(article, tmp_path)
    assert _where(quads, f"<{NF}urlText>")
    assert main(["validate", str(_write(quads, tmp_path / "ok.nq"))]) == 0
    span = next(q for q in quads if q[1] == f"<{NF}quote>" and "/span/url/" in q[0])
    assert span[2] == '"某某日报"@zh'
    span[2] = '"某某晚报"@zh'
    assert main(["validate", str(_write(quads, tmp_path / "bad.nq"))]) == 1
    assert "but the url has 某某日报 at 2-6" in capsys.readouterr().out
