"""The store stage: pyoxigraph on disk, one named graph per source document.

This is the one place that talks to pyoxigraph's storage and query engine, and the
one boundary where its ``SyntaxError`` and ``OSError`` become ``kg.errors``.
``kg.store.stores.open_store(settings)`` gives this store, or ``kg.store.remote.RemoteStore``
(the same ``kg.store.graphstore.GraphStore`` interface over a SPARQL 1.1 server) when
``settings.remote_endpoint`` is set.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

# The modules, not the package: kg.sparql re-exports its sandbox, whose workers open this store.
import kg.sparql.answers as answers
import kg.sparql.fastpath as fastpath
from kg.errors import QueryError, StoreError
from kg.store.graphstore import (
    Progress,
    QueryResult,
    in_union,
    parse_graphs,
    resync_update,
    rows_of,
    union_lines,
    union_update,
)


class _ChunkReader(io.RawIOBase):
    """A binary file over an iterator of byte chunks, for the bulk loader to read.

    Chunks are drawn only as the reader is read; an error raised by the iterator
    reaches the bulk loader's caller.
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._chunk = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, into: Any) -> int:
        while not self._chunk:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._chunk = memoryview(chunk)
        size = min(len(into), len(self._chunk))
        into[:size] = self._chunk[:size]
        self._chunk = self._chunk[size:]
        return size


