"""The resolve stage: the document's jurisdiction, then one canonical name per real thing.

A surface name is split into a place part and a body part.  The place part is a
gazetteer chain (资阳区, 枣庄市市中区, 齐村镇) placed inside the document's own
jurisdiction, or a bare level character (省/市/区/县) that stands for the matching level
of that jurisdiction (市卫健委 in a 岳阳 document is 岳阳市's).  The body part is
expanded with the data in kg/data/lexicons (卫健委 → 卫生健康委员会, 委编办 →
中共{P}委机构编制委员会办公室).  National bodies come from their own table.  Where a
name cannot be placed with confidence the surface form stays and ``resolved`` is False:
a name is never invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg import gazetteer
from kg.extraction import lexicon as lx
from kg.gazetteer import Place
from kg.model import Entity, Extraction, Relation
from kg.rdf import joint_issuers

_RELATIVE = re.compile(r"^(?:我|本)(委|局|厅|办)$")
_RELATIVE_UNIT = re.compile(r"^(?:我|本)(?:委|局|部|署)(?P<unit>.+)$")
NATIONAL_JURISDICTION = "中华人民共和国"  # the area of a national body (FORMAT.md jurisdiction)
_LEVEL_COMPOUNDS = ("省市", "市县", "县乡", "乡村")  # a higher level then the next lower one
# 兰州新区: a zone whose name opens with its city's name takes no city prefix.
_ZONE_HEADS = ("新区", "开发区", "综合实验区", "示范区")
_AFFILIATED = re.compile(r"^[\u4e00-\u9fff]{2,12}?(?:大学|学院)")
_KIND_ORDER = ("hospital", "agency", "consortium", "programme", "person")


@cache
def _expansions() -> tuple[tuple[str, str], ...]:
    rows = lx._rows("name_expansions.csv", lx.LEXICON_DIR)
    return tuple(sorted(((r["short"], r["full"]) for r in rows), key=lambda p: -len(p[0])))


@dataclass(frozen=True)
class Jurisdiction:
    """The document's place and the names its level characters stand for."""

    place: Place | None

    def _level(self, level: str) -> Place | None:
        if self.place is None:
            return None
        code = {
            "province": self.place.province,
            "city": self.place.city,
            "county": self.place.county,
        }[level]
        return gazetteer.place(code) if code else None

    def for_level(self, char: str) -> str | None:
        """省 → 湖南省; 市 → 益阳市 (or a county-level city); 区/县 → 益阳市资阳区."""
        province, city, county = self._level("province"), self._level("city"), self._level("county")
        if char == "省":
            return province.name if province and province.name.endswith("省") else None
        if char == "自治区":
            return province.name if province and province.name.endswith("自治区") else None
        if char == "市":
            if county is not None and county.name.endswith("市"):
                return county.name
            if city is not None:
                return local_name(city)
            return province.name if province and province.name.endswith("市") else None
        if char in ("区", "县") and county is not None and county.name.endswith(char):
            return local_name(county)
        # 州/盟/地区 stand for the prefecture of the chain (州卫生健康局 in a 黔南州 county).
        wanted = {"州": "自治州", "盟": "盟", "地区": "地区"}.get(char)
        if wanted and city is not None and city.name.endswith(wanted):
            return city.name
        return None

    def locate(self, name: str, within: Place | None = None) -> Place | None:
        """The division called ``name``: inside ``within``, else this jurisdiction, else unique."""
        for scope in (within, self.place):
            if scope is not None:
                found = gazetteer.find_within(name, scope)
                if found is not None:
                    return found
        candidates = gazetteer.places_named(name)
        if len(candidates) == 1 and candidates[0].level in ("province", "city", "county"):
            return candidates[0]
        return None


@cache
def _level_infixed() -> tuple[tuple[re.Pattern[str], str], ...]:
    forms = lx.load().words["level_infixed_bodies"]
    return tuple(
        (re.compile("^" + re.escape(infixed).replace(r"\{L\}", "(?P<L>[省市县区州])") + "$"), plain)
        for infixed, plain in forms.items()
    )


def level_infixed(surface: str) -> str | None:
    """团省委 → 省团委: the level + body form of a body written with its level inside."""
    for pattern, plain in _level_infixed():
        found = pattern.match(surface)
        if found:
            return plain.replace("{L}", found.group("L"))
    return None


