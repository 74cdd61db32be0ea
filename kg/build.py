"""The build: corpus files → ingest → extract → resolve → map → store, incrementally.

Each source document's facts live in one named graph that also records the file it
came from and its content hash.  A rebuild re-extracts only files whose content
changed, replaces exactly their graphs, and drops the graphs of removed files; each
batch of changes is one transaction, so a reader never sees a document half
replaced.  A file that fails is reported and the build goes on with the rest.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from kg.catalogue import BUNDLED_CATALOGUE, catalogue_quads
from kg.config import Settings
from kg.errors import KgError
from kg.extract import extract
from kg.extraction.header import qualify_body
from kg.ingest import ingest, iter_corpus
from kg.iri import ONTOLOGY_NS, catalogue_graph_iri, graph_iri
from kg.mapping import to_quads
from kg.model import Document, Extraction
from kg.remote import RemoteStore
from kg.resolve import resolve
from kg.search import SearchIndex, docs_from_quads
from kg.store import Store

_SOURCE_FILE = ox.NamedNode(ONTOLOGY_NS + "sourceFile")
_CONTENT_HASH = ox.NamedNode(ONTOLOGY_NS + "contentHash")
BATCH_SIZE = 200
# Each document graph names its own source file and content hash.
_MANIFEST = f"""SELECT ?g ?source ?hash WHERE {{
  GRAPH ?g {{ ?g {_SOURCE_FILE} ?source OPTIONAL {{ ?g {_CONTENT_HASH} ?hash }} }}
}}"""


@dataclass(frozen=True)
class Failure:
    path: str
    reason: str


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    quads_written: int = 0
    catalogue_records: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures


def process(document: Document) -> Extraction:
    """Extract and resolve one document."""
    extraction = resolve(extract(document))
    if extraction.answers is not None:
        extraction.answers.body = qualify_body(
            extraction.answers.body, extraction.header.jurisdiction
        )
    return extraction


def search_index_file(store: Store, settings: Settings) -> Path | None:
    """The search index the build keeps in step with ``store``; None keeps it in memory.

    ``settings.search_index_path`` when set; else beside an on-disk store; for a remote
    store (no files of its own) beside ``settings.store_path``; an in-memory store
    gets an in-memory index.
    """
    if settings.search_index_path is None and store.path is None:
        return settings.search_index_file() if isinstance(store, RemoteStore) else None
    return settings.search_index_file(store.path)


def indexed_sources(store: Store) -> dict[str, tuple[str, str]]:
    """Source path → (graph IRI, content hash) of every document in the store."""
    return {row["source"]: (row["g"], row["hash"]) for row in _manifest_rows(store)}


def _manifest_rows(store: Store) -> list[dict[str, str]]:
    # A query, not the store's quad index, so that a remote store answers it too.
    rows = store.select(_MANIFEST)
    return [
        {"g": row["g"], "source": row["source"], "hash": row["hash"] or ""}
        for row in rows
        if row["g"] is not None and row["source"] is not None
    ]


def _manifest_quads(graph: str, source: str, content_hash: str) -> list[ox.Quad]:
    node = ox.NamedNode(graph)
    return [
        ox.Quad(node, _SOURCE_FILE, ox.Literal(source), node),
        ox.Quad(node, _CONTENT_HASH, ox.Literal(content_hash), node),
    ]


@dataclass(frozen=True)
class _Prepared:
    """One file's outcome, made in a worker process: its graph, or why not."""

    source: str
    path: str
    graph: str | None = None
    content_hash: str | None = None
    quads: tuple[ox.Quad, ...] = ()
    text: str = ""
    unchanged: bool = False
    failure: str | None = None


def _prepare(path: Path, source: str, known_hash: str | None, settings: Settings) -> _Prepared:
    """Ingest, extract, resolve and map one file; skip it if its content is unchanged."""
    try:
        document = replace(ingest(path), source=source)
        if known_hash == document.id:
            return _Prepared(source, str(path), unchanged=True)
        graph = graph_iri(settings.iri_base, document.id)
        quads = to_quads(process(document), settings)
        quads += _manifest_quads(graph, source, document.id)
    except KgError as exc:
        return _Prepared(source, str(path), failure=str(exc))
    return _Prepared(source, str(path), graph, document.id, tuple(quads), document.clean)


