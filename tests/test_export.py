"""Graph export: views of the seed graph, every file format read back, the API and the CLI.

The views are projected from the real seed corpus (``seed_store_path``, opened
read-only).  Each file format is read back by the tool that would read it (networkx
for GraphML, GEXF and node-link JSON; pyoxigraph for Turtle and JSON-LD; lxml with
the GEXF 1.2 schema; graphviz's ``dot`` when installed).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import networkx as nx
import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import NotFound, QueryError, QueryRefused
from kg.store import Store
from kg.views import projections as kx

REPO = Path(__file__).resolve().parent.parent
GEXF_XSD = REPO / "tests" / "fixtures" / "gexf" / "gexf.xsd"
GOLD_ZIYANG = REPO / "tests" / "fixtures" / "gold" / "002_95a456216623b0c6.json"

XIANG = "湘政办发〔2021〕79号"
CITING_XIANG = {"岳卫字〔2023〕2号", "益资政办发〔2023〕20号"}
ZIYANG = "益资政办发〔2023〕20号"
HOSPITAL = "益阳市中医医院"
CONSORTIUM = "益阳市中医医院医共体"


@pytest.fixture(scope="module")
def seed(seed_store_path: Path) -> Iterator[Store]:
    store = Store(seed_store_path, read_only=True)
    yield store
    store.close()


@pytest.fixture(scope="module")
def views(seed: Store) -> dict[str, kx.Projection]:
    return {
        "citations": kx.project(seed, "citations"),
        "organisations": kx.project(seed, "organisations"),
        "neighbourhood": kx.project(seed, "neighbourhood", root=HOSPITAL, depth=2),
    }


VIEW_NAMES = ("citations", "organisations", "neighbourhood")


def by_label(graph: nx.MultiDiGraph, label: str) -> str:
    matches = [n for n, d in graph.nodes(data=True) if d.get("label") == label]
    assert len(matches) == 1, f"{label}: {matches}"
    return matches[0]


# --- the views ------------------------------------------------------------------------------


def test_citation_view_shows_who_cites_the_provincial_opinion(
    views: dict[str, kx.Projection],
) -> None:
    graph = views["citations"]
    xiang = by_label(graph, XIANG)
    citing = {graph.nodes[u]["label"] for u, _, key in graph.in_edges(xiang, keys=True)}
    assert citing == CITING_XIANG
    assert {key for _, _, key in graph.in_edges(xiang, keys=True)} == {kx.ELI + "cites"}
    facts = graph.nodes[xiang]
    assert facts["type"] == "Document" and facts["number"] == XIANG and facts["year"] == 2021
    assert "促进基层卫生健康事业高质量发展" in facts["title"]
    # A citation edge carries the date of the citing document, for Gephi's timeline.
    dates = {d["date"] for _, _, d in graph.in_edges(xiang, data=True)}
    assert dates == {"2023-06-29", "2023-11-22"}


def test_citation_view_holds_only_documents(views: dict[str, kx.Projection]) -> None:
    graph = views["citations"]
    assert {d["type"] for _, d in graph.nodes(data=True)} <= {"Document", "Reply"}
    assert {k for _, _, k in graph.edges(keys=True)} == {kx.ELI + "cites"}
    # Catalogue-only documents that nothing cites stay out of the view.
    assert graph.number_of_nodes() < 200


def test_citation_view_uses_catalogue_facts(views: dict[str, kx.Projection]) -> None:
    graph = views["citations"]
    national = graph.nodes[by_label(graph, "国办发〔2017〕32号")]
    assert national.get("url", "").startswith("http")
    assert national.get("published", "").startswith("2017-")


def test_organisation_view_shows_ziyang_tasks_with_their_agencies(
    views: dict[str, kx.Projection], seed: Store
) -> None:
    graph = views["organisations"]
    tasks = {
        n: d
        for n, d in graph.nodes(data=True)
        if d["type"] == "Task" and d.get("document") == ZIYANG
    }
    gold = json.loads(GOLD_ZIYANG.read_text(encoding="utf-8"))["tasks"]
    labels = {d["label"] for d in tasks.values()}
    assert {f"{t['number']}. {t['title']}" for t in gold} <= labels
    # Every responsibility the graph states appears as agency → task with its role.
    rows = seed.select(
        """PREFIX hp: <https://w3id.org/cn-health-kg/ontology#>
        SELECT ?task ?unit (MAX(?isLead) AS ?lead) WHERE {
          { ?task hp:responsibleUnit ?unit BIND(0 AS ?isLead) }
          UNION { ?task hp:leadUnit ?unit BIND(1 AS ?isLead) }
        } GROUP BY ?task ?unit"""
    )
    expected = {(r["unit"], r["task"], "lead" if r["lead"] == "1" else "partner") for r in rows}
    found = {
        (u, t, d["role"])
        for u, t, k, d in graph.edges(keys=True, data=True)
        if k == kx.RESPONSIBLE_FOR
    }
    assert found == expected
    ziyang_units = {
        graph.nodes[u]["label"]
        for u, t, k in graph.edges(keys=True)
        if k == kx.RESPONSIBLE_FOR and t in tasks
    }
    assert "益阳市资阳区卫生健康局" in ziyang_units
    task_one = by_label(graph, f"1. {gold[0]['title']}")
    units = {
        graph.nodes[u]["type"]
        for u, _, k in graph.in_edges(task_one, keys=True)
        if k == kx.RESPONSIBLE_FOR
    }
    assert units and units <= {"Agency", "HealthInstitution", "Consortium"}
    document = by_label(graph, ZIYANG)
    assert graph.has_edge(document, task_one, key=kx.HP + "hasTask")


def test_organisation_view_links_a_hospital_to_its_consortium(
    views: dict[str, kx.Projection],
) -> None:
    graph = views["organisations"]
    hospital, consortium = by_label(graph, HOSPITAL), by_label(graph, CONSORTIUM)
    assert graph.has_edge(hospital, consortium, key=kx.HP + "leads")
    assert graph.nodes[consortium]["type"] == "Consortium"


@pytest.mark.parametrize(
    ("root", "depth"),
    [
        (HOSPITAL, 1),
        ("https://w3id.org/cn-health-kg/id/hospital/" + quote(HOSPITAL), 1),
        (HOSPITAL, 0),
    ],
    ids=["by-name", "by-iri", "depth-0"],
)
def test_neighbourhood_of_a_hospital(seed: Store, root: str, depth: int) -> None:
    graph = kx.project(seed, "neighbourhood", root=root, depth=depth)
    labels = {d["label"] for _, d in graph.nodes(data=True)}
    assert HOSPITAL in labels
    if depth == 0:
        assert graph.number_of_nodes() == 1
        return
    assert {CONSORTIUM, ZIYANG} <= labels
    # Evidence nodes stay beside the graph, not in it.
    assert "Evidence" not in {d["type"] for _, d in graph.nodes(data=True)}


def test_neighbourhood_by_document_number_in_any_bracket_form(seed: Store) -> None:
    graph = kx.project(seed, "neighbourhood", root="湘政办发[2021]79号")
    assert {d["label"] for _, d in graph.nodes(data=True)} >= {XIANG, *CITING_XIANG}


def test_neighbourhood_is_capped(seed: Store) -> None:
    graph = kx.project(seed, "neighbourhood", root=ZIYANG, depth=2, max_nodes=10)
    assert graph.number_of_nodes() == 10 and graph.graph["truncated"] is True


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"view": "nope"}, NotFound, "no view"),
        ({"view": "neighbourhood"}, QueryError, "needs a root"),
        ({"view": "neighbourhood", "root": HOSPITAL, "depth": 4}, QueryError, "depth"),
        ({"view": "neighbourhood", "root": "没有这个机构"}, NotFound, "search for it"),
        ({"view": "neighbourhood", "root": "https://example.org/none"}, NotFound, "says nothing"),
        ({"view": "construct"}, QueryError, "needs a query"),
        (
            {"view": "construct", "query": "SELECT * { ?s ?p ?o }"},
            QueryRefused,
            "starts with SELECT",
        ),
        ({"view": "construct", "query": "ASK { ?s ?p ?o }"}, QueryRefused, "CONSTRUCT"),
        ({"view": "construct", "query": "DELETE WHERE { ?s ?p ?o }"}, QueryRefused, "read-only"),
        (
            {
                "view": "construct",
                "query": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://x.example/> { ?s ?p ?o } }",
            },
            QueryRefused,
            "SERVICE",
        ),
        ({"view": "construct", "query": "CONSTRUCT { ?s ?p } WHERE {"}, QueryError, "syntax"),
    ],
    ids=[
        "unknown-view",
        "no-root",
        "too-deep",
        "unknown-name",
        "unknown-iri",
        "no-query",
        "select",
        "ask",
        "update",
        "service",
        "malformed",
    ],
)
def test_bad_requests_are_refused_clearly(
    seed: Store, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    view = str(kwargs.pop("view"))
    with pytest.raises(error, match=message):
        kx.project(seed, view, **kwargs)  # type: ignore[arg-type]


def test_construct_view_of_a_users_query(seed: Store) -> None:
    query = """# consortia and who leads them
    PREFIX hp: <https://w3id.org/cn-health-kg/ontology#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    CONSTRUCT { ?h hp:leads ?c . ?h skos:prefLabel ?hn . ?c skos:prefLabel ?cn . ?c a hp:Consortium }
    WHERE { ?h hp:leads ?c . ?h skos:prefLabel ?hn . ?c skos:prefLabel ?cn . ?c a hp:Consortium }"""
    graph = kx.project(seed, "construct", query=query)
    hospital, consortium = by_label(graph, HOSPITAL), by_label(graph, CONSORTIUM)
    assert graph.has_edge(hospital, consortium, key=kx.HP + "leads")
    assert graph.nodes[consortium]["type"] == "Consortium"
    assert graph.nodes[hospital]["type"] == "Resource"  # the query gave it no class


# --- formats read back -----------------------------------------------------------------------------


def node_table(graph: nx.MultiDiGraph) -> dict[str, tuple[object, ...]]:
    return {
        d["iri"]: (d["label"], d["type"], d.get("year"), d.get("title"))
        for _, d in graph.nodes(data=True)
    }


def edge_table(graph: nx.MultiDiGraph) -> Counter[tuple[str, str, str, object]]:
    return Counter(
        (graph.nodes[u]["iri"], graph.nodes[v]["iri"], d["predicate"], d.get("role"))
        for u, v, d in graph.edges(data=True)
    )


def read_back(fmt: str, data: bytes) -> nx.MultiDiGraph:
    if fmt == "graphml":
        return nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    if fmt == "gexf":
        return nx.read_gexf(io.BytesIO(data), version="1.2draft")
    return nx.node_link_graph(json.loads(data), edges="edges")


@pytest.mark.parametrize("view", VIEW_NAMES)
@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_networkx_reads_back_the_same_graph(
    views: dict[str, kx.Projection], view: str, fmt: str
) -> None:
    graph = views[view]
    back = read_back(fmt, kx.render(graph, fmt))
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert node_table(back) == node_table(graph)
    assert edge_table(back) == edge_table(graph)


@pytest.mark.parametrize("view", VIEW_NAMES)
def test_gexf_is_valid_gexf_1_2(views: dict[str, kx.Projection], view: str) -> None:
    etree = pytest.importorskip("lxml.etree")
    schema = etree.XMLSchema(etree.parse(str(GEXF_XSD)))
    document = etree.fromstring(kx.render(views[view], "gexf"))
    assert schema.validate(document), schema.error_log


def test_the_gexf_schema_is_strict() -> None:
    etree = pytest.importorskip("lxml.etree")
    schema = etree.XMLSchema(etree.parse(str(GEXF_XSD)))
    bad = (
        b'<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2"><graph name="x" mode="static">'
        b'<nodes><node id="a"/></nodes></graph></gexf>'
    )
    assert not schema.validate(etree.fromstring(bad))
    good = bad.replace(b' name="x"', b"")
    assert schema.validate(etree.fromstring(good)), schema.error_log


def test_gexf_of_citations_is_dynamic_by_date(views: dict[str, kx.Projection]) -> None:
    etree = pytest.importorskip("lxml.etree")
    ns = {"g": "http://www.gexf.net/1.2draft"}
    document = etree.fromstring(kx.render(views["citations"], "gexf"))
    graph = document.find("g:graph", ns)
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    starts = {n.get("label"): n.get("start") for n in graph.iterfind("g:nodes/g:node", ns)}
    assert starts["岳卫字〔2023〕2号"] == "2023-06-29"
    edge_starts = {e.get("start") for e in graph.iterfind("g:edges/g:edge", ns)}
    assert "2023-11-22" in edge_starts


@pytest.mark.parametrize("view", VIEW_NAMES)
def test_cytoscape_json_elements(views: dict[str, kx.Projection], view: str) -> None:
    graph = views[view]
    document = json.loads(kx.render(graph, "cyjs"))
    nodes, edges = document["elements"]["nodes"], document["elements"]["edges"]
    assert len(nodes) == graph.number_of_nodes() and len(edges) == graph.number_of_edges()
    ids = {n["data"]["id"] for n in nodes}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    assert len({e["data"]["id"] for e in edges} | ids) == len(edges) + len(ids)  # all ids unique
    assert all(n["data"]["label"] and n["data"]["type"] for n in nodes)


_DOT_STATEMENT = re.compile(
    r'^\s*(?:"(?:[^"\\]|\\.)*"(?:\s*->\s*"(?:[^"\\]|\\.)*")?'
    r'\s*\[(?:\s*"(?:[^"\\]|\\.)*"="(?:[^"\\]|\\.)*",?)*\s*\];'
    r"|(?:graph|node|edge) \[.*\];)$"
)


@pytest.mark.parametrize("view", VIEW_NAMES)
def test_dot_parses(views: dict[str, kx.Projection], view: str, tmp_path: Path) -> None:
    graph = views[view]
    text = kx.render(graph, "dot").decode("utf-8")
    lines = text.strip().splitlines()
    assert lines[0].startswith("digraph ") and lines[0].endswith("{") and lines[-1] == "}"
    body = lines[1:-1]
    assert all(_DOT_STATEMENT.match(line) for line in body), [
        line for line in body if not _DOT_STATEMENT.match(line)
    ][:3]
    assert sum(" -> " in line for line in body) == graph.number_of_edges()
    assert any("湘政办发〔2021〕79号" in line or HOSPITAL in line for line in body)
    if shutil.which("dot"):
        result = subprocess.run(
            ["dot", "-Tsvg"], input=text.encode(), capture_output=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr.decode()


def _dot_unquote(token: str) -> str:
    assert token.startswith('"') and token.endswith('"')
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), token[1:-1])


@given(st.text())
def test_dot_strings_quote_any_text(text: str) -> None:
    quoted = kx._dot_id(text)
    assert re.fullmatch(r'"(?:[^"\\\n\r]|\\.)*"', quoted)
    assert _dot_unquote(quoted) == text.replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.parametrize("view", VIEW_NAMES)
@pytest.mark.parametrize(
    ("fmt", "rdf_format"), [("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD)]
)
def test_rdf_formats_hold_the_same_triples(
    views: dict[str, kx.Projection], view: str, fmt: str, rdf_format: ox.RdfFormat
) -> None:
    graph = views[view]
    triples = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(kx.render(graph, fmt), format=rdf_format)
    }
    assert triples == set(graph.triples)
    assert len(triples) > graph.number_of_nodes()


def test_lists_are_flattened_for_every_writer() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node(
        "a", label="甲", type="Agency", iri="a", aliases=["甲局", "甲委"], extra={"k": 1}
    )
    graph.add_node("b", label="乙", type="Agency", iri="b", codes={2, 1})
    graph.add_edge("a", "b", key="p", predicate="p", label="p", sources=("x", "y"))
    for fmt in ("graphml", "gexf", "json"):
        back = read_back(fmt, kx.render(graph, fmt))
        node = next(d for _, d in back.nodes(data=True) if d.get("label") == "甲")
        assert node["aliases"] == "甲局; 甲委", fmt
        assert (
            next(d for _, d in back.nodes(data=True) if d.get("label") == "乙")["codes"] == "1; 2"
        )


@pytest.mark.parametrize("view", ["citations", "organisations"])
def test_png_and_svg_pictures(views: dict[str, kx.Projection], view: str) -> None:
    png = kx.render(views[view], "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 20_000
    svg = kx.render(views[view], "svg").decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and len(svg) > 20_000
    # Text is drawn as glyph outlines (legible without the font), and named in comments.
    assert re.search(r"[\u4e00-\u9fff]", svg)
    assert svg.count("<use ") > 50 and "<path" in svg


def test_picture_of_a_large_view_keeps_the_best_connected_nodes(
    views: dict[str, kx.Projection],
) -> None:
    from kg.views import draw

    svg = draw(views["organisations"], "svg", max_nodes=20, max_labels=5).decode("utf-8")
    assert "显示度数最高的 20 个节点" in svg


def test_export_names_the_file(seed: Store) -> None:
    content, media_type, filename = kx.export(seed, "neighbourhood", "gexf", root=HOSPITAL, depth=2)
    assert media_type == "application/gexf+xml"
    assert filename == f"neighbourhood-{HOSPITAL}-2.gexf"
    assert content.startswith(b"<?xml")
    with pytest.raises(QueryError, match="formats"):
        kx.export(seed, "citations", "xlsx")


def test_node_facts_carry_links_and_evidence(seed: Store) -> None:
    facts = kx.node_facts(seed, HOSPITAL)
    assert facts.label == HOSPITAL and facts.type == "HealthInstitution"
    assert any(link.label == CONSORTIUM and link.predicate == "leads" for link in facts.links)
    assert facts.evidence and all(ev.sentence for ev in facts.evidence)
    assert any(HOSPITAL in ev.sentence for ev in facts.evidence)
    assert {ev.document_label for ev in facts.evidence} == {ZIYANG}


# --- CLI ---------------------------------------------------------------------------------------------


def test_cli_writes_binary_to_stdout(seed_store_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["export", "citations", "--format", "png", "--store", str(seed_store_path)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"\x89PNG")


def test_cli_writes_a_file_and_reads_a_query_file(seed_store_path: Path, tmp_path: Path) -> None:
    query = tmp_path / "leads.rq"
    query.write_text(
        "PREFIX hp: <https://w3id.org/cn-health-kg/ontology#>\n"
        "CONSTRUCT { ?a hp:leads ?b } WHERE { ?a hp:leads ?b }\n",
        encoding="utf-8",
    )
    out = tmp_path / "leads.graphml"
    result = CliRunner().invoke(
        app,
        [
            "export",
            "construct",
            "-f",
            "graphml",
            "--query",
            f"@{query}",
            "--store",
            str(seed_store_path),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert nx.read_graphml(out).number_of_edges() >= 1


def test_cli_reports_errors_with_exit_1(seed_store_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["export", "neighbourhood", "--root", "没有这个机构", "--store", str(seed_store_path)]
    )
    assert result.exit_code == 1
    assert "search for it" in result.output


# --- API -----------------------------------------------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize("fmt", kx.FORMATS)
def test_api_export_media_types_and_file_names(seed_http: httpx.Client, fmt: str) -> None:
    response = seed_http.get("/export/citations", params={"format": fmt})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == kx.MEDIA_TYPES[fmt].split(";")[0]
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="citations{kx.FILE_EXTENSIONS[fmt]}"' in disposition
    assert len(response.content) > 1_000


@pytest.mark.server
def test_api_neighbourhood_file_name_keeps_chinese(seed_http: httpx.Client) -> None:
    response = seed_http.get(
        "/export/neighbourhood", params={"format": "cyjs", "root": HOSPITAL, "depth": 1}
    )
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert f"filename*=UTF-8''{quote(f'neighbourhood-{HOSPITAL}-1.cyjs')}" in disposition
    labels = {n["data"]["label"] for n in response.json()["elements"]["nodes"]}
    assert {HOSPITAL, CONSORTIUM} <= labels


@pytest.mark.server
def test_api_construct_by_get_and_post(seed_http: httpx.Client) -> None:
    query = (
        "PREFIX hp: <https://w3id.org/cn-health-kg/ontology#> "
        "CONSTRUCT { ?a hp:leads ?b } WHERE { ?a hp:leads ?b }"
    )
    by_get = seed_http.get("/export/construct", params={"format": "ttl", "query": query})
    by_post = seed_http.post(
        "/export/construct",
        params={"format": "ttl"},
        content=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    form = seed_http.post("/export/construct", params={"format": "ttl"}, data={"query": query})
    assert by_get.status_code == by_post.status_code == form.status_code == 200
    assert by_get.headers["content-type"].startswith("text/turtle")
    turtle = [set(ox.parse(r.content, format=ox.RdfFormat.TURTLE)) for r in (by_get, by_post, form)]
    assert turtle[0] == turtle[1] == turtle[2] and turtle[0]


@pytest.mark.server
@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/export/construct", {"query": "SELECT * { ?s ?p ?o }"}, 403),
        ("/export/neighbourhood", {"root": "没有这个机构"}, 404),
        ("/export/neighbourhood", {"root": HOSPITAL, "depth": 9}, 422),
        ("/export/nope", {}, 422),
        ("/export/citations", {"format": "xlsx"}, 422),
        ("/export/node-facts", {"iri": "https://example.org/none"}, 404),
    ],
    ids=["select", "unknown-root", "too-deep", "unknown-view", "unknown-format", "unknown-node"],
)
def test_api_errors_are_problems(
    seed_http: httpx.Client, path: str, params: dict[str, str | int], status: int
) -> None:
    response = seed_http.get(path, params=params)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.server
def test_api_node_facts(seed_http: httpx.Client) -> None:
    body = seed_http.get("/export/node-facts", params={"iri": HOSPITAL}).json()
    assert body["type"] == "HealthInstitution"
    assert any(link["label"] == CONSORTIUM for link in body["links"])
    assert any(HOSPITAL in ev["sentence"] for ev in body["evidence"])


@pytest.mark.server
def test_explore_page_is_served_with_its_assets(seed_http: httpx.Client) -> None:
    page = seed_http.get("/explore")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for asset in re.findall(r'(?:src|href)="(/explore/[^"]+)"', page.text):
        assert seed_http.get(asset).status_code == 200, asset
    assert "http" not in " ".join(re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page.text))
    assert seed_http.get("/explore/..%2Fexplore.py").status_code == 404


@pytest.mark.server
@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"\xff\xfe CONSTRUCT WHERE { ?s ?p ?o }", "application/sparql-query", 400),  # not UTF-8
        (b"query=CONSTRUCT", "text/plain", 415),
        (b"x" * 1_000_001, "application/sparql-query", 413),  # over KG_MAX_BODY_BYTES
    ],
    ids=["not-utf8", "wrong-type", "too-large"],
)
def test_api_construct_post_refuses_bad_bodies(
    seed_http: httpx.Client, body: bytes, content_type: str, status: int
) -> None:
    response = seed_http.post(
        "/export/construct", content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"]
