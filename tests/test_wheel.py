"""The wheel, installed the way a user installs it, keeps every named query and the ontology.

The wheel is built from this checkout, installed without dependencies into a fresh
venv (the dependencies come from the environment running the tests), and the
installed ``kg`` builds the seed corpus and answers the headline question by name,
from a folder where the checkout cannot be imported.  Run alone with ``-m wheel``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.wheel

REPO = Path(__file__).resolve().parent.parent
NOT_BUILD_INPUT = (
    ".git",
    ".venv",
    "build",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    "var",
    "node_modules",
    "tests",
    "benchmarks",
)
CITING = {"岳卫字〔2023〕2号", "益资政办发〔2023〕20号"}


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh venv holding only the wheel of this checkout."""
    home = tmp_path_factory.mktemp("wheel")
    # A copy of the checkout: setuptools builds in place and would put the stale build/
    # of an earlier run into the wheel, hiding a file the configuration leaves out.
    source = home / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*NOT_BUILD_INPUT))
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        source,
        "--no-deps",
        "-q",
        "-w",
        home / "dist",
        cwd=home,
    )
    (wheel,) = (home / "dist").glob("health_policy_kg-*.whl")
    venv = home / "venv"
    _run(sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv, cwd=home)
    python = venv / "bin" / "python"
    where = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site_packages = Path(_run(python, "-c", where, cwd=home).strip())
    # The dependencies installed beside the test runner (a project venv, not the system),
    # as a bare path line: the .pth files there, such as an editable kg's finder, stay unread.
    (site_packages / "test-runner-deps.pth").write_text(
        "\n".join(sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})) + "\n"
    )
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "-q",
        wheel,
        cwd=home,
    )
    return venv / "bin"


def test_installed_kg_is_the_wheel_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    location = _run(installed / "python", "-c", "import kg; print(kg.__file__)", cwd=tmp_path)
    assert Path(location.strip()).is_relative_to(installed.parent)


def test_installed_kg_holds_every_module_of_the_checkout(installed: Path, tmp_path: Path) -> None:
    where = "import kg, pathlib; print(pathlib.Path(kg.__file__).parent.parent)"
    site_packages = Path(_run(installed / "python", "-c", where, cwd=tmp_path).strip())
    modules = {
        p.relative_to(REPO) for package in ("kg", "api") for p in (REPO / package).rglob("*.py")
    }
    assert modules, "the checkout has no kg/ or api/ modules"
    assert sorted(m for m in modules if not (site_packages / m).is_file()) == []


@pytest.fixture(scope="module")
def built(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The folder the installed kg built the seed corpus in, and the environment it used."""
    home = tmp_path_factory.mktemp("built")
    env = {
        **os.environ,
        "KG_CONFIG": str(home / "absent.toml"),
        "KG_STORE_PATH": str(home / "store"),
    }
    _run(installed / "kg", "build", REPO / "corpus", "--strict", cwd=home, env=env)
    return home, env


def test_installed_kg_runs_a_named_query(
    installed: Path, built: tuple[Path, dict[str, str]]
) -> None:
    home, env = built
    output = _run(
        installed / "kg",
        "query",
        "--name",
        "cited_by",
        "--param",
        "number=湘政办发[2021]79号",
        "--format",
        "json",
        cwd=home,
        env=env,
    )
    assert {row["citingNumber"] for row in json.loads(output)} == CITING


def test_installed_kg_validates_against_the_shipped_shapes(
    installed: Path, built: tuple[Path, dict[str, str]]
) -> None:
    home, env = built
    assert "0 violations" in _run(installed / "kg", "validate", cwd=home, env=env)
