"""`Model`: a stack of layers whose parameters live in one flat buffer.

Every parameter array (each Linear's Wb = [W; b], γ, β) is a view into `flat`, every
gradient a view into `flat_grad`, with the Linear layers first: `flat[:n_linear]` holds
their weights and biases, each layer's bias row right after its weights (one BLAS product
computes x·W + b, see `regcore.layers.Linear`), and `weight_columns` marks the weights among
them. So penalties and weight decay act on one array (the biases put back afterwards) and
the optimizer on one, with a handful of vectorized operations, whatever the depth of the
network.

A stacked model (`runs=R`, see `regcore.layers`) holds R networks of one architecture:
`flat` is (R, n_params), row r one network's buffer, and every parameter a (R, …) view.
`bind` moves a model's parameters into given arrays, so a one-network model can live as a
row of a stacked one (its views always show the row's current values) and move out again.
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from .layers import ACTIVATIONS, BatchNorm, Dropout, Layer, LayerNorm, Linear

ELEMENTWISE = (*ACTIVATIONS.values(), Dropout)  # layers that may write into the next's input

NORM_LAYERS = {"batch": BatchNorm, "layer": LayerNorm}
EVALUATION_ROWS = 4096  # samples evaluated at once, at most
# bytes of one layer's activations in an evaluation block: small enough to stay in cache and
# to be served from the heap (larger arrays are fresh memory from the system every time)
EVALUATION_BYTES = 192 * 1024


@lru_cache(maxsize=64)
def _split_index(columns: bytes, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Where the weights lie in a `flat` of `size` entries (the True places of
    `weight_columns`, given as bytes, which covers the Linear layers' block at its start) and
    where the rest lies (the biases, then every entry after the block: γ and β): read-only
    arrays made once per architecture and shared by all its models (a server keeps several
    models per run of every visitor, and the index of a 2-64-64-2 network is 35 KB; a sweep
    splits the state of every run that ends)."""
    weights = np.frombuffer(columns, dtype=bool)
    index = np.flatnonzero(weights)
    other = np.concatenate([np.flatnonzero(~weights), np.arange(len(weights), size)])
    index.flags.writeable = other.flags.writeable = False
    return index, other


