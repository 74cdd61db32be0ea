"""Readers: the bytes of one file in one format → the text the cleaning then works on.

Each reader is a small module with one function ``read(data, name) -> Reading``;
``kg.ingest`` chooses the reader by the file's magic bytes, then its extension,
and turns the ``Reading`` into a ``Document``.  ``name`` only labels errors, which
are always ``IngestError``: a reader never returns an empty text.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.model import MetaFact


@dataclass(frozen=True)
class Reading:
    """What a reader made of a file: its text, how it was encoded, facts beside the text."""

    text: str
    encoding: str
    metadata: tuple[MetaFact, ...] = ()
