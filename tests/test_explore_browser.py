"""The explorer in a real browser: headless Chromium driven by Playwright.

Chromium is Debian's (/usr/bin/chromium), never a browser Playwright downloads.
Skipped only where Chromium (or Playwright) is missing and CI is not set; on CI a
missing browser is a failure, so the page cannot silently go untested.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.rdf import BY_KEY
from kg.store import Store
from kg.views import projections as kx

REPO = Path(__file__).resolve().parent.parent
CYTOSCAPE = REPO / "api" / "static" / "explore" / "cytoscape.min.js"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip

HOSPITAL = "益阳市中医医院"
CONSORTIUM = "益阳市中医医院医共体"


def _rgb(hex_colour: str) -> str:
    """A #rrggbb colour as Cytoscape reports a style: rgb(r,g,b)."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red},{green},{blue})"


def _require_browser() -> None:
    problem = None
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        problem = f"no Chromium at {CHROMIUM} (Debian: apt-get install -y chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "Playwright for Python is not installed (pip install playwright)"
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{problem}; CI must run the browser tests")
    pytest.skip(problem)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_bundled_cytoscape_renders_the_citation_export(
    browser: object, seed_store_path: Path
) -> None:
    store = Store(seed_store_path, read_only=True)
    try:
        graph = kx.project(store, "citations")
        document = json.loads(kx.render(graph, "cyjs"))
    finally:
        store.close()
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.set_content('<div id="cy" style="width:800px;height:600px"></div>')
        page.add_script_tag(path=str(CYTOSCAPE))
        rendered = page.evaluate(
            """(elements) => {
                const cy = cytoscape({ container: document.getElementById('cy'), elements });
                cy.layout({ name: 'cose', animate: false }).run();
                const box = cy.elements().renderedBoundingBox();
                return { count: cy.elements().length, nodes: cy.nodes().length,
                         width: box.w, labels: cy.nodes().map(n => n.data('label')) };
            }""",
            document["elements"],
        )
    finally:
        page.close()
    assert rendered["count"] == graph.number_of_nodes() + graph.number_of_edges()
    assert rendered["nodes"] == graph.number_of_nodes() and rendered["width"] > 0
    assert "湘政办发〔2021〕79号" in rendered["labels"]


def test_explore_a_hospital_and_its_evidence(browser: object, seed_server: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 850})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{seed_server}/explore")
        page.fill("#search-input", HOSPITAL)
        page.press("#search-input", "Enter")
        page.locator("#results li", has_text=HOSPITAL).first.click()
        page.wait_for_selector("#panel .evidence", timeout=15_000)
        panel = page.inner_text("#panel")
        assert HOSPITAL in panel
        assert CONSORTIUM in panel  # its consortium, among its links
        evidence = page.locator("#panel .evidence").first.inner_text()
        assert HOSPITAL[2:] in evidence  # a sentence naming it (possibly by its short name)
        labels = page.evaluate("window.kgCy.nodes().map(n => n.data('label'))")
        assert {HOSPITAL, CONSORTIUM} <= set(labels)
        # Colours and legend words come from kg.rdf.kinds, as the exports' do.
        hospital = BY_KEY["hospital"]
        colour = page.evaluate(
            "window.kgCy.nodes().filter(n => n.data('label') === "
            f"'{HOSPITAL}').style('background-color')"
        )
        assert colour == _rgb(hospital.colour)
        legend = page.inner_text("#legend")
        assert f"{hospital.legend} ({hospital.type_name})" in legend
        assert "医联体 (Consortium)" in legend
        assert page.get_attribute("#export-gexf", "href").startswith(
            "/export/neighbourhood?format=gexf"
        )
        # Clicking the consortium in the graph shows its facts.
        page.evaluate(
            f"window.kgCy.nodes().filter(n => n.data('label') === '{CONSORTIUM}').emit('tap')"
        )
        page.wait_for_function(
            f"() => document.querySelector('#panel h2.title')?.textContent === '{CONSORTIUM}'",
            timeout=10_000,
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "explore.png"))
    finally:
        page.close()
    assert not errors, errors
