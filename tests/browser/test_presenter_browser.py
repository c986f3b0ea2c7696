"""Presenter mode on a 1280×720 projector with four runs: the first screen holds the Train bar
(compact, every label whole) and the loss chart, the sidebar is collapsed, and the 2-D data
with each run's decision map is on screen before training. The screenshot
"presenter_1280x720" is what the room sees."""
from __future__ import annotations

from playwright.sync_api import Browser

from .harness import exception_texts, open_page, save_screenshot, wait_until_idle

PROJECTOR = {"width": 1280, "height": 720}
FOUR_RUNS = ("/?presenter=1&runs=4&dataset=moons&A.epochs=40&B.epochs=40&C.epochs=40"
             "&D.epochs=40&B.dropout=0.5&C.penalty=l2&C.penalty_strength=0.01"
             "&D.penalty=l1&D.penalty_strength=0.001")
MAX_BAR_HEIGHT = 120  # px of 720
BAR = ".st-key-live_lab_bar"
MAIN = "[data-testid='stMain']"
CHART = "[data-testid='stPlotlyChart']"

SIDEBAR_RIGHT_EDGE = """() => document.querySelector("[data-testid='stSidebar']")
    .getBoundingClientRect().right"""
# Texts on the first screen wider than their box: cut off, or ending in "…" (Streamlit
# shortens labels with text-overflow: ellipsis).
CUT_ON_FIRST_SCREEN = """(root) => [...document.querySelectorAll(`${root} *`)]
    .filter((e) => e.tagName === "P" || getComputedStyle(e).textOverflow === "ellipsis")
    .filter((e) => { const r = e.getBoundingClientRect();
                     return r.height > 0 && r.top < window.innerHeight && r.bottom > 0; })
    .filter((e) => e.scrollWidth > e.clientWidth + 1)
    .map((e) => e.textContent)"""


def test_first_screen_at_1280x720_holds_the_bar_and_the_loss_chart(browser: Browser,
                                                                     app_server) -> None:
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    try:
        open_page(page, app_server.url + FOUR_RUNS)
        assert page.evaluate(SIDEBAR_RIGHT_EDGE) <= 0  # collapsed: out of the screen
        for name in "ABCD":  # the data and the untrained maps, before training
            page.locator(".annotation-text", has_text=f"{name} — initial weights").wait_for()

        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("Finished —").wait_for(timeout=60_000)
        wait_until_idle(page)
        assert exception_texts(page) == []

        train = page.get_by_role("button", name="Train", exact=True).bounding_box()
        loss_chart = page.locator(CHART).filter(
            has=page.locator(".legendtext", has_text="A validation"))
        loss = loss_chart.bounding_box()
        assert 0 <= train["y"] and train["y"] + train["height"] <= PROJECTOR["height"]
        assert 0 <= loss["y"] and loss["y"] + loss["height"] <= PROJECTOR["height"]
        bar_height = page.evaluate(
            f"() => document.querySelector('{BAR}').parentElement.getBoundingClientRect().height")
        assert bar_height <= MAX_BAR_HEIGHT
        assert page.evaluate(CUT_ON_FIRST_SCREEN, MAIN) == []
        for label in ("Train", "Pause", "Step", "Reset"):  # whole labels, one line
            button = page.locator(BAR).get_by_role("button", name=label, exact=True)
            assert button.bounding_box()["y"] == train["y"]
        for name in "ABCD":  # the maps follow the runs to their last epoch
            page.locator(".annotation-text", has_text=f"{name} — final (epoch 40)").wait_for()
        save_screenshot(page, "presenter_1280x720")
        page.locator("[data-testid='stExpandSidebarButton']").click()  # the presenter opens it
        page.locator("[data-testid='stSidebar']").get_by_text("Presenter mode").wait_for()
        page.wait_for_timeout(500)  # the sidebar slides in
        assert page.evaluate(CUT_ON_FIRST_SCREEN, BAR) == []
    finally:
        context.close()
