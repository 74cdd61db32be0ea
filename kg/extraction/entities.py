"""Entities, relations and tasks of one document, with surface names and exact spans.

The stage works on ``document.clean`` compacted once more: spaces and the line breaks
a PDF leaves inside sentences are dropped (with an offset map), so that a name broken
over two lines is still one name.  Cheap scans (an Aho-Corasick trigger automaton) pick
the sentences worth a spaCy Doc; only those go through the pipeline of
kg/extraction/components.py.  Tasks, people and 我委-style references are regex work
over the whole text.  Every Mention points into ``document.text`` and no stored
sentence keeps a telephone number.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import spacy
from spacy.language import Language

from kg import gazetteer
from kg.errors import ExtractionError
from kg.extraction import components  # noqa: F401  (registers the factories)
from kg.extraction import lexicon as lx
from kg.extraction.segment import jieba
from kg.extraction.wordlists import word_list
from kg.lines import DUTY_CLOSE, DUTY_NOTE
from kg.model import Document, Entity, Header, Mention, Relation, Task
from kg.privacy import PHONE, redact

PIPELINE = ("kg_org_ruler_v1", "kg_programme_ruler_v1")

_TERMINAL = "。！？；：:!?;"
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d{1,2}[.．、]|（\d{1,2}）|抄送|联系|主管|经办|承办|签发|邮政|附件\s*\d*\s*$|\*\*"
    r"|(?:主要)?(?:牵头责任单位|责任单位|牵头单位|配合单位|协作单位)[：:])"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")


@dataclass(frozen=True)
class Compact:
    """``document.clean`` without intra-sentence whitespace; ``idx[i]`` is the clean index."""

    text: str
    idx: tuple[int, ...]


# A gap of three or more spaces inside a line separates columns (杨  鼎   县人民医院院长:
# a name padded to three columns, then the post), so the compact text keeps one space
# there (the gap's first character); narrower runs are typesetting inside one word and
# vanish.  What compact keeps of a line: each run of non-space characters, and the
# first character of a wide gap right after one.
_KEPT = re.compile(r"\S+|(?<=\S)[ \t\u3000\xa0](?=[ \t\u3000\xa0]{2,}\S)")


def compact(clean: str) -> Compact:
    chars: list[str] = []
    idx: list[int] = []
    pos = 0
    prev_line = ""
    adjacent = False  # the previous non-empty line is the line just before (same paragraph)
    for line in clean.split("\n"):
        stripped = line.strip()
        if not stripped:
            adjacent = False
        else:
            if idx and _breaks(prev_line, stripped, adjacent):
                # A kept line break stands at the clean index of the character before it.
                chars.append("\n")
                idx.append(idx[-1])
            for match in _KEPT.finditer(line):
                chars.append(match.group(0))
                idx.extend(range(pos + match.start(), pos + match.end()))
            prev_line = stripped
            adjacent = True
        pos += len(line) + 1
    idx.append(len(clean))
    return Compact("".join(chars), tuple(idx))


def _breaks(prev: str, line: str, adjacent: bool = False) -> bool:
    """Whether the break between two lines ends a sentence or a heading."""
    prev = prev.rstrip("*")
    # A title wrapped over lines of one paragraph (…关于印发基层慢性病 / 一体化…方案的通知).
    if (
        adjacent
        and "关于" in prev
        and not prev.endswith(tuple(_TERMINAL))
        and not _HEADING.match(line)
    ):
        return False
    # A paragraph closed by a duty clause (…按职责分工负责）) ends there; the ingest
    # stage kept the break, and a task's units must not run into the next paragraph.
    if DUTY_CLOSE.search(prev):
        return True
    # A table cell wrapped after a conjunction (省自然资源和 / 规划厅) goes on.
    if adjacent and prev.endswith(("和", "与", "及", "、")) and not _HEADING.match(line):
        return False
    return prev.endswith(tuple(_TERMINAL)) or bool(_HEADING.match(line)) or len(prev) < 30


@cache
def nlp(lexicon_dir: str = "") -> Language:
    """The blank Chinese pipeline with the rule components, built once.

    Its tokens are characters: a Doc of jieba tokens cost as much as all the rules
    together, and half the flagged sentences never ask for a word boundary, so the
    components segment with jieba only where they need one (kg/extraction/segment.py,
    the same tokens).  jieba's dictionary is loaded here, so warming up loads it.
    """
    jieba()  # the dictionary, loaded once
    pipeline = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    for name in PIPELINE:
        pipeline.add_pipe(name, config={"lexicon_dir": lexicon_dir})
    return pipeline


class _Builder:
    """Collects candidates under their surface names and maps spans to the original."""

    def __init__(self, document: Document, view: Compact) -> None:
        self.document = document
        self.view = view
        self.entities: dict[tuple[str, str], Entity] = {}
        self.relations: list[Relation] = []

    @functools.cached_property
    def compact_at(self) -> dict[int, int]:
        """Clean index → compact index, for rules that read the clean text's lines."""
        return {c: i for i, c in enumerate(self.view.idx[:-1])}

    @functools.cached_property
    def clean_lines(self) -> tuple[list[str], list[int]]:
        """The clean text's lines and the clean index each starts at."""
        lines = self.document.clean.split("\n")
        starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
        return lines, starts

    def mention(self, start: int, end: int) -> Mention:
        """A Mention for the compact span [start, end)."""
        idx = self.view.idx
        clean_start = idx[start]
        clean_end = idx[end - 1] + 1 if end > start else clean_start
        orig_start, orig_end = self.document.to_original(clean_start, clean_end)
        text = self.document.text[orig_start:orig_end]
        sentence = redact(self.document.sentence_at(orig_start, orig_end))
        return Mention(text=text, start=orig_start, end=orig_end, sentence=sentence)

    def add(
        self, kind: str, name: str, start: int, end: int, attrs: dict[str, Any] | None = None
    ) -> Entity:
        name = _tidy(name)
        key = (kind, name)
        entity = self.entities.get(key)
        if entity is None:
            entity = Entity(kind=kind, name=name, labels=[name], resolved=False, attributes={})
            self.entities[key] = entity
        mention = self.mention(start, end)
        if all(m.start != mention.start or m.end != mention.end for m in entity.mentions):
            entity.mentions.append(mention)
        for key_, value in (attrs or {}).items():
            if key_ == "members":
                merged = entity.attributes.setdefault("members", [])
                merged.extend(v for v in value if v not in merged)
            elif value is not None and (
                key_ not in entity.attributes or entity.attributes[key_] in (None, False)
            ):
                entity.attributes[key_] = value
            else:
                entity.attributes.setdefault(key_, value)
        return entity


