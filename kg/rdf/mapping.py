"""The map stage: one Extraction → the RDF quads of its document's named graph.

Every quad goes into ``graph_iri(base, document.id)``, so replacing or dropping a
document is replacing or dropping one graph.

Provenance without RDF-star, and lean: each sentence that states a fact is one
``hp:Sentence`` node (its text once, its start offset), and each fact points at it.
Facts whose subject is the document or a task need no node of their own: the cited
document is ``hp:citedIn`` the sentence, a mentioned thing ``hp:mentionedIn`` it, a
task ``hp:statedIn`` it (for its units too).  A relation between two things
(``hp:leads``, ``hp:memberOf`` …) gets an ``hp:Evidence`` node with its span's
offsets, its ``hp:inSentence`` and the triple it supports (``hp:supportsSubject``,
``hp:supportsPredicate``, ``hp:supportsObject``), which its subject points at with
``hp:evidence``.  These provenance triples stay in the named graph: the store's
default graph (the union of the documents) leaves them out (kg.store.graphstore).  See
ontology/README.md.

Data literals are plain strings (no language tag), so that a query can match a name
with a plain literal bound from user input.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from types import MappingProxyType

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS
from rdflib.term import URIRef

from kg.config import Settings
from kg.docno import normalise
from kg.errors import DocNumberError
from kg.model import Answered, Citation, Entity, Extraction, Header, Mention, Task, locate
from kg.privacy import redact
from kg.rdf.iri import (
    document_iri,
    entity_iri,
    evidence_iri,
    graph_iri,
    person_iri,
    sentence_iri,
    task_iri,
)
from kg.rdf.kinds import KINDS, NAMED
from kg.rdf.vocab import (
    CONSORTIUM_KIND_LABELS,
    DOCUMENT_TYPE_LABELS,
    ELI,
    HP,
    INSTITUTION_KIND_LABELS,
)
from kg.rdf.vocab import node as _n

__all__ = ["ENTITY_CLASSES", "RELATION_PREDICATES", "canonical_number", "to_quads"]

log = logging.getLogger(__name__)

ENTITY_CLASSES: Mapping[str, URIRef] = MappingProxyType({k.key: k.cls for k in NAMED})

RELATION_PREDICATES: Mapping[str, URIRef] = {
    "leads": HP.leads,
    "member_of": HP.memberOf,
    "supports": HP.supports,
    "entrusts": HP.entrusts,
    "collaborates": HP.collaboratesWith,
}

# A submission's class by what the reply calls it: 提案 → hp:Proposal (the class's label).
SUBMISSION_CLASSES: Mapping[str, URIRef] = MappingProxyType(
    {k.label: k.cls for k in KINDS if k.narrows(HP.Submission)}
)


def canonical_number(text: str) -> str:
    """The canonical 文号, or the stripped text when the parser does not know its shape."""
    try:
        return normalise(text)
    except DocNumberError:
        return "".join(text.split())


def _literal(value: str | int | bool) -> ox.Literal:
    if isinstance(value, str):
        return ox.Literal(redact(value.strip()))
    return ox.Literal(value)


_XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def _date(text: str | None) -> ox.Literal | None:
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
    return ox.Literal(day.isoformat(), datatype=_n(_XSD_DATE))


class _Builder:
    """Collects the quads of one document's graph, without duplicates, in order."""

    def __init__(self, extraction: Extraction, settings: Settings) -> None:
        self.x = extraction
        self.base = settings.iri_base
        self.doc_id = extraction.document.id
        self.graph = ox.NamedNode(graph_iri(self.base, self.doc_id))
        self.quads: dict[ox.Quad, None] = {}
        self.sentences: dict[tuple[int, int], ox.NamedNode] = {}
        self.by_name: dict[str, Entity] = {}
        # Canonical names win over surface forms when both could match a name.
        for entity in extraction.entities:
            for label in entity.labels:
                self.by_name.setdefault(label, entity)
        for entity in extraction.entities:
            self.by_name[entity.name] = entity
        self.doc = ox.NamedNode(self._document_iri(extraction.header))

    def add(self, s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal | str) -> None:
        obj = _n(o) if isinstance(o, str) else o
        self.quads[ox.Quad(s, _n(p), obj, self.graph)] = None

    def _document_iri(self, header: Header) -> str:
        if header.number:
            return document_iri(self.base, canonical_number(header.number))
        if header.title:
            return document_iri(self.base, title=header.title)
        # Neither number nor title: the content hash keeps the IRI stable and unique.
        return document_iri(self.base, title=self.doc_id)

    # --- nodes ---------------------------------------------------------------

    def named(self, kind: str, name: str) -> ox.NamedNode:
        """The node of a named thing, typed and labelled, in this graph."""
        if kind == "person":
            node = ox.NamedNode(person_iri(self.base, name, self.x.header.jurisdiction))
        else:
            node = ox.NamedNode(entity_iri(self.base, kind, name))
        self.add(node, RDF.type, ENTITY_CLASSES[kind])
        self.add(node, SKOS.prefLabel, _literal(name))
        return node

    def lookup(self, name: str, default_kind: str | None) -> ox.NamedNode | None:
        """The node an extracted name refers to: a known entity, else ``default_kind``."""
        entity = self.by_name.get(name)
        if entity is not None and entity.kind in ENTITY_CLASSES:
            return self.named(entity.kind, entity.name)
        if default_kind is None:
            return None
        return self.named(default_kind, name)

    def sentence_of(self, mention: Mention) -> tuple[int, str]:
        """Where the sentence a mention lies in starts, and its text."""
        text = self.x.document.text
        if 0 <= mention.start <= mention.end <= len(text) and text.strip():
            start, end = self.x.document.sentence_bounds(mention.start, mention.end)
            return start, text[start:end]
        # Offsets outside the text (an extraction made by hand): as given.
        return mention.start, mention.sentence.strip() or mention.text

    def sentence(self, mention: Mention) -> ox.NamedNode:
        """The node of the sentence a mention lies in: its text once, its start offset.

        Every fact stated in that sentence points at this one node, rather than
        carrying a copy of the sentence; the span itself is found again in the
        sentence by the fact's labels (kg.model.locate).  A document's mentions share
        few sentences, so each node is made (and its text redacted) once.
        """
        start, sentence = self.sentence_of(mention)
        key = (start, len(sentence))
        if (node := self.sentences.get(key)) is None:
            node = ox.NamedNode(sentence_iri(self.base, self.doc_id, start, start + len(sentence)))
            self.add(node, HP.text, _literal(sentence))
            self.add(node, HP.startOffset, _literal(start))
            self.sentences[key] = node
        return node

    def stated(self, mention: Mention, about: ox.NamedNode, link: str) -> None:
        """Evidence of a fact that ``link`` names: ``about`` points at its sentence."""
        self.add(about, link, self.sentence(mention))

    def evidence(self, mention: Mention, s: ox.NamedNode, p: str, o: ox.NamedNode) -> None:
        """Evidence of a relation between two things: one node naming the triple."""
        fact = f"{s.value} {p} {o.value}"
        ev = ox.NamedNode(evidence_iri(self.base, self.doc_id, mention.start, mention.end, fact))
        self.add(ev, HP.inSentence, self.sentence(mention))
        self.add(ev, HP.startOffset, _literal(mention.start))
        self.add(ev, HP.endOffset, _literal(mention.end))
        self.add(ev, HP.supportsSubject, s)
        self.add(ev, HP.supportsPredicate, p)
        self.add(ev, HP.supportsObject, o)
        self.add(s, HP.evidence, ev)

    # --- facts ---------------------------------------------------------------

    def header(self) -> None:
        h, doc = self.x.header, self.doc
        type_concept = DOCUMENT_TYPE_LABELS.get(h.type.strip()) if h.type else None
        is_reply = type_concept == HP.doctype_reply or self.x.answers is not None
        # The store draws no inferences: a reply is stated a hp:Document too, so that
        # every query over documents (GET /documents, search, exports) finds it.
        self.add(doc, RDF.type, HP.Document)
        if is_reply:
            self.add(doc, RDF.type, HP.Reply)
        if h.number:
            self.add(doc, ELI.id_local, _literal(canonical_number(h.number)))
        if h.title:
            self.add(doc, DCTERMS.title, _literal(h.title))
        if (date := _date(h.date)) is not None:
            self.add(doc, ELI.date_document, date)
        if h.type:
            self.add(doc, HP.typeName, _literal(h.type))
            if type_concept is not None:
                self.add(doc, HP.documentType, type_concept)
        for position, name in enumerate(h.issuers or ([h.issuer] if h.issuer else [])):
            if (issuer := self.lookup(name, "agency")) is not None:
                self.add(doc, ELI.passed_by, issuer)
                if position == 0:
                    self.add(doc, HP.leadIssuer, issuer)
        if h.jurisdiction:
            self.add(doc, HP.jurisdiction, self.named("place", h.jurisdiction))
        if h.disclosure:
            self.add(doc, HP.disclosure, _literal(h.disclosure))
        for addressee in h.addressees:
            if addressee.strip():
                self.add(doc, HP.addressee, _literal(addressee))
        if h.signer:
            self.add(doc, HP.signedBy, self.named("person", h.signer))
        # Identifiers, not prose: a file name or hash may hold long digit runs.
        self.add(doc, HP.sourceFile, ox.Literal(self.x.document.source))
        self.add(doc, HP.contentHash, ox.Literal(self.doc_id))

    def answers(self, answered: Answered) -> None:
        if answered.number:
            key = (
                f"{answered.body or ''}{answered.session or ''}"
                f"第{answered.number}号{answered.kind or ''}"
            )
        else:
            key = answered.title or f"{self.doc_id}-answers"
        sub = ox.NamedNode(entity_iri(self.base, "submission", key))
        kind = (answered.kind or "").strip()
        self.add(sub, RDF.type, SUBMISSION_CLASSES.get(kind, HP.Submission))
        if answered.title:
            self.add(sub, DCTERMS.title, _literal(answered.title))
        if answered.body:
            self.add(sub, HP.bodyName, _literal(answered.body))
        if answered.session:
            self.add(sub, HP.session, _literal(answered.session))
        if answered.number:
            self.add(sub, HP.submissionNumber, _literal(answered.number))
        if answered.proposer:
            self.add(sub, HP.proposer, self.named("person", answered.proposer))
        self.add(self.doc, HP.answers, sub)

    def citation(self, citation: Citation) -> None:
        number = canonical_number(citation.number) if citation.number else None
        if not number and not (citation.title and citation.title.strip()):
            return
        cited = ox.NamedNode(document_iri(self.base, number, citation.title))
        if cited == self.doc:
            return
        self.add(cited, RDF.type, HP.Document)
        if number:
            self.add(cited, ELI.id_local, _literal(number))
        if citation.title:
            self.add(cited, DCTERMS.title, _literal(citation.title))
        if citation.issuer:
            self.add(cited, HP.issuerName, _literal(citation.issuer))
        self.add(self.doc, ELI.cites, cited)
        for mention in citation.mentions:
            self.stated(mention, cited, HP.citedIn)

    def entity(self, entity: Entity) -> None:
        if entity.kind not in ENTITY_CLASSES:
            log.warning(
                "%s: entity %r has unknown kind %r; not mapped",
                self.doc_id,
                entity.name,
                entity.kind,
            )
            return
        node = self.named(entity.kind, entity.name)
        for label in dict.fromkeys(entity.labels):
            if label.strip() and label != entity.name:
                self.add(node, SKOS.altLabel, _literal(label))
        if not entity.resolved:  # the exception: stating each true was 7% of the graph
            self.add(node, HP.resolved, _literal(False))
        self.add(self.doc, HP.mentions, node)
        for mention in entity.mentions:
            self.stated(mention, node, HP.mentionedIn)
        self.attributes(entity, node)

    def attributes(self, entity: Entity, node: ox.NamedNode) -> None:
        attrs = entity.attributes
        kind_text = attrs.get("kind")
        if entity.kind == "hospital":
            if kind_text:
                self.add(node, HP.typeName, _literal(kind_text))
                if (concept := INSTITUTION_KIND_LABELS.get(kind_text)) is not None:
                    self.add(node, HP.institutionKind, concept)
            if attrs.get("level"):
                self.add(node, HP.level, _literal(attrs["level"]))
        elif entity.kind == "consortium":
            if kind_text:
                self.add(node, HP.typeName, _literal(kind_text))
                if (concept := CONSORTIUM_KIND_LABELS.get(kind_text)) is not None:
                    self.add(node, HP.consortiumKind, concept)
            if attrs.get("tight") is not None:
                self.add(node, HP.tight, _literal(bool(attrs["tight"])))
            if attrs.get("lead") and (lead := self.lookup(attrs["lead"], "hospital")):
                self.add(lead, HP.leads, node)
                self.attribute_evidence(entity, attrs["lead"], lead, HP.leads, node)
            for member in attrs.get("members") or ():
                if (member_node := self.lookup(member, "hospital")) is not None:
                    self.add(member_node, HP.memberOf, node)
                    self.attribute_evidence(entity, member, member_node, HP.memberOf, node)
        elif entity.kind == "programme" and attrs.get("core") is not None:
            self.add(node, HP.core, _literal(bool(attrs["core"])))
        elif entity.kind == "person" and attrs.get("role"):
            self.add(node, HP.role, _literal(attrs["role"]))
        parent = attrs.get("parent")
        if parent and (parent_node := self.lookup(parent, None)) is not None:
            self.add(node, ORG.subOrganizationOf, parent_node)

    def attribute_evidence(
        self, entity: Entity, name: str, s: ox.NamedNode, p: str, o: ox.NamedNode
    ) -> None:
        """Evidence of a relation read from an entity's attributes (a consortium's lead
        or members): the entity's first mention whose sentence also names the other end."""
        other = self.by_name.get(name)
        names = {name, *(other.labels if other is not None else ())}
        for mention in entity.mentions:
            start, sentence = self.sentence_of(mention)
            if any(label and label in sentence for label in names):
                at, end, label = locate(sentence, start, names)
                self.evidence(Mention(label, at, end, sentence), s, p, o)
                return

    def relation(self, subject: str, predicate: str, obj: str, mention: Mention | None) -> None:
        p = RELATION_PREDICATES.get(predicate)
        s, o = self.lookup(subject, None), self.lookup(obj, None)
        if p is None or s is None or o is None:
            log.warning(
                "%s: relation %s %s %s has an unknown predicate or endpoint; not mapped",
                self.doc_id,
                subject,
                predicate,
                obj,
            )
            return
        self.add(s, p, o)
        if mention is not None:
            self.evidence(mention, s, p, o)

    def task(self, task: Task) -> None:
        node = ox.NamedNode(task_iri(self.base, self.doc_id, task.number))
        self.add(node, RDF.type, HP.Task)
        self.add(node, HP.taskNumber, _literal(task.number))
        if task.title:
            self.add(node, DCTERMS.title, _literal(task.title))
        if task.section:
            self.add(node, HP.section, _literal(task.section))
        self.add(self.doc, HP.hasTask, node)
        if task.mention is not None:
            # One sentence states the task and its units: the evidence of all three.
            self.stated(task.mention, node, HP.statedIn)
        for text in dict.fromkeys(task.responsible_text):
            if text.strip():
                self.add(node, HP.responsibleText, _literal(text))
        for predicate, names in ((HP.responsibleUnit, task.responsible), (HP.leadUnit, task.lead)):
            for name in dict.fromkeys(names):
                unit = self.lookup(name, "agency")
                if unit is None:
                    continue
                self.add(node, predicate, unit)

    def build(self) -> list[ox.Quad]:
        self.header()
        if self.x.answers is not None:
            self.answers(self.x.answers)
        for citation in self.x.citations:
            self.citation(citation)
        for entity in self.x.entities:
            self.entity(entity)
        for relation in self.x.relations:
            self.relation(relation.subject, relation.predicate, relation.object, relation.mention)
        for task in self.x.tasks:
            self.task(task)
        return list(self.quads)


def to_quads(extraction: Extraction, settings: Settings) -> list[ox.Quad]:
    """All quads of one document, in its named graph ``graph_iri(base, document.id)``."""
    return _Builder(extraction, settings).build()
