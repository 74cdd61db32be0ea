"""Chinese full-text search: an SQLite FTS5 trigram index kept beside the store.

pyoxigraph has no substring search over Chinese, so the build also writes every
document (title and body) and every named entity (its labels) into an SQLite file,
``index_path(store_path)``: for the store directory ``var/store`` that is the sibling
file ``var/store.search.sqlite`` (a sibling, not a file inside, because the store
directory belongs to pyoxigraph).  Rows carry the named graph they came from, and
``SearchIndex.replace_graphs`` drops and writes graphs in one SQLite transaction, as
``kg.store.Store.replace_graphs`` does for the quads: the build calls both for the
same graphs, with ``docs_from_quads(quads, body_text)`` turning the quads of one
document's graph into its SearchDocs.  An entity named by several documents has one
row per graph; results are de-duplicated by key, keeping its best-ranked row.

Matching works on folded text: each character (with its combining marks) is NFKC
normalised and case-folded, control characters become spaces and format characters
(zero-width spaces, BOMs) vanish, and whitespace runs collapse to one space.  So
``２０２３``, ``ＡＩ`` and ``（试行）`` match ``2023``, ``ai`` and ``(试行)``.  Titles,
hits and snippets show the original text.

A query is split on whitespace into phrases that must all occur (AND).  A phrase is
never passed to FTS5 as syntax: it is quoted as an FTS5 string, so ``"``, ``*``,
``AND``, ``-``, ``:`` and parentheses are plain characters.  The trigram tokenizer
needs three characters, so a second FTS5 table, ``chars``, indexes every character
as a token: it is fed the folded text with a space between characters (``spaced``),
and a query whose phrases are all shorter (``药``, ``医保``) is a phrase query of
single-character tokens there (``"医 保"``).  Its tokenizer counts every character
but whitespace as a token, so it finds every row holding the phrase, and a few
more (``a b`` for ``ab``); ``instr`` (an exact substring test, so ``%`` and ``_``
need no escaping as they would in LIKE) then keeps exactly the rows holding it.  In
a mixed query the short phrases filter the trigram hits with ``instr`` the same way.
An index written before ``chars`` existed (schema version 1) is upgraded when opened
for writing; opened read-only, its short queries are answered by an ``instr`` scan.
Ranking: rows whose title holds every phrase come first, then bm25 (of the trigram
or the character table) with the title weighted ``TITLE_WEIGHT`` times the body (for
a scan, occurrence counts weighted the same way).  A hit's ``score`` is higher for
better matches (the negated bm25, or the weighted count).

Snippets are cut from the original text (FTS5's ``snippet()`` would show the folded
text, with ``，`` turned into ``,``), about ``context`` characters around the first
hit, every hit marked, the text passed through ``escape`` (``html.escape`` by
default, to suit the default ``<mark>`` markers).

In SPARQL, ``custom_functions(index)`` gives two functions to pass to
``pyoxigraph.Store.query(custom_functions=...)`` (pyoxigraph has no global registry;
functions are given per query)::

    PREFIX fn: <https://w3id.org/cn-health-kg/function#>
    SELECT ?thing ?label ?score WHERE {
      ?thing rdfs:label ?label .
      BIND(fn:search(?label, "医共体 建设") AS ?score)
      FILTER(BOUND(?score))
    } ORDER BY DESC(?score)

``fn:search(?text, "query")`` works on any literal in any graph: an ``xsd:double``
(weighted count of the phrases' occurrences in the folded text) when every phrase
occurs, else unbound.  ``fn:rank(?iri, "query")`` looks the IRI up in the index and
gives its search score, else unbound (the index is searched once per query string).
"""

from __future__ import annotations

import functools
import html
import json
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self
from urllib.request import pathname2url

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.privacy import redact
from kg.rdf.kinds import KINDS

SEARCH_FUNCTION_IRI = "https://w3id.org/cn-health-kg/function#search"
RANK_FUNCTION_IRI = "https://w3id.org/cn-health-kg/function#rank"

DOC_TYPES = (
    "document", "agency", "hospital", "consortium", "programme", "person", "place", "task",
)  # fmt: skip
TITLE_WEIGHT = 10.0
MIN_TRIGRAM = 3
MAX_QUERY_CHARS = 500
MAX_LIMIT = 1000
SCHEMA_VERSION = 2
DEFAULT_MARK = ("<mark>", "</mark>")

