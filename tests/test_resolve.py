"""Resolution: surface names to canonical names inside the document's own jurisdiction."""

from __future__ import annotations

import pytest

from kg.model import Entity, Extraction, Header, Relation, Task
from kg.resolve import resolve
from tests.factories import make_document


def _resolve_one(
    kind: str, surface: str, issuer: str, text: str = "", **attributes: object
) -> Entity:
    extraction = Extraction(
        document=make_document(text or issuer),
        header=Header(issuer=issuer),
        entities=[
            Entity(
                kind=kind,
                name=surface,
                labels=[surface],
                resolved=False,
                attributes=dict(attributes),
            )
        ],
    )
    (entity,) = resolve(extraction).entities
    return entity


CANONICAL = [
    # (kind, surface, issuer, expected canonical)
    ("agency", "市卫健委", "岳阳市卫生健康委员会", "岳阳市卫生健康委员会"),
    ("agency", "我委", "咸宁市卫生健康委员会", "咸宁市卫生健康委员会"),
    ("agency", "区医保局", "益阳市资阳区人民政府办公室", "益阳市资阳区医疗保障局"),
    ("agency", "区委编办", "益阳市资阳区人民政府办公室", "中共益阳市资阳区委机构编制委员会办公室"),
    ("agency", "省政府办公厅", "湖南省卫生健康委员会", "湖南省人民政府办公厅"),
    ("agency", "省委编办", "湖北省卫生健康委员会", "中共湖北省委机构编制委员会办公室"),
    ("agency", "国家卫健委", "长沙市人民政府", "国家卫生健康委员会"),
    # The party committee by the short name documents print (中共北京市委 北京市人民政府关于…).
    ("agency", "市委", "北京市中医管理局", "中共北京市委"),
    ("agency", "省工业与信息化厅", "海南省人民政府办公厅", "海南省工业和信息化厅"),
    ("agency", "市级机关工委", "句容市人民政府", "中共句容市委市级机关工作委员会"),
    ("agency", "市政务服务局", "北京市中医管理局", "北京市政务服务管理局"),
    ("agency", "省管局", "江西省人民政府办公厅", "江西省机关事务管理局"),
    ("agency", "市城管局", "句容市人民政府", "句容市城市管理局"),
    ("agency", "政协全国委员会", "教育部", "中国人民政治协商会议全国委员会"),
    # The issuer's own body, abbreviated in order, and a division after a bureau's short name.
    ("agency", "市中医局", "北京市中医管理局", "北京市中医管理局"),
    ("agency", "市中医局科教处", "北京市中医管理局", "北京市中医管理局科教处"),
    ("agency", "市中医局", "上海市人民政府", "上海市中医药管理局"),
    ("agency", "市卫生健康委医政科", "北京市中医管理局", "北京市卫生健康委员会医政科"),
    # 2018-reform short forms and bodies written with their level inside (江西 and 海南
    # provincial opinions' （…按职责分工负责） clauses).
    ("agency", "团省委", "江西省人民政府办公厅", "共青团江西省委员会"),
    ("agency", "团县委", "凤凰县人民政府", "共青团凤凰县委员会"),
    ("agency", "省直机关工委", "江西省人民政府办公厅", "中共江西省直属机关工作委员会"),
    ("agency", "省广播电视台", "江西省人民政府办公厅", "江西广播电视台"),
    ("agency", "县文旅广电局", "凤凰县人民政府", "凤凰县文化旅游和广播电视局"),
    ("agency", "县编委办", "凤凰县人民政府", "中共凤凰县委机构编制委员会办公室"),
    ("agency", "人社部", "长沙市人民政府", "人力资源和社会保障部"),
    ("agency", "市政协", "枣庄市市中区人民政府", "中国人民政治协商会议枣庄市委员会"),
    ("agency", "政协常德市委员会", "常德市人民政府", "中国人民政治协商会议常德市委员会"),
    ("agency", "民盟长沙市委", "长沙市人民政府", "中国民主同盟长沙市委员会"),
    ("agency", "市人大常委会", "株洲市卫生健康委员会", "株洲市人民代表大会常务委员会"),
    ("agency", "市委组织部", "衡阳市卫生健康委员会", "中共衡阳市委组织部"),
    ("agency", "市人社局", "浏阳市人民政府", "浏阳市人力资源和社会保障局"),
    ("agency", "宁乡市政府", "长沙市人民政府", "宁乡市人民政府"),
    ("agency", "区发展改革局", "长沙市岳麓区人民政府", "长沙市岳麓区发展和改革局"),
    ("agency", "市卫计委", "曲靖市人民政府", "曲靖市卫生和计划生育委员会"),
    (
        "agency",
        "区深化医药卫生体制改革领导小组",
        "长沙市岳麓区人民政府",
        "长沙市岳麓区深化医药卫生体制改革领导小组",
    ),
    ("hospital", "市中医医院", "益阳市资阳区人民政府办公室", "益阳市中医医院"),
    ("hospital", "齐村镇卫生院", "枣庄市市中区人民政府", "枣庄市市中区齐村镇卫生院"),
    ("hospital", "区疾控中心", "长沙市岳麓区人民政府", "长沙市岳麓区疾病预防控制中心"),
    ("hospital", "市第一人民医院", "常德市卫生健康委员会", "常德市第一人民医院"),
    ("hospital", "桃源县人民医院", "常德市卫生健康委员会", "桃源县人民医院"),
    ("hospital", "区人民医院", "济南市市中区人民政府", "济南市市中区人民医院"),
    ("agency", "国家卫生健康委办公厅", "国家卫生健康委办公厅", "国家卫生健康委员会办公厅"),
    ("agency", "国家卫生健康委基层司", "国家卫生健康委", "国家卫生健康委员会基层卫生健康司"),
    ("agency", "国家疾控局传染病防控司", "国家卫生健康委", "国家疾病预防控制局传染病防控司"),
    ("agency", "财政部办公厅", "国家医疗保障局办公室", "财政部办公厅"),
    ("agency", "我委基层卫生健康司", "国家卫生健康委办公厅", "国家卫生健康委员会基层卫生健康司"),
    ("agency", "我委", "国家卫生健康委办公厅", "国家卫生健康委员会"),
    ("agency", "省中医药局", "四川省人民政府办公厅", "四川省中医药管理局"),
    ("agency", "县人力社保局", "龙游县人民政府办公室", "龙游县人力资源和社会保障局"),
    ("agency", "自治区财政厅", "广西壮族自治区卫生健康委员会", "广西壮族自治区财政厅"),
    ("agency", "区卫生健康委", "重庆市綦江区人民政府办公室", "重庆市綦江区卫生健康委员会"),
    ("hospital", "自治区人民医院", "广西壮族自治区卫生健康委员会", "广西壮族自治区人民医院"),
    ("hospital", "綦江区中医院", "重庆市綦江区人民政府办公室", "重庆市綦江区中医院"),
    ("hospital", "四川大学华西医院", "四川省人民政府办公厅", "四川大学华西医院"),
    ("hospital", "浙江省中医院", "龙游县人民政府办公室", "浙江省中医院"),
    ("hospital", "中国疾控中心", "国家卫生健康委", "中国疾病预防控制中心"),
    # 兰州新区: a zone named after its city takes no city prefix.
    ("agency", "兰州新区卫生健康局", "甘肃省中医药管理局", "兰州新区卫生健康局"),
    ("agency", "国家组织药品联合采购办公室", "吉林省医疗保障局", "国家组织药品联合采购办公室"),
    ("hospital", "市公共卫生救治中心", "贵阳市卫生健康局", "贵阳市公共卫生救治中心"),
    # 州/盟/地区 name the prefecture of the document's chain.
    ("agency", "州医疗保障局", "凤凰县人民政府", "湘西土家族苗族自治州医疗保障局"),
    ("agency", "盟卫生健康委", "阿拉善左旗人民政府", "阿拉善盟卫生健康委员会"),
    ("agency", "地区卫生健康委", "库车市人民政府", "阿克苏地区卫生健康委员会"),
    ("hospital", "州人民医院", "凤凰县人民政府", "湘西土家族苗族自治州人民医院"),
    # Working bodies of a standing committee or CPPCC take their full names.
    (
        "agency",
        "区人大常委会法工委",
        "长沙市开福区人民政府",
        "长沙市开福区人民代表大会常务委员会法制工作委员会",
    ),
    (
        "agency",
        "市政协社法委",
        "株洲市人民政府",
        "中国人民政治协商会议株洲市委员会社会和法制委员会",
    ),
    # The capital's municipal hospitals, written without their place in Beijing documents.
    ("hospital", "地坛医院", "北京市中医管理局", "首都医科大学附属北京地坛医院"),
    ("hospital", "北京中医医院", "国家中医药管理局", "首都医科大学附属北京中医医院"),
    # A town's short name before a township hospital: the hospital takes the town's name.
    ("hospital", "神农卫生院", "高平市卫生健康和体育局", "高平市神农镇卫生院"),
    # A town's short name before a community centre, inside the document's own district.
    (
        "hospital",
        "伍家岭社区卫生服务中心",
        "长沙市开福区人民政府",
        "长沙市开福区伍家岭社区卫生服务中心",
    ),
]


