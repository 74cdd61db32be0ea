"""Benchmark the query service the way a user runs it, and print the figures.

    .venv/bin/python benchmarks/bench_service.py --docs 10000 --duration 10 --repeat 3

Generates a synthetic corpus (benchmarks/generate_corpus.py, with its manifest),
builds the store with ``kg build --workers 2``, starts ``kg serve`` (one uvicorn
worker), ``oxigraph serve-read-only`` and the floor app (benchmarks/floor_app.py, a
bare ASGI app under uvicorn) on the same store directory, and drives six scenarios
from a separate load-generator process (benchmarks/loadgen.py) on loopback:

    REST cited-by        GET /documents/{number}/cited-by
    entity look-up       GET /entities/{id}   (GET /documents/{number} if absent)
    search               GET /search?q=
    SPARQL cited-by kg   GET /sparql?query=…        (Accept: SPARQL JSON)
    SPARQL cited-by oxigraph  GET /query?query=…    (the same query text)
    SPARQL cited-by floor     GET /sparql?query=…   (the same, bare uvicorn app)

Each scenario is run twice per repeat: at concurrency 1 (unloaded latency: the p50
targets) and at ``--concurrency`` (throughput: the requests/s target; its latencies
are mostly queueing, C / rate).  Every answer must be 200 and the cited-by and
search answers non-empty; anything else is counted and printed.  With ``--repeat
R`` the figures are medians of the per-run p50, p99 and requests/s.

Targets: REST cited-by p50 ≤ 5 ms and ≥ 500 requests/s; SPARQL cited-by on kg at
most 1.3 × oxigraph's p50.

Not a pytest test: it prints, and writes everything (corpus, store, logs, per-run
JSON, results.json) under ``--workdir``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import math
import os
import platform
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pyoxigraph as ox

__all__ = ["Scenario", "main"]

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
KG = BIN / "kg"
OXIGRAPH = BIN / "oxigraph"
GENERATOR = REPO / "benchmarks" / "generate_corpus.py"
LOADGEN = REPO / "benchmarks" / "loadgen.py"
IRI_BASE = "https://w3id.org/cn-health-kg/"
JSON_RESULTS = "application/sparql-results+json"

FLOOR_NOTE = (
    "floor: benchmarks/floor_app.py, a bare ASGI app under one uvicorn worker that runs the "
    "query on the event loop with no checks, limits or logging: the least any endpoint "
    "served by uvicorn can take here"
)

# The headline SPARQL question, sent byte for byte the same to kg and to oxigraph.
CITED_BY_SPARQL = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT DISTINCT ?citing ?number WHERE {{
  ?cited eli:id_local {number} .
  ?citing eli:cites ?cited ; eli:id_local ?number .
}}"""
# Genre words for /search: general vocabulary of the documents, not corpus strings.
SEARCH_WORDS = (
    "医共体",
    "家庭医生签约",
    "乡村医生",
    "优质服务基层行",
    "分级诊疗",
    "卫生健康委员会",
)
ENTITY_KINDS = ("agency", "hospital", "consortium", "programme", "place")
CITED_NUMBERS = 5  # well-cited numbers the cited-by scenarios rotate through
TARGET_REST_P50_MS = 5.0
TARGET_REST_RPS = 500.0
TARGET_SPARQL_RATIO = 1.3


@dataclass(frozen=True)
class Scenario:
    """A named request mix against one server, and what a good answer holds."""

    name: str
    server: str  # "kg" | "oxigraph" | "floor"
    urls: tuple[str, ...]
    headers: dict[str, str] = field(default_factory=dict)
    nonempty: tuple[str, ...] = ()
    note: str = ""

    def spec(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "requests": [{"url": u, "headers": self.headers} for u in self.urls],
            "nonempty": list(self.nonempty),
        }


# --------------------------------------------------------------------------- processes


