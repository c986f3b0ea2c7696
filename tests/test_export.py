"""Keeping a comparison: CSV history, JSON configs and a script that trains the same runs."""
import io
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from regcore import Config, train_side_by_side
from regcore.export import configs_from_json, configs_json, history_csv, reproduction_script
from regcore.run import HISTORY_COLUMNS

REPO = Path(__file__).resolve().parents[1]
BASE = Config(dataset="moons", n_samples=120, hidden=(16,), epochs=4, seed=3)
CONFIGS = [BASE, BASE.replace(dropout=0.3, penalty="l2", penalty_strength=1e-3, patience=2)]
NAMES = ["A", "B"]


@pytest.fixture(scope="module")
def runs():
    return train_side_by_side(CONFIGS)


def test_history_csv_has_a_run_column_and_one_row_per_epoch(runs):
    table = pd.read_csv(io.StringIO(history_csv(runs, NAMES)))
    assert list(table.columns) == ["run", *HISTORY_COLUMNS]
    assert table.groupby("run").size().to_dict() == {n: len(r.history) for n, r in zip(NAMES, runs)}
    b_rows = table[table["run"] == "B"]
    assert b_rows["val_loss"].tolist() == pytest.approx(runs[1].history["val_loss"].tolist())


def test_history_csv_of_no_runs_is_a_header():
    assert history_csv([], []).strip() == ",".join(["run", *HISTORY_COLUMNS])


def test_configs_json_round_trips_to_configs():
    assert configs_from_json(configs_json(CONFIGS, NAMES)) == dict(zip(NAMES, CONFIGS))


def test_reading_something_else_than_configs_json_is_a_value_error():
    with pytest.raises(ValueError, match="runs"):
        configs_from_json('{"A": {}}')


def test_names_must_match_the_runs(runs):
    with pytest.raises(ValueError, match="names"):
        history_csv(runs, ["A"])


def test_script_trains_the_same_runs(runs, tmp_path):
    script = tmp_path / "reproduce.py"
    script.write_text(reproduction_script(CONFIGS, NAMES))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            cwd=tmp_path, env={"PYTHONPATH": str(REPO)}, timeout=120)
    assert result.returncode == 0, result.stderr
    printed = dict(re.findall(r"^(\w)\s+\S+\s+\d+\s+\S+\s+(\S+)$", result.stdout, re.MULTILINE))
    assert {name: float(value) for name, value in printed.items()} == pytest.approx(
        {name: run.final("val_loss") for name, run in zip(NAMES, runs)}, rel=1e-6)


def test_script_for_an_uploaded_csv_reads_that_file(tmp_path):
    rows = ["x1,x2,label"] + [f"{i % 7},{(i * 3) % 5},{i % 2}" for i in range(40)]
    (tmp_path / "mine.csv").write_text("\n".join(rows))
    custom = [Config(dataset="custom", hidden=(8,), epochs=2)] * 2
    script = tmp_path / "reproduce.py"
    script.write_text(reproduction_script(custom, NAMES, csv_path="mine.csv", csv_target="label"))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            cwd=tmp_path, env={"PYTHONPATH": str(REPO)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "completed" in result.stdout


def test_history_csv_carries_the_test_columns_empty_without_a_test_split():
    runs = train_side_by_side([Config(n_samples=100, epochs=2, hidden=(8,), test_fraction=0.2)])
    table = pd.read_csv(io.StringIO(history_csv(runs, ["A"])))
    assert table[["test_loss", "test_acc"]].notna().all().all()
    plain = train_side_by_side([Config(n_samples=100, epochs=2, hidden=(8,))])
    assert pd.read_csv(io.StringIO(history_csv(plain, ["A"])))["test_loss"].isna().all()


def test_configs_json_and_the_script_keep_the_test_split():
    config = Config(n_samples=100, epochs=2, hidden=(8,), test_fraction=0.2)
    assert configs_from_json(configs_json([config], ["A"]))["A"].test_fraction == 0.2
    script = reproduction_script([config], ["A"])
    assert "test_fraction=0.2" in script and "test loss (held out)" in script
    custom = reproduction_script([Config(dataset="custom", test_fraction=0.2)], ["A"])
    assert "test_fraction=0.2" in custom.split("load_csv(")[1]
