"""A policy catalogue (number, title, issuer, date, url) as an authority graph.

Each record becomes a document node in the catalogue's own named graph.  A record
with a 发文字号 gets exactly the IRI a corpus document or a citation with the same
canonical number gets (``document_iri(base, number)``), so the catalogue's title,
issuer, publication date and official address join those nodes in the union graph.
A record without a number, or with one the parser does not know, is keyed by its
title; the unparseable number is kept as ``hp:numberText`` and counted as skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, SDO

from kg.config import Settings
from kg.docno import normalise
from kg.errors import ConfigError, DocNumberError
from kg.rdf.iri import catalogue_graph_iri, document_iri
from kg.rdf.vocab import ELI, HP
from kg.rdf.vocab import node as _n

__all__ = ["BUNDLED_CATALOGUE", "COLUMNS", "catalogue_graph", "catalogue_quads", "joint_issuers"]

BUNDLED_CATALOGUE = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "policy-catalogue"
    / "national_health_policies.csv"
)
COLUMNS = ("number", "title", "issuer", "date", "url")
_SUBJECT = re.compile(r"关于.+$")
_XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")


def catalogue_graph(base: str, graph: str | None = None) -> str:
    """The named graph of a catalogue: the bundled one, a short name under it, or an IRI."""
    if not graph:
        return catalogue_graph_iri(base)
    if "://" in graph or graph.startswith("urn:"):
        return graph
    return f"{catalogue_graph_iri(base)}/{quote(graph, safe='')}"


def _text(value: str | None) -> str:
    # Titles sometimes join a 令 and its 决定 with full-width spaces; keep the words,
    # one ordinary space between them.
    return " ".join((value or "").split())


def _date(value: str) -> ox.Literal | None:
    try:
        return ox.Literal(dt.date.fromisoformat(value.strip()).isoformat(), datatype=_XSD_DATE)
    except ValueError:
        return None


def _url(value: str) -> ox.NamedNode | None:
    value = value.strip()
    if not value.startswith(("http://", "https://")):
        return None
    try:
        return ox.NamedNode(value)
    except ValueError:
        return None


def catalogue_quads(
    csv_path: Path, settings: Settings, graph: str | None = None
) -> tuple[list[ox.Quad], int]:
    """The quads of one catalogue CSV and the number of 文号 that could not be parsed."""
    graph_node = ox.NamedNode(catalogue_graph(settings.iri_base, graph))
    try:
        handle = csv_path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ConfigError(f"cannot read the catalogue {csv_path}: {exc}") from exc
    quads: dict[ox.Quad, None] = {}
    skipped = 0
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("number", "title") if c not in (reader.fieldnames or ())]
        if missing:
            raise ConfigError(
                f"{csv_path} lacks the column(s) {', '.join(missing)}; "
                f"a catalogue has the header {','.join(COLUMNS)}"
            )
        for row in reader:
            raw_number, title = (row.get("number") or "").strip(), _text(row.get("title"))
            number = None
            if raw_number:
                try:
                    number = normalise(raw_number)
                except DocNumberError:
                    skipped += 1
            if not number and not title:
                continue
            doc = ox.NamedNode(document_iri(settings.iri_base, number, title))

            def add(p: str, o: ox.NamedNode | ox.Literal, doc: ox.NamedNode = doc) -> None:
                quads[ox.Quad(doc, _n(p), o, graph_node)] = None

            add(RDF.type, _n(HP.Document))
            if number:
                add(ELI.id_local, ox.Literal(number))
            elif raw_number:
                add(HP.numberText, ox.Literal(raw_number))
            if title:
                add(DCTERMS.title, ox.Literal(title))
            if issuer := _text(row.get("issuer")):
                add(HP.issuerName, ox.Literal(issuer))
            if (date := _date(row.get("date") or "")) is not None:
                add(ELI.date_publication, date)
            if (url := _url(row.get("url") or "")) is not None:
                add(SDO.url, url)
    return list(quads), skipped


def _compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@cache
def _issuers_by_subject() -> dict[str, list[tuple[str, ...]]]:
    """关于… part of each bundled record's title → the issuers the record lists."""
    index: dict[str, list[tuple[str, ...]]] = {}
    with BUNDLED_CATALOGUE.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            subject = _SUBJECT.search(_compact(row.get("title") or ""))
            issuers = tuple(p for p in re.split(r"[、，,\s]+", row.get("issuer") or "") if p)
            if subject and issuers:
                index.setdefault(subject.group(), []).append(issuers)
    return index


def joint_issuers(title: str | None, issuers: list[str]) -> list[str] | None:
    """All the issuers of a joint national document whose copy names only some of them.

    A web or press copy often drops the first authors from a joint title (国务院关于促进
    中医药传承创新发展的意见 is 中共中央 国务院关于…).  The catalogue is the authority:
    when exactly one record has the same 关于… subject and lists every issuer the copy
    names, and more, its list (in its order) is the document's.
    """
    subject = _SUBJECT.search(_compact(title or ""))
    if subject is None or not issuers:
        return None
    wanted = {_compact(i) for i in issuers}
    fits = [
        listed
        for listed in _issuers_by_subject().get(subject.group(), [])
        if wanted < {_compact(i) for i in listed}
    ]
    return list(fits[0]) if len(set(fits)) == 1 else None
