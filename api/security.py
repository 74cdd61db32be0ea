"""Security headers on every response, a Content-Security-Policy on every HTML page.

The pages load only their own scripts and styles from /static (the SPARQL page's
and the explorer's bundles); YASGUI and the explorer set inline styles, hence
``'unsafe-inline'`` for styles only.  /docs and /redoc are FastAPI's Swagger UI and
ReDoc pages, which load their assets from jsDelivr and start with an inline script:
they get a policy of their own that allows just that.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMMON: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' data: https://fonts.gstatic.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


def headers_for(path: str, content_type: bytes) -> list[tuple[bytes, bytes]]:
    """The security headers of one response (the fast lane adds them itself)."""
    headers = list(COMMON)
    if content_type.startswith(b"text/html"):
        docs = path.startswith(DOCS_PATHS)
        policy = DOCS_POLICY if docs else PAGE_POLICY
        headers.append((b"content-security-policy", policy.encode("ascii")))
    return headers


class SecurityHeadersMiddleware:
    """Adds ``headers_for`` to every HTTP response, errors and static files included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                content_type = next((v for k, v in raw if k.lower() == b"content-type"), b"")
                present = {k.lower() for k, _ in raw}
                extra = [(k, v) for k, v in headers_for(path, content_type) if k not in present]
                message = {**message, "headers": raw + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)