_TABLES = """
CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    type TEXT NOT NULL,
    graph TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    extra TEXT NOT NULL,
    ftitle TEXT NOT NULL,
    ftext TEXT NOT NULL
);
CREATE INDEX entries_graph ON entries(graph);
CREATE INDEX entries_key ON entries(key);
-- External content: the index reads ftitle/ftext from entries; the triggers keep it
-- in step.  case_sensitive 1 because the text is already case-folded, so FTS5 and
-- instr() agree exactly on what a substring is.
CREATE VIRTUAL TABLE fts USING fts5(
    ftitle, ftext, content='entries', content_rowid='id',
    tokenize='trigram case_sensitive 1'
);
"""
# Added in version 2, with triggers that feed both tables (version 1's fed fts
# alone).  Contentless: the spaced text is only tokenized, never stored, so a delete
# passes the values written, which spaced() (a function registered on every
# connection) gives again.  Every category but Z* (whitespace) is a token character.
_CHARS = """
CREATE VIRTUAL TABLE chars USING fts5(
    ftitle, ftext, content='',
    tokenize="unicode61 categories 'L* M* N* P* S* C*' remove_diacritics 0"
);
DROP TRIGGER IF EXISTS entries_ai;
DROP TRIGGER IF EXISTS entries_ad;
CREATE TRIGGER entries_ai AFTER INSERT ON entries BEGIN
    INSERT INTO fts(rowid, ftitle, ftext) VALUES (new.id, new.ftitle, new.ftext);
    INSERT INTO chars(rowid, ftitle, ftext)
        VALUES (new.id, spaced(new.ftitle), spaced(new.ftext));
END;
CREATE TRIGGER entries_ad AFTER DELETE ON entries BEGIN
    INSERT INTO fts(fts, rowid, ftitle, ftext) VALUES ('delete', old.id, old.ftitle, old.ftext);
    INSERT INTO chars(chars, rowid, ftitle, ftext)
        VALUES ('delete', old.id, spaced(old.ftitle), spaced(old.ftext));
END;
"""
_SCHEMA = f"{_TABLES}{_CHARS}PRAGMA user_version = {SCHEMA_VERSION};\n"
_UPGRADE_FROM_1 = f"""{_CHARS}
INSERT INTO chars(rowid, ftitle, ftext) SELECT id, spaced(ftitle), spaced(ftext) FROM entries;
PRAGMA user_version = {SCHEMA_VERSION};
"""


def index_path(store_path: Path | str) -> Path:
    """Where the search index of the store at ``store_path`` lives: a sibling file."""
    store = Path(store_path)
    return store.with_name(store.name + ".search.sqlite")


@dataclass(frozen=True)
class SearchDoc:
    """One searchable thing, as the build writes it for one named graph."""

    key: str  # IRI of the document or entity
    type: str  # one of DOC_TYPES
    title: str  # its label
    text: str  # body text of a document; labels joined for an entity
    graph: str  # the named graph it came from
    extra: dict[str, Any] = field(default_factory=dict)  # small JSON: number, date …


@dataclass(frozen=True)
class SearchHit:
    key: str
    type: str
    title: str
    snippet: str
    score: float
    extra: dict[str, Any]


@dataclass(frozen=True)
class SearchPage:
    total: int  # distinct keys matching, over all pages
    items: list[SearchHit]


# --- from the graph of one document --------------------------------------------------

_ONT = "https://w3id.org/cn-health-kg/ontology#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_TITLE = "http://purl.org/dc/terms/title"
_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
_NUMBER = "http://data.europa.eu/eli/ontology#id_local"
_DATE = "http://data.europa.eu/eli/ontology#date_document"
_SOURCE_FILE = _ONT + "sourceFile"
# The predicates docs_from_quads reads; a subject with none of them gives no SearchDoc.
_INDEXED_PREDICATES = frozenset({_RDF_TYPE, _TITLE, _PREF, _ALT, _NUMBER, _DATE, _SOURCE_FILE})
CLASS_TYPES = {str(k.cls): k.search_type for k in KINDS if k.search_type}


