"""Open the store the settings name: the embedded one on disk or a remote SPARQL endpoint.

The one module that knows both store classes, so kg.store.local and kg.store.remote never import
each other.
"""

from __future__ import annotations

from pathlib import Path

from kg.config import Settings
from kg.store.graphstore import GraphStore
from kg.store.local import Store


def open_store(settings: Settings | Path | str | None, *, read_only: bool = False) -> GraphStore:
    """The store the settings name: the remote SPARQL endpoint if set, else the one on disk.

    A path (or None, for memory) opens an embedded store directly, as before.
    """
    if not isinstance(settings, Settings):
        return Store(settings, read_only=read_only)
    if settings.remote_endpoint:
        from kg.store.remote import RemoteStore  # httpx only when a remote store is used

        return RemoteStore(
            settings.remote_endpoint,
            update_endpoint=settings.remote_update_endpoint,
            read_only=read_only,
            timeout=settings.query_timeout_s,
            service_allowlist=settings.service_allowlist,
        )
    return Store(settings.store_path, read_only=read_only)
