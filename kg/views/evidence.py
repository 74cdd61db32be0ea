"""The evidence of facts, read back from the lean provenance of the graph.

The graph keeps each supporting sentence once (kg.rdf.mapping): a fact about a
document or a task points at its sentence, a relation between two things has an
``hp:Evidence`` node with its own offsets.  Where no offsets are stored the span is
found again in the sentence: the longest label of the fact's object that the
sentence contains, its first occurrence; else the whole sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kg.model import locate
from kg.sparql.query import run_query
from kg.store.graphstore import GraphStore

__all__ = ["evidence_rows", "locate", "spans"]


def spans(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """evidence_for_edge rows → one row per fact and evidence, with start, end, exact.

    Rows come one per label; a relation's evidence has its own offsets and exact
    text is then cut from the sentence when the offsets fall inside it.
    """
    grouped: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    labels: dict[tuple[str, str, str, str], list[str]] = {}
    for row in rows:
        key = (row["evidence"], row["subject"], row["predicate"], row["object"])
        grouped.setdefault(key, dict(row))
        if row.get("label"):
            labels.setdefault(key, []).append(row["label"])
    out = []
    for key, row in grouped.items():
        sentence = row.get("sentence") or ""
        sentence_start = int(row.get("sentenceStart") or 0)
        if row.get("start") is not None and row.get("end") is not None:
            start, end = int(row["start"]), int(row["end"])
            inside = sentence_start <= start <= end <= sentence_start + len(sentence)
            exact = sentence[start - sentence_start : end - sentence_start] if inside else ""
        else:
            start, end, exact = locate(sentence, sentence_start, labels.get(key, ()))
        row.pop("label", None)
        out.append({**row, "start": start, "end": end, "exact": exact})
    return out


def evidence_rows(
    store: GraphStore, ends: Mapping[str, str], limit: int | None = None
) -> list[dict[str, Any]]:
    """The evidence of the facts with the given ends (subject, predicate, object IRIs).

    One row per fact and evidence, by document, then offset.  A document stated with
    two titles gives two query rows: the first is kept.
    """
    rows = spans(run_query(store, "evidence_for_edge", dict(ends)))
    rows.sort(
        key=lambda r: (
            r.get("docNumber") or "",
            r.get("doc") or "",
            r["start"],
            r["evidence"],
            r["predicate"],
            r["object"],
        )
    )
    return rows if limit is None else rows[:limit]
