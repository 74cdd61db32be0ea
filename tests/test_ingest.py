"""Ingest: encodings, errors, each cleaning step on real fragments, offset invariants."""

from __future__ import annotations

import hashlib
import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import ConfigError, IngestError
from kg.ingest import (
    CLEANERS,
    DEFAULT_STEPS,
    clean,
    decode,
    ingest,
    iter_corpus,
    should_join,
    skipped_files,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def cleaned(text: str, *steps: str) -> str:
    return clean(text, steps=steps or None)[0]


# ------------------------------------------------------------------ page-break joins

# (text, expected clean) — fragments cut from the corpus, a page break between them.
BREAKS = [
    pytest.param(
        "给予全力支持。基层医疗卫生机构基础设施得到极大改\n\n善。2022年",
        "给予全力支持。基层医疗卫生机构基础设施得到极大改善。2022年",
        id="mid-word",
    ),
    pytest.param(
        "统筹使用岗位职数，\n\n有编即补，空编率",
        "统筹使用岗位职数，有编即补，空编率",
        id="after-comma",
    ),
    pytest.param(
        "[责任单位：区卫生健康局、\n\n区人力资源社会保障局]",
        "[责任单位：区卫生健康局、区人力资源社会保障局]",
        id="after-enumeration-comma",
    ),
    pytest.param(
        "加强居民健康管理，充实“1+1+1+N”家庭医生签\n\n约团队，提升家庭医生签约服务水平。",
        "加强居民健康管理，充实“1+1+1+N”家庭医生签约团队，提升家庭医生签约服务水平。",
        id="long-prose-line",
    ),
    pytest.param(
        "按照湖南省卫生健康委关于印发《湖南省基层卫生人才能力提升培训项目实施方案》\n\n的通知要求，每年",
        "按照湖南省卫生健康委关于印发《湖南省基层卫生人才能力提升培训项目实施方案》的通知要求，每年",
        id="after-closing-title-mark",
    ),
    pytest.param(
        "我市组建了以6县市区人民医院和崇阳县中医医院为\n\n牵头医院的县域医共体7个",
        "我市组建了以6县市区人民医院和崇阳县中医医院为牵头医院的县域医共体7个",
        id="short-line-ending-in-function-word",
    ),
    pytest.param(
        "派驻村卫生室医疗技术人员，乡镇卫生院派驻村卫生室医疗技术人员\n\n \n313人，已组建",
        "派驻村卫生室医疗技术人员，乡镇卫生院派驻村卫生室医疗技术人员313人，已组建",
        id="white-space-only-line",
    ),
    pytest.param(
        "积极推动基层卫生人才公开招聘、岗位设置、职称评聘、\n\n收入分配等优惠政策落地见效",
        "积极推动基层卫生人才公开招聘、岗位设置、职称评聘、收入分配等优惠政策落地见效",
        id="short-line-ending-in-comma",
    ),
    pytest.param(
        "印发《关于进一步深化改革推进资阳区卫生\n健康事业高质量发展的实施意见》的通知",
        "印发《关于进一步深化改革推进资阳区卫生健康事业高质量发展的实施意见》的通知",
        id="unclosed-title-mark-single-newline",
    ),
    pytest.param(
        "现答复如下：基层医疗卫生机构基础设施得到极大改善\n\n。全市",
        "现答复如下：基层医疗卫生机构基础设施得到极大改善。全市",
        id="next-starts-with-full-stop",
    ),
    # --- these stay apart
    pytest.param(
        "一、关于重视健康事业，保障公共卫生经费\n\n市、县财政在落实基层医疗卫生机构定额补助的基础上",
        None,
        id="numbered-heading",
    ),
    pytest.param(
        "（二）健全公益高效的基层医疗卫生运行机制\n\n6. 建立乡镇（街道、长春经开区）联动机制。",
        None,
        id="heading-then-numbered-item",
    ),
    pytest.param(
        "加强针对性的健康服务管理。拓宽医疗卫生服务内涵，推行医养结合\n\n8. 完善财政保障机制。",
        None,
        id="numbered-item-follows",
    ),
    pytest.param(
        "[责任单位：区卫生健康局、区医保局]\n\n（二）健全公益高效的基层医疗卫生运行机制",
        None,
        id="numbered-heading-follows",
    ),
    pytest.param(
        "二、关于建设“智慧医疗”平台\n\n我委持续推进智慧医疗云平台建设",
        None,
        id="heading-with-quotes",
    ),
    pytest.param(
        "关于进一步深化改革推进资阳区卫生健康事业高质量发展的实施意见\n\n为进一步完善全区医疗卫生服务体系，",
        None,
        id="title-then-text",
    ),
    pytest.param(
        "您提出的《关于切实增强基层医联体医院能力建设的提案》收悉。现答复如下：\n\n开展医联体建设，",
        None,
        id="ends-with-colon",
    ),
    pytest.param(
        "感谢您对卫生健康工作的关心和支持。\n\n岳阳市卫生健康委员会", None, id="ends-with-full-stop"
    ),
    pytest.param("他说：“这是重点。”\n\n下一段的内容从这里开始，", None, id="quoted-sentence-end"),
    pytest.param("岳阳市卫生健康委员会\n\n2023年6月29日", None, id="signature-then-date"),
    pytest.param(
        "益阳市资阳区人民政府办公室\n印发《关于进一步深化改革推进资阳区卫生健康事业高质量发展的实施意见》的通知",
        None,
        id="issuer-line-of-title",
    ),
    pytest.param(
        "印发《关于进一步深化改革推进资阳区卫生健康事业高质量发展的实施意见》的通知\n\n"
        "各乡、镇人民政府，街道办事处，长春经开区管委会，区直、驻区各有关单位：",
        None,
        id="title-then-addressees",
    ),
    pytest.param(
        "联系人：黄禾田；联系电话：3083218\n\n抄送：市政协提案委、市委督查室", None, id="label-line"
    ),
    pytest.param("曲靖市人民政府\n\nA\n\n公开", None, id="header-lines"),
    pytest.param("## 一、总体要求\n\n统一思想，提高认识", None, id="markdown-heading"),
    pytest.param("主要任务包括以下内容，\n\n- 加强医共体建设", None, id="markdown-list-item"),
    pytest.param("---\n\n统一思想，提高认识", None, id="markdown-rule"),
    pytest.param(
        "各乡镇人民政府、街道办事处负责组织实施（县卫生健康局牵头，县财政局配合）\n\n凤凰县人民政府办公室\n\n2025年3月3日",
        "各乡镇人民政府、街道办事处负责组织实施（县卫生健康局牵头，县财政局配合）\n\n凤凰县人民政府办公室\n\n2025年3月3日",
        id="signature-block-stays-apart",
    ),
    pytest.param(
        "按照工作要求，进一步明确本项工作的牵头单位为\n\n区卫生健康局",
        "按照工作要求，进一步明确本项工作的牵头单位为区卫生健康局",
        id="dangling-before-a-body-name-joins",
    ),
    pytest.param(
        "健康素养、健康环境、疾病防控、生活方式与行为\n\n工信局\n\n加强工业节能降耗。",
        None,
        id="table-cell-after-a-cell-ending-in-a-function-character",
    ),
    # 江西省人民政府办公厅 (2025): the last task's duty clause, then the closing paragraph.
    pytest.param(
        "推进老旧小区改造，加快完整社区建设试点工作，完善“15分钟生活服务圈”。"
        "（省住房城乡建设厅、省自然资源厅、省民政厅、省体育局、省卫生健康委等按职责分工负责）\n\n"
        "各地、各部门要将推进健康融入所有政策作为提升社会健康治理能力的重要途径，",
        None,
        id="duty-clause-closes-a-task",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BREAKS)
def test_breaks(text: str, expected: str | None) -> None:
    assert cleaned(text, "breaks") == (text if expected is None else expected)


def test_should_join_strips_the_white_space_around_the_break() -> None:
    assert should_join("给予全力支持。基础设施得到极大改  ", "  善。")
    # too short to have filled a printed line, and nothing else says it goes on
    assert not should_join("给予全力支持。基础设施得到极大改", "善工作")
    assert should_join("发改部门给予全力支持。基层医疗卫生机构基础设施得到极大改", "善工作")
    assert not should_join("", "善。")


# ------------------------------------------------------------------- other steps

STEPS = [
    # bold
    pytest.param(
        "bold",
        "培训管理人员 196 人。**二是开展基层医疗卫生人才本土化公费定向培养。**按照市委组织部",
        "培训管理人员 196 人。二是开展基层医疗卫生人才本土化公费定向培养。按照市委组织部",
        id="bold-run",
    ),
    pytest.param(
        "bold",
        "**益阳市资阳区人民政府办公室\n印发《关于进一步深化改革推进资阳区卫生\n健康事业高质量发展的实施意见》的通知**",
        "益阳市资阳区人民政府办公室\n印发《关于进一步深化改革推进资阳区卫生\n健康事业高质量发展的实施意见》的通知",
        id="bold-over-lines",
    ),
    pytest.param(
        "bold",
        "**一、总体要求\n\n统一思想**",
        "**一、总体要求\n\n统一思想**",
        id="bold-never-crosses-a-paragraph",
    ),
    pytest.param("bold", "目标 ** 未闭合", "目标 ** 未闭合", id="lone-marker-stays"),
    # math
    pytest.param(
        "math", "充实“ $1+1+1+N$ ”家庭医生签", "充实“1+1+1+N”家庭医生签", id="formula-in-quotes"
    ),
    pytest.param("math", "占比 $5\\%$ 以上", "占比5%以上", id="escaped-percent"),
    pytest.param(
        "math", "costs US$100 and US$200 today", "costs US$100 and US$200 today", id="money-stays"
    ),
    pytest.param(
        "math", "价格 $100 元，另收 $20 元", "价格 $100 元，另收 $20 元", id="unpaired-dollar-words"
    ),
    # spaces
    pytest.param(
        "spaces", "（岳卫函〔2022〕111 号）", "（岳卫函〔2022〕111号）", id="number-space-hao"
    ),
    pytest.param("spaces", "自 2020 年起至 2022 年", "自2020年起至2022年", id="year"),
    pytest.param("spaces", "其中骨干人员 40 人左右", "其中骨干人员40人左右", id="count"),
    pytest.param("spaces", "5 年内，支持每个乡镇", "5年内，支持每个乡镇", id="years-within"),
    pytest.param(
        "spaces",
        "对市六届人大三次会议第 068 号建议的答复",
        "对市六届人大三次会议第068号建议的答复",
        id="proposal-number",
    ),
    pytest.param("spaces", "空编率控制在 5%以内", "空编率控制在5%以内", id="percent"),
    pytest.param(
        "spaces", "依托省、市 5G 智慧急救体系平台", "依托省、市5G智慧急救体系平台", id="latin"
    ),
    pytest.param(
        "spaces",
        "对岳阳市政协九届二次会议第141号提案的 答复",
        "对岳阳市政协九届二次会议第141号提案的答复",
        id="stray-space-after-de",
    ),
    pytest.param(
        "spaces",
        "曲靖市人民政府关于市政协 五届二次会议第152号提案办理意见的函",
        "曲靖市人民政府关于市政协五届二次会议第152号提案办理意见的函",
        id="stray-space-before-numeral",
    ),
    pytest.param(
        "spaces",
        "关于市政协十一届二次会议第112184号 提案的答复",
        "关于市政协十一届二次会议第112184号提案的答复",
        id="stray-space-after-number",
    ),
    pytest.param(
        "spaces",
        "《国家卫生健康委 国家中医药管理局关于印发医疗联合体管理办法（试行）的通知》",
        "《国家卫生健康委 国家中医药管理局关于印发医疗联合体管理办法（试行）的通知》",
        id="joint-issuers-stay-apart",
    ),
    pytest.param("spaces", "主管领导 董伟峰", "主管领导 董伟峰", id="label-value-stays"),
    pytest.param(
        "spaces",
        "“行政村卫生室标准化建设 + 中医阁建设”",
        "“行政村卫生室标准化建设+中医阁建设”",
        id="plus",
    ),
    pytest.param("spaces", "第 1 条\n\n2023 年", "第1条\n\n2023年", id="keeps-lines"),
    pytest.param("spaces", "　　一、总体要求", "　　一、总体要求", id="indent-stays"),
    pytest.param("spaces", "to 2025 and beyond", "to 2025 and beyond", id="latin-words-stay"),
    pytest.param("spaces", "卫生院\t12\n社区  8", "卫生院\t12\n社区  8", id="table-columns-stay"),
    # invisible
    pytest.param("invisible", "医联\u200b体建设\ufeff", "医联体建设", id="zero-width"),
]


@pytest.mark.parametrize(("step", "text", "expected"), STEPS)
def test_step(step: str, text: str, expected: str) -> None:
    assert cleaned(text, step) == expected


def test_full_width_punctuation_is_never_converted() -> None:
    text = "〔2022〕《通知》（试行）：；“”，。、"
    assert cleaned(text) == text


def test_default_steps_compose() -> None:
    text = "加强健康管理，充实“ $1+1+1+N$ ”家庭医生签\n\n约团队，培训 **40 人**。"
    assert cleaned(text) == "加强健康管理，充实“1+1+1+N”家庭医生签约团队，培训40人。"


def test_steps_are_named_and_unknown_names_fail() -> None:
    assert set(DEFAULT_STEPS) <= set(CLEANERS)
    assert cleaned("自 2020 年", "bold") == "自 2020 年"
    with pytest.raises(ConfigError, match="no-such-step"):
        clean("文本", steps=["no-such-step"])


def test_many_joined_lines_stay_fast() -> None:
    text = "基层医疗卫生机构，\n" * 20_000
    out, _ = clean(text, steps=["breaks"])
    assert out.count("\n") == 1


def test_a_step_may_be_a_function() -> None:
    def drop_hash(text: str):
        return [(i, i + 1) for i, ch in enumerate(text) if ch == "#"]

    out, offsets = clean("#一、总体要求", steps=[drop_hash])
    assert out == "一、总体要求" and offsets[0] == 1


# ------------------------------------------------------------------ invariants

ALPHABET = [
    *"基层医疗卫生机构改善号年人的为，。、：；“”《》（）〔〕0123456789ABN+%-",
    " ",
    " ",
    "\n",
    "\n",
    "\t",
    "\u3000",
    "*",
    "*",
    "$",
    "\\",
    "\u200b",
]
REMOVABLE = set(" \t\n\u3000\u00a0*$\\\u200b\ufeff")


def strip(s: str) -> str:
    return "".join(ch for ch in s if ch not in REMOVABLE)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=120))