def _tidy(name: str) -> str:
    return re.sub(r"\s+", "", name).strip("“”\"'*")


def extract_entities(
    document: Document, header: Header
) -> tuple[list[Entity], list[Relation], list[Task]]:
    """Agencies, institutions, consortia, programmes and people; their links; the tasks."""
    try:
        return _extract(document, header)
    except (ValueError, IndexError, KeyError) as error:
        raise ExtractionError(
            f"{document.id}: entity extraction failed ({error}); "
            "report the document so the rules can be fixed"
        ) from error


def _extract(document: Document, header: Header) -> tuple[list[Entity], list[Relation], list[Task]]:
    view = compact(document.clean)
    build = _Builder(document, view)
    lexicons = lx.load()
    spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(view.text) if m.group(0).strip()]
    chosen = [
        (a, b)
        for a, b in spans
        if next(lexicons.trigger_auto.iter(view.text[a:b]), None) is not None
    ]
    pipeline = nlp()
    for (offset, _), doc in zip(
        chosen, pipeline.pipe(view.text[a:b] for a, b in chosen), strict=True
    ):
        for cand in doc._.kg_candidates or []:
            build.add(cand.kind, cand.name, offset + cand.start, offset + cand.end, cand.attrs)
        for rel in doc._.kg_relations or []:
            build.relations.append(
                Relation(
                    _tidy(rel.subject),
                    rel.predicate,
                    _tidy(rel.object),
                    build.mention(offset + rel.start, offset + rel.end),
                )
            )
    _relative_agencies(build, header)
    _level_infixed_agencies(build, lexicons)
    _table_units(build, header, lexicons)
    _bare_bodies(build, header, lexicons)
    _issuer(build, header)
    _offices_of_bracketed_bodies(build)
    _addressees(build, header, lexicons)
    _drop_inner_agencies(build)
    _healthy_places(build)
    _drop_issued_document(build, header)
    _merge_verb_programmes(build, lexicons)
    _people(build, lexicons)
    _lead_and_members(build)
    tasks = _tasks(build, lexicons)
    _responsible_agencies(build, tasks)
    for entity in build.entities.values():
        if entity.kind == "consortium":
            entity.attributes.setdefault("lead", None)
            entity.attributes.setdefault("members", [])
            entity.attributes.setdefault("tight", False)
    return list(build.entities.values()), build.relations, tasks


_RELATIVE = {"委": ("委员会", "委"), "局": ("局",), "厅": ("厅",), "办": ("办公室", "办公厅", "办")}


def _relative_agencies(build: _Builder, header: Header) -> None:
    """我委/本委 etc. name the issuer when the issuer is that kind of body."""
    issuer = header.issuer or ""
    # The 办公厅 of a commission writes 我委 for the commission (国家卫生健康委办公厅).
    parent = re.sub(r"办公[厅室]$", "", issuer)
    for match in re.finditer(r"(?:我|本)(委|局|厅|办)(?![员会])", build.view.text):
        if issuer.endswith(_RELATIVE[match.group(1)]) or (
            parent != issuer and parent.endswith(_RELATIVE[match.group(1)])
        ):
            build.add("agency", match.group(0), match.start(), match.end())


def _level_infixed_agencies(build: _Builder, lexicons: lx.Lexicons) -> None:
    """团省委, 团县委: bodies written with their level inside the name."""
    for infixed in lexicons.words["level_infixed_bodies"]:
        pattern = re.escape(infixed).replace(r"\{L\}", "[省市县区州]")
        for match in re.finditer(
            rf"(?<![\u4e00-\u9fff]){pattern}|(?<=[、，,（(])({pattern})", build.view.text
        ):
            build.add("agency", match.group(0), match.start(), match.end())


def _issuer_level(header: Header) -> str:
    """The level character a body of the issuer's own place is written with (县, 市, 省)."""
    place = gazetteer.jurisdiction_of(header.issuer or "")
    if place is None:
        return ""
    if place.level == "province":
        return "自治区" if place.name.endswith("自治区") else place.name[-1]
    return place.name[-1] if place.name[-1] in "省市县区州盟旗" else ""


def _table_units(build: _Builder, header: Header, lexicons: lx.Lexicons) -> None:
    """Units in a table's 部门 column, as a table reads once turned into text.

        部门 / 政策制定重点领域 / 对应的健康因素
        宣传部（融媒体中心）
        卫生健康局

    A cell that is nothing but known bodies, written without a place, names bodies of
    the issuer's own level: 公安局 in a county's table is 县公安局.
    """
    level = _issuer_level(header)
    if not level:
        return
    headers = set(lexicons.words["table_unit_headers"])
    bodies = lexicons.bodies
    compact_at = build.compact_at
    in_table = False
    for line, line_start in zip(*build.clean_lines, strict=False):
        cell = line.strip()
        if cell in headers:
            in_table = True
            continue
        if not in_table or not cell:
            continue
        if cell.startswith("附件") or _TOP.match(cell):
            in_table = False
            continue
        parts = [
            (m.group(0), m.start()) for m in re.finditer(r"[^、（）()\s]+", cell.removesuffix("等"))
        ]
        named = [
            (level + part if part in bodies else level + "委" + part, offset)
            for part, offset in parts
            if part in bodies or "委" + part in bodies
        ]
        if not parts or len(named) != len(parts):
            continue
        cell_start = line_start + line.index(cell)
        for (name, offset), (part, _) in zip(named, parts, strict=True):
            start = compact_at.get(cell_start + offset)
            if start is not None:
                build.add("agency", name, start, start + len(part))


