"""The lab redraws its costly live views less often than the curves (AppTest): the decision
maps beside the charts and the summary wait `lab_view.HEAVY_REFRESH` seconds between redraws
while training, in a full room `pace.view_refresh` seconds, the page says how often, and the
end draws them exactly."""
from types import SimpleNamespace

import pytest

from ui import keys, lab_view, pace

from test_app_lab import lab, live, set_epochs, train_to_end

FROZEN_CLOCK = SimpleNamespace(monotonic=lambda: 1000.0)  # every tick at the same moment


@pytest.fixture
def maps_built(monkeypatch):
    """The epochs the live maps figure was built at, in order."""
    built, original = [], lab_view.live_maps_figure

    def counting(runs, names):
        built.append(runs[0].stopped_epoch)
        return original(runs, names)

    monkeypatch.setattr(lab_view, "live_maps_figure", counting)
    monkeypatch.setattr("ui.kept.time", FROZEN_CLOCK)
    return built


def sessions_training(monkeypatch, count: int) -> None:
    monkeypatch.setattr(pace.Pace, "active", lambda self: count)


def test_the_costly_views_wait_longer_between_redraws_the_fuller_the_room():
    assert pace.view_refresh(1) == pace.view_refresh(pace.FEW_SESSIONS) == 0.0  # own rate
    assert pace.view_refresh(30) == pytest.approx(3.0)
    assert pace.view_refresh(10) < pace.view_refresh(30)


def test_in_a_full_room_the_maps_are_kept_while_training_and_drawn_exactly_at_the_end(
        monkeypatch, maps_built):
    sessions_training(monkeypatch, 30)
    at = set_epochs(lab(), 60)
    at = train_to_end(at)
    during = [epoch for epoch in maps_built if 0 < epoch < 60]
    assert len(set(during)) <= 1       # built once when training began, then kept
    assert maps_built[-1] == 60        # the end is drawn exactly
    assert live(at).done


def test_in_a_full_room_the_page_says_how_often_the_summary_refreshes(monkeypatch, maps_built):
    sessions_training(monkeypatch, 30)
    at = set_epochs(lab(), 60)
    at.button(key=keys.live_key(keys.LIVE_KEY, "train")).click().run()
    assert live(at).playing
    assert any("refreshed about every 3 s" in text.value for text in at.markdown)


def test_alone_the_maps_are_redrawn_at_the_heavy_views_rate_and_exactly_at_the_end(
        monkeypatch, maps_built):
    sessions_training(monkeypatch, 1)
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr("ui.kept.time", SimpleNamespace(monotonic=lambda: clock.now))
    at = set_epochs(lab(), 600)
    at.button(key=keys.live_key(keys.LIVE_KEY, "train")).click().run()
    assert any("redrawn about every 1 s (each title says its epoch)" in caption.value
               for caption in at.caption)
    ticks = 0
    while live(at).playing:
        clock.now += lab_view.HEAVY_REFRESH / 2  # two ticks to a redraw
        at.run()
        ticks += 1
    during = {epoch for epoch in maps_built if 0 < epoch < 600}
    assert ticks >= 4 and 1 <= len(during) <= ticks // 2 + 1
    assert maps_built[-1] == 600
