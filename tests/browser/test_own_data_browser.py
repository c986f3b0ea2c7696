"""A lesson on the visitor's own data in a real browser: a CSV dropped on the dropout lesson
trains its experiment, and the lab then offers the same table."""
from __future__ import annotations

from playwright.sync_api import Page

from .harness import exception_texts, expect_rerun, open_page, save_screenshot, wait_until_idle

TRAIN_LIMIT_MS = 240_000
# 80 rows, four measurements and a class label (4 features: no decision map to draw).
ROWS = [f"{i % 9},{(i * 7) % 11},{(i * 3) % 5},{i % 4},{'yes' if (i % 9) + (i % 4) > 5 else 'no'}"
        for i in range(80)]
TABLE = "height,weight,age,visits,outcome\n" + "\n".join(ROWS) + "\n"


def test_a_csv_dropped_on_a_lesson_trains_its_experiment_and_reaches_the_lab(
        page: Page, app_server, tmp_path):
    upload = tmp_path / "clinic.csv"
    upload.write_text(TABLE)
    open_page(page, f"{app_server.url}/Dropout")
    page.get_by_text("Your own data").first.click()
    with expect_rerun(page):
        page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(
            str(upload))
    page.get_by_text("Train this experiment on clinic.csv").first.wait_for(timeout=20_000)
    page.get_by_text("clinic.csv (target 'outcome'): 56 training and 24 validation rows, "
                     "4 features, 2 classes").first.wait_for()
    page.get_by_role("button", name="Train", exact=True).first.click()
    page.get_by_text("Finished —").first.wait_for(timeout=TRAIN_LIMIT_MS)
    wait_until_idle(page)
    assert exception_texts(page) == []
    page.get_by_text("Decision boundaries need 2-D data").first.wait_for()
    page.get_by_text("Ensemble accuracy (val)").first.wait_for(timeout=60_000)
    save_screenshot(page, "lesson_dropout_own_data")

    with expect_rerun(page):  # in-app navigation keeps the session (a new URL would not)
        page.locator("[data-testid='stSidebarNav']").get_by_text("Comparison lab").click()
    page.get_by_text("Training on").first.wait_for(timeout=20_000)
    assert page.get_by_text("clinic.csv").count() >= 1
    assert exception_texts(page) == []
