"""Document text holding markup is shown as text: a tiny store whose document title
carries script and attribute-breaking payloads, served by a real uvicorn and opened in
Chromium (the explorer tests' browser): no payload runs, each shows literally."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from rdflib import namespace as rns

from kg.rdf import document_iri, graph_iri, node, vocab
from kg.store import Store
from tests.conftest import BASE, sample_graphs, serving
from tests.test_explore_browser import browser  # noqa: F401  (the module's Chromium)

pytestmark = pytest.mark.server

SCRIPT = "<script>window.__pwned=1</script>"
ATTRIBUTE = '"><img src=x onerror="window.__pwned=1">'
TITLE = f"关于{SCRIPT}的通知{ATTRIBUTE}"
NUMBER = "湘卫发〔2024〕1号"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    doc = ox.NamedNode(document_iri(BASE, NUMBER, TITLE))
    graph = graph_iri(BASE, "hostile")
    triples = [
        ox.Triple(doc, node(str(rns.RDF.type)), node(str(vocab.HP.Document))),
        ox.Triple(doc, node(str(rns.DCTERMS.title)), ox.Literal(TITLE)),
        ox.Triple(doc, node(str(vocab.ELI.id_local)), ox.Literal(NUMBER)),
        ox.Triple(doc, node(str(vocab.HP.typeName)), ox.Literal(ATTRIBUTE)),
    ]
    graphs = {**sample_graphs(), graph: triples}
    path = tmp_path_factory.mktemp("hostile") / "store"
    store = Store(path)
    store.replace_graphs([], graphs)  # type: ignore[arg-type]
    store.close()
    with serving(path, tmp_path_factory.mktemp("hostile-log")) as url:
        yield url, "/" + doc.value[len(BASE) :], "/" + graph[len(BASE) :]


def test_document_text_is_escaped_in_the_pages(
    browser: object,  # noqa: F811
    hostile_server: tuple[str, str, str],
) -> None:
    url, doc_path, graph_path = hostile_server
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        for path in (doc_path, graph_path, "/explore", "/ontology"):
            response = page.goto(url + path, wait_until="load")
            assert response is not None and response.status == 200, path
            page.wait_for_timeout(300)
            assert page.evaluate("typeof window.__pwned") == "undefined", path
            assert page.locator("img[src='x']").count() == 0, path
            if path in (doc_path, graph_path):
                text = page.inner_text("body")
                assert SCRIPT in text and ATTRIBUTE in text, path
    finally:
        page.close()
