"""Scoring of extracted records against gold records, with the rules of FORMAT.md.

Every string is normalised first (NFKC, white space removed, year brackets of a 文号
unified to 〔〕).  A predicted name matches a gold entry when it equals its ``name``
or one of its ``aliases``; a citation matches by ``number`` when the gold has one,
else by ``title``.  Counts are summed per field over all documents (micro average);
a gold entry matched twice counts once.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError

_YEAR_BRACKETS = re.compile(r"[\[［【（(﹝〔]\s*(\d{4})\s*[\]］】）)﹞〕]")

DOCUMENT_FIELDS = ("number", "issuer", "title", "date", "type", "jurisdiction")
ANSWER_FIELDS = ("body", "session", "kind", "number", "title", "proposer")


def norm(value: Any) -> str | None:
    if value is None:
        return None
    text = "".join(unicodedata.normalize("NFKC", str(value)).split())
    text = _YEAR_BRACKETS.sub(r"〔\1〕", text)
    return text or None


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    fields: dict[str, Score] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def score(self, name: str) -> Score:
        return self.fields.setdefault(name, Score())

    def as_dict(self) -> dict[str, dict[str, float | int]]:
        return {
            name: {
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "f1": round(s.f1, 4),
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
            }
            for name, s in sorted(self.fields.items())
        }


def _single(score: Score, predicted: Any, gold: Any) -> None:
    p, g = norm(predicted), norm(gold)
    if p is None and g is None:
        return
    if p == g:
        score.tp += 1
        return
    if p is not None:
        score.fp += 1
    if g is not None:
        score.fn += 1


def _gold_keys(entry: Mapping[str, Any], key: str = "name") -> set[str]:
    keys = {norm(entry.get(key))} | {norm(a) for a in entry.get("aliases", []) or []}
    return {k for k in keys if k}


def _match_names(
    score: Score,
    predicted: Iterable[str | None],
    gold_entries: list[Mapping[str, Any]],
    key: str = "name",
) -> dict[int, str]:
    """Count matches of predicted names against gold entries; return gold index → name."""
    gold_keys = [_gold_keys(entry, key) for entry in gold_entries]
    matched: dict[int, str] = {}
    for name in predicted:
        n = norm(name)
        if n is None:
            continue
        hit = next((i for i, keys in enumerate(gold_keys) if n in keys), None)
        if hit is None:
            score.fp += 1
        elif hit not in matched:
            score.tp += 1
            matched[hit] = n
        # a gold entry matched twice counts once: the duplicate is neither tp nor fp
    score.fn += len(gold_entries) - len(matched)
    return matched


def _alias_index(gold: Mapping[str, Any]) -> dict[str, str]:
    """Every alias of every named gold entity → its canonical name, for list fields."""
    index = {}
    for section in ("agencies", "hospitals", "consortia"):
        for entry in gold.get(section) or []:
            for key in _gold_keys(entry):
                index[key] = norm(entry["name"]) or key
    return index


def score_document(report: Report, predicted: Mapping[str, Any], gold: Mapping[str, Any]) -> None:
    pdoc, gdoc = predicted.get("document") or {}, gold.get("document") or {}
    for name in DOCUMENT_FIELDS:
        _single(report.score(f"document.{name}"), pdoc.get(name), gdoc.get(name))

    panswers, ganswers = predicted.get("answers"), gold.get("answers")
    if panswers or ganswers:
        for name in ANSWER_FIELDS:
            value_p = (panswers or {}).get(name)
            value_g = (ganswers or {}).get(name)
            _single(report.score(f"answers.{name}"), value_p, value_g)
            _single(report.score("answers"), value_p, value_g)

    _score_cites(report, predicted.get("cites") or [], gold.get("cites") or [])

    for section in ("agencies", "hospitals", "consortia", "people"):
        _match_names(
            report.score(section),
            [e.get("name") for e in predicted.get(section) or []],
            list(gold.get(section) or []),
        )
    _score_people_roles(report, predicted.get("people") or [], gold.get("people") or [])
    _score_consortium_leads(report, predicted, gold)
    _score_programmes(report, predicted.get("programmes") or [], gold.get("programmes") or [])
    _score_tasks(report, predicted, gold)


def _score_cites(report: Report, predicted: list[dict], gold: list[dict]) -> None:
    score = report.score("cites")
    matched: set[int] = set()
    for cite in predicted:
        number, title = norm(cite.get("number")), norm(cite.get("title"))
        hit = None
        for i, entry in enumerate(gold):
            if entry.get("number"):
                if number and number == norm(entry["number"]):
                    hit = i
            elif title and title in _gold_keys(entry, "title"):
                hit = i
            if hit is not None:
                break
        if hit is None:
            score.fp += 1
        elif hit not in matched:
            score.tp += 1
            matched.add(hit)
    score.fn += len(gold) - len(matched)

    numbers = report.score("cites.number")
    gold_numbers = {norm(c["number"]) for c in gold if c.get("number")}
    predicted_numbers = {norm(c["number"]) for c in predicted if c.get("number")}
    numbers.tp += len(gold_numbers & predicted_numbers)
    numbers.fp += len(predicted_numbers - gold_numbers)
    numbers.fn += len(gold_numbers - predicted_numbers)


def _score_people_roles(report: Report, predicted: list[dict], gold: list[dict]) -> None:
    score = report.score("people.role")
    gold_pairs = {(norm(p.get("name")), norm(p.get("role"))) for p in gold}
    predicted_pairs = {(norm(p.get("name")), norm(p.get("role"))) for p in predicted}
    score.tp += len(gold_pairs & predicted_pairs)
    score.fp += len(predicted_pairs - gold_pairs)
    score.fn += len(gold_pairs - predicted_pairs)


def _score_consortium_leads(report: Report, predicted: Mapping, gold: Mapping) -> None:
    score = report.score("consortia.lead")
    aliases = _alias_index(gold)
    gold_entries = list(gold.get("consortia") or [])
    gold_keys = [_gold_keys(e) for e in gold_entries]
    seen: set[int] = set()
    for consortium in predicted.get("consortia") or []:
        name, lead = norm(consortium.get("name")), norm(consortium.get("lead"))
        hit = next((i for i, keys in enumerate(gold_keys) if name in keys), None)
        gold_lead = norm(gold_entries[hit].get("lead")) if hit is not None else None
        if hit is not None:
            seen.add(hit)
        if lead is None and gold_lead is None:
            continue
        if lead is not None and gold_lead is not None and aliases.get(lead, lead) == gold_lead:
            score.tp += 1
            continue
        if lead is not None:
            score.fp += 1
        if gold_lead is not None:
            score.fn += 1
    for i, entry in enumerate(gold_entries):
        if i not in seen and entry.get("lead"):
            score.fn += 1


def _score_programmes(report: Report, predicted: list[dict], gold: list[dict]) -> None:
    # Precision over every gold programme; recall over the core ones only.
    everything = report.score("programmes")
    _match_names(everything, [p.get("name") for p in predicted], gold)
    core = report.score("programmes.core")
    core_gold = [g for g in gold if g.get("core", True)]
    all_keys = [_gold_keys(g) for g in gold]
    core_keys = [_gold_keys(g) for g in core_gold]
    matched_core: set[int] = set()
    for programme in predicted:
        n = norm(programme.get("name"))
        if n is None:
            continue
        hit_core = next((i for i, keys in enumerate(core_keys) if n in keys), None)
        if hit_core is not None:
            if hit_core not in matched_core:
                core.tp += 1
                matched_core.add(hit_core)
        elif not any(n in keys for keys in all_keys):
            core.fp += 1
    core.fn += len(core_gold) - len(matched_core)


def _score_tasks(report: Report, predicted: Mapping, gold: Mapping) -> None:
    score = report.score("tasks.responsible")
    aliases = _alias_index(gold)
    predicted_tasks = {norm(t.get("number")): t for t in predicted.get("tasks") or []}
    for task in gold.get("tasks") or []:
        gold_units = {norm(u) for u in task.get("responsible") or []}
        mine = predicted_tasks.pop(norm(task.get("number")), None)
        units = {aliases.get(norm(u), norm(u)) for u in (mine or {}).get("responsible") or []}
        score.tp += len(units & gold_units)
        score.fp += len(units - gold_units)
        score.fn += len(gold_units - units)
    for leftover in predicted_tasks.values():
        score.fp += len(leftover.get("responsible") or [])
    _match_names(
        report.score("tasks"),
        [t.get("number") for t in predicted.get("tasks") or []],
        [{"name": t.get("number")} for t in gold.get("tasks") or []],
    )


def load_gold(gold_dir: Path) -> dict[str, dict[str, Any]]:
    if not gold_dir.is_dir():
        raise KgError(f"{gold_dir} is not a directory of gold .json files")
    gold = {}
    for path in sorted(gold_dir.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        gold[record.get("source") or path.with_suffix(".txt").name] = record
    if not gold:
        raise KgError(f"no gold .json files in {gold_dir}")
    return gold


def evaluate(gold: Mapping[str, Mapping[str, Any]], predicted: Mapping[str, Mapping[str, Any]]) -> Report:
    """Score predicted records (keyed by source file name) against gold records."""
    report = Report()
    for source, gold_record in gold.items():
        mine = predicted.get(source)
        if mine is None:
            report.errors.append(f"no prediction for {source}")
            mine = {}
        score_document(report, mine, gold_record)
    return report
