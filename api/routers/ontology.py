"""/ontology: the vocabulary as a page for people and as Turtle, N-Triples or JSON-LD.

The page is generated from ontology/hp.ttl on first request (the file is small and
changes only with a release), with one anchor per term, so an ontology IRI
``https://w3id.org/cn-health-kg/ontology#Document`` maps to ``/ontology#Document``.
The Turtle form is the file itself, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path as FsPath

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef

from api import jsonld as ld
from api.problems import problem_responses
from kg.rdf import ONTOLOGY_NS, shipped_folder

router = APIRouter(tags=["ontology"])

ONTOLOGY_FILE = shipped_folder("ontology") / "hp.ttl"
ONTOLOGY_IRI = ONTOLOGY_NS.rstrip("#")
TEMPLATES = Environment(
    loader=FileSystemLoader(FsPath(__file__).resolve().parents[1] / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

_PROPERTY_KINDS = (
    (OWL.ObjectProperty, "object properties"),
    (OWL.DatatypeProperty, "datatype properties"),
    (OWL.AnnotationProperty, "annotation properties"),
)
# Statements shown in their own place on a term's card, not among "other statements".
_SHOWN = {RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.definition, RDFS.comment,
          RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, SKOS.inScheme}  # fmt: skip


@dataclass(frozen=True)
class Ref:
    """A link to a term: where it points and what it is called."""

    href: str
    text: str
    iri: str


@dataclass(frozen=True)
class Term:
    """One class, property, scheme or concept, as its card shows it."""

    iri: str
    anchor: str
    curie: str
    zh: str
    en: str
    definitions: tuple[str, ...]
    alt_labels: tuple[str, ...]
    kinds: tuple[Ref, ...]
    parents: tuple[Ref, ...]
    domain: tuple[Ref, ...]
    range: tuple[Ref, ...]
    other: tuple[tuple[Ref, tuple[Ref | str, ...]], ...]
    external: bool


@dataclass
class OntologyDoc:
    """The ontology file parsed once: its graph, labels and the terms of each section."""

    graph: Graph
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    classes: list[Term] = field(default_factory=list)
    properties: list[tuple[str, list[Term]]] = field(default_factory=list)
    schemes: list[tuple[Term, list[Term]]] = field(default_factory=list)
    title: str = ""
    comment: str = ""
    version: str = ""


def curie(iri: str) -> str:
    for prefix, ns in ld.PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def anchor(iri: str) -> str:
    """The fragment a term has on /ontology: the local name for hp:, the CURIE otherwise."""
    if iri.startswith(ONTOLOGY_NS):
        return iri[len(ONTOLOGY_NS) :]
    return curie(iri)


def href(iri: str) -> str:
    """Where a term's description is: /ontology#X for terms declared in hp.ttl."""
    if iri in load().labels or iri.startswith(ONTOLOGY_NS):
        return "/ontology#" + anchor(iri)
    return iri


def _by_lang(graph: Graph, subject: URIRef, *predicates: URIRef) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for predicate in predicates:
        for value in graph.objects(subject, predicate):
            if isinstance(value, Literal):
                found.setdefault(value.language or "", []).append(str(value))
    return found


@cache
def load() -> OntologyDoc:
    graph = Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    doc = OntologyDoc(graph=graph)
    for subject in set(graph.subjects()):
        if isinstance(subject, URIRef):
            names = _by_lang(graph, subject, SKOS.prefLabel, RDFS.label)
            doc.labels[str(subject)] = (
                (names.get("zh") or [""])[0],
                (names.get("en") or names.get("") or [""])[0],
            )
    ontology = URIRef(ONTOLOGY_IRI)
    title = _by_lang(graph, ontology, RDFS.label)
    comment = _by_lang(graph, ontology, RDFS.comment)
    doc.title = " / ".join(title.get("zh", []) + title.get("en", []))
    doc.comment = " ".join(comment.get("zh", []) + comment.get("en", []))
    doc.version = str(graph.value(ontology, OWL.versionInfo) or "")

    def terms(kind: URIRef) -> list[Term]:
        subjects = {s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}
        return sorted((_term(doc, s) for s in subjects), key=lambda t: (t.external, t.curie))

    doc.classes = terms(OWL.Class)
    doc.properties = [(title, terms(kind)) for kind, title in _PROPERTY_KINDS]
    for scheme in terms(SKOS.ConceptScheme):
        members = {
            s for s in graph.subjects(SKOS.inScheme, URIRef(scheme.iri)) if isinstance(s, URIRef)
        }
        doc.schemes.append(
            (scheme, sorted((_term(doc, s) for s in members), key=lambda t: t.curie))
        )
    return doc


