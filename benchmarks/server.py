"""`streamlit run app.py` on a free local port, pinned to chosen cores, for benchmarks.

    with served(cores="0", options={"runner.postScriptGC": "false"}) as server:
        ...  server.url, server.pid, server.log_text()

The server runs from the repository root (so .streamlit/config.toml applies), its output goes
to a temporary log file, and it is stopped by its PID when the block ends, also on Ctrl-C.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


def add_server_options(parser: argparse.ArgumentParser, timeout: float) -> None:
    """The options every benchmark that starts a server and its visitors takes."""
    parser.add_argument("--server-cores", default="0,1",
                        help="taskset list for the server (it keeps the first core for itself "
                             "and trains on the others)")
    parser.add_argument("--client-cores", default="1", help="cores for the visitors")
    parser.add_argument("--script", default="app.py",
                        help="the app's main script, relative to the repository root")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="a Streamlit config option for the server, e.g. "
                             "runner.postScriptGC=false")
    parser.add_argument("--timeout", type=float, default=timeout,
                        help="seconds a training may take before the benchmark gives up")
    parser.add_argument("--json", help="also write every figure, per visitor, to this file")


def pinned(command: list[str], cores: str | None) -> list[str]:
    """`command` run by taskset on `cores` (e.g. "0"), or as is without cores or taskset."""
    if not cores or shutil.which("taskset") is None:
        return command
    return ["taskset", "-c", cores, *command]


@contextmanager
def served(script: str = "app.py", cores: str | None = None,
           options: Mapping[str, str] | None = None, timeout: float = 60.0) -> Iterator[Server]:
    """A running server of `script` with config `options` given as command-line flags."""
    port = _free_port()
    log_dir = Path(tempfile.mkdtemp(prefix="reglab-load-"))
    flags = [f"--{name}={value}" for name, value in {
        "server.port": str(port), "server.address": "127.0.0.1", "server.headless": "true",
        "browser.gatherUsageStats": "false", **(options or {})}.items()]
    command = pinned([sys.executable, "-m", "streamlit", "run", script, *flags], cores)
    log_path = log_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_for_health(server, timeout)
        yield server
    finally:
        _stop(process)
        shutil.rmtree(log_dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_health(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.process.returncode}:\n"
                               + server.log_text()[-3000:])
        try:
            with urllib.request.urlopen(server.url + "/_stcore/health", timeout=2) as reply:
                if reply.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit did not answer within {timeout:.0f} s:\n"
                       + server.log_text()[-3000:])


def _stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace)
