"""Citations by 文号, by 《title》 and by both, on sentences of the genre."""

from __future__ import annotations

import pytest

from kg.extraction.citations import extract_citations, is_document_title
from kg.extraction.header import extract_header
from tests.factories import make_document

HEAD = (
    "某某市卫生健康委员会\n\n某卫发〔2024〕1号\n\n"
    "某某市卫生健康委员会关于做好基层卫生工作的通知\n\n各县市区卫生健康局：\n\n"
)

CASES = [
    pytest.param(
        "根据《国务院办公厅关于推进医疗联合体建设和发展的指导意见》（国办发〔2017〕32号）和《“健康中国2030”规划纲要》要求，制定本方案。",
        [
            ("国办发〔2017〕32号", "国务院办公厅关于推进医疗联合体建设和发展的指导意见"),
            (None, "“健康中国2030”规划纲要"),
        ],
        id="title-with-number-and-title-only",
    ),
    pytest.param(
        # 鄂尔多斯市人民政府办公室 (2024): the notice names the plan it issues, not a citation.
        "《鄂尔多斯市进一步完善医疗卫生服务体系实施方案》已经市人民政府2024年第7次常务会议审议通过,"
        "现印发给你们。为深入贯彻《内蒙古自治区人民政府办公厅关于印发进一步完善医疗卫生服务体系实施方案的通知》"
        "(内政办发〔2023〕61号)要求,制定本方案。",
        [
            (
                "内政办发〔2023〕61号",
                "内蒙古自治区人民政府办公厅关于印发进一步完善医疗卫生服务体系实施方案的通知",
            )
        ],
        id="the-text-the-notice-issues-is-no-citation",
    ),
    pytest.param(
        "按照国卫基层发〔2023〕12号文件要求，做好相关工作。",
        [("国卫基层发〔2023〕12号", None)],
        id="number-only",
    ),
    pytest.param(
        "认真学习《人民日报》评论员文章和《健康报》有关报道。",
        [],
        id="newspapers-are-not-documents",
    ),
    pytest.param(
        "严格执行《医疗机构管理条例》和《中华人民共和国基本医疗卫生与健康促进法》。",
        [(None, "医疗机构管理条例"), (None, "中华人民共和国基本医疗卫生与健康促进法")],
        id="regulation-and-law-titles",
    ),
    pytest.param(
        "省卫生健康委印发了《关于做好家庭医生签约服务工作的通知》(湘卫基层发[2021]5 号)。"
        "湘卫基层发〔2021〕5号明确要求，各地要加强督导。",
        [("湘卫基层发〔2021〕5号", "关于做好家庭医生签约服务工作的通知")],
        id="two-mentions-merge-bracket-variants",
    ),
    pytest.param(
        "转发《国家卫生健康委关于印发医疗机构检查检验结果互认管理办法的通知》"
        "（国卫医发〔2022〕6号），并结合《医疗机构检查检验结果互认管理办法》做好互认。",
        [
            ("国卫医发〔2022〕6号", "国家卫生健康委关于印发医疗机构检查检验结果互认管理办法的通知"),
            (None, "医疗机构检查检验结果互认管理办法"),
        ],
        id="notice-and-the-measures-it-issues",
    ),
    pytest.param(
        "参照《公立医院高质量发展评价指标（试行）》开展评价。",
        [(None, "公立医院高质量发展评价指标（试行）")],
        id="title-with-trailing-qualifier",
    ),
    pytest.param(
        "新建院区按照《无障碍设计规范》（GB 50763-2012）和《综合医院建筑设计规范》（GB 51039—2014）建设。",
        [("GB 50763-2012", "无障碍设计规范"), ("GB 51039—2014", "综合医院建筑设计规范")],
        id="standards-with-their-numbers",
    ),
    pytest.param(
        "依据《某某市基层卫生人才培训工作方案》（以下简称《方案》），严格按照《方案》要求组织培训。",
        [(None, "某某市基层卫生人才培训工作方案")],
        id="a-文种-alone-is-a-short-name",
    ),
    pytest.param(
        "请按照《某某市基层卫生人才培训工作方案》组织实施。\n附件：1．某某市基层卫生人才培训工作方案\n"
        "2．某某市基层卫生人才培训报名表\n依据《医师法》。",
        [(None, "医师法")],
        id="the-notice's-own-附件-are-not-cited",
    ),
]


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_citations(body: str, expected: list[tuple[str | None, str | None]]) -> None:
    document = make_document(HEAD + body)
    header, answered = extract_header(document)
    citations = extract_citations(document, header, answered)
    assert [(c.number, c.title) for c in citations] == expected


def test_own_number_and_title_are_not_citations() -> None:
    document = make_document(
        HEAD
        + "现将《某某市卫生健康委员会关于做好基层卫生工作的通知》印发给你们（某卫发〔2024〕1号）。"
    )
    header, answered = extract_header(document)
    assert extract_citations(document, header, answered) == []


def test_the_text_a_notice_issues_is_not_cited_under_its_placed_name() -> None:
    text = (
        "某某市卫生健康委员会关于印发《乡村医生培训管理办法》的通知\n\n各区卫生健康委：\n\n"
        "我委制定了《某某市乡村医生培训管理办法》，现印发给你们。根据《乡村医生从业管理条例》执行。"
    )
    document = make_document(text)
    header, answered = extract_header(document)
    assert [c.title for c in extract_citations(document, header, answered)] == [
        "乡村医生从业管理条例"
    ]


def test_answered_proposal_is_not_a_citation() -> None:
    text = (
        "某市卫生健康委员会\n\n关于市政协十届三次会议第12号提案的答复\n\n王某委员：\n\n"
        "您提出的《关于加强乡村医生队伍建设的提案》收悉。根据《乡村医生从业管理条例》，现答复如下。"
    )
    document = make_document(text)
    header, answered = extract_header(document)
    assert [c.title for c in extract_citations(document, header, answered)] == [
        "乡村医生从业管理条例"
    ]


def test_mentions_point_at_the_original_text() -> None:
    text = (
        HEAD + "按照《关于促进基层卫生健康事业高质量发展的意见》\n\n（湘政办发〔2021〕79 号）要求。"
    )
    document = make_document(text)
    header, answered = extract_header(document)
    (citation,) = extract_citations(document, header, answered)
    assert citation.number == "湘政办发〔2021〕79号"
    (mention,) = citation.mentions
    assert document.text[mention.start : mention.end] == mention.text
    assert mention.text.startswith("《关于促进") and mention.text.endswith("79 号")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("医共体章程", True),
        ("议事规则", True),
        ("关于进一步加强乡村医生队伍建设的实施意见", True),
        ("人民日报", False),
        ("健康中国行动", False),
        ("省统筹区域人口健康信息平台应用功能指引", True),
        ("中华人民共和国药典", True),  # the pharmacopoeia is a statutory standard
    ],
)
def test_is_document_title(title: str, expected: bool) -> None:
    assert is_document_title(title) is expected
