"""The benchmark corpus generator: deterministic, varied, and readable by the project.

Fifty documents are generated once per module (a fraction of a second); every test
reads them.  The checks hold the generator to its promises: same seed, same bytes;
the project's own 文号 parser finds each document's number; the manifest's citations
point at documents that exist and are printed in the text; ingest reads every file.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path
from random import Random
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import docno
from kg.errors import ConfigError, DocNumberError
from kg.ingest import ingest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "benchmarks" / "generate_corpus.py"
CATALOGUE = REPO / "kg" / "data" / "policy-catalogue" / "national_health_policies.csv"
COUNT = 50


def _load() -> ModuleType:
    # benchmarks/ is a folder of scripts, not a package: load the file as a module.
    spec = importlib.util.spec_from_file_location("generate_corpus", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_corpus"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


gc = _load()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("bench") / "corpus"
    manifest = out.parent / "manifest.json"
    gc.generate(COUNT, out, seed=7, manifest=manifest)
    return out, json.loads(manifest.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def docs(corpus: tuple[Path, dict]) -> list[dict]:
    return corpus[1]["documents"]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.txt"))}


def _catalogue_numbers() -> set[str]:
    numbers = set()
    with CATALOGUE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["number"].strip():
                try:
                    numbers.add(docno.normalise(row["number"]))
                except DocNumberError:  # a catalogue number the parser rejects is not citable
                    continue
    return numbers


# ------------------------------------------------------------------ determinism


def test_same_seed_same_bytes(corpus: tuple[Path, dict], tmp_path: Path) -> None:
    out, manifest = corpus
    again = tmp_path / "again"
    gc.generate(COUNT, again, seed=7, manifest=tmp_path / "m.json")
    assert _files(again) == _files(out)
    assert json.loads((tmp_path / "m.json").read_text(encoding="utf-8")) == manifest


def test_another_seed_another_corpus(corpus: tuple[Path, dict], tmp_path: Path) -> None:
    gc.generate(10, tmp_path / "other", seed=8)
    first = _files(corpus[0])
    assert not set(_files(tmp_path / "other").values()) & set(first.values())


def test_writes_count_files_named_in_date_order(
    corpus: tuple[Path, dict], docs: list[dict]
) -> None:
    names = sorted(_files(corpus[0]))
    assert len(names) == COUNT
    assert names == [d["file"] for d in docs]
    assert [d["date"] for d in docs] == sorted(d["date"] for d in docs)


def test_refuses_to_mix_with_an_earlier_run(corpus: tuple[Path, dict]) -> None:
    with pytest.raises(ConfigError, match="overwrite"):
        gc.generate(3, corpus[0], seed=7)


def test_rejects_a_bad_count(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="at least 1"):
        gc.generate(0, tmp_path / "none")


# ------------------------------------------------------------------ variety


def test_varied_levels_types_and_issuers(docs: list[dict]) -> None:
    levels = Counter(d["level"] for d in docs)
    types = Counter(d["type"] for d in docs)
    assert {"provincial", "prefecture", "county"} <= set(levels)
    assert "答复" in types and "通知" in types and len(types) >= 4
    assert len({d["issuer"] for d in docs}) >= 25
    assert len({docno.parse(d["number"]).agency_code for d in docs}) >= 25


@pytest.mark.parametrize(
    ("label", "pattern"),
    [
        pytest.param("task list", r"\[责任单位：[^\]]+、[^\]]+\]", id="responsible-units"),
        pytest.param(
            "lead sentence", r"（[^（）]+牵头，[^（）]+等按职责分工负责）", id="lead-and-others"
        ),
        pytest.param("consortium", r"牵头.{0,40}医共体|医共体由.{2,30}牵头", id="consortium-lead"),
        pytest.param("member sentence", r"成员单位", id="consortium-members"),
        pytest.param("township centre", r"[镇乡](中心)?卫生院", id="township-centre"),
        pytest.param("community centre", r"街道社区卫生服务中心", id="community-centre"),
        pytest.param("hospital", r"(人民医院|中医医院)", id="hospital"),
        pytest.param(
            "programme", r"“(优质服务基层行|家庭医生签约服务|智医助理|千县工程)”", id="programme"
        ),
        pytest.param("proposal reply", r"第 ?\d+ ?号(提案|建议)", id="reply-title"),
        pytest.param("salutation", r"\n[^\n]{2,12}(委员|代表|委)：\n", id="salutation"),
        pytest.param("cited title+number", r"》[（(][^（）()]+号[）)]", id="title-number"),
        pytest.param("bold", r"\*\*[^*\n]+\*\*", id="bold"),
        pytest.param("space before 号", r"\d 号", id="spaced-number"),
        pytest.param(
            "page break",
            r"[\u4e00-\u9fff]\n\n \n?[\u4e00-\u9fff]|[\u4e00-\u9fff]\n\n[\u4e00-\u9fff]{1,3}[，。]",
            id="page-break",
        ),
        pytest.param("signature date", r"\n\d{4}年\d{1,2}月\d{1,2}日\n", id="date"),
    ],
)
def test_structures_of_the_genre_appear(
    corpus: tuple[Path, dict], label: str, pattern: str
) -> None:
    texts = [b.decode("utf-8") for b in _files(corpus[0]).values()]
    assert any(re.search(pattern, t) for t in texts), f"no {label} in {COUNT} documents"


def test_no_telephone_numbers(corpus: tuple[Path, dict]) -> None:
    for name, data in _files(corpus[0]).items():
        text = data.decode("utf-8")
        assert not re.search(r"\d{7,}|\d{3,4}[-—]\d{7,8}|电话", text), name


# ------------------------------------------------------------------ numbers and citations


def test_own_number_found_by_the_project_parser(
    corpus: tuple[Path, dict], docs: list[dict]
) -> None:
    for d in docs:
        text = (corpus[0] / d["file"]).read_text(encoding="utf-8")
        found = {m.number.canonical for m in docno.find_all(text)}
        assert d["number"] in found, (d["file"], d["number"], sorted(found))


def test_numbers_are_unique(docs: list[dict]) -> None:
    numbers = [d["number"] for d in docs]
    assert len(set(numbers)) == len(numbers)


def test_citations_point_at_existing_documents(corpus: tuple[Path, dict], docs: list[dict]) -> None:
    catalogue = _catalogue_numbers()
    earlier: set[str] = set()
    forms: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    for d in docs:
        text = (corpus[0] / d["file"]).read_text(encoding="utf-8")
        printed = {m.number.canonical for m in docno.find_all(text)}
        for c in d["cites"]:
            forms[c["form"]] += 1
            sources[c["source"]] += 1
            if c["source"] == "generated":
                assert c["number"] in earlier, (d["file"], c)  # only earlier documents are cited
            elif c["number"] is not None:
                assert c["number"] in catalogue, (d["file"], c)
            if c["form"] != "title":
                assert c["number"] in printed, (d["file"], c)
            if c["form"] != "number":
                assert f"《{c['title']}》" in text, (d["file"], c)
        earlier.add(d["number"])
    assert set(forms) == {"title+number", "number", "title"}
    assert set(sources) == {"generated", "catalogue"}


def test_manifest_names_well_cited_numbers(corpus: tuple[Path, dict], docs: list[dict]) -> None:
    manifest = corpus[1]
    counts = Counter(c["number"] for d in docs for c in d["cites"] if c["number"])
    top = manifest["most_cited"][0]
    assert top["cited_by"] == max(counts.values()) >= 2
    assert counts[top["number"]] == top["cited_by"]
    own = {d["number"] for d in docs}
    assert all(e["number"] in own for e in manifest["most_cited_generated"])


# ------------------------------------------------------------------ the project reads it


def test_ingest_reads_every_file(corpus: tuple[Path, dict]) -> None:
    for path in sorted(corpus[0].glob("*.txt")):
        document = ingest(path)
        assert document.encoding.replace("-", "").lower().startswith("utf8")
        assert document.text == path.read_text(encoding="utf-8")
        assert "**" not in document.clean  # bold markers are cleaned away


# ------------------------------------------------------------------ helpers


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "一"), (9, "九"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五")],
)
def test_chinese_numerals(n: int, expected: str) -> None:
    assert gc._cn(n) == expected


@settings(max_examples=200, deadline=None)
@given(
    code=st.sampled_from(
        ["湘政办发", "岳卫函", "国卫办基层函", "益资政办发", "医保发", "鄂卫计字"]
    ),
    year=st.integers(min_value=1990, max_value=2030),
    serial=st.integers(min_value=1, max_value=999),
    seed=st.integers(min_value=0, max_value=2**32),
    header=st.booleans(),
)
def test_every_printed_form_parses_to_the_canonical_number(
    code: str, year: int, serial: int, seed: int, header: bool
) -> None:
    printed = gc.print_number(Random(seed), code, year, serial, header=header)
    canonical = f"{code}〔{year}〕{serial}号"
    assert docno.normalise(printed) == canonical
    found = docno.find_all(f"按照{printed}文件要求")
    assert [m.number.canonical for m in found] == [canonical]


def test_cli_prints_progress_and_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "m.json"
    assert (
        gc.main(
            [
                "--count",
                "5",
                "--out",
                str(tmp_path / "c"),
                "--seed",
                "3",
                "--manifest",
                str(manifest),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "5/5 documents" in printed
    assert re.search(r"wrote 5 files, [0-9.]+ MB, .* in [0-9.]+ s", printed)
    assert json.loads(manifest.read_text(encoding="utf-8"))["count"] == 5