def local_name(place: Place) -> str:
    """How a document names a place: a district with its prefecture (枣庄市市中区)."""
    if place.level in ("province", "city"):
        if place.level == "city" and place.name in ("市辖区", "县"):
            parent = gazetteer.place(place.province)
            return parent.name if parent else place.name
        return place.name
    parent = gazetteer.place(place.county if place.level == "town" else place.city)
    if place.level == "town":
        return (local_name(parent) if parent else "") + place.name
    if place.name.endswith("区") and parent is not None:
        city = local_name(parent)
        if place.name.endswith(_ZONE_HEADS) and place.name.startswith(city.removesuffix("市")):
            return place.name
        return city + place.name
    return place.name


# A division of a bureau after the bureau's name: 中医局|科教处, 卫生健康委|医政科.
_DIVISION = re.compile(
    r"(?P<body>[\u4e00-\u9fff]{2,}?[局委厅办])(?P<division>[\u4e00-\u9fff]{2,4}[处科股])$"
)


def _abbreviates(short: str, full: str) -> bool:
    """市中医局 of 中医管理局: same first and last character, the rest in order."""
    if short == full or len(short) < 2 or short[0] != full[0] or short[-1] != full[-1]:
        return False
    chars = iter(full)
    return all(ch in chars for ch in short)


def split_place(surface: str, where: Jurisdiction) -> tuple[str, str, bool] | None:
    """(canonical place prefix, rest of the name, placed) or None when no place leads."""
    matches = gazetteer.find_places(surface)
    chain: list[gazetteer.PlaceMatch] = []
    for match in matches:
        if match.start != (chain[-1].end if chain else 0):
            break
        chain.append(match)
    if chain:
        scope: Place | None = None
        for match in chain:
            scope = where.locate(match.text, scope)
            if scope is None:
                return surface[: chain[-1].end], surface[chain[-1].end :], False
        assert scope is not None
        return local_name(scope), surface[chain[-1].end :], True
    if surface.startswith("自治区") and len(surface) > 3:
        named = where.for_level("自治区")
        return (named, surface[3:], True) if named else ("自治区", surface[3:], False)
    if surface.startswith("地区") and len(surface) > 2:
        named = where.for_level("地区")
        return (named, surface[2:], True) if named else ("地区", surface[2:], False)
    # 省级/市级/县级 qualify a thing's level (省级老年医学专科联盟); they name no place,
    # unless a body of the table begins with the 级 (市级机关工委).
    if (
        surface[:1] in "省市区县州盟"
        and len(surface) > 1
        and (surface[1] != "级" or surface[1:] in lx.load().bodies)
    ):
        named = where.for_level(surface[0])
        if named is not None:
            # 市县综合医院医联体: a compound of levels names a scope, not a place.
            # 省市场监管局 is the province's 市场监管局: a known body after the first level
            # character wins over the compound 省市.
            compound = surface[:2] in _LEVEL_COMPOUNDS and surface[1:] not in lx.load().bodies
            rest = surface if compound else surface[1:]
            return named, rest, True
        return surface[0], surface[1:], False
    return None


