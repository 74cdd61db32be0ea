"""spaCy components that find named bodies, institutions, consortia, programmes and links.

Each component reads one sentence's ``Doc`` (jieba tokens over the compacted sentence
text), writes character-offset candidates to ``doc._.kg_candidates`` /
``doc._.kg_relations`` and leaves the tokens alone.  Names are found from their right
end: a type word (卫生健康局, 人民医院, 医共体, 平台 …) from a lexicon automaton, then
a left boundary that is a place chain from the gazetteer (枣庄市市中区), a bare level
character at a word boundary (市 in 按照市卫健委, not in 全市 or 县市区), or, for
free-form names (领导小组, 平台), the nearest stop word to the left.  jieba's tokens
decide the word boundaries; the lexicons live in kg/data/lexicons.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg import gazetteer
from kg.extraction import lexicon as lx
from kg.extraction.wordlists import word_list

_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORDY = re.compile(r"[\u4e00-\u9fff0-9A-Za-z+＋]")
_ORDINAL = re.compile(r"第[一二三四五六七八九十]{1,3}$")
_SESSION = re.compile(r"[一二三四五六七八九十]{1,3}届$")
_DOCNO_AFTER = re.compile(r"[发函字办]*\s*[〔\[［【（(]\s*\d{4}")  # 国办发〔2017〕: a 文号 prefix
_QUOTED = re.compile(r"“([^“”\n]{1,30})”")
_QUOTED_MODIFIED = re.compile(r"^[\u4e00-\u9fff]{0,4}?(?:工程|行动|计划)")
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


class _Sentence:
    """A sentence with its token boundaries and place chains, shared by the rules."""

    def __init__(self, doc: Doc, lex: lx.Lexicons) -> None:
        self.doc = doc
        self.text = doc.text
        self.lex = lex
        self.words = lex.words
        self.token_starts = {t.idx for t in doc}
        self.token_of = [0] * (len(self.text) + 1)
        for i, token in enumerate(doc):
            for pos in range(token.idx, token.idx + len(token.text)):
                self.token_of[pos] = i
        self.chain_start: dict[int, int] = {}
        deny = tuple(lex.words["place_deny_words"])
        matches = [
            m
            for m in gazetteer.find_places(self.text)
            # 会同县财政局 is 会同 + 县财政局: the bare 县 still names the document's own
            # county, so a true 会同县 document loses nothing.
            if not m.text.startswith(deny)
        ]
        for i, match in enumerate(matches):
            if match.places[0].level == "town" and not match.text.endswith(("镇", "乡", "街道")):
                continue
            start = match.start
            j = i
            while j > 0 and matches[j - 1].end == matches[j].start:
                j -= 1
                start = matches[j].start
            self.chain_start[match.end] = start

    def level_ok(self, i: int, first: str = "") -> bool:
        """A bare level character (省/市/区/县, or the 自 of 自治区) at ``i`` that begins a name."""
        text = self.text
        if i < 0 or text[i] not in (first or self.words["level_chars"]):
            return False
        if i > 0 and text[i - 1] in self.words["level_deny_before"]:
            return False
        # jieba glues a preposition to a level character (由省|卫生, 对市|六届).
        return (
            i == 0
            or i in self.token_starts
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
        return None

    def stem_start(self, pos: int, stops: set[str], max_len: int = 24) -> tuple[int, bool]:
        """Walk tokens left from ``pos`` to a stop word; (start, stopped on a generic word)."""
        generic = set(self.words["generic_stop_tokens"])
        cur = pos
        while cur > 0 and pos - cur < max_len:
            token = self.doc[self.token_of[cur - 1]]
            piece = self.text[token.idx : cur]
            if piece in generic:
                return cur, True
            if piece in stops or not _WORDY.search(piece):
                return cur, False
            cur = token.idx
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
    for start, end, alias, canonical in lx.hits(lex.national_auto, text):
        nxt = text[end : end + 1]
        if (
            nxt in ("门", "令")
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
    units = {u for body in lex.national_units.values() for u in body if u.endswith(("司", "局"))}
    for match in re.finditer(r"(?:我|本)(?:委|局|部|署)", text):
        unit = max((u for u in units if text.startswith(u, match.end())), key=len, default="")
        if unit:
            found.append(
                Candidate("agency", match.start(), match.end() + len(unit), match.group(0) + unit)
            )
    for start, end, body, (template, strict) in lx.hits(lex.body_auto, text):
        nxt = text[end : end + 1]
        if nxt == "门" or text[end : end + 2] in ("大楼", "大院", "网站"):
            continue
        if strict and end < len(text) and nxt not in words["strict_next"]:
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
        if begin is None:
            continue
        found.append(Candidate("agency", begin[0], end, text[begin[0] : end]))
    # Democratic parties and the CPPCC written with the place inside (民进曲靖市委,
    # 政协岳阳市委员会).
    for short in [*lex.parties, "政协"]:
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
    suffixes = "|".join(map(re.escape, words["association_suffixes"]))
    for match in re.finditer(rf"(?:中国|中华|全国)[\u4e00-\u9fff]{{1,10}}?(?:{suffixes})", text):
        found.append(Candidate("agency", match.start(), match.end(), match.group(0)))
    stops = set(words["stop_tokens"])
    # A leading group is named after its work (城市医疗集团建设领导小组): verbs inside it
    # are no boundary.
    group_stops = (
        stops - set(words["programme_inner_tokens"]) - set(words["programme_leading_verbs"])
    )
    for word in ("领导小组", "管委会", "管理委员会"):
        for match in re.finditer(word, text):
            begin, generic = s.stem_start(
                match.start(), group_stops if word == "领导小组" else stops
            )
            stem = text[begin : match.start()]
            if generic or len(stem) < 2 or _DIGIT.search(stem):
                continue
            if word != "领导小组" and not re.search(
                r"(开发区|经开区|高新区|新区|园区|示范区)$", stem
            ):
                continue
            found.append(Candidate("agency", begin, match.end(), text[begin : match.end()]))
    return _keep_longest(found)


# The part of a university hospital's name between the university and its type word:
# 四川大学|华西|医院, 浙江大学|医学院附属第一|医院, 河南科技大学|第一附属|医院.
_AFFILIATION = re.compile(
    r"(?:大学|学院)(?:医学院|医学部|医学中心)?(?:附属)?(?:第[一二三四五六七八九十]{1,2})?(?:附属)?"
    r"[\u4e00-\u9fff]{0,4}$"
)


def _university_start(s: _Sentence, pos: int) -> int | None:
    """Start of a university hospital's name whose type word begins at ``pos``."""
    match = _AFFILIATION.search(s.text[max(0, pos - 16) : pos])
    if match is None:
        return None
    uni_end = pos - len(match.group(0)) + 2  # after 大学 / 学院
    # A university keeps its own name (四川大学, 陆军军医大学): walk back to a stop word.
    begin, generic = s.stem_start(uni_end, set(s.words["stop_tokens"]), max_len=12)
    if generic or uni_end - begin < 4 or _DIGIT.search(s.text[begin:uni_end]):
        return None
    inner = s.text[uni_end:pos]
    if re.search(r"[、，和与及]", inner):
        return None
    return begin


