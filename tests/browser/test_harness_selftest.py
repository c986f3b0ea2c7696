"""The browser harness sees what a user sees, including failures.

Runs against a tiny app written here, so it does not depend on app.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from . import harness
from .harness import (
    ServerHandle,
    click_button,
    error_alert_texts,
    exception_texts,
    open_page,
    save_screenshot,
    start_server,
    stop_server,
)

FAILURE_MESSAGE = "deliberate failure 4417"

TINY_APP = f'''
import streamlit as st

st.title("Harness check")
if st.button("Greet"):
    st.write("Hello from the button")
if st.button("Warn"):
    st.error("Something needs attention")
if st.button("Crash"):
    raise RuntimeError("{FAILURE_MESSAGE}")
'''


@pytest.fixture(scope="module")
def tiny_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    script = tmp_path_factory.mktemp("tiny_app") / "tiny_app.py"
    script.write_text(TINY_APP)
    server = start_server(script, name="tiny-app")
    try:
        yield server
    finally:
        stop_server(server)


def test_fresh_page_shows_no_errors(page: Page, tiny_server: ServerHandle) -> None:
    open_page(page, tiny_server.url)

    assert page.get_by_role("heading", name="Harness check").is_visible()
    assert exception_texts(page) == []
    assert error_alert_texts(page) == []


def test_button_click_waits_for_its_output(page: Page, tiny_server: ServerHandle) -> None:
    open_page(page, tiny_server.url)

    click_button(page, "Greet")

    assert page.get_by_text("Hello from the button").is_visible()


def test_uncaught_exception_is_seen(page: Page, tiny_server: ServerHandle) -> None:
    open_page(page, tiny_server.url)

    click_button(page, "Crash")

    assert len(exception_texts(page)) == 1
    assert error_alert_texts(page) == []


def test_error_alert_is_seen_apart_from_exceptions(page: Page, tiny_server: ServerHandle) -> None:
    open_page(page, tiny_server.url)

    click_button(page, "Warn")

    assert error_alert_texts(page) == ["Something needs attention"]
    assert exception_texts(page) == []


def test_traceback_reaches_the_log_but_not_the_browser(
    page: Page, tiny_server: ServerHandle
) -> None:
    open_page(page, tiny_server.url)

    click_button(page, "Crash")

    shown = "\n".join(exception_texts(page))
    assert FAILURE_MESSAGE not in shown
    assert "Traceback" not in shown
    assert FAILURE_MESSAGE in tiny_server.log_path.read_text()


def test_screenshot_goes_to_docs_only_when_asked(
    page: Page, tiny_server: ServerHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(harness, "DOC_SCREENSHOTS_DIR", tmp_path / "screenshots")
    open_page(page, tiny_server.url)

    monkeypatch.delenv("REGLAB_DOC_SCREENSHOTS", raising=False)
    artifact = save_screenshot(page, "harness-check")
    assert artifact.read_bytes().startswith(b"\x89PNG")
    assert not (tmp_path / "screenshots").exists()

    monkeypatch.setenv("REGLAB_DOC_SCREENSHOTS", "1")
    artifact = save_screenshot(page, "harness-check")
    assert (tmp_path / "screenshots" / "harness-check.png").read_bytes() == artifact.read_bytes()