class Resolver:
    """Canonical names for one document."""

    def __init__(self, extraction: Extraction) -> None:
        self.lex = lx.load()
        header = extraction.header
        self.issuer = header.issuer
        place = gazetteer.jurisdiction_of(header.issuer or "", extraction.document.clean)
        self.where = Jurisdiction(place)
        self.place = place

    def national(self, surface: str) -> str | None:
        """The canonical name of a national body or of one of its units, else None.

        国家卫生健康委办公厅 → 国家卫生健康委员会办公厅, 国家卫生健康委基层司 →
        国家卫生健康委员会基层卫生健康司; units come from national_units.csv.
        """
        lex = self.lex
        if surface in lex.national:
            return lex.national[surface]
        for cut in range(len(surface) - 1, 1, -1):
            body, unit = surface[:cut], surface[cut:]
            canonical = lex.national.get(body)
            if canonical is not None:
                full = lex.units_of(canonical).get(unit)
                return canonical + full if full else None
        return None

    def _issuer_body(self) -> str | None:
        """The national body the issuer is or belongs to (its 办公厅 writes 我委 for it)."""
        issuer = self.national(self.issuer or "")
        if issuer is None:
            return None
        return max(
            (c for c in set(self.lex.national.values()) if issuer.startswith(c)),
            key=len,
            default=None,
        )

    def agency(self, surface: str) -> tuple[str, bool]:
        lex = self.lex
        national = self.national(surface)
        if national is not None:
            return national, True
        infixed = level_infixed(surface)
        if infixed is not None:
            return self.agency(infixed)
        if _RELATIVE.match(surface) and self.issuer:
            body = self._issuer_body()
            if body is not None and surface.endswith("委") and body.endswith("委员会"):
                return body, True
            return self.agency(self.issuer)[0], True
        unit = _RELATIVE_UNIT.match(surface)
        if unit and self._issuer_body():
            body = self._issuer_body() or ""
            full = lex.units_of(body).get(unit["unit"])
            if full:
                return body + full, True
        for short, full in lex.parties.items():
            if surface.startswith(short) and surface.endswith(("委", "委员会")):
                middle = surface[len(short) :].removesuffix("委员会").removesuffix("委")
                split = split_place(middle, self.where)
                if split and not split[1]:
                    return f"{full}{split[0]}委员会", split[2]
        if surface.startswith("政协") and surface.endswith("委员会"):
            split = split_place(surface[2:-3], self.where)
            if split and not split[1]:
                return f"中国人民政治协商会议{split[0]}委员会", split[2]
        if surface.startswith("中共") and len(surface) > 2:
            inner, placed = self.agency(surface[2:])
            return (inner if inner.startswith("中共") else surface), placed
        split = split_place(surface, self.where)
        if split is None:
            return surface, surface.startswith(("中国", "中华", "全国"))
        prefix, rest, placed = split
        if not placed:
            return surface, False
        full = self._placed_body(prefix, rest)
        if full is not None:
            return full, True
        # 市中医局科教处: a division written after its bureau's short name.
        division = _DIVISION.match(rest)
        if division:
            full = self._placed_body(prefix, division["body"])
            if full is not None:
                return full + division["division"], True
        return prefix + rest, True

    def _placed_body(self, prefix: str, rest: str) -> str | None:
        """The full name of body ``rest`` of place ``prefix``, if the table or the issuer knows it.

        The issuer's own body, abbreviated with its characters in order (市中医局 in a
        北京市中医管理局 document), is the issuer: places name their bodies in their
        own ways, and the table holds only the usual ones.
        """
        own = split_place(self.issuer, self.where) if self.issuer else None
        if own is not None and own[2] and own[0] == prefix and _abbreviates(rest, own[1]):
            return prefix + own[1]
        # 工业与信息化厅 is a variant spelling of the 工业和信息化厅 of the table.
        body = self.lex.bodies.get(rest) or self.lex.bodies.get(rest.replace("与", "和"))
        if body is not None:
            return body[0].format(P=prefix, S=gazetteer.short_name(prefix), L=prefix[-1])
        return None

    def institution(self, surface: str) -> tuple[str, bool]:
        known = self.lex.institutions.get(surface)
        scope = self.lex.institution_scope.get(surface)
        if known is not None and scope and (self.place is None or self.place.province != scope):
            return surface, False  # 朝阳医院 outside Beijing is no known hospital
        if known is not None:
            return known[0], True
        if _AFFILIATED.search(surface):
            # 四川大学华西医院, 浙江大学医学院附属第一医院: the university names it; a
            # place inside the university's name is no prefix to resolve.
            return surface, True
        split = split_place(surface, self.where)
        if split is None:
            town = self._town_short(surface)
            if town is not None:
                return town, True
        if split is None or not split[2]:
            return surface, False
        prefix, rest, _ = split
        for short, full in _expansions():
            if rest.endswith(short) and not rest.endswith(full):
                rest = rest[: -len(short)] + full
                break
        return prefix + rest, True

    def _town_short(self, surface: str) -> str | None:
        """祝桥社区卫生服务中心 → 上海市浦东新区祝桥社区卫生服务中心.

        A town written without 镇/街道/乡 is placed only when a town of that name lies
        inside the document's own jurisdiction; a community centre keeps its short form,
        a township hospital takes the town's name (神农卫生院 → 高平市神农镇卫生院).
        """
        if self.place is None:
            return None
        for size in (2, 3, 4):
            stem, rest = surface[:size], surface[size:]
            if rest not in ("社区卫生服务中心", "卫生院", "中心卫生院"):
                continue
            for suffix in ("镇", "街道", "乡"):
                towns = [
                    p
                    for p in gazetteer.places_named(stem + suffix)
                    if p.level == "town" and p.within(self.place)
                ]
                if len(towns) == 1:
                    town = towns[0]
                    county = gazetteer.place(town.county)
                    named = surface if rest == "社区卫生服务中心" else town.name + rest
                    return (local_name(county) if county else "") + named
        return None

    def consortium(self, entity: Entity) -> tuple[str, bool]:
        lead = entity.attributes.get("lead")
        # A specialty alliance is named by its specialty (浦东新区糖尿病专科联盟, led by
        # 周浦医院) and keeps that name; other consortia are named after their lead
        # (我区医共体 led by 区人民医院 → 枣庄市市中区人民医院医共体).
        own_name = entity.name.endswith("专科联盟") and not entity.name.startswith(lead or "")
        if lead and not own_name:
            lead_name, placed = self.institution(lead)
            rest = entity.name[len(lead) :] if entity.name.startswith(lead) else ""
            if rest and rest != "县域医共体" and rest in self._scoped_types():
                return lead_name + rest, placed  # 洛阳市中心医院 + 城市医疗集团
            type_word = next(
                (
                    w
                    for w in sorted(self.lex.consortium_types, key=len, reverse=True)
                    if entity.name.endswith(w)
                ),
                entity.attributes.get("kind") or "医共体",
            )
            if type_word == "县域医共体":
                type_word = "医共体"
            return lead_name + type_word, placed
        return self.institution(entity.name)

    def _scoped_types(self) -> set[str]:
        """Consortium type words, bare or after a scope word (城市医疗集团, 紧密型医共体)."""
        types = set(self.lex.consortium_types)
        return types | {f"{scope}{t}" for scope in ("城市", "紧密型") for t in types}

    def programme(self, surface: str) -> tuple[str, bool, bool | None]:
        known = self.lex.programmes.get(surface)
        if known is not None:
            return known.name, True, known.core
        return surface, True, None

    def name(self, entity: Entity) -> tuple[str, bool]:
        if entity.kind == "agency":
            return self.agency(entity.name)
        if entity.kind == "hospital":
            return self.institution(entity.name)
        if entity.kind == "consortium":
            return self.consortium(entity)
        if entity.kind == "programme":
            canonical, resolved, core = self.programme(entity.name)
            if core is not None:
                entity.attributes.setdefault("core", core)
            return canonical, resolved
        return entity.name, True


