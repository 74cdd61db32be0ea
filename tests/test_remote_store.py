"""The store as a remote SPARQL server: a real `oxigraph serve`, reached over HTTP.

``RemoteStore`` must behave as the embedded store does (same result types, the same
union default graph), and the build, the CLI and the API must work against it with
nothing but ``KG_REMOTE_ENDPOINT`` set.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from SPARQLWrapper import JSON, SPARQLWrapper

from api.main import create_app
from api.sparql import example_values
from kg.config import Settings
from kg.errors import ConfigError, KgError, QueryError, StoreError
from kg.sparql import QueryAnswer, QueryJob, bind_params, list_queries, run_query, with_values
from kg.store import GraphStore, RemoteStore, Store, endpoints, open_store
from tests.conftest import build_store, fill

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CITED = "湘政办发〔2021〕79号"
CITING = {"岳卫字〔2023〕2号", "益资政办发〔2023〕20号"}
CITED_BY_SPARQL = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT DISTINCT ?number WHERE {
  ?cited eli:id_local "湘政办发〔2021〕79号" .
  ?citing eli:cites ?cited ; eli:id_local ?number .
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    pytest.fail(f"{what} did not answer within 30 s:\n{log.read_text()}")


@contextmanager
def _running(
    command: list[str], url: str, ready: str, log: Path, env: dict[str, str]
) -> Iterator[str]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(ready, process, log, command[0])
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def oxigraph_serve(location: Path) -> Iterator[str]:
    """A real `oxigraph serve` on a free local port, its data in ``location``; its base URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        str(BIN / "oxigraph"),
        "serve",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    ready = f"{url}/query?query=ASK%7B%7D"
    with _running(
        command, url, ready, location.parent / f"oxigraph-{port}.log", dict(os.environ)
    ) as base:
        yield base


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An oxigraph server the store tests empty before each use."""
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph") / "data") as url:
        yield url


@pytest.fixture
def remote(server: str) -> Iterator[RemoteStore]:
    httpx.post(
        f"{server}/update",
        content=b"DROP ALL",
        headers={"Content-Type": "application/sparql-update"},
    ).raise_for_status()
    store = RemoteStore(server)
    yield store
    store.close()


@pytest.fixture(scope="module")
def seed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An oxigraph server that `kg build` fills with the seed corpus."""
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph-seed") / "data") as url:
        yield url


@pytest.fixture(scope="module")
def env(seed_server: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("remote-kg")
    return {
        **os.environ,
        "KG_CONFIG": str(home / "absent.toml"),
        "KG_STORE_PATH": str(home / "store"),  # only the search index goes beside it
        "KG_REMOTE_ENDPOINT": seed_server,
    }


def _kg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "kg"), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def built(env: dict[str, str]) -> dict[str, str]:
    result = _kg("build", "corpus", "--strict", env=env)
    assert result.returncode == 0, result.stderr
    assert "5 added" in result.stderr, result.stderr
    return env


# --- endpoints -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("configured", "update", "expected"),
    [
        pytest.param(
            "http://127.0.0.1:7878",
            None,
            ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update"),
            id="oxigraph-base-url",
        ),
        pytest.param(
            "http://127.0.0.1:7878/query",
            None,
            ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update"),
            id="oxigraph-query-url",
        ),
        pytest.param(
            "http://fuseki:3030/ds",
            None,
            ("http://fuseki:3030/ds", "http://fuseki:3030/ds"),
            id="one-url-for-both",
        ),
        pytest.param(
            "http://fuseki:3030/ds/sparql",
            "http://fuseki:3030/ds/update",
            ("http://fuseki:3030/ds/sparql", "http://fuseki:3030/ds/update"),
            id="explicit-update-url",
        ),
    ],
)
def test_endpoints_are_derived_from_the_configured_url(
    configured: str, update: str | None, expected: tuple[str, str]
) -> None:
    assert endpoints(configured, update) == expected


