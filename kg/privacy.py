"""Personal contact data never becomes a fact: one redactor for every stage.

Telephone numbers (landlines with or without an area code, mobiles) and postcodes
are replaced by a marker wherever text is kept: evidence sentences, literals of the
graph, the search index.  Amounts, counts, dates and document numbers stay.
"""

from __future__ import annotations

import re

REDACTED = "[电话已删除]"

PHONE = re.compile(
    # A landline: optional area code (0 + 2–3 digits, maybe in brackets, maybe a dash
    # of any width), then 7–8 digits that are not an amount or a count.
    r"(?<![0-9.])(?:[(（]?0\d{2,3}[)）]?\s*[-—–－‐]?\s*)?\d{7,8}(?![0-9.])"
    r"(?!\s*[元万亿人户台次个件份张床册%‰])"
    # A mobile number.
    r"|(?<![0-9])1[3-9]\d{9}(?![0-9])"
    # A postcode, recognisable only by its label.
    r"|(?:邮政编码|邮编)\s*[:：]?\s*\d{6}(?![0-9])"
)


# Every form PHONE knows holds a digit; a text without one (most sentences) is
# returned as it is without running the pattern at every position.
_DIGIT = re.compile(r"\d")


def redact(text: str) -> str:
    """``text`` with every telephone number and postcode replaced by ``REDACTED``."""
    if _DIGIT.search(text) is None:
        return text
    return PHONE.sub(REDACTED, text)
