"""`kg build` over good documents mixed with every kind of bad input (issue 14, part 2).

The real `kg` entry point builds a folder of real documents (tests/fixtures/real)
and the bad inputs of tests/fixtures/bad, plus those that cannot sensibly be
committed, made here in tmp_path: a 50 MB file, a 200,000-character line, regex
bait, links that loop or point nowhere, a named pipe, an unreadable file, a
duplicate, two documents with one 文号 and odd file names.  Asserted: the build
finishes; `--report` gives each file the outcome of the table with a reason that
says what was wrong; every good document is in the store with its 文号; the search
index holds exactly the store's documents.  Then the per-document time limit, with
one worker and with a process pool, on a file that is slow for real.  Root reads a
file of mode 000, so under root the unreadable file is also built by ``nobody``
(setpriv), for whom it is unreadable.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kg.build import indexed_sources
from kg.config import DEFAULT_IRI_BASE
from kg.rdf import catalogue_graph_iri
from kg.search import SearchIndex, index_path
from kg.store import Store

REPO = Path(__file__).resolve().parent.parent
KG = Path(sys.executable).parent / "kg"
REAL = REPO / "tests" / "fixtures" / "real"
BAD = REPO / "tests" / "fixtures" / "bad"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOBODY = 65534


def real_text(name: str) -> str:
    return (REAL / f"{name}.txt").read_text(encoding="utf-8")


def real_number(name: str) -> str | None:
    gold = json.loads((REAL / f"{name}.json").read_text(encoding="utf-8"))
    return gold["document"]["number"]


# Good documents under plain names: source → real document.
GOOD = {
    "nhc_disability_friendly.txt": "nhc_disability_friendly_medical_institutions_opinions_2025",
    "moh_severe_mental_illness.txt": "moh_severe_mental_illness_norms_notice_2012",
    "jiangxi_health_in_all_policies.txt": "jiangxi_gov_office_health_in_all_policies_2025",
    "beijing_cme_projects.txt": "beijing_tcm_cme_projects_notice_2021",
}
# Good documents under odd names (the file system allows a newline in a name).
ODD_NAMES = {
    "带 空格 的 文件名.txt": "moe_reply_cppcc_4404_youth_health_2020",
    "国家卫生健康委为民服务实事.txt": "nhc_2026_public_service_projects_letter_2026",
    "-leading-dash.txt": "nhc_ai_plus_healthcare_implementation_opinions_2025",
    "海南省" + "将健康融入所有政策实施方案" * 5 + ".txt": "hainan_health_in_all_policies_2025",
    "line\nbreak.txt": "fuxin_county_health_in_all_policies_2020",
}
SHARED_NUMBER = real_number("nhc_disability_friendly_medical_institutions_opinions_2025")
IMPOSTOR_BASE = "beijing_tcm_bureau_covid_training_notice_2020"


def _write(name: str, data: bytes | str) -> Callable[[Path], None]:
    def make(corpus: Path) -> None:
        path = corpus / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)

    return make


def _fixture(name: str) -> Callable[[Path], object]:
    return lambda corpus: shutil.copyfile(BAD / name, corpus / name)


def _fifty_megabytes(corpus: Path) -> None:
    chunk = real_text("jurong_city_health_in_all_policies_2022").encode("utf-8")
    with (corpus / "fifty_megabytes.txt").open("wb") as out:
        for _ in range(50_000_000 // len(chunk) + 1):
            out.write(chunk)


def _loop(corpus: Path) -> None:
    (corpus / "loop_a.txt").symlink_to("loop_b.txt")
    (corpus / "loop_b.txt").symlink_to("loop_a.txt")


def _dangling(corpus: Path) -> None:
    (corpus / "dangling.txt").symlink_to(corpus / "moved_away.txt")


def _pipe(corpus: Path) -> None:
    os.mkfifo(corpus / "named_pipe.txt")


def _unreadable(corpus: Path) -> None:
    path = corpus / "unreadable.txt"
    path.write_text(real_text("beijing_tcm_bureau_mentorship_assessment_measures_2013"), "utf-8")
    path.chmod(0)


def _impostor(corpus: Path) -> None:
    """Another notice that prints the 文号 of nhc_disability_friendly.txt."""
    text = real_text(IMPOSTOR_BASE)
    own = real_number(IMPOSTOR_BASE)
    assert own and own in text
    assert SHARED_NUMBER, "nhc_disability_friendly.txt has a 文号"
    (corpus / "impostor_same_number.txt").write_text(text.replace(own, SHARED_NUMBER), "utf-8")


DECODE_REASON = r"cannot decode the bytes \(invalid UTF-8 at byte \d+\).*save it as UTF-8"

# (id, files the case makes, how, outcome of each file, reason pattern)
CASES: list[Any] = [
    pytest.param(
        ["empty.txt"], _fixture("empty.txt"), "failed", r"is empty \(0 bytes\)", id="empty"
    ),
    pytest.param(
        ["whitespace_only.txt"],
        _fixture("whitespace_only.txt"),
        "failed",
        "contains only white space",
        id="white-space-only",
    ),
    pytest.param(["binary.txt"], _fixture("binary.txt"), "failed", DECODE_REASON, id="binary"),
    pytest.param(
        ["invalid_utf8_middle.txt"],
        _fixture("invalid_utf8_middle.txt"),
        "failed",
        r"is UTF-8 but for 3 invalid byte sequence\(s\), the first at byte 7585 \(a damaged "
        r"copy\?\); download it again",
        id="invalid-utf8-in-the-middle",
    ),
    pytest.param(
        ["gbk_no_declaration.txt"], _fixture("gbk_no_declaration.txt"), "added", None, id="gbk"
    ),
    pytest.param(["utf16_bom.txt"], _fixture("utf16_bom.txt"), "added", None, id="utf16-bom"),
    pytest.param(
        ["utf16_no_bom.txt"], _fixture("utf16_no_bom.txt"), "added", None, id="utf16-no-bom"
    ),
    pytest.param(
        ["html_with_scripts.txt"],
        _fixture("html_with_scripts.txt"),
        "added",
        None,
        id="html-as-txt",
    ),
    pytest.param(
        ["error_page_as.pdf"],
        _fixture("error_page_as.pdf"),
        "failed",
        r"is named \.pdf but is not a PDF file \(it is an HTML page.*download it again",
        id="error-page-named-pdf",
    ),
    pytest.param(
        ["fifty_megabytes.txt"],
        _fifty_megabytes,
        "failed",
        r"is 50\.\d MB, over the 32 MB limit.*split it, or raise KG_MAX_DOCUMENT_MB",
        id="50-MB",
    ),
    pytest.param(
        ["long_line.txt"],
        _write("long_line.txt", "关于加强基层医疗卫生服务能力建设的通知，" * 10_000),
        "added",
        None,
        id="200k-character-line",
    ),
    pytest.param(
        ["bait_brackets.txt"],
        _write("bait_brackets.txt", "〔" * 100_000),
        "added",
        None,
        id="100k-brackets",
    ),
    pytest.param(
        ["bait_numbers.txt"],
        _write("bait_numbers.txt", "国卫发〔2021〕" * 20_000),
        "added",
        None,
        id="number-without-hao",
    ),
    pytest.param(
        ["loop_a.txt", "loop_b.txt"],
        _loop,
        "failed",
        "is a symbolic link that loops back on itself",
        id="symlink-loop",
    ),
    pytest.param(
        ["dangling.txt"],
        _dangling,
        "failed",
        r"is a symbolic link to .*moved_away\.txt, which does not exist",
        id="dangling-link",
    ),
    pytest.param(["named_pipe.txt"], _pipe, "failed", "is not a regular file", id="named-pipe"),
    pytest.param(
        ["unreadable.txt"],
        _unreadable,
        "failed",
        "cannot be read: Permission denied; check its permissions",
        id="unreadable",
        # As root the next row, and the build run as nobody at the end, stand in.
        marks=pytest.mark.skipif(IS_ROOT, reason="root reads a file of mode 000"),
    ),
    pytest.param(
        ["unreadable.txt"],
        _unreadable,
        "added",  # root reads anything: the file is then a good document
        None,
        id="unreadable-as-root",
        marks=pytest.mark.skipif(not IS_ROOT, reason="only root reads a file of mode 000"),
    ),
    pytest.param(
        ["zz_copy_of_moh_severe_mental_illness.txt"],
        _write(
            "zz_copy_of_moh_severe_mental_illness.txt",
            real_text(GOOD["moh_severe_mental_illness.txt"]),
        ),
        "skipped",
        r"same content as moh_severe_mental_illness\.txt, built once",
        id="duplicate",
    ),
    pytest.param(
        ["impostor_same_number.txt", "nhc_disability_friendly.txt"],
        _impostor,
        "added",
        f"shares 文号 {SHARED_NUMBER} with .*: both are kept",
        id="two-documents-one-number",
    ),
    pytest.param(
        ["photo.jpg"],
        _write("photo.jpg", b"\xff\xd8\xff\xe0"),
        "skipped",
        r"\.jpg is not a document format",
        id="unsupported-type",
    ),
    *[
        pytest.param([name], None, "added", None, id=f"odd-name-{index}")
        for index, name in enumerate(ODD_NAMES)
    ],
]


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One real `kg build --report` over the good documents and every bad input."""
    root = tmp_path_factory.mktemp("bad")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, real in {**GOOD, **ODD_NAMES}.items():
        shutil.copyfile(REAL / f"{real}.txt", corpus / name)
    for case in CASES:
        marks = [m for m in case.marks if m.name == "skipif" and m.args[0]]
        if case.values[1] is not None and not marks:
            case.values[1](corpus)
    store = root / "store"
    report_file = root / "report.json"
    started = time.perf_counter()
    run = subprocess.run(
        [str(KG), "build", str(corpus), "--store", str(store), "--report", str(report_file)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "KG_DOCUMENT_TIMEOUT_S": "30"},
    )
    seconds = time.perf_counter() - started
    assert run.returncode == 0, run.stderr
    report = json.loads(report_file.read_text(encoding="utf-8"))
    return {
        "corpus": corpus, "store": store, "report": report, "stderr": run.stderr, "seconds": seconds
    }  # fmt: skip


