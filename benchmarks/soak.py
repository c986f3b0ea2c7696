"""Memory soak: does the server's memory stay bounded over many trainings and many visitors?

    python -m benchmarks.soak [--cycles 200] [--sessions 50] [--batch 10] [--until finish]
        [--option runner.postScriptGC=false] [--script app.py] [--json out.json]
    (from the repository root)

On a fresh server (pinned to --server-cores, warmed up as in benchmarks.room) it measures the
memory of the server with its fork server and training processes, each shared page counted
once (their summed Pss: `proc.family_pss_mb`), in two parts:
1. Cycles: one visitor presses Train, waits until the training finished (or, with
   --until first-chart, until its first chart), presses Reset and waits for the page; 200
   times. Memory after 10 cycles is the start; it is sampled every 20 cycles and at the end.
2. Sessions (--rounds times): 50 visitors, --batch at a time, open the lab with their own seed, press Train and
   leave as soon as their first chart arrives (mid-training). The server's CPU in the first
   second after each batch left (the ticks already under way end) and in the 2 s after that
   is reported: a visitor who left should cost nothing. Streamlit keeps a
   left session's state for server.disconnectedSessionTTL seconds (120 by default; the soak
   sets --session-ttl, 10 s) in case the visitor reconnects, so the end is measured after
   that time and after one more visitor opened and left the lab (the server reaps expired
   sessions when it stores a left one), and once the trainings they left unfinished have been
   idle for ui.shared_training.IDLE_SECONDS, after one more visitor opened the lab (an arrival
   drops such trainings from the shared store). The start is the memory after part 1; a
   second round that ends where the first ended shows the memory is reused, not lost.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time

from ui.keys import LIVE_KEY, live_key
from ui.shared_training import IDLE_SECONDS

from . import proc
from .room import TRAIN, finish_time, query_string, server_errors, warm_up
from .server import add_server_options, served
from .visitor import Visitor

RESET = live_key(LIVE_KEY, "reset")
SETTLE_SECONDS = 2.0


async def train_reset_cycles(server, cycles: int, until: str, timeout: float) -> dict:
    """Memory (MB) of the server over `cycles` Train/Reset cycles of one visitor."""
    visitor = Visitor(server.url, query_string("distinct", 0))
    await visitor.open(timeout)
    samples = {}
    for cycle in range(1, cycles + 1):
        clicked = time.monotonic()
        await visitor.press(TRAIN)
        await _wait_until(lambda: _trained(visitor, clicked, until), timeout)
        await visitor.press(RESET)
        await visitor.wait_for_full_run(timeout)
        if cycle == min(10, cycles) or cycle % 20 == 0 or cycle == cycles:
            samples[cycle] = proc.family_pss_mb(server.pid)
    await visitor.close()
    start_cycle = min(10, cycles)
    start = samples[start_cycle]
    return {"cycles": cycles, "until": until, "mb_by_cycle": samples,
            "start_cycle": start_cycle, "start_mb": start,
            "end_mb": samples[cycles], "max_mb": max(samples.values()),
            "end_vs_start": samples[cycles] / start - 1,
            "exceptions": visitor.record.exceptions, "errors": visitor.record.errors}


async def sessions_come_and_go(server, sessions: int, batch: int, ttl: float,
                               timeout: float) -> dict:
    """Memory (MB) of the server before and after `sessions` visitors trained a little and
    left; server CPU seconds in the second after each batch left and in the SETTLE_SECONDS
    after that."""
    start, start_server = proc.family_pss_mb(server.pid), proc.pss_mb(server.pid)
    after_leaving, exceptions, errors = [], [], []
    for first in range(0, sessions, batch):
        room = [Visitor(server.url, query_string("distinct", index))
                for index in range(first, min(first + batch, sessions))]
        await asyncio.gather(*(visitor.open(timeout) for visitor in room))
        clicked = time.monotonic()
        await asyncio.gather(*(visitor.press(TRAIN) for visitor in room))
        await _wait_until(lambda: all(_trained(v, clicked, "first-chart") for v in room), timeout)
        await asyncio.gather(*(visitor.close() for visitor in room))
        after_leaving.append(await _cpu_in_windows(server.pid, (1.0, SETTLE_SECONDS)))
        for visitor in room:
            exceptions += visitor.record.exceptions
            errors += visitor.record.errors
    peak = proc.family_pss_mb(server.pid)
    left = time.monotonic()
    await asyncio.sleep(ttl + 1)
    last = Visitor(server.url)  # storing its session as it leaves reaps the expired ones
    await last.open(timeout)
    await last.close()
    await asyncio.sleep(max(0.0, left + IDLE_SECONDS + 1 - time.monotonic()))
    arrival = Visitor(server.url)  # its arrival drops the trainings left idle
    await arrival.open(timeout)
    await arrival.close()
    await asyncio.sleep(SETTLE_SECONDS)
    end = proc.family_pss_mb(server.pid)
    return {"sessions": sessions, "batch": batch, "start_mb": start, "with_sessions_mb": peak,
            "end_mb": end, "end_vs_start": end / start - 1,
            "server_start_mb": start_server, "server_end_mb": proc.pss_mb(server.pid),
            "cpu_s_after_leaving": after_leaving, "exceptions": exceptions, "errors": errors}


async def _cpu_in_windows(pid: int, seconds: tuple[float, ...]) -> list[float]:
    """The process's CPU seconds in consecutive windows of these lengths, from now."""
    spent = []
    for length in seconds:
        before = proc.cpu_seconds(pid)
        await asyncio.sleep(length)
        spent.append(proc.cpu_seconds(pid) - before)
    return spent