def docs_from_quads(quads: Iterable[ox.Quad], text: str = "") -> list[SearchDoc]:
    """The SearchDocs of the things typed in ``quads`` (one document's named graph).

    Each subject with a class in ``CLASS_TYPES`` becomes one SearchDoc per graph:
    title from ``dcterms:title``, else ``skos:prefLabel``, else its 文号 (else, for the
    source document, its file name); text from
    all its labels, except for the source document (the one with ``hp:sourceFile``),
    whose text is ``text`` (its body) with telephone numbers blanked.  Cited
    documents are included under their cited titles.  Quads in the default graph
    are ignored.
    """

    props: dict[tuple[str, str], dict[str, list[str]]] = {}
    for quad in quads:
        # Most quads (evidence, relations) carry none of these predicates: skip them
        # before reading any other part of the quad.
        if (
            quad.predicate.value not in _INDEXED_PREDICATES
            or not isinstance(quad.graph_name, ox.NamedNode)
            or not isinstance(quad.subject, ox.NamedNode)
            or isinstance(quad.object, ox.Triple)  # an RDF 1.2 triple term: no text to index
        ):
            continue
        entry = props.setdefault((quad.graph_name.value, quad.subject.value), {})
        entry.setdefault(quad.predicate.value, []).append(quad.object.value)
    docs = []
    for (graph, key), values in props.items():
        types = [CLASS_TYPES[c] for c in values.get(_RDF_TYPE, ()) if c in CLASS_TYPES]
        labels = list(
            dict.fromkeys(
                label.strip()
                for p in (_TITLE, _PREF, _ALT, _NUMBER)
                for label in values.get(p, ())
                if label.strip()
            )
        )
        if not labels and _SOURCE_FILE in values:
            # A document with neither title nor 文号 is still found by its words, and
            # shown by its file name; every document graph then has its rows here.
            labels = values[_SOURCE_FILE][:1]
        if not types or not labels:
            continue
        extra: dict[str, Any] = {}
        if numbers := values.get(_NUMBER):
            extra["number"] = numbers[0]
        if dates := values.get(_DATE):
            extra["date"] = dates[0]
        body = redact(text) if _SOURCE_FILE in values else " ".join(labels)
        docs.append(SearchDoc(key, types[0], labels[0], body, graph, extra))
    return docs


# --- folding -------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Mc", "Me")


@functools.lru_cache(maxsize=65536)
def _fold_cluster(cluster: str) -> str:
    """One cluster folded; every space or control in the result is a plain space."""
    category = unicodedata.category(cluster[0])
    if category in ("Cf", "Cs"):
        return ""  # zero-width spaces, BOMs, lone surrogates: nothing to match
    if category == "Cc":
        return " "  # NUL would end an FTS5 string; every control is a break
    piece = unicodedata.normalize("NFKC", cluster).casefold()
    return "".join(
        " " if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Cs") else ch
        for ch in piece
    )


class _CharFolds(dict[int, str]):
    """Code point → ``_fold_cluster`` of that lone character, filled on first use: the
    table ``str.translate`` folds a text with that has no combining marks."""

    def __missing__(self, code: int) -> str:
        if len(self) >= _CHAR_FOLDS_MAX:
            self.clear()  # arbitrary query text never grows the table without bound
        folded = self[code] = _fold_cluster(chr(code))
        return folded


_CHAR_FOLDS_MAX = 65536
_CHAR_FOLDS = _CharFolds()


def _mark_free(text: str) -> bool:
    """Whether ``text`` has no combining mark, so every character is a cluster of its own."""
    seen = set(text)
    if seen <= _NOT_MARKS:
        return True
    if any(_is_mark(ch) for ch in seen):
        return False
    if len(_NOT_MARKS) >= _CHAR_FOLDS_MAX:
        _NOT_MARKS.clear()
    _NOT_MARKS.update(seen)
    return True


_NOT_MARKS: set[str] = set()  # characters met that are no combining mark


def fold_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """The folded text, and for each folded character the original span it came from.

    Folding goes cluster by cluster (a character with its combining marks), so a
    span of the folded text maps back to whole original characters.
    """
    if _mark_free(text):
        folded = text.translate(_CHAR_FOLDS)
        if len(folded) == len(text) and all(len(_CHAR_FOLDS[ord(c)]) == 1 for c in set(text)):
            # One folded character per original one: keep every non-space and the
            # first space of a run after one, then drop a trailing space.
            kept = [i for i, ch in enumerate(folded) if ch != " " or (i and folded[i - 1] != " ")]
            if kept and folded[kept[-1]] == " ":
                kept.pop()
            return "".join(folded[i] for i in kept), kept, [i + 1 for i in kept]
    return _fold_with_offsets_by_cluster(text)


