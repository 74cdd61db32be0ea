"""Extraction quality on tests/fixtures/blind3, four documents of the genre.

Written blind after blind2 had been tuned on: a joint national notice (国家卫生健康委办公厅
and 国家中医药局综合司) with its enclosed 工作方案, a provincial 实施方案 rich in named
platforms, systems, pilots and campaigns with （X牵头，Y配合） and （X负责，Y指导）
clauses, a county 医共体 plan with two consortia and （牵头单位：…；配合单位：…） lines,
and a city 卫生健康委 reply to a 人大 suggestion.  Gold was written before the extractor
ran on the texts.

First run (`kg eval tests/fixtures/blind3 tests/fixtures/blind3`, gold as first
written): every field 1.000 except agencies 0.971, hospitals R 0.947, tasks R 0.818,
tasks.responsible R 0.889, programmes P 0.861 R 0.649, programmes.core P 0.800 R 0.750.
After general fixes (and three gold corrections by precedent, see the notes): 1.000 on
every field except programmes (P 1.000, R 0.877: non-core items).  It has now been tuned
on; the bars sit a little below and only catch a regression.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.evaluate import Report
from tests.factories import assert_bar, score_folder

BLIND3 = Path(__file__).resolve().parent / "fixtures" / "blind3"


@pytest.fixture(scope="module")
def report() -> Report:
    return score_folder(BLIND3, BLIND3)


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
    ("programmes", "recall", 0.82),
    ("programmes.core", "recall", 0.95),
    ("programmes.core", "precision", 0.95),
]


@pytest.mark.parametrize(("field", "measure", "bar"), BARS, ids=[f"{f}-{m}" for f, m, _ in BARS])
def test_blind3_scores_reach_the_bar(report: Report, field: str, measure: str, bar: float) -> None:
    assert_bar(report, field, measure, bar)


def test_every_blind3_document_was_predicted(report: Report) -> None:
    assert report.errors == []
