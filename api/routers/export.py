"""Graph export: a view of the graph as GraphML, GEXF, Cytoscape.js JSON, DOT, RDF or a picture.

``GET /export/{view}?format=…`` answers with the file (``Content-Disposition:
attachment``); the construct view takes its query in ``query=`` or, when long, in
the body of a POST.  ``GET /export/node-facts?iri=…`` gives the explorer page one
node's attributes, links and evidence sentences.
"""

from __future__ import annotations

import functools
from enum import Enum
from typing import Annotated, Any
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from api import sparql
from api.deps import SettingsDep, StoreDep
from api.problems import HttpProblem, problem_responses
from kg.config import Settings
from kg.errors import QueryError
from kg.sparql import GRAPH
from kg.store import GraphStore, Store
from kg.views import projections as kx

router = APIRouter(prefix="/export", tags=["export"])

View = Enum("View", {name: name for name in kx.VIEWS}, type=str)  # type: ignore[misc]
Format = Enum("Format", {name: name for name in kx.FORMATS}, type=str)  # type: ignore[misc]

_XIANG = "湘政办发〔2021〕79号"
_SPARQL_QUERY = sparql.SPARQL_QUERY
_FORM = sparql.FORM


class Evidence(BaseModel):
    iri: str
    predicate: str = Field(examples=["mentions"])
    sentence: str = Field(examples=["推动益阳市中医医院创建三级中医医院，创新医养结合融合发展模式"])
    exact: str = Field(examples=["益阳市中医医院"])
    start: int
    end: int
    document: str | None
    document_label: str | None = Field(examples=["益资政办发〔2023〕20号"])


class Link(BaseModel):
    predicate: str = Field(examples=["leads"])
    direction: str = Field(description="out: this node → other; in: other → this node")
    iri: str
    label: str = Field(examples=["益阳市中医医院医共体"])
    type: str = Field(examples=["Consortium"])


class NodeFacts(BaseModel):
    iri: str
    label: str = Field(examples=["益阳市中医医院"])
    type: str = Field(examples=["HealthInstitution"])
    attributes: dict[str, Any]
    links: list[Link]
    evidence: list[Evidence]


@router.get(
    "/node-facts",
    operation_id="get_node_facts",
    summary="One node's attributes, links and evidence sentences (for the explorer)",
    response_model=NodeFacts,
    responses=problem_responses(400, 404, 503),
)
def get_node_facts(
    store: StoreDep,
    iri: Annotated[
        str,
        Query(min_length=1, max_length=2_000, description="IRI, 文号 or name", examples=[_XIANG]),
    ],
) -> NodeFacts:
    facts = kx.node_facts(store, iri)
    return NodeFacts(
        iri=facts.iri,
        label=facts.label,
        type=facts.type,
        attributes=facts.attributes,
        links=[Link(**vars(link)) for link in facts.links],
        evidence=[Evidence(**vars(item)) for item in facts.evidence],
    )


_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The view as a file",
        "content": {media: {} for media in dict.fromkeys(kx.MEDIA_TYPES.values())},
    },
    **problem_responses(400, 403, 404, 503),
}

ViewPath = Annotated[View, Path(description="citations, organisations, neighbourhood or construct")]
FormatQuery = Annotated[Format, Query(description="File format")]
RootQuery = Annotated[
    str | None,
    Query(max_length=2_000, description="neighbourhood: IRI, 文号 or name", examples=[_XIANG]),
]
DepthQuery = Annotated[
    int, Query(ge=0, le=kx.MAX_DEPTH, description="neighbourhood: links from the root")
]


def _file(content: bytes, media_type: str, filename: str) -> Response:
    # RFC 6266: an ASCII fallback name, and the real (often Chinese) one in filename*.
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get(
    "/{view}",
    operation_id="export_view",
    summary="A view of the graph as GraphML, GEXF, Cytoscape.js JSON, DOT, RDF, PNG or SVG",
    response_class=Response,
    responses=_FILE_RESPONSES,
)
async def export_view(
    view: ViewPath,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    format: FormatQuery = Format.graphml,  # type: ignore[attr-defined]
    root: RootQuery = None,
    depth: DepthQuery = 1,
    query: Annotated[
        str | None, Query(max_length=20_000, description="construct: a SPARQL CONSTRUCT")
    ] = None,
) -> Response:
    return _file(
        *await _run_export(request, store, settings, view.value, format.value, root, depth, query)
    )


@router.post(
    "/{view}",
    operation_id="export_view_post",
    summary="The same as GET, with a long CONSTRUCT query in the body",
    response_class=Response,
    responses={**_FILE_RESPONSES, **problem_responses(413, 415)},
    openapi_extra={
        "requestBody": {
            "content": {
                _SPARQL_QUERY: {"schema": {"type": "string"}},
                _FORM: {"schema": {"type": "object", "properties": {"query": {"type": "string"}}}},
            }
        }
    },
)
async def export_view_post(
    view: ViewPath,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    format: FormatQuery = Format.graphml,  # type: ignore[attr-defined]
    root: RootQuery = None,
    depth: DepthQuery = 1,
) -> Response:
    # The SPARQL endpoint's reading: the size limit before the whole body is read, and
    # a 400 (not a crash) for a body that is not UTF-8.
    body = await sparql.read_body(request, settings.max_body_bytes)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not body:
        query: str | None = None
    elif media in (_SPARQL_QUERY, _FORM):
        query = sparql.operation_from({}, media, body).query
    else:
        raise HttpProblem(415, f"send the query as {_SPARQL_QUERY} or {_FORM}, not {media!r}")
    return _file(
        *await _run_export(request, store, settings, view.value, format.value, root, depth, query)
    )


async def _run_export(
    request: Request,
    store: GraphStore,
    settings: Settings,
    view: str,
    fmt: str,
    root: str | None,
    depth: int,
    query: str | None,
) -> tuple[bytes, str, str]:
    """Export under the query time limit; a user's CONSTRUCT runs in the SPARQL sandbox.

    The user's query goes through the same killable worker processes, SERVICE
    refusal and triple cap as /sparql; its triples are then exported from a small
    in-memory store, so a runaway query cannot hold a server thread.
    """
    if view == "construct" and query:
        kx.check_construct(query, settings.service_allowlist)
        op = sparql.Operation(query=query)
        sandbox = sparql.sandbox_for(request.app.state, store, settings)
        answer = await sparql.answer_query(store, sandbox, settings, op, "application/n-triples")
        if answer.form != GRAPH or answer.body is None:
            raise QueryError("the construct view takes a CONSTRUCT or DESCRIBE query")
        local = Store(None)
        graph = ox.NamedNode("urn:x-kg:export")
        triples = ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)
        local.replace_graphs(
            [], {graph.value: [ox.Quad(t.subject, t.predicate, t.object) for t in triples]}
        )
        store, query = local, "CONSTRUCT WHERE { ?s ?p ?o }"
    work = functools.partial(kx.export, store, view, fmt, root=root, depth=depth, query=query)
    return await sparql.in_thread_with_timeout(settings.query_timeout_s, work)
