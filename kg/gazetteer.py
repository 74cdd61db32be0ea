"""Administrative divisions: find place names in text and fix a document's jurisdiction.

Names repeat across the country (市中区 is a district of 济南, 枣庄, 内江 and 乐山), so a
name alone never fixes a place: ``jurisdiction_of`` reads the issuer's whole chain of
names (枣庄市 + 市中区) and, where the issuer names only a county, lets the rest of the
text vote.  Data: kg/data/admin-divisions/*.csv (statistical division codes).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick

DATA_DIR = Path(__file__).resolve().parent / "data" / "admin-divisions"

LEVELS = ("province", "city", "county", "town")
# cities.csv holds this placeholder for the districts of a direct-administered
# municipality (北京市 → 市辖区 → 东城区); it is never a name in running text.
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# Suffixes dropped to get the short form of a province or prefecture (湖南省 → 湖南).
_SHORT_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "特别行政区",
    "省",
    "市",
    "地区",
    "盟",
)


@dataclass(frozen=True)
class Place:
    """One administrative division; ``full_name`` is province first (湖南省益阳市资阳区)."""

    code: str
    name: str
    level: str  # "province" | "city" | "county" | "town"
    full_name: str
    province: str  # code of each ancestor, "" where none
    city: str = ""
    county: str = ""

    def within(self, other: Place) -> bool:
        """True when this place is ``other`` or lies inside it."""
        return self.code.startswith(other.code)

    @property
    def is_district(self) -> bool:
        """A 市辖区: its name is only unique with its prefecture (市中区 → 枣庄市市中区)."""
        return self.level == "county" and self.name.endswith("区")


@dataclass(frozen=True)
class PlaceMatch:
    """A place name found in text; ``places`` are every division of that name."""

    start: int
    end: int
    text: str
    places: tuple[Place, ...]


@dataclass(frozen=True)
class _Gazetteer:
    by_code: dict[str, Place]
    by_name: dict[str, tuple[Place, ...]]
    automaton: ahocorasick.Automaton


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def short_name(name: str) -> str:
    """湖南省 → 湖南, 益阳市 → 益阳; a name with nothing left to strip is returned as is."""
    for suffix in _SHORT_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


# Township-level units named only by their kind (经济开发区, 高新技术产业开发区, 工业园区管委会):
# the name is every zone's, so it is no place name (they stay reachable by code).
_KIND_OF_ZONE = re.compile(
    r"^(?:经济技术|经济|高新技术产业|高新技术|工业|农业|综合|产业)?(?:开发区|园区|高新区|工业园区|新区)"
    r"(?:管委会|管理委员会)?$"
)


@cache
def province_short_names() -> tuple[str, ...]:
    """The provinces' short names (江西, 内蒙古, 新疆), longest first."""
    provinces = (place(str(code)) for code in range(11, 66))
    return tuple(sorted({short_name(p.name) for p in provinces if p}, key=len, reverse=True))


# 阜新蒙古族自治县, 长阳土家族自治县, 海南藏族自治州: the stem before the peoples.
_AUTONOMOUS = re.compile(
    r"^(?P<stem>[\u4e00-\u9fff]{2,5}?)(?P<peoples>(?:[\u4e00-\u9fff]{1,4}族)+)自治(?P<level>[县州])$"
)


def autonomous_short_forms(name: str) -> tuple[str, ...]:
    """The short forms documents write for an autonomous county or prefecture.

    Documents drop the peoples (长阳土家族自治县 → 长阳县, 海南藏族自治州 → 海南州,
    恩施土家族苗族自治州 → 恩施州); a county's own documents also keep the first
    character of the stem and of the first people (阜新蒙古族自治县 → 阜蒙县).
    """
    found = _AUTONOMOUS.match(name)
    if found is None:
        return ()
    stem, peoples, level = found.group("stem"), found.group("peoples"), found.group("level")
    if level == "州":
        return (stem + "州",)
    return (stem + "县", stem[0] + peoples[0] + "县")