class Store:
    """A pyoxigraph store, on disk at ``path`` or in memory when ``path`` is None."""

    is_remote = False

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not self.path.exists():
                    raise StoreError(
                        f"no store at {self.path}: build one first with `kg build --store {self.path}`"
                    )
                self._store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc

    @property
    def raw(self) -> ox.Store:
        """The underlying pyoxigraph store, for the few callers that need it."""
        return self._store

    def __len__(self) -> int:
        return len(self._store)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(self, graph: str | None = None) -> list[ox.Quad]:
        graph_node = ox.NamedNode(graph) if graph else None
        return list(self._store.quads_for_pattern(None, None, None, graph_node))

    def replace_graphs(
        self, remove: Iterable[str], add: Mapping[str, Iterable[ox.Quad]], *, bulk: bool = False
    ) -> None:
        """Drop the graphs in ``remove`` and write the graphs in ``add``, atomically.

        The store's default graph is kept as the set union of all named graphs.
        pyoxigraph's own union mode counts a triple once per graph it is in (a cited
        document's number, stated by every document that cites it, would come back
        several times), so the union is materialised here instead: a triple leaves
        the default graph only when no other named graph still states it.

        Graphs the store has never held are written in one transactional insert; the
        replacements and removals in one SPARQL Update, which pyoxigraph also applies
        as one transaction, so a reader never sees a document half replaced.

        ``bulk=True`` (a first build, which no reader is waiting on) writes the fresh
        graphs with pyoxigraph's bulk loader instead: three times faster, but not a
        transaction.  So each graph's own description (the quads whose subject is the
        graph, where the build records the source file and content hash it counts as
        built) is written after the rest, in a transaction of its own: a bulk load cut
        short leaves graphs without it, which the next build sees as not built and
        replaces whole.
        """
        remove = set(remove)
        fresh = {
            graph: list(quads)
            for graph, quads in add.items()
            if graph not in remove and not self._store.contains_named_graph(ox.NamedNode(graph))
        }
        if fresh:
            # A graph the store has never had needs no deletions: a plain transactional
            # insert of its quads and their default-graph copies is twice as fast as
            # parsing the same data as SPARQL.
            union = [
                ox.Quad(q.subject, q.predicate, q.object)
                for quads in fresh.values()
                for q in quads
                if in_union(q)
            ]
            named = [
                ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph))
                for graph, quads in fresh.items()
                for q in quads
            ]
            if bulk:
                described = [q for q in named if q.subject == q.graph_name]
                self._extend([q for q in named if q.subject != q.graph_name] + union, bulk=True)
                self._extend(described)
            else:
                self._extend(named + union)
        replaced = {g: list(q) for g, q in add.items() if g not in fresh}
        text = union_update(remove | set(replaced), replaced)
        if text:
            self._update(text)

    def replace_serialised_graphs(
        self, remove: Iterable[str], add: Mapping[str, bytes], *, bulk: bool = False
    ) -> None:
        """``replace_graphs`` with each added graph given as the N-Quads of its quads.

        The form build workers send: bytes cross a process boundary far faster than
        quad objects, and a first build (``bulk=True``, no graph replaced) hands them
        to the bulk loader as they are, with no Python object made per quad.  The
        default graph's copy of a graph is its N-Quads with the graph name taken off
        each line (every line ends `` <graph> .``; a newline inside a literal is
        escaped, so no literal can) and its provenance lines left out.  Each graph's own description (lines whose
        subject is the graph) goes last, in a transaction, as in ``replace_graphs``.
        """
        remove = set(remove)
        if (
            not bulk
            or remove
            or any(self._store.contains_named_graph(ox.NamedNode(graph)) for graph in add)
        ):
            self.replace_graphs(remove, parse_graphs(add), bulk=bulk)
            return
        self.bulk_load_graphs(add.items())

    def bulk_load_graphs(self, graphs: Iterable[tuple[str, bytes]]) -> None:
        """Bulk-load fresh graphs, each given as its N-Quads, as they come, in one load.

        One load for a whole build rather than one per batch: each load adds RocksDB
        tables of its own, and the store of 10,000 generated documents loaded in ten
        parts was 1.5 times the size of the same quads loaded at once.  The loader
        reads ``graphs`` as it needs them (a build's writer thread gives them as its
        workers make them) and keeps its own memory bounded.  Each graph's default-
        graph copy follows it (its lines with the graph name taken off, provenance
        left out); each graph's own description (lines whose subject is the graph)
        is held back and written last, in a transaction: a load cut short leaves
        graphs without it, which the next build sees as not built and replaces whole.
        """
        if self.read_only:
            raise StoreError("this store is open read-only; open it for writing to change it")
        described: list[bytes] = []

        def chunks() -> Iterator[bytes]:
            for graph, nquads in graphs:
                node = str(ox.NamedNode(graph)).encode()
                head, tail = node + b" ", b" " + node + b" .\n"
                content: list[bytes] = []
                for line in nquads.splitlines(keepends=True):
                    (described if line.startswith(head) else content).append(line)
                yield b"".join(content) + b"".join(union_lines(nquads, tail))

        try:
            self._store.bulk_load(
                io.BufferedReader(_ChunkReader(chunks()), 1 << 20), format=ox.RdfFormat.N_QUADS
            )
        except OSError as exc:
            raise StoreError(f"writing to the store at {self.path} failed: {exc}") from exc
        except SyntaxError as exc:
            raise StoreError(f"a build worker sent malformed N-Quads: {exc}") from exc
        self._extend(list(ox.parse(b"".join(described), format=ox.RdfFormat.N_QUADS)))

    def _extend(self, quads: list[ox.Quad], *, bulk: bool = False) -> None:
        if self.read_only:
            raise StoreError("this store is open read-only; open it for writing to change it")
        try:
            if bulk:
                self._store.bulk_extend(quads)
            else:
                self._store.extend(quads)
        except OSError as exc:
            raise StoreError(f"writing to the store at {self.path} failed: {exc}") from exc

    def remove_graphs(self, graphs: Iterable[str]) -> None:
        self.replace_graphs(graphs, {})

    def _update(self, update: str) -> None:
        if self.read_only:
            raise StoreError("this store is open read-only; open it for writing to change it")
        try:
            self._store.update(update)
        except SyntaxError as exc:
            raise StoreError(f"internal update was malformed: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"writing to the store at {self.path} failed: {exc}") from exc

    def update(self, update: str) -> None:
        """Run a SPARQL Update, then bring the default graph back to the union view.

        Only named graphs hold data of their own here; the default graph is derived,
        so the same transaction re-derives it (costly on a large store, which is why
        the public endpoint refuses updates unless a deployment allows them).
        """
        try:
            self._update(f"{update} ;\n{resync_update()}")
        except StoreError as exc:
            if isinstance(exc.__cause__, SyntaxError):
                raise QueryError(f"SPARQL update syntax error: {exc.__cause__}") from exc
            raise

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = False,
    ) -> QueryResult:
        """Run a SPARQL query; parameters are bound with substitutions, never formatted in.

        The default graph already holds the set union of all named graphs (see
        ``replace_graphs``), so a plain ``{ ?s ?p ?o }`` sees every document once.
        ``union_default_graph=True`` asks pyoxigraph for its own bag union instead.
        """
        kwargs: dict[str, Any] = {}
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        elif union_default_graph:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except (OSError, ValueError, TypeError, RuntimeError) as exc:
            raise QueryError(f"the query failed: {exc}") from exc

    def select(self, sparql: str, **kwargs: Any) -> list[dict[str, Any]]:
        """Run a SELECT and return rows of plain Python values (IRIs and lexical forms)."""
        return rows_of(self.query(sparql, **kwargs))

    # --- the SPARQL endpoint's path ----------------------------------------------------

    def execute(
        self, job: answers.QueryJob, custom_functions: answers.CustomFunctions | None = None
    ) -> answers.QueryAnswer:
        """Answer a ``kg.sparql.answers.QueryJob`` in this process, as a sandbox worker does."""
        return answers.execute(self._store, job, custom_functions)

    def answer_look_up(self, job: answers.QueryJob, budget_s: float) -> answers.QueryAnswer | None:
        """A simple look-up walked over the quad indexes (kg.sparql.fastpath), or None.

        None for a query outside kg.sparql.fastpath's shape, a walk past ``budget_s``, and
        a store open for updates: that could change between two probes of one walk,
        where a query evaluated by pyoxigraph reads one snapshot.
        """
        if not self.read_only:
            return None
        plan = fastpath.plan(job.query)
        if plan is None:
            return None
        try:
            return fastpath.answer(self._store, plan, job, budget_s)
        except fastpath.OverBudget:
            return None

    def dump(self, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> bytes:
        dumped = self._store.dump(format=fmt)
        assert dumped is not None  # no output file given: pyoxigraph returns the bytes
        return dumped

    def flush(self) -> None:
        if not self.read_only and self.path is not None:
            self._store.flush()

    def finish(self, progress: Progress | None = None, *, compact: bool = True) -> None:
        """A build or load has ended: compact, so no write-ahead log is left behind.

        ``compact=False`` (a first build that was only bulk loads) skips step 2 below:
        RocksDB rewrites the bulk loader's tables larger than it wrote them (127 MB
        against 115 MB for 1,000 generated documents loaded in five parts), and a
        fresh load has nothing deleted or overwritten to drop.
        """
        self.compact(progress, optimize=compact)

    def compact(self, progress: Progress | None = None, *, optimize: bool = True) -> None:
        """Leave the store directory as RocksDB tables alone: no write-ahead log to replay.

        Three steps (two without ``optimize``), each announced as ``progress(step, index, n)``:

        1. ``flush()`` writes the in-memory tables out as table files, so the
           write-ahead log (``*.log``) holds nothing that is not in a table.
        2. ``optimize()`` compacts every column family: fewer table files, and the
           entries deleted or overwritten by replaced graphs are dropped.
        3. Close and reopen.  Oxigraph opens RocksDB with ``recycle_log_file_num=10``,
           so the logs made obsolete by the flush are kept, full size, to be reused
           while the database stays open (2.6 GB of a 10,000-document build); RocksDB
           deletes them only when it opens the directory again.

        Nothing else in this process may hold the store (an unfinished query result
        keeps it open): reopening would then fail, and this raises StoreError.
        Does nothing for an in-memory or read-only store.
        """
        if self.read_only or self.path is None:
            return
        steps: list[tuple[str, Callable[[], None]]] = [
            ("store: writing memory tables to disk", lambda: self._store.flush()),
            ("store: compacting tables", lambda: self._store.optimize()),
            ("store: reopening to drop the write-ahead logs", self._reopen),
        ]
        if not optimize:
            del steps[1]
        for index, (step, run) in enumerate(steps, start=1):
            if progress:
                progress(step, index, len(steps))
            try:
                run()
            except OSError as exc:
                raise StoreError(f"compacting the store at {self.path} failed: {exc}") from exc

    def _reopen(self) -> None:
        del self._store  # the last reference: pyoxigraph closes RocksDB here
        gc.collect()  # and any query result caught in a reference cycle with it
        try:
            self._store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(
                f"cannot reopen the store at {self.path} after compacting it: {exc}; "
                "something in this process still holds it (an unfinished query result?)"
            ) from exc

    def close(self) -> None:
        """Release the store: pyoxigraph closes it when the object is collected."""
        self.flush()
        del self._store
