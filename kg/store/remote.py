"""The store stage over HTTP: a SPARQL 1.1 server (``oxigraph serve``) instead of files.

``RemoteStore`` has the public interface of ``kg.store.local.Store``, so the build, the
named queries, the exports and the API run unchanged against a server that several
processes or machines share.  Queries go out by the SPARQL 1.1 Protocol and their
answers come back as the same pyoxigraph objects the embedded store returns
(``QuerySolutions``, ``QueryBoolean``, ``QueryTriples``).

The data layout is the embedded store's: one named graph per source document, and a
default graph kept as the *set* union of the named graphs by ``replace_graphs``.  So
the server must serve its real default graph (``oxigraph serve`` without
``--union-default-graph``), and each ``replace_graphs`` is one SPARQL Update request,
which a server applies as one transaction.

This module is the one boundary where httpx's errors and the server's HTTP statuses
become ``kg.errors``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from io import RawIOBase
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from kg.errors import ConfigError, KgError, QueryError, QueryTimeout, StoreError
from kg.sparql.binding import with_values
from kg.sparql.policy import check_query
from kg.store.graphstore import (
    Progress,
    QueryResult,
    parse_graphs,
    resync_update,
    rows_of,
    union_update,
)

if TYPE_CHECKING:
    from kg.sparql.answers import CustomFunctions, QueryAnswer, QueryJob

# Results formats pyoxigraph parses, and the graph format asked for CONSTRUCT/DESCRIBE;
# the server picks whichever fits the query's form.
ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9, application/n-triples;q=0.8"
UPDATE_TIMEOUT_S = 600.0  # a build batch of a few hundred documents is one request
START_HINT = "oxigraph serve --location var/oxigraph --bind 127.0.0.1:7878"


def endpoints(endpoint: str, update_endpoint: str | None = None) -> tuple[str, str]:
    """The query and update URLs for a configured endpoint.

    ``oxigraph serve`` answers queries at ``/query`` and updates at ``/update``: its
    base URL (``http://127.0.0.1:7878``) or its ``…/query`` URL gives both.  Any other
    URL is taken as one endpoint for both, as Fuseki's dataset URL and most servers
    are; ``update_endpoint`` overrides the derived update URL.
    """
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"the remote endpoint {endpoint!r} is not an http(s) URL; set KG_REMOTE_ENDPOINT "
            "to e.g. http://127.0.0.1:7878 (the base URL of `oxigraph serve`)"
        )
    path = parts.path.rstrip("/")
    if not path:
        query = urlunsplit(parts._replace(path="/query"))
        update = urlunsplit(parts._replace(path="/update"))
    elif path.endswith("/query"):
        query = endpoint
        update = urlunsplit(parts._replace(path=path[: -len("/query")] + "/update"))
    else:
        query = update = endpoint
    return query, update_endpoint or update


class RemoteStore:
    """A SPARQL 1.1 Protocol endpoint used as the store: queries, updates, no local files."""

    path = None  # nothing on disk: callers that put files beside the store ask settings
    is_remote = True

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        read_only: bool = False,
        timeout: float = 10.0,
        update_timeout: float = UPDATE_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
        service_allowlist: tuple[str, ...] | list[str] = (),
    ) -> None:
        self.endpoint = endpoint
        # The server evaluates what is sent, SERVICE calls included: checked here, first.
        self.service_allowlist = tuple(service_allowlist)
        self.query_url, self.update_url = endpoints(endpoint, update_endpoint)
        self.read_only = read_only
        self.timeout = timeout
        self.update_timeout = max(timeout, update_timeout)
        self._client = httpx.Client(timeout=timeout, transport=transport)

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r}, read_only={self.read_only})"

    # --- reading ---------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = False,
    ) -> QueryResult:
        """Run a SPARQL query on the server; parameters are bound by VALUES rows.

        ``union_default_graph`` asks for oxigraph's own bag union (its
        ``union-default-graph`` protocol extension), as ``Store.query`` does locally.
        """
        text = with_values(sparql, substitutions) if substitutions else sparql
        check_query(text, self.service_allowlist)
        form = _form(text, default_graphs, named_graphs, union_default_graph)
        with self._post_query(form, timeout=self.timeout) as response:
            return _parse(response, read_all=True, limit=None)

    def select(self, sparql: str, **kwargs: Any) -> list[dict[str, Any]]:
        """Run a SELECT and return rows of plain Python values (IRIs and lexical forms)."""
        return rows_of(self.query(sparql, **kwargs))

    def named_graphs(self) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return sorted(r["g"] for r in rows if r["g"] is not None)

    def quads(self, graph: str | None = None) -> list[ox.Quad]:
        """The quads of one named graph, or of every graph (the default one included)."""
        if graph:
            node = ox.NamedNode(graph)
            result = self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}")
            return [ox.Quad(r["s"], r["p"], r["o"], node) for r in _solutions(result)]
        result = self.query(
            "SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        )
        return [
            ox.Quad(r["s"], r["p"], r["o"], r["g"] if r["g"] is not None else ox.DefaultGraph())
            for r in _solutions(result)
        ]

    def __len__(self) -> int:
        rows = self.select(
            "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        )
        return int(rows[0]["n"]) if rows else 0

    def dump(self, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> bytes:
        body = ox.serialize(self.quads(), format=fmt)
        assert body is not None
        return body

    # --- the SPARQL endpoint's path ----------------------------------------------------

    def execute(
        self, job: QueryJob, custom_functions: CustomFunctions | None = None
    ) -> QueryAnswer:
        """Answer a ``kg.sparql.answers.QueryJob`` the way the embedded store's sandbox does.

        The answer is read from the server as it streams and cut at the job's row or
        triple limit (the rest is never downloaded), then serialised by
        ``kg.sparql.answers.execute`` in the client's format, with the same caps and
        truncation marks as a local answer.  The whole exchange is held to
        ``self.timeout``.  ``custom_functions`` are not sent: the server evaluates
        the query, so fn:search and fn:rank are not available there.
        """
        from kg.sparql.answers import execute  # the API's path only: keeps this import light

        check_query(job.query, job.service_allowlist)  # before anything is sent
        form = _form(job.query, list(job.default_graphs), list(job.named_graphs), False)
        deadline = time.monotonic() + self.timeout
        limit = job.triple_limit + 1  # solutions are cut as they are read
        try:
            with self._post_query(form, timeout=self.timeout) as response:
                result = _parse(response, read_all=False, limit=limit, deadline=deadline)
                return execute(_Answered(result), job)  # type: ignore[arg-type]
        except QueryError as exc:
            if time.monotonic() >= deadline and not isinstance(exc, QueryTimeout):
                raise self._timed_out() from exc
            raise

    def answer_look_up(self, job: QueryJob, budget_s: float) -> QueryAnswer | None:
        """None: each probe of a walk would be a round trip, so ``execute`` answers."""
        return None

    # --- writing -------------------------------------------------------------------------

    def replace_graphs(
        self, remove: Iterable[str], add: Mapping[str, Iterable[ox.Quad]], *, bulk: bool = False
    ) -> None:
        """Drop the graphs in ``remove`` and write the graphs in ``add``, in one request.

        The same DELETE/DROP/INSERT DATA sequence as ``Store.replace_graphs``, sent as
        one SPARQL Update request, which the server applies as one transaction: a
        reader never sees a document half replaced, and the default graph stays the
        set union of the named graphs.  ``bulk`` is accepted for the same interface
        and changes nothing: SPARQL Update has no bulk loader.
        """
        added = {graph: list(quads) for graph, quads in add.items()}
        text = union_update(set(remove) | set(added), added)
        if text:
            self._update(text, internal=True)

    def replace_serialised_graphs(
        self, remove: Iterable[str], add: Mapping[str, bytes], *, bulk: bool = False
    ) -> None:
        """``replace_graphs`` with each added graph given as its N-Quads (build workers' form)."""
        self.replace_graphs(remove, parse_graphs(add))

    def bulk_load_graphs(self, graphs: Iterable[tuple[str, bytes]]) -> None:
        """SPARQL Update has no bulk loader: one update request per 200 graphs."""
        batch: dict[str, bytes] = {}
        for graph, nquads in graphs:
            batch[graph] = nquads
            if len(batch) >= 200:
                self.replace_serialised_graphs([], batch)
                batch = {}
        if batch:
            self.replace_serialised_graphs([], batch)

    def remove_graphs(self, graphs: Iterable[str]) -> None:
        self.replace_graphs(graphs, {})

    def update(self, update: str) -> None:
        """Run a SPARQL Update, then bring the default graph back to the union view."""
        self._update(f"{update} ;\n{resync_update()}", internal=False)

    def flush(self) -> None:
        """Nothing to do: the server makes each request durable before it answers."""

    def finish(self, progress: Progress | None = None, *, compact: bool = True) -> None:
        """A build or load has ended: nothing to compact here, the server owns its files."""
        self.flush()

    def close(self) -> None:
        self._client.close()

    # --- HTTP ------------------------------------------------------------------------------

    @contextmanager
    def _post_query(
        self, form: list[tuple[str, str]], *, timeout: float
    ) -> Iterator[httpx.Response]:
        try:
            with self._client.stream(
                "POST",
                self.query_url,
                content=urlencode(form).encode("ascii"),
                headers={"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"},
                timeout=timeout,
            ) as response:
                if response.status_code != 200:
                    response.read()
                    raise self._http_error(response, what="query")
                yield response
        except httpx.TimeoutException as exc:
            raise self._timed_out() from exc
        except httpx.TransportError as exc:
            raise self._unreachable(self.query_url, exc) from exc

    def _update(self, text: str, *, internal: bool) -> None:
        if self.read_only:
            raise StoreError("this store is open read-only; open it for writing to change it")
        try:
            response = self._client.post(
                self.update_url,
                content=text.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
                timeout=self.update_timeout,
            )
        except httpx.TimeoutException as exc:
            raise StoreError(
                f"the SPARQL endpoint {self.update_url} did not finish an update within "
                f"{self.update_timeout:g} s; the server may still apply it — check it, then "
                "run the build again (it redoes whatever is missing)"
            ) from exc
        except httpx.TransportError as exc:
            raise self._unreachable(self.update_url, exc) from exc
        if response.status_code not in (200, 204):
            error = self._http_error(response, what="update")
            if internal and isinstance(error, QueryError):
                raise StoreError(f"internal update was malformed: {error}") from error
            raise error

    def _http_error(self, response: httpx.Response, *, what: str) -> KgError:
        url = str(response.request.url)
        status = response.status_code
        detail = response.text.strip()[:1000] or response.reason_phrase
        if status == 400:
            return QueryError(f"the SPARQL endpoint {url} rejected the {what}: {detail}")
        if status == 404:
            return StoreError(
                f"no SPARQL {what} service at {url} (HTTP 404); for `oxigraph serve` set "
                "KG_REMOTE_ENDPOINT to its base URL (http://host:7878), or set "
                "KG_REMOTE_UPDATE_ENDPOINT when updates go elsewhere"
            )
        if status in (401, 403):
            return StoreError(
                f"the SPARQL endpoint {url} refused the {what} (HTTP {status}): {detail}; "
                "check that it accepts this client and, for a build, that it allows updates"
            )
        if status in (408, 504):
            return self._timed_out()
        return StoreError(f"the SPARQL endpoint {url} failed the {what} (HTTP {status}): {detail}")

    def _timed_out(self) -> QueryTimeout:
        return QueryTimeout(
            f"the SPARQL endpoint {self.query_url} gave no full answer within {self.timeout:g} s; "
            "narrow the query or add a LIMIT (the limit is set by KG_QUERY_TIMEOUT_S)"
        )

    @staticmethod
    def _unreachable(url: str, exc: Exception) -> StoreError:
        return StoreError(
            f"cannot reach the SPARQL endpoint {url} ({exc or type(exc).__name__}); start the "
            f"server (e.g. `{START_HINT}`) or point KG_REMOTE_ENDPOINT at a running one"
        )


# --- building requests -----------------------------------------------------------------


def _form(
    sparql: str,
    default_graphs: list[str] | None,
    named_graphs: list[str] | None,
    union_default_graph: bool,
) -> list[tuple[str, str]]:
    form = [("query", sparql)]
    try:
        form += [("default-graph-uri", ox.NamedNode(g).value) for g in default_graphs or []]
        form += [("named-graph-uri", ox.NamedNode(g).value) for g in named_graphs or []]
    except ValueError as exc:
        raise QueryError(f"a graph name is not an IRI: {exc}") from exc
    if union_default_graph and not default_graphs:
        form.append(("union-default-graph", ""))  # oxigraph's extension of the protocol
    return form


# --- reading answers -------------------------------------------------------------------


class _Chunks(RawIOBase):
    """A response body as a binary file that pyoxigraph's parsers read as it arrives."""

    def __init__(self, response: httpx.Response, deadline: float | None) -> None:
        self._chunks = response.iter_bytes()
        self._pending = b""
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            if self._deadline is not None and time.monotonic() >= self._deadline:
                raise TimeoutError("the answer took longer than the time limit")
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _parse(
    response: httpx.Response, *, read_all: bool, limit: int | None, deadline: float | None = None
) -> QueryResult:
    """The answer as pyoxigraph objects; graphs become a real ``QueryTriples``."""
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
    graph_format = ox.RdfFormat.from_media_type(media) if media and not results_format else None
    if results_format is None and graph_format is None:
        raise StoreError(
            f"the SPARQL endpoint {response.request.url} answered in {media or 'no media type'}, "
            "which is neither SPARQL results nor RDF"
        )
    source: Any = response.read() if read_all else _Chunks(response, deadline)
    try:
        if results_format is not None:
            return ox.parse_query_results(source, format=results_format)
        assert graph_format is not None
        scratch = ox.Store()
        triples = ox.parse(source, format=graph_format)
        for count, quad in enumerate(triples):
            if limit is not None and count >= limit:
                break
            scratch.add(ox.Quad(quad.subject, quad.predicate, quad.object))
        # A CONSTRUCT over the received triples: callers get the QueryTriples type they
        # get from the embedded store.
        return scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    except (SyntaxError, ValueError, OSError) as exc:
        raise QueryError(
            f"the answer of the SPARQL endpoint {response.request.url} could not be read: {exc}"
        ) from exc


def _solutions(result: QueryResult) -> list[dict[str, Any]]:
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("expected a SELECT query")
    names = [v.value for v in result.variables]
    return [{n: s[n] for n in names} for s in result]


class _Answered:
    """A stand-in for ``pyoxigraph.Store`` whose ``query`` returns an answer in hand."""

    def __init__(self, result: QueryResult) -> None:
        self._result = result

    def query(self, _sparql: str, **_kwargs: Any) -> QueryResult:
        return self._result
