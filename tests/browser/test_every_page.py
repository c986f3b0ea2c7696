"""Every page in a real browser: it opens inside the app's navigation, its experiment trains
to the end, and no exception shows. Screenshots of each page go to artifacts/ (and to
docs/screenshots with REGLAB_DOC_SCREENSHOTS set)."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .harness import (CUT_TEXTS, REPO_ROOT, exception_texts, open_page, save_screenshot,
                      start_server, stop_server, wait_until_idle)

LESSONS = {"L1_and_L2": "lesson_l1_l2", "Early_stopping": "lesson_early_stopping",
           "Weight_decay_vs_L2": "lesson_weight_decay", "Dropout": "lesson_dropout",
           "Batch_normalization": "lesson_batch_norm", "Layer_normalization": "lesson_layer_norm"}
TRAIN_LIMIT_MS = 240_000  # a lesson's preset trains in seconds; generous for a loaded machine
FINISHED = "Finished —"


def whole_page_screenshot(page: Page, name: str) -> None:
    viewport = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": min(max(height, 1000), 6000)})
    page.wait_for_timeout(400)
    save_screenshot(page, name)
    page.set_viewport_size(viewport)


@pytest.mark.parametrize("path", LESSONS)
def test_each_lesson_trains_its_experiment_without_an_exception(page: Page, app_server, path):
    open_page(page, f"{app_server.url}/{path}")
    page.get_by_role("button", name="Train", exact=True).first.click()
    page.get_by_text(FINISHED).first.wait_for(timeout=TRAIN_LIMIT_MS)
    wait_until_idle(page)
    assert exception_texts(page) == []
    assert page.locator("[data-testid='stPlotlyChart']").count() >= 1
    whole_page_screenshot(page, LESSONS[path])


def test_at_1280_px_with_the_sidebar_open_no_label_of_a_lesson_is_cut(browser, app_server):
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    try:
        cut = {}
        for path in LESSONS:
            open_page(page, f"{app_server.url}/{path}")
            assert page.locator("[data-testid='stSidebar']").bounding_box()["width"] > 200
            cut[path] = page.evaluate(CUT_TEXTS)  # the experiment's controls, the Train bar
        assert cut == {path: [] for path in LESSONS}
    finally:
        context.close()


def test_the_sweep_page_opens_without_an_exception(page: Page, app_server):
    open_page(page, f"{app_server.url}/Sweep")
    page.get_by_role("button", name="Run", exact=False).first.wait_for()
    assert exception_texts(page) == []
    save_screenshot(page, "sweep")


def test_a_direct_link_on_a_fresh_server_shows_the_apps_navigation(page: Page):
    server = start_server(REPO_ROOT / "app.py", name="fresh")
    try:
        open_page(page, f"{server.url}/Dropout")
        sidebar = page.locator("[data-testid='stSidebarNav']")
        sidebar.get_by_text("Comparison lab").wait_for(timeout=20_000)
        assert sidebar.get_by_text("Lessons").count() == 1
        assert exception_texts(page) == []
    finally:
        stop_server(server)


# (scrollWidth, clientWidth) of each table's scrolling area (st.dataframe draws in a canvas
# inside a scroller of its own): a table that fits scrolls no wider than it is.
TABLE_WIDTHS = """() => [...document.querySelectorAll("[data-testid='stMain'] "
                                                  + "[data-testid='stDataFrame'] .dvn-scroller")]
    .filter((e) => e.getBoundingClientRect().height > 0)
    .map((e) => [e.scrollWidth, e.clientWidth])"""


def test_at_1280_px_with_the_sidebar_open_the_patience_table_fits_without_scrolling(browser,
                                                                                   app_server):
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    page = context.new_page()
    try:
        open_page(page, f"{app_server.url}/Early_stopping")
        assert page.locator("[data-testid='stSidebar']").bounding_box()["width"] > 200
        page.get_by_role("button", name="Train", exact=True).first.click()
        page.get_by_text(FINISHED).first.wait_for(timeout=TRAIN_LIMIT_MS)
        wait_until_idle(page)
        page.locator("[data-testid='stDataFrame'] .dvn-scroller").first.wait_for()
        widths = page.evaluate(TABLE_WIDTHS)
        assert widths, "no table on the page"
        assert all(scroll <= client for scroll, client in widths), widths
        assert exception_texts(page) == []
    finally:
        context.close()
