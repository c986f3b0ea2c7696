"""Load benchmark: a room of visitors on one `streamlit run app.py`, all pressing Train at once.

    python -m benchmarks.load --sessions 1 8 30 [--modes distinct same room] [--json out.json]
        [--server-cores 0,1] [--client-cores 1] [--option runner.postScriptGC=false]
        [--script app.py] [--timeout 300]
    (from the repository root)

For every mode and every N it starts a fresh server (pinned by taskset to --server-cores),
lets one visitor warm it up, then opens N visitors in this process (pinned to
--client-cores) and measures what benchmarks.room describes: time from the click to the
first chart and to the finish (median and slowest visitor), chart updates per second while
training, the bytes each chart update brought the visitor, the server's CPU seconds per
visitor, its peak memory, exceptions, and this process's own CPU share to show the visitors
were not the bottleneck.
Visitors speak Streamlit's websocket protocol as the browser does (benchmarks.visitor).
Mode "room" is a workshop room instead (benchmarks.workshop): a presenter opens a room, the N
visitors join by its link, predict, train and post; its rows add the posts the room received.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import sys
import time

from .room import MODES, RoomResult, run_room
from .server import add_server_options, served
from .workshop import run_workshop

WORKSHOP = "room"  # the mode of a workshop room
COLUMNS = (  # (heading, summary key, format)
    ("mode", "mode", "{}"), ("N", "visitors", "{}"), ("done", "finished", "{}"),
    ("1st chart med/max s", ("first_chart_median_s", "first_chart_max_s"), "{:.2f} / {:.2f}"),
    ("finish med/max s", ("finish_median_s", "finish_max_s"), "{:.1f} / {:.1f}"),
    ("updates/s med/min", ("updates_per_s_median", "updates_per_s_min"), "{:.1f} / {:.1f}"),
    ("epochs/update", "epochs_per_update_median", "{:.1f}"),
    ("trained", "trained_median", "{:.0%}"),
    ("kB/update", "kilobytes_per_update_median", "{:.1f}"),
    ("server CPU s/visitor", "server_cpu_per_visitor_s", "{:.2f}"),
    ("of which main process", "main_cpu_per_visitor_s", "{:.2f}"),
    ("load CPU s/visitor", "load_cpu_per_visitor_s", "{:.2f}"),
    ("peak MB", "peak_mb", "{:.0f}"), ("with training processes MB", "peak_family_mb", "{:.0f}"),
    ("exceptions", "exceptions", "{}"),
    ("posts", "posts", "{}"), ("all posts shown s", "all_posts_shown_s", "{:.1f}"),
    ("server cores", "server_core_share", "{:.0%}"), ("clients CPU", "client_cpu_share", "{:.0%}"),
)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops the server too
    if args.client_cores:
        os.sched_setaffinity(0, {int(core) for core in args.client_cores.split(",")})
    options = dict(option.split("=", 1) for option in args.option)
    print(_machine(args, options), flush=True)
    rooms = []
    for mode in args.modes:
        for visitors in args.sessions:
            with served(args.script, cores=args.server_cores, options=options) as server:
                room = asyncio.run(run_workshop(server, visitors, timeout=args.timeout)
                                   if mode == WORKSHOP else
                                   run_room(server, visitors, mode, timeout=args.timeout))
            rooms.append(room)
            print(table([room], heading=len(rooms) == 1), flush=True)
            for problem in sorted(set(room.server_errors) | _visitor_problems(room)):
                print(f"    {problem}", flush=True)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"machine": _machine(args, options), "options": options,
                       "rooms": [room.as_dict() for room in rooms]}, out, indent=1)
    return 0 if all(room.ok for room in rooms) else 1


def table(rooms: list[RoomResult], heading: bool = True) -> str:
    """Markdown rows of the rooms' summaries (with the heading rows if `heading`)."""
    lines = []
    if heading:
        lines.append("| " + " | ".join(title for title, _, _ in COLUMNS) + " |")
        lines.append("|" + "|".join("---" if i < 2 else "---:" for i in range(len(COLUMNS))) + "|")
    for room in rooms:
        summary = room.summary()
        lines.append("| " + " | ".join(_cell(summary, key, form) for _, key, form in COLUMNS)
                     + " |")
    return "\n".join(lines)


def _visitor_problems(room: RoomResult) -> set[str]:
    return {problem for result in room.results for problem in result.exceptions + result.errors
            } | set(room.presenter_exceptions + room.presenter_errors)


def _cell(summary: dict, key, form: str) -> str:
    values = [summary[k] for k in key] if isinstance(key, tuple) else [summary[key]]
    if any(value is None for value in values):
        return "—"
    return form.format(*values)


def _machine(args, options) -> str:
    return (f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}; server on cores "
            f"{args.server_cores or 'any'}, visitors on {args.client_cores or 'any'}; "
            f"script {args.script}, options {options or 'none'}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 8, 30],
                        help="numbers of visitors, one room each")
    parser.add_argument("--modes", nargs="+", choices=[*MODES, WORKSHOP], default=list(MODES),
                        help=f"lab modes, or {WORKSHOP!r}: a workshop room")
    add_server_options(parser, timeout=300.0)
    return parser


if __name__ == "__main__":
    sys.exit(main())
