"""Many visitors on one server: sessions never see each other's work, and eight sessions
training at once all finish without an exception.

The load figures (server peak memory, time until all sessions finished) are printed and
written to artifacts/load.json; the README quotes them.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from playwright.sync_api import Browser, Page

from .harness import ARTIFACTS_DIR, VIEWPORT, exception_texts, open_page, wait_until_idle

SESSIONS = 8
FINISHED = "Finished —"
LOAD_LIMIT = 240.0  # seconds for all sessions; generous, the figure itself goes to the README
SMALL_RUNS = "/?runs=2&dataset=moons&n_samples=400&A.epochs=60&B.epochs=60&B.dropout=0.5"


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM) in MiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmHWM not found")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def new_session(browser: Browser, url: str) -> Page:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    open_page(page, url)
    return page


def test_one_sessions_runs_and_upload_never_reach_another(browser: Browser, app_server,
                                                          tmp_path) -> None:
    first = new_session(browser, app_server.url + SMALL_RUNS)
    rows = "\n".join(f"{i},{(i * 7) % 11},{i % 2}" for i in range(40))
    upload = tmp_path / "private_measurements.csv"
    upload.write_text("height,weight,label\n" + rows + "\n")
    first.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
    first.get_by_text("private_measurements.csv").first.wait_for(timeout=20_000)
    wait_until_idle(first)
    first.get_by_role("button", name="Train", exact=True).click()
    first.get_by_text(FINISHED).wait_for(timeout=60_000)

    second = new_session(browser, app_server.url)
    assert second.get_by_text("private_measurements.csv").count() == 0
    assert second.get_by_text(FINISHED).count() == 0
    assert second.locator("table.reglab-summary").count() == 0  # no summary: nothing trained
    assert "private_measurements" not in second.url
    assert exception_texts(first) == [] and exception_texts(second) == []
    first.context.close()
    second.context.close()


def test_eight_sessions_training_at_once_all_finish(browser: Browser, app_server) -> None:
    pages = [new_session(browser, app_server.url + SMALL_RUNS) for _ in range(SESSIONS)]
    started = time.monotonic()
    for page in pages:
        page.get_by_role("button", name="Train", exact=True).click()
    for page in pages:
        remaining = LOAD_LIMIT - (time.monotonic() - started)
        page.get_by_text(FINISHED).wait_for(timeout=max(remaining, 1) * 1000)
    elapsed = time.monotonic() - started
    for page in pages:
        wait_until_idle(page)
        assert exception_texts(page) == []
        assert page.get_by_text("epoch 60 of 60").count() == 2
    figures = {"sessions": SESSIONS, "runs_per_session": 2, "epochs_per_run": 60,
               "seconds_until_all_finished": round(elapsed, 1),
               "server_peak_memory_mb": round(peak_memory_mb(app_server.pid), 1)}
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS_DIR / "load.json").write_text(json.dumps(figures, indent=2) + "\n")
    print("load:", figures)
    for page in pages:
        page.context.close()


def test_a_session_that_leaves_stops_its_training(browser: Browser, app_server) -> None:
    page = new_session(browser, app_server.url + "/?runs=2&dataset=moons&A.epochs=2000"
                                                 "&B.epochs=2000")
    page.get_by_role("button", name="Train", exact=True).click()
    progress = page.locator(".reglab-progress .epochs").first
    seen = {progress.inner_text()}
    deadline = time.monotonic() + 60
    while len(seen) < 3 and time.monotonic() < deadline:  # training is live: progress moves
        page.wait_for_timeout(200)
        seen.add(progress.inner_text())
    assert len(seen) >= 3, f"training did not start: {seen}"
    page.context.close()
    time.sleep(3)  # let the tick under way finish
    before = cpu_seconds(app_server.pid)
    time.sleep(3)
    assert cpu_seconds(app_server.pid) - before < 0.5  # nobody trains for a visitor who left
