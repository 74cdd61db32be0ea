"""The kind table (kg.rdf.kinds) against the ontology, the built graph and the real server.

The table is the one place a kind of node is declared; these tests fail when the
ontology gains a class without a row, when the build types a node with a class the
table does not know, or when a list route, the explorer's script or an export
disagrees with the table.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from kg.rdf import (
    BY_CLASS,
    CLASS_LABELS,
    HP,
    KINDS,
    NAMED,
    OTHER_COLOUR,
    OTHER_TYPE,
    Kind,
    colour_of,
    most_specific,
)
from kg.search import DOC_TYPES

SCHEMA_PERSON = "https://schema.org/Person"
REPO = Path(__file__).resolve().parent.parent
NAMED_CLASSES = {str(k.cls) for k in NAMED}


def test_every_ontology_class_has_one_row() -> None:
    assert set(BY_CLASS) == {str(c) for c in CLASS_LABELS}
    assert len(BY_CLASS) == len(KINDS)  # no class twice
    assert len({k.key for k in KINDS}) == len(KINDS)


def test_the_entity_query_reads_the_named_kinds() -> None:
    """queries/entities_by_name.rq, which every list route runs, has the table's classes."""
    text = (REPO / "queries" / "entities_by_name.rq").read_text(encoding="utf-8")
    values = re.search(r"VALUES \?class \{([^}]*)\}", text)
    assert values is not None
    assert {str(HP._NS) + name for name in re.findall(r"hp:(\w+)", values.group(1))} == (
        NAMED_CLASSES
    )


def test_every_search_type_is_one_the_index_takes() -> None:
    types = {k.search_type for k in KINDS if k.search_type}
    assert {"document", "hospital", "task"} <= types <= set(DOC_TYPES)


def test_the_named_thing_shape_targets_the_named_kinds() -> None:
    shapes = Graph().parse(REPO / "ontology" / "shapes.ttl", format="turtle")
    shape = URIRef("https://w3id.org/cn-health-kg/shapes#NamedThingShape")
    assert {str(c) for c in shapes.objects(shape, SH.targetClass)} == NAMED_CLASSES


@pytest.mark.parametrize(
    ("classes", "expected"),
    [
        pytest.param([HP.Document, HP.Reply], "Reply", id="a-reply-is-a-document"),
        pytest.param([HP.Reply, HP.Document], "Reply", id="order-of-types-does-not-matter"),
        pytest.param([HP.Proposal], "Proposal", id="proposal"),
        pytest.param([HP.Submission, HP.Suggestion], "Suggestion", id="suggestion-narrows"),
        pytest.param([HP.HealthInstitution], "HealthInstitution", id="hospital"),
        pytest.param([SCHEMA_PERSON, HP.Person], "Person", id="foreign-class-ignored"),
        pytest.param([SCHEMA_PERSON], None, id="foreign-only"),
        pytest.param([], None, id="untyped"),
    ],
)
def test_the_most_specific_kind_wins(classes: list[str], expected: str | None) -> None:
    kind = most_specific(str(c) for c in classes)
    assert (kind.type_name if kind else None) == expected


@pytest.mark.parametrize(
    ("type_name", "colour"),
    [
        ("HealthInstitution", "#59a14f"),
        ("Consortium", "#f28e2b"),
        ("Reply", "#76b7b2"),
        ("Person", "#ff9da7"),  # schema:Person's local name too: colours go by name
        (OTHER_TYPE, OTHER_COLOUR),
        ("Legislation", OTHER_COLOUR),
        (None, OTHER_COLOUR),
    ],
)
def test_colours(type_name: str | None, colour: str) -> None:
    assert colour_of(type_name) == colour


def _select(client: httpx.Client, query: str) -> list[dict[str, str]]:
    response = client.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return [
        {name: cell["value"] for name, cell in row.items()}
        for row in response.json()["results"]["bindings"]
    ]


def test_every_class_the_build_uses_is_in_the_table(seed_http: httpx.Client) -> None:
    rows = _select(seed_http, "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?s a ?c } }")
    used = {r["c"] for r in rows if r["c"].startswith(str(HP._NS))}
    assert {str(HP.Document), str(HP.HealthInstitution), str(HP.Task)} <= used
    assert used <= set(BY_CLASS)


@pytest.mark.parametrize("kind", [k for k in NAMED if k.route], ids=lambda k: k.route)
def test_each_list_route_lists_every_node_of_its_class(seed_http: httpx.Client, kind: Kind) -> None:
    rows = _select(seed_http, f"SELECT DISTINCT ?s WHERE {{ ?s a <{kind.cls}> }}")
    body = seed_http.get(f"/{kind.route}", params={"limit": 1000}).json()
    assert body["total"] == len(rows) > 0
    assert {item["iri"] for item in body["items"]} == {r["s"] for r in rows}
    assert {item["type"] for item in body["items"]} == {kind.key}


def test_the_explorer_script_carries_the_table(seed_http: httpx.Client) -> None:
    response = seed_http.get("/explore/kinds.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    prefix = "window.KG_KINDS = "
    line = response.text[response.text.index(prefix) + len(prefix) :].rstrip().rstrip(";")
    table = json.loads(line)
    assert table["Consortium"] == {"colour": "#f28e2b", "legend": "医联体"}
    assert table["Document"]["legend"] == "文件"
    assert table["Agency"]["legend"] == "机关"  # the ontology's label
    assert table[OTHER_TYPE] == {"colour": OTHER_COLOUR, "legend": "其他"}
    assert {name: v["colour"] for name, v in table.items()} == {
        name: colour_of(name) for name in table
    }
