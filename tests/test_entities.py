"""Entity, relation and task extraction on sentences of the genre, and its invariants."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extraction.entities import compact, extract_entities
from kg.ingest import ingest
from kg.model import Document, Header
from tests.factories import make_document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _extract(text: str, issuer: str | None = None):
    return extract_entities(make_document(text), Header(issuer=issuer))


def _names(entities, kind: str) -> set[str]:
    return {e.name for e in entities if e.kind == kind}


ENTITY_CASES = [
    # (id, text, kind, expected surface names)
    (
        "national joint issuers",
        "国家卫生健康委、国家中医药局联合印发了工作方案。",
        "agency",
        {"国家卫生健康委", "国家中医药局"},
    ),
    (
        "provincial lead and partners",
        "由省卫生健康委牵头，省财政厅、省医保局配合实施。",
        "agency",
        {"省卫生健康委", "省财政厅", "省医保局"},
    ),
    (
        "generic departments",
        "各县（市、区）卫生健康部门要会同发改部门、人社部门加强指导。",
        "agency",
        set(),
    ),
    (
        "party and government",
        "按照市委组织部、市委编办、市人社局联合下发的通知执行。",
        "agency",
        {"市委组织部", "市委编办", "市人社局"},
    ),
    ("cppcc with session", "关于市政协十二届三次会议第45号提案的答复", "agency", {"市政协"}),
    ("democratic party", "民盟长沙市委：你们提出的提案收悉。", "agency", {"民盟长沙市委"}),
    (
        "leading group",
        "成立由分管副市长任组长的常德市深化医药卫生体制改革领导小组。",
        "agency",
        {"常德市深化医药卫生体制改革领导小组"},
    ),
    ("association", "全市有5名乡村医生被中华医学会评为优秀。", "agency", {"中华医学会"}),
    (
        "named hospitals",
        "支持常德市第一人民医院与桃源县人民医院组建专科联盟。",
        "hospital",
        {"常德市第一人民医院", "桃源县人民医院"},
    ),
    (
        "hospital categories",
        "全县乡镇卫生院和村卫生室、二级及以上公立医院全部纳入管理。",
        "hospital",
        set(),
    ),
    (
        "level-prefixed hospitals",
        "市中医医院、区妇幼保健院和区疾控中心要加强协作。",
        "hospital",
        {"市中医医院", "区妇幼保健院", "区疾控中心"},
    ),
    (
        "town health centre",
        "在流沙河镇中心卫生院建设胸痛救治单元。",
        "hospital",
        {"流沙河镇中心卫生院"},
    ),
    (
        "consortium by lead",
        "有序推进宁乡市人民医院医共体建设。",
        "consortium",
        {"宁乡市人民医院医共体"},
    ),
    (
        "generic consortia",
        "全面推开紧密型县域医共体建设，组建城市医疗集团和专科联盟。",
        "consortium",
        set(),
    ),
    (
        "specialty alliances",
        "强势推进儿科联盟、胸痛联盟等共同发展。",
        "consortium",
        {"儿科联盟", "胸痛联盟"},
    ),
    (
        "quoted campaign and a national initiative",
        "深入开展“优质服务基层行”活动，推进社区医院建设。",
        "programme",
        {"优质服务基层行", "社区医院建设"},
    ),
    ("quoted platform", "依托“健康湘潭”云平台开展远程会诊。", "programme", {"健康湘潭云平台"}),
    ("platform by stem", "持续推进全民健康信息平台建设。", "programme", {"全民健康信息平台"}),
    ("verb before a project", "积极争取县域慢病防治项目资金。", "programme", {"县域慢病防治项目"}),
    (
        "procurement platform",
        "通过省医药集中采购平台签订合同。",
        "programme",
        {"省医药集中采购平台"},
    ),
    (
        "slogans are not programmes",
        "围绕“世界家庭医生日”开展宣传，落实“两个允许”要求，坚持“1030”原则。",
        "programme",
        set(),
    ),
    ("counted projects", "项目规划7大项目建设，完成8个项目的检查。", "programme", set()),
    (
        "national body's unit",
        "报送国家卫生健康委基层司，抄送国家疾控局传染病防控司和财政部办公厅。",
        "agency",
        {"国家卫生健康委基层司", "国家疾控局传染病防控司", "财政部办公厅"},
    ),
    (
        "unit of our own body",
        "于11月30日前报送我委基层卫生健康司。",
        "agency",
        {"我委基层卫生健康司"},
    ),
    (
        "county-name verb",
        "经县卫生健康局会同县财政局认真研究。",
        "agency",
        {"县卫生健康局", "县财政局"},
    ),
    ("autonomous region body", "自治区财政厅会同我委做好资金拨付。", "agency", {"自治区财政厅"}),
    (
        "leading group named after its work",
        "成立由市政府分管领导任组长的城市医疗集团建设领导小组。",
        "agency",
        {"市政府", "城市医疗集团建设领导小组"},
    ),
    (
        "university hospitals",
        "依托四川大学华西医院、浙江大学医学院附属第一医院，由河南科技大学第一附属医院对口帮扶。",
        "hospital",
        {"四川大学华西医院", "浙江大学医学院附属第一医院", "河南科技大学第一附属医院"},
    ),
    (
        "national institution",
        "中国疾病预防控制中心负责技术指导。",
        "hospital",
        {"中国疾病预防控制中心"},
    ),
    (
        "city medical group after its lead",
        "组建洛阳市中心医院城市医疗集团。",
        "consortium",
        {"洛阳市中心医院城市医疗集团"},
    ),
    (
        "quoted word with modifier",
        "深化“山海”提升工程，推进分级诊疗。",
        "programme",
        {"山海提升工程", "分级诊疗"},
    ),
    (
        "plan document is no campaign",
        "按照《DRG/DIP支付方式改革三年行动计划》，深入推进DRG/DIP支付方式改革。",
        "programme",
        {"DRG/DIP支付方式改革"},
    ),
    (
        "clause verb stripped",
        "建设县域医共体一体化信息平台。",
        "programme",
        {"县域医共体一体化信息平台"},
    ),
    # Agencies: working bodies of a standing committee or CPPCC, relative 州 prefixes,
    # a head shared by coordinated places, public centres with a free stem.
    (
        "committee working bodies",
        "抄送：市人大常委会法工委，市政协提案委。",
        "agency",
        {"市人大常委会法工委", "市政协提案委"},
    ),
    (
        "unknown working body, no truncated parent",
        "抄送：县人大常委会城建工委。",
        "agency",
        {"县人大常委会城建工委"},
    ),
    (
        "prefecture relative prefix",
        "在州卫生健康局、州医疗保障局指导下开展评估。",
        "agency",
        {"州卫生健康局", "州医疗保障局"},
    ),
    (
        "head shared by coordinated places",
        "由雨花区、天心区人民政府负责组织实施。",
        "agency",
        {"雨花区人民政府", "天心区人民政府"},
    ),
    (
        "fund centre and social affairs bureau",
        "市医疗保障基金中心要会同县社会事业局做好结算。",
        "agency",
        {"市医疗保障基金中心", "县社会事业局"},
    ),
    ("a level of service is no body", "市级服务中心和乡镇政务服务中心负责受理。", "agency", set()),
    # Hospitals: a proper stem after a place, owned and general hospitals, academies.
    (
        "place and proper stem",
        "组织长沙市南雅医院、岳麓区望月湖医院专家下沉。",
        "hospital",
        {"长沙市南雅医院", "岳麓区望月湖医院"},
    ),
    (
        "category stems are no names",
        "鼓励长沙市二级医院、株洲市公立医院、湘潭市定点医院和南昌市两家医院参与。",
        "hospital",
        set(),
    ),
    (
        "city-owned and medical university hospitals",
        "南昌市立医院与江西医科大学附属第二医院共建学科。",
        "hospital",
        {"南昌市立医院", "江西医科大学附属第二医院"},
    ),
    (
        "general hospital and academy hospital",
        "支持宁德市总医院、中国医学科学院血液病医院开展协作。",
        "hospital",
        {"宁德市总医院", "中国医学科学院血液病医院"},
    ),
    (
        "town short name before a community centre",
        "与伍家岭社区卫生服务中心签约。",
        "hospital",
        {"伍家岭社区卫生服务中心"},
    ),
    (
        "scope words before a community centre",
        "推进城市社区卫生服务中心和基层社区卫生服务中心建设。",
        "hospital",
        set(),
    ),
    # Consortia: a specialty stem before 专科联盟, never a scope word.
    (
        "specialty stem",
        "由湘潭市中心医院牵头成立湘潭市慢阻肺专科联盟。",
        "consortium",
        {"湘潭市慢阻肺专科联盟"},
    ),
    (
        "scope is no specialty",
        "支持省级医院牵头组建跨区域专科联盟，发挥专科联盟作用。",
        "consortium",
        set(),
    ),
    # Programmes: clinical centres, slogans, conjuncts, verbs and project heads.
    (
        "clinical centres are no programmes",
        "重点建设胸痛中心、卒中中心和创伤中心。",
        "programme",
        set(),
    ),
    ("quoted 以…为… slogans", "坚持“以患者为中心”，推动“以预防为主”。", "programme", set()),
    (
        "two-word verb stripped",
        "统一建设区域全民健康信息平台。",
        "programme",
        {"区域全民健康信息平台"},
    ),
    (
        "conjoined platforms",
        "接入省全民健康信息平台和省医保信息平台。",
        "programme",
        {"省全民健康信息平台", "省医保信息平台"},
    ),
    (
        "centre construction project",
        "加快推进省级区域医疗中心建设项目。",
        "programme",
        {"省级区域医疗中心建设项目"},
    ),
    (
        "enumerator and builder are no part of the name",
        "三是依托市人民医院建设远程心电诊断平台。",
        "programme",
        {"远程心电诊断平台"},
    ),
    (
        "known programme inside a stem",
        "推进医养结合机构服务质量提升行动。",
        "programme",
        {"医养结合机构服务质量提升行动"},
    ),
    ("institution before a pilot is its site", "县人民医院试点开展日间手术。", "programme", set()),
    (
        "quoted word with an activity",
        "组织“最美家庭医生”推选活动。",
        "programme",
        {"最美家庭医生推选活动"},
    ),
    ("quoted creation", "推进“健康促进县”创建。", "programme", {"健康促进县"}),
    (
        "prevention and control project",
        "实施县域地方病防控项目。",
        "programme",
        {"县域地方病防控项目"},
    ),
    # Layouts of the real documents in tests/fixtures/real (Beijing, Jiangxi, Hainan, 阜新).
    (
        "hospitals listed beside one named with its province",
        "在地坛医院、佑安医院、北京中医医院开展中西医结合传染病临床重点专科建设。",
        "hospital",
        {"地坛医院", "佑安医院", "北京中医医院"},
    ),
    (
        "a category in a list of hospitals stays a category",
        "在定点医院、方舱医院、北京中医医院开展救治。",
        "hospital",
        {"北京中医医院"},
    ),
    (
        "institutes of preventive medicine",
        "依托海南大学、省公共卫生临床中心、省预防医学科学院等机构开展监测。",
        "hospital",
        {"省公共卫生临床中心", "省预防医学科学院"},
    ),
    (
        "a township hospital by its town's short name",
        "您所提的“关于改善神农卫生院就医环境的建议”已收悉。",
        "hospital",
        {"神农卫生院"},
    ),
    (
        "a post after a name padded to three columns",
        "李继红   县人民医院院长\n杨  鼎   县卫生健康服务中心主任",
        "hospital",
        {"县人民医院", "县卫生健康服务中心"},
    ),
    (
        "party committee before the government",
        "为认真贯彻市委市政府《关于加强首都公共卫生应急管理体系建设的若干意见》。",
        "agency",
        {"市委", "市政府"},
    ),
    (
        "joint authors of a cited title",
        "落实《中共江西省委 江西省人民政府关于加快推进卫生健康现代化的若干意见》。",
        "agency",
        {"江西省委", "江西省人民政府"},
    ),
    (
        "associations named after their place",
        "北京市朝阳区中医协会为全市培训项目办公室，北京中医协会具体负责实施。",
        "agency",
        {"北京市朝阳区中医协会", "北京中医协会"},
    ),
    ("sector associations are no body", "各行业协会、学会要发挥作用。", "agency", set()),
    # 北京市中医管理局 (2021), 海南 (2025): a counted kind of consortium, a working alliance.
    (
        "a counted kind of consortium",
        "推进京衡共建10个“1+1”中医综合医联体建设。",
        "consortium",
        set(),
    ),
    ("an alliance of work", "积极打造“1+N”心理关爱工作联盟，整合服务设施。", "consortium", set()),
    (
        "national bodies addressed by their short names",
        "国务院国资委、国家档案局、国务院扶贫办、国家标准委、国家认监委、中国贸促会：",
        "agency",
        {"国务院国资委", "国家档案局", "国务院扶贫办", "国家标准委", "国家认监委", "中国贸促会"},
    ),
    # 中共中央 国务院关于促进中医药传承创新发展的意见 (2019) and 北京市中医管理局 (2021).
    (
        "a quoted name with its 行动 or 工程",
        "实施“互联网+中医药健康服务”行动，实施“新时代神农尝百草”工程。",
        "programme",
        {"互联网+中医药健康服务行动", "新时代神农尝百草工程"},
    ),
    (
        "the verb before a programme is no part of it",
        "促进中医治未病健康工程升级，深化基层部队中医药服务能力提升工程。",
        "programme",
        {"中医治未病健康工程", "基层部队中医药服务能力提升工程"},
    ),
    (
        "a sector and generic heads are no programme",
        "全省卫生健康系统开展医疗服务项目价格调整。",
        "programme",
        set(),
    ),
    (
        "a place's own Healthy-China initiative",
        "深入推进健康江西建设，以推进健康蒙古贞建设为主线，为加快推进健康枣庄建设。",
        "programme",
        {"健康江西", "健康枣庄"},  # 蒙古贞 is no division's name in the gazetteer
    ),
    (
        "a quoted code inside a programme's name",
        "推进京廊中医药协同发展“8.10”工程和京衡中医药协同发展名片工程。",
        "programme",
        {"京廊中医药协同发展“8.10”工程", "京衡中医药协同发展名片工程"},
    ),
    (
        "a table cell wrapped after a conjunction",
        "省发展改革委\n将健康纳入国民经济和社会发展规划。\n省自然资源和\n规划厅\n指导市县明确用地布局。",
        "agency",
        {"省发展改革委", "省自然资源和规划厅"},
    ),
    (
        "a customs district and a broadcaster by their place's short name",
        "（江西广播电视台、省总工会负责）海口海关\n从维护自贸港公共卫生安全角度出发。",
        "agency",
        {"江西广播电视台", "省总工会", "海口海关"},
    ),
    (
        "a city's bureau for one county",
        "镇江市句容生态环境局\n保护和改善生活环境与生态环境。",
        "agency",
        {"镇江市句容生态环境局"},
    ),
    (
        "the national committee of the CPPCC with its session",
        "关于政协十三届全国委员会第三次会议第4404号提案答复的函",
        "agency",
        {"政协全国委员会"},
    ),
    (
        "the division that acts",
        "（一）市中医局科教处负责全市培训综合管理和统筹协调。",
        "agency",
        {"市中医局科教处"},
    ),
    (
        "the author of a decree",
        "根据《传统医学师承和确有专长人员医师资格考核考试办法》（卫生部令第52号）制定。",
        "agency",
        {"卫生部"},
    ),
]


@pytest.mark.parametrize(
    ("text", "kind", "expected"), [c[1:] for c in ENTITY_CASES], ids=[c[0] for c in ENTITY_CASES]
)
def test_entities(text: str, kind: str, expected: set[str]) -> None:
    entities, _, _ = _extract(text)
    assert _names(entities, kind) == expected


def test_consortium_lead_and_members() -> None:
    text = "我县医共体是由宁乡市人民医院为牵头单位，流沙河镇中心卫生院和玉潭街道社区卫生服务中心为成员单位。"
    entities, relations, _ = _extract(text, issuer="宁乡市人民政府")
    (consortium,) = [e for e in entities if e.kind == "consortium"]
    assert consortium.name == "我县医共体"
    assert consortium.attributes["lead"] == "宁乡市人民医院"
    assert consortium.attributes["members"] == ["流沙河镇中心卫生院", "玉潭街道社区卫生服务中心"]
    assert ("宁乡市人民医院", "leads", "我县医共体") in {
        (r.subject, r.predicate, r.object) for r in relations
    }


def test_lead_and_members_after_the_consortium_heading() -> None:
    text = (
        "（一）龙游县人民医院医共体。由龙游县人民医院为牵头单位，成员单位为湖镇镇中心卫生院、"
        "溪口镇中心卫生院、龙洲街道社区卫生服务中心等。\n"
    )
    entities, relations, _ = _extract(text, issuer="龙游县人民政府办公室")
    (consortium,) = [e for e in entities if e.kind == "consortium"]
    assert consortium.name == "龙游县人民医院医共体"
    assert consortium.attributes["lead"] == "龙游县人民医院"
    assert consortium.attributes["members"] == [
        "湖镇镇中心卫生院",
        "溪口镇中心卫生院",
        "龙洲街道社区卫生服务中心",
    ]
    assert ("溪口镇中心卫生院", "member_of", "龙游县人民医院医共体") in {
        (r.subject, r.predicate, r.object) for r in relations
    }


CONSORTIUM_CASES = [
    # (id, text, consortium, lead, members)
    (
        "H牵头成立C",
        "由湘潭市中心医院牵头成立湘潭市慢阻肺专科联盟，覆盖全市基层医疗机构。",
        "湘潭市慢阻肺专科联盟",
        "湘潭市中心医院",
        [],
    ),
    (
        "H牵头组建了C",
        "株洲市妇幼保健院牵头组建了株洲市新生儿专科联盟。",
        "株洲市新生儿专科联盟",
        "株洲市妇幼保健院",
        [],
    ),
    (
        "C由H牵头，成员单位包括 (the list ends at the next clause)",
        (
            "常德市第一人民医院城市医疗集团由常德市第一人民医院牵头，成员单位包括"
            "武陵区丹阳街道社区卫生服务中心和鼎城区石门桥镇卫生院，由常德市第二人民医院提供支持；"
        ),
        "常德市第一人民医院城市医疗集团",
        "常德市第一人民医院",
        ["武陵区丹阳街道社区卫生服务中心", "鼎城区石门桥镇卫生院"],
    ),
    (
        "A、B牵头建设C: the first named leads, the other is a member",
        "湘潭市中心医院、湘潭市第一人民医院牵头建设湘潭市胸痛专科联盟。",
        "湘潭市胸痛专科联盟",
        "湘潭市中心医院",
        ["湘潭市第一人民医院"],
    ),
    (
        "吸纳…为成员单位",
        (
            "以株洲市中心医院为核心的株洲市中心医院医联体，已吸纳荷塘区月塘街道社区卫生服务中心、"
            "芦淞区建设街道社区卫生服务中心为成员单位，与株洲市三三一医院开展协作。"
        ),
        "株洲市中心医院医联体",
        "株洲市中心医院",
        ["荷塘区月塘街道社区卫生服务中心", "芦淞区建设街道社区卫生服务中心"],
    ),
]


@pytest.mark.parametrize(
    ("text", "name", "lead", "members"),
    [c[1:] for c in CONSORTIUM_CASES],
    ids=[c[0] for c in CONSORTIUM_CASES],
)
def test_consortium_leads_and_members_in_one_clause(
    text: str, name: str, lead: str, members: list[str]
) -> None:
    entities, relations, _ = _extract(text)
    (consortium,) = [e for e in entities if e.kind == "consortium"]
    assert consortium.name == name
    assert consortium.attributes["lead"] == lead
    assert consortium.attributes["members"] == members
    triples = {(r.subject, r.predicate, r.object) for r in relations}
    assert {(m, "member_of", name) for m in members} <= triples


def test_named_addressees_are_agencies() -> None:
    text = (
        "各市医疗保障局，横琴粤澳深度合作区社会事业局，省医疗保障事务中心：\n现将有关事项通知如下。"
    )
    header = Header(
        addressees=["各市医疗保障局", "横琴粤澳深度合作区社会事业局", "省医疗保障事务中心"]
    )
    entities, _, _ = extract_entities(make_document(text), header)
    assert _names(entities, "agency") == {"横琴粤澳深度合作区社会事业局", "省医疗保障事务中心"}


RELATION_CASES = [
    ("collaboration", "湘雅常德医院与常德市第一人民医院签订合作协议。", None),
    (
        "signing",
        "常德市第一人民医院与桃源县人民医院进行了技术协作签约。",
        ("常德市第一人民医院", "collaborates", "桃源县人民医院"),
    ),
    (
        "pairing support",
        "桃源县人民医院对口帮扶陬市镇中心卫生院。",
        ("桃源县人民医院", "supports", "陬市镇中心卫生院"),
    ),
    (
        "trusteeship",
        "常德市第一人民医院托管桃源县人民医院。",
        ("常德市第一人民医院", "entrusts", "桃源县人民医院"),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in RELATION_CASES], ids=[c[0] for c in RELATION_CASES]
)
def test_relations(text: str, expected: tuple[str, str, str] | None) -> None:
    _, relations, _ = _extract(text)
    triples = {(r.subject, r.predicate, r.object) for r in relations}
    if expected is None:
        assert not triples  # 湘雅常德医院 is not a place-prefixed name the rules know
    else:
        assert expected in triples


PEOPLE_CASES = [
    ("proposer member", "王建国委员：\n您提出的提案收悉。", ("王建国", "政协委员")),
    ("proposer deputy", "李红梅代表：\n您提出的建议收悉。", ("李红梅", "人大代表")),
    (
        "proposer with a courtesy word",
        "尊敬的王爱珍代表:\n您好!您所提的建议已收悉。",
        ("王爱珍", "人大代表"),
    ),
    ("signer", "签发人：赵志刚\n", ("赵志刚", "签发人")),
    ("contact with phone", "联系人：周敏；联系电话：0731-84822000", ("周敏", "联系人")),
    ("handler with mobile", "经办人姓名 陈晓\n联系电话 13812345678", ("陈晓", "经办人")),
    (
        "contact after its unit",
        "联系人：县卫生健康局 邝丽娟，联系电话：0753-4432186",
        ("邝丽娟", "联系人"),
    ),
    (
        "contact in brackets",
        "（联系人：医政医管处 方子涵，电话：0571-87709152）",
        ("方子涵", "联系人"),
    ),
    ("a unit is no person", "联系人：办公室\n联系电话：0731-84822000", None),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in PEOPLE_CASES], ids=[c[0] for c in PEOPLE_CASES]
)
def test_people(text: str, expected: tuple[str, str] | None) -> None:
    entities, _, _ = _extract(text)
    people = {(e.name, e.attributes["role"]) for e in entities if e.kind == "person"}
    assert people == ({expected} if expected else set())
    for entity in entities:
        for mention in entity.mentions:
            assert not re.search(r"\d{7}", mention.sentence)


# Member lists of committees and leading groups, in the layouts of real 成立…的通知 pages
# (国办函〔2019〕59号; 东府办函〔2003〕248号; a 太原 卫生 plan's working groups; the
# 阜蒙县 组成人员 attachment of tests/fixtures/real) and contact lines typeset with spaces.
MEMBER_LIST_CASES = [
    (
        "post after spaces, continuation lines, body from the 成立 sentence",
        "国务院成立健康中国行动推进委员会（以下简称推进委员会）。\n二、组成人员\n"
        "主 任：孙春兰  国务院副总理\n副主任：马晓伟  卫生健康委主任\n      陈宝生  教育部部长\n"
        "委 员：梁言顺  中央宣传部副部长\n      游 钧  人力资源社会保障部副部长\n"
        "推进委员会办公室设在卫生健康委。",
        {
            ("孙春兰", "健康中国行动推进委员会主任"),
            ("马晓伟", "健康中国行动推进委员会副主任"),
            ("陈宝生", "健康中国行动推进委员会副主任"),
            ("梁言顺", "健康中国行动推进委员会委员"),
            ("游钧", "健康中国行动推进委员会委员"),
        },
    ),
    (
        "posts in brackets, labels alone on their lines",
        "市政府决定成立市公共卫生体系建设领导小组。领导小组成员名单如下：\n"
        "组 长：张顺彩（市政府副市长）\n副组长：\n周华驹（市政府副秘书长）\n洪耀坚（市卫生局局长）\n"
        "成员：\n何伟森（市市政局）\n领导小组不设办公室，日常工作由市卫生局有关科室承担。",
        {
            ("张顺彩", "公共卫生体系建设领导小组组长"),
            ("周华驹", "公共卫生体系建设领导小组副组长"),
            ("洪耀坚", "公共卫生体系建设领导小组副组长"),
            ("何伟森", "公共卫生体系建设领导小组成员"),
        },
    ),
    (
        "working group named in the heading above",
        "（二）综合协调组\n组 长：安龙柱 （市政府办公厅副调研员）\n副组长：袁 琳 （市卫生局副调研员）\n"
        "王树红 （市教育局副局长）\n负责组织实施防控工作，及时掌握疫情信息。",
        {
            ("安龙柱", "综合协调组组长"),
            ("袁琳", "综合协调组副组长"),
            ("王树红", "综合协调组副组长"),
        },
    ),
    (
        "several labels on one line",
        "县卫生健康工作领导小组\n组　长：刘建军　副组长：陈明、赵丽华",
        {
            ("刘建军", "卫生健康工作领导小组组长"),
            ("陈明", "卫生健康工作领导小组副组长"),
            ("赵丽华", "卫生健康工作领导小组副组长"),
        },
    ),
    (
        "spaced labels, names padded to three columns, place dropped from the body",
        "阜蒙县健康专家委员会组成人员\n主 任 委员：杨  阳   县政府副县长\n"
        "副主任委员：张文远   县政府办公室主任\n委      员：韩天元   县卫生健康局副局长\n"
        "          姜  博   县住建局副局长",
        {
            ("杨阳", "健康专家委员会主任委员"),
            ("张文远", "健康专家委员会副主任委员"),
            ("韩天元", "健康专家委员会委员"),
            ("姜博", "健康专家委员会委员"),
        },
    ),
    ("member units are no people", "成员：县发改局、县财政局、县卫生健康局", set()),
    (
        "an academician",
        "北京中医药大学研修班入选高级研修班，陈可冀院士申报突出贡献中关村奖。",
        {("陈可冀", "院士")},
    ),
    ("an academy's academicians are no person", "聘请中国工程院院士担任顾问。", set()),
    (
        "contact label typeset with spaces",
        "联 系 人：蔡海燕   岳松涛\n联系电话：64010910",
        {("蔡海燕", "联系人"), ("岳松涛", "联系人")},
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in MEMBER_LIST_CASES], ids=[c[0] for c in MEMBER_LIST_CASES]
)
def test_member_lists_and_titles(text: str, expected: set[tuple[str, str]]) -> None:
    entities, _, _ = _extract(text)
    assert {(e.name, e.attributes["role"]) for e in entities if e.kind == "person"} == expected


# A table of units turned into text (the 部门 column of a county's 各部门政策制定重点领域
# table, tests/fixtures/real/fuxin…): bare bodies are the issuer's own level's.
TABLE_OF_UNITS = """附件1
各部门政策制定重点领域
部门
政策制定重点领域
宣传部（融媒体中心）
把健康文化作为社会主义精神文明建设的重要内容。
工信局
加强工业节能降耗，促进健康产业发展。
工会、团委、妇联等
开展健康促进活动。
健康环境
"""


def test_bodies_in_the_posts_of_a_member_list() -> None:
    # 阜蒙县健康专家委员会组成人员 (2020): names padded to three columns, then the post.
    text = (
        "委      员：韩天元   县卫生健康局副局长\n"
        "王立军   县生态保护局局长\n"
        "包晓光   县卫生健康局医政办公室主任\n"
        "李继红   县人民医院院长\n"
    )
    entities, _, _ = _extract(text, issuer="阜新蒙古族自治县卫生健康局")
    agencies = _names(entities, "agency")
    assert {"县卫生健康局", "县生态保护局"} <= agencies
    assert not any("办公室" in a for a in agencies)  # an office inside a bureau
    assert _names(entities, "hospital") == {"县人民医院"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 北京市中医管理局 (2021): the city's commission, named with no place at all.
        ("按照卫生健康委的统一部署，精简许可事项。", {"市卫生健康委"}),
        ("各级卫生健康委要加强领导。", set()),  # a quantifier: every level's
        ("各市（州）卫生健康委（中医药管理局）：", set()),  # a bracketed level before it
    ],
)
def test_a_bare_body_is_the_issuers_own_levels(text: str, expected: set[str]) -> None:
    entities, _, _ = _extract(text, issuer="北京市中医管理局")
    assert _names(entities, "agency") - {"北京市中医管理局"} == expected


def test_the_office_of_a_body_with_a_second_name() -> None:
    text = "海南省健康海南建设委员会（爱国卫生运动委员会）办公室承担“将健康融入所有政策”日常工作。"
    issuer = "海南省健康海南建设委员会（爱国卫生运动委员会）"
    entities, _, _ = _extract(text, issuer=issuer)
    assert issuer + "办公室" in _names(entities, "agency")


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        (
            "凤凰县人民政府办公室",
            {"县委宣传部", "县融媒体中心", "县工信局", "县工会", "县团委", "县妇联"},
        ),
        ("国家卫生健康委办公厅", set()),  # no place: a national table's cells are left alone
    ],
)
def test_units_of_a_table_column(issuer: str, expected: set[str]) -> None:
    entities, _, _ = _extract(TABLE_OF_UNITS, issuer=issuer)
    assert _names(entities, "agency") - {issuer} == expected


def test_league_committee_written_with_its_level_inside() -> None:
    entities, _, _ = _extract("（省卫生健康委、省总工会、团省委、省妇联按职责分工负责）")
    assert {"省卫生健康委", "省总工会", "团省委", "省妇联"} <= _names(entities, "agency")


TASK_TEXT = """三、重点任务
（一）提升县域医疗服务能力
1. 推进紧密型县域医共体建设。加快推进医共体内人员、财务统一管理。[责任单位：各县市区人民政府、市卫生健康委、市医保局]
2. 加强基层人才队伍建设。落实乡村医生待遇。（市卫生健康委牵头，市人力资源社会保障局、市财政局等按职责分工负责）
（二）完善保障机制
3. 落实财政投入政策。[责任单位：各县（市、区、高新区）、市财政局]
"""


def test_responsible_units_of_the_provinces_own_names_are_agencies() -> None:
    # 海南 (2025) joins tourism, culture, broadcasting and sport in one department.
    text = (
        "（一）加强健康教育。开展健康知识普及。"
        "（省教育厅、省旅游和文化广电体育厅、省管局按职责分工负责）\n"
    )
    entities, _, tasks = _extract(text, issuer="海南省人民政府办公厅")
    assert "省旅游和文化广电体育厅" in _names(entities, "agency")
    assert "省管局" not in _names(entities, "agency")  # two characters: too ambiguous
    assert "省旅游和文化广电体育厅" in tasks[0].responsible


JIANGXI_TASKS = """（一）健全健康优先发展机制。将落实健康优先战略纳入考核。（省委组织部、省发展改革委、省卫生健康委及各设区市人民政府、赣江新区管委会按职责分工负责。以下责任单位均包括各设区市人民政府、赣江新区管委会，不再列出）
（十一）开展健康城镇创建。持续推进健康城镇建设。（省卫生健康委、省发展改革委、省生态环境厅、省司法厅、省教育厅、省管局、省工业和信息化厅、省住房城乡建设厅、省自然资源厅、省农业农村厅、省体育局、省市场监管局、省红十字会、省计生协等按职责分工负责）
附件
（一）加强出生缺陷综合防治服务。完善早筛早诊早治机制。（省卫生健康委、省民政厅、省妇联按职责分工负责）
"""  # noqa: E501 (a real document's task lines, one a line)


def test_duty_clauses_with_a_note_a_long_list_and_an_annex_after_them() -> None:
    # 江西省人民政府办公厅 (2025) and 海南 (2025) layouts: a note after the list, fourteen
    # units in one clause, and a bare 附件 line before an appended plan.
    _, _, tasks = _extract(JIANGXI_TASKS, issuer="江西省人民政府办公厅")
    by_number = [(t.number, t.responsible) for t in tasks]
    assert by_number[0] == (
        "一",
        ["省委组织部", "省发展改革委", "省卫生健康委", "赣江新区管委会"],  # 各设区市: a class
    )
    assert by_number[1][0] == "十一" and len(by_number[1][1]) == 14
    assert by_number[2] == ("一", ["省卫生健康委", "省民政厅", "省妇联"])


def test_the_plan_a_notice_issues_is_no_programme() -> None:
    # 新乡市人民政府办公室 (2023): the plan's own heading follows the notice.
    text = "新乡市公共卫生体系建设三年行动计划(2023—2025年)\n为健康新乡建设奠定坚实基础。"
    title = "关于印发新乡市公共卫生体系建设三年行动计划(2023—2025年)的通知"
    entities = extract_entities(
        make_document(text), Header(issuer="新乡市人民政府办公室", title=title)
    )[0]
    assert _names(entities, "programme") == {"健康新乡"}


COUNTY_TASK_LINES = """1.落实积极应对人口老龄化国家战略,加快发展健康、养老、育幼等服务业。

