"""The document's own header, and for a reply what it answers.

Chinese official documents (GB/T 9704) print, in order: an optional letterhead
(发文机关 or 发文机关 + 文件), registration and disclosure marks, the 发文字号, the
title, the addressees ending in a colon, the body, and a signature block of issuer
and 成文日期.  Replies open with a salutation to the proposer instead of
addressees.  Everything here is regex over lines of the cleaned text: cheap enough
to run on every document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg import docno
from kg.extraction.wordlists import word_list
from kg.lines import DATE_LINE, SEAL_MARK, is_agency_line, is_alternate_name
from kg.model import Answered, Document, Header

_CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}

_SIGNER = re.compile(r"签发人\s*[：:]\s*(?P<name>[\u4e00-\u9fff·]{2,4})")
_SALUTATION = re.compile(r"^[^。；;《》]{1,160}[：:]\s*$")
_CJK_SPACE = re.compile(
    r"(?<=[\u4e00-\u9fff\d〔〕《》（）])[ \t\u3000]+(?=[\u4e00-\u9fff\d〔〕《》（）])"
)

# 对X第N号提案的答复 / 关于X第N号建议的答复 / …提案办理意见的函; the session may
# stand inside the body's name (市六届人大三次会议).
_ORDINAL = "[一二三四五六七八九十]{1,3}"
_ANSWERED = re.compile(
    rf"(?:^|对|关于)\s*(?P<place>[\u4e00-\u9fff]{{0,12}}?)"
    rf"(?:(?P<body>政协|人大(?:常委会)?)\s*(?P<session>{_ORDINAL}届{_ORDINAL}次(?:全体)?会议)"
    rf"|(?P<term>{_ORDINAL}届)(?P<body2>政协|人大(?:常委会)?)(?P<sitting>{_ORDINAL}次(?:全体)?会议))"
    r"\s*(?:第\s*)?(?P<number>\d+)\s*号\s*(?:[（(][^（）()]{1,20}[)）])?\s*"
    # 第0187号代表建议 / 第12号重点提案: who filed it or its priority may stand between.
    r"(?:人大代表|政协委员|代表|委员|重点|集体)?\s*(?P<kind>提案|建议|议案|意见)"
)
# The formal names of a session: 政协十三届全国委员会第三次会议 (全国政协 十三届三次会议),
# 政协湖南省第十二届委员会第三次会议, 十三届全国人大三次会议; a category number may follow
# the proposal's (第4404号（教育类410号）提案).
_ANSWERED_FORMAL = re.compile(
    rf"政协(?P<cppcc_place>[\u4e00-\u9fff]{{0,12}}?)第?(?P<cppcc_term>{_ORDINAL})届"
    rf"(?P<national>全国)?委员会第?(?P<cppcc_sitting>{_ORDINAL})次(?:全体)?会议"
    rf"|(?P<npc_term>{_ORDINAL})届(?P<npc_place>全国|[\u4e00-\u9fff]{{2,12}}?)人大(?:常委会)?"
    rf"第?(?P<npc_sitting>{_ORDINAL})次(?:全体)?会议"
)
_FORMAL_NUMBER = re.compile(
    r"\s*第\s*(?P<number>\d+)\s*号\s*(?:[（(][^（）()]{1,20}[)）])?\s*"
    r"(?:人大代表|政协委员|代表|委员|重点|集体)?\s*(?P<kind>提案|建议|议案)"
)
_PROPOSAL_TITLE = re.compile(
    # 您在区七届人大四次会议期间提出的…: a short clause of time or occasion may
    # stand between the addressee and 提出的.
    # 您所提的“关于改善…的建议”已收悉: a county's reply quotes the title in “”.
    r"(?:您|你们|你|贵单位|代表|委员)(?:们)?(?:在[^，。《》]{1,30}?)?(?:所)?提(?:出)?的\s*"
    r"(?:[《“](?P<quoted>[^》”]{2,120})[》”]\s*(?:提案|建议|议案)?|(?P<plain>[^，。《》“”]{4,80}?))"
    r"\s*(?:收悉|已收悉|，)"
)
_PUBLISHER = re.compile(
    r"(?:文章来源|信息来源|来源|发布机构|发布部门|发文机关|发文单位)\s*[:：]\s*"
    r"(?P<body>[\u4e00-\u9fff（）()]{3,40}?)(?=\s|$|浏览|发布|时间|\|)"
)
_SECTION_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）|\d{1,2}[.．、])"
)
_LEVEL_PREFIX = re.compile(r"^(?P<level>省|市|区|县|州|盟|旗)(?=政协|人大)")
_PROPOSER_ROLE = ("委员", "代表", "同志", "先生", "女士")


@dataclass(frozen=True)
class _Line:
    text: str
    start: int  # offset in the clean text


def _lines(text: str) -> list[_Line]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lines.append(_Line(stripped, pos + raw.index(stripped)))
        pos += len(raw) + 1
    return lines


def _tidy(text: str) -> str:
    """Drop line breaks and stray spaces inside a title, keep spaces between names."""
    text = re.sub(r"\s*\n\s*", "", text).strip().strip("*").strip()
    # A web page's table cell ends in a column rule (…的通知 |).
    text = text.strip("|｜ \t")
    return _CJK_SPACE.sub(lambda m: " " if _joins_names(m) else "", text)


def _joins_names(match: re.Match[str]) -> bool:
    # A space between two issuers (国家卫生健康委 国家中医药管理局) is conventional;
    # elsewhere a space inside Chinese text is an extraction artefact.
    before = match.string[: match.start()]
    return before.endswith(_agency_suffixes())


def _agency_suffixes() -> tuple[str, ...]:
    return word_list("header/agency_suffixes.txt")


def _doc_types() -> tuple[str, ...]:
    return word_list("header/doc_types.txt")


def document_type(title: str | None) -> str | None:
    """The 文种 a title ends with (…的通知 → 通知, …提案的答复 → 答复)."""
    if not title:
        return None
    for kind in _doc_types():
        if title.endswith(kind):
            # Compound types name their head: 实施意见 → 意见, 实施方案 → 方案, 复函 → 函
            # (复函 is a 函 of the fifteen 文种 of the 党政机关公文处理工作条例).
            for head in ("意见", "方案", "办法", "计划", "细则", "函"):
                if kind.endswith(head):
                    return head
            return kind
    return None


def report_type(title: str | None) -> str | None:
    """报告 for a report titled by what it reports on (…工作自查情况, …工作总结)."""
    if title and title.endswith(word_list("header/report_endings.txt")):
        return "报告"
    return None


def _iso_date(match: re.Match[str]) -> str | None:
    def number(text: str) -> int:
        if text.isdigit():
            return int(text)
        if len(text) == 4:  # a year written digit by digit: 二〇二三
            return int("".join(str(_CN_DIGITS[c]) for c in text))
        value = 0
        if "十" in text:
            tens, _, units = text.partition("十")
            value = (_CN_DIGITS[tens] if tens else 1) * 10
            text = units
        return value + (_CN_DIGITS[text] if text else 0)

    try:
        y, m, d = number(match["y"]), number(match["m"]), number(match["d"])
    except KeyError:
        return None
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


_DISCLOSURE_CLASS = r"(?:[A-D]\d?类\s*)?"


def _disclosure(lines: list[_Line]) -> str | None:
    # Longest phrase first: 信息公开形式：主动公开 is 主动公开, not the 公开 of 信息公开.
    for phrase in word_list("header/disclosure.txt"):
        pattern = re.compile(rf"{_DISCLOSURE_CLASS}{re.escape(phrase)}")
        for line in lines:
            match = pattern.search(line.text)
            # Only short marks count: a body sentence that says 公开 is no header mark.
            if match and len(line.text) <= len(match.group()) + 24:
                return match.group().strip()
    return None


def _header_zone(lines: list[_Line]) -> int:
    """Index of the first line after the header: the addressees or salutation, or the
    first sentence of the body when there are none (a reply opening 您提出的《…》收悉。)."""
    for i, line in enumerate(lines[:20]):
        if _is_salutation(line):
            return i
        if i > 0 and "。" in line.text:
            return i
    return min(len(lines), 8)


def _is_salutation(line: _Line) -> bool:
    return bool(_SALUTATION.match(line.text)) and not line.text.startswith(("签发人", "联系"))


def _is_title_start(text: str) -> bool:
    return bool(
        text.startswith(("关于", "对"))
        or "关于" in text
        or "印发" in text
        or document_type(text.rstrip("*")) is not None
        or report_type(text.rstrip("*")) is not None
    )


def extract_header(document: Document) -> tuple[Header, Answered | None]:
    """Read the header and, for a reply, the proposal it answers."""
    text = document.clean
    lines = _lines(text)
    zone_end = _header_zone(lines)
    zone = lines[:zone_end]
    header = Header()

    number_line = None
    for i, line in enumerate(zone):
        found = docno.find_all(line.text)
        if found:
            header.number = found[0].number.canonical
            number_line = i
            break

    header.title, title_lines = _title(zone, number_line, text)
    header.type = document_type(header.title) or report_type(header.title)
    if zone_end < len(lines) and _is_salutation(lines[zone_end]):
        header.addressees = _addressees(lines[zone_end].text)
    signer = _SIGNER.search(text[: lines[zone_end].start] if zone_end < len(lines) else text)
    header.signer = signer["name"] if signer else None

    date_index = None
    for i, line in enumerate(lines):
        match = DATE_LINE.match(line.text)
        if match and i > zone_end - 1:
            header.date = _iso_date(match)
            date_index = i
            break
    # A document printed without a signature block (中共中央 国务院 opinions as the press
    # publishes them) carries its date in brackets right under the title.
    after_title = max(title_lines) + 1 if title_lines else None
    if after_title is not None and after_title < len(lines):
        match = DATE_LINE.match(lines[after_title].text)
        if (
            match
            and lines[after_title].text.lstrip().startswith(("（", "("))
            and (header.date is None or date_index is None)
        ):
            header.date = _iso_date(match)

    signature = lines[date_index : date_index + 3] if date_index is not None else []
    header.disclosure = _disclosure(zone + signature + lines[-12:])
    header.issuers = _issuers(zone, title_lines, lines, date_index, header.title)
    if not header.issuers and header.number:
        # A web copy may print only title and 文号: a national 机关代字 names its body.
        by_code = docno.issuer_of(docno.parse(header.number))
        header.issuers = [by_code] if by_code else []
    header.issuer = header.issuers[0] if header.issuers else None
    answered = _answered(header, text)
    return header, answered


def _title(zone: list[_Line], number_line: int | None, text: str) -> tuple[str | None, set[int]]:
    """The title block of the header, wherever it stands among the first lines.

    An official layout prints the title after the 文号; a web copy puts it on line 1,
    before the 文号 and the addressees, and sometimes a page title of its own above the
    document's (阜新…工作指导方案 / 日期：… / 文号 / 关于《…》的通知).  Every block that
    opens like a title is read; the one shaped most like a document title wins: a
    关于/印发/转发 title ending in a 文种 over a bare name, then the earliest.
    """
    best: tuple[int, int, str, set[int]] | None = None
    taken: set[int] = set()
    if number_line is not None:
        # 云府办发〔2021〕6号 云岩区人民政府办公室关于印发…的通知: a web copy may print the
        # 文号 and the title on one line.
        line = zone[number_line].text
        found = docno.find_all(line)
        rest = line[found[0].end :].strip() if found and not line[: found[0].start].strip() else ""
        if rest and _is_title_start(rest) and _title_shape(rest) >= 2:
            best = (_title_shape(rest), number_line, _tidy(rest), {number_line})
    for i in range(len(zone)):
        if i in taken or i == number_line or not _opens_title(zone, i, text):
            continue
        title, used = _title_block(zone, i, text)
        taken |= used
        if not title:
            continue
        rank = _title_shape(title)
        if rank and (best is None or rank > best[0]):
            best = (rank, i, title, used)
    if best is None:
        return None, set()
    return best[2], best[3]


def _opens_title(zone: list[_Line], i: int, text: str) -> bool:
    line = zone[i].text
    if DATE_LINE.match(line) or re.search(r"[。：:；]", line.strip("*")) or _disclosure([zone[i]]):
        return False
    if _is_title_start(line) and not is_agency_line(line):
        return True
    # A letterhead line directly followed by 印发/关于 in the same paragraph opens a
    # two-line title; after a blank line it is the letterhead and the title is next.
    # The same holds when the next line goes on with more issuers before 关于: a joint
    # title whose list of bodies wraps (…人力资源社会保障部 / 国家医保局 国家中医药局关于…),
    # or with the body's second name in brackets (…建设委员会 / （爱国卫生运动委员会） / 关于…).
    j = i + 1
    while j < len(zone) and is_alternate_name(zone[j].text) and is_agency_line(line):
        j += 1
    return (
        j < len(zone)
        and is_agency_line(line)
        and _continues_title(zone[j].text.lstrip("*"))
        and "\n\n" not in text[zone[i].start : zone[j].start]
    )


def _title_shape(title: str) -> int:
    """How much a block looks like a document title: 0 (not one) to 3."""
    if len(title) > 160 or re.search(r"[。；]", title):
        return 0
    kind = document_type(title)
    opened = bool(re.search(r"关于|印发|转发", title))
    if kind and opened:
        return 3
    if kind or report_type(title):
        return 2
    return 1 if opened else 0


def _title_block(zone: list[_Line], start: int, text: str) -> tuple[str, set[int]]:
    parts, used = [], set()
    for j in range(start, len(zone)):
        piece = zone[j].text
        if j > start and (
            DATE_LINE.match(piece)
            or docno.find_all(piece)
            or _disclosure([zone[j]])
            or re.search(r"[。；：:]", piece)  # a sentence of the body
            or _SECTION_HEADING.match(piece)
        ):
            break
        parts.append(piece)
        used.add(j)
        if piece.endswith("**"):
            break
        # …行动方案 / （2024—2027年）的通知: a line that opens with a bracket or 的 goes on
        # the title before it, even when that one already ends like a 文种.
        goes_on = j + 1 < len(zone) and zone[j + 1].text.lstrip("*").startswith(("（", "(", "的"))
        if goes_on and DATE_LINE.match(zone[j + 1].text):
            goes_on = False  # （2019年10月20日） under the title is its date
        if goes_on or _title_goes_on(zone, j, text):
            continue
        if j > start and document_type(piece.rstrip("*")):
            break
        if document_type(piece.rstrip("*")) and not piece.startswith("**"):
            break
    # Issuers printed one after another keep the space between them when their list wraps.
    joined = parts[0] if parts else ""
    for piece in parts[1:]:
        last = joined.replace("**", "").split(" ")[-1]
        first = piece.replace("**", "").split(" ")[0].partition("关于")[0]
        both = is_agency_line(last) and first and is_agency_line(first)
        joined += (" " if both else "") + piece
    return _tidy(joined.replace("**", "")), used


def _continues_title(text: str) -> bool:
    """A line that carries on a title begun by a line of bodies: 关于…, 印发…, or more
    bodies separated by spaces and then 关于 (国家医保局 国家中医药局关于…)."""
    if text.startswith(("印发", "转发", "关于")):
        return True
    head, sep, _ = text.partition("关于")
    return bool(sep) and all(is_agency_line(part) for part in head.split())


def _title_goes_on(zone: list[_Line], j: int, text: str) -> bool:
    """The next line of the same paragraph carries the rest of the title.

    …完善分级诊疗制度 / 推动医疗联合体高质量发展的通知: a line may end in a word that
    is also a 文种 (制度, 规划, 标准) mid-title; only the 文种 at the end of the whole
    title block counts.  The block is the run of lines up to the addressees with no
    blank line, no 文号, date, disclosure mark or letterhead between them.
    """
    if j + 1 >= len(zone):
        return False
    following = zone[j + 1]
    if "\n\n" in text[zone[j].start : following.start]:
        return False
    piece = following.text.strip("*")
    if (
        DATE_LINE.match(piece)
        or docno.find_all(piece)
        or _disclosure([following])
        or is_agency_line(piece)
        or re.search(r"[：:。；]", piece)
    ):
        return False
    return document_type(piece) is not None


def _addressees(line: str) -> list[str]:
    body = line.rstrip("：: ")
    return [part.strip() for part in re.split(r"[，,；;]", body) if part.strip()]


def _issuers(
    zone: list[_Line],
    title_lines: set[int],
    lines: list[_Line],
    date_index: int | None,
    title: str | None,
) -> list[str]:
    """Every issuing body, in the order printed: the signature block above the 成文日期
    first (it names all the bodies of a joint document), then the letterhead, then the
    bodies the title opens with."""
    if date_index is not None:
        found = _signature_bodies(lines[max(0, date_index - 4) : date_index])
        if found:
            return found
    for i, line in enumerate(zone):
        if i not in title_lines and is_agency_line(line.text):
            bodies = _bodies_of_line(line.text.removesuffix("文件").strip())
            j = i + 1
            while j < len(zone) and j not in title_lines and is_alternate_name(zone[j].text):
                bodies[-1] += SEAL_MARK.sub("", zone[j].text.strip())
                j += 1
            return bodies
    if title:
        match = re.match(r"(?P<issuer>[^《》，。“”]{3,80}?)(?:关于|印发|转发)", title)
        if match:
            bodies = _bodies_of_line(match["issuer"])
            if bodies and all(is_agency_line(b) for b in bodies):
                return bodies
        # A report titled by its author: 北京市中医管理局2020年度绩效管理工作自查情况.
        opener = re.match(r"(?P<issuer>[\u4e00-\u9fff]{3,30}?)(?=\d{4}年)", title)
        if opener and is_agency_line(opener["issuer"]):
            return [opener["issuer"]]
    # A web page that prints no signature names its publisher in a metadata line
    # (文章来源:灵璧县卫生健康委员会, 发布机构：X).
    for line in lines[:12]:
        source = _PUBLISHER.search(line.text)
        if source and is_agency_line(source["body"]):
            return [source["body"]]
    return []


def _signature_bodies(block: list[_Line]) -> list[str]:
    """The bodies of the lines just above a 成文日期: the run of lines, nearest the date,
    that each hold one or more names of bodies separated by spaces (or the bracketed
    second name of the body above)."""
    run: list[str] = []
    for line in reversed(block):
        text = SEAL_MARK.sub("", line.text.strip())
        if not text:
            continue  # a line that is only the seal of the body above
        bodies = _bodies_of_line(text)
        if not (is_alternate_name(text) or (bodies and all(is_agency_line(b) for b in bodies))):
            break
        run.insert(0, text)
    names: list[str] = []
    for text in run:
        if is_alternate_name(text):
            if names:
                names[-1] += text
        else:
            names.extend(_bodies_of_line(text))
    return names


def _bodies_of_line(text: str) -> list[str]:
    """国家卫生健康委办公厅        中国残联办公厅 → the two bodies; spaces inside a
    name (a PDF artefact) are kept only where they do not separate two bodies."""
    parts = [p for p in re.split(r"[ \t\u3000\u2002\u2003]+", text.strip()) if p]
    if len(parts) > 1 and all(is_agency_line(p) for p in parts):
        return parts
    return [text.strip()] if text.strip() else []


def _answered_formally(title: str) -> Answered | None:
    """A proposal named by the session's formal name (政协十三届全国委员会第三次会议第N号提案)."""
    for match in _ANSWERED_FORMAL.finditer(title):
        filed = _FORMAL_NUMBER.match(title, match.end())
        if filed is None:
            continue
        if match["cppcc_term"]:
            place = "全国" if match["national"] else match["cppcc_place"]
            body = f"{place}政协"
            session = f"{match['cppcc_term']}届{match['cppcc_sitting']}次会议"
        else:
            body = f"{match['npc_place']}人大"
            session = f"{match['npc_term']}届{match['npc_sitting']}次会议"
        return Answered(body=body, session=session, kind=filed["kind"], number=filed["number"])
    return None