def test_an_endpoint_that_is_not_http_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="KG_REMOTE_ENDPOINT"):
        endpoints("var/store")


def test_open_store_picks_the_remote_store_from_settings(tmp_path: Path) -> None:
    remote = open_store(Settings(remote_endpoint="http://127.0.0.1:7878", store_path=tmp_path))
    assert isinstance(remote, RemoteStore) and remote.path is None
    local = open_store(Settings(store_path=tmp_path / "s"))
    assert isinstance(local, Store) and local.path == tmp_path / "s"
    local.close()


# --- RemoteStore against a real server ---------------------------------------------------

G1 = "https://example.org/graph/甲"
G2 = "https://example.org/graph/乙"
DOC = ox.NamedNode("https://example.org/document/湘政办发〔2021〕79号")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
NUMBER = ox.NamedNode("http://data.europa.eu/eli/ontology#id_local")
# A title with a quote, a brace and a line break, to check the INSERT DATA text.
SHARED = ox.Triple(DOC, NUMBER, ox.Literal(CITED))
ONLY_1 = ox.Triple(DOC, TITLE, ox.Literal('关于促进"基层卫生健康"事业{高质量}发展的意见\n（试行）'))
ONLY_2 = ox.Triple(
    DOC,
    TITLE,
    ox.Literal("湖南省人民政府办公厅关于促进基层卫生健康事业高质量发展的意见", language="zh"),
)


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    assert not isinstance(term, ox.Triple), term  # these tests state no triple terms
    return term.value


def _in(graph: str, *triples: ox.Triple) -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples]


def test_replace_graphs_round_trips_through_the_server(remote: RemoteStore) -> None:
    remote.replace_graphs([], {G1: _in(G1, SHARED, ONLY_1), G2: _in(G2, SHARED, ONLY_2)})
    assert remote.named_graphs() == sorted([G1, G2])
    assert set(remote.quads(G1)) == set(_in(G1, SHARED, ONLY_1))
    assert set(remote.quads(G2)) == set(_in(G2, SHARED, ONLY_2))
    assert len(remote) == 4 + 3  # two graphs of two, and their set union of three
    rows = remote.select("SELECT ?title WHERE { ?doc <http://purl.org/dc/terms/title> ?title }")
    assert sorted(r["title"] for r in rows) == sorted(
        [_value(ONLY_1.object), _value(ONLY_2.object)]
    )
    asked = remote.query(f"ASK {{ {DOC} {NUMBER} {SHARED.object} }}")
    assert isinstance(asked, ox.QueryBoolean) and bool(asked)
    graph = remote.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(graph, ox.QueryTriples)
    assert set(graph) == {SHARED, ONLY_1, ONLY_2}
    solutions = remote.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=[G2])
    assert isinstance(solutions, ox.QuerySolutions)
    assert {s["g"] for s in solutions} == {ox.NamedNode(G2)}
    only_g1 = remote.select("SELECT ?o WHERE { ?s ?p ?o }", default_graphs=[G1])
    assert {r["o"] for r in only_g1} == {CITED, _value(ONLY_1.object)}


Step = tuple[list[str], dict[str, list[ox.Quad]]]

UNION_CASES: list[tuple[str, list[Step], list[ox.Triple]]] = [
    (
        "a triple two documents state is in the default graph once",
        [([], {G1: _in(G1, SHARED, ONLY_1), G2: _in(G2, SHARED, ONLY_2)})],
        [SHARED, ONLY_1, ONLY_2],
    ),
    (
        "it stays when one of the documents goes",
        [([], {G1: _in(G1, SHARED, ONLY_1), G2: _in(G2, SHARED, ONLY_2)}), ([G1], {})],
        [SHARED, ONLY_2],
    ),
    (
        "it goes with the last document that states it",
        [([], {G1: _in(G1, SHARED, ONLY_1), G2: _in(G2, SHARED)}), ([G1, G2], {})],
        [],
    ),
    (
        "replacing a graph swaps its triples",
        [([], {G1: _in(G1, SHARED, ONLY_1)}), ([G1], {G1: _in(G1, ONLY_2)})],
        [ONLY_2],
    ),
    (
        "writing a graph again replaces it",
        [([], {G1: _in(G1, ONLY_1), G2: _in(G2, SHARED)}), ([], {G1: _in(G1, SHARED)})],
        [SHARED],
    ),
]


