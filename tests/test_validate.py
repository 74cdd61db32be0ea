"""SHACL validation: broken graphs are caught, valid ones pass, in any container."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef

from kg.rdf import ValidationReport, Violation, document_iri, from_rdflib_dataset, validate
from kg.store import Store

PREFIXES = """
@prefix hp: <https://w3id.org/cn-health-kg/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix d: <https://w3id.org/cn-health-kg/id/document/> .
@prefix a: <https://w3id.org/cn-health-kg/id/agency/> .
@prefix h: <https://w3id.org/cn-health-kg/id/hospital/> .
@prefix t: <https://w3id.org/cn-health-kg/id/task/> .
@prefix e: <https://w3id.org/cn-health-kg/id/evidence/> .
@prefix s: <https://w3id.org/cn-health-kg/id/sentence/> .
"""

VALID = """
d:yue a hp:Reply ; eli:id_local "岳卫字〔2023〕2号" ; dcterms:title "对岳阳市政协九届二次会议第141号提案的答复" ;
    eli:date_document "2023-06-29"^^xsd:date ; eli:passed_by a:yueyang ;
    hp:documentType hp:doctype_reply ; eli:cites d:guoban ; hp:hasTask t:one .
a:yueyang a hp:Agency ; skos:prefLabel "岳阳市卫生健康委员会" ; skos:altLabel "市卫健委" .
d:guoban a hp:Document ; eli:id_local "国办发〔2017〕32号" ;
    eli:date_publication "2017-04-26"^^xsd:date ; schema:url <https://www.gov.cn/x.htm> ;
    hp:citedIn s:one .
t:one a hp:Task ; hp:taskNumber "1" ; hp:responsibleUnit a:yueyang ; hp:statedIn s:one .
s:one hp:text "按照国办发〔2017〕32号文件要求。" ; hp:startOffset 8 .
d:yue hp:evidence e:one .
e:one hp:startOffset 10 ; hp:endOffset 22 ; hp:inSentence s:one ;
    hp:supportsSubject d:yue ; hp:supportsPredicate eli:cites ; hp:supportsObject d:guoban .
