"""Plain text (.txt, .md): the encoding comes from the bytes, never from the extension."""

from __future__ import annotations

import codecs
import unicodedata

from kg.errors import IngestError
from kg.readers import Reading

__all__ = ["decode", "read"]


def read(data: bytes, name: str) -> Reading:
    text, encoding = decode(data, name)
    return Reading(text, encoding)


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
    first_bad: int | None = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
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

    if first_bad is not None:
        damaged = data.decode("utf-8", errors="replace").count("\ufffd")
        if damaged <= max(1, len(data) // 1000):
            # UTF-8 but for a few bytes: a damaged copy, not a text in another encoding.
            raise IngestError(
                name,
                f"is UTF-8 but for {damaged} invalid byte sequence(s), the first at byte "
                f"{first_bad} (a damaged copy?); download it again",
            )
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
