"""Evaluate, cap and serialise one SPARQL query: the store-free half of the sandbox.

``execute`` is the one function that evaluates, caps and serialises a query over a
``pyoxigraph.Store``; the sandbox's workers (kg.sparql.sandbox) run it, the server runs it
in-process for an in-memory store, and ``kg.store.remote.RemoteStore`` runs it over the
answer of a remote endpoint.  Nothing here opens a store, so kg.store.remote can import it
without pulling in the worker pool (which does).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.sparql.policy import check_query

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
    # evaluation sits inside the translation (as kg.store.local does for its own calls).
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
