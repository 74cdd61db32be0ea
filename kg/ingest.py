"""Ingest: a corpus file → ``Document`` (original text, clean text, offset map).

``ingest(path)`` is the one entry point.  It reads a ``.txt`` or ``.md`` file, finds
the encoding from the bytes (never from the extension), and repairs the artefacts
that PDF-to-text conversion leaves in Chinese policy documents with ``clean``.

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

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from kg.errors import ConfigError, IngestError
from kg.lines import DATE_LINE, is_agency_line
from kg.model import Document

__all__ = [
    "CLEANERS",
    "DEFAULT_STEPS",
    "SUFFIXES",
    "Cleaner",
    "clean",
    "decode",
    "ingest",
    "iter_corpus",
]

SUFFIXES = (".txt", ".md")

# A cleaning step: current text → spans ``(start, end)`` of that text to delete.
Cleaner = Callable[[str], Iterable[tuple[int, int]]]


# --------------------------------------------------------------------------- ingest


def ingest(path: Path | str, *, steps: Sequence[str | Cleaner] | None = None) -> Document:
    """Read one ``.txt``/``.md`` file into a ``Document``; raise ``IngestError`` if unusable."""
    p = Path(path)
    shown = str(path)
    if not p.exists():
        raise IngestError(shown, "no such file; check the path")
    if p.is_dir():
        raise IngestError(
            shown,
            "is a directory, not a file; pass one .txt or .md file (iter_corpus lists a folder)",
        )
    if p.suffix.lower() not in SUFFIXES:
        kind = f"'{p.suffix}'" if p.suffix else "a file without an extension"
        raise IngestError(
            shown,
            f"unsupported file type {kind}; ingest reads .txt and .md "
            "(convert PDF or Word documents to text first)",
        )
    try:
        data = p.read_bytes()
    except OSError as exc:  # permission denied, a broken link, an I/O error
        raise IngestError(shown, f"cannot be read: {exc.strerror or exc}") from exc
    if not data:
        raise IngestError(shown, "is empty (0 bytes); there is no text to ingest")

    raw, encoding = decode(data, shown)
    text = _normalise(raw)
    if not text.strip():
        raise IngestError(shown, "contains only white space; there is no text to ingest")
    cleaned, offsets = clean(text, steps=steps)
    return Document(
        id=_content_id(text),
        source=p.name,
        path=shown,
        text=text,
        clean=cleaned,
        offsets=offsets,
        encoding=encoding,
    )


def iter_corpus(directory: Path | str) -> list[Path]:
    """The ``.txt`` and ``.md`` files under ``directory``, recursively, in sorted order.

    Skipped: hidden files and folders (a leading dot: editor backups,
    ``.ipynb_checkpoints``) and README files, which describe the folder and are
    not documents of it (``corpus/README.md``).
    """
    root = Path(directory)
    if not root.is_dir():
        raise IngestError(
            str(directory), "is not a directory; pass the folder that holds the corpus"
        )
    found = [
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and p.stem.lower() != "readme"
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _content_id(text: str) -> str:
    # Hash of the decoded text, not the bytes: one text saved in two encodings is
    # one document.
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _normalise(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


# ------------------------------------------------------------------------- encoding

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 before UTF-16: the UTF-32-LE mark starts with the UTF-16-LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    (b"\x84\x31\x95\x33", "gb18030", "gb18030"),
)

# GB18030 is a superset of GBK and GB2312, so a GBK file decodes the same way and
# is reported as gb18030.
_DETECT_AMONG = ["gb18030", "utf_16_le", "utf_16_be", "utf_8"]


def decode(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode file bytes: a byte-order mark, else strict UTF-8, else UTF-16 or GB18030.

    Returns the text (BOM removed) and the codec name.  ``name`` only labels errors.
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise IngestError(
                    name,
                    f"starts with a {label} byte-order mark but is not valid {label} "
                    f"(bad bytes at offset {exc.start + len(bom)}); save the file as UTF-8",
                ) from exc
            if text and not _readable(text):
                raise IngestError(
                    name,
                    f"starts with a {label} byte-order mark but does not decode to readable "
                    "text (binary data?); save the file as UTF-8",
                )
            return text, label

    utf8_error = ""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = f"invalid UTF-8 at byte {exc.start}"
    else:
        if "\x00" not in text:
            return text, "utf-8"
        utf8_error = "UTF-8 with NUL bytes"

    guess = _bomless_utf16(data)
    if guess is not None:
        return guess

    best = _detect(data)
    if best is not None:
        return best

    raise IngestError(
        name,
        f"cannot decode the bytes ({utf8_error}): tried a byte-order mark, strict UTF-8, "
        "UTF-16 and GB18030/GBK detection, and none gives readable text. "
        "If it is a text file, save it as UTF-8 and ingest it again",
    )


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM shows as NUL high bytes of ASCII, all on one side."""
    if len(data) < 4 or len(data) % 2:
        return None
    units = len(data) // 2
    nul_even = data[0::2].count(0)
    nul_odd = data[1::2].count(0)
    # CJK code points U+xx00 put an occasional NUL on the other side; ASCII (digits,
    # newlines, punctuation) puts many on its own side.
    for nul_own, nul_other, codec in (
        (nul_odd, nul_even, "utf-16-le"),
        (nul_even, nul_odd, "utf-16-be"),
    ):
        if nul_own >= max(1, units // 20) and nul_other <= units // 50:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if _readable(text):
                return text, codec
    return None


def _detect(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes  # imported late: only legacy files need it

    match = from_bytes(data, cp_isolation=_DETECT_AMONG).best()
    if match is None:
        return None
    codec = codecs.lookup(match.encoding).name
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return (text, codec) if _readable(text) else None


def _readable(text: str) -> bool:
    """Few control, unassigned, private-use or replacement characters: not mojibake."""
    if not text or "\x00" in text:
        return False
    bad = sum(
        1
        for ch in text
        if ch == "\ufffd"
        or (unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs") and ch not in "\t\n\r\f\v")
    )
    return bad <= len(text) // 200


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
