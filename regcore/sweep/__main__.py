"""Run a sweep from a terminal and write its results as CSV.

    python -m regcore.sweep --config base.json --grid grid.json --seeds 3 --workers 2 \\
        [--backend dask --scheduler tcp://host:8786] --out results.csv

base.json is a Config as JSON (Config.to_json(); missing fields take their defaults),
grid.json a dict of field → list of values, e.g. {"dropout": [0.0, 0.2], "lr": [0.001, 0.01]}.
--seeds is a count (seeds base.seed … base.seed+n−1) or a list such as 0,4,7. Progress goes
to stderr; without --out the CSV goes to stdout. Bad input: one line on stderr, exit code 2.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..config import Config
from .backends import BACKENDS
from .grid import idle_keys
from .job import POLL_SECONDS, SweepJob, start_sweep
from .progress import progress_text

EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED = 2, 1, 130


class InputError(Exception):
    """Bad command-line input: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would print the usage too: keep it to one line
        raise InputError(message)


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        base, grid, seeds = _read_inputs(args)
        job = start_sweep(base, grid, seeds, args.backend, args.workers, args.scheduler)
    except (InputError, ValueError) as error:
        return _fail(str(error), EXIT_BAD_INPUT)
    for sentence in idle_keys(job.plan):
        print(f"warning: {sentence}", file=sys.stderr)
    try:
        _wait_with_progress(job)
    except KeyboardInterrupt:
        return _fail("interrupted: the sweep was cancelled", EXIT_INTERRUPTED)
    except RuntimeError as error:
        return _fail(str(error), EXIT_FAILED)
    finally:
        job.cancel()
    try:
        _write(job.results(), args.out)
    except OSError as error:
        return _fail(f"cannot write {args.out}: {error.strerror or error}", EXIT_FAILED)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m regcore.sweep",
                     description="Train a base config over a grid of settings and seeds.")
    parser.add_argument("--config", required=True, type=Path, help="base Config as JSON")
    parser.add_argument("--grid", required=True, type=Path, help="field → list of values, JSON")
    parser.add_argument("--seeds", default="3", help="a count n, or seeds like 0,4,7 (default 3)")
    parser.add_argument("--backend", default="local", choices=BACKENDS)
    parser.add_argument("--workers", type=int, default=None,
                        help="local worker processes (default: every core, at most "
                             "$REGLAB_MAX_SWEEP_WORKERS; 1: no pool)")
    parser.add_argument("--scheduler", default=None,
                        help="Dask scheduler address (default: $REGLAB_DASK_SCHEDULER)")
    parser.add_argument("--out", type=Path, default=None, help="CSV file (default: stdout)")
    return parser


def _read_inputs(args) -> tuple[Config, dict, int | list[int]]:
    if args.out is not None and not args.out.parent.is_dir():
        raise InputError(f"--out: folder {args.out.parent} does not exist")
    try:
        base = Config.from_json(_read(args.config, "--config"))
    except ValueError as error:
        raise InputError(f"--config {args.config}: {error}") from None
    try:
        grid = json.loads(_read(args.grid, "--grid"))
    except json.JSONDecodeError as error:
        raise InputError(f"--grid {args.grid} is not valid JSON: {error}") from None
    return base, grid, _parse_seeds(args.seeds)


def _read(path: Path, option: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{option}: cannot read {path}: {error.strerror or error}") from None


def _parse_seeds(text: str) -> int | list[int]:
    try:
        if "," in text:
            return [int(part) for part in text.split(",")]
        return int(text)
    except ValueError:
        raise InputError(f"--seeds must be a count or a list like 0,4,7, got {text!r}") from None


def _wait_with_progress(job: SweepJob) -> None:
    end = "\r" if sys.stderr.isatty() else "\n"  # redraw in a terminal, a line each in a log
    print(progress_text(0, job.total, 0.0), end=end, file=sys.stderr, flush=True)
    while job.running:
        if job.poll(POLL_SECONDS):
            print(progress_text(job.done, job.total, job.elapsed), end=end, file=sys.stderr,
                  flush=True)
    if end == "\r":
        print(file=sys.stderr)


def _write(results, out: Path | None) -> None:
    if out is None:
        results.to_csv(sys.stdout, index=False)
    else:
        results.to_csv(out, index=False)
        print(f"wrote {len(results)} rows to {out}", file=sys.stderr)


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