class Server:
    """A server process we started: its log, readiness and CPU time."""

    def __init__(self, name: str, argv: list[str], log: Path, env: dict[str, str]) -> None:
        self.name, self.argv, self.log, self.env = name, argv, log, env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, ready_url: str, timeout: float = 120.0) -> bool:
        """Start and wait until ``ready_url`` answers 200; False if it never does."""
        with self.log.open("ab") as out:
            out.write(f"\n$ {shlex.join(self.argv)}\n".encode())
            out.flush()
            self.process = subprocess.Popen(
                self.argv, cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if httpx.get(ready_url, timeout=5, trust_env=False).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        return False

    def cpu_seconds(self) -> float:
        """User + system CPU of the process and its live children (kg's SPARQL workers)."""
        if self.process is None:
            return 0.0
        pids = [self.process.pid, *_children(self.process.pid)]
        return sum(_cpu(pid) for pid in pids)

    def wait_idle(self, limit: float = 120.0) -> None:
        """Wait until the server stops working off an earlier run's cancelled requests.

        The load generator abandons requests still running when its window closes,
        but the server finishes them: a slow scenario would eat into the next one.
        """
        deadline = time.monotonic() + limit
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.25)
            now = self.cpu_seconds()
            if now - before < 0.025:  # under 10% of a core
                return
            before = now

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def tail(self, lines: int = 20) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])


_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields after "pid (comm) "


def _cpu(pid: int) -> float:
    fields = _stat(pid)
    return 0.0 if fields is None else (int(fields[11]) + int(fields[12])) / _TICKS


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _run(argv: list[str], log: Path, env: dict[str, str]) -> float:
    """Run a command to its end with output to ``log``; its wall time in seconds."""
    started = time.perf_counter()
    with log.open("ab") as out:
        out.write(f"\n$ {shlex.join(argv)}\n".encode())
        out.flush()
        done = subprocess.run(
            argv, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, check=False
        )
    if done.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8").splitlines()[-15:])
        raise RuntimeError(f"{shlex.join(argv)} exited with {done.returncode}; see {log}:\n{tail}")
    return time.perf_counter() - started


# --------------------------------------------------------------------------- set-up


