"""The SPARQL endpoint under abuse: runaway queries, writes, SERVICE calls, huge bodies,
answer caps, the service description and CORS, against a real uvicorn."""

from __future__ import annotations

import json
import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
import rdflib
from rdflib.namespace import RDF

from api.sparql import example, example_values
from kg.errors import QueryError, QueryRefused, QueryTimeout
from kg.sparql import (
    TRUNCATED_LINK,
    QueryAnswer,
    QueryJob,
    QuerySandbox,
    check_query,
    execute,
    get_query,
)
from kg.store import Store
from tests.conftest import build_store, serving

pytestmark = pytest.mark.server

TIMEOUT_S = 2
ROW_LIMIT = 3
TRIPLE_LIMIT = 4
ALLOWED_ORIGIN = "https://allowed.example"
PREFIXES = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
CITED_BY = (
    PREFIXES
    + """SELECT DISTINCT ?number WHERE {
  ?cited eli:id_local "湘政办发〔2021〕79号" . ?citing eli:cites ?cited ; eli:id_local ?number .
} ORDER BY ?number"""
)
CITERS = ["岳卫字〔2023〕2号", "益资政办发〔2023〕20号"]
# A cross join of six triple patterns: about 60⁶ rows on the sample graph, minutes of work.
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r }"
)
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = rdflib.Namespace("http://www.w3.org/ns/formats/")
SEARCH_FUNCTION = rdflib.URIRef("https://w3id.org/cn-health-kg/function#search")


# --- a local socket that records whether anyone called it ----------------------------


@dataclass
class Recorder:
    """A listening socket on 127.0.0.1 that counts connections and answers nothing."""

    sock: socket.socket
    connections: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return  # closed at teardown
            with conn:
                conn.settimeout(1)
                try:
                    self.connections.append(conn.recv(1024))
                except OSError:
                    self.connections.append(b"")


R = TypeVar("R", bound=Recorder)


def recording(kind: type[R]) -> Iterator[R]:
    """A ``kind`` of Recorder listening on a free loopback port until the generator ends."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    found = kind(sock)
    thread = threading.Thread(target=found.serve, daemon=True)
    thread.start()
    yield found
    sock.close()
    thread.join(timeout=2)


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    yield from recording(Recorder)


# --- a server of our own, with small limits ----------------------------------------


@dataclass(frozen=True)
class Guarded:
    url: str
    store: Path


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory, recorder: Recorder) -> Iterator[Guarded]:
    """A server with a 2 s limit, tiny caps, one allowed origin and an allow-listed
    SERVICE endpoint (the recorder's other path, so a refused call is told apart)."""
    store = build_store(tmp_path_factory.mktemp("guarded") / "store")
    env = {
        "KG_QUERY_TIMEOUT_S": str(TIMEOUT_S),
        "KG_RESULT_LIMIT": str(ROW_LIMIT),
        "KG_TRIPLE_LIMIT": str(TRIPLE_LIMIT),
        "KG_QUERY_WORKERS": "2",
        "KG_CORS_ORIGINS": json.dumps([ALLOWED_ORIGIN]),
        "KG_SERVICE_ALLOWLIST": json.dumps([recorder.url + "/allowed"]),
    }
    with serving(store, tmp_path_factory.mktemp("guarded-log"), None, **env) as url:
        yield Guarded(url, store)


@pytest.fixture(scope="module")
def client(guarded: Guarded) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=guarded.url, timeout=30) as http:
        yield http


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["detail"] and body["type"]
    return dict(body)


