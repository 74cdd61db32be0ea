"""The build: corpus files → ingest → extract → resolve → map → store, incrementally.

Each source document's facts live in one named graph that also records the file it
came from and its content hash.  A rebuild re-extracts only files whose content
changed, replaces exactly their graphs, and drops the graphs of removed files; each
batch of changes is one transaction, so a reader never sees a document half
replaced.  A first build of a large corpus, into a store with no document yet, is a
single bulk load instead (``Store.bulk_load_graphs``), each graph marked built only
once all quads are in.  A file that fails is reported and the build
goes on with the rest.  Where the per-file work runs is ``kg.executors``'s business.
"""

from __future__ import annotations

import functools
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from kg.build_report import FileOutcome, shared_number_note, shared_numbers
from kg.config import Settings
from kg.docno import normalise
from kg.errors import DocNumberError, IngestError, KgError
from kg.executors import Executor, make_executor
from kg.extract import extract
from kg.extraction.citations import attachment_titles
from kg.extraction.header import qualify_body
from kg.ingest import FORMATS, file_format, ingest, iter_corpus, skipped_files
from kg.limits import time_limit
from kg.model import Document, Extraction, Header
from kg.rdf import (
    BUNDLED_CATALOGUE,
    ELI,
    ONTOLOGY_NS,
    catalogue_graph_iri,
    catalogue_quads,
    document_iri,
    graph_iri,
    to_quads,
)
from kg.resolve import resolve
from kg.search import SearchIndex, docs_from_quads
from kg.store import GraphStore, RemoteStore, serialise

log = logging.getLogger(__name__)

_SOURCE_FILE = ox.NamedNode(ONTOLOGY_NS + "sourceFile")
_HAS_PART = ox.NamedNode(str(ELI.has_part))
_IS_PART_OF = ox.NamedNode(str(ELI.is_part_of))
_CONTENT_HASH = ox.NamedNode(ONTOLOGY_NS + "contentHash")
# Each document graph names its own source file and content hash.
_MANIFEST = f"""SELECT ?g ?source ?hash WHERE {{
  GRAPH ?g {{ ?g {_SOURCE_FILE} ?source OPTIONAL {{ ?g {_CONTENT_HASH} ?hash }} }}
}}"""


@dataclass(frozen=True)
class Failure:
    path: str
    reason: str
    format: str = "text"


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class Disagreement:
    """A header field where a file's metadata and its text differ; the metadata was kept."""

    path: str
    field: str
    text: str | None
    metadata: str
    source: str = "html-meta"


@dataclass
class FormatCounts:
    read: int = 0
    skipped: int = 0
    failed: int = 0


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    formats: dict[str, FormatCounts] = field(default_factory=dict)
    quads_written: int = 0
    catalogue_records: int = 0
    files: list[FileOutcome] = field(default_factory=list)  # one row per file, for --report
    seconds: float = 0.0  # the whole build, catalogue and compaction included
    bytes_read: int = 0  # of the files extracted (unchanged ones are not read again)

    @property
    def ok(self) -> bool:
        return not self.failures

    def count(self, format: str, outcome: str) -> None:
        counts = self.formats.setdefault(format, FormatCounts())
        setattr(counts, outcome, getattr(counts, outcome) + 1)


def process(document: Document) -> Extraction:
    """Extract and resolve one document; its metadata facts win over its text's header."""
    return _process(document)[0]


def _process(document: Document) -> tuple[Extraction, list[Disagreement]]:
    extraction = resolve(extract(document))
    disagreements = metadata_wins(extraction)
    if extraction.header.title is None:
        extraction.header.title = attachment_heading(document.clean)
    if extraction.answers is not None:
        extraction.answers.body = qualify_body(
            extraction.answers.body, extraction.header.jurisdiction
        )
    return extraction, disagreements


# 附件1 on a line of its own, then the attachment's title: the head of an attachment
# published as a file of its own.
_ATTACHMENT_LABEL = re.compile(r"^附\s*件\s*[0-9０-９]{0,2}\s*[：:]?$")
_TITLE_MAX = 60


