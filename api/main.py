"""The FastAPI app: SPARQL 1.1 endpoint, REST over the named queries, OpenAPI docs.

uvicorn api.main:app                      # settings from KG_* and kg.toml
uvicorn --factory api.main:create_app     # the same, built per process
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

import kg
from api import fastlane, problems
from api import sparql as sparql_helpers
from api.caching import CachingMiddleware
from api.routers import (
    documents,
    entities,
    explore,
    export,
    health,
    ids,
    ontology,
    queries,
    search,
    sparql,
)
from api.security import SecurityHeadersMiddleware
from kg.config import Settings
from kg.store import GraphStore


class App(FastAPI):
    """The FastAPI app, with simple SPARQL look-ups answered ahead of its middleware.

    The middleware, routing and dependency machinery cost several times a look-up's
    own evaluation; api.fastlane answers those requests directly, and passes on
    every request it cannot answer exactly as the /sparql route would.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = fastlane.answer(self.state, scope)
        if found is None:
            await super().__call__(scope, receive, send)
            return
        status, headers, body = found
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings | None = None, *, store: GraphStore | None = None) -> App:
    """Build the app; ``store`` lets tests hand one in, else it opens on first use."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        sparql_helpers.close_sandbox(app.state)  # the SPARQL worker processes, if started
        opened: GraphStore | None = app.state.store
        # Close only a store the app opened itself; a handed-in one belongs to the caller.
        if opened is not None and store is None:
            opened.close()
            app.state.store = None

    app = App(
        title="Chinese health-policy knowledge graph",
        version=kg.__version__,
        summary="SPARQL 1.1 endpoint and REST API over health-policy documents and their citations",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    # Inside CORS, so a 304 carries the CORS headers too.
    app.add_middleware(CachingMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["*"],
        expose_headers=["X-KG-Truncated", "Link", "ETag"],
    )
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: on every answer
    problems.install(app)
    app.mount("/static", StaticFiles(directory=sparql_helpers.STATIC_DIR), name="static")
    for module in (sparql, documents, queries, search, health, entities):
        app.include_router(module.router)
    for module in (export, explore):
        app.include_router(module.router)
    for module in (ids, ontology):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/docs")

    return app


_app: FastAPI | None = None


def __getattr__(name: str) -> Any:
    """``api.main.app``, built on first access so importing this module reads no settings."""
    global _app
    if name == "app":
        if _app is None:
            _app = create_app()
        return _app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
