"""Ingest: a corpus file → ``Document`` (original text, clean text, offset map).

``ingest(path)`` is the one entry point.  It chooses a reader by the file's magic
bytes, then by its extension (``file_format``): plain text (.txt, .md), HTML pages,
DOCX and PDF, each a module of ``kg.readers`` that gives the text, and for an HTML
page the metadata facts of its information table.  It then repairs that text with
``clean``: the artefacts that PDF-to-text conversion leaves in Chinese policy
documents, the same repair for every format.

Two normalisations are applied to ``Document.text`` itself, before any offset is
taken, because no downstream stage should ever see the difference: line endings
become ``\\n`` (``\\r\\n`` and a lone ``\\r``), and the text is put in Unicode NFC
(NFC, not NFKC, so full-width punctuation such as 〔〕《》（） stays as it is).
Everything else ``clean`` does only *deletes* characters, which makes the offset
map exact: ``clean[i] == text[offsets[i]]`` for every ``i``.

The cleaner is built like eyecite's ``clean.py``: named steps in ``CLEANERS``,
composed in the order given (``DEFAULT_STEPS`` unless told otherwise).  A step
takes the current string and returns the half-open spans to delete from it.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from kg.errors import ConfigError, IngestError
from kg.lines import DATE_LINE, DUTY_CLOSE, is_agency_line
from kg.model import Document, MetaFact
from kg.readers import Reading, docx, html, ofd, pdf
from kg.readers import text as plain_text
from kg.readers.text import decode

__all__ = [
    "CLEANERS",
    "DEFAULT_STEPS",
    "FORMATS",
    "SUFFIXES",
    "Cleaner",
    "clean",
    "decode",
    "file_format",
    "ingest",
    "iter_corpus",
    "skipped_files",
]

# Extension → the format it names.  .doc and .wps are listed so that a corpus
# holding them reports each as a failed file with what to do, not as skipped.
FORMATS: dict[str, str] = {
    ".txt": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".ofd": "ofd",
    ".doc": "doc",
    ".wps": "doc",
}
SUFFIXES = tuple(FORMATS)
_READERS: dict[str, Callable[[bytes, str], Reading]] = {
    "text": plain_text.read,
    "html": html.read,
    "docx": docx.read,
    "pdf": pdf.read,
    "ofd": ofd.read,
}
_UNREADABLE = {
    "doc": "is an old Office binary document (Word/WPS .doc, Excel .xls); save it as .docx and build again",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc and .wps before 2007
_HTML_START_RE = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|body)\b", re.IGNORECASE | re.DOTALL
)
_HEAD_BYTES = 4096

# A cleaning step: current text → spans ``(start, end)`` of that text to delete.
Cleaner = Callable[[str], Iterable[tuple[int, int]]]


# --------------------------------------------------------------------------- ingest


def ingest(
    path: Path | str,
    *,
    steps: Sequence[str | Cleaner] | None = None,
    max_bytes: int | None = None,
) -> Document:
    """Read one file of any supported format into a ``Document``; raise ``IngestError`` if unusable.

    A file over ``max_bytes`` is refused before it is read.
    """
    p = Path(path)
    shown = str(path)
    _check_regular(p, shown)
    if max_bytes is not None and (size := p.stat().st_size) > max_bytes:
        raise IngestError(
            shown,
            f"is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit for one document; "
            "split it, or raise KG_MAX_DOCUMENT_MB if it is one real document",
        )
    try:
        data = p.read_bytes()
    except OSError as exc:  # permission denied, an I/O error
        raise IngestError(
            shown, f"cannot be read: {exc.strerror or exc}; check its permissions"
        ) from exc
    if not data:
        raise IngestError(shown, "is empty (0 bytes); there is no text to ingest")

    kind = sniff(data, p.suffix, shown)
    if kind in _UNREADABLE:
        raise IngestError(shown, _UNREADABLE[kind])
    reading = _READERS[kind](data, shown)
    text = _normalise(reading.text)
    if not text.strip():
        raise IngestError(shown, "contains only white space; there is no text to ingest")
    cleaned, offsets = clean(text, steps=steps)
    return Document(
        id=_content_id(text, reading.metadata),
        source=p.name,
        path=shown,
        text=text,
        clean=cleaned,
        offsets=offsets,
        encoding=reading.encoding,
        format=kind,
        metadata=reading.metadata,
    )


def _check_regular(p: Path, shown: str) -> None:
    """Refuse what is not a regular file before opening it: reading a named pipe
    would wait forever, and a link that loops or points nowhere has no content."""
    try:
        mode = p.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise IngestError(
                shown,
                "is a symbolic link that loops back on itself; remove it or point it at the document",
            ) from exc
        if p.is_symlink():
            target = os.readlink(p)
            raise IngestError(
                shown,
                f"is a symbolic link to {target}, which does not exist; remove it or fix the link",
            ) from exc
        raise IngestError(shown, "no such file; check the path") from exc
    if stat.S_ISDIR(mode):
        raise IngestError(
            shown,
            "is a directory, not a file; pass one document (iter_corpus lists a folder)",
        )
    if not stat.S_ISREG(mode):
        raise IngestError(
            shown,
            "is not a regular file (a named pipe, socket or device); copy the document into a file",
        )


def sniff(data: bytes, suffix: str, name: str = "<bytes>") -> str:
    """The format of a file's bytes: magic bytes first, then the extension.

    A download often saves an HTML error page under the attachment's name, so a
    binary extension whose magic bytes are missing is an error, not a guess.
    """
    suffix = suffix.lower()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_format(data, name)
    if data.startswith(_OLE_MAGIC):
        return "doc"
    named = FORMATS.get(suffix)
    if named in ("pdf", "docx", "ofd"):
        raise IngestError(
            name,
            f"is named {suffix} but is not a {named.upper()} file ({_looks_like(data)}; "
            "an error page saved in its place?); download it again",
        )
    # A page saved under a text name (.txt) is still a page: its scripts and markup
    # are not the document's words.
    if named == "html" or (named in (None, "text") and _HTML_START_RE.match(data[:_HEAD_BYTES])):
        return "html"
    if named == "text":
        return "text"
    kind = f"'{suffix}'" if suffix else "a file without an extension"
    supported = " ".join(sorted({s for s, f in FORMATS.items() if f in _READERS}))
    raise IngestError(name, f"unsupported file type {kind}; ingest reads {supported}")


def _looks_like(data: bytes) -> str:
    if _HTML_START_RE.match(data[:_HEAD_BYTES]):
        return "it is an HTML page"
    try:
        data[:_HEAD_BYTES].decode("utf-8")
    except UnicodeDecodeError:
        return f"it starts with the bytes {data[:8].hex(' ')}"
    return "it is plain text"


def _zip_format(data: bytes, name: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile as exc:
        raise IngestError(name, f"is a damaged zip archive ({exc}); download it again") from exc
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names:
        return "ofd"
    raise IngestError(
        name, "is a zip archive that is neither a DOCX nor an OFD document; unpack it"
    )


def file_format(path: Path) -> str:
    """The format ``ingest`` would read ``path`` as, for reports; ``unreadable`` if none."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # never open a pipe: it would block
            return FORMATS.get(path.suffix.lower(), "unreadable")
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
        if head.startswith(b"PK\x03\x04"):
            head = path.read_bytes()  # the member list is at the end of the archive
        return sniff(head, path.suffix, str(path))
    except (OSError, IngestError):
        return FORMATS.get(path.suffix.lower(), "unreadable")


