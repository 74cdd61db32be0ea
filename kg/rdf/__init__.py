"""The graph's RDF: vocabulary, kinds, IRIs, the mapping to quads, validation, catalogue.

vocab.py is generated from ``ontology/hp.ttl`` (tools/gen_vocab.py); kinds.py is the
one kind table; iri.py the IRI scheme; mapping.py turns an extraction into quads;
catalogue.py loads the document catalogue; validate.py checks the graph against
``ontology/shapes.ttl``;
package_data.py finds ``queries/`` and ``ontology/``, installed or not.
"""

from kg.rdf._convert import from_rdflib_dataset, to_rdflib_dataset, to_rdflib_graph
from kg.rdf.catalogue import BUNDLED_CATALOGUE, catalogue_graph, catalogue_quads, joint_issuers
from kg.rdf.iri import (
    ONTOLOGY_NS,
    catalogue_graph_iri,
    document_iri,
    entity_iri,
    graph_iri,
    local_name,
    person_iri,
    sentence_iri,
    short_hash,
    task_iri,
)
from kg.rdf.kinds import (
    BY_CLASS,
    BY_KEY,
    KINDS,
    NAMED,
    OTHER_COLOUR,
    OTHER_LEGEND,
    OTHER_TYPE,
    Kind,
    colour_of,
    most_specific,
)
from kg.rdf.mapping import to_quads
from kg.rdf.package_data import shipped_folder
from kg.rdf.shapes import ValidationReport, Violation, validate
from kg.rdf.vocab import (
    CLASS_LABELS,
    CONSORTIUM_KIND_LABELS,
    DOCUMENT_TYPE_LABELS,
    ELI,
    HP,
    INSTITUTION_KIND_LABELS,
    node,
)

__all__ = [
    "BUNDLED_CATALOGUE",
    "BY_CLASS",
    "BY_KEY",
    "CLASS_LABELS",
    "CONSORTIUM_KIND_LABELS",
    "DOCUMENT_TYPE_LABELS",
    "ELI",
    "HP",
    "INSTITUTION_KIND_LABELS",
    "KINDS",
    "NAMED",
    "ONTOLOGY_NS",
    "OTHER_COLOUR",
    "OTHER_LEGEND",
    "OTHER_TYPE",
    "Kind",
    "ValidationReport",
    "Violation",
    "catalogue_graph",
    "catalogue_graph_iri",
    "catalogue_quads",
    "colour_of",
    "document_iri",
    "entity_iri",
    "from_rdflib_dataset",
    "graph_iri",
    "joint_issuers",
    "local_name",
    "most_specific",
    "node",
    "person_iri",
    "sentence_iri",
    "shipped_folder",
    "short_hash",
    "task_iri",
    "to_quads",
    "to_rdflib_dataset",
    "to_rdflib_graph",
    "validate",
]