def attachment_heading(text: str) -> str | None:
    """The title under an opening 附件N line, for an attachment that is a file of its own.

    The notice lists the attachment by this title (附件：1.各部门政策制定重点领域), so the
    attachment's document IRI, minted from its title, is the one the notice's
    ``eli:has_part`` names (``part_quads``).
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()][:2]
    if len(lines) < 2 or not _ATTACHMENT_LABEL.match(lines[0]):
        return None
    title = lines[1]
    if len(title) > _TITLE_MAX or any(c in title for c in "。；！？\t"):
        return None
    return title


def part_quads(quads: list[ox.Quad], text: str, graph: str, settings: Settings) -> list[ox.Quad]:
    """``eli:has_part`` / ``eli:is_part_of`` between a notice and each 附件 it lists.

    Stated in the notice's graph, both ways.  The attachment is named by its title,
    as a document without a 文号 is, so an attachment built from its own file (its
    title read by ``attachment_heading``) is the same resource without any look-up
    across documents, and a rebuild of either file keeps the link.
    """
    # The document node names its file, as the graph node does in the manifest.
    notice = next(
        (
            q.subject
            for q in quads
            if q.predicate == _SOURCE_FILE
            and isinstance(q.subject, ox.NamedNode)
            and q.subject.value != graph
        ),
        None,
    )
    if notice is None:
        return []
    node = ox.NamedNode(graph)
    out = []
    for title in attachment_titles(text):
        part = ox.NamedNode(document_iri(settings.iri_base, title=title))
        if part != notice:
            out += [
                ox.Quad(notice, _HAS_PART, part, node),
                ox.Quad(part, _IS_PART_OF, notice, node),
            ]
    return out


# Metadata fields that override the header, and how two values are compared.
_OVERRIDDEN = ("number", "title", "issuers", "date")
_ISSUER_SPLIT = re.compile(r"[\s;；、，,]+")


def metadata_wins(extraction: Extraction) -> list[Disagreement]:
    """Put the document's metadata facts (number, title, issuer, date) into its header.

    The metadata names are resolved the way the text's are (国家卫生健康委办公厅 →
    国家卫生健康委员会办公厅) before the two are compared, so only a real difference is
    reported.  Returns one ``Disagreement`` per field where the text said otherwise.
    """
    facts = {fact.field: fact for fact in extraction.document.metadata}
    if not any(name in facts for name in ("number", "title", "issuer", "date")):
        return []
    issuers = facts["issuer"].value if "issuer" in facts else ""
    stated = Header(
        number=facts["number"].value if "number" in facts else None,
        title=facts["title"].value if "title" in facts else None,
        date=facts["date"].value if "date" in facts else None,
        issuers=[name for name in _ISSUER_SPLIT.split(issuers) if name],
    )
    if stated.issuers:
        stated.issuer = stated.issuers[0]
        stated = resolve(Extraction(document=extraction.document, header=stated)).header
    header = extraction.header
    disagreements = []
    for name in _OVERRIDDEN:
        value, text_value = getattr(stated, name), getattr(header, name)
        if not value or _comparable(name, value) == _comparable(name, text_value):
            continue  # agreeing: the text's printed form stays
        if text_value:  # where the text gave none, the table fills the gap
            fact = facts["issuer" if name == "issuers" else name]
            disagreements.append(
                Disagreement(
                    extraction.document.path,
                    name,
                    _shown(text_value),
                    _shown(value) or "",
                    fact.source,
                )
            )
        setattr(header, name, value)
        if name == "issuers":
            header.issuer = stated.issuer
            header.jurisdiction = stated.jurisdiction or header.jurisdiction
    return disagreements


def _comparable(name: str, value: object) -> object:
    if name == "number" and isinstance(value, str):
        try:
            return normalise(value)
        except DocNumberError:
            return value.strip()
    if isinstance(value, list):
        return list(value)
    return value.strip() if isinstance(value, str) else value


def _shown(value: object) -> str | None:
    if isinstance(value, list):
        return "、".join(value) if value else None
    return value  # type: ignore[return-value]


def search_index_file(store: GraphStore, settings: Settings) -> Path | None:
    """The search index the build keeps in step with ``store``; None keeps it in memory.

    ``settings.search_index_path`` when set; else beside an on-disk store; for a remote
    store (no files of its own) beside ``settings.store_path``; an in-memory store
    gets an in-memory index.
    """
    if settings.search_index_path is None and store.path is None:
        return settings.search_index_file() if isinstance(store, RemoteStore) else None
    return settings.search_index_file(store.path)


def indexed_sources(store: GraphStore) -> dict[str, tuple[str, str]]:
    """Source path → (graph IRI, content hash) of every document in the store."""
    return {row["source"]: (row["g"], row["hash"]) for row in _manifest_rows(store)}


def _manifest_rows(store: GraphStore) -> list[dict[str, str]]:
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
    nquads: bytes = b""  # its quads as N-Quads: bytes cross to the writer cheaply
    quad_count: int = 0
    search_rows: tuple[tuple[str, ...], ...] = ()  # its search index rows, made here too
    size: int = 0  # bytes of the file
    unchanged: bool = False
    failure: str | None = None
    format: str = "text"
    disagreements: tuple[Disagreement, ...] = ()
    seconds: float = 0.0


def _prepare_job(job: tuple[Path, str, str | None], settings: Settings) -> _Prepared:
    return _prepare(*job, settings)


def _prepare(path: Path, source: str, known_hash: str | None, settings: Settings) -> _Prepared:
    """Ingest, extract, resolve and map one file within the per-document time limit."""
    clock = None
    try:
        with time_limit(settings.document_timeout_s) as clock:
            prepared = _prepare_unlimited(path, source, known_hash, settings, clock.restart)
    except KgError as exc:
        # An IngestError names the file itself; the report puts the path beside the reason.
        reason = exc.reason if isinstance(exc, IngestError) else str(exc)
        prepared = _Prepared(source, str(path), failure=reason, format=file_format(path))
    return replace(prepared, seconds=clock.elapsed if clock else 0.0)


def _prepare_unlimited(
    path: Path,
    source: str,
    known_hash: str | None,
    settings: Settings,
    restart_clock: Callable[[], None] = lambda: None,
) -> _Prepared:
    """Ingest, extract, resolve and map one file; skip it if its content is unchanged."""
    max_bytes = int(settings.max_document_mb * 1_000_000)
    document = replace(ingest(path, max_bytes=max_bytes), source=source)
    if known_hash == document.id:
        return _Prepared(source, str(path), unchanged=True, format=document.format)
    if _warm_up():
        restart_clock()  # the pipeline's one-time load is no document's time
    graph = graph_iri(settings.iri_base, document.id)
    extraction, disagreements = _process(document)
    quads = to_quads(extraction, settings)
    quads += part_quads(quads, document.clean, graph, settings)
    quads += _manifest_quads(graph, source, document.id)
    search_rows = tuple(SearchIndex.row(doc) for doc in docs_from_quads(quads, document.clean))
    return _Prepared(
        source,
        str(path),
        graph,
        document.id,
        serialise(quads),
        len(quads),
        search_rows,
        path.stat().st_size,
        format=document.format,
        disagreements=tuple(disagreements),
    )


_warm = False


def _warm_up() -> bool:
    """Load the spaCy pipeline and jieba's dictionary once per process, the first time a
    document needs them (a build of unchanged files never does); whether it did now."""
    global _warm
    if _warm:
        return False
    from kg.extraction.entities import nlp

    nlp()("预热")
    _warm = True
    return True


def default_workers(files: int) -> int:
    """One process for a small corpus (a worker costs seconds to start), else one per core."""
    return 1 if files < 100 else max(1, min(os.cpu_count() or 1, 8))


def build(
    corpus: Path,
    store: GraphStore,
    settings: Settings,
    *,
    progress: Callable[[str, int, int], None] | None = None,
    catalogue: Path | None = BUNDLED_CATALOGUE,
    search: SearchIndex | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
) -> BuildReport:
    """Bring the store and its search index in step with the corpus; return what changed.

    ``executor`` (``kg.executors``; default: ``workers`` local processes, by default
    ``default_workers``) ingests, extracts and maps each file; this process alone
    writes.  Each batch writes the store inside the search index's transaction (by
    default the index file beside an on-disk store), which commits after it.  A first
    build of at least ``settings.bulk_load_min_documents`` files, into a store with no
    document yet, goes through the store's bulk loader.
    """
    started = time.perf_counter()
    if not corpus.is_dir():
        raise KgError(f"corpus directory {corpus} does not exist; pass the folder of documents")
    started = time.perf_counter()
    report = BuildReport()
    if search is None:
        search = SearchIndex(search_index_file(store, settings))
    paths = iter_corpus(corpus)
    for path in skipped_files(corpus):
        kind = path.suffix.lower() or "(no extension)"
        reason = f"{kind} is not a document format kg reads"
        report.skipped.append(Skipped(str(path), reason))
        report.count(kind, "skipped")
        source = path.relative_to(corpus).as_posix()
        report.files.append(FileOutcome(source, str(path), kind, "skipped", reason))
    known = indexed_sources(store)
    unindexed = reconcile_search(store, search, known)
    jobs = []
    for path in paths:
        source = path.relative_to(corpus).as_posix()
        previous = known.get(source)
        # A document the search index lacks is built again, so that both get it.
        known_hash = previous[1] if previous and previous[0] not in unindexed else None
        jobs.append((path, source, known_hash))
    seen = {source for _path, source, _hash in jobs}
    pending_remove: list[str] = []
    pending_add: dict[str, bytes] = {}
    pending_rows: list[tuple[str, ...]] = []
    # A first build of a large corpus, into a store with no document, is a bulk load; a
    # small one stays transactional, so that a build killed at any moment leaves every
    # document wholly there or wholly absent (tests/test_crash_safety.py).
    # A store that holds document graphs no build has marked built (a bulk load cut
    # short) is written transactionally: the bulk loader takes fresh graphs only.
    bulk = (
        not known
        and len(jobs) >= settings.bulk_load_min_documents
        and not _document_graphs(store, settings)
    )
    writer: _BatchWriter | _BulkWriter = (
        _BulkWriter(store, search) if bulk else _BatchWriter(store, search)
    )

    def flush() -> None:
        if pending_remove or pending_add:
            writer.submit(list(pending_remove), dict(pending_add), list(pending_rows))
            pending_remove.clear()
            pending_add.clear()
            pending_rows.clear()

    if executor is None:
        workers = default_workers(len(jobs)) if workers is None else workers
        executor = make_executor("local", workers=1 if len(jobs) < 2 * workers else workers)
    # graph → the one source it is built from; a file already in the store keeps its graph.
    built = {graph: source for source, (graph, _hash) in known.items() if source in seen}
    try:
        outcomes = executor.map(functools.partial(_prepare_job, settings=settings), jobs)
        for index, outcome in enumerate(outcomes, start=1):
            if progress:
                progress(outcome.source, index, len(jobs))
            row = FileOutcome(
                outcome.source, outcome.path, outcome.format, "failed", seconds=outcome.seconds
            )
            if outcome.failure is not None:
                report.failures.append(Failure(outcome.path, outcome.failure, outcome.format))
                report.count(outcome.format, "failed")
                report.files.append(replace(row, reason=outcome.failure))
                continue
            graph = known[outcome.source][0] if outcome.unchanged else outcome.graph
            assert graph is not None
            if built.setdefault(graph, outcome.source) != outcome.source:
                # One graph per content: a second copy (the page saved twice) would
                # replace the first one's graph under its own name.
                reason = f"same content as {built[graph]}, built once"
                report.skipped.append(Skipped(outcome.path, reason))
                report.count(outcome.format, "skipped")
                report.files.append(replace(row, outcome="skipped", reason=reason))
                previous = known.get(outcome.source)
                if previous and previous[0] != graph:
                    pending_remove.append(previous[0])  # the file's old content is gone
                continue
            report.count(outcome.format, "read")
            report.disagreements.extend(outcome.disagreements)
            if outcome.unchanged:
                report.unchanged.append(outcome.source)
                report.files.append(replace(row, outcome="unchanged"))
                continue
            assert outcome.graph is not None
            previous = known.get(outcome.source)
            if previous:
                pending_remove.append(previous[0])
                report.replaced.append(outcome.source)
            else:
                report.added.append(outcome.source)
            report.files.append(
                replace(row, outcome="replaced" if previous else "added", quads=outcome.quad_count)
            )
            pending_add[outcome.graph] = outcome.nquads
            report.quads_written += outcome.quad_count
            pending_rows.extend(outcome.search_rows)
            report.bytes_read += outcome.size
            # A batch: what a crash may lose; in a bulk load, the search rows written at
            # once and the graphs handed to the loader together.
            if len(pending_add) >= settings.build_batch_size:
                flush()

        for source, (graph, _hash) in known.items():
            if source not in seen:
                pending_remove.append(graph)
                report.removed.append(source)
                suffix = Path(source).suffix.lower()
                report.files.append(
                    FileOutcome(
                        source, str(corpus / source), FORMATS.get(suffix, suffix), "removed"
                    )
                )
        flush()
        writer.wait()
    finally:
        writer.close()
    _note_shared_numbers(report, store)

    if catalogue is not None:
        report.catalogue_records = load_catalogue(
            store, settings, catalogue, only_if_missing=True, search=search
        )
    # Locally: no write-ahead logs left behind; tables compacted, unless the build was
    # only bulk loads, whose tables RocksDB's compaction would rewrite larger.
    store.finish(progress, compact=not bulk)
    report.seconds = time.perf_counter() - started
    return report


class _BatchWriter:
    """Writes the build's batches to the store and the search index in a thread of its
    own, one batch at a time and in order, while the build reads and extracts the next.

    pyoxigraph and SQLite release the GIL while they write, so the write of one batch
    overlaps the making of the next.  Each batch writes the store inside the search
    index's transaction, which commits after it: a crash leaves both as they were, or
    (in the moment between the two commits) the store ahead, which reconcile_search
    repairs on the next build.
    """

    def __init__(self, store: GraphStore, search: SearchIndex) -> None:
        self._store, self._search = store, search
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-build-writer")
        self._in_flight: Future[None] | None = None

    def submit(self, remove: list[str], add: dict[str, bytes], rows: list[tuple[str, ...]]) -> None:
        """Start writing one batch, once the one before it is written."""
        self.wait()
        self._in_flight = self._pool.submit(self._write, remove, add, rows)

    def _write(self, remove: list[str], add: dict[str, bytes], rows: list[tuple[str, ...]]) -> None:
        self._search.replace_rows(
            remove,
            rows,
            before_commit=lambda: self._store.replace_serialised_graphs(remove, add),
        )

    def wait(self) -> None:
        """Wait for the batch being written; its error, if any, is raised here."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            try:
                in_flight.result()
            finally:
                # The error's traceback holds this frame: without this, the frame, the
                # future and the error would keep each other (and the store) alive.
                del in_flight

    def close(self) -> None:
        """Let a batch still being written finish, then stop the thread.  A batch not
        waited for means the build failed on its own: that failure propagates, and this
        one is logged beside it."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None and (error := in_flight.exception()) is not None:
            log.error("writing the last batch failed too: %s", error)
        self._pool.shutdown(wait=True)


_END, _ABORT = object(), object()


class _BulkWriter:
    """A first build of a large corpus: one bulk load of the whole build, in a thread.

    The loader reads the graphs as the build hands them over (a bounded queue: the
    build waits when the loader is behind) and writes them into RocksDB tables of its
    own, one load for the whole build (see ``Store.bulk_load_graphs``).  A bulk load
    is no transaction: each graph is marked built (its description) only once every
    quad is in, so a build killed during it leaves graphs the next build replaces
    whole.  The search rows go to the index batch by batch, in a thread of their own
    too, ahead of the store, which the next build's reconcile_search allows for.
    """

    def __init__(self, store: GraphStore, search: SearchIndex) -> None:
        self._store = store
        self._rows = _BatchWriter(store, search)  # with no graphs: the search rows only
        self._queue: queue.Queue[object] = queue.Queue(maxsize=512)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._load, name="kg-bulk-load", daemon=True)
        self._thread.start()

    def _graphs(self) -> Iterator[tuple[str, bytes]]:
        while (item := self._queue.get()) is not _END:
            if item is _ABORT:
                raise KgError("the build stopped before the bulk load ended")
            yield item  # type: ignore[misc]

    def _load(self) -> None:
        try:
            self._store.bulk_load_graphs(self._graphs())
        except BaseException as exc:  # raised in the build by submit or wait
            self._error = exc

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            try:
                raise error
            finally:
                del error  # as in _BatchWriter.wait: no cycle through this frame

    def submit(self, remove: list[str], add: dict[str, bytes], rows: list[tuple[str, ...]]) -> None:
        """Hand one batch to the loader, and write its search rows."""
        if remove:
            raise KgError(f"a bulk load replaces no graph, but {len(remove)} were to go")
        self._raise_if_failed()
        self._rows.submit([], {}, rows)
        for item in add.items():
            while True:  # the loader may have failed while the queue is full
                try:
                    self._queue.put(item, timeout=1)
                    break
                except queue.Full:
                    if not self._thread.is_alive():
                        self._raise_if_failed()

    def wait(self) -> None:
        """The build has handed over every graph: wait for the load to end."""
        self._queue.put(_END)
        self._thread.join()
        self._rows.wait()
        self._raise_if_failed()

    def close(self) -> None:
        """Stop a load the build did not wait for (it failed: that failure propagates)."""
        if self._thread.is_alive():
            self._queue.put(_ABORT)
            self._thread.join()
        self._rows.close()
        if self._error is not None and not isinstance(self._error, KgError):
            log.error("the bulk load failed too: %s", self._error)


def _document_graphs(store: GraphStore, settings: Settings) -> list[str]:
    """The store's named graphs other than the catalogue's."""
    catalogue = catalogue_graph_iri(settings.iri_base)
    return [g for g in store.named_graphs() if g != catalogue and not g.startswith(catalogue + "/")]


def reconcile_search(
    store: GraphStore, search: SearchIndex, known: dict[str, tuple[str, str]]
) -> set[str]:
    """Bring the search index back to the store's documents after a crash; return the
    document graphs the index lacks, for the build to make again.

    A build killed after the store committed a batch and before the index did leaves
    the store ahead; the index's extra graphs (the other way round) are dropped here.
    """
    in_store = {graph for graph, _hash in known.values()}
    in_index = set(search.graphs())
    # Graphs of the store that are no document's (the catalogue) stay as they are.
    stale = sorted(in_index - in_store - set(store.named_graphs()))
    if stale:
        search.replace_graphs(stale, [])
    return in_store - in_index


def _note_shared_numbers(report: BuildReport, store: GraphStore) -> None:
    """Say beside each built file whose 文号 another file's document states too."""
    shared = shared_numbers(store)
    if not shared:
        return
    for index, row in enumerate(report.files):
        if row.source in shared and row.outcome in ("added", "replaced", "unchanged"):
            report.files[index] = replace(row, reason=shared_number_note(*shared[row.source]))


def load_catalogue(
    store: GraphStore,
    settings: Settings,
    csv_path: Path,
    *,
    graph: str | None = None,
    only_if_missing: bool = False,
    search: SearchIndex | None = None,
) -> int:
    """Load a policy catalogue CSV into its own named graph; return the quads written."""
    graph = graph or catalogue_graph_iri(settings.iri_base)
    if search is None:
        search = SearchIndex(search_index_file(store, settings))
    # Missing from either: a crash between the two commits leaves the store ahead.
    if only_if_missing and graph in store.named_graphs() and graph in search.graphs():
        return 0
    quads, _skipped = catalogue_quads(csv_path, settings, graph)
    search.replace_graphs(
        [graph],
        docs_from_quads(quads),
        before_commit=lambda: store.replace_graphs([graph], {graph: quads}),
    )
    return len(quads)
