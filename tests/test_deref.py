"""Dereferenceable IRIs and JSON-LD, against a real server over the seed-corpus build.

Every form of an IRI's description (Turtle, JSON-LD, N-Triples and the page) must
carry the same facts: the RDF forms are compared as graphs, and the page must show
every triple as a visible row as well as embed the same JSON-LD.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import quote

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS

from api.routers import ontology
from kg.config import DEFAULT_IRI_BASE as BASE
from kg.rdf import ELI, HP, document_iri, entity_iri, local_name

pytestmark = pytest.mark.server

HOSPITAL = entity_iri(BASE, "hospital", "益阳市中医医院")
XIANG = document_iri(BASE, "湘政办发〔2021〕79号")
YUE = document_iri(BASE, "岳卫字〔2023〕2号")
YIZI = document_iri(BASE, "益资政办发〔2023〕20号")


def path_of(iri: str) -> str:
    """The server path an IRI under the base maps to."""
    assert iri.startswith(BASE)
    return "/" + iri[len(BASE) :]


def fetch(http: httpx.Client, url: str, accept: str | None = None) -> httpx.Response:
    response = http.get(url, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.text
    return response


def parse(text: str | bytes, fmt: str) -> Graph:
    return Graph().parse(data=text, format=fmt)


class _Page(HTMLParser):
    """The visible text of a page and the contents of its JSON-LD script."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.jsonld: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and ("type", "application/ld+json") in attrs:
            self._in = "jsonld"
        elif tag in ("script", "style", "title"):
            self._in = "hidden"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "jsonld":
            self.jsonld.append(data)
        elif self._in is None:
            self.text.append(data)


def shown(graph: Graph, term: object) -> str:
    """What the page must show for a term: a literal's text, else the thing's name."""
    if isinstance(term, Literal):
        return str(term)
    for predicate in (SKOS.prefLabel, ELI.id_local, DCTERMS.title):
        value = graph.value(term, predicate)  # type: ignore[call-overload]
        if value is not None:
            return str(value)
    iri = str(term)
    if iri.startswith(BASE) and not iri.startswith(str(HP._NS)):
        return local_name(iri)
    return ontology.label(iri)


SUBJECTS = [
    pytest.param(HOSPITAL, id="hospital-益阳市中医医院"),
    pytest.param(XIANG, id="document-湘政办发〔2021〕79号"),
    pytest.param(YIZI, id="corpus-document-益资政办发〔2023〕20号"),
]


@pytest.mark.parametrize("iri", SUBJECTS)
def test_every_form_carries_the_same_facts(seed_http: httpx.Client, iri: str) -> None:
    url = path_of(iri)
    turtle = fetch(seed_http, url, "text/turtle")
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = parse(turtle.text, "turtle")
    node = URIRef(iri)
    assert (node, None, None) in graph or (None, None, node) in graph

    as_jsonld = fetch(seed_http, url, "application/ld+json")
    assert as_jsonld.headers["content-type"].startswith("application/ld+json")
    assert isomorphic(graph, parse(as_jsonld.text, "json-ld"))
    assert isomorphic(graph, parse(fetch(seed_http, url, "application/n-triples").text, "nt"))
    assert isomorphic(graph, parse(fetch(seed_http, url + "?format=jsonld").text, "json-ld"))

    page = fetch(seed_http, url, "text/html")
    assert page.headers["content-type"].startswith("text/html")
    reader = _Page()
    reader.feed(page.text)
    assert isomorphic(graph, parse("".join(reader.jsonld), "json-ld"))
    visible = re.sub(r"\s+", " ", " ".join(reader.text))
    missing = [
        (str(p), shown(graph, o))
        for _, p, o in graph
        if ontology.curie(str(p)) not in visible or shown(graph, o) not in visible
    ]
    assert not missing, missing[:5]
    for fmt in ("ttl", "jsonld", "nt"):
        assert f"?format={fmt}" in page.text


def test_entity_page_shows_its_facts_and_evidence(seed_http: httpx.Client) -> None:
    graph = parse(fetch(seed_http, path_of(HOSPITAL), "text/turtle").text, "turtle")
    node = URIRef(HOSPITAL)
    assert (node, SKOS.prefLabel, Literal("益阳市中医医院")) in graph
    assert (node, RDF.type, HP.HealthInstitution) in graph
    assert (URIRef(YIZI), HP.mentions, node) in graph
    sentences = set(graph.objects(node, HP.mentionedIn))
    assert sentences and all((s, HP.text, None) in graph for s in sentences)
    # Each sentence is shown with the document it comes from (its named graph's).
    assert all((s, PROV.wasDerivedFrom, URIRef(YIZI)) in graph for s in sentences)
    # The evidence's document is named by its number on the page.
    page = fetch(seed_http, path_of(HOSPITAL)).text
    assert "益资政办发〔2023〕20号" in page and "<mark>" in page
    assert f'href="{path_of(YIZI)}"' in page


