"""The query stage: named SPARQL queries in ``queries/*.rq`` and the facts REST serves.

A named query is a ``.rq`` file whose header comment says what it is:

    # name: cited_by
    # summary: Documents that cite a given document
    # param: number (docno) — canonical 文号 of the cited document
    # param: year? — four-digit year; optional parameters end in ``?``

A parameter's kind is ``literal`` (the default), ``iri`` (bound as a NamedNode) or
``docno`` (a 文号 in any bracket form, normalised, bound as a literal).  Values are
bound with pyoxigraph's ``substitutions=``, never formatted into the text; since
pyoxigraph 0.5 binds only projected variables, every parameter must be in the
SELECT clause, and a query file is written so that a bound value constrains a
required pattern or a ``BIND`` (a bound ``OPTIONAL`` variable would not filter).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import NotFound, QueryError
from kg.rdf.package_data import shipped_folder
from kg.sparql.binding import leading_values
from kg.sparql.policy import check_query

if TYPE_CHECKING:
    from kg.store.graphstore import GraphStore

QUERIES_DIR = shipped_folder("queries")

PARAM_KINDS = ("literal", "iri", "docno")

_HEADER = re.compile(r"^#\s*(name|summary|param|example)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<optional>\?)?"
    r"(?:\s*\((?P<kind>[a-z]+)\))?"
    r"(?:\s*[—–:-]+\s*(?P<description>.*))?$"
)


@dataclass(frozen=True)
class Param:
    """One parameter of a named query."""

    name: str
    kind: str = "literal"
    required: bool = True
    description: str = ""


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL SELECT from ``queries/``, with the header that documents it."""

    name: str
    summary: str
    params: tuple[Param, ...]
    sparql: str
    path: Path
    # One example per ``# example: name=value; other=value`` line: parameter values
    # that answer on the seed corpus (pairs, so that the query stays hashable).
    examples: tuple[tuple[tuple[str, str], ...], ...] = ()

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def example_values(self) -> list[dict[str, str]]:
        """The examples as parameter → value mappings, in the file's order."""
        return [dict(pairs) for pairs in self.examples]


@dataclass(frozen=True)
class DocRef:
    """A document as a list item: its number and title when the graph knows them."""

    iri: str
    number: str | None
    title: str | None


@dataclass(frozen=True)
class DocumentFacts:
    """What the graph says about one document."""

    iri: str
    number: str
    title: str | None
    issuer: str | None
    date: str | None
    type: str | None
    url: str | None
    cited_by_count: int
    cites_count: int