def _bare_body_automaton(lexicons: lx.Lexicons) -> Any:
    """The table's bodies a document may name with no place."""
    general = set(lexicons.words["bare_body_deny"])
    return lx.words_automaton(
        tuple(
            body
            for body, (template, _) in lexicons.bodies.items()
            if len(body) >= 4 and body not in general and template.startswith("{P}")
        )
    )


def _bare_bodies(build: _Builder, header: Header, lexicons: lx.Lexicons) -> None:
    """按照卫生健康委的统一部署 in a 北京市 document: a body of the table written with no
    place or level at all is the issuer's own level's (北京市卫生健康委员会).

    Only in a local document, only names of four characters or more that are not
    general words for a government (人民政府, 办公室), and only where a clause or a
    preposition opens the name, never a quantifier (各级卫生健康委).
    """
    level = _issuer_level(header)
    if not level:
        return
    function = lexicons.words["function_chars"]
    text = build.view.text
    for start, end, body, _ in lx.longest_per_end(lx.hits(_bare_body_automaton(lexicons), text)):
        # 各市（州）卫生健康委, （爱国卫生运动委员会）: a bracket before it belongs to
        # a level or to a second name, not to a clause.
        before = text[start - 1] if start else "\n"
        if before not in "，,。；;：:、\n" and before not in function:
            continue
        if text[end : end + 1] and _CJK.match(text[end]) and text[end] not in "的和与及负牵要等":
            continue
        build.add("agency", level + body, start, end)


def _offices_of_bracketed_bodies(build: _Builder) -> None:
    """海南省健康海南建设委员会（爱国卫生运动委员会）办公室: the office of a body with a
    second name in brackets, which the sentence rules cannot see across the bracket."""
    text = build.view.text
    for kind, name in list(build.entities):
        if kind != "agency" or not name.endswith(("）", ")")):
            continue
        for match in re.finditer(re.escape(name) + "办公室", text):
            build.add("agency", match.group(0), match.start(), match.end())


def _issuer(build: _Builder, header: Header) -> None:
    """Every issuing body is an agency the document names (joint documents: all of them)."""
    for issuer in header.issuers or ([header.issuer] if header.issuer else []):
        at = build.view.text.find(issuer)
        if at >= 0:
            build.add("agency", issuer, at, at + len(issuer))
        elif ("agency", issuer) not in build.entities:
            build.entities[("agency", issuer)] = Entity(
                kind="agency", name=issuer, labels=[issuer], resolved=False
            )


def _addressees(build: _Builder, header: Header, lexicons: lx.Lexicons) -> None:
    """Addressees that are named bodies (平潭综合实验区社会事业局, 省医疗保障基金中心).

    A quantified addressee (各设区市医疗保障局, 有关单位) is a class of bodies, never one.
    """
    deny = tuple(lexicons.words["addressee_deny_openers"])
    suffixes = word_list("header/agency_suffixes.txt")
    for item in header.addressees:
        name = item.strip()
        if (
            name.startswith(deny)
            or "各" in name
            or not 3 <= len(name) <= 30
            or re.search(r"[、，。：:；（）()《》\s\d]", name)
            or not name.endswith(suffixes)
        ):
            continue
        at = build.view.text.find(name)
        if at >= 0:
            build.add("agency", name, at, at + len(name))


# 健康中国战略, 健康江西建设: the Healthy-China initiative of a place.
_HEALTHY_PLACE = re.compile(r"健康(?P<place>[\u4e00-\u9fff]{2,4}?)(?=建设|战略|2030)")


def _healthy_places(build: _Builder) -> None:
    """健康江西建设 → 健康江西: a place's own Healthy-China initiative.

    The place is 中国, a province's short name or a division's name without its level
    (资阳, 枣庄, 句容).  A regex over the whole text: such sentences hold no word that
    would send them through the spaCy pipeline.
    """
    provinces = gazetteer.province_short_names()
    for match in _HEALTHY_PLACE.finditer(build.view.text):
        place = match.group("place")
        if (
            place == "中国"
            or place in provinces
            or any(gazetteer.places_named(place + level) for level in "省市区县")
        ):
            build.add("programme", match.group(0), match.start(), match.end())


def _drop_issued_document(build: _Builder, header: Header) -> None:
    """关于印发新乡市公共卫生体系建设三年行动计划的通知: the plan it issues is the document
    itself (its text follows the notice), not a programme the document names."""
    title = re.sub(r"[（(][^（）()]*[）)]", "", header.title or "")
    issued = re.search(r"印发(?P<name>.+?)的通知$", title)
    if issued is None:
        return
    name = issued["name"].strip("《》")
    for key in [k for k in build.entities if k[0] == "programme"]:
        if key[1] == name:
            del build.entities[key]


def _merge_verb_programmes(build: _Builder, lexicons: lx.Lexicons) -> None:
    """推广家庭医生签约服务 and 家庭医生签约服务 are one programme: the verb goes.

    A programme whose name is a leading verb plus another programme's name joins that
    one (its mentions move over), so one sentence's clause verb never makes a second
    programme.
    """
    verbs = tuple(lexicons.words["programme_leading_verbs"])
    programmes = {name: e for (kind, name), e in build.entities.items() if kind == "programme"}
    for name, entity in programmes.items():
        for verb in verbs:
            target = programmes.get(name.removeprefix(verb)) if name.startswith(verb) else None
            if target is not None and target is not entity:
                for mention in entity.mentions:
                    if mention not in target.mentions:
                        target.mentions.append(mention)
                del build.entities[("programme", name)]
                break


def _drop_inner_agencies(build: _Builder) -> None:
    """An agency seen only inside a longer agency's mention is a fragment of that name.

    横琴粤澳深度合作区社会事业局 read from the addressees holds 区社会事业局, which the
    sentence rules took for a district's body.
    """
    agencies = [e for e in build.entities.values() if e.kind == "agency"]
    spans = [(m.start, m.end, e.name) for e in agencies for m in e.mentions]
    for entity in agencies:
        if entity.mentions and all(
            any(a <= m.start and m.end <= b and (a, b) != (m.start, m.end) for a, b, _ in spans)
            for m in entity.mentions
        ):
            del build.entities[("agency", entity.name)]


