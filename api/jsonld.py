"""RDF forms of responses: media-type choice, the published JSON-LD @context, serialisation.

Two kinds of answer go through here:

* the REST resources (documents, entities), JSON by default and JSON-LD when the
  client asks for ``application/ld+json``: the same body plus ``@context`` (the
  published context at ``/context.jsonld``, with a small local override where a key
  means something else in that response) and ``@id`` on every object with an ``iri``;
* the dereferenced identifiers (/id/…, /graph/…, /ontology), whose triples are
  serialised by pyoxigraph in Turtle, N-Triples or JSON-LD.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox
from fastapi import Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.problems import HttpProblem
from api.sparql import negotiate

JSONLD = "application/ld+json"
JSON = "application/json"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
HTML = "text/html"

# ?format= names → media types, for links a person can click and clients without Accept.
FORMAT_NAMES = {
    "html": HTML,
    "ttl": TURTLE,
    "turtle": TURTLE,
    "jsonld": JSONLD,
    "json-ld": JSONLD,
    "nt": NTRIPLES,
    "ntriples": NTRIPLES,
}
RDF_FORMATS = {
    TURTLE: ox.RdfFormat.TURTLE,
    NTRIPLES: ox.RdfFormat.N_TRIPLES,
    JSONLD: ox.RdfFormat.JSON_LD,
}
CONTEXT_PATH = "/context.jsonld"

PREFIXES = {
    "hp": "https://w3id.org/cn-health-kg/ontology#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
}

# The JSON keys of the REST responses as RDF terms.  Keys that are bookkeeping
# (counts, the decoded ``id``, ``iri`` itself, which becomes ``@id``) are left out, so
# a JSON-LD processor drops them.  A list page is a hydra:Collection of its items.
CONTEXT: dict[str, Any] = {
    "@version": 1.1,
    **PREFIXES,
    "number": "eli:id_local",
    "title": "dcterms:title",
    "issuer": "hp:issuerName",
    "date": {"@id": "eli:date_document", "@type": "xsd:date"},
    "type": "hp:typeName",
    "url": {"@id": "schema:url", "@type": "@id"},
    "name": "skos:prefLabel",
    "aliases": "skos:altLabel",
    "roles": "hp:role",
    "types": {"@id": "rdf:type", "@type": "@id"},
    "attributes": "@nest",
    "evidence": {"@id": "hp:evidence", "@type": "@id"},
    "start": {"@id": "hp:startOffset", "@type": "xsd:integer"},
    "end": {"@id": "hp:endOffset", "@type": "xsd:integer"},
    "text": "hp:text",
    "sentence": {"@id": "hp:inSentence", "@type": "@id"},
    "mentionedIn": {"@id": "hp:mentionedIn", "@type": "@id"},
    "citedIn": {"@id": "hp:citedIn", "@type": "@id"},
    "statedIn": {"@id": "hp:statedIn", "@type": "@id"},
    "subject": {"@id": "hp:supportsSubject", "@type": "@id"},
    "predicate": {"@id": "hp:supportsPredicate", "@type": "@id"},
    "object": {"@id": "hp:supportsObject", "@type": "@id"},
    "section": "hp:section",
    "items": {"@id": "hydra:member", "@type": "@id"},
    "total": "hydra:totalItems",
}

# Local overrides, per kind of response, for keys that mean something else there.
CITED_BY = {"items": {"@reverse": "eli:cites", "@type": "@id"}, "total": None}
CITES = {"items": {"@id": "eli:cites", "@type": "@id"}, "total": None}
ENTITY_LIST = {"type": None}  # agency, hospital …: a kind word, not hp:typeName
ENTITY = {"relations": None}  # the relations are triples in /id/…, not expressible here
DOCUMENT_ROWS = {"doc": "@id", "year": None}
TASKS = {"number": "hp:taskNumber", "leads": None, "units": None}


def context_document() -> dict[str, Any]:
    return {"@context": CONTEXT}


def wants(request: Request, offers: list[str], default: str) -> str:
    """The media type to answer with: ``?format=`` first, then Accept; 406 when none fits."""
    name = request.query_params.get("format")
    if name:
        media = FORMAT_NAMES.get(name.lower())
        if media is None or media not in offers:
            known = ", ".join(k for k, v in FORMAT_NAMES.items() if v in offers)
            raise HttpProblem(400, f"unknown format {name!r}; use one of {known}", "bad-format")
        return media
    accept = request.headers.get("accept")
    if not accept or not accept.strip():
        return default
    # The server's default first, so */* and ties pick it.
    chosen = negotiate(accept, [default, *(o for o in offers if o != default)])
    if chosen is None:
        raise HttpProblem(406, f"this resource is available as {', '.join(offers)}")
    return chosen


def wants_jsonld(request: Request) -> bool:
    """Whether a REST client asked for JSON-LD rather than plain JSON."""
    accept = request.headers.get("accept")
    return bool(accept) and negotiate(accept, [JSON, JSONLD]) == JSONLD


def _with_ids(value: Any) -> Any:
    if isinstance(value, dict):
        out = {k: _with_ids(v) for k, v in value.items()}
        if isinstance(value.get("iri"), str) and value["iri"]:
            out = {"@id": value["iri"], **out}
        return out
    if isinstance(value, list):
        return [_with_ids(v) for v in value]
    return value


def context_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + CONTEXT_PATH


def as_jsonld(
    request: Request,
    body: Mapping[str, Any],
    local: Mapping[str, Any] | None = None,
    node_id: str | None = None,
) -> dict[str, Any]:
    """``body`` with ``@context`` and ``@id``s: JSON that is also JSON-LD.

    ``node_id`` names the thing a body without an ``iri`` of its own is about (the
    cited document of a cited-by list).
    """
    context: Any = context_url(request)
    if local:
        context = [context, dict(local)]
    head = {"@context": context, **({"@id": node_id} if node_id else {})}
    return {**head, **_with_ids(dict(body))}


def respond(
    request: Request,
    model: BaseModel,
    local: Mapping[str, Any] | None = None,
    node_id: str | None = None,
) -> Any:
    """The model as it is (FastAPI makes it JSON), or as JSON-LD when that was asked for."""
    if not wants_jsonld(request):
        return model
    body = as_jsonld(request, model.model_dump(mode="json"), local, node_id)
    return JSONResponse(body, media_type=JSONLD, headers={"Vary": "Accept"})


def ld_responses() -> dict[int | str, dict[str, Any]]:
    """``responses=`` entry: the 200 answer also comes as JSON-LD on request.

    FastAPI puts the response model's schema under application/json beside it.
    """
    return {200: {"content": {JSONLD: {"schema": {"type": "object"}}}}}


def serialise(triples: Iterable[ox.Triple], media: str) -> bytes:
    """Triples in Turtle, N-Triples or (expanded) JSON-LD."""
    fmt = RDF_FORMATS[media]
    prefixes = PREFIXES if fmt == ox.RdfFormat.TURTLE else None
    written = ox.serialize(list(triples), format=fmt, prefixes=prefixes)
    assert written is not None  # given no output file, serialize returns the bytes
    return written


def rdf_response(triples: Iterable[ox.Triple], media: str, headers: Mapping[str, str]) -> Response:
    charset = "; charset=utf-8" if media == TURTLE else ""
    return Response(serialise(triples, media), media_type=media + charset, headers=dict(headers))
