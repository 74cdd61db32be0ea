"""A document's sentence around a span, by bisecting its sentence ends, is the scan's.

``Document.sentence_bounds`` lists the sentence ends once per document; the mapping
and the extractors ask it for every mention.  It must give what the plain scan
``kg.model.sentence_bounds`` gives, on real text and on any text.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.model import locate, sentence_bounds
from tests.factories import make_document

REAL = (
    "各乡镇人民政府：\n\n推动益阳市中医医院牵头组建医共体，区卫生健康局、区医保局按职责分工负责。"
    "开展“优质服务基层行”活动！推进家庭医生签约服务？  \n1. 加强基层医疗卫生机构建设；[责任单位：区卫生健康局]\n"
)


@pytest.mark.parametrize(
    ("span", "sentence"),
    [
        (
            "益阳市中医医院",
            "推动益阳市中医医院牵头组建医共体，区卫生健康局、区医保局按职责分工负责。",
        ),
        ("优质服务基层行", "开展“优质服务基层行”活动！"),
        ("家庭医生", "推进家庭医生签约服务？"),
        ("加强基层", "1. 加强基层医疗卫生机构建设；"),
        ("责任单位", "[责任单位：区卫生健康局]"),
        ("各乡镇", "各乡镇人民政府："),
    ],
)
def test_the_sentence_around_a_span_of_real_text(span: str, sentence: str) -> None:
    document = make_document(REAL)
    start = REAL.index(span)
    assert document.sentence_at(start, start + len(span)) == sentence


@given(
    st.text(alphabet="医院。！？；\n 　ab", max_size=60),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=10),
)
def test_bisecting_gives_the_scan(text: str, start: int, length: int) -> None:
    start = min(start, len(text))
    end = min(start + length, len(text))
    assert make_document(text).sentence_bounds(start, end) == sentence_bounds(text, start, end)


SENTENCE = "推动益阳市中医医院牵头组建医共体，市中医医院负责。"


@pytest.mark.parametrize(
    ("labels", "span"),
    [
        (["市中医医院", "益阳市中医医院"], (2, 9, "益阳市中医医院")),  # the longest name wins
        (["市中医医院"], (4, 9, "市中医医院")),  # its first occurrence
        (["区医保局"], (0, len(SENTENCE), SENTENCE)),  # not named: the whole sentence
    ],
)
def test_a_facts_span_is_found_again_in_its_sentence(
    labels: list[str], span: tuple[int, int, str]
) -> None:
    assert locate(SENTENCE, 0, labels) == span
    start, end, text = locate(SENTENCE, 100, labels)  # offsets are the document's
    assert (start - 100, end - 100, text) == span