_NAME = r"(?P<name>[\u4e00-\u9fff·]{2,4}?)(?=$|[^\u4e00-\u9fff·]|联系|电话|手机|职务|邮)"
_PERSON = re.compile(r"[\u4e00-\u9fff·]{2,4}")
# A contact's unit written before the name: 基层司, 医政医管处, 县卫生健康局, 国家疾控局传染病防控司.
_UNIT_THEN_NAME = re.compile(
    r"^(?P<unit>[\u4e00-\u9fff]{2,30}?(?:司|处|科|局|委|室|厅|中心|办|部|股|站|所))"
    r"(?P<name>[\u4e00-\u9fff·]{2,3})$"
)
_CONTACT_LABELS = re.compile(
    r"(?:联系电话|办公电话|电话|手机|传真|邮箱|电子邮箱|邮编|邮政编码)\s*[：:]?"
)


def is_person_name(name: str) -> bool:
    """A 2–4 character personal name that opens with a common surname."""
    if not _PERSON.fullmatch(name) or name.startswith(("联系", "电话", "单位")):
        return False
    surnames = word_list("lexicons/surnames.txt")
    return any(name.startswith(s) and len(name) - len(s) >= 1 for s in surnames)


def _spaced(words: list[str] | dict[str, str]) -> str:
    """An alternation of labels that a typeset line may spread out (联 系 人, 主 任 委员)."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(r"\s*".join(map(re.escape, word)) for word in ordered)


def _people(build: _Builder, lexicons: lx.Lexicons) -> None:
    text = build.view.text
    roles = lexicons.words["person_roles"]
    role_re = "|".join(sorted(map(re.escape, roles), key=len, reverse=True))
    member_labels = set(lexicons.words["member_roles"])
    for match in re.finditer(
        rf"(?P<role>{role_re})(?:姓名)?(?:及联系电话|及电话)?[：:]?{_NAME}", text
    ):
        name = match.group("name")
        if not is_person_name(name):
            continue
        entity = build.add("person", name, match.start("name"), match.end("name"))
        entity.attributes.setdefault("role", roles[match.group("role")])
    _contacts(build, roles)
    _member_lists(build, lexicons)
    _honorifics(build, lexicons)
    proposer_roles = lexicons.words["proposer_roles"]
    for match in re.finditer(
        r"(?m)^(?:尊敬的)?(?P<name>[\u4e00-\u9fff·]{2,4}?)(?P<role>委员|代表)(?:们)?[：:]", text
    ):
        # 主任委员： / 副主任委员： opens a committee's member list, not a proposer's reply.
        if match.group("name") + match.group("role") in member_labels:
            continue
        entity = build.add("person", match.group("name"), match.start("name"), match.end("name"))
        entity.attributes.setdefault("role", proposer_roles[match.group("role")])
        entity.attributes["proposer"] = True


def _contacts(build: _Builder, roles: dict[str, str]) -> None:
    """People on role lines that name a unit first (联系人：基层司 周明远、何静怡).

    Read from the clean text, where the space between unit and name survives, with
    the continuation lines a contact block prints (国家中医药局医政司 梁辰 010-…).
    Telephone numbers are cut out before anything is read.
    """
    compact_at = build.compact_at
    role_re = _spaced(roles)
    lines, starts = build.clean_lines
    for n, line in enumerate(lines):
        opener = re.search(rf"(?P<role>{role_re})\s*[：:]", line)
        if opener is None:
            continue
        role = roles[re.sub(r"\s+", "", opener.group("role"))]
        pieces = [(starts[n] + opener.end(), line[opener.end() :])]
        for k in range(n + 1, min(n + 4, len(lines))):
            follow = lines[k].strip()
            if not follow or not PHONE.search(follow) or re.search(role_re, follow):
                break
            if _CONTACT_LABELS.match(follow):
                continue
            pieces.append((starts[k], lines[k]))
        for base, piece in pieces:
            masked = _CONTACT_LABELS.sub(lambda m: " " * len(m.group(0)), piece)
            masked = PHONE.sub(lambda m: "，" * len(m.group(0)), masked)
            for segment in re.finditer(r"[^，,；;。（）()]+", masked):
                for name, at in _segment_names(segment.group(0)):
                    start = compact_at.get(base + segment.start() + at)
                    if start is None:
                        continue
                    entity = build.add("person", name, start, start + len(name))
                    entity.attributes.setdefault("role", role)


def _segment_names(segment: str) -> list[tuple[str, int]]:
    """Names in one contact segment with their offsets: the last words after a unit."""
    words = [(m.group(0), m.start()) for m in re.finditer(r"\S+", segment)]
    if not words:
        return []
    # 联系人：王娅楠   刘骅萱: names spaced apart, no unit before them.
    if len(words) > 1 and all(is_person_name(word) for word, _ in words):
        return words
    last, at = words[-1]
    found: list[tuple[str, int]] = []
    for part in re.finditer(r"[^、]+", last):
        name = part.group(0)
        if is_person_name(name):
            found.append((name, at + part.start()))
        elif (
            len(words) == 1
            and (glued := _UNIT_THEN_NAME.match(name))
            and is_person_name(glued["name"])
        ):
            found.append((glued["name"], at + part.start() + glued.start("name")))
    return found


# Characters of units and posts that a personal name does not hold (县政府, 副局长 …).
_NOT_IN_NAME = set("局委办府厅部县省处科室所站院校司组会员")
_POSTS_OF_TWO = re.compile(r"^.[长记任理员]$")
_MEMBER_TOKEN = re.compile(r"[（(][^）)\n]*[）)]|[^\s（()、，,；;]+")


def _member_name(word: str, labels: set[str]) -> bool:
    return (
        is_person_name(word)
        and word not in labels
        and not _POSTS_OF_TWO.match(word)
        and not _NOT_IN_NAME.intersection(word)
    )


def _member_entries(segment: str, labels: set[str]) -> tuple[list[tuple[str, int, str]], bool]:
    """(name, offset, position) for each member of one list segment; and whether the
    segment held nothing but members and their posts.

    Names padded to three columns (杨  阳) are joined; a post follows its name after
    spaces or in brackets (李某某  副省长, 周某某（市政府副秘书长）).
    """
    tokens = [(m.group(0), m.start()) for m in _MEMBER_TOKEN.finditer(segment)]
    merged: list[tuple[str, int]] = []
    k = 0
    while k < len(tokens):
        word, at = tokens[k]
        if (
            k + 1 < len(tokens)
            and len(word) == 1
            and len(tokens[k + 1][0]) == 1
            and segment[at + 1 : tokens[k + 1][1]].isspace()
        ):
            merged.append((word + tokens[k + 1][0], at))
            k += 2
            continue
        merged.append((word, at))
        k += 1
    entries: list[tuple[str, int, str]] = []
    only_members = True
    for word, at in merged:
        if _member_name(word, labels):
            entries.append((word, at, ""))
        elif entries and len(word) <= 40 and "。" not in word:
            name, offset, post = entries[-1]
            entries[-1] = (name, offset, (post + "；" if post else "") + word.strip("（）()"))
        else:
            only_members = False
    return entries, only_members and bool(entries)


def _member_body(lines: list[str], first: int, text_before: str, lexicons: lx.Lexicons) -> str:
    """The committee or group a member list belongs to, without its place prefix.

    The heading just above the list names it (阜蒙县健康专家委员会组成人员, （二）综合协调组);
    else the sentence that set it up (国务院成立健康中国行动推进委员会).
    """
    suffixes = "|".join(map(re.escape, lexicons.words["member_body_suffixes"]))
    headings = "|".join(map(re.escape, lexicons.words["member_list_headings"]))
    heading = re.compile(
        rf"^(?:附件\s*\d*\s*)?(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d{{1,2}}[.．、])?"
        rf"(?P<body>[^\s，。；：:]{{2,40}}?(?:{suffixes}))(?:{headings})?$"
    )
    for n in range(first - 1, max(first - 4, -1), -1):
        line = re.sub(r"\s+", "", lines[n])
        if not line:
            continue
        found = heading.match(line)
        if found:
            return _without_place(found.group("body"))
    # The last sentence that set a body up, nearest the list.
    set_ups = list(
        re.finditer(
            rf"(?:成立|设立|组建|调整)(?:了)?(?P<body>[^，,。；;（(“”\s]{{2,40}}?(?:{suffixes}))",
            text_before[-3000:],
        )
    )
    return _without_place(set_ups[-1].group("body")) if set_ups else ""


def _without_place(body: str) -> str:
    """健康专家委员会 of 阜蒙县健康专家委员会; 公共卫生体系建设领导小组 of 市公共卫生…"""
    places = gazetteer.find_places(body)
    if places and places[0].start == 0 and places[0].end < len(body):
        return body[places[0].end :]
    if body[:1] in ("省", "市", "县") and len(body) > 5:
        return body[1:]
    return body


def _member_lists(build: _Builder, lexicons: lx.Lexicons) -> None:
    """People of a committee's or leading group's member list, with their roles.

    Layouts of 成立…领导小组的通知 pages and 组成人员 attachments:
      组 长：李某某  副省长          a label, the name, its post after spaces
      副组长：                        a label alone, the names on the next lines
      周某某（市政府副秘书长）         the post in brackets
      主 任 委员：杨  阳   县政府副县长 spaced labels, names padded to three columns
      组　长：X　副组长：Y、Z         several labels on one line
    A line without a label continues the last label's list while it holds nothing but
    members; any other line ends the list.  The role is the body plus the label
    (健康专家委员会副主任委员) where a heading or a 成立… sentence names the body.
    """
    labels = set(lexicons.words["member_roles"])
    label = re.compile(rf"(?:^|(?<=\s))(?P<label>{_spaced(sorted(labels))})\s*[：:]")
    clean = build.document.clean
    compact_at = build.compact_at
    lines, starts = build.clean_lines
    role = body = ""
    ended = -10  # the line where the last list ended
    for n, line in enumerate(lines):
        if not line.strip():
            continue
        opened = list(label.finditer(line))
        if opened and not line[: opened[0].start()].strip():
            # A list broken by one odd line goes on under the same body.
            if not role and n - ended > 2:
                body = _member_body(lines, n, clean[: starts[n]], lexicons)
            pieces = []
            for k, match in enumerate(opened):
                end = opened[k + 1].start() if k + 1 < len(opened) else len(line)
                role = body + re.sub(r"\s+", "", match.group("label"))
                pieces.append((role, match.end(), line[match.end() : end]))
        elif role:
            entries, only_members = _member_entries(line, labels)
            if not only_members or len(line.strip()) > 60:
                role, ended = "", n
                continue
            pieces = [(role, 0, line)]
        else:
            continue
        for piece_role, offset, segment in pieces:
            entries, _ = _member_entries(segment, labels)
            for name, at, post in entries:
                start = compact_at.get(starts[n] + offset + at)
                if start is None:
                    continue
                attrs = {"role": piece_role, "position": post or None}
                build.add("person", name, start, start + len(name), attrs)
                _unit_of_post(build, post, lexicons)


def _unit_of_post(build: _Builder, post: str, lexicons: lx.Lexicons) -> None:
    """县生态保护局局长: the body a member's post names is an agency of the document.

    Only a body written with its level or place, never an institution (县人民医院院长
    is a hospital, found as such) or a part of one (…服务中心疾控所).
    """
    titles = tuple(lexicons.words["post_titles"])
    for part in post.split("；"):
        title = next((t for t in titles if part.endswith(t)), None)
        unit = part[: -len(title)] if title else ""
        if (
            not unit
            or not _owned(unit)
            or not _is_agency_name(unit)
            or any(t in unit for t in lexicons.hospital_types)
            # 县卫生健康局医政办公室: an office inside a bureau is no body of its own.
            or re.search(r"[局厅].", unit)
            or len(unit) - max(_place_chain_end(unit), 1) < 3
        ):
            continue
        at = build.view.text.find(unit)
        if at >= 0:
            build.add("agency", unit, at, at + len(unit))


def _honorifics(build: _Builder, lexicons: lx.Lexicons) -> None:
    """陈可冀院士: a title written right after a personal name is that person's role."""
    labels = set(lexicons.words["member_roles"])
    text = build.view.text
    for title in lexicons.words["honorifics_after_name"]:
        for match in re.finditer(re.escape(title), text):
            for size in (3, 2):
                start = match.start() - size
                name = text[max(start, 0) : match.start()]
                if start >= 0 and _member_name(name, labels):
                    build.add("person", name, start, match.start(), {"role": title})
                    break


