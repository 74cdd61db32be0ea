"""The scorer follows FORMAT.md: normalisation, aliases, citations by number or title."""

from __future__ import annotations

import pytest

from kg.evaluate import evaluate, norm

GOLD = {
    "a.txt": {
        "source": "a.txt",
        "document": {
            "number": "湘政办发〔2021〕79号",
            "issuer": "湖南省人民政府办公厅",
            "title": "关于促进基层卫生健康事业高质量发展的意见",
            "date": "2021-12-01",
            "type": "意见",
            "jurisdiction": "湖南省",
        },
        "answers": None,
        "cites": [
            {
                "number": "国办发〔2017〕32号",
                "title": "国务院办公厅关于推进医疗联合体建设和发展的指导意见",
            },
            {"number": None, "title": "医疗机构管理条例", "aliases": ["《医疗机构管理条例》"]},
        ],
        "agencies": [{"name": "湖南省卫生健康委员会", "aliases": ["省卫生健康委"]}],
        "hospitals": [],
        "consortia": [],
        "programmes": [
            {"name": "优质服务基层行", "core": True},
            {"name": "分级诊疗", "core": False},
        ],
        "tasks": [{"number": "1", "responsible": ["湖南省卫生健康委员会"]}],
        "people": [],
    }
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("湘政办发[2021]79 号", "湘政办发〔2021〕79号"),
        ("湘政办发（2021）79号", "湘政办发〔2021〕79号"),
        ("湘政办发【2021】79号", "湘政办发〔2021〕79号"),
        ("ＡＢＣ １２", "ABC12"),
        (None, None),
    ],
)
def test_norm(raw, expected) -> None:
    assert norm(raw) == expected


def test_perfect_prediction_scores_one() -> None:
    report = evaluate(GOLD, GOLD)
    for name, score in report.fields.items():
        assert score.f1 == 1.0, name


def test_bracket_variants_aliases_and_title_only_cites_match() -> None:
    predicted = {
        "a.txt": {
            "source": "a.txt",
            "document": {"number": "湘政办发[2021]79号"},
            "cites": [
                {"number": "国办发（2017）32号", "title": "某个不同的题目"},
                {"number": None, "title": "《医疗机构管理条例》"},
                {"number": "国卫医发〔2020〕13号", "title": None},
            ],
            "agencies": [{"name": "省卫生健康委"}, {"name": "省卫生健康委"}],
            "programmes": [{"name": "优质服务基层行"}, {"name": "分级诊疗"}, {"name": "健康中国"}],
            "tasks": [{"number": "1", "responsible": ["省卫生健康委", "湖南省财政厅"]}],
        }
    }
    report = evaluate(GOLD, predicted)
    assert report.fields["document.number"].f1 == 1.0
    cites = report.fields["cites"]
    assert (cites.tp, cites.fp, cites.fn) == (2, 1, 0)
    agencies = report.fields["agencies"]
    assert (agencies.tp, agencies.fp, agencies.fn) == (1, 0, 0)  # matched twice counts once
    core = report.fields["programmes.core"]
    assert (core.tp, core.fp, core.fn) == (1, 1, 0)  # 分级诊疗 is gold, only not core
    tasks = report.fields["tasks.responsible"]
    assert (tasks.tp, tasks.fp, tasks.fn) == (1, 1, 0)


def test_missing_prediction_is_reported() -> None:
    report = evaluate(GOLD, {})
    assert report.errors == ["no prediction for a.txt"]
    assert report.fields["cites"].recall == 0.0


@pytest.mark.parametrize(
    ("field", "gold", "predicted"),
    [
        ("type", "实施意见", "意见"),
        ("type", "工作方案", "方案"),
        ("type", "通知", "通知"),
        ("jurisdiction", "全国", "中华人民共和国"),
    ],
    ids=["compound-type-head", "plan-head", "same-type", "nation"],
)
def test_real_gold_conventions_for_the_header(field, gold, predicted) -> None:
    report = evaluate(
        {"a.txt": {"document": {field: gold}}}, {"a.txt": {"document": {field: predicted}}}
    )
    assert report.fields[f"document.{field}"].f1 == 1.0
    assert report.fields["document"].tp == (1 if field == "type" else 0)


def test_a_different_type_head_is_a_miss() -> None:
    report = evaluate(
        {"a.txt": {"document": {"type": "意见"}}}, {"a.txt": {"document": {"type": "通知"}}}
    )
    score = report.fields["document.type"]
    assert (score.tp, score.fp, score.fn) == (0, 1, 1)
    assert [(m.field, m.kind, m.value) for m in report.misses] == [
        ("document.type", "spurious", "通知"),
        ("document.type", "missed", "意见"),
    ]


@pytest.mark.parametrize(
    ("gold_number", "predicted_number"),
    [("（一）", "一"), ("5.", "5"), ("(3)", "3"), ("2、", "2"), ("十一", "（十一）")],
)
def test_task_numbers_match_without_brackets(gold_number, predicted_number) -> None:
    gold = {"a.txt": {"tasks": [{"number": gold_number, "responsible": ["江西省财政厅"]}]}}
    predicted = {
        "a.txt": {"tasks": [{"number": predicted_number, "responsible": ["江西省财政厅"]}]}
    }
    report = evaluate(gold, predicted)
    assert report.fields["tasks"].f1 == 1.0
    assert report.fields["tasks.responsible"].f1 == 1.0


def test_repeated_task_numbers_pair_by_title() -> None:
    """A provincial opinion with appended action plans numbers each plan from （一） again."""
    gold_tasks = [
        {"number": "（一）", "title": "加强学生心理健康教育", "responsible": ["海南省教育厅"]},
        {
            "number": "（一）",
            "title": "加强出生缺陷综合防治服务",
            "responsible": ["海南省卫生健康委员会"],
        },
    ]
    predicted_tasks = [
        {
            "number": "一",
            "title": "加强出生缺陷综合防治服务",
            "responsible": ["海南省卫生健康委员会"],
        },
        {
            "number": "一",
            "title": "加强学生心理健康教育和心理健康测试工作",
            "responsible": ["海南省教育厅"],
        },
    ]
    report = evaluate({"a.txt": {"tasks": gold_tasks}}, {"a.txt": {"tasks": predicted_tasks}})
    assert report.fields["tasks.responsible"].f1 == 1.0
    # Each plan's （一） is a task of its own: two predicted match two gold, one matches one.
    assert (report.fields["tasks"].tp, report.fields["tasks"].fn) == (2, 0)
    one = evaluate({"a.txt": {"tasks": gold_tasks}}, {"a.txt": {"tasks": predicted_tasks[:1]}})
    assert (one.fields["tasks"].tp, one.fields["tasks"].fn) == (1, 1)
    swapped = [dict(t, responsible=["海南省财政厅"]) for t in predicted_tasks]
    report = evaluate({"a.txt": {"tasks": gold_tasks}}, {"a.txt": {"tasks": swapped}})
    assert report.fields["tasks.responsible"].fp == 2


def test_issuers_of_a_joint_document_are_a_list_field() -> None:
    gold = {
        "a.txt": {
            "document": {
                "issuer": "国家卫生健康委员会办公厅",
                "issuers": ["国家卫生健康委员会办公厅", "中国残疾人联合会办公厅"],
            }
        }
    }
    predicted = {
        "a.txt": {
            "document": {
                "issuer": "国家卫生健康委员会办公厅",
                "issuers": ["国家卫生健康委员会办公厅"],
            }
        }
    }
    score = evaluate(gold, predicted).fields["document.issuers"]
    assert (score.tp, score.fp, score.fn) == (1, 0, 1)
