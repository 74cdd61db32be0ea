"""What SPARQL this project evaluates: one lexer and one policy, run before every evaluation.

pyoxigraph (and ``oxigraph serve`` behind a remote store) fetches SERVICE targets and
LOAD sources over HTTP, so a query that reached it unchecked could make the service
call any address.  ``check_query`` refuses, before anything is evaluated or sent:

- SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE, ADD, WITH);
- SERVICE, unless its target IRI (a prefixed name expanded by the query's PREFIX
  declarations, a relative IRI resolved against its BASE) is on the allow-list; a
  variable target is always refused.

FROM and FROM NAMED stay allowed: pyoxigraph reads them from the store, never fetches.

The lexer follows pyoxigraph's parser (spargebra, a PEG) rather than the SPARQL text
alone, where the two differ, because only what the engine reads matters:

- keywords need no space after them: ``SERVICE:p``, ``SERVICESILENT <…>`` and
  ``trueSERVICE <…>`` are SERVICE calls there, so any name holding "service" is one;
- ``<`` after an operand inside an expression is "less than", not the start of an IRI
  (``FILTER(1<2&&'>'='>')`` would otherwise shift every quote after it);
- ``\\uXXXX`` escapes are decoded only inside strings and IRIs.  The SPARQL text
  decodes them everywhere before tokenising (so ``\\u0053ERVICE`` is SERVICE to a
  server that follows it), so a query holding an escape is checked twice, as written
  and decoded, and refused if either reading is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import QueryRefused

UPDATE_KEYWORDS = frozenset(
    ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
)
ALLOWLIST_SETTING = "KG_SERVICE_ALLOWLIST"

# PN_CHARS_BASE of the SPARQL grammar (§19.8), exactly: a narrower class would split a
# prefixed name and read its escaped \' or \# as the start of a string or comment.
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS = _BASE + r"_\-0-9\u00b7\u0300-\u036f\u203f-\u2040"  # PN_CHARS
_VARCHARS = _BASE + r"_0-9\u00b7\u0300-\u036f\u203f-\u2040"  # VARNAME
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = rf"(?:[{_CHARS}:]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"

_TOKEN = re.compile(
    rf"""
    (?P<space>[ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
              |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\r\n]|\\.)*'
              |"(?:[^"\\\r\n]|\\.)*")
  | (?P<var>[?$][{_VARCHARS}]+)
  | (?P<bnode>_:[{_CHARS}](?:[{_CHARS}.]*[{_CHARS}])?)
  | (?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<lang>@[A-Za-z][A-Za-z0-9-]*)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_IRIREF = re.compile(r'<([^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>')
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Token:
    """One lexeme: its kind (iri, string, var, pname, name, number, punct …) and text."""

    kind: str
    text: str
    start: int


def decode_escapes(text: str) -> str:
    """``\\uXXXX`` and ``\\UXXXXXXXX`` replaced by their characters (invalid ones kept)."""

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return match.group(0)
        return chr(code)

    return _ESCAPE.sub(char, text)


# Where "(" opens an expression (a FILTER, BIND, function call, SELECT or GROUP BY
# term), inside which "<" after an operand is the less-than operator.
_OPERANDS = frozenset(("var", "string", "number", "iri", "pname", "bnode", "lang"))
_NOT_FUNCTIONS = frozenset(("A", "TRUE", "FALSE", "UNDEF", "VALUES"))


def tokenize(text: str) -> Iterator[Token]:
    """The lexemes of ``text`` as pyoxigraph's parser reads them, white space and
    comments left out."""
    stack: list[str] = []  # "expr", "list" (collection, VALUES row), "group", "values"
    previous: list[Token] = []  # the last two tokens
    clause = ""  # "select" from SELECT to its WHERE, "modifiers" after GROUP/ORDER/HAVING
    clause_depth = 0
    values_pending = False
    pos = 0
    while pos < len(text):
        last = previous[-1] if previous else None
        if text.startswith("<", pos):
            token = _angle(text, pos, stack, last)
        else:
            match = _TOKEN.match(text, pos)
            assert match is not None  # the last alternative takes any one character
            kind = match.lastgroup or "punct"
            token = Token(kind, match.group(0), pos)
        pos += len(token.text)
        if token.kind in ("space", "comment"):
            continue
        word = token.text.upper() if token.kind == "name" else ""
        if word == "VALUES":
            values_pending = True
        elif word == "SELECT":
            clause, clause_depth = "select", len(stack)
        elif word in ("GROUP", "ORDER", "HAVING"):
            clause, clause_depth = "modifiers", len(stack)
        if token.text == "(":
            stack.append(_paren_kind(stack, previous, clause, values_pending))
        elif token.text in ("{", "["):
            if token.text == "{" and values_pending:
                stack.append("values")
                values_pending = False
            else:
                stack.append("group")
            if token.text == "{" and clause == "select":
                clause = ""
        elif token.text in (")", "}", "]"):
            if stack:
                stack.pop()
            if len(stack) < clause_depth:
                clause = ""
        previous = [*previous[-1:], token]
        yield token


