"""The extract stage: one Document in, one Extraction (surface facts with spans) out.

Header, reply and citation reading are regexes over every document; the spaCy
pipeline for entities runs inside ``extract_entities`` only on the sentences that
cheap scans flag, because building a spaCy Doc is a hundred times slower.
"""

from __future__ import annotations

from kg.errors import ExtractionError, KgError
from kg.extraction.citations import extract_citations
from kg.extraction.entities import extract_entities
from kg.extraction.header import extract_header
from kg.model import Document, Extraction


def extract(document: Document) -> Extraction:
    """Every fact the text states, names as written; ``kg.resolve`` canonicalises them."""
    try:
        header, answered = extract_header(document)
        citations = extract_citations(document, header, answered)
        entities, relations, tasks = extract_entities(document, header)
    except KgError:
        raise
    except Exception as exc:
        raise ExtractionError(
            f"{document.source}: extraction failed ({type(exc).__name__}: {exc}); "
            "the document was skipped, please report it with the file attached"
        ) from exc
    return Extraction(
        document=document,
        header=header,
        answers=answered,
        citations=citations,
        entities=entities,
        relations=relations,
        tasks=tasks,
    )
