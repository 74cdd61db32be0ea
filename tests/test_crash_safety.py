"""`kg build` killed with SIGKILL at seeded random moments loses nothing (issue 14, part 3).

A corpus of generated documents is built once to the end (the clean build); then,
for each kill, the real `kg build` runs into an empty store and is killed with
SIGKILL at a seeded random moment of one phase: (1) while it loads its pipeline,
before anything is written; (2) among the document batches, as soon as the search
index shows the k-th document (k random); (3) as soon as the index
shows the catalogue, which is written last, so during the final compaction.  The
build's progress is read from the search index (SQLite in WAL mode takes readers
while the build writes).  After each kill: the store opens; SHACL validation (what
`kg validate` runs) finds nothing; every named graph is byte for byte the clean
build's graph of that document (wholly present) or missing (wholly absent), and the
default graph is still the union of the named graphs (without their provenance); the search index holds
exactly the store's graphs, with the clean build's rows for each.
Then `kg build` is run again and must give the clean build's quads exactly (the
graph has no blank nodes, so equal N-Quads sets are isomorphic graphs).

Documents are written four to a transaction (``KG_BUILD_BATCH_SIZE``) so that a
build of a few dozen files has several commits to be killed between.
"""

from __future__ import annotations

import gc
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build, indexed_sources
from kg.config import DEFAULT_IRI_BASE, Settings
from kg.rdf import catalogue_graph_iri, validate
from kg.search import SearchDoc, SearchIndex, index_path
from kg.store import PROVENANCE_PREDICATES, Store

REPO = Path(__file__).resolve().parent.parent
KG = Path(sys.executable).parent / "kg"
DOCUMENTS = 32
SEED = 14
KILLS = 3  # one in each phase: start-up, document batches, the final compaction
ENV = {**os.environ, "KG_BUILD_BATCH_SIZE": "4"}
CATALOGUE = catalogue_graph_iri(DEFAULT_IRI_BASE)

Snapshot = dict[str, frozenset[str]]  # graph IRI ("" for the default graph) → N-Quads lines


def _build(corpus: Path, store: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(KG), "build", str(corpus), "--store", str(store), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=ENV,
    )


def _started(process: subprocess.Popen[bytes], store: Path) -> float:
    """Wait until the build has created its store (its imports done); the time then."""
    while not store.exists() and process.poll() is None:
        time.sleep(0.01)
    return time.perf_counter()


def _build_to_the_end(corpus: Path, store: Path) -> tuple[float, float]:
    """Run a build to its end; (seconds to the store's creation, seconds from there on)."""
    started = time.perf_counter()
    process = _build(corpus, store)
    working = _started(process, store)
    _out, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode()
    return working - started, time.perf_counter() - working


def _snapshot(store_path: Path, *, check: bool = True) -> Snapshot:
    """Every quad of the store by graph; opening it for writing is what the next build does.

    ``check`` runs the SHACL validation of `kg validate` over the documents' graphs
    (the catalogue graph, compared whole with the clean build's, would add seconds).
    """
    store = Store(store_path)
    graphs: dict[str, set[str]] = {}
    quads = store.quads()
    for quad in quads:
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        graphs.setdefault(name, set()).add(str(ox.Quad(quad.subject, quad.predicate, quad.object)))
    if check:
        report = validate(
            q
            for q in quads
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value != CATALOGUE
        )
        assert report.conforms, str(report)
    del quads
    store.close()
    del store
    gc.collect()  # release RocksDB's lock before the next build opens the store
    return {name: frozenset(lines) for name, lines in graphs.items()}


