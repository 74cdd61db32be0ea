"""The REST API: documents, citations, named queries and the service itself.

Interface tests go through a live uvicorn (``http``); a few app-level checks that
need another configuration use TestClient.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from api.deps import get_store
from api.main import create_app
from kg.config import Settings
from kg.store import Store

XIANG = "湘政办发〔2021〕79号"
YUE = "岳卫字〔2023〕2号"
YIZI = "益资政办发〔2023〕20号"

# Every form a 文号 may arrive in, raw or percent-encoded by the client.
XIANG_FORMS = [
    XIANG,
    "湘政办发[2021]79号",
    "湘政办发(2021)79号",
    "湘政办发（2021）79号",
    "湘政办发【2021】79号",
    "湘政办发﹝2021﹞79号",
    "湘政办发 〔2021〕 79号",
    quote("湘政办发[2021]79号", safe=""),
    quote(XIANG, safe=""),
]


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["status"] == status
    return dict(body)


# --- documents ------------------------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize("number", XIANG_FORMS, ids=lambda n: n.replace("%", "pct"))
def test_cited_by_in_any_bracket_form(http: httpx.Client, number: str) -> None:
    response = http.get(f"/documents/{number}/cited-by")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["number"] == XIANG
    assert [item["number"] for item in body["items"]] == [YUE, YIZI]
    assert body["total"] == 2
    assert all(item["title"] and item["iri"].startswith("https://") for item in body["items"])


@pytest.mark.server
@pytest.mark.parametrize(
    ("number", "citers"),
    [("国办发〔2017〕32号", [YUE]), ("益政办发(2022)23号", [YIZI]), (YUE, [])],
    ids=["national", "municipal", "none"],
)
def test_cited_by(http: httpx.Client, number: str, citers: list[str]) -> None:
    body = http.get(f"/documents/{number}/cited-by").json()
    assert [item["number"] for item in body["items"]] == citers


@pytest.mark.server
def test_cites_lists_numbered_and_titled_documents(http: httpx.Client) -> None:
    body = http.get(f"/documents/{YUE}/cites").json()
    assert body["number"] == YUE and body["total"] == 6
    assert {i["number"] for i in body["items"]} == {
        None,
        "国办发〔2017〕32号",
        "国卫医发〔2020〕13号",
        "岳卫函〔2022〕111号",
        "岳组发〔2019〕17号",
        XIANG,
    }


@pytest.mark.server
def test_document_facts(http: httpx.Client) -> None:
    body = http.get("/documents/益资政办发[2023]20号").json()
    assert body == {
        "number": YIZI,
        "iri": body["iri"],
        "title": "益阳市资阳区人民政府办公室印发《关于进一步深化改革推进资阳区卫生健康事业高质量发展的实施意见》的通知",
        "issuer": "益阳市资阳区人民政府办公室",
        "date": "2023-11-22",
        "type": "通知",
        "url": None,
        "cited_by_count": 0,
        "cites_count": 4,
    }
    assert quote(YIZI, safe="") in body["iri"]


@pytest.mark.server
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/documents/湘政办发〔2099〕1号", 404),
        ("/documents/湘政办发[2099]1号/cited-by", 404),
        ("/documents/湘政办发〔2099〕1号/cites", 404),
        ("/documents/不是文号", 400),
        ("/documents/不是文号/cited-by", 400),
        ("/nowhere", 404),
    ],
    ids=["unknown", "unknown-cited-by", "unknown-cites", "not-a-number", "not-a-number-cited-by",
         "no-route"],
)  # fmt: skip
def test_document_problems(http: httpx.Client, path: str, status: int) -> None:
    body = assert_problem(http.get(path), status)
    assert str(body["instance"]).startswith("/")


@pytest.mark.server
@pytest.mark.parametrize(
    ("params", "numbers"),
    [
        ({"year": "2023"}, {YUE, YIZI}),
        ({"issuer": "岳阳市卫生健康委员会"}, {YUE}),
        ({"issuer": "国务院办公厅"}, {"国办发〔2017〕32号"}),  # known from the catalogue
    ],
    ids=["year", "issuer", "catalogue-issuer"],
)
def test_list_documents(http: httpx.Client, params: dict[str, str], numbers: set[str]) -> None:
    body = http.get("/documents", params=params).json()
    assert {item["number"] for item in body["items"]} == numbers
    assert body["total"] == len(numbers)


@pytest.mark.server
def test_list_documents_validates_the_year(http: httpx.Client) -> None:
    assert_problem(http.get("/documents", params={"year": "二〇二三"}), 422)


# --- named queries -------------------------------------------------------------------


@pytest.mark.server
def test_named_queries_are_listed(http: httpx.Client) -> None:
    body = http.get("/queries").json()
    by_name = {q["name"]: q for q in body}
    assert {"cited_by", "cites", "document", "documents"} <= set(by_name)
    assert by_name["cited_by"]["params"][0] == {
        "name": "number",
        "kind": "docno",
        "required": True,
        "description": by_name["cited_by"]["params"][0]["description"],
    }


@pytest.mark.server
def test_named_query_runs_with_url_parameters(http: httpx.Client) -> None:
    body = http.get("/queries/cited_by", params={"number": "湘政办发【2021】79号"}).json()
    assert [row["citingNumber"] for row in body["rows"]] == [YUE, YIZI]
    assert body["total"] == 2 and body["name"] == "cited_by"


@pytest.mark.server
@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/queries/no_such_query", {}, 404),
        ("/queries/cited_by", {}, 400),
        ("/queries/cited_by", {"number": XIANG, "limit": "1"}, 400),
        ("/queries/cited_by", {"number": "第一号文件"}, 400),
    ],
    ids=["unknown-query", "missing-param", "unknown-param", "bad-number"],
)
def test_named_query_problems(
    http: httpx.Client, path: str, params: dict[str, str], status: int
) -> None:
    assert_problem(http.get(path, params=params), status)


# --- the service ---------------------------------------------------------------------------


OPERATION_IDS = [
    "dereference_graph",
    "dereference_id",
    "export_view",
    "export_view_post",
    "get_document",
    "get_edge_evidence",
    "get_entity",
    "get_jsonld_context",
    "get_node_facts",
    "get_ontology",
    "health",
    "list_agencies",
    "list_agency_task_load",
    "list_agency_tasks",
    "list_consortia",
    "list_consortium_members",
    "list_document_cited_by",
    "list_document_cites",
    "list_documents",
    "list_hospital_consortia",
    "list_hospital_links",
    "list_hospitals",
    "list_people",
    "list_programme_documents",
    "list_programmes",
    "list_queries",
    "list_submissions",
    "list_tasks",
    "run_named_query",
    "search",
    "sparql_query_get",
    "sparql_query_post",
]


@pytest.mark.server
def test_operation_ids_are_stable(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    assert (
        sorted(op["operationId"] for item in paths.values() for op in item.values())
        == OPERATION_IDS
    )


@pytest.mark.server
def test_every_operation_has_an_example(http: httpx.Client) -> None:
    spec = http.get("/openapi.json").json()
    text = str(spec)
    for item in spec["paths"].values():
        for op in item.values():
            assert op.get("summary"), op["operationId"]
    # The examples that a reader of /docs sees first.
    assert XIANG in text and "examples" in text


@pytest.mark.server
def test_docs_and_health(http: httpx.Client) -> None:
    assert http.get("/docs").status_code == 200
    health = http.get("/healthz").json()
    assert health == {"status": "ok", "graphs": 4}


def test_missing_store_is_a_503_problem(tmp_path: Path) -> None:
    client = TestClient(create_app(Settings(store_path=tmp_path / "absent")))
    body = assert_problem(client.get("/healthz"), 503)
    assert "kg build" in str(body["detail"])


def test_updates_run_when_the_deployment_allows_them(fresh_store: Store) -> None:
    client = TestClient(create_app(Settings(allow_updates=True), store=fresh_store))
    update = (
        "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
        "DELETE WHERE { GRAPH ?g { ?s eli:cites ?o } }"
    )
    assert client.post("/sparql", data={"update": update}).status_code == 204
    assert client.get(f"/documents/{XIANG}/cited-by").json()["total"] == 0
    # Even then an update is not a query, and GET never changes the graph.
    assert_problem(client.get("/sparql", params={"query": update}), 400)
    assert_problem(client.get("/sparql", params={"update": update}), 403)


def test_the_store_dependency_can_be_overridden(memory_store: Store) -> None:
    app = create_app(Settings(store_path=Path("/nonexistent")))
    app.dependency_overrides[get_store] = lambda: memory_store
    body = TestClient(app).get(f"/documents/{XIANG}").json()
    assert body["cited_by_count"] == 2


def test_look_ups_run_on_the_loop_for_the_embedded_store_and_off_it_for_a_remote_one(
    memory_store: Store,
) -> None:
    import asyncio
    import threading

    from api.deps import look_up
    from kg.store import RemoteStore

    # Nothing is sent: the look-up below only reports its thread.
    remote_store = RemoteStore("http://127.0.0.1:9/sparql")

    def where(_store: object) -> int:
        return threading.get_ident()

    async def both() -> tuple[int, int, int]:
        loop_thread = threading.get_ident()
        embedded = await look_up(memory_store, where, memory_store)
        remote = await look_up(remote_store, where, remote_store)
        return loop_thread, embedded, remote

    try:
        loop_thread, embedded, remote = asyncio.run(both())
    finally:
        remote_store.close()
    assert embedded == loop_thread and remote != loop_thread
