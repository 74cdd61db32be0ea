"""Chinese full-text search (kg.search): ranking, fallback, safety, replacement, SPARQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.config import DEFAULT_IRI_BASE as BASE
from kg.config import Settings
from kg.errors import QueryError, StoreError
from kg.model import Citation, Entity, Extraction, Header, Task
from kg.rdf import document_iri, entity_iri, graph_iri, to_quads
from kg.search import (
    RANK_FUNCTION_IRI,
    SEARCH_FUNCTION_IRI,
    SearchDoc,
    SearchIndex,
    custom_functions,
    docs_from_quads,
    fold,
    fold_with_offsets,
    index_path,
    make_snippet,
)
from kg.search import _fold_by_cluster as fold_by_cluster
from kg.search import _fold_with_offsets_by_cluster as fold_with_offsets_by_cluster
from tests.conftest import serving
from tests.factories import make_document

# --- sample documents of the genre, with the entities each one names --------------

G_COUNTY, G_PROVINCE, G_REPLY = (graph_iri(BASE, d) for d in ("county", "province", "reply"))

COUNTY = document_iri(BASE, "桃政办发〔2023〕5号")
PROVINCE = document_iri(BASE, "湘卫基层发〔2024〕3号")
REPLY = document_iri(BASE, title="关于对省十四届人大二次会议第0356号建议的答复")
NHC = entity_iri(BASE, "agency", "国家卫生健康委员会")
MEDICAL_SECURITY = entity_iri(BASE, "agency", "湖南省医疗保障局")
YIYANG_TCM = entity_iri(BASE, "hospital", "益阳市中医医院")
COUNTY_TCM = entity_iri(BASE, "hospital", "桃江县中医医院")
CONSORTIUM = entity_iri(BASE, "consortium", "桃江县人民医院医共体")
QUALITY = entity_iri(BASE, "programme", "优质服务基层行")
FAMILY_DOCTOR = entity_iri(BASE, "programme", "家庭医生签约服务")
TASK = f"{BASE}id/task/county/1"


def doc(key: str, type_: str, title: str, text: str, graph: str, **extra: str) -> SearchDoc:
    return SearchDoc(key=key, type=type_, title=title, text=text, graph=graph, extra=extra)


def entity(key: str, type_: str, graph: str, *labels: str) -> SearchDoc:
    return SearchDoc(key=key, type=type_, title=labels[0], text=" ".join(labels), graph=graph)


COUNTY_DOCS = (
    doc(
        COUNTY,
        "document",
        "桃江县人民政府办公室关于印发《桃江县紧密型县域医共体建设实施方案（试行）》的通知",
        "各乡镇人民政府，县直各有关单位：\n"
        "《桃江县紧密型县域医共体建设实施方案（试行）》已经县人民政府同意，现印发给你们，"
        "请认真贯彻执行。\n"
        "一、以县人民医院、县中医医院为牵头医院，组建两个紧密型县域医共体，"
        "实行人员、财务、药品耗材统一管理。\n"
        "二、推进医保基金总额付费，结余留用、合理超支分担。\n"
        "三、按照国家卫生健康委员会有关要求，落实分级诊疗制度。",
        G_COUNTY,
        number="桃政办发〔2023〕5号",
        date="2023-03-15",
    ),
    entity(CONSORTIUM, "consortium", G_COUNTY, "桃江县人民医院医共体"),
    entity(COUNTY_TCM, "hospital", G_COUNTY, "桃江县中医医院", "县中医医院"),
    entity(YIYANG_TCM, "hospital", G_COUNTY, "益阳市中医医院"),
    entity(NHC, "agency", G_COUNTY, "国家卫生健康委员会", "国家卫健委"),
    SearchDoc(TASK, "task", "组建两个紧密型县域医共体", "组建两个紧密型县域医共体", G_COUNTY),
)
PROVINCE_DOCS = (
    doc(
        PROVINCE,
        "document",
        "湖南省卫生健康委员会关于深入开展“优质服务基层行”活动的意见",
        "各市州卫生健康委：\n"
        "为进一步提升基层医疗卫生机构服务能力，持续深入开展“优质服务基层行”活动"
        "和社区医院建设，提出如下意见。\n"
        "到２０２５年，达到服务能力基本标准的乡镇卫生院和社区卫生服务中心占比达到80%以上。"
        "各地要把<优质服务基层行>活动纳入年度绩效考核。",
        G_PROVINCE,
        number="湘卫基层发〔2024〕3号",
    ),
    entity(QUALITY, "programme", G_PROVINCE, "优质服务基层行"),
)
REPLY_DOCS = (
    doc(
        REPLY,
        "document",
        "关于对省十四届人大二次会议第0356号建议的答复",
        "您提出的关于加强家庭医生签约服务的建议收悉，现答复如下。\n"
        "近年来，我委会同省医保局推进家庭医生签约服务提质增效，"
        "重点人群家庭医生签约服务覆盖率达到75%。下一步，我们将按照国家卫生健康委员会部署，"
        "完善签约服务费政策。",
        G_REPLY,
    ),
    entity(FAMILY_DOCTOR, "programme", G_REPLY, "家庭医生签约服务"),
    entity(MEDICAL_SECURITY, "agency", G_REPLY, "湖南省医疗保障局", "省医保局"),
    entity(NHC, "agency", G_REPLY, "国家卫生健康委员会", "国家卫健委"),
)
ALL_DOCS = COUNTY_DOCS + PROVINCE_DOCS + REPLY_DOCS


def build(docs: tuple[SearchDoc, ...] = ALL_DOCS, path: Path | None = None) -> SearchIndex:
    index = SearchIndex(path)
    index.replace_graphs([], docs)
    return index


@pytest.fixture(scope="module")
def index() -> Iterator[SearchIndex]:
    idx = build()
    yield idx
    idx.close()


def keys(index: SearchIndex, query: str, **kwargs: object) -> list[str]:
    return [hit.key for hit in index.search(query, limit=100, **kwargs).items]  # type: ignore[arg-type]


# --- ranking -------------------------------------------------------------------------

RANKED = [
    # Title hits first (bm25 among them favours the short label), then body hits.
    ("医共体", [CONSORTIUM, TASK, COUNTY]),
    ("中医医院", [YIYANG_TCM, COUNTY_TCM, COUNTY]),  # the shorter label edges ahead
    ("家庭医生签约", [FAMILY_DOCTOR, REPLY]),
    ("优质服务基层行", [QUALITY, PROVINCE]),
    # An entity named by two documents is one hit.
    ("国家卫健委", [NHC]),
    ("国家卫生健康委员会", [NHC, REPLY, COUNTY]),
    # Phrases are AND-ed, wherever in title or body each one occurs.
    ("紧密型 实行人员", [COUNTY]),
    ("益阳市 医院", [YIYANG_TCM]),
    # Two-character phrases go to the character table, ranked the same way: title
    # hits, then bm25 (one 医保 each: the reply's shorter body edges ahead).
    ("医保", [MEDICAL_SECURITY, REPLY, COUNTY]),
    ("卫健", [NHC]),
    ("签约", [FAMILY_DOCTOR, REPLY]),
    ("卫生", [NHC, PROVINCE, REPLY, COUNTY]),
    # Mixed: the 3+ character phrase goes to FTS5, the short one filters.
    ("医共体 医保", [COUNTY]),
    ("家庭医生 医保", [REPLY]),
    # NFKC: half-width query, full-width text and back.
    ("2025年", [PROVINCE]),
    ("２０２５年", [PROVINCE]),
    ("(试行)", [COUNTY]),
    ("ＡＢＣ医院", []),
    # Whitespace of every kind separates phrases; runs collapse.
    ("  医共体\u3000\t医保 ", [COUNTY]),
    ("没有这个词", []),
]


@pytest.mark.parametrize(("query", "expected"), RANKED, ids=[q for q, _ in RANKED])
def test_ranked_keys(index: SearchIndex, query: str, expected: list[str]) -> None:
    page = index.search(query, limit=100)
    assert [hit.key for hit in page.items] == expected
    assert page.total == len(expected)
    scores = [hit.score for hit in page.items]
    assert all(isinstance(s, float) for s in scores)


# 1- and 2-character queries: the trigram table cannot answer them, the character
# table does.  Expected: what an instr scan of every row finds, in ranked order.
SHORT = [
    ("药", [COUNTY]),  # 药品耗材, in the body only
    ("县", [COUNTY_TCM, CONSORTIUM, TASK, COUNTY]),
    ("委", [NHC, PROVINCE, REPLY, COUNTY]),  # 委员会 in titles, 我委 in the reply's body
    ("5", [REPLY, PROVINCE]),  # 第0356号 in a title; ２０２５ folded to 2025 in a body
    ("“", [PROVINCE]),
    ("：", [PROVINCE, COUNTY]),  # full-width colon, folded to ":"
    ("中医", [YIYANG_TCM, COUNTY_TCM, COUNTY]),
    ("试行", [COUNTY]),
    ("答复", [REPLY]),
    ("县域", [TASK, COUNTY]),
    ("保局", [MEDICAL_SECURITY, REPLY]),
    ("江县", [COUNTY_TCM, CONSORTIUM, COUNTY]),
    ("80", [PROVINCE]),
    ("（试", [COUNTY]),  # punctuation is a character like any other
    # Characters apart in the text are no 2-character phrase: "单位：\n《桃江县" folds
    # to "单位: 《桃江县", and "执行。\n一、" to "执行。 一、"; the table's near miss is
    # dropped by the exact substring test.
    ("：《", []),
    ("。一", []),
    ("药品 医保", [COUNTY]),  # two short phrases, AND-ed
    ("医保 答复", [REPLY]),
    ("药 签约", []),
    ("ai", []),
]


@pytest.mark.parametrize(("query", "expected"), SHORT, ids=[q for q, _ in SHORT])
def test_short_queries_use_the_character_table(
    index: SearchIndex, query: str, expected: list[str]
) -> None:
    page = index.search(query, limit=100)
    assert [hit.key for hit in page.items] == expected
    assert page.total == len(expected)
    scanned = index.search(query, limit=100, scan=True)
    assert sorted(hit.key for hit in scanned.items) == sorted(expected)
    # And the character table is what answered: the query plan reads it, not entries.
    sql, params = index._matching_sql(tuple(fold(query).split()), [])
    plan = " ".join(row[-1] for row in index._conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "VIRTUAL TABLE INDEX" in plan and "SCAN e" not in plan


SHORT_PIECES = "".join(sorted({ch for d in ALL_DOCS for ch in fold(d.title + d.text)}))


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(ALL_DOCS),
    st.data(),
    st.text(alphabet=SHORT_PIECES + " \n", min_size=1, max_size=5),
)
def test_short_queries_find_what_a_scan_finds(
    sample: SearchDoc, data: st.DataObject, random_query: str
) -> None:
    """Any 1-2 character piece of a text, or short phrases of its characters."""
    text = fold(sample.text)
    start = data.draw(st.integers(0, len(text) - 1))
    piece = text[start : start + data.draw(st.integers(1, 2))]
    for query in (piece, random_query):
        try:
            page = SHARED.search(query, limit=1000)
        except QueryError:
            continue
        scanned = SHARED.search(query, limit=1000, scan=True)
        assert sorted(h.key for h in page.items) == sorted(h.key for h in scanned.items)
        assert page.total == scanned.total


def test_title_weighted_over_body(index: SearchIndex) -> None:
    """The province opinion names the programme in its title; it beats the reply's body."""
    page = index.search("基层行", types=["document"])
    assert [hit.key for hit in page.items] == [PROVINCE]
    page = index.search("家庭医生签约服务", types=["document", "programme"])
    assert page.items[0].key == FAMILY_DOCTOR


