"""What the embedded and the remote store share: the GraphStore interface and its update text.

``kg.store.local.Store`` (pyoxigraph on disk) and ``kg.store.remote.RemoteStore`` (a SPARQL 1.1
server) both satisfy ``GraphStore``, so the build, export, CLI and API take either.
The SPARQL Update text that keeps the default graph the union of the named graphs
lives here, so both stores write the same layout; neither store module imports the
other (``kg.store.stores.open_store`` is the one place that picks between them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.rdf.iri import ONTOLOGY_NS

if TYPE_CHECKING:
    from kg.sparql.answers import CustomFunctions, QueryAnswer, QueryJob

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Progress = Callable[[str, int, int], None]

# Provenance belongs to one document: the triples of its sentences and evidence
# (kg.rdf.mapping) stay in that document's named graph only.  The default graph, the
# union view every other query reads, leaves them out, so the store does not hold
# them twice (they were most of it); a query for evidence reads ``GRAPH ?g { … }``.
PROVENANCE_PREDICATES: frozenset[str] = frozenset(
    ONTOLOGY_NS + name
    for name in (
        "text",
        "startOffset",
        "endOffset",
        "inSentence",
        "mentionedIn",
        "citedIn",
        "statedIn",
        "evidence",
        "supportsSubject",
        "supportsPredicate",
        "supportsObject",
    )
)
_PROVENANCE_NODES = frozenset(ox.NamedNode(iri) for iri in PROVENANCE_PREDICATES)
_PROVENANCE_LIST = ", ".join(sorted(str(node) for node in _PROVENANCE_NODES))
_PROVENANCE_BYTES = frozenset(str(node).encode() for node in _PROVENANCE_NODES)


def in_union(quad: ox.Quad | ox.Triple) -> bool:
    """Whether the default graph holds a copy of this named graph's quad."""
    return quad.predicate not in _PROVENANCE_NODES


def union_lines(nquads: bytes, tail: bytes) -> list[bytes]:
    """The default graph's copy of one graph given as N-Quads: its lines ending ``tail``.

    Each line's graph name (``tail`` is `` <graph> .\n``) is taken off, and the
    provenance lines are left out.  A subject is an IRI or a blank node, neither
    with a space in it, so the predicate is the line's second field.
    """
    out = []
    for line in nquads.splitlines(keepends=True):
        if line.split(b" ", 2)[1] in _PROVENANCE_BYTES:
            continue
        out.append(line.replace(tail, b" .\n") if line.endswith(tail) else line)
    return out


class GraphStore(Protocol):
    """A quad store with one named graph per source document and a union default graph."""

    @property
    def read_only(self) -> bool: ...

    @property
    def path(self) -> Path | None:
        """The store's directory; None in memory and for a remote store."""
        ...

    @property
    def is_remote(self) -> bool:
        """True when every call is a round trip to a SPARQL server, False in process."""
        ...

    def __len__(self) -> int: ...

    def named_graphs(self) -> list[str]: ...

    def quads(self, graph: str | None = None) -> list[ox.Quad]: ...

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = False,
    ) -> QueryResult: ...

    def select(self, sparql: str, **kwargs: Any) -> list[dict[str, Any]]: ...

    def execute(
        self, job: QueryJob, custom_functions: CustomFunctions | None = None
    ) -> QueryAnswer:
        """The SPARQL endpoint's answer to ``job``: evaluated, cut at its limits, serialised.

        ``custom_functions`` (fn:search, fn:rank) apply where the query is evaluated
        in process; a remote server evaluates the query itself, without them.
        """
        ...

    def answer_look_up(self, job: QueryJob, budget_s: float) -> QueryAnswer | None:
        """A simple look-up (``kg.sparql.fastpath``'s shape) walked within ``budget_s``, or None.

        None for any other query, a walk past its budget, or a store that cannot
        serve one (remote, or open for updates): ``execute`` answers those.
        """
        ...

    def dump(self, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> bytes: ...

    def replace_graphs(
        self, remove: Iterable[str], add: Mapping[str, Iterable[ox.Quad]], *, bulk: bool = False
    ) -> None: ...

    def replace_serialised_graphs(
        self, remove: Iterable[str], add: Mapping[str, bytes], *, bulk: bool = False
    ) -> None: ...

    def bulk_load_graphs(self, graphs: Iterable[tuple[str, bytes]]) -> None:
        """Write fresh graphs (none of them in the store), each as its N-Quads, as they
        come: in one bulk load where the store has a bulk loader."""
        ...

    def remove_graphs(self, graphs: Iterable[str]) -> None: ...

    def update(self, update: str) -> None: ...

    def flush(self) -> None: ...

    def finish(self, progress: Progress | None = None, *, compact: bool = True) -> None:
        """Make a finished build or load durable and tidy, as this kind of store needs;
        ``compact=False`` after bulk loads only, whose tables are best left as written."""
        ...

    def close(self) -> None: ...


def serialise(quads: Iterable[ox.Quad]) -> bytes:
    """Quads as N-Quads, the form ``replace_serialised_graphs`` takes."""
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def parse_graphs(add: Mapping[str, bytes]) -> dict[str, list[ox.Quad]]:
    """Graph → the quads its N-Quads hold."""
    try:
        return {
            graph: list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
            for graph, nquads in add.items()
        }
    except SyntaxError as exc:
        raise StoreError(f"malformed N-Quads for a graph: {exc}") from exc


def union_update(clear: Iterable[str], add: Mapping[str, list[ox.Quad]]) -> str:
    """The one SPARQL Update that empties the graphs in ``clear`` and writes ``add``.

    A triple leaves the default graph only when no other named graph still states it,
    and every added triple but provenance is copied into it, so the default graph
    stays the set union of the named graphs without their provenance.  Shared by the
    embedded and the remote store, so both keep the same layout.  Empty when there is nothing to do.
    """
    parts = []
    for graph in sorted(set(clear) | set(add)):
        node = ox.NamedNode(graph)
        parts.append(
            "DELETE { ?s ?p ?o } WHERE { "
            f"GRAPH {node} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {node}) }} }}"
        )
        parts.append(f"DROP SILENT GRAPH {node}")
    named_text, union_text = [], []
    for graph, quads in add.items():
        triples = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        named_text.append(f"GRAPH {ox.NamedNode(graph)} {{\n{triples}\n}}")
        union_text.append(
            "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads if in_union(q))
        )
    if named_text:
        parts.append("INSERT DATA {\n" + "\n".join(named_text) + "\n}")
        parts.append("INSERT DATA {\n" + "\n".join(union_text) + "\n}")
    return " ;\n".join(parts)


def resync_update() -> str:
    """The update that re-derives the default graph as the union of the named graphs."""
    return (
        "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } ;\n"
        "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o "
        f"FILTER(?p IN ({_PROVENANCE_LIST})) }} ;\n"
        "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(?p NOT IN ({_PROVENANCE_LIST})) }}"
    )


def rows_of(result: QueryResult) -> list[dict[str, Any]]:
    """A SELECT's solutions as rows of plain Python values (IRIs and lexical forms)."""
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("expected a SELECT query")
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row = {}
        for name in names:
            term = solution[name]
            row[name] = None if term is None else term.value
        rows.append(row)
    return rows
