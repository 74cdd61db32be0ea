"""The lazy per-block segmentation gives the tokens of spaCy's jieba tokenizer, exactly."""

from __future__ import annotations

from functools import cache

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from kg.extraction.segment import Segmentation, jieba


@cache
def jieba_pipeline() -> Language:
    jieba()  # quiet logging, dictionary loaded
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


def spacy_tokens(text: str) -> list[tuple[int, str]]:
    return [(t.idx, t.text) for t in jieba_pipeline()(text)]


def assert_same_tokens(text: str) -> None:
    expected = spacy_tokens(text)
    assert Segmentation(text).tokens == expected
    starts = {start for start, _ in expected}
    # The start of the token holding each character; a character no token holds (a
    # word's trailing space) maps to the first token, as an index with default 0 did.
    holder = dict.fromkeys(range(len(text)), 0)
    for start, piece in expected:
        holder.update(dict.fromkeys(range(start, start + len(piece)), start))
    for pos in range(len(text)):
        fresh = Segmentation(text)  # each question on its own: blocks segmented lazily
        assert fresh.token_start_of(pos) == holder[pos], pos
        assert Segmentation(text).is_token_start(pos) == (pos in starts), pos
    assert not Segmentation(text).is_token_start(len(text))
    assert not Segmentation(text).is_token_start(-1)


SENTENCES = [
    "由省卫生健康委牵头，会同省医保局、省财政厅负责",
    "对市六届人大三次会议第0356号建议的答复",
    "推进紧密型县域医共体建设，2025年底前实现全覆盖。",
    "市人民医院建设远程心电诊断平台",
    "与惠南镇社区卫生服务中心签订协议",
    "杨 鼎 县人民医院院长：",  # a kept wide gap: one plain space after a word
    "\u3000\u3000各县（市、区）卫生健康局：",  # ideographic spaces open the line
    "实施“互联网+医疗健康”示范工程（2021-2023年）",
    "COVID-19疫苗接种率达到95.5%以上 ",
    "A  B\tC",  # a run of spaces, a tab
    "医",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_tokens_of_real_sentences(text: str) -> None:
    assert_same_tokens(text)


ALPHABET = "医院卫生健康委员会省市县区牵头的和与 \u3000\t\nAb1+-._%#&，。、（）“”"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=30))
def test_tokens_of_any_mix(text: str) -> None:
    assert_same_tokens(text)