def numbers(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [b["number"]["value"] for b in response.json()["results"]["bindings"]]


# --- runaway queries -------------------------------------------------------------------


def _worker_cpu(store: Path) -> dict[int, int]:
    """CPU ticks used so far by each query worker serving ``store`` (from /proc)."""
    ticks = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            stat = (proc / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        if b"kg.sparql.sandbox" in cmdline and str(store).encode() in cmdline:
            fields = stat.rsplit(")", 1)[1].split()
            ticks[int(proc.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads worker CPU from /proc")
def test_runaway_query_is_killed_while_others_are_answered(
    guarded: Guarded, client: httpx.Client
) -> None:
    assert numbers(client.get("/sparql", params={"query": CITED_BY})) == CITERS  # workers up
    before = set(_worker_cpu(guarded.store))
    assert len(before) == 2
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        with httpx.Client(base_url=guarded.url, timeout=30) as other:
            outcome["response"] = other.post("/sparql", data={"query": RUNAWAY})
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    assert numbers(client.get("/sparql", params={"query": CITED_BY})) == CITERS
    assert time.monotonic() - started < 1.0
    assert thread.is_alive(), "the runaway query should still be running"
    thread.join(timeout=TIMEOUT_S + 5)

    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    body = assert_problem(response, 503)
    assert "KG_QUERY_TIMEOUT_S" in str(body["detail"]) and f"{TIMEOUT_S} s" in str(body["detail"])
    assert float(outcome["seconds"]) < TIMEOUT_S + 1  # type: ignore[arg-type]

    # The worker that ran it was killed and replaced, and no process burns CPU on it.
    time.sleep(0.3)
    first = _worker_cpu(guarded.store)
    assert len(first) == 2 and set(first) != before
    time.sleep(1.0)
    second = _worker_cpu(guarded.store)
    assert sum(second.values()) - sum(first.values()) < 20  # ticks: under 0.2 s of CPU
    assert numbers(client.get("/sparql", params={"query": CITED_BY})) == CITERS


def test_more_runaways_than_workers_all_end_in_time(guarded: Guarded, client: httpx.Client) -> None:
    results: list[tuple[int, float]] = []

    def runaway() -> None:
        started = time.monotonic()
        with httpx.Client(base_url=guarded.url, timeout=30) as other:
            status = other.get("/sparql", params={"query": RUNAWAY}).status_code
        results.append((status, time.monotonic() - started))

    threads = [threading.Thread(target=runaway) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT_S + 5)
    assert [status for status, _ in results] == [503, 503, 503]
    assert max(seconds for _, seconds in results) < TIMEOUT_S + 1
    assert numbers(client.get("/sparql", params={"query": CITED_BY})) == CITERS


# --- writes and outgoing calls -----------------------------------------------------------


UPDATES = [
    'INSERT DATA { <urn:x:a> <urn:x:b> "c" }',
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <{recorder}>",
    "LOAD SILENT <{recorder}> INTO GRAPH <urn:x:g>",
    "DROP ALL",
    "CLEAR DEFAULT",
    "CREATE GRAPH <urn:x:g>",
    "COPY DEFAULT TO <urn:x:g>",
    "MOVE DEFAULT TO <urn:x:g>",
    "ADD DEFAULT TO <urn:x:g>",
    "WITH <urn:x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n# a comment\ninsert { ?s eli:cites ?s } where { ?s ?p ?o }",
]


@pytest.mark.parametrize(
    "update", UPDATES, ids=[u.split()[0].lower() + str(i) for i, u in enumerate(UPDATES)]
)
@pytest.mark.parametrize("how", ["update-form", "query-form", "sparql-update-body"])
def test_writes_are_refused(
    client: httpx.Client, recorder: Recorder, update: str, how: str
) -> None:
    text = update.replace("{recorder}", recorder.url)
    if how == "update-form":
        response = client.post("/sparql", data={"update": text})
    elif how == "query-form":
        response = client.post("/sparql", data={"query": text})
    else:
        response = client.post(
            "/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-update"}
        )
    assert_problem(response, 403)
    assert numbers(client.get("/sparql", params={"query": CITED_BY})) == CITERS
    assert recorder.connections == []


SERVICE_CALLS = {
    "iri": "SELECT * WHERE { SERVICE <{target}> { ?s ?p ?o } }",
    "silent": "SELECT * WHERE { SERVICE SILENT <{target}> { ?s ?p ?o } }",
    "lower-case": "select * where { service <{target}> { ?s ?p ?o } }",
    "prefixed-name": "PREFIX remote: <{base}>\nSELECT * WHERE { SERVICE remote:sparql { ?s ?p ?o } }",
    "comment-before-iri": "SELECT * WHERE { SERVICE # where to\n <{target}> { ?s ?p ?o } }",
    "variable": "SELECT * WHERE { VALUES ?e { <{target}> } SERVICE ?e { ?s ?p ?o } }",
    "in-optional": "SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE <{target}> { ?x ?p ?o } } } LIMIT 1",
    "in-subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{target}> { ?s ?p ?o } } } }",
    "ask": "ASK { SERVICE <{target}> { ?s ?p ?o } }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{target}> { ?s ?p ?o } }",
}


@pytest.mark.parametrize("query", SERVICE_CALLS.values(), ids=SERVICE_CALLS.keys())
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_service_calls_are_refused_without_a_connection(
    client: httpx.Client, recorder: Recorder, query: str, method: str
) -> None:
    text = query.replace("{target}", recorder.url).replace(
        "{base}", recorder.url.rsplit("/", 1)[0] + "/"
    )
    if method == "GET":
        response = client.get("/sparql", params={"query": text})
    else:
        response = client.post("/sparql", data={"query": text})
    assert "SERVICE" in str(assert_problem(response, 403)["detail"])
    time.sleep(0.05)
    assert recorder.connections == []


def test_allow_listed_service_is_called(client: httpx.Client, recorder: Recorder) -> None:
    """The positive control: the recorder does see a call the allow-list permits."""
    before = len(recorder.connections)
    query = f"SELECT * WHERE {{ SERVICE <{recorder.url}/allowed> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code in (400, 503), response.text  # the recorder answers nothing
    assert len(recorder.connections) == before + 1
    recorder.connections[before:] = []  # the other tests expect an untouched recorder


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/>" }',
        "SELECT ?service WHERE { ?service ?p ?o } # SERVICE <http://127.0.0.1:9/>",
        "PREFIX ex: <urn:x:>\nSELECT * WHERE { ?s ex:SERVICE ?o }",
    ],
    ids=["in-a-string", "in-a-comment", "as-a-local-name"],
)
def test_the_word_service_elsewhere_is_not_a_call(query: str) -> None:
    check_query(query)


def test_service_check_accepts_the_allow_list() -> None:
    check_query(
        "SELECT * { SERVICE <http://a.example/sparql> { ?s ?p ?o } }", ["http://a.example/sparql"]
    )
    with pytest.raises(QueryRefused):
        check_query(
            "SELECT * { SERVICE <http://b.example/sparql> { ?s ?p ?o } }",
            ["http://a.example/sparql"],
        )


# --- request size ----------------------------------------------------------------------

TEN_MB = 10 * 1024 * 1024


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    yield b"query=" + b"SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20%23"
    sent = 0
    while sent < total:
        yield b"x" * size
        sent += size


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_ten_megabyte_body_is_413(guarded: Guarded, declared: bool) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    with httpx.Client(base_url=guarded.url, timeout=30) as http:
        if declared:
            body = b"".join(_chunks(TEN_MB))
            assert len(body) > TEN_MB
            response = http.post("/sparql", content=body, headers=headers)
        else:
            response = http.post("/sparql", content=_chunks(TEN_MB), headers=headers)
    assert_problem(response, 413)
    with httpx.Client(base_url=guarded.url, timeout=10) as http:
        assert numbers(http.get("/sparql", params={"query": CITED_BY})) == CITERS


# --- answer caps -----------------------------------------------------------------------

EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"


def _json_rows(response: httpx.Response) -> tuple[int, bool]:
    body = response.json()
    return len(body["results"]["bindings"]), TRUNCATED_LINK in body["head"].get("link", [])


def _xml_rows(response: httpx.Response) -> tuple[int, bool]:
    ns = "{http://www.w3.org/2005/sparql-results#}"
    root = ET.fromstring(response.content)
    links = [link.get("href") for link in root.iter(f"{ns}link")]
    return len(list(root.iter(f"{ns}result"))), TRUNCATED_LINK in links


def _csv_rows(response: httpx.Response) -> tuple[int, bool]:
    return len(response.text.strip().splitlines()) - 1, False


@pytest.mark.parametrize(
    ("accept", "rows_of", "linked"),
    [
        ("application/sparql-results+json", _json_rows, True),
        ("application/sparql-results+xml", _xml_rows, True),
        ("text/csv", _csv_rows, False),
        ("text/tab-separated-values", _csv_rows, False),
    ],
    ids=["json", "xml", "csv", "tsv"],
)
def test_select_is_capped_and_says_so(
    client: httpx.Client,
    accept: str,
    rows_of: Callable[[httpx.Response], tuple[int, bool]],
    linked: bool,
) -> None:
    response = client.get("/sparql", params={"query": EVERYTHING}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["x-kg-truncated"] == "true"
    assert TRUNCATED_LINK in response.headers["link"]
    assert rows_of(response) == (ROW_LIMIT, linked)

    whole = client.get("/sparql", params={"query": CITED_BY}, headers={"Accept": accept})
    assert whole.headers["x-kg-truncated"] == "false" and "link" not in whole.headers
    assert rows_of(whole) == (len(CITERS), False)


def test_construct_is_capped_and_says_so(client: httpx.Client) -> None:
    query = "CONSTRUCT WHERE { ?s ?p ?o }"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.text
    assert response.headers["x-kg-truncated"] == "true"
    assert len(rdflib.Graph().parse(data=response.text, format="turtle")) == TRIPLE_LIMIT

    small = PREFIXES + 'CONSTRUCT WHERE { ?d eli:id_local "岳卫字〔2023〕2号" }'
    whole = client.get(
        "/sparql", params={"query": small}, headers={"Accept": "application/n-triples"}
    )
    assert whole.headers["x-kg-truncated"] == "false"
    assert len(rdflib.Graph().parse(data=whole.text, format="nt")) == 1


def test_openapi_documents_the_truncation_flag(client: httpx.Client) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/sparql"]["post"]
    answer = operation["responses"]["200"]
    assert "X-KG-Truncated" in answer["headers"]
    assert TRUNCATED_LINK in answer["description"]


# --- the service description -------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        (None, "turtle"),
    ],
    ids=["turtle", "rdfxml", "ntriples", "jsonld", "no-accept"],
)
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_service_description(guarded: Guarded, accept: str | None, rdflib_format: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(f"{guarded.url}/sparql", headers=headers)
    assert response.status_code == 200, response.text
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    endpoint = rdflib.URIRef(f"{guarded.url}/sparql")
    assert (endpoint, RDF.type, SD.Service) in graph
    assert (endpoint, SD.endpoint, endpoint) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    formats = set(graph.objects(endpoint, SD.resultFormat))
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.Turtle} <= formats
    assert (endpoint, SD.extensionFunction, SEARCH_FUNCTION) in graph
    assert (SEARCH_FUNCTION, RDF.type, SD.Function) in graph
    assert (endpoint, SD.feature, SD.UnionDefaultGraph) in graph
    dataset = graph.value(endpoint, SD.defaultDataset)
    assert dataset is not None and graph.value(dataset, SD.defaultGraph) is not None
    names = {graph.value(g, SD.name) for g in graph.objects(dataset, SD.namedGraph)}
    assert len(names) == 4  # three documents and the policy catalogue


