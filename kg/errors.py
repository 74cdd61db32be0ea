"""One small hierarchy of errors; the CLI and the API translate them at the boundary.

Every message says what was wrong and what to do about it.
"""

from __future__ import annotations


class KgError(Exception):
    """Base of every error the library raises on purpose."""


class IngestError(KgError):
    """A corpus file could not be read or decoded."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class DocNumberError(KgError):
    """A string is not a 发文字号 in any form the parser knows."""


class ExtractionError(KgError):
    """The extractor failed on one document."""


class StoreError(KgError):
    """The store could not be opened, read or written."""


class QueryError(KgError):
    """A SPARQL query is malformed, refused or failed."""


class QueryRefused(QueryError):
    """A query is well-formed but not allowed here (an update, a SERVICE call)."""


class QueryTimeout(QueryError):
    """A query ran past its time limit and was stopped."""


class NotFound(KgError):
    """A named thing (document, entity, query) does not exist."""


class ConfigError(KgError):
    """A setting is missing or has an unusable value."""


class TimeLimitExceeded(KgError):
    """One document took longer than the per-document time limit and was given up."""
