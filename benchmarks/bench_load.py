"""Load the service with 50 clients for a minute and watch for errors, starvation and memory.

    .venv/bin/python benchmarks/bench_load.py --docs 1000 --clients 50 --duration 60 --reuse

Uses what bench_service.py uses: its corpus and store (``prepare``: generated
documents, ``kg build --workers 2``), its server handling (``kg serve``, one uvicorn
worker, with its SPARQL worker processes) and its choice of parameters (well-cited
numbers, entities sampled from the store, search words that find something); and
loadgen.py, in its own process on loopback, for the clients.  Two runs of
``--duration`` seconds with ``--clients`` connections each, over one mix of kinds:

    cheap   REST cited-by, entity look-ups, search, SPARQL cited-by (the fast lane)
    long    SPARQL queries that scan and aggregate the graph: the worker pool's work

The first run sends the cheap kinds alone from ``--clients`` minus ``--long-clients``
connections; the second sends the same again while ``--long-clients`` more
connections (a second loadgen process) send nothing but long queries, which keeps
the worker pool busy all the time.  Printed: requests, errors and p50/p99 per kind
for each run, the cheap kinds' p99 without and with the long ones (starvation shows
as the second far above the first), and the server's RSS (the uvicorn process, and
with its workers) sampled every ``--rss-every`` seconds across both runs.  Expected: 0 errors, and RSS flat.
Everything is written under
``--workdir`` (results in ``load-results.json``).  Not a pytest test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_service import (
    JSON_RESULTS,
    KG,
    LOADGEN,
    REPO,
    Server,
    _children,
    _free_port,
    machine_info,
    pick_parameters,
    prepare,
)

# Long queries: each scans or joins a large part of the graph (0.1–0.5 s alone on
# 1,000 documents), so none is a look-up the server answers itself: the SPARQL
# worker pool runs them.  Each must still end well inside the 10 s time limit.
LONG_QUERIES = (
    # documents that cite the most documents that themselves cite: a two-hop join
    """PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?a (COUNT(DISTINCT ?c) AS ?n) WHERE { ?a eli:cites ?b . ?b eli:cites ?c }
GROUP BY ?a ORDER BY DESC(?n) LIMIT 20""",
    # in how many document graphs each class occurs: every rdf:type of every graph
    """SELECT ?type (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s a ?type } }