def _fold_with_offsets_by_cluster(text: str) -> tuple[str, list[int], list[int]]:
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and _is_mark(text[j]):
            j += 1
        for ch in _fold_cluster(text[i:j]):
            if ch == " " and (not out or out[-1] == " "):
                continue
            out.append(ch)
            starts.append(i)
            ends.append(j)
        i = j
    if out and out[-1] == " ":
        out.pop()
        starts.pop()
        ends.pop()
    return "".join(out), starts, ends


def fold(text: str) -> str:
    """Text as the index matches it: NFKC, case-folded, whitespace collapsed.

    The same as ``fold_with_offsets(text)[0]``, without the offsets.  A text without
    combining marks (nearly every one) is folded by one ``str.translate``.
    """
    folded = text.translate(_CHAR_FOLDS) if _mark_free(text) else _fold_by_cluster(text)
    return " ".join(filter(None, folded.split(" ")))


def _fold_by_cluster(text: str) -> str:
    pieces = []
    start, n = 0, len(text)
    for j in range(1, n + 1):
        if j == n or not _is_mark(text[j]):
            pieces.append(_fold_cluster(text[start:j]))
            start = j
    return "".join(pieces)


def spaced(folded: str) -> str:
    """Folded text as the character table takes it: a space between characters.

    So every character is a token of its own and a short phrase a phrase of them
    (``医保`` → ``医 保``).  Deterministic: the same text gives the same tokens again
    when its row is deleted.
    """
    return " ".join(folded)


def parse_query(query: str) -> tuple[str, ...]:
    """The phrases of a user query, folded and de-duplicated, in order.

    Raises QueryError for a query with nothing to search for, or one too long.
    """
    if not isinstance(query, str):
        raise QueryError("the search query must be a string")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the search query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}"
        )
    phrases = tuple(dict.fromkeys(fold(query).split()))
    if not phrases:
        raise QueryError("the search query is empty: give one or more words to search for")
    return phrases


def _fts_string(phrase: str) -> str:
    """An FTS5 string token: quoted, inner quotes doubled, so nothing in it is syntax."""
    return '"' + phrase.replace('"', '""') + '"'


# --- snippets ------------------------------------------------------------------------