def _corpus_files(root: Path) -> list[Path]:
    return sorted(
        (
            p
            for p in root.rglob("*")
            # Not only regular files: a broken link or a pipe named like a document
            # is listed, so that ingest reports it instead of it vanishing.
            if not p.is_dir()
            and p.stem.lower() != "readme"
            and not any(part.startswith(".") for part in p.relative_to(root).parts)
        ),
        key=lambda p: p.relative_to(root).as_posix(),
    )


def iter_corpus(directory: Path | str) -> list[Path]:
    """The document files under ``directory`` (``SUFFIXES``), recursively, in sorted order.

    Skipped: hidden files and folders (a leading dot: editor backups,
    ``.ipynb_checkpoints``), README files, which describe the folder and are not
    documents of it (``corpus/README.md``), and files of other types (``skipped_files``).
    """
    root = _corpus_root(directory)
    return [p for p in _corpus_files(root) if p.suffix.lower() in SUFFIXES]


def skipped_files(directory: Path | str) -> list[Path]:
    """The files under ``directory`` that ``iter_corpus`` leaves out for their type."""
    root = _corpus_root(directory)
    return [p for p in _corpus_files(root) if p.suffix.lower() not in SUFFIXES]


def _corpus_root(directory: Path | str) -> Path:
    root = Path(directory)
    if not root.is_dir():
        raise IngestError(
            str(directory), "is not a directory; pass the folder that holds the corpus"
        )
    return root