_LEAD_THEN_MEMBERS = re.compile(
    r"(?:以|由)(?P<lead>[^，,。；;：:]{2,40}?)(?:(?:为|作为)牵头(?:医院|单位)|牵头)[，,]\s*"
    r"(?:其他)?成员(?:单位|医院|机构)(?:包括|为|有|是)?[：:]?(?P<members>[^。；;]{2,400})"
)
# （四）开封市儿科专科联盟。由开封市儿童医院牵头，…: a heading names the consortium and
# its first sentence says who leads it.
_HEADING_THEN_LEAD = re.compile(
    r"(?m)^(?:（[一二三四五六七八九十]+）|\d{1,2}[.．、])?(?P<consortium>[^。\n]{2,40})[。．]\s*"
    r"由(?P<lead>[^，,。；;：:]{2,40}?)(?:(?:为|作为)牵头(?:医院|单位)?|牵头)"
)
_MEMBER_TAIL = re.compile(r"等(?:[0-9一二三四五六七八九十]+[家个所])?.*$")


def _lead_and_members(build: _Builder) -> None:
    """以A为牵头医院，成员单位包括B、C: the lead and members of the consortium named there.

    The consortium is the one whose name begins with the lead (龙游县人民医院医共体),
    usually named in the heading or clause just before; members are the named
    institutions of the list, never the generic ones (各乡镇卫生院).
    """
    text = build.view.text
    hospitals = {name for kind, name in build.entities if kind == "hospital"}
    for match in _HEADING_THEN_LEAD.finditer(text):
        named = build.entities.get(("consortium", match.group("consortium").strip()))
        lead = match.group("lead").strip()
        if named is None or lead not in hospitals or named.attributes.get("lead"):
            continue
        named.attributes["lead"] = lead
        mention = build.mention(match.start("lead"), match.end("lead"))
        build.relations.append(Relation(lead, "leads", named.name, mention))
    for match in _LEAD_THEN_MEMBERS.finditer(text):
        lead = match.group("lead").strip()
        if lead not in hospitals:
            continue
        listing = _MEMBER_TAIL.sub("", match.group("members"))
        # …、C和D: the last two of a list are joined by 和/及, not 、.
        parts = [
            part
            for item in split_units(listing)
            for part in ([item] if item in hospitals else re.split(r"以及|和|及", item))
        ]
        members = [m for m in parts if m in hospitals and m != lead]
        consortium = next(
            (
                e
                for (kind, name), e in build.entities.items()
                if kind == "consortium"
                and (name.startswith(lead) or e.attributes.get("lead") == lead)
            ),
            None,
        )
        if consortium is None:
            context = text[max(0, match.start() - 60) : match.end()]
            kind = next((k for k in ("医共体", "医联体", "医疗集团") if k in context), None)
            if kind is None:
                continue
            consortium = build.add(
                "consortium",
                lead + kind,
                match.start("lead"),
                match.end("lead"),
                {"kind": kind, "lead": lead, "members": []},
            )
        consortium.attributes["lead"] = consortium.attributes.get("lead") or lead
        merged = consortium.attributes.setdefault("members", [])
        merged.extend(m for m in members if m not in merged)
        mention = build.mention(match.start(), match.end())
        build.relations.append(Relation(lead, "leads", consortium.name, mention))
        build.relations.extend(Relation(m, "member_of", consortium.name, mention) for m in members)