def _trained(visitor: Visitor, clicked: float, until: str) -> bool:
    if until == "finish":
        return finish_time(visitor.record, clicked) is not None
    return any(chart >= clicked for run in visitor.record.runs for chart in run.charts)


async def _wait_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.05)


async def soak(server, args) -> dict:
    await warm_up(server, args.timeout)
    cycles = await train_reset_cycles(server, args.cycles, args.until, args.timeout)
    print(f"cycles: {json.dumps(cycles)}", flush=True)
    rounds = []
    for _ in range(args.rounds):
        rounds.append(await sessions_come_and_go(server, args.sessions, args.batch,
                                                 args.session_ttl, args.timeout))
        print(f"sessions: {json.dumps(rounds[-1])}", flush=True)
    # peak_mb: of the server process alone (VmHWM)
    return {"cycles": cycles, "rounds": rounds, "peak_mb": proc.peak_rss_mb(server.pid),
            "server_errors": server_errors(server.log_text())}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops the server too
    if args.client_cores:
        os.sched_setaffinity(0, {int(core) for core in args.client_cores.split(",")})
    options = dict(option.split("=", 1) for option in args.option)
    options["server.disconnectedSessionTTL"] = str(args.session_ttl)
    with served(args.script, cores=args.server_cores, options=options) as server:
        result = asyncio.run(soak(server, args))
    result.update(script=args.script, options=options, date=time.strftime("%Y-%m-%d %H:%M %Z"))
    print(report(result))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=1)
    return 0


def report(result: dict) -> str:
    cycles, rounds = result["cycles"], result["rounds"]
    first = rounds[0]["start_mb"]
    lines = [
        f"{result['date']}; script {result['script']}, options {result['options']}",
        f"{cycles['cycles']} Train/Reset cycles (until {cycles['until']}): "
        f"{cycles['start_mb']:.0f} MB after {cycles['start_cycle']}, max {cycles['max_mb']:.0f} MB, "
        f"{cycles['end_mb']:.0f} MB at the end ({cycles['end_vs_start']:+.1%})"]
    lines += [_round_line(number, sessions, first) for number, sessions in enumerate(rounds, 1)]
    exceptions = len(cycles["exceptions"]) + sum(len(r["exceptions"]) for r in rounds)
    errors = len(cycles["errors"]) + sum(len(r["errors"]) for r in rounds)
    lines.append(f"server process peak {result['peak_mb']:.0f} MB; exceptions "
                 f"{exceptions + len(result['server_errors'])}, client errors {errors}")
    lines += [f"  in the server log: {error}" for error in result["server_errors"]]
    return "\n".join(lines)


def _round_line(number: int, sessions: dict, first: float) -> str:
    return (
        f"round {number}: {sessions['sessions']} sessions opened and left: "
        f"{sessions['start_mb']:.0f} MB before, "
        f"{sessions['with_sessions_mb']:.0f} MB when the last left, {sessions['end_mb']:.0f} MB "
        f"after their state expired ({sessions['end_mb'] / first - 1:+.1%} on round 1's start; "
        f"the server process alone {sessions['server_start_mb']:.0f} → "
        f"{sessions['server_end_mb']:.0f} MB); "
        f"server CPU after a batch "
        f"left: at most {max(a for a, _ in sessions['cpu_s_after_leaving']):.2f} s in the first "
        f"second, {max(b for _, b in sessions['cpu_s_after_leaving']):.2f} s in the "
        f"{SETTLE_SECONDS:.0f} s after")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--until", choices=("finish", "first-chart"), default="finish",
                        help="how long each cycle trains before Reset")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--batch", type=int, default=10, help="visitors at a time")
    parser.add_argument("--rounds", type=int, default=2,
                        help="times the sessions come and go (equal ends: memory is reused)")
    parser.add_argument("--session-ttl", type=int, default=10,
                        help="server.disconnectedSessionTTL for the soak, in seconds")
    add_server_options(parser, timeout=120.0)
    return parser


if __name__ == "__main__":
    sys.exit(main())
