"""One SPARQL policy on every path: hostile queries are refused in-process, by the HTTP
endpoint (a real uvicorn), by the remote store (a real `oxigraph serve`), by `kg query`
and by `kg export construct`; a listener on loopback, the target of every SERVICE and
LOAD, proves that none of them ever made a connection."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryRefused
from kg.sparql import QueryJob, check_query, execute
from kg.store import RemoteStore, Store
from tests.conftest import serving
from tests.test_remote_store import oxigraph_serve
from tests.test_sparql_safety import Recorder, recording

pytestmark = pytest.mark.server

# {t}: the listener's full IRI, {b}: its base (ending in /), {t_u}: the IRI with its
# last letter as a \u escape.  A row whose control is True makes pyoxigraph connect
# when run without the policy, so the table holds real attacks, not syntax errors.
HOSTILE: dict[str, tuple[str, bool]] = {
    "iri": ("SELECT * WHERE { SERVICE <{t}> { ?s ?p ?o } }", True),
    "silent": ("SELECT * WHERE { SERVICE SILENT <{t}> { ?s ?p ?o } }", True),
    "lower-case": ("select * where { service <{t}> { ?s ?p ?o } }", True),
    "mixed-case": ("SeLeCt * WhErE { SeRvIcE <{t}> { ?s ?p ?o } }", True),
    "prefixed": ("PREFIX ex: <{b}>\nSELECT * WHERE { SERVICE ex:sparql { ?s ?p ?o } }", True),
    "prefixed-glued": ("PREFIX : <{b}>\nSELECT * WHERE { SERVICE:sparql { ?s ?p ?o } }", True),
    "glued-silent": ("SELECT * WHERE { SERVICESILENT <{t}> { ?s ?p ?o } }", True),
    "glued-prefix": ("PREFIX ex: <{b}>\nSELECT * WHERE { SERVICEex:sparql { ?s ?p ?o } }", True),
    "silent-glued-prefix": (
        "PREFIX : <{b}>\nSELECT * WHERE { SERVICE SILENT:sparql { ?s ?p ?o } }", True),
    "after-true": ("SELECT * WHERE { VALUES ?x { true }SERVICE <{t}> { ?s ?p ?o } }", True),
    "after-undef": ("SELECT * WHERE { VALUES ?x { UNDEF } SERVICE <{t}> { ?s ?p ?o } }", True),
    "comment-before-iri": ("SELECT * WHERE { SERVICE # where to\n <{t}> { ?s ?p ?o } }", True),
    "comment-cr": ("SELECT * WHERE { SERVICE #x\r<{t}> { ?s ?p ?o } }", True),
    "tabs-and-crlf": ("SELECT * WHERE { SERVICE\t<{t}>\r\n{ ?s ?p ?o } }", True),
    "escaped-keyword-u": ("SELECT * WHERE { \\u0053ERVICE <{t}> { ?s ?p ?o } }", False),
    "escaped-keyword-U": ("SELECT * WHERE { \\U00000053ERVICE <{t}> { ?s ?p ?o } }", False),
    "escape-in-iri": ("SELECT * WHERE { SERVICE <{t_u}> { ?s ?p ?o } }", True),
    "escaped-local-name": (
        "PREFIX ex: <{b_short}>\nSELECT * WHERE { SERVICE ex:\\/sparql { ?s ?p ?o } }", True),
    "relative-to-base": ("BASE <{b}>\nSELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", True),
    "prefix-relative-to-base": (
        "BASE <{b}>\nPREFIX e: <>\nSELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }", True),
    "prefix-redefined": (
        "PREFIX e: <http://allowed.example/>\nPREFIX e: <{b}>\n"
        "SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }", True),
    "variable": ("SELECT * WHERE { VALUES ?e { <{t}> } SERVICE ?e { ?s ?p ?o } }", False),
    "in-optional": ("SELECT * WHERE { OPTIONAL { SERVICE <{t}> { ?x ?p ?o } } }", True),
    "in-union": ("SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <{t}> { ?s ?p ?o } } }", True),
    "in-minus": ("SELECT * WHERE { BIND(1 AS ?x) MINUS { SERVICE <{t}> { ?x ?p ?o } } }", True),
    "in-filter-exists": (
        "SELECT * WHERE { BIND(1 AS ?x) FILTER EXISTS { SERVICE <{t}> { ?s ?p ?o } } }", True),
    "in-subquery": ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{t}> { ?s ?p ?o } } } }", True),
    "in-graph": ("SELECT * WHERE { GRAPH ?g { SERVICE <{t}> { ?s ?p ?o } } }", True),
    "nested-groups": ("SELECT * WHERE { { { { SERVICE <{t}> { ?s ?p ?o } } } } }", True),
    "in-lateral": ("SELECT * WHERE { BIND(1 AS ?x) LATERAL { SERVICE <{t}> { ?s ?p ?o } } }", True),
    "ask": ("ASK { SERVICE <{t}> { ?s ?p ?o } }", True),
    "construct": ("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{t}> { ?s ?p ?o } }", True),
    "describe": ("DESCRIBE ?s WHERE { SERVICE <{t}> { ?s ?p ?o } }", True),
    # "<" after an operand in an expression is less-than: read as an IRI, it would
    # shift every quote after it and hide the SERVICE inside a "string".
    "less-than-and-quotes": (
        "SELECT * WHERE { FILTER(1<2&&'>'='>') SERVICE <{t}> { ?s ?p ?o } FILTER('x'='x') }",
        True),
    "less-equal-and-quotes": (
        "SELECT * WHERE { FILTER(1<=2&&'>'='>') SERVICE <{t}> { } FILTER('x'='x') }", True),
    "less-than-in-select": ("SELECT ?x (1<2 AS ?y) WHERE { SERVICE <{t}> { } }", True),
    "less-than-in-having": (
        "SELECT (COUNT(*) AS ?n) WHERE { SERVICE <{t}> { } } HAVING(?n<5)", True),
    "quote-in-collection-iri": (
        "SELECT * WHERE { BIND(1 AS ?z) OPTIONAL { ?s <urn:p> (<urn:a> <urn:it's>) } "
        "SERVICE <{t}> { } }", True),
    "quote-in-local-name": (
        "PREFIX ex: <urn:x:>\nSELECT * WHERE { ?s ex:a\\' ?o . SERVICE <{t}> { } ?s ex:b\\' ?o }",
        True),
    "triple-term-quote": (
        "SELECT * WHERE { BIND(<<(<urn:a> <urn:b> '>>')>> AS ?t) SERVICE <{t}> { } "
        "FILTER('x'='x') }", True),
    "long-string-before": ("SELECT * WHERE { BIND('''a''b''' AS ?x) SERVICE <{t}> { } }", True),
    "load": ("LOAD <{t}>", False),
    "load-silent-into": ("LOAD SILENT <{t}> INTO GRAPH <urn:x:g>", False),
    "insert-after-comment": ("# just a look-up\nINSERT DATA { <urn:a> <urn:b> <urn:c> }", False),
    "delete-after-prologue": (
        "PREFIX ex: <urn:x:>\n# a comment\ndelete where { ?s ex:p ?o }", False),
    "drop": ("DROP ALL", False),
    "with-delete": ("WITH <urn:x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", False),
}  # fmt: skip

# The same words where they call nothing: in strings, comments, IRIs and local names.
BENIGN = {
    "in-a-string": 'SELECT * WHERE { ?s ?p ?o FILTER(?o != "SERVICE <{t}> { }") } LIMIT 1',
    "in-a-long-string": "SELECT * WHERE { BIND('''SERVICE <{t}> {}''' AS ?x) }",
    "in-a-comment": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 # SERVICE <{t}> { }",
    "as-a-local-name": "PREFIX ex: <urn:x:>\nSELECT * WHERE { ?s ex:SERVICE ?o }",
    "as-a-variable": "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
    "in-an-iri": "SELECT * WHERE { ?s <urn:x:SERVICE> ?o }",
    "update-words-in-a-string": 'SELECT * WHERE { ?s ?p "INSERT DATA; DROP ALL; LOAD <x>" }',
    "escaped-quote-in-string": 'SELECT * WHERE { ?s ?p "a\\" SERVICE <{t}> {}" }',
    "less-than-in-a-filter": "SELECT ?s WHERE { ?s ?p ?o FILTER(1<2) } LIMIT 1",
    "from-clause": "SELECT ?s FROM <urn:x:nothing> WHERE { ?s ?p ?o }",
    "collection-object": "SELECT * WHERE { ?s <urn:p> (<urn:a> <urn:b>) }",
    "chinese-title-search": (
        "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        'SELECT ?d WHERE { ?d dcterms:title ?t FILTER(CONTAINS(?t, "服务")) }'
    ),
}


class Listener(Recorder):
    """The recording socket of test_sparql_safety, filling a table's placeholders."""

    @property
    def iri(self) -> str:
        return self.url

    def fill(self, template: str) -> str:
        iri = self.iri
        return (
            template.replace("{t_u}", iri[:-1] + "\\u006C")
            .replace("{t}", iri)
            .replace("{b_short}", iri[: -len("/sparql")])
            .replace("{b}", iri[: -len("sparql")])
        )


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    yield from recording(Listener)


