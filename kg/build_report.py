"""What `kg build --report FILE.json` writes: one outcome per corpus file, and the totals.

``FileOutcome`` is one row; the build appends one for every file it lists (read,
skipped, failed) and for every document it drops because its file is gone.
``report_json`` gives the JSON object whose shape README's "Build report" section
documents; ``shared_numbers`` finds files whose documents claim one 文号.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kg.errors import KgError
from kg.rdf import ELI, HP
from kg.store import GraphStore

if TYPE_CHECKING:
    from kg.build import BuildReport

Outcome = Literal["added", "replaced", "unchanged", "skipped", "failed", "removed"]
OUTCOMES: tuple[Outcome, ...] = ("added", "replaced", "unchanged", "skipped", "failed", "removed")
REPORT_VERSION = 1


@dataclass(frozen=True)
class FileOutcome:
    """What the build did with one file: ``reason`` says why for skipped and failed files,
    and carries a note (a 文号 shared with another file) for a built one."""

    source: str  # path relative to the corpus folder: the key the store keeps
    path: str  # the path as the build opened it
    format: str
    outcome: Outcome
    reason: str | None = None
    seconds: float = 0.0  # reading, extracting and mapping it (0 for skipped and removed)
    quads: int = 0  # quads written for it in this build


# A document node names its own file (kg.rdf.mapping); a cited document has a number but no file.
_SHARED_NUMBERS = f"""SELECT ?number ?source WHERE {{
  GRAPH ?g {{ ?doc <{HP.sourceFile}> ?source ; <{ELI.id_local}> ?number }}
  FILTER(?doc != ?g)
}}"""


def shared_numbers(store: GraphStore) -> dict[str, tuple[str, list[str]]]:
    """Source → (文号, the other sources whose documents state it), for a 文号 of several files."""
    by_number: dict[str, set[str]] = {}
    for row in store.select(_SHARED_NUMBERS):
        by_number.setdefault(row["number"], set()).add(row["source"])
    return {
        source: (number, sorted(sources - {source}))
        for number, sources in by_number.items()
        if len(sources) > 1
        for source in sources
    }


def shared_number_note(number: str, others: list[str]) -> str:
    return (
        f"shares 文号 {number} with {', '.join(others)}: both are kept as records of one "
        "document; check that they are one text in two files, not a misprinted number"
    )


def report_json(report: BuildReport) -> dict[str, Any]:
    """The report as one JSON object: ``summary`` then ``files`` then ``disagreements``."""
    totals = {outcome: 0 for outcome in OUTCOMES}
    for row in report.files:
        totals[row.outcome] += 1
    return {
        "version": REPORT_VERSION,
        "summary": {
            "files": len(report.files),
            **totals,
            "quads_written": report.quads_written,
            "catalogue_records": report.catalogue_records,
            "seconds": round(report.seconds, 3),
            "formats": {kind: asdict(counts) for kind, counts in sorted(report.formats.items())},
        },
        "files": [{**asdict(row), "seconds": round(row.seconds, 3)} for row in report.files],
        "disagreements": [asdict(d) for d in report.disagreements],
    }


def write_report(report: BuildReport, path: Path) -> None:
    """Write ``report_json(report)`` to ``path`` (UTF-8, Chinese as is)."""
    text = json.dumps(report_json(report), ensure_ascii=False, indent=2) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise KgError(f"cannot write the build report to {path}: {exc.strerror or exc}") from exc
