"""The comparison lab in a real browser: Train shows live charts quickly and ends cleanly.

Timings (click → first chart, click → finished) are printed and written to
artifacts/timings.json; screenshots "lab_training" and "lab_results" show the page as a
visitor sees it, the whole page tall (Streamlit scrolls inside the page, so the viewport is
stretched to the content before each picture).
"""
from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

from playwright.sync_api import Page

from .harness import (ARTIFACTS_DIR, CUT_TEXTS, click_button, exception_texts, open_page,
                      save_screenshot, wait_until_idle)

FIRST_CHART_LIMIT = 10.0   # seconds; the server sends the first curves ~0.3 s after the click
FINISH_LIMIT = 30.0        # seconds for the default preset (2 runs × 150 epochs)
CHART = "[data-testid='stPlotlyChart']"
# in the loss chart once an epoch is drawn; visible: a chart whose figure changed is mounted
# anew, hidden until Plotly has drawn it, while the previous one stays on screen
CURVE_LEGEND = ".legendtext >> text='A validation' >> visible=true"
FINISHED = "Finished —"


def full_page_screenshot(page: Page, name: str) -> None:
    """A screenshot of the whole app: the viewport grows to the scrolled content first."""
    viewport = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    page.wait_for_timeout(400)  # let charts resize to the new viewport
    save_screenshot(page, name)
    page.set_viewport_size(viewport)