def _angle(text: str, pos: int, stack: list[str], last: Token | None) -> Token:
    """``<`` as an operator, ``<<`` (a triple term) or an IRI, as the parser reads it."""
    in_expression = bool(stack) and stack[-1] == "expr"
    operand = last is not None and (
        last.kind in _OPERANDS or last.text == ")" or last.text.upper() in ("TRUE", "FALSE")
    )
    if in_expression and operand:
        return Token("punct", "<=" if text.startswith("<=", pos) else "<", pos)
    if text.startswith("<<", pos):
        return Token("punct", "<<", pos)
    iri = _IRIREF.match(text, pos)
    if iri:
        return Token("iri", iri.group(0), pos)
    return Token("punct", "<", pos)


def _paren_kind(stack: list[str], previous: list[Token], clause: str, values_pending: bool) -> str:
    top = stack[-1] if stack else ""
    if values_pending or top in ("values", "list"):
        return "list"
    if top == "expr" or not stack or clause:
        return "expr"
    last = previous[-1] if previous else None
    if last is not None and last.kind == "name" and last.text.upper() not in _NOT_FUNCTIONS:
        return "expr"  # FILTER(, BIND(, a built-in function
    before = previous[-2] if len(previous) > 1 else None
    if (
        last is not None
        and last.kind in ("iri", "pname")
        and before is not None
        and before.text.upper() == "FILTER"
    ):
        return "expr"  # FILTER <function>(…)
    return "list"  # an RDF collection in a triple pattern


# --- the policy ------------------------------------------------------------------------


@dataclass
class _Scope:
    """The prologue read so far: BASE and PREFIX declarations apply to what follows."""

    base: str | None = None
    prefixes: dict[str, str] | None = None

    def iri(self, token: Token) -> str | None:
        """An IRI token's absolute value, or None when it cannot be resolved here."""
        value = decode_escapes(token.text[1:-1])
        return _resolve(value, self.base)

    def expand(self, pname: str) -> str | None:
        prefix, _, local = pname.partition(":")
        namespace = (self.prefixes or {}).get(prefix)
        if namespace is None:
            return None
        return namespace + _LOCAL_ESCAPE.sub(r"\1", decode_escapes(local))


def _resolve(value: str, base: str | None) -> str | None:
    """Resolved as pyoxigraph resolves (oxiri, through a one-triple Turtle document)."""
    try:
        return ox.NamedNode(value).value
    except ValueError:
        pass
    if base is None:
        return None
    try:
        document = f"<{value}> <urn:x-kg:p> <urn:x-kg:o> ."
        (triple,) = list(ox.parse(document, format=ox.RdfFormat.TURTLE, base_iri=base))
    except (SyntaxError, ValueError):
        return None
    subject = triple.subject
    return subject.value if isinstance(subject, ox.NamedNode) else None


def check_query(text: str, service_allowlist: Iterable[str] = ()) -> None:
    """Refuse an update or a SERVICE call to an endpoint not on the allow-list.

    Raises QueryRefused saying what was refused and why; returns for anything else
    (a malformed query is left to the engine, which reports its syntax error).
    """
    refusal = _verdict(text, tuple(service_allowlist), updates=False)
    if refusal:
        raise QueryRefused(refusal)


def check_update(text: str, service_allowlist: Iterable[str] = ()) -> None:
    """For a deployment that allows updates: refuse SERVICE and LOAD to any endpoint
    not on the allow-list, since both make the server fetch a URL."""
    refusal = _verdict(text, tuple(service_allowlist), updates=True)
    if refusal:
        raise QueryRefused(refusal)