class Model:
    """layers: applied in order. params: name → array view, e.g. "linear1.W", "linear1.b",
    "batchnorm1.gamma".
    `weight_layers` maps "linear1" → its W; `weights` gathers all of them."""

    def __init__(self, layers: list[Layer], task: str = "classification", runs: int | None = None):
        self.layers, self.task, self.runs = layers, task, runs
        self._order = sorted(_named_params(layers),
                             key=lambda item: not isinstance(item[1], Linear))
        self._sizes = [layer.params[key].size // (runs or 1) for _, layer, key in self._order]
        self._linears = [layer for layer in layers if isinstance(layer, Linear)]
        self.weight_columns = np.concatenate([_weight_rows(layer) for layer in self._linears])
        self.n_linear, self.n_weights = len(self.weight_columns), int(self.weight_columns.sum())
        shape = (() if runs is None else (runs,)) + (sum(self._sizes),)
        self._weight_index, self._other_index = _split_index(self.weight_columns.tobytes(),
                                                             shape[-1])
        self._feeds = {train: _feeds(layers, train) for train in (False, True)}
        self._evaluation_rows: int | None = None
        dtype = self._order[0][1].params[self._order[0][2]].dtype
        self.params: dict[str, np.ndarray] = {}
        self.bind(np.empty(shape, dtype), np.zeros(shape, dtype),
                  {name: value.copy() for name, value in self.buffers.items()})

    def bind(self, flat: np.ndarray, flat_grad: np.ndarray,
             buffers: dict[str, np.ndarray]) -> None:
        """Move the parameters into `flat` (values copied), point the layers' parameter and
        gradient views into `flat` and `flat_grad`, and their buffers to `buffers[name]`
        (values copied). Any arrays of the right shapes do, e.g. rows of a stacked model's."""
        self.flat, self.flat_grad = flat, flat_grad
        offset = 0
        for (name, layer, key), size in zip(self._order, self._sizes):
            value, end = layer.params[key], offset + size
            view = flat[..., offset:end].reshape(value.shape)
            view[...] = value
            layer.params[key] = self.params[name] = view
            layer.grads[key] = flat_grad[..., offset:end].reshape(value.shape)
            offset = end
        for layer in self._linears:  # named as the weights and bias they hold
            del self.params[f"{layer.name}.Wb"]
            self.params[f"{layer.name}.W"], self.params[f"{layer.name}.b"] = layer.W, layer.b
        for layer in self.layers:
            for key, value in layer.buffers.items():
                target = buffers[f"{layer.name}.{key}"]
                target[...] = value
                layer.buffers[key] = target

    def detach(self) -> None:
        """Give the model buffers of its own again (after living in a stacked model)."""
        self.bind(self.flat.copy(), self.flat_grad.copy(),
                  {name: value.copy() for name, value in self.buffers.items()})

    # groups the optimizer and the penalties act on ----------------------------------------
    def param_groups(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """({"linear": ..., "other": ...} for params, the same for grads): the Linear layers'
        weights and biases, and the rest; empty groups left out."""
        split = self.n_linear
        params = {"linear": self.flat[..., :split], "other": self.flat[..., split:]}
        grads = {"linear": self.flat_grad[..., :split], "other": self.flat_grad[..., split:]}
        keep = [key for key, value in params.items() if value.size]
        return {k: params[k] for k in keep}, {k: grads[k] for k in keep}

    @property
    def weights(self) -> np.ndarray:
        """All weights, flat, layer after layer (a copy; (R, n_weights) stacked)."""
        return self.flat.take(self._weight_index, axis=-1)

    def split_weights(self, flats: dict[str, np.ndarray]) -> dict[str, dict[str, np.ndarray]]:
        """Arrays shaped like one network's `flat` (e.g. an optimizer's moments) as copies of
        their "weights" entries (in the order of `weights`) and of the "other" ones."""
        return {"weights": {name: value.take(self._weight_index) for name, value in flats.items()},
                "other": {name: value.take(self._other_index) for name, value in flats.items()}}

    @property
    def weight_layers(self) -> dict[str, np.ndarray]:
        return {layer.name: layer.W for layer in self._linears}

    @property
    def weight_spans(self) -> dict[str, slice]:
        """Where each Linear layer's W lies in `weights`: "linear1" → its columns."""
        spans, offset = {}, 0
        for layer in self._linears:
            n_in, n_out = layer.W.shape[-2:]
            spans[layer.name] = slice(offset, offset + n_in * n_out)
            offset += n_in * n_out
        return spans

    # computation ----------------------------------------------------------------------------
    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        """The output for x. An elementwise layer whose output goes on to a Linear layer
        (past a dropout that leaves it as it is) writes it straight into that layer's [x, 1]
        input (`Linear.input_place`): the same numbers, one copy fewer per layer."""
        for layer, fed in zip(self.layers, self._feeds[train]):
            if fed is None:
                x = layer.forward(x, train)
            else:
                place = fed.input_place(x.shape, x.dtype, keep=train)
                x = layer.forward(x, train, out=place[..., :-1])
        return x

    def forward_mixed(self, x: np.ndarray, train: Callable[[Layer], bool]) -> np.ndarray:
        """Output for x with each layer in train mode where `train(layer)`, in eval mode
        elsewhere: only the normalization layers on batch statistics, say, or only dropout."""
        for layer in self.layers:
            x = layer.forward(x, train=train(layer))
        return x

    def backward(self, dout: np.ndarray) -> None:
        """Gradients of every parameter; the gradient of the input is not needed."""
        for layer in reversed(self.layers[1:]):
            dout = layer.backward(dout)
        self.layers[0].backward_params(dout)

    def predict_output(self, X: np.ndarray, batch: int | None = None) -> np.ndarray:
        """Eval-mode network output for X (N, n_in): logits (N, K) or values (N, 1).
        Stacked: X (N, n_in) shared or (R, N, n_in), output (R, N, K). Evaluated `batch`
        samples at a time (default: `evaluation_rows()`); each sample's output does not
        depend on the others, so the blocks change nothing but the speed."""
        X = np.asarray(X, dtype=self.flat.dtype)
        batch = batch or self.evaluation_rows()
        n = X.shape[-2]
        parts = [self.forward(X[..., i: i + batch, :], train=False) for i in range(0, n, batch)]
        if len(parts) == 1:
            return parts[0]
        return np.concatenate(parts, axis=-2) if parts else np.empty((0, 0), self.flat.dtype)

    def evaluation_rows(self) -> int:
        """Samples per evaluation block: the widest layer's activations of all runs within
        EVALUATION_BYTES, a multiple of 64 between 64 and EVALUATION_ROWS. Whole tiles of 64
        rows: BLAS then multiplies every row with the same kernel as in one product of all
        samples, so a run's outputs are the same bits whatever the block (and group) size."""
        if self._evaluation_rows is None:  # the architecture's, so made once
            widest = max(p.shape[-1] for p in self.params.values())
            per_sample = (self.runs or 1) * widest * self.flat.dtype.itemsize
            self._evaluation_rows = min(max(EVALUATION_BYTES // per_sample // 64 * 64, 64),
                                        EVALUATION_ROWS)
        return self._evaluation_rows

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities (N, K) for classification."""
        from .losses import softmax
        return softmax(self.predict_output(X).astype(np.float64))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class labels (N,) for classification, predicted values (N,) for regression."""
        out = self.predict_output(X)
        return out[:, 0] if self.task == "regression" else out.argmax(axis=1)

    def copy(self) -> "Model":
        """An independent copy with its own flat buffers (a plain deepcopy would leave the
        layers' views pointing at a copy of the old buffer that `load_state` never writes)."""
        return Model(copy.deepcopy(self.layers), self.task, self.runs)

    # state: parameters and running statistics -----------------------------------------------
    @property
    def buffers(self) -> dict[str, np.ndarray]:
        """Running statistics by name, e.g. "batchnorm1.running_mean"."""
        return {f"{layer.name}.{key}": value for layer in self.layers
                for key, value in layer.buffers.items()}

    def state(self) -> dict[str, np.ndarray]:
        """A copy of everything that defines the model's output: flat params and buffers."""
        return {"flat": self.flat.copy(), **{k: v.copy() for k, v in self.buffers.items()}}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        """Restore a `state()` copy in place (the views stay valid)."""
        self.flat[...] = state["flat"]
        for key, value in self.buffers.items():
            value[...] = state[key]


def _feeds(layers: list[Layer], train: bool) -> list[Linear | None]:
    """For each layer, the Linear layer that takes its output as it is (past dropout that
    leaves x unchanged in this mode), if the layer is elementwise and changes x itself, so it
    can write its output into that layer's input; None for every other layer."""
    feeds: list[Linear | None] = [None] * len(layers)
    for i, layer in enumerate(layers):
        if not isinstance(layer, ELEMENTWISE) or _passes_through(layer, train):
            continue
        following = i + 1
        while following < len(layers) and _passes_through(layers[following], train):
            following += 1
        if following < len(layers) and isinstance(layers[following], Linear):
            feeds[i] = layers[following]
    return feeds


def _passes_through(layer: Layer, train: bool) -> bool:
    """Whether the layer hands on its input itself (dropout in evaluation or at rate 0)."""
    return isinstance(layer, Dropout) and not layer.changes(train)


def _weight_rows(layer: Linear) -> np.ndarray:
    """Which entries of a Linear layer's flat Wb are weights: all but its last row, b."""
    n_in_1, n_out = layer.params["Wb"].shape[-2:]
    return np.arange(n_in_1 * n_out) < (n_in_1 - 1) * n_out


def _named_params(layers: list[Layer]) -> list[tuple[str, Layer, str]]:
    """Name each layer with parameters after its kind and rank ("linear2", "layernorm1");
    returns (parameter name, layer, key) for every parameter, in layer order."""
    counts: dict[str, int] = {}
    named = []
    for layer in layers:
        if not layer.params:
            continue
        kind = type(layer).__name__.lower()
        counts[kind] = counts.get(kind, 0) + 1
        layer.name = f"{kind}{counts[kind]}"
        named += [(f"{layer.name}.{key}", layer, key) for key in layer.params]
    return named


def build_model(n_in: int, n_out: int, *, hidden=(64, 64), activation="relu", norm="none",
                dropout=0.0, init="he", task="classification",
                rng: np.random.Generator | None, dropout_rng=None, dtype=np.float32,
                runs: int | None = None) -> Model:
    """Linear → [BatchNorm | LayerNorm] → activation → [Dropout], once per hidden width,
    then a Linear output layer. hidden=() gives a linear model.
    Stacked (runs=R): weights start at zero (rng unused); `dropout` is a tuple of R rates and
    `dropout_rng` a tuple of R generators; the Dropout layer is there if any rate is > 0."""
    layers: list[Layer] = []
    width_in = n_in
    for width in hidden:
        layers.append(Linear(width_in, width, rng=rng, init=init, dtype=dtype, runs=runs))
        if norm != "none":
            layers.append(NORM_LAYERS[norm](width, dtype=dtype, runs=runs))
        layers.append(ACTIVATIONS[activation]())
        if np.any(dropout):
            layers.append(Dropout(dropout, rng=dropout_rng or rng))
        width_in = width
    layers.append(Linear(width_in, n_out, rng=rng, init=init, dtype=dtype, runs=runs))
    return Model(layers, task, runs)
