"""The YASGUI page in a real headless Chromium: pick the cited-by example, press run,
read the result table; the page must load nothing from any other host."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.server

CHROMIUM = Path(os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
ARTIFACTS = REPO / "test-artifacts"
CITERS = ["岳卫字〔2023〕2号", "益资政办发〔2023〕20号"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; skipped off CI when it is not installed."""
    missing = None
    if not CHROMIUM.exists():
        missing = f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            missing = "Playwright for Python is not installed (pip install playwright)"
    if missing:
        if _in_ci():
            pytest.fail(f"the browser test must run in CI: {missing}")
        pytest.skip(missing)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def test_cited_by_example_runs_in_yasgui(browser: Any, live_server: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    requested: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{live_server}/sparql", wait_until="load")
        page.wait_for_selector(".yasqe .CodeMirror", timeout=15_000)

        page.select_option("#kg-examples", "cited_by")
        panel = page.locator(".tabPanel.active")
        panel.locator(".CodeMirror").filter(has_text="湘政办发〔2021〕79号").wait_for(
            timeout=10_000
        )
        panel.locator(".yasqe_queryButton").click()

        table = panel.locator(".yasr table.dataTable tbody")
        table.filter(has_text=CITERS[-1]).wait_for(timeout=15_000)
        shown = table.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "yasgui-cited-by.png"), full_page=True)
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "yasgui-failure.png"), full_page=True)
        raise
    finally:
        page.close()

    for number in CITERS:
        assert number in shown
    assert table_rows(shown) == 2, shown
    assert errors == []
    server = urlparse(live_server).netloc
    elsewhere = [u for u in requested if not u.startswith("data:") and urlparse(u).netloc != server]
    assert elsewhere == [], "the page must load nothing from another host"


def table_rows(text: str) -> int:
    return sum(1 for line in text.splitlines() if any(n in line for n in CITERS))
