"""Dereferenceable identifiers: every data IRI of the graph answers on this server.

The IRI base is configurable and is by default not this server's host, so the API
maps ``{base}X`` to ``http://host:port/X``: ``{base}id/…`` to ``/id/…`` and
``{base}graph/…`` to ``/graph/…``.  Each answer is built once, as triples (a
CONSTRUCT of the node's neighbourhood), and then serialised in the form the client
asks for: a page for a person (text/html), Turtle, N-Triples or JSON-LD.  The page
embeds the same JSON-LD, so every form carries the same facts.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, unquote

import pyoxigraph as ox
from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from api import jsonld as ld
from api.deps import SettingsDep, StoreDep
from api.problems import problem_responses
from api.routers import ontology
from kg.errors import NotFound
from kg.model import locate
from kg.rdf import ONTOLOGY_NS, local_name
from kg.store import PROVENANCE_PREDICATES, GraphStore

router = APIRouter(tags=["linked data"])

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
WAS_DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
TEXT = ONTOLOGY_NS + "text"
IN_SENTENCE = ONTOLOGY_NS + "inSentence"
SUPPORTS_PREDICATE = ONTOLOGY_NS + "supportsPredicate"
START = ONTOLOGY_NS + "startOffset"
END = ONTOLOGY_NS + "endOffset"
# What makes a node a card of its own on a page: a sentence, or a relation's evidence.
_CARD_PREDICATES = (TEXT, SUPPORTS_PREDICATE)
# Label predicates, best first: a name, a 文号, a title.
LABELS = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://data.europa.eu/eli/ontology#id_local",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2000/01/rdf-schema#label",
)

# Every name of a node, by which its mentions are found in a sentence.
NAMES = (*LABELS, "http://www.w3.org/2004/02/skos/core#altLabel")

# The description of one node: its triples out and in, the labels of the nodes at
# the other end, and its provenance, which only the documents' named graphs hold:
# its links to sentences and evidence nodes, and all their triples (for a sentence
# or an evidence node, its own).  ``$node`` is replaced by the N-Triples form of a
# validated NamedNode, never by client text.
DESCRIBE = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX hp: <https://w3id.org/cn-health-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { ?s ?p ?o }
WHERE {
  { $node ?p ?o . BIND($node AS ?s) }
  UNION { ?s ?p $node . BIND($node AS ?o) }
  UNION {
    { $node ?any ?s } UNION { ?s ?any $node }
    FILTER(isIRI(?s))
    VALUES ?p { skos:prefLabel eli:id_local dcterms:title rdfs:label }
    ?s ?p ?o
  }
  UNION {
    VALUES ?p { $provenance }
    GRAPH ?g { $node ?p ?o } BIND($node AS ?s)
  }
  UNION {
    VALUES ?p { $provenance }
    GRAPH ?g { ?s ?p $node } BIND($node AS ?o)
  }
  UNION {
    GRAPH ?g {
      { $node hp:mentionedIn|hp:citedIn|hp:statedIn|hp:evidence ?s }
      UNION { ?s hp:supportsSubject|hp:supportsObject $node }
      UNION { $node hp:evidence/hp:inSentence ?s }
      UNION { ?ev hp:supportsSubject|hp:supportsObject $node ; hp:inSentence ?s }
      ?s ?p ?o
    }
  }
  # Derived, not stored: the document each card's sentence or evidence comes from
  # (the one of its named graph), and that document's number and title.
  UNION {
    $cards
    BIND(prov:wasDerivedFrom AS ?p) BIND(?card AS ?s) BIND(?doc AS ?o)
  }
  UNION {
    $cards
    VALUES ?p { eli:id_local dcterms:title }
    ?doc ?p ?o BIND(?doc AS ?s)
  }
}
""".replace(
    "$cards",
    """GRAPH ?g {
      { $node hp:mentionedIn|hp:citedIn|hp:statedIn|hp:evidence ?card }
      UNION { ?card hp:supportsSubject|hp:supportsObject $node }
      UNION { $node hp:text|hp:supportsPredicate ?any BIND($node AS ?card) }
      ?doc hp:contentHash ?hash FILTER(?doc != ?g)
    }""",
).replace("$provenance", " ".join(f"<{p}>" for p in sorted(PROVENANCE_PREDICATES)))


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A term's IRI, blank-node id or lexical form; a triple term (RDF 1.2) has none."""
    return "" if isinstance(term, ox.Triple) else term.value


def iri_from_path(request: Request, prefix: str, base: str) -> str:
    """The data IRI a request path names, each segment encoded as kg.rdf.iri encodes it.

    The raw path is used, so a percent-encoded ``/`` inside a segment stays inside it;
    a client may send segments raw, percent-encoded, or in another normal form.
    """
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(request.url.path)
    rest = path.split("?", 1)[0][len(prefix) :]
    segments = [
        quote("".join(unicodedata.normalize("NFC", unquote(s)).split()), safe="")
        for s in rest.split("/")
    ]
    return base + prefix.lstrip("/") + "/".join(segments)


