"""The per-document fact record of tests/fixtures/gold/FORMAT.md (`kg extract --format json`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from kg.model import Extraction


def _names(extraction: Extraction, kind: str) -> list[dict[str, Any]]:
    records = []
    for entity in extraction.entities_of(kind):
        record: dict[str, Any] = {"name": entity.name}
        aliases = [label for label in entity.labels if label != entity.name]
        if aliases:
            record["aliases"] = aliases
        if not entity.resolved:
            record["resolved"] = False
        records.append(record)
    return records


def to_record(extraction: Extraction) -> dict[str, Any]:
    """One JSON-ready object in the gold format, with every field filled that we extract."""
    header = extraction.header
    hospitals = []
    for entity, base in zip(
        extraction.entities_of("hospital"), _names(extraction, "hospital"), strict=True
    ):
        base["kind"] = entity.attributes.get("kind")
        if entity.attributes.get("level"):
            base["level"] = entity.attributes["level"]
        hospitals.append(base)
    consortia = []
    for entity, base in zip(
        extraction.entities_of("consortium"), _names(extraction, "consortium"), strict=True
    ):
        base["kind"] = entity.attributes.get("kind")
        base["lead"] = entity.attributes.get("lead")
        base["members"] = list(entity.attributes.get("members", []))
        consortia.append(base)
    programmes = []
    for entity, base in zip(
        extraction.entities_of("programme"), _names(extraction, "programme"), strict=True
    ):
        if "core" in entity.attributes:
            base["core"] = entity.attributes["core"]
        programmes.append(base)
    people = [
        {"name": e.name, "role": e.attributes.get("role")} for e in extraction.entities_of("person")
    ]
    return {
        "source": extraction.document.source,
        "id": extraction.document.id,
        "document": {
            "number": header.number,
            "issuer": header.issuer,
            "issuers": header.issuers,
            "title": header.title,
            "date": header.date,
            "type": header.type,
            "jurisdiction": header.jurisdiction,
            "disclosure": header.disclosure,
            "addressees": header.addressees,
        },
        "answers": asdict(extraction.answers) if extraction.answers else None,
        "cites": [{"number": c.number, "title": c.title} for c in extraction.citations],
        "agencies": _names(extraction, "agency"),
        "hospitals": hospitals,
        "consortia": consortia,
        "programmes": programmes,
        "tasks": [
            {
                "number": t.number,
                "title": t.title,
                "responsible": t.responsible,
                "responsible_text": t.responsible_text,
                "lead": t.lead,
                "section": t.section,
            }
            for t in extraction.tasks
        ],
        "people": people,
    }