@pytest.mark.parametrize(
    ("steps", "expected"), [pytest.param(s, e, id=i) for i, s, e in UNION_CASES]
)
def test_the_default_graph_is_the_set_union_as_in_the_embedded_store(
    remote: RemoteStore, steps: list[Step], expected: list[ox.Triple]
) -> None:
    local = Store(None)
    for remove, add in steps:
        local.replace_graphs(remove, add)
        remote.replace_graphs(remove, add)
    plain = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"

    def rows(store: GraphStore) -> list[str]:
        return sorted(json.dumps(r, ensure_ascii=False) for r in store.select(plain))

    assert rows(remote) == rows(local)
    assert sorted(rows(remote)) == sorted(
        json.dumps(
            {"s": _value(t.subject), "p": t.predicate.value, "o": _value(t.object)},
            ensure_ascii=False,
        )
        for t in expected
    )
    assert remote.named_graphs() == local.named_graphs()
    assert set(remote.quads()) == set(local.quads())
    assert len(remote) == len(local)


def test_update_keeps_the_default_graph_the_union(remote: RemoteStore) -> None:
    remote.replace_graphs([], {G1: _in(G1, SHARED)})
    remote.update(
        f"INSERT DATA {{ GRAPH <{G2}> {{ {ONLY_2.subject} {ONLY_2.predicate} {ONLY_2.object} }} }}"
    )
    assert {r["o"] for r in remote.select("SELECT ?o WHERE { ?s ?p ?o }")} == {
        CITED,
        _value(ONLY_2.object),
    }
    remote.update(f"DROP GRAPH <{G1}>")
    assert {r["o"] for r in remote.select("SELECT ?o WHERE { ?s ?p ?o }")} == {
        _value(ONLY_2.object)
    }


def test_substitutions_bind_terms_never_text(remote: RemoteStore) -> None:
    remote.replace_graphs([], {G1: _in(G1, SHARED, ONLY_1)})
    query = (
        "SELECT ?doc ?number WHERE { ?doc <http://data.europa.eu/eli/ontology#id_local> ?number }"
    )
    found = remote.select(query, substitutions={"number": ox.Literal(CITED)})
    assert found == [{"doc": DOC.value, "number": CITED}]
    hostile = ox.Literal('x" } } ; DROP ALL ; # 〔2021〕')
    assert remote.select(query, substitutions={"number": hostile}) == []
    assert remote.named_graphs() == [G1]  # nothing was dropped