def describe(store: GraphStore, iri: str) -> list[ox.Triple]:
    """The triples about ``iri`` that every form of its page shows; NotFound when none."""
    node = ox.NamedNode(iri)
    triples = _construct(store, DESCRIBE.replace("$node", str(node)))
    if not any(t.subject == node or t.object == node for t in triples):
        raise NotFound(
            f"nothing in the graph has the IRI {unquote(iri)}; "
            "find things with GET /search?q=… or GET /documents"
        )
    return triples


def _construct(store: GraphStore, sparql: str) -> list[ox.Triple]:
    # pyoxigraph's result iterator may only be dropped on the thread that made it, so
    # it must not outlive this frame (an exception's traceback would carry it away).
    return sorted(set(store.query(sparql)), key=str)  # type: ignore[arg-type]


def graph_triples(store: GraphStore, iri: str) -> list[ox.Triple]:
    """The triples of one named graph; NotFound when the store has no such graph."""
    # Through the store interface only, so a remote store answers too.
    if iri not in store.named_graphs():
        raise NotFound(f"no named graph {iri} in the store; list them with GET /sparql")
    quads = store.quads(iri)
    return sorted((ox.Triple(q.subject, q.predicate, q.object) for q in quads), key=str)


# --- the page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A term as a page shows it: text, where it links to, and a small note."""

    text: str
    href: str | None = None
    note: str = ""


@dataclass(frozen=True)
class EvidenceCard:
    iri: Shown
    sentence: str
    exact: str
    document: Shown | None
    rows: tuple[tuple[Shown, Shown], ...]


