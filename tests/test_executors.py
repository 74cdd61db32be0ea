"""`kg build` on every executor gives the same graph (issue 13): a local pool, a Dask
cluster started for the build, an existing Dask cluster named by its scheduler, and
that cluster losing a worker mid-build.

The corpus is 16 documents of benchmarks/generate_corpus.py; the reference is the
in-process build of the same files.  The graphs have no blank nodes, so equal quad sets
are isomorphic graphs (checked: no blank node is in either).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build
from kg.config import Settings
from kg.errors import KgError
from kg.executors import DaskExecutor, make_executor
from kg.store import Store
from tests.conftest import generated_corpus

KG = Path(sys.executable).parent / "kg"
DOCUMENTS = 16


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_corpus(tmp_path_factory.mktemp("corpus"), DOCUMENTS, seed=13)


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> set[ox.Quad]:
    store_dir = tmp_path_factory.mktemp("reference") / "store"
    store = Store(store_dir)
    report = build(corpus, store, Settings(store_path=store_dir), workers=1)
    assert len(report.added) == DOCUMENTS and not report.failures
    quads = set(store.quads())
    assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))
    return quads


@pytest.fixture(scope="module")
def cluster():
    """A real Dask cluster: a scheduler and two worker processes, as `dask worker` runs them."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as local,
        Client(local) as client,
    ):
        yield local, client


def _kg_build(corpus: Path, store: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(KG), "build", str(corpus), "--store", str(store), *options],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _stored(store: Path) -> set[ox.Quad]:
    return set(Store(store, read_only=True).quads())


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(("--workers", "2"), id="local-pool-of-2"),
        pytest.param(("--executor", "dask", "--workers", "2"), id="dask-local-cluster"),
    ],
)
def test_every_executor_builds_the_same_graph(
    corpus: Path, reference: set[ox.Quad], tmp_path: Path, options: tuple[str, ...]
) -> None:
    done = _kg_build(corpus, tmp_path / "store", *options)
    assert done.returncode == 0, done.stderr
    assert f"{DOCUMENTS} documents built, 0 failed" in done.stderr
    assert "documents/s" in done.stderr and "MB/s" in done.stderr
    assert _stored(tmp_path / "store") == reference


def test_an_existing_dask_cluster_builds_the_same_graph(
    corpus: Path, reference: set[ox.Quad], cluster, tmp_path: Path
) -> None:
    local, _client = cluster
    done = _kg_build(
        corpus, tmp_path / "store", "--executor", "dask", "--scheduler", local.scheduler_address
    )
    assert done.returncode == 0, done.stderr
    assert _stored(tmp_path / "store") == reference


def test_a_worker_killed_mid_build_loses_no_document(
    corpus: Path, reference: set[ox.Quad], cluster, tmp_path: Path
) -> None:
    local, client = cluster
    client.wait_for_workers(2, timeout=60)
    executor = DaskExecutor(local.scheduler_address, chunksize=2)
    killed: list[int] = []

    def kill_a_busy_worker(source: str, index: int, total: int) -> None:
        # At the first document back, the other chunks are out on the workers.
        if killed or index != 1:
            return
        busy = [address for address, keys in client.processing().items() if keys]
        assert busy, "no worker was running a chunk: the kill would prove nothing"
        pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    store_dir = tmp_path / "store"
    store = Store(store_dir)
    try:
        report = build(
            corpus, store, Settings(store_path=store_dir), executor=executor,
            progress=kill_a_busy_worker,
        )  # fmt: skip
    finally:
        executor.close()
    assert killed, "the build finished before a worker could be killed"
    assert killed[0] not in client.run(os.getpid).values()  # that process is gone
    assert len(report.added) == DOCUMENTS and not report.failures
    assert set(store.quads()) == reference


@pytest.mark.parametrize(
    ("name", "scheduler", "message"),
    [
        ("threads", None, "unknown executor 'threads'"),
        ("local", "tcp://127.0.0.1:8786", "use it with --executor dask"),
        ("dask", "tcp://127.0.0.1:9", "cannot reach the Dask scheduler at tcp://127.0.0.1:9"),
    ],
    ids=["unknown-executor", "scheduler-without-dask", "no-scheduler-there"],
)
def test_a_wrong_executor_is_a_clear_error(name: str, scheduler: str | None, message: str) -> None:
    with pytest.raises(KgError, match=message):
        make_executor(name, workers=1, scheduler=scheduler)