def test_get_without_query_for_results_types_is_still_400(client: httpx.Client) -> None:
    response = client.get("/sparql", headers={"Accept": "application/sparql-results+json"})
    assert "no SPARQL given" in str(assert_problem(response, 400)["detail"])


# --- CORS --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_cors_preflight_from_an_allowed_origin(client: httpx.Client, method: str) -> None:
    response = client.options(
        "/sparql",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type, accept",
        },
    )
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert method in response.headers["access-control-allow-methods"]
    assert "content-type" in response.headers["access-control-allow-headers"].lower()


def test_cors_preflight_from_another_origin_is_refused(client: httpx.Client) -> None:
    response = client.options(
        "/sparql",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_cors_answer_exposes_the_truncation_header(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": CITED_BY}, headers={"Origin": ALLOWED_ORIGIN})
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "x-kg-truncated" in response.headers["access-control-expose-headers"].lower()


# --- the YASGUI page, without a browser ------------------------------------------------------


def test_page_loads_only_local_assets(client: httpx.Client) -> None:
    page = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "static/yasgui/yasgui.min.js" in html and "static/yasgui/yasgui.min.css" in html
    for attribute in ("src=", "href="):
        for value in html.split(attribute)[1:]:
            assert not value.strip("\"'").startswith(("http:", "https:", "//")), value[:80]
    for asset, kind in [
        ("static/yasgui/yasgui.min.js", "javascript"),
        ("static/yasgui/yasgui.min.css", "css"),
        ("static/sparql-page.js", "javascript"),
        ("static/sparql-page.css", "css"),
    ]:
        response = client.get(f"/{asset}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
        assert "@import" not in response.text
    css = client.get("/static/yasgui/yasgui.min.css").text
    assert "url(http" not in css and "url(//" not in css


def test_page_offers_the_named_queries_with_example_values(client: httpx.Client) -> None:
    html = client.get("/sparql", headers={"Accept": "text/html"}).text
    data = html.split('id="kg-example-data">', 1)[1].split("</script>", 1)[0]
    offered = {e["name"]: e["sparql"] for e in json.loads(data)}
    assert {"cited_by", "cites", "document", "documents"} <= set(offered)
    assert 'VALUES (?number) { ("湘政办发〔2021〕79号") }' in offered["cited_by"]
    rows = client.post("/sparql", data={"query": offered["cited_by"]}).json()["results"]["bindings"]
    assert sorted(r["citingNumber"]["value"] for r in rows) == CITERS


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("# example: number=国办发〔2017〕32号", {"number": "国办发〔2017〕32号"}),
        ("# example: number = 国办发〔2017〕32号; year=2017", {"number": "国办发〔2017〕32号"}),
        ("", {"number": "湘政办发〔2021〕79号"}),  # from the description's "e.g."
    ],
    ids=["example-line", "two-pairs-one-param", "description"],
)
def test_example_values(tmp_path: Path, header: str, expected: dict[str, str]) -> None:
    source = get_query("cited_by").path.read_text(encoding="utf-8")
    # The shipped file's own example lines are dropped, so each row sets its own.
    kept = [line for line in source.splitlines() if not line.startswith("# example:")]
    lines = kept[:1] + ([header] if header else []) + kept[1:]
    (tmp_path / "cited_by.rq").write_text("\n".join(lines) + "\n", "utf-8")
    query = get_query("cited_by", tmp_path)
    assert example_values(query) == expected
    assert f'VALUES (?number) {{ ("{expected["number"]}") }}' in example(query).sparql


def test_optional_parameters_take_only_explicit_examples(tmp_path: Path) -> None:
    (tmp_path / "q.rq").write_text(
        "# name: q\n# param: year? — four-digit year, e.g. 2023\n"
        "SELECT ?year WHERE { ?s ?p ?year }\n",
        "utf-8",
    )
    assert example_values(get_query("q", tmp_path)) == {}
    assert "VALUES" not in example(get_query("q", tmp_path)).sparql


def test_example_without_a_value_keeps_a_placeholder(tmp_path: Path) -> None:
    (tmp_path / "q.rq").write_text(
        "# name: q\n# param: thing (iri) — any IRI\nSELECT ?thing WHERE { ?thing ?p ?o }\n", "utf-8"
    )
    text = example(get_query("q", tmp_path)).sparql
    assert "# VALUES ?thing { $thing }" in text and "\nVALUES" not in text


# --- the sandbox and execute(), without HTTP -------------------------------------------


def test_sandbox_kills_a_runaway_worker_and_replaces_it(store_path: Path) -> None:
    with QuerySandbox(store_path, workers=1) as sandbox:
        assert sandbox.run(QueryJob(CITED_BY), 10).body is not None
        (before,) = sandbox.pids
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="KG_QUERY_TIMEOUT_S"):
            sandbox.run(QueryJob(RUNAWAY), 1)
        assert time.monotonic() - started < 2
        (after,) = sandbox.pids
        assert after != before and not Path(f"/proc/{before}").exists()
        answer = sandbox.run(QueryJob(CITED_BY), 10)
        assert answer.body is not None and "益资政办发〔2023〕20号" in answer.body.decode()
        with pytest.raises(QueryError, match="syntax error"):
            sandbox.run(QueryJob("SELECT ?s WHERE { ?s ?p "), 10)
        with pytest.raises(QueryRefused):
            sandbox.run(QueryJob("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"), 10)
    assert sandbox.pids == []


