"""The IRI scheme: stable identifiers derived from canonical numbers and names.

Data IRIs live under the configurable base; the ontology namespace is fixed so that
queries and other people's tools keep working whatever base a deployment picks.

    {base}id/document/{canonical 文号}    a document with a number
    {base}id/document/t-{hash of title}  a document known only by its title
    {base}id/{kind}/{canonical name}     an agency, hospital, consortium, programme …
    {base}id/person/{jurisdiction}/{name}  a person, within the jurisdiction of the
                                         document naming them (name alone without one)
    {base}id/task/{document id}/{n}      task n of a document
    {base}id/evidence/{document id}/{start}-{end}-{hash}  a span supporting one fact
    {base}graph/{document id}            the named graph of one source document
    {base}graph/catalogue                facts from the bundled policy catalogue

Path segments are percent-encoded UTF-8, so every IRI is plain ASCII and survives
any tool.  Counters never appear: the same input gives the same IRIs anywhere.
"""

from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import quote, unquote

ONTOLOGY_NS = "https://w3id.org/cn-health-kg/ontology#"


def _segment(text: str) -> str:
    normal = "".join(unicodedata.normalize("NFC", text).split())
    return quote(normal, safe="")


def short_hash(text: str, length: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def document_iri(base: str, number: str | None = None, title: str | None = None) -> str:
    """IRI of a document: from its canonical 文号, else from its title."""
    if number:
        return f"{base}id/document/{_segment(number)}"
    if title:
        return f"{base}id/document/t-{short_hash(''.join(title.split()))}"
    raise ValueError("a document IRI needs a number or a title")


def entity_iri(base: str, kind: str, name: str) -> str:
    return f"{base}id/{kind}/{_segment(name)}"


def person_iri(base: str, name: str, jurisdiction: str | None) -> str:
    """IRI of a person, named within the jurisdiction of the document that names them.

    A name alone does not identify a person: two 政协委员 of one name in two provinces
    are two people, while one 委员 answered by two of a city's replies is one.  The
    jurisdiction (province first, or 全国) is the narrowest scope the documents give.
    """
    if not jurisdiction:
        return entity_iri(base, "person", name)
    return f"{base}id/person/{_segment(jurisdiction)}/{_segment(name)}"


def task_iri(base: str, document_id: str, number: str) -> str:
    return f"{base}id/task/{document_id}/{_segment(number)}"


def evidence_iri(base: str, document_id: str, start: int, end: int, fact: str) -> str:
    """IRI of the evidence for one fact at one span; ``fact`` tells facts on a span apart."""
    return f"{base}id/evidence/{document_id}/{start}-{end}-{short_hash(fact, 12)}"


def sentence_iri(base: str, document_id: str, start: int, end: int) -> str:
    """IRI of the sentence of one document at characters ``start`` to ``end``."""
    return f"{base}id/sentence/{document_id}/{start}-{end}"


def graph_iri(base: str, document_id: str) -> str:
    return f"{base}graph/{document_id}"


def catalogue_graph_iri(base: str) -> str:
    return f"{base}graph/catalogue"


def local_name(iri: str) -> str:
    """The decoded last path segment of an IRI (the canonical number or name)."""
    return unquote(iri.rstrip("/").rsplit("/", 1)[-1])
