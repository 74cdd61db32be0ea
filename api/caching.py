"""ETags and Cache-Control on the read endpoints, and 304 for a client that has the answer.

The graph changes only when it is rebuilt, so an answer is fixed by the store's state
and the request: the ETag is a hash of both, computed before the route runs, and a
matching ``If-None-Match`` is answered with 304 without touching the store again.

The store's state is a hash of its named graphs (each graph's IRI carries the
document's content hash) with the number of triples in each (the extractor's
output can change for the same text), the package version and the ontology file.
It is computed once per process on first use; a SPARQL Update through this app
(only when ``allow_updates``) forgets it.  Another process writing the store while
the app serves is not supported anyway (kg.build finishes before serving).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import kg
from api.deps import open_app_store
from api.routers.ontology import ONTOLOGY_FILE
from kg.errors import KgError
from kg.store import GraphStore

CACHE_CONTROL = "public, max-age=300"
# GET routes whose answer is a function of the store and the request alone.
CACHED_PREFIXES = (
    "/documents", "/agencies", "/hospitals", "/consortia", "/programmes", "/people",
    "/tasks", "/submissions", "/entities", "/edges", "/id/", "/graph/", "/queries",
    "/search", "/ontology", "/context.jsonld",
)  # fmt: skip

_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
_lock = threading.Lock()


def store_state(store: GraphStore) -> str:
    """A hash of what the store holds.

    An on-disk store is described by its files: RocksDB never rewrites a table in
    place, so any write adds, grows or removes files, and listing them costs
    milliseconds where counting the triples of every graph took seconds on a large
    store (the first request after start waited for it).  An in-memory or remote
    store is described by its named graphs and their sizes.
    """
    digest = hashlib.sha256()
    digest.update(kg.__version__.encode())
    digest.update(hashlib.sha256(ONTOLOGY_FILE.read_bytes()).digest())
    path = store.path  # None in memory and for a remote store
    if path is not None and path.is_dir():
        for entry in sorted(os.scandir(path), key=lambda e: e.name):
            # LOG files and the lock are written by every opening, even a read-only one.
            if entry.is_file() and not entry.name.startswith(("LOG", "LOCK")):
                info = entry.stat()
                digest.update(f"{entry.name}\t{info.st_size}\t{info.st_mtime_ns}\n".encode())
        return digest.hexdigest()
    for row in store.select(_COUNTS):
        digest.update(f"{row['g']}\t{row['n']}\n".encode())
    return digest.hexdigest()


def _state(app: Any, request: Request) -> str | None:
    """The app's store state, computed once; None when the store cannot be opened."""
    state = app.state
    tag: str | None = getattr(state, "etag_state", None)
    if tag is None:
        with _lock:
            tag = getattr(state, "etag_state", None)
            if tag is None:
                try:
                    store = open_app_store(request)
                except KgError:
                    return None  # the route answers with its own 503 problem
                tag = store_state(store)
                state.etag_state = tag
    return tag


def etag_for(state: str, request: Request) -> str:
    """A strong ETag: one answer per store state, path, query and negotiated Accept."""
    key = "\n".join(
        (
            state,
            request.url.path,
            "&".join(sorted(f"{k}={v}" for k, v in request.query_params.multi_items())),
            " ".join(request.headers.get("accept", "").split()),
        )
    )
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _matches(header: str, etag: str) -> bool:
    tags = [t.strip() for t in header.split(",")]
    # Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x" for If-None-Match.
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


class CachingMiddleware:
    """Pure ASGI, so streamed answers pass through untouched."""

    def __init__(self, app: ASGIApp, prefixes: tuple[str, ...] = CACHED_PREFIXES) -> None:
        self.app = app
        self.prefixes = prefixes

    def _cached(self, scope: Scope) -> bool:
        path: str = scope["path"]
        return scope["method"] in ("GET", "HEAD") and any(
            path == p.rstrip("/") or path.startswith(p) for p in self.prefixes
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self._cached(scope):
            updates = scope["app"].state.settings.allow_updates
            if updates and scope["method"] == "POST" and scope["path"] == "/sparql":
                await self.app(scope, receive, _forget_on_success(scope, send))
            else:
                await self.app(scope, receive, send)
            return
        request = Request(scope)
        # Known after the first request: read it here rather than hop to a thread.
        state = getattr(scope["app"].state, "etag_state", None) or await anyio.to_thread.run_sync(
            _state, scope["app"], request
        )
        if state is None:
            await self.app(scope, receive, send)
            return
        etag = etag_for(state, request)
        if _matches(request.headers.get("if-none-match", ""), etag):
            headers = [
                (b"etag", etag.encode()),
                (b"cache-control", CACHE_CONTROL.encode()),
                (b"vary", b"Accept"),
            ]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_etag(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers.append((b"etag", etag.encode()))
                if b"cache-control" not in names:
                    headers.append((b"cache-control", CACHE_CONTROL.encode()))
                if b"vary" not in names:
                    headers.append((b"vary", b"Accept"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_etag)


def _forget_on_success(scope: Scope, send: Send) -> Callable[[Message], Any]:
    """A send that drops the cached state when an update through /sparql succeeds."""

    async def forgetting(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] < 300:
            scope["app"].state.etag_state = None
        await send(message)

    return forgetting
