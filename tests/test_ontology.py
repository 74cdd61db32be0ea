"""ontology/hp.ttl: loads, documents every term in two languages, and kg/rdf/vocab.py follows it."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.rdf import (
    CONSORTIUM_KIND_LABELS,
    DOCUMENT_TYPE_LABELS,
    ELI,
    HP,
    INSTITUTION_KIND_LABELS,
    ONTOLOGY_NS,
)

ROOT = Path(__file__).resolve().parents[1]
TTL = ROOT / "ontology" / "hp.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(TTL, format="turtle")


def _load_gen_vocab():
    spec = importlib.util.spec_from_file_location("gen_vocab", ROOT / "tools" / "gen_vocab.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _langs(graph: Graph, term: URIRef, *props: URIRef) -> set[str]:
    return {
        o.language
        for p in props
        for o in graph.objects(term, p)
        if isinstance(o, Literal) and o.language
    }


def _declared(graph: Graph, *kinds: URIRef) -> list[URIRef]:
    return sorted(
        {
            t
            for kind in kinds
            for t in graph.subjects(RDF.type, kind)
            if isinstance(t, URIRef) and str(t).startswith(ONTOLOGY_NS)
        }
    )


def test_namespace_matches_the_iri_module() -> None:
    assert str(HP._NS) == ONTOLOGY_NS


def test_classes_and_properties_have_bilingual_labels_and_definitions(onto: Graph) -> None:
    terms = _declared(onto, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    assert len(terms) > 40
    for term in terms:
        assert _langs(onto, term, RDFS.label) >= {"zh", "en"}, f"{term} lacks a zh/en rdfs:label"
        assert _langs(onto, term, SKOS.definition, RDFS.comment) >= {"zh", "en"}, (
            f"{term} lacks a zh/en definition"
        )


def test_concepts_have_bilingual_labels_and_a_scheme(onto: Graph) -> None:
    schemes = set(_declared(onto, SKOS.ConceptScheme))
    concepts = _declared(onto, SKOS.Concept)
    assert len(concepts) > 40
    for concept in concepts:
        assert _langs(onto, concept, SKOS.prefLabel) >= {"zh", "en"}, concept
        assert set(onto.objects(concept, SKOS.inScheme)) & schemes, concept


@pytest.mark.parametrize(
    ("term", "superclass"),
    [
        (HP.Document, URIRef("http://data.europa.eu/eli/ontology#LegalResource")),
        (HP.Document, URIRef("https://schema.org/Legislation")),
        (HP.Reply, HP.Document),
        (HP.Proposal, HP.Submission),
        (HP.Suggestion, HP.Submission),
        (HP.Agency, URIRef("http://www.w3.org/ns/org#Organization")),
        (HP.Agency, URIRef("https://schema.org/GovernmentOrganization")),
        (HP.HealthInstitution, URIRef("http://www.w3.org/ns/org#Organization")),
        (HP.Consortium, URIRef("http://www.w3.org/ns/org#Organization")),
        (HP.Evidence, URIRef("http://www.w3.org/ns/prov#Entity")),
        (HP.Place, URIRef("https://schema.org/AdministrativeArea")),
    ],
    ids=lambda t: str(t).rsplit("#", 1)[-1].rsplit("/", 1)[-1],
)
def test_class_alignment(onto: Graph, term: URIRef, superclass: URIRef) -> None:
    assert (term, RDFS.subClassOf, superclass) in onto


@pytest.mark.parametrize(
    ("prop", "superprop"),
    [
        (HP.documentType, ELI.type_document),
        (HP.memberOf, URIRef("http://www.w3.org/ns/org#memberOf")),
        (HP.leadUnit, HP.responsibleUnit),
    ],
    ids=["documentType", "memberOf", "leadUnit"],
)
def test_property_alignment(onto: Graph, prop: URIRef, superprop: URIRef) -> None:
    assert (prop, RDFS.subPropertyOf, superprop) in onto


@pytest.mark.parametrize(
    ("table", "label", "concept"),
    [
        (DOCUMENT_TYPE_LABELS, "通知", HP.doctype_notice),
        (DOCUMENT_TYPE_LABELS, "实施意见", HP.doctype_opinion),
        (DOCUMENT_TYPE_LABELS, "答复", HP.doctype_reply),
        (DOCUMENT_TYPE_LABELS, "函", HP.doctype_letter),
        (DOCUMENT_TYPE_LABELS, "令", HP.doctype_order),
        (INSTITUTION_KIND_LABELS, "人民医院", HP.instkind_peoples_hospital),
        (INSTITUTION_KIND_LABELS, "中心卫生院", HP.instkind_central_health_centre),
        (INSTITUTION_KIND_LABELS, "疾控中心", HP.instkind_cdc),
        (INSTITUTION_KIND_LABELS, "社区卫生服务中心", HP.instkind_community_health_centre),
        (CONSORTIUM_KIND_LABELS, "医共体", HP.conskind_county_community),
        (CONSORTIUM_KIND_LABELS, "专科联盟", HP.conskind_specialty_alliance),
        (CONSORTIUM_KIND_LABELS, "远程医疗协作网", HP.conskind_telemedicine_network),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_label_tables(table, label: str, concept: URIRef) -> None:
    assert table[label] == concept


def test_vocab_module_is_up_to_date() -> None:
    gen = _load_gen_vocab()
    current = gen.TARGET.read_text(encoding="utf-8")
    assert current == gen.render(TTL), "kg/rdf/vocab.py is stale: run python tools/gen_vocab.py"


def test_vocab_is_closed() -> None:
    with pytest.raises(AttributeError):
        _ = HP.Documnet
    with pytest.raises(AttributeError):
        _ = ELI.cite


def test_every_vocab_term_is_declared(onto: Graph) -> None:
    declared = set(onto.subjects(RDF.type, None))
    for ns in (HP, ELI):
        for name in ns.__annotations__:
            assert URIRef(str(ns._NS) + name) in declared, name


def test_shapes_parse_and_cover_every_emitted_class() -> None:
    shapes = Graph().parse(SHAPES, format="turtle")
    targets = set(shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#targetClass")))
    for cls in (
        HP.Document,
        HP.Reply,
        HP.Submission,
        HP.Agency,
        HP.HealthInstitution,
        HP.Consortium,
        HP.Programme,
        HP.Person,
        HP.Place,
        HP.Task,
    ):
        assert cls in targets, cls
    # Evidence and sentences are not typed in the data (a type triple each would be a
    # tenth of the store): their shapes target the objects of the links that reach them.
    reached = set(shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#targetObjectsOf")))
    for link in (HP.evidence, HP.inSentence, HP.mentionedIn, HP.citedIn, HP.statedIn):
        assert link in reached, link


def test_loads_in_owlready2(tmp_path: Path, onto: Graph) -> None:
    owlready2 = pytest.importorskip("owlready2")
    nt = tmp_path / "hp.nt"
    onto.serialize(nt, format="nt", encoding="utf-8")
    world = owlready2.World()
    loaded = world.get_ontology(nt.as_uri()).load()
    names = {c.name for c in loaded.classes()}
    assert {"Document", "Reply", "Evidence", "HealthInstitution"} <= names
    if shutil.which("java"):
        # HermiT finds no unsatisfiable class: the axioms do not contradict each other.
        with loaded:
            owlready2.sync_reasoner(world, infer_property_values=False, debug=0)
        assert list(world.inconsistent_classes()) == []
