"""ETags from the store's state, Cache-Control, and 304 for a client that has the answer."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.caching import store_state
from api.main import create_app
from kg.config import Settings
from kg.store import Store
from tests.conftest import build_store, fill

READS = [
    ("/documents/湘政办发〔2021〕79号", None),
    ("/documents/湘政办发〔2021〕79号/cited-by", "application/ld+json"),
    ("/hospitals?q=益阳", None),
    ("/entities/益阳市中医医院", None),
    ("/id/hospital/益阳市中医医院", "text/turtle"),
    ("/queries/cited_by?number=湘政办发〔2021〕79号", None),
    ("/search?q=医共体", None),
    ("/ontology", None),
]


@pytest.mark.server
@pytest.mark.parametrize(("url", "accept"), READS, ids=[u.split("?")[0] for u, _ in READS])
def test_second_request_with_the_etag_is_304(
    seed_http: httpx.Client, url: str, accept: str | None
) -> None:
    headers = {"Accept": accept} if accept else {}
    first = seed_http.get(url, headers=headers)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "max-age" in first.headers["cache-control"]
    again = seed_http.get(url, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b"" and again.headers["etag"] == etag
    stale = seed_http.get(url, headers={**headers, "If-None-Match": '"not-it"'})
    assert stale.status_code == 200 and stale.content == first.content


@pytest.mark.server
def test_each_representation_has_its_own_etag(seed_http: httpx.Client) -> None:
    url = "/id/hospital/益阳市中医医院"
    tags = {
        seed_http.get(url, headers={"Accept": media}).headers["etag"]
        for media in ("text/turtle", "application/ld+json", "text/html")
    }
    assert len(tags) == 3
    assert seed_http.get(url + "?format=ttl").headers["etag"] not in tags


@pytest.mark.server
def test_errors_and_writes_carry_no_etag(seed_http: httpx.Client) -> None:
    assert "etag" not in seed_http.get("/id/hospital/不存在的医院").headers
    response = seed_http.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})
    assert "etag" not in response.headers


def test_state_changes_with_the_store() -> None:
    store = fill(Store(None))
    before = store_state(store)
    assert store_state(store) == before  # stable
    store.remove_graphs([store.named_graphs()[0]])
    assert store_state(store) != before


def test_state_of_an_on_disk_store_follows_its_files(tmp_path: Path) -> None:
    path = build_store(tmp_path / "store")
    reader = Store(path, read_only=True)
    before = store_state(reader)
    reader.close()
    again = Store(path, read_only=True)  # reopening read-only writes nothing that counts
    assert store_state(again) == before
    again.close()
    writer = Store(path)
    writer.remove_graphs([writer.named_graphs()[0]])
    writer.close()
    assert store_state(Store(path, read_only=True)) != before


def test_a_rebuilt_store_gets_new_etags() -> None:
    store = fill(Store(None))
    url = "/documents/湘政办发〔2021〕79号"
    with TestClient(create_app(Settings(), store=store)) as client:
        first = client.get(url).headers["etag"]
    store.remove_graphs([g for g in store.named_graphs() if g.endswith("catalogue")])
    with TestClient(create_app(Settings(), store=store)) as client:
        second = client.get(url)
    assert second.status_code == 200 and second.headers["etag"] != first
