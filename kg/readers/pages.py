"""The furniture of a printed page, for the fixed-layout formats (PDF, OFD).

A reader gives the text of each page; ``page_text`` removes page numbers (``- 3 -``,
``— 3 —``, ``第3页``, ``3/10``), a running header or footer line that repeats on most
pages, and the 版记 at the end (抄送 … 印发), and joins the pages with a blank line;
the cleaning's ``breaks`` step then joins a sentence that a page break cut in two,
as it does for text copies of PDFs.  A file of pictures (a scan) is an error that
says to OCR it, never an empty document.
"""

from __future__ import annotations

import re
from collections import Counter

from kg.errors import IngestError

__all__ = ["page_text"]

_PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[-—–－─]\s*\d{1,4}\s*[-—–－─]|第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|\d{1,4})\s*$"
)
# The 版记 of GB/T 9704: 抄送 lines, then the printing office and date (…2025年8月13日印发).
_IMPRINT_START_RE = re.compile(r"^\s*抄\s*送\s*[:：]")
_PRINTED_RE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印\s*发\s*$")
_MIN_TEXT = 20  # fewer non-space characters in the whole file: no text layer


def page_text(pages: list[str], name: str) -> str:
    """The pages' text without their furniture; ``IngestError`` if there is no text layer."""
    if sum(len("".join(p.split())) for p in pages) < _MIN_TEXT:
        raise IngestError(
            name,
            f"no text layer; OCR it first ({len(pages)} page(s) of images, e.g. "
            "`ocrmypdf -l chi_sim scan.pdf text.pdf`), then build again",
        )
    lines = [[line.rstrip() for line in page.split("\n")] for page in pages]
    lines = _without_running_lines(_without_page_numbers(lines))
    lines[-1] = _without_imprint(lines[-1])
    return "\n\n".join("\n".join(page).strip("\n") for page in lines if any(page)).strip() + "\n"


def _without_page_numbers(pages: list[list[str]]) -> list[list[str]]:
    """Drop a page-number line among the first two or last two lines of each page."""
    kept = []
    for page in pages:
        filled = [i for i, line in enumerate(page) if line.strip()]
        edges = set(filled[:2] + filled[-2:])
        kept.append(
            [
                line
                for i, line in enumerate(page)
                if not (i in edges and _PAGE_NUMBER_RE.match(line))
            ]
        )
    return kept


def _without_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop a first or last line that repeats on more than half the pages (a running head)."""
    if len(pages) < 2:
        return pages
    edges: Counter[str] = Counter()
    for page in pages:
        filled = [line.strip() for line in page if line.strip()]
        edges.update({filled[0], filled[-1]} if filled else set())
    running = {line for line, count in edges.items() if count >= 2 and count > len(pages) / 2}
    return [[line for line in page if line.strip() not in running] for page in pages]


def _without_imprint(page: list[str]) -> list[str]:
    """Cut the 版记 off the last page: from its 抄送 line (else the 印发 line) to the end."""
    printed = next((i for i in range(len(page) - 1, -1, -1) if _PRINTED_RE.search(page[i])), None)
    if printed is None:
        return page
    start = next((i for i in range(printed + 1) if _IMPRINT_START_RE.match(page[i])), printed)
    return page[:start]