def _answered(header: Header, text: str) -> Answered | None:
    title = header.title or ""
    if header.type not in {"答复", "函", "复函", "意见"}:
        return None
    match = _ANSWERED.search(title.replace(" ", ""))
    if match is None:
        formal = _answered_formally(title.replace(" ", ""))
        if formal is None:
            return None
        return _with_title_and_proposer(formal, header, text)
    # 关于对省十四届人大…: both openers go, the place (省) stays.
    place = re.sub(r"^(?:关于|对)+", "", re.split(r"关于", match["place"])[-1])
    if match["body"]:
        body, session = place + match["body"], match["session"]
    else:
        body, session = place + match["body2"], match["term"] + match["sitting"]
    answered = Answered(
        body=body,
        session=session,
        kind=match["kind"] if match["kind"] != "意见" else "建议",
        number=match["number"],
    )
    return _with_title_and_proposer(answered, header, text)


def _with_title_and_proposer(answered: Answered, header: Header, text: str) -> Answered:
    quoted = _PROPOSAL_TITLE.search(text[:3000])
    if quoted:
        answered.title = _tidy(quoted["quoted"] or quoted["plain"])
    salutation = next((a for a in header.addressees), None)
    if salutation:
        proposer = salutation.removeprefix("尊敬的")
        for role in _PROPOSER_ROLE:
            if proposer.endswith(role) and len(proposer) > len(role) + 1:
                proposer = proposer.removesuffix(role)
                break
        answered.proposer = proposer
    return answered


def qualify_body(body: str | None, jurisdiction: str | None) -> str | None:
    """Name the place of a relative body: 市政协 in a 枣庄 document → 枣庄市政协."""
    if not body or not jurisdiction:
        return body
    match = _LEVEL_PREFIX.match(body)
    if match is None:
        return body
    parts = re.findall(r".+?(?:自治区|特别行政区|省|自治州|地区|盟|市|区|县|旗)", jurisdiction)
    wanted = {
        "省": ("省", "自治区"),
        "市": ("市",),
        "州": ("自治州",),
        "盟": ("盟",),
        "区": ("区",),
        "县": ("县",),
        "旗": ("旗",),
    }[match["level"]]
    # The deepest division of that level is the document's own: 市人大 in a 高平市
    # (county-level city) document is 高平市人大, not 晋城市人大.
    for part in reversed(parts):
        if part.endswith(wanted) and not (match["level"] == "市" and part.endswith("区")):
            return part + body[1:]
    return body
