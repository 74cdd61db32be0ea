"""GET /sparql look-ups answered before FastAPI's routing, by kg.sparql.fastpath.

A look-up such as "which documents cite 湘政办发〔2021〕79号" takes about a tenth of
a millisecond in the store; routing, dependency resolution and parameter parsing
took several times that.  ``answer`` is called by the app before
its middleware stack (api.main.App) and answers a GET whose only parameter is
``query``, that carries no ``Origin`` (a cross-origin request needs the CORS
middleware's headers) and whose query kg.sparql.fastpath evaluates within its budget, with
the same body and headers as the /sparql route.  Everything else (another parameter
or method, a query outside the shape, an error, an unacceptable media type, a walk
over budget) goes on to the route, which answers, refuses or reports it as always;
the route also documents GET /sparql in the OpenAPI schema.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import parse_qs

from starlette.types import Scope

from api import security, sparql
from kg.config import Settings
from kg.errors import QueryRefused
from kg.sparql import check_query
from kg.store import GraphStore

PATH = "/sparql"
# Set in the scope of a request whose query the lane walked without answering it.
TRIED = "kg.fast_path_tried"
Answer = tuple[int, list[tuple[bytes, bytes]], bytes]


def answer(state: Any, scope: Scope) -> Answer | None:
    """Status, headers and body for a simple look-up; None to let the app answer."""
    if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != PATH:
        return None
    store: GraphStore | None = state.store
    settings: Settings = state.settings
    if store is None or settings.fast_path_ms <= 0:
        return None  # the route opens the store on first use
    accept = None
    for name, value in scope["headers"]:
        if name == b"origin":
            return None
        if name == b"accept":
            accept = value.decode("latin-1")
    text = _query_text(scope["query_string"])
    if text is None:
        return None
    try:
        check_query(text, settings.service_allowlist)
    except QueryRefused:
        return None  # the route refuses it, with the problem document
    op = sparql.Operation(query=text)
    job = sparql.query_job(settings, op, accept)
    found = sparql.fast_answer(store, settings, op, job)
    if found is None or found.body is None or found.media_type is None:
        scope[TRIED] = True  # the route need not walk it again
        return None
    headers = {**sparql.answer_headers(found)}
    # As the CORS middleware marks every answer to a request without Origin.
    headers["Vary"] += ", Origin"
    raw = [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    ]
    raw.append((b"content-length", str(len(found.body)).encode("latin-1")))
    raw += security.headers_for(PATH, b"")  # as SecurityHeadersMiddleware adds them
    return 200, raw, found.body


@functools.lru_cache(maxsize=1024)
def _query_text(query_string: bytes) -> str | None:
    """The query of a URL whose only parameter is ``query``, else None.

    Read as Starlette reads it, so the lane and the route see the same text; cached
    by the raw bytes, since decoding a long percent-encoded query is a large part
    of a look-up's cost and clients repeat their queries.
    """
    params = parse_qs(query_string.decode("latin-1"), keep_blank_values=True)
    if set(params) != {"query"} or len(params["query"]) != 1:
        return None
    return params["query"][0]
