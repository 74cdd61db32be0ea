"""The SPARQL 1.1 Protocol endpoint: GET and POST /sparql."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api import fastlane, sparql
from api.deps import SettingsDep, StoreDep
from api.problems import problem_responses
from kg.config import Settings
from kg.errors import QueryRefused
from kg.sparql import TRUNCATED_LINK
from kg.store import GraphStore

router = APIRouter(tags=["sparql"])

TRUNCATED_HEADER = sparql.TRUNCATED_HEADER

EXAMPLE_QUERY = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?citing ?number ?title WHERE {
  ?cited eli:id_local "湘政办发〔2021〕79号" .
  ?citing eli:cites ?cited ; eli:id_local ?number .
  OPTIONAL { ?citing dcterms:title ?title }
}"""

EXAMPLE_JSON = {
    "head": {"vars": ["citing", "number", "title"]},
    "results": {
        "bindings": [
            {
                "citing": {
                    "type": "uri",
                    "value": "https://w3id.org/cn-health-kg/id/document/"
                    "%E5%B2%B3%E5%8D%AB%E5%AD%97%E3%80%942023%E3%80%952%E5%8F%B7",
                },
                "number": {"type": "literal", "value": "岳卫字〔2023〕2号"},
                "title": {"type": "literal", "value": "对岳阳市政协九届二次会议第141号提案的答复"},
            }
        ]
    },
}

LIMITS = (
    "Each query runs in a worker process that is killed at the time limit "
    "(`KG_QUERY_TIMEOUT_S`, answered 503). A SELECT answer holds at most `KG_RESULT_LIMIT` "
    "rows and a CONSTRUCT/DESCRIBE answer at most `KG_TRIPLE_LIMIT` triples; every answer "
    f"carries `{TRUNCATED_HEADER}: true` or `false`, and a cut one also has, in SPARQL JSON, "
    f'`head.link: ["{TRUNCATED_LINK}"]` (in SPARQL XML, `<link href>` in the head) and an '
    "HTTP `Link` header with that IRI."
)
TRUNCATED_HEADER_DOC = {
    TRUNCATED_HEADER: {
        "description": "`true` when the answer was cut at the row or triple limit",
        "schema": {"type": "string", "enum": ["true", "false"]},
    }
}

RESULTS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "SELECT/ASK results or a CONSTRUCT/DESCRIBE graph, as the Accept header "
        "asks. " + LIMITS,
        "headers": TRUNCATED_HEADER_DOC,
        "content": {
            "application/sparql-results+json": {"example": EXAMPLE_JSON},
            "application/sparql-results+xml": {},
            "text/csv": {"example": "citing,number,title\r\n…"},
            "text/tab-separated-values": {},
            "text/turtle": {},
            "application/n-triples": {},
            "application/rdf+xml": {},
            "application/ld+json": {},
        },
    },
    204: {"description": "An update was applied (only when the deployment allows updates)"},
    **problem_responses(400, 403, 406, 413, 415, 503),
}
GET_RESULTS: dict[int | str, dict[str, Any]] = {
    **RESULTS,
    200: {
        **RESULTS[200],
        "description": RESULTS[200]["description"]
        + " Without `query`: `text/html` gets the YASGUI query page, an RDF type (Turtle by "
        "default) the SPARQL 1.1 service description.",
        "content": {**RESULTS[200]["content"], "text/html": {}},
    },
}

POST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            sparql.FORM: {
                "schema": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "update": {"type": "string"},
                        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "example": {"query": EXAMPLE_QUERY},
            },
            sparql.SPARQL_QUERY: {"schema": {"type": "string"}, "example": EXAMPLE_QUERY},
            sparql.SPARQL_UPDATE: {"schema": {"type": "string"}},
        },
    }
}

GraphUris = Annotated[
    list[str] | None,
    Query(alias="default-graph-uri", description="IRI of a graph to use as the default graph"),
]
NamedGraphUris = Annotated[
    list[str] | None,
    Query(alias="named-graph-uri", description="IRI of a graph that GRAPH clauses may name"),
]


@router.get(
    "/sparql",
    operation_id="sparql_query_get",
    summary="Run a SPARQL query (SPARQL 1.1 Protocol, GET)",
    response_class=Response,
    responses=GET_RESULTS,
)
async def sparql_get(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    query: Annotated[
        str | None, Query(description="The SPARQL query", examples=[EXAMPLE_QUERY])
    ] = None,
    default_graph_uri: GraphUris = None,
    named_graph_uri: NamedGraphUris = None,
) -> Response:
    """Without ``default-graph-uri`` the default graph is the union of all named graphs.

    Without a query, a browser (``Accept: text/html``) gets the YASGUI query page and
    an RDF client the SPARQL 1.1 service description.
    """
    params = sparql.url_params(request)
    accept = request.headers.get("accept")
    if "query" not in params and "update" not in params:
        media = sparql.page_or_description(accept)
        if media == sparql.HTML:
            return HTMLResponse(sparql.render_page(settings), headers={"Vary": "Accept"})
        if media is not None:
            endpoint = str(request.url.replace(query=None, fragment=None))
            body, media_type = await run_in_threadpool(
                sparql.service_description, endpoint, store, settings, media
            )
            return Response(body, media_type=media_type, headers={"Vary": "Accept"})
    op = sparql.operation_from(params, None, None)
    if op.update is not None:  # the protocol carries updates by POST only
        raise QueryRefused("SPARQL Update is only accepted by POST, never by GET")
    return await _answer(request, store, settings, op, accept)


@router.post(
    "/sparql",
    operation_id="sparql_query_post",
    summary="Run a SPARQL query or update (SPARQL 1.1 Protocol, POST)",
    response_class=Response,
    responses=RESULTS,
    openapi_extra=POST_BODY,
)
async def sparql_post(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Form-encoded ``query``/``update``, or a bare ``application/sparql-query`` body.

    Updates are refused with 403 unless the deployment sets ``allow_updates``.
    """
    body = await sparql.read_body(request, settings.max_body_bytes)
    op = sparql.operation_from(
        sparql.url_params(request), request.headers.get("content-type"), body
    )
    return await _answer(request, store, settings, op, request.headers.get("accept"))


async def _answer(
    request: Request,
    store: GraphStore,
    settings: Settings,
    op: sparql.Operation,
    accept: str | None,
) -> Response:
    if sparql.looks_like_update(op):
        await sparql.in_thread_with_timeout(
            settings.query_timeout_s, sparql.refuse_or_run_update, store, settings, op
        )
        return Response(status_code=204)
    sandbox = sparql.sandbox_for(request.app.state, store, settings)
    answer = await sparql.answer_query(
        store, sandbox, settings, op, accept, try_fast=fastlane.TRIED not in request.scope
    )
    return Response(answer.body, headers=sparql.answer_headers(answer))