@pytest.mark.parametrize(("names", "make", "outcome", "reason"), CASES)
def test_each_bad_input_has_a_clear_outcome(
    bad_build: dict[str, Any], names: list[str], make: object, outcome: str, reason: str | None
) -> None:
    rows = {row["source"]: row for row in bad_build["report"]["files"]}
    for name in names:
        row = rows[name]
        assert row["outcome"] == outcome, row
        if reason is None:
            assert row["reason"] is None, row
        else:
            assert row["reason"] is not None and re.search(reason, row["reason"]), row
        assert row["seconds"] < 20, row  # bounded: no file runs to the time limit here
        if outcome == "added":
            assert row["quads"] > 0, row
        if outcome == "failed":
            # The command line says the same as the report, beside the file.
            assert f"failed {row['path']}: " in bad_build["stderr"].replace("\n", ""), row


def test_the_report_lists_every_file_once_and_sums_up(bad_build: dict[str, Any]) -> None:
    report = bad_build["report"]
    sources = [row["source"] for row in report["files"]]
    assert len(sources) == len(set(sources))
    on_disk = {p.relative_to(bad_build["corpus"]).as_posix() for p in bad_build["corpus"].iterdir()}
    assert set(sources) == on_disk
    summary = report["summary"]
    assert summary["files"] == len(sources)
    for outcome in ("added", "skipped", "failed"):
        assert summary[outcome] == sum(row["outcome"] == outcome for row in report["files"])
    assert summary["quads_written"] == sum(row["quads"] for row in report["files"])
    assert summary["formats"]["text"]["failed"] >= 9


