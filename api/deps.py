"""Dependencies of the routes: the settings and the one store of the app."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import anyio.to_thread
from fastapi import Depends, Request

from kg.config import Settings
from kg.errors import StoreError
from kg.search import SearchIndex
from kg.store import GraphStore, open_store

T = TypeVar("T")

_open_lock = threading.Lock()


# The dependencies are coroutines: FastAPI runs a plain function dependency in a
# worker thread, and those hops cost more than a cheap look-up's query.


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_store(request: Request) -> GraphStore:
    """The app's store (see ``open_app_store``); opened in a thread the first time."""
    store: GraphStore | None = request.app.state.store
    if store is None:
        store = await anyio.to_thread.run_sync(open_app_store, request)
    return store


def open_app_store(request: Request) -> GraphStore:
    """The app's store, opened on first use and then shared by every request.

    Opened read-only unless the deployment allows updates: the SPARQL endpoint's
    worker processes (kg.sparql.sandbox) open it read-only as well, and a read-write opener
    beside them would compact away files they still read.  The build finishes
    before serving, so nothing else writes it meanwhile.
    Opening lazily keeps ``create_app`` cheap and lets the app start (and answer
    /docs) before a store exists.
    With ``remote_endpoint`` set, the store is that SPARQL server, reached over HTTP
    with the query time limit; nothing on disk is opened.
    """
    state = request.app.state
    if state.store is None:
        with _open_lock:
            if state.store is None:
                settings = state.settings
                if not settings.remote_endpoint and not settings.store_path.exists():
                    raise StoreError(
                        f"no store at {settings.store_path}: build one first with `kg build`, "
                        "or point KG_STORE_PATH at an existing store"
                    )
                # Read-only unless updates are allowed: the SPARQL workers open the
                # store read-only too, and RocksDB forbids a writer beside readers.
                state.store = open_store(settings, read_only=not settings.allow_updates)
    store: GraphStore = state.store
    return store


async def look_up(store: GraphStore, fn: Callable[..., T], *args: Any) -> T:
    """Run a cheap look-up: on the event loop over the embedded store, where a thread
    hop costs more than the query; in a worker thread over a remote store, whose
    network round trip must not hold up every other request."""
    if store.is_remote:
        return await anyio.to_thread.run_sync(fn, *args)
    return fn(*args)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]


def get_search(request: Request) -> SearchIndex:
    """The full-text index (``search_index_path``, else beside the store), opened once."""
    state = request.app.state
    if getattr(state, "search", None) is None:
        with _open_lock:
            if getattr(state, "search", None) is None:
                path = state.settings.search_index_file()
                if not path.exists():
                    raise StoreError(
                        f"no search index at {path}: it is written by `kg build`; run it first"
                    )
                state.search = SearchIndex(path, read_only=True)
    index: SearchIndex = state.search
    return index


SearchDep = Annotated[SearchIndex, Depends(get_search)]
