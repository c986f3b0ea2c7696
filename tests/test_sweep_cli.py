"""`python -m regcore.sweep`: a CSV with one row per grid point and seed; bad input is one
line on stderr and exit code 2."""
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from regcore import Config
from regcore.sweep.__main__ import main

REPO = Path(__file__).resolve().parents[1]
BASE = Config(dataset="moons", n_samples=120, hidden=(8,), epochs=3)


@pytest.fixture
def inputs(tmp_path):
    base, grid = tmp_path / "base.json", tmp_path / "grid.json"
    base.write_text(BASE.to_json())
    grid.write_text(json.dumps({"dropout": [0.0, 0.2], "lr": [0.001, 0.01, 0.1]}))
    return base, grid


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "regcore.sweep", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_the_module_writes_a_csv_with_a_row_per_grid_point_and_seed(inputs, tmp_path):
    base, grid = inputs
    out = tmp_path / "results.csv"
    done = run_cli("--config", base, "--grid", grid, "--seeds", 2, "--workers", 1, "--out", out)
    assert done.returncode == 0, done.stderr
    results = pd.read_csv(out)
    assert len(results) == 12
    assert results[["dropout", "lr", "seed"]].iloc[:3].values.tolist() == [
        [0.0, 0.001, 0], [0.0, 0.001, 1], [0.0, 0.01, 0]]
    assert {"best_val_loss", "final_val_acc", "gap", "sparsity", "status"} <= set(results)
    assert "12/12" in done.stderr.splitlines()[-2]  # the progress bar's last line


def test_bad_input_exits_2_with_one_line_and_no_traceback(inputs):
    base, _ = inputs
    done = run_cli("--config", base, "--grid", REPO / "no-such-grid.json")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "cannot read" in done.stderr


@pytest.mark.parametrize("grid, extra, message", [
    ({"dropuot": [0.1]}, [], "unknown grid key"),
    ({"dropout": [1.5]}, [], "grid point dropout=1.5: dropout must be a number in [0, 1)"),
    ({"dropout": []}, [], "empty list"),
    ({"dropout": [0.1]}, ["--seeds", "401"], "at most 400"),
    ({"dropout": [0.1]}, ["--seeds", "two"], "--seeds must be a count"),
    ({"dropout": [0.1]}, ["--workers", "0"], "workers must be an integer"),
    ({"dropout": [0.1]}, ["--workers", "99"], "workers must be an integer in [1, 4], got 99"),
    ({"dropout": [0.1]}, ["--backend", "spark"], "invalid choice"),
])
def test_bad_grids_and_options_are_refused_in_one_line(tmp_path, capsys, grid, extra, message):
    base, grid_file = tmp_path / "base.json", tmp_path / "grid.json"
    base.write_text(BASE.to_json())
    grid_file.write_text(json.dumps(grid))
    assert main(["--config", str(base), "--grid", str(grid_file), *extra]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and message in error


def test_a_config_file_that_is_not_a_config_is_refused(tmp_path, capsys):
    base, grid = tmp_path / "base.json", tmp_path / "grid.json"
    base.write_text("{not json")
    grid.write_text("{}")
    assert main(["--config", str(base), "--grid", str(grid)]) == 2
    assert "--config" in capsys.readouterr().err


def test_without_out_the_csv_goes_to_stdout(inputs, capsys):
    base, grid = inputs
    assert main(["--config", str(base), "--grid", str(grid), "--seeds", "1", "--workers", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("point,dropout,lr,seed,status") and len(lines) == 7
