"""The HTTP protocol ``kg serve`` runs uvicorn with: httptools, one write per response.

uvicorn writes a response's status line and headers as soon as the app starts the
response, and the body in a second write.  Over loopback each write wakes the
client, so a small answer costs two wake-ups where one would do: about a tenth of
a millisecond on a look-up that itself takes about that.  ``HttpProtocol`` hands
uvicorn a transport that gathers the writes made in one turn of the event loop and
sends them together at the end of that turn.  Order, flow control and closing are
the real transport's; a close sends what is gathered first.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# For uvicorn's ``http=`` setting, by import string.
PROTOCOL = "api.server:HttpProtocol"


class _GatheringTransport:
    """A transport whose writes of one loop turn go out as one."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self._send)
        self._pending.append(data)

    def _send(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self._send()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class HttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol over a gathering transport."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        # uvloop's transports are not asyncio.Transport subclasses, only alike.
        super().connection_made(_GatheringTransport(transport, self.loop))  # type: ignore[arg-type]
