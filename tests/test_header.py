"""The header reader on documents of the genre: national, provincial, county, replies."""

from __future__ import annotations

import pytest

from kg.extraction.header import document_type, extract_header, qualify_body
from tests.factories import make_document

NATIONAL_NOTICE = """
国家卫生健康委办公厅

国卫办基层函〔2024〕123号

国家卫生健康委办公厅关于开展2024年“优质服务基层行”活动的通知

各省、自治区、直辖市及新疆生产建设兵团卫生健康委：

为贯彻落实《中共中央办公厅 国务院办公厅关于进一步深化改革促进乡村医疗卫生体系健康发展的意见》，现将有关事项通知如下。

国家卫生健康委办公厅

2024年3月5日

（信息公开形式：主动公开）
"""

PROVINCIAL_OPINION = """
湖北省人民政府办公厅文件

鄂政办发〔2023〕15号

湖北省人民政府办公厅关于推进紧密型县域医疗卫生共同体建设的
实施意见

各市、州、县人民政府，省政府各部门：

为深入推进紧密型县域医共体建设，经省人民政府同意，提出如下意见。

湖北省人民政府办公厅

2023年5月10日
"""

COUNTY_PLAN = """
宁乡市人民政府办公室

宁政办发[2022]8号

**宁乡市人民政府办公室
关于印发《宁乡市基层医疗卫生服务能力提升三年行动
实施方案》的通知**

各镇人民政府、街道办事处，市直各单位：

现将《宁乡市基层医疗卫生服务能力提升三年行动实施方案》印发给你们，请认真组织实施。

宁乡市人民政府办公室

二〇二二年七月八日

(此件主动公开)
"""

NPC_REPLY = """
长沙市卫生健康委员会

长卫函〔2022〕56号 B类 予以公开

关于市十六届人大一次会议第0123号建议的答复

李明代表：

您提出的《关于加强社区医院建设的建议》收悉，现答复如下：

一、关于社区医院建设

我委高度重视。

长沙市卫生健康委员会

2022年8月1日
"""

CPPCC_LETTER = """
邵阳市人民政府

邵政函〔2021〕77号

邵阳市人民政府关于市政协十二届五次会议第35号提案办理意见的函

九三学社邵阳市委：

你们提出的《关于加快发展智慧医疗的提案》，交由我市办理，现答复如下：

一、总体情况
"""

JOINT_NOTICE = """

国家卫生健康委
国家中医药局
国家疾控局

文件

国卫基层发〔2024〕18 号

**国家卫生健康委 国家中医药局 国家疾控局关于印发
基层医疗卫生机构传染病防治能力提升行动方案
（2024—2027年）的通知**

各省、自治区、直辖市及新疆生产建设兵团卫生健康委、中医药局、疾控局：

现印发给你们，请认真贯彻落实。
"""

REPLY_LETTER = """

浙江省卫生健康委员会

浙卫函〔2024〕 89 号

**浙江省卫生健康委关于温州市申报省级区域医疗中心
建设项目的复函**

温州市卫生健康委：

你委请示收悉。
"""

LETTERHEAD_THEN_TITLE = """

正定县卫生健康局

关于县十七届人大三次会议第 12 号建议的答复

王建军代表：

您提出的关于提升村卫生室服务能力的建议收悉。现答复如下：
"""

TITLE_WITH_INNER_文种_WORD = """

湖南省卫生健康委员会文件

湘卫医发〔2025〕7号

**湖南省卫生健康委员会关于健全现代医院管理制度
加快公立医院改革发展的通知**

各市州卫生健康委：

现将有关事项通知如下。
"""

TITLE_WITH_INNER_规划 = """
江西省人民政府办公厅

赣府厅发〔2025〕3号

江西省人民政府办公厅关于落实区域卫生规划
促进优质医疗资源均衡布局的意见

各市、县（区）人民政府，省政府各部门：

经省政府同意，提出如下意见。
"""

DEPUTY_REPLY_WITH_OCCASION = """
株洲市卫生健康委员会

株卫函〔2025〕31号

**关于对市八届人大二次会议第0056号代表建议的答复**

张卫东代表：

您在市八届人大二次会议期间提出的关于加强基层中医药服务能力的建议收悉。现答复如下：
"""

PRIORITY_PROPOSAL_REPLY = """
衡阳市医疗保障局

关于市政协十三届四次会议第 118 号重点提案的答复

农工党衡阳市委：

你们在市政协十三届四次会议上提出的《关于完善门诊慢特病保障的提案》收悉，现答复如下：
"""

