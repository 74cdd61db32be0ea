"""PDF files with a text layer (pypdf), each page's text cleaned by ``kg.readers.pages``."""

from __future__ import annotations

import io

from kg.errors import IngestError
from kg.readers import Reading
from kg.readers.pages import page_text

__all__ = ["read"]


def read(data: bytes, name: str) -> Reading:
    # A download cut short lacks the end marker; pypdf would guess at what is left.
    if b"%%EOF" not in data[-2048:]:
        raise IngestError(name, "is a truncated PDF (no %%EOF end marker); download it again")
    from pypdf import PdfReader  # imported late: only PDF files need it
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(name, "is a password-protected PDF; save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise IngestError(name, f"is not a readable PDF ({exc}); download it again") from exc
    return Reading(page_text(pages, name), "pdf")
