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
from kg.extraction.wordlists import word_list
from kg.lines import is_agency_line
from kg.model import Answered, Citation, Document, Header, Mention
from kg.privacy import redact

_TITLE = re.compile(r"《(?P<title>[^《》]{2,200})》")
# What may stand between a title and the bracketed number that belongs to it.
_NUMBER_AFTER_TITLE = re.compile(r"\s*[（(]\s*(?:以下简称[^）)]*|)$")
_TRAILING_QUALIFIER = re.compile(r"(?:[（(][^（）()]{1,20}[)）])+$")
_PROPOSAL_LEAD = re.compile(r"(?:您|你们|你|代表|委员)(?:们)?(?:所)?提出的\s*$")
_ISSUER_IN_TITLE = re.compile(r"^(?P<issuer>[^《》，。、]{2,60}?)(?:关于|印发|转发)")
# A national, sector or local standard's number after its title: 《…通用规范》（GB 55019-2021）.
_STANDARD_NUMBER = re.compile(
    r"\s*[（(]\s*(?P<number>(?:GB|GBZ|WS|YY|DB\d{2})(?:/[TZ])?\s*\d+(?:\.\d+)*\s*[-—－]\s*\d{4})\s*[)）]"
)
# 附件：1．… / 附件：… : the notice's own attachments, parts of it and not documents it cites.
_ATTACHMENT_HEAD = re.compile(r"^\s*附\s*件\s*\d*\s*[：:]\s*(?P<rest>.*)$")
_ATTACHMENT_ITEM = re.compile(r"^\s*(?:\d{1,2}\s*[.．、]|[（(]\d{1,2}[)）])\s*(?P<title>\S.*)$")
# What the notice issues: 印发《X》的通知 (X is the notice's own content).
_ISSUED_HERE = re.compile(
    r"《(?P<title>[^《》]{2,120})》[^。；《》]{0,60}?(?:现)?(?:印发给你们|予以?印发)"
)
_ISSUED = re.compile(r"(?:印发|转发|公布)《(?P<title>[^《》]+)》")


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def is_document_title(title: str) -> bool:
    """Does a 《》 name a document (not a book, newspaper, campaign or platform)?

    A title that is only a 文种 (《实施方案》, 《办法》) is a short name for a document
    named in full before, not a document of its own.
    """
    bare = _TRAILING_QUALIFIER.sub("", title.strip())
    if bare in _doc_type_words():
        return False
    return document_type(bare) is not None or bare.startswith("关于")


def _doc_type_words() -> tuple[str, ...]:
    return word_list("header/doc_types.txt")


def attachment_titles(text: str) -> list[str]:
    """The titles a document lists as its own 附件 (one after 附件：, or numbered below it)."""
    titles: list[str] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        head = _ATTACHMENT_HEAD.match(line)
        if head is None:
            continue
        rest = head["rest"].strip()
        item = _ATTACHMENT_ITEM.match(rest)
        if rest:
            titles.append(item["title"] if item else rest)
        for following in lines[i + 1 : i + 20]:
            item = _ATTACHMENT_ITEM.match(following)
            if item is None:
                break
            titles.append(item["title"])
    return [t.strip().strip("《》") for t in titles if t.strip()]


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
    excluded_titles |= {_key(title) for title in attachment_titles(text)}
    issued = {_key(m["title"]) for m in _ISSUED.finditer(header.title or "")}
    # 《X》已经市人民政府同意，现印发给你们: the notice's own sentence names the text it
    # issues, also where the copy prints no title.
    issued |= {_key(m["title"]) for m in _ISSUED_HERE.finditer(text[:3000])}

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
        if any(key.endswith(title) for title in issued):
            continue  # the text it issues, under its place-prefixed name (北京市…办法)
        number = None
        span_end = match.end()
        standard = _STANDARD_NUMBER.match(text, match.end())
        if standard:
            number = " ".join(standard["number"].split())
            span_end = standard.end()
        for candidate in [] if standard else numbers:
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
