"""Problem Details (RFC 9457) for every error the service returns.

One table maps the library's error classes to HTTP statuses, and one handler per
kind of exception turns them into ``application/problem+json``; routes raise and
never catch.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.errors import (
    ConfigError,
    DocNumberError,
    KgError,
    NotFound,
    QueryError,
    QueryRefused,
    QueryTimeout,
    StoreError,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://w3id.org/cn-health-kg/problems/"

# Most specific class first: the first isinstance match wins.
STATUS_BY_ERROR: tuple[tuple[type[KgError], int, str], ...] = (
    (NotFound, 404, "not-found"),
    (DocNumberError, 400, "bad-document-number"),
    (QueryRefused, 403, "query-refused"),
    (QueryTimeout, 503, "query-timeout"),
    (QueryError, 400, "bad-query"),
    (StoreError, 503, "store-unavailable"),
    (ConfigError, 500, "misconfigured"),
    (KgError, 500, "internal-error"),
)


class Problem(BaseModel):
    """An RFC 9457 problem: what went wrong, for people and for programs."""

    type: str = Field(examples=[PROBLEM_TYPE_BASE + "not-found"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["no document numbered 湘政办发〔2099〕1号 in the graph"])
    instance: str = Field(examples=["/documents/湘政办发〔2099〕1号"])


class HttpProblem(Exception):
    """A protocol-level problem (406, 413, 415 …) that has no kg.errors class."""

    def __init__(self, status: int, detail: str, slug: str | None = None) -> None:
        self.status = status
        self.detail = detail
        self.slug = slug or HTTPStatus(status).phrase.lower().replace(" ", "-")
        super().__init__(detail)


def problem_response(
    request: Request, status: int, detail: str, slug: str, **extra: Any
) -> JSONResponse:
    body = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def status_for(error: KgError) -> tuple[int, str]:
    for cls, status, slug in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status, slug
    return 500, "internal-error"  # unreachable: KgError is in the table


async def _kg_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KgError)
    status, slug = status_for(exc)
    return problem_response(request, status, str(exc), slug)


async def _http_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HttpProblem)
    return problem_response(request, exc.status, exc.detail, exc.slug)


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "-")
    response = problem_response(request, exc.status_code, str(exc.detail), slug)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
    return problem_response(request, 422, detail, "invalid-request", errors=errors)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(KgError, _kg_error)
    app.add_exception_handler(HttpProblem, _http_problem)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation_error)


# For the ``responses=`` of routes, so the OpenAPI document shows problem bodies.
def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for status in statuses
    }
