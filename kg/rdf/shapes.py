"""SHACL validation of the graph: the union of all named graphs against ontology/shapes.ttl.

The ontology is mixed into the data graph before validation so that ``sh:class``
follows its subclass axioms (an ``hp:Reply`` is an ``hp:Document``) and concept
shapes see the schemes.  pyshacl works on rdflib graphs; the conversion from
pyoxigraph lives in ``kg.rdf._convert``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from kg.errors import ConfigError
from kg.rdf._convert import to_rdflib_graph
from kg.rdf.package_data import shipped_folder

__all__ = ["ONTOLOGY_FILE", "SHAPES_FILE", "ValidationReport", "Violation", "validate"]

ONTOLOGY_DIR = shipped_folder("ontology")
ONTOLOGY_FILE = ONTOLOGY_DIR / "hp.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"


@dataclass(frozen=True)
class Violation:
    """One failed constraint, in words a person can act on."""

    focus: str
    path: str
    message: str
    value: str = ""
    severity: str = "Violation"

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}".strip()
        value = f" (value: {self.value})" if self.value else ""
        return f"{where}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...]
    triples: int = 0

    def __str__(self) -> str:
        if self.conforms:
            return f"conforms ({self.triples} triples checked)"
        return "\n".join(str(v) for v in self.violations)


@lru_cache(maxsize=4)
def _graph(path: Path) -> Graph:
    if not path.is_file():
        raise ConfigError(f"{path} is missing: validation needs the ontology and its shapes")
    return Graph().parse(path, format="turtle")


def _data_graph(data: Any) -> Graph:
    """The union of every graph of ``data`` as one rdflib graph."""
    if isinstance(data, Dataset):
        union = Graph()
        for s, p, o, _g in data.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    if isinstance(data, Graph):
        return data
    raw = getattr(data, "raw", data)  # kg.store.local.Store wraps a pyoxigraph store
    if isinstance(raw, ox.Store):
        return to_rdflib_graph(raw.quads_for_pattern(None, None, None, None))
    if isinstance(data, Iterable):
        return to_rdflib_graph(data)
    raise TypeError(f"cannot validate a {type(data).__name__}: pass a store, a dataset or quads")


def _short(graph: Graph, node: Any) -> str:
    """A vocabulary term as a prefixed name; a data IRI decoded, so Chinese reads as such."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        for prefix, namespace in graph.namespaces():
            if prefix and str(node).startswith(str(namespace)):
                return f"{prefix}:{str(node)[len(str(namespace)) :]}"
        return f"<{unquote(str(node))}>"
    if isinstance(node, Literal):
        return node.n3()
    return f"[{node}]"  # a blank node: a SHACL path or an anonymous value


def _path_text(results: Graph, result: Any, prefixes: Graph) -> str:
    path = results.value(result, SH.resultPath)
    if path is None:
        return ""
    inverse = results.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _short(prefixes, inverse)
    return _short(prefixes, path)


def _violations(results: Graph, prefixes: Graph) -> tuple[Violation, ...]:
    found = []
    # Only the report's own results: nested sh:node checks add results of their own
    # (sh:detail) that repeat what the top-level result already says.
    top = [
        r
        for report in results.subjects(RDF.type, SH.ValidationReport)
        for r in results.objects(report, SH.result)
    ]
    for result in top:
        severity = results.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        value = results.value(result, SH.value)
        found.append(
            Violation(
                focus=_short(prefixes, results.value(result, SH.focusNode)),
                path=_path_text(results, result, prefixes),
                message="; ".join(messages) or "constraint failed",
                value=_short(prefixes, value) if value is not None else "",
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            )
        )
    return tuple(sorted(found, key=lambda v: (v.focus, v.path, v.message, v.value)))


def validate(data: Any) -> ValidationReport:
    """Check ``data`` against the SHACL shapes.

    ``data`` is a ``kg.store.local.Store``, a ``pyoxigraph.Store`` or ``Dataset``, an
    iterable of pyoxigraph quads, or an rdflib ``Graph``/``Dataset``; all its named
    graphs are checked as one union.
    """
    ontology, shapes = _graph(ONTOLOGY_FILE), _graph(SHAPES_FILE)
    graph = _data_graph(data)
    triples = len(graph)
    # Mixed in whole, not through pyshacl's ont_graph, which copies only the class
    # axioms and so would hide the concepts' skos:inScheme from the concept shapes.
    mixed = Graph()
    mixed += graph
    mixed += ontology
    conforms, results, _text = shacl_validate(
        mixed,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
    )
    prefixes = Graph()
    for prefix, ns in ontology.namespaces():
        prefixes.bind(prefix, ns)
    violations = _violations(results, prefixes)
    return ValidationReport(conforms=bool(conforms), violations=violations, triples=triples)