JOINT_TITLE_ISSUERS_WRAP = """
国家卫生健康委
财政部
国家医保局
文件

国卫财务发〔2023〕9号

**国家卫生健康委 财政部 人力资源社会保障部
国家医保局 国家中医药局关于完善乡镇卫生院
绩效工资政策的通知**

各省、自治区、直辖市卫生健康委、财政厅（局）：

现就有关事项通知如下。
"""

HEADER_CASES = [
    pytest.param(
        JOINT_TITLE_ISSUERS_WRAP,
        {
            "number": "国卫财务发〔2023〕9号",
            "title": "国家卫生健康委 财政部 人力资源社会保障部 国家医保局 国家中医药局"
            "关于完善乡镇卫生院绩效工资政策的通知",
            "type": "通知",
        },
        id="joint-title-list-of-issuers-wraps-before-关于",
    ),
    pytest.param(
        TITLE_WITH_INNER_文种_WORD,
        {
            "title": "湖南省卫生健康委员会关于健全现代医院管理制度加快公立医院改革发展的通知",
            "type": "通知",
        },
        id="bold-title-line-ends-in-制度-mid-title",
    ),
    pytest.param(
        TITLE_WITH_INNER_规划,
        {
            "title": "江西省人民政府办公厅关于落实区域卫生规划促进优质医疗资源均衡布局的意见",
            "type": "意见",
        },
        id="plain-title-line-ends-in-规划-mid-title",
    ),
    pytest.param(
        JOINT_NOTICE,
        {
            "number": "国卫基层发〔2024〕18号",
            "issuer": "国家卫生健康委",
            "title": "国家卫生健康委 国家中医药局 国家疾控局"
            "关于印发基层医疗卫生机构传染病防治能力提升行动方案（2024—2027年）的通知",
            "type": "通知",
        },
        id="joint-notice-title-goes-on-after-a-文种-line",
    ),
    pytest.param(
        REPLY_LETTER,
        {
            "issuer": "浙江省卫生健康委员会",
            "title": "浙江省卫生健康委关于温州市申报省级区域医疗中心建设项目的复函",
            "type": "函",
        },
        id="title-line-ending-like-a-body",
    ),
    pytest.param(
        LETTERHEAD_THEN_TITLE,
        {
            "issuer": "正定县卫生健康局",
            "title": "关于县十七届人大三次会议第12号建议的答复",
            "type": "答复",
        },
        id="letterhead-blank-line-title",
    ),
    pytest.param(
        NATIONAL_NOTICE,
        {
            "number": "国卫办基层函〔2024〕123号",
            "issuer": "国家卫生健康委办公厅",
            "title": "国家卫生健康委办公厅关于开展2024年“优质服务基层行”活动的通知",
            "date": "2024-03-05",
            "type": "通知",
            "disclosure": "主动公开",
            "addressees": ["各省、自治区、直辖市及新疆生产建设兵团卫生健康委"],
        },
        id="national-notice",
    ),
    pytest.param(
        PROVINCIAL_OPINION,
        {
            "number": "鄂政办发〔2023〕15号",
            "issuer": "湖北省人民政府办公厅",
            "title": "湖北省人民政府办公厅关于推进紧密型县域医疗卫生共同体建设的实施意见",
            "date": "2023-05-10",
            "type": "意见",
            "addressees": ["各市、州、县人民政府", "省政府各部门"],
        },
        id="provincial-opinion-letterhead-文件",
    ),
    pytest.param(
        COUNTY_PLAN,
        {
            "number": "宁政办发〔2022〕8号",
            "issuer": "宁乡市人民政府办公室",
            "title": "宁乡市人民政府办公室关于印发《宁乡市基层医疗卫生服务能力提升三年行动实施方案》的通知",
            "date": "2022-07-08",
            "type": "通知",
            "disclosure": "此件主动公开",
        },
        id="county-plan-bold-title-chinese-date",
    ),
    pytest.param(
        NPC_REPLY,
        {
            "number": "长卫函〔2022〕56号",
            "issuer": "长沙市卫生健康委员会",
            "title": "关于市十六届人大一次会议第0123号建议的答复",
            "date": "2022-08-01",
            "type": "答复",
            "disclosure": "B类 予以公开",
            "addressees": ["李明代表"],
        },
        id="npc-reply",
    ),
]


