"""Knowledge graph of Chinese health-policy documents.

The stages: ingest → extract → resolve → kg.rdf (mapping to quads) → kg.store →
kg.sparql (named queries, the SPARQL endpoint) / REST / kg.views (exports, pictures).
Each package has one entry point, its __init__; the flat modules are each their own.
"""

__version__ = "0.1.0"