def resolve(extraction: Extraction) -> Extraction:
    """Set the jurisdiction and canonicalise every name; entities with one name merge."""
    resolver = Resolver(extraction)
    header = extraction.header
    if resolver.place is not None:
        header.jurisdiction = resolver.place.full_name
    printed = header.issuers or ([header.issuer] if header.issuer else [])
    surfaces = joint_issuers(header.title, printed) or printed
    issuers = []
    from_catalogue = []
    for surface in surfaces:
        issuer, placed = resolver.agency(surface)
        # the full name: 国家卫生健康委 → 国家卫生健康委员会
        issuers.append(issuer if placed else surface)
        if surface not in printed:
            from_catalogue.append(issuers[-1])
    if issuers:
        header.issuers = list(dict.fromkeys(issuers))
        header.issuer = header.issuers[0]
        if resolver.national(surfaces[0]) is not None and header.jurisdiction is None:
            header.jurisdiction = NATIONAL_JURISDICTION
    surface_map: dict[tuple[str, str], str] = {}
    merged: dict[tuple[str, str], Entity] = {}
    for entity in extraction.entities:
        canonical, resolved = resolver.name(entity)
        for label in [entity.name, *entity.labels]:
            surface_map[(entity.kind, label)] = canonical
        key = (entity.kind, canonical)
        target = merged.get(key)
        if target is None:
            target = Entity(
                kind=entity.kind,
                name=canonical,
                labels=[],
                mentions=[],
                resolved=resolved,
                attributes={},
            )
            merged[key] = target
        target.resolved = target.resolved or resolved
        for label in [entity.name, *entity.labels]:
            if label not in target.labels:
                target.labels.append(label)
        for mention in entity.mentions:
            if mention not in target.mentions:
                target.mentions.append(mention)
        _merge_attributes(target, entity.attributes)

    # An issuer known only from the authority file (中共中央 of 中共中央 国务院关于…, the
    # title printed without it) is still a body the document is issued by.
    for issuer in from_catalogue:
        if ("agency", issuer) not in merged:
            merged[("agency", issuer)] = Entity(
                kind="agency", name=issuer, labels=[issuer], mentions=[], resolved=True
            )
            surface_map[("agency", issuer)] = issuer

    def canon(surface: str | None, kinds: tuple[str, ...] = _KIND_ORDER) -> str | None:
        if surface is None:
            return None
        for kind in kinds:
            if (kind, surface) in surface_map:
                return surface_map[(kind, surface)]
        for kind in kinds:
            if kind in ("agency", "hospital"):
                lookup = resolver.agency if kind == "agency" else resolver.institution
                name, placed = lookup(surface)
                if placed:
                    return name
        return surface

    for entity in merged.values():
        if entity.kind == "consortium":
            entity.attributes["lead"] = canon(entity.attributes.get("lead"), ("hospital", "agency"))
            members = [
                canon(m, ("hospital", "agency")) for m in entity.attributes.get("members", [])
            ]
            entity.attributes["members"] = list(dict.fromkeys(m for m in members if m))
    relations = []
    for rel in extraction.relations:
        subject, obj = canon(rel.subject), canon(rel.object)
        relations.append(
            Relation(subject or rel.subject, rel.predicate, obj or rel.object, rel.mention)
        )
    _join_members(merged, relations)
    _link_offices(merged, resolver)
    extraction.relations = _unique(relations)
    for task in extraction.tasks:
        task.responsible = list(
            dict.fromkeys(canon(u, ("agency", "hospital")) or u for u in task.responsible)
        )
        task.lead = list(dict.fromkeys(canon(u, ("agency", "hospital")) or u for u in task.lead))
    for citation in extraction.citations:
        if citation.issuer:
            citation.issuer = " ".join(resolver.agency(part)[0] for part in citation.issuer.split())
    extraction.entities = list(merged.values())
    return extraction


