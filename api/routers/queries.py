"""The named queries of queries/*.rq: list them, run one with parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from api.deps import StoreDep
from api.problems import problem_responses
from api.schemas import QueryInfo, QueryRows
from kg.sparql import query as kq

router = APIRouter(prefix="/queries", tags=["queries"])


@router.get(
    "",
    operation_id="list_queries",
    summary="The named queries and their parameters",
    response_model=list[QueryInfo],
)
def list_queries() -> list[QueryInfo]:
    return [QueryInfo.of(q) for q in kq.list_queries()]


@router.get(
    "/{name}",
    operation_id="run_named_query",
    summary="Run a named query; its parameters are URL parameters (?number=…)",
    response_model=QueryRows,
    responses=problem_responses(400, 404, 503),
)
def run_named_query(
    name: Annotated[str, Path(examples=["cited_by"])], request: Request, store: StoreDep
) -> QueryRows:
    params = dict(request.query_params)
    rows = kq.run_query(store, name, params)
    return QueryRows(name=name, params=params, rows=rows, total=len(rows))