def settled_text(locator, quiet_ms: int = 1000, limit_ms: int = 10_000) -> str:
    """The locator's text once it has stayed the same for `quiet_ms`."""
    text, same_for = locator.inner_text(), 0
    for _ in range(limit_ms // 100):
        locator.page.wait_for_timeout(100)
        current = locator.inner_text()
        same_for = same_for + 100 if current == text else 0
        text = current
        if same_for >= quiet_ms:
            break
    return text


def record_timings(name: str, timings: dict) -> None:
    """Add `timings` under `name` to artifacts/timings.json (other entries are kept)."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / "timings.json"
    recorded = json.loads(path.read_text()) if path.exists() else {}
    recorded[name] = {key: round(value, 3) for key, value in timings.items()}
    path.write_text(json.dumps(recorded, indent=2) + "\n")
    print(f"{name}:", ", ".join(f"{key} {value:.2f} s" for key, value in timings.items()))


# Timestamps taken inside the page (not by polling from the test), relative to the click:
# when the first loss curve is drawn and when the state line says training has finished.
WATCH_TRAINING = """() => {
    const seen = window.__labTimes = {};
    document.addEventListener("click", () => { seen.click ??= performance.now(); }, true);
    const has = (selector, test) => [...document.querySelectorAll(selector)].some(test);
    new MutationObserver(() => {
        const now = performance.now();
        if (!seen.chart && has(".legendtext", (e) => e.textContent === "A validation")) {
            seen.chart = now;
        }
        if (!seen.finished && has("[data-testid=stCaptionContainer]",
                                  (e) => e.textContent.startsWith("Finished"))) {
            seen.finished = now;
        }
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def train_and_time(page: Page, finish_limit: float) -> dict:
    """Click Train; seconds until the first curve is drawn and until training has ended."""
    page.evaluate(WATCH_TRAINING)
    page.get_by_role("button", name="Train", exact=True).click()
    page.locator(CURVE_LEGEND).first.wait_for(state="visible", timeout=FIRST_CHART_LIMIT * 1000)
    page.get_by_text(FINISHED).wait_for(timeout=finish_limit * 1000)
    seen = page.evaluate("() => window.__labTimes")
    return {"click_to_first_chart_s": (seen["chart"] - seen["click"]) / 1000,
            "click_to_finished_s": (seen["finished"] - seen["click"]) / 1000}


def test_train_shows_live_charts_and_ends_without_errors(page: Page, app_server) -> None:
    open_page(page, app_server.url)
    page.get_by_role("button", name="Train", exact=True).wait_for(state="visible")
    assert exception_texts(page) == []

    record_timings("default preset (2 runs x 150 epochs, 140 training rows)",
                   train_and_time(page, FINISH_LIMIT))

    wait_until_idle(page)
    assert exception_texts(page) == []
    assert page.get_by_text("epoch 150 of 150").count() == 2
    summary = page.locator("table.reglab-summary").last
    assert summary.locator("tbody tr").count() == 2
    assert page.locator(CHART).count() >= 2
    full_page_screenshot(page, "lab_results")


def test_charts_update_while_training(page: Page, app_server) -> None:
    """A longer run: the progress moves several times before the end, and Pause holds it."""
    open_page(page, app_server.url + "/?runs=2&dataset=moons&A.epochs=2000&B.epochs=2000"
                                     "&B.dropout=0.5")
    page.get_by_role("button", name="Train", exact=True).click()
    page.locator(CURVE_LEGEND).first.wait_for(state="visible", timeout=FIRST_CHART_LIMIT * 1000)
    seen = set()
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline and len(seen) < 3:
        seen.add(page.locator(".reglab-progress .epochs").first.inner_text())
        page.wait_for_timeout(150)
    assert len(seen) >= 3, f"progress did not move: {seen}"
    full_page_screenshot(page, "lab_training")
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_text("Paused.").wait_for(timeout=10_000)
    progress = page.locator(".reglab-progress .epochs").first
    paused_at = settled_text(progress)  # a chunk under way at the click still ends and draws
    page.wait_for_timeout(1500)
    assert progress.inner_text() == paused_at
    assert exception_texts(page) == []


def test_two_default_runs_of_200_epochs_finish_in_seconds(page: Page, app_server) -> None:
    """The reference workload: moons with 1,000 samples, 2-64-64, 200 epochs, two runs."""
    open_page(page, app_server.url + "/?runs=2&dataset=moons&B.dropout=0.5")
    timings = train_and_time(page, finish_limit=60)
    record_timings("2 runs x 200 epochs, moons 1000 samples, 64-64", timings)
    assert page.get_by_text("epoch 200 of 200").count() == 2
    assert exception_texts(page) == []


def test_the_history_download_holds_every_epoch_of_every_run(page: Page, app_server) -> None:
    """The history CSV is written when the button is clicked (not on every page run): the
    file the browser receives has one row per epoch of each run."""
    open_page(page, app_server.url + "/?runs=2&dataset=moons&A.epochs=4&B.epochs=6"
                                     "&B.dropout=0.5")
    click_button(page, "Train")
    page.get_by_text(FINISHED).wait_for(timeout=FINISH_LIMIT * 1000)
    wait_until_idle(page)
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="History (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [(row["run"], int(row["epoch"])) for row in rows] == \
        [("A", epoch) for epoch in range(1, 5)] + [("B", epoch) for epoch in range(1, 7)]
    assert exception_texts(page) == []


RED = "rgb(214, 39, 40)"  # run B's color (ui.theme.RUN_COLORS[1])


def test_after_removing_run_a_run_b_stays_red_and_the_uploader_states_10_mb(page: Page,
                                                                             app_server) -> None:
    open_page(page, app_server.url + "/?runs=2&dataset=moons&A.epochs=3&B.epochs=3"
                                     "&B.dropout=0.5")
    click_button(page, "Remove run A")
    tab = page.get_by_role("tab", name="Run B")
    assert page.get_by_role("tab").filter(has_text="Run A").count() == 0
    assert tab.locator("p").evaluate("(e) => getComputedStyle(e).color") == RED
    click_button(page, "Train")
    page.get_by_text(FINISHED).wait_for(timeout=FINISH_LIMIT * 1000)
    wait_until_idle(page)
    dot = page.get_by_text("● B", exact=True)
    assert dot.evaluate("(e) => getComputedStyle(e).color") == RED
    assert page.locator(".legendtext >> text='B validation'").count() >= 1
    limit = page.locator("[data-testid='stFileUploaderDropzoneInstructions']").first
    assert "10MB per file" in limit.text_content()
    assert exception_texts(page) == []


# Texts of the main area wider than their box: cut off, or shortened with an ellipsis (as
# Streamlit shortens labels); a select box shows its value cut by design, so it is left out.
def test_at_1280_px_with_the_sidebar_open_no_label_of_the_lab_is_cut(browser, app_server) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    try:
        open_page(page, app_server.url + "/?runs=2&dataset=moons&test_fraction=0.2"
                                         "&A.epochs=3&B.epochs=3&B.dropout=0.5")
        assert page.locator("[data-testid='stSidebar']").bounding_box()["width"] > 200
        assert page.evaluate(CUT_TEXTS) == []  # run settings, Train bar
        click_button(page, "Train")
        page.get_by_text(FINISHED).wait_for(timeout=FINISH_LIMIT * 1000)
        wait_until_idle(page)
        assert page.evaluate(CUT_TEXTS) == []  # and the live numbers beside the charts
        numbers = page.locator(".reglab-live-box")
        box, table = numbers.bounding_box(), numbers.locator("table").bounding_box()
        main = page.locator("[data-testid='stMainBlockContainer']").bounding_box()
        assert box["x"] + box["width"] <= main["x"] + main["width"] + 1  # never over the edge
        assert table["width"] >= box["width"] - 1
    finally:
        context.close()


# The largest horizontal strip of a chart with nothing drawn in it (px), from the top of the
# chart to its bottom: plot areas (after Plotly has made them square) and every text count.
EMPTY_BAND = """(plot) => {
    const chart = plot.getBoundingClientRect();
    const drawn = [...plot.querySelectorAll(".nsewdrag, text")]
        .map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0)
        .map((r) => [r.top - chart.top, r.bottom - chart.top]).sort((a, b) => a[0] - b[0]);
    let reach = 0, band = 0;
    for (const [top, bottom] of drawn) {
        band = Math.max(band, top - reach);
        reach = Math.max(reach, bottom);
    }
    return Math.max(band, chart.height - reach);
}"""
PANEL_SIDES = """(plot) => Object.keys(plot._fullLayout).filter((k) => /^xaxis\\d*$/.test(k))
    .map((k) => [plot._fullLayout[k]._length,
                 plot._fullLayout[plot._fullLayout[k].anchor.replace("y", "yaxis")]._length])"""


def test_at_1280_px_the_decision_boundary_tab_fills_its_width_with_square_maps(browser,
                                                                              app_server) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    page = context.new_page()
    try:
        open_page(page, app_server.url + "/?runs=2&dataset=moons&A.epochs=3&B.epochs=3"
                                         "&B.dropout=0.5")
        click_button(page, "Train")
        page.get_by_text(FINISHED).wait_for(timeout=FINISH_LIMIT * 1000)
        wait_until_idle(page)
        page.get_by_role("tab", name="Decision boundary").click()
        maps = page.locator("[role='tabpanel'] .js-plotly-plot").first
        maps.locator(".heatmaplayer").first.wait_for(timeout=30_000)
        wait_until_idle(page)
        plot = maps.element_handle()
        sides = page.evaluate(PANEL_SIDES, plot)
        width = maps.bounding_box()["width"]
        assert len(sides) == 2 and all(abs(x - y) < 1 for x, y in sides)  # square
        assert all(x > 0.6 * width for x, _ in sides)  # one above the other, as wide as the tab
        assert page.evaluate(EMPTY_BAND, plot) < 60
        assert exception_texts(page) == []
    finally:
        context.close()


# The boxes (left, top, right, bottom) of a chart's annotations (the panel titles), in px
# from the chart's top left corner.
TITLE_BOXES = """(plot) => { const chart = plot.getBoundingClientRect();
    return [...plot.querySelectorAll(".annotation")].map((e) => e.getBoundingClientRect())
        .map((r) => [r.left - chart.left, r.top - chart.top, r.right - chart.left,
                     r.bottom - chart.top]); }"""


def overlap(a, b) -> bool:
    """Whether two boxes (left, top, right, bottom) share some area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_at_1280_px_with_the_sidebar_open_four_side_maps_fill_their_column(browser,
                                                                           app_server) -> None:
    """The maps beside the charts: square, one a row as wide as the side column, whole titles
    that overlap nothing, and no band of empty height between them."""
    stops_early = "".join(f"&{name}.epochs=30&{name}.patience=1&{name}.min_delta=10"
                          for name in "ABCD")  # the longest titles: "… (best epoch 1 restored)"
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    page = context.new_page()
    try:
        open_page(page, app_server.url + "/?runs=4&dataset=moons" + stops_early)
        assert page.locator("[data-testid='stSidebar']").bounding_box()["width"] > 200
        click_button(page, "Train")
        page.get_by_text(FINISHED).wait_for(timeout=FINISH_LIMIT * 1000)
        wait_until_idle(page)
        maps = page.locator(".js-plotly-plot").filter(has=page.locator(".heatmaplayer")).first
        maps.locator(".annotation-text", has_text="D — final (best epoch").wait_for()
        plot, box = maps.element_handle(), maps.bounding_box()
        sides = page.evaluate(PANEL_SIDES, plot)
        assert len(sides) == 4 and all(abs(x - y) < 1 for x, y in sides)  # square
        assert all(x > 0.55 * box["width"] for x, _ in sides)  # one a row, the column's width
        assert page.evaluate(EMPTY_BAND, plot) < 60
        titles = page.evaluate(TITLE_BOXES, plot)
        assert len(titles) == 4
        assert all(0 <= left and right <= box["width"] for left, _, right, _ in titles)
        assert not any(overlap(a, b) for i, a in enumerate(titles) for b in titles[i + 1:])
        assert exception_texts(page) == []
    finally:
        context.close()
