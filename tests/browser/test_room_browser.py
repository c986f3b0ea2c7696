"""A workshop room in real browsers: a presenter opens a room from the lab, five participants
in browser contexts of their own join by the link, predict, train and post, and the
presenter's screen counts them; no participant sees the presenter's controls."""
from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from .harness import (VIEWPORT, click_button, exception_texts, expect_rerun, open_page,
                      save_screenshot)

PARTICIPANTS = 5
PROJECTOR = {"width": 1600, "height": 2000}  # tall: the whole room view in one screenshot
SMALL_RUNS = "/?runs=2&dataset=moons&n_samples=300&A.epochs=30&B.epochs=30&B.dropout=0.5"


def new_tab(browser: Browser, url: str, viewport: dict = VIEWPORT) -> Page:
    page = browser.new_context(viewport=viewport).new_page()
    open_page(page, url)
    return page


def open_room_from_the_lab(browser: Browser, url: str) -> tuple[Page, str]:
    presenter = new_tab(browser, url + SMALL_RUNS, PROJECTOR)
    presenter.get_by_text("Presenter mode").click()
    presenter.get_by_role("button", name="Open a workshop room").wait_for(timeout=20_000)
    presenter.get_by_role("button", name="Open a workshop room").click()
    presenter.get_by_text("scan the code").wait_for(timeout=30_000)
    link = presenter.locator("[data-testid='stCode']", has_text="?room=").first
    return presenter, re.search(r"\S+\?room=\w+", link.inner_text()).group(0)


def open_sidebar(page: Page) -> None:
    """Open the sidebar as a presenter would: presenter mode collapses it."""
    expand = page.locator("[data-testid='stExpandSidebarButton']")
    if expand.is_visible():
        expand.click()
    page.locator("[data-testid='stSidebarNav']").wait_for()


def predict_and_train(page: Page, answer: str) -> None:
    page.get_by_role("radiogroup").get_by_text(answer, exact=True).click()
    click_button(page, "Commit my prediction")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Your result is in the room").wait_for(timeout=120_000)


def test_a_presenter_and_five_participants_fill_one_room(browser: Browser, app_server) -> None:
    presenter, link = open_room_from_the_lab(browser, app_server.url)
    assert link.startswith(app_server.url)
    participants = [new_tab(browser, link) for _ in range(PARTICIPANTS)]
    for index, page in enumerate(participants):
        assert page.get_by_role("button", name="Reveal").count() == 0
        predict_and_train(page, "AB"[index % 2])
    finished = presenter.locator("[data-testid='stMetric']", has_text="Finished training")
    expect(finished).to_contain_text(str(PARTICIPANTS), timeout=30_000)
    presenter.get_by_role("button", name="Reveal").click()
    expect(presenter.get_by_text(re.compile(r"Answer: [AB]\."))).to_be_visible(timeout=30_000)
    for page in (presenter, *participants):
        assert exception_texts(page) == []
    save_screenshot(presenter, "room_presenter")


def test_presenter_mode_follows_the_presenter_to_a_lesson_that_opens_a_room(
        browser: Browser, app_server) -> None:
    page = new_tab(browser, app_server.url)
    with expect_rerun(page):
        page.get_by_text("Presenter mode").click()
    open_sidebar(page)
    with expect_rerun(page):  # in-app navigation keeps the session
        page.locator("[data-testid='stSidebarNav']").get_by_text("Dropout").click()
    page.get_by_role("button", name="Open a workshop room").click(timeout=30_000)
    page.get_by_text("scan the code").wait_for(timeout=30_000)
    page.get_by_text("Which run ends with the larger gap").first.wait_for(timeout=30_000)
    open_sidebar(page)
    with expect_rerun(page):
        page.locator("[data-testid='stSidebarNav']").get_by_text("Comparison lab").click()
    move = page.get_by_role("button", name="Move my workshop room to this experiment")
    expect(move).to_be_visible(timeout=30_000)  # still presenter mode; the lab's comparison
    assert exception_texts(page) == []
