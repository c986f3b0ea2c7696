"""Run a Streamlit script on a local port and drive it from Chromium.

The server side (`start_server`, `stop_server`) works with any script, so the
harness can be checked against a tiny throwaway app as well as the real one.

The page side knows a run is over when three things hold: the page has
received the run's `script_finished` message, the root element says
`data-test-script-state="notRunning"`, and the page has stopped changing.
The message is needed because a fast run can start and finish within one
render, so the state attribute never visibly leaves "notRunning".
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from playwright.sync_api import Browser, Page, Playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
DOC_SCREENSHOTS_DIR = REPO_ROOT / "docs" / "screenshots"

CHROMIUM_NOT_FOUND = (
    "Chromium not found: install it with `apt-get install chromium` or set CHROMIUM_PATH"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1600, "height": 1000}

EXCEPTION = '[data-testid="stException"]'
# st.error() boxes; an uncaught exception draws the same box inside stException.
ERROR_ALERT = '[data-testid="stAlertContentError"]:not([data-testid="stException"] *)'

_APP_IS_IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null
        && app.dataset.testConnectionState === "CONNECTED"
        && app.dataset.testScriptState === "notRunning"
        && document.querySelector('[data-testid="stStatusWidgetRunningIcon"]') === null;
}"""

# Counts the runs the server reports finished. Every server message is a
# protobuf ForwardMsg; field 6 is `script_finished`, whose value 2
# (FINISHED_EARLY_FOR_RERUN) means another run follows at once.
_COUNT_FINISHED_RUNS = """(() => {
    if (window.__reglabRuns) return;
    window.__reglabRuns = { finished: 0 };
    const finishStatus = (bytes) => {
        let i = 0;
        const varint = () => {
            let value = 0, scale = 1, byte;
            do { byte = bytes[i++]; value += (byte & 0x7f) * scale; scale *= 128; }
            while (byte & 0x80 && i < bytes.length);
            return value;
        };
        while (i < bytes.length) {
            const key = varint(), field = Math.floor(key / 8), wire = key % 8;
            if (field === 6 && wire === 0) return varint();
            if (wire === 0) varint();
            else if (wire === 2) { const length = varint(); i += length; }
            else if (wire === 1) i += 8;
            else if (wire === 5) i += 4;
            else return null;
        }
        return null;
    };
    const NativeWebSocket = window.WebSocket;
    window.WebSocket = class extends NativeWebSocket {
        constructor(...args) {
            super(...args);
            this.addEventListener("message", (event) => {
                if (!(event.data instanceof ArrayBuffer)) return;
                const status = finishStatus(new Uint8Array(event.data));
                if (status !== null && status !== 2) window.__reglabRuns.finished += 1;
            });
        }
    };
})();"""

# Resolves once the page has not changed for `quietMs`, or after `capMs`
# (charts may keep animating).
_WAIT_FOR_QUIET = """([quietMs, capMs]) => new Promise((resolve) => {
    const finish = () => { observer.disconnect(); clearTimeout(quiet); clearTimeout(cap); resolve(); };
    const observer = new MutationObserver(() => {
        clearTimeout(quiet);
        quiet = setTimeout(finish, quietMs);
    });
    let quiet = setTimeout(finish, quietMs);
    const cap = setTimeout(finish, capMs);
    observer.observe(document.body, {
        subtree: true, childList: true, attributes: true, characterData: true,
    });
})"""