def test_offsets_map_each_clean_char_to_its_original(text: str) -> None:
    out, offsets = clean(text)
    assert len(offsets) == len(out) + 1
    assert offsets[-1] == len(text)
    assert all(a <= b for a, b in pairwise(offsets))
    assert all(out[i] == text[offsets[i]] for i in range(len(out)))
    # steps only delete markers and white space
    assert strip(out) == strip(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=120), st.data())
def test_to_original_maps_spans_back(text: str, data: st.DataObject) -> None:
    from kg.model import Document

    out, offsets = clean(text)
    doc = Document(id="x", source="x", path="x", text=text, clean=out, offsets=offsets)
    start = data.draw(st.integers(0, len(out)))
    end = data.draw(st.integers(start, len(out)))
    a, b = doc.to_original(start, end)
    assert 0 <= a <= b <= len(text)
    assert strip(text[a:b]) == strip(out[start:end])
    if end > start:
        assert text[a] == out[start] and text[b - 1] == out[end - 1]


# -------------------------------------------------------------------- encodings

SAMPLE = (
    "对岳阳市政协九届二次会议第141号提案的答复\n\n姚添委员：\n\n"
    "您提出的《关于切实增强基层医联体医院能力建设的提案》收悉。现答复如下：\n\n"
    "按照《国务院办公厅关于推进医疗联合体建设和发展的指导意见》（国办发〔2017〕32号）等有关要求，"
    "全市42家二级及以上公立医院数据实现互联互通。\n"
)