@pytest.fixture(autouse=True)
def _never_contacted(listener: Listener) -> Iterator[None]:
    before = len(listener.connections)
    yield
    assert len(listener.connections) == before, "a refused query reached the listener"


HOSTILE_IDS = list(HOSTILE)


def _hostile(listener: Listener, name: str) -> str:
    return listener.fill(HOSTILE[name][0])


def _scratch_store() -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("x")))
    return store


@pytest.mark.parametrize("name", [n for n, (_, control) in HOSTILE.items() if control])
def test_the_attacks_are_real_without_the_policy(listener: Listener, name: str) -> None:
    """Run straight on pyoxigraph, bypassing the policy, each of these connects."""
    before = len(listener.connections)
    # pyoxigraph raises when the listener hangs up: only the connection counts.
    with contextlib.suppress(Exception):
        result = _scratch_store().query(_hostile(listener, name))
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    deadline = 50
    while len(listener.connections) == before and deadline:
        threading.Event().wait(0.02)
        deadline -= 1
    assert len(listener.connections) > before
    del listener.connections[before:]  # the autouse check is for refused queries


@pytest.mark.parametrize("name", HOSTILE_IDS)
def test_refused_in_process(listener: Listener, name: str) -> None:
    text = _hostile(listener, name)
    with pytest.raises(QueryRefused, match="refused"):
        check_query(text, ["http://allowed.example/sparql"])
    with pytest.raises(QueryRefused):
        execute(_scratch_store(), QueryJob(text))  # the sandbox workers' one entry point


