"""The kinds of node the graph types, in one table that every layer reads.

One row per ontology class a node of the graph can have: its kind word (in IRIs,
``kg.model.Entity.kind``, responses), its class, its colour in pictures and in the
explorer, the type search gives its rows, and, for a named entity, the path segment
and summary of its REST list route.  The labels and the class hierarchy come from
the ontology (kg.rdf.vocab, generated from ontology/hp.ttl), not from here.

Readers: kg.rdf.mapping (the class of an entity), kg.search (row types), kg.views.projections and
kg.views.pictures (a node's type and colour), api.routers.entities (one list route per named
kind), api.schemas_entities, api.routers.explore (the explorer's colours and legend).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from rdflib.term import URIRef

from kg.rdf.vocab import BROADER_CLASSES, CLASS_LABELS, HP

__all__ = [
    "BY_CLASS",
    "BY_KEY",
    "KINDS",
    "NAMED",
    "OTHER_COLOUR",
    "OTHER_LEGEND",
    "OTHER_TYPE",
    "Kind",
    "colour_of",
    "most_specific",
]


@dataclass(frozen=True)
class Kind:
    """One kind of node: what each layer needs to know about its class."""

    key: str  # the kind word: agency, hospital …
    cls: URIRef  # its ontology class
    colour: str  # fill colour in exports, drawings and the explorer
    search_type: str | None = None  # the type of its search rows; None: not indexed
    named: bool = False  # a named entity: extracted, resolved, found by name
    route: str | None = None  # path segment of its REST list route (GET /agencies)
    listing: str = ""  # the summary of that route in the OpenAPI document
    short: str = ""  # the explorer's word when shorter than the ontology's label

    @property
    def type_name(self) -> str:
        """The class's local name, as exports give a node's ``type`` (HealthInstitution)."""
        return self.cls.removeprefix(HP._NS)

    @property
    def label(self) -> str:
        """The class's Chinese rdfs:label in the ontology."""
        return CLASS_LABELS[self.cls][0]

    @property
    def label_en(self) -> str:
        """The class's English rdfs:label in the ontology."""
        return CLASS_LABELS[self.cls][1]

    @property
    def legend(self) -> str:
        """The word the explorer's legend and panel show."""
        return self.short or self.label

    def narrows(self, cls: URIRef) -> bool:
        """Whether this kind's class is a subclass of ``cls`` in the ontology."""
        return cls in BROADER_CLASSES.get(self.cls, ())


# Grey, for a node of no kind here (a class of another vocabulary, or none).
OTHER_TYPE = "Resource"
OTHER_COLOUR = "#cccccc"
OTHER_LEGEND = "其他"
_SUBMISSION_GREY = "#bab0ac"

# Reading order: documents, named entities, tasks, submissions, provenance.  The list
# routes are registered in this order, so it is also the order of the OpenAPI paths.
KINDS: tuple[Kind, ...] = (
    Kind("document", HP.Document, "#4e79a7", search_type="document", short="文件"),
    Kind("reply", HP.Reply, "#76b7b2", search_type="document"),
    Kind(
        "agency",
        HP.Agency,
        "#e15759",
        search_type="agency",
        named=True,
        route="agencies",
        listing="Agencies, by a substring of any name or alias",
    ),
    Kind(
        "hospital",
        HP.HealthInstitution,
        "#59a14f",
        search_type="hospital",
        named=True,
        route="hospitals",
        listing="Health institutions, by a substring of any name or alias",
    ),
    Kind(
        "consortium",
        HP.Consortium,
        "#f28e2b",
        search_type="consortium",
        named=True,
        route="consortia",
        listing="Medical consortia (医联体, 医共体, 专科联盟 …), by a substring of any name",
        short="医联体",
    ),
    Kind(
        "programme",
        HP.Programme,
        "#b07aa1",
        search_type="programme",
        named=True,
        route="programmes",
        listing="Programmes, projects, campaigns and platforms, by a substring of any name",
    ),
    Kind(
        "person",
        HP.Person,
        "#ff9da7",
        search_type="person",
        named=True,
        route="people",
        listing="People named in documents, with their roles (never contact data)",
    ),
    Kind("place", HP.Place, "#9c755f", search_type="place", named=True),
    Kind("task", HP.Task, "#edc948", search_type="task"),
    Kind("submission", HP.Submission, _SUBMISSION_GREY),
    Kind("proposal", HP.Proposal, _SUBMISSION_GREY),
    Kind("suggestion", HP.Suggestion, _SUBMISSION_GREY),
    Kind("evidence", HP.Evidence, OTHER_COLOUR),
    Kind("sentence", HP.Sentence, OTHER_COLOUR),
)

NAMED: tuple[Kind, ...] = tuple(k for k in KINDS if k.named)
BY_KEY: Mapping[str, Kind] = MappingProxyType({k.key: k for k in KINDS})
BY_CLASS: Mapping[str, Kind] = MappingProxyType({str(k.cls): k for k in KINDS})
_BY_TYPE_NAME: Mapping[str, Kind] = MappingProxyType({k.type_name: k for k in KINDS})


def most_specific(classes: Iterable[str]) -> Kind | None:
    """The kind of a node with these class IRIs: a subclass wins over its superclass
    (a reply is a document), else the first in table order; None when none is a kind."""
    found = [BY_CLASS[c] for c in dict.fromkeys(classes) if c in BY_CLASS]
    narrowest = [k for k in found if not any(other.narrows(k.cls) for other in found)]
    return min(narrowest, key=KINDS.index, default=None)


def colour_of(type_name: Any) -> str:
    """The colour of a node's ``type`` attribute (a class's local name); grey for others."""
    kind = _BY_TYPE_NAME.get(str(type_name))
    return kind.colour if kind else OTHER_COLOUR
