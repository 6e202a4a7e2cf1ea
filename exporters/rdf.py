"""RDF: Articles as schema.org + PROV-O + the newsfacts vocabulary, one named graph per article.

The mapping renders N-Triples terms as strings straight from the records, so the
N-Quads writer streams article by article without building a graph (constant
memory, no whole-corpus graph). IRIs are minted from stable keys (article id,
normalised names, positions): the same record always gives the same bytes, and
there are no blank nodes, so re-loading an article replaces its named graph.
The other formats (TriG, Turtle, N-Triples, JSON-LD) are for small runs: they
collect the same triples and serialise them once at the end.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

import pyoxigraph as ox

from exporters.base import AtomicFile, Exporter, LineExporter
from extractor import __version__
from schemas import Article, Evidence, MeasureGroup
from schemas.models import LOCAL_SEPARATOR

#: Where newsfacts mints its IRIs; documented in schemas/ontology.ttl and the README.
BASE = "https://w3id.org/newsfacts/"
ID = BASE + "id/"
NF = BASE + "ns#"
SCHEMA = "http://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Prefixes used by the Turtle-family writers and the bundled queries.
PREFIXES: dict[str, str] = {
    "nf": NF,
    "schema": SCHEMA,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}


#: The one version literal (pyproject reads it too): no package metadata lookup at import.
VERSION = __version__

Triple = tuple[str, str, str]

# Pre-rendered predicate and class terms: rendering is string concatenation only.
A = f"<{RDF}type>"
LABEL = f"<{RDFS}label>"
ALT_LABEL = f"<{SKOS}altLabel>"
_S = {
    name: f"<{SCHEMA}{name}>"
    for name in (
        "NewsArticle",
        "Organization",
        "Person",
        "identifier",
        "headline",
        "datePublished",
        "url",
        "articleSection",
        "keywords",
        "publisher",
        "about",
        "mentions",
        "author",
        "editor",
        "contributor",
        "name",
        "softwareVersion",
    )
}
_P = {
    name: f"<{PROV}{name}>"
    for name in (
        "Entity",
        "Activity",
        "SoftwareAgent",
        "wasDerivedFrom",
        "wasGeneratedBy",
        "used",
        "wasAssociatedWith",
    )
}
_N = {
    name: f"<{NF}{name}>"
    for name in (
        "SourceFile",
        "Span",
        "OrganizationMention",
        "Credit",
        "MeasureGroup",
        "Measure",
        "path",
        "where",
        "paragraph",
        "start",
        "end",
        "quote",
        "organization",
        "person",
        "role",
        "region",
        "kind",
        "position",
        "organizationMention",
        "credit",
        "measureGroup",
        "item",
        "declaredCount",
        "foundCount",
        "heading",
        "purpose",
        "parentGroup",
        "parentItem",
        "text",
        "warning",
        "urlText",
        "assignedLabel",
    )
}

#: schema.org classes for the organization kinds that schema.org has (besides schema:Organization).
KIND_CLASSES: dict[str, str] = {
    "university": f"<{SCHEMA}CollegeOrUniversity>",
    "school": f"<{SCHEMA}School>",
    "government": f"<{SCHEMA}GovernmentOrganization>",
    "court": f"<{SCHEMA}GovernmentOrganization>",
    "procuratorate": f"<{SCHEMA}GovernmentOrganization>",
    "enterprise": f"<{SCHEMA}Corporation>",
    "hospital": f"<{SCHEMA}Hospital>",
    "media": f"<{SCHEMA}NewsMediaOrganization>",
}

#: How a person's role maps onto schema.org's CreativeWork properties.
ROLE_PROPERTIES: dict[str, str] = {
    "author": _S["author"],
    "reporter": _S["author"],
    "correspondent": _S["author"],
    "editor": _S["editor"],
    "responsible_editor": _S["editor"],
    "reviewer": _S["contributor"],
    "photographer": _S["contributor"],
}

_WHITESPACE = re.compile(r"\s+")
# Characters an IRI may not hold (RFC 3987), and a `%` that starts no escape.
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]|%(?![0-9A-Fa-f]{2})')


def key(text: str) -> str:
    """A stable IRI path segment: NFC, whitespace removed, percent-encoded as UTF-8."""
    normal = _WHITESPACE.sub("", unicodedata.normalize("NFC", text))
    return quote(normal, safe="", encoding="utf-8")


def article_iri(article_id: str) -> str:
    """The article's IRI (also the prefix of its groups, items and spans)."""
    return f"{ID}article/{key(article_id)}"


