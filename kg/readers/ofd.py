"""OFD files (GB/T 33190, the national fixed-layout format) read with ofdkit.

ofdkit gives each page's text in reading order (templates and composite objects
included); ``kg.readers.pages`` then removes the page furniture as for a PDF.
ofdkit refuses oversized parts itself (its zip-bomb limits).
"""

from __future__ import annotations

from kg.errors import IngestError
from kg.readers import Reading
from kg.readers.pages import page_text

__all__ = ["read"]


def read(data: bytes, name: str) -> Reading:
    import ofdkit  # imported late: only OFD files need it
    from ofdkit.errors import OFDError

    try:
        with ofdkit.open(data) as document:
            pages = [page.text() for page in document.pages]
    except OFDError as exc:
        raise IngestError(name, f"is not a readable OFD file ({exc}); export it again") from exc
    if not pages:
        raise IngestError(name, "is an OFD file without pages")
    return Reading(page_text(pages, name), "ofd")