@pytest.mark.parametrize(
    ("query", "form", "truncated"),
    [
        (EVERYTHING, "solutions", True),
        (CITED_BY, "solutions", False),
        ("ASK { ?s ?p ?o }", "boolean", False),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "graph", True),
        ("DESCRIBE <urn:x:nothing>", "graph", False),
    ],
    ids=["select-cut", "select-whole", "ask", "construct-cut", "describe-empty"],
)
def test_execute_in_process_caps_answers(
    memory_store: Store, query: str, form: str, truncated: bool
) -> None:
    job = QueryJob(query, row_limit=ROW_LIMIT, triple_limit=TRIPLE_LIMIT)
    answer = execute(memory_store.raw, job)
    assert (answer.form, answer.truncated) == (form, truncated)
    assert answer.body is not None


def test_execute_leaves_the_body_empty_when_no_format_fits(memory_store: Store) -> None:
    job = QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", graph_media=None)
    assert execute(memory_store.raw, job) == QueryAnswer("graph", None, None)


def test_runaway_construct_export_is_stopped_too(client: httpx.Client) -> None:
    # /export/construct runs a user's query: it goes through the same killable workers.
    # The FILTER needs all five patterns bound and never holds: no answer can come early
    # (a plain five-way product sometimes filled the triple cap within the limit).
    runaway = (
        "CONSTRUCT { ?a ?b ?c } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o "
        'FILTER(CONCAT(STR(?c), STR(?f), STR(?i), STR(?l), STR(?o)) = "never") }'
    )
    started = time.monotonic()
    response = client.get("/export/construct", params={"query": runaway, "format": "graphml"})
    assert_problem(response, 503)
    assert time.monotonic() - started < TIMEOUT_S + 1
