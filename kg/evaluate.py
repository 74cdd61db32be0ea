"""Scoring of extracted records against gold records, with the rules of FORMAT.md.

Every string is normalised first (NFKC, white space removed, year brackets of a 文号
unified to 〔〕).  A predicted name matches a gold entry when it equals its ``name``
or one of its ``aliases``; a citation matches by ``number`` when the gold has one,
else by ``title``.  Counts are summed per field over all documents (micro average);
a gold entry matched twice counts once.

The comparison rules that the real-document gold (``tests/fixtures/real/README.md``)
adds to FORMAT.md:

- task numbers are compared without their brackets or trailing marks
  (``（一）`` = ``一``, ``5.`` = ``5``);
- the jurisdiction ``全国`` is ``中华人民共和国``;
- a compound 文种 counts by its head (``实施意见`` = ``意见``);
- ``issuers`` lists every body of a joint document (scored as a list field, the first
  one is also ``issuer``).

``document`` sums the five header fields (number, issuer, title, date, type).  Every
miss is also kept per document (``Report.misses``) so that ``kg eval --misses`` can
say which fact went wrong where.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError

_YEAR_BRACKETS = re.compile(r"[\[［【（(﹝〔]\s*(\d{4})\s*[\]］】）)﹞〕]")

DOCUMENT_FIELDS = ("number", "issuer", "title", "date", "type", "jurisdiction")
HEADER_FIELDS = ("number", "issuer", "title", "date", "type")  # summed as ``document``

# 文种 heads, longest first, so that a compound type (实施意见, 工作方案) counts by its head.
DOCUMENT_TYPE_HEADS = (
    "通知",
    "意见",
    "办法",
    "方案",
    "规划",
    "计划",
    "纲要",
    "规定",
    "细则",
    "决定",
    "报告",
    "答复",
    "批复",
    "复函",
    "函",
    "通报",
    "公告",
    "通告",
    "解读",
    "指南",
    "标准",
    "规范",
    "要点",
    "总结",
    "情况",
    "条例",
    "决议",
    "命令",
    "议案",
    "纪要",
)
_SAME_JURISDICTION = {"全国": "中华人民共和国"}
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


def task_number(value: Any) -> str | None:
    """A task number without its brackets or trailing marks: ``（一）`` → ``一``."""
    text = norm(value)
    if text is None:
        return None
    return re.sub(r"^[（(〔【\[]+|[）)〕】\]、．.，,:：]+$", "", text) or text


def document_type_head(value: Any) -> str | None:
    text = norm(value)
    if text is None:
        return None
    return next((head for head in DOCUMENT_TYPE_HEADS if text.endswith(head)), text)


def jurisdiction(value: Any) -> str | None:
    text = norm(value)
    return _SAME_JURISDICTION.get(text, text) if text else None


@dataclass(frozen=True)
class Miss:
    """One fact scored wrong: ``missed`` (in the gold only) or ``spurious`` (predicted only)."""

    source: str
    field: str
    kind: str
    value: str


@dataclass
class Report:
    fields: dict[str, Score] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    misses: list[Miss] = field(default_factory=list)
    source: str = ""  # the document being scored, for ``misses``

    def score(self, name: str) -> Score:
        return self.fields.setdefault(name, Score())

    def miss(self, name: str, kind: str, value: Any) -> None:
        self.misses.append(Miss(self.source, name, kind, str(value)))

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


def _single(
    report: Report,
    name: str,
    predicted: Any,
    gold: Any,
    key: Callable[[Any], str | None] = norm,
    total: str | None = None,
) -> None:
    """Score one value; ``total`` names a field that sums several such values."""
    p, g = key(predicted), key(gold)
    scores = [report.score(name)] + ([report.score(total)] if total else [])
    if p is None and g is None:
        return
    for score in scores:
        if p == g:
            score.tp += 1
            continue
        score.fp += p is not None
        score.fn += g is not None
    if p != g and p is not None:
        report.miss(name, "spurious", predicted)
    if p != g and g is not None:
        report.miss(name, "missed", gold)


def _gold_keys(entry: Mapping[str, Any], key: str = "name") -> set[str]:
    keys = {norm(entry.get(key))} | {norm(a) for a in entry.get("aliases", []) or []}
    return {k for k in keys if k}


def _match_names(
    report: Report,
    name: str,
    predicted: Iterable[str | None],
    gold_entries: Sequence[Mapping[str, Any]],
    key: str = "name",
    normalise: Callable[[Any], str | None] = norm,
) -> dict[int, str]:
    """Count matches of predicted names against gold entries; return gold index → name."""
    score = report.score(name)
    gold_keys = [{normalise(k) for k in _gold_keys(entry, key)} for entry in gold_entries]
    matched: dict[int, str] = {}
    for value in predicted:
        n = normalise(value)
        if n is None:
            continue
        # Gold entries that share a key (the （一） of each appended plan) are matched one
        # by one: an entry not yet matched first.
        hits = [i for i, keys in enumerate(gold_keys) if n in keys]
        hit = next((i for i in hits if i not in matched), hits[0] if hits else None)
        if hit is None:
            score.fp += 1
            report.miss(name, "spurious", value)
        elif hit not in matched:
            score.tp += 1
            matched[hit] = n
        # a gold entry matched twice counts once: the duplicate is neither tp nor fp
    score.fn += len(gold_entries) - len(matched)
    for i, entry in enumerate(gold_entries):
        if i not in matched:
            report.miss(name, "missed", entry.get(key))
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
    keys = {"type": document_type_head, "jurisdiction": jurisdiction}
    for name in DOCUMENT_FIELDS:
        _single(
            report,
            f"document.{name}",
            pdoc.get(name),
            gdoc.get(name),
            keys.get(name, norm),
            total="document" if name in HEADER_FIELDS else None,
        )
    if gdoc.get("issuers") or pdoc.get("issuers"):
        gold_issuers = gdoc.get("issuers") or [gdoc.get("issuer")]
        _match_names(
            report,
            "document.issuers",
            pdoc.get("issuers") or [pdoc.get("issuer")],
            [{"name": i} for i in gold_issuers if i],
        )

    panswers, ganswers = predicted.get("answers"), gold.get("answers")
    if panswers or ganswers:
        for name in ANSWER_FIELDS:
            value_p = (panswers or {}).get(name)
            value_g = (ganswers or {}).get(name)
            _single(report, f"answers.{name}", value_p, value_g)
            _single(report, "answers", value_p, value_g)

    _score_cites(report, predicted.get("cites") or [], gold.get("cites") or [])

    for section in ("agencies", "hospitals", "consortia", "people"):
        _match_names(
            report,
            section,
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
            report.miss("cites", "spurious", cite.get("number") or cite.get("title"))
        elif hit not in matched:
            score.tp += 1
            matched.add(hit)
    score.fn += len(gold) - len(matched)
    for i, entry in enumerate(gold):
        if i not in matched:
            report.miss("cites", "missed", entry.get("number") or entry.get("title"))

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
    for pair in sorted(predicted_pairs - gold_pairs, key=str):
        report.miss("people.role", "spurious", "/".join(map(str, pair)))
    for pair in sorted(gold_pairs - predicted_pairs, key=str):
        report.miss("people.role", "missed", "/".join(map(str, pair)))


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
            report.miss("consortia.lead", "spurious", f"{name}: {lead}")
        if gold_lead is not None:
            score.fn += 1
            report.miss("consortia.lead", "missed", f"{name}: {gold_lead}")
    for i, entry in enumerate(gold_entries):
        if i not in seen and entry.get("lead"):
            score.fn += 1
            report.miss("consortia.lead", "missed", f"{entry.get('name')}: {entry['lead']}")


def _score_programmes(report: Report, predicted: list[dict], gold: list[dict]) -> None:
    # Precision over every gold programme; recall over the core ones only.
    _match_names(report, "programmes", [p.get("name") for p in predicted], gold)
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
    # A document that appends several plans numbers each from （一） again: tasks of one
    # number pair by title where one matches, else in document order.
    predicted_tasks: dict[str | None, list[Mapping]] = {}
    for t in predicted.get("tasks") or []:
        predicted_tasks.setdefault(task_number(t.get("number")), []).append(t)
    for task in gold.get("tasks") or []:
        number = task_number(task.get("number"))
        gold_units = {n for u in task.get("responsible") or [] if (n := norm(u))}
        mine = _same_task(predicted_tasks.get(number) or [], task)
        units = {aliases.get(n, n) for u in (mine or {}).get("responsible") or [] if (n := norm(u))}
        score.tp += len(units & gold_units)
        score.fp += len(units - gold_units)
        score.fn += len(gold_units - units)
        for unit in sorted(units - gold_units, key=str):
            report.miss("tasks.responsible", "spurious", f"{number}: {unit}")
        for unit in sorted(gold_units - units, key=str):
            report.miss("tasks.responsible", "missed", f"{number}: {unit}")
    for number, leftovers in predicted_tasks.items():
        for unit in (u for t in leftovers for u in t.get("responsible") or []):
            score.fp += 1
            report.miss("tasks.responsible", "spurious", f"{number}: {unit}")
    _match_names(
        report,
        "tasks",
        [t.get("number") for t in predicted.get("tasks") or []],
        [{"name": t.get("number")} for t in gold.get("tasks") or []],
        normalise=task_number,
    )


def _same_task(candidates: list[Mapping], gold_task: Mapping) -> Mapping | None:
    """Take from ``candidates`` the task whose title matches the gold one, else the first."""
    if not candidates:
        return None
    title = norm(gold_task.get("title")) or ""
    for k, candidate in enumerate(candidates):
        mine = norm(candidate.get("title")) or ""
        if title and mine and (mine.startswith(title) or title.startswith(mine)):
            return candidates.pop(k)
    return candidates.pop(0)


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


def evaluate(
    gold: Mapping[str, Mapping[str, Any]], predicted: Mapping[str, Mapping[str, Any]]
) -> Report:
    """Score predicted records (keyed by source file name) against gold records."""
    report = Report()
    for source, gold_record in gold.items():
        report.source = source
        mine = predicted.get(source)
        if mine is None:
            report.errors.append(f"no prediction for {source}")
            mine = {}
        score_document(report, mine, gold_record)
    return report
