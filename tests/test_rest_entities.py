"""The entity resources, asked over HTTP of a real server on the seed corpus (``seed_http``).

The five questions of the entities issue, each answered by one REST call and checked
against the seed gold (tests/fixtures/gold/*.json); then pagination and totals, names
in any width and by alias, the evidence behind an edge, and problems for what the
graph does not hold.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from kg.config import DEFAULT_IRI_BASE
from kg.rdf import entity_iri

GOLD = Path(__file__).parent / "fixtures" / "gold"
HP = "https://w3id.org/cn-health-kg/ontology#"
YUE = "岳卫字〔2023〕2号"
YIZI = "益资政办发〔2023〕20号"
XIANNING_TITLE = "对市六届人大三次会议第068号建议的答复"

pytestmark = pytest.mark.server


def gold(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLD / f"{stem}.json").read_text("utf-8"))
    return data


def all_gold() -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(GOLD.glob("*.json"))]


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"].startswith("public, max-age=")
    return response.json()


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["detail"] and body["instance"]
    return body


# --- the five questions -------------------------------------------------------------------


def test_which_agencies_carry_the_most_tasks(seed_http: httpx.Client) -> None:
    # 益资政办发〔2023〕20号 as a reader may type it: half-width brackets.
    body = ok(seed_http.get("/agencies/task-load", params={"document": "益资政办发[2023]20号"}))
    assert body["document"] == YIZI
    counts: dict[str, int] = {}
    for task in gold("002_95a456216623b0c6")["tasks"]:
        for unit in task["responsible"]:
            counts[unit] = counts.get(unit, 0) + 1
    top = max(counts.items(), key=lambda kv: kv[1])
    assert top == ("益阳市资阳区卫生健康局", 17)
    first = body["items"][0]
    assert (first["agency"]["name"], first["tasks"]) == top
    assert [i["tasks"] for i in body["items"]] == sorted(
        (i["tasks"] for i in body["items"]), reverse=True
    )
    got = {i["agency"]["name"]: i["tasks"] for i in body["items"]}
    # Every 资阳区 bureau of the gold carries as many tasks as the gold gives it.
    assert {k: v for k, v in counts.items() if k.startswith("益阳市资阳区")}.items() <= got.items()


def test_which_consortia_a_hospital_leads(seed_http: httpx.Client) -> None:
    body = ok(seed_http.get("/hospitals/益阳市中医医院/consortia"))
    led = {i["consortium"]["name"] for i in body["items"] if i["role"] == "lead"}
    expected = {
        c["name"]
        for c in gold("002_95a456216623b0c6")["consortia"]
        if c["lead"] == "益阳市中医医院"
    }
    assert led == expected == {"益阳市中医医院医共体"}
    assert body["institution"]["name"] == "益阳市中医医院"


@pytest.mark.parametrize(
    ("institution", "direction", "other"),
    [("湖北省人民医院", "out", "赤壁市人民医院"), ("赤壁市人民医院", "in", "湖北省人民医院")],
    ids=["from-hubei", "to-chibi"],
)
def test_which_institutions_one_supports_or_collaborates_with(
    seed_http: httpx.Client, institution: str, direction: str, other: str
) -> None:
    body = ok(seed_http.get(f"/hospitals/{institution}/links"))
    links = {(i["property"], i["direction"], i["other"]["name"]) for i in body["items"]}
    assert ("hp:collaboratesWith", direction, other) in links
    assert body["total"] == len(body["items"])


def test_which_documents_mention_a_programme(seed_http: httpx.Client) -> None:
    body = ok(seed_http.get("/programmes/优质服务基层行/documents"))
    titles = {d["title"] for d in body["items"]}
    expected = {
        g["document"]["title"]
        for g in all_gold()
        if "优质服务基层行" in {p["name"] for p in g["programmes"]}
    }
    assert titles == expected == {"对岳阳市政协九届二次会议第141号提案的答复", XIANNING_TITLE}
    assert YUE in {d["number"] for d in body["items"]}


def test_which_proposals_were_answered_and_by_whom(seed_http: httpx.Client) -> None:
    body = ok(seed_http.get("/submissions", params={"kind": "提案"}))
    got = {
        (s["body"], s["number"], s["proposer"], s["reply"]["title"], s["reply"]["issuer"])
        for s in body["items"]
    }
    expected = {
        (g["answers"]["body"], g["answers"]["number"], g["answers"]["proposer"],
         g["document"]["title"], g["document"]["issuer"])
        for g in all_gold()
        if g["answers"] and g["answers"]["kind"] == "提案"
    }  # fmt: skip
    assert got == expected
    assert {(b, n, p) for b, n, p, *_ in got} == {
        ("岳阳市政协", "141", "姚添"), ("曲靖市政协", "152", "民进曲靖市委"),
        ("枣庄市政协", "112184", "张金鹏"),
    }  # fmt: skip
    assert body["total"] == 3


def test_suggestions_to_a_peoples_congress_too(seed_http: httpx.Client) -> None:
    body = ok(seed_http.get("/submissions", params={"kind": "建议"}))
    assert [(s["body"], s["number"], s["proposer"]) for s in body["items"]] == [
        ("咸宁市人大", "068", "许国欣")
    ]
    assert body["items"][0]["reply"]["issuer"] == "咸宁市卫生健康委员会"


# --- lists: filter, pagination, totals ---------------------------------------------------


@dataclass(frozen=True)
class ListCase:
    id: str
    path: str
    q: str | None
    names: set[str]  # names that must be among the matches


LIST_CASES = [
    ListCase("agencies-by-alias-part", "/agencies", "医保局", {"益阳市资阳区医疗保障局"}),
    ListCase(
        "agencies-full-width-spaced", "/agencies", " 资阳区 卫生健康局 ", {"益阳市资阳区卫生健康局"}
    ),
    ListCase("hospitals", "/hospitals", "人民医院", {"湖北省人民医院", "赤壁市人民医院"}),
    ListCase(
        "consortia", "/consortia", "医共体", {"益阳市中医医院医共体", "枣庄市市中区人民医院医共体"}
    ),
    ListCase("programmes", "/programmes", "基层行", {"优质服务基层行"}),
    ListCase("programmes-full-width-plus", "/programmes", "互联网＋", {"互联网+医疗健康"}),
    ListCase("people", "/people", None, {p["name"] for g in all_gold() for p in g["people"]}),
]


@pytest.mark.parametrize("case", LIST_CASES, ids=lambda c: c.id)
def test_lists_find_names(seed_http: httpx.Client, case: ListCase) -> None:
    params = {"limit": 1000} | ({"q": case.q} if case.q else {})
    body = ok(seed_http.get(case.path, params=params))
    assert case.names <= {i["name"] for i in body["items"]}
    assert body["total"] == len(body["items"])


@pytest.mark.parametrize(
    "path", ["/agencies", "/hospitals", "/programmes", "/people", "/consortia"]
)
def test_pages_add_up_to_the_total(seed_http: httpx.Client, path: str) -> None:
    whole = ok(seed_http.get(path, params={"limit": 1000}))
    pages, offset = [], 0
    while offset < whole["total"]:
        page = ok(seed_http.get(path, params={"limit": 3, "offset": offset}))
        assert page["total"] == whole["total"] and len(page["items"]) <= 3
        pages += page["items"]
        offset += 3
    assert [i["iri"] for i in pages] == [i["iri"] for i in whole["items"]]
    assert ok(seed_http.get(path, params={"offset": whole["total"]}))["items"] == []


def test_people_carry_their_roles_and_no_contact_data(seed_http: httpx.Client) -> None:
    body = ok(seed_http.get("/people", params={"q": "姚添"}))
    assert [(p["name"], p["roles"]) for p in body["items"]] == [("姚添", ["政协委员"])]
    assert not re.search(r"\d{7,}", json.dumps(body["items"], ensure_ascii=False))


def test_tasks_of_a_document_and_by_title(seed_http: httpx.Client) -> None:
    whole = ok(seed_http.get("/tasks", params={"document": "益资政办发（2023）20号", "limit": 100}))
    assert whole["total"] == len(gold("002_95a456216623b0c6")["tasks"]) == 17
    found = ok(seed_http.get("/tasks", params={"q": "医共体"}))
    task = next(t for t in found["items"] if t["title"] == "加强医共体建设")
    assert {"益阳市资阳区卫生健康局", "益阳市资阳区医疗保障局"} <= set(task["units"])
    assert task["document"]["number"] == YIZI


# --- names and aliases ------------------------------------------------------------------------


ZIYANG_MEDICAL_INSURANCE = "益阳市资阳区医疗保障局"
ZYMI_IRI = entity_iri(DEFAULT_IRI_BASE, "agency", ZIYANG_MEDICAL_INSURANCE)


@pytest.mark.parametrize(
    "ident",
    [
        "区医保局",  # the alias the document uses
        ZIYANG_MEDICAL_INSURANCE,
        f" {ZIYANG_MEDICAL_INSURANCE[:3]} {ZIYANG_MEDICAL_INSURANCE[3:]}",  # spaced
        f"agency/{ZIYANG_MEDICAL_INSURANCE}",
        quote(ZYMI_IRI, safe=""),  # the whole IRI, percent-encoded as one segment
    ],
    ids=["alias", "full-name", "spaced", "kind-slash-name", "iri"],
)
def test_agency_tasks_by_any_name(seed_http: httpx.Client, ident: str) -> None:
    body = ok(seed_http.get(f"/agencies/{ident}/tasks", params={"limit": 100}))
    assert body["agency"] == {"iri": ZYMI_IRI, "name": ZIYANG_MEDICAL_INSURANCE}
    expected = {
        t["number"]
        for t in gold("002_95a456216623b0c6")["tasks"]
        if ZIYANG_MEDICAL_INSURANCE in t["responsible"]
    }
    assert {t["number"] for t in body["items"]} == expected
    assert body["total"] == len(expected) == 8
    assert {t["document"]["number"] for t in body["items"]} == {YIZI}
    assert {t["role"] for t in body["items"]} <= {"lead", "partner"}


def test_agency_tasks_paginate_and_filter_by_role(seed_http: httpx.Client) -> None:
    whole = ok(seed_http.get("/agencies/益阳市资阳区卫生健康局/tasks", params={"limit": 100}))
    assert whole["total"] == 17
    page = ok(
        seed_http.get("/agencies/益阳市资阳区卫生健康局/tasks", params={"limit": 5, "offset": 15})
    )
    assert len(page["items"]) == 2 and page["total"] == 17
    leads = ok(seed_http.get("/agencies/益阳市资阳区卫生健康局/tasks", params={"role": "lead"}))
    assert leads["total"] == whole["lead_total"] and all(
        t["role"] == "lead" for t in leads["items"]
    )


def test_consortium_members_lead_and_members(seed_http: httpx.Client) -> None:
    consortium = gold("004_66c316e58a9ebb9f")["consortia"][0]
    body = ok(seed_http.get(f"/consortia/{consortium['name']}/members"))
    assert [m["name"] for m in body["lead"]] == [consortium["lead"]]
    assert {m["name"] for m in body["members"]} == set(consortium["members"])


def test_an_entity_with_relations_and_evidence(seed_http: httpx.Client) -> None:
    body = ok(seed_http.get("/entities/湖北省人民医院"))
    assert body["name"] == "湖北省人民医院"
    assert HP + "HealthInstitution" in body["types"]
    assert body["attributes"]["hp:typeName"] == ["人民医院"]
    relations = {(r["property"], r["direction"], r["other"]["name"]) for r in body["relations"]}
    assert ("hp:collaboratesWith", "out", "赤壁市人民医院") in relations
    assert ("hp:mentions", "in", XIANNING_TITLE) in relations
    spans = body["evidence"]
    assert spans and body["evidence_total"] >= len(spans)
    for span in spans:
        assert span["exact"] and span["exact"] in span["sentence"]
        assert span["end"] - span["start"] == len(span["exact"])
        assert span["document"]["title"] == XIANNING_TITLE


# --- one page of an entity's relations ------------------------------------------------------


@dataclass(frozen=True)
class RelationPage:
    id: str
    entity: str
    params: dict[str, int]
    page: slice  # which part of the whole ordered list the page is


RELATION_PAGES = [
    RelationPage("second-of-three", "湖北省人民医院", {"relation_limit": 1, "relation_offset": 1},
                 slice(1, 2)),
    RelationPage("default-page", "湖北省人民医院", {}, slice(0, 100)),
    RelationPage("limit-beyond-total", "赤壁市人民医院", {"relation_limit": 500}, slice(0, 500)),
    RelationPage("offset-past-the-end", "赤壁市人民医院", {"relation_offset": 4}, slice(4, 104)),
    RelationPage("limit-zero", "益阳市中医医院", {"relation_limit": 0}, slice(0, 0)),
    RelationPage("middle-of-an-agency", "益阳市资阳区卫生健康局",
                 {"relation_limit": 5, "relation_offset": 10}, slice(10, 15)),
    RelationPage("last-of-an-agency", "益阳市资阳区卫生健康局",
                 {"relation_limit": 5, "relation_offset": 23}, slice(23, 28)),
]  # fmt: skip


def relation_key(relation: dict[str, Any]) -> tuple[bool, str, str]:
    return (relation["direction"] != "out", relation["property"], relation["other"]["iri"])


@pytest.mark.parametrize("case", RELATION_PAGES, ids=lambda c: c.id)
def test_a_page_of_relations(seed_http: httpx.Client, case: RelationPage) -> None:
    whole = ok(seed_http.get(f"/entities/{case.entity}", params={"relation_limit": 10_000}))
    everything = whole["relations"]
    assert whole["relations_total"] == len(everything) >= 3
    assert [relation_key(r) for r in everything] == sorted(relation_key(r) for r in everything)
    body = ok(seed_http.get(f"/entities/{case.entity}", params=case.params))
    assert body["relations"] == everything[case.page]
    assert body["relations_total"] == whole["relations_total"]
    assert body["relation_offset"] == case.params.get("relation_offset", 0)
    assert body["relation_limit"] == case.params.get("relation_limit", 100)
    # Names, types and attributes are whole on every page.
    for key in ("name", "aliases", "types", "attributes", "evidence_total"):
        assert body[key] == whole[key], key


def test_relation_pages_add_up_to_the_whole_list(seed_http: httpx.Client) -> None:
    path = "/entities/益阳市资阳区卫生健康局"
    whole = ok(seed_http.get(path, params={"relation_limit": 10_000}))
    pages = [
        ok(seed_http.get(path, params={"relation_limit": 4, "relation_offset": offset}))
        for offset in range(0, whole["relations_total"], 4)
    ]
    assert [r for page in pages for r in page["relations"]] == whole["relations"]
    assert {(r["property"], r["direction"]) for r in whole["relations"]} >= {
        ("hp:leadUnit", "in"), ("hp:responsibleUnit", "in"), ("hp:mentions", "in")
    }  # fmt: skip


def test_relation_limit_is_capped_by_the_result_limit(seed_http: httpx.Client) -> None:
    body = ok(seed_http.get("/entities/湖北省人民医院", params={"relation_limit": 10**9}))
    assert body["relation_limit"] == 10_000  # KG_RESULT_LIMIT's default
    assert len(body["relations"]) == body["relations_total"]


def test_an_entity_as_jsonld_keeps_its_names_and_evidence(seed_http: httpx.Client) -> None:
    response = seed_http.get(
        "/entities/湖北省人民医院",
        params={"relation_limit": 1},
        headers={"Accept": "application/ld+json"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    body = response.json()
    assert body["@id"] == entity_iri(DEFAULT_IRI_BASE, "hospital", "湖北省人民医院")
    assert body["@context"][1] == {"relations": None}
    assert len(body["relations"]) == 1 and body["relations_total"] == 3
    assert body["name"] == "湖北省人民医院" and body["evidence"]


@pytest.mark.parametrize(
    "ident",
    [
        "湖北省人民医院",
        "hospital/湖北省人民医院",
        entity_iri(DEFAULT_IRI_BASE, "hospital", "湖北省人民医院"),
    ],
    ids=["name", "kind-slash-name", "raw-iri"],
)
def test_an_entity_by_name_or_iri(seed_http: httpx.Client, ident: str) -> None:
    body = ok(seed_http.get(f"/entities/{ident}"))
    assert body["iri"] == entity_iri(DEFAULT_IRI_BASE, "hospital", "湖北省人民医院")


def test_why_is_this_edge_here(seed_http: httpx.Client) -> None:
    body = ok(
        seed_http.get(
            "/edges/evidence",
            params={
                "subject": "湖北省人民医院",
                "predicate": "hp:collaboratesWith",
                "object": "赤壁市人民医院",
            },
        )
    )
    assert body["predicate"] == HP + "collaboratesWith"
    assert body["total"] == len(body["items"]) >= 1
    span = body["items"][0]
    assert span["document"]["title"] == XIANNING_TITLE
    assert "湖北省人民医院" in span["sentence"] and "赤壁市人民医院" in span["sentence"]
    assert (span["subject"], span["object"]) == (body["subject"]["iri"], body["object"]["iri"])


# --- problems -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/entities/不存在的机构名称", {}, 404),
        ("/agencies/不存在的机关/tasks", {}, 404),
        ("/consortia/不存在的医共体/members", {}, 404),
        ("/programmes/不存在的项目/documents", {}, 404),
        ("/hospitals/市中医医院/links", {}, 409),  # an alias of two hospitals
        (
            "/edges/evidence",
            {"subject": "赤壁市人民医院", "predicate": "hp:leads", "object": "湖北省人民医院"},
            404,
        ),
        ("/edges/evidence", {"subject": "湖北省人民医院", "predicate": "nope:x", "object": "赤壁市人民医院"}, 400),
        ("/agencies", {"limit": 0}, 422),
        ("/submissions", {"kind": "议案"}, 422),
        ("/entities/湖北省人民医院", {"relation_limit": -1}, 422),
        ("/entities/湖北省人民医院", {"relation_offset": -1}, 422),
        ("/entities/湖北省人民医院", {"relation_limit": "all"}, 422),
        ("/entities/湖北省人民医院", {"relation_offset": 1_000_001}, 422),
        ("/entities/不存在的机构名称", {"relation_limit": 1}, 404),
    ],
    ids=["entity", "agency", "consortium", "programme", "ambiguous", "no-edge", "bad-prefix",
         "bad-limit", "bad-kind", "negative-relation-limit", "negative-relation-offset",
         "word-relation-limit", "huge-relation-offset", "paged-unknown-entity"],
)  # fmt: skip
def test_problems(seed_http: httpx.Client, path: str, params: dict[str, Any], status: int) -> None:
    problem(seed_http.get(path, params=params), status)


def test_every_new_parameter_has_an_example(seed_http: httpx.Client) -> None:
    spec = seed_http.get("/openapi.json").json()
    prefixes = ("/agencies", "/hospitals", "/consortia", "/programmes", "/people", "/tasks",
                "/submissions", "/entities", "/edges")  # fmt: skip
    for path, item in spec["paths"].items():
        if not path.startswith(prefixes):
            continue
        for op in item.values():
            assert op["summary"] and op["operationId"]
            for param in op.get("parameters", []):
                assert param.get("examples") or param["schema"].get("examples"), (
                    path,
                    param["name"],
                )