def graph_iri(article_id: str) -> str:
    """The named graph holding everything newsfacts says about one article."""
    return f"{ID}graph/{key(article_id)}"


def organization_iri(entity: str) -> str:
    """One IRI per real organization: its entity key (schemas: Organization.entity)."""
    return f"{ID}organization/{key(entity)}"


def person_iri(entity: str) -> str:
    """One IRI per real person: its entity key (`<medium>/<name>`, Person.entity)."""
    return f"{ID}person/{key(entity)}"


def entity_label(entity: str) -> str:
    """The name an entity node carries: its place-qualified full name, or the name alone for
    a key local to one article (`<id>#<name>`)."""
    return entity.rpartition(LOCAL_SEPARATOR)[2]


def software_iri(version: str = VERSION) -> str:
    """The software agent that derived the records: newsfacts at one version."""
    return f"{ID}software/newsfacts/{key(version)}"


def lit(text: str) -> str:
    """An xsd:string literal in N-Triples syntax (JSON's escapes are all valid ECHAR/UCHAR)."""
    return _escape(text)


def zh(text: str) -> str:
    """The article's own words (headline, names, labels, measure text, quotes): tagged @zh."""
    return _escape(text) + LANGUAGE


_escape = json.encoder.encode_basestring
#: The language of the articles' text: every literal taken from it carries this tag.
LANGUAGE = "@zh"


def integer(value: int) -> str:
    """An xsd:integer literal."""
    return f'"{value}"^^<{XSD}integer>'


def published_literal(published: str) -> str:
    """xsd:dateTime when a time (with its offset) is known, xsd:date when only the day is."""
    datatype = "dateTime" if "T" in published else "date"
    return f'"{published}"^^<{XSD}{datatype}>'


def url_iri(url: str) -> str | None:
    """The URL as an absolute IRI (unsafe characters percent-encoded), or None if it is not one."""
    candidate = _IRI_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), url.strip())
    try:
        node = ox.NamedNode(candidate)
    except ValueError:
        return None
    return node.value if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", node.value) else None


class _Builder:
    """Collects one article's triples as rendered N-Triples terms."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.iri = article_iri(article.id)
        self.subject = f"<{self.iri}>"
        self.file = f"<{self.iri}/file>"
        self.triples: list[Triple] = []
        self.spans: set[str] = set()

    def add(self, s: str, p: str, o: str) -> None:
        self.triples.append((s, p, o))

    def span(self, evidence: Evidence) -> str:
        """The span node for a piece of evidence (shared by facts citing the same text)."""
        where = evidence.where
        place = f"{where}/{evidence.paragraph}" if evidence.paragraph is not None else where
        node = f"<{self.iri}/span/{place}/{evidence.start}-{evidence.end}>"
        if node in self.spans:
            return node
        self.spans.add(node)
        self.add(node, A, _N["Span"])
        self.add(node, _N["where"], lit(where))
        if evidence.paragraph is not None:
            self.add(node, _N["paragraph"], integer(evidence.paragraph))
        self.add(node, _N["start"], integer(evidence.start))
        self.add(node, _N["end"], integer(evidence.end))
        quoted = self.quote(evidence)
        # only the whole span: a span past the end of its text quotes nothing (no half quote)
        if quoted and len(quoted) == evidence.end - evidence.start:
            self.add(node, _N["quote"], zh(quoted))
        self.add(node, _P["wasDerivedFrom"], self.file)
        return node

    def quote(self, evidence: Evidence) -> str | None:
        """The cited text when the record holds it (paragraphs, title, url)."""
        article = self.article
        if evidence.where == "paragraph" and evidence.paragraph is not None:
            if evidence.paragraph < len(article.paragraphs):
                return article.paragraphs[evidence.paragraph][evidence.start : evidence.end]
            return None
        if evidence.where == "title" and article.title:
            return article.title[evidence.start : evidence.end]
        if evidence.where == "url" and article.url:
            return article.url[evidence.start : evidence.end]
        return None

    def organization(self, entity: str, name: str, kind: str | None) -> str:
        """The entity's node: its full name, and the way this article writes it if another."""
        node = f"<{organization_iri(entity)}>"
        self.add(node, A, _S["Organization"])
        if kind is not None:
            if kind in KIND_CLASSES:
                self.add(node, A, KIND_CLASSES[kind])
            self.add(node, _N["kind"], lit(kind))
        label = entity_label(entity)
        self.add(node, _S["name"], zh(label))
        if name != label:
            self.add(node, ALT_LABEL, zh(name))
        return node

    def mention(self, node: str, org: str, role: str, evidence: Iterable[Evidence]) -> None:
        self.add(self.subject, _N["organizationMention"], node)
        self.add(node, A, _N["OrganizationMention"])
        self.add(node, _N["organization"], org)
        self.add(node, _N["role"], lit(role))
        for item in evidence:
            self.add(node, _P["wasDerivedFrom"], self.span(item))


