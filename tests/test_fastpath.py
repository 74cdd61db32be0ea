"""Look-ups answered in the server process (kg.sparql.fastpath, api.fastlane).

The walk must give pyoxigraph's solutions for every query it admits, refuse every
query outside its shape (those go to the workers unchanged), and stop at its budget.
Through a real server, the lane must answer exactly as the /sparql route does.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.sparql import TRUNCATED_LINK, QueryJob, execute, fastpath
from kg.store import Store
from tests.conftest import build_store, serving

PREFIXES = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX hp: <https://w3id.org/cn-health-kg/ontology#>
"""

# Real look-ups over the sample graph, each admitted by the fast path.
LOOKUPS = [
    # which documents cite 湘政办发〔2021〕79号
    """SELECT DISTINCT ?citing ?number WHERE {
  ?cited eli:id_local "湘政办发〔2021〕79号" .
  ?citing eli:cites ?cited ; eli:id_local ?number .
}""",
    # the same without DISTINCT, `$` variables and a full IRI
    """SELECT $citing WHERE {
  $cited <http://data.europa.eu/eli/ontology#id_local> '湘政办发〔2021〕79号' .
  $citing eli:cites $cited .
}""",
    # a title by number, with `a` and an object list
    """select ?title where { ?d a hp:Document ; eli:id_local "国办发〔2017〕32号" ;
  dcterms:title ?title . }""",
    # what an agency issued: object anchored, subject free
    """SELECT ?doc ?title WHERE {
  ?agency skos:prefLabel "岳阳市卫生健康委员会" .
  ?doc eli:passed_by ?agency ; dcterms:title ?title .
}""",
    # a variable predicate from a known subject, paged
    """SELECT ?p ?o WHERE {
  ?d eli:id_local "国办发〔2017〕32号" . ?d ?p ?o .
} LIMIT 3 OFFSET 1""",
    # typed literal, a projected variable no pattern binds
    """SELECT ?d ?nothing WHERE {
  ?d eli:date_document "2023-06-29"^^<http://www.w3.org/2001/XMLSchema#date> }""",
    # nothing matches
    'SELECT ?d WHERE { ?d eli:id_local "不存在〔2099〕1号" }',
    # ASK, true and false
    'ASK { ?d eli:id_local "湘政办发〔2021〕79号" }',
    'ASK WHERE { ?d eli:id_local "湘政办发〔2021〕79号" ; eli:cites ?d }',
]

# Anchored but broad: every triple of every document, times every document (hundreds
# of index entries, so the walk looks at its clock several times).
BROAD = "SELECT ?d ?p ?o ?x WHERE { ?d a hp:Document . ?d ?p ?o . ?x a hp:Document }"

