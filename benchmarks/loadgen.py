"""A closed-loop HTTP load generator: C connections, fixed duration, per-request latency.

    python benchmarks/loadgen.py --spec scenario.json --concurrency 8 --duration 10 \\
        --warmup 1.5 --out result.json

Run by ``bench_service.py`` as a separate process, so the client's CPU is not the
server's.  Each of the C workers keeps one keep-alive connection busy: it sends a
request, reads the whole body, checks it, and sends the next, cycling through the
scenario's requests.  Requests that end in the first ``--warmup`` seconds are not recorded, nor are those
still running when the window closes (they are cancelled).

The spec is JSON::

    {"name": "rest cited-by",
     "requests": [{"url": "http://127.0.0.1:8000/documents/…/cited-by",
                   "headers": {"Accept": "application/json"}}],
     "nonempty": ["items"]}

``nonempty`` (optional) is a path of keys into the JSON answer that must lead to a
non-empty list (or a number above zero); an answer that is not 200, not JSON or
empty there counts as an error, and the first few errors are kept as samples.

A mix of kinds in one run: a request may carry a ``kind`` (and its own
``nonempty``, which then replaces the scenario's); the result then also gives
requests, errors, p50 and p99 per kind (``by_kind``).  Workers cycle through the
list from different places, so the list's proportions are the mix's.

Traffic goes only to the URLs in the spec (loopback in the benchmark), and the run
is bounded both in time and in request count (``--max-requests``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

__all__ = ["Request", "Result", "Scenario", "main", "percentile", "run"]

ERROR_SAMPLES = 5
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass(frozen=True)
class Request:
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    kind: str = ""
    nonempty: tuple[str, ...] | None = None  # None: the scenario's


@dataclass(frozen=True)
class Scenario:
    name: str
    requests: tuple[Request, ...]
    nonempty: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scenario:
        requests = tuple(
            Request(
                r["url"],
                dict(r.get("headers", {})),
                r.get("kind", ""),
                tuple(r["nonempty"]) if "nonempty" in r else None,
            )
            for r in data["requests"]
        )
        if not requests:
            raise ValueError(f"scenario {data.get('name')!r} has no requests")
        for r in requests:
            host = urlsplit(r.url).hostname or ""
            if host not in LOOPBACK and not host.startswith("127."):
                raise ValueError(f"{r.url}: the load generator only targets loopback addresses")
        return cls(data["name"], requests, tuple(data.get("nonempty", ())))


@dataclass(frozen=True)
class Result:
    """One run: recorded requests (after the warm-up) and what went wrong."""

    name: str
    requests: int
    errors: int
    error_kinds: dict[str, int]
    error_samples: list[str]
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    rps: float
    client_cpu_s: float
    warmup_requests: int
    in_flight_at_end: int = 0
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation; nan for no values."""
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


class Answer:
    """What the checks need from a response: its status and its whole body."""

    __slots__ = ("body", "status", "url")

    def __init__(self, status: int, body: bytes, url: str) -> None:
        self.status, self.body, self.url = status, body, url


def _check(answer: Answer, nonempty: tuple[str, ...]) -> str | None:
    """None when the answer is good, else a short description of what is wrong."""
    if answer.status != 200:
        return f"HTTP {answer.status}: {answer.body[:200]!r}"
    if not nonempty:
        return None
    try:
        value: Any = json.loads(answer.body)
    except ValueError:
        return f"not JSON: {answer.body[:200]!r}"
    for key in nonempty:
        if not isinstance(value, dict) or key not in value:
            return f"no {'.'.join(nonempty)} in the answer: {answer.body[:200]!r}"
        value = value[key]
    if isinstance(value, bool) or not (
        (isinstance(value, list | dict | str) and len(value) > 0)
        or (isinstance(value, int | float) and value > 0)
    ):
        return f"empty {'.'.join(nonempty)} for {answer.url}"
    return None


class ProtocolError(Exception):
    """The server's answer could not be read as HTTP/1.1."""


class RawConnection:
    """One keep-alive HTTP/1.1 connection on asyncio streams, for GET only.

    A tenth of httpx's CPU per request: on a two-core machine the client shares the
    cores with the server, and httpx alone saturates one core near 450 requests/s,
    below the rates the benchmark has to measure.  Reads Content-Length and chunked
    bodies; reconnects when the server closes.
    """

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.reader is None or self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self.reader, self.writer

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.reader = self.writer = None

    async def get(self, head: bytes, url: str) -> Answer:
        try:
            return await asyncio.wait_for(self._get(head, url), self.timeout)
        except BaseException:
            await self.close()  # a half-read answer leaves the connection unusable
            raise

    async def _get(self, head: bytes, url: str) -> Answer:
        reader, writer = await self._connect()
        writer.write(head)
        await writer.drain()
        status_line = await reader.readline()
        if not status_line:
            raise ProtocolError("the server closed the connection")
        parts = status_line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise ProtocolError(f"bad status line {status_line[:80]!r}")
        status = int(parts[1])
        length, chunked, close = -1, False, parts[0] == b"HTTP/1.0"
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = b"close" in value.lower()
        if chunked:
            pieces = []
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                pieces.append(await reader.readexactly(size))
                await reader.readexactly(2)
            body = b"".join(pieces)
        elif length >= 0:
            body = await reader.readexactly(length)
        else:
            body = await reader.read()
            close = True
        if close:
            await self.close()
        return Answer(status, body, url)


