"""Look-up queries answered by index probes in the server process, stoppable between steps.

Most SPARQL traffic to a service like this one is look-ups: which documents cite
this 文号, what is this IRI's title.  Such a query is a basic graph pattern anchored
on a constant.  The general path sends every query to a worker process
(kg.sparql.sandbox), because pyoxigraph cannot stop a query it is evaluating; for a
look-up, that hop costs four times the look-up itself.  A pattern walked here can
be stopped: each step is one probe of an index by subject or by object, and the
walk looks at its time budget between steps.

The shape admitted; anything else goes to the workers, unchanged:

- ``PREFIX`` declarations (no ``BASE``);
- ``SELECT [DISTINCT|REDUCED] ?a ?b …`` or ``ASK``, then ``WHERE { … }`` holding
  only triple patterns (``;`` and ``,`` lists, ``a``) over variables, absolute
  IRIs, prefixed names and string literals (with a language tag or a datatype);
- ``LIMIT`` and ``OFFSET`` after the group;
- an order of the patterns exists in which every pattern has its subject or its
  object known (a constant, or a variable an earlier pattern bound), so that no
  step scans a whole predicate or the whole store.

``plan`` reads a query into a ``Plan`` (None outside the shape) and ``answer``
evaluates one, raising ``OverBudget`` when the walk passes its time budget, so the
caller can hand the query to the workers after all.  Matching is RDF term equality
over the store's default graph, as SPARQL's basic graph pattern matching is; the
solutions are the ones pyoxigraph gives, in an order of their own (SPARQL leaves
it unspecified without ORDER BY).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from kg.sparql.answers import QueryAnswer, QueryJob, boolean_answer, solutions_answer

__all__ = ["OverBudget", "Plan", "answer", "plan"]

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
# How many index entries are read between two looks at the clock.
CHECK_EVERY = 64

_TOKEN = re.compile(
    r"""(?P<space>\s+|\#[^\n\r]*)
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<string>"(?:[^"\\\n\r]|\\[tbnrf"'\\])*"|'(?:[^'\\\n\r]|\\[tbnrf"'\\])*')
    |(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    |(?P<datatype>\^\^)
    |(?P<var>[?$]\w+)
    |(?P<integer>\d+(?![\w.]))
    |(?P<pname>(?:[A-Za-z](?:[\w.-]*[\w-])?)?:(?:[\w:](?:[\w.:-]*[\w:-])?)?)
    |(?P<word>[A-Za-z]+)
    |(?P<punct>[{}.;,])""",
    re.VERBOSE,
)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")

Term = ox.NamedNode | ox.Literal
Slot = Term | str  # a constant, or the name of a variable


class OverBudget(Exception):
    """The walk passed its time budget; the query should go to the general path."""


class _NotSimple(Exception):
    """The query is outside the shape this module answers."""


@dataclass(frozen=True)
class Plan:
    """A query read and ordered: each pattern probes by a known subject or object."""

    form: str  # "select" or "ask"
    names: tuple[str, ...]  # projected variables, in the query's order
    patterns: tuple[tuple[Slot, Slot, Slot], ...]  # in evaluation order
    distinct: bool = False
    limit: int | None = None
    offset: int = 0

    @functools.cached_property
    def variables(self) -> tuple[str, ...]:
        """The pattern's variables, in the order the walk binds them."""
        seen: dict[str, None] = {}
        for pattern in self.patterns:
            seen.update((s, None) for s in pattern if isinstance(s, str))
        return tuple(seen)


def plan(text: str) -> Plan | None:
    """The query as a Plan, or None when it is not a simple look-up (see the module)."""
    # A \\u escape may stand anywhere in a query, even inside an IRI: leave those to
    # the full parser.
    if "\\u" in text or "\\U" in text:
        return None
    return _plan(text)


@functools.lru_cache(maxsize=1024)
def _plan(text: str) -> Plan | None:
    try:
        return _Reader(_tokens(text)).query()
    except _NotSimple:
        return None


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise _NotSimple
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            tokens.append((kind, match.group()))
        position = match.end()
    return tokens


class _Reader:
    """A recursive-descent reader of the admitted shape over the token list."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0
        self.prefixes: dict[str, str] = {}

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.at += 1
        return token

    def keyword(self, *words: str) -> str | None:
        kind, value = self.peek()
        if kind == "word" and value.upper() in words:
            self.at += 1
            return value.upper()
        return None

    def expect(self, kind: str, value: str | None = None) -> str:
        found_kind, found = self.take()
        if found_kind != kind or (value is not None and found != value):
            raise _NotSimple
        return found

    def query(self) -> Plan:
        while self.keyword("PREFIX"):
            name = self.expect("pname")
            if not name.endswith(":") or name.count(":") != 1:
                raise _NotSimple
            self.prefixes[name[:-1]] = self.absolute(self.expect("iri")[1:-1])
        form = self.keyword("SELECT", "ASK")
        if form is None:
            raise _NotSimple
        distinct, names = False, []
        if form == "SELECT":
            distinct = self.keyword("DISTINCT", "REDUCED") is not None
            while self.peek()[0] == "var":
                names.append(self.take()[1][1:])
            if not names or len(set(names)) != len(names):
                raise _NotSimple
        self.keyword("WHERE")
        patterns = self.group()
        limit, offset = self.modifiers() if form == "SELECT" else (None, 0)
        if self.peek()[0] != "end":
            raise _NotSimple
        return Plan(
            form=form.lower(),
            names=tuple(names),
            patterns=_ordered(patterns),
            distinct=distinct,
            limit=limit,
            offset=offset,
        )

    def group(self) -> list[tuple[Slot, Slot, Slot]]:
        self.expect("punct", "{")
        patterns: list[tuple[Slot, Slot, Slot]] = []
        while self.peek() != ("punct", "}"):
            self.same_subject(self.subject_or_verb(), patterns)
            if self.peek() == ("punct", "."):
                self.take()
            elif self.peek() != ("punct", "}"):
                raise _NotSimple
        self.take()
        if not patterns:
            raise _NotSimple
        return patterns

    def same_subject(self, subject: Slot, patterns: list[tuple[Slot, Slot, Slot]]) -> None:
        """``verb object, object ; verb object …`` after one subject."""
        while True:
            verb = self.subject_or_verb(verb=True)
            patterns.append((subject, verb, self.object()))
            while self.peek() == ("punct", ","):
                self.take()
                patterns.append((subject, verb, self.object()))
            if self.peek() != ("punct", ";"):
                return
            while self.peek() == ("punct", ";"):
                self.take()
            if self.peek() in (("punct", "."), ("punct", "}")):
                return

    def subject_or_verb(self, *, verb: bool = False) -> Slot:
        kind, value = self.take()
        if kind == "var":
            return value[1:]
        if verb and kind == "word" and value == "a":
            return RDF_TYPE
        return self.iri(kind, value)

    def object(self) -> Slot:
        kind, value = self.take()
        if kind == "var":
            return value[1:]
        if kind != "string":
            return self.iri(kind, value)
        lexical = re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], value[1:-1])
        next_kind, next_value = self.peek()
        try:
            if next_kind == "lang":
                self.take()
                return ox.Literal(lexical, language=next_value[1:])
            if next_kind == "datatype":
                self.take()
                datatype = self.iri(*self.take())
                return ox.Literal(lexical, datatype=datatype)
        except ValueError as exc:
            raise _NotSimple from exc
        return ox.Literal(lexical)

    def iri(self, kind: str, value: str) -> ox.NamedNode:
        if kind == "iri":
            return ox.NamedNode(self.absolute(value[1:-1]))
        if kind == "pname":
            prefix, _, local = value.partition(":")
            if prefix not in self.prefixes:
                raise _NotSimple
            return ox.NamedNode(self.absolute(self.prefixes[prefix] + local))
        raise _NotSimple

    @staticmethod
    def absolute(iri: str) -> str:
        if not _SCHEME.match(iri):
            raise _NotSimple
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise _NotSimple from exc
        return iri

    def modifiers(self) -> tuple[int | None, int]:
        limit: int | None = None
        offset: int | None = None
        while (word := self.keyword("LIMIT", "OFFSET")) is not None:
            value = int(self.expect("integer"))
            if word == "LIMIT" and limit is None:
                limit = value
            elif word == "OFFSET" and offset is None:
                offset = value
            else:
                raise _NotSimple
        return limit, offset or 0


def _ordered(patterns: list[tuple[Slot, Slot, Slot]]) -> tuple[tuple[Slot, Slot, Slot], ...]:
    """The patterns in an order where each probes by a known subject or object.

    Greedy: next comes the pattern with the most known positions, a known subject
    breaking ties (a subject has fewer triples than an object like a type), then
    the written order.  No such order: not a look-up.
    """
    bound: set[str] = set()
    left = list(patterns)
    order = []

    def known(slot: Slot) -> bool:
        return not isinstance(slot, str) or slot in bound

    while left:
        anchored = [p for p in left if known(p[0]) or known(p[2])]
        if not anchored:
            raise _NotSimple
        best = max(
            anchored,
            key=lambda p: (sum(known(s) for s in p), known(p[0]), -left.index(p)),
        )
        left.remove(best)
        order.append(best)
        bound.update(s for s in best if isinstance(s, str))
    return tuple(order)


def answer(store: ox.Store, query: Plan, job: QueryJob, budget_s: float) -> QueryAnswer:
    """Evaluate ``query`` and serialise it as ``job`` asks; OverBudget past ``budget_s``."""
    deadline = time.monotonic() + budget_s
    solutions = _solutions(store, query, deadline)
    if query.form == "ask":
        return boolean_answer(next(solutions, None) is not None, job)
    return solutions_answer(list(query.names), _modified(query, solutions), job)


def _modified(
    query: Plan, solutions: Iterator[tuple[Term | None, ...]]
) -> Iterator[dict[str, Term | None]]:
    """DISTINCT, OFFSET and LIMIT over projected solutions, in SPARQL's order."""
    seen: set[tuple[Term | None, ...]] = set()
    skipped = given = 0
    for row in solutions:
        if query.limit is not None and given >= query.limit:
            return
        if query.distinct:
            if row in seen:
                continue
            seen.add(row)
        if skipped < query.offset:
            skipped += 1
            continue
        given += 1
        yield dict(zip(query.names, row, strict=True))


def _solutions(store: ox.Store, query: Plan, deadline: float) -> Iterator[tuple[Term | None, ...]]:
    """Every solution of the pattern, projected, depth first, watching the clock.

    One list holds the variables' values; a step's probe reads the ones bound
    before it, and going back a step leaves stale values that the next quad at
    that step overwrites.  The iterators of the open steps are kept on a stack, so
    the walk can stop between any two index entries.
    """
    steps, projection = _compiled(query)
    values: list[Term | None] = [None] * (len(query.variables) + 1)  # the last: never bound
    graph = ox.DefaultGraph()
    last = len(steps) - 1

    def probe(step: _Step) -> Iterator[ox.Quad]:
        subject, predicate, obj = (
            values[slot] if isinstance(slot, int) else slot for slot in step.probe
        )
        # A variable bound to a literal matches no subject; to a non-IRI, no predicate.
        if isinstance(subject, ox.Literal) or (
            predicate is not None and not isinstance(predicate, ox.NamedNode)
        ):
            return iter(())
        return store.quads_for_pattern(subject, predicate, obj, graph)

    iterators = [probe(steps[0])]
    read = 0
    while iterators:
        depth = len(iterators) - 1
        step = steps[depth]
        for quad in iterators[depth]:
            read += 1
            if read % CHECK_EVERY == 0 and time.monotonic() > deadline:
                raise OverBudget
            if any(quad[a] != quad[b] for a, b in step.same):
                continue  # a variable written twice in one pattern
            for position, index in step.binds:
                values[index] = quad[position]
            if depth == last:
                yield tuple(values[i] for i in projection)
            else:
                iterators.append(probe(steps[depth + 1]))
                break
        else:
            iterators.pop()


@dataclass(frozen=True)
class _Step:
    """One pattern as the walk probes it.

    ``probe``: per position, a constant, the index of a variable bound by an
    earlier step, or None (free); ``binds``: (position, variable index) set from
    each quad; ``same``: positions that must hold one term (a variable twice).
    """

    probe: tuple[Term | int | None, ...]
    binds: tuple[tuple[int, int], ...]
    same: tuple[tuple[int, int], ...]


@functools.lru_cache(maxsize=1024)
def _compiled(query: Plan) -> tuple[tuple[_Step, ...], tuple[int, ...]]:
    """The steps of the walk, and where each projected variable's value is kept."""
    unbound = len(query.variables)  # a projected variable no pattern binds
    projection = tuple(
        query.variables.index(n) if n in query.variables else unbound for n in query.names
    )
    bound: set[str] = set()
    steps = []
    for pattern in query.patterns:
        probe: list[Term | int | None] = []
        binds: list[tuple[int, int]] = []
        same: list[tuple[int, int]] = []
        first: dict[str, int] = {}
        for position, slot in enumerate(pattern):
            if not isinstance(slot, str):
                probe.append(slot)
            elif slot in bound:
                probe.append(query.variables.index(slot))
            elif slot in first:
                probe.append(None)
                same.append((first[slot], position))
            else:
                probe.append(None)
                first[slot] = position
                binds.append((position, query.variables.index(slot)))
        bound.update(first)
        steps.append(_Step(tuple(probe), tuple(binds), tuple(same)))
    return tuple(steps), projection
