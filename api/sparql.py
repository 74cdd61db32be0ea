"""SPARQL 1.1 Protocol helpers: content negotiation, execution and serialisation.

Kept apart from the router so that the protocol rules (which media type for which
query form, what a form body holds) can be read and tested without HTTP.
"""

from __future__ import annotations

import asyncio
import functools
import html
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from api.problems import HttpProblem
from kg.config import Settings
from kg.errors import KgError, QueryError, QueryRefused, QueryTimeout
from kg.sparql import (
    GRAPH,
    TIMEOUT_SETTING,
    TRUNCATED_LINK,
    NamedQuery,
    Param,
    QueryAnswer,
    QueryJob,
    QuerySandbox,
    bind_params,
    check_query,
    check_update,
    is_update,
    list_queries,
    open_search_index,
    search_functions,
    with_values,
)
from kg.store import GraphStore

T = TypeVar("T")

# Offers in the server's order of preference; the first is what */* gets.
# Aliases (application/json, text/plain …) are answered in the canonical type.
RESULT_FORMATS: tuple[tuple[str, ox.QueryResultsFormat], ...] = (
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ("application/json", ox.QueryResultsFormat.JSON),
    ("application/xml", ox.QueryResultsFormat.XML),
    ("text/xml", ox.QueryResultsFormat.XML),
)
GRAPH_FORMATS: tuple[tuple[str, ox.RdfFormat], ...] = (
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/turtle", ox.RdfFormat.TURTLE),
    ("application/x-turtle", ox.RdfFormat.TURTLE),
    ("text/n3", ox.RdfFormat.N3),
    ("text/plain", ox.RdfFormat.N_TRIPLES),
    ("application/xml", ox.RdfFormat.RDF_XML),
    ("application/json", ox.RdfFormat.JSON_LD),
)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class Operation:
    """One protocol request: a query or an update, and its RDF dataset."""

    query: str | None = None
    update: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


