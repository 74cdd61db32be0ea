"""Small factories for test objects built from real-looking Chinese text."""

from __future__ import annotations

from kg.ingest import clean
from kg.iri import short_hash
from kg.model import Document


def make_document(text: str, source: str = "test.txt") -> Document:
    """A Document as ingest would make it from a file holding ``text``."""
    cleaned, offsets = clean(text)
    return Document(
        id=short_hash(text),
        source=source,
        path=source,
        text=text,
        clean=cleaned,
        offsets=offsets,
    )
