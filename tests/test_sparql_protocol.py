"""The SPARQL 1.1 Protocol endpoint, driven by real clients against a live uvicorn."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, XML, SPARQLWrapper

from tests.conftest import graph_of

pytestmark = pytest.mark.server

PREFIXES = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
# DISTINCT because pyoxigraph 0.5's union default graph is a bag, not an RDF merge:
# 湘政办发〔2021〕79号's eli:id_local sits in two graphs and each copy matches
# (oxigraph/oxigraph#1919).
CITED_BY = (
    PREFIXES
    + """SELECT DISTINCT ?citing ?number ?title WHERE {
  ?cited eli:id_local "湘政办发〔2021〕79号" .
  ?citing eli:cites ?cited ; eli:id_local ?number ; dcterms:title ?title .
} ORDER BY ?number"""
)
CITERS = ["岳卫字〔2023〕2号", "益资政办发〔2023〕20号"]
CONSTRUCT = (
    PREFIXES
    + """CONSTRUCT { ?citing eli:cites ?cited } WHERE {
  ?cited eli:id_local "湘政办发〔2021〕79号" . ?citing eli:cites ?cited .
}"""
)
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    assert body["instance"] == "/sparql"
    return dict(body)


# --- real clients -------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", POST], ids=["get", "post-form"])
def test_sparqlwrapper_json(live_server: str, method: str) -> None:
    client = SPARQLWrapper(f"{live_server}/sparql")
    client.setMethod(method)
    client.setQuery(CITED_BY)
    client.setReturnFormat(JSON)
    document = client.queryAndConvert()
    assert isinstance(document, dict), document  # JSON asked: a decoded JSON document
    bindings = document["results"]["bindings"]
    assert [b["number"]["value"] for b in bindings] == CITERS


def test_sparqlwrapper_xml(live_server: str) -> None:
    client = SPARQLWrapper(f"{live_server}/sparql")
    client.setQuery(CITED_BY)
    client.setReturnFormat(XML)
    document = client.queryAndConvert()
    numbers = [
        node.getElementsByTagName("literal")[0].firstChild.data  # type: ignore[union-attr]
        for node in document.getElementsByTagName("binding")  # type: ignore[union-attr]
        if node.getAttribute("name") == "number"
    ]
    assert numbers == CITERS


def test_sparqlwrapper_ask(live_server: str) -> None:
    client = SPARQLWrapper(f"{live_server}/sparql")
    client.setQuery(PREFIXES + 'ASK { ?d eli:id_local "国办发〔2017〕32号" }')
    client.setReturnFormat(JSON)
    answer = client.queryAndConvert()
    assert isinstance(answer, dict), answer
    assert answer["boolean"] is True


def test_rdflib_sparqlstore_cited_by(live_server: str) -> None:
    store = SPARQLStore(f"{live_server}/sparql")
    try:
        rows = list(store.query(CITED_BY))
        assert [str(row.number) for row in rows] == CITERS  # type: ignore[union-attr]
        graph = store.query(CONSTRUCT).graph
        assert graph is not None and len(graph) == 2
    finally:
        store.close()


# --- content negotiation ------------------------------------------------------------


def _json_numbers(body: bytes) -> list[str]:
    return [b["number"]["value"] for b in json.loads(body)["results"]["bindings"]]


def _xml_numbers(body: bytes) -> list[str]:
    root = ET.fromstring(body)
    return [
        binding.findtext(f"{RESULTS_NS}literal") or ""
        for binding in root.iter(f"{RESULTS_NS}binding")
        if binding.get("name") == "number"
    ]


def _csv_numbers(body: bytes) -> list[str]:
    return [row["number"] for row in csv.DictReader(io.StringIO(body.decode("utf-8")))]


def _tsv_numbers(body: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter="\t"))
    column = rows[0].index("?number")
    return [ox.Literal(row[column].strip('"')).value for row in rows[1:]]


@pytest.mark.parametrize(
    ("accept", "media_type", "numbers"),
    [
        (None, "application/sparql-results+json", _json_numbers),
        ("*/*", "application/sparql-results+json", _json_numbers),
        ("application/sparql-results+json", "application/sparql-results+json", _json_numbers),
        ("application/json", "application/sparql-results+json", _json_numbers),
        ("application/sparql-results+xml", "application/sparql-results+xml", _xml_numbers),
        ("text/csv", "text/csv", _csv_numbers),
        ("text/tab-separated-values", "text/tab-separated-values", _tsv_numbers),
        (
            "text/csv;q=0.5, application/sparql-results+xml",
            "application/sparql-results+xml",
            _xml_numbers,
        ),
        ("image/png, text/*;q=0.3", "text/csv", _csv_numbers),
    ],
    ids=["none", "any", "json", "json-alias", "xml", "csv", "tsv", "q-values", "wildcard"],
)
def test_select_result_formats(
    http: httpx.Client, accept: str | None, media_type: str, numbers: Callable[[bytes], list[str]]
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = http.get("/sparql", params={"query": CITED_BY}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert numbers(response.content) == CITERS
    if media_type != "text/csv":  # CSV is lossy: pyoxigraph will not parse it back
        fmt = ox.QueryResultsFormat.from_media_type(media_type)
        parsed = ox.parse_query_results(response.content, format=fmt)
        assert len(list(parsed)) == 2  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "accept",
    ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
     "text/tab-separated-values"],
)  # fmt: skip
def test_ask_result_formats(http: httpx.Client, accept: str) -> None:
    query = PREFIXES + 'ASK { ?d eli:id_local "岳卫字〔2023〕2号" }'
    response = http.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    if accept.startswith("text/"):
        assert response.text.strip().lower() == "true"
    else:
        fmt = ox.QueryResultsFormat.from_media_type(accept)
        assert bool(ox.parse_query_results(response.content, format=fmt)) is True


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        (None, "turtle"),
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
    ids=["default", "turtle", "ntriples", "rdfxml", "jsonld"],
)
def test_construct_formats_parse_to_the_same_graph(
    http: httpx.Client, accept: str | None, rdflib_format: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = http.post("/sparql", data={"query": CONSTRUCT}, headers=headers)
    assert response.status_code == 200, response.text
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    reference = http.get(
        "/sparql", params={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"}
    )
    assert isomorphic(graph, rdflib.Graph().parse(data=reference.content, format="nt"))
    assert len(graph) == 2


def test_unacceptable_accept_is_406(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": CITED_BY}, headers={"Accept": "image/png"})
    body = assert_problem(response, 406)
    assert "text/csv" in str(body["detail"])


def test_graph_formats_are_not_offered_for_select(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": CITED_BY}, headers={"Accept": "text/turtle"})
    assert_problem(response, 406)


# --- request forms and the dataset --------------------------------------------------------


def test_post_sparql_query_body(http: httpx.Client) -> None:
    response = http.post(
        "/sparql",
        content=CITED_BY.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert response.status_code == 200, response.text
    assert _csv_numbers(response.content) == CITERS


def test_default_graph_uri_narrows_the_dataset(http: httpx.Client) -> None:
    only_yue = graph_of("000_c00da1c6e20d841d.txt")
    response = http.get("/sparql", params={"query": CITED_BY, "default-graph-uri": only_yue})
    assert _json_numbers(response.content) == ["岳卫字〔2023〕2号"]


def test_named_graph_uri_limits_graph_clauses(http: httpx.Client) -> None:
    query = PREFIXES + "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d eli:cites ?c } } ORDER BY ?g"
    wanted = sorted(graph_of(s) for s in ("000_c00da1c6e20d841d.txt", "002_95a456216623b0c6.txt"))
    everything = http.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    assert len(everything) == 3
    response = http.post("/sparql", data={"query": query, "named-graph-uri": wanted})
    assert [b["g"]["value"] for b in response.json()["results"]["bindings"]] == wanted


# --- what is refused ------------------------------------------------------------------


UPDATE = "PREFIX eli: <http://data.europa.eu/eli/ontology#>\nDELETE WHERE { ?s eli:cites ?o }"


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("POST", {"data": {"update": UPDATE}}),
        ("POST", {"content": UPDATE.encode(), "headers": {"Content-Type": "application/sparql-update"}}),
        ("POST", {"data": {"query": UPDATE}}),
        ("POST", {"content": b"DROP ALL", "headers": {"Content-Type": "application/sparql-query"}}),
        ("GET", {"params": {"query": "CLEAR DEFAULT"}}),
        ("GET", {"params": {"update": "DROP ALL"}}),
    ],
    ids=["form-update", "sparql-update-body", "update-as-query", "update-as-query-body",
         "get-query", "get-update"],
)  # fmt: skip
def test_updates_are_refused(http: httpx.Client, method: str, kwargs: dict[str, object]) -> None:
    response = http.request(method, "/sparql", **kwargs)  # type: ignore[arg-type]
    body = assert_problem(response, 403)
    assert "Update" in str(body["detail"])
    still = http.get("/sparql", params={"query": CITED_BY})
    assert _json_numbers(still.content) == CITERS


def test_syntax_error_is_400_with_the_parsers_message(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p "})
    body = assert_problem(response, 400)
    assert "syntax error" in str(body["detail"]) and "1:" in str(body["detail"])


def test_service_calls_are_refused(http: httpx.Client) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert_problem(http.get("/sparql", params={"query": query}), 403)


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({}, 400),
        ({"data": {"query": CITED_BY, "update": UPDATE}}, 400),
        ({"params": {"query": [CITED_BY, CITED_BY]}}, 400),
        ({"content": CITED_BY.encode(), "headers": {"Content-Type": "text/plain"}}, 415),
        ({"data": {"query": CITED_BY + " #" + "x" * 1_000_000}}, 413),
    ],
    ids=["nothing", "query-and-update", "two-queries", "wrong-content-type", "too-large"],
)
def test_malformed_requests(http: httpx.Client, kwargs: dict[str, object], status: int) -> None:
    assert_problem(http.post("/sparql", **kwargs), status)  # type: ignore[arg-type]
