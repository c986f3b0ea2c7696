"""A Plotly Figure held as its plain dict (its spec), for charts redrawn on every tick.

`st.plotly_chart(figure)` serializes a Figure by calling `figure.to_dict()`: Plotly deep-copies
every property and turns each numpy array into a typed array ({"dtype": "f4", "bdata":
base64}). For the lab's live charts that took about as long as assembling the figure, and
building the Figure object itself as long again (Plotly makes an object per trace and per
property even unvalidated). A SpecFigure skips both:

    figure = SpecFigure({"data": [{"type": "scatter", "x": xs, "y": ys}], "layout": {...}})
    figure.to_dict()   # the spec, copied, arrays as typed arrays: what Plotly would give
    figure.data[0].x   # anything else builds the Figure once (unvalidated), then acts as one

The spec is taken as it is (Plotly does not check it): give only the dicts of figures Plotly
made or validated (`ui.plots.curves.assembled` does that), which also name their template
(a Figure built from a dict without one would take Plotly's default). The figure reads the
spec when it is sent: do not change the spec afterwards.
"""
from __future__ import annotations

import base64
import copy

import numpy as np
import plotly.graph_objects as go

# What Plotly's to_dict does with numpy arrays (plotly 6 and later): these dtypes travel as
# plotly.js typed arrays, 64-bit integers first narrowed to the smallest type that holds them,
# and the values of SKIPPED_KEYS are copied as they are, arrays in them included.
TYPED_ARRAY_CODES = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2",
                     "int32": "i4", "uint32": "u4", "float32": "f4", "float64": "f8"}
NARROWER = {"int64": (np.int8, np.int16, np.int32), "uint64": (np.uint8, np.uint16, np.uint32)}
SKIPPED_KEYS = ("range", "geojson", "layer", "layers")


class SpecFigure(go.Figure):
    """A go.Figure made from `spec` ({"data": [trace dicts], "layout": dict}; numpy arrays
    anywhere in it) that is built as a Plotly object only when used as one: `to_dict()` (what
    st.plotly_chart calls) reads the spec instead. Changing the figure through Plotly's
    methods builds it first, so the spec never goes stale."""

    def __init__(self, spec: dict):  # BaseFigure.__init__ runs later, in _build, if ever
        object.__setattr__(self, "_spec", spec)

    def __getattr__(self, name: str):
        """Called only for attributes the object does not have: before the build, the Figure's
        own (Plotly's methods and properties read them), so build it and look again."""
        spec = self.__dict__.get("_spec")
        if spec is None or name.startswith("__"):
            raise AttributeError(name)
        self._build()
        return getattr(self, name)

    def _build(self) -> None:
        spec = self.__dict__.pop("_spec")  # first: what __init__ looks up must not build again
        try:
            go.Figure.__init__(self, spec, _validate=False)
        except BaseException:
            self.__dict__["_spec"] = spec
            raise

    @property
    def built(self) -> bool:
        """Whether Plotly's Figure object has been made (not for to_dict alone: tests check
        that sending a figure never builds it)."""
        return "_spec" not in self.__dict__

    def to_dict(self) -> dict:
        spec = self.__dict__.get("_spec")
        return super().to_dict() if spec is None else as_sent(spec)

    def __reduce__(self):
        """Copies and pickles are plain Figures of the same dict."""
        return go.Figure, (self.to_dict(),)


def as_sent(value):
    """`value` as Figure.to_dict gives it: copied, dicts and lists (tuples as lists) new at
    every level, and each numpy array that is the value of a dict key (not in SKIPPED_KEYS)
    as a plotly.js typed array where it can be one (`typed_array`)."""
    if isinstance(value, dict):
        return {key: copy.deepcopy(item) if key in SKIPPED_KEYS else
                typed_array(item) if isinstance(item, np.ndarray) else as_sent(item)
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [item.copy() if isinstance(item, np.ndarray) else as_sent(item) for item in value]
    return value


def typed_array(values: np.ndarray):
    """A numpy array as plotly.js reads it in binary: {"dtype": "f4", "bdata": base64 of its
    bytes} (and "shape" "rows, cols" for 2-D); 64-bit integers in the narrowest type that holds
    them. An array that cannot be one (empty, another dtype such as dates, bytes not in this
    machine's order) is copied as it is, for the JSON encoder to write out as Plotly's would."""
    if values.dtype.name in NARROWER and values.size and values.dtype.isnative:
        low, high = values.min(), values.max()
        narrow = [t for t in NARROWER[values.dtype.name]
                  if np.iinfo(t).min <= low and high <= np.iinfo(t).max]
        values = values.astype(narrow[0]) if narrow else values
    code = TYPED_ARRAY_CODES.get(values.dtype.name)
    if code is None or not values.size or not values.dtype.isnative:
        return values.copy()
    spec = {"dtype": code, "bdata": base64.b64encode(np.ascontiguousarray(values)).decode("ascii")}
    if values.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in values.shape)
    return spec