def article_triples(article: Article) -> list[Triple]:
    """Every triple newsfacts states about one article, in a fixed order."""
    b = _Builder(article)
    _describe_article(b)
    _describe_provenance(b)
    _describe_organizations(b)
    _describe_people(b)
    for position, group in enumerate(article.measure_groups, start=1):
        node = _describe_group(b, group, f"{b.iri}/group/{position}", position)
        b.add(b.subject, _N["measureGroup"], node)
    # an organization named twice (source and subject) states its type once
    return list(dict.fromkeys(b.triples))


def _describe_article(b: _Builder) -> None:
    article, s = b.article, b.subject
    b.add(s, A, _S["NewsArticle"])
    b.add(s, A, _P["Entity"])
    b.add(s, _S["identifier"], lit(article.id))
    if article.title is not None:
        b.add(s, _S["headline"], zh(article.title))
    if article.published is not None:
        b.add(s, _S["datePublished"], published_literal(article.published))
    if article.url:
        iri = url_iri(article.url)
        if iri is not None:
            b.add(s, _S["url"], f"<{iri}>")
        else:  # keep what the text said even when it is no IRI
            b.add(s, _N["urlText"], lit(article.url))
    if article.category:
        b.add(s, _S["articleSection"], zh(article.category))
    for tag in article.tags:
        b.add(s, _S["keywords"], zh(tag))
    for warning in article.warnings:
        b.add(s, _N["warning"], lit(warning))


def _describe_provenance(b: _Builder) -> None:
    """Derived from which file, by which newsfacts version; no clock time (that is in run.json)."""
    s, activity, agent = b.subject, f"<{b.iri}/extraction>", f"<{software_iri()}>"
    b.add(b.file, A, _P["Entity"])
    b.add(b.file, A, _N["SourceFile"])
    b.add(b.file, _N["path"], lit(b.article.path))
    b.add(activity, A, _P["Activity"])
    b.add(activity, _P["used"], b.file)
    b.add(activity, _P["wasAssociatedWith"], agent)
    b.add(agent, A, _P["SoftwareAgent"])
    b.add(agent, _S["name"], lit("newsfacts"))
    b.add(agent, _S["softwareVersion"], lit(VERSION))
    b.add(s, _P["wasDerivedFrom"], b.file)
    b.add(s, _P["wasGeneratedBy"], activity)


def _describe_organizations(b: _Builder) -> None:
    article, s = b.article, b.subject
    if article.source is not None:
        # a publisher is named in full: its name is its key (黑龙江日报 is one everywhere)
        org = b.organization(article.source.name, article.source.name, None)
        b.add(s, _S["publisher"], org)
        b.mention(f"<{b.iri}/source>", org, "source", [article.source.evidence])
    for position, organization in enumerate(article.organizations, start=1):
        entity = organization.entity_in(article.id)
        org = b.organization(entity, organization.name, organization.kind)
        b.add(s, _S["about"] if organization.role == "subject" else _S["mentions"], org)
        node = f"<{b.iri}/organization/{position}>"
        b.mention(node, org, organization.role, organization.evidence)
        if organization.region:
            b.add(node, _N["region"], zh(organization.region))