@functools.lru_cache(maxsize=1024)
def _verdict(text: str, allowlist: tuple[str, ...], *, updates: bool) -> str | None:
    """Why ``text`` is refused, or None; cached, since clients repeat their queries."""
    readings = [text]
    if "\\u" in text or "\\U" in text:
        readings.append(decode_escapes(text))
    for reading in readings:
        refusal = _refusal(list(tokenize(reading)), allowlist, updates=updates)
        if refusal:
            return refusal
    return None


def _refusal(tokens: list[Token], allowlist: tuple[str, ...], *, updates: bool) -> str | None:
    scope = _Scope(prefixes={})
    assert scope.prefixes is not None
    for index, token in enumerate(tokens):
        word = token.text.upper() if token.kind == "name" else ""
        following = tokens[index + 1 : index + 3]
        if word == "BASE" and following and following[0].kind == "iri":
            scope.base = scope.iri(following[0])
        elif word == "PREFIX" and [t.kind for t in following] == ["pname", "iri"]:
            namespace = scope.iri(following[1])
            if namespace is not None:
                scope.prefixes[following[0].text.rstrip(":")] = namespace
        if word in UPDATE_KEYWORDS and not updates:
            return (
                f"SPARQL Update ({word}) is refused: this endpoint is read-only; "
                "rebuild the store with `kg build` to change the graph"
            )
        if word == "LOAD":
            target = _target(token, tokens[index + 1 :], scope, keyword="LOAD")
            if target is None or target not in allowlist:
                return _not_allowed("LOAD", target, tokens, index, allowlist)
        if _is_service(token, tokens[index - 1] if index else None):
            target = _target(token, tokens[index + 1 :], scope, keyword="SERVICE")
            if target is None or target not in allowlist:
                return _not_allowed("SERVICE", target, tokens, index, allowlist)
    return None


def _is_service(token: Token, before: Token | None) -> bool:
    """A keyword SERVICE, glued to whatever follows or precedes it (``SERVICE:p``,
    ``trueSERVICE``) as the parser allows; not a PREFIX declaration's name."""
    if token.kind == "name":
        return "SERVICE" in token.text.upper()
    if token.kind == "pname":
        declared = before is not None and before.text.upper() == "PREFIX"
        return not declared and "SERVICE" in token.text.partition(":")[0].upper()
    return False


def _target(token: Token, rest: list[Token], scope: _Scope, *, keyword: str) -> str | None:
    """The IRI a SERVICE or LOAD names, or None for a variable or anything unresolvable."""
    head = token.text.partition(":")[0].upper()
    glued = token.text[head.index(keyword) + len(keyword) :]
    if glued.upper().startswith("SILENT"):
        glued = glued[len("SILENT") :]
    if glued:
        return scope.expand(glued) if ":" in glued else None
    following = list(rest[:2])
    if following and following[0].kind == "name" and following[0].text.upper() == "SILENT":
        following = following[1:]
    elif following and following[0].kind == "pname":
        prefix = following[0].text.partition(":")[0]
        if prefix.upper().startswith("SILENT"):
            return scope.expand(following[0].text[len("SILENT") :])
    if not following:
        return None
    target = following[0]
    if target.kind == "iri":
        return scope.iri(target)
    if target.kind == "pname":
        return scope.expand(target.text)
    return None


def _not_allowed(
    keyword: str, target: str | None, tokens: list[Token], index: int, allowlist: tuple[str, ...]
) -> str:
    if target is None:
        written = " ".join(t.text for t in tokens[index : index + 3])
        what = f"{keyword} to a variable or an unresolvable target ({written} …)"
    else:
        what = f"{keyword} <{target}>"
    return (
        f"{what} is refused: this service calls no other endpoint except those allowed "
        f"({', '.join(allowlist) or 'none'}; a deployment lists them in {ALLOWLIST_SETTING})"
    )


def query_form(text: str) -> str | None:
    """The first keyword after the prologue (SELECT, CONSTRUCT, INSERT …), upper-case."""
    skip = 0
    for token in tokenize(text):
        if skip:
            skip -= 1
            continue
        word = token.text.upper() if token.kind == "name" else ""
        if word == "BASE":
            skip = 1
        elif word == "PREFIX":
            skip = 2
        elif word:
            return word
        else:
            return None
    return None


def is_update(text: str) -> bool:
    """Whether ``text`` is a SPARQL Update rather than a query, by its first keyword."""
    return query_form(text) in UPDATE_KEYWORDS
