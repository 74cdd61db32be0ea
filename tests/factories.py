"""Small factories for test objects built from real-looking Chinese text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kg.build import process
from kg.evaluate import Report, evaluate, load_gold
from kg.ingest import clean, ingest, iter_corpus
from kg.model import Document
from kg.rdf import short_hash
from kg.records import to_record


def make_document(text: str, source: str = "test.txt") -> Document:
    """A Document as ingest would make it from a file holding ``text``."""
    cleaned, offsets = clean(text)
    return Document(
        id=short_hash(text),
        source=source,
        path=source,
        text=text,
        clean=cleaned,
        offsets=offsets,
    )


def score_folder(corpus: Path, gold: Path) -> Report:
    """Run the whole pipeline on every document of ``corpus`` and score it against ``gold``."""
    predicted = {path.name: to_record(process(ingest(path))) for path in iter_corpus(corpus)}
    return evaluate(load_gold(gold), predicted)


def assert_bar(report: Report, field: str, measure: str, bar: float) -> None:
    score = report.fields[field]
    value = getattr(score, measure)
    assert value >= bar, (
        f"{field} {measure} = {value:.3f} < {bar} (tp={score.tp} fp={score.fp} fn={score.fn})"
    )


REPO = Path(__file__).resolve().parent.parent
KG = Path(sys.executable).parent / "kg"


def run_kg(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """The installed ``kg`` entry point in a subprocess, run from the repository root."""
    return subprocess.run(
        [str(KG), *args],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
