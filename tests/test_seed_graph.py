"""The graph built from the seed corpus by the real pipeline: valid, declared, faithful.

Every check reads the store that `kg build` writes (the `seed_store_path` fixture),
not hand-made quads.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, Graph

from kg.build import process
from kg.config import Settings
from kg.ingest import ingest
from kg.privacy import redact
from kg.rdf import to_quads, validate
from kg.store import Store
from kg.views import evidence_rows
from tests.factories import make_document

REPO = Path(__file__).resolve().parent.parent
HP = "https://w3id.org/cn-health-kg/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
PROV = "http://www.w3.org/ns/prov#"
SENTENCES = f"""
SELECT ?sentence ?start ?text ?source WHERE {{
  GRAPH ?g {{
    ?sentence <{HP}text> ?text ; <{HP}startOffset> ?start .
    ?g <{HP}sourceFile> ?source .
  }}
}}"""

# Every fact with evidence in the seed graph: the facts whose sentences are stored.
FACTS = f"""
SELECT DISTINCT ?subject ?predicate ?object ?source WHERE {{
  GRAPH ?g {{
    {{ ?object <{HP}mentionedIn> ?s . ?subject <{HP}mentions> ?object BIND(<{HP}mentions> AS ?predicate) }}
    UNION {{ ?subject <{HP}statedIn> ?s ; <{HP}responsibleUnit> ?object BIND(<{HP}responsibleUnit> AS ?predicate) }}
    UNION {{ ?e <{HP}supportsSubject> ?subject ; <{HP}supportsPredicate> ?predicate ; <{HP}supportsObject> ?object }}
    ?g <{HP}sourceFile> ?source .
  }}
}}"""


@pytest.fixture(scope="module")
def seed(seed_store_path: Path) -> Iterator[Store]:
    store = Store(seed_store_path, read_only=True)
    yield store
    store.close()


def test_the_built_seed_graph_conforms_to_the_shapes(seed: Store) -> None:
    report = validate(seed)
    assert report.conforms, "\n".join(map(str, report.violations[:20]))


def test_kg_validate_says_so_and_exits_zero(seed_store_path: Path) -> None:
    kg = Path(sys.executable).parent / "kg"
    result = subprocess.run(
        [str(kg), "validate", "--store", str(seed_store_path)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 violations" in result.stdout


def test_every_ontology_term_the_graph_uses_is_declared(seed: Store) -> None:
    declared = {str(s) for s in Graph().parse(REPO / "ontology" / "hp.ttl").subjects()}
    used = set()
    for quad in seed.quads():
        used.add(quad.predicate.value)
        if isinstance(quad.object, ox.NamedNode) and (
            quad.predicate.value == str(RDF.type) or quad.object.value.startswith(HP)
        ):
            used.add(quad.object.value)
    ours = {term for term in used if term.startswith((HP, ELI))}
    assert len(ours) > 20
    assert sorted(ours - declared) == []


def test_every_stored_sentence_is_the_original_text_at_its_offset(seed: Store) -> None:
    texts = {p.name: ingest(p).text for p in (REPO / "corpus").glob("*.txt")}
    rows = seed.select(SENTENCES)
    assert len(rows) > 100
    for row in rows:
        start, text = int(row["start"]), row["text"]
        original = texts[row["source"]][start:]
        assert redact(original)[: len(text)] == text, row["sentence"]


def test_every_evidence_span_read_back_is_the_original_text_at_its_offsets(seed: Store) -> None:
    texts = {p.name: ingest(p).text for p in (REPO / "corpus").glob("*.txt")}
    facts = seed.select(FACTS)
    assert len(facts) > 100
    for fact in facts:
        ends = {k: fact[k] for k in ("subject", "predicate", "object")}
        rows = evidence_rows(seed, ends)
        assert rows, ends
        for row in rows:
            assert texts[fact["source"]][row["start"] : row["end"]] == row["exact"], (ends, row)
            assert row["exact"] in row["sentence"]


FRAGMENTS = [
    "益阳市资阳区人民政府办公室\n\n益资政办发〔2023〕20号\n\n关于加强医共体建设的通知\n\n各乡镇人民政府：\n\n",
    "推动益阳市中医医院牵头组建医共体，区卫生健康局、区医保局按职责分工负责。",
    "按照《国务院办公厅关于推进医疗联合体建设和发展的指导意见》（国办发〔2017〕32 号）要求，",
    "开展“优质服务基层行”活动，推进家庭医生签约服务。\n\n",
    "1. 加强基层医疗卫生机构建设。[责任单位：区卫生健康局、区财政局]\n",
    "湖北省人民医院与赤壁市人民医院进行了技术协作医院签约，",
    "基础设施得到极大改\n\n善。**二是加强人才队伍建设。**",
    "联系人：张明，联系电话：0737-4221234\n",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8))
def test_mapped_evidence_always_points_at_the_original_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    document = make_document(text)
    quads = to_quads(process(document), Settings())
    spans: dict[str, dict[str, str]] = {}
    for quad in quads:
        if quad.predicate.value in (HP + "startOffset", HP + "endOffset", HP + "text"):
            assert not isinstance(quad.subject, ox.Triple) and isinstance(
                quad.object, ox.Literal
            ), quad
            spans.setdefault(quad.subject.value, {})[quad.predicate.value[len(HP) :]] = (
                quad.object.value
            )
    for node, span in spans.items():
        start = int(span["startOffset"])
        if "text" in span:  # a sentence: the original text at its offset, numbers blanked
            assert redact(text[start:])[: len(span["text"])] == span["text"], node
        else:  # a relation's evidence: its span lies in the text
            assert 0 <= start <= int(span["endOffset"]) <= len(text), node
    assert "4221234" not in " ".join(
        q.object.value for q in quads if isinstance(q.object, ox.Literal)
    )


def test_a_catalogue_document_is_shown_with_its_citing_reply(seed_http: httpx.Client) -> None:
    # 国办发〔2017〕32号 is not in the corpus: title, issuer, date and URL come from the
    # bundled national catalogue, the citation from the 岳阳 reply.
    body = seed_http.get("/documents/国办发[2017]32号").json()
    assert body["title"] == "国务院办公厅关于推进医疗联合体建设和发展的指导意见"
    assert body["url"] == "http://www.gov.cn/zhengce/zhengceku/2017-04/26/content_5189071.htm"
    assert body["cited_by_count"] == 1
    citing = seed_http.get("/documents/国办发〔2017〕32号/cited-by").json()
    assert [item["number"] for item in citing["items"]] == ["岳卫字〔2023〕2号"]


# (fact predicate, the pattern of its evidence: the link from one end to a sentence,
# or a relation's evidence node) — each fact of the seed graph has it in the same graph.
WITHOUT_EVIDENCE = """
SELECT ?g ?subject ?object WHERE {
  GRAPH ?g {
    ?subject <%(fact)s> ?object .
    FILTER NOT EXISTS { %(evidence)s }
    FILTER(?subject != ?g)
  }
}"""


@pytest.mark.parametrize(
    ("fact", "evidence"),
    [
        (f"{HP}mentions", f"?object <{HP}mentionedIn> ?s"),
        ("http://data.europa.eu/eli/ontology#cites", f"?object <{HP}citedIn> ?s"),
        (f"{HP}hasTask", f"?object <{HP}statedIn> ?s"),
        (f"{HP}responsibleUnit", f"?subject <{HP}statedIn> ?s"),
        (f"{HP}leads", f"?subject <{HP}evidence> [ <{HP}supportsObject> ?object ]"),
    ],
    ids=["mentions", "cites", "hasTask", "responsibleUnit", "leads"],
)
def test_every_fact_keeps_its_evidence(seed: Store, fact: str, evidence: str) -> None:
    assert seed.select(f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s <{fact}> ?o }} }} LIMIT 1"), fact
    missing = seed.select(WITHOUT_EVIDENCE % {"fact": fact, "evidence": evidence})
    assert missing == [], missing[:3]
