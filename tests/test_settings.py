"""The table of settings covers every field of Config, offers what Config accepts, and is the
one source of the sweep's ranges and the lab's text of a value."""
import pytest

from regcore import LIMITS, Config
from regcore.config import FIELDS
from regcore.settings import RUN_WIDGETS, SETTINGS, log_marks, parse_widths, widths_text
from regcore.sweep import AXES


def test_every_config_field_has_a_setting():
    assert set(FIELDS) <= set(SETTINGS)
    assert set(SETTINGS) - set(FIELDS) == {"early_stopping"}  # the switch of patience


@pytest.mark.parametrize("field", [f for f, s in SETTINGS.items()
                                   if s.kind in ("slider", "number", "log")])
def test_the_ends_of_every_range_are_valid_configs(field):
    setting = SETTINGS[field]
    number = float if isinstance(getattr(Config(), field), float) else int
    base = Config(n_features=LIMITS.max_csv_columns, n_informative=1)  # either may move
    for value in (setting.low, setting.high):
        base.replace(**{field: number(value)})


@pytest.mark.parametrize("field", [f for f, s in SETTINGS.items() if s.kind == "choice"])
def test_every_choice_is_a_valid_config(field):
    for value in SETTINGS[field].choices:
        Config().replace(**{field: value})


def test_sweep_axes_take_label_scale_and_bounds_from_the_table():
    for field, axis in AXES.items():
        setting = SETTINGS[field]
        assert axis.label == setting.label
        if axis.kind == "choice":
            assert axis.choices == tuple(setting.choices)
        else:
            assert (axis.kind == "log") == (setting.kind == "log")
            assert (axis.minimum, axis.maximum) == (setting.low, setting.high)


def test_dropout_is_offered_from_0_to_0_9_everywhere():
    assert (SETTINGS["dropout"].low, SETTINGS["dropout"].high) == (0.0, 0.9)
    assert (AXES["dropout"].minimum, AXES["dropout"].maximum) == (0.0, 0.9)


def test_log_marks_are_round_numbers_within_the_range():
    assert log_marks(0.01, 0.1) == [0.01, 0.02, 0.05, 0.1]
    assert log_marks(1e-5, 1e-4, (1, 2, 3, 5)) == [1e-5, 2e-5, 3e-5, 5e-5, 1e-4]
    assert SETTINGS["penalty_strength"].log_values()[:2] == [0.0, 1e-6]


def test_widths_read_back_from_their_text():
    for widths in [(), (64,), (128, 64, 8)]:
        assert parse_widths(widths_text(widths)) == widths
        assert parse_widths(widths_text(widths, sep="-")) == widths
    assert widths_text(()) == "linear" and widths_text((), empty="") == ""


def test_values_read_as_text():
    assert SETTINGS["hidden"].text((64, 64)) == "64, 64"
    assert SETTINGS["patience"].text(None) == "off"
    assert SETTINGS["lr"].text(0.001) == "0.001"
    assert SETTINGS["restore_best"].text(True) == "true"


def test_the_run_grid_has_a_widget_for_every_run_setting_but_the_snapshots():
    assert "snapshot_every" not in RUN_WIDGETS and "early_stopping" in RUN_WIDGETS
    assert RUN_WIDGETS[0] == "hidden" and RUN_WIDGETS[-1] == "restore_best"