@pytest.mark.parametrize(
    ("name", "term", "message"),
    [
        pytest.param("number) {", ox.Literal("x"), "variable name", id="bad-variable"),
        pytest.param("n", ox.BlankNode(), "BlankNode", id="blank-node"),
    ],
)
def test_substitutions_that_cannot_be_written_are_refused(
    name: str, term: ox.BlankNode | ox.Literal, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        with_values("SELECT ?n WHERE { ?s ?p ?n }", {name: term})


def test_errors_name_the_endpoint_and_what_to_do(remote: RemoteStore, server: str) -> None:
    with pytest.raises(QueryError, match="rejected the query"):
        remote.query("SELECT ?s WHERE { ?s")
    read_only = RemoteStore(server, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        read_only.replace_graphs([], {G1: _in(G1, SHARED)})
    with pytest.raises(StoreError, match="HTTP 404"):
        RemoteStore(f"{server}/nowhere/query").named_graphs()


# The SPARQL endpoint's jobs, answered by both stores through GraphStore.execute.
ENDPOINT_JOBS = [
    pytest.param(QueryJob(CITED_BY_SPARQL), id="select-cited-by"),
    pytest.param(
        QueryJob('ASK { ?d <http://data.europa.eu/eli/ontology#id_local> "国办发〔2017〕32号" }'),
        id="ask",
    ),
    pytest.param(
        QueryJob(
            CITED_BY_SPARQL.replace(
                "SELECT DISTINCT ?number", "CONSTRUCT { ?citing <urn:cites> ?cited }"
            ),
            graph_media="application/n-triples",
        ),
        id="construct",
    ),
    pytest.param(
        QueryJob(CITED_BY_SPARQL + "ORDER BY ?number", row_limit=1), id="cut-at-the-row-limit"
    ),
]


def _answer_key(answer: QueryAnswer) -> tuple[str, object, bool]:
    """What an answer says, in no particular row or triple order."""
    assert answer.body is not None and answer.media_type is not None
    if answer.media_type == "application/n-triples":
        return answer.form, sorted(answer.body.decode().splitlines()), answer.truncated
    document = json.loads(answer.body)
    rows = document.get("results", {}).get("bindings")
    said = document["boolean"] if rows is None else sorted(json.dumps(r) for r in rows)
    return answer.form, said, answer.truncated


@pytest.mark.parametrize("job", ENDPOINT_JOBS)
def test_both_stores_answer_an_endpoint_job_alike(remote: RemoteStore, job: QueryJob) -> None:
    local = fill(Store(None))
    fill(remote)
    answer = remote.execute(job)
    assert _answer_key(answer) == _answer_key(local.execute(job))
    assert answer.truncated == (job.row_limit == 1)


@pytest.mark.parametrize(
    ("opened", "query", "walked"),
    [
        pytest.param("read-only", CITED_BY_SPARQL, True, id="read-only-look-up"),
        pytest.param("read-write", CITED_BY_SPARQL, False, id="open-for-updates"),
        pytest.param("remote", CITED_BY_SPARQL, False, id="remote"),
        pytest.param(
            "read-only",
            CITED_BY_SPARQL.replace("}", 'FILTER(?number != "x") }'),
            False,
            id="not-a-look-up",
        ),
    ],
)
def test_only_a_read_only_embedded_store_walks_a_look_up(
    remote: RemoteStore, tmp_path: Path, opened: str, query: str, walked: bool
) -> None:
    fill(remote)
    stores: dict[str, GraphStore] = {
        "read-only": Store(build_store(tmp_path / "store"), read_only=True),
        "read-write": fill(Store(None)),
        "remote": remote,
    }
    job = QueryJob(query)
    answer = stores[opened].answer_look_up(job, budget_s=5)
    if walked:
        assert answer is not None
        assert _answer_key(answer) == _answer_key(stores[opened].execute(job))
        assert json.loads(answer.body or b"")["results"]["bindings"]  # it found the citers
    else:
        assert answer is None


def test_a_remote_that_is_down_is_a_store_error_with_what_to_do() -> None:
    down = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(StoreError, match="cannot reach the SPARQL endpoint") as caught:
        RemoteStore(down).named_graphs()
    assert down in str(caught.value) and "oxigraph serve" in str(caught.value)
    client = TestClient(create_app(Settings(remote_endpoint=down)))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "cannot reach" in response.json()["detail"]
    response = client.get("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 503


# --- the build, the CLI and the API over a remote store ------------------------------------


def test_build_into_the_remote_then_rebuild_finds_nothing_changed(built: dict[str, str]) -> None:
    result = _kg("build", "corpus", env=built)
    assert result.returncode == 0, result.stderr
    assert "0 added" in result.stderr and "5 unchanged" in result.stderr
    assert built["KG_REMOTE_ENDPOINT"] in result.stderr
    # The search index is a local file, beside KG_STORE_PATH; the store itself has none.
    assert Path(built["KG_STORE_PATH"] + ".search.sqlite").is_file()
    assert not Path(built["KG_STORE_PATH"]).exists()


def test_kg_query_runs_a_named_query_on_the_remote(built: dict[str, str]) -> None:
    result = _kg(
        "query", "--name", "cited_by", "--param", "number=湘政办发[2021]79号", "--format", "json",
        env=built,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert {row["citingNumber"] for row in json.loads(result.stdout)} == CITING


def test_named_queries_answer_as_on_the_embedded_store(built: dict[str, str]) -> None:
    """VALUES-bound parameters give what substitutions= gives, for every named query."""
    remote = RemoteStore(built["KG_REMOTE_ENDPOINT"], read_only=True)
    local = Store(None)
    local.raw.extend(remote.quads())
    compared = answered = 0
    for query in list_queries():
        values = example_values(query)
        try:
            bind_params(query, values)
        except KgError:
            continue  # no usable example values in the query's header
        there = run_query(remote, query.name, values)
        here = run_query(local, query.name, values)
        assert sorted(map(_row_key, there)) == sorted(map(_row_key, here)), query.name
        compared += 1
        answered += bool(here)
    assert compared >= 10 and answered >= 8


def _row_key(row: dict[str, str | None]) -> str:
    # GROUP_CONCAT ("a|b") lists in no fixed order: compare its parts as a set.
    values = {k: "|".join(sorted(v.split("|"))) if v else v for k, v in row.items()}
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


@pytest.fixture(scope="module")
def api(built: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("kg-serve") / "kg-serve.log"
    command = [str(BIN / "kg"), "serve", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with _running(command, url, f"{url}/healthz", log, built) as base:
        yield base


def test_rest_answers_from_the_remote_store(api: str) -> None:
    variant = "湘政办发[2021]79号"
    response = httpx.get(f"{api}/documents/{quote(variant, safe='')}/cited-by", timeout=10)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["number"] == CITED
    assert {item["number"] for item in body["items"]} == CITING


def test_sparql_endpoint_forwards_to_the_remote_store(api: str) -> None:
    client = SPARQLWrapper(f"{api}/sparql")
    client.setQuery(CITED_BY_SPARQL)
    client.setReturnFormat(JSON)
    document = client.queryAndConvert()
    assert isinstance(document, dict), document  # JSON asked: a decoded JSON document
    bindings = document["results"]["bindings"]
    assert {b["number"]["value"] for b in bindings} == CITING
    turtle = httpx.get(
        f"{api}/sparql",
        params={
            "query": CITED_BY_SPARQL.replace(
                "SELECT DISTINCT ?number", "CONSTRUCT { ?citing <urn:cites> ?cited }"
            )
        },
        headers={"Accept": "text/turtle"},
        timeout=10,
    )
    assert turtle.status_code == 200, turtle.text
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert len(list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))) == 2


@pytest.mark.parametrize(
    ("data", "status"),
    [
        pytest.param({"update": "DROP ALL"}, 403, id="update"),
        pytest.param(
            {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"},
            403,
            id="service",
        ),
        pytest.param({"query": "SELECT ?s WHERE { ?s"}, 400, id="syntax-error"),
    ],
)
def test_the_endpoint_still_refuses_what_it_refused(
    api: str, data: dict[str, str], status: int
) -> None:
    response = httpx.post(f"{api}/sparql", data=data, timeout=10)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_a_forwarded_answer_is_cut_at_the_row_limit(built: dict[str, str]) -> None:
    settings = Settings(remote_endpoint=built["KG_REMOTE_ENDPOINT"], result_limit=3)
    client = TestClient(create_app(settings))
    response = client.get(
        "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["X-KG-Truncated"] == "true"
    assert len(response.json()["results"]["bindings"]) == 3