# Queries outside the shape: the workers answer them, as before.
NOT_LOOKUPS = {
    "unanchored": "SELECT ?s WHERE { ?s ?p ?o }",
    "predicate only": "SELECT ?s ?o WHERE { ?s eli:cites ?o }",
    "filter": 'SELECT ?d WHERE { ?d eli:id_local ?n FILTER(?n = "x") }',
    "optional": 'SELECT ?d ?t WHERE { ?d eli:id_local "x" OPTIONAL { ?d dcterms:title ?t } }',
    "order by": 'SELECT ?d WHERE { ?d eli:id_local "x" } ORDER BY ?d',
    "select star": 'SELECT * WHERE { ?d eli:id_local "x" }',
    "aggregate": 'SELECT (COUNT(?d) AS ?n) WHERE { ?d eli:id_local "x" }',
    "path": 'SELECT ?d WHERE { ?x eli:id_local "x" . ?d eli:cites+ ?x }',
    "graph": 'SELECT ?d WHERE { GRAPH ?g { ?d eli:id_local "x" } }',
    "service": 'SELECT ?d WHERE { SERVICE <http://127.0.0.1:9/> { ?d eli:id_local "x" } }',
    "values": 'SELECT ?d WHERE { ?d eli:id_local ?n } VALUES ?n { "x" }',
    "from": 'SELECT ?d FROM <http://example.org/g> WHERE { ?d eli:id_local "x" }',
    "base": 'BASE <http://example.org/> SELECT ?d WHERE { ?d <p> "x" }',
    "relative iri": 'SELECT ?d WHERE { ?d <id_local> "x" }',
    "unknown prefix": 'SELECT ?d WHERE { ?d nope:id_local "x" }',
    "unicode escape": 'SELECT ?d WHERE { ?d eli:id_local "\\u6e58" }',
    "long string": 'SELECT ?d WHERE { ?d eli:id_local """x""" }',
    "number": "SELECT ?d WHERE { ?d hp:count 3 }",
    "blank node": 'SELECT ?d WHERE { ?d eli:id_local [] ; eli:cites "x" }',
    "literal subject": 'SELECT ?p WHERE { "x" ?p ?o }',
    "construct": 'CONSTRUCT WHERE { ?d eli:id_local "x" }',
    "update": 'INSERT DATA { <http://a> <http://b> "x" }',
    "two limits": 'SELECT ?d WHERE { ?d eli:id_local "x" } LIMIT 1 LIMIT 2',
    "repeated projection": 'SELECT ?d ?d WHERE { ?d eli:id_local "x" }',
    "empty group": "ASK {}",
    "garbage": "SELECT ?d WHERE { ?d eli:id_local",
}


def solutions(answer_body: bytes) -> tuple[object, Counter[str]]:
    """Head and the multiset of solutions of a SPARQL JSON answer."""
    document = json.loads(answer_body)
    if "boolean" in document:
        return document["boolean"], Counter()
    rows = Counter(json.dumps(b, sort_keys=True) for b in document["results"]["bindings"])
    return document["head"]["vars"], rows


@pytest.mark.parametrize("query", LOOKUPS)
def test_lookups_give_pyoxigraphs_solutions(memory_store: Store, query: str) -> None:
    text = PREFIXES + query
    plan = fastpath.plan(text)
    assert plan is not None, "this look-up should be admitted"
    fast = fastpath.answer(memory_store.raw, plan, QueryJob(text), budget_s=5)
    full = execute(memory_store.raw, QueryJob(text))
    if "LIMIT" in query:  # an unordered page: the same number of rows, all real solutions
        whole = execute(memory_store.raw, QueryJob(text.split("LIMIT")[0]))
        _, rows = solutions(fast.body or b"")
        assert sum(rows.values()) == sum(solutions(full.body or b"")[1].values()) == 3
        assert not rows - solutions(whole.body or b"")[1]
    else:
        assert solutions(fast.body or b"") == solutions(full.body or b"")
    assert fast.form == full.form and fast.truncated is False


def test_lookups_find_what_the_sample_graph_says(memory_store: Store) -> None:
    text = PREFIXES + LOOKUPS[0]
    plan = fastpath.plan(text)
    assert plan is not None
    answer = fastpath.answer(memory_store.raw, plan, QueryJob(text), budget_s=5)
    numbers = sorted(
        b["number"]["value"] for b in json.loads(answer.body or b"")["results"]["bindings"]
    )
    assert numbers == ["岳卫字〔2023〕2号", "益资政办发〔2023〕20号"]


@pytest.mark.parametrize("query", NOT_LOOKUPS.values(), ids=NOT_LOOKUPS.keys())
def test_other_queries_are_left_to_the_workers(query: str) -> None:
    assert fastpath.plan(PREFIXES + query) is None


def test_patterns_are_walked_from_the_anchor() -> None:
    plan = fastpath.plan(PREFIXES + LOOKUPS[0])
    assert plan is not None
    eli = "http://data.europa.eu/eli/ontology#"
    assert plan.patterns == (
        ("cited", ox.NamedNode(eli + "id_local"), ox.Literal("湘政办发〔2021〕79号")),
        ("citing", ox.NamedNode(eli + "cites"), "cited"),
        ("citing", ox.NamedNode(eli + "id_local"), "number"),
    )
    assert plan.names == ("citing", "number") and plan.distinct


