"""The server caps: defaults, overrides from the environment, and bad values refused."""
import pytest

from regcore.limits import Limits, env_var, load_limits


def test_defaults_without_environment_variables():
    limits = load_limits({})
    assert limits == Limits()
    assert (limits.max_epochs, limits.max_samples) == (2000, 20000)
    assert (limits.max_width, limits.max_layers) == (512, 6)
    assert (limits.max_runs, limits.max_sweep_runs, limits.max_sweep_workers) == (4, 400, 4)
    assert (limits.max_csv_rows, limits.max_csv_columns, limits.max_csv_bytes) == (20000, 200, 10_000_000)
    assert limits.max_snapshots == 200


def test_environment_variable_overrides_only_its_cap():
    limits = load_limits({"REGLAB_MAX_EPOCHS": "5000", "REGLAB_MAX_CSV_BYTES": " 1000 ", "OTHER": "x"})
    assert limits.max_epochs == 5000
    assert limits.max_csv_bytes == 1000
    assert limits.max_samples == Limits().max_samples


def test_the_sweep_worker_cap_is_read_from_its_variable():
    assert load_limits({"REGLAB_MAX_SWEEP_WORKERS": "8"}).max_sweep_workers == 8


def test_variable_name_is_prefix_plus_field_in_capitals():
    assert env_var("max_sweep_runs") == "REGLAB_MAX_SWEEP_RUNS"


@pytest.mark.parametrize("value", ["abc", "1.5", "", "0", "-3"])
def test_bad_environment_value_is_refused_naming_variable_and_value(value):
    with pytest.raises(ValueError, match=r"REGLAB_MAX_RUNS.*" + (value.strip() or "''")):
        load_limits({"REGLAB_MAX_RUNS": value})


def test_limits_built_in_code_are_checked_too():
    with pytest.raises(ValueError, match="max_width"):
        Limits(max_width=0)
