"""The extraction and resolution vocabularies under kg/data/lexicons, loaded once.

Everything here is general vocabulary of Chinese health-policy documents (the type
words that end a body's or an institution's name, national bodies and their short
forms, democratic parties, well-known national programmes), kept in CSV/JSONL/JSON
data files so that a new short form is a data change, not a code change.
"""

from __future__ import annotations

import csv
import functools
import itertools
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick

LEXICON_DIR = Path(__file__).resolve().parent.parent / "data" / "lexicons"


def _rows(name: str, directory: Path) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


def automaton(words: dict[str, Any]) -> ahocorasick.Automaton:
    """An Aho-Corasick automaton whose values are ``(word, payload)``."""
    auto = ahocorasick.Automaton()
    for word, payload in words.items():
        auto.add_word(word, (word, payload))
    if words:
        auto.make_automaton()
    return auto


@cache
def words_automaton(words: tuple[str, ...]) -> ahocorasick.Automaton:
    """An automaton of a fixed word list, built once and shared by every sentence."""
    return automaton(dict.fromkeys(words))


@cache
def pairs_automaton(
    firsts: tuple[str, ...], seconds: tuple[str, ...]
) -> tuple[ahocorasick.Automaton, tuple[tuple[str, str], ...], dict[str, tuple[int, ...]]]:
    """An automaton of every first + second, the pairs in nested-loop order, and for each
    joined string the indices of the pairs that spell it."""
    pairs = tuple(itertools.product(firsts, seconds))
    spelt: dict[str, list[int]] = {}
    for index, (first, second) in enumerate(pairs):
        spelt.setdefault(first + second, []).append(index)
    return automaton(spelt), pairs, {joined: tuple(ix) for joined, ix in spelt.items()}


def present_pairs(
    text: str, firsts: tuple[str, ...], seconds: tuple[str, ...]
) -> list[tuple[str, str]]:
    """The (first, second) pairs whose concatenation occurs in ``text``, in the order of
    ``for first in firsts: for second in seconds``: one automaton pass replaces a
    ``str.rfind`` per pair wherever a loop over all pairs only acts on the ones found."""
    auto, pairs, spelt = pairs_automaton(firsts, seconds)
    if len(auto) == 0:
        return []
    found = sorted({index for _end, (joined, _) in auto.iter(text) for index in spelt[joined]})
    return [pairs[index] for index in found]


def hits(auto: ahocorasick.Automaton, text: str) -> list[tuple[int, int, str, Any]]:
    """Every (start, end, word, payload) occurrence, overlapping ones included."""
    if len(auto) == 0:
        return []
    return [
        (end - len(word) + 1, end + 1, word, payload) for end, (word, payload) in auto.iter(text)
    ]


def longest_per_end(found: list[tuple[int, int, str, Any]]) -> list[tuple[int, int, str, Any]]:
    """Of hits ending at the same place keep the longest (专科联盟 over 联盟)."""
    best: dict[int, tuple[int, int, str, Any]] = {}
    for hit in found:
        kept = best.get(hit[1])
        if kept is None or hit[0] < kept[0]:
            best[hit[1]] = hit
    return sorted(best.values())


@dataclass(frozen=True)
class Programme:
    name: str
    core: bool