def _index_rows(store_path: Path) -> dict[str, frozenset[tuple[str, str]]]:
    """Graph → the (key, type) rows the search index holds for it."""
    path = index_path(store_path)
    if not path.exists():
        return {}
    with SearchIndex(path, read_only=True) as index:
        rows = index._query("SELECT graph, key, type FROM entries", ())
    by_graph: dict[str, set[tuple[str, str]]] = {}
    for graph, key, type_ in rows:
        by_graph.setdefault(graph, set()).add((key, type_))
    return {graph: frozenset(keys) for graph, keys in by_graph.items()}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("crash")
    corpus = root / "corpus"
    subprocess.run(
        [
            sys.executable, str(REPO / "benchmarks" / "generate_corpus.py"),
            "--count", str(DOCUMENTS), "--seed", str(SEED), "--out", str(corpus),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    store = root / "clean"
    _imports, seconds = _build_to_the_end(corpus, store)
    return {
        "root": root,
        "corpus": corpus,
        "seconds": seconds,
        "graphs": _snapshot(store),
        "index": _index_rows(store),
    }


def _indexed(store: Path) -> tuple[int, bool]:
    """How many document graphs the search index has committed, and whether the catalogue."""
    path = index_path(store)
    if not path.exists():
        return 0, False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            graphs = {g for (g,) in conn.execute("SELECT DISTINCT graph FROM entries")}
    except sqlite3.Error:  # created, not yet given its schema
        return 0, False
    return len(graphs - {CATALOGUE}), CATALOGUE in graphs


def _wait_for(
    process: subprocess.Popen[bytes], store: Path, documents: int, catalogue: bool
) -> None:
    while process.poll() is None:
        done, has_catalogue = _indexed(store)
        if done >= documents and (has_catalogue or not catalogue):
            return
        time.sleep(0.005)


def _kill_at(phase: int, process: subprocess.Popen[bytes], store: Path) -> str:
    """Wait for the seeded moment of ``phase`` and kill; say when it was."""
    rng = random.Random(SEED * 10 + phase)
    working = _started(process, store)
    if phase == 0:
        moment = rng.uniform(0.0, 1.0)
        time.sleep(max(0.0, working + moment - time.perf_counter()))
        when = f"{moment:.2f} s after the store was created"
    elif phase == 1:
        # At once: the moment a batch has just been committed, where a build that
        # wrote the index before the store had its store write still to do.
        documents = rng.randint(4, DOCUMENTS - 8)
        _wait_for(process, store, documents, catalogue=False)
        when = f"as the index showed {documents} documents"
    else:
        _wait_for(process, store, DOCUMENTS, catalogue=True)
        when = "as the index showed the catalogue"
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    return when


@pytest.mark.parametrize("kill", range(KILLS), ids=[f"kill-{i + 1}" for i in range(KILLS)])
def test_a_killed_build_loses_nothing(clean: dict[str, object], kill: int) -> None:
    clean_graphs: Snapshot = clean["graphs"]  # type: ignore[assignment]
    clean_index: dict[str, frozenset[tuple[str, str]]] = clean["index"]  # type: ignore[assignment]
    store = clean["root"] / f"killed-{kill}"  # type: ignore[operator]
    process = _build(clean["corpus"], store)  # type: ignore[arg-type]
    when = _kill_at(kill, process, store)
    killed = process.returncode == -signal.SIGKILL
    if kill < KILLS - 1:  # the last can come as the build exits; it says so below
        assert killed, "the build ended before the kill"

    graphs = _snapshot(store)  # opens, and validates
    named = {g for g in graphs if g}
    for graph in named:
        assert graphs[graph] == clean_graphs[graph], f"{graph} is not whole"
    union = frozenset(
        line
        for g in named
        for line in graphs[g]
        if line.split(" ", 2)[1].strip("<>") not in PROVENANCE_PREDICATES
    )
    assert graphs.get("", frozenset()) == union, "the default graph is not the union"
    index = _index_rows(store)
    assert set(index) == named, "the search index and the store hold other graphs"
    for graph in named:
        assert index[graph] == clean_index[graph], graph
    documents = len(named - {CATALOGUE})
    print(
        f"kill {kill + 1} {when}: "
        f"{'killed' if killed else 'had finished'}, {documents}/{DOCUMENTS} documents and "
        f"{'the' if CATALOGUE in named else 'no'} catalogue in the store"
    )

    _build_to_the_end(clean["corpus"], store)  # type: ignore[arg-type]
    assert _snapshot(store, check=False) == clean_graphs  # equal to the validated clean build
    assert _index_rows(store) == clean_index


def test_a_build_repairs_an_index_out_of_step_with_the_store(tmp_path: Path) -> None:
    """What a crash between the two commits leaves, and a deleted or stale index, mended."""
    corpus = REPO / "corpus"
    settings = Settings(store_path=tmp_path / "store")
    store = Store(settings.store_path)
    first = build(corpus, store, settings, workers=1)
    graphs = sorted(graph for graph, _hash in indexed_sources(store).values())
    with SearchIndex(index_path(settings.store_path)) as index:
        index.replace_graphs([graphs[0]], [])  # the store ahead of the index by one document
        stale = SearchDoc("urn:stale", "document", "已删除的文件", "正文", "urn:graph:stale")
        index.replace_graphs([], [stale])  # the index ahead of the store
    again = build(corpus, store, settings, workers=1)
    assert len(first.added) == 5
    assert [row.outcome for row in again.files].count("replaced") == 1
    with SearchIndex(index_path(settings.store_path), read_only=True) as index:
        assert set(index.graphs()) == {*graphs, CATALOGUE}
        assert index.search("已删除的文件").total == 0
