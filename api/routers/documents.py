"""Documents by 文号: facts, the documents citing them and the documents they cite.

``{number}`` is taken in any bracket form (〔〕 [] () （） 【】 ﹝﹞), with spaces or
percent-encoded; kg.docno puts it in canonical form before any query runs.

The citation look-ups are coroutines that query the embedded store on the event
loop (api.deps.look_up): they are index look-ups of a fraction of a millisecond
(about 10 ms for a document cited hundreds of times), and handing them to a worker
thread, as FastAPI does with a plain function, cost more CPU than the query and
capped throughput.  A remote store is still asked from a thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from api import jsonld as ld
from api.deps import SettingsDep, StoreDep, look_up
from api.problems import problem_responses
from api.schemas import CitationList, Document, DocumentItem, DocumentList
from kg.config import Settings
from kg.rdf import document_iri
from kg.sparql import query as kq
from kg.store import GraphStore

router = APIRouter(prefix="/documents", tags=["documents"])

Number = Annotated[
    str,
    Path(
        description="发文字号 in any bracket form, e.g. 湘政办发〔2021〕79号 or 湘政办发[2021]79号",
        examples=["湘政办发〔2021〕79号"],
    ),
]


@router.get(
    "",
    operation_id="list_documents",
    summary="List documents, optionally by issuer and year",
    response_model=DocumentList,
    responses={**ld.ld_responses(), **problem_responses(400, 503)},
)
def list_documents(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    issuer: Annotated[str | None, Query(examples=["岳阳市卫生健康委员会"])] = None,
    year: Annotated[str | None, Query(pattern=r"^\d{4}$", examples=["2023"])] = None,
    limit: Annotated[int, Query(ge=1, description="Most items returned")] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> DocumentList:
    rows = kq.run_query(store, "documents", {"issuer": issuer or "", "year": year or ""})
    limit = min(limit, settings.result_limit)
    page = DocumentList(items=rows[offset : offset + limit], total=len(rows))
    return ld.respond(request, page, ld.DOCUMENT_ROWS)


@router.get(
    "/{number:path}/cited-by",
    operation_id="list_document_cited_by",
    summary="Documents that cite this document",
    response_model=CitationList,
    responses={**ld.ld_responses(), **problem_responses(400, 404, 503)},
)
async def cited_by(
    number: Number, request: Request, store: StoreDep, settings: SettingsDep
) -> CitationList:
    return await _citations(kq.cited_by, ld.CITED_BY, number, request, store, settings)


@router.get(
    "/{number:path}/cites",
    operation_id="list_document_cites",
    summary="Documents that this document cites",
    response_model=CitationList,
    responses={**ld.ld_responses(), **problem_responses(400, 404, 503)},
)
async def cites(
    number: Number, request: Request, store: StoreDep, settings: SettingsDep
) -> CitationList:
    return await _citations(kq.cites, ld.CITES, number, request, store, settings)


async def _citations(
    find: Callable[[GraphStore, str], list[kq.DocRef]],
    context: Mapping[str, Any],
    number: str,
    request: Request,
    store: GraphStore,
    settings: Settings,
) -> CitationList:
    """One side of a document's citations, as JSON or JSON-LD."""
    canonical = kq.canonical_number(number)
    refs = await look_up(store, find, store, canonical)
    body = CitationList(number=canonical, items=[DocumentItem.of(r) for r in refs], total=len(refs))
    return ld.respond(request, body, context, node_id=document_iri(settings.iri_base, canonical))


# Declared last: ``{number:path}`` would otherwise swallow the /cited-by and /cites suffixes.
@router.get(
    "/{number:path}",
    operation_id="get_document",
    summary="One document's facts",
    response_model=Document,
    responses={**ld.ld_responses(), **problem_responses(400, 404, 503)},
)
def get_document(number: Number, request: Request, store: StoreDep) -> Document:
    return ld.respond(request, Document.of(kq.document(store, number)))