# --- user text never acts as FTS5 syntax ---------------------------------------------

LITERAL = [
    # Quotes, stars, operators, column filters and brackets: no error, no operator.
    ('"', []),
    ('医共体"', []),
    ('"医共体"', []),
    ("医共体*", []),
    ("医共体 OR 家庭医生", []),  # "or" must occur literally
    ("医共体 AND 医保", []),  # "and" must occur literally
    ("-医保", []),  # not NOT: "-医保" occurs nowhere
    ("NOT 医保", []),
    ("ftitle:医共体", []),
    ("{ftitle}:医共体", []),
    ("(医共体)", []),
    ("NEAR(医共体 医保)", []),
    ("医共体^", []),
    ("'; DROP TABLE entries; --", []),
    ("_", []),  # LIKE would match everything
    ("%%", []),
    # Literal special characters that do occur in the text are found.
    ("80%", [PROVINCE]),
    ("%", [REPLY, PROVINCE]),  # once each: the shorter body first
    ("<优质服务基层行>", [PROVINCE]),
    ("“优质服务基层行”", [PROVINCE]),
    ("《桃江县", [COUNTY]),
    ("医共体\x00", [CONSORTIUM, TASK, COUNTY]),  # NUL would end an FTS5 string
    ("\ud800医共体\u200b", [CONSORTIUM, TASK, COUNTY]),  # lone surrogate, zero-width space
]