def test_every_good_document_is_in_the_store(bad_build: dict[str, Any]) -> None:
    store = Store(bad_build["store"], read_only=True)
    sources = indexed_sources(store)
    numbers = {
        row["source"]: row["number"]
        for row in store.select(
            "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
            "PREFIX hp: <https://w3id.org/cn-health-kg/ontology#>\n"
            "SELECT ?source ?number WHERE { GRAPH ?g { ?doc hp:sourceFile ?source "
            "OPTIONAL { ?doc eli:id_local ?number } FILTER(?doc != ?g) } }"
        )
    }
    for source, real in {**GOOD, **ODD_NAMES}.items():
        assert source in sources, source
        assert numbers[source] == real_number(real), source
    assert numbers["gbk_no_declaration.txt"] == "京中医科字〔2020〕169号"
    assert numbers["impostor_same_number.txt"] == SHARED_NUMBER


def test_the_search_index_holds_the_store_documents(bad_build: dict[str, Any]) -> None:
    store = Store(bad_build["store"], read_only=True)
    documents = {graph for graph, _hash in indexed_sources(store).values()}
    with SearchIndex(index_path(bad_build["store"]), read_only=True) as index:
        assert set(index.graphs()) - {catalogue_graph_iri(DEFAULT_IRI_BASE)} == documents
        # The page saved as .txt is read as a page: its scripts are no part of the text.
        assert index.search("住院医师规范化培训结业考核").total >= 1
        for script_text in ("欢迎访问", "alert", "document.write", "国卫办发〔2099〕1号"):
            assert index.search(script_text).total == 0, script_text


