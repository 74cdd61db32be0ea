"""发文字号 (document numbers): parse one, normalise it, find them in running text.

The canonical form follows GB/T 9704: year in 〔〕, half-width digits, no spaces, e.g.
``湘政办发〔2021〕79号``, ``国令第828号``, ``国家药监局公告2026年第7号``. Every form the
parser accepts canonicalises to a string that parses back to itself.

``find_all`` scans with compiled regexes anchored on the part of a number that is
unambiguous (the bracketed year and serial, or 令/公告 + 第N号) and then walks back over
the Chinese characters before it to recover the 机关代字. Where that prefix ends is
decided by a small data file of function words and verbs (``kg/data/docno/
prefix_boundaries.csv``: 根据, 按照, 印发, 和 …), so ``根据国办发〔2017〕32号`` yields the
code 国办发 and never 根据国办发.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from kg.errors import DocNumberError

__all__ = [
    "FORMS",
    "DocNumber",
    "DocNumberMatch",
    "find_all",
    "normalise",
    "parse",
]

FORMS: Final = ("standard", "order", "announcement", "telegram", "letter", "other")

_BOUNDARIES_CSV: Final = Path(__file__).parent / "data" / "docno" / "prefix_boundaries.csv"
_ISSUER_CODES_CSV: Final = Path(__file__).parent / "data" / "docno" / "issuer_codes.csv"

# Longest 机关代字 accepted before a bracketed year (the catalogue's longest is 8,
# e.g. 国中医药办医政函); a longer run of characters is an issuer name or prose.
MAX_CODE_LEN: Final = 10
# Longest issuer accepted before 令/公告 (中华人民共和国国家卫生健康委员会 is 16).
MAX_ISSUER_LEN: Final = 24
# Years a number may carry; anything else in brackets is not a 文号 year.
MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2099


@dataclass(frozen=True)
class DocNumber:
    """One parsed 发文字号.

    ``agency_code`` is everything printed before the year or serial (湘政办发, 国令,
    国家药监局公告); ``word`` is text between the year bracket and the serial other than
    a lone 第 (字第 in ``(2023)字第26号``); ``serial`` keeps leading zeros.
    """

    agency_code: str
    year: int | None
    serial: str
    form: str
    canonical: str
    word: str = ""


@dataclass(frozen=True)
class DocNumberMatch:
    """A number found in running text; ``text[start:end] == match.text``."""

    start: int
    end: int
    text: str
    number: DocNumber


# ---------------------------------------------------------------- parse

_CJK: Final = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KIND_WORDS: Final = "令|公告|通告"

# After NFKC: ﹝﹞ become 〔〕, （）［］ become ()[]; 【】「」〖〗 stay as they are.
_P_BRACKETED: Final = re.compile(
    rf"(?P<code>[{_CJK}]*)[〔\[(【「〖](?P<year>[0-9]{{4}})年?[〕\])】」〗]"
    rf"(?P<word>[{_CJK}]{{0,3}}?)(?P<serial>[0-9]+)号?"
)
_P_KIND_FIRST: Final = re.compile(
    rf"(?P<issuer>[{_CJK}]*?)(?P<kind>{_KIND_WORDS})(?P<open>\()?"
    r"(?:(?P<year>[0-9]{4})年)?第?(?P<serial>[0-9]+)号(?(open)\))"
)
_P_KIND_LAST: Final = re.compile(
    rf"(?P<issuer>[{_CJK}]+?)(?:(?P<year>[0-9]{{4}})年)?第(?P<serial>[0-9]+)号"
    rf"(?P<kind>{_KIND_WORDS})"
)
_P_BARE: Final = re.compile(r"(?:(?P<year>[0-9]{4})年)?第(?P<serial>[0-9]+)号")

# Whitespace of every width, and the invisible characters PDF extraction leaves behind.
_P_INVISIBLE: Final = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")

_SHAPES_HELP: Final = (
    "expected 机关代字〔年份〕序号号 (湘政办发〔2021〕79号), …令第N号 (国令第828号) "
    "or …公告YYYY年第N号 (公告2026年第7号)"
)


def parse(text: str) -> DocNumber:
    """Parse one 发文字号 in any printed form; raise DocNumberError if it is not one."""
    compact = _P_INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    # A catalogue or a header may print the whole number in parentheses.
    while len(compact) > 2 and compact[0] == "(" and compact[-1] == ")":
        compact = compact[1:-1]
    if not compact:
        raise DocNumberError(f"{text!r} is not a 发文字号: it is empty")

    if m := _P_BRACKETED.fullmatch(compact):
        code, word = m["code"], m["word"]
        # GB/T 9704: the serial takes no 第; 字第 is part of some codes' printed form.
        if word == "第":
            word = ""
        year: int | None = _year(text, m["year"])
        canonical = f"{code}〔{year}〕{word}{m['serial']}号"
        return DocNumber(code, year, m["serial"], _form_of(code), canonical, word)

    if m := _P_KIND_FIRST.fullmatch(compact) or _P_KIND_LAST.fullmatch(compact):
        code = m["issuer"] + m["kind"]
        year = _year(text, m["year"]) if m["year"] else None
        dated = f"{year}年" if year is not None else ""
        canonical = f"{code}{dated}第{m['serial']}号"
        return DocNumber(code, year, m["serial"], _form_of(code), canonical)

    if m := _P_BARE.fullmatch(compact):
        year = _year(text, m["year"]) if m["year"] else None
        dated = f"{year}年" if year is not None else ""
        return DocNumber("", year, m["serial"], "other", f"{dated}第{m['serial']}号")

    if not re.search(r"[0-9]", compact):
        raise DocNumberError(f"{text!r} is not a 发文字号: it has no serial number; {_SHAPES_HELP}")
    raise DocNumberError(f"{text!r} is not a 发文字号: unrecognised shape; {_SHAPES_HELP}")


def normalise(text: str) -> str:
    """The canonical form of one 发文字号 (``parse(text).canonical``)."""
    return parse(text).canonical


def _year(text: str, digits: str) -> int:
    year = int(digits)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DocNumberError(
            f"{text!r} is not a 发文字号: year {year} is outside {MIN_YEAR}–{MAX_YEAR}"
        )
    return year


def _form_of(code: str) -> str:
    if code.endswith("令"):
        return "order"
    if code.endswith(("公告", "通告")):
        return "announcement"
    if code.endswith("电"):  # 明电, 密电
        return "telegram"
    if "函" in code[-2:]:  # 函, 函字
        return "letter"
    return "standard"


# ---------------------------------------------------------------- find_all

_SP: Final = r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]"
_D: Final = "[0-9０-９]"
_YEAR: Final = f"[12１２]{_D}{{3}}"
_SERIAL: Final = f"{_D}{{1,6}}"

_OPEN: Final = "〔﹝\\[［(（【「〖"
# Every branch starts on one character class that is rare in prose, checked again
# by a one-character lookbehind: a pattern that opens with a plain class lets the
# regex engine skip ahead in C (~10x faster than an alternation of groups). The
# agency code before the anchor is recovered afterwards by _prefix.
_P_CORE: Final = re.compile(
    rf"[{_OPEN}令公通第](?:"
    # 〔2021〕79号, (2023)字第26号, 〔2020〕第5号
    rf"(?<=[{_OPEN}])(?P<std>{_SP}*{_YEAR}{_SP}*年?{_SP}*[〕﹞\]］)）】」〗]"
    rf"{_SP}*(?P<zi>字{_SP}*)?(?:第{_SP}*)?{_SERIAL}{_SP}*号)"
    # 令第828号, 公告2026年第7号, 令（2019年第3号）
    rf"|(?:(?<=令)|(?<=[公通])告)(?P<kind>{_SP}*(?P<kopen>[(（])?{_SP}*"
    rf"(?:{_YEAR}{_SP}*年{_SP}*)?第{_SP}*{_SERIAL}{_SP}*号(?(kopen){_SP}*[)）]))"
    # 第85号令, 2020年第23号通告 (the year is picked up by _P_YEAR_BEFORE)
    rf"|(?<=第)(?P<last>{_SP}*{_SERIAL}{_SP}*号(?:{_KIND_WORDS}))"
    r")"
)
_P_YEAR_BEFORE: Final = re.compile(rf"{_YEAR}{_SP}*年{_SP}*\Z")
_SPACES: Final = frozenset(" \t\u00a0\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200C)
)
_P_CJK_CHAR: Final = re.compile(f"[{_CJK}]")


@lru_cache(maxsize=1)
def _boundary_patterns() -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str]]:
    """(pattern before a bracketed code, pattern before an issuer, words that cut)."""
    code_words: dict[str, str] = {}
    issuer_words: dict[str, str] = {}
    with _BOUNDARIES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            word, role = row["word"].strip(), row["role"].strip()
            if role not in ("cut", "code_cut", "keep"):
                raise DocNumberError(f"{_BOUNDARIES_CSV}: unknown role {role!r} for {word!r}")
            code_words[word] = role
            if role != "code_cut":
                issuer_words[word] = role
    cutting = frozenset(w for w, r in code_words.items() if r != "keep")

    def alternation(words: dict[str, str]) -> re.Pattern[str]:
        # A lookahead reports overlapping occurrences (健康委 and 委员会 in
        # 卫生健康委员会); longest first, so 共和国 (keep) is seen whole.
        ordered = sorted(words, key=len, reverse=True)
        return re.compile("(?=(" + "|".join(map(re.escape, ordered)) + "))")

    return alternation(code_words), alternation(issuer_words), cutting


@lru_cache(maxsize=1)
def _longest(words: frozenset[str]) -> int:
    return max(map(len, words), default=0)


def _prefix(text: str, end: int, floor: int, limit: int, boundary: re.Pattern[str]) -> int | None:
    """Start of the agency code or issuer that ends at ``end``.

    Returns ``end`` when there is none, and None when the run of characters before
    ``end`` is longer than ``limit`` with no boundary word in it (prose, or an issuer
    name glued to its code), so the code cannot be told apart from what precedes it.
    """
    cutting = _boundary_patterns()[2]
    # Far enough back to see a whole boundary word that ends just inside the limit,
    # and to tell a run that is too long from one that fits.
    k = end
    horizon = max(floor, end - limit - _longest(cutting))
    while k > horizon and _P_CJK_CHAR.match(text, k - 1):
        k -= 1
    run = text[k:end]
    cut = 0
    kept_until = 0  # a cut word inside a kept word (和 in 共和国) does not cut
    for m in boundary.finditer(run):
        word_end = m.end(1)
        if m[1] not in cutting:
            kept_until = max(kept_until, word_end)
        elif word_end > kept_until:
            cut = max(cut, word_end)
    if len(run) - cut > limit:
        return None
    return k + cut


def find_all(text: str) -> list[DocNumberMatch]:
    """Every 发文字号 in running text, in order, with exact offsets into ``text``."""
    code_boundary, issuer_boundary, _ = _boundary_patterns()
    found: list[DocNumberMatch] = []
    floor = 0
    for core in _P_CORE.finditer(text):
        start, end = core.span()
        if core["std"] is not None:
            gap = start
            while gap > floor and text[gap - 1] in _SPACES:
                gap -= 1
            head = _prefix(text, gap, floor, MAX_CODE_LEN, code_boundary)
            if head is None:
                head = start  # uncertain code: keep the number, drop the code
            elif head == gap:
                # No code at all: only the 〔〕 brackets or 字第 make a bare
                # "(2021)5号" a document number rather than prose.
                if text[start] not in "〔﹝" and core["zi"] is None:
                    continue
                head = start
        else:
            if core["last"] is not None:
                year = _P_YEAR_BEFORE.search(text, max(floor, start - 12), start)
                if year is not None:
                    start = year.start()
            head = _prefix(text, start, floor, MAX_ISSUER_LEN, issuer_boundary)
            needs_issuer = core["last"] is not None or text[start] == "令"
            if head is None or head == start:
                # 令 and a trailing 公告 need their issuer; 公告第N号 alone is a number.
                if needs_issuer:
                    continue
                head = start
        try:
            number = parse(text[head:end])
        except DocNumberError:
            # Shaped like a number but not one (a year outside MIN_YEAR–MAX_YEAR).
            continue
        found.append(DocNumberMatch(head, end, text[head:end], number))
        floor = end
    return found


# ---------------------------------------------------------------- issuer codes


@lru_cache(maxsize=1)
def _issuer_codes() -> tuple[tuple[str, str, int | None, int | None], ...]:
    text = _ISSUER_CODES_CSV.read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    codes = [
        (
            row["code"],
            row["issuer"],
            int(row["from"]) if row["from"] else None,
            int(row["to"]) if row["to"] else None,
        )
        for row in rows
    ]
    return tuple(sorted(codes, key=lambda row: -len(row[0])))


def issuer_of(number: DocNumber) -> str | None:
    """The national body a 文号's 机关代字 names in its year (卫疾控发〔2012〕→ 卫生部), or
    None: local codes are not read, a place's short name is shared by several places."""
    for code, issuer, since, until in _issuer_codes():
        if not number.agency_code.startswith(code) or number.year is None:
            continue
        if (since is None or number.year >= since) and (until is None or number.year < until):
            return issuer
    return None