@pytest.mark.parametrize(("query", "expected"), LITERAL, ids=[repr(q) for q, _ in LITERAL])
def test_special_characters_are_literal(
    index: SearchIndex, query: str, expected: list[str]
) -> None:
    assert keys(index, query) == expected


@pytest.mark.parametrize("query", ["", " ", "\u3000\t\n", "\u200b", "\x00"])
def test_empty_query_is_refused(index: SearchIndex, query: str) -> None:
    with pytest.raises(QueryError, match="empty"):
        index.search(query)


def test_overlong_query_is_refused(index: SearchIndex) -> None:
    with pytest.raises(QueryError, match="limit"):
        index.search("医" * 501)


TRICKY = "\"*()-:^+{}[]'%_\\\x00\u3000\u200b\ud800 ANDORNOTNEAR医共体保卫健ＡＢ２（）"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.text(alphabet=TRICKY, max_size=40)))
def test_any_query_gives_a_page_or_query_error(query: str) -> None:
    try:
        page = SHARED.search(query)
    except QueryError:
        return
    assert page.total >= len(page.items)
    assert len({hit.key for hit in page.items}) == len(page.items)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ALL_DOCS), st.data())
def test_any_piece_of_a_title_finds_its_key(sample: SearchDoc, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(sample.title) - 1))
    end = data.draw(st.integers(start + 1, len(sample.title)))
    piece = sample.title[start:end]
    if not piece.split():
        return
    page = SHARED.search(piece, limit=100)
    assert sample.key in [hit.key for hit in page.items]


