"""Where the graph is kept: the ``GraphStore`` protocol and its two stores.

``Store`` is pyoxigraph on disk (local.py), ``RemoteStore`` a SPARQL 1.1 server
(remote.py); ``open_store`` (stores.py) is the one place that picks between them, and
graphstore.py holds the protocol and the update text both stores write.
"""

from kg.store.graphstore import PROVENANCE_PREDICATES, GraphStore, serialise
from kg.store.local import Store
from kg.store.remote import RemoteStore, endpoints
from kg.store.stores import open_store

__all__ = [
    "PROVENANCE_PREDICATES",
    "GraphStore",
    "RemoteStore",
    "Store",
    "endpoints",
    "open_store",
    "serialise",
]
