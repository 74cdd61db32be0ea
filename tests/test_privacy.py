"""Telephone numbers and postcodes are redacted; amounts, counts, dates and numbers stay."""

from __future__ import annotations

import pytest

from kg.privacy import REDACTED, redact

CASES = [
    ("联系电话：0730-8206079", f"联系电话：{REDACTED}"),
    ("联系电话：0874—3121678)", f"联系电话：{REDACTED})"),
    ("电话（0731）88880000", f"电话{REDACTED}"),
    ("联系电话：3083218", f"联系电话：{REDACTED}"),
    ("手机 13971800781。", f"手机 {REDACTED}。"),
    ("邮政编码 437000", REDACTED),
    ("投入资金12000000元", "投入资金12000000元"),
    ("签约常住居民374.31万余人，接诊21023人次", "签约常住居民374.31万余人，接诊21023人次"),
    ("第112184号提案", "第112184号提案"),
    ("2023年6月29日", "2023年6月29日"),
    ("湘政办发〔2021〕79号", "湘政办发〔2021〕79号"),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected
