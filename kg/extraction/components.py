"""spaCy components that find named bodies, institutions, consortia, programmes and links.

Each component reads one sentence's ``Doc`` (the compacted sentence text, a token per
character), writes character-offset candidates to ``doc._.kg_candidates`` /
``doc._.kg_relations`` and leaves the tokens alone.  Names are found from their right
end: a type word (卫生健康局, 人民医院, 医共体, 平台 …) from a lexicon automaton, then
a left boundary that is a place chain from the gazetteer (枣庄市市中区), a bare level
character at a word boundary (市 in 按照市卫健委, not in 全市 or 县市区), or, for
free-form names (领导小组, 平台), the nearest stop word to the left.  jieba's words
decide the word boundaries, segmented only where a rule asks (kg/extraction/segment.py);
the lexicons live in kg/data/lexicons.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg import gazetteer
from kg.extraction import lexicon as lx
from kg.extraction.segment import Segmentation
from kg.extraction.wordlists import word_list

_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUANTIFIED_LEVELS = re.compile(r"各[省市区县州盟旗乡镇（）()、]*、$")
_WORDY = re.compile(r"[\u4e00-\u9fff0-9A-Za-z+＋]")
_ORDINAL = re.compile(r"第[一二三四五六七八九十]{1,3}$")
_SESSION = re.compile(r"[一二三四五六七八九十]{1,3}届$")
_DOCNO_AFTER = re.compile(r"[发函字办]*\s*[〔\[［【（(]\s*\d{4}")  # 国办发〔2017〕: a 文号 prefix
_QUOTED = re.compile(r"“([^“”\n]{1,30})”")
_PREVIOUS_PROGRAMME = re.compile(
    r"[\u4e00-\u9fff”]{0,12}?(?:工程|项目|平台|系统|行动|计划)[和及与、]"
)
# A quoted code inside a programme's name: “8.10”, “3+3”, “1+N”.
_QUOTED_CODE = re.compile(r"“[0-9A-Za-z.+＋×]{1,8}”$")
_QUOTED_MODIFIED = re.compile(r"^[\u4e00-\u9fff]{0,4}?(?:工程|行动|计划|平台|系统|活动)")
_NUMERAL = re.compile(r"[0-9０-９一二三四五六七八九十百千两今去明当]")
# “以治病为中心”, “以健康为中心”: a slogan of the form 以…为…, never a programme.
_SLOGAN = re.compile(r"^以[\u4e00-\u9fff]{1,10}为[\u4e00-\u9fff]{1,10}$")
_BOOK_TITLE = re.compile(r"《[^《》]{2,200}》")
_DIGIT = re.compile(r"[0-9０-９]")
# A number with a measure word (8个项目, 7大项目) counts things; it names nothing.
_COUNTED = re.compile(r"[0-9０-９一二三四五六七八九十百千万]+[个项大类家批次余多]|^[0-9]+$")


@dataclass
class Candidate:
    """A name found in one sentence; offsets are into the sentence text."""

    kind: str
    start: int
    end: int
    name: str
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class RelationCandidate:
    subject: str
    predicate: str
    object: str
    start: int
    end: int


for _name in ("kg_candidates", "kg_relations"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def _candidates(doc: Doc) -> list[Candidate]:
    if doc._.kg_candidates is None:
        doc._.kg_candidates = []
    return doc._.kg_candidates


_CONJUNCTIONS = "和与及并"


class _Sentence:
    """A sentence with its token boundaries and place chains, shared by the rules."""

    def __init__(self, doc: Doc, lex: lx.Lexicons) -> None:
        self.doc = doc
        self.text = doc.text
        self.lex = lex
        self.words = lex.words
        self.chain_start: dict[int, int] = {}
        deny = tuple(lex.words["place_deny_words"])
        matches = [
            m
            for m in gazetteer.find_places(self.text)
            # 会同县财政局 is 会同 + 县财政局: the bare 县 still names the document's own
            # county, so a true 会同县 document loses nothing.
            if not m.text.startswith(deny)
            # 委员会和县卫生健康局 is 委员会 + 和 + 县卫生健康局, not 和县: a conjunction
            # glued to a bare level after a body's name never opens a place name.
            and not (
                m.start > 0
                and m.text[0] in _CONJUNCTIONS
                and len(m.text) == 2
                and _CJK.match(self.text[m.start - 1])
            )
        ]
        for i, match in enumerate(matches):
            if match.places[0].level == "town" and (
                not match.text.endswith(("镇", "乡", "街道")) or len(match.text) < 3
            ):
                continue  # the gazetteer holds a few towns called just 街道
            start = match.start
            j = i
            while j > 0 and matches[j - 1].end == matches[j].start:
                j -= 1
                start = matches[j].start
            self.chain_start[match.end] = start

    @functools.cached_property
    def segmentation(self) -> Segmentation:
        """jieba's tokens, segmented only where a rule asks."""
        return Segmentation(self.text)

    def level_ok(self, i: int, first: str = "") -> bool:
        """A bare level character (省/市/区/县, or the 自 of 自治区) at ``i`` that begins a name."""
        text = self.text
        if i < 0 or text[i] not in (first or self.words["level_chars"]):
            return False
        if i > 0 and text[i - 1] in self.words["level_deny_before"]:
            return False
        # 各县、区人民政府, 各市、县（区）卫生健康局: the 各 of a run of bare levels reaches
        # the last one, so the body is a class, not the document's own district's body.
        if _QUANTIFIED_LEVELS.search(text, max(0, i - 12), i):
            return False
        # jieba glues a preposition to a level character (由省|卫生, 对市|六届).
        return (
            i == 0
            or self.segmentation.is_token_start(i)
            or not _CJK.match(text[i - 1])
            or text[i - 1] in self.words["function_chars"]
        )

    def prefix(self, pos: int, allow_level: bool = True) -> tuple[int, str] | None:
        """Start of a name whose place part ends at ``pos``: (start, "place"|"level")."""
        if pos in self.chain_start:
            start = self.chain_start[pos]
            for zone in ("开发区", "经开区", "高新区"):
                if self.text[max(0, start - len(zone)) : start] == zone:
                    start -= len(zone)
            return start, "place"
        if allow_level and self.level_ok(pos - 1):
            return pos - 1, "level"
        if (
            allow_level
            and self.text[max(0, pos - 3) : pos] == "自治区"
            and self.level_ok(pos - 3, "自")
        ):
            return pos - 3, "level"  # 自治区财政厅: the region's own body
        if (
            allow_level
            and self.text[max(0, pos - 2) : pos] == "地区"
            and self.level_ok(pos - 2, "地")
        ):
            return pos - 2, "level"  # 地区卫生健康委: the prefecture's own body
        return None

    def chain_ending(self, pos: int) -> int | None:
        """Start of the place chain that ends exactly at ``pos``, if one does."""
        return self.chain_start.get(pos)

    @functools.cached_property
    def programme_hits(self) -> list[tuple[int, int, str, Any]]:
        """Every lexicon programme in the sentence (one automaton pass, shared)."""
        return lx.hits(self.lex.programme_auto, self.text)

    @functools.cached_property
    def programmes_ending(self) -> dict[int, list[str]]:
        """End offset → the lexicon programmes ending there, in lexicon order."""
        by_end: dict[int, list[str]] = {}
        for _start, end, word, _ in self.programme_hits:
            by_end.setdefault(end, []).append(word)
        rank = self.lex.programme_rank
        for names in by_end.values():
            names.sort(key=rank.__getitem__)
        return by_end

    @functools.cached_property
    def institution_verbs(self) -> list[tuple[str, str]]:
        """(type word, leading verb) pairs written together here (市人民医院建设…)."""
        return lx.present_pairs(
            self.text, tuple(self.lex.hospital_types), tuple(self.words["programme_leading_verbs"])
        )

    @functools.cached_property
    def institution_conjunctions(self) -> list[tuple[str, str]]:
        """(type word, conjunction) pairs written together here (社区卫生服务中心与…)."""
        return lx.present_pairs(self.text, tuple(self.lex.hospital_types), tuple(_CONJUNCTIONS))

    def stem_start(
        self, pos: int, stops: frozenset[str] | set[str], max_len: int = 24
    ) -> tuple[int, bool]:
        """Walk tokens left from ``pos`` to a stop word; (start, stopped on a generic word)."""
        generic = self.lex.generic_stop_tokens
        cur = pos
        while cur > 0 and pos - cur < max_len:
            token_start = self.segmentation.token_start_of(cur - 1)
            piece = self.text[token_start:cur]
            if piece in generic:
                return cur, True
            if piece in stops or not _WORDY.search(piece):
                # 医养结合机构服务质量提升行动: a known programme inside the stem is no
                # stop, though it ends in one (结合).
                known = next(
                    (n for n in self.programmes_ending.get(cur, ()) if len(piece) < len(n)),
                    None,
                )
                if known is None:
                    return cur, False
                cur -= len(known)
                continue
            cur = token_start
        return cur, False


def _sentence(doc: Doc, lex: lx.Lexicons) -> _Sentence:
    """The sentence analysis, made once per Doc and shared by the components."""
    cached = doc.user_data.get("kg_sentence")
    if not isinstance(cached, _Sentence) or cached.lex is not lex:
        cached = _Sentence(doc, lex)
        doc.user_data["kg_sentence"] = cached
    return cached


def _keep_longest(cands: list[Candidate]) -> list[Candidate]:
    """Drop candidates inside a longer one of the same kind."""
    kept: list[Candidate] = []
    for cand in sorted(cands, key=lambda c: (-(c.end - c.start), c.start)):
        if any(k.kind == cand.kind and k.start <= cand.start and cand.end <= k.end for k in kept):
            continue
        kept.append(cand)
    return sorted(kept, key=lambda c: c.start)


def find_agencies(s: _Sentence) -> list[Candidate]:
    text, lex, words = s.text, s.lex, s.words
    found: list[Candidate] = []
    for start, end, _alias, canonical in lx.hits(lex.national_auto, text):
        nxt = text[end : end + 1]
        if (
            nxt == "门"
            or _DOCNO_AFTER.match(text, end)
            or text[start - 1 : start] in ("省", "市", "区", "县")
        ):
            continue
        # A unit written after its body (国家卫生健康委办公厅, 国家疾控局传染病防控司) is
        # the unit, not the body.
        unit = max(
            (u for u in lex.units_of(canonical) if text.startswith(u, end)), key=len, default=""
        )
        found.append(
            Candidate(
                "agency",
                start,
                end + len(unit),
                text[start : end + len(unit)],
                {"national": canonical},
            )
        )
    # 我委基层卫生健康司: a unit of the issuer's own body.
    for match in re.finditer(r"(?:我|本)(?:委|局|部|署)", text):
        unit = max(
            (u for u in lex.national_unit_bureaus if text.startswith(u, match.end())),
            key=len,
            default="",
        )
        if unit:
            found.append(
                Candidate("agency", match.start(), match.end() + len(unit), match.group(0) + unit)
            )
    body_hits = lx.hits(lex.body_auto, text)
    body_starts = {start for start, _end, _body, _value in body_hits}
    for start, end, body, (template, strict) in body_hits:
        nxt = text[end : end + 1]
        if nxt == "门" or text[end : end + 2] in ("大楼", "大院", "网站"):
            continue
        # 省委省政府, 中共江西省委 江西省人民政府: a strict body may also end where the
        # next body's place or level begins.
        if (
            strict
            and end < len(text)
            and nxt not in words["strict_next"]
            and end not in s.chain_start.values()
            and not (s.level_ok(end) and end + 1 in body_starts)
        ):
            continue
        session = _SESSION.search(text[max(0, start - 4) : start])
        if session:
            begin = s.prefix(start - len(session.group(0)))
            if begin is None:
                continue
            surface = text[begin[0] : start - len(session.group(0))] + body
            found.append(Candidate("agency", begin[0], end, surface))
            continue
        begin = s.prefix(start)
        if begin is None and "{S}" in template:
            short_start = _short_place_start(s, start)
            begin = (short_start, "place") if short_start is not None else None
        if begin is None:
            begin = _city_then_county_start(s, start)
        if begin is None:
            continue
        working = _UNIT_AFTER_PARENT.match(text, end)
        if working and body.endswith(_COMMITTEE_PARENTS):
            # 区人大常委会选联工委: the working body, not a truncated parent.
            end = working.end()
        found.append(Candidate("agency", begin[0], end, text[begin[0] : end]))
        found.extend(_coordinated(s, begin[0], text[start:end], "agency"))
    found.extend(_open_agencies(s))
    # Democratic parties and the CPPCC written with the place inside (民进曲靖市委,
    # 政协岳阳市委员会).
    for short in [*lex.parties, "政协"]:
        if short not in text:
            continue
        for match in re.finditer(re.escape(short), text):
            after = match.end()
            chain_end = max((e for e, b in s.chain_start.items() if b == after), default=None)
            if chain_end is None:
                continue
            for tail in ("委员会", "委"):
                if text.startswith(tail, chain_end):
                    found.append(
                        Candidate(
                            "agency",
                            match.start(),
                            chain_end + len(tail),
                            text[match.start() : chain_end + len(tail)],
                        )
                    )
                    break
    # 政协十三届全国委员会 (every reply to a national proposal names it so): the session
    # sits inside the name and is no part of the body.
    for match in _NATIONAL_CPPCC.finditer(text):
        found.append(Candidate("agency", match.start(), match.end(), "政协全国委员会"))
    suffixes = tuple(words["association_suffixes"])
    for match in _national_association(suffixes).finditer(text):
        found.append(Candidate("agency", match.start(), match.end(), match.group(0)))
    found.extend(_local_associations(s, suffixes))
    stops = lex.stop_tokens
    # A leading group is named after its work (城市医疗集团建设领导小组): verbs inside it
    # are no boundary.
    group_stops = _without(
        stops, (*words["programme_inner_tokens"], *words["programme_leading_verbs"])
    )
    for word in ("领导小组", "管委会", "管理委员会"):
        for match in re.finditer(word, text):
            group_begin, generic = s.stem_start(
                match.start(), group_stops if word == "领导小组" else stops
            )
            stem = text[group_begin : match.start()]
            if generic or len(stem) < 2 or _DIGIT.search(stem):
                continue
            if word != "领导小组" and not re.search(
                r"(开发区|经开区|高新区|新区|园区|示范区)$", stem
            ):
                continue
            found.append(
                Candidate("agency", group_begin, match.end(), text[group_begin : match.end()])
            )
    return _keep_longest([_with_acting_division(s, c) for c in found])


@functools.cache
def _without(words: frozenset[str], removed: tuple[str, ...]) -> frozenset[str]:
    return words - frozenset(removed)


@functools.cache
def _national_association(suffixes: tuple[str, ...]) -> re.Pattern[str]:
    ending = "|".join(map(re.escape, suffixes))
    return re.compile(rf"(?:中国|中华|全国)[\u4e00-\u9fff]{{1,10}}?(?:{ending})")


@functools.cache
def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, words)))


def _with_acting_division(s: _Sentence, body: Candidate) -> Candidate:
    """市中医局科教处负责…: the division that acts, not its bureau, is the agency."""
    division = _DIVISION_ACTING.match(s.text, body.end)
    if division is None or division.group(1).startswith(tuple(s.words["level_chars"])):
        return body
    end = division.end(1)
    return Candidate(body.kind, body.start, end, s.text[body.start : end], body.attrs)


def _local_associations(s: _Sentence, suffixes: tuple[str, ...]) -> list[Candidate]:
    """北京市朝阳区中医协会, 北京中医协会: a public association named after its place.

    The stem runs left from the ending to a stop word and must open with a place
    chain, a bare level or (at a clause start) a province's short name.
    """
    text = s.text
    stops = s.lex.stop_tokens
    found: list[Candidate] = []
    for match in _any_of(suffixes).finditer(text):
        begin, generic = s.stem_start(match.start(), stops, max_len=12)
        if generic or match.start() - begin < 2 or _DIGIT.search(text[begin : match.start()]):
            continue
        place = next((b for b in s.chain_start.values() if b == begin), None)
        if place is None and not s.level_ok(begin):
            short = next(
                (p for p in gazetteer.province_short_names() if text.startswith(p, begin)), None
            )
            if short is None or _province_short_start(text, begin + len(short)) != begin:
                continue
        if text[begin : match.start()] in s.words["level_chars"]:
            continue
        found.append(Candidate("agency", begin, match.end(), text[begin : match.end()]))
    return found


# A bureau's division (处, 科, 股) named as the one that acts: 科教处负责, 医政科牵头.
_DIVISION_ACTING = re.compile(r"([\u4e00-\u9fff]{2,4}?[处科股])(?=负责|牵头|具体|承担)")
_NATIONAL_CPPCC = re.compile(r"政协(?:第?[一二三四五六七八九十]{1,3}届)?全国委员会")
_COMMITTEE_PARENTS = ("人大常委会", "人民代表大会常务委员会", "政协")
# A working body written after its parent: 人代工委, 提案委员会; ends at a list or clause boundary.
_UNIT_AFTER_PARENT = re.compile(
    r"[\u4e00-\u9fff]{1,10}?(?:工委|委员会|委)(?=[、，,。；;：:和及与（(）)\s]|$)"
)


def _coordinated(s: _Sentence, begin: int, head: str, kind: str) -> list[Candidate]:
    """兰山区、河东区人民政府: a head written once is shared by every place before it.

    Walks left from the named place over 、/和/及/与 to places that stand alone (a
    place chain between separators), and gives each the same head.
    """
    text = s.text
    found: list[Candidate] = []
    pos = begin
    while pos > 0 and text[pos - 1] in "、和及与":
        end = pos - 1
        start = s.chain_ending(end)
        if start is None or start >= end:
            break
        before = text[start - 1] if start > 0 else ""
        if (
            _CJK.match(before)
            and not s.segmentation.is_token_start(start)
            and before not in s.words["function_chars"]
        ):
            break  # the place is the tail of a longer word
        found.append(Candidate(kind, start, end, text[start:end] + head))
        pos = start
    return found


@functools.cache
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def _open_agencies(s: _Sentence) -> list[Candidate]:
    """省医疗保障基金中心, X区社会事业局: a public body with a free stem after a place or level.

    The stem runs left from the ending to a stop word and must open with a place chain
    or a bare level character; a hospital type word (社区卫生服务中心) is never a body.
    """
    text, words = s.text, s.words
    stops = s.lex.stop_tokens
    hospital_types = tuple(s.lex.hospital_types)
    found: list[Candidate] = []
    for start, end, _, _ in lx.longest_per_end(
        lx.hits(lx.words_automaton(tuple(words["agency_open_suffixes"])), text)
    ):
        begin, generic = s.stem_start(start, stops, max_len=12)
        if generic or begin >= start:
            continue
        name = text[begin:end]
        if name.endswith(hospital_types) or _DIGIT.search(name):
            continue
        opens_with_place = any(b == begin for b in s.chain_start.values())
        if not opens_with_place and not s.level_ok(begin):
            continue
        if not opens_with_place and (len(name) < 4 or name[1] == "级"):
            continue  # 市级服务中心: a level of service, not a body
        found.append(Candidate("agency", begin, end, name))
    return found


# The part of a university hospital's name between the university and its type word:
# 四川大学|华西|医院, 浙江大学|医学院附属第一|医院, 河南科技大学|第一附属|医院.
_AFFILIATION = re.compile(
    r"(?:大学|学院)(?:医学院|医学部|医学中心)?(?:附属)?(?:第[一二三四五六七八九十]{1,2})?(?:附属)?"
    r"[\u4e00-\u9fff]{0,4}$"
)
# A type word that carries the level of its owner: 安庆市立医院 is 安庆市 + 市立医院.
_OWNED_TYPES = ("市立", "县立", "区立", "州立", "省立")


def _university_start(s: _Sentence, pos: int) -> int | None:
    """Start of a university hospital's name whose type word begins at ``pos``."""
    match = _AFFILIATION.search(s.text[max(0, pos - 16) : pos])
    if match is None:
        return None
    uni_end = pos - len(match.group(0)) + 2  # after 大学 / 学院
    # A university keeps its own name (四川大学, 陆军军医大学): walk back to a stop word.
    begin, generic = s.stem_start(uni_end, s.lex.stop_tokens, max_len=12)
    # A university's own name is at most three words (中国|科学技术|大学).
    tokens = [start for start, _ in s.segmentation.tokens if begin <= start < uni_end]
    if len(tokens) > 3:
        begin = tokens[-3]
    if generic or uni_end - begin < 4 or _DIGIT.search(s.text[begin:uni_end]):
        return None
    inner = s.text[uni_end:pos]
    # A list (四川大学、重庆医科大学附属医院) is no one name; 和 inside 协和 is no list.
    if re.search(r"[、，]", inner) or any(
        piece in ("和", "与", "及") and uni_end <= start < pos
        for start, piece in s.segmentation.tokens
    ):
        return None
    return begin


def _stem_deny() -> tuple[str, ...]:
    return word_list("lexicons/hospital_stem_deny.txt")


def _proper_stem_start(s: _Sentence, pos: int) -> int | None:
    """Start of [place][1–4 character stem]医院 (上海市东方医院, 浦东新区周浦医院).

    The stem sits between a place chain and the type word; a category word inside it
    (二级, 公立, 定点: kg/data/lexicons/hospital_stem_deny.txt) makes it no name.
    """
    text = s.text
    for k in range(1, 5):
        place_end = pos - k
        if place_end <= 0:
            break
        start = s.chain_ending(place_end)
        if start is None:
            start = _province_short_start(text, place_end)
        if start is None:
            continue
        stem = text[place_end:pos]
        if (
            not re.fullmatch(r"[\u4e00-\u9fff]{1,4}", stem)
            or stem[0] in "省市区县州盟旗乡镇村"
            or any(word in stem for word in _stem_deny())
            or stem in s.words["stop_tokens"]
        ):
            return None
        return start
    return None


def _province_short_start(text: str, end: int) -> int | None:
    """山西白求恩医院: a province's short name that opens a list item or clause is a place."""
    for short in gazetteer.province_short_names():
        start = end - len(short)
        if (
            start >= 0
            and text.startswith(short, start)
            and (start == 0 or text[start - 1] in "、，,。；;：:（(“\n 与和及由在")
        ):
            return start
    return None


def _city_then_county_start(s: _Sentence, end: int) -> tuple[int, str] | None:
    """镇江市句容生态环境局: a city's bureau for one county, named city + county short name.

    Bodies run by the city in each county (the 生态环境局 since the 2019 vertical
    reform) are named so; the county's short name is its name without 市/县/区.
    """
    for size in (2, 3):
        county_start = end - size
        city_start = s.chain_ending(county_start) if county_start > 0 else None
        if city_start is None:
            continue
        stem = s.text[county_start:end]
        if any(
            p.level == "county"
            for suffix in "市县区"
            for p in gazetteer.places_named(stem + suffix)
        ):
            return city_start, "place"
    return None


def _short_place_start(s: _Sentence, end: int) -> int | None:
    """江西广播电视台, 海口海关: a province's or a city's short name before a body named by it."""
    start = _province_short_start(s.text, end)
    if start is not None:
        return start
    for size in (2, 3):
        begin = end - size
        if begin < 0:
            break
        before = s.text[begin - 1] if begin else ""
        if _CJK.match(before) and before not in s.words["function_chars"]:
            continue
        if any(p.level == "city" for p in gazetteer.places_named(s.text[begin:end] + "市")):
            return begin
    return None


def _town_stem_start(s: _Sentence, pos: int) -> int | None:
    """祝桥社区卫生服务中心: a town written without 镇/街道/乡 before a community centre.

    The stem must open at a word boundary and name a town once 镇, 街道 or 乡 is added;
    the resolver then places it inside the document's own district (or leaves it
    unresolved).
    """
    text = s.text
    for k in (2, 3, 4):
        begin = pos - k
        if begin < 0:
            break
        stem = text[begin:pos]
        if not re.fullmatch(r"[\u4e00-\u9fff]+", stem):
            continue
        # jieba glues a preposition to the town (与惠南): a function character before it
        # is a boundary as good as a token start.
        before = text[begin - 1] if begin > 0 else ""
        if (
            _CJK.match(before)
            and before not in s.words["function_chars"]
            and not s.segmentation.is_token_start(begin)
        ):
            continue
        # Only whole category words count here: a town's name may hold 家 or 一 (伍家岭).
        if stem in s.words["stop_tokens"] or any(w in stem for w in _stem_deny() if len(w) > 1):
            continue
        if any(
            p.level == "town"
            for suffix in ("镇", "街道", "乡")
            for p in gazetteer.places_named(stem + suffix)
        ):
            return begin
    return None


def find_hospitals(s: _Sentence) -> list[Candidate]:
    text = s.text
    found: list[Candidate] = []
    for start, end, alias, (_canonical, kind) in lx.hits(s.lex.institution_auto, text):
        found.append(Candidate("hospital", start, end, alias, {"kind": kind}))
    for start, end, word, kind in lx.longest_per_end(lx.hits(s.lex.hospital_auto, text)):
        pos = start
        ordinal = _ORDINAL.search(text[max(0, pos - 4) : pos])
        if ordinal:
            pos -= len(ordinal.group(0))
        begin = s.prefix(pos)
        owner = s.chain_start.get(pos + 1)
        if (
            begin is None
            and word.startswith(_OWNED_TYPES)
            and owner is not None
            and text[owner : pos + 1].endswith(word[0])
        ):
            begin = (owner, "place")  # 安庆市 + 市立医院
        if begin is None:
            # 福建医科大学附属协和医院, 中国医学科学院肿瘤医院: a university or academy
            # names it; else [place][proper stem]医院; else a town's short name before a
            # community centre.
            university = _university_start(s, start)
            proper = _proper_stem_start(s, start) if word == "医院" else None
            town = (
                _town_stem_start(s, start)
                if kind in ("社区卫生服务中心", "卫生院", "中心卫生院")
                else None
            )
            # 北京中医医院, 上海儿童医院: a province's short name opening a clause.
            short = _province_short_start(text, pos)
            first = next((b for b in (university, proper, town, short) if b is not None), None)
            if first is not None:
                found.append(Candidate("hospital", first, end, text[first:end], {"kind": kind}))
            continue
        if begin[1] == "level" and (
            (word == "医院" and not ordinal)
            or kind in ("卫生院", "中心卫生院", "村卫生室", "社区卫生服务站")
        ):
            continue  # 县医院, 镇卫生院: a category, not one institution
        attrs: dict[str, Any] = {"kind": kind}
        level = re.search(
            r"(三级甲等|三甲|三级|二级甲等|二甲|二级)(?:医院|综合医院)?$",
            text[max(0, begin[0] - 6) : begin[0]],
        )
        if level:
            attrs["level"] = level.group(1).replace("三级甲等", "三甲").replace("二级甲等", "二甲")
        found.append(Candidate("hospital", begin[0], end, text[begin[0] : end], attrs))
    found.extend(_listed_hospitals(s, found))
    return _keep_longest(found)


# The items of a 、-list: 在地坛医院、佑安医院、北京中医医院开展….
_LIST_ITEM = re.compile(r"[^、，,。；;：:（）()“”《》\s]+")


def _listed_hospitals(s: _Sentence, named: list[Candidate]) -> list[Candidate]:
    """地坛医院 beside 北京中医医院 in one 、-list: an item of a list of hospitals is one.

    A proper name of two to four characters before a type word needs no place when
    it stands in a list whose other items are hospitals found by their names; a
    category word in the stem (定点, 二级: hospital_stem_deny.txt) still rules it out.
    """
    text = s.text
    types = _longest_first(tuple(s.lex.hospital_types))
    items = [(m.start(), m.end()) for m in _LIST_ITEM.finditer(text)]
    found: list[Candidate] = []
    taken = {(c.start, c.end) for c in named}
    starts, ends = {c.start for c in named}, {c.end for c in named}
    changed = True
    while changed:
        changed = False
        for start, end in items:
            if (start, end) in taken:
                continue
            beside = (text[start - 1 : start] == "、" and start - 1 in ends) or (
                text[end : end + 1] == "、" and end + 1 in starts
            )
            if not beside or any(c.start < end and start < c.end for c in named):
                continue
            item = text[start:end]
            lead = 0
            while lead < len(item) - 4 and item[lead] in s.words["function_chars"]:
                lead += 1  # 在地坛医院: a preposition opens the first item
            word = next((t for t in types if item.endswith(t)), None)
            if word is None:
                continue
            stem = item[lead : len(item) - len(word)]
            if (
                not 2 <= len(stem) <= 4
                or _DIGIT.search(stem)
                or stem[0] in s.words["level_chars"]
                or stem in s.words["stop_tokens"]
                or any(w in stem for w in _stem_deny())
            ):
                continue
            kind = s.lex.hospital_types[word]
            found.append(Candidate("hospital", start + lead, end, item[lead:], {"kind": kind}))
            taken.add((start, end))
            starts.add(start + lead)
            ends.add(end)
            changed = True
    return found


def find_consortia(s: _Sentence, hospitals: list[Candidate]) -> list[Candidate]:
    text, words = s.text, s.words
    stops = s.lex.stop_tokens
    found: list[Candidate] = []
    ends = {h.end: h for h in hospitals}
    generic = tuple(words["consortium_generic"])
    for start, end, word, kind in lx.longest_per_end(lx.hits(s.lex.consortium_auto, text)):
        attrs: dict[str, Any] = {"kind": kind, "lead": None, "members": []}
        # 洛阳市中心医院城市医疗集团: a scope word may stand between the lead and the type.
        scope = next(
            (g for g in ("城市", "县域", "紧密型") if text[start - len(g) : start] == g), ""
        )
        if start in ends or (scope and start - len(scope) in ends):
            lead = ends[start] if start in ends else ends[start - len(scope)]
            attrs["lead"] = lead.name
            begin, name = lead.start, text[lead.start : end]
        elif text[start - 1 : start] == "”" and "“" in text[:start]:
            begin = text.rindex("“", 0, start)
            stem = text[begin + 1 : start - 1]
            if not 1 <= len(stem) <= 12:
                continue
            name = stem + word
        else:
            begin, was_generic = s.stem_start(start, stops, max_len=16)
            stem = text[begin:start]
            if was_generic or len(stem) < 2 or _DIGIT.search(stem) or stem.startswith(generic):
                continue
            if not any(cue in stem for cue in words["consortium_cues"]) and not (
                kind == "专科联盟" and _specialty(s, begin, start)
            ):
                continue
            name = stem + word
        # 心理关爱工作联盟: an alliance of work, not of medical institutions; 10个“1+1”
        # 中医综合医联体: a counted kind of consortium, not one.
        if name.endswith(tuple(words["consortium_deny_endings"])) or (
            attrs["lead"] is None and _COUNTED_BEFORE.search(text, max(0, begin - 12), begin)
        ):
            continue
        attrs["tight"] = "紧密型" in text[max(0, begin - 3) : end]
        found.append(Candidate("consortium", begin, end, name, attrs))
    return _keep_longest(found)


_COUNTED_BEFORE = re.compile(
    r"(?:\d+|[一二三四五六七八九十百两]+|多|若干)[个家所](?:“[^”]{1,8}”)?$"
)


def _specialty(s: _Sentence, begin: int, end: int) -> bool:
    """Whether text[begin:end] is [place]? + a 2–6 character specialty (糖尿病, 儿科).

    Scope and level words (跨区域, 省级: kg/data/lexicons/consortium_stem_deny.txt) name
    no alliance.
    """
    chain_end = max((e for e, b in s.chain_start.items() if b == begin and e <= end), default=None)
    if chain_end is None and s.level_ok(begin):
        chain_end = begin + 1
    stem = s.text[chain_end or begin : end]
    return bool(re.fullmatch(r"[\u4e00-\u9fff]{2,6}", stem)) and not any(
        word in stem for word in word_list("lexicons/consortium_stem_deny.txt")
    )


def find_leads(
    s: _Sentence, hospitals: list[Candidate], consortia: list[Candidate]
) -> list[RelationCandidate]:
    """The lead and members of consortia named in this clause.

    (由|以)?H(为牵头医院)?牵头(组建|成立)了?C and C由H牵头 give C's lead; 成员单位为/包括
    A、B和C, or 吸纳A、B为成员单位, give the members of the consortium named before them
    in the clause.  Only candidates of this sentence are bound, so a list never reaches
    past 。 or ；.
    """
    text = s.text
    relations: list[RelationCandidate] = []
    ordered = sorted(hospitals, key=lambda h: h.start)
    for cons in consortia:
        lead = None
        for h in ordered:
            before = h.end <= cons.start and _LEADS_BEFORE.fullmatch(text, h.end, cons.start)
            after = (
                cons.end <= h.start
                and _LEADS_AFTER_GAP.fullmatch(text, cons.end, h.start)
                and _LEADS_AFTER.match(text, h.end)
            )
            if before or after:
                lead = h
        # A、B牵头建设C: co-leads listed before 牵头; the first named leads, the others
        # are members (a consortium has one lead).
        co_leads = []
        while lead is not None:
            previous = [
                h
                for h in ordered
                if h.end <= lead.start and _CO_LEAD_GAP.fullmatch(text, h.end, lead.start)
            ]
            if not previous or lead.end > cons.start:
                break
            co_leads.append(lead)
            lead = previous[-1]
        if lead is not None and not cons.attrs.get("lead"):
            cons.attrs["lead"] = lead.name
            relations.append(RelationCandidate(lead.name, "leads", cons.name, lead.start, cons.end))
            merged = cons.attrs.setdefault("members", [])
            for other in reversed(co_leads):
                if other.name not in merged and other.name != lead.name:
                    merged.append(other.name)
                    relations.append(
                        RelationCandidate(other.name, "member_of", cons.name, other.start, cons.end)
                    )
    for cue in _MEMBER_CUE.finditer(text):
        earlier = [c for c in consortia if c.end <= cue.start()]
        if not earlier:
            continue
        cons = earlier[-1]
        span = cue.span("absorbed") if cue.group("absorb") else (cue.end(), len(text))
        # The list is the run of institutions joined by 、/，/和/及 right after the cue.
        members: list[str] = []
        at = span[0]
        for h in ordered:
            if h.start < at or h.end > span[1]:
                continue
            if not _LIST_GAP.fullmatch(text, at, h.start):
                break
            if h.name != cons.attrs.get("lead"):
                members.append(h.name)
            at = h.end
        merged = cons.attrs.setdefault("members", [])
        for m in members:
            if m not in merged:
                merged.append(m)
                relations.append(
                    RelationCandidate(m, "member_of", cons.name, cue.start(), cue.end())
                )
    return relations


_LEADS_BEFORE = re.compile(
    r"(?:为牵头(?:医院|单位)[，,]?|牵头[，,]?)(?:组建|成立|建立|组成|建设)了?的?(?:紧密型)?"
)
_LIST_GAP = re.compile(r"[、，,]?(?:以及|和|及|与)?")
_CO_LEAD_GAP = re.compile(r"、|和|及|与")
_LEADS_AFTER_GAP = re.compile(r"(?:是|则)?由")
_LEADS_AFTER = re.compile(r"(?:为牵头(?:医院|单位)|作为牵头(?:医院|单位)|牵头)")
_MEMBER_CUE = re.compile(
    r"(?:成员(?:单位|医院|机构)?(?:包括|为|有|是)[：:]?"
    r"|(?P<absorb>吸纳|纳入|吸收)(?P<absorbed>[^，。；;]{2,200}?)(?:为|作为)成员(?:单位|医院)?)"
)


