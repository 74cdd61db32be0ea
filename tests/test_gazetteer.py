"""The gazetteer places a document by its issuer's own chain of names, never by first match."""

from __future__ import annotations

import pytest

from kg import gazetteer

JURISDICTIONS = [
    # (issuer, rest of the text, full name, code)
    ("枣庄市市中区人民政府", "", "山东省枣庄市市中区", "370402"),
    ("济南市市中区卫生健康局", "", "山东省济南市市中区", "370103"),
    ("市中区人民政府", "近年来，枣庄市持续推进医共体建设。", "山东省枣庄市市中区", "370402"),
    ("市中区人民政府", "乐山市卫生健康委员会印发通知。", "四川省乐山市市中区", "511102"),
    ("益阳市资阳区人民政府办公室", "", "湖南省益阳市资阳区", "430902"),
    ("曲靖市人民政府", "", "云南省曲靖市", "5303"),
    ("北京市东城区卫生健康委员会", "", "北京市东城区", "110101"),
    ("湖北省卫生健康委员会", "", "湖北省", "42"),
    # Autonomous counties under the short forms their own documents use.
    ("阜蒙县人民政府", "", "辽宁省阜新市阜新蒙古族自治县", "210921"),
    ("长阳县卫生健康局", "", "湖北省宜昌市长阳土家族自治县", "420528"),
]


@pytest.mark.parametrize(
    ("issuer", "text", "full_name", "code"),
    JURISDICTIONS,
    ids=[j[0] + j[1][:4] for j in JURISDICTIONS],
)
def test_jurisdiction_of(issuer: str, text: str, full_name: str, code: str) -> None:
    place = gazetteer.jurisdiction_of(issuer, text)
    assert place is not None
    assert (place.full_name, place.code) == (full_name, code)


@pytest.mark.parametrize(
    "issuer",
    ["国家卫生健康委员会", "市中区人民政府", ""],
    ids=["national body", "ambiguous county without context", "empty"],
)
def test_no_jurisdiction(issuer: str) -> None:
    assert gazetteer.jurisdiction_of(issuer, "") is None


@pytest.mark.parametrize(
    ("town", "scope_code", "expected"),
    [
        ("齐村镇", "370402", "370402103"),  # 枣庄市市中区
        ("齐村镇", "37", "370402103"),  # anywhere in 山东
        ("齐村镇", "13", "130634107"),  # 河北
        ("齐村镇", "3701", "370402103"),  # not in 济南: the one in its province
        ("光明路街道", "3704", "370402006"),
    ],
    ids=["within county", "within province", "other province", "province fallback", "street"],
)
def test_find_within(town: str, scope_code: str, expected: str | None) -> None:
    scope = gazetteer.place(scope_code)
    assert scope is not None
    found = gazetteer.find_within(town, scope)
    assert (found.code if found else None) == expected


def test_find_places_prefers_longest_and_keeps_offsets() -> None:
    text = "枣庄市市中区人民医院与税郭镇中心卫生院签约"
    matches = gazetteer.find_places(text)
    assert [m.text for m in matches] == ["枣庄市", "市中区", "税郭镇"]
    for match in matches:
        assert text[match.start : match.end] == match.text
    assert len(matches[1].places) == 4  # 市中区 of 济南, 枣庄, 内江, 乐山


def test_full_names_are_province_first() -> None:
    town = gazetteer.place("370402103")
    assert town is not None and town.full_name == "山东省枣庄市市中区齐村镇"
    assert [p.code for p in gazetteer.ancestors(town)] == ["370402103", "370402", "3704", "37"]


@pytest.mark.parametrize(
    ("name", "short_forms"),
    [
        ("阜新蒙古族自治县", ("阜新县", "阜蒙县")),
        ("长阳土家族自治县", ("长阳县", "长土县")),
        ("峨边彝族自治县", ("峨边县", "峨彝县")),
        ("海南藏族自治州", ("海南州",)),
        ("恩施土家族苗族自治州", ("恩施州",)),
        ("阜新市", ()),
    ],
)
def test_autonomous_short_forms(name: str, short_forms: tuple[str, ...]) -> None:
    assert gazetteer.autonomous_short_forms(name) == short_forms


def test_a_prefectures_short_form_finds_the_prefecture_not_the_province() -> None:
    # 海南州 is 青海省海南藏族自治州 (关于印发海南州全面推进紧密型县域医疗卫生共同体建设实施方案的通知).
    (place,) = gazetteer.places_named("海南州")
    assert place.full_name == "青海省海南藏族自治州"


def test_a_zone_named_only_by_its_kind_is_no_place_name() -> None:
    # The statistical data holds township units called just 经济开发区 or 工业园区管委会.
    assert gazetteer.places_named("经济开发区") == ()
    assert gazetteer.find_places("经济开发区管委会") == []
    assert gazetteer.places_named("蕲春经济开发区管委会")  # a zone with its own name stays