def _content_id(text: str, metadata: Sequence[MetaFact] = ()) -> str:
    # Hash of the decoded text, not the bytes: one text saved in two encodings is
    # one document.  Metadata facts count too, as they change the header: a page
    # whose table names another 文号 is another record of the text.
    facts = "".join(f"\n{f.source}:{f.field}={f.value}" for f in metadata)
    return hashlib.sha256((text + facts).encode("utf-8")).hexdigest()[:16]


def _normalise(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


# -------------------------------------------------------------------------- cleaning


def clean(text: str, steps: Sequence[str | Cleaner] | None = None) -> tuple[str, tuple[int, ...]]:
    """Repair ``text`` with the named steps; return the clean text and its offset map.

    ``offsets[i]`` is the index in ``text`` of ``clean[i]``; ``offsets[len(clean)]``
    is ``len(text)``.  Steps only delete, so ``clean[i] == text[offsets[i]]``.
    """
    current = text
    offsets = list(range(len(text) + 1))
    for step in DEFAULT_STEPS if steps is None else steps:
        if isinstance(step, str):
            try:
                step = CLEANERS[step]
            except KeyError:
                known = ", ".join(CLEANERS)
                raise ConfigError(f"unknown cleaning step {step!r}; known steps: {known}") from None
        current, offsets = _delete(current, offsets, step(current))
    return current, tuple(offsets)


def _delete(
    text: str, offsets: list[int], spans: Iterable[tuple[int, int]]
) -> tuple[str, list[int]]:
    """Remove ``spans`` from ``text`` and carry the offset map along."""
    merged: list[list[int]] = []
    for start, end in sorted((s, e) for s, e in spans if e > s):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    if not merged:
        return text, offsets
    pieces: list[str] = []
    new_offsets: list[int] = []
    pos = 0
    for start, end in merged:
        pieces.append(text[pos:start])
        new_offsets.extend(offsets[pos:start])
        pos = end
    pieces.append(text[pos:])
    new_offsets.extend(offsets[pos:])  # includes the end sentinel
    return "".join(pieces), new_offsets


# Character classes shared by the steps.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Han, CJK punctuation (not U+3000, a space), full-width forms, and the curly quotes
# Chinese text uses.
_WIDE = _HAN + "\u3001-\u303f\uff01-\uff60\uffe0-\uffe6\u201c\u201d\u2018\u2019"
_NARROW = "0-9A-Za-z%‰℃"
_HSPACE = " \t\u00a0"
# The one space a converter puts between two glyphs.  Tabs and wider gaps are
# layout (table columns, signature blocks) and are never touched inside a line.
_SPACE = " \u00a0"


_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]+")


def invisible(text: str) -> Iterable[tuple[int, int]]:
    """Zero-width spaces, joiners, stray BOMs and soft hyphens split words invisibly."""
    return (m.span() for m in _INVISIBLE_RE.finditer(text))


# ``**bold**`` from a PDF-to-Markdown converter; the bold run may wrap lines but
# never crosses a blank line (a paragraph break).
_BOLD_RE = re.compile(r"\*\*(?=[^\s*])(?:[^*\n]|\*(?!\*)|\n(?![ \t]*\n))+?(?<=[^\s*])\*\*")


def bold(text: str) -> Iterable[tuple[int, int]]:
    """Drop ``**`` markers around a bold run, keeping the words inside."""
    for m in _BOLD_RE.finditer(text):
        yield m.start(), m.start() + 2
        yield m.end() - 2, m.end()


# ``$…$`` inline math around a short formula (``“ $1+1+1+N$ ”``).  Three ASCII letters
# in a row that are not a LaTeX command mean words (``US$100 and US$200``), not math.
_MATH_RE = re.compile(
    r"(?<![0-9A-Za-z$\\])\$(?=\S)"
    r"([0-9A-Za-z+\-−*/×÷=<>≤≥.,:%()\[\]{}^_\\ ~·]{1,40}?)"
    r"(?<=\S)\$(?![0-9A-Za-z$])"
)
_WORDS_RE = re.compile(r"(?<!\\)(?<![A-Za-z])[A-Za-z]{3,}")
_ESCAPED_RE = re.compile(r"\\(?=[%$&#_])")


