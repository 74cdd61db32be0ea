"""The policy catalogue as an authority graph that joins cited documents by number."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from kg.config import Settings
from kg.errors import ConfigError
from kg.model import Citation, Document, Extraction, Header
from kg.rdf import (
    ELI,
    HP,
    catalogue_graph,
    catalogue_graph_iri,
    catalogue_quads,
    document_iri,
    joint_issuers,
    to_quads,
    to_rdflib_graph,
    validate,
)

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "kg" / "data" / "policy-catalogue" / "national_health_policies.csv"
SETTINGS = Settings()
BASE = SETTINGS.iri_base
SCHEMA_URL = URIRef("https://schema.org/url")


@pytest.fixture(scope="module")
def bundled() -> tuple[list[ox.Quad], int]:
    return catalogue_quads(BUNDLED, SETTINGS)


@pytest.mark.parametrize(
    ("number", "title"),
    [
        ("国办发〔2017〕32号", "国务院办公厅关于推进医疗联合体建设和发展的指导意见"),
        ("国卫医发〔2020〕13号", "医疗联合体管理办法（试行）"),
    ],
    ids=["guobanfa-2017-32", "guoweiyifa-2020-13"],
)
def test_cited_national_documents_are_present(
    bundled: tuple[list[ox.Quad], int], number: str, title: str
) -> None:
    quads, _ = bundled
    graph = to_rdflib_graph(quads)
    node = URIRef(document_iri(BASE, number))
    assert (node, RDF.type, HP.Document) in graph
    assert (node, ELI.id_local, Literal(number)) in graph
    titles = [str(t) for t in graph.objects(node, DCTERMS.title)]
    assert any(title in t for t in titles), titles
    urls = [str(u) for u in graph.objects(node, SCHEMA_URL)]
    assert urls and all(u.startswith(("http://www.gov.cn/", "https://www.gov.cn/")) for u in urls)
    assert graph.value(node, ELI.date_publication) is not None


def test_bundled_catalogue_is_in_its_own_graph(bundled: tuple[list[ox.Quad], int]) -> None:
    quads, skipped = bundled
    assert {q.graph_name for q in quads} == {ox.NamedNode(catalogue_graph_iri(BASE))}
    numbered = {q.subject for q in quads if q.predicate.value == str(ELI.id_local)}
    assert len(numbered) > 1200
    assert skipped < 10


def test_catalogue_node_is_the_citation_node() -> None:
    """A citation printed with [] and the catalogue's 〔〕 form meet at one IRI."""
    text = "依据国办发[2017]32号文件。"
    extraction = Extraction(
        document=Document("b" * 16, "b.txt", "b.txt", text, text, tuple(range(len(text) + 1))),
        header=Header(number="岳卫字〔2023〕2号", title="答复"),
        citations=[Citation("国办发[2017]32号", None)],
    )
    cited = {
        q.object for q in to_quads(extraction, SETTINGS) if q.predicate.value == str(ELI.cites)
    }
    quads, _ = catalogue_quads(BUNDLED, SETTINGS)
    assert cited and cited <= {q.subject for q in quads}


def _csv(tmp_path: Path, *rows: str, header: str = "number,title,issuer,date,url") -> Path:
    path = tmp_path / "catalogue.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


CASES = [
    (
        "numbered record",
        "湘政办发（2021）79号,湖南省人民政府办公厅关于促进基层卫生健康事业高质量发展的意见,湖南省政府办公厅,2021-12-31,https://www.hunan.gov.cn/a.html",
        document_iri(BASE, "湘政办发〔2021〕79号"),
        {
            ELI.id_local: "湘政办发〔2021〕79号",
            HP.issuerName: "湖南省政府办公厅",
            ELI.date_publication: "2021-12-31",
            SCHEMA_URL: "https://www.hunan.gov.cn/a.html",
        },
    ),
    (
        "record without number",
        ",国务院关于印发《国民健康规划》的通知,国务院,2026-07-30,https://www.gov.cn/b.html",
        document_iri(BASE, None, "国务院关于印发《国民健康规划》的通知"),
        {DCTERMS.title: "国务院关于印发《国民健康规划》的通知"},
    ),
    (
        "title with full-width spaces",
        ",国家卫生健康委员会令（第15号）　　国家卫生健康委关于修改部分部门规章的决定,国家卫生健康委,2026-08-20,",
        document_iri(
            BASE, None, "国家卫生健康委员会令（第15号）国家卫生健康委关于修改部分部门规章的决定"
        ),
        {DCTERMS.title: "国家卫生健康委员会令（第15号） 国家卫生健康委关于修改部分部门规章的决定"},
    ),
    (
        "unparseable number keeps the text",
        "AC-158-CA,某规范性文件,国家药监局,not a date,ftp://x",
        document_iri(BASE, None, "某规范性文件"),
        {HP.numberText: "AC-158-CA"},
    ),
]


