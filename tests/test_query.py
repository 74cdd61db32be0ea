"""The named-query library over an in-memory store of the sample graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import DocNumberError, NotFound, QueryError, QueryRefused
from kg.sparql import policy as sparql_policy
from kg.sparql import query as kq
from kg.store import Store

XIANG = "湘政办发〔2021〕79号"
YUE = "岳卫字〔2023〕2号"
YIZI = "益资政办发〔2023〕20号"


# --- the .rq header ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("number (docno) — canonical 文号", kq.Param("number", "docno", True, "canonical 文号")),
        ("issuer? — 发文机关全称", kq.Param("issuer", "literal", False, "发文机关全称")),
        ("doc (iri) - a document IRI", kq.Param("doc", "iri", True, "a document IRI")),
        ("year?", kq.Param("year", "literal", False, "")),
    ],
    ids=["docno", "optional", "iri-ascii-dash", "bare"],
)
def test_param_lines_are_read(tmp_path: Path, line: str, expected: kq.Param) -> None:
    path = tmp_path / "q.rq"
    path.write_text(f"# name: q\n# summary: s\n# param: {line}\nSELECT * WHERE {{}}\n", "utf-8")
    assert kq.parse_query_file(path).params == (expected,)


@pytest.mark.parametrize("line", ["number (number) — bad kind", "2number — bad name"])
def test_bad_param_lines_are_refused(tmp_path: Path, line: str) -> None:
    path = tmp_path / "q.rq"
    path.write_text(f"# param: {line}\nSELECT * WHERE {{}}\n", "utf-8")
    with pytest.raises(QueryError, match="param"):
        kq.parse_query_file(path)


def test_header_stops_at_the_first_line_of_sparql(tmp_path: Path) -> None:
    path = tmp_path / "late.rq"
    path.write_text("SELECT * WHERE {}\n# param: x — not a header any more\n", "utf-8")
    query = kq.parse_query_file(path)
    assert (query.name, query.params) == ("late", ())


# --- the bundled queries ------------------------------------------------------------


def test_bundled_queries_are_listed_with_summaries() -> None:
    queries = {q.name: q for q in kq.list_queries()}
    assert {"cited_by", "cites", "document", "documents"} <= set(queries)
    assert all(q.summary and q.path.suffix == ".rq" for q in queries.values())


@pytest.mark.parametrize("query", kq.list_queries(), ids=lambda q: q.name)
def test_every_parameter_can_be_bound(query: kq.NamedQuery) -> None:
    # pyoxigraph refuses to bind a variable missing from the projection: run each
    # query with every parameter given, on an empty store, to prove they all bind.
    sample = {"docno": XIANG, "iri": "https://example.org/x", "literal": "2023"}
    params = {p.name: sample[p.kind] for p in query.params}
    assert kq.run_query(Store(None), query.name, params) == []


def test_unknown_query_names_the_known_ones() -> None:
    with pytest.raises(NotFound, match="cited_by"):
        kq.get_query("cited-by-typo")


# --- answers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [XIANG, "湘政办发[2021]79号", "湘政办发(2021)79号", "湘政办发（2021）79号",
     "湘政办发【2021】79号", "湘政办发﹝2021﹞79号", " 湘政办发 〔2021〕 79 号"],
)  # fmt: skip
def test_cited_by_in_any_bracket_form(memory_store: Store, number: str) -> None:
    rows = kq.run_query(memory_store, "cited_by", {"number": number})
    assert [r["citingNumber"] for r in rows] == [YUE, YIZI]
    assert {r["number"] for r in rows} == {XIANG}


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (XIANG, [YUE, YIZI]),
        ("国办发〔2017〕32号", [YUE]),
        (YUE, []),
    ],
    ids=["two-citers", "national", "uncited"],
)
def test_cited_by(memory_store: Store, number: str, expected: list[str]) -> None:
    assert [r.number for r in kq.cited_by(memory_store, number)] == expected


def test_cites_keeps_documents_known_only_by_title(memory_store: Store) -> None:
    refs = kq.cites(memory_store, YUE)
    assert {r.number for r in refs} == {
        None, "国办发〔2017〕32号", "国卫医发〔2020〕13号", "岳卫函〔2022〕111号", "岳组发〔2019〕17号", XIANG,
    }  # fmt: skip
    assert "湖南省基层卫生人才能力提升培训项目实施方案" in {r.title for r in refs}


@pytest.mark.parametrize(
    ("number", "facts"),
    [
        (YUE, {"title": "对岳阳市政协九届二次会议第141号提案的答复", "issuer": "岳阳市卫生健康委员会",
               "date": "2023-06-29", "type": "答复", "cited_by_count": 0, "cites_count": 6}),
        # The catalogue gives the date of publication (eli:date_publication), not the
        # document's own date, which is what ``date`` reads.
        ("国办发[2017]32号", {"issuer": "国务院办公厅", "date": None, "cited_by_count": 1,
                           "url": "http://www.gov.cn/zhengce/zhengceku/2017-04/26/content_5189071.htm"}),
        (XIANG, {"cited_by_count": 2, "cites_count": 0, "date": None}),
    ],
    ids=["corpus-reply", "catalogue-entry", "cited-only"],
)  # fmt: skip
def test_document_facts(memory_store: Store, number: str, facts: dict[str, object]) -> None:
    found = kq.document(memory_store, number)
    assert {k: getattr(found, k) for k in facts} == facts


def test_unknown_document_is_not_found(memory_store: Store) -> None:
    with pytest.raises(NotFound, match="湘政办发〔2099〕1号"):
        kq.document(memory_store, "湘政办发[2099]1号")
    with pytest.raises(NotFound):
        kq.cited_by(memory_store, "湘政办发〔2099〕1号")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": "2023"}, {YUE, YIZI}),
        ({"issuer": "曲靖市人民政府"}, {"曲政函〔2019〕485号"}),
        ({"issuer": "岳阳市卫生健康委员会", "year": "2023"}, {YUE}),
        ({"issuer": "岳阳市卫生健康委员会", "year": "2021"}, set()),
        ({"issuer": "", "year": ""}, None),  # empty values are no filter
    ],
    ids=["year", "issuer", "both", "none-match", "empty"],
)
def test_documents_filters(
    memory_store: Store, params: dict[str, str], expected: set[str] | None
) -> None:
    rows = kq.run_query(memory_store, "documents", params)
    if expected is None:
        assert len(rows) == len(kq.run_query(memory_store, "documents", {})) > 5
    else:
        assert {r["number"] for r in rows} == expected


@pytest.mark.parametrize(
    ("name", "params", "error"),
    [
        ("cited_by", {}, QueryError),
        ("cited_by", {"number": XIANG, "limit": "3"}, QueryError),
        ("cited_by", {"number": "not a number"}, DocNumberError),
        ("cited_by", {"number": XIANG + '" } ; DROP ALL #'}, DocNumberError),
    ],
    ids=["missing", "unknown-param", "bad-docno", "injection"],
)
def test_bad_parameters(
    memory_store: Store, name: str, params: dict[str, str], error: type
) -> None:
    with pytest.raises(error):
        kq.run_query(memory_store, name, params)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=40))
def test_literal_parameters_never_change_the_query(text: str) -> None:
    # Whatever the text, it is bound as one literal: no syntax error, no injection.
    store = Store(None)
    store.update(
        "INSERT DATA { GRAPH <urn:g> { <urn:d> a <https://w3id.org/cn-health-kg/ontology#Document> } }"
    )
    rows = kq.run_query(store, "documents", {"issuer": text})
    if text:  # the one document has no issuer, so any issuer filter leaves nothing
        assert rows == []
    assert len(store) == 2  # the quad in its graph and in the default (union) graph


def test_iri_parameters_bind_named_nodes(tmp_path: Path) -> None:
    (tmp_path / "titled.rq").write_text(
        "# name: titled\n# summary: title of a node\n# param: doc (iri) — the node\n"
        "SELECT ?doc ?title WHERE { ?doc <http://purl.org/dc/terms/title> ?title }\n",
        "utf-8",
    )
    store = Store(None)
    store.replace_graphs([], {"urn:g": [ox.Quad(ox.NamedNode("urn:a"),
                          ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal("标题"))]})  # fmt: skip
    rows = kq.run_query(store, "titled", {"doc": "urn:a"}, queries_dir=tmp_path)
    assert rows == [{"doc": "urn:a", "title": "标题"}]
    with pytest.raises(QueryError, match="IRI"):
        kq.run_query(store, "titled", {"doc": "not an iri"}, queries_dir=tmp_path)


# --- queries versus updates -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "update"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", False),
        ("PREFIX dcterms: <http://purl.org/dc/terms/>\nASK { ?s dcterms:title ?t }", False),
        ("# INSERT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }", False),
        ('SELECT * WHERE { ?s ?p "DELETE" }', False),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", True),
        ("PREFIX ex: <urn:x:>\nBASE <urn:y>\ndelete where { ?s ?p ?o }", True),
        ("  # comment\n  DROP ALL", True),
        ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True),
        ("LOAD <http://example.org/data.ttl>", True),
    ],
    ids=["select", "prefixed-ask", "comment", "keyword-in-literal", "insert", "prologue-delete",
         "drop", "with", "load"],
)  # fmt: skip
def test_is_update(text: str, update: bool) -> None:
    assert sparql_policy.is_update(text) is update


@pytest.mark.parametrize(
    ("text", "allow", "refused"),
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", [], True),
        ("SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }", [], True),
        ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", ["http://example.org/sparql"], True),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
         ["http://example.org/sparql"], False),
        ("SELECT * WHERE { ?s ?p ?o }", [], False),
    ],
    ids=["service", "silent", "variable", "allowed", "none"],
)  # fmt: skip
def test_service_calls_need_the_allowlist(text: str, allow: list[str], refused: bool) -> None:
    if refused:
        with pytest.raises(QueryRefused, match="SERVICE"):
            sparql_policy.check_query(text, allow)
    else:
        sparql_policy.check_query(text, allow)