_SECTION = re.compile(r"(?m)^(?P<head>（[一二三四五六七八九十]+）[^。\n]*)")
_ITEM = re.compile(r"(?m)^(?P<number>\d{1,2})[.．、](?P<title>[^。\n]+)")
_SECTION_ITEM = re.compile(r"(?m)^（(?P<number>[一二三四五六七八九十]+)）(?P<title>[^。\n]+)")
_TOP = re.compile(r"(?m)^[一二三四五六七八九十]+、")
_TOP_ITEM = re.compile(r"(?m)^(?P<number>[一二三四五六七八九十]+)、(?P<title>[^。\n]+)")
# 责任单位：区卫生健康委、区委编办 — a duty list printed without brackets, to the line end;
# a county's task list prints 牵头责任单位： and 主要协作单位： lines under each item.
_DUTY_BARE = re.compile(
    r"(?:^|(?<=[。；;\n]))(?P<label>(?:主要)?(?:牵头责任单位|责任单位|牵头单位|负责单位|责任部门|配合单位|协作单位|参与单位))"
    r"[：:](?P<units>[^。\n（）()\[\]【】]+)"
)
_DUTY_OPEN = re.compile(r"[\[【（(]\s*(?:责任单位|牵头单位|负责单位|责任部门)\s*[：:]")
_CLOSE = {"[": "]", "【": "】", "（": "）", "(": ")"}
# （国家医保局、国家卫生健康委按职责分工负责）: a closing bracket of bodies with no 牵头.
# A unit list may hold one level of brackets: 各乡（镇）人民政府.
_UNITS = r"(?:[^（）()牵]|[（(][^（）()]{1,12}[）)])"
_SHARED_DUTY = re.compile(
    rf"[（(](?P<units>{_UNITS}{{2,400}}?)(?:按职责分工|分别)?负责{DUTY_NOTE}[）)]\s*[。；;]?\s*(?=\n|$)"
)
# （各市人民政府负责，省卫生健康委指导）: a body in charge and one that guides or helps.
_CHARGE_CLAUSE = re.compile(
    rf"[（(](?P<lead>{_UNITS}{{2,60}}?)负责[，,](?P<rest>{_UNITS}{{2,60}}?)(?:指导|配合|参与|督导)[）)]"
)
_LEAD_CLAUSE = re.compile(
    rf"[（(](?P<lead>{_UNITS}{{2,200}}?)牵头[，,、]?(?P<rest>{_UNITS}*?)(?:按职责分工)?(?:负责|配合|参与){DUTY_NOTE}[）)]"
)


