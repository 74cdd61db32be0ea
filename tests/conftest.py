"""Shared fixtures: the API test graph on disk and in memory, and a live server.

The API test graph is what ``kg build`` makes of three seed documents (API_SOURCES)
and the catalogue record they cite, built once per session by the real builder
(``_built_store``); ``build_store``, ``fill`` and every fixture below copy that build.
"""

from __future__ import annotations

import atexit
import csv
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx
import pyoxigraph as ox
import pytest

from kg.build import build
from kg.config import DEFAULT_IRI_BASE, Settings
from kg.ingest import ingest
from kg.rdf import BUNDLED_CATALOGUE, graph_iri
from kg.search import SearchIndex, index_path
from kg.store import GraphStore, Store

AnyStore = TypeVar("AnyStore", bound=GraphStore)

REPO = Path(__file__).resolve().parent.parent
BASE = DEFAULT_IRI_BASE


# The seed documents the API graph is built from (corpus/; gold facts in
# tests/fixtures/gold/): a 答复, a 函 and a 通知; two of them cite 湘政办发〔2021〕79号.
API_SOURCES = ("000_c00da1c6e20d841d.txt", "001_3a348827253ea4e5.txt", "002_95a456216623b0c6.txt")

# The bundled policy catalogue's record of the national document the first one cites:
# the API graph holds this one record, not all 1,925, so its lists stay small.
CATALOGUE_NUMBERS = ("国办发〔2017〕32号",)


def _api_corpus(root: Path) -> tuple[Path, Path]:
    """The API_SOURCES and their catalogue record, copied under ``root``."""
    corpus = root / "corpus"
    corpus.mkdir()
    for source in API_SOURCES:
        shutil.copy(REPO / "corpus" / source, corpus)
    catalogue = root / "catalogue.csv"
    with BUNDLED_CATALOGUE.open(encoding="utf-8", newline="") as bundled:
        rows = list(csv.reader(bundled))
    with catalogue.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([rows[0], *(r for r in rows[1:] if r[0] in CATALOGUE_NUMBERS)])
    return corpus, catalogue


@functools.cache
def _built_store(base: str) -> Path:
    """The API test graph, built once per session by the real builder, closed on disk.

    ``kg build`` of the three seed documents, with the search index beside the store;
    every store fixture below is a copy of this build.
    """
    root = Path(tempfile.mkdtemp(prefix="kg-api-graph-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    corpus, catalogue = _api_corpus(root)
    path = root / "store"
    store = Store(path)
    # Closed here, so the index file is whole (no write-ahead log beside it) to copy.
    with SearchIndex(index_path(path)) as search:
        settings = Settings(store_path=path, iri_base=base)
        report = build(corpus, store, settings, catalogue=catalogue, search=search)
    assert report.ok, report.failures
    store.close()
    return path


@functools.cache
def sample_graphs(base: str = BASE) -> dict[str, tuple[ox.Quad, ...]]:
    """The built API graph's quads per named graph (each document's and the catalogue's)."""
    store = Store(_built_store(base), read_only=True)
    try:
        return {graph: tuple(store.quads(graph)) for graph in store.named_graphs()}
    finally:
        store.close()


def graph_of(source: str, base: str = BASE) -> str:
    """The named graph the build gives the seed document ``source`` (named by its text)."""
    return graph_iri(base, ingest(REPO / "corpus" / source).id)


def fill(store: AnyStore, base: str = BASE) -> AnyStore:
    """``store`` (embedded or remote) holding the API graph, as the build wrote it."""
    store.replace_graphs([], sample_graphs(base))
    return store


def generated_corpus(out: Path, count: int, seed: int) -> Path:
    """``count`` documents of benchmarks/generate_corpus.py in ``out``, as a user makes them."""
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks/generate_corpus.py"), "--count", str(count),
         "--out", str(out), "--seed", str(seed), "--overwrite"],
        check=True, capture_output=True,
    )  # fmt: skip
    return out


def build_store(path: Path, base: str = BASE) -> Path:
    """An on-disk copy of the API test graph (store and search index) at ``path``.

    The graph is built once per session (``_built_store``); each caller gets its own
    copy, closed, because pyoxigraph holds an exclusive lock on an open store.
    """
    built = _built_store(base)
    shutil.copytree(built, path)
    shutil.copy(index_path(built), index_path(path))
    return path


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("kg") / "store")


@pytest.fixture(scope="session")
def memory_store() -> Store:
    """The API test graph in memory, for unit tests that need no server (do not write to it)."""
    return fill(Store(None))


@pytest.fixture
def fresh_store() -> Store:
    """The API test graph in a new in-memory store, for a test that changes it."""
    return fill(Store(None))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn serving ``store_path`` on a free local port; yields its base URL."""
    with serving(store_path, tmp_path_factory.mktemp("server"), KG_ALLOW_UPDATES="false") as url:
        yield url


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"uvicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"uvicorn did not answer /healthz within 30 s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def http(live_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=10) as client:
        yield client


# --- the seed corpus, built for real ------------------------------------------------


def build_seed_store(path: Path) -> Path:
    """Build corpus/ into ``path`` with the real pipeline (and its search index), then close it."""
    from kg.build import build
    from kg.config import Settings

    store = Store(path)
    report = build(REPO / "corpus", store, Settings(store_path=path))
    assert report.ok, report.failures
    store.close()
    return path


@pytest.fixture(scope="session")
def seed_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store built from the five seed documents and the bundled catalogue."""
    return build_seed_store(tmp_path_factory.mktemp("seed") / "store")


@contextmanager
def serving(
    store_path: Path, log_dir: Path, command: list[str] | None = None, **env_overrides: str
) -> Iterator[str]:
    """Run a real server over ``store_path`` on a free port; yield its base URL.

    By default uvicorn with the app factory and the HTTP protocol ``kg serve`` uses;
    ``command`` (e.g. ``kg serve``) is started instead when given, with ``--port``
    appended.
    """
    port = _free_port()
    log = log_dir / f"server-{port}.log"
    env = {
        **os.environ,
        "KG_STORE_PATH": str(store_path),
        "KG_CONFIG": str(log_dir / "absent.toml"),  # ignore any kg.toml in the tree
        **env_overrides,
    }
    if command is None:
        command = [
            sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app",
            "--http", "api.server:HttpProtocol", "--host", "127.0.0.1", "--log-level", "warning",
        ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--port", str(port)], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def seed_server(seed_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn serving the seed-corpus store; yields its base URL."""
    with serving(seed_store_path, tmp_path_factory.mktemp("seed-server")) as url:
        yield url


@pytest.fixture(scope="session")
def seed_http(seed_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=seed_server, timeout=10) as client:
        yield client