牵头责任单位:县卫健委、县民政局

主要协作单位:各乡镇人民政府、经济开发区管委会,县政府有关部门、有关直属单位

2.加强重大公共卫生安全风险源头防控,切实保障人民群众生命安全

牵头责任单位:县卫健委
"""


def test_lead_and_partner_lines_under_each_item() -> None:
    # 灵璧县卫生健康委员会 (2021): labels on lines of their own, classes of units after them.
    _, _, tasks = _extract(COUNTY_TASK_LINES, issuer="灵璧县卫生健康委员会")
    assert [(t.number, t.responsible) for t in tasks] == [
        ("1", ["县卫健委", "县民政局"]),  # 经济开发区管委会: the 各 of its run reaches it
        ("2", ["县卫健委"]),
    ]


def test_tasks() -> None:
    _, _, tasks = _extract(TASK_TEXT)
    by_number = {t.number: t for t in tasks}
    assert set(by_number) == {"1", "2", "3"}
    assert by_number["1"].title == "推进紧密型县域医共体建设"
    assert by_number["1"].section == "（一）提升县域医疗服务能力"
    assert by_number["1"].responsible == ["市卫生健康委", "市医保局"]
    assert by_number["1"].responsible_text == ["各县市区人民政府", "市卫生健康委", "市医保局"]
    assert by_number["2"].lead == ["市卫生健康委"]
    assert by_number["2"].responsible == ["市卫生健康委", "市人力资源社会保障局", "市财政局"]
    assert by_number["3"].section == "（二）完善保障机制"
    assert by_number["3"].responsible == ["高新区", "市财政局"]


def test_contact_block_with_several_units_and_names() -> None:
    text = (
        "联系人：国家卫生健康委基层司 孙立群 010-68791947\n"
        "国家中医药局医政司 梁辰 010-59957713\n"
        "国家疾控局传染病防控司 韦晓舟、何静怡 010-68792952\n"
    )
    entities, _, _ = _extract(text)
    people = {(e.name, e.attributes["role"]) for e in entities if e.kind == "person"}
    assert people == {(n, "联系人") for n in ("孙立群", "梁辰", "韦晓舟", "何静怡")}
    assert {"国家中医药局医政司", "国家疾控局传染病防控司"} <= _names(entities, "agency")


PROVINCIAL_TASKS = """二、重点任务
（一）科学组建医共体。以县级医院为牵头单位组建医共体。（省卫生健康委牵头，省中医药局、各市〔州〕人民政府按职责分工负责）
（二）完善医保支付政策。推进DRG/DIP支付方式改革。（省医保局牵头，省财政厅、省卫生健康委等按职责分工负责）
（三）强化信息化支撑。建设区域医共体信息平台。责任单位：省卫生健康委、省大数据中心
三、保障措施
（一）加强组织领导。各地要纳入政府目标管理。
"""


def test_tasks_numbered_by_paragraph() -> None:
    _, _, tasks = _extract(PROVINCIAL_TASKS)
    by_number = {t.number: t for t in tasks}
    assert set(by_number) == {"一", "二", "三"}  # 保障措施 （一） has no duty clause
    assert by_number["一"].title == "科学组建医共体"
    assert by_number["一"].responsible == ["省卫生健康委", "省中医药局"]
    assert by_number["一"].lead == ["省卫生健康委"]
    assert by_number["二"].responsible == ["省医保局", "省财政厅", "省卫生健康委"]
    assert by_number["三"].responsible == ["省卫生健康委", "省大数据中心"]


DUTY_TEXT = """二、重点任务
（一）做实家庭医生签约服务。扩大重点人群签约覆盖面。（市医保局、市卫生健康委按职责分工负责）
（二）健全基层网底。推动村卫生室标准化建设。（市卫生健康委牵头，各乡〔镇〕人民政府、街道办事处、市财政局配合）
（三）建设城市医疗集团。在开福区、芙蓉区网格化布局。（市卫生健康委牵头，开福区、芙蓉区人民政府按职责分工负责）
（四）加强人才培养。鼓励基层医生进修。（县人社局牵头，各乡（镇）人民政府、街道办事处配合）
（五）加强宣传引导。营造良好氛围。（各地负责）
"""

DUTY_CASES = [
    # (number, responsible)
    ("一", ["市医保局", "市卫生健康委"]),  # no 牵头: a bracket of bodies that 负责
    ("二", ["市卫生健康委", "市财政局"]),  # 各 reaches 街道办事处, not 市财政局
    ("三", ["市卫生健康委", "开福区人民政府", "芙蓉区人民政府"]),  # shared head
    ("四", ["县人社局"]),  # a bracket inside the unit list
]


@pytest.mark.parametrize(("number", "responsible"), DUTY_CASES, ids=[c[0] for c in DUTY_CASES])
def test_duty_clauses(number: str, responsible: list[str]) -> None:
    _, _, tasks = _extract(DUTY_TEXT)
    by_number = {t.number: t for t in tasks}
    assert "五" not in by_number  # 各地 names no body
    assert by_number[number].responsible == responsible


FRAGMENTS = [
    "按照市委组织部、市卫健委的要求，",
    "湖北省人民医院与赤壁市人民医院签约。",
    "持续推广应用“智医助理”系统",
    "区人民医院",
    "我委",
    "承办人：付亚 0730-8206079",
    "1. 加强医共体建设。[责任单位：区卫生健康局、区医保局]",
    "（一）构建体系",
    "推进市人民医院医共体建设",
    "\n",
    "  ",
    "**",
]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12))
def test_every_mention_points_into_the_original_text(parts: list[str]) -> None:
    text = "".join(parts)
    document = make_document(text)
    entities, relations, tasks = extract_entities(document, Header(issuer="岳阳市卫生健康委员会"))
    mentions = [m for e in entities for m in e.mentions]
    mentions += [r.mention for r in relations if r.mention] + [
        t.mention for t in tasks if t.mention
    ]
    for mention in mentions:
        assert document.text[mention.start : mention.end] == mention.text


def test_mentions_map_through_a_cleaning_offset_map() -> None:
    text = "按照市卫 健委要求，湖北省人民医院与赤壁\n市人民医院签约。"
    clean = text.replace(" ", "").replace("\n", "")
    offsets = (*(i for i, ch in enumerate(text) if ch not in " \n"), len(text))
    document = Document(
        id="t", source="t.txt", path="t.txt", text=text, clean=clean, offsets=offsets
    )
    entities, _, _ = extract_entities(document, Header(issuer="岳阳市卫生健康委员会"))
    names = {e.name for e in entities}
    assert {"市卫健委", "湖北省人民医院", "赤壁市人民医院"} <= names
    for entity in entities:
        for mention in entity.mentions:
            assert document.text[mention.start : mention.end] == mention.text


PHONES = [
    "0730-8206079",
    "13971800781",
    "18107155863",
    "3083218",
    "0874—3121678",
    "3121678",
    "8206079",
    "437000",
]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    if hasattr(value, "__dataclass_fields__"):
        return [s for name in value.__dataclass_fields__ for s in _strings(getattr(value, name))]
    return []


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem[:3])
def test_no_phone_number_in_any_extracted_field(path: Path) -> None:
    document = ingest(path)
    extracted = extract_entities(document, Header(issuer="岳阳市卫生健康委员会"))
    for text in _strings(list(extracted)):
        for phone in PHONES:
            assert phone not in text, (phone, text)


COMPACTED = [
    # (clean text, compact text, clean index of each compact character and the end)
    # A wide gap separates columns: its first character stays for it.
    (
        "杨  鼎   县人民医院院长：",
        "杨鼎 县人民医院院长：",
        (0, 3, 4, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    ),
    ("县 人民 医院", "县人民医院", (0, 2, 3, 5, 6, 7)),
    ("医共体\u3000\u3000\u3000建设", "医共体\u3000建设", (0, 1, 2, 3, 6, 7, 8)),
    # Whitespace outside the gap characters (an em space) is never a column gap.
    ("甲\u2003\u2003\u2003乙", "甲乙", (0, 4, 5)),
    ("末尾   ", "末尾", (0, 1, 5)),
    # A title wrapped inside one paragraph goes on; a heading ends the line before it.
    (
        "关于印发基层慢性病\n一体化方案的通知",
        "关于印发基层慢性病一体化方案的通知",
        (*range(9), *range(10, 19)),
    ),
    (
        "一、总体要求\n（一）基本原则",
        "一、总体要求\n（一）基本原则",
        (0, 1, 2, 3, 4, 5, 5, *range(7, 15)),
    ),
    ("  首行缩进\n\n下一段。", "首行缩进\n下一段。", (2, 3, 4, 5, 5, 8, 9, 10, 11, 12)),
]


@pytest.mark.parametrize(("clean", "text", "idx"), COMPACTED)
def test_compact_keeps_one_character_of_a_column_gap(
    clean: str, text: str, idx: tuple[int, ...]
) -> None:
    view = compact(clean)
    assert (view.text, view.idx) == (text, idx)
