"""Citations: other documents named by 文号, by 《title》, or by both.

A title is paired with the number that follows it in brackets
(《…意见》（国办发〔2017〕32号）); a bare number or a bare document title is a
citation too.  Mentions of one document merge into one citation, keyed by its
canonical number, else by its title.
"""

from __future__ import annotations

import re
import unicodedata

from kg import docno
from kg.extraction.header import document_type
from kg.lines import is_agency_line
from kg.model import Answered, Citation, Document, Header, Mention
from kg.privacy import redact

_TITLE = re.compile(r"《(?P<title>[^《》]{2,200})》")
# What may stand between a title and the bracketed number that belongs to it.
_NUMBER_AFTER_TITLE = re.compile(r"\s*[（(]\s*(?:以下简称[^）)]*|)$")
_TRAILING_QUALIFIER = re.compile(r"(?:[（(][^（）()]{1,20}[)）])+$")
_PROPOSAL_LEAD = re.compile(r"(?:您|你们|你|代表|委员)(?:们)?(?:所)?提出的\s*$")
_ISSUER_IN_TITLE = re.compile(r"^(?P<issuer>[^《》，。、]{2,60}?)(?:关于|印发|转发)")


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def is_document_title(title: str) -> bool:
    """Does a 《》 name a document (not a book, newspaper, campaign or platform)?"""
    bare = _TRAILING_QUALIFIER.sub("", title.strip())
    return document_type(bare) is not None or bare.startswith("关于")


def _tidy_title(raw: str) -> str:
    text = re.sub(r"\s*\n\s*", "", raw).strip()
    return re.sub(r"[ \t\u3000]+", " ", text)


def _issuer_of(title: str) -> str | None:
    match = _ISSUER_IN_TITLE.match(title)
    if match and is_agency_line(match["issuer"].split(" ")[-1]):
        return match["issuer"]
    return None


def extract_citations(
    document: Document, header: Header, answered: Answered | None
) -> list[Citation]:
    text = document.clean
    own_number = header.number
    own_title_key = _key(header.title or "")
    excluded_titles = {_key(answered.title)} if answered and answered.title else set()

    numbers = docno.find_all(text)
    number_at = {m.start: m for m in numbers}
    paired: set[int] = set()
    found: list[tuple[str | None, str | None, list[tuple[int, int]]]] = []

    for match in _TITLE.finditer(text):
        title = _tidy_title(document.text[slice(*document.to_original(*match.span("title")))])
        key = _key(title)
        if not is_document_title(title) or key in excluded_titles:
            continue
        if _PROPOSAL_LEAD.search(text[max(0, match.start() - 12) : match.start()]):
            continue
        if own_title_key and (key == own_title_key or key in own_title_key):
            continue  # the document itself, or the text it issues
        number = None
        span_end = match.end()
        for candidate in numbers:
            if candidate.start < match.end() or candidate.start > match.end() + 16:
                continue
            between = text[match.end() : candidate.start]
            if _NUMBER_AFTER_TITLE.match(between):
                number = candidate.number.canonical
                paired.add(candidate.start)
                span_end = candidate.end
            break
        found.append((number, title, [(match.start(), span_end)]))

    zone_end = _header_end(text, header)
    for start, candidate in number_at.items():
        if start in paired or start < zone_end:
            continue
        if candidate.number.canonical == own_number:
            continue
        found.append((candidate.number.canonical, None, [(candidate.start, candidate.end)]))

    return _merge(document, found)


def _header_end(text: str, header: Header) -> int:
    """Numbers printed before the title are the document's own marks, not citations."""
    if header.title:
        first_line = header.title[:8]
        index = text.find(first_line)
        if index >= 0:
            return index
    return 0


def _merge(
    document: Document, found: list[tuple[str | None, str | None, list[tuple[int, int]]]]
) -> list[Citation]:
    by_number: dict[str, Citation] = {}
    by_title: dict[str, Citation] = {}
    ordered: list[Citation] = []
    for number, title, spans in found:
        title_key = _key(title) if title else None
        citation = None
        if number and number in by_number:
            citation = by_number[number]
        elif title_key and title_key in by_title:
            citation = by_title[title_key]
        if citation is None:
            citation = Citation(number=number, title=title, issuer=_issuer_of(title or ""))
            ordered.append(citation)
        citation.number = citation.number or number
        citation.title = citation.title or title
        citation.issuer = citation.issuer or _issuer_of(title or "")
        if citation.number:
            by_number[citation.number] = citation
        if title_key:
            by_title[title_key] = citation
        for start, end in spans:
            original_start, original_end = document.to_original(start, end)
            citation.mentions.append(
                Mention(
                    text=document.text[original_start:original_end],
                    start=original_start,
                    end=original_end,
                    # No stored sentence keeps a telephone number (a cite may share
                    # its line with a contact).
                    sentence=redact(document.sentence_at(original_start, original_end)),
                )
            )
    return ordered