def test_row_limit_cuts_and_marks_the_answer(memory_store: Store) -> None:
    text = PREFIXES + "SELECT ?d WHERE { ?d a hp:Document }"
    plan = fastpath.plan(text)
    assert plan is not None
    answer = fastpath.answer(memory_store.raw, plan, QueryJob(text, row_limit=2), budget_s=5)
    document = json.loads(answer.body or b"")
    assert answer.truncated and len(document["results"]["bindings"]) == 2
    assert document["head"]["link"] == [TRUNCATED_LINK]


def test_a_walk_over_budget_stops(memory_store: Store) -> None:
    text = PREFIXES + BROAD
    plan = fastpath.plan(text)
    assert plan is not None
    with pytest.raises(fastpath.OverBudget):
        fastpath.answer(memory_store.raw, plan, QueryJob(text), budget_s=0)
    assert fastpath.answer(memory_store.raw, plan, QueryJob(text), budget_s=5).body


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_other_result_formats(memory_store: Store, accept: str, media: str) -> None:
    text = PREFIXES + LOOKUPS[0]
    plan = fastpath.plan(text)
    assert plan is not None
    answer = fastpath.answer(memory_store.raw, plan, QueryJob(text, results_media=media), 5)
    assert (answer.media_type or "").startswith(media) and "岳卫字〔2023〕2号" in (
        answer.body or b""
    ).decode()


# --- a property: random anchored patterns over the sample graph --------------------------

VARIABLES = ("a", "b", "c", "d", "e")


@st.composite
def anchored_queries(draw: st.DrawFn, quads: list[ox.Quad]) -> str:
    """1–3 triple patterns cut from connected triples of the graph, some terms made
    variables (one term, one variable), and a SELECT DISTINCT or not over them."""
    chosen = [draw(st.sampled_from(quads))]
    for _ in range(draw(st.integers(0, 2))):
        nodes = {t for q in chosen for t in (q.subject, q.object)}
        linked = [q for q in quads if q.subject in nodes or q.object in nodes]
        chosen.append(draw(st.sampled_from(linked)))
    names: dict[str, str] = {}
    patterns = []
    for quad in chosen:
        terms = []
        for term in (quad.subject, quad.predicate, quad.object):
            key = str(term)
            if key not in names and draw(st.booleans()):
                names[key] = "?" + VARIABLES[len(names) % len(VARIABLES)] + str(len(names))
            terms.append(names.get(key, key))
        patterns.append(" ".join(terms) + " .")
    variables = sorted(set(names.values()))
    projection = " ".join(variables) if variables else "?unbound"
    distinct = "DISTINCT " if draw(st.booleans()) else ""
    return f"SELECT {distinct}{projection} WHERE {{ {' '.join(patterns)} }}"


@pytest.fixture(scope="module")
def default_quads(memory_store: Store) -> list[ox.Quad]:
    return list(memory_store.raw.quads_for_pattern(None, None, None, ox.DefaultGraph()))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_admitted_pattern_matches_pyoxigraph(
    memory_store: Store, default_quads: list[ox.Quad], data: st.DataObject
) -> None:
    query = data.draw(anchored_queries(default_quads))
    plan = fastpath.plan(query)
    if plan is None:
        return  # not anchored: the workers answer it
    fast = fastpath.answer(memory_store.raw, plan, QueryJob(query, row_limit=100_000), 5)
    full = execute(memory_store.raw, QueryJob(query, row_limit=100_000))
    assert solutions(fast.body or b"") == solutions(full.body or b""), query


# --- through a real server: the lane answers as the route does ----------------------------


@pytest.fixture(scope="module")
def lane_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = build_store(tmp_path_factory.mktemp("lane") / "store")
    env = {"KG_RESULT_LIMIT": "3", "KG_CORS_ORIGINS": json.dumps(["https://allowed.example"])}
    with serving(store, tmp_path_factory.mktemp("lane-log"), None, **env) as url:
        yield url


