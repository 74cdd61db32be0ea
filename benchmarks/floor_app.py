"""The least a Python server takes to answer the SPARQL cited-by look-up under uvicorn.

A bare ASGI app: no routing, no checks, no limits, no time-out, no access log; the
query evaluated by pyoxigraph on the event loop and its answer written by
pyoxigraph.  Unsafe, and not a service: ``bench_service.py`` runs it beside ``kg
serve`` and ``oxigraph serve-read-only`` only to show the floor that any endpoint
served by one uvicorn worker stands on (uvicorn's own cost per request on this
machine, plus the query)::

    KG_FLOOR_STORE=var/bench10k/store .venv/bin/uvicorn --app-dir benchmarks floor_app:app \\
        --http api.server:HttpProtocol --no-access-log --port 7900
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox

_store = ox.Store.read_only(os.environ["KG_FLOOR_STORE"])
_JSON = ox.QueryResultsFormat.JSON


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return  # lifespan events need no answer
    if scope["path"] != "/sparql":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"floor"})
        return
    query = parse_qs(scope["query_string"].decode("latin-1"))["query"][0]
    body = _store.query(query).serialize(format=_JSON)
    headers = [
        (b"content-type", b"application/sparql-results+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