@pytest.mark.parametrize(
    ("kind", "surface", "issuer", "expected"), CANONICAL, ids=[f"{c[1]}@{c[2]}" for c in CANONICAL]
)
def test_canonical_name(kind: str, surface: str, issuer: str, expected: str) -> None:
    entity = _resolve_one(kind, surface, issuer)
    assert entity.name == expected
    assert entity.resolved
    assert surface in entity.labels


UNSURE = [
    ("agency", "区卫健委", "岳阳市卫生健康委员会"),  # which district?
    ("agency", "市卫健委", "湖南省卫生健康委员会"),  # which city?
    ("hospital", "开发区社区卫生服务中心", "曲靖市人民政府"),
    ("consortium", "中医联盟", "益阳市资阳区人民政府办公室"),
    ("hospital", "伍家岭社区卫生服务中心", "株洲市人民政府"),  # no such town in 株洲
]


@pytest.mark.parametrize(
    ("kind", "surface", "issuer"), UNSURE, ids=[f"{u[1]}@{u[2]}" for u in UNSURE]
)
def test_unsure_names_are_kept_as_written(kind: str, surface: str, issuer: str) -> None:
    entity = _resolve_one(kind, surface, issuer)
    assert entity.name == surface
    assert not entity.resolved


def test_jurisdiction_is_set_province_first() -> None:
    extraction = Extraction(
        document=make_document("枣庄市市中区人民政府"), header=Header(issuer="枣庄市市中区人民政府")
    )
    assert resolve(extraction).header.jurisdiction == "山东省枣庄市市中区"


