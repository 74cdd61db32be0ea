"""The import graph of kg/: no cycles; each package's entry point imports on its own.

Every import counts, also one inside a function (a deferred import hides a cycle from
the interpreter, not from a reader), but for one under ``if TYPE_CHECKING:``, which
only annotations read.  kg never imports api.  The graph leaves out that importing
``kg.a.b`` first runs ``kg/a/__init__.py``, so a fresh interpreter imports each
package's entry point too: one that pulls in a sibling package whose modules import it
back fails there with "partially initialized module".
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

KG = Path(__file__).resolve().parent.parent / "kg"
KNOWN_CYCLES: list[set[str]] = []


def _module_name(path: Path) -> str:
    parts = path.relative_to(KG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    nodes: list[ast.AST] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
        ):
            pending.extend(node.orelse)
            continue
        nodes.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return nodes


def _imports(path: Path, modules: set[str]) -> set[str]:
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name in modules or name.split(".")[0] == "api"}


def import_graph() -> nx.DiGraph:
    paths = {_module_name(p): p for p in KG.rglob("*.py")}
    graph = nx.DiGraph()
    for name, path in paths.items():
        graph.add_node(name)
        graph.add_edges_from(
            (name, target) for target in _imports(path, set(paths)) if target != name
        )
    return graph


def test_the_graph_is_read_from_the_real_modules() -> None:
    graph = import_graph()
    assert ("kg.views.projections", "kg.store.graphstore") in graph.edges
    assert ("kg.store.stores", "kg.store.remote") in graph.edges  # deferred, inside open_store()
    assert ("kg.views.pictures", "kg.rdf.kinds") in graph.edges
    assert ("kg.views.projections", "kg.views.pictures") in graph.edges  # deferred, inside render()
    assert ("kg.build_report", "kg.build") not in graph.edges  # under TYPE_CHECKING only


def test_kg_has_no_import_cycle_but_the_known_one() -> None:
    tangles = [
        group for group in nx.strongly_connected_components(import_graph()) if len(group) > 1
    ]
    assert tangles == KNOWN_CYCLES


def test_kg_never_imports_api() -> None:
    graph = import_graph()
    assert sorted((a, b) for a, b in graph.edges if b.startswith("api")) == []


ENTRY_POINTS = [
    ("kg.store", "GraphStore, Store, RemoteStore, open_store"),
    ("kg.sparql", "check_query, run_query, QueryJob, QueryAnswer, QuerySandbox"),
    ("kg.rdf", "HP, KINDS, document_iri, to_quads, validate, shipped_folder"),
    ("kg.views", "project, render, export, draw, evidence_rows"),
    ("kg.sparql.sandbox", "QuerySandbox"),  # imports the local store only inside a worker
    ("api.sparql", "with_values"),  # the first import of kg.sparql by the service
]


@pytest.mark.parametrize(("package", "names"), ENTRY_POINTS)
def test_each_entry_point_imports_in_a_fresh_interpreter(package: str, names: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"from {package} import {names}"],
        cwd=KG.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