@cache
def _gazetteer() -> _Gazetteer:
    by_code: dict[str, Place] = {}
    for row in _read("provinces.csv"):
        by_code[row["code"]] = Place(row["code"], row["name"], "province", row["name"], row["code"])
    for row in _read("cities.csv"):
        province = by_code[row["provinceCode"]]
        name = row["name"]
        full = province.full_name if name in _PLACEHOLDERS else province.full_name + name
        by_code[row["code"]] = Place(row["code"], name, "city", full, province.code, row["code"])
    for row in _read("areas.csv"):
        city = by_code[row["cityCode"]]
        full = city.full_name + row["name"]
        by_code[row["code"]] = Place(
            row["code"], row["name"], "county", full, city.province, city.code, row["code"]
        )
    for row in _read("streets.csv"):
        county = by_code.get(row["areaCode"])
        if county is None:
            continue
        by_code[row["code"]] = Place(
            row["code"],
            row["name"],
            "town",
            county.full_name + row["name"],
            county.province,
            county.city,
            county.code,
        )
    names: dict[str, list[Place]] = {}
    for place in by_code.values():
        if place.name in _PLACEHOLDERS or (
            place.level == "town" and _KIND_OF_ZONE.match(place.name)
        ):
            continue
        names.setdefault(place.name, []).append(place)
    for place in list(by_code.values()):
        for alias in autonomous_short_forms(place.name):
            if alias not in names:  # never shadow a real division's own name
                names[alias] = [place]
    automaton = ahocorasick.Automaton()
    for name, places in names.items():
        automaton.add_word(name, (name, tuple(places)))
    automaton.make_automaton()
    return _Gazetteer(by_code, {k: tuple(v) for k, v in names.items()}, automaton)


def place(code: str) -> Place | None:
    """The division with this statistical code (2, 4, 6 or 9 digits)."""
    return _gazetteer().by_code.get(code)


def places_named(name: str) -> tuple[Place, ...]:
    """Every division of exactly this name, in code order."""
    return _gazetteer().by_name.get(name, ())


def find_places(text: str, levels: tuple[str, ...] = LEVELS) -> list[PlaceMatch]:
    """Place names in ``text``, longest first where they overlap, left to right."""
    # (start, -length, name, places): sorted, the leftmost and then the longest come
    # first; one name occurs once at a start, so the tuples never tie.
    found: list[tuple[int, int, str, tuple[Place, ...]]] = []
    every_level = levels == LEVELS  # every place has one of LEVELS: nothing to filter
    for end, (name, places) in _gazetteer().automaton.iter(text):
        kept = places if every_level else tuple(p for p in places if p.level in levels)
        if kept:
            found.append((end - len(name) + 1, -len(name), name, kept))
    found.sort()
    chosen: list[PlaceMatch] = []
    reached = 0
    for start, negative_length, name, kept in found:
        if chosen and start < reached:
            continue
        reached = start - negative_length
        chosen.append(PlaceMatch(start, reached, name, kept))
    return chosen


def ancestors(of: Place) -> list[Place]:
    """The place and its parents, most specific first."""
    chain = [of]
    for code in (of.county, of.city, of.province):
        if code and code != of.code:
            parent = place(code)
            if parent is not None and parent not in chain:
                chain.append(parent)
    return chain


def find_within(name: str, scope: Place) -> Place | None:
    """The one division called ``name`` inside ``scope`` (or ``scope``'s ancestors)."""
    candidates = places_named(name)
    for area in ancestors(scope):
        inside = [p for p in candidates if p.within(area)]
        if len(inside) == 1:
            return inside[0]
        if len(inside) > 1:
            return None
    return None


def jurisdiction_of(issuer: str, text: str = "") -> Place | None:
    """The area an issuer governs: the most specific place named in its name.

    A chain (枣庄市市中区) fixes each link by its parent; a lone ambiguous name
    (市中区人民政府) is decided by the places the rest of the text names.
    """
    matches = find_places(issuer or "", levels=("province", "city", "county"))
    if not matches:
        return None
    scope: Place | None = None
    for match in matches:
        candidates = match.places
        if scope is not None:
            inside = [p for p in candidates if p.within(scope)]
            if inside:
                candidates = tuple(inside)
            else:
                continue
        if len(candidates) > 1 and text:
            voted = _vote(candidates, text)
            candidates = (voted,) if voted is not None else ()
        if len(candidates) == 1 and candidates[0] is not None:
            scope = candidates[0]
    return scope


def _vote(candidates: tuple[Place, ...], text: str) -> Place | None:
    """The candidate whose ancestors the text names most often; None on a tie."""
    named = Counter(
        p.code for m in find_places(text, levels=("province", "city")) for p in m.places
    )
    scores = sorted(
        ((sum(named[a.code] for a in ancestors(c)[1:]), c) for c in candidates),
        key=lambda pair: -pair[0],
    )
    if not scores or scores[0][0] == 0 or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None
    return scores[0][1]