@pytest.mark.parametrize(
    ("issuer", "expected_issuer", "expected_jurisdiction"),
    [
        ("国家卫生健康委办公厅", "国家卫生健康委员会办公厅", "中华人民共和国"),
        ("国家卫生健康委", "国家卫生健康委员会", "中华人民共和国"),
        ("国务院办公厅", "国务院办公厅", "中华人民共和国"),
        ("重庆市綦江区人民政府办公室", "重庆市綦江区人民政府办公室", "重庆市綦江区"),
        ("广西壮族自治区卫生健康委员会", "广西壮族自治区卫生健康委员会", "广西壮族自治区"),
        ("龙游县人民政府办公室", "龙游县人民政府办公室", "浙江省衢州市龙游县"),
        ("中国残联办公厅", "中国残疾人联合会办公厅", "中华人民共和国"),
        ("全国妇联", "中华全国妇女联合会", "中华人民共和国"),
        ("卫生部", "卫生部", "中华人民共和国"),
        ("中共中央", "中共中央", "中华人民共和国"),
    ],
)
def test_issuer_gets_its_full_name_and_a_national_body_the_whole_country(
    issuer: str, expected_issuer: str, expected_jurisdiction: str
) -> None:
    extraction = Extraction(document=make_document(issuer), header=Header(issuer=issuer))
    header = resolve(extraction).header
    assert (header.issuer, header.jurisdiction) == (expected_issuer, expected_jurisdiction)