def find_programmes(s: _Sentence) -> list[Candidate]:
    text, words, lex = s.text, s.words, s.lex
    found: list[Candidate] = []
    titles = [(m.start(), m.end()) for m in _BOOK_TITLE.finditer(text)]

    def in_title(a: int, b: int) -> bool:
        return any(x < a and b < y for x, y in titles)

    known: dict[int, int] = {}  # end → start of the longest lexicon programme ending there
    standard_after = tuple(words["programme_standard_after"])
    for start, end, word, programme in s.programme_hits:
        if text.startswith(standard_after, end):
            continue
        found.append(Candidate("programme", start, end, word, {"core": programme.core}))
        known[end] = min(start, known.get(end, start))
    taken = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    for match in _QUOTED.finditer(text):
        inner = match.group(1).replace(" ", "")
        after = text[match.end() : match.end() + 6]
        if (
            re.search(r"[、，,；;—]", inner)
            or not _CJK.search(inner)
            or len(inner) < 2
            or len(inner) > 20
        ):
            continue
        if inner.endswith(tuple(words["quoted_deny_endings"])) or _SLOGAN.match(inner):
            continue
        thing = next(
            (
                w
                for w in _longest_first(tuple(words["quoted_thing_suffixes"]))
                if after.startswith(w)
            ),
            None,
        )
        accept = next(
            (
                w
                for w in _longest_first(tuple(words["quoted_accept_suffixes"]))
                if after.startswith(w)
            ),
            None,
        )
        named = _QUOTED_MODIFIED.match(after + text[match.end() + 6 : match.end() + 8])
        if thing:
            name, end = inner + thing, match.end() + len(thing)
        elif named and not accept:
            # “山海”提升工程, “百千万”工程: the quoted word and a short modifier make the name.
            name, end = inner + named.group(0), match.end() + len(named.group(0))
        elif accept:
            name, end = inner, match.end() + len(accept)
        elif (
            inner.endswith(tuple(words["quoted_self_suffixes"]))
            or "互联网+" in inner
            or "互联网＋" in inner
        ):
            name, end = inner, match.end()
        else:
            continue
        found.append(Candidate("programme", match.start(), end, name, {"quoted": True}))
    stops = _without(lex.stop_tokens, tuple(words["programme_inner_tokens"]))
    deny = tuple(words["programme_deny"])
    doc_types = word_list("header/doc_types.txt")
    self_cued = set(words["programme_self_cued_suffixes"])
    year_suffixes = set(words["programme_year_suffixes"])
    suffixes = [re.escape(w) for w in words["programme_suffixes"] if w not in self_cued]
    for start, end, word, _ in lx.hits(
        lx.words_automaton(tuple(words["programme_suffixes"])), text
    ):
        quoted_code = _QUOTED_CODE.search(text, max(0, start - 10), start)
        if quoted_code is not None:
            # 京廊中医药协同发展“8.10”工程, 薪火传承“3+3”工程: a quoted code is part of the
            # name, whose stem runs on before it.
            begin, was_generic = s.stem_start(quoted_code.start(), stops)
            if not was_generic and quoted_code.start() - begin >= 2:
                name = text[begin:end]
                found.append(Candidate("programme", begin, end, name, {}))
            continue
        if text[start - 1 : start] == "”" or any(a < start < b for a, b in taken):
            continue
        # 服务能力提升年行动: a campaign named as a year keeps its 年 (not 三年, 2024年).
        year = (
            word in year_suffixes
            and text[start - 1 : start] == "年"
            and bool(_CJK.match(text[start - 2 : start - 1]))
            and not _NUMERAL.match(text[start - 2 : start - 1])
        )
        begin, was_generic = s.stem_start(start - 1 if year else start, stops)
        if re.match(r"[省市区县][0-9A-Za-z]", text[begin:start]):
            begin += 1
        # 三是统一建设…: an enumerator that opens a clause is no part of the name.
        enumerator = re.match(r"[一二三四五六七八九十]{1,2}是", text[begin:start])
        if enumerator and start - begin - len(enumerator.group(0)) >= 3:
            begin += len(enumerator.group(0))
        # 统一建设县域医共体信息平台: the verb that opens a clause is not the name.
        verb = next(
            (
                v
                for v in _longest_first(tuple(words["programme_leading_verbs"]))
                if text.startswith(v, begin)
            ),
            "",
        )
        if verb and start - begin - len(verb) >= 3:
            begin += len(verb)
        # 市人民医院建设远程心电诊断平台: an institution that builds it is no part of the
        # name; the name starts after the institution's verb.
        # (Only the pairs the sentence holds at all, in the order of the nested loops.)
        for type_word, v in s.institution_verbs:
            at = text.rfind(type_word + v, begin, start)
            if at >= 0 and start - (at + len(type_word) + len(v)) >= 3:
                begin = at + len(type_word) + len(v)
        # 实现与国家医疗保障信息平台: a conjunction that opens the stem is no part of it;
        # 社区卫生服务中心与X平台: nor is an institution joined to the name by one.
        while text[begin : begin + 1] in _CONJUNCTIONS and start - begin > 3:
            begin += 1
        # …“8.10”工程和京衡…名片工程: the stem never reaches back into the tail of the
        # programme before (a whole one before 和 is split off below).
        previous = _PREVIOUS_PROGRAMME.match(text, begin, start)
        if previous and previous.end() - 1 - begin < 4 and start - previous.end() >= 3:
            begin = previous.end()
        for type_word, conj in s.institution_conjunctions:
            at = text.rfind(type_word + conj, begin, start)
            if at >= 0 and start - (at + len(type_word) + 1) >= 3:
                begin = at + len(type_word) + 1
        # 洛阳市城市医疗集团建设试点: a pilot or demonstration is the national one; the
        # place before it is the site, not part of the name.  全国基层中医药工作示范县:
        # a demonstration title keeps its national prefix.
        if word in self_cued:
            site = max(
                (e for e, b in s.chain_start.items() if b == begin and start - e >= 4),
                default=begin,
            )
            begin = site
            for prefix in words["programme_national_prefixes"]:
                if text[begin - len(prefix) : begin] == prefix:
                    begin -= len(prefix)
        if word in words["title_document_suffixes"] and in_title(begin, end):
            continue  # …三年行动计划 in 《》 is the plan document itself
        if any(
            len(t) > len(word) and t.startswith(word) and text.startswith(t, start)
            for t in doc_types
        ):
            continue  # 行动 of 行动计划: a plan document's type word, not a campaign
        stem = text[begin:start]
        name = stem + word
        if was_generic or len(stem) < 3 or _COUNTED.search(stem) or name.endswith(deny):
            continue
        if text.startswith(standard_after, end):
            continue
        # 元坝镇中心卫生院试点开展…: an institution before 试点 is the pilot's site, not a
        # programme.
        if word in self_cued and stem.endswith(tuple(s.lex.hospital_types)):
            continue
        # 智慧健康平台建设试点: the pilot of a named platform is that platform.
        if word in self_cued and re.search(f"(?:{'|'.join(suffixes)})(?:建设)?$", stem):
            continue
        if word not in self_cued and not any(cue in stem for cue in words["programme_stem_cues"]):
            continue
        # 足额保障国家基本公共卫生服务项目: a span that only puts words before a known
        # programme is that programme, unless the words are a place (湖南省千县工程).
        if (
            end in known
            and known[end] > begin
            and not text[begin : known[end]].endswith(tuple(words["level_chars"]))
        ):
            continue
        found.extend(_split_conjuncts(begin, end, name, words))
    heads = tuple(words["clinical_centre_heads"])
    keep = tuple(words["clinical_centre_keep_heads"])
    # 胸痛中心, 卒中中心: a clinical centre is an institution's unit, not a programme,
    # unless the span goes on to name the project (…胸痛中心建设项目).
    found = [c for c in found if not c.name.endswith(heads) or c.name.endswith(keep)]
    return _keep_longest(found)