def test_document_description_has_citations_in_and_labels(seed_http: httpx.Client) -> None:
    graph = parse(fetch(seed_http, path_of(XIANG), "text/turtle").text, "turtle")
    node = URIRef(XIANG)
    assert (node, ELI.id_local, Literal("湘政办发〔2021〕79号")) in graph
    assert {s for s in graph.subjects(ELI.cites, node)} == {URIRef(YUE), URIRef(YIZI)}
    assert (URIRef(YUE), ELI.id_local, Literal("岳卫字〔2023〕2号")) in graph


@pytest.mark.parametrize(
    "path",
    [
        path_of(HOSPITAL),
        "/id/hospital/益阳市中医医院",
        "/id/hospital/" + quote("益阳市中医医院", safe=""),
        "/id/document/湘政办发〔2021〕79号",
    ],
    ids=["as-in-the-graph", "raw", "encoded", "raw-docno"],
)
def test_path_forms_name_the_same_iri(seed_http: httpx.Client, path: str) -> None:
    graph = parse(fetch(seed_http, path, "text/turtle").text, "turtle")
    assert any(str(s) in (HOSPITAL, XIANG) for s in graph.subjects())


def test_iris_from_the_graph_dereference(seed_http: httpx.Client) -> None:
    items = seed_http.get("/documents", params={"limit": 5}).json()["items"]
    for item in items:
        assert (
            seed_http.get(path_of(item["doc"]), headers={"Accept": "text/turtle"}).status_code
            == 200
        )


@pytest.mark.parametrize(
    "path", ["/id/hospital/不存在的医院", "/id/document/湘政办发〔2099〕1号", "/graph/nope"]
)
def test_unknown_iri_is_a_404_problem(seed_http: httpx.Client, path: str) -> None:
    response = seed_http.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_unknown_format_and_unacceptable_type(seed_http: httpx.Client) -> None:
    assert seed_http.get(path_of(HOSPITAL) + "?format=pdf").status_code == 400
    assert seed_http.get(path_of(HOSPITAL), headers={"Accept": "image/png"}).status_code == 406


def test_named_graph_dereferences(seed_http: httpx.Client) -> None:
    graph = parse(fetch(seed_http, "/graph/catalogue", "text/turtle").text, "turtle")
    assert (None, ELI.id_local, Literal("国办发〔2017〕32号")) in graph
    page = fetch(seed_http, "/graph/catalogue", "text/html").text
    assert "国办发〔2017〕32号" in page


# --- JSON-LD of the REST resources -----------------------------------------------------


def as_rdf(http: httpx.Client, url: str) -> Graph:
    """The JSON-LD answer of a REST resource, its remote @context inlined from the server."""
    response = http.get(url, headers={"Accept": "application/ld+json"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    body = response.json()
    context_url = body["@context"][0] if isinstance(body["@context"], list) else body["@context"]
    assert context_url == str(http.base_url).rstrip("/") + "/context.jsonld"
    published = http.get("/context.jsonld").json()["@context"]
    if isinstance(body["@context"], list):
        body["@context"] = [published, *body["@context"][1:]]
    else:
        body["@context"] = published
    return Graph().parse(data=json.dumps(body), format="json-ld")


def test_rest_is_json_by_default(seed_http: httpx.Client) -> None:
    body = seed_http.get("/documents/湘政办发〔2021〕79号/cited-by").json()
    assert "@context" not in body


def test_cited_by_as_jsonld_gives_cites_edges(seed_http: httpx.Client) -> None:
    graph = as_rdf(seed_http, "/documents/湘政办发〔2021〕79号/cited-by")
    assert set(graph.subject_objects(ELI.cites)) == {
        (URIRef(YUE), URIRef(XIANG)),
        (URIRef(YIZI), URIRef(XIANG)),
    }
    assert (URIRef(YUE), ELI.id_local, Literal("岳卫字〔2023〕2号")) in graph


def test_cites_and_document_as_jsonld(seed_http: httpx.Client) -> None:
    graph = as_rdf(seed_http, "/documents/益资政办发〔2023〕20号/cites")
    assert (URIRef(YIZI), ELI.cites, URIRef(XIANG)) in graph
    graph = as_rdf(seed_http, "/documents/湘政办发〔2021〕79号")
    assert (URIRef(XIANG), ELI.id_local, Literal("湘政办发〔2021〕79号")) in graph


def test_entity_and_entity_list_as_jsonld(seed_http: httpx.Client) -> None:
    graph = as_rdf(seed_http, "/entities/益阳市中医医院")
    node = URIRef(HOSPITAL)
    assert (node, SKOS.prefLabel, Literal("益阳市中医医院")) in graph
    assert (node, RDF.type, HP.HealthInstitution) in graph
    assert (node, HP.typeName, Literal("中医医院")) in graph  # from "attributes", nested
    assert (node, HP.evidence, None) in graph
    graph = as_rdf(seed_http, "/hospitals?q=益阳市中医医院")
    assert (node, SKOS.prefLabel, Literal("益阳市中医医院")) in graph
