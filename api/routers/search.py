"""Chinese full-text search over document text, titles and entity labels.

Backed by SQLite FTS5 with the trigram tokenizer (kg/search.py), kept in step with
the store by `kg build`; queries of one or two characters go to a second FTS5 table
whose tokens are single characters.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from api.deps import SearchDep
from api.problems import problem_responses
from kg.search import DOC_TYPES

router = APIRouter(tags=["search"])


class SearchItem(BaseModel):
    iri: str = Field(examples=["https://w3id.org/cn-health-kg/id/programme/%E4%BC%98..."])
    type: str = Field(examples=["programme"])
    title: str = Field(examples=["优质服务基层行"])
    snippet: str = Field(description="Context with hits wrapped in <mark>…</mark>, HTML-escaped")
    score: float
    extra: dict[str, Any] = Field(default_factory=dict, description="number, date … when known")


class SearchResults(BaseModel):
    query: str
    total: int = Field(description="All hits, before limit and offset")
    limit: int
    offset: int
    items: list[SearchItem]


@router.get(
    "/search",
    operation_id="search",
    summary="Full-text search of documents and entities (Chinese, any substring)",
    response_model=SearchResults,
    responses=problem_responses(400, 503),
)
def search(
    index: SearchDep,
    response: Response,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=500,
            examples=["医共体"],
            description="Words to find; all must match",
        ),
    ],
    type: Annotated[
        list[str] | None,
        Query(
            description=f"Restrict to these kinds: {', '.join(DOC_TYPES)}", examples=[["document"]]
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> SearchResults:
    page = index.search(q, types=type or None, limit=limit, offset=offset)
    response.headers["Cache-Control"] = "public, max-age=60"
    return SearchResults(
        query=q,
        total=page.total,
        limit=limit,
        offset=offset,
        items=[
            SearchItem(
                iri=h.key,
                type=h.type,
                title=h.title,
                snippet=h.snippet,
                score=h.score,
                extra=h.extra,
            )
            for h in page.items
        ],
    )
