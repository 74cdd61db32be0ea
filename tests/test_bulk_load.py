"""A first build is a bulk load; one cut short is redone whole by the next build (issue 13).

The bulk loader is not a transaction.  The store writes each graph's own description
(source file and content hash, which the next build reads as "built") after the bulk
load, in a transaction; here that write fails, as a full disk or a kill would leave
it, and the next build must see every document as not built and give the graph a
clean build gives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.build import build, indexed_sources
from kg.config import Settings
from kg.errors import StoreError
from kg.search import SearchIndex
from kg.store import Store, serialise
from tests.conftest import generated_corpus

DOCUMENTS = 6
G = "https://example.org/graph/one"
S = ox.NamedNode("https://example.org/s")
P = ox.NamedNode("https://example.org/p")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_corpus(tmp_path_factory.mktemp("corpus"), DOCUMENTS, seed=7)


def _build(corpus: Path, store_dir: Path, **settings: Any) -> set[ox.Quad]:
    store = Store(store_dir)
    settings.setdefault("bulk_load_min_documents", 0)  # by default always a bulk load
    config = Settings(store_path=store_dir, **settings)
    report = build(corpus, store, config, catalogue=None, workers=1)
    assert not report.failures
    return set(store.quads())


def test_one_bulk_load_gives_the_graph_of_a_transactional_build(
    corpus: Path, tmp_path: Path
) -> None:
    bulk = _build(corpus, tmp_path / "bulk", build_batch_size=2)  # three batches handed over
    transactional = _build(corpus, tmp_path / "txn", bulk_load_min_documents=10**6)
    assert bulk == transactional and len(bulk) > 1000


def test_a_bulk_load_cut_short_is_built_again_whole(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean = _build(corpus, tmp_path / "clean")
    extend = Store._extend

    def described_write_fails(self: Store, quads: list[ox.Quad], *, bulk: bool = False) -> None:
        if not bulk and quads and all(q.subject == q.graph_name for q in quads):
            raise StoreError("disk full (simulated) after the bulk load")
        extend(self, quads, bulk=bulk)

    monkeypatch.setattr(Store, "_extend", described_write_fails)
    store_dir = tmp_path / "cut"
    with pytest.raises(StoreError, match="simulated"):
        _build(corpus, store_dir)
    monkeypatch.setattr(Store, "_extend", extend)
    cut = Store(store_dir)
    assert len(cut) > 0  # the bulk load itself went through
    assert indexed_sources(cut) == {}  # but no document counts as built
    del cut
    assert _build(corpus, store_dir) == clean
    index = SearchIndex(Settings(store_path=store_dir).search_index_file(store_dir))
    assert index.search("卫生")  # and the search index was rebuilt beside it


@pytest.mark.parametrize(
    ("literal", "nquads_line"),
    [
        ("一行", f'<https://example.org/s> <https://example.org/p> "一行" <{G}> .'),
        # A literal that ends like an N-Quads line: the escaped newline keeps it whole.
        (
            f"甲 <{G}> .\n乙",
            f'<https://example.org/s> <https://example.org/p> "甲 <{G}> .\\n乙" <{G}> .',
        ),
    ],
    ids=["plain", "literal-ending-like-a-line"],
)
def test_bulk_written_graph_and_its_default_graph_copy(literal: str, nquads_line: str) -> None:
    quad = ox.Quad(S, P, ox.Literal(literal), ox.NamedNode(G))
    assert serialise([quad]).decode().strip() == nquads_line
    store = Store()
    store.replace_serialised_graphs([], {G: serialise([quad])}, bulk=True)
    assert set(store.quads()) == {quad, ox.Quad(S, P, ox.Literal(literal))}