def _split_conjuncts(begin: int, end: int, name: str, words: dict[str, Any]) -> list[Candidate]:
    """X信息平台和Y信息平台: two programmes when both conjuncts end in a programme head."""
    suffixes = tuple(words["programme_suffixes"])
    for match in re.finditer(r"[和及与]", name):
        left, right = name[: match.start()], name[match.end() :]
        if (
            len(left) >= 4
            and len(right) >= 4
            and left.endswith(suffixes)
            and right.endswith(suffixes)
        ):
            return [
                Candidate("programme", begin, begin + len(left), left, {}),
                Candidate("programme", begin + match.end(), end, right, {}),
            ]
    return [Candidate("programme", begin, end, name, {})]


_LED_BY = re.compile(
    r"以(?P<leads>[^。；]{2,80}?)为牵头(?:医院|单位)的?(?P<scope>[\u4e00-\u9fff]{0,6}?)"
    r"(?P<type>医共体|医联体|医疗集团|专科联盟)"
)
_LEAD_MEMBERS = re.compile(
    r"(?P<name>(?:我区|我县|我市|本区|本县|本市)?[\u4e00-\u9fff]{0,10}?(?:医共体|医联体|医疗集团))"
    r"(?:是)?由(?P<lead>[^，。；]{2,40}?)(?:为|作为)牵头(?:单位|医院)[，,]"
    r"(?P<members>[^。；]{2,160}?)(?:为|作为)成员(?:单位|医院)?"
)
_SHORT_LEAD = re.compile(r"(?P<short>[\u4e00-\u9fff]{2})牵头(?:医院|单位)")
_PAIR = {
    "collaborates": re.compile(r"^(?:与|和|同)$"),
}
_LINK_AFTER = re.compile(r"^[^，。；]{0,30}?(签订|签署|签约|协作|合作)")
_DIRECTED = {
    "帮扶": "supports",
    "对口帮扶": "supports",
    "对口支援": "supports",
    "支援": "supports",
    "托管": "entrusts",
}


def find_links(
    s: _Sentence, hospitals: list[Candidate]
) -> tuple[list[Candidate], list[RelationCandidate]]:
    """Consortia named by their lead (以A为牵头医院的医共体) and links between institutions."""
    text = s.text
    consortia: list[Candidate] = []
    relations: list[RelationCandidate] = []

    def inside(a: int, b: int) -> list[Candidate]:
        return [h for h in hospitals if a <= h.start and h.end <= b]

    for match in _LED_BY.finditer(text):
        kind = match.group("type")
        for lead in inside(*match.span("leads")):
            attrs: dict[str, Any] = {
                "kind": kind,
                "lead": lead.name,
                "members": [],
                "tight": "紧密型" in match.group(0),
            }
            consortia.append(
                Candidate("consortium", match.start(), match.end(), lead.name + kind, attrs)
            )
            relations.append(
                RelationCandidate(lead.name, "leads", lead.name + kind, match.start(), match.end())
            )
    for match in _LEAD_MEMBERS.finditer(text):
        leads = inside(*match.span("lead"))
        if not leads:
            continue
        name = match.group("name")
        kind = next(k for k in ("医共体", "医联体", "医疗集团") if name.endswith(k))
        members = [h.name for h in inside(*match.span("members"))]
        attrs = {"kind": kind, "lead": leads[0].name, "members": members, "tight": "紧密型" in name}
        consortia.append(Candidate("consortium", match.start(), match.end(), name, attrs))
        relations.append(
            RelationCandidate(leads[0].name, "leads", name, match.start(), match.end())
        )
        relations.extend(
            RelationCandidate(m, "member_of", name, match.start(), match.end()) for m in members
        )
    # 赤壁牵头医院: a place's short name before 牵头医院 names the consortium its hospital leads.
    for match in _SHORT_LEAD.finditer(text):
        short = match.group("short")
        if text[match.start() - 1 : match.start()] == "为":
            continue
        level = next((s for s in ("市", "县", "区") if gazetteer.places_named(short + s)), None)
        if level is None:
            continue
        short_lead = next((h for h in hospitals if h.name.startswith(short + level)), None)
        if short_lead is not None:
            kind = "医共体" if level in ("县", "市") else "医联体"
            name = short_lead.name + kind
            attrs = {"kind": kind, "lead": short_lead.name, "members": [], "tight": False}
            consortia.append(Candidate("consortium", match.start(), match.end(), name, attrs))
            relations.append(
                RelationCandidate(short_lead.name, "leads", name, match.start(), match.end())
            )
    ordered = sorted(hospitals, key=lambda h: h.start)
    for a, b in itertools.pairwise(ordered):
        between = text[a.end : b.start]
        if _PAIR["collaborates"].match(between) and _LINK_AFTER.match(text[b.end :]):
            relations.append(RelationCandidate(a.name, "collaborates", b.name, a.start, b.end))
            continue
        verb = between.removeprefix("为").removeprefix("向")
        if verb in _DIRECTED:
            relations.append(RelationCandidate(a.name, _DIRECTED[verb], b.name, a.start, b.end))
    return consortia, relations


@Language.factory("kg_org_ruler_v1", default_config={"lexicon_dir": ""})
def make_org_ruler(nlp: Language, name: str, lexicon_dir: str) -> OrgRuler:
    return OrgRuler(lexicon_dir)


@Language.factory("kg_programme_ruler_v1", default_config={"lexicon_dir": ""})
def make_programme_ruler(nlp: Language, name: str, lexicon_dir: str) -> ProgrammeRuler:
    return ProgrammeRuler(lexicon_dir)


class OrgRuler:
    """Agencies, health institutions and consortia, and the links between them."""

    def __init__(self, lexicon_dir: str = "") -> None:
        self.lexicons = lx.load(lexicon_dir or str(lx.LEXICON_DIR))

    def __call__(self, doc: Doc) -> Doc:
        sentence = _sentence(doc, self.lexicons)
        hospitals = find_hospitals(sentence)
        consortia = find_consortia(sentence, hospitals)
        led, relations = find_links(sentence, hospitals)
        relations.extend(find_leads(sentence, hospitals, consortia))
        cands = _candidates(doc)
        cands.extend(find_agencies(sentence))
        cands.extend(hospitals)
        cands.extend(consortia)
        cands.extend(led)
        doc._.kg_relations = relations
        return doc


class ProgrammeRuler:
    """Named programmes, projects, campaigns, platforms and systems."""

    def __init__(self, lexicon_dir: str = "") -> None:
        self.lexicons = lx.load(lexicon_dir or str(lx.LEXICON_DIR))

    def __call__(self, doc: Doc) -> Doc:
        _candidates(doc).extend(find_programmes(_sentence(doc, self.lexicons)))
        return doc
