"""rdflib ↔ pyoxigraph term conversion, kept in one place (as oxrdflib's ``_converter``).

The store speaks pyoxigraph; pyshacl and rdflib.compare speak rdflib.  Plain literals
become rdflib literals without a datatype, because rdflib 7 does not treat
``"x"^^xsd:string`` and ``"x"`` as the same term while RDF 1.1 and pyoxigraph do.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

_XSD_STRING = str(XSD.string)
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"cannot convert {term!r} to rdflib: quoted triples are not used here")


def to_oxigraph_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _RDF_LANG_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to pyoxigraph")


def to_rdflib_graph(quads: Iterable[ox.Quad]) -> Graph:
    """The union of all graphs of ``quads`` as one rdflib graph (graph names dropped)."""
    graph = Graph()
    for quad in quads:
        graph.add(
            (
                to_rdflib_term(quad.subject),
                to_rdflib_term(quad.predicate),
                to_rdflib_term(quad.object),
            )
        )
    return graph


def to_rdflib_dataset(quads: Iterable[ox.Quad]) -> Dataset:
    """``quads`` as an rdflib dataset that keeps the named graphs."""
    dataset = Dataset()
    for quad in quads:
        name = quad.graph_name
        context = (
            dataset.graph(URIRef(name.value))
            if isinstance(name, ox.NamedNode)
            else dataset.default_graph
        )
        context.add(
            (
                to_rdflib_term(quad.subject),
                to_rdflib_term(quad.predicate),
                to_rdflib_term(quad.object),
            )
        )
    return dataset


def from_rdflib_dataset(dataset: Dataset) -> list[ox.Quad]:
    """The quads of an rdflib dataset as pyoxigraph quads (default graph included)."""
    quads = []
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph_name = (
            ox.DefaultGraph()
            if g is None or g == dataset.default_graph.identifier
            else _resource(g)
        )
        if not isinstance(p, URIRef):
            raise TypeError(f"the predicate {p!r} is no IRI")
        quads.append(ox.Quad(_resource(s), ox.NamedNode(str(p)), to_oxigraph_term(o), graph_name))
    return quads


def _resource(term: Node) -> ox.NamedNode | ox.BlankNode:
    """A subject or a graph name: rdflib's Dataset holds no literal there."""
    converted = to_oxigraph_term(term)
    if isinstance(converted, ox.Literal):
        raise TypeError(f"the literal {term!r} cannot be a subject or a graph name")
    return converted