def test_every_issuer_of_a_joint_document_gets_its_full_name() -> None:
    surfaces = ["国家卫生健康委办公厅", "中国残联办公厅", "国家中医药局综合司"]
    extraction = Extraction(
        document=make_document(" ".join(surfaces)),
        header=Header(issuer=surfaces[0], issuers=surfaces),
    )
    header = resolve(extraction).header
    assert header.issuers == [
        "国家卫生健康委员会办公厅",
        "中国残疾人联合会办公厅",
        "国家中医药管理局综合司",
    ]
    assert header.issuer == header.issuers[0]


def test_a_bare_hospital_alias_outside_its_province_is_kept_as_written() -> None:
    entity = _resolve_one("hospital", "朝阳医院", "辽宁省卫生健康委员会")
    assert (entity.name, entity.resolved) == ("朝阳医院", False)


def test_an_issuer_known_from_the_catalogue_is_an_agency_of_the_document() -> None:
    # A web copy of 中共中央 国务院关于促进中医药传承创新发展的意见 (2019) prints only 国务院.
    title = "国务院关于促进中医药传承创新发展的意见"
    extraction = Extraction(
        document=make_document(title), header=Header(issuer="国务院", title=title)
    )
    resolved = resolve(extraction)
    assert resolved.header.issuers == ["中共中央", "国务院"]
    assert {e.name for e in resolved.entities if e.kind == "agency"} == {"中共中央"}


def test_same_canonical_name_merges_labels_and_mentions() -> None:
    extraction = Extraction(
        document=make_document("岳阳市卫生健康委员会"),
        header=Header(issuer="岳阳市卫生健康委员会"),
        entities=[
            Entity(kind="agency", name="市卫健委", labels=["市卫健委"], resolved=False),
            Entity(kind="agency", name="我委", labels=["我委"], resolved=False),
            Entity(
                kind="agency",
                name="岳阳市卫生健康委员会",
                labels=["岳阳市卫生健康委员会"],
                resolved=False,
            ),
        ],
    )
    (entity,) = resolve(extraction).entities
    assert entity.name == "岳阳市卫生健康委员会"
    assert set(entity.labels) == {"市卫健委", "我委", "岳阳市卫生健康委员会"}


def test_a_specialty_alliance_keeps_its_own_name() -> None:
    alliance = _resolve_one(
        "consortium", "开福区慢阻肺专科联盟", "长沙市开福区人民政府", lead="开福区望月湖医院"
    )
    assert alliance.name == "长沙市开福区慢阻肺专科联盟"
    assert alliance.attributes["lead"] == "长沙市开福区望月湖医院"


