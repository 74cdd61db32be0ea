"""Web safety over real HTTP (a real uvicorn): security headers on every answer, a
Content-Security-Policy on HTML pages, and path traversal refused everywhere."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import httpx
import pytest

pytestmark = pytest.mark.server

LOOKUP = (
    "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
    'SELECT ?d WHERE { ?d eli:id_local "湘政办发〔2021〕79号" }'
)


@pytest.mark.parametrize(
    ("path", "params", "html", "docs"),
    [
        ("/healthz", None, False, False),
        ("/sparql", {"query": LOOKUP}, False, False),  # answered by the fast lane
        ("/sparql", {"query": "SELECT * WHERE { ?s"}, False, False),  # a problem document
        ("/documents/湘政办发〔2021〕79号", None, False, False),
        ("/static/sparql-page.js", None, False, False),
        ("/explore", None, True, False),
        ("/ontology", None, True, False),
        ("/docs", None, True, True),
        ("/no/such/page", None, False, False),
    ],
    ids=["health", "fast-lane", "problem", "rest", "static", "explore", "ontology", "docs",
         "not-found"],
)  # fmt: skip
def test_security_headers(
    http: httpx.Client, path: str, params: dict[str, str] | None, html: bool, docs: bool
) -> None:
    headers = {"Accept": "text/html"} if html else {}
    response = http.get(path, params=params, headers=headers)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy = response.headers.get("content-security-policy")
    if not html:
        assert policy is None or "default-src 'self'" in policy
        return
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert policy is not None and "default-src 'self'" in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert ("https://cdn.jsdelivr.net" in policy) is docs  # only Swagger UI loads a CDN


TRAVERSALS = [
    "/static/../../etc/passwd",
    "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/static/..%2f..%2f..%2fetc%2fpasswd",
    "/static/....//....//etc/passwd",
    "/static/%252e%252e%252fetc%252fpasswd",
    "/static/..\\..\\etc\\passwd",
    "/explore/..%2f..%2fpyproject.toml",
    "/explore/%2e%2e%2fmain.py",
    "/id/../../etc/passwd",
    "/id/%2e%2e/%2e%2e/etc/passwd",
    "/id/document/..%2f..%2f..%2fetc%2fpasswd",
    "/graph/../../etc/passwd",
    "/graph/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/graph/..%2f..%2fpyproject.toml",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_is_refused(live_server: str, path: str) -> None:
    # http.client sends the path as written: httpx would normalise the dots away.
    parts = urlsplit(live_server)
    assert parts.hostname is not None, live_server
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status >= 400 or b"root:" not in body, (response.status, body[:200])
    assert response.status in (400, 404, 405, 406), (response.status, body[:200])
    assert b"root:x:0:0" not in body and b"[project]" not in body and b"import " not in body
