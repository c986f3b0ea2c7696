"""Fixtures for tests that drive the app in a real browser.

Every test in this directory is marked `browser`. Without Chromium these
tests are skipped locally but fail on CI, where they must run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from .harness import (
    CHROMIUM_NOT_FOUND,
    REPO_ROOT,
    VIEWPORT,
    ServerHandle,
    artifact_screenshot,
    find_chromium,
    launch_chromium,
    start_server,
    stop_server,
)

BROWSER_TESTS_DIR = Path(__file__).resolve().parent
_CALL_FAILED = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_TESTS_DIR in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture(scope="session")
def app_server() -> Iterator[ServerHandle]:
    """The real app (app.py) served on a free local port."""
    server = start_server(REPO_ROOT / "app.py", name="app")
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail(CHROMIUM_NOT_FOUND)
        pytest.skip(CHROMIUM_NOT_FOUND)
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright, executable)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh 1600x1000 page; screenshotted into artifacts/ if the test fails."""
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    try:
        yield tab
    finally:
        if request.node.stash.get(_CALL_FAILED, False):
            try:
                artifact_screenshot(tab, f"failed-{request.node.name}")
            except Exception:
                pass  # The test's own failure matters more than a missing picture.
        context.close()