def _prepared(
    jobs: list[tuple[Path, str, str | None]], settings: Settings, workers: int
) -> Iterator[_Prepared]:
    """Results in corpus order; with several workers, from a pool of spawned processes.

    Extraction is CPU-bound Python, so threads would not help; processes are
    spawned (not forked) because the parent may hold store and index handles.
    """
    if workers <= 1 or len(jobs) < 2 * workers:
        for path, source, known_hash in jobs:
            yield _prepare(path, source, known_hash, settings)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(
            _prepare,
            [j[0] for j in jobs],
            [j[1] for j in jobs],
            [j[2] for j in jobs],
            [settings] * len(jobs),
            chunksize=8,
        )


def default_workers(files: int) -> int:
    """One process for a small corpus (a worker costs seconds to start), else one per core."""
    return 1 if files < 100 else max(1, min(os.cpu_count() or 1, 8))


def build(
    corpus: Path,
    store: Store,
    settings: Settings,
    *,
    progress: Callable[[str, int, int], None] | None = None,
    catalogue: Path | None = BUNDLED_CATALOGUE,
    search: SearchIndex | None = None,
    workers: int | None = None,
) -> BuildReport:
    """Bring the store and its search index in step with the corpus; return what changed.

    ``workers`` processes extract in parallel (default: ``default_workers``); the
    parent alone writes.  The search index (by default the file beside an on-disk
    store) is written first in each batch: if the store write then fails, the store
    still lists the old content hashes and the next build redoes both.
    """
    if not corpus.is_dir():
        raise KgError(f"corpus directory {corpus} does not exist; pass the folder of .txt/.md files")
    report = BuildReport()
    if search is None:
        search = SearchIndex(search_index_file(store, settings))
    paths = iter_corpus(corpus)
    known = indexed_sources(store)
    jobs = []
    for path in paths:
        source = path.relative_to(corpus).as_posix()
        previous = known.get(source)
        jobs.append((path, source, previous[1] if previous else None))
    seen = {source for _path, source, _hash in jobs}
    pending_remove: list[str] = []
    pending_add: dict[str, list[ox.Quad]] = {}
    pending_text: dict[str, str] = {}

    def flush() -> None:
        if pending_remove or pending_add:
            search.replace_graphs(
                pending_remove,
                [d for g, quads in pending_add.items() for d in docs_from_quads(quads, pending_text[g])],
            )
            store.replace_graphs(pending_remove, pending_add)
            report.quads_written += sum(len(q) for q in pending_add.values())
            pending_remove.clear()
            pending_add.clear()
            pending_text.clear()

    workers = default_workers(len(jobs)) if workers is None else workers
    for index, outcome in enumerate(_prepared(jobs, settings, workers), start=1):
        if progress:
            progress(outcome.source, index, len(jobs))
        if outcome.failure is not None:
            report.failures.append(Failure(outcome.path, outcome.failure))
            continue
        if outcome.unchanged:
            report.unchanged.append(outcome.source)
            continue
        assert outcome.graph is not None
        previous = known.get(outcome.source)
        if previous:
            pending_remove.append(previous[0])
            report.replaced.append(outcome.source)
        else:
            report.added.append(outcome.source)
        pending_add[outcome.graph] = list(outcome.quads)
        pending_text[outcome.graph] = outcome.text
        if len(pending_add) >= BATCH_SIZE:
            flush()

    for source, (graph, _hash) in known.items():
        if source not in seen:
            pending_remove.append(graph)
            report.removed.append(source)
    flush()

    if catalogue is not None:
        report.catalogue_records = load_catalogue(
            store, settings, catalogue, only_if_missing=True, search=search
        )
    if isinstance(store, Store):
        store.compact(progress)  # no write-ahead logs left behind, tables compacted
    else:
        store.flush()
    return report


def load_catalogue(
    store: Store,
    settings: Settings,
    csv_path: Path,
    *,
    graph: str | None = None,
    only_if_missing: bool = False,
    search: SearchIndex | None = None,
) -> int:
    """Load a policy catalogue CSV into its own named graph; return the quads written."""
    graph = graph or catalogue_graph_iri(settings.iri_base)
    if only_if_missing and graph in store.named_graphs():
        return 0
    quads, _skipped = catalogue_quads(csv_path, settings, graph)
    if search is None:
        search = SearchIndex(search_index_file(store, settings))
    search.replace_graphs([graph], docs_from_quads(quads))
    store.replace_graphs([graph], {graph: quads})
    return len(quads)