def test_consortium_lead_members_relations_and_tasks_are_resolved() -> None:
    issuer = "枣庄市市中区人民政府"
    consortium = Entity(
        kind="consortium",
        name="我区医共体",
        labels=["我区医共体"],
        resolved=False,
        attributes={"kind": "医共体", "lead": "区人民医院", "members": ["齐村镇卫生院"]},
    )
    extraction = Extraction(
        document=make_document(issuer),
        header=Header(issuer=issuer),
        entities=[
            consortium,
            Entity(kind="hospital", name="区人民医院", labels=["区人民医院"], resolved=False),
        ],
        relations=[Relation("区人民医院", "leads", "我区医共体")],
        tasks=[
            Task(
                number="1",
                title="加强医共体建设",
                responsible=["市卫健委", "区卫健局"],
                lead=["市卫健委"],
            )
        ],
    )
    result = resolve(extraction)
    (resolved,) = result.entities_of("consortium")
    assert resolved.name == "枣庄市市中区人民医院医共体"
    assert resolved.attributes["lead"] == "枣庄市市中区人民医院"
    assert resolved.attributes["members"] == ["枣庄市市中区齐村镇卫生院"]
    assert result.relations == [
        Relation("枣庄市市中区人民医院", "leads", "枣庄市市中区人民医院医共体")
    ]
    assert result.tasks[0].responsible == ["枣庄市卫生健康委员会", "枣庄市市中区卫生健康局"]
    assert result.tasks[0].lead == ["枣庄市卫生健康委员会"]


OFFICES = [
    # (issuer, office as written, body as written, the office's parent)
    ("国家卫生健康委办公厅", "国家卫生健康委办公厅", "国家卫生健康委", "国家卫生健康委员会"),
    ("国务院办公厅", "国务院办公厅", "国务院", "国务院"),
    (
        "益阳市资阳区人民政府办公室",
        "益阳市资阳区人民政府办公室",
        "区人民政府",
        "益阳市资阳区人民政府",
    ),
    ("湖南省卫生健康委员会", "省卫生健康委办公室", "湖南省卫生健康委员会", "湖南省卫生健康委员会"),
]


@pytest.mark.parametrize(("issuer", "office", "body", "parent"), OFFICES)
def test_an_office_belongs_to_the_body_the_document_names(
    issuer: str, office: str, body: str, parent: str
) -> None:
    extraction = Extraction(
        document=make_document(issuer),
        header=Header(issuer=issuer),
        entities=[
            Entity(kind="agency", name=office, labels=[office], resolved=False),
            Entity(kind="agency", name=body, labels=[body], resolved=False),
        ],
    )
    by_name = {e.name: e for e in resolve(extraction).entities}
    (office_entity,) = [e for e in by_name.values() if e.name.endswith(("办公厅", "办公室"))]
    assert office_entity.attributes["parent"] == parent
    assert "parent" not in by_name[parent].attributes


def test_an_office_whose_body_is_not_named_gets_no_parent() -> None:
    office = _resolve_one("agency", "国家卫生健康委办公厅", "国家卫生健康委办公厅")
    assert "parent" not in office.attributes


def test_a_level_word_names_no_place() -> None:
    # 省级/市级 qualify the alliance's level; the province is not prefixed to 级.
    alliance = _resolve_one("consortium", "省级老年医学专科联盟", "山东省卫生健康委员会")
    assert alliance.name == "省级老年医学专科联盟"


@pytest.mark.parametrize(
    ("surface", "issuer", "expected"),
    [
        ("省市场监管局", "江西省人民政府办公厅", "江西省市场监督管理局"),
        ("市市场监管局", "岳阳市人民政府办公室", "岳阳市市场监督管理局"),
        ("省卫生健康委", "江西省人民政府办公厅", "江西省卫生健康委员会"),
        ("省住房城乡建设厅", "海南省人民政府办公厅", "海南省住房和城乡建设厅"),
        ("省政务服务办", "江西省人民政府办公厅", "江西省政务服务管理办公室"),
        ("市城管局", "句容市人民政府办公室", "句容市城市管理局"),
    ],
    ids=[
        "省-then-市场监管局",
        "市-then-市场监管局",
        "plain-level-prefix",
        "provincial-厅-short-form",
        "政务服务办",
        "城管局",
    ],
)
def test_a_level_then_a_body_beginning_with_市_is_one_level(surface, issuer, expected) -> None:
    assert _resolve_one("agency", surface, issuer).name == expected