@pytest.mark.parametrize(("case", "row", "iri", "facts"), CASES, ids=[c[0] for c in CASES])
def test_records(tmp_path: Path, case: str, row: str, iri: str, facts: dict) -> None:
    quads, _ = catalogue_quads(_csv(tmp_path, row), SETTINGS)
    graph = to_rdflib_graph(quads)
    node = URIRef(iri)
    assert (node, RDF.type, HP.Document) in graph
    for predicate, value in facts.items():
        assert str(graph.value(node, predicate)) == value, predicate


def test_bad_date_and_url_are_dropped_and_bad_number_counted(tmp_path: Path) -> None:
    quads, skipped = catalogue_quads(
        _csv(tmp_path, "AC-158-CA,某规范性文件,国家药监局,not a date,ftp://x"), SETTINGS
    )
    predicates = {q.predicate.value for q in quads}
    assert str(ELI.date_publication) not in predicates
    assert str(SCHEMA_URL) not in predicates
    assert skipped == 1


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        (None, "https://w3id.org/cn-health-kg/graph/catalogue"),
        ("provincial", "https://w3id.org/cn-health-kg/graph/catalogue/provincial"),
        ("https://example.org/g/hunan", "https://example.org/g/hunan"),
    ],
)
def test_graph_names(tmp_path: Path, graph: str | None, expected: str) -> None:
    assert catalogue_graph(BASE, graph) == expected
    quads, _ = catalogue_quads(
        _csv(tmp_path, ",关于某事的通知,国务院,2020-01-01,"), SETTINGS, graph
    )
    assert {q.graph_name for q in quads} == {ox.NamedNode(expected)}


def test_missing_column_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="number"):
        catalogue_quads(_csv(tmp_path, "a,b", header="title,url"), SETTINGS)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        catalogue_quads(tmp_path / "none.csv", SETTINGS)


def test_catalogue_sample_validates(tmp_path: Path) -> None:
    lines = BUNDLED.read_text(encoding="utf-8").splitlines()
    sample = tmp_path / "sample.csv"
    sample.write_text("\n".join(lines[:300]) + "\n", encoding="utf-8")
    quads, _ = catalogue_quads(sample, SETTINGS)
    report = validate(quads)
    assert report.conforms, str(report)


def test_cli_adds_a_catalogue_in_its_own_graph_and_leaves_no_log(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.store import Store
    from tests.conftest import build_store

    store_path = build_store(tmp_path / "store")
    csv = _csv(
        tmp_path,
        "卫办医政发〔2009〕12号,卫生部办公厅关于某事的通知,卫生部办公厅,2009-02-01,",
        "国卫医函〔2020〕7号,国家卫生健康委办公厅关于另一事的函,国家卫生健康委办公厅,2020-03-04,",
    )
    result = CliRunner().invoke(
        app, ["catalogue", "add", str(csv), "--name", "extra", "--store", str(store_path)]
    )
    assert result.exit_code == 0, result.output
    graph = catalogue_graph_iri(SETTINGS.iri_base) + "/extra"
    store = Store(store_path, read_only=True)
    try:
        numbers = {
            row["n"]
            for row in store.select(
                f"SELECT ?n WHERE {{ GRAPH <{graph}> {{ ?d <{ELI.id_local}> ?n }} }}"
            )
        }
    finally:
        store.close()
    assert numbers == {"卫办医政发〔2009〕12号", "国卫医函〔2020〕7号"}
    assert all(log.stat().st_size == 0 for log in store_path.glob("*.log"))


@pytest.mark.parametrize(
    ("title", "issuers", "expected"),
    [
        ("国务院关于促进中医药传承创新发展的意见", ["国务院"], ["中共中央", "国务院"]),
        ("中共中央 国务院关于促进中医药传承创新发展的意见", ["中共中央", "国务院"], None),
        ("国务院关于促进中医药传承创新发展的意见", ["教育部"], None),
        ("某某县人民政府关于加强乡村医生队伍建设的意见", ["某某县人民政府"], None),
        (None, ["国务院"], None),
    ],
    ids=[
        "press-copy-drops-the-first-author",
        "already-complete",
        "not-an-author",
        "not-in-the-catalogue",
        "no-title",
    ],
)
def test_joint_issuers_come_from_the_catalogue(title, issuers, expected) -> None:
    assert joint_issuers(title, issuers) == expected