def _hit_spans(text: str, phrases: Sequence[str]) -> list[tuple[int, int]]:
    """Original-text spans of every occurrence of the phrases, merged where they touch."""
    folded, starts, ends = fold_with_offsets(text)
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        at = folded.find(phrase)
        while at >= 0:
            spans.append((starts[at], ends[at + len(phrase) - 1]))
            at = folded.find(phrase, at + len(phrase))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def make_snippet(
    text: str,
    phrases: Sequence[str],
    *,
    mark: tuple[str, str] = DEFAULT_MARK,
    context: int = 40,
    escape: Callable[[str], str] | None = html.escape,
) -> str:
    """About ``context`` characters of ``text`` around its first hit, hits marked."""
    esc = escape or (lambda s: s)
    flat = " ".join(text.split())  # line breaks mean nothing in a one-line snippet
    spans = _hit_spans(flat, phrases)
    if not spans:
        cut = flat[:context]
        return esc(cut) + ("…" if len(flat) > context else "")
    first_start, first_end = spans[0]
    start = max(0, first_start - context // 2)
    end = min(len(flat), max(first_end + context // 2, start + context))
    # Never cut through a hit: widen the window to take in one that crosses its end.
    for span_start, span_end in spans:
        if span_start < end < span_end:
            end = span_end
    parts = ["…" if start > 0 else ""]
    at = start
    for span_start, span_end in spans:
        if span_start >= end:
            break
        parts.append(esc(flat[at:span_start]))
        parts.append(mark[0] + esc(flat[span_start:span_end]) + mark[1])
        at = span_end
    parts.append(esc(flat[at:end]))
    parts.append("…" if end < len(flat) else "")
    return "".join(parts)


# --- the index -----------------------------------------------------------------------


class SearchIndex:
    """The full-text index, in an SQLite file at ``path`` or in memory when None.

    One connection, guarded by a lock, so one index can serve a threaded web app.
    """

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._lock = threading.RLock()
        try:
            if self.path is None:
                self._conn = sqlite3.connect(
                    ":memory:", isolation_level=None, check_same_thread=False
                )
            elif read_only:
                if not self.path.is_file():
                    raise StoreError(f"no search index at {self.path}: build one with `kg build`")
                uri = "file:" + pathname2url(str(self.path.resolve())) + "?mode=ro"
                self._conn = sqlite3.connect(
                    uri, uri=True, isolation_level=None, check_same_thread=False
                )
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._conn = sqlite3.connect(
                    str(self.path), isolation_level=None, check_same_thread=False
                )
                # WAL lets the API read while a build writes.
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.create_function("spaced", 1, spaced, deterministic=True)
            self._has_chars = self._ensure_schema()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the search index at {self.path}: {exc}") from exc

    def _ensure_schema(self) -> bool:
        """Create or upgrade the schema; whether the character table is there."""
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return True
        if version == 1 and self.read_only:
            return False  # short phrases are scanned for, as version 1 did
        if version == 1:
            self._conn.executescript("BEGIN;" + _UPGRADE_FROM_1 + "COMMIT;")
            return True
        tables = self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if version == 0 and tables == 0 and not self.read_only:
            self._conn.executescript("BEGIN;" + _SCHEMA + "COMMIT;")
            return True
        raise StoreError(
            f"{self.path} is not a search index of schema version {SCHEMA_VERSION} "
            f"(found version {version}): delete it and rebuild with `kg build`"
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def count(self) -> int:
        """How many distinct things (keys) the index holds."""
        with self._lock:
            return int(self._query("SELECT count(DISTINCT key) FROM entries", ())[0][0])

    def graphs(self) -> list[str]:
        """The named graphs the index holds rows of."""
        with self._lock:
            rows = self._query("SELECT DISTINCT graph FROM entries ORDER BY graph", ())
        return [graph for (graph,) in rows]

    # --- writing ---------------------------------------------------------------------

    def replace_graphs(
        self,
        remove: Iterable[str],
        add: Iterable[SearchDoc],
        *,
        before_commit: Callable[[], None] | None = None,
    ) -> None:
        """Drop the graphs in ``remove`` and write ``add``, in one transaction.

        As with ``Store.replace_graphs``, the graph of every added doc is replaced
        too: rows it held before this call go, so rebuilding a document never
        duplicates it.  If anything fails (a bad doc, an exception from ``add`` or
        from ``before_commit``), the index is left as it was.  ``before_commit`` runs
        once the rows are written and before they are committed: the build writes the
        store there, so the index never commits what the store did not.
        """
        self.replace_rows(remove, (self.row(doc) for doc in add), before_commit=before_commit)

    def replace_rows(
        self,
        remove: Iterable[str],
        rows: Iterable[tuple[str, ...]],
        *,
        before_commit: Callable[[], None] | None = None,
    ) -> None:
        """``replace_graphs`` with each doc already made a row by ``SearchIndex.row``.

        Build workers make the rows (folding is most of the cost), so that the one
        process that writes the index only writes.
        """
        if self.read_only:
            raise StoreError("this search index is open read-only; open it for writing")
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"cannot write the search index at {self.path}: {exc}") from exc
            try:
                removed = set(remove)
                conn.executemany(
                    "DELETE FROM entries WHERE graph = ?", [(g,) for g in sorted(removed)]
                )
                last_old = conn.execute("SELECT coalesce(max(id), 0) FROM entries").fetchone()[0]
                for row in rows:
                    graph = row[2]
                    # Rows written by this call have ids above last_old or belong to a
                    # graph already seen, so this drops only the graph's old rows.
                    if graph not in removed:
                        conn.execute(
                            "DELETE FROM entries WHERE graph = ? AND id <= ?", (graph, last_old)
                        )
                        removed.add(graph)
                    conn.execute(
                        "INSERT INTO entries(key, type, graph, title, text, extra, ftitle, ftext)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        row,
                    )
                if before_commit is not None:
                    before_commit()
                conn.execute("COMMIT")
            except BaseException as exc:
                conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(
                        f"writing the search index at {self.path} failed: {exc}"
                    ) from exc
                raise

    @staticmethod
    def row(doc: SearchDoc) -> tuple[str, ...]:
        """The row of ``entries`` that indexes ``doc``: its fields, extra as JSON, folded texts."""
        if not isinstance(doc, SearchDoc):
            raise StoreError(f"cannot index {doc!r}: expected a SearchDoc")
        if doc.type not in DOC_TYPES:
            raise StoreError(
                f"cannot index {doc.key}: type {doc.type!r} is not one of {', '.join(DOC_TYPES)}"
            )
        if not doc.key or not doc.graph:
            raise StoreError(f"cannot index {doc!r}: key and graph must not be empty")
        try:
            extra = json.dumps(doc.extra, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"cannot index {doc.key}: extra is not JSON: {exc}") from exc
        return (
            doc.key, doc.type, doc.graph, doc.title, doc.text, extra,
            fold(doc.title), fold(doc.text),
        )  # fmt: skip

    # --- searching -------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        types: Sequence[str] | None = None,
        limit: int = 20,
        offset: int = 0,
        mark: tuple[str, str] = DEFAULT_MARK,
        context: int = 40,
        escape: Callable[[str], str] | None = html.escape,
        scan: bool = False,
    ) -> SearchPage:
        """One page of the things matching every phrase of ``query``, best first.

        ``types`` keeps only those types (None or empty: all).  ``scan`` answers a
        query of short phrases by an ``instr`` scan of every row instead of the
        character table (as for an index of schema version 1): the same things,
        ranked by weighted occurrence counts; for tests and benchmarks.  Raises
        QueryError for an empty or over-long query, an unknown type or a bad page.
        """
        phrases = parse_query(query)
        type_list = self._check_page(types, limit, offset)
        sql, params = self._matching_sql(phrases, type_list, scan=scan)
        # Rank on ids and scores only; bodies are read for the page alone (a common
        # word matches thousands of documents, and carrying their texts through the
        # window functions cost a hundred milliseconds).
        page_sql = f"""
            WITH hits AS ({sql}),
            best AS (
                SELECT *, row_number() OVER (
                    PARTITION BY key ORDER BY in_title DESC, score DESC, id
                ) AS nth FROM hits
            )
            SELECT id, score, count(*) OVER () AS total
            FROM best WHERE nth = 1
            ORDER BY in_title DESC, score DESC, key
            LIMIT ? OFFSET ?
        """
        with self._lock:
            ranked = self._query(page_sql, [*params, limit, offset])
            total = (
                ranked[0][2]
                if ranked
                else self._query(f"SELECT count(DISTINCT key) FROM ({sql})", params)[0][0]
            )
            ids = [row[0] for row in ranked]
            bodies = (
                {
                    row[0]: row[1:]
                    for row in self._query(
                        f"SELECT id, key, type, title, text, extra FROM entries"
                        f" WHERE id IN ({', '.join('?' * len(ids))})",
                        ids,
                    )
                }
                if ids
                else {}
            )
        items = []
        for id_, score, _total in ranked:
            key, type_, title, text, extra = bodies[id_]
            source = text if _hit_spans(text, phrases) or not title else title
            snippet = make_snippet(source, phrases, mark=mark, context=context, escape=escape)
            items.append(SearchHit(key, type_, title, snippet, float(score), json.loads(extra)))
        return SearchPage(total=total, items=items)

    def scores(self, query: str, *, types: Sequence[str] | None = None) -> dict[str, float]:
        """Every matching key with its best score (for ``fn:rank``)."""
        phrases = parse_query(query)
        type_list = self._check_page(types, 1, 0)
        sql, params = self._matching_sql(phrases, type_list)
        with self._lock:
            # Materialised: flattened into the aggregate, bm25() is refused
            # ("unable to use function bm25 in the requested context").
            rows = self._query(
                f"WITH hits AS MATERIALIZED ({sql}) SELECT key, max(score) FROM hits GROUP BY key",
                params,
            )
        return {key: float(score) for key, score in rows}

    @staticmethod
    def _check_page(types: Sequence[str] | None, limit: int, offset: int) -> list[str]:
        if isinstance(types, str):
            types = [types]
        type_list = list(dict.fromkeys(types or ()))
        unknown = [t for t in type_list if t not in DOC_TYPES]
        if unknown:
            raise QueryError(
                f"unknown type {', '.join(map(repr, unknown))}: use one of {', '.join(DOC_TYPES)}"
            )
        if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit must be between 1 and {MAX_LIMIT}, not {limit!r}")
        if not isinstance(offset, int) or offset < 0:
            raise QueryError(f"offset must be 0 or more, not {offset!r}")
        return type_list

    def _matching_sql(
        self, phrases: Sequence[str], types: Sequence[str], *, scan: bool = False
    ) -> tuple[str, list[Any]]:
        """A SELECT of (id, key, in_title, score) per match.

        Short phrases alone go to the character table, unless ``scan`` asks for the
        ``instr`` scan of every row (kept for indexes of schema version 1, and so
        that benchmarks can compare the two).
        """
        long_ = [p for p in phrases if len(p) >= MIN_TRIGRAM]
        short = [p for p in phrases if len(p) < MIN_TRIGRAM]
        params: list[Any] = []
        in_title = " AND ".join(["instr(e.ftitle, ?) > 0"] * len(phrases))
        params += phrases
        where_params: list[Any]
        if long_:
            score = f"-bm25(fts, {TITLE_WEIGHT}, 1.0)"
            source = "fts JOIN entries e ON e.id = fts.rowid"
            where = ["fts MATCH ?"]
            where_params = [" AND ".join(_fts_string(p) for p in long_)]
        elif self._has_chars and not scan:
            score = f"-bm25(chars, {TITLE_WEIGHT}, 1.0)"
            source = "chars JOIN entries e ON e.id = chars.rowid"
            where = ["chars MATCH ?"]
            where_params = [" AND ".join(_fts_string(spaced(p)) for p in short)]
        else:
            # Occurrences, title ones weighted: the scan's stand-in for bm25.
            count = "(length({col}) - length(replace({col}, ?, ''))) / length(?)"
            score = " + ".join(
                f"{TITLE_WEIGHT} * {count.format(col='e.ftitle')} + {count.format(col='e.ftext')}"
                for _ in short
            )
            for p in short:
                params += [p, p, p, p]
            source = "entries e"
            where = []
            where_params = []
        # The exact substring test: it filters the trigram hits, drops the character
        # table's near misses (``a b`` for ``ab``), or, scanning, tests every row.
        for p in short:
            where.append("(instr(e.ftitle, ?) > 0 OR instr(e.ftext, ?) > 0)")
            where_params += [p, p]
        if types:
            where.append(f"e.type IN ({', '.join('?' * len(types))})")
            where_params += list(types)
        sql = (
            f"SELECT e.id AS id, e.key AS key, ({in_title}) AS in_title,"
            f" ({score}) AS score FROM {source} WHERE {' AND '.join(where) or '1'}"
        )
        return sql, params + where_params

    def _query(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            # Phrases are bound and quoted, so a failure is the index's, not the user's text.
            raise StoreError(f"reading the search index at {self.path} failed: {exc}") from exc


# --- SPARQL functions ----------------------------------------------------------------


def text_score(text: str, query: str) -> float | None:
    """Weighted occurrence count of every phrase of ``query`` in ``text``, or None.

    None when a phrase does not occur or the query has no phrases.
    """
    try:
        phrases = parse_query(query)
    except QueryError:
        return None
    folded = fold(text)
    total = 0
    for phrase in phrases:
        n = folded.count(phrase)
        if n == 0:
            return None
        total += n
    return float(total)


# What pyoxigraph's query(custom_functions=...) takes (a dict is invariant in its values).
SparqlFunction = Callable[..., ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]


def custom_functions(
    index: SearchIndex | None = None,
) -> dict[ox.NamedNode, SparqlFunction]:
    """SPARQL functions for ``pyoxigraph.Store.query(custom_functions=...)``.

    ``fn:search(?text, "query")`` needs no index; ``fn:rank(?iri, "query")`` is
    included only when ``index`` is given.  Build the dict once per SPARQL query:
    ``fn:rank`` caches one index search per query string, for the life of the dict.
    A function answers None (unbound) for arguments it cannot use, never raises.
    """

    def search(term: object, query: object) -> ox.Literal | None:
        if not isinstance(term, ox.Literal) or not isinstance(query, ox.Literal):
            return None
        score = text_score(term.value, query.value)
        return None if score is None else ox.Literal(score)

    functions: dict[ox.NamedNode, SparqlFunction] = {ox.NamedNode(SEARCH_FUNCTION_IRI): search}
    if index is not None:
        cache: dict[str, dict[str, float]] = {}

        def rank(term: object, query: object) -> ox.Literal | None:
            if not isinstance(term, ox.NamedNode) or not isinstance(query, ox.Literal):
                return None
            if query.value not in cache:
                try:
                    cache[query.value] = index.scores(query.value)
                except QueryError:
                    cache[query.value] = {}
            score = cache[query.value].get(term.value)
            return None if score is None else ox.Literal(score)

        functions[ox.NamedNode(RANK_FUNCTION_IRI)] = rank
    return functions