def _bracketed(text: str, start: int) -> tuple[str, int]:
    """The contents of the bracket opening at ``start`` (nesting respected) and its end."""
    opener = text[start]
    closer = _CLOSE[opener]
    depth, i = 0, start
    pairs = {"（": "）", "(": ")"}
    while i < len(text):
        ch = text[i]
        if ch == opener or (ch in pairs and opener not in pairs):
            depth += 1
        elif ch == closer or (ch in pairs.values() and opener not in pairs):
            depth -= 1
            if depth == 0:
                return text[start + 1 : i], i + 1
        i += 1
    return text[start + 1 :], len(text)


def split_runs(listing: str) -> list[list[str]]:
    """A 责任单位 list as runs split at ，; each run's items split at 、 (outside brackets)."""
    runs: list[list[str]] = [[]]
    depth, cur = 0, ""
    for ch in listing:
        if ch in "（(〔":
            depth += 1
        elif ch in "）)〕":
            depth -= 1
        if depth == 0 and ch in "、，,；;":
            runs[-1].append(cur)
            cur = ""
            if ch != "、":
                runs.append([])
        else:
            cur += ch
    runs[-1].append(cur)
    return [
        [part.strip().removesuffix("等") for i in run for part in _joined_by_ji(i) if part.strip()]
        for run in runs
        if any(i.strip() for i in run)
    ]


def _joined_by_ji(item: str) -> list[str]:
    """省卫生健康委及各设区市人民政府: 及 between two bodies, the second quantified or placed."""
    head, sep, tail = item.partition("及")
    if sep and tail and (tail.startswith("各") or _owned(tail)) and _is_agency_name(head):
        return [head, *_joined_by_ji(tail)]
    return [item]


def split_units(listing: str) -> list[str]:
    """Split a 责任单位 list at 、，; outside brackets."""
    return [item for run in split_runs(listing) for item in run]


def coordinated_units(listing: str) -> list[str]:
    """Split a list and share what a 、-run writes once.

    兰山区、河东区人民政府: a bare place takes the head of the named body after it.
    各乡（镇）人民政府、街道办事处: 各 reaches every item of its run that names no
    place of its own, so the 街道办事处 are generic too.
    """
    items: list[str] = []
    for run in split_runs(listing):
        head = _shared_head(run[-1])
        quantified = False
        for i, item in enumerate(run):
            if i < len(run) - 1 and head and _is_bare_place(item):
                item = item + head
            elif quantified and not item.startswith("各") and not _owned(item):
                item = "各" + item
            quantified = quantified or item.startswith("各")
            items.append(item)
    return items


def _place_chain_end(item: str) -> int:
    """Where the place chain that opens ``item`` ends (0 when none opens it).

    Town names of two characters (the gazetteer holds a few called 街道) are no place.
    """
    end = 0
    for match in gazetteer.find_places(item):
        if match.start != end:
            break
        if len(match.text) < 3 and all(p.level == "town" for p in match.places):
            break
        end = match.end
    return end


def _is_bare_place(item: str) -> bool:
    return 0 < _place_chain_end(item) == len(item)


def _shared_head(item: str) -> str:
    end = _place_chain_end(item)
    return item[end:] if 0 < end < len(item) else ""


def _owned(item: str) -> bool:
    """Whether a list item names its own place (县卫生健康局, 瓮安县财政局, 赣江新区管委会)."""
    zone = _ZONE.match(item)
    return (
        item[:1] in "省市区县州盟"
        or _place_chain_end(item) > 0
        or bool(zone and zone["stem"] not in _ZONE_KINDS)
    )


# A development zone or new area named by its own stem: 赣江新区, 长春经开区; a bare kind
# of zone (经济开发区管委会) names the document's own, like a bare level.
_ZONE = re.compile(r"(?P<stem>[\u4e00-\u9fff]{2,}?)(?:新区|开发区|经开区|高新区|示范区)")
_ZONE_KINDS = {"经济", "经济技术", "高新技术产业", "高新技术", "工业", "农业", "综合", "产业"}


def named_units(item: str, generic: set[str]) -> list[str]:
    """The named units of one list item: 各乡镇（街道、长春经开区） → [长春经开区].

    A class of units (县政府有关部门, 有关直属单位) names none.
    """
    if item.endswith(tuple(lx.load().words["generic_unit_endings"])):
        return []
    if not item.startswith("各"):
        return [item]
    inner = re.findall(r"[（(]([^（）()]*)[）)]", item)
    return [
        p
        for part in inner
        for p in re.split(r"[、，,]", part)
        if p and p not in generic and len(p) >= 2
    ]


def _numbered_item(match: re.Match[str], end: int) -> tuple[int, int, str, str, int, int]:
    """(start, end, number, title, title start, title end) of a numbered item."""
    return (
        match.start(),
        end,
        match.group("number"),
        match.group("title").strip(),
        match.start("title"),
        match.end("title"),
    )


