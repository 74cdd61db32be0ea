"""Every named query of queries/*.rq, with its expected result on the seed graph.

The seed graph is the real corpus built by the real pipeline (``seed_store_path``);
the expected facts come from the seed gold (tests/fixtures/gold/*.json), not from
whatever the extractor happens to emit today.  A case states the rows it expects:

- ``subset``: each expected row (a dict of some columns) is matched by a result row;
- ``exact``:  the result rows, cut down to the expected columns, are exactly these;
- ``first``:  the first result rows, cut down to the expected columns, are these;
- ``none``:   no expected rows are present (what must not come back).

Citation chains need depth > 1, which the seed corpus does not have, so
``cites_transitive`` also runs on a small graph of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.config import DEFAULT_IRI_BASE
from kg.rdf import ELI, HP, document_iri, entity_iri, graph_iri
from kg.rdf import node as n
from kg.sparql import query as kq
from kg.store import Store

GOLD = Path(__file__).parent / "fixtures" / "gold"
BASE = DEFAULT_IRI_BASE
HPNS = "https://w3id.org/cn-health-kg/ontology#"

YUE = "岳卫字〔2023〕2号"
QUJING = "曲政函〔2019〕485号"
YIZI = "益资政办发〔2023〕20号"
ZAOZHUANG = "〔2023〕字第26号"
XIANG = "湘政办发〔2021〕79号"
XIANNING_TITLE = "对市六届人大三次会议第068号建议的答复"


def gold(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLD / f"{stem}.json").read_text("utf-8"))
    return data


def hospital(name: str) -> str:
    return entity_iri(BASE, "hospital", name)


def agency(name: str) -> str:
    return entity_iri(BASE, "agency", name)


def gold_task_load(stem: str) -> list[tuple[str, int]]:
    """(agency, tasks) from a gold file, most tasks first."""
    counts: dict[str, int] = {}
    for task in gold(stem)["tasks"]:
        for unit in dict.fromkeys(task["responsible"]):
            counts[unit] = counts.get(unit, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def gold_replies() -> list[dict[str, str]]:
    """What each gold reply answers, in the columns of replies_by_proposing_body."""
    rows = []
    for path in sorted(GOLD.glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        answered = data.get("answers")
        if answered:
            rows.append(
                {
                    "submissionKind": answered["kind"],
                    "bodyName": answered["body"],
                    "session": answered["session"],
                    "submissionNumber": answered["number"],
                    "title": answered["title"],
                    "proposer": answered["proposer"],
                    "replyTitle": data["document"]["title"],
                    "repliedBy": data["document"]["issuer"],
                }
            )
    return rows


def gold_mentioning(programme: str) -> list[dict[str, str]]:
    """The gold documents that list ``programme``, by title."""
    return [
        {"programmeName": programme, "docTitle": data["document"]["title"]}
        for data in (json.loads(p.read_text("utf-8")) for p in sorted(GOLD.glob("*.json")))
        if programme in {p["name"] for p in data["programmes"]}
    ]


@dataclass(frozen=True)
class Case:
    """One named query run with ``params`` and the rows it must give."""

    id: str
    query: str
    params: dict[str, str]
    rows: list[dict[str, str]]
    mode: str = "subset"
    check: dict[str, Any] = field(default_factory=dict)  # column → value every row has


TOP_LOAD = gold_task_load("002_95a456216623b0c6")

CASES = [
    # --- documents and citations -------------------------------------------------
    Case(
        "cites-transitive-yue",
        "cites_transitive",
        {"number": "岳卫字[2023]2号"},
        [
            {"docNumber": c["number"], "depth": "1"}
            for c in gold("000_c00da1c6e20d841d")["cites"]
            if c["number"]
        ],
        check={"number": YUE},
    ),
    Case(
        "cites-transitive-depth-1",
        "cites_transitive",
        {"number": YIZI, "maxDepth": "1"},
        [{"docNumber": XIANG, "depth": "1"}, {"docNumber": "益政办发〔2022〕23号", "depth": "1"}],
        check={"depth": "1", "maxDepth": "1"},
    ),
    Case(
        "most-cited-first",
        "most_cited",
        {},
        [{"number": XIANG, "citedByCount": "2"}],  # cited by the 岳阳 reply and the 资阳 notice
        mode="first",
    ),
    Case(
        "most-cited-at-least-twice",
        "most_cited",
        {"minCitations": "2"},
        [{"number": XIANG, "citedByCount": "2"}],
        mode="exact",
    ),
    Case(
        "documents-by-issuer-full-name",
        "documents_by_issuer",
        {"issuer": "岳阳市卫生健康委员会"},
        [{"number": YUE, "issuerName": "岳阳市卫生健康委员会"}],
        mode="exact",
    ),
    Case(
        "documents-by-issuer-alias",
        "documents_by_issuer",
        {"issuer": "市卫健委"},  # the alias both 卫健委 replies use of their issuer
        [
            {"number": YUE, "issuerName": "岳阳市卫生健康委员会"},
            {"title": XIANNING_TITLE, "issuerName": "咸宁市卫生健康委员会"},
        ],
    ),
    Case(
        "documents-by-issuer-catalogue",
        "documents_by_issuer",
        {"issuer": "国务院办公厅"},
        [{"number": "国办发〔2017〕32号", "issuerName": "国务院办公厅"}],
    ),
    Case(
        "documents-by-year-2023",
        "documents_by_year",
        {},
        [{"year": "2023", "corpusDocuments": "3"}],  # 岳阳, 资阳 and 枣庄 are dated 2023
    ),
    # --- agencies and tasks --------------------------------------------------------
    Case(
        "task-load-yizi",
        "agencies_by_task_load",
        {"number": YIZI},
        [{"agencyName": TOP_LOAD[0][0], "tasks": str(TOP_LOAD[0][1])}],
        mode="first",
        check={"number": YIZI},
    ),
    Case(
        "task-load-yizi-ranked",
        "agencies_by_task_load",
        {"number": "益资政办发（2023）20号"},
        [
            {"agencyName": name, "tasks": str(count)}
            for name, count in TOP_LOAD
            if name.startswith("益阳市资阳区")
        ],
    ),
    Case("task-load-of-a-reply", "agencies_by_task_load", {"number": YUE}, [], mode="exact"),
    Case(
        "tasks-of-agency-by-alias",
        "tasks_of_agency",
        {"name": "区医保局"},
        [
            {"agencyName": "益阳市资阳区医疗保障局", "taskNumber": t["number"], "docNumber": YIZI}
            for t in gold("002_95a456216623b0c6")["tasks"]
            if "益阳市资阳区医疗保障局" in t["responsible"]
        ],
        mode="exact",
    ),
    Case(
        "tasks-of-agency-by-iri",
        "tasks_of_agency",
        {"agency": agency("益阳市资阳区卫生健康局"), "number": YIZI},
        [{"taskNumber": "5", "taskTitle": "加强医共体建设", "role": "lead"}],
        check={"agencyName": "益阳市资阳区卫生健康局", "docNumber": YIZI},
    ),
    Case(
        "tasks-of-agency-elsewhere",
        "tasks_of_agency",
        {"name": "区医保局", "number": YUE},
        [],
        mode="exact",
    ),
    Case(
        "tasks-by-title",
        "tasks",
        {"q": "医共体"},
        [{"taskNumber": "5", "title": "加强医共体建设", "docNumber": YIZI}],
    ),
    Case(
        "tasks-of-document",
        "tasks",
        {"number": YIZI},
        [
            {"taskNumber": t["number"], "title": t["title"]}
            for t in gold("002_95a456216623b0c6")["tasks"]
        ],
        mode="exact",
    ),
    Case(
        "agencies-by-name-substring",
        "agencies_by_name",
        {"q": "医保局"},
        [{"name": "益阳市资阳区医疗保障局"}],
    ),
    Case(
        "agencies-by-name-none",
        "agencies_by_name",
        {"q": "不存在的机关名称"},
        [],
        mode="exact",
    ),
    Case(
        "entities-consortia",
        "entities_by_name",
        {"q": "医共体", "type": HPNS + "Consortium"},
        [{"name": c["name"]} for c in gold("002_95a456216623b0c6")["consortia"] if c["lead"]],
        check={"class": HPNS + "Consortium"},
    ),
    # --- institutions and consortia ------------------------------------------------
    Case(
        "consortia-led-by-yiyang-tcm",
        "consortia_led_by",
        {"institution": "益阳市中医医院"},
        [
            {
                "leadName": "益阳市中医医院",
                "consortiumName": "益阳市中医医院医共体",
                "kind": "医共体",
            }
        ],
        mode="exact",
    ),
    Case(
        "consortia-led-by-anyone",
        "consortia_led_by",
        {},
        [
            {"leadName": c["lead"], "consortiumName": c["name"]}
            for stem in ("002_95a456216623b0c6", "003_1f72599712e05cfe", "004_66c316e58a9ebb9f")
            for c in gold(stem)["consortia"]
            if c["lead"]
        ],
    ),
    Case(
        "consortium-members-zaozhuang",
        "consortium_members",
        {"name": "枣庄市市中区人民医院医共体"},
        [{"memberName": "枣庄市市中区人民医院", "role": "lead"}]
        + [
            {"memberName": m, "role": "member"}
            for m in gold("004_66c316e58a9ebb9f")["consortia"][0]["members"]
        ],
        mode="exact",
    ),
    Case(
        "institution-links-hubei",
        "institution_links",
        {"institution": "湖北省人民医院"},
        [{"link": HPNS + "collaboratesWith", "direction": "out", "otherName": "赤壁市人民医院"}],
    ),
    Case(
        "institution-links-chibi-inbound",
        "institution_links",
        {"iri": hospital("赤壁市人民医院")},
        [{"link": HPNS + "collaboratesWith", "direction": "in", "otherName": "湖北省人民医院"}],
    ),
    # --- programmes ------------------------------------------------------------------
    Case(
        "documents-mentioning-programme",
        "documents_mentioning_programme",
        {"name": "优质服务基层行"},
        gold_mentioning("优质服务基层行"),  # the 岳阳 and the 咸宁 replies
        mode="exact",
    ),
    Case(
        "programmes-of-document",
        "programmes_by_document",
        {"number": YUE},
        [{"programmeName": "优质服务基层行"}, {"programmeName": "家庭医生签约服务"}],
        check={"docNumber": YUE},
    ),
    # --- replies and people ------------------------------------------------------------
    Case("replies-all", "replies_by_proposing_body", {}, gold_replies(), mode="exact"),
    Case(
        "replies-cppcc-proposals",
        "replies_by_proposing_body",
        {"kind": "提案"},
        [r for r in gold_replies() if r["submissionKind"] == "提案"],
        mode="exact",
    ),
    Case(
        "replies-by-full-body-name",
        "replies_by_proposing_body",
        {"body": "中国人民政治协商会议岳阳市委员会"},
        [{"submissionNumber": "141", "proposer": "姚添", "replyNumber": YUE}],
        mode="exact",
    ),
    Case(
        "people-cppcc-members",
        "people_in_roles",
        {"role": "政协委员"},
        [
            {"personName": "姚添", "docNumber": YUE},
            {"personName": "张金鹏", "docNumber": ZAOZHUANG},
        ],
        mode="exact",
    ),
    Case(
        "people-by-name",
        "people_in_roles",
        {"name": "许国欣"},
        [{"personName": "许国欣", "personRole": "人大代表", "docTitle": XIANNING_TITLE}],
        mode="exact",
    ),
    # --- one node and one edge -----------------------------------------------------------
    Case(
        "neighbourhood-hubei",
        "entity_neighbourhood",
        {"iri": hospital("湖北省人民医院")},
        [
            {
                "direction": "out",
                "predicate": HPNS + "collaboratesWith",
                "otherLabel": "赤壁市人民医院",
            },
            {"direction": "in", "predicate": HPNS + "mentions", "otherLabel": XIANNING_TITLE},
            {
                "direction": "out",
                "predicate": "http://www.w3.org/2004/02/skos/core#prefLabel",
                "other": "湖北省人民医院",
            },
        ],
    ),
    Case(
        "links-hubei",
        "entity_links",
        {"iri": hospital("湖北省人民医院")},
        [
            {
                "direction": "out",
                "predicate": HPNS + "collaboratesWith",
                "other": hospital("赤壁市人民医院"),
                "otherIsIri": "true",
            },
            {"direction": "in", "predicate": HPNS + "mentions", "otherIsIri": "true"},
            {
                "direction": "out",
                "predicate": "http://www.w3.org/2004/02/skos/core#prefLabel",
                "other": "湖北省人民医院",
                "otherIsIri": "false",
            },
        ],
    ),
    Case(
        "evidence-hubei-chibi",
        "evidence_for_edge",
        {
            "subject": hospital("湖北省人民医院"),
            "predicate": HPNS + "collaboratesWith",
            "object": hospital("赤壁市人民医院"),
        },
        [{"docTitle": XIANNING_TITLE}],
        mode="exact",
    ),
    Case(
        "evidence-count-hubei-chibi",
        "evidence_count",
        {
            "subject": hospital("湖北省人民医院"),
            "predicate": HPNS + "collaboratesWith",
            "object": hospital("赤壁市人民医院"),
        },
        [{"count": "1"}],
        mode="exact",
    ),
    Case(
        "node-evidence-count-hubei",
        "node_evidence_count",
        {"node": hospital("湖北省人民医院")},
        [{"count": "2"}],  # the collaboration with 赤壁市人民医院 and the mention
        mode="exact",
    ),
]


def canonical(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def project(rows: list[dict[str, Any]], columns: set[str]) -> list[dict[str, Any]]:
    return [{c: r.get(c) for c in sorted(columns)} for r in rows]


@pytest.fixture(scope="module")
def seed(seed_store_path: Path) -> Iterator[Store]:
    # Read-only: pyoxigraph locks a store opened for writing, and the server reads it too.
    store = Store(seed_store_path, read_only=True)
    yield store
    store.close()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_named_query_on_the_seed_graph(seed: Store, case: Case) -> None:
    rows = kq.run_query(seed, case.query, case.params)
    columns = {c for row in case.rows for c in row}
    got = project(rows, columns)
    if case.mode == "exact":
        assert sorted(map(canonical, got)) == sorted(map(canonical, case.rows)), rows
    elif case.mode == "first":
        assert got[: len(case.rows)] == case.rows, rows
    else:
        missing = [row for row in case.rows if row not in project(rows, set(row))]
        assert not missing, (missing, rows)
    for column, value in case.check.items():
        assert {r[column] for r in rows} == {value}, rows


def test_the_library_has_the_questions_of_the_issue() -> None:
    names = {q.name for q in kq.list_queries()}
    assert {c.query for c in CASES} <= names
    assert len(names) >= 15
    for query in kq.list_queries():
        text = query.path.read_text("utf-8")
        assert query.summary, query.name
        assert "# example:" in text, f"{query.name} has no example line"


def test_every_new_query_is_tested() -> None:
    tested = {c.query for c in CASES}
    untested = (
        {q.name for q in kq.list_queries()}
        - tested
        - {"cited_by", "cites", "document", "documents"}
    )
    assert not untested


# --- citation chains on a graph of their own -------------------------------------------


def chain_store() -> Store:
    """A→B→C→D→E→F→G, a shortcut A→C, and a cycle D→A, as the map stage writes them."""
    numbers = {x: f"测发〔2020〕{i}号" for i, x in enumerate("ABCDEFG", start=1)}
    edges = [("A", "B"), ("B", "C"), ("C", "D"), ("D", "E"), ("E", "F"), ("F", "G"),
             ("A", "C"), ("D", "A")]  # fmt: skip
    graph = ox.NamedNode(graph_iri(BASE, "chain"))
    quads = []
    for number in numbers.values():
        doc = ox.NamedNode(document_iri(BASE, number))
        quads.append(ox.Quad(doc, n(str(ELI.id_local)), ox.Literal(number), graph))
        quads.append(
            ox.Quad(
                doc,
                n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                n(str(HP.Document)),
                graph,
            )
        )
    for a, b in edges:
        quads.append(
            ox.Quad(
                ox.NamedNode(document_iri(BASE, numbers[a])),
                n(str(ELI.cites)),
                ox.NamedNode(document_iri(BASE, numbers[b])),
                graph,
            )
        )
    store = Store(None)
    store.replace_graphs([], {graph.value: quads})
    return store


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # Shortest chain wins (C is 1 away through the shortcut); A itself never counts.
        ({}, {"B": 1, "C": 1, "D": 2, "E": 3, "F": 4, "G": 5}),
        ({"maxDepth": "2"}, {"B": 1, "C": 1, "D": 2}),
        ({"maxDepth": "1"}, {"B": 1, "C": 1}),
    ],
    ids=["five-levels", "two-levels", "one-level"],
)
def test_cites_transitive_depths(params: dict[str, str], expected: dict[str, int]) -> None:
    store = chain_store()
    rows = kq.run_query(store, "cites_transitive", {"number": "测发〔2020〕1号", **params})
    got = {r["docNumber"]: int(kq.bound(r, "depth")) for r in rows}
    assert got == {f"测发〔2020〕{'ABCDEFG'.index(x) + 1}号": d for x, d in expected.items()}


@pytest.mark.parametrize("query", kq.list_queries(), ids=lambda q: q.name)
def test_every_example_answers_on_the_seed_graph(seed: Store, query: kq.NamedQuery) -> None:
    """``# example:`` values are what GET /queries and the YASGUI page offer: each
    query's must bind its required parameters and give rows on the seed corpus."""
    required = {p.name for p in query.params if p.required}
    assert query.examples or not required, f"{query.name} has no example"
    for example in query.example_values():
        assert required <= set(example), f"{query.name}: {example} leaves a required parameter"
        assert kq.run_query(seed, query.name, example), f"{query.name} {example}"
