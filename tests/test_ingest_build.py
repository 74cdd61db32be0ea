"""`kg build` over a folder of every format, the way a user runs it (issue 12's "done when").

One gov.cn page, one GB2312 page, one DOCX, one PDF and one OFD of the same notice, its text
copy, a page whose metadata table names another 文号, and the malformed files: each
good file becomes one document with the header of the text copy, each bad one a
clear per-file error, and the report counts read, skipped and failed per format.
Below, the rule behind it: a page's metadata table wins over its text's header.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from kg.build import attachment_heading, build, indexed_sources, metadata_wins, process
from kg.config import Settings
from kg.ingest import ingest
from kg.model import MetaFact
from kg.store import Store
from tests.factories import run_kg

REPO = Path(__file__).resolve().parent.parent
KG = Path(sys.executable).parent / "kg"
FORMATS = REPO / "tests" / "fixtures" / "formats"
TEXT_COPY = (
    REPO / "tests/fixtures/real/nhc_disability_friendly_medical_institutions_opinions_2025.txt"
)

NUMBER = "国卫办医政发〔2025〕22号"
TITLE = "关于开展残疾人友好医疗机构建设的意见"
LEAD_ISSUER = "国家卫生健康委员会办公厅"
DATE = "2025-08-12"

# source → (文号, title, lead issuer, date) as stored in the graph.
EXPECTED_DOCUMENTS = {
    "notice.txt": (NUMBER, TITLE, LEAD_ISSUER, DATE),
    "notice_govcn.html": (NUMBER, TITLE, LEAD_ISSUER, DATE),
    "notice_gbk.html": (NUMBER, TITLE, LEAD_ISSUER, DATE),
    "notice.docx": (NUMBER, TITLE, LEAD_ISSUER, DATE),
    "notice.pdf": (NUMBER, TITLE, LEAD_ISSUER, DATE),
    "notice.ofd": (NUMBER, TITLE, LEAD_ISSUER, DATE),
    # The table wins over the text's 国卫办医政发〔2025〕22号.
    "number_differs.html": ("国卫办医政函〔2025〕322号", TITLE, LEAD_ISSUER, DATE),
}
# format → (read, skipped, failed)
EXPECTED_COUNTS = {
    "text": (1, 0, 0),
    "html": (3, 0, 1),
    "docx": (1, 0, 2),
    "pdf": (1, 0, 3),
    "ofd": (1, 0, 1),
    "doc": (0, 0, 1),
    ".xls": (0, 1, 0),
}
EXPECTED_PROBLEMS = [
    ("failed", "truncated.pdf", "is a truncated PDF (no %%EOF end marker); download it again"),
    ("failed", "scanned.pdf", "no text layer; OCR it first"),
    ("failed", "error_page.pdf", "is named .pdf but is not a PDF file (it is an HTML page"),
    ("failed", "bomb.docx", "refused: member word/document.xml would inflate"),
    ("failed", "damaged.docx", "is a damaged zip archive"),
    ("failed", "scripts_only.html", "is an HTML page without body text"),
    ("failed", "empty.ofd", "is an OFD file without pages"),
    ("failed", "legacy.doc", "is an old Office binary document"),
    ("skipped", "attachment_list.xls", ".xls is not a document format kg reads"),
]
HEADERS_QUERY = """
PREFIX hp: <https://w3id.org/cn-health-kg/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?source ?number ?title ?issuer ?date WHERE {
  GRAPH ?g {
    ?doc hp:sourceFile ?source ; eli:id_local ?number ; dcterms:title ?title ;
         eli:date_document ?date ; hp:leadIssuer ?lead .
    ?lead skos:prefLabel ?issuer .
  }
}
"""


def _kg(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_kg(*args, env=env)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formats") / "corpus"
    folder.mkdir()
    for path in [*(FORMATS / "notice").iterdir(), *(FORMATS / "broken").iterdir()]:
        shutil.copy(path, folder / path.name)
    # The gov.cn page once more, its table naming another 文号 than its text.
    page = (FORMATS / "notice" / "notice_govcn.html").read_text(encoding="utf-8")
    differs = page.replace(f"<td>{NUMBER}</td>", "<td>国卫办医政函〔2025〕322号</td>")
    assert differs != page
    (folder / "number_differs.html").write_text(differs, encoding="utf-8")
    shutil.copy(TEXT_COPY, folder / "notice.txt")
    return folder


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("kg")
    return {
        **os.environ,
        "KG_CONFIG": str(home / "absent.toml"),
        "KG_STORE_PATH": str(home / "store"),
        "COLUMNS": "400",  # one report line per file, however long its reason
    }


@pytest.fixture(scope="module")
def first_build(corpus: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _kg(env, "build", str(corpus))


def test_build_finishes_with_the_good_files(first_build: subprocess.CompletedProcess[str]) -> None:
    assert first_build.returncode == 0, first_build.stderr
    assert f"{len(EXPECTED_DOCUMENTS)} added, 0 replaced" in first_build.stderr
    assert "8 file(s) failed; the rest were built" in first_build.stderr


def test_each_format_gives_the_header_of_its_text_copy(
    first_build: subprocess.CompletedProcess[str], env: dict[str, str]
) -> None:
    result = _kg(env, "query", HEADERS_QUERY, "--format", "json")
    assert result.returncode == 0, result.stderr
    stored = {
        r["source"]: (r["number"], r["title"], r["issuer"], r["date"])
        for r in json.loads(result.stdout)
    }
    assert stored == EXPECTED_DOCUMENTS


@pytest.mark.parametrize(("kind", "counts"), EXPECTED_COUNTS.items(), ids=EXPECTED_COUNTS)
def test_report_per_format(
    first_build: subprocess.CompletedProcess[str], kind: str, counts: tuple[int, int, int]
) -> None:
    read, skipped, failed = counts
    assert f"  {kind}: {read} read, {skipped} skipped, {failed} failed\n" in first_build.stderr


@pytest.mark.parametrize(
    ("outcome", "name", "reason"), EXPECTED_PROBLEMS, ids=[p[1] for p in EXPECTED_PROBLEMS]
)
def test_report_gives_each_bad_file_its_reason(
    first_build: subprocess.CompletedProcess[str],
    corpus: Path,
    outcome: str,
    name: str,
    reason: str,
) -> None:
    assert f"{outcome} {corpus / name}: {reason}" in first_build.stderr


def test_report_records_where_the_metadata_table_and_the_text_disagree(
    first_build: subprocess.CompletedProcess[str], corpus: Path
) -> None:
    lines = [line for line in first_build.stderr.splitlines() if "disagree" in line]
    assert lines == [
        (
            f"metadata and text disagree {corpus / 'number_differs.html'}: number "
            f"'国卫办医政函〔2025〕322号' (html-meta) kept, the text says '{NUMBER}'"
        )
    ]


def test_rebuild_reads_every_format_again_and_changes_nothing(
    first_build: subprocess.CompletedProcess[str], corpus: Path, env: dict[str, str]
) -> None:
    again = _kg(env, "build", str(corpus))
    assert f"0 added, 0 replaced, {len(EXPECTED_DOCUMENTS)} unchanged, 0 removed" in again.stderr
    assert "  html: 3 read, 0 skipped, 1 failed\n" in again.stderr


# ------------------------------------------------------------- the table wins, and says so

# The header the text of the page gives, before its table is applied.
TEXT_HEADER = {
    "number": NUMBER,
    "title": TITLE,
    "issuers": [LEAD_ISSUER, "中国残疾人联合会办公厅"],
    "date": DATE,
}
PAGE_TABLE = {
    "number": "国卫办医政发〔2025〕22号",
    "title": "关于开展残疾人友好医疗机构建设的意见",
    "issuer": "国家卫生健康委办公厅 中国残联办公厅",
    "date": "2025-08-12",
}


@pytest.mark.parametrize(
    ("table", "header", "disagreeing"),
    [
        pytest.param({}, {}, [], id="table-agrees-with-the-text"),
        pytest.param({"number": "国卫办医政发[2025]22号"}, {}, [], id="same-number-other-brackets"),
        pytest.param(
            {"number": "国卫办医政函〔2025〕322号"},
            {"number": "国卫办医政函〔2025〕322号"},
            [("number", "国卫办医政发〔2025〕22号", "国卫办医政函〔2025〕322号")],
            id="other-number",
        ),
        pytest.param(
            {"issuer": "国家卫生健康委办公厅"},
            {"issuers": ["国家卫生健康委员会办公厅"]},
            [
                (
                    "issuers",
                    "国家卫生健康委员会办公厅、中国残疾人联合会办公厅",
                    "国家卫生健康委员会办公厅",
                )
            ],
            id="one-issuer-resolved-like-the-text",
        ),
        pytest.param(
            {"date": "2025-08-13"},
            {"date": "2025-08-13"},
            [("date", "2025-08-12", "2025-08-13")],
            id="other-date",
        ),
        pytest.param(
            {"title": "国家卫生健康委办公厅 中国残联办公厅关于开展残疾人友好医疗机构建设的意见"},
            {"title": "国家卫生健康委办公厅 中国残联办公厅关于开展残疾人友好医疗机构建设的意见"},
            [
                (
                    "title",
                    "关于开展残疾人友好医疗机构建设的意见",
                    "国家卫生健康委办公厅 中国残联办公厅关于开展残疾人友好医疗机构建设的意见",
                )
            ],
            id="title-with-the-issuers-before-it",
        ),
    ],
)
def test_metadata_table_wins_and_disagreements_are_recorded(
    table: dict[str, str], header: dict[str, object], disagreeing: list[tuple[str, str, str]]
) -> None:
    page = ingest(FORMATS / "notice" / "notice_govcn.html")
    extraction = process(replace(page, metadata=()))
    facts = {**PAGE_TABLE, **table}
    extraction.document = replace(page, metadata=tuple(MetaFact(f, v, f) for f, v in facts.items()))
    found = metadata_wins(extraction)
    assert [(d.field, d.text, d.metadata) for d in found] == disagreeing
    assert {d.source for d in found} <= {"html-meta"}
    assert {name: getattr(extraction.header, name) for name in TEXT_HEADER} == {
        **TEXT_HEADER,
        **header,
    }


# ------------------------------------------------- 附件 as files of their own, linked

PARTS_QUERY = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX hp: <https://w3id.org/cn-health-kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?notice ?partFile ?partTitle WHERE {
  ?n eli:has_part ?part ; hp:sourceFile ?notice .
  ?part eli:is_part_of ?n .
  OPTIONAL { ?part hp:sourceFile ?partFile ; dcterms:title ?partTitle }
}
"""


