"""Time and memory of exporting the citation view to GEXF, and print the figures.

    .venv/bin/python benchmarks/bench_export.py --store var/bench-store [--view citations]
        [--format gexf] [--repeat 3] [--out /tmp/citations.gexf]

Target (10,000-document store): citation view → GEXF in ≤ 10 s and ≤ 1 GB.

Each repeat runs in a fresh child process, so the peak RSS (``ru_maxrss`` of that
child) is the peak of one export and nothing else: opening the store read-only,
the CONSTRUCT, building the networkx graph and writing the GEXF.  The child also
reports Python-heap peaks from tracemalloc in a separate, untimed pass (tracing
slows Python down several-fold, so it never runs in the timed pass).  Not a pytest
test: it prints one line per run and a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_SECONDS = 10.0
TARGET_BYTES = 1 << 30


def run_once(
    store: str, view: str, fmt: str, out: str | None, trace: bool
) -> dict[str, float | int]:
    """One export in this process; the figures as a dict."""
    import tracemalloc

    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    from kg.store import Store
    from kg.views import project, render

    imported = time.perf_counter()
    graph_store = Store(store, read_only=True)
    graph = project(graph_store, view)
    projected = time.perf_counter()
    content = render(graph, fmt)
    finished = time.perf_counter()
    if out:
        Path(out).write_bytes(content)
    figures: dict[str, float | int] = {
        "seconds_total": finished - started,
        "seconds_import": imported - started,
        "seconds_project": projected - imported,
        "seconds_render": finished - projected,
        "seconds_export": finished - imported,  # what the target is about: store → file
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "triples": len(graph.triples),
        "bytes": len(content),
        # Linux reports ru_maxrss in KiB.
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    if trace:
        figures["python_heap_peak_bytes"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return figures


def child(args: argparse.Namespace, *, trace: bool) -> dict[str, float | int]:
    command = [
        sys.executable, __file__, "--child", "--store", args.store, "--view", args.view,
        "--format", args.format,
    ]  # fmt: skip
    if args.out:
        command += ["--out", args.out]
    if trace:
        command.append("--trace")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"export failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="store directory (built by kg build)")
    parser.add_argument("--view", default="citations")
    parser.add_argument("--format", default="gexf")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", help="also write the file here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_once(args.store, args.view, args.format, args.out, args.trace)))
        return
    if not Path(args.store).exists():
        raise SystemExit(
            f"no store at {args.store}: build one with `kg build CORPUS --store {args.store}`"
        )

    runs = []
    for i in range(args.repeat):
        figures = child(args, trace=False)
        runs.append(figures)
        print(
            f"run {i + 1}: {figures['nodes']} nodes, {figures['edges']} edges, "
            f"{figures['bytes'] / 1e6:.1f} MB {args.format}; export {figures['seconds_export']:.2f} s "
            f"(project {figures['seconds_project']:.2f} s, render {figures['seconds_render']:.2f} s, "
            f"imports {figures['seconds_import']:.2f} s); peak RSS {figures['peak_rss_bytes'] / 2**20:.0f} MiB"
        )
    traced = child(args, trace=True)
    seconds = statistics.median(r["seconds_export"] for r in runs)
    with_imports = statistics.median(r["seconds_total"] for r in runs)
    rss = max(r["peak_rss_bytes"] for r in runs)
    summary = {
        "view": args.view,
        "format": args.format,
        "store": str(args.store),
        "nodes": runs[0]["nodes"],
        "edges": runs[0]["edges"],
        "bytes": runs[0]["bytes"],
        "median_seconds_export": round(seconds, 3),
        "median_seconds_with_imports": round(with_imports, 3),
        "max_peak_rss_mib": round(rss / 2**20, 1),
        "python_heap_peak_mib": round(traced["python_heap_peak_bytes"] / 2**20, 1),
        "within_target": seconds <= TARGET_SECONDS and rss <= TARGET_BYTES,
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