SHARED = build()


FOLDED = [
    ("２０２５年", "2025年"),
    ("（试行）", "(试行)"),
    ("ＡＢＣ  Hospital", "abc hospital"),
    ("医共体\u200b建设", "医共体建设"),
    ("\u3000 医共体\n\t建设 ", "医共体 建设"),
    ("e\u0301", "é"),
]


@pytest.mark.parametrize(("text", "folded"), FOLDED)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.text(alphabet=TRICKY + "\u0301\u20dd\n", max_size=60)))
def test_fold_offsets_point_at_whole_original_characters(text: str) -> None:
    folded, starts, ends = fold_with_offsets(text)
    assert folded == fold(text)
    assert len(folded) == len(starts) == len(ends)
    assert starts == sorted(starts)
    assert all(0 <= s < e <= len(text) for s, e in zip(starts, ends, strict=True))
    assert folded == folded.strip() and "  " not in folded


# Characters whose folding is not one-to-one or not themselves: full-width forms,
# ligatures and ㎡ (NFKC expands them), Å/K signs (NFKC maps them), ß (casefold
# expands it), zero-width and control characters, spaces of every kind.
UNEVEN = "ＡＢ２（）ﬁﬀ㎡㍿\u212b\u212aßẞİ\u200b\ufeff\x00\x1f\u3000\xa0\u2028 \t\n医共体卫健委"


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(max_size=80),
        st.text(alphabet=UNEVEN, max_size=80),
        st.text(alphabet=UNEVEN + "\u0301\u20dd\u0903", max_size=80),
    )
)
def test_fast_fold_equals_the_per_cluster_fold(text: str) -> None:
    # fold and fold_with_offsets take str.translate for a text without combining
    # marks; the answer must be the one of folding cluster by cluster.
    assert fold(text) == " ".join(filter(None, fold_by_cluster(text).split(" ")))
    assert fold_with_offsets(text) == fold_with_offsets_by_cluster(text)


# --- filters and pages ---------------------------------------------------------------

TYPED = [
    ("医共体", ["consortium"], [CONSORTIUM]),
    ("医共体", ["document", "task"], [TASK, COUNTY]),
    ("医院", ["hospital"], [YIYANG_TCM, COUNTY_TCM]),
    ("医保", ["agency"], [MEDICAL_SECURITY]),
    ("医保", ["person"], []),
    ("医共体", [], [CONSORTIUM, TASK, COUNTY]),  # empty: no filter
]


@pytest.mark.parametrize(("query", "types", "expected"), TYPED)
def test_type_filter(index: SearchIndex, query: str, types: list[str], expected: list[str]) -> None:
    page = index.search(query, types=types, limit=100)
    assert [hit.key for hit in page.items] == expected
    assert page.total == len(expected)


