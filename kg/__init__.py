"""Knowledge graph of Chinese health-policy documents.

The stages, each one module with one entry point:
ingest → extract → resolve → mapping → store → query / REST / export.
"""

__version__ = "0.1.0"