def math(text: str) -> Iterable[tuple[int, int]]:
    """Drop the dollars of inline math, and the padding that sets it off from Chinese."""
    for m in _MATH_RE.finditer(text):
        formula = m.group(1)
        if _WORDS_RE.search(formula):
            continue
        start, end = m.start(), m.end()
        yield start, start + 1
        yield end - 1, end
        for e in _ESCAPED_RE.finditer(formula):  # \% → %
            yield m.start(1) + e.start(), m.start(1) + e.start() + 1
        # The spaces outside the dollars pad the formula against wide text; once the
        # dollars go they are noise (“ $N$ ” → “N”).
        left = start
        while left > 0 and text[left - 1] in _SPACE:
            left -= 1
        if left < start and (left == 0 or _is_wide(text[left - 1]) or text[left - 1] == "\n"):
            yield left, start
        right = end
        while right < len(text) and text[right] in _SPACE:
            right += 1
        if right > end and (right == len(text) or _is_wide(text[right]) or text[right] == "\n"):
            yield end, right


_WIDE_CHAR_RE = re.compile(f"[{_WIDE}]")


def _is_wide(ch: str) -> bool:
    return bool(_WIDE_CHAR_RE.match(ch))


# A space between a digit or Latin letter and Chinese text: "111 号", "自 2020 年",
# "5G 智慧", "CT 设备".
_NARROW_WIDE_RE = re.compile(
    f"(?<=[{_NARROW}])[{_SPACE}](?=[{_WIDE}])|(?<=[{_WIDE}])[{_SPACE}](?=[{_NARROW}])"
)
# One stray space between two wide characters, where no word can end or begin:
# after 的/和/为 or an opening bracket ("提案的 答复"), before a numeral, 第/届 or a
# closing mark ("市政协 五届"), after a 第…号 number ("第112184号 提案").  Any other
# space between Chinese words may separate two names ("国家卫生健康委 国家中医药管理局",
# "主管领导 董伟峰") and stays, as do wider gaps and the ideographic space U+3000.
_WIDE_WIDE_RE = re.compile(f"(?<=([{_WIDE}]))[{_SPACE}](?=([{_WIDE}]))")
_NO_WORD_END = set("的地得之和与及或并为以在对把被从向将由于按（(《〈“‘「『〔【")
_NO_WORD_START = set(
    "一二三四五六七八九十百千零〇两第届的了着过们等，。、；：！？）》〉”’」』〕】…"
)
_NUMBER_END_RE = re.compile(r"第[0-9０-９]{1,12}号$")
# "互联网 + 医疗健康" → "互联网+医疗健康".
_PLUS_RE = re.compile(f"(?<=[{_WIDE}])([{_SPACE}]?)\\+([{_SPACE}]?)(?=[{_WIDE}])")


def spaces(text: str) -> Iterable[tuple[int, int]]:
    """Drop single spaces a PDF converter put between digits, letters and Chinese.

    Line breaks are left to ``breaks``; tabs and runs of spaces are layout and stay.
    """
    for m in _NARROW_WIDE_RE.finditer(text):
        yield m.span()
    for m in _WIDE_WIDE_RE.finditer(text):
        left, right = m.group(1), m.group(2)
        if (
            left in _NO_WORD_END
            or right in _NO_WORD_START
            or _NUMBER_END_RE.search(text, max(0, m.start() - 16), m.start())
        ):
            yield m.span()
    for m in _PLUS_RE.finditer(text):
        yield m.span(1)
        yield m.span(2)


# ------------------------------------------------------------------ paragraph breaks

# A line break with any blank or white-space-only lines after it, and the spaces
# around it.  Joining deletes the whole gap.
_GAP_RE = re.compile(f"[{_HSPACE}\u3000]*\n(?:[{_HSPACE}\u3000]*\n)*[{_HSPACE}\u3000]*")

# A sentence, clause list or quoted sentence is over.
_TERMINAL = set("。！？；：…!?;:")
_CLOSE_QUOTES = set("”’」』")

