"""Latency of full-text search by query length, the character table against a scan.

    .venv/bin/python benchmarks/bench_search.py --docs 2000 [--workdir var/bench-search]
        [--repeat 21] [--store DIR]

Generates ``--docs`` documents with ``generate_corpus.py`` and builds them with
``kg build --workers 2`` under ``--workdir`` (both kept and reused when there: the
build is incremental), or takes the index of an existing ``--store``.  Then, on the
index opened read-only as the server opens it, times ``SearchIndex.search`` (page of
20, snippets included, as ``GET /search`` does) for 1-, 2- and 3+-character queries:
short queries both through the character table and by the ``instr`` scan of every
row that answered them before it (``scan=True``), checking that both find the same
things.  Prints one line per query, the median of the per-query medians per length,
and the index's size per table (from SQLite's ``dbstat``).  Not a pytest test.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kg.search import MAX_LIMIT, SearchIndex, index_path

REPO = Path(__file__).resolve().parent.parent
QUERIES = {
    1: ["药", "医", "县", "保", "号", "疫"],
    2: ["医保", "中医", "卫健", "签约", "医院", "试行", "疫苗", "药品"],
    3: ["医共体", "中医药", "家庭医生", "分级诊疗", "医疗保障局", "公共卫生 服务"],
}


def ensure_store(args: argparse.Namespace) -> Path:
    """The store to measure: ``--store``, or one built from a generated corpus."""
    if args.store:
        return Path(args.store)
    work = Path(args.workdir)
    corpus, store = work / f"corpus-{args.docs}", work / f"store-{args.docs}"
    if not corpus.is_dir():
        subprocess.run(
            [sys.executable, str(REPO / "benchmarks" / "generate_corpus.py"), "--count",
             str(args.docs), "--out", str(corpus), "--seed", str(args.seed)],
            check=True,
        )  # fmt: skip
    kg = Path(sys.executable).parent / "kg"
    started = time.perf_counter()
    subprocess.run(
        [str(kg), "build", str(corpus), "--store", str(store), "--workers", "2"], check=True
    )
    print(f"kg build (incremental) {time.perf_counter() - started:.1f} s", flush=True)
    return store


def timed(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls, in milliseconds, after one warm-up call."""
    run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def all_keys(index: SearchIndex, query: str, *, scan: bool) -> set[str]:
    """Every thing a query finds, page by page."""
    keys: set[str] = set()
    while True:
        page = index.search(query, limit=MAX_LIMIT, offset=len(keys), scan=scan)
        keys |= {hit.key for hit in page.items}
        if len(keys) >= page.total or not page.items:
            return keys


def table_sizes(path: Path) -> dict[str, int]:
    """Bytes per part of the index: the rows, the trigram table, the character table."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    conn.close()
    sizes: dict[str, int] = {}
    for name, size in rows:
        part = name.split("_")[0] if name.startswith(("fts_", "chars_")) else "entries"
        if name.startswith("sqlite_"):
            part = "sqlite"
        sizes[part] = sizes.get(part, 0) + size
    sizes["file"] = path.stat().st_size
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents to generate")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--workdir", default="var/bench-search", help="corpus and store")
    parser.add_argument("--store", help="use this built store's index instead")
    parser.add_argument("--repeat", type=int, default=21, help="timed calls per query and way")
    args = parser.parse_args()

    store = ensure_store(args)
    path = index_path(store)
    index = SearchIndex(path, read_only=True)
    print(f"index {path}: {index.count()} things")
    results = []
    print(f"{'query':<12} {'chars':>5} {'hits':>6} {'scan ms':>9} {'index ms':>9}")
    for length, queries in QUERIES.items():
        for query in queries:
            page = index.search(query)
            row = {"query": query, "length": length, "hits": page.total}
            row["index_ms"] = timed(lambda q=query: index.search(q), args.repeat)
            if length < 3:
                if all_keys(index, query, scan=True) != all_keys(index, query, scan=False):
                    raise SystemExit(f"{query}: the scan and the index disagree")
                row["scan_ms"] = timed(lambda q=query: index.search(q, scan=True), args.repeat)
            results.append(row)
            scan = f"{row['scan_ms']:9.2f}" if "scan_ms" in row else f"{'-':>9}"
            index_ms = f"{row['index_ms']:9.2f}"
            print(f"{query:<12} {length:>5} {page.total:>6} {scan} {index_ms}", flush=True)
    summary: dict[str, object] = {}
    for length, label in ((1, "1 char"), (2, "2 chars"), (3, "3+ chars")):
        rows = [r for r in results if r["length"] == length]
        figures = {"index_ms": round(statistics.median(r["index_ms"] for r in rows), 2)}
        if length < 3:
            figures["scan_ms"] = round(statistics.median(r["scan_ms"] for r in rows), 2)
        summary[label] = figures
    summary["sizes_bytes"] = table_sizes(path)
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