def _describe_people(b: _Builder) -> None:
    s = b.subject
    for position, person in enumerate(b.article.authors, start=1):
        entity = person.entity_in(b.article.id)
        node, credit = f"<{person_iri(entity)}>", f"<{b.iri}/credit/{position}>"
        b.add(node, A, _S["Person"])
        b.add(node, _S["name"], zh(person.name))
        b.add(s, ROLE_PROPERTIES[person.role], node)
        b.add(s, _N["credit"], credit)
        b.add(credit, A, _N["Credit"])
        b.add(credit, _N["person"], node)
        b.add(credit, _N["role"], lit(person.role))
        b.add(credit, _P["wasDerivedFrom"], b.span(person.evidence))


def _describe_group(
    b: _Builder,
    group: MeasureGroup,
    iri: str,
    position: int,
    *parent: str,
) -> str:
    """A group, its items and nested groups; `parent` = (parent group node, its item nodes…)."""
    node = f"<{iri}>"
    b.add(node, A, _N["MeasureGroup"])
    # A label newsfacts assigned ([段首小标题], 一是…四是) is no name the text gives the group:
    # it is published as nf:assignedLabel, the text's own label as rdfs:label.
    b.add(node, LABEL if group.label_stated else _N["assignedLabel"], zh(group.label))
    b.add(node, _N["position"], integer(position))
    if group.declared_count is not None:
        b.add(node, _N["declaredCount"], integer(group.declared_count))
    b.add(node, _N["foundCount"], integer(len(group.items)))
    if group.heading is not None:
        b.add(node, _N["heading"], zh(group.heading))
    if group.purpose is not None:
        b.add(node, _N["purpose"], zh(group.purpose))
    if parent:
        b.add(node, _N["parentGroup"], parent[0])
        if group.parent_item is not None and group.parent_item < len(parent) - 1:
            b.add(node, _N["parentItem"], parent[1 + group.parent_item])
    if group.evidence is not None:
        b.add(node, _P["wasDerivedFrom"], b.span(group.evidence))
    items: list[str] = []
    for index, measure in enumerate(group.items, start=1):
        item = f"<{iri}/item/{index}>"
        items.append(item)
        b.add(node, _N["item"], item)
        b.add(item, A, _N["Measure"])
        b.add(item, LABEL, zh(measure.name))
        b.add(item, _N["position"], integer(index))
        b.add(item, _N["text"], zh(measure.text))
        b.add(item, _P["wasDerivedFrom"], b.span(measure.evidence))
    for index, child in enumerate(group.children, start=1):
        _describe_group(b, child, f"{iri}.{index}", index, node, *items)
    return node


def article_nquads(article: Article) -> str:
    """The article's named graph as N-Quads text (what `articles.nq` holds for it)."""
    tail = f" <{graph_iri(article.id)}> .\n"
    return "".join(f"{s} {p} {o}{tail}" for s, p, o in article_triples(article))


def article_ntriples(article: Article) -> str:
    """The article's triples as N-Triples text (no graph name)."""
    return "".join(f"{s} {p} {o} .\n" for s, p, o in article_triples(article))


def article_quads(article: Article) -> Iterator[ox.Quad]:
    """The article's quads as pyoxigraph terms (parsed from the N-Quads text, so they agree)."""
    return iter(ox.parse(article_nquads(article), format=ox.RdfFormat.N_QUADS))


def serialize(items: Iterable[ox.Quad] | Iterable[ox.Triple], fmt: ox.RdfFormat) -> str:
    """pyoxigraph's serialisation of quads or triples as text, with newsfacts' prefixes."""
    data = ox.serialize(items, format=fmt, prefixes=PREFIXES)
    if data is None:  # only when an output stream is given
        raise TypeError("pyoxigraph.serialize returned nothing")
    return data.decode("utf-8")