def _tasks(build: _Builder, lexicons: lx.Lexicons) -> list[Task]:
    """Numbered items with a 责任单位 list or a （X牵头，Y负责） clause.

    An item is a ``1.`` line, or a ``（一）`` paragraph with no ``1.`` items of its own
    (provincial 实施意见 number their tasks （一）（二）… and close each with the
    clause).  The number is the numeral as printed, without brackets: 1, 一.
    """
    text = build.view.text
    generic = set(lexicons.words["generic_units"])
    sections = [(m.start(), m.group("head")) for m in _SECTION.finditer(text)]
    tops = [m.start() for m in _TOP.finditer(text)]
    items = list(_ITEM.finditer(text))
    item_starts = [m.start() for m in items]
    tasks: list[Task] = []

    def section_at(pos: int) -> str | None:
        top = max((t for t in tops if t <= pos), default=-1)
        heads = [h for s, h in sections if top <= s < pos]
        return heads[-1] if heads else None

    numbered: list[tuple[int, int, str, str, int, int]] = []  # start, end, number, title, span
    for i, item in enumerate(items):
        stop = items[i + 1].start() if i + 1 < len(items) else len(text)
        nxt_top = min((t for t in tops if t > item.start()), default=len(text))
        nxt_sec = min((s for s, _ in sections if s > item.start()), default=len(text))
        numbered.append(
            (
                item.start(),
                min(stop, nxt_top, nxt_sec),
                item.group("number"),
                item.group("title").strip(),
                item.start("title"),
                item.end("title"),
            )
        )
    for match in _SECTION_ITEM.finditer(text):
        nxt_top = min((t for t in tops if t > match.start()), default=len(text))
        nxt_sec = min((s for s, _ in sections if s > match.start()), default=len(text))
        end = min(nxt_top, nxt_sec)
        if any(match.start() < s < end for s in item_starts):
            continue  # its 1. 2. items are the tasks
        numbered.append(_numbered_item(match, end))
    # A national notice may number its tasks 一、二、… and close each section with the
    # clause itself (（中央编办、国家卫生健康委负责）): a top-level section with no
    # （一） or 1. items of its own is then the item.
    for match in _TOP_ITEM.finditer(text):
        end = min((t for t in tops if t > match.start()), default=len(text))
        if any(match.start() < s < end for s, _ in sections) or any(
            match.start() < s < end for s in item_starts
        ):
            continue
        numbered.append(_numbered_item(match, end))
    for start, end, number, title, title_start, title_end in sorted(numbered):
        body = text[start:end]
        literal, lead_units = _duties(body, generic)
        if not literal:
            continue
        responsible: list[str] = []
        for unit in literal:
            for name in named_units(unit, generic):
                if name not in responsible:
                    responsible.append(name)
        tasks.append(
            Task(
                number=number,
                title=title,
                section=section_at(start) if not _SECTION.match(text, start) else None,
                responsible=responsible,
                responsible_text=literal,
                lead=lead_units or responsible[:1],
                mention=build.mention(title_start, title_end),
            )
        )
    return tasks


def _responsible_agencies(build: _Builder, tasks: list[Task]) -> None:
    """A 责任单位 written with its level (省旅游和文化广电体育厅) is a body the text names.

    The sentence rules know bodies by their endings in the lexicon; a list of duties
    also names bodies whose names are the province's own (海南's 旅游和文化广电体育厅).
    Only items that read as a body's name and open with a level or a place count,
    and only where they are written as such.
    """
    text = build.view.text
    known = {label for (kind, _), e in build.entities.items() for label in e.labels}
    for task in tasks:
        for unit in task.responsible:
            if (
                unit in known
                or unit.startswith("各")
                or not _owned(unit)
                or not _is_agency_name(unit)
            ):
                continue
            # 省管局: a short form of two characters after the level is too ambiguous
            # to read as a name of its own.
            if len(unit) - max(_place_chain_end(unit), 1) < 4:
                continue
            at = text.find(unit)
            if at >= 0:
                build.add("agency", unit, at, at + len(unit))
                known.add(unit)


def _duties(body: str, generic: set[str]) -> tuple[list[str], list[str]]:
    """The literal units of an item's duty clauses, and those named as leads."""
    literal: list[str] = []
    lead_units: list[str] = []

    def read(inner: str, opener: str) -> None:
        parts = re.split(r"[；;]\s*(?:配合单位|协同单位|参与单位)\s*[：:]", inner)
        literal.extend(coordinated_units(parts[0]))
        if "牵头" in opener and parts:
            lead_units.extend(
                u for it in coordinated_units(parts[0]) for u in named_units(it, generic)
            )
        for extra in parts[1:]:
            literal.extend(coordinated_units(extra))

    for opener in _DUTY_OPEN.finditer(body):
        inner, _ = _bracketed(body, opener.start())
        read(inner.split("：", 1)[-1].split(":", 1)[-1], opener.group(0))
    for bare in _DUTY_BARE.finditer(body):
        read(bare.group("units"), bare.group("label"))
    for clause in _LEAD_CLAUSE.finditer(body):
        lead_units.extend(
            u for it in coordinated_units(clause.group("lead")) for u in named_units(it, generic)
        )
        literal.extend(
            coordinated_units(clause.group("lead")) + coordinated_units(clause.group("rest"))
        )
    for clause in _CHARGE_CLAUSE.finditer(body):
        units = coordinated_units(clause.group("lead")) + coordinated_units(clause.group("rest"))
        if units and all(_is_agency_name(u) for u in units):
            lead_units.extend(
                u
                for it in coordinated_units(clause.group("lead"))
                for u in named_units(it, generic)
            )
            literal.extend(units)
    for clause in _SHARED_DUTY.finditer(body):
        units = coordinated_units(clause.group("units"))
        if units and all(_is_agency_name(u) for u in units):
            literal.extend(units)
    return literal, lead_units


def _is_agency_name(unit: str) -> bool:
    """A list item that reads as a body's name: short, unpunctuated, a body's ending."""
    name = unit.removeprefix("各")
    return (
        2 <= len(name) <= 30
        and not re.search(r"[的，。：:]", name)
        and (
            name.endswith(word_list("header/agency_suffixes.txt"))
            or name in lx.load().national
            # 省委网信办: a level and a body of the lexicon (委网信办) is a body's name too.
            or (name[:1] in "省市区县" and name[1:] in lx.load().bodies)
        )
    )