def test_unknown_type_is_refused(index: SearchIndex) -> None:
    with pytest.raises(QueryError, match="unknown type 'policy'"):
        index.search("医共体", types=["policy"])


@pytest.mark.parametrize("query", ["医院", "医共体", "卫生", "服务"])
def test_pages_partition_the_results(index: SearchIndex, query: str) -> None:
    everything = index.search(query, limit=100)
    assert everything.total >= 3
    pages = [index.search(query, limit=2, offset=o) for o in range(0, everything.total + 2, 2)]
    assert {page.total for page in pages} == {everything.total}
    assert [hit.key for page in pages for hit in page.items] == [
        hit.key for hit in everything.items
    ]
    assert pages[-1].items == []


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (-1, 0), (1001, 0), (10, -1)])
def test_bad_page_is_refused(index: SearchIndex, limit: int, offset: int) -> None:
    with pytest.raises(QueryError):
        index.search("医院", limit=limit, offset=offset)


# --- snippets ------------------------------------------------------------------------

SNIPPETS = [
    ("医共体", COUNTY, "<mark>医共体</mark>"),
    ("医保", COUNTY, "<mark>医保</mark>"),
    ("家庭医生签约", REPLY, "<mark>家庭医生签约</mark>"),
    # The original (full-width) text is shown, marked where the folded query hit.
    ("2025", PROVINCE, "<mark>２０２５</mark>"),
    # Text is HTML-escaped around the markers.
    ("基层行>活动", PROVINCE, "&lt;优质服务<mark>基层行&gt;活动</mark>"),
    # Several phrases are all marked.
    ("紧密型 医共体", COUNTY, "<mark>紧密型</mark>县域<mark>医共体</mark>"),
    ("国家卫健委", NHC, "<mark>国家卫健委</mark>"),
]


@pytest.mark.parametrize(("query", "key", "marked"), SNIPPETS)
def test_snippet_marks_the_query(index: SearchIndex, query: str, key: str, marked: str) -> None:
    hit = next(hit for hit in index.search(query, limit=100).items if hit.key == key)
    assert marked in hit.snippet
    assert "\n" not in hit.snippet
    assert len(hit.snippet.replace("<mark>", "").replace("</mark>", "")) <= 80


def test_snippet_markers_are_a_parameter(index: SearchIndex) -> None:
    page = index.search("医共体", types=["document"], mark=("【", "】"), escape=None)
    assert "【医共体】" in page.items[0].snippet


def test_snippet_is_cut_around_the_first_hit() -> None:
    text = "甲" * 100 + "医共体" + "乙" * 100
    snippet = make_snippet(text, [fold("医共体")], mark=("【", "】"), context=40, escape=None)
    assert snippet == "…" + "甲" * 20 + "【医共体】" + "乙" * 20 + "…"


def test_hit_carries_title_and_extra(index: SearchIndex) -> None:
    hit = index.search("实施方案", types=["document"]).items[0]
    assert hit.title.startswith("桃江县人民政府办公室")
    assert hit.extra == {"number": "桃政办发〔2023〕5号", "date": "2023-03-15"}


# --- replacement ---------------------------------------------------------------------

COUNTY_V2 = (
    doc(
        COUNTY,
        "document",
        "桃江县人民政府办公室关于调整紧密型县域医共体牵头医院的通知",
        "经研究，决定由县人民医院单独牵头组建紧密型县域医共体。",
        G_COUNTY,
    ),
    entity(CONSORTIUM, "consortium", G_COUNTY, "桃江县人民医院医共体"),
)


def snapshot(index: SearchIndex) -> list[tuple[str, ...]]:
    return [
        (q, *(f"{h.key}|{h.score:.6f}|{h.snippet}" for h in index.search(q, limit=100).items))
        for q in ("医共体", "医院", "医保", "国家卫健委", "优质服务", "签约")
    ]


def test_replace_a_graph() -> None:
    with build() as index:
        index.replace_graphs([G_COUNTY], COUNTY_V2)
        assert keys(index, "中医医院") == []
        assert keys(index, "单独牵头") == [COUNTY]
        assert keys(index, "医共体") == [CONSORTIUM, COUNTY]
        # NHC is still named by the reply.
        assert keys(index, "国家卫健委") == [NHC]
        assert sorted(index.graphs()) == sorted([G_COUNTY, G_PROVINCE, G_REPLY])