# The line cannot stop here: a comma, an enumeration comma, an opening bracket.
_CONTINUES = set("，、,（(《〈“‘「『〔【[")
# A fragment cannot start here: it is the end of the sentence on the page before
# (closing punctuation, or the particle 的: "…实施方案》" + "的通知要求").
_CLOSES = set("，。、；：！？）》〉”’」』〕】],.;:!?…%的们")
# Function characters that never end a heading or a sentence ("…中医医院为").
_DANGLING = set("的和与及或并为以在对把被从向将由于按")
_PAIRS = (
    ("《", "》"),
    ("（", "）"),
    ("(", ")"),
    ("“", "”"),
    ("〔", "〕"),
    ("【", "】"),
    ("[", "]"),
    ("「", "」"),
)
# A new block: a numbered item (一、 （一） 1. 2、 (1) ① 第一条), an attachment, a
# Markdown heading, list item, table row, quote or rule.
_BLOCK_START_RE = re.compile(
    r"""(?x)
    (?: [一二三四五六七八九十百]+[、.．]
      | [（(][一二三四五六七八九十百\d]+[）)]
      | \d+(?:[、]|[.．](?!\d))
      | [①-⑳⑴-⒇]
      | 第[一二三四五六七八九十百千\d]+[章节条款部分篇]
      | 附件 | 附[:：]
      | \#{1,6}\s | [-*+•·]\s | \| | > | [-*_]{3,}
    )"""
)
# A label that opens a line of its own: "抄送：", "联系人：", "责任单位：" ("如下：" is
# the end of a sentence, not a label).
_LABEL_RE = re.compile(f"(?!如)[{_HAN}]{{2,6}}[:：]")
_HEADING_MAX = 40  # a numbered line shorter than this with no sentence end is a heading
_FULL_LINE = 20  # a prose line at least this long fills the printed line it came from
_WINDOW = 2000


def breaks(text: str) -> Iterable[tuple[int, int]]:
    """Join a sentence that a page break and blank lines cut in two.

    Headings, header lines and real paragraph breaks stay; see ``should_join``.
    """
    line_start = 0
    for m in _GAP_RE.finditer(text):
        start, end = m.span()
        if start == 0 or end == len(text):
            line_start = end
            continue
        nl = text.find("\n", end)
        # A window, not the whole joined line: a file of lines that all join must
        # not cost quadratic time.  Past _HEADING_MAX the length rules no longer change.
        before = text[max(line_start, start - _WINDOW) : start]
        after = text[end : nl if nl >= 0 else len(text)]
        if should_join(before, after):
            yield start, end  # the joined line keeps its start
        else:
            line_start = end


def should_join(before: str, after: str) -> bool:
    """Whether the line ``before`` a break and the line ``after`` it are one sentence.

    Stay apart when ``before`` ends a sentence or ``after`` starts a numbered item.
    Join on hard evidence: ``before`` ends with a comma or an open bracket or has a
    bracket left open; ``after`` starts with closing punctuation or 的, or opens
    with a one- or two-character sentence ("善。").  A label line (抄送：) and a
    heading start a block.  A line ending in a function character (为, 和 …) goes on.
    Else join only a prose line (one with sentence punctuation) long enough to have
    filled the printed line: titles, header lines and headings have no 。 or ，.
    """
    before, after = before.rstrip(), after.lstrip()
    if not before or not after:
        return False
    last = before[-1]
    if last in _TERMINAL:
        return False
    if last in _CLOSE_QUOTES and len(before) > 1 and before[-2] in _TERMINAL:
        return False  # 。” ends a quoted sentence; a bare ” may be mid-sentence
    if _BLOCK_START_RE.match(after):
        return False
    if DUTY_CLOSE.search(before):
        return False  # （省卫生健康委等按职责分工负责） closes a task's paragraph
    if last in _CONTINUES or after[0] in _CLOSES or _unclosed(before):
        return True
    if any(c in "。！？；" for c in after[1:3]):
        return True  # no paragraph opens with a one- or two-character sentence ("善。")
    if _LABEL_RE.match(after):
        return False
    heading = (
        bool(_BLOCK_START_RE.match(before))
        and len(before) < _HEADING_MAX
        and not any(c in before for c in "。！？；")
    )
    if heading:
        return False
    # A body's name under a line without sentence punctuation is the next cell of a
    # table (健康素养、生活方式与行为 / 工信局), though the line ends in a function
    # character; under prose (…的牵头单位为 / 区卫生健康局) it ends the sentence.
    prose = any(c in before for c in "。！？；，")
    if not prose and _is_signature(after):
        return False
    if last in _DANGLING:
        return True
    if _is_signature(after):
        return False  # the issuer or the date under the body starts the signature block
    return prose and len(before) >= _FULL_LINE


def _is_signature(line: str) -> bool:
    """A date line, or a short line that is only the name of a body (凤凰县人民政府办公室)."""
    return bool(DATE_LINE.match(line)) or is_agency_line(line.strip())


def _unclosed(line: str) -> bool:
    return any(line.count(o) > line.count(c) for o, c in _PAIRS)


CLEANERS: dict[str, Cleaner] = {
    "invisible": invisible,
    "bold": bold,
    "math": math,
    "breaks": breaks,
    "spaces": spaces,
}

# Markers go before breaks, so that a line ending in ``**`` is judged by its words.
DEFAULT_STEPS: tuple[str, ...] = ("invisible", "bold", "math", "breaks", "spaces")
