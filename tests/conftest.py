"""Shared fixtures: a small graph of real 文号 on disk and in memory, and a live server.

``build_store`` is the one place the test store is made.  To run the interface
tests against a build of the real corpus, make it call the build stage instead;
every fixture below goes through it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
import pyoxigraph as ox
import pytest
from rdflib import namespace as rns

from kg import vocab
from kg.config import DEFAULT_IRI_BASE
from kg.graphstore import GraphStore
from kg.iri import catalogue_graph_iri, document_iri, entity_iri, graph_iri
from kg.store import Store
from kg.vocab import node

AnyStore = TypeVar("AnyStore", bound=GraphStore)

REPO = Path(__file__).resolve().parent.parent
BASE = DEFAULT_IRI_BASE
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")


@dataclass(frozen=True)
class SampleDoc:
    """One source document of the sample graph, with what it cites."""

    source: str
    number: str | None
    title: str
    issuer: str
    date: str | None
    type: str
    cites: tuple[tuple[str | None, str], ...]  # (文号 or None, title as cited)


# Headers and citations as the gold files give them for the seed corpus.
SAMPLE_DOCS: tuple[SampleDoc, ...] = (
    SampleDoc(
        source="000_c00da1c6e20d841d",
        number="岳卫字〔2023〕2号",
        title="对岳阳市政协九届二次会议第141号提案的答复",
        issuer="岳阳市卫生健康委员会",
        date="2023-06-29",
        type="答复",
        cites=(
            ("国办发〔2017〕32号", "国务院办公厅关于推进医疗联合体建设和发展的指导意见"),
            (
                "国卫医发〔2020〕13号",
                "国家卫生健康委 国家中医药管理局关于印发医疗联合体管理办法（试行）的通知",
            ),
            (None, "湖南省基层卫生人才能力提升培训项目实施方案"),
            ("湘政办发〔2021〕79号", "关于促进基层卫生健康事业高质量发展的意见"),
        ),
    ),
    SampleDoc(
        source="001_3a348827253ea4e5",
        number="曲政函〔2019〕485号",
        title="曲靖市人民政府关于市政协五届二次会议第152号提案办理意见的函",
        issuer="曲靖市人民政府",
        date=None,
        type="函",
        cites=(
            (
                "曲政办发〔2019〕101号",
                "曲靖市人民政府办公室关于进一步加强乡村医生队伍建设的实施意见",
            ),
        ),
    ),
    SampleDoc(
        source="002_95a456216623b0c6",
        number="益资政办发〔2023〕20号",
        title="益阳市资阳区人民政府办公室印发《关于进一步深化改革推进资阳区卫生健康事业高质量发展的实施意见》的通知",
        issuer="益阳市资阳区人民政府办公室",
        date="2023-11-22",
        type="通知",
        cites=(
            (
                None,
                "中共中央办公厅 国务院办公厅关于进一步深化改革促进乡村医疗卫生体系健康发展的意见",
            ),
            (
                "湘政办发〔2021〕79号",
                "湖南省人民政府办公厅关于促进基层卫生健康事业高质量发展的意见",
            ),
            (
                "益政办发〔2022〕23号",
                "益阳市人民政府办公室关于促进基层卫生健康事业高质量发展的实施意见",
            ),
        ),
    ),
)

# What the bundled policy catalogue says about one cited national document.
CATALOGUE = (
    "国办发〔2017〕32号",
    "国务院办公厅关于推进医疗联合体建设和发展的指导意见",
    "国务院办公厅",
    "2017-04-23",
    "https://www.gov.cn/zhengce/content/2017-04/26/content_5189071.htm",
)


def _t(s: ox.NamedNode, p: object, o: ox.NamedNode | ox.Literal) -> ox.Triple:
    return ox.Triple(s, node(str(p)), o)


def sample_graphs(base: str = BASE) -> dict[str, list[ox.Triple]]:
    """The sample graph as triples per named graph, in the project's vocabulary."""
    graphs: dict[str, list[ox.Triple]] = {}
    document = node(str(vocab.HP.Document))
    for doc in SAMPLE_DOCS:
        iri = ox.NamedNode(document_iri(base, doc.number, doc.title))
        agency = ox.NamedNode(entity_iri(base, "agency", doc.issuer))
        triples = [
            _t(iri, rns.RDF.type, document),
            _t(iri, rns.DCTERMS.title, ox.Literal(doc.title)),
            _t(iri, vocab.HP.typeName, ox.Literal(doc.type)),
            _t(iri, vocab.HP.sourceFile, ox.Literal(doc.source + ".txt")),
            _t(iri, vocab.ELI.passed_by, agency),
            _t(agency, rns.RDF.type, node(str(vocab.HP.Agency))),
            _t(agency, rns.SKOS.prefLabel, ox.Literal(doc.issuer)),
        ]
        if doc.number:
            triples.append(_t(iri, vocab.ELI.id_local, ox.Literal(doc.number)))
        if doc.date:
            triples.append(
                _t(iri, vocab.ELI.date_document, ox.Literal(doc.date, datatype=XSD_DATE))
            )
        for number, title in doc.cites:
            cited = ox.NamedNode(document_iri(base, number, title))
            triples += [_t(iri, vocab.ELI.cites, cited), _t(cited, rns.RDF.type, document)]
            triples.append(_t(cited, rns.DCTERMS.title, ox.Literal(title)))
            if number:
                triples.append(_t(cited, vocab.ELI.id_local, ox.Literal(number)))
        graphs[graph_iri(base, doc.source)] = triples

    number, title, issuer, date, url = CATALOGUE
    entry = ox.NamedNode(document_iri(base, number, title))
    graphs[catalogue_graph_iri(base)] = [
        _t(entry, rns.RDF.type, document),
        _t(entry, vocab.ELI.id_local, ox.Literal(number)),
        _t(entry, rns.DCTERMS.title, ox.Literal(title)),
        _t(entry, vocab.HP.issuerName, ox.Literal(issuer)),
        _t(entry, vocab.ELI.date_document, ox.Literal(date, datatype=XSD_DATE)),
        _t(entry, rns.SDO.url, ox.NamedNode(url)),
    ]
    return graphs


def fill(store: AnyStore, base: str = BASE) -> AnyStore:
    """``store`` (embedded or remote) holding the sample graph."""
    store.replace_graphs([], sample_graphs(base))  # type: ignore[arg-type]
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
    """Make the on-disk store the interface tests run against, and close it.

    The one function to swap for a build of the real corpus.  The store is closed
    before the server starts because pyoxigraph holds an exclusive lock on it.
    """
    store = fill(Store(path), base)
    store.close()
    return path


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("kg") / "store")


@pytest.fixture(scope="session")
def memory_store() -> Store:
    """The sample graph in memory, for unit tests that need no server (do not write to it)."""
    return fill(Store(None))


@pytest.fixture
def fresh_store() -> Store:
    """The sample graph in a new in-memory store, for a test that changes it."""
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