@dataclass(frozen=True)
class Lexicons:
    """All vocabularies; built once per directory."""

    bodies: dict[str, tuple[str, bool]]  # body → (template with {P}, strict boundary)
    national: dict[str, str]  # alias → canonical
    parties: dict[str, str]  # short → full
    hospital_types: dict[str, str]  # suffix → kind
    consortium_types: dict[str, str]  # suffix → kind
    programmes: dict[str, Programme]  # name or alias → programme
    national_units: dict[str, dict[str, str]]  # national canonical → {unit as written: full}
    institutions: dict[str, tuple[str, str]]  # institution alias → (canonical, kind)
    institution_scope: dict[str, str]  # a bare alias → the province code it names a hospital in
    words: dict[str, Any]  # extraction.json
    body_auto: ahocorasick.Automaton
    national_auto: ahocorasick.Automaton
    hospital_auto: ahocorasick.Automaton
    consortium_auto: ahocorasick.Automaton
    programme_auto: ahocorasick.Automaton
    institution_auto: ahocorasick.Automaton
    trigger_auto: ahocorasick.Automaton

    # Derived once per Lexicons (cached_property writes to the instance's __dict__, which
    # a frozen dataclass allows): the rules ask for them in every sentence.
    @functools.cached_property
    def stop_tokens(self) -> frozenset[str]:
        return frozenset(self.words["stop_tokens"])

    @functools.cached_property
    def generic_stop_tokens(self) -> frozenset[str]:
        return frozenset(self.words["generic_stop_tokens"])

    @functools.cached_property
    def programme_rank(self) -> dict[str, int]:
        """Each programme name's place in the lexicon: the first listed wins a tie."""
        return {name: rank for rank, name in enumerate(self.programmes)}

    @functools.cached_property
    def national_unit_bureaus(self) -> frozenset[str]:
        """Units (司, 局) of any national body, as 我委基层卫生健康司 names them."""
        return frozenset(
            u for body in self.national_units.values() for u in body if u.endswith(("司", "局"))
        )

    def units_of(self, canonical: str) -> dict[str, str]:
        """The internal units of a national body: {unit as written: full unit name}.

        Every body has a general office (财政部办公厅, 国家医保局办公室); the rest come
        from national_units.csv.
        """
        return {"办公厅": "办公厅", "办公室": "办公室", **self.national_units.get(canonical, {})}


@cache
def load(directory: str = str(LEXICON_DIR)) -> Lexicons:
    base = Path(directory)
    bodies = {
        r["body"]: (r["template"], r["strict"] == "1") for r in _rows("agency_bodies.csv", base)
    }
    # 区人大常委会人代工委: a working body is its parent's template plus the unit's full name.
    for row in _rows("committee_units.csv", base):
        parent = bodies.get(row["parent"])
        if parent is not None:
            bodies.setdefault(row["parent"] + row["unit"], (parent[0] + row["full"], False))
    national = {r["alias"]: r["canonical"] for r in _rows("national_bodies.csv", base)}
    parties = {r["short"]: r["full"] for r in _rows("parties.csv", base)}
    hospital_types = {r["suffix"]: r["kind"] for r in _rows("hospital_types.csv", base)}
    consortium_types = {r["suffix"]: r["kind"] for r in _rows("consortium_types.csv", base)}
    programmes: dict[str, Programme] = {}
    for line in (base / "programmes.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        programme = Programme(record["name"], bool(record.get("core", False)))
        for name in [record["name"], *record.get("aliases", [])]:
            programmes[name] = programme
    national_units: dict[str, dict[str, str]] = {}
    for r in _rows("national_units.csv", base):
        national_units.setdefault(r["parent"], {})[r["unit"]] = r["full"]
    institutions = {
        r["alias"]: (r["canonical"], r["kind"]) for r in _rows("national_institutions.csv", base)
    }
    regional = _rows("regional_institutions.csv", base)
    institutions.update({r["alias"]: (r["canonical"], r["kind"]) for r in regional})
    institution_scope = {r["alias"]: r["province"] for r in regional if r["province"]}
    words = json.loads((base / "extraction.json").read_text(encoding="utf-8"))
    # A sentence is worth a spaCy Doc only if one of these occurs in it.
    triggers: dict[str, None] = dict.fromkeys(
        [
            *bodies,
            *national,
            *parties,
            *hospital_types,
            *consortium_types,
            *programmes,
            *institutions,
            *words["programme_suffixes"],
            *words["association_suffixes"],
            "“",
            "领导小组",
            "管委会",
            "牵头",
            "帮扶",
            "支援",
            "托管",
            "协作",
            "签约",
            "合作",
        ]
    )
    return Lexicons(
        bodies=bodies,
        national=national,
        parties=parties,
        hospital_types=hospital_types,
        consortium_types=consortium_types,
        programmes=programmes,
        national_units=national_units,
        institutions=institutions,
        institution_scope=institution_scope,
        words=words,
        body_auto=automaton(bodies),
        national_auto=automaton(national),
        hospital_auto=automaton(hospital_types),
        consortium_auto=automaton(consortium_types),
        programme_auto=automaton(programmes),
        institution_auto=automaton(institutions),
        trigger_auto=automaton(triggers),
    )