def _ref(doc: OntologyDoc, iri: str) -> Ref:
    zh, en = doc.labels.get(iri, ("", ""))
    text = curie(iri) + (f" ({zh or en})" if zh or en else "")
    declared = iri in doc.labels or iri.startswith(ONTOLOGY_NS)
    return Ref(href="#" + anchor(iri) if declared else iri, text=text, iri=iri)


def _refs(doc: OntologyDoc, values: object) -> tuple[Ref, ...]:
    return tuple(
        sorted((_ref(doc, str(v)) for v in values if isinstance(v, URIRef)), key=lambda r: r.text)  # type: ignore[attr-defined]
    )


def _term(doc: OntologyDoc, subject: URIRef) -> Term:
    graph = doc.graph
    iri = str(subject)
    zh, en = doc.labels.get(iri, ("", ""))
    definitions = _by_lang(graph, subject, SKOS.definition, RDFS.comment)
    other: list[tuple[Ref, tuple[Ref | str, ...]]] = []
    for predicate in sorted({p for p in graph.predicates(subject) if p not in _SHOWN}, key=str):
        values = sorted(graph.objects(subject, predicate), key=str)
        shown = tuple(_ref(doc, str(v)) if isinstance(v, URIRef) else str(v) for v in values)
        other.append((_ref(doc, str(predicate)), shown))
    return Term(
        iri=iri,
        anchor=anchor(iri),
        curie=curie(iri),
        zh=zh,
        en=en,
        definitions=tuple(d for lang in ("zh", "en", "") for d in definitions.get(lang, [])),
        alt_labels=tuple(sorted(str(v) for v in graph.objects(subject, SKOS.altLabel))),
        kinds=_refs(doc, graph.objects(subject, RDF.type)),
        parents=_refs(
            doc,
            [*graph.objects(subject, RDFS.subClassOf), *graph.objects(subject, RDFS.subPropertyOf)],
        ),
        domain=_refs(doc, graph.objects(subject, RDFS.domain)),
        range=_refs(doc, graph.objects(subject, RDFS.range)),
        other=tuple(other),
        external=not iri.startswith(ONTOLOGY_NS),
    )


def label(iri: str) -> str:
    """A term's label for pages: Chinese, else English, else its CURIE."""
    zh, en = load().labels.get(iri, ("", ""))
    return zh or en or curie(iri)


@cache
def ontology_triples() -> tuple[ox.Triple, ...]:
    return tuple(ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE))


def render_page() -> str:
    doc = load()
    return TEMPLATES.get_template("ontology.html").render(
        doc=doc, namespace=ONTOLOGY_NS, formats=_format_links()
    )


def _format_links() -> list[tuple[str, str]]:
    return [("Turtle", "?format=ttl"), ("N-Triples", "?format=nt"), ("JSON-LD", "?format=jsonld")]


_OFFERS = [ld.HTML, ld.TURTLE, ld.NTRIPLES, ld.JSONLD]


@router.get(
    "/ontology",
    operation_id="get_ontology",
    summary="The ontology: a page per term for people, Turtle, N-Triples or JSON-LD for programs",
    response_class=Response,
    responses={
        200: {
            "description": "The ontology in the negotiated form",
            "content": {media: {"schema": {"type": "string"}} for media in _OFFERS},
        },
        **problem_responses(400, 406),
    },
)
def get_ontology(request: Request) -> Response:
    media = ld.wants(request, _OFFERS, default=ld.HTML)
    headers = {"Vary": "Accept"}
    if media == ld.HTML:
        return HTMLResponse(render_page(), headers=headers)
    if media == ld.TURTLE:
        return Response(
            ONTOLOGY_FILE.read_bytes(), media_type="text/turtle; charset=utf-8", headers=headers
        )
    return ld.rdf_response(ontology_triples(), media, headers)