@dataclass
class ServerHandle:
    """A running `streamlit run` process and where to reach it."""

    url: str
    process: subprocess.Popen
    log_path: Path
    log_file: IO[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid


# --- Chromium ---------------------------------------------------------------

# The texts in the main area cut short: paragraphs and ellipsis-clipped labels (a select box's
# value excepted) whose content is wider than their box.
CUT_TEXTS = """() => [...document.querySelectorAll("[data-testid='stMain'] *")]
    .filter((e) => e.tagName === "P" || getComputedStyle(e).textOverflow === "ellipsis")
    .filter((e) => !e.closest("[data-testid='stSelectbox']"))
    .filter((e) => e.getBoundingClientRect().height > 0 && e.scrollWidth > e.clientWidth + 1)
    .map((e) => e.textContent)"""


def find_chromium() -> str | None:
    """Path of the Chromium executable: $CHROMIUM_PATH, then the usual names."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    fallback = Path("/usr/bin/chromium")
    return str(fallback) if fallback.is_file() else None


def launch_chromium(playwright: Playwright, executable: str) -> Browser:
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS
    )


# --- Server -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    script: Path, name: str, cwd: Path = REPO_ROOT, timeout: float = 60.0
) -> ServerHandle:
    """Start `streamlit run script` and return once its health check says "ok".

    Runs from `cwd` so the repository's .streamlit/config.toml applies. Output
    goes to artifacts/server-<name>.log; its tail is shown if startup fails.
    """
    port = free_port()
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS_DIR / f"server-{name}.log"
    log_file = log_path.open("wb")
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    server = ServerHandle(f"http://127.0.0.1:{port}", process, log_path, log_file)
    try:
        _wait_for_health(server, timeout)
    except RuntimeError:
        stop_server(server)
        raise
    return server


def _wait_for_health(server: ServerHandle, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"Streamlit exited with code {server.process.returncode} during startup.\n"
                + log_tail(server.log_path)
            )
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as reply:
                if reply.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(
        f"Streamlit did not answer {server.url}/_stcore/health within {timeout:.0f} s.\n"
        + log_tail(server.log_path)
    )


def stop_server(server: ServerHandle, grace: float = 10.0) -> None:
    """Terminate the server process by its PID, killing it if it lingers."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=grace)
    server.log_file.close()


def log_tail(log_path: Path, lines: int = 40) -> str:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    tail = "\n".join(text.splitlines()[-lines:])
    return f"--- last {lines} lines of {log_path} ---\n{tail}"


# --- Page -------------------------------------------------------------------


def open_page(page: Page, url: str, timeout: float = 60.0) -> None:
    """Navigate to `url` and wait until the script has finished its first run."""
    page.add_init_script(_COUNT_FINISHED_RUNS)
    page.goto(url, timeout=timeout * 1000)
    _wait_for_finished_runs(page, more_than=0, timeout=timeout)
    wait_until_idle(page, timeout)


def wait_until_idle(page: Page, timeout: float = 30.0) -> None:
    """Wait until the app is connected, no run is in progress, the page's web fonts have
    loaded (text measured before that is measured in a fallback font) and the page is still."""
    page.wait_for_function(_APP_IS_IDLE, timeout=timeout * 1000)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.evaluate(_WAIT_FOR_QUIET, [150, 3000])


def finished_runs(page: Page) -> int | None:
    """How many script runs this page has seen finish; None if not counted
    (the page was not opened with `open_page`)."""
    return page.evaluate("() => window.__reglabRuns?.finished ?? null")


@contextmanager
def expect_rerun(page: Page, timeout: float = 30.0) -> Iterator[None]:
    """Wait for the script run caused by the interaction in the `with` block.

    Without this, a check made right after a click could see the page of the
    previous run. Fails if no run finishes within `timeout` seconds.
    """
    before = finished_runs(page)
    yield
    if before is not None:
        _wait_for_finished_runs(page, more_than=before, timeout=timeout)
    wait_until_idle(page, timeout)


def _wait_for_finished_runs(page: Page, more_than: int, timeout: float) -> None:
    page.wait_for_function(
        "(count) => window.__reglabRuns.finished > count",
        arg=more_than,
        timeout=timeout * 1000,
    )


def click_button(page: Page, label: str, timeout: float = 30.0) -> None:
    """Click the button labelled exactly `label` and wait for the rerun."""
    button = page.get_by_role("button", name=label, exact=True)
    with expect_rerun(page, timeout):
        button.click(timeout=timeout * 1000)


def exception_texts(page: Page) -> list[str]:
    """Texts of uncaught exceptions (and st.exception) shown on the page.

    With `showErrorDetails = "none"` this is Streamlit's generic notice; the
    traceback is in the server log (`ServerHandle.log_path`).
    """
    return page.locator(EXCEPTION).all_inner_texts()


def error_alert_texts(page: Page) -> list[str]:
    """Texts of st.error() boxes, not counting those inside exceptions."""
    return page.locator(ERROR_ALERT).all_inner_texts()


def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG to artifacts/; also to docs/screenshots/ when
    REGLAB_DOC_SCREENSHOTS is set, which is how the README's images are made."""
    path = artifact_screenshot(page, name)
    if os.environ.get("REGLAB_DOC_SCREENSHOTS"):
        DOC_SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOC_SCREENSHOTS_DIR / path.name)
    return path


def artifact_screenshot(page: Page, name: str) -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", name.removesuffix(".png")).strip("-")
    path = ARTIFACTS_DIR / f"{stem}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
