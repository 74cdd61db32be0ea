"""Binding query parameters as VALUES rows written from the terms' own N-Triples form.

pyoxigraph's ``substitutions=`` binds only projected variables, and it binds them
after planning: a variable bound that way in a triple pattern's object position is
matched by a scan of every such triple (24 s on a 10,000-document store, against
milliseconds with the term in place).  A VALUES row at the head of the outermost
WHERE group joins the term in first, so the planner uses it.  A remote server gets
the same text.  Terms are written with ``str(term)``, their N-Triples form, which
is also their SPARQL form: no user text is formatted into a query.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

import pyoxigraph as ox

from kg.errors import QueryError

_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TRAILING_VALUES = re.compile(r"\bVALUES\b[^{}]*\{[^{}]*\}\s*$", re.IGNORECASE)
_OUTER_GROUP = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_ASSIGNED = re.compile(r"\bAS\s*[?$]([A-Za-z_][A-Za-z0-9_]*)(?![\w])", re.IGNORECASE)
# Strings, IRIs and comments: blanked before looking for keywords and variables.
_LEXEMES = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\''
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*",
    re.DOTALL,
)


def leading_values(
    sparql: str, substitutions: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode]
) -> tuple[str, dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
    """Bind each variable the query reads by a VALUES row at the head of its WHERE group.

    Returns the new text and the substitutions left over: variables the query assigns
    itself (``BIND(… AS ?v)``), which SPARQL forbids pre-binding in a VALUES row,
    and every variable when the query has no WHERE group to put the row in.
    """
    outer, assigned = _shape(sparql)
    leading: list[tuple[str, str]] = []
    rest: dict[str, ox.NamedNode | ox.Literal | ox.BlankNode] = {}
    for name, term in substitutions.items():
        if not _VARIABLE.fullmatch(name):
            raise QueryError(f"{name!r} is not a SPARQL variable name; use letters, digits and _")
        if name in assigned or outer is None or not isinstance(term, ox.NamedNode | ox.Literal):
            rest[name] = term
        else:
            leading.append((name, str(term)))
    if not leading:
        return sparql, rest
    assert outer is not None
    text = f"{sparql[:outer]}\n  {_values_row(leading)}\n{sparql[outer:]}"
    return text, rest


@functools.lru_cache(maxsize=256)
def _shape(sparql: str) -> tuple[int | None, frozenset[str]]:
    """Where the outermost WHERE group opens, and the variables the query assigns.

    Cached by text: the named queries are a few fixed texts, and masking one cost
    as much as a cheap look-up's evaluation.
    """
    masked = _mask(sparql)
    outer = _OUTER_GROUP.search(masked)
    assigned = frozenset(m.group(1) for m in _ASSIGNED.finditer(masked))
    return (outer.end() if outer else None), assigned


def with_values(
    sparql: str, substitutions: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode]
) -> str:
    """``sparql`` with each variable bound to its term by a VALUES row.

    pyoxigraph's ``substitutions=`` pre-binds a variable for the whole evaluation:
    patterns, FILTERs and EXISTS see the value, and a BIND that assigns the variable
    must agree with it.  A VALUES row at the head of the outermost WHERE group does
    the same for a variable the query reads; SPARQL forbids it for a variable the
    query assigns (``BIND(… AS ?v)``), which is joined by a trailing VALUES clause
    instead (§18.2.4.3): rows that disagree are dropped, as with a substitution.
    Each term is written in its own N-Triples form (``str(term)``), which is also its
    SPARQL form, so no user text is formatted into the query.
    """
    for name, term in substitutions.items():
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise QueryError(
                f"?{name} is bound to a {type(term).__name__}; a remote query can bind only "
                "IRIs and literals"
            )
    text, rest = leading_values(sparql, substitutions)
    trailing = [(name, str(term)) for name, term in rest.items()]
    masked = _mask(text)
    if trailing:
        if _TRAILING_VALUES.search(masked):
            raise QueryError(
                "this query already ends with a VALUES clause, so its parameters cannot be "
                "bound on a remote store; bind them in that clause instead"
            )
        # A new line first: the query's last line may be a comment.
        text = f"{text.rstrip()}\n{_values_row(trailing)}\n"
    return text


def _values_row(bindings: list[tuple[str, str]]) -> str:
    names = " ".join(f"?{name}" for name, _ in bindings)
    terms = " ".join(term for _, term in bindings)
    return f"VALUES ({names}) {{ ({terms}) }}"


def _mask(sparql: str) -> str:
    """``sparql`` with strings, IRIs and comments blanked, offsets kept, to find syntax in."""
    return _LEXEMES.sub(lambda m: " " * len(m.group(0)), sparql)