def test_attachment_file_is_a_document_of_its_own_linked_to_its_notice(
    tmp_path: Path, env: dict[str, str]
) -> None:
    # The Fuxin notice lists 附件：1.各部门政策制定重点领域 2.阜蒙县健康专家委员会组成人员;
    # only 附件1 arrives, as a DOCX next to it.
    corpus = tmp_path / "corpus"
    shutil.copytree(FORMATS / "attachments", corpus)
    own = {**env, "KG_STORE_PATH": str(tmp_path / "store")}
    build = _kg(own, "build", str(corpus), "--strict")
    assert build.returncode == 0, build.stderr
    assert "2 added" in build.stderr
    result = _kg(own, "query", PARTS_QUERY, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = sorted(
        (r["notice"], r["partFile"] or "", r["partTitle"] or "") for r in json.loads(result.stdout)
    )
    assert rows == [
        ("fuxin_notice.txt", "", ""),  # 附件2: named by the notice, no file of its own
        ("fuxin_notice.txt", "fuxin_attachment1.docx", "各部门政策制定重点领域"),
    ]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        pytest.param(
            "附件1\n各部门政策制定重点领域\n部门\t政策制定重点领域\n",
            "各部门政策制定重点领域",
            id="numbered",
        ),
        pytest.param(
            "附件\n\n重点任务责任分工表\n", "重点任务责任分工表", id="unnumbered-blank-line"
        ),
        pytest.param(
            "附件 2：\n阜蒙县健康专家委员会组成人员\n",
            "阜蒙县健康专家委员会组成人员",
            id="with-colon",
        ),
        pytest.param(
            "关于开展残疾人友好医疗机构建设的意见\n国卫办医政发〔2025〕22号\n", None, id="a-notice"
        ),
        pytest.param(
            "附件1\n为推进我县健康促进县创建，制定本方案。\n", None, id="a-sentence-not-a-title"
        ),
        pytest.param(
            "附件：1.各部门政策制定重点领域\n2.阜蒙县健康专家委员会组成人员\n",
            None,
            id="a-list-of-attachments",
        ),
    ],
)
def test_attachment_heading(text: str, title: str | None) -> None:
    assert attachment_heading(text) == title


def test_metadata_fills_a_field_the_text_lacks_without_a_disagreement() -> None:
    page = ingest(FORMATS / "notice" / "notice_govcn.html")
    extraction = process(replace(page, metadata=()))
    extraction.header.date = None  # as if the signature had no date
    extraction.document = page
    assert metadata_wins(extraction) == []
    assert extraction.header.date == DATE


def test_a_second_copy_of_a_document_is_skipped_and_its_old_content_dropped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(TEXT_COPY, corpus / "a.txt")
    shutil.copy(FORMATS / "attachments" / "fuxin_notice.txt", corpus / "b.txt")
    store, settings = Store(None), Settings(store_path=tmp_path / "store")
    first = build(corpus, store, settings, catalogue=None, workers=1)
    assert sorted(first.added) == ["a.txt", "b.txt"]
    shutil.copy(TEXT_COPY, corpus / "b.txt")  # b's content replaced by a copy of a
    second = build(corpus, store, settings, catalogue=None, workers=1)
    assert [(Path(s.path).name, s.reason) for s in second.skipped] == [
        ("b.txt", "same content as a.txt, built once")
    ]
    assert sorted(indexed_sources(store)) == ["a.txt"]  # b's old graph is gone
