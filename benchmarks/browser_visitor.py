"""One visitor in a real browser: what training in the lab costs the browser, and how long it
takes from the click on Train to the finish.

    python -m benchmarks.browser_visitor [--epochs 1000] [--rounds 2]    (from the repository root)

Starts `streamlit run app.py` on core 0 (benchmarks.server) and headless Chromium
(/usr/bin/chromium, or CHROMIUM_PATH) on core 1, opens the lab on two runs of moons (1,000
samples, 64-64, the second with dropout 0.3; data seed 1, 2, … in turn, so that every round
trains) of `--epochs` epochs, presses Train, and reports per round: seconds from the click to
"Finished", the browser's CPU seconds meanwhile (every Chromium process), the server's (its
family: the training processes too), and how many Plotly charts the page mounted. Streamlit
mounts a chart anew whenever its figure changes, so a chart update costs the browser a full
Plotly drawing; the protocol visitors of benchmarks.load do not draw, and this benchmark
measures what they leave out.
"""
from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import datetime, timezone

from .proc import cpu_seconds, family, family_cpu_seconds
from .server import served

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# marks every Plotly chart element the page shows, counting the new ones every 20 ms
COUNT_MOUNTS = """() => { window.reglabMounts = 0; setInterval(() =>
    document.querySelectorAll('.js-plotly-plot').forEach(e => {
        if (!e.reglabSeen) { e.reglabSeen = true; window.reglabMounts++; } }), 20); }"""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from playwright.sync_api import sync_playwright  # a test dependency

    os.sched_setaffinity(0, {1})  # Chromium, started from here, inherits it; the server: core 0
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {platform.machine()}, "
          f"{os.cpu_count()} cores; server on core 0, Chromium on core 1; "
          f"2 runs x {args.epochs} epochs", flush=True)
    print("| round | click to finish s | browser CPU s | server CPU s | charts mounted |")
    print("|---:|---:|---:|---:|---:|")
    with served(cores="0") as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for round_ in range(1, args.rounds + 1):
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            page.goto(server.url + query(args.epochs, seed=round_))
            page.wait_for_selector(".js-plotly-plot", timeout=60_000)
            time.sleep(2)
            page.evaluate(COUNT_MOUNTS)
            browser_before, server_before = chromium_cpu(), family_cpu_seconds(server.pid)
            started = time.monotonic()
            page.get_by_role("button", name="Train", exact=True).click()
            page.get_by_text("Finished —").wait_for(timeout=args.timeout * 1000)
            seconds = time.monotonic() - started
            print(f"| {round_} | {seconds:.1f} | {chromium_cpu() - browser_before:.1f} | "
                  f"{family_cpu_seconds(server.pid) - server_before:.1f} | "
                  f"{page.evaluate('() => window.reglabMounts')} |", flush=True)
            page.close()
        browser.close()
    return 0


def query(epochs: int, seed: int) -> str:
    """The lab's link to the comparison (a server replays a comparison it trained before)."""
    return (f"/?runs=2&dataset=moons&seed={seed}&A.epochs={epochs}&B.epochs={epochs}"
            "&B.dropout=0.3")


def chromium_cpu() -> float:
    """CPU seconds used so far by the Chromium processes this process started."""
    total = 0.0
    for pid in family(os.getpid()):
        try:
            with open(f"/proc/{pid}/comm") as comm:
                if comm.read().startswith(("chrom", "headless")):
                    total += cpu_seconds(pid)
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended while we looked
    return total


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=1000, help="epochs of each run (≤ 2000)")
    parser.add_argument("--rounds", type=int, default=2, help="trainings, each in a new page")
    parser.add_argument("--timeout", type=float, default=180, help="seconds one may take")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