# Layouts of real web copies (tests/fixtures/real): the title on line 1 above the 文号,
# a page title above the document's own, signature blocks of several bodies on one or
# more lines separated by spaces, a body's second name in brackets, a seal mark, the
# date in brackets under the title, a report titled by its author.
WEB_COPY_TITLE_ABOVE_NUMBER = """
湖南省中医药管理局关于开展2024年中医药适宜技术推广培训的通知

湘中医药函〔2024〕12号

各市州卫生健康委：
现将有关事项通知如下。
湖南省中医药管理局
2024年3月2日
"""

PAGE_TITLE_ABOVE_NOTICE = """
城步苗族自治县“健康细胞”建设工作方案
日期： 2021-05-11 浏览量：211 来源：县卫生健康局
城卫发[2021] 9 号

关于印发《城步苗族自治县“健康细胞”
建设工作方案》的通知

各乡镇人民政府，县直各单位：
现将方案印发给你们。
城步苗族自治县卫生健康局
2021年5月6日
"""

JOINT_SIGNATURE_OVER_LINES = """
关于做好2025年基层卫生人才培训工作的通知

国卫办基层函〔2025〕41号

各省、自治区、直辖市卫生健康委、中医药局：
现将有关事项通知如下。

国家卫生健康委办公厅    国家中医药局综合司

国家疾控局综合司

2025年6月3日

（信息公开形式：主动公开）
"""

SECOND_NAME_IN_BRACKETS = """
湘健委〔2024〕3号
湖南省健康湖南建设委员会
（爱国卫生运动委员会）
关于印发《湖南省健康村镇建设
实施方案》的通知
各市州人民政府，委员会各成员单位：
现印发给你们。
湖南省健康湖南建设委员会
（爱国卫生运动委员会）（代章）
2024年5月9日
"""

DATE_UNDER_TITLE = """
国务院关于加快推进卫生健康人才队伍建设的意见

（2022年3月1日）
卫生健康人才是卫生健康事业发展的第一资源。
"""

REPORT_BY_ITS_AUTHOR = """
湖南省卫生健康委员会2023年度法治政府建设工作情况

一、主要举措
2023年，我委坚持依法行政。
"""

# A district's web copy (贵阳市云岩区, 2021): the 文号 and the title on one line.
NUMBER_AND_TITLE_ON_ONE_LINE = """
云府办发〔2021〕6号 云岩区人民政府办公室关于印发健康云岩行动实施方案的通知

各街道办事处、黔灵镇人民政府、区人民政府各部门、单位:

经区政府同意,现将《健康云岩行动实施方案》印发给你们,请认真贯彻执行。

                                                   云岩区人民政府办公室

                                                      2021年2月22日
"""

# A web page's table turned into text: the title cell ends in its column rule.
TITLE_IN_A_TABLE_CELL = """
绍兴市卫生计生委关于印发2016年绍兴市卫生计生工作总结和2017年绍兴市卫生计生工作要点的通知 |
各区、县(市)卫生计生局、各直属医疗卫生计生单位、各处室:
《2016年绍兴市卫生计生工作总结》已经委主任办公会议通过,现予以下发,请贯彻执行。
绍兴市卫生计生委
2017年2月22日
"""

# 国务院中医药工作部际联席会议办公室 (2017): another body's seal under the signature.
SEALED_BY_ANOTHER_BODY = """
关于印发中医药发展战略规划纲要（2016—2030年）实施分工方案的通知

各省、自治区、直辖市人民政府，国务院中医药工作部际联席会议各成员单位：

现将实施分工方案印发给你们，请认真落实。

国务院中医药工作部际联席会议办公室
（国家中医药管理局代章）
2017年2月10日
"""

# A county bureau's web page (灵璧县, 2021): no signature, the publisher in a metadata line.
PUBLISHER_IN_A_METADATA_LINE = """
县卫健委2021年政府工作报告任务分解

文章来源:灵璧县卫生健康委员会 浏览量: 发表时间:2021-05-07 10:49 责任编辑:卫健委政务公开

1.落实积极应对人口老龄化国家战略。
"""