class NQuadsExporter(LineExporter):
    """`articles.nq`: one named graph per article, streamed (no graph held in memory)."""

    name: ClassVar[str] = "nquads"
    files: ClassVar[tuple[str, ...]] = ("articles.nq",)

    @staticmethod
    def render(article: Article) -> str:
        """The article's named graph."""
        return article_nquads(article)


class _CollectingExporter(Exporter):
    """Collects the quads of a (small) run and serialises them once in `close()`."""

    def __init__(self, outdir: Path) -> None:
        super().__init__(outdir)
        # A dict keeps first-seen order (deterministic bytes) and drops repeats of shared nodes.
        self.quads: dict[ox.Quad, None] = {}

    def write(self, article: Article) -> None:
        """Add the article's quads."""
        self.quads.update(dict.fromkeys(article_quads(article)))

    def close(self) -> None:
        """Serialise and move the file into place."""
        out = AtomicFile(self.outdir / self.files[0])
        try:
            out.write(self.render())
        except BaseException:
            out.discard()
            raise
        out.commit()

    def render(self) -> str:
        """The whole file's text."""
        raise NotImplementedError

    def triples(self) -> list[ox.Triple]:
        """The union of the article graphs as triples, first-seen order, without repeats."""
        return list(dict.fromkeys(q.triple for q in self.quads))


class TriGExporter(_CollectingExporter):
    """`articles.trig`: the named graphs in TriG with prefixes."""

    name: ClassVar[str] = "trig"
    files: ClassVar[tuple[str, ...]] = ("articles.trig",)

    def render(self) -> str:
        """TriG text."""
        return serialize(self.quads, ox.RdfFormat.TRIG)


class TurtleExporter(_CollectingExporter):
    """`articles.ttl`: the union of the article graphs in Turtle (graph names dropped)."""

    name: ClassVar[str] = "turtle"
    files: ClassVar[tuple[str, ...]] = ("articles.ttl",)

    def render(self) -> str:
        """Turtle text."""
        return serialize(self.triples(), ox.RdfFormat.TURTLE)


class NTriplesExporter(_CollectingExporter):
    """`articles.nt`: the union of the article graphs in N-Triples (graph names dropped)."""

    name: ClassVar[str] = "ntriples"
    files: ClassVar[tuple[str, ...]] = ("articles.nt",)

    def render(self) -> str:
        """N-Triples text."""
        return serialize(self.triples(), ox.RdfFormat.N_TRIPLES)


def jsonld_context() -> dict[str, object]:
    """The fixed JSON-LD context (schemas/context.jsonld) as a dict."""
    data = json.loads((resources.files("schemas") / "context.jsonld").read_text("utf-8"))
    context = data["@context"]
    if not isinstance(context, dict):
        raise TypeError("schemas/context.jsonld: @context must be an object")
    return context


class JsonLdExporter(_CollectingExporter):
    """`articles.jsonld`: the named graphs as JSON-LD compacted with schemas/context.jsonld."""

    name: ClassVar[str] = "jsonld"
    files: ClassVar[tuple[str, ...]] = ("articles.jsonld",)

    def render(self) -> str:
        """JSON-LD text with the context inlined (readable without a network)."""
        import rdflib  # noqa: PLC0415 - rdflib's JSON-LD compaction is only needed here

        nquads = serialize(self.quads, ox.RdfFormat.N_QUADS)
        dataset = rdflib.Dataset()
        dataset.parse(data=nquads, format="nquads")
        data = json.loads(dataset.serialize(format="json-ld", context=jsonld_context()))
        # rdflib's order follows hash order; sorting makes the bytes repeatable.
        _sort_nodes(data)
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _sort_nodes(node: object) -> None:
    """Sort every JSON array (node lists and value sets, both unordered in RDF), recursively."""
    if isinstance(node, dict):
        for value in node.values():
            _sort_nodes(value)
    elif isinstance(node, list):
        for value in node:
            _sort_nodes(value)
        node.sort(key=lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True))
