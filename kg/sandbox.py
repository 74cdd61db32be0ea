"""Run SPARQL queries in worker processes that are killed when they run too long.

pyoxigraph 0.5's Python API has no query timeout or cancellation (oxigraph#1336;
the Rust side's CancellationToken, oxigraph#1409, is not exposed in 0.5.13), and a
thread cannot be stopped from outside, so a runaway query run in a server thread
burns a core until it ends.  ``QuerySandbox`` keeps a few worker processes, each with the store open
read-only; a query that passes its limit has its worker killed and replaced, and
the caller gets ``QueryTimeout``.

Workers are fresh interpreters (``python -m kg.sandbox``), never forks of a
threaded server, and talk over two pipes with ``multiprocessing`` connection
objects.  Starting them with ``subprocess`` rather than ``multiprocessing``'s
spawn context avoids re-importing the server's ``__main__`` (uvicorn, gunicorn,
the ``kg`` script) in every worker.

``execute`` is the one function that evaluates, caps and serialises a query; the
workers run it, and the server runs it in-process for an in-memory store.

Read-only opening while another process has the same store open for writing is
undefined in RocksDB (a writer's compaction deletes files a reader still needs),
so the server must open the store read-only too while workers serve it.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Self

import pyoxigraph as ox

from kg.errors import KgError, QueryError, QueryTimeout, StoreError
from kg.sparql_policy import check_query

TIMEOUT_SETTING = "KG_QUERY_TIMEOUT_S"
# An IRI a truncated answer links to in its head (SPARQL JSON ``head.link``,
# SPARQL XML ``<link href>``): the answer holds only the first rows.
TRUNCATED_LINK = "https://w3id.org/cn-health-kg/sparql#truncated"

SOLUTIONS, BOOLEAN, GRAPH = "solutions", "boolean", "graph"
JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

CustomFunctions = Mapping[ox.NamedNode, Callable[..., Any]]


@dataclass(frozen=True)
class QueryJob:
    """One query to run, with the formats the client accepts for each query form.

    The form of a query is known only once pyoxigraph has parsed it, so the caller
    negotiates a media type for solutions (SELECT/ASK) and one for graphs
    (CONSTRUCT/DESCRIBE) beforehand; None means the client accepts none.
    """

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    results_media: str | None = JSON_RESULTS
    graph_media: str | None = "text/turtle"
    row_limit: int = 10_000
    triple_limit: int = 100_000
    service_allowlist: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryAnswer:
    """A serialised answer; ``body`` is None when no accepted format fits ``form``."""

    form: str
    body: bytes | None
    media_type: str | None
    truncated: bool = False


# --- evaluating and serialising ------------------------------------------------------


def execute(
    store: ox.Store, job: QueryJob, custom_functions: CustomFunctions | None = None
) -> QueryAnswer:
    """Evaluate ``job`` on ``store``, cap the answer and serialise it."""
    check_query(job.query, job.service_allowlist)
    kwargs: dict[str, Any] = {}
    try:
        if job.default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        if job.named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    except ValueError as exc:
        raise QueryError(
            f"default-graph-uri and named-graph-uri take absolute IRIs: {exc}"
        ) from exc
    if custom_functions:
        kwargs["custom_functions"] = dict(custom_functions)
    # pyoxigraph evaluates lazily: errors surface while iterating, so the whole
    # evaluation sits inside the translation (as kg.store does for its own calls).
    try:
        result = store.query(job.query, **kwargs)
        if isinstance(result, ox.QueryBoolean):
            return _boolean(result, job)
        if isinstance(result, ox.QueryTriples):
            return _graph(result, job)
        return _solutions(result, job)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        raise QueryError(f"the query failed: {exc}") from exc


def _boolean(result: ox.QueryBoolean, job: QueryJob) -> QueryAnswer:
    return boolean_answer(bool(result), job)


def boolean_answer(value: bool, job: QueryJob) -> QueryAnswer:
    """An ASK answer in the client's results format."""
    if job.results_media is None:
        return QueryAnswer(BOOLEAN, None, None)
    fmt = ox.QueryResultsFormat.from_media_type(job.results_media)
    assert fmt is not None
    document = json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == ox.QueryResultsFormat.JSON:
        return QueryAnswer(BOOLEAN, document, fmt.media_type)
    parsed = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)
    return QueryAnswer(BOOLEAN, parsed.serialize(format=fmt), fmt.media_type)