def sample_id(text: str = SAMPLE) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


ENCODINGS = [
    pytest.param(SAMPLE.encode("utf-8"), "utf-8", id="utf-8"),
    pytest.param(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig", id="utf-8-bom"),
    pytest.param(SAMPLE.encode("gb18030"), "gb18030", id="gb18030"),
    pytest.param(SAMPLE.encode("gbk"), "gb18030", id="gbk-read-as-its-superset"),
    pytest.param(SAMPLE.encode("gb2312"), "gb18030", id="gb2312"),
    pytest.param(b"\xff\xfe" + SAMPLE.encode("utf-16-le"), "utf-16-le", id="utf-16-le-bom"),
    pytest.param(b"\xfe\xff" + SAMPLE.encode("utf-16-be"), "utf-16-be", id="utf-16-be-bom"),
    pytest.param(SAMPLE.encode("utf-16-le"), "utf-16-le", id="utf-16-le-no-bom"),
    pytest.param(SAMPLE.encode("utf-16-be"), "utf-16-be", id="utf-16-be-no-bom"),
    pytest.param(SAMPLE.replace("\n", "\r\n").encode("gbk"), "gb18030", id="gbk-crlf"),
    pytest.param(SAMPLE.replace("\n", "\r\n").encode("utf-8"), "utf-8", id="utf-8-crlf"),
]


@pytest.mark.parametrize(("data", "encoding"), ENCODINGS)
def test_encodings_give_the_same_document(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "reply.txt"
    path.write_bytes(data)
    doc = ingest(path)
    assert doc.text == SAMPLE
    assert doc.encoding == encoding
    assert doc.id == sample_id()
    assert doc.source == "reply.txt"
    assert doc.path == str(path)
    assert "\r" not in doc.text


def test_encoding_is_found_from_the_bytes_not_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_bytes(SAMPLE.encode("gbk"))
    assert ingest(path).encoding == "gb18030"


def test_path_as_given_is_kept(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SAMPLE, encoding="utf-8")
    doc = ingest(str(tmp_path / "a.txt"))
    assert doc.path == str(tmp_path / "a.txt")


def test_text_is_nfc_and_full_width_stays(tmp_path: Path) -> None:
    path = tmp_path / "nfc.txt"
    path.write_text("Cafe\u0301（试行）〔2022〕《通知》", encoding="utf-8")
    doc = ingest(path)
    assert doc.text == "Caf\u00e9（试行）〔2022〕《通知》"
    assert unicodedata.is_normalized("NFC", doc.clean)


def test_decode_without_a_file() -> None:
    assert decode(SAMPLE.encode("gb18030")) == (SAMPLE, "gb18030")


# ----------------------------------------------------------------------- errors


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file") as info:
        ingest(tmp_path / "nope.txt")
    assert info.value.path.endswith("nope.txt")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="is a directory") as info:
        ingest(tmp_path)
    assert info.value.path == str(tmp_path)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("report.pdf", r"is named \.pdf but is not a PDF file \(it is plain text"),
        ("report.docx", r"is named \.docx but is not a DOCX file"),
        ("README", r"unsupported file type a file without an extension; ingest reads .*\.docx"),
        ("table.xls", r"unsupported file type '\.xls'; ingest reads .*\.pdf"),
    ],
)
def test_wrong_extension(tmp_path: Path, name: str, reason: str) -> None:
    path = tmp_path / name
    path.write_text(SAMPLE, encoding="utf-8")
    with pytest.raises(IngestError, match=reason) as info:
        ingest(path)
    assert info.value.path == str(path)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x80abc\x81", id="stray-high-bytes"),
        pytest.param(bytes(range(256)) * 4, id="binary"),
        pytest.param(b"caf\xe9 cr\xe8me br\xfbl\xe9e", id="latin-1"),
        pytest.param(b"\xff\xfe\xfd\xfd\xfe\xff\x00\xd8", id="utf-16-bom-then-garbage"),
    ],
)
def test_undecodable_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(IngestError, match="UTF-8") as info:
        ingest(path)
    assert info.value.path == str(path)
    assert "bad.txt" in str(info.value)


