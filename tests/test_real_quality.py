"""Extraction quality on real documents: tests/fixtures/real (16 public documents).

These are the figures that say something about quality.  The documents are real
government releases in the layouts they are published in (web copies with the title
above the 文号, signature blocks of several bodies, 领导小组 member lists, duty
clauses after every numbered level), and their gold follows that folder's README.
The invented sets (tests/fixtures/gold seeds aside: genre, heldout, blind2–5) guard
against regressions only; a figure on them is no evidence of quality.

The extractor is also scored, the same way, on real documents kept apart from the
project: no rule exists to pass one of these sixteen.  Figures:
``kg eval tests/fixtures/real tests/fixtures/real`` (``--misses`` lists each miss).

The second half builds the sixteen with ``kg build``'s builder, validates the graph and
asks a real uvicorn server's ``GET /documents`` for each one's header.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kg.evaluate import Report, norm
from tests.conftest import serving
from tests.factories import assert_bar, score_folder

REAL = Path(__file__).resolve().parent / "fixtures" / "real"

# Issue 11's bars where they are reached; below them, regression bars a little under
# the figure reached, with the bar beside it.  Raise a bar when a field gets
# better; never lower one to pass.
BARS = [
    ("document", "f1", 0.97),
    ("document.title", "f1", 0.95),
    ("document.number", "f1", 1.0),
    ("document.date", "f1", 0.95),
    ("document.type", "f1", 0.95),
    ("document.issuers", "f1", 0.95),
    ("cites", "f1", 0.98),
    ("answers", "f1", 0.95),
    ("agencies", "f1", 0.96),  # issue bar 0.92; reached 0.969
    ("tasks", "f1", 0.97),
    ("tasks.responsible", "f1", 0.97),  # issue bar 0.92; reached 1.0
    ("hospitals", "f1", 0.95),  # issue bar 0.85; reached 1.0
    ("people", "f1", 0.95),
    ("document.jurisdiction", "f1", 0.97),
]


@pytest.fixture(scope="module")
def report() -> Report:
    return score_folder(REAL, REAL)


@pytest.mark.parametrize(("field", "measure", "bar"), BARS, ids=[f"{f}-{m}" for f, m, _ in BARS])
def test_real_scores_reach_the_bar(report: Report, field: str, measure: str, bar: float) -> None:
    assert_bar(report, field, measure, bar)


def test_every_real_document_was_predicted(report: Report) -> None:
    assert report.errors == []


def _gold() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(REAL.glob("*.json"))]


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.build import build
    from kg.config import Settings
    from kg.store import Store

    path = tmp_path_factory.mktemp("real") / "store"
    store = Store(path)
    report = build(REAL, store, Settings(store_path=path))
    store.close()
    assert report.ok, report.failures
    return path


def test_the_real_graph_validates(real_store: Path) -> None:
    from kg.rdf import validate
    from kg.store import Store

    store = Store(real_store, read_only=True)
    try:
        result = validate(store)
    finally:
        store.close()
    assert result.conforms, str(result)[:2000]


@pytest.fixture(scope="module")
def real_http(real_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    with (
        serving(real_store, tmp_path_factory.mktemp("real-server")) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield client


@pytest.mark.server
def test_rest_lists_every_real_document_with_its_header(real_http: httpx.Client) -> None:
    listing = real_http.get("/documents", params={"limit": 10000})
    assert listing.status_code == 200
    rows = {norm(row.get("title")): row for row in listing.json()["items"] if row.get("title")}
    wrong = []
    for gold in _gold():
        header = gold["document"]
        row = rows.get(norm(header["title"]))
        if row is None:
            wrong.append(f"{gold['source']}: not listed under its title")
            continue
        for field in ("issuer", "date", "number"):
            if norm(row.get(field)) != norm(header.get(field)):
                wrong.append(
                    f"{gold['source']}: {field} {row.get(field)!r} != {header.get(field)!r}"
                )
        if not row.get("type") or not header["type"].endswith(row["type"]):
            wrong.append(f"{gold['source']}: type {row.get('type')!r} for {header['type']!r}")
    assert wrong == []
