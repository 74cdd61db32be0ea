"""Views of the graph: named projections as networkx graphs, their export formats, pictures,
and the evidence of a fact read back (its sentence, document and span)."""

from kg.views.evidence import evidence_rows
from kg.views.pictures import draw
from kg.views.projections import export, project, render

__all__ = ["draw", "evidence_rows", "export", "project", "render"]