REAL_LAYOUT_CASES = [
    pytest.param(
        PUBLISHER_IN_A_METADATA_LINE,
        {"issuer": "灵璧县卫生健康委员会", "date": None},
        id="publisher-in-a-metadata-line",
    ),
    pytest.param(
        SEALED_BY_ANOTHER_BODY,
        {"issuer": "国务院中医药工作部际联席会议办公室", "date": "2017-02-10", "type": "通知"},
        id="signature-sealed-by-another-body",
    ),
    pytest.param(
        TITLE_IN_A_TABLE_CELL,
        {
            "title": "绍兴市卫生计生委关于印发2016年绍兴市卫生计生工作总结和2017年绍兴市卫生计生工作要点的通知",
            "type": "通知",
            "issuer": "绍兴市卫生计生委",
            "date": "2017-02-22",
        },
        id="title-in-a-table-cell",
    ),
    pytest.param(
        NUMBER_AND_TITLE_ON_ONE_LINE,
        {
            "number": "云府办发〔2021〕6号",
            "title": "云岩区人民政府办公室关于印发健康云岩行动实施方案的通知",
            "type": "通知",
            "issuer": "云岩区人民政府办公室",
            "date": "2021-02-22",
        },
        id="文号-and-title-on-one-line",
    ),
    pytest.param(
        WEB_COPY_TITLE_ABOVE_NUMBER,
        {
            "number": "湘中医药函〔2024〕12号",
            "title": "湖南省中医药管理局关于开展2024年中医药适宜技术推广培训的通知",
            "type": "通知",
            "issuer": "湖南省中医药管理局",
            "date": "2024-03-02",
        },
        id="web-copy-title-above-文号",
    ),
    pytest.param(
        PAGE_TITLE_ABOVE_NOTICE,
        {
            "number": "城卫发〔2021〕9号",
            "title": "关于印发《城步苗族自治县“健康细胞”建设工作方案》的通知",
            "type": "通知",
            "issuer": "城步苗族自治县卫生健康局",
            "date": "2021-05-06",
        },
        id="page-title-above-the-notice-title",
    ),
    pytest.param(
        JOINT_SIGNATURE_OVER_LINES,
        {
            "issuer": "国家卫生健康委办公厅",
            "issuers": ["国家卫生健康委办公厅", "国家中医药局综合司", "国家疾控局综合司"],
            "title": "关于做好2025年基层卫生人才培训工作的通知",
            "date": "2025-06-03",
            "disclosure": "主动公开",
        },
        id="joint-signature-over-two-lines",
    ),
    pytest.param(
        SECOND_NAME_IN_BRACKETS,
        {
            "issuer": "湖南省健康湖南建设委员会（爱国卫生运动委员会）",
            "title": "湖南省健康湖南建设委员会（爱国卫生运动委员会）关于印发《湖南省健康村镇建设实施方案》的通知",
            "type": "通知",
            "date": "2024-05-09",
        },
        id="second-name-in-brackets-and-seal-mark",
    ),
    pytest.param(
        DATE_UNDER_TITLE,
        {
            "issuer": "国务院",
            "title": "国务院关于加快推进卫生健康人才队伍建设的意见",
            "type": "意见",
            "date": "2022-03-01",
        },
        id="date-in-brackets-under-the-title",
    ),
    pytest.param(
        REPORT_BY_ITS_AUTHOR,
        {
            "issuer": "湖南省卫生健康委员会",
            "title": "湖南省卫生健康委员会2023年度法治政府建设工作情况",
            "type": "报告",
            "date": None,
        },
        id="report-titled-by-its-author",
    ),
]


@pytest.mark.parametrize(("text", "expected"), HEADER_CASES + REAL_LAYOUT_CASES)
def test_header_fields(text: str, expected: dict) -> None:
    header, _ = extract_header(make_document(text))
    for field, value in expected.items():
        assert getattr(header, field) == value, field


NATIONAL_PROPOSAL_LETTER = """
关于政协十四届全国委员会第二次会议第 1288 号（医疗卫生类 97 号）提案答复的函

国卫提函〔2024〕210 号

您提出的《关于加强县域医共体人才建设的提案》收悉，现答复如下：

一、关于人才培养
"""

NATIONAL_SUGGESTION_REPLY = """
对十四届全国人大二次会议第5678号建议的答复

国卫建函〔2024〕55号

王明代表：

您提出的关于完善乡村医生养老保障的建议收悉。现答复如下：
"""

PROVINCIAL_FORMAL_PROPOSAL = """
关于政协湖南省第十二届委员会第二次会议第0456号提案的答复

湘卫提复〔2024〕8号

民盟湖南省委：

你们提出的《关于加强基层儿科建设的提案》收悉，现答复如下：
"""

# 高平市卫生健康和体育局 (2023): the title over three lines, the proposal quoted in “”.
COUNTY_REPLY_QUOTED_IN_MARKS = """
高平市卫生健康和体育局
关于对市七届人大五次会议第71号建议的
答 复
高卫体发〔2023〕148号
尊敬的王爱珍代表:
您好!您所提的“关于改善神农卫生院就医环境的建议”已收悉,我局高度重视。现答复如下:
"""

