"""The build leaves the store as RocksDB tables alone: no write-ahead log behind it.

Oxigraph keeps obsolete write-ahead logs (``*.log``) for reuse while the store is
open; ``Store.compact`` flushes, compacts and reopens so that RocksDB deletes them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build
from kg.config import Settings
from kg.errors import StoreError
from kg.store import Store

REPO = Path(__file__).resolve().parent.parent
EX = "http://example.org/"
STEPS = [
    ("store: writing memory tables to disk", 1, 3),
    ("store: compacting tables", 2, 3),
    ("store: reopening to drop the write-ahead logs", 3, 3),
]


def wal_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.glob("*.log"))


def graph(n: int, rows: int = 2000) -> dict[str, list[ox.Quad]]:
    name = f"{EX}g{n}"
    return {
        name: [
            ox.Quad(
                ox.NamedNode(f"{EX}s{i}"),
                ox.NamedNode(f"{EX}label"),
                ox.Literal(f"桃江县紧密型县域医共体建设实施方案 {n} {i}"),
                ox.NamedNode(name),
            )
            for i in range(rows)
        ]
    }


def seed_corpus(tmp_path: Path, documents: int) -> Path:
    """A corpus folder of the first ``documents`` seed documents."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for source in sorted((REPO / "corpus").glob("*.txt"))[:documents]:
        shutil.copy(source, corpus)
    return corpus


def count(store: Store) -> int:
    return int(store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"])


def test_compact_drops_the_logs_and_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = Store(path)
    for n in range(4):
        store.replace_graphs([], graph(n))
    store.replace_graphs([f"{EX}g1"], graph(2))  # deletions too
    before, quads = count(store), len(store)
    assert wal_bytes(path) > 0
    seen: list[tuple[str, int, int]] = []
    store.compact(lambda *step: seen.append(step))
    assert seen == STEPS
    assert wal_bytes(path) == 0
    assert (count(store), len(store)) == (before, quads)
    store.replace_graphs([], graph(9, rows=1))  # still open for writing
    assert count(store) == before + 1
    store.close()


def test_compact_refuses_while_a_result_still_holds_the_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    store.replace_graphs([], graph(0, rows=10))
    pending = store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")
    with pytest.raises(StoreError, match="still holds it"):
        store.compact()
    del pending


def test_compact_leaves_memory_and_read_only_stores_alone(tmp_path: Path) -> None:
    memory = Store()
    memory.replace_graphs([], graph(0, rows=10))
    memory.compact()
    assert len(memory) == 20
    Store(tmp_path / "store").close()
    Store(tmp_path / "store", read_only=True).compact()


OPEN_READ_ONLY = """
import sys, time
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
print(len(store), flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_build_ends_compacted_and_opens_read_only_in_two_processes(tmp_path: Path) -> None:
    corpus, path = seed_corpus(tmp_path, 2), tmp_path / "store"
    store = Store(path)
    seen: list[tuple[str, int, int]] = []
    report = build(
        corpus, store, Settings(store_path=path), catalogue=None, workers=1,
        progress=lambda *step: seen.append(step),
    )  # fmt: skip
    assert report.ok and len(report.added) == 2
    assert seen[-3:] == STEPS and len(seen) == 5
    assert wal_bytes(path) == 0
    # An incremental rebuild (one file removed) ends compacted as well.
    next(corpus.glob("*.txt")).unlink()
    report = build(corpus, store, Settings(store_path=path), catalogue=None, workers=1)
    assert len(report.removed) == 1
    assert wal_bytes(path) == 0
    quads = len(store)
    store.close()
    # The server and `oxigraph serve-read-only` open it read-only side by side.
    first = subprocess.Popen(
        [sys.executable, "-c", OPEN_READ_ONLY, str(path), "3"], stdout=subprocess.PIPE, text=True
    )
    assert first.stdout is not None
    assert int(first.stdout.readline()) == quads
    second = subprocess.run(
        [sys.executable, "-c", OPEN_READ_ONLY, str(path), "0"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert int(second.stdout) == quads
    assert first.wait(timeout=60) == 0


def test_a_bulk_loaded_first_build_ends_without_a_compaction(tmp_path: Path) -> None:
    corpus, path = seed_corpus(tmp_path, 3), tmp_path / "store"
    store = Store(path)
    seen: list[tuple[str, int, int]] = []
    settings = Settings(store_path=path, bulk_load_min_documents=0)  # always a bulk load
    report = build(
        corpus, store, settings, catalogue=None, workers=1, progress=lambda *s: seen.append(s)
    )
    assert report.ok and len(report.added) == 3
    # RocksDB's compaction would rewrite the bulk loader's tables larger: only the
    # flush and the reopen, and no write-ahead log left.
    assert [step for step, _i, _n in seen[-2:]] == [STEPS[0][0], STEPS[2][0]]
    assert STEPS[1][0] not in [step for step, _i, _n in seen]
    assert wal_bytes(path) == 0
    assert count(store) > 1000
    store.close()
