"""From corpus/ to "which documents cite 湘政办发〔2021〕79号", the way a user does it.

`kg build` makes the store from the real seed corpus, `kg serve` serves it, and the
headline question is asked through the CLI, a real SPARQL client and REST.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper

from tests.conftest import serving
from tests.factories import run_kg

REPO = Path(__file__).resolve().parent.parent
KG = Path(sys.executable).parent / "kg"
CITING = {"岳卫字〔2023〕2号", "益资政办发〔2023〕20号"}
CITED_BY_SPARQL = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT DISTINCT ?number WHERE {
  ?cited eli:id_local "湘政办发〔2021〕79号" .
  ?citing eli:cites ?cited ; eli:id_local ?number .
}
"""


_kg = run_kg


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("e2e")
    return {
        **os.environ,
        "KG_CONFIG": str(home / "absent.toml"),
        "KG_STORE_PATH": str(home / "store"),
    }


@pytest.fixture(scope="module")
def built(env: dict[str, str]) -> Path:
    result = _kg("build", "corpus", "--strict", env=env)
    assert result.returncode == 0, result.stderr
    assert "5 added" in result.stderr
    return Path(env["KG_STORE_PATH"])


@pytest.fixture(scope="module")
def server(
    built: Path, env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`kg serve`, started as a user starts it, over the store `kg build` made."""
    with serving(
        built, tmp_path_factory.mktemp("serve"), [str(KG), "serve"], KG_CONFIG=env["KG_CONFIG"]
    ) as url:
        yield url


def test_cli_named_query_answers_the_headline_question(built: Path, env: dict[str, str]) -> None:
    result = _kg(
        "query",
        "--name",
        "cited_by",
        "--param",
        "number=湘政办发[2021]79号",
        "--format",
        "json",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert {row["citingNumber"] for row in json.loads(result.stdout)} == CITING


def test_cli_sparql_answers_the_headline_question(built: Path, env: dict[str, str]) -> None:
    result = _kg("query", CITED_BY_SPARQL, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert sorted(row["number"] for row in rows) == sorted(CITING)


def test_sparqlwrapper_over_the_endpoint(server: str) -> None:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery(CITED_BY_SPARQL)
    client.setReturnFormat(JSON)
    document = client.query().convert()
    assert isinstance(document, dict), document  # JSON asked: a decoded JSON document
    bindings = document["results"]["bindings"]
    assert sorted(b["number"]["value"] for b in bindings) == sorted(CITING)


def test_rdflib_sparqlstore_over_the_endpoint(server: str) -> None:
    store = SPARQLStore(f"{server}/sparql", returnFormat="json")
    rows = list(store.query(CITED_BY_SPARQL))
    assert sorted(str(row[0]) for row in rows) == sorted(CITING)  # type: ignore[index]


@pytest.mark.parametrize(
    "variant",
    [
        "湘政办发〔2021〕79号",
        "湘政办发[2021]79号",
        "湘政办发（2021）79号",
        "湘政办发【2021】79 号",
        "湘政办发(2021)79号",
    ],
)
def test_rest_cited_by_accepts_any_bracket_form(server: str, variant: str) -> None:
    response = httpx.get(f"{server}/documents/{quote(variant, safe='')}/cited-by", timeout=10)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["number"] == "湘政办发〔2021〕79号"
    assert {item["number"] for item in body["items"]} == CITING
    assert body["total"] == 2


def test_rebuild_is_idempotent_and_replaces_only_changed_documents(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    local = {
        **os.environ,
        "KG_CONFIG": str(tmp_path / "absent.toml"),
        "KG_STORE_PATH": str(tmp_path / "s"),
    }
    assert _kg("build", str(corpus), env=local).returncode == 0
    first = _kg(
        "query",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        "--format",
        "json",
        env=local,
    )
    again = _kg("build", str(corpus), env=local)
    assert "0 added, 0 replaced, 5 unchanged, 0 removed" in again.stderr
    second = _kg(
        "query",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        "--format",
        "json",
        env=local,
    )
    assert json.loads(first.stdout) == json.loads(second.stdout)

    reply = corpus / "000_c00da1c6e20d841d.txt"
    reply.write_text(
        reply.read_text(encoding="utf-8").replace("姚添委员", "姚添 委员"), encoding="utf-8"
    )
    (corpus / "004_66c316e58a9ebb9f.txt").unlink()
    changed = _kg("build", str(corpus), env=local)
    assert "0 added, 1 replaced, 3 unchanged, 1 removed" in changed.stderr
    graphs = _kg(
        "query",
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g <https://w3id.org/cn-health-kg/ontology#sourceFile> ?f } }",
        "--format",
        "json",
        env=local,
    )
    assert len(json.loads(graphs.stdout)) == 4


def test_a_bad_file_is_reported_and_the_rest_still_built(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    (corpus / "broken.txt").write_bytes(b"\xff\xfe\xfa" * 10 + b"\x00\x81\xfe")
    local = {
        **os.environ,
        "KG_CONFIG": str(tmp_path / "absent.toml"),
        "KG_STORE_PATH": str(tmp_path / "s"),
    }
    lenient = _kg("build", str(corpus), env=local)
    assert lenient.returncode == 0
    assert "5 added" in lenient.stderr and "broken.txt" in lenient.stderr
    strict = _kg(
        "build", str(corpus), "--strict", env={**local, "KG_STORE_PATH": str(tmp_path / "s2")}
    )
    assert strict.returncode == 1
    assert "broken.txt" in strict.stderr


def test_search_finds_the_documents_that_mention_a_consortium_kind(server: str) -> None:
    response = httpx.get(f"{server}/search", params={"q": "医共体", "type": "document"}, timeout=10)
    assert response.status_code == 200, response.text
    body = response.json()
    numbers = [item["extra"].get("number") for item in body["items"]]
    # 医共体 is named in the 资阳 notice, the 咸宁 and 市中区 replies, and the 曲靖 letter.
    assert {"益资政办发〔2023〕20号", "曲政函〔2019〕485号", "〔2023〕字第26号"} <= set(numbers)
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    assert all("<mark>医共体</mark>" in item["snippet"] for item in body["items"])


def test_search_finds_a_programme_by_part_of_its_name(server: str) -> None:
    body = httpx.get(
        f"{server}/search", params={"q": "优质服务", "type": "programme"}, timeout=10
    ).json()
    assert "优质服务基层行" in [item["title"] for item in body["items"]]


def test_no_telephone_number_is_served(server: str) -> None:
    for phone in ("0730-8206079", "13971800781", "18107155863", "3083218", "3121678"):
        body = httpx.get(f"{server}/search", params={"q": phone}, timeout=10).json()
        assert body["total"] == 0, phone
        response = httpx.get(
            f"{server}/sparql",
            params={
                "query": f'ASK {{ GRAPH ?g {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "{phone}")) }} }}'
            },
            headers={"Accept": "application/sparql-results+json"},
            timeout=10,
        )
        assert response.json()["boolean"] is False, phone