@pytest.mark.server
@pytest.mark.parametrize(
    "query",
    [*LOOKUPS, "SELECT ?d WHERE { ?d a hp:Document }"],  # the last one is cut at 3 rows
)
@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]
)
def test_lane_answers_as_the_route_does(lane_server: str, query: str, accept: str) -> None:
    text = PREFIXES + query
    with httpx.Client(base_url=lane_server, timeout=10) as client:
        client.get("/health")
        lane = client.get("/sparql", params={"query": text}, headers={"Accept": accept})
        # POST never takes the lane: the route answers it.
        route = client.post("/sparql", data={"query": text}, headers={"Accept": accept})
    assert lane.status_code == route.status_code == 200, lane.text
    for header in ("content-type", "vary", "x-kg-truncated"):
        assert lane.headers[header] == route.headers[header], header
    assert ("link" in lane.headers) == ("link" in route.headers)
    if "LIMIT" not in query and lane.headers["x-kg-truncated"] == "false":
        assert sorted(lane.text.splitlines()) == sorted(route.text.splitlines())


@pytest.mark.server
def test_lane_leaves_cross_origin_requests_to_the_cors_middleware(lane_server: str) -> None:
    query = PREFIXES + LOOKUPS[0]
    with httpx.Client(base_url=lane_server, timeout=10) as client:
        response = client.get(
            "/sparql", params={"query": query}, headers={"Origin": "https://allowed.example"}
        )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://allowed.example"
    assert "x-kg-truncated" in response.headers["access-control-expose-headers"].lower()


@pytest.mark.server
@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"query": "SELECT ?d WHERE { ?d <http://x/p> "}, 400),  # broken: the route says why
        ({"query": 'INSERT DATA { <http://a> <http://b> "x" }'}, 403),
        ({"query": PREFIXES + LOOKUPS[0], "extra": "1"}, 200),  # another parameter: the route
    ],
)
def test_lane_passes_on_what_it_cannot_answer(
    lane_server: str, params: dict[str, str], status: int
) -> None:
    with httpx.Client(base_url=lane_server, timeout=10) as client:
        response = client.get("/sparql", params=params)
    assert response.status_code == status, response.text
    if status != 200:
        assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.server
def test_a_tiny_budget_sends_look_ups_to_the_workers(
    tmp_path_factory: pytest.TempPathFactory, store_path: Path
) -> None:
    query = PREFIXES + BROAD
    answers = []
    for budget in ("0.000001", "0"):
        log = tmp_path_factory.mktemp("budget")
        with (
            serving(store_path, log, KG_FAST_PATH_MS=budget) as url,
            httpx.Client(base_url=url, timeout=10) as client,
        ):
            response = client.get("/sparql", params={"query": query})
        assert response.status_code == 200, response.text
        answers.append(solutions(response.content))
    assert answers[0] == answers[1] and sum(answers[0][1].values()) > 64


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_look_up_over_budget_is_walked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    from fastapi.testclient import TestClient

    from api.main import create_app
    from kg.config import Settings

    walks = []
    real_answer = fastpath.answer

    def counted(*args: object, **kwargs: object) -> object:
        walks.append(1)
        return real_answer(*args, **kwargs)  # type: ignore[arg-type]

    store = build_store(tmp_path / "store")
    settings = Settings(store_path=store, query_workers=0, fast_path_ms=0.000001)
    query = PREFIXES + BROAD
    with TestClient(create_app(settings)) as client:
        client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})  # opens the store
        monkeypatch.setattr(fastpath, "answer", counted)
        if method == "GET":
            response = client.get("/sparql", params={"query": query})
        else:
            response = client.post("/sparql", data={"query": query})
    assert response.status_code == 200
    assert sum(solutions(response.content)[1].values()) > 64  # answered by the general path
    assert len(walks) == 1