GROUP BY ?type ORDER BY DESC(?n)""",
    # triples per predicate: a scan of the whole default graph
    """SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) LIMIT 30""",
    # distinct objects: a scan and a hash set of every object
    """SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }""",
)
CHEAP_KINDS = ("REST cited-by", "entity look-up", "search", "SPARQL cited-by")


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssSampler(threading.Thread):
    """The server's RSS (its own, and with its worker processes) every ``every`` seconds."""

    def __init__(self, pid: int, every: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[dict[str, Any]] = []
        self.phase = "idle"
        self._done = threading.Event()
        self._t0 = time.monotonic()

    def run(self) -> None:
        while not self._done.is_set():
            own = _rss_kib(self.pid)
            workers = sum(_rss_kib(child) for child in _children(self.pid))
            self.samples.append({
                "t_s": round(time.monotonic() - self._t0, 1), "phase": self.phase,
                "server_mib": round(own / 1024, 1), "with_workers_mib": round((own + workers) / 1024, 1),
            })  # fmt: skip
            self._done.wait(self.every)

    def stop(self) -> None:
        self._done.set()
        self.join()


def build_mix(
    scenarios: dict[str, Any], kg_url: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The request lists: the cheap kinds interleaved, and the long queries."""
    sparql = {"Accept": JSON_RESULTS}
    cheap: list[dict[str, Any]] = []
    by_kind = {
        "REST cited-by": ("REST cited-by", ["items"]),
        "entity look-up": (next(n for n in scenarios if n.startswith("entity look-up")), None),
        "search": ("search", ["items"]),
        "SPARQL cited-by": ("SPARQL cited-by kg", ["results", "bindings"]),
    }
    # Interleaved, a few of each kind in turn, so that every stretch of the list is the mix.
    lists = {kind: list(scenarios[name].urls) for kind, (name, _check) in by_kind.items()}
    longest = max(len(urls) for urls in lists.values())
    for i in range(longest):
        for kind, (_name, check) in by_kind.items():
            urls = lists[kind]
            request: dict[str, Any] = {"url": urls[i % len(urls)], "kind": kind}
            if kind == "SPARQL cited-by":
                request["headers"] = sparql
            if check:
                request["nonempty"] = check
            cheap.append(request)
    long = [
        {"url": f"{kg_url}/sparql?{urlencode({'query': query})}", "kind": "long SPARQL",
         "headers": sparql, "nonempty": ["results", "bindings"]}
        for query in LONG_QUERIES
    ]  # fmt: skip
    return cheap, long


def start_clients(
    name: str, requests: list[dict[str, Any]], clients: int, args: argparse.Namespace
) -> tuple[subprocess.Popen[bytes], Path]:
    """A loadgen process driving ``requests`` from ``clients`` connections; where it writes."""
    spec = args.workdir / f"load-{name}.spec.json"
    out = args.workdir / f"load-{name}.json"
    spec.write_text(json.dumps({"name": name, "requests": requests}, ensure_ascii=False), "utf-8")
    process = subprocess.Popen(
        [
            sys.executable, str(LOADGEN), "--spec", str(spec), "--concurrency", str(clients),
            "--duration", str(args.duration), "--warmup", str(args.warmup), "--out", str(out),
            "--timeout", "60",
        ],
        cwd=REPO,
    )  # fmt: skip
    return process, out


def finish(process: subprocess.Popen[bytes], out: Path) -> dict[str, Any]:
    if process.wait() != 0:
        raise RuntimeError(f"loadgen exited with {process.returncode}")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def _cheap_p99(result: dict[str, Any]) -> float:
    """p99 over every cheap request of a run (kinds pooled, weighted by their counts)."""
    figures = [result["by_kind"][k] for k in CHEAP_KINDS if k in result["by_kind"]]
    # Pooled p99 from the per-kind ones is not exact; the slowest kind's p99 bounds it.
    return max(f["p99_ms"] for f in figures)


def print_run(title: str, result: dict[str, Any]) -> None:
    print(f"\n{title}: {result['requests']} requests in {result['seconds']:.1f} s "
          f"({result['rps']:.0f}/s), {result['errors']} errors {result['error_kinds'] or ''}")  # fmt: skip
    print(f"  {'kind':<18} {'requests':>9} {'errors':>7} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}")
    for kind, f in result["by_kind"].items():
        print(f"  {kind:<18} {f['requests']:>9} {f['errors']:>7} {f['p50_ms']:>9.1f} "
              f"{f['p99_ms']:>9.1f} {f['max_ms']:>9.1f}")  # fmt: skip
    for sample in result["error_samples"]:
        print(f"  error: {sample}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents to generate (1000)")
    parser.add_argument("--workdir", type=Path, default=REPO / "var" / "bench-load")
    parser.add_argument("--reuse", action="store_true", help="keep a corpus and store built before")
    parser.add_argument("--seed", type=int, default=1, help="corpus and sampling seed (1)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent connections (50)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per run (60)")
    parser.add_argument("--warmup", type=float, default=3.0, help="unrecorded seconds first (3)")
    parser.add_argument(
        "--long-clients", type=int, default=5, help="of --clients, those sending long queries (5)"
    )
    parser.add_argument("--rss-every", type=float, default=5.0, help="RSS sample period, s (5)")
    args = parser.parse_args(argv)
    if not 0 < args.long_clients < args.clients:
        parser.error("--long-clients must be at least 1 and fewer than --clients")
    cheap_clients = args.clients - args.long_clients
    args.cited_by = "typical"
    args.workdir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    facts = prepare(args, env)
    store = args.workdir / "store"
    manifest = json.loads((args.workdir / "manifest.json").read_text(encoding="utf-8"))
    port = _free_port()
    kg_url = f"http://127.0.0.1:{port}"
    server = Server(
        "kg", [str(KG), "serve", "--store", str(store), "--port", str(port)],
        args.workdir / "logs" / "serve-load.log", env,
    )  # fmt: skip
    if not server.start(f"{kg_url}/search?q=医"):
        print(server.tail(), file=sys.stderr)
        return 1
    sampler: RssSampler | None = None
    try:
        scenarios, notes = pick_parameters(
            args, manifest, kg_url, kg_url, kg_url, (kg_url, "/sparql")
        )
        cheap, long = build_mix({s.name: s for s in scenarios}, kg_url)
        for query in LONG_QUERIES:  # each must answer alone, and say how long it takes
            started = time.perf_counter()
            answer = httpx.get(f"{kg_url}/sparql", params={"query": query},
                               headers={"Accept": JSON_RESULTS}, timeout=60, trust_env=False)  # fmt: skip
            answer.raise_for_status()
            notes.append(f"long query alone: {1000 * (time.perf_counter() - started):.0f} ms, "
                         f"{len(answer.json()['results']['bindings'])} rows: "
                         f"{' '.join(query.split())[-90:]}")  # fmt: skip
        assert server.process is not None
        sampler = RssSampler(server.process.pid, args.rss_every)
        sampler.start()
        sampler.phase = "cheap only"
        alone = finish(*start_clients("cheap-alone", cheap, cheap_clients, args))
        server.wait_idle()
        sampler.phase = "with long"
        long_run = start_clients("long", long, args.long_clients, args)
        loaded = finish(*start_clients("cheap-with-long", cheap, cheap_clients, args))
        long_result = finish(*long_run)
        sampler.phase = "after"
        time.sleep(args.rss_every)
    finally:
        if sampler is not None:
            sampler.stop()
        server.stop()

    print("\n".join(["", *machine_info(), f"store: {facts.get('build_summary', '')}", *notes]))
    print_run(f"cheap kinds alone, {cheap_clients} clients", alone)
    print_run(
        f"cheap kinds, {cheap_clients} clients, while {args.long_clients} more send long SPARQL",
        loaded,
    )
    print_run(f"long SPARQL, {args.long_clients} clients, at the same time", long_result)
    without, with_long = _cheap_p99(alone), _cheap_p99(loaded)
    print(f"\ncheap kinds' p99 (slowest kind): {without:.1f} ms alone, {with_long:.1f} ms with "
          f"long queries running ({with_long / without:.2f}×)")  # fmt: skip
    print("\nserver RSS (MiB): t s, phase, uvicorn process, with SPARQL workers")
    for s in sampler.samples:
        print(f"  {s['t_s']:>6} {s['phase']:<11} {s['server_mib']:>8} {s['with_workers_mib']:>8}")
    # From the second sample on: the first is the idle server before its caches fill.
    under_load = [s for s in sampler.samples if s["phase"] != "idle"][1:]
    for key, label in (("server_mib", "uvicorn process"), ("with_workers_mib", "with workers")):
        values = [s[key] for s in under_load]
        print(f"RSS {label}: {values[0]} MiB at {under_load[0]['t_s']} s, {values[-1]} MiB at "
              f"the end, {min(values)}–{max(values)} MiB ({values[-1] - values[0]:+.1f} MiB)")  # fmt: skip
    errors = alone["errors"] + loaded["errors"] + long_result["errors"]
    print(f"errors: {errors} (expected 0)")
    results = {"facts": facts, "notes": notes, "cheap": alone, "cheap_with_long": loaded,
               "long": long_result,
               "cheap_p99_ms": {"alone": without, "with_long": with_long}, "rss": sampler.samples}  # fmt: skip
    (args.workdir / "load-results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