def _du(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _mb(n: int) -> str:
    return f"{n / 1_000_000:,.1f} MB"


def prepare(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    """Generate the corpus and build the store unless ``--reuse`` finds them; their facts."""
    work: Path = args.workdir
    corpus, manifest, store = work / "corpus", work / "manifest.json", work / "store"
    marker, logs = work / "build.json", work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    wanted = {"docs": args.docs, "seed": args.seed}
    if args.reuse and marker.is_file() and store.is_dir() and manifest.is_file():
        facts: dict[str, Any] = json.loads(marker.read_text(encoding="utf-8"))
        if {k: facts.get(k) for k in wanted} == wanted:
            print(f"reusing {store} ({args.docs} documents, built in {facts['build_s']:.1f} s)")
            facts["reused"] = True
            return facts
        print(f"--reuse: {marker} is for {facts.get('docs')} documents; building afresh")
    print(f"generating {args.docs} documents into {corpus} …", flush=True)
    gen_s = _run(
        [sys.executable, str(GENERATOR), "--count", str(args.docs), "--out", str(corpus),
         "--seed", str(args.seed), "--manifest", str(manifest), "--overwrite"],
        logs / "generate.log", env,
    )  # fmt: skip
    # A fresh store, so the build time is a whole build and not an update.
    marker.unlink(missing_ok=True)
    if store.exists():
        shutil.rmtree(store)
    for sibling in work.glob("store.search.sqlite*"):
        sibling.unlink()
    print(f"kg build --workers 2 into {store} …", flush=True)
    build_s = _run(
        [str(KG), "build", str(corpus), "--store", str(store), "--workers", "2"],
        logs / "build.log",
        env,
    )
    summary = [
        line
        for line in (logs / "build.log").read_text(encoding="utf-8").splitlines()
        if line.startswith("store ")
    ]
    facts = {
        **wanted,
        "generate_s": round(gen_s, 2),
        "build_s": round(build_s, 2),
        "build_summary": summary[-1] if summary else "",
        "corpus_bytes": _du(corpus),
        "reused": False,
    }
    marker.write_text(json.dumps(facts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return facts


def store_sizes(store: Path) -> dict[str, int]:
    files = [p for p in store.iterdir() if p.is_file()]
    sst = sum(p.stat().st_size for p in files if p.suffix == ".sst")
    wal = sum(p.stat().st_size for p in files if p.suffix == ".log")
    index = store.with_name(store.name + ".search.sqlite")
    return {
        "store_bytes": sum(p.stat().st_size for p in files),
        "sst_bytes": sst,
        "wal_bytes": wal,
        "search_index_bytes": _du(index) if index.exists() else 0,
    }


def _sparql(base: str, path: str, query: str) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{base}{path}", params={"query": query}, headers={"Accept": JSON_RESULTS},
        timeout=120, trust_env=False,
    )  # fmt: skip
    response.raise_for_status()
    bindings: list[dict[str, Any]] = response.json()["results"]["bindings"]
    return bindings


def cited_by_query(number: str) -> str:
    """The SPARQL cited-by query for one 文号, the literal in its own N-Triples form."""
    return CITED_BY_SPARQL.format(number=str(ox.Literal(number)))


def pick_parameters(
    args: argparse.Namespace,
    manifest: dict[str, Any],
    kg_url: str,
    oxi_url: str,
    floor_url: str,
    sampler: tuple[str, str],
) -> tuple[list[Scenario], list[str]]:
    """The scenarios, with parameters from the manifest and the store; and notes."""
    rng = Random(args.seed)
    notes: list[str] = []

    # Cited-by: the best-cited numbers that the graph answers for.  The manifest says
    # how each citation is printed; only those that print the number can be linked
    # by number, so those are what REST should find (a bare title may or may not be).
    by_number: dict[str, int] = {}
    by_title: dict[str, int] = {}
    for doc in manifest["documents"]:
        forms: dict[str, set[str]] = {}
        for cite in doc["cites"]:
            if cite.get("number"):
                forms.setdefault(cite["number"], set()).add(cite["form"])
        for cited, printed in forms.items():
            table = by_number if printed & {"title+number", "number"} else by_title
            table[cited] = table.get(cited, 0) + 1
    numbers: list[str] = []
    if args.cited_by == "typical":
        typical = sorted(n for n, count in by_number.items() if 2 <= count <= 5)
        picks = [{"number": n} for n in rng.sample(typical, min(len(typical), 40))]
    else:
        picks = manifest["most_cited"]
    for item in picks:
        rest = httpx.get(f"{kg_url}/documents/{quote(item['number'], safe='')}/cited-by",
                         timeout=60, trust_env=False)  # fmt: skip
        total = rest.json().get("total", 0) if rest.status_code == 200 else 0
        if total:
            numbers.append(item["number"])
            notes.append(
                f"cited-by {item['number']}: REST {total} citing documents; manifest "
                f"{by_number.get(item['number'], 0)} citing it by number "
                f"(+{by_title.get(item['number'], 0)} by title only)"
            )
        else:
            notes.append(
                f"cited-by {item['number']}: REST answered {rest.status_code}, {total} rows; skipped"
            )
        if len(numbers) == CITED_NUMBERS:
            break
    if not numbers:
        raise RuntimeError("none of the manifest's most-cited numbers has a cited-by answer")
    rest_urls = tuple(f"{kg_url}/documents/{quote(n, safe='')}/cited-by" for n in numbers)
    queries = [cited_by_query(n) for n in numbers]
    sparql_headers = {"Accept": JSON_RESULTS}

    # Entities: a few of each kind, by IRI, from the store (through oxigraph).
    iris: list[str] = []
    for kind in ENTITY_KINDS:
        found = _sparql(*sampler, (
            f"SELECT DISTINCT ?e WHERE {{ ?e a ?type "
            f'FILTER(STRSTARTS(STR(?e), "{IRI_BASE}id/{kind}/")) }} LIMIT 200'
        ))  # fmt: skip
        pool = sorted(b["e"]["value"] for b in found)
        iris.extend(rng.sample(pool, min(4, len(pool))))
    entity_urls: tuple[str, ...] = ()
    paths = httpx.get(f"{kg_url}/openapi.json", timeout=30, trust_env=False).json()["paths"]
    if "/entities/{id}" in paths and iris:
        # kind/name, as the IRI writes it (already percent-encoded)
        candidates = tuple(f"{kg_url}/entities/{iri.split('/id/', 1)[1]}" for iri in iris)
        good = [
            u for u in candidates if httpx.get(u, timeout=60, trust_env=False).status_code == 200
        ]
        if good:
            entity_urls = tuple(good)
            names = ", ".join(iri.split("/id/", 1)[1] for iri in iris[:3])
            notes.append(f"entity look-up: GET /entities/{{kind/name}} for {len(good)} of "
                         f"{len(candidates)} entities, e.g. {names} (IRIs percent-encoded)")  # fmt: skip
        else:
            notes.append("entity look-up: /entities/{id} answered no sampled entity with 200")
    entity_name, entity_note = "entity look-up", ""
    if not entity_urls:
        docs = [d["number"] for d in manifest["documents"] if d.get("number")]
        sample = rng.sample(docs, min(20, len(docs)))
        entity_urls = tuple(f"{kg_url}/documents/{quote(n, safe='')}" for n in sample)
        entity_name = "entity look-up*"
        entity_note = "GET /entities/{id} is not served: GET /documents/{number} stands in"
        notes.append(f"entity look-up*: {entity_note} ({len(sample)} numbers from the manifest)")

    # Search: genre words that find something in this store.
    words = []
    for word in SEARCH_WORDS:
        hit = httpx.get(f"{kg_url}/search", params={"q": word}, timeout=60, trust_env=False)
        if hit.status_code == 200 and hit.json().get("total", 0) > 0:
            words.append(word)
    notes.append(f"search words: {' '.join(words) or '(none found!)'}")
    search_urls = tuple(f"{kg_url}/search?{urlencode({'q': w})}" for w in words or SEARCH_WORDS)

    scenarios = [
        Scenario("REST cited-by", "kg", rest_urls, nonempty=("items",)),
        Scenario(entity_name, "kg", entity_urls, note=entity_note),
        Scenario("search", "kg", search_urls, nonempty=("items",)),
        Scenario("SPARQL cited-by kg", "kg",
                 tuple(f"{kg_url}/sparql?{urlencode({'query': q})}" for q in queries),
                 sparql_headers, ("results", "bindings")),
        Scenario("SPARQL cited-by oxigraph", "oxigraph",
                 tuple(f"{oxi_url}/query?{urlencode({'query': q})}" for q in queries),
                 sparql_headers, ("results", "bindings")),
        Scenario("SPARQL cited-by floor", "floor",
                 tuple(f"{floor_url}/sparql?{urlencode({'query': q})}" for q in queries),
                 sparql_headers, ("results", "bindings"), note=FLOOR_NOTE),
    ]  # fmt: skip
    notes.append(f"cited-by numbers (rotated): {' '.join(numbers)}")
    notes.append("SPARQL cited-by query (one of them):\n" + queries[0])
    return scenarios, notes


# --------------------------------------------------------------------------- running


def run_load(
    scenario: Scenario, server: Server, concurrency: int, args: argparse.Namespace, tag: str
) -> dict[str, Any]:
    """One loadgen run in its own process; its result with the server's CPU time."""
    runs = args.workdir / "runs"
    runs.mkdir(exist_ok=True)
    slug = scenario.name.lower().replace(" ", "-").replace("*", "")
    spec, out = runs / f"{slug}.spec.json", runs / f"{slug}-c{concurrency}-{tag}.json"
    spec.write_text(json.dumps(scenario.spec(), ensure_ascii=False), encoding="utf-8")
    argv = [
        sys.executable, str(LOADGEN), "--spec", str(spec), "--concurrency", str(concurrency),
        "--duration", str(args.duration), "--warmup", str(args.warmup), "--out", str(out),
    ]  # fmt: skip
    server.wait_idle()
    cpu_before = server.cpu_seconds()
    subprocess.run(argv, cwd=REPO, check=True)
    cpu_after = server.cpu_seconds()
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    total = result["requests"] + result["warmup_requests"]
    # Server CPU is measured over warm-up and window alike, so per request of both.
    result["server_cpu_ms"] = 1000 * (cpu_after - cpu_before) / total if total else float("nan")
    result["client_cpu_ms"] = 1000 * result["client_cpu_s"] / total if total else float("nan")
    result["concurrency"] = concurrency
    return result


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over repeats of p50, p99, requests/s and CPU; summed counts and errors."""

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    samples: list[str] = []
    kinds: dict[str, int] = {}
    for r in results:
        samples.extend(r["error_samples"])
        for kind, n in r["error_kinds"].items():
            kinds[kind] = kinds.get(kind, 0) + n
    return {
        "runs": len(results),
        "requests": sum(r["requests"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "error_kinds": kinds,
        "error_samples": samples[:5],
        "p50_ms": median("p50_ms"),
        "p99_ms": median("p99_ms"),
        "rps": median("rps"),
        "server_cpu_ms": median("server_cpu_ms"),
        "client_cpu_ms": median("client_cpu_ms"),
        "per_run_p50_ms": [round(r["p50_ms"], 3) for r in results],
        "per_run_rps": [round(r["rps"], 1) for r in results],
    }


# --------------------------------------------------------------------------- report


def machine_info() -> list[str]:
    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    oxigraph_cli = subprocess.run(
        [str(OXIGRAPH), "--version"], capture_output=True, text=True, check=False
    )
    load = os.getloadavg()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return [
        (
            f"machine: {os.cpu_count()} cores "
            f"({model or platform.processor() or platform.machine()}), "
            f"{platform.system()} {platform.release()}"
        ),
        (
            f"python {platform.python_version()}; pyoxigraph {ox.__version__}; "
            f"{oxigraph_cli.stdout.strip() or 'oxigraph CLI ?'} (CLI); fastapi {version('fastapi')}, "
            f"starlette {version('starlette')}, pydantic {version('pydantic')}, "
            f"uvicorn {version('uvicorn')} (uvloop {version('uvloop')}, httptools {version('httptools')})"
        ),
        f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
    ]


def _fmt(x: float, digits: int = 2) -> str:
    return "n/a" if math.isnan(x) else f"{x:,.{digits}f}"


def print_table(rows: list[tuple[Scenario, int, dict[str, Any]]]) -> None:
    header = (
        "scenario",
        "C",
        "requests",
        "errors",
        "p50 ms",
        "p99 ms",
        "req/s",
        "srv CPU ms/req",
        "client CPU ms/req",
    )
    lines = [header]
    for scenario, concurrency, s in rows:
        lines.append((
            scenario.name, str(concurrency), f"{s['requests']:,}", str(s["errors"]),
            _fmt(s["p50_ms"]), _fmt(s["p99_ms"]), _fmt(s["rps"], 1),
            _fmt(s["server_cpu_ms"]), _fmt(s["client_cpu_ms"]),
        ))  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for n, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)
        ]
        print("  ".join(cells))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def verdicts(
    table: dict[tuple[str, int], dict[str, Any]], concurrency: int, lat_c: int
) -> list[str]:
    out = []
    rest_lat = table.get(("REST cited-by", lat_c))
    rest_load = table.get(("REST cited-by", concurrency))
    if rest_lat is not None:
        ok = rest_lat["p50_ms"] <= TARGET_REST_P50_MS
        out.append(f"REST cited-by p50 at C={lat_c}: {_fmt(rest_lat['p50_ms'])} ms "
                   f"(target ≤ {TARGET_REST_P50_MS:g} ms): {'MET' if ok else 'NOT MET'}")  # fmt: skip
    if rest_load is not None:
        ok = rest_load["rps"] >= TARGET_REST_RPS
        out.append(f"REST cited-by throughput at C={concurrency}: {_fmt(rest_load['rps'], 1)} req/s "
                   f"(target ≥ {TARGET_REST_RPS:g}): {'MET' if ok else 'NOT MET'}")  # fmt: skip
    for c in dict.fromkeys((lat_c, concurrency)):
        kg, oxi = table.get(("SPARQL cited-by kg", c)), table.get(("SPARQL cited-by oxigraph", c))
        if kg is None or oxi is None:
            continue
        ratio = kg["p50_ms"] / oxi["p50_ms"]
        verdict = ("MET" if ratio <= TARGET_SPARQL_RATIO else "NOT MET") if c == lat_c else "(info)"
        out.append(f"SPARQL cited-by p50 kg / oxigraph at C={c}: {_fmt(kg['p50_ms'])} / "
                   f"{_fmt(oxi['p50_ms'])} ms = {ratio:.2f}× (target ≤ {TARGET_SPARQL_RATIO}×): {verdict}")  # fmt: skip
        floor = table.get(("SPARQL cited-by floor", c))
        if floor is not None:
            out.append(f"  floor (bare ASGI app under uvicorn, see floor_app.py) / oxigraph at C={c}: "
                       f"{_fmt(floor['p50_ms'])} / {_fmt(oxi['p50_ms'])} ms = "
                       f"{floor['p50_ms'] / oxi['p50_ms']:.2f}× (info)")  # fmt: skip
    return out


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000, help="documents to generate (10000)")
    parser.add_argument(
        "--workdir", type=Path, default=Path("var/bench"), help="corpus, store, logs"
    )
    parser.add_argument("--reuse", action="store_true", help="keep a corpus and store built before")
    parser.add_argument(
        "--duration", type=float, default=10.0, help="recorded seconds per run (10)"
    )
    parser.add_argument("--warmup", type=float, default=1.5, help="unrecorded seconds first (1.5)")
    parser.add_argument("--concurrency", type=int, default=8, help="connections for throughput (8)")
    parser.add_argument(
        "--latency-concurrency", type=int, default=1,
        help="connections for the latency runs (1); 0 skips them",
    )  # fmt: skip
    parser.add_argument("--repeat", type=int, default=1, help="runs per scenario; medians reported")
    parser.add_argument("--seed", type=int, default=1, help="corpus and sampling seed (1)")
    parser.add_argument(
        "--only", default="", help="comma-separated scenario names to run (default all)"
    )
    parser.add_argument(
        "--cited-by",
        choices=("most", "typical"),
        default="most",
        help="cited-by numbers: the most-cited documents (a worst case, default) or "
        "documents cited 2 to 5 times (the common case)",
    )
    args = parser.parse_args(argv)
    if args.docs < 1 or args.duration <= 0 or args.concurrency < 1 or args.repeat < 1:
        parser.error("--docs, --duration, --concurrency and --repeat must be positive")
    args.workdir = args.workdir.resolve()
    command = shlex.join([os.path.relpath(sys.executable, REPO), *sys.argv])

    print(f"command: {command}")
    for line in machine_info():
        print(line)
    # A user's kg.toml must not change what is measured; other KG_* settings pass through.
    env = {**os.environ, "KG_CONFIG": str(args.workdir / "absent.toml")}
    kg_settings = {k: v for k, v in env.items() if k.startswith("KG_") and k != "KG_CONFIG"}
    print(f"KG_* settings from the environment: {kg_settings or 'none (defaults)'}")

    facts = prepare(args, env)
    store = args.workdir / "store"
    sizes = store_sizes(store)
    facts.update(sizes)
    print(
        f"corpus: {args.docs} documents, {_mb(facts.get('corpus_bytes', _du(args.workdir / 'corpus')))}"
        f"; generated in {facts.get('generate_s', 0):.1f} s"
    )
    print(
        f"build: {facts['build_s']:.1f} s with kg build --workers 2{' (earlier run)' if facts['reused'] else ''}"
    )
    if facts.get("build_summary"):
        print(f"  {facts['build_summary']}")
    print(
        f"store: {_mb(sizes['store_bytes'])} ({_mb(sizes['sst_bytes'])} in .sst tables, "
        f"{_mb(sizes['wal_bytes'])} in .log write-ahead logs); search index {_mb(sizes['search_index_bytes'])}"
    )
    manifest = json.loads((args.workdir / "manifest.json").read_text(encoding="utf-8"))

    logs = args.workdir / "logs"
    kg_port, oxi_port, floor_port = _free_port(), _free_port(), _free_port()
    kg_url, oxi_url = f"http://127.0.0.1:{kg_port}", f"http://127.0.0.1:{oxi_port}"
    floor_url = f"http://127.0.0.1:{floor_port}"
    oxigraph = Server(
        "oxigraph",
        [str(OXIGRAPH), "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{oxi_port}"],
        logs / "oxigraph.log", env,
    )  # fmt: skip
    kg = Server(
        "kg",
        [str(KG), "serve", "--store", str(store), "--port", str(kg_port)],
        logs / "kg-serve.log", env,
    )  # fmt: skip
    floor = Server(
        "floor",
        [sys.executable, "-m", "uvicorn", "--app-dir", str(HERE), "floor_app:app",
         "--http", "api.server:HttpProtocol", "--no-access-log", "--log-level", "warning",
         "--host", "127.0.0.1", "--port", str(floor_port)],
        logs / "floor.log", {**env, "KG_FLOOR_STORE": str(store)},
    )  # fmt: skip
    servers = {"kg": kg, "oxigraph": oxigraph, "floor": floor}
    together = True
    try:
        # oxigraph first: if kg cannot open the store beside it, serve one at a time.
        if not oxigraph.start(f"{oxi_url}/"):
            raise RuntimeError(f"oxigraph serve-read-only did not come up:\n{oxigraph.tail()}")
        if not kg.start(f"{kg_url}/healthz") or not floor.start(f"{floor_url}/"):
            print(f"kg serve did not start beside oxigraph; serving one at a time:\n{kg.tail(5)}")
            together = False
            kg.stop()
            floor.stop()
            oxigraph.stop()
            if not kg.start(f"{kg_url}/healthz"):
                raise RuntimeError(f"kg serve did not come up:\n{kg.tail()}")
        print(
            "servers: kg serve (one uvicorn worker) and oxigraph serve-read-only on the same "
            f"store, {'running together' if together else 'one after the other (oxigraph, then kg)'}; "
            "oxigraph without --union-default-graph, since kg materialises the union in the default graph"
        )
        # Entity IRIs are sampled through oxigraph, or kg's own endpoint when it is down.
        sampler = (oxi_url, "/query") if together else (kg_url, "/sparql")
        scenarios, notes = pick_parameters(args, manifest, kg_url, oxi_url, floor_url, sampler)
        for note in notes:
            print(note)
        if args.only:
            wanted = {w.strip().lower() for w in args.only.split(",")}
            scenarios = [s for s in scenarios if s.name.lower().rstrip("*") in wanted]

        levels = [c for c in dict.fromkeys((args.latency_concurrency, args.concurrency)) if c > 0]
        collected: dict[tuple[str, int], list[dict[str, Any]]] = {}
        order = sorted(scenarios, key=lambda s: s.server != "kg") if not together else scenarios
        print(f"\nrunning {len(order)} scenarios × concurrency {levels} × {args.repeat} repeat(s), "
              f"{args.warmup:g} s warm-up + {args.duration:g} s each …", flush=True)  # fmt: skip
        for r in range(args.repeat):
            for scenario in order:
                if not together:
                    for name, server in servers.items():
                        if name != scenario.server:
                            server.stop()
                    server = servers[scenario.server]
                    if server.process is None or server.process.poll() is not None:
                        url = {"kg": f"{kg_url}/healthz", "oxigraph": f"{oxi_url}/",
                               "floor": f"{floor_url}/"}[scenario.server]  # fmt: skip
                        if not server.start(url):
                            raise RuntimeError(
                                f"{scenario.server} did not come up:\n{server.tail()}"
                            )
                for c in levels:
                    result = run_load(scenario, servers[scenario.server], c, args, f"r{r + 1}")
                    collected.setdefault((scenario.name, c), []).append(result)
                    print(f"  [{r + 1}/{args.repeat}] {scenario.name:<26} C={c:<3} "
                          f"p50 {_fmt(result['p50_ms'])} ms  {_fmt(result['rps'], 1)} req/s  "
                          f"errors {result['errors']}", flush=True)  # fmt: skip
    finally:
        kg.stop()
        floor.stop()
        oxigraph.stop()

    table = {key: summarise(results) for key, results in collected.items()}
    rows = [(s, c, table[(s.name, c)]) for s in scenarios for c in levels if (s.name, c) in table]
    print(
        f"\n=== results: {args.docs} documents, medians of {args.repeat} run(s) of {args.duration:g} s ==="
    )
    print_table(rows)
    for scenario in scenarios:
        if scenario.note:
            print(f"* {scenario.note}")
    print(
        "C=1 gives unloaded latency (the p50 targets); at C>1 latency is mostly queueing (≈ C / rate)."
    )
    print("srv CPU: kg serve (with its SPARQL worker processes) or oxigraph, per request; "
          "client CPU: the load generator's.")  # fmt: skip
    for (name, c), s in table.items():
        if s["errors"]:
            print(f"errors in {name} C={c}: {s['error_kinds']}")
            for sample in s["error_samples"]:
                print(f"  {sample}")
    if not any(s["errors"] for s in table.values()):
        print("errors: none (every answer 200; every cited-by and search answer non-empty)")
    print()
    for line in verdicts(table, args.concurrency, args.latency_concurrency or args.concurrency):
        print(line)

    out = args.workdir / "results.json"
    out.write_text(json.dumps({
        "command": command, "machine": machine_info(), "facts": facts, "together": together,
        "scenarios": [{"name": n, "concurrency": c, **s} for (n, c), s in table.items()],
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")  # fmt: skip
    print(f"\nper-run results in {args.workdir / 'runs'}; summary in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
