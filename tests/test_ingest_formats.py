"""Readers for the forms documents are published in: HTML pages, DOCX, PDF, OFD (issue 12).

Every fixture under fixtures/formats/ carries one real notice (国卫办医政发〔2025〕22号,
the text copy in fixtures/real/); tools/make_format_fixtures.py writes them and
fixtures/formats/README.md says where each layout was seen.  Each reader must give a
text from which the extractor reads the same header as from the text copy, without
any help from the page's metadata table.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from kg.build import process
from kg.errors import IngestError
from kg.ingest import ingest, sniff
from kg.readers import docx as docx_reader

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
NOTICE = FORMATS / "notice"
REAL = Path(__file__).resolve().parent / "fixtures" / "real"
TEXT_COPY = REAL / "nhc_disability_friendly_medical_institutions_opinions_2025.txt"

# The header of the text copy (its gold file), which every format must give.
HEADER = {
    "number": "国卫办医政发〔2025〕22号",
    "title": "关于开展残疾人友好医疗机构建设的意见",
    "issuers": ["国家卫生健康委员会办公厅", "中国残疾人联合会办公厅"],
    "date": "2025-08-12",
}

# (file, format, encoding)
GOOD = [
    pytest.param("notice_govcn.html", "html", "utf-8", id="gov.cn-zhengceku-page"),
    pytest.param("notice_gbk.html", "html", "gb18030", id="gb2312-xxgk-page"),
    pytest.param("notice.docx", "docx", "docx", id="docx"),
    pytest.param("notice.pdf", "pdf", "pdf", id="two-page-pdf"),
    pytest.param("notice.ofd", "ofd", "ofd", id="two-page-ofd"),
]


def header_of(extraction_header: object) -> dict[str, object]:
    return {name: getattr(extraction_header, name) for name in HEADER}


def test_the_text_copy_gives_the_expected_header() -> None:
    assert header_of(process(ingest(TEXT_COPY)).header) == HEADER


@pytest.mark.parametrize(("name", "kind", "encoding"), GOOD)
def test_each_format_gives_the_header_of_the_text_copy_from_its_text_alone(
    name: str, kind: str, encoding: str
) -> None:
    document = ingest(NOTICE / name)
    assert (document.format, document.encoding) == (kind, encoding)
    # The metadata table would win anyway; without it the text itself must be right.
    assert header_of(process(replace(document, metadata=())).header) == HEADER


@pytest.mark.parametrize(("name", "kind", "encoding"), GOOD)
def test_offset_map_holds_for_every_format(name: str, kind: str, encoding: str) -> None:
    document = ingest(NOTICE / name)
    assert all(document.clean[i] == document.text[o] for i, o in enumerate(document.offsets[:-1]))
    assert document.offsets[-1] == len(document.text)


# (file, words, kept): site and page furniture that must not reach the text, and text
# that must, as printed.
_HTML_CHECKS = [
    ("统计代码不是正文", False, "script"),
    ("分享到", False, "share-bar"),
    ("相关链接", False, "related-links"),
    ("首页", False, "navigation"),
    ("打印本页", False, "print-close"),
    ("主办单位", False, "footer"),
    ("索引号", False, "metadata-table"),
    ("\u3000\u3000一、工作目标\n", True, "heading-with-indent"),
    ("（信息公开形式：主动公开）", True, "last-line"),
]
TEXT_CHECKS = [
    *(
        pytest.param(page, words, kept, id=f"{page}-{what}")
        for page in ("notice_govcn.html", "notice_gbk.html")
        for words, kept, what in _HTML_CHECKS
    ),
    pytest.param("notice.docx", "\n一、工作目标\n", True, id="docx-automatic-numbering-level-1"),
    pytest.param("notice.docx", "\n三、工作要求\n", True, id="docx-numbering-counts-on"),
    pytest.param("notice.docx", "\n（一）残疾人友好理念。\n", True, id="docx-numbering-level-2"),
    pytest.param("notice.docx", "\n（三）加强宣传引导。", True, id="docx-level-2-restarts"),
    pytest.param("notice.docx", "国家卫生健康委办公厅文件", False, id="docx-running-header"),
    pytest.param("notice.docx", "— 1 —", False, id="docx-footer-page-number"),
    pytest.param("notice.pdf", "— 1 —", False, id="pdf-page-number-1"),
    pytest.param("notice.pdf", "— 2 —", False, id="pdf-page-number-2"),
    pytest.param("notice.pdf", "抄送", False, id="pdf-imprint-copies"),
    pytest.param("notice.pdf", "印发", False, id="pdf-imprint-printed"),
    pytest.param(
        "notice.pdf", "（信息公开形式：主动公开）", True, id="pdf-last-line-above-imprint"
    ),
    pytest.param("notice.ofd", "— 2 —", False, id="ofd-page-number"),
    pytest.param("notice.ofd", "印发", False, id="ofd-imprint"),
    pytest.param("notice.ofd", "家庭签\n\n约医生", True, id="ofd-page-break-mid-sentence"),
]


@pytest.mark.parametrize(("name", "words", "kept"), TEXT_CHECKS)
def test_what_each_reader_keeps_and_drops(name: str, words: str, kept: bool) -> None:
    assert (words in ingest(NOTICE / name).text) is kept


# ------------------------------------------------------------------------------ HTML

TABLE_FACTS = {
    ("number", "发文字号", "国卫办医政发〔2025〕22号"),
    ("title", "标题", "关于开展残疾人友好医疗机构建设的意见"),
    ("issuer", "发文机关", "国家卫生健康委办公厅 中国残联办公厅"),
    ("date", "成文日期", "2025-08-12"),
    ("subject", "主题分类", "卫生、体育\\医药管理"),
}
META_TAG_FACTS = {
    ("page_title", "ArticleTitle", "关于开展残疾人友好医疗机构建设的意见"),
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(
            "notice_govcn.html",
            TABLE_FACTS
            | META_TAG_FACTS
            | {
                ("published", "PubDate", "2025-08-15"),
                ("site", "ContentSource", "国家卫生健康委网站"),
            },
            id="policyLibraryOverview_header",
        ),
        pytest.param(
            "notice_gbk.html",
            TABLE_FACTS
            | META_TAG_FACTS
            | {
                ("index", "索引号", "000013610/2025-00271"),
                ("published", "发布日期", "2025-08-15"),
                ("published", "PubDate", "2025-08-15"),
                ("site", "ContentSource", "国家卫生健康委"),
            },
            id="table.bd1-gb2312",
        ),
    ],
)
def test_html_metadata_facts(name: str, expected: set[tuple[str, str, str]]) -> None:
    metadata = ingest(NOTICE / name).metadata
    assert {(f.field, f.label, f.value) for f in metadata} == expected
    assert {f.source for f in metadata} == {"html-meta"}


# A provincial page's body: a 责任分工 table and lines broken with <br>, in a GBK page
# that declares no charset at all.
BODY_TABLE_PAGE = """<html><head><title>将健康融入所有政策实施方案</title></head><body>
<div class="nav"><a href="/">首页</a></div>
<div id="zoom"><p>附件</p><p>重点任务责任分工表</p>
<table border="1"><tr><th>序号</th><th>重点任务</th><th>牵头单位</th></tr>
<tr><td>1</td><td>开展学生心理健康知识和
预防心理问题科普</td><td>省教育厅</td></tr></table>
<p>省卫生健康委<br>2025年3月1日</p></div></body></html>"""


def test_html_body_table_as_rows_and_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "duty.htm"
    path.write_bytes(BODY_TABLE_PAGE.encode("gbk"))
    document = ingest(path)
    assert document.encoding == "gb18030"
    assert [line for line in document.text.splitlines() if line] == [
        "将健康融入所有政策实施方案",  # the page title, put back above the body
        "附件",
        "重点任务责任分工表",
        "序号\t重点任务\t牵头单位",
        "1\t开展学生心理健康知识和预防心理问题科普\t省教育厅",  # a source line break
        "省卫生健康委",
        "2025年3月1日",
    ]


def test_html_metadata_table_inside_a_layout_table(tmp_path: Path) -> None:
    # Pages of older county sites lay everything out in one outer table.
    inner = NOTICE / "notice_gbk.html"
    page = inner.read_bytes().decode("gb18030")
    start, end = page.index('<table class="bd1"'), page.index("</body>")
    laid_out = (
        page[:start] + "<table><tr><td>" + page[start:end] + "</td></tr></table>" + page[end:]
    )
    path = tmp_path / "county.html"
    path.write_text(laid_out, encoding="utf-8")
    document = ingest(path)
    assert ("number", "国卫办医政发〔2025〕22号") in {(f.field, f.value) for f in document.metadata}
    assert "（信息公开形式：主动公开）" in document.text  # the body was not dropped with the table


def test_html_title_comes_first_when_the_body_leaves_it_out() -> None:
    text = ingest(NOTICE / "notice_govcn.html").text
    assert text.splitlines()[:2] == [HEADER["title"], HEADER["number"]]


# ------------------------------------------------------------------------------ DOCX


def test_docx_duty_table_rows() -> None:
    lines = ingest(FORMATS / "single" / "duty_table.docx").text.splitlines()
    assert lines == [
        "附件",
        "重点任务责任分工表",
        "“将健康融入所有政策”重点任务",  # one cell merged across the row, given once
        "序号\t重点任务\t牵头单位\t配合单位",
        "1\t开展学生心理健康知识和预防心理问题科普\t省教育厅\t省卫生健康委、省妇联",
        "2\t开展心理健康知识的网上宣传和普及\t省卫生健康委\t团省委、省委宣传部、省委网信办",
        "3\t推动中小学“医教结合”心理健康促进工作\t省卫生健康委\t省教育厅、省公安厅、省民政厅",
    ]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


_NOISE = random.Random(12).randbytes(1 << 20)  # does not deflate: ratio 1


@pytest.mark.parametrize(
    ("members", "refused"),
    [
        pytest.param({"word/document.xml": b"<w:document/>" * 1000}, None, id="small"),
        pytest.param(
            {"word/document.xml": b" " * (8 << 20)}, "inflate 1[0-9]{3}-fold", id="one-member-bomb"
        ),
        pytest.param(
            {f"word/media/image{i}.png": _NOISE for i in range(5)},
            "would inflate to 5 MiB, over the 4 MiB limit",
            id="too-large-in-total",
        ),
    ],
)
def test_zip_bomb_refused_before_extracting(
    members: dict[str, bytes], refused: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        docx_reader, "MAX_UNCOMPRESSED", 4 << 20
    )  # 200 MiB would take seconds to zip
    data = _zip(members)
    if refused is None:
        assert docx_reader.check_archive(data, "a.docx").namelist() == list(members)
    else:
        with pytest.raises(IngestError, match=refused):
            docx_reader.check_archive(data, "a.docx")


# ------------------------------------------------------------------------------- PDF


def test_pdf_running_head_and_page_n_of_m_removed() -> None:
    text = ingest(FORMATS / "single" / "running_head.pdf").text
    assert "国家卫生健康委员会文件选编" not in text
    assert "共3页" not in text
    assert text.count("\n\n") == 2  # three pages, nothing else of them lost
    assert text.startswith("各省、自治区、直辖市及新疆生产建设兵团卫生健康委、残联：\n")


def test_pdf_sentence_cut_by_the_page_break_is_joined() -> None:
    document = ingest(NOTICE / "notice.pdf")
    assert "家庭签\n\n约医生" in document.text  # page 1 ends mid-word
    assert "积极发挥家庭签约医生作用，畅通双向转诊渠道" in document.clean


# ------------------------------------------------------------------ choosing a reader


@pytest.mark.parametrize(
    ("data", "suffix", "expected"),
    [
        pytest.param(b"%PDF-1.7\n", ".pdf", "pdf", id="pdf"),
        pytest.param(b"%PDF-1.4\n", ".txt", "pdf", id="pdf-named-txt"),
        pytest.param(_zip({"word/document.xml": b"<x/>"}), ".docx", "docx", id="docx"),
        pytest.param(
            _zip({"word/document.xml": b"<x/>"}), ".zip", "docx", id="docx-without-its-name"
        ),
        pytest.param(_zip({"OFD.xml": b"<x/>"}), ".ofd", "ofd", id="ofd"),
        pytest.param(b"<!DOCTYPE html><html>", ".htm", "html", id="html"),
        pytest.param(b"<!-- saved --><html><body>", "", "html", id="html-without-extension"),
        pytest.param("通知".encode(), ".md", "text", id="markdown"),
        pytest.param("<p>通知</p>".encode(), ".txt", "text", id="text-named-txt-stays-text"),
    ],
)
def test_sniff(data: bytes, suffix: str, expected: str) -> None:
    assert sniff(data, suffix) == expected


# Malformed files: each a clear reason naming what to do.
BROKEN = [
    pytest.param("truncated.pdf", "truncated PDF.*download it again", id="truncated-pdf"),
    pytest.param("scanned.pdf", "no text layer; OCR it first", id="scanned-pdf"),
    pytest.param(
        "error_page.pdf",
        r"named \.pdf but is not a PDF file \(it is an HTML page",
        id="html-as-pdf",
    ),
    pytest.param("bomb.docx", "refused: .*zip bomb.*nothing was extracted", id="zip-bomb"),
    pytest.param("damaged.docx", "damaged zip archive", id="cut-off-docx"),
    pytest.param("scripts_only.html", "HTML page without body text", id="script-only-page"),
    pytest.param("empty.ofd", "is an OFD file without pages", id="ofd-without-pages"),
    pytest.param("legacy.doc", r"old Office binary document.*save it as \.docx", id="doc"),
]


@pytest.mark.parametrize(("name", "reason"), BROKEN)
def test_malformed_file_gets_a_clear_error(name: str, reason: str) -> None:
    path = FORMATS / "broken" / name
    with pytest.raises(IngestError, match=reason) as info:
        ingest(path)
    assert info.value.path == str(path)
