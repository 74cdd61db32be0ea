"""SPARQL 1.1 Protocol helpers: content negotiation, execution and serialisation.

Kept apart from the router so that the protocol rules (which media type for which
query form, what a form body holds) can be read and tested without HTTP.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from api.problems import HttpProblem
from kg.config import Settings
from kg.errors import QueryError, QueryRefused, QueryTimeout
from kg.query import check_query, is_update
from kg.store import Store

T = TypeVar("T")

# Offers in the server's order of preference; the first is what */* gets.
# Aliases (application/json, text/plain …) are answered in the canonical type.
RESULT_FORMATS: tuple[tuple[str, ox.QueryResultsFormat], ...] = (
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ("application/json", ox.QueryResultsFormat.JSON),
    ("application/xml", ox.QueryResultsFormat.XML),
    ("text/xml", ox.QueryResultsFormat.XML),
)
GRAPH_FORMATS: tuple[tuple[str, ox.RdfFormat], ...] = (
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/turtle", ox.RdfFormat.TURTLE),
    ("application/x-turtle", ox.RdfFormat.TURTLE),
    ("text/n3", ox.RdfFormat.N3),
    ("text/plain", ox.RdfFormat.N_TRIPLES),
    ("application/xml", ox.RdfFormat.RDF_XML),
    ("application/json", ox.RdfFormat.JSON_LD),
)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class Operation:
    """One protocol request: a query or an update, and its RDF dataset."""

    query: str | None = None
    update: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


# --- content negotiation ----------------------------------------------------------


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values; none means ``*/*``."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for part in header.split(","):
        pieces = part.split(";")
        media = pieces[0].strip().lower()
        if not media:
            continue
        q = 1.0
        for parameter in pieces[1:]:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range that matches ``offer`` (RFC 9110 §12.5.1)."""
    kind = offer.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for media, q in ranges:
        if media == offer:
            specificity = 2
        elif media == f"{kind}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, q)
    return best[1]


def negotiate(accept: str | None, offers: list[str]) -> str | None:
    """The offer the client prefers most, ties going to the server's order."""
    ranges = parse_accept(accept)
    chosen, chosen_q = None, 0.0
    for offer in offers:
        q = _quality(offer, ranges)
        if q > chosen_q:
            chosen, chosen_q = offer, q
    return chosen


# --- reading requests -------------------------------------------------------------


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 past ``limit`` bytes without reading it all."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HttpProblem(413, f"the request body has {declared} bytes; the limit is {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HttpProblem(413, f"the request body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpProblem(400, f"the request body is not UTF-8: {exc}", "bad-encoding") from exc


def _single(values: dict[str, list[str]], name: str) -> str | None:
    found = values.get(name, [])
    if len(found) > 1:
        raise QueryError(f"give the {name!r} parameter once, not {len(found)} times")
    return found[0] if found else None


def operation_from(
    url_params: dict[str, list[str]], content_type: str | None, body: bytes | None
) -> Operation:
    """Read an operation from URL parameters and, for POST, the body (SPARQL 1.1 Protocol §2)."""
    params = {k: list(v) for k, v in url_params.items()}
    media = (content_type or "").split(";")[0].strip().lower()
    if body is not None and (body or media):  # an empty POST is read like a GET
        if media == FORM:
            for key, values in parse_qs(_decode(body), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif media == SPARQL_QUERY:
            params.setdefault("query", []).append(_decode(body))
        elif media == SPARQL_UPDATE:
            params.setdefault("update", []).append(_decode(body))
        else:
            raise HttpProblem(
                415,
                f"POST /sparql takes {FORM}, {SPARQL_QUERY} or {SPARQL_UPDATE}, "
                f"not {media or 'a body without Content-Type'}",
            )
    query, update = _single(params, "query"), _single(params, "update")
    if query is not None and update is not None:
        raise QueryError("give either a query or an update, not both")
    if query is None and update is None:
        raise QueryError(
            "no SPARQL given: pass it as the `query` parameter, a form field, "
            f"or a {SPARQL_QUERY} body"
        )
    return Operation(
        query=query,
        update=update,
        default_graphs=params.get("default-graph-uri", []),
        named_graphs=params.get("named-graph-uri", []),
    )


# --- running ---------------------------------------------------------------------


def refuse_or_run_update(store: Store, settings: Settings, op: Operation) -> None:
    """Run an update when the deployment allows it; else refuse it with 403."""
    text = op.update if op.update is not None else op.query or ""
    if not settings.allow_updates:
        raise QueryRefused(
            "this endpoint is read-only: SPARQL Update is refused "
            "(set KG_ALLOW_UPDATES=true on a private deployment to accept it)"
        )
    if op.update is None:
        raise QueryError(
            f"that is an update, not a query: send it as the `update` parameter or as {SPARQL_UPDATE}"
        )
    store.update(text)


def run_query(
    store: Store, settings: Settings, op: Operation, accept: str | None
) -> tuple[bytes, str]:
    """Evaluate a query and serialise it in the negotiated format: (body, media type)."""
    query = op.query or ""
    check_query(query, service_allowlist=settings.service_allowlist)
    result = store.query(
        query, default_graphs=op.default_graphs or None, named_graphs=op.named_graphs or None
    )
    table: tuple[tuple[str, ox.QueryResultsFormat | ox.RdfFormat], ...]
    table = GRAPH_FORMATS if isinstance(result, ox.QueryTriples) else RESULT_FORMATS
    media = negotiate(accept, [m for m, _ in table])
    if media is None:
        offered = ", ".join(dict.fromkeys(m for m, _ in table))
        raise HttpProblem(406, f"cannot answer this query in {accept!r}; offered: {offered}")
    fmt = dict(table)[media]
    # pyoxigraph evaluates lazily, so evaluation errors surface while serialising;
    # they are translated here as the store translates its own.
    try:
        body = result.serialize(format=fmt)  # type: ignore[arg-type]
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"the query failed: {exc}") from exc
    assert body is not None
    return body, _content_type(fmt.media_type)


def _content_type(media: str) -> str:
    return f"{media}; charset=utf-8" if media.startswith("text/") else media


def looks_like_update(op: Operation) -> bool:
    return op.update is not None or is_update(op.query or "")


async def in_thread_with_timeout(seconds: float, fn: Callable[..., T], *args: Any) -> T:
    """Run blocking store work off the event loop, answering 503 past ``seconds``.

    pyoxigraph cannot cancel a running query, so the worker thread runs on to its
    end; the client is answered at the limit all the same.
    """
    try:
        return await asyncio.wait_for(run_in_threadpool(fn, *args), timeout=seconds)
    except TimeoutError as exc:
        raise QueryTimeout(
            f"the query ran past the limit of {seconds:g} s; narrow it or add a LIMIT"
        ) from exc


def url_params(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    return params
