"""Time, size and memory of `kg build` on generated corpora, and print the figures.

    .venv/bin/python benchmarks/bench_build.py --docs 1000 10000 --workers 1 2 \\
        [--executor local dask] [--repeat 1] [--workdir var/bench-build] [--profile]

For each corpus size (benchmarks/generate_corpus.py, seed 1, generated once under
``--workdir``), each executor and each worker count, it runs ``kg build`` from scratch
(a fresh store) in a child process the way a user does, and reports: documents/s,
MB/s (of corpus text) per core, quads/s, quads and store bytes per document, the store
against the text (bytes over bytes), the CPU seconds of the build and its workers
(over the wall time: the cores it got), the peak RSS of its process tree, and for
two sizes the time ratio of the larger to the smaller.  ``dask`` runs a
``distributed.LocalCluster`` of that many worker processes (``kg build --executor
dask``).  ``--profile`` runs the one-worker local build under pyinstrument instead and
writes its report beside the store (the figures of a profiled run are not comparable).

Issue 13's bars (on the 2-core machine): ≥ 1 MB/s per core; store ≤ 15 × text; time
ratio 100k/10k ≤ 10.5; peak RSS ≤ 2 GB at 100k; 2 workers ≥ 1.7 × 1 worker.
Not a pytest test: one line per run and a JSON summary on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KG = Path(sys.executable).parent / "kg"
SUMMARY = re.compile(r"(\d+) documents built, (\d+) failed, (\d+) quads")


def corpus_for(workdir: Path, docs: int) -> Path:
    out = workdir / f"corpus-{docs}"
    if not (out / ".complete").exists():
        subprocess.run(
            [sys.executable, str(REPO / "benchmarks/generate_corpus.py"), "--count", str(docs),
             "--out", str(out), "--seed", "1", "--overwrite"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        (out / ".complete").write_text("")
    return out


def tree_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants now (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    total = 0
    for pid in tree:
        try:
            fields = Path(f"/proc/{pid}/statm").read_text().split()
        except OSError:
            continue
        total += int(fields[1]) * os.sysconf("SC_PAGE_SIZE")
    return total


def build_once(
    corpus: Path, store: Path, executor: str, workers: int, profile: bool
) -> dict[str, float | int]:
    """One `kg build` into a fresh store, in a child process; its figures."""
    for stale in store.parent.glob(store.name + "*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    command = [str(KG), "build", str(corpus), "--store", str(store), "--workers", str(workers)]
    if executor != "local":
        command += ["--executor", executor]
    if profile:
        command = [sys.executable, "-m", "pyinstrument", "-o", f"{store}.profile.txt",
                   "-m", "kg.cli", *command[1:]]  # fmt: skip
    import resource

    def cpu_seconds() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    cpu_before = cpu_seconds()
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    # The build's whole process tree (pool or Dask workers too), sampled 4 times a second.
    while child.poll() is None:
        peak = max(peak, tree_rss(child.pid))
        time.sleep(0.25)
    seconds = time.perf_counter() - started
    stdout, stderr = child.communicate()
    # User and system time of the build and of every process it waited for (pool
    # workers; LocalCluster workers): over the wall time, the cores it got.
    cpu = cpu_seconds() - cpu_before
    done = subprocess.CompletedProcess(command, child.returncode, stdout, stderr)
    if done.returncode != 0:
        raise SystemExit(f"kg build failed:\n{done.stderr}")
    match = SUMMARY.search(done.stderr)
    if match is None:
        raise SystemExit(f"kg build printed no summary:\n{done.stderr}")
    built, failed, quads = (int(g) for g in match.groups())
    text_bytes = tree_bytes(corpus)
    store_bytes = tree_bytes(store)
    cores = min(workers, os.cpu_count() or 1)
    return {
        "documents": built,
        "failed": failed,
        "quads": quads,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "cores_used": cpu / seconds,
        "documents_per_s": built / seconds,
        "mb_per_s_per_core": text_bytes / 1e6 / seconds / cores,
        "quads_per_s": quads / seconds,
        "quads_per_document": quads / max(built, 1),
        "store_bytes": store_bytes,
        "store_bytes_per_document": store_bytes / max(built, 1),
        "store_over_text": store_bytes / text_bytes,
        "search_index_bytes": tree_bytes(Path(f"{store}.search.sqlite")),
        "peak_rss_mb": peak / 2**20,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[1000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--executor", nargs="+", default=["local"], choices=["local", "dask"])
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per setting; the median is kept"
    )
    parser.add_argument("--workdir", type=Path, default=Path("var/bench-build"))
    parser.add_argument("--profile", action="store_true", help="one profiled local 1-worker run")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for docs in args.docs:
        corpus = corpus_for(args.workdir, docs)
        settings = (
            [("local", 1)]
            if args.profile
            else [(executor, workers) for executor in args.executor for workers in args.workers]
        )
        for executor, workers in settings:
            store = args.workdir / f"store-{docs}-{executor}-{workers}"
            runs = [
                build_once(corpus, store, executor, workers, args.profile)
                for _ in range(args.repeat)
            ]
            median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            row = {"docs": docs, "executor": executor, "workers": workers, **median}
            results.append(row)
            print(
                f"{docs:>7} docs {executor:>5} ×{workers}: {row['seconds']:.1f} s "
                f"({row['cpu_seconds']:.0f} s CPU, {row['cores_used']:.2f} cores), "
                f"{row['documents_per_s']:.1f} docs/s, {row['mb_per_s_per_core']:.3f} MB/s/core, "
                f"{row['quads_per_s']:.0f} quads/s, {row['quads_per_document']:.0f} quads/doc, "
                f"{row['store_bytes_per_document'] / 1e3:.0f} kB/doc, store {row['store_over_text']:.1f}× text, "
                f"peak RSS {row['peak_rss_mb']:.0f} MB",
                flush=True,
            )
    summary: dict[str, object] = {"runs": results, "machine_cores": os.cpu_count()}
    by = {(r["docs"], r["executor"], r["workers"]): r["seconds"] for r in results}
    summary["speedup_2_over_1"] = {
        f"{d}-{e}": by[(d, e, 1)] / by[(d, e, 2)] for (d, e, w) in by if w == 2 and (d, e, 1) in by
    }
    sizes = sorted(set(args.docs))
    if len(sizes) >= 2:
        small, large = sizes[-2], sizes[-1]
        summary[f"time_ratio_{large}_over_{small}"] = {
            f"{e}-{w}": by[(large, e, w)] / by[(small, e, w)]
            for (d, e, w) in by if d == large and (small, e, w) in by
        }  # fmt: skip
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