"""


def graph_of(*snippets: str) -> Graph:
    return Graph().parse(data=PREFIXES + "\n".join(snippets), format="turtle")


def test_valid_graph_conforms() -> None:
    report = validate(graph_of(VALID))
    assert report.conforms
    assert report.violations == ()
    assert report.triples == len(graph_of(VALID))


# (id, extra or replacing Turtle, path the violation is reported on)
BROKEN = [
    ("document-without-number-or-title", "d:x a hp:Document .", ""),
    ("number-is-an-integer", "d:x a hp:Document ; eli:id_local 32 .", "eli:id_local"),
    ("two-numbers", 'd:guoban eli:id_local "国办发〔2017〕33号" .', "eli:id_local"),
    ("empty-title", 'd:x a hp:Document ; dcterms:title "" .', "dcterms:title"),
    (
        "date-not-xsd-date",
        'd:x a hp:Document ; dcterms:title "通知" ; eli:date_document "2023年6月29日" .',
        "eli:date_document",
    ),
    ("url-is-a-string", 'd:guoban schema:url "https://www.gov.cn/x.htm" .', "schema:url"),
    (
        "issuer-is-a-programme",
        ('d:guoban eli:passed_by h:p . h:p a hp:Programme ; skos:prefLabel "优质服务基层行" .'),
        "eli:passed_by",
    ),
    ("type-from-wrong-scheme", "d:guoban hp:documentType hp:instkind_cdc .", "hp:documentType"),
    ("cites-a-non-document", "d:guoban eli:cites a:yueyang .", "eli:cites"),
    ("agency-without-name", "a:anon a hp:Agency .", "skos:prefLabel"),
    ("agency-with-two-names", 'a:yueyang skos:prefLabel "岳阳市卫健委" .', "skos:prefLabel"),
    (
        "language-tagged-name",
        'a:z a hp:Agency ; skos:prefLabel "岳阳市财政局"@zh .',
        "skos:prefLabel",
    ),
    (
        "evidence-without-offsets",
        (
            "e:two hp:inSentence s:one ; "
            "hp:supportsSubject d:yue ; hp:supportsPredicate eli:cites ; hp:supportsObject d:guoban . "
            "d:yue hp:evidence e:two ."
        ),
        "hp:startOffset",
    ),
    ("evidence-start-after-end", "e:one hp:startOffset 30 . ", "hp:startOffset"),
    (
        "negative-offset",
        (
            "e:three hp:startOffset -1 ; hp:endOffset 2 ; hp:inSentence s:one ; "
            "hp:supportsSubject d:yue ; hp:supportsPredicate eli:cites ; "
            "hp:supportsObject d:guoban . d:yue hp:evidence e:three ."
        ),
        "hp:startOffset",
    ),
    (
        "evidence-without-sentence",
        (
            "e:four hp:startOffset 1 ; hp:endOffset 2 ; "
            "hp:supportsSubject d:yue ; hp:supportsPredicate eli:cites ; hp:supportsObject d:guoban . "
            "d:yue hp:evidence e:four ."
        ),
        "hp:inSentence",
    ),
    (
        "evidence-without-its-triple",
        "e:five hp:startOffset 1 ; hp:endOffset 2 ; hp:inSentence s:one . d:yue hp:evidence e:five .",
        "hp:supportsSubject",
    ),
    ("sentence-without-text", "d:guoban hp:citedIn s:two . s:two hp:startOffset 3 .", "hp:text"),
    (
        "sentence-without-offset",
        'a:yueyang hp:mentionedIn s:three . s:three hp:text "我委" .',
        "hp:startOffset",
    ),
    ("telephone-in-sentence", 's:one hp:text "联系电话：0730-1234567" .', "hp:text"),
    (
        "telephone-in-role",
        'h:p a hp:Person ; skos:prefLabel "付亚" ; hp:role "承办人 13900000000" .',
        "hp:role",
    ),
    ("task-without-document", 't:two a hp:Task ; hp:taskNumber "2" .', "^hp:hasTask"),
    ("task-without-number", 't:one hp:taskNumber "一" .', "hp:taskNumber"),
    (
        "reply-answers-twice",
        (
            "d:yue hp:answers <urn:s1> , <urn:s2> . <urn:s1> a hp:Proposal . "
            "<urn:s2> a hp:Suggestion ."
        ),
        "hp:answers",
    ),
    (
        "member-of-a-programme",
        (
            'h:renmin a hp:HealthInstitution ; skos:prefLabel "益阳市人民医院" ; '
            'hp:memberOf <urn:p> . <urn:p> a hp:Programme ; skos:prefLabel "优质服务基层行" .'
        ),
        "hp:memberOf",
    ),
    (
        "tight-is-text",
        'h:c a hp:Consortium ; skos:prefLabel "益阳市人民医院医共体" ; hp:tight "是" .',
        "hp:tight",
    ),
]


@pytest.mark.parametrize(("case", "snippet", "path"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_graph_is_caught(case: str, snippet: str, path: str) -> None:
    report = validate(graph_of(VALID, snippet))
    assert not report.conforms
    assert report.violations
    if path:
        assert path in {v.path for v in report.violations}, [str(v) for v in report.violations]


def test_violation_reads_in_chinese() -> None:
    iri = document_iri("https://w3id.org/cn-health-kg/", "国办发〔2017〕32号")
    report = validate(
        graph_of(
            VALID,
            f'<{iri}> a hp:Document ; eli:id_local "国办发〔2017〕32号" , "国办发〔2017〕33号" .',
        )
    )
    text = str(report)
    assert "%E5" in iri and "/国办发〔2017〕32号>" in text  # the focus IRI is decoded
    assert "eli:id_local" in text


def test_report_is_frozen() -> None:
    report = validate(graph_of(VALID))
    assert isinstance(report, ValidationReport)
    with pytest.raises(FrozenInstanceError):
        report.conforms = False  # type: ignore[misc]
    violation = Violation("x", "y", "z")
    assert str(violation) == "x y: z"


def _as_quads(graph: Graph, name: str = "https://w3id.org/cn-health-kg/graph/abc") -> list[ox.Quad]:
    dataset = Dataset()
    named = dataset.graph(URIRef(name))
    for triple in graph:
        named.add(triple)
    return from_rdflib_dataset(dataset)


@pytest.mark.parametrize(
    "container", ["quads", "ox-store", "ox-dataset", "kg-store", "rdflib-dataset"]
)
def test_accepts_every_container(container: str) -> None:
    broken = graph_of(VALID, "a:anon a hp:Agency .")
    quads = _as_quads(broken)
    if container == "quads":
        data: object = quads
    elif container == "ox-store":
        data = ox.Store()
        data.extend(quads)
    elif container == "ox-dataset":
        data = ox.Dataset(quads)
    elif container == "kg-store":
        data = Store()
        data.raw.extend(quads)
    else:
        data = Dataset()
        named = data.graph(URIRef("https://w3id.org/cn-health-kg/graph/abc"))
        for triple in broken:
            named.add(triple)
    report = validate(data)
    assert not report.conforms
    assert [v.path for v in report.violations] == ["skos:prefLabel"]


def test_union_of_named_graphs_is_checked() -> None:
    """A fact split over two graphs (a citation here, the cited title there) is one node."""
    citing = _as_quads(graph_of(VALID), "https://w3id.org/cn-health-kg/graph/a")
    other = _as_quads(
        graph_of('d:guoban eli:id_local "国办发〔2017〕99号" .'),
        "https://w3id.org/cn-health-kg/graph/catalogue",
    )
    report = validate(citing + other)
    assert "eli:id_local" in {v.path for v in report.violations}


def test_rejects_unknown_input() -> None:
    with pytest.raises(TypeError):
        validate(42)
