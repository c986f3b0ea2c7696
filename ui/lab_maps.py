"""The decision maps beside the lab's charts, as in TensorFlow Playground: for a 2-D
classification set, the data on each run's map, from its initial weights before the first
epoch to every tick of training. The figure is built once per comparison and its maps refilled
each tick on a coarse grid, so a tick pays a few ms for them (measured in the README). Also the
size of the maps in the Decision boundary tab, which has the charts' wider column."""
from __future__ import annotations

from ui.plots.boundary import (BOTTOM, LEGEND_SPACE, ROW_GAP, TOP, boundary_figure, panel_side,
                               refreshed_boundary_figure, why_no_boundary)
from ui.plots.spec_figure import SpecFigure

from . import keys, lab_settings
from .kept import kept_or_computed
from .live import session_for

MAP_RESOLUTION = 40   # the live maps' grid: 1,600 predictions a run
SIDE_WIDTH = 287      # px: the side column (2/5 of the chart row) at 1280 px, sidebar open
PRESENTER_SIDE_WIDTH = 422  # px: the side column at 1280 px in presenter mode (sidebar collapsed)
TAB_WIDTH = 440       # px: the chart tabs' column (3/5 of the page) at 1280 px, sidebar open
MAP_CAPTION = ("Each run's prediction, paler where less sure, with the training (●) and "
               "validation (✕) points in their true class's color.")


def shows_maps(runs) -> bool:
    """Whether the runs' data is a 2-D classification set (the maps are drawn beside the
    charts, before and while training)."""
    return bool(runs) and not why_no_boundary(runs)


def live_maps_figure(runs, names):
    """The side maps: built once per comparison (and names, presenter mode) and kept, as its
    plain dict, under a key of their own (the lab keeps the refilled figure under
    figure_key("lab-live-maps")); every redraw refills a copy with the runs' current maps
    (ui.plots.boundary.refreshed_boundary_figure)."""
    session = session_for(keys.LIVE_KEY)
    presenter = lab_settings.presenter()
    made_for = (session.ident if session else None, tuple(names), presenter)
    figure = kept_or_computed(
        keys.figure_key("lab-live-maps-frame"), made_for,
        lambda: SpecFigure(boundary_figure(
            runs, names, resolution=MAP_RESOLUTION, cols=1, legend=False,
            height=side_maps_height(len(runs), presenter)).to_dict()))
    return refreshed_boundary_figure(figure, runs, names, resolution=MAP_RESOLUTION)


def map_height(count: int, cols: int, panel: int, legend: bool = True) -> int:
    """Figure height (px) for `count` square maps of `panel` px in rows of `cols`, with the
    margins and row gaps of ui.plots.boundary."""
    rows = -(-count // cols)
    return rows * panel + (rows - 1) * ROW_GAP + TOP + BOTTOM - (0 if legend else LEGEND_SPACE)


def side_maps_height(count: int, presenter: bool) -> int:
    """Height (px) of the side maps' figure of `count` runs, one map a row (two a row would
    leave each title less width than it takes: the titles of a row would overlap). Each square
    panel is as wide as the side column makes it at 1280 px (SIDE_WIDTH; PRESENTER_SIDE_WIDTH
    with the sidebar collapsed), so no band of empty height is left under or between the maps;
    a wider column (a wider window) leaves room beside them instead. With s = panel_side(width,
    1): count · s + (count − 1) · ROW_GAP + the margins (map_height)."""
    width = PRESENTER_SIDE_WIDTH if presenter else SIDE_WIDTH
    return map_height(count, 1, panel_side(width, 1), legend=False)


def tab_maps_layout(count: int) -> tuple[int, int]:
    """(cols, height in px) of the Decision boundary tab's figure of `count` runs: up to two
    runs one above the other (each map as large as the tab allows), more two a row; each
    square panel as wide as the tab makes it at TAB_WIDTH, so no band of empty height is left
    under or between the maps (a wider tab leaves room beside them instead)."""
    cols = 1 if count <= 2 else 2
    return cols, map_height(count, cols, panel_side(TAB_WIDTH, cols))


def untrained_runs() -> list:
    """The lab's runs at epoch 0 (their initial weights and data), if it can train them."""
    session = session_for(keys.LIVE_KEY)
    if session is None or session.playback is None:
        return []
    return session.playback.recording.runs_at(0)