# The general offices of a body: 国务院办公厅, X人民政府办公室, X卫生健康委办公室.
OFFICE_SUFFIXES = ("办公厅", "办公室")


def _link_offices(entities: dict[tuple[str, str], Entity], resolver: Resolver) -> None:
    """Give an office the body it belongs to as its parent (org:subOrganizationOf).

    Only when the document names that body too: the parent is then a node of the
    document's own graph, with its own evidence, and nothing is added to the
    agencies the document is said to name.
    """
    agencies = {name for kind, name in entities if kind == "agency"}
    for (kind, name), entity in entities.items():
        if kind != "agency" or "parent" in entity.attributes:
            continue
        for suffix in OFFICE_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                body, _placed = resolver.agency(name[: -len(suffix)])
                if body != name and body in agencies:
                    entity.attributes["parent"] = body
                    break


def _merge_attributes(target: Entity, attributes: dict) -> None:
    for key, value in attributes.items():
        if key == "members":
            merged = target.attributes.setdefault("members", [])
            merged.extend(v for v in value if v not in merged)
        elif target.attributes.get(key) in (None, False, "") and value not in (None, ""):
            target.attributes[key] = value
        else:
            target.attributes.setdefault(key, value)


def _join_members(entities: dict[tuple[str, str], Entity], relations: list[Relation]) -> None:
    """Whoever signs a 医共体 agreement with a consortium's lead is one of its members."""
    led = {
        e.attributes.get("lead"): e
        for e in entities.values()
        if e.kind == "consortium" and e.attributes.get("lead")
    }
    for rel in list(relations):
        if rel.predicate != "collaborates" or rel.mention is None:
            continue
        if not re.search(r"医共体|医联体|医疗集团", rel.mention.sentence):
            continue
        consortium = led.get(rel.subject)
        if consortium is not None and rel.object not in consortium.attributes.setdefault(
            "members", []
        ):
            consortium.attributes["members"].append(rel.object)
            relations.append(Relation(rel.object, "member_of", consortium.name, rel.mention))


def _unique(relations: list[Relation]) -> list[Relation]:
    seen, kept = set(), []
    for rel in relations:
        key = (rel.subject, rel.predicate, rel.object)
        if key not in seen:
            seen.add(key)
            kept.append(rel)
    return kept