# --------------------------------------------------------------- the time limit


@pytest.mark.parametrize("workers", [1, 2], ids=["one-process", "process-pool"])
def test_a_slow_document_is_given_up_at_the_time_limit(tmp_path: Path, workers: int) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, real in GOOD.items():
        shutil.copyfile(REAL / f"{real}.txt", corpus / name)
    # 20 MB of real text: reading it takes seconds, extracting it many minutes.
    chunk = real_text("jurong_city_health_in_all_policies_2022").encode("utf-8")
    (corpus / "slow.txt").write_bytes(chunk * (20_000_000 // len(chunk)))
    report_file = tmp_path / "report.json"
    limit = 5  # fifty times what a good document takes, so a loaded machine passes too
    started = time.perf_counter()
    run = subprocess.run(
        [
            str(KG), "build", str(corpus), "--store", str(tmp_path / "store"),
            "--report", str(report_file), "--workers", str(workers),
            "--document-timeout", str(limit), "--max-document-mb", "100",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    assert run.returncode == 0, run.stderr
    rows = {row["source"]: row for row in json.loads(report_file.read_text("utf-8"))["files"]}
    slow = rows["slow.txt"]
    assert slow["outcome"] == "failed"
    assert slow["reason"].startswith(f"took longer than {limit} s")
    assert limit <= slow["seconds"] < limit + 3
    assert f"took longer than {limit} s" in run.stderr
    for name in GOOD:
        assert rows[name]["outcome"] == "added", rows[name]
    assert elapsed < 60


@pytest.mark.skipif(not IS_ROOT or shutil.which("setpriv") is None, reason="needs root and setpriv")
def test_an_unreadable_file_fails_for_a_user_who_may_not_read_it(tmp_path: Path) -> None:
    """As root, mode 000 hides nothing; the build runs as ``nobody`` here to see the refusal."""
    root = Path(tempfile.mkdtemp(prefix="kg-unreadable-", dir="/tmp"))
    try:
        corpus = root / "corpus"
        corpus.mkdir()
        shutil.copyfile(REAL / f"{GOOD['nhc_disability_friendly.txt']}.txt", corpus / "good.txt")
        _unreadable(corpus)
        for path in (root, corpus, corpus / "good.txt"):
            os.chown(path, NOBODY, NOBODY)
        run = subprocess.run(
            [
                "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                str(KG), "build", str(corpus), "--store", str(root / "store"),
                "--report", str(root / "report.json"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=root,
            env={**os.environ, "HOME": str(root)},
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        rows = {r["source"]: r for r in json.loads((root / "report.json").read_text())["files"]}
        assert rows["good.txt"]["outcome"] == "added"
        assert rows["unreadable.txt"]["outcome"] == "failed"
        assert rows["unreadable.txt"]["reason"] == (
            "cannot be read: Permission denied; check its permissions"
        )
    finally:
        shutil.rmtree(root)


# --------------------------------------------------------------- the report of a rebuild


def test_a_rebuild_reports_unchanged_replaced_and_removed_files(tmp_path: Path) -> None:
    corpus, store, report_file = tmp_path / "corpus", tmp_path / "store", tmp_path / "r.json"
    corpus.mkdir()
    names = list(GOOD)[:3]
    for name in names:
        shutil.copyfile(REAL / f"{GOOD[name]}.txt", corpus / name)
    command = [str(KG), "build", str(corpus), "--store", str(store), "--report", str(report_file)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    kept, changed, dropped = names
    with (corpus / changed).open("a", encoding="utf-8") as text:
        text.write("\n附：本文件自印发之日起施行。\n")
    (corpus / dropped).unlink()
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    report = json.loads(report_file.read_text(encoding="utf-8"))
    rows = {row["source"]: row for row in report["files"]}
    assert rows[kept]["outcome"] == "unchanged" and rows[kept]["quads"] == 0
    assert rows[changed]["outcome"] == "replaced" and rows[changed]["quads"] > 0
    assert rows[dropped]["outcome"] == "removed"
    assert rows[dropped]["path"] == str(corpus / dropped)
    summary = report["summary"]
    assert (summary["unchanged"], summary["replaced"], summary["removed"]) == (1, 1, 1)
    assert summary["catalogue_records"] == 0  # loaded by the first build, kept
