"""Extraction quality on the seed corpus, scored against the gold facts (FORMAT.md).

The bars are those of the issues; the seeds are only five documents, so genre
tests elsewhere guard against fitting them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.evaluate import Report
from tests.factories import assert_bar, score_folder

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "fixtures" / "gold"


@pytest.fixture(scope="module")
def report() -> Report:
    return score_folder(ROOT / "corpus", GOLD)


BARS = [
    ("document.number", "f1", 1.0),
    ("cites.number", "f1", 1.0),
    ("cites", "f1", 0.95),
    ("document.issuer", "f1", 0.9),
    ("document.title", "f1", 0.9),
    ("document.date", "f1", 0.9),
    ("document.type", "f1", 0.9),
    ("document.jurisdiction", "f1", 0.9),
    ("answers", "f1", 1.0),
    ("agencies", "f1", 0.9),
    ("hospitals", "f1", 0.9),
    ("consortia", "f1", 0.85),
    ("consortia.lead", "f1", 0.8),
    ("programmes.core", "recall", 0.8),
    ("programmes.core", "precision", 0.6),
    ("tasks.responsible", "f1", 0.9),
    ("people", "f1", 0.9),
]


@pytest.mark.parametrize(("field", "measure", "bar"), BARS, ids=[f"{f}-{m}" for f, m, _ in BARS])
def test_seed_scores_reach_the_bar(report: Report, field: str, measure: str, bar: float) -> None:
    assert_bar(report, field, measure, bar)


def test_every_seed_was_predicted(report: Report) -> None:
    assert report.errors == []
