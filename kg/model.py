"""Value types that flow between the stages: ingest → extract → resolve → map.

All offsets are character offsets into ``Document.text`` (the original decoded text),
half-open ``[start, end)``, so ``document.text[m.start:m.end] == m.text`` holds for
every mention whose text was not repaired by cleaning.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MetaFact:
    """A header fact the file states beside its text: a page's metadata table or ``<meta>``.

    ``field`` is a ``Header`` field (number, title, issuer, date) or one the header
    has no place for (index, subject, published, page_title, site); ``label`` is
    the name the file prints (发文字号, ArticleTitle); ``source`` is its provenance.
    """

    field: str
    value: str
    label: str
    source: str = "html-meta"


@dataclass(frozen=True)
class Document:
    """One corpus file after ingest.

    ``clean`` is ``text`` with PDF-extraction artefacts repaired; ``offsets[i]`` is
    the index in ``text`` of the character ``clean[i]`` came from, and
    ``offsets[len(clean)] == len(text)`` so that an end offset maps as well.
    """

    id: str
    source: str
    path: str
    text: str
    clean: str
    offsets: tuple[int, ...]
    encoding: str = "utf-8"
    format: str = "text"  # the reader that produced ``text``: text, html, docx, pdf
    metadata: tuple[MetaFact, ...] = ()

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``clean`` to the matching span of ``text``."""
        if start >= end:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def sentence_at(self, start: int, end: int) -> str:
        """The sentence of the original text around an original-text span."""
        left, right = self.sentence_bounds(start, end)
        return self.text[left:right]

    def sentence_bounds(self, start: int, end: int) -> tuple[int, int]:
        """``sentence_bounds(self.text, start, end)``, found by bisecting the text's
        sentence ends (listed once per document) rather than scanning the sentence:
        a document asks this for each of its mentions."""
        ends, text = self._sentence_ends, self.text
        before = bisect.bisect_left(ends, start)  # the ends before the span
        left = ends[before - 1] + 1 if before else 0
        after = bisect.bisect_left(ends, end)  # the first end at or after the span's end
        right = len(text)
        if after < len(ends):  # the end is the sentence's, unless it is a line break
            right = ends[after] + (text[ends[after]] != "\n")
        while left < right and text[left].isspace():
            left += 1
        while right > left and text[right - 1].isspace():
            right -= 1
        return left, right

    @functools.cached_property
    def _sentence_ends(self) -> list[int]:
        return [m.start() for m in _SENTENCE_END_RE.finditer(self.text)]


_SENTENCE_END = "。！？；\n"
_SENTENCE_END_RE = re.compile(f"[{_SENTENCE_END}]")


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence that contains ``text[start:end]``, whitespace-trimmed."""
    left, right = sentence_bounds(text, start, end)
    return text[left:right]


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the whitespace-trimmed sentence around ``text[start:end]`` starts and ends."""
    left = start
    while left > 0 and text[left - 1] not in _SENTENCE_END:
        left -= 1
    right = end
    while right < len(text) and text[right] not in _SENTENCE_END:
        right += 1
    if right < len(text) and text[right] != "\n":
        right += 1
    while left < right and text[left].isspace():
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    return left, right


def locate(sentence: str, sentence_start: int, labels: Iterable[str]) -> tuple[int, int, str]:
    """Start, end (document offsets) and text of a fact's span in its sentence.

    The longest of ``labels`` (the names of the thing the fact is about) that the
    sentence contains, at its first occurrence; else the whole sentence.
    """
    found = [label for label in labels if label and label in sentence]
    if not found:
        return sentence_start, sentence_start + len(sentence), sentence
    label = max(found, key=lambda x: (len(x), -sentence.index(x)))
    at = sentence_start + sentence.index(label)
    return at, at + len(label), label


@dataclass(frozen=True)
class Mention:
    """Where a fact is stated: a span of the original text and its sentence."""

    text: str
    start: int
    end: int
    sentence: str = ""


@dataclass
class Header:
    """The document's own header (FORMAT.md ``document``)."""

    number: str | None = None
    issuer: str | None = None  # the first of ``issuers``
    issuers: list[str] = field(default_factory=list)  # every body of a joint document
    title: str | None = None
    date: str | None = None
    type: str | None = None
    jurisdiction: str | None = None
    disclosure: str | None = None
    addressees: list[str] = field(default_factory=list)
    signer: str | None = None


@dataclass
class Answered:
    """For a reply: the proposal or suggestion it answers (FORMAT.md ``answers``)."""

    body: str | None = None
    session: str | None = None
    kind: str | None = None
    number: str | None = None
    title: str | None = None
    proposer: str | None = None


@dataclass
class Citation:
    """Another document the text refers to; several mentions merge into one."""

    number: str | None
    title: str | None
    mentions: list[Mention] = field(default_factory=list)
    issuer: str | None = None


@dataclass
class Entity:
    """A named actor or thing: agency, institution, consortium, programme, person.

    ``name`` is the resolved canonical name; ``labels`` the surface forms seen in the
    text.  ``resolved`` is False when the name could not be expanded with confidence
    and the surface form is kept as it is.
    """

    kind: str  # "agency" | "hospital" | "consortium" | "programme" | "person" | "place"
    name: str
    labels: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    resolved: bool = True
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Relation:
    """A stated link between two named things, e.g. 牵头, 成员, 帮扶, 托管."""

    subject: str
    predicate: str
    object: str
    mention: Mention | None = None


@dataclass
class Task:
    """A numbered task of a policy document with its responsible units."""

    number: str
    title: str
    section: str | None = None
    responsible: list[str] = field(default_factory=list)
    responsible_text: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    mention: Mention | None = None


@dataclass
class Extraction:
    """Everything extracted from one document, before and after resolution."""

    document: Document
    header: Header = field(default_factory=Header)
    answers: Answered | None = None
    citations: list[Citation] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)

    def entities_of(self, kind: str) -> list[Entity]:
        return [e for e in self.entities if e.kind == kind]