def test_graphs_of_added_docs_are_replaced_without_being_listed() -> None:
    with build() as index:
        before = index.count()
        index.replace_graphs([], ALL_DOCS)
        assert index.count() == before
        assert keys(index, "医共体") == [CONSORTIUM, TASK, COUNTY]
        index.replace_graphs([], COUNTY_V2)
        assert keys(index, "中医医院") == []


def test_remove_graphs_and_deduplicated_entity() -> None:
    with build() as index:
        assert index.count() == 11
        index.replace_graphs([G_REPLY], [])
        assert keys(index, "国家卫健委") == [NHC]  # still named by the county notice
        assert keys(index, "签约") == []
        index.replace_graphs([G_COUNTY], [])
        assert keys(index, "国家卫健委") == []
        assert index.count() == 2
        index.replace_graphs([G_PROVINCE, "https://example.org/never-indexed"], [])
        assert index.count() == 0


def char_vocabulary(index: SearchIndex) -> list[tuple[str, int, int]]:
    """Every token of the character table with its row and occurrence counts."""
    conn = index._conn
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, chars, 'row')"
    )
    return conn.execute("SELECT term, doc, cnt FROM temp.vocab ORDER BY term").fetchall()


def test_character_table_kept_in_step_by_replacements() -> None:
    """Contentless, it forgets a row only if deleted with the very tokens written."""
    with build() as index:
        index.replace_graphs([G_COUNTY], COUNTY_V2)
        index.replace_graphs([G_REPLY], [])
        index.replace_graphs([], REPLY_DOCS)
        index.replace_graphs([], REPLY_DOCS)
        with build(COUNTY_V2 + PROVINCE_DOCS + REPLY_DOCS) as fresh:
            assert char_vocabulary(index) == char_vocabulary(fresh)
        for query in ("药", "中医", "单独", "签约", "医保"):
            assert sorted(keys(index, query)) == sorted(keys(index, query, scan=True))
        assert keys(index, "药") == []  # 药品耗材 was in the first version only
        index.replace_graphs([G_COUNTY, G_PROVINCE, G_REPLY], [])
        assert char_vocabulary(index) == []


def test_failure_midway_leaves_the_old_state() -> None:
    def failing() -> Iterator[SearchDoc]:
        yield from COUNTY_V2
        raise RuntimeError("extractor crashed")

    with build() as index:
        before = snapshot(index)
        with pytest.raises(RuntimeError, match="extractor crashed"):
            index.replace_graphs([G_COUNTY, G_REPLY], failing())
        assert snapshot(index) == before
        assert index.count() == 11
        # And the index still takes writes afterwards.
        index.replace_graphs([G_REPLY], [])
        assert keys(index, "签约") == []


@pytest.mark.parametrize(
    "bad",
    [
        SearchDoc(COUNTY, "policy", "标题", "正文", G_COUNTY),
        SearchDoc("", "document", "标题", "正文", G_COUNTY),
        SearchDoc(COUNTY, "document", "标题", "正文", G_COUNTY, extra={"x": object()}),
    ],
    ids=["unknown type", "empty key", "extra not JSON"],
)
def test_bad_doc_rolls_back(bad: SearchDoc) -> None:
    with build() as index:
        before = snapshot(index)
        with pytest.raises(StoreError, match="cannot index"):
            index.replace_graphs([G_COUNTY], [*COUNTY_V2, bad])
        assert snapshot(index) == before


def test_on_disk_index_persists_and_opens_read_only(tmp_path: Path) -> None:
    path = index_path(tmp_path / "store")
    assert path == tmp_path / "store.search.sqlite"
    build(path=path).close()
    with SearchIndex(path, read_only=True) as index:
        assert keys(index, "医共体") == [CONSORTIUM, TASK, COUNTY]
        with pytest.raises(StoreError, match="read-only"):
            index.replace_graphs([G_COUNTY], [])