def _graph(result: ox.QueryTriples, job: QueryJob) -> QueryAnswer:
    if job.graph_media is None:
        return QueryAnswer(GRAPH, None, None)
    fmt = ox.RdfFormat.from_media_type(job.graph_media)
    assert fmt is not None
    triples: list[ox.Triple] = []
    for triple in result:
        if len(triples) == job.triple_limit:
            return QueryAnswer(GRAPH, _dump(triples, fmt), fmt.media_type, truncated=True)
        triples.append(triple)
    return QueryAnswer(GRAPH, _dump(triples, fmt), fmt.media_type)


def _dump(triples: list[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    body = ox.serialize(triples, format=fmt)
    assert body is not None
    return body


def _solutions(result: ox.QuerySolutions, job: QueryJob) -> QueryAnswer:
    return solutions_answer([v.value for v in result.variables], result, job)


def solutions_answer(names: list[str], result: Iterable[Any], job: QueryJob) -> QueryAnswer:
    """SELECT solutions, cut at the row limit, in the client's results format.

    ``result`` yields solutions indexed by variable name (pyoxigraph's
    QuerySolution, or a dict holding every name), None for an unbound variable.
    """
    if job.results_media is None:
        return QueryAnswer(SOLUTIONS, None, None)
    rows: list[dict[str, Any]] = []
    truncated = False
    for solution in result:
        if len(rows) == job.row_limit:
            truncated = True
            break
        rows.append({n: _json_term(solution[n]) for n in names if solution[n] is not None})
    # The kept rows are written as SPARQL JSON, then pyoxigraph re-serialises that
    # for the other formats: there is no way to cut a QuerySolutions short.
    head: dict[str, Any] = {"vars": names}
    if truncated:
        head["link"] = [TRUNCATED_LINK]
    document = json.dumps({"head": head, "results": {"bindings": rows}}, ensure_ascii=False).encode(
        "utf-8"
    )
    fmt = ox.QueryResultsFormat.from_media_type(job.results_media)
    assert fmt is not None
    if fmt == ox.QueryResultsFormat.JSON:
        return QueryAnswer(SOLUTIONS, document, fmt.media_type, truncated)
    parsed = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)
    body = parsed.serialize(format=fmt)
    assert body is not None
    if truncated and fmt == ox.QueryResultsFormat.XML:
        body = body.replace(b"</head>", f'<link href="{TRUNCATED_LINK}"/></head>'.encode(), 1)
    return QueryAnswer(SOLUTIONS, body, fmt.media_type, truncated)


def _json_term(term: Any) -> dict[str, Any]:
    """One RDF term in SPARQL 1.1 Query Results JSON form (with RDF 1.2 triple terms)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            direction = getattr(term, "direction", None)
            if direction is not None:
                out["its:dir"] = str(direction).rsplit(".", 1)[-1].lower()
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise QueryError(f"cannot write a {type(term).__name__} as a SPARQL JSON term")


def open_search_index(index_file: Path | None) -> Any:
    """The full-text index (kg.search) at ``index_file`` read-only, or None when there is
    none; the caller finds the file with ``Settings.search_index_file``."""
    from kg import search  # here, so that a worker that never searches skips SQLite set-up

    if index_file is None or not index_file.is_file():
        return None
    return search.SearchIndex(index_file, read_only=True)


def search_functions(index: Any) -> CustomFunctions:
    """fn:search and, with an index, fn:rank; built per query, as kg.search asks."""
    from kg import search

    return search.custom_functions(index)


# --- the pool --------------------------------------------------------------------------


class _Worker:
    """One worker process and the two pipe ends that talk to it."""

    def __init__(self, store_path: Path, index_file: Path | None) -> None:
        job_read, job_write = os.pipe()
        answer_read, answer_write = os.pipe()
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kg.sandbox",
                    str(store_path),
                    str(job_read),
                    str(answer_write),
                    str(index_file or ""),
                ],
                pass_fds=(job_read, answer_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
        finally:
            os.close(job_read)
            os.close(answer_write)
        self.jobs = Connection(job_write, readable=False)
        self.answers = Connection(answer_read, writable=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, *, kill: bool) -> None:
        """Kill at once (a runaway query) or let it read EOF and exit (shutdown)."""
        if kill:
            self.process.kill()
        self.jobs.close()
        self.answers.close()
        try:
            self.process.wait(timeout=0 if kill else 2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class QuerySandbox:
    """A pool of ``workers`` processes running queries over the store at ``store_path``.

    ``run`` is blocking and thread-safe: call it from a thread pool.  A worker is
    lent to one query at a time; a query that has no answer by its deadline has its
    worker killed and replaced, so its CPU and memory are freed at once.
    """

    def __init__(
        self, store_path: Path | str, workers: int = 2, index_file: Path | None = None
    ) -> None:
        if workers < 1:
            raise StoreError(f"a query sandbox needs at least one worker, not {workers}")
        self.store_path = Path(store_path)
        self.index_file = index_file  # the full-text index for fn:rank, if any
        self.size = workers
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(workers):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self.store_path, self.index_file)
        with self._lock:
            self._all.add(worker)
        self._idle.put(worker)

    def _retire(self, worker: _Worker, *, replace: bool) -> None:
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        worker.stop(kill=True)
        if replace and not closed:
            self._add()

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (for monitoring and tests)."""
        with self._lock:
            return sorted(w.pid for w in self._all)

    def run(self, job: QueryJob, timeout: float) -> QueryAnswer:
        """Run ``job``, waiting at most ``timeout`` seconds for a worker and its answer."""
        if self._closed:
            raise StoreError("the query sandbox is closed")
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty as exc:
            raise QueryTimeout(
                f"all {self.size} query workers stayed busy for {timeout:g} s; try again "
                f"later (the limit is set by {TIMEOUT_SETTING}, the pool size by KG_QUERY_WORKERS)"
            ) from exc
        try:
            worker.jobs.send(job)
            if not worker.answers.poll(max(0.0, deadline - time.monotonic())):
                self._retire(worker, replace=True)
                raise QueryTimeout(
                    f"the query ran past the limit of {timeout:g} s and was stopped; "
                    f"narrow it or add a LIMIT (the limit is set by {TIMEOUT_SETTING})"
                )
            status, payload = worker.answers.recv()
        except (EOFError, OSError) as exc:
            self._retire(worker, replace=True)
            raise StoreError(
                f"the query worker stopped unexpectedly ({exc or type(exc).__name__}); "
                "it has been restarted, so the query can be tried again"
            ) from exc
        self._idle.put(worker)
        if status == "error":
            raise payload
        answer: QueryAnswer = payload
        return answer

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop(kill=False)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- the worker side -------------------------------------------------------------------


def _watch_parent() -> None:
    """Exit when the server is gone, even in the middle of a query."""
    parent = os.getppid()
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(0)


def worker_main(
    store_path: Path, jobs: Connection, answers: Connection, index_file: Path | None = None
) -> None:
    """Answer jobs until the server closes the pipe."""
    from kg.store import Store

    threading.Thread(target=_watch_parent, daemon=True).start()
    opened: Store | None = None
    failure: KgError | None = None
    index: Any = None
    try:
        opened = Store(store_path, read_only=True)
        index = open_search_index(index_file)
    except KgError as exc:
        failure = exc  # every job is answered with it, so the client learns why
    while True:
        try:
            job = jobs.recv()
        except EOFError:
            return
        if failure is not None or opened is None:
            answers.send(("error", failure or StoreError(f"cannot open the store at {store_path}")))
            continue
        try:
            answers.send(("ok", execute(opened.raw, job, search_functions(index))))
        except KgError as exc:
            answers.send(("error", exc))


if __name__ == "__main__":
    # Through the imported module, not this ``__main__`` copy, so that the answers'
    # classes pickle as kg.sandbox.* and the server can read them.
    from kg.sandbox import worker_main as _main

    _main(
        Path(sys.argv[1]),
        Connection(int(sys.argv[2]), writable=False),
        Connection(int(sys.argv[3]), readable=False),
        Path(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4] else None,
    )