# --- content negotiation ----------------------------------------------------------


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values; none means ``*/*``."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for part in header.split(","):
        pieces = part.split(";")
        media = pieces[0].strip().lower()
        if not media:
            continue
        q = 1.0
        for parameter in pieces[1:]:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range that matches ``offer`` (RFC 9110 §12.5.1)."""
    kind = offer.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for media, q in ranges:
        if media == offer:
            specificity = 2
        elif media == f"{kind}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, q)
    return best[1]


def negotiate(accept: str | None, offers: list[str]) -> str | None:
    """The offer the client prefers most, ties going to the server's order."""
    ranges = parse_accept(accept)
    chosen, chosen_q = None, 0.0
    for offer in offers:
        q = _quality(offer, ranges)
        if q > chosen_q:
            chosen, chosen_q = offer, q
    return chosen


# --- reading requests -------------------------------------------------------------


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 past ``limit`` bytes without reading it all."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HttpProblem(413, f"the request body has {declared} bytes; the limit is {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HttpProblem(413, f"the request body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpProblem(400, f"the request body is not UTF-8: {exc}", "bad-encoding") from exc


def _single(values: dict[str, list[str]], name: str) -> str | None:
    found = values.get(name, [])
    if len(found) > 1:
        raise QueryError(f"give the {name!r} parameter once, not {len(found)} times")
    return found[0] if found else None


def operation_from(
    url_params: dict[str, list[str]], content_type: str | None, body: bytes | None
) -> Operation:
    """Read an operation from URL parameters and, for POST, the body (SPARQL 1.1 Protocol §2)."""
    params = {k: list(v) for k, v in url_params.items()}
    media = (content_type or "").split(";")[0].strip().lower()
    if body is not None and (body or media):  # an empty POST is read like a GET
        if media == FORM:
            for key, values in parse_qs(_decode(body), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif media == SPARQL_QUERY:
            params.setdefault("query", []).append(_decode(body))
        elif media == SPARQL_UPDATE:
            params.setdefault("update", []).append(_decode(body))
        else:
            raise HttpProblem(
                415,
                f"POST /sparql takes {FORM}, {SPARQL_QUERY} or {SPARQL_UPDATE}, "
                f"not {media or 'a body without Content-Type'}",
            )
    query, update = _single(params, "query"), _single(params, "update")
    if query is not None and update is not None:
        raise QueryError("give either a query or an update, not both")
    if query is None and update is None:
        raise QueryError(
            "no SPARQL given: pass it as the `query` parameter, a form field, "
            f"or a {SPARQL_QUERY} body"
        )
    return Operation(
        query=query,
        update=update,
        default_graphs=params.get("default-graph-uri", []),
        named_graphs=params.get("named-graph-uri", []),
    )


# --- running ---------------------------------------------------------------------


def refuse_or_run_update(store: GraphStore, settings: Settings, op: Operation) -> None:
    """Run an update when the deployment allows it; else refuse it with 403."""
    text = op.update if op.update is not None else op.query or ""
    if not settings.allow_updates:
        raise QueryRefused(
            "this endpoint is read-only: SPARQL Update is refused "
            "(set KG_ALLOW_UPDATES=true on a private deployment to accept it)"
        )
    if op.update is None:
        raise QueryError(
            f"that is an update, not a query: send it as the `update` parameter or as {SPARQL_UPDATE}"
        )
    check_update(text, settings.service_allowlist)
    store.update(text)


def _canonical(media: str | None, table: tuple[tuple[str, Any], ...]) -> str | None:
    return None if media is None else str(dict(table)[media].media_type)


def query_job(settings: Settings, op: Operation, accept: str | None) -> QueryJob:
    """The job for a query: the client's format for each query form, and the caps."""
    results_media, graph_media = _formats_for(accept)
    return QueryJob(
        query=op.query or "",
        default_graphs=tuple(op.default_graphs),
        named_graphs=tuple(op.named_graphs),
        results_media=results_media,
        graph_media=graph_media,
        row_limit=settings.result_limit,
        triple_limit=settings.triple_limit,
        service_allowlist=tuple(settings.service_allowlist),
    )


@functools.lru_cache(maxsize=256)
def _formats_for(accept: str | None) -> tuple[str | None, str | None]:
    """The media types for solutions and for graphs an Accept header gets (clients
    send the same few headers over and over)."""
    return (
        _canonical(negotiate(accept, [m for m, _ in RESULT_FORMATS]), RESULT_FORMATS),
        _canonical(negotiate(accept, [m for m, _ in GRAPH_FORMATS]), GRAPH_FORMATS),
    )


async def answer_query(
    store: GraphStore,
    sandbox: QuerySandbox | None,
    settings: Settings,
    op: Operation,
    accept: str | None,
    *,
    try_fast: bool = True,
) -> QueryAnswer:
    """Run a query in the sandbox (or, for an in-memory or remote store, a thread); 406 if
    unservable.  A remote store's server runs the query; the thread answers at the limit.

    A look-up goes the fast path first (``fast_answer``), unless ``try_fast`` is False
    because api.fastlane has already tried it for this request.
    """
    check_query(op.query or "", settings.service_allowlist)
    job = query_job(settings, op, accept)
    # A look-up that ran over its budget (at most fast_path_ms) gets the whole limit
    # again on the general path, so the limit the client reads about is the one applied.
    answer = fast_answer(store, settings, op, job) if try_fast else None
    if answer is None:
        timeout = settings.query_timeout_s
        if sandbox is not None:
            answer = await run_in_threadpool(sandbox.run, job, timeout)
        else:
            index_file = settings.search_index_file(store.path)
            answer = await in_thread_with_timeout(timeout, _run_in_process, store, job, index_file)
    if answer.body is None:
        table = GRAPH_FORMATS if answer.form == GRAPH else RESULT_FORMATS
        offered = ", ".join(dict.fromkeys(m for m, _ in table))
        raise HttpProblem(406, f"cannot answer this query in {accept!r}; offered: {offered}")
    return answer


def fast_answer(
    store: GraphStore, settings: Settings, op: Operation, job: QueryJob
) -> QueryAnswer | None:
    """A simple look-up answered on the event loop (``GraphStore.answer_look_up``), or None.

    None for a query outside kg.sparql.fastpath's shape, one naming its own dataset, a
    remote store or one open for updates, or a walk that ran past ``fast_path_ms``:
    the general path answers those.  The walk blocks the event loop for at most that budget.
    """
    if settings.fast_path_ms <= 0 or op.default_graphs or op.named_graphs:
        return None
    return store.answer_look_up(job, settings.fast_path_ms / 1000)


def _run_in_process(
    store: GraphStore, job: QueryJob, index_file: Path | None = None
) -> QueryAnswer:
    # A remote store forwards the job to its server, which evaluates it without
    # fn:search and fn:rank; its answer is cut at the same limits.
    index = _search_index(index_file) if store.path is not None else None
    return store.execute(job, search_functions(index))


@functools.lru_cache(maxsize=4)
def _search_index(index_file: Path | None) -> Any:
    return open_search_index(index_file)


_sandbox_lock = threading.Lock()


def sandbox_for(state: Any, store: GraphStore, settings: Settings) -> QuerySandbox | None:
    """The app's worker pool, started on first use; None where queries run in-process.

    Workers need the store on disk and opened read-only by everyone (see
    kg.sparql.sandbox); an in-memory store (tests), a store open for updates, or
    ``query_workers = 0`` run queries in a server thread, which a timeout answers
    but cannot stop.
    """
    if settings.query_workers == 0 or store.path is None or not store.read_only:
        return None
    sandbox: QuerySandbox | None = getattr(state, "sandbox", None)
    if sandbox is None:
        with _sandbox_lock:
            sandbox = getattr(state, "sandbox", None)
            if sandbox is None:
                sandbox = QuerySandbox(
                    store.path, settings.query_workers, settings.search_index_file(store.path)
                )
                state.sandbox = sandbox
    return sandbox


def close_sandbox(state: Any) -> None:
    """Stop the app's worker pool, if it started one (from the app's lifespan)."""
    sandbox: QuerySandbox | None = getattr(state, "sandbox", None)
    if sandbox is not None:
        state.sandbox = None
        sandbox.close()


TRUNCATED_HEADER = "X-KG-Truncated"


def answer_headers(answer: QueryAnswer) -> dict[str, str]:
    """Headers of a query answer: its type, what it varies by, and whether it was cut."""
    assert answer.media_type is not None
    headers = {
        "Content-Type": content_type(answer.media_type),
        "Vary": "Accept",
        TRUNCATED_HEADER: "true" if answer.truncated else "false",
    }
    if answer.truncated:
        headers["Link"] = f'<{TRUNCATED_LINK}>; rel="describedby"'
    return headers


def content_type(media: str) -> str:
    """The Content-Type for a media type: text types say they are UTF-8."""
    return f"{media}; charset=utf-8" if media.startswith("text/") else media


def looks_like_update(op: Operation) -> bool:
    return op.update is not None or is_update(op.query or "")


async def in_thread_with_timeout(seconds: float, fn: Callable[..., T], *args: Any) -> T:
    """Run blocking store work off the event loop, answering 503 past ``seconds``.

    Only for work that cannot go to the sandbox (updates, in-memory stores):
    a thread cannot be stopped, so it runs on to its end; the client is answered at
    the limit all the same.
    """
    try:
        return await asyncio.wait_for(run_in_threadpool(fn, *args), timeout=seconds)
    except TimeoutError as exc:
        raise QueryTimeout(
            f"the query ran past the limit of {seconds:g} s; narrow it or add a LIMIT "
            f"(the limit is set by {TIMEOUT_SETTING})"
        ) from exc


def url_params(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    return params


# --- the service description (SPARQL 1.1 Service Description) ------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
DCTERMS_TITLE = "http://purl.org/dc/terms/title"
SD_PREFIXES = {
    "sd": SD,
    "formats": FORMATS,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dcterms": "http://purl.org/dc/terms/",
    "fn": "https://w3id.org/cn-health-kg/function#",
}
# The W3C format IRIs (https://www.w3.org/ns/formats/) of what the endpoint writes.
RESULT_FORMAT_IRIS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "RDF_XML", "JSON-LD", "N3",
)  # fmt: skip
DESCRIPTION_FORMATS: tuple[tuple[str, ox.RdfFormat], ...] = tuple(
    (media, fmt) for media, fmt in GRAPH_FORMATS if media == fmt.media_type
)
HTML = "text/html"


def page_or_description(accept: str | None) -> str | None:
    """For a GET without a query: ``text/html`` (the YASGUI page), an RDF media type
    (the service description), or None when the client wants neither."""
    return negotiate(accept, [m for m, _ in DESCRIPTION_FORMATS] + [HTML])


def service_description(
    endpoint: str, store: GraphStore, settings: Settings, media: str
) -> tuple[bytes, str]:
    """The endpoint described in SPARQL 1.1 Service Description terms, serialised."""
    from kg.search import RANK_FUNCTION_IRI, SEARCH_FUNCTION_IRI

    service = ox.NamedNode(endpoint)
    triples: list[ox.Triple] = []

    def add(
        s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> None:
        triples.append(ox.Triple(s, ox.NamedNode(p), o))

    add(service, RDF_TYPE, ox.NamedNode(SD + "Service"))
    add(service, DCTERMS_TITLE, ox.Literal("Chinese health-policy knowledge graph", language="en"))
    add(service, SD + "endpoint", service)
    add(service, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query"))
    if settings.allow_updates:
        add(service, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Update"))
    for name in RESULT_FORMAT_IRIS:
        add(service, SD + "resultFormat", ox.NamedNode(FORMATS + name))
    add(service, SD + "feature", ox.NamedNode(SD + "UnionDefaultGraph"))
    if settings.service_allowlist:
        add(service, SD + "feature", ox.NamedNode(SD + "BasicFederatedQuery"))
    add(
        service,
        RDFS_COMMENT,
        ox.Literal(
            f"Read-only unless the deployment allows updates. Each query is stopped after "
            f"{settings.query_timeout_s:g} s (KG_QUERY_TIMEOUT_S); SELECT answers hold at most "
            f"{settings.result_limit} rows and CONSTRUCT/DESCRIBE answers at most "
            f"{settings.triple_limit} triples, a cut answer being marked by the header "
            f"X-KG-Truncated: true and, in SPARQL JSON and XML results, by the head link "
            f"{TRUNCATED_LINK}. SERVICE is refused except for allow-listed endpoints.",
            language="en",
        ),
    )
    functions = (
        (
            SEARCH_FUNCTION_IRI,
            (
                'fn:search(?text, "phrases"): a score (xsd:double) when every whitespace-'
                "separated phrase occurs in the literal after Unicode folding, else unbound"
            ),
        ),
        (
            RANK_FUNCTION_IRI,
            (
                'fn:rank(?iri, "phrases"): the full-text search score of the thing named by '
                "the IRI, else unbound (when the store has a search index)"
            ),
        ),
    )
    for iri, comment in functions:
        function = ox.NamedNode(iri)
        add(service, SD + "extensionFunction", function)
        add(function, RDF_TYPE, ox.NamedNode(SD + "Function"))
        add(function, RDFS_COMMENT, ox.Literal(comment, language="en"))

    dataset, default_graph = ox.BlankNode(), ox.BlankNode()
    add(service, SD + "defaultDataset", dataset)
    add(dataset, RDF_TYPE, ox.NamedNode(SD + "Dataset"))
    add(dataset, SD + "defaultGraph", default_graph)
    add(default_graph, RDF_TYPE, ox.NamedNode(SD + "Graph"))
    add(
        default_graph,
        RDFS_COMMENT,
        ox.Literal("The set union of the named graphs (one per source document).", language="en"),
    )
    for graph in store.named_graphs():
        named = ox.BlankNode()
        add(dataset, SD + "namedGraph", named)
        add(named, RDF_TYPE, ox.NamedNode(SD + "NamedGraph"))
        add(named, SD + "name", ox.NamedNode(graph))
    fmt = dict(DESCRIPTION_FORMATS)[media]
    body = ox.serialize(triples, format=fmt, prefixes=SD_PREFIXES)
    assert body is not None
    return body, content_type(fmt.media_type)


# --- the YASGUI page --------------------------------------------------------------------

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE_TEMPLATE = STATIC_DIR / "sparql.html"
# Example values for a query's parameters, by query name, for queries whose file has
# no ``# example: name=value`` line.  Empty: the examples in the parameters'
# descriptions ("e.g. …") serve; a deployment with other data may add some here.
EXAMPLE_DEFAULTS: dict[str, dict[str, str]] = {}

_EG = re.compile(r"(?:e\.g\.|例如|如)\s*[:：]?\s*([^\s，。；;,、]+)")


@dataclass(frozen=True)
class Example:
    """A named query as the page offers it: runnable SPARQL with example values."""

    name: str
    summary: str
    sparql: str


def example_values(query: NamedQuery) -> dict[str, str]:
    """Values for the parameters: the first ``# example:`` line, then defaults, then
    "e.g." text.

    Optional parameters take only explicit values, so an example is not narrowed
    for nothing.
    """
    found = query.example_values()
    values: dict[str, str] = found[0] if found else {}
    for key, value in EXAMPLE_DEFAULTS.get(query.name, {}).items():
        values.setdefault(key, value)
    for param in query.params:
        if param.required and param.name not in values:
            described = _EG.search(param.description)
            if described:
                values[param.name] = described.group(1)
    return {p.name: values[p.name] for p in query.params if p.name in values}


def example(query: NamedQuery) -> Example:
    """The query with its parameters bound where example values are known.

    Bound as the named-query library binds them (kg.sparql.binding): a VALUES row at the
    head of the WHERE group for a variable the query reads, a trailing one for a
    variable it assigns, each term in its own N-Triples form.
    """
    values = example_values(query)
    bound: dict[str, ox.NamedNode | ox.Literal] = {}
    placeholders: list[str] = []
    for param in query.params:
        term = None
        if param.name in values:
            try:
                term = bind_params_term(param, values[param.name])
            except KgError:
                term = None
        if term is not None:
            bound[param.name] = term
        elif param.required:
            placeholders.append(
                f"# VALUES ?{param.name} {{ ${param.name} }}  # set {param.name}: {param.description}"
            )
    text = query.sparql
    if bound:
        try:
            text = with_values(query.sparql, bound)
        except KgError:
            text = query.sparql  # a query that already ends in VALUES: shown unbound
    lines = [text.rstrip("\n"), *placeholders]
    return Example(name=query.name, summary=query.summary, sparql="\n".join(lines).rstrip() + "\n")


def bind_params_term(param: Param, value: str) -> ox.NamedNode | ox.Literal:
    """One parameter value as the term kg.sparql.query would bind (a 文号 normalised)."""
    return next(iter(bind_params(_single_param_query(param), {param.name: value}).values()))


def _single_param_query(param: Param) -> NamedQuery:
    return NamedQuery(name=param.name, summary="", params=(param,), sparql="", path=Path())


def examples() -> list[Example]:
    return [example(q) for q in list_queries()]


def render_page(settings: Settings) -> str:
    """The SPARQL page: YASGUI from /static, pointed at this endpoint, with the examples."""
    found = examples()
    options = "\n".join(
        f'        <option value="{html.escape(e.name)}">{html.escape(e.name)} — '
        f"{html.escape(e.summary)}</option>"
        for e in found
    )
    data = json.dumps([e.__dict__ for e in found], ensure_ascii=False).replace("</", "<\\/")
    template = PAGE_TEMPLATE.read_text(encoding="utf-8")
    return (
        template.replace("{{OPTIONS}}", options)
        .replace("{{EXAMPLES_JSON}}", data)
        .replace("{{TIMEOUT}}", f"{settings.query_timeout_s:g}")
        .replace("{{ROW_LIMIT}}", str(settings.result_limit))
    )
