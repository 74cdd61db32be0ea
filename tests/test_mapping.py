"""The map stage: Extraction → quads of one named graph, with evidence nodes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, RDF, SKOS
from rdflib.term import Node

from kg.config import Settings
from kg.model import (
    Answered,
    Citation,
    Document,
    Entity,
    Extraction,
    Header,
    Mention,
    Relation,
    Task,
)
from kg.rdf import (
    ELI,
    HP,
    document_iri,
    entity_iri,
    graph_iri,
    person_iri,
    sentence_iri,
    task_iri,
    to_quads,
    to_rdflib_dataset,
    to_rdflib_graph,
    validate,
)

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = Settings(iri_base="https://w3id.org/cn-health-kg/")
BASE = SETTINGS.iri_base

# --- factories ---------------------------------------------------------------


def make_document(text: str, doc_id: str = "0123456789abcdef", source: str = "t.txt") -> Document:
    return Document(
        id=doc_id,
        source=source,
        path=f"corpus/{source}",
        text=text,
        clean=text,
        offsets=tuple(range(len(text) + 1)),
    )


def at(text: str, needle: str, nth: int = 0) -> Mention:
    """A mention of the ``nth`` occurrence of ``needle`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Mention(needle, start, start + len(needle))


NOTICE_TEXT = (
    "益阳市资阳区人民政府办公室关于印发《实施意见》的通知\n"
    "益资政办发〔2023〕20号\n"
    "根据《湖南省人民政府办公厅关于促进基层卫生健康事业高质量发展的意见》（湘政办发〔2021〕79号），"
    "支持益阳市中医医院牵头组建益阳市中医医院医共体。\n"
    "（五）加强医共体建设。（责任单位：区卫生健康局、区医保局）\n"
)


def notice(**changes: object) -> Extraction:
    """A county notice with one citation, a hospital, a consortium and a task."""
    text = NOTICE_TEXT
    extraction = Extraction(
        document=make_document(text, "95a456216623b0c6", "002.txt"),
        header=Header(
            number="益资政办发〔2023〕20号",
            issuer="益阳市资阳区人民政府办公室",
            title="益阳市资阳区人民政府办公室关于印发《实施意见》的通知",
            date="2023-11-22",
            type="通知",
            jurisdiction="湖南省益阳市资阳区",
        ),
        citations=[
            Citation(
                number="湘政办发〔2021〕79号",
                title="湖南省人民政府办公厅关于促进基层卫生健康事业高质量发展的意见",
                mentions=[at(text, "湘政办发〔2021〕79号")],
            )
        ],
        entities=[
            Entity(
                "hospital",
                "益阳市中医医院",
                ["益阳市中医医院"],
                [at(text, "益阳市中医医院")],
                attributes={"kind": "中医医院"},
            ),
            Entity(
                "consortium",
                "益阳市中医医院医共体",
                [],
                [at(text, "益阳市中医医院医共体")],
                attributes={"kind": "医共体", "lead": "益阳市中医医院", "members": []},
            ),
            Entity(
                "agency", "益阳市资阳区卫生健康局", ["区卫生健康局"], [at(text, "区卫生健康局")]
            ),
            Entity("agency", "益阳市资阳区医疗保障局", ["区医保局"], [at(text, "区医保局")]),
        ],
        tasks=[
            Task(
                "5",
                "加强医共体建设",
                "（二）深化改革",
                responsible=["益阳市资阳区卫生健康局", "益阳市资阳区医疗保障局"],
                responsible_text=["区卫生健康局", "区医保局"],
                lead=["益阳市资阳区卫生健康局"],
                mention=at(text, "（五）加强医共体建设。"),
            ),
        ],
    )
    for key, value in changes.items():
        setattr(extraction, key, value)
    return extraction


REPLY_TEXT = (
    "对岳阳市政协九届二次会议第141号提案的答复\n"
    "姚添委员：您提出的《关于切实增强基层医联体医院能力建设的提案》收悉。"
    "我委依据国卫医发〔2020〕13号文件推进医联体建设。\n"
    "承办人及联系电话：付亚 0730-0000000\n"
)


def reply() -> Extraction:
    text = REPLY_TEXT
    return Extraction(
        document=make_document(text, "c00da1c6e20d841d", "000.txt"),
        header=Header(
            number="岳卫字〔2023〕2号",
            issuer="岳阳市卫生健康委员会",
            title="对岳阳市政协九届二次会议第141号提案的答复",
            type="答复",
            jurisdiction="湖南省岳阳市",
        ),
        answers=Answered(
            "岳阳市政协",
            "九届二次会议",
            "提案",
            "141",
            "关于切实增强基层医联体医院能力建设的提案",
            "姚添",
        ),
        citations=[Citation("国卫医发〔2020〕13号", None, [at(text, "国卫医发〔2020〕13号")])],
        entities=[
            Entity("agency", "岳阳市卫生健康委员会", ["我委"], [at(text, "我委")]),
            Entity("person", "姚添", [], [at(text, "姚添")], attributes={"role": "政协委员"}),
            Entity("person", "付亚", [], [at(text, "付亚")], attributes={"role": "承办人"}),
        ],
    )


def union(extraction: Extraction) -> Graph:
    return to_rdflib_graph(to_quads(extraction, SETTINGS))


def u(iri: str) -> URIRef:
    return URIRef(iri)


def doc(number: str | None = None, title: str | None = None) -> URIRef:
    return u(document_iri(BASE, number, title))


def ent(kind: str, name: str) -> URIRef:
    return u(entity_iri(BASE, kind, name))


def person(name: str, jurisdiction: str) -> URIRef:
    return u(person_iri(BASE, name, jurisdiction))


# --- golden graph ------------------------------------------------------------


def test_golden_graph_of_a_citation_and_an_agency() -> None:
    text = "根据国办发〔2017〕32号文件。"
    extraction = Extraction(
        document=make_document(text, "aaaaaaaaaaaaaaaa", "a.txt"),
        header=Header(
            number="岳卫函〔2022〕111号",
            issuer="岳阳市卫生健康委员会",
            title="关于开展培训的通知",
            date="2022-05-06",
            type="通知",
        ),
        citations=[
            Citation(
                "国办发〔2017〕32号",
                "国务院办公厅关于推进医疗联合体建设和发展的指导意见",
                [at(text, "国办发〔2017〕32号")],
            )
        ],
    )
    me, cited = doc("岳卫函〔2022〕111号"), doc("国办发〔2017〕32号")
    agency = ent("agency", "岳阳市卫生健康委员会")
    expected = Graph().parse(
        format="turtle",
        data=f"""
        @prefix hp: <{HP._NS}> . @prefix eli: <{ELI._NS}> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <{me}> a hp:Document ; eli:id_local "岳卫函〔2022〕111号" ; dcterms:title "关于开展培训的通知" ;
            eli:date_document "2022-05-06"^^xsd:date ; hp:typeName "通知" ;
            hp:documentType hp:doctype_notice ; eli:passed_by <{agency}> ; hp:leadIssuer <{agency}> ;
            hp:sourceFile "a.txt" ; hp:contentHash "aaaaaaaaaaaaaaaa" ; eli:cites <{cited}> .
        <{agency}> a hp:Agency ; skos:prefLabel "岳阳市卫生健康委员会" .
        <{cited}> a hp:Document ; eli:id_local "国办发〔2017〕32号" ;
            dcterms:title "国务院办公厅关于推进医疗联合体建设和发展的指导意见" ;
            hp:citedIn <{u(sentence_iri(BASE, "aaaaaaaaaaaaaaaa", 0, 17))}> .
        <{u(sentence_iri(BASE, "aaaaaaaaaaaaaaaa", 0, 17))}> hp:text "根据国办发〔2017〕32号文件。" ;
            hp:startOffset 0 .
        """,
    )
    got = union(extraction)
    if not isomorphic(got, expected):
        extra = to_isomorphic(got) - to_isomorphic(expected)
        missing = to_isomorphic(expected) - to_isomorphic(got)
        pytest.fail(f"extra: {sorted(extra)}\nmissing: {sorted(missing)}")


# --- facts, table-driven -----------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    extraction: Extraction
    present: tuple[tuple[Node, Node, Node], ...] = ()
    absent: tuple[tuple[Node, Node, Node | None], ...] = ()  # None: any object


def _cases() -> list[Case]:
    n = notice()
    me = doc("益资政办发〔2023〕20号")
    cited = doc("湘政办发〔2021〕79号")
    hospital = ent("hospital", "益阳市中医医院")
    consortium = ent("consortium", "益阳市中医医院医共体")
    task = u(task_iri(BASE, "95a456216623b0c6", "5"))
    health = ent("agency", "益阳市资阳区卫生健康局")
    insurance = ent("agency", "益阳市资阳区医疗保障局")
    r = reply()
    r_doc = doc("岳卫字〔2023〕2号")
    proposal = ent("submission", "岳阳市政协九届二次会议第141号提案")
    bracket = notice(header=Header(number="益资政办发[2023]20号", title="通知", type="实施意见"))
    title_only = notice(
        citations=[
            Citation(
                None,
                "中共中央办公厅 国务院办公厅关于进一步深化改革促进乡村医疗卫生体系健康发展的意见",
            )
        ]
    )
    odd_type = notice(
        header=Header(number="益资政办发〔2023〕20号", type="倡议书", date="2023年11月22日")
    )
    related = notice(
        relations=[
            Relation(
                "益阳市中医医院",
                "supports",
                "益阳市中医医院医共体",
                at(NOTICE_TEXT, "支持益阳市中医医院"),
            )
        ]
    )
    members = notice(
        entities=[
            Entity(
                "consortium",
                "枣庄市市中区人民医院医共体",
                attributes={
                    "kind": "紧密型县域医共体",
                    "tight": True,
                    "lead": "枣庄市市中区人民医院",
                    "members": ["枣庄市市中区税郭镇中心卫生院"],
                },
            ),
            Entity("hospital", "枣庄市市中区税郭镇中心卫生院", attributes={"kind": "中心卫生院"}),
        ]
    )
    zz = ent("consortium", "枣庄市市中区人民医院医共体")
    return [
        Case(
            "cited document gets its own node with number and title",
            n,
            (
                (me, ELI.cites, cited),
                (cited, RDF.type, HP.Document),
                (cited, ELI.id_local, Literal("湘政办发〔2021〕79号")),
                (
                    cited,
                    DCTERMS.title,
                    Literal("湖南省人民政府办公厅关于促进基层卫生健康事业高质量发展的意见"),
                ),
            ),
        ),
        Case(
            "hospital kind maps to a concept and keeps its text",
            n,
            (
                (hospital, RDF.type, HP.HealthInstitution),
                (hospital, HP.institutionKind, HP.instkind_tcm_hospital),
                (hospital, HP.typeName, Literal("中医医院")),
                (me, HP.mentions, hospital),
            ),
        ),
        Case(
            "consortium lead becomes hp:leads",
            n,
            (
                (hospital, HP.leads, consortium),
                (consortium, HP.consortiumKind, HP.conskind_county_community),
            ),
        ),
        Case(
            "agency aliases become altLabels",
            n,
            (
                (health, SKOS.prefLabel, Literal("益阳市资阳区卫生健康局")),
                (health, SKOS.altLabel, Literal("区卫生健康局")),
            ),
        ),
        Case(
            "task with responsible and lead units",
            n,
            (
                (me, HP.hasTask, task),
                (task, HP.taskNumber, Literal("5")),
                (task, DCTERMS.title, Literal("加强医共体建设")),
                (task, HP.section, Literal("（二）深化改革")),
                (task, HP.responsibleUnit, health),
                (task, HP.responsibleUnit, insurance),
                (task, HP.leadUnit, health),
                (task, HP.responsibleText, Literal("区医保局")),
            ),
            ((task, HP.leadUnit, insurance),),
        ),
        Case(
            "a reply answers a proposal with its proposer",
            r,
            (
                (r_doc, RDF.type, HP.Reply),
                (r_doc, RDF.type, HP.Document),  # no inference: GET /documents lists replies
                (r_doc, HP.answers, proposal),
                (proposal, RDF.type, HP.Proposal),
                (proposal, HP.proposer, person("姚添", "湖南省岳阳市")),
                (proposal, HP.session, Literal("九届二次会议")),
                (person("付亚", "湖南省岳阳市"), HP.role, Literal("承办人")),
            ),
            (),
        ),
        Case(
            "a citation by number alone",
            r,
            (
                (r_doc, ELI.cites, doc("国卫医发〔2020〕13号")),
                (doc("国卫医发〔2020〕13号"), ELI.id_local, Literal("国卫医发〔2020〕13号")),
            ),
        ),
        Case(
            "a printed number is canonicalised; 实施意见 is an opinion",
            bracket,
            (
                (me, ELI.id_local, Literal("益资政办发〔2023〕20号")),
                (me, HP.documentType, HP.doctype_opinion),
            ),
        ),
        Case(
            "a title-only citation gets a title-hash IRI",
            title_only,
            (
                (
                    me,
                    ELI.cites,
                    doc(
                        None,
                        "中共中央办公厅 国务院办公厅关于进一步深化改革促进乡村医疗卫生体系健康发展的意见",
                    ),
                ),
            ),
        ),
        Case(
            "an unknown type keeps its text; a non-ISO date is dropped",
            odd_type,
            ((me, HP.typeName, Literal("倡议书")),),
            (
                (me, HP.documentType, None),
                (me, ELI.date_document, None),
            ),
        ),
        Case(
            "a relation is stated between the two entities",
            related,
            ((hospital, HP.supports, consortium),),
        ),
        Case(
            "consortium members and tightness",
            members,
            (
                (ent("hospital", "枣庄市市中区税郭镇中心卫生院"), HP.memberOf, zz),
                (ent("hospital", "枣庄市市中区人民医院"), HP.leads, zz),
                (ent("hospital", "枣庄市市中区人民医院"), RDF.type, HP.HealthInstitution),
                (zz, HP.tight, Literal(True)),
                (zz, HP.consortiumKind, HP.conskind_county_community),
                (
                    ent("hospital", "枣庄市市中区税郭镇中心卫生院"),
                    HP.institutionKind,
                    HP.instkind_central_health_centre,
                ),
            ),
        ),
    ]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c.id)
def test_facts(case: Case) -> None:
    graph = union(case.extraction)
    for triple in case.present:
        assert triple in graph, f"missing {triple}"
    for pattern in case.absent:
        assert pattern not in graph, f"unexpected {pattern}"


def test_relation_evidence_names_the_triple() -> None:
    extraction = notice(
        relations=[
            Relation(
                "益阳市中医医院",
                "supports",
                "益阳市中医医院医共体",
                at(NOTICE_TEXT, "支持益阳市中医医院"),
            )
        ]
    )
    graph = union(extraction)
    hospital, consortium = (
        ent("hospital", "益阳市中医医院"),
        ent("consortium", "益阳市中医医院医共体"),
    )
    found = [
        ev
        for ev in graph.objects(hospital, HP.evidence)
        if (ev, HP.supportsPredicate, HP.supports) in graph
    ]
    assert len(found) == 1
    ev = found[0]
    assert (ev, HP.supportsSubject, hospital) in graph
    assert (ev, HP.supportsObject, consortium) in graph
    start, end = graph.value(ev, HP.startOffset), graph.value(ev, HP.endOffset)
    assert isinstance(start, Literal) and isinstance(end, Literal), (start, end)
    start, end = start.toPython(), end.toPython()
    assert NOTICE_TEXT[start:end] == "支持益阳市中医医院"


def test_one_sentence_is_the_evidence_of_a_task_and_its_units() -> None:
    graph = union(notice())
    task = u(task_iri(BASE, "95a456216623b0c6", "5"))
    sentences = list(graph.objects(task, HP.statedIn))
    assert len(sentences) == 1
    stated = str(graph.value(sentences[0], HP.text))
    written = [str(text) for text in graph.objects(task, HP.responsibleText)]
    assert written and all(text in stated for text in written), (written, stated)
    assert len(list(graph.objects(task, HP.responsibleUnit))) == 2
    assert not list(graph.objects(task, HP.evidence))


def test_relation_with_unknown_endpoint_is_dropped() -> None:
    graph = union(notice(relations=[Relation("某某医院", "supports", "益阳市中医医院", None)]))
    assert not list(graph.triples((None, HP.supports, None)))


# --- invariants --------------------------------------------------------------


def test_every_quad_is_in_the_document_graph() -> None:
    for extraction in (notice(), reply()):
        expected = ox.NamedNode(graph_iri(BASE, extraction.document.id))
        assert {q.graph_name for q in to_quads(extraction, SETTINGS)} == {expected}


def test_mapping_is_deterministic_and_duplicate_free() -> None:
    first, second = to_quads(notice(), SETTINGS), to_quads(notice(), SETTINGS)
    assert first == second
    assert len(first) == len(set(first))


def test_iri_base_is_configurable() -> None:
    other = Settings(iri_base="http://example.org/kg/")
    quads = to_quads(notice(), other)
    iris = {
        t.value
        for q in quads
        for t in (q.subject, q.object, q.graph_name)
        if isinstance(t, ox.NamedNode)
    }
    vocab = (
        "https://w3id.org/cn-health-kg/ontology#",
        "http://www.w3.org/",
        "http://data.europa.eu/eli/",
    )
    data = {i for i in iris if not i.startswith(vocab)}
    assert data and all(i.startswith("http://example.org/kg/") for i in data)


def test_citation_merges_with_the_cited_documents_own_node() -> None:
    """Mapping the cited document later gives the node the citation already made."""
    citing = union(notice())
    cited_doc = Extraction(
        document=make_document(
            "湖南省人民政府办公厅关于促进基层卫生健康事业高质量发展的意见", "1111111111111111"
        ),
        header=Header(
            number="湘政办发〔2021〕79号",
            title="湖南省人民政府办公厅关于促进基层卫生健康事业高质量发展的意见",
        ),
    )
    own = union(cited_doc)
    node = doc("湘政办发〔2021〕79号")
    assert (node, ELI.id_local, None) in citing and (node, ELI.id_local, None) in own


def test_every_term_used_is_declared_in_the_ontology() -> None:
    ontology = Graph().parse(ROOT / "ontology" / "hp.ttl")
    declared = set(ontology.subjects(RDF.type, None))
    graph = union(notice()) + union(reply())
    graph += union(
        notice(
            relations=[
                Relation("益阳市中医医院", r, "益阳市中医医院医共体")
                for r in ("leads", "member_of", "supports", "entrusts", "collaborates")
            ]
        )
    )
    used = set(graph.predicates()) | set(graph.objects(None, RDF.type))
    used |= set(graph.objects(None, HP.documentType)) | set(graph.objects(None, HP.institutionKind))
    used |= set(graph.objects(None, HP.consortiumKind)) | set(
        graph.objects(None, HP.supportsPredicate)
    )
    ours = {t for t in used if str(t).startswith((str(HP._NS), str(ELI._NS)))}
    assert ours, "the test graph uses no ontology terms"
    assert ours - declared == set()


IDENTIFIERS = {str(HP.contentHash), str(HP.sourceFile)}
PHONES = ["0730-1234567", "0874—7654321", "13900000000", "（0731）88880000", "0632 5550000"]


@pytest.mark.parametrize("phone", PHONES)
def test_telephone_numbers_never_reach_a_literal(phone: str) -> None:
    text = f"承办人及联系电话：付亚 {phone}\n"
    extraction = Extraction(
        document=make_document(text),
        header=Header(number="岳卫字〔2023〕2号"),
        entities=[
            Entity(
                "person", "付亚", mentions=[at(text, "付亚")], attributes={"role": f"承办人{phone}"}
            )
        ],
    )
    digits = re.sub(r"\D", "", phone)
    for quad in to_quads(extraction, SETTINGS):
        # The content hash and file name are identifiers, not text from the document.
        if isinstance(quad.object, ox.Literal) and quad.predicate.value not in IDENTIFIERS:
            assert digits[-7:] not in re.sub(r"\D", "", quad.object.value), quad


# --- round trip --------------------------------------------------------------

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
NAMES = st.text(HAN, min_size=2, max_size=12)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hospital=NAMES, agency=NAMES, title=NAMES)
def test_serialise_then_parse_is_isomorphic(hospital: str, agency: str, title: str) -> None:
    text = f"{agency}支持{hospital}。"
    extraction = Extraction(
        document=make_document(text),
        header=Header(title=title, issuer=agency),
        entities=[
            Entity(
                "hospital",
                hospital + "医院",
                mentions=[at(text, hospital)],
                attributes={"kind": "医院"},
            ),
            Entity("agency", agency, mentions=[at(text, agency)]),
        ],
        relations=[Relation(agency, "supports", hospital + "医院", at(text, "支持"))],
    )
    quads = to_quads(extraction, SETTINGS)
    original = to_rdflib_graph(quads)
    for fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        parsed = list(ox.parse(ox.serialize(quads, format=fmt), format=fmt))
        assert set(parsed) == set(quads)
        assert isomorphic(to_rdflib_graph(parsed), original)
    # and through rdflib's own TriG writer and parser
    trig = to_rdflib_dataset(quads).serialize(format="trig")
    assert isomorphic(_union_of_trig(trig), original)


def _union_of_trig(trig: str) -> Graph:
    from rdflib import Dataset

    dataset = Dataset()
    dataset.parse(data=trig, format="trig")
    union = Graph()
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


# --- seed-like extractions from the gold fixtures validate ---------------------


def _first(text: str, *names: str) -> list[Mention]:
    for name in names:
        if name and (i := text.find(name)) >= 0:
            return [Mention(name, i, i + len(name), "")]
    return []


def gold_extraction(path: Path) -> Extraction:
    """An Extraction as a perfect extractor would give it for one gold file."""
    gold = json.loads(path.read_text(encoding="utf-8"))
    text = (ROOT / "corpus" / gold["source"]).read_text(encoding="utf-8")
    d = gold["document"]
    header = Header(
        number=d.get("number"),
        issuer=d.get("issuer"),
        title=d.get("title"),
        date=d.get("date"),
        type=d.get("type"),
        jurisdiction=d.get("jurisdiction"),
    )
    answers = Answered(**gold["answers"]) if gold.get("answers") else None
    citations = [
        Citation(
            c.get("number"),
            c.get("title"),
            _first(text, c.get("number") or "", c.get("title") or ""),
        )
        for c in gold.get("cites", [])
    ]
    entities: list[Entity] = []
    for key, kind in (
        ("agencies", "agency"),
        ("hospitals", "hospital"),
        ("consortia", "consortium"),
        ("programmes", "programme"),
        ("people", "person"),
    ):
        for e in gold.get(key, []):
            labels = [e["name"], *e.get("aliases", [])]
            attributes = {
                k: v
                for k, v in e.items()
                if k in ("kind", "lead", "members", "core", "role", "tight")
            }
            entities.append(
                Entity(kind, e["name"], labels, _first(text, *labels), attributes=attributes)
            )
    tasks = [
        Task(
            t["number"],
            t["title"],
            t.get("section"),
            t.get("responsible", []),
            t.get("responsible_text", []),
            t.get("responsible", [])[:1],
            next(iter(_first(text, t["title"])), None),
        )
        for t in gold.get("tasks", [])
    ]
    doc_id = gold["source"].split("_", 1)[1].removesuffix(".txt")
    return Extraction(
        make_document(text, doc_id, gold["source"]), header, answers, citations, entities, [], tasks
    )


GOLD = sorted((ROOT / "tests" / "fixtures" / "gold").glob("*.json"))


def test_gold_extractions_validate_with_no_violations() -> None:
    quads = [q for path in GOLD for q in to_quads(gold_extraction(path), SETTINGS)]
    report = validate(quads)
    assert report.conforms, str(report)
    assert report.violations == ()


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem)
def test_gold_extraction_has_no_telephone_numbers(path: Path) -> None:
    for quad in to_quads(gold_extraction(path), SETTINGS):
        if isinstance(quad.object, ox.Literal):
            assert not re.search(r"0\d{2,3}\s*[-—–－]\s*\d{7,8}|1[3-9]\d{9}", quad.object.value), (
                quad
            )


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        (("姚添", "湖南省岳阳市"), ("姚添", "湖南省岳阳市"), True),  # one city's 委员
        (("姚添", "湖南省岳阳市"), ("姚添", "安徽省安庆市"), False),  # one name, two places
        (("姚添", "湖南省岳阳市"), ("姚添", "湖南省岳阳市岳阳楼区"), False),
        (("姚添", None), ("姚添", None), True),  # no jurisdiction: the name alone
    ],
)
def test_people_are_named_within_their_documents_jurisdiction(
    first: tuple[str, str | None], second: tuple[str, str | None], same: bool
) -> None:
    assert (person_iri(BASE, *first) == person_iri(BASE, *second)) is same
    assert person_iri(BASE, *first).startswith(BASE + "id/person/")
