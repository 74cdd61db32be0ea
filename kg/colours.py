"""The colour of each kind of node, shared by the export formats and the drawn pictures.

A module of its own so that kg.export (DOT's fill colours) and kg.draw (matplotlib)
read one table without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["TYPE_COLOURS", "colour_of"]

TYPE_COLOURS: Mapping[str, str] = {
    "Document": "#4e79a7",
    "Reply": "#76b7b2",
    "Agency": "#e15759",
    "HealthInstitution": "#59a14f",
    "Consortium": "#f28e2b",
    "Programme": "#b07aa1",
    "Task": "#edc948",
    "Person": "#ff9da7",
    "Place": "#9c755f",
    "Proposal": "#bab0ac",
    "Suggestion": "#bab0ac",
    "Submission": "#bab0ac",
    "Resource": "#cccccc",
}


def colour_of(kind: Any) -> str:
    """The colour of a node's ``type`` attribute; grey for a kind without its own."""
    return TYPE_COLOURS.get(str(kind), TYPE_COLOURS["Resource"])