@pytest.mark.parametrize("name", BENIGN)
def test_benign_queries_run(listener: Listener, memory_store: Store, name: str) -> None:
    text = listener.fill(BENIGN[name])
    check_query(text)
    assert execute(memory_store.raw, QueryJob(text)).body is not None


@pytest.fixture(scope="module")
def endpoint(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    allow = json.dumps(["http://allowed.example/sparql"])
    with serving(store_path, tmp_path_factory.mktemp("policy"), KG_SERVICE_ALLOWLIST=allow) as url:
        yield url


@pytest.mark.parametrize("name", HOSTILE_IDS)
def test_refused_by_the_http_endpoint(listener: Listener, endpoint: str, name: str) -> None:
    text = _hostile(listener, name)
    for response in (
        httpx.get(f"{endpoint}/sparql", params={"query": text}, timeout=10),
        httpx.post(f"{endpoint}/sparql", data={"query": text}, timeout=10),
    ):
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "refused" in response.json()["detail"]


@pytest.mark.parametrize("name", BENIGN)
def test_benign_queries_answered_by_the_http_endpoint(
    listener: Listener, endpoint: str, name: str
) -> None:
    response = httpx.get(
        f"{endpoint}/sparql", params={"query": listener.fill(BENIGN[name])}, timeout=10
    )
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteStore]:
    with oxigraph_serve(tmp_path_factory.mktemp("policy-oxigraph") / "data") as url:
        store = RemoteStore(url)
        yield store
        store.close()


@pytest.mark.parametrize("name", HOSTILE_IDS)
def test_refused_before_reaching_a_remote_store(
    listener: Listener, remote: RemoteStore, name: str
) -> None:
    text = _hostile(listener, name)
    with pytest.raises(QueryRefused):
        remote.query(text)
    with pytest.raises(QueryRefused):
        remote.execute(QueryJob(text))


def test_a_remote_store_still_answers(listener: Listener, remote: RemoteStore) -> None:
    assert remote.select(listener.fill(BENIGN["in-a-long-string"])) == [
        {"x": "SERVICE <" + listener.iri + "> {}"}
    ]


@pytest.mark.parametrize("name", HOSTILE_IDS)
def test_refused_by_kg_query_and_kg_export(listener: Listener, store_path: Path, name: str) -> None:
    text = _hostile(listener, name)
    runner = CliRunner()
    for args in (
        ["query", text, "--store", str(store_path)],
        ["export", "construct", "--query", text, "--store", str(store_path), "-f", "json"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, result.output
        assert "error:" in result.output and "refused" in result.output