ANSWER_CASES = [
    pytest.param(
        COUNTY_REPLY_QUOTED_IN_MARKS,
        {
            "body": "市人大",
            "session": "七届五次会议",
            "kind": "建议",
            "number": "71",
            "title": "关于改善神农卫生院就医环境的建议",
            "proposer": "王爱珍",
        },
        id="county-reply-title-in-quotation-marks-and-a-courtesy-word",
    ),
    pytest.param(
        NATIONAL_PROPOSAL_LETTER,
        {
            "body": "全国政协",
            "session": "十四届二次会议",
            "kind": "提案",
            "number": "1288",
            "title": "关于加强县域医共体人才建设的提案",
            "proposer": None,
        },
        id="formal-session-name-全国委员会-with-a-category-number",
    ),
    pytest.param(
        NATIONAL_SUGGESTION_REPLY,
        {
            "body": "全国人大",
            "session": "十四届二次会议",
            "kind": "建议",
            "number": "5678",
            "proposer": "王明",
        },
        id="formal-session-name-全国人大",
    ),
    pytest.param(
        PROVINCIAL_FORMAL_PROPOSAL,
        {
            "body": "湖南省政协",
            "session": "十二届二次会议",
            "kind": "提案",
            "number": "0456",
            "proposer": "民盟湖南省委",
        },
        id="formal-session-name-of-a-province",
    ),
    pytest.param(
        DEPUTY_REPLY_WITH_OCCASION,
        {
            "body": "市人大",
            "session": "八届二次会议",
            "kind": "建议",
            "number": "0056",
            "title": "关于加强基层中医药服务能力的建议",
            "proposer": "张卫东",
        },
        id="代表建议-and-a-clause-before-提出的",
    ),
    pytest.param(
        PRIORITY_PROPOSAL_REPLY,
        {
            "body": "市政协",
            "session": "十三届四次会议",
            "kind": "提案",
            "number": "118",
            "title": "关于完善门诊慢特病保障的提案",
            "proposer": "农工党衡阳市委",
        },
        id="重点提案",
    ),
    pytest.param(
        NPC_REPLY,
        {
            "body": "市人大",
            "session": "十六届一次会议",
            "kind": "建议",
            "number": "0123",
            "title": "关于加强社区医院建设的建议",
            "proposer": "李明",
        },
        id="npc-suggestion-session-inside-body",
    ),
    pytest.param(
        CPPCC_LETTER,
        {
            "body": "市政协",
            "session": "十二届五次会议",
            "kind": "提案",
            "number": "35",
            "title": "关于加快发展智慧医疗的提案",
            "proposer": "九三学社邵阳市委",
        },
        id="cppcc-letter-party-proposer",
    ),
    pytest.param(
        LETTERHEAD_THEN_TITLE.replace("关于县十七届", "关于对省十四届"),
        {
            "body": "省人大",
            "session": "十四届三次会议",
            "kind": "建议",
            "number": "12",
            "proposer": "王建军",
        },
        id="关于对-opens-the-title",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ANSWER_CASES)
def test_reply_answers(text: str, expected: dict) -> None:
    _, answered = extract_header(make_document(text))
    assert answered is not None
    assert {k: getattr(answered, k) for k in expected} == expected


def test_a_notice_answers_nothing() -> None:
    _, answered = extract_header(make_document(NATIONAL_NOTICE))
    assert answered is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("国务院办公厅关于推进医疗联合体建设和发展的指导意见", "意见"),
        ("关于印发《某某实施方案》的通知", "通知"),
        ("关于市政协五届二次会议第152号提案办理意见的函", "函"),
        ("湖南省基层卫生人才能力提升培训项目实施方案", "方案"),
        ("医疗机构管理条例", "条例"),
        ("健康中国行动", None),
        ("浙江省卫生健康委关于温州市申报项目的复函", "函"),
    ],
)
def test_document_type(title: str, expected: str | None) -> None:
    assert document_type(title) == expected


@pytest.mark.parametrize(
    ("body", "jurisdiction", "expected"),
    [
        ("市政协", "山东省枣庄市市中区", "枣庄市政协"),
        ("市人大", "湖北省咸宁市", "咸宁市人大"),
        ("区政协", "湖南省益阳市资阳区", "资阳区政协"),
        ("省政协", "广东省广州市", "广东省政协"),
        ("岳阳市政协", "湖南省岳阳市", "岳阳市政协"),
        ("市政协", None, "市政协"),
        ("市人大", "山西省晋城市高平市", "高平市人大"),  # a county-level city's own
    ],
)
def test_relative_body_is_placed_by_jurisdiction(body, jurisdiction, expected) -> None:
    assert qualify_body(body, jurisdiction) == expected