def _request_head(request: Request) -> tuple[str, int, bytes]:
    parts = urlsplit(request.url)
    if parts.scheme != "http":
        raise ValueError(f"{request.url}: the raw client speaks plain http only")
    host = parts.hostname or "127.0.0.1"
    port = parts.port or 80
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    headers = {"Host": parts.netloc, "User-Agent": "kg-loadgen", "Accept": "*/*", **request.headers}
    lines = [f"GET {target} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
    # URLs in the spec are already percent-encoded, so the head is plain ASCII.
    return host, port, ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


async def run(
    scenario: Scenario,
    *,
    concurrency: int,
    duration: float,
    warmup: float,
    max_requests: int,
    timeout: float,
    client: str = "raw",
) -> Result:
    """Drive the scenario with ``concurrency`` workers for ``warmup + duration`` seconds."""
    latencies: list[float] = []
    per_kind: dict[str, list[float]] = {}
    errors_per_kind: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    samples: list[str] = []
    warm_count = 0
    sent = 0
    n = len(scenario.requests)
    heads = [_request_head(r) for r in scenario.requests]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    shared = (
        httpx.AsyncClient(limits=limits, timeout=timeout, trust_env=False)
        if client == "httpx"
        else None
    )
    started = time.perf_counter()
    record_from = started + warmup
    stop_at = record_from + duration

    async def worker(index: int) -> None:
        nonlocal warm_count, sent
        connection: RawConnection | None = None
        i = index
        try:
            while sent < max_requests:
                k = i % n
                i += 1
                sent += 1
                t0 = time.perf_counter()
                if t0 >= stop_at:
                    return
                request = scenario.requests[k]
                try:
                    if shared is not None:
                        response = await shared.get(request.url, headers=request.headers)
                        answer = Answer(response.status_code, response.content, request.url)
                    else:
                        host, port, head = heads[k]
                        if connection is None:
                            connection = RawConnection(host, port, timeout)
                        answer = await connection.get(head, request.url)
                    wanted = scenario.nonempty if request.nonempty is None else request.nonempty
                    problem = _check(answer, wanted)
                except (
                    httpx.HTTPError,
                    OSError,
                    ProtocolError,
                    TimeoutError,
                    asyncio.IncompleteReadError,
                    ValueError,
                ) as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                t1 = time.perf_counter()
                # Counted by completion, as wrk does: a slow request begun in the
                # warm-up but ended in the window is counted, with its whole latency.
                if t1 < record_from:
                    warm_count += 1
                    continue
                if t1 > stop_at:
                    return
                latencies.append(t1 - t0)
                per_kind.setdefault(request.kind, []).append(t1 - t0)
                if problem is not None:
                    errors_per_kind[request.kind] += 1
                    kinds[problem.split(":")[0]] += 1
                    if len(samples) < ERROR_SAMPLES:
                        samples.append(problem)
        finally:
            if connection is not None:
                await connection.close()

    tasks = [asyncio.create_task(worker(k)) for k in range(concurrency)]
    try:
        # Requests still running at the end of the window would not be counted:
        # stop them rather than wait (a slow scenario can take seconds per request).
        _, pending = await asyncio.wait(
            tasks, timeout=max(0.0, stop_at - time.perf_counter()) + 0.05
        )
        in_flight = len(pending)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    finally:
        if shared is not None:
            await shared.aclose()

    window = min(time.perf_counter(), stop_at) - record_from
    usage = resource.getrusage(resource.RUSAGE_SELF)
    ordered = sorted(x * 1000 for x in latencies)
    count = len(ordered)
    return Result(
        name=scenario.name,
        requests=count,
        errors=sum(kinds.values()),
        error_kinds=dict(kinds),
        error_samples=samples,
        seconds=round(window, 3),
        p50_ms=percentile(ordered, 50),
        p90_ms=percentile(ordered, 90),
        p99_ms=percentile(ordered, 99),
        mean_ms=sum(ordered) / count if count else float("nan"),
        max_ms=ordered[-1] if ordered else float("nan"),
        rps=count / window if window > 0 else float("nan"),
        client_cpu_s=usage.ru_utime + usage.ru_stime,
        warmup_requests=warm_count,
        in_flight_at_end=in_flight,
        by_kind={
            kind: _kind_figures(values, errors_per_kind[kind], window)
            for kind, values in sorted(per_kind.items())
            if kind
        },
    )


def _kind_figures(seconds: list[float], errors: int, window: float) -> dict[str, float]:
    ordered = sorted(x * 1000 for x in seconds)
    return {
        "requests": len(ordered),
        "errors": errors,
        "p50_ms": percentile(ordered, 50),
        "p99_ms": percentile(ordered, 99),
        "max_ms": ordered[-1],
        "rps": len(ordered) / window if window > 0 else float("nan"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, required=True, help="scenario JSON (see module doc)")
    parser.add_argument("--concurrency", type=int, default=8, help="connections (default 8)")
    parser.add_argument(
        "--duration", type=float, default=10.0, help="recorded seconds (default 10)"
    )
    parser.add_argument("--warmup", type=float, default=1.5, help="unrecorded seconds first")
    parser.add_argument(
        "--max-requests", type=int, default=1_000_000, help="stop after this many in any case"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, seconds")
    parser.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="raw: lean HTTP/1.1 on asyncio streams (default); httpx: for a cross-check",
    )
    parser.add_argument("--out", type=Path, default=None, help="write the result JSON here")
    args = parser.parse_args(argv)
    if args.concurrency < 1 or args.duration <= 0 or args.warmup < 0:
        parser.error("--concurrency must be ≥ 1, --duration > 0 and --warmup ≥ 0")
    try:
        scenario = Scenario.from_json(json.loads(args.spec.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        parser.error(f"cannot read the spec {args.spec}: {exc}")
    result = asyncio.run(
        run(
            scenario,
            concurrency=args.concurrency,
            duration=args.duration,
            warmup=args.warmup,
            max_requests=args.max_requests,
            timeout=args.timeout,
            client=args.client,
        )
    )
    text = json.dumps(result.as_dict(), ensure_ascii=False, indent=1)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