def find_hospitals(s: _Sentence) -> list[Candidate]:
    text = s.text
    found: list[Candidate] = []
    for start, end, alias, (canonical, kind) in lx.hits(s.lex.institution_auto, text):
        found.append(Candidate("hospital", start, end, alias, {"kind": kind}))
    for start, end, word, kind in lx.longest_per_end(lx.hits(s.lex.hospital_auto, text)):
        pos = start
        ordinal = _ORDINAL.search(text[max(0, pos - 4) : pos])
        if ordinal:
            pos -= len(ordinal.group(0))
        begin = s.prefix(pos)
        if begin is None and word == "医院":
            university = _university_start(s, start)
            if university is not None:
                found.append(
                    Candidate("hospital", university, end, text[university:end], {"kind": "医院"})
                )
            continue
        if begin is None:
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
    return _keep_longest(found)


def find_consortia(s: _Sentence, hospitals: list[Candidate]) -> list[Candidate]:
    text, words = s.text, s.words
    stops = set(words["stop_tokens"])
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
            if not any(cue in stem for cue in words["consortium_cues"]):
                continue
            name = stem + word
        attrs["tight"] = "紧密型" in text[max(0, begin - 3) : end]
        found.append(Candidate("consortium", begin, end, name, attrs))
    return _keep_longest(found)


def find_programmes(s: _Sentence) -> list[Candidate]:
    text, words, lex = s.text, s.words, s.lex
    found: list[Candidate] = []
    titles = [(m.start(), m.end()) for m in _BOOK_TITLE.finditer(text)]

    def in_title(a: int, b: int) -> bool:
        return any(x < a and b < y for x, y in titles)

    for start, end, word, programme in lx.hits(lex.programme_auto, text):
        found.append(Candidate("programme", start, end, word, {"core": programme.core}))
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
        if inner.endswith(tuple(words["quoted_deny_endings"])):
            continue
        thing = next(
            (
                w
                for w in sorted(words["quoted_thing_suffixes"], key=len, reverse=True)
                if after.startswith(w)
            ),
            None,
        )
        accept = next(
            (
                w
                for w in sorted(words["quoted_accept_suffixes"], key=len, reverse=True)
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
    stops = set(words["stop_tokens"]) - set(words["programme_inner_tokens"])
    deny = tuple(words["programme_deny"])
    doc_types = word_list("header/doc_types.txt")
    for start, end, word, _ in lx.hits(
        lx.automaton(dict.fromkeys(words["programme_suffixes"])), text
    ):
        if text[start - 1 : start] == "”" or any(a < start < b for a, b in taken):
            continue
        begin, was_generic = s.stem_start(start, stops)
        if re.match(r"[省市区县][0-9A-Za-z]", text[begin:start]):
            begin += 1
        # 建设县域医共体一体化信息平台: the verb that opens a clause is not the name.
        verb = next((v for v in words["programme_leading_verbs"] if text.startswith(v, begin)), "")
        if verb and start - begin - len(verb) >= 3:
            begin += len(verb)
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
        if not any(cue in stem for cue in words["programme_stem_cues"]):
            continue
        found.append(Candidate("programme", begin, end, name, {}))
    return _keep_longest(found)


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
            attrs = {
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
        lead = next((h for h in hospitals if h.name.startswith(short + level)), None)
        if lead is not None:
            kind = "医共体" if level in ("县", "市") else "医联体"
            attrs = {"kind": kind, "lead": lead.name, "members": [], "tight": False}
            consortia.append(
                Candidate("consortium", match.start(), match.end(), lead.name + kind, attrs)
            )
            relations.append(
                RelationCandidate(lead.name, "leads", lead.name + kind, match.start(), match.end())
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