@pytest.mark.parametrize(("data", "reason"), [(b"", "empty"), (b" \n\r\n\t", "only white space")])
def test_empty_file(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    with pytest.raises(IngestError, match=reason):
        ingest(path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(SAMPLE, encoding="utf-8")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(IngestError, match="cannot be read: Permission denied"):
        ingest(path)


# ---------------------------------------------------------------- iter_corpus


def test_iter_corpus(tmp_path: Path) -> None:
    names = ["b.txt", "a.md", "sub/c.TXT", "d.pdf", "e.HTML", "f.docx", "skip.xls", "photo.jpg"]
    for name in [*names, ".hidden/d.txt", ".e.txt", "README.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("文本", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in iter_corpus(tmp_path)] == [
        "a.md",
        "b.txt",
        "d.pdf",
        "e.HTML",
        "f.docx",
        "sub/c.TXT",
    ]
    assert [p.name for p in skipped_files(tmp_path)] == ["photo.jpg", "skip.xls"]


def test_iter_corpus_wants_a_directory(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="not a directory"):
        iter_corpus(tmp_path / "missing")


# --------------------------------------------------------------------- corpus

# (file prefix, text the clean text must contain, text it must not contain)
CORPUS_JOINS = [
    ("000", "基础设施得到极大改善。", "极大改\n"),
    ("000", "统筹使用岗位职数，有编即补", None),
    ("000", "实施方案》的通知要求", None),
    ("000", "引导广大基层医务人员筑牢思想防线。", None),
    ("000", "对岳阳市政协九届二次会议第141号提案的答复", None),
    ("000", "（岳卫函〔2022〕111号）", None),
    ("000", "一、关于重视健康事业，保障公共卫生经费\n\n市、县财政", None),
    ("001", "确保脱贫出列的贫困村、贫困乡建有标准化的卫生室和卫生院。", None),
    ("001", "实现居民身份证放在识别器上", None),
    ("001", "关于市政协五届二次会议第152号提案", None),
    ("002", "资阳区卫生健康事业高质量发展的实施意见》的通知\n\n各乡", "**"),
    ("002", "充实“1+1+1+N”家庭医生签约团队", "$"),
    ("002", "[责任单位：区卫生健康局、区人力资源社会保障局]", None),
    ("002", "（二）健全公益高效的基层医疗卫生运行机制\n\n6. 建立", None),
    ("002", "在职继续教育和学历升档", None),
    ("002", "基层医疗卫生机构评审成为", None),
    ("002", "5年内", None),
    ("003", "对市六届人大三次会议第068号建议的答复", None),
    ("003", "崇阳县中医医院为牵头医院", None),
    ("003", "医疗技术人员313人，", None),
    ("003", "摸底核实满足条件的", None),
    ("004", "开展特色专科建设合作", None),
    ("004", "职称评聘、收入分配", None),
    ("004", "上下联动的分级诊疗制度", None),
    ("004", "形成融合公共卫生、电子病历", None),
    ("004", "联系电话：3083218\n\n抄送：", None),
]


@pytest.fixture(scope="module")
def corpus() -> dict[str, object]:
    return {p.name[:3]: ingest(p) for p in iter_corpus(CORPUS)}


def test_corpus_has_five_documents(corpus: dict) -> None:
    assert sorted(corpus) == ["000", "001", "002", "003", "004"]
    for doc in corpus.values():
        assert doc.encoding == "utf-8"
        assert doc.id == sample_id(doc.text)
        assert len(doc.offsets) == len(doc.clean) + 1 and doc.offsets[-1] == len(doc.text)
        assert all(doc.clean[i] == doc.text[o] for i, o in enumerate(doc.offsets[:-1]))


@pytest.mark.parametrize(("doc", "present", "absent"), CORPUS_JOINS)
def test_corpus_repairs(corpus: dict, doc: str, present: str, absent: str | None) -> None:
    clean_text = corpus[doc].clean
    assert present in clean_text
    if absent is not None:
        assert absent not in clean_text


def test_corpus_span_maps_back_across_a_join(corpus: dict) -> None:
    doc = corpus["000"]
    start = doc.clean.index("极大改善")
    a, b = doc.to_original(start, start + 4)
    assert doc.text[a:b] == "极大改\n\n善"
    assert "极大改" in doc.sentence_at(a, b)
