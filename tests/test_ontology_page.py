"""/ontology: a page with an anchor per term of hp.ttl, and the file itself as Turtle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import OWL, RDF, SKOS, Graph, URIRef
from rdflib.compare import isomorphic

from api.main import create_app
from api.routers.ontology import ONTOLOGY_FILE, anchor
from kg.config import Settings

KINDS = [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
         SKOS.ConceptScheme, SKOS.Concept]  # fmt: skip


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    # No store is needed: the ontology is served from the file.
    settings = Settings(store_path=Path(tmp_path_factory.mktemp("none")) / "absent")
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def declared() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def terms(graph: Graph, kind: URIRef) -> list[str]:
    return sorted(str(s) for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef))


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: str(k).rsplit("#", 1)[-1])
def test_page_has_an_anchor_per_term(client: TestClient, declared: Graph, kind: URIRef) -> None:
    page = client.get("/ontology", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    found = terms(declared, kind)
    assert found
    missing = [iri for iri in found if f'id="{anchor(iri)}"' not in page.text]
    assert not missing


def test_hp_terms_resolve_as_fragments(client: TestClient) -> None:
    page = client.get("/ontology").text
    # https://w3id.org/cn-health-kg/ontology#Document → /ontology#Document
    for local in ("Document", "HealthInstitution", "leads", "startOffset", "doctype_notice"):
        assert f'id="{local}"' in page
    assert "政策文件" in page and "policy document" in page  # labels in both languages
    assert 'href="#Document"' in page  # Reply's super-class links to its card


@pytest.mark.parametrize("how", [{"headers": {"Accept": "text/turtle"}}, {"params": {"format": "ttl"}}],
                         ids=["accept", "format"])  # fmt: skip
def test_turtle_is_the_file(
    client: TestClient, declared: Graph, how: dict[str, dict[str, str]]
) -> None:
    response = client.get("/ontology", **how)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert isomorphic(Graph().parse(data=response.text, format="turtle"), declared)


def test_jsonld_is_the_same_graph(client: TestClient, declared: Graph) -> None:
    response = client.get("/ontology", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    assert isomorphic(Graph().parse(data=response.text, format="json-ld"), declared)