def parse_query_file(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its header; the name defaults to the file's stem."""
    text = path.read_text(encoding="utf-8")
    name, summary, params = path.stem, "", []
    examples: list[tuple[tuple[str, str], ...]] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break  # the header ends at the first line of SPARQL
            continue
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "name":
            name = value
        elif key == "summary":
            summary = value
        elif key == "example":
            examples.append(_parse_examples(value))
        else:
            params.append(_parse_param(value, path))
    known = {p.name for p in params}
    return NamedQuery(
        name=name,
        summary=summary,
        params=tuple(params),
        sparql=text,
        path=path,
        # A value for something that is no parameter is ignored.
        examples=tuple(tuple(p for p in pairs if p[0] in known) for pairs in examples),
    )


def _parse_examples(spec: str) -> tuple[tuple[str, str], ...]:
    """``name=value; other=value`` (full-width ；, or just a space before the next
    ``name=``); pairs without a value are skipped."""
    pairs: dict[str, str] = {}
    for pair in re.split(r"[;；]\s*|\s+(?=[A-Za-z_]\w*\s*=)", spec):
        key, sep, value = pair.partition("=")
        if sep and key.strip() and value.strip():
            pairs.setdefault(key.strip(), value.strip())
    return tuple(pairs.items())


def _parse_param(spec: str, path: Path) -> Param:
    match = _PARAM.match(spec)
    if not match:
        raise QueryError(
            f"{path}: cannot read the parameter line {spec!r}; "
            "write `# param: name[?] [(literal|iri|docno)] — description`"
        )
    kind = match["kind"] or "literal"
    if kind not in PARAM_KINDS:
        raise QueryError(f"{path}: parameter kind {kind!r} is not one of {', '.join(PARAM_KINDS)}")
    return Param(
        name=match["name"],
        kind=kind,
        required=match["optional"] is None,
        description=match["description"] or "",
    )


def list_queries(queries_dir: Path | None = None) -> list[NamedQuery]:
    """Every named query, sorted by name.

    Parsed once per set of files: the cache key holds each file's modification time,
    so an edited .rq file shows within ``RESCAN_S`` seconds.  The folder is listed
    at most once per ``RESCAN_S``: listing and stat-ing every file on each call
    cost a quarter of the CPU of a REST look-up.
    """
    directory = queries_dir or QUERIES_DIR
    now = time.monotonic()
    seen = _scans.get(directory)
    if seen is None or now - seen[0] >= RESCAN_S:
        if not directory.is_dir():
            raise QueryError(f"no query directory at {directory}")
        files = tuple(sorted((p, p.stat().st_mtime_ns) for p in directory.glob("*.rq")))
        seen = _scans[directory] = (now, files)
    return list(_parsed(seen[1]))


RESCAN_S = 1.0
_scans: dict[Path, tuple[float, tuple[tuple[Path, int], ...]]] = {}


@functools.lru_cache(maxsize=8)
def _parsed(files: tuple[tuple[Path, int], ...]) -> tuple[NamedQuery, ...]:
    return tuple(sorted((parse_query_file(p) for p, _mtime in files), key=lambda q: q.name))


def get_query(name: str, queries_dir: Path | None = None) -> NamedQuery:
    queries = list_queries(queries_dir)
    for query in queries:
        if query.name == name:
            return query
    known = ", ".join(q.name for q in queries)
    raise NotFound(f"no named query {name!r}; known queries: {known}")


def bind_params(
    query: NamedQuery, params: Mapping[str, str]
) -> dict[str, ox.NamedNode | ox.Literal]:
    """Check ``params`` against the query's header and turn them into typed terms."""
    unknown = sorted(set(params) - {p.name for p in query.params})
    if unknown:
        declared = ", ".join(p.name for p in query.params) or "none"
        raise QueryError(
            f"query {query.name!r} has no parameter {', '.join(unknown)}; its parameters: {declared}"
        )
    bound: dict[str, ox.NamedNode | ox.Literal] = {}
    for param in query.params:
        value = params.get(param.name)
        if value is None or value == "":
            if param.required:
                raise QueryError(
                    f"query {query.name!r} needs the parameter {param.name!r} ({param.description})"
                )
            continue
        bound[param.name] = _term(param, value)
    return bound


def _term(param: Param, value: str) -> ox.NamedNode | ox.Literal:
    if param.kind == "iri":
        try:
            return ox.NamedNode(value)
        except ValueError as exc:
            raise QueryError(f"parameter {param.name!r} is not an IRI: {exc}") from exc
    if param.kind == "docno":
        return ox.Literal(canonical_number(value))
    return ox.Literal(value)


def run_query(
    store: GraphStore,
    name: str,
    params: Mapping[str, str] | None = None,
    *,
    queries_dir: Path | None = None,
    limit: int | None = None,
) -> list[dict[str, str | None]]:
    """Run a named query with its parameters bound; rows of plain values.

    ``limit`` caps the rows (lowering a LIMIT the query ends with), so a caller that
    shows fifty rows does not pay for a thousand.
    """
    query = get_query(name, queries_dir)
    check_query(query.sparql)  # a deployment's own .rq file calls no endpoint either
    # Variables the query reads are joined in by a leading VALUES row, which the
    # planner uses (see kg.sparql.binding); only variables it assigns go as substitutions.
    text, substitutions = leading_values(query.sparql, bind_params(query, params or {}))
    if limit is not None:
        text = _with_limit(text, int(limit))
    return store.select(text, substitutions=substitutions)


_TRAILING_LIMIT = re.compile(r"\bLIMIT\s+(\d+)\s*$", re.IGNORECASE)


def bound(row: Mapping[str, str | None], name: str) -> str:
    """The value of ``?name`` in a row of a named query whose required pattern binds it."""
    value = row.get(name)
    if value is None:
        raise QueryError(f"a named query's row has no ?{name}: bind it in a required pattern")
    return value


def _with_limit(sparql: str, limit: int) -> str:
    found = _TRAILING_LIMIT.search(sparql)
    if found:
        return f"{sparql[: found.start()]}LIMIT {min(limit, int(found.group(1)))}\n"
    return f"{sparql.rstrip()}\nLIMIT {limit}\n"


def canonical_number(text: str) -> str:
    """A 文号 in any bracket form, spacing or width, in canonical GB/T 9704 form."""
    from kg.docno import normalise  # the 文号 grammar lives in one place

    return normalise(text)


# --- the facts REST serves -------------------------------------------------------


def document(store: GraphStore, number: str, *, queries_dir: Path | None = None) -> DocumentFacts:
    """One document's facts by 文号; NotFound when the graph has no such document."""
    canonical = canonical_number(number)
    rows = run_query(store, "document", {"number": canonical}, queries_dir=queries_dir)
    if not rows:
        raise NotFound(f"no document numbered {canonical} in the graph")
    row = rows[0]
    return DocumentFacts(
        iri=row["doc"] or "",
        number=canonical,
        title=row.get("title"),
        issuer=row.get("issuer"),
        date=row.get("date"),
        type=row.get("type"),
        url=row.get("url"),
        cited_by_count=int(row.get("citedByCount") or 0),
        cites_count=int(row.get("citesCount") or 0),
    )


def cited_by(store: GraphStore, number: str, *, queries_dir: Path | None = None) -> list[DocRef]:
    """Documents that cite the document numbered ``number``, by number then IRI."""
    canonical = canonical_number(number)
    rows = run_query(store, "cited_by", {"number": canonical}, queries_dir=queries_dir)
    if not rows:
        _known_number(store, canonical)  # nothing cites it: does it exist at all?
    refs = [DocRef(r["citing"] or "", r.get("citingNumber"), r.get("citingTitle")) for r in rows]
    return sorted(refs, key=lambda ref: (ref.number is None, ref.number or "", ref.iri))


def cites(store: GraphStore, number: str, *, queries_dir: Path | None = None) -> list[DocRef]:
    """Documents that the document numbered ``number`` cites, by number or by title."""
    canonical = canonical_number(number)
    rows = run_query(store, "cites", {"number": canonical}, queries_dir=queries_dir)
    if not rows:
        _known_number(store, canonical)
    return [DocRef(r["cited"] or "", r.get("citedNumber"), r.get("citedTitle")) for r in rows]


_EXISTS = (
    "SELECT ?number WHERE { ?doc <http://data.europa.eu/eli/ontology#id_local> ?number } LIMIT 1"
)


def _known_number(store: GraphStore, canonical: str) -> None:
    """NotFound unless some document in the graph has this canonical number."""
    if not store.select(_EXISTS, substitutions={"number": ox.Literal(canonical)}):
        raise NotFound(f"no document numbered {canonical} in the graph")