class Labeller:
    """Names and links for the terms of one description, from its own label triples."""

    def __init__(self, triples: Sequence[ox.Triple], base: str) -> None:
        self.base = base
        ranked: dict[str, tuple[int, str]] = {}
        for t in triples:
            if t.predicate.value in LABELS and isinstance(t.object, ox.Literal):
                rank = LABELS.index(t.predicate.value)
                key = _value(t.subject)
                if key not in ranked or rank < ranked[key][0]:
                    ranked[key] = (rank, t.object.value)
        self.labels = {k: v for k, (_, v) in ranked.items()}

    def href(self, iri: str) -> str:
        if iri.startswith(self.base) and iri[len(self.base) :].startswith(("id/", "graph/")):
            return "/" + iri[len(self.base) :]
        if iri.startswith(ONTOLOGY_NS) or iri == ontology.ONTOLOGY_IRI:
            return ontology.href(iri)
        return iri

    def label(self, iri: str) -> str:
        if iri in self.labels:
            return self.labels[iri]
        if iri.startswith(self.base) and not iri.startswith(ONTOLOGY_NS):
            return local_name(iri)
        return ontology.label(iri)

    def term(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Shown:
        if isinstance(term, ox.NamedNode):
            return Shown(self.label(term.value), self.href(term.value), unquote(term.value))
        if isinstance(term, ox.Literal):
            note = term.language or ontology.curie(term.datatype.value)
            return Shown(term.value, None, "" if note == "xsd:string" else note)
        return Shown(str(term))

    def predicate(self, term: ox.NamedNode) -> Shown:
        name = ontology.curie(term.value)
        title = ontology.label(term.value)
        return Shown(name, self.href(term.value), "" if title == name else title)


def render(
    iri: str, triples: Sequence[ox.Triple], base: str, *, heading: str, kind: str, jsonld: bytes
) -> str:
    """The page of one description: every triple is on it once, as a visible row."""
    names = Labeller(triples, base)
    node = ox.NamedNode(iri)
    evidence_nodes = {
        _value(t.subject)
        for t in triples
        if t.predicate.value in _CARD_PREDICATES and t.subject != node
    }
    out, incoming, other = [], [], []
    cards: dict[str, list[ox.Triple]] = {e: [] for e in sorted(evidence_nodes)}
    for t in triples:
        if t.subject == node:
            out.append((names.predicate(t.predicate), names.term(t.object)))
        elif _value(t.subject) in cards:
            cards[_value(t.subject)].append(t)
        elif t.object == node:
            incoming.append((names.term(t.subject), names.predicate(t.predicate)))
        else:
            other.append(
                (names.term(t.subject), names.predicate(t.predicate), names.term(t.object))
            )
    types = [
        names.term(t.object) for t in triples if t.subject == node and t.predicate.value == RDF_TYPE
    ]
    labels = [
        t.object.value
        for t in triples
        if t.subject == node and t.predicate.value in NAMES and isinstance(t.object, ox.Literal)
    ]
    return ontology.TEMPLATES.get_template("resource.html").render(
        iri=unquote(iri),
        heading=heading or names.label(iri),
        kind=kind,
        types=types,
        out=out,
        incoming=incoming,
        evidence=[_card(e, rows, names, cards, labels) for e, rows in cards.items()],
        other=other,
        formats=[
            ("Turtle", "?format=ttl"),
            ("JSON-LD", "?format=jsonld"),
            ("N-Triples", "?format=nt"),
        ],
        # "</" cannot end the script element early once escaped; JSON reads \/ as /.
        jsonld=jsonld.decode("utf-8").replace("</", "<\\/"),
        count=len(triples),
    )


def _card(
    iri: str,
    triples: list[ox.Triple],
    names: Labeller,
    cards: dict[str, list[ox.Triple]],
    labels: Sequence[str],
) -> EvidenceCard:
    """A sentence, with the page's node marked in it by one of its ``labels``; or a
    relation's evidence, with its span cut from its sentence."""
    values = {t.predicate.value: t.object for t in triples}
    sentence_node = values.get(IN_SENTENCE)
    sentence = _value(values[TEXT]) if TEXT in values else ""
    _, _, exact = locate(sentence, 0, labels) if sentence else (0, 0, "")
    exact = exact if exact != sentence else ""
    if sentence_node is not None:
        of_sentence = {t.predicate.value: t.object for t in cards.get(_value(sentence_node), [])}
        sentence = _value(of_sentence[TEXT]) if TEXT in of_sentence else ""
        if START in of_sentence and START in values and END in values:
            at = int(_value(values[START])) - int(_value(of_sentence[START]))
            exact = sentence[at : at + int(_value(values[END])) - int(_value(values[START]))]
    rows = [(names.predicate(t.predicate), names.term(t.object)) for t in triples]
    derived = values.get(WAS_DERIVED_FROM)
    return EvidenceCard(
        iri=names.term(ox.NamedNode(iri)),
        sentence=sentence,
        exact=exact,
        document=names.term(derived) if isinstance(derived, ox.NamedNode) else None,
        rows=tuple(rows),
    )


# --- routes --------------------------------------------------------------------------

_OFFERS = [ld.HTML, ld.TURTLE, ld.JSONLD, ld.NTRIPLES]
_RDF_RESPONSES = {
    200: {
        "description": "The node's description in the negotiated form",
        "content": {media: {"schema": {"type": "string"}} for media in _OFFERS},
    },
    **problem_responses(400, 404, 406, 503),
}


def answer(
    request: Request, iri: str, triples: list[ox.Triple], base: str, *, heading: str, kind: str
) -> Response:
    media = ld.wants(request, _OFFERS, default=ld.HTML)
    path = request.url.path
    alternates = ", ".join(
        f'<{quote(path)}?format={name}>; rel="alternate"; type="{media_type}"'
        for name, media_type in (("ttl", ld.TURTLE), ("jsonld", ld.JSONLD), ("nt", ld.NTRIPLES))
    )
    headers = {"Vary": "Accept", "Link": alternates}
    if media != ld.HTML:
        return ld.rdf_response(triples, media, headers)
    page = render(
        iri, triples, base, heading=heading, kind=kind, jsonld=ld.serialise(triples, ld.JSONLD)
    )
    return HTMLResponse(page, headers=headers)


@router.get(
    "/id/{rest:path}",
    operation_id="dereference_id",
    summary="A data IRI {base}id/… dereferenced: a page, Turtle, JSON-LD or N-Triples",
    response_class=Response,
    responses=_RDF_RESPONSES,
)
def dereference_id(
    rest: Annotated[
        str,
        Path(
            description="The IRI's path after {base}id/, raw or percent-encoded",
            examples=["hospital/益阳市中医医院"],
        ),
    ],
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
) -> Response:
    iri = iri_from_path(request, "/id/", settings.iri_base)
    triples = describe(store, iri)
    kind = rest.split("/", 1)[0]
    return answer(request, iri, triples, settings.iri_base, heading="", kind=kind)


@router.get(
    "/graph/{name:path}",
    operation_id="dereference_graph",
    summary="A named graph {base}graph/… dereferenced: its triples as a page or as RDF",
    response_class=Response,
    responses=_RDF_RESPONSES,
)
def dereference_graph(
    name: Annotated[
        str,
        Path(description="The graph's path after {base}graph/", examples=["catalogue"]),
    ],
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
) -> Response:
    iri = iri_from_path(request, "/graph/", settings.iri_base)
    triples = graph_triples(store, iri)
    heading = f"命名图 / named graph {unquote(name)}"
    return answer(request, iri, triples, settings.iri_base, heading=heading, kind="graph")


@router.get(
    ld.CONTEXT_PATH,
    operation_id="get_jsonld_context",
    summary="The JSON-LD @context of the REST responses (JSON keys → ELI, DCTERMS, hp: terms)",
    response_class=JSONResponse,
    responses={200: {"content": {ld.JSONLD: {"schema": {"type": "object"}}}}},
)
def jsonld_context() -> Response:
    return Response(
        json.dumps(ld.context_document(), ensure_ascii=False, indent=2),
        media_type=ld.JSONLD,
        headers={"Cache-Control": "public, max-age=3600"},
    )