def downgrade_to_version_1(path: Path) -> None:
    """Make ``path`` an index as schema version 1 wrote it: no character table."""
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            DROP TRIGGER entries_ai;
            DROP TRIGGER entries_ad;
            DROP TABLE chars;
            CREATE TRIGGER entries_ai AFTER INSERT ON entries BEGIN
                INSERT INTO fts(rowid, ftitle, ftext) VALUES (new.id, new.ftitle, new.ftext);
            END;
            CREATE TRIGGER entries_ad AFTER DELETE ON entries BEGIN
                INSERT INTO fts(fts, rowid, ftitle, ftext)
                    VALUES ('delete', old.id, old.ftitle, old.ftext);
            END;
            PRAGMA user_version = 1;
            """
        )
    conn.close()


def test_version_1_index_is_scanned_read_only_and_upgraded_for_writing(tmp_path: Path) -> None:
    path = tmp_path / "store.search.sqlite"
    build(path=path).close()
    downgrade_to_version_1(path)
    with SearchIndex(path, read_only=True) as old:
        assert keys(old, "医保") == [MEDICAL_SECURITY, COUNTY, REPLY]  # scanned: equal counts
        assert keys(old, "医共体") == [CONSORTIUM, TASK, COUNTY]
    with SearchIndex(path) as upgraded:
        assert keys(upgraded, "医保") == [MEDICAL_SECURITY, REPLY, COUNTY]
        upgraded.replace_graphs([G_COUNTY], COUNTY_V2)
        assert keys(upgraded, "药") == []
        assert keys(upgraded, "单独") == [COUNTY]
    with SearchIndex(path, read_only=True) as reopened, sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert keys(reopened, "签约") == [FAMILY_DOCTOR, REPLY]
    conn.close()


def test_missing_or_foreign_file_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no search index"):
        SearchIndex(tmp_path / "absent.sqlite", read_only=True)
    foreign = tmp_path / "other.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(StoreError, match="rebuild"):
        SearchIndex(foreign)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        SearchIndex(junk)


# --- SPARQL --------------------------------------------------------------------------

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    for sample in ALL_DOCS:
        s.add(
            ox.Quad(
                ox.NamedNode(sample.key), RDFS_LABEL, ox.Literal(sample.title),
                ox.NamedNode(sample.graph),
            )
        )  # fmt: skip
    return s


SEARCH_SPARQL = """
PREFIX fn: <https://w3id.org/cn-health-kg/function#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?thing ?score WHERE {
  ?thing rdfs:label ?label .
  BIND(fn:search(?label, ?q) AS ?score)
  FILTER(BOUND(?score))
} ORDER BY DESC(?score) STR(?thing)
"""

SPARQL_CASES = [
    ("医共体", {CONSORTIUM, TASK, COUNTY}),
    ("中医医院", {COUNTY_TCM, YIYANG_TCM}),
    ("医保", set()),  # labels only: the agency's label says 医疗保障
    ("ＡＮＤ", set()),
    ("益阳 医院", {YIYANG_TCM}),
    ("", set()),  # an empty query leaves the score unbound, it does not fail the query
]


@pytest.mark.parametrize(("query", "expected"), SPARQL_CASES)
def test_sparql_search_function(store: ox.Store, query: str, expected: set[str]) -> None:
    sparql = SEARCH_SPARQL.replace("?q", str(ox.Literal(query)))
    rows = store.query(sparql, use_default_graph_as_union=True, custom_functions=custom_functions())
    assert isinstance(rows, ox.QuerySolutions)
    assert {row["thing"].value for row in rows} == expected
    for row in rows:
        assert row["score"].datatype == ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")


def test_sparql_search_function_scores_occurrences(store: ox.Store) -> None:
    functions = custom_functions()
    search = functions[ox.NamedNode(SEARCH_FUNCTION_IRI)]
    assert search(ox.Literal("医共体与医共体"), ox.Literal("医共体")) == ox.Literal(2.0)
    assert search(ox.Literal("医共体"), ox.Literal("医保")) is None
    assert search(ox.NamedNode("http://example.org/医共体"), ox.Literal("医共体")) is None


def test_sparql_rank_function_uses_the_index(store: ox.Store, index: SearchIndex) -> None:
    sparql = """
    PREFIX fn: <https://w3id.org/cn-health-kg/function#>
    SELECT DISTINCT ?thing ?rank WHERE {
      GRAPH ?g { ?thing ?p ?o }
      BIND(fn:rank(?thing, "医保") AS ?rank)
      FILTER(BOUND(?rank))
    } ORDER BY DESC(?rank)
    """
    functions = custom_functions(index)
    assert ox.NamedNode(RANK_FUNCTION_IRI) in functions
    rows = store.query(sparql, custom_functions=functions)
    assert isinstance(rows, ox.QuerySolutions)
    # Body text is in the index, not the store: the notice and the reply are found.
    assert {row["thing"].value for row in rows} == {MEDICAL_SECURITY, COUNTY, REPLY}


@pytest.mark.parametrize(
    ("query", "expected"),
    [("医共体", {CONSORTIUM, TASK, COUNTY}), ("药", {COUNTY}), ("县域 医共体", {TASK, COUNTY})],
)
def test_index_scores_for_each_kind_of_query(
    index: SearchIndex, query: str, expected: set[str]
) -> None:
    """The trigram, character and mixed paths all score (bm25 needs its own subquery)."""
    scores = index.scores(query)
    assert set(scores) == expected
    assert all(score > 0 for score in scores.values())


# --- from a mapped graph -------------------------------------------------------------

NOTICE_TEXT = (
    "桃江县卫生健康局关于做好家庭医生签约服务工作的通知\n"
    "各乡镇卫生院：\n"
    "请按照《关于推进家庭医生签约服务的指导意见》（国医改办发〔2016〕1号）要求，"
    "由县人民医院牵头做好签约服务。联系电话：0737-8123456。\n"
)


def test_docs_from_mapped_quads() -> None:
    document = make_document(NOTICE_TEXT, "notice.txt")
    extraction = Extraction(
        document=document,
        header=Header(
            number="桃卫发〔2024〕12号",
            title="桃江县卫生健康局关于做好家庭医生签约服务工作的通知",
            issuer="桃江县卫生健康局",
            date="2024-05-06",
        ),
        citations=[Citation("国医改办发〔2016〕1号", "关于推进家庭医生签约服务的指导意见")],
        entities=[
            Entity("agency", "桃江县卫生健康局", ["桃江县卫生健康局", "县卫健局"]),
            Entity("hospital", "桃江县人民医院", ["县人民医院"]),
            Entity("programme", "家庭医生签约服务"),
        ],
        tasks=[Task("1", "做好家庭医生签约服务")],
    )
    settings = Settings(iri_base=BASE)
    docs = docs_from_quads(to_quads(extraction, settings), document.text)
    by_key = {d.key: d for d in docs}
    graph = graph_iri(BASE, document.id)
    assert {d.graph for d in docs} == {graph}
    own = by_key[document_iri(BASE, "桃卫发〔2024〕12号")]
    assert (own.type, own.title) == ("document", extraction.header.title)
    assert own.extra == {"number": "桃卫发〔2024〕12号", "date": "2024-05-06"}
    assert "由县人民医院牵头" in own.text and "8123456" not in own.text  # phones blanked
    cited = by_key[document_iri(BASE, "国医改办发〔2016〕1号")]
    assert (cited.type, cited.title) == ("document", "关于推进家庭医生签约服务的指导意见")
    agency = by_key[entity_iri(BASE, "agency", "桃江县卫生健康局")]
    assert (agency.type, agency.title, agency.text) == (
        "agency",
        "桃江县卫生健康局",
        "桃江县卫生健康局 县卫健局",
    )
    assert by_key[entity_iri(BASE, "hospital", "桃江县人民医院")].type == "hospital"
    assert any(d.type == "task" and d.title == "做好家庭医生签约服务" for d in docs)

    with SearchIndex() as index:
        index.replace_graphs([graph], docs)
        assert keys(index, "县卫健局") == [agency.key]
        assert keys(index, "家庭医生签约服务", types=["document"]) == [cited.key, own.key]
        assert keys(index, "8123456") == []


RANK_SPARQL = """PREFIX fn: <https://w3id.org/cn-health-kg/function#>
SELECT DISTINCT ?thing WHERE { ?thing ?p ?o BIND(fn:rank(?thing, "卫生") AS ?rank)
FILTER(BOUND(?rank)) }"""


@pytest.mark.server
def test_sparql_workers_read_the_index_kg_search_index_path_names(
    seed_store_path: Path, seed_http: httpx.Client, tmp_path: Path
) -> None:
    """The workers take the index from KG_SEARCH_INDEX_PATH, not from beside the store:
    pointed at an empty index, fn:rank finds nothing that the default finds."""
    beside = seed_http.get("/sparql", params={"query": RANK_SPARQL}).json()["results"]["bindings"]
    assert beside, "the seed store's own index ranks documents"
    empty = tmp_path / "empty.search.sqlite"
    SearchIndex(empty).close()
    with serving(
        seed_store_path, tmp_path, KG_SEARCH_INDEX_PATH=str(empty), KG_FAST_PATH_MS="0"
    ) as url:
        response = httpx.get(f"{url}/sparql", params={"query": RANK_SPARQL}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] == []
