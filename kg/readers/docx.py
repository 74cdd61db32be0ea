"""Word documents (.docx): paragraphs and tables in body order, numbering as printed.

Headers and footers (the running 文号, page numbers) are never read: only the body
is.  Word's automatic numbering is not in a paragraph's text, so the printed label
(一、 （一） 1.) is rebuilt from ``numbering.xml``.  A table row becomes one line,
its cells separated by a tab, as a 责任分工 table prints.

A DOCX is a zip archive: its members' declared sizes are checked before anything is
extracted, so a zip bomb is refused without being inflated (CPython's zipfile
never inflates a member past its declared size).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from kg.errors import IngestError
from kg.readers import Reading

__all__ = ["MAX_RATIO", "MAX_UNCOMPRESSED", "check_archive", "read"]

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a 500-page report with images is far below this
MAX_RATIO = 200  # Word's XML deflates about 10:1; a bomb does 1000:1
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read(data: bytes, name: str) -> Reading:
    archive = check_archive(data, name)
    if "word/document.xml" not in archive.namelist():
        raise IngestError(name, "is a zip archive without word/document.xml, not a DOCX")
    import docx  # imported late: only DOCX files need it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        numbering = _Numbering(document)
        lines = list(_lines(document, numbering))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise IngestError(
            name, f"is not a readable DOCX ({exc}); open and save it again in Word or WPS"
        ) from exc
    text = "\n".join(lines).strip()
    if not text:
        raise IngestError(name, "is a DOCX without text in its body")
    return Reading(text + "\n", "docx")


def check_archive(data: bytes, name: str) -> zipfile.ZipFile:
    """The archive, once its declared sizes show it is not a zip bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise IngestError(
            name, f"is a damaged zip archive ({exc}); download the file again"
        ) from exc
    total = 0
    for member in archive.infolist():
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_RATIO and member.file_size > 1024 * 1024:
            raise IngestError(
                name,
                f"refused: member {member.filename} would inflate {ratio:.0f}-fold to "
                f"{member.file_size // (1024 * 1024)} MiB (a zip bomb?); nothing was extracted",
            )
    if total > MAX_UNCOMPRESSED:
        raise IngestError(
            name,
            f"refused: the archive would inflate to {total // (1024 * 1024)} MiB, over the "
            f"{MAX_UNCOMPRESSED // (1024 * 1024)} MiB limit (a zip bomb?); nothing was extracted",
        )
    return archive


def _lines(document: object, numbering: _Numbering) -> Iterator[str]:
    from docx.table import Table

    for block in document.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[tuple[object, str]] = []
                for cell in row.cells:
                    # A merged cell is returned once per grid column it spans.
                    if cells and cells[-1][0] is cell._tc:
                        continue
                    cells.append(
                        (cell._tc, " ".join(p.text.strip() for p in cell.paragraphs).strip())
                    )
                yield "\t".join(text for _tc, text in cells)
        else:
            yield numbering.label(block) + block.text


_CHINESE_DIGITS = "〇一二三四五六七八九"


def _chinese(n: int) -> str:
    if n < 10:
        return _CHINESE_DIGITS[n]
    if n < 100:
        tens, units = divmod(n, 10)
        return (
            ("" if tens == 1 else _CHINESE_DIGITS[tens])
            + "十"
            + (_CHINESE_DIGITS[units] if units else "")
        )
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):  # fmt: skip
        count, n = divmod(n, value)
        out += letters * count
    return out


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: "".join(chr(0xFF10 + int(d)) for d in str(n)),
    "chineseCounting": _chinese,
    "chineseCountingThousand": _chinese,
    "chineseLegalSimplified": _chinese,
    "japaneseCounting": _chinese,
    "taiwaneseCounting": _chinese,
    "taiwaneseCountingThousand": _chinese,
    "ideographDigital": lambda n: "".join(_CHINESE_DIGITS[int(d)] for d in str(n)),
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedParen": lambda n: chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})",
    "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26),
    "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
    "bullet": lambda n: "",
    "none": lambda n: "",
}


class _Numbering:
    """Word's list counters, advanced paragraph by paragraph in body order."""

    def __init__(self, document: object) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError):
            return  # no numbering part: no automatic numbering anywhere
        abstract = {}
        for node in root.findall(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{_W}lvl"):
                start = lvl.find(f"{_W}start")
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    int(start.get(f"{_W}val", "1")) if start is not None else 1,
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{_W}val", "") if text is not None else "",
                )
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for num in root.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None and ref.get(f"{_W}val") in abstract:
                self.levels[num.get(f"{_W}numId", "")] = abstract[ref.get(f"{_W}val")]

    def label(self, paragraph: object) -> str:
        ppr = paragraph._p.pPr  # type: ignore[attr-defined]
        numpr = ppr.numPr if ppr is not None else None
        if numpr is None or numpr.numId is None:
            numpr = _style_numpr(paragraph)
            if numpr is None:
                return ""
        num_id = str(numpr.numId.val)
        level = int(numpr.ilvl.val) if numpr.ilvl is not None else 0
        levels = self.levels.get(num_id)
        if not levels or level not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, levels[level][0] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]  # a new item restarts the levels under it
        text = levels[level][2]
        for shown in range(level, -1, -1):
            start, fmt, _text = levels.get(shown, (1, "decimal", ""))
            value = counters.get(shown, start)
            text = text.replace(f"%{shown + 1}", _FORMATS.get(fmt, str)(value))
        return text


def _style_numpr(paragraph: object) -> Any:
    style = paragraph.style  # type: ignore[attr-defined]
    while style is not None:
        ppr = style.element.pPr
        if ppr is not None and ppr.numPr is not None and ppr.numPr.numId is not None:
            return ppr.numPr
        style = style.base_style
    return None
