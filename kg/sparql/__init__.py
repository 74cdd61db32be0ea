"""SPARQL on the graph: the one policy, parameter binding, named queries, evaluation.

policy.py checks every query (its lexer and refusals), binding.py binds parameters,
query.py is the named-query library in ``queries/``, answers.py evaluates and
serialises one query (``QueryJob`` → ``QueryAnswer``), fastpath.py walks look-ups by
index probes, sandbox.py runs queries in killable read-only worker processes.
"""

from kg.sparql.answers import (
    GRAPH,
    TIMEOUT_SETTING,
    TRUNCATED_LINK,
    QueryAnswer,
    QueryJob,
    execute,
    open_search_index,
    search_functions,
)
from kg.sparql.binding import with_values
from kg.sparql.policy import check_query, check_update, is_update
from kg.sparql.query import (
    DocRef,
    DocumentFacts,
    NamedQuery,
    Param,
    bind_params,
    get_query,
    list_queries,
    run_query,
)
from kg.sparql.sandbox import QuerySandbox

__all__ = [
    "GRAPH",
    "TIMEOUT_SETTING",
    "TRUNCATED_LINK",
    "DocRef",
    "DocumentFacts",
    "NamedQuery",
    "Param",
    "QueryAnswer",
    "QueryJob",
    "QuerySandbox",
    "bind_params",
    "check_query",
    "check_update",
    "execute",
    "get_query",
    "is_update",
    "list_queries",
    "open_search_index",
    "run_query",
    "search_functions",
    "with_values",
]
