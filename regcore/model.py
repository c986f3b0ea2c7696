"""`Model`: a stack of layers whose parameters live in one flat buffer.

Every parameter array (W, b, γ, β) is a view into `flat`, every gradient a view into
`flat_grad`, with all Linear weights first: `flat[:n_weights]` holds exactly the weights.
So penalties, weight decay and the optimizer each act on two arrays (weights, the rest)
with a handful of vectorized operations, whatever the depth of the network.
"""
from __future__ import annotations

import copy

import numpy as np

from .layers import ACTIVATIONS, BatchNorm, Dropout, Layer, LayerNorm, Linear

NORM_LAYERS = {"batch": BatchNorm, "layer": LayerNorm}


class Model:
    """layers: applied in order. params: name → array view, e.g. "linear1.W", "batchnorm1.gamma".
    Names of weights are listed in `weight_names`; `weight_layers` maps "linear1" → its W."""

    def __init__(self, layers: list[Layer], task: str = "classification"):
        self.layers, self.task = layers, task
        named = _named_params(layers)
        order = sorted(named, key=lambda item: not item[0].endswith(".W"))
        self.weight_names = [name for name, _, _ in order if name.endswith(".W")]
        size = sum(layer.params[key].size for _, layer, key in order)
        dtype = order[0][1].params[order[0][2]].dtype
        self.flat = np.empty(size, dtype=dtype)
        self.flat_grad = np.zeros(size, dtype=dtype)
        self.params: dict[str, np.ndarray] = {}
        offset = 0
        for name, layer, key in order:
            offset = self._adopt(name, layer, key, offset)
        self.n_weights = sum(self.params[name].size for name in self.weight_names)

    def _adopt(self, name, layer, key, offset):
        """Move one parameter into the flat buffers and make the layer use the views."""
        value = layer.params[key]
        end = offset + value.size
        view = self.flat[offset:end].reshape(value.shape)
        view[...] = value
        layer.params[key] = self.params[name] = view
        layer.grads[key] = self.flat_grad[offset:end].reshape(value.shape)
        return end

    # groups the optimizer and the penalties act on ----------------------------------------
    def param_groups(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """({"weights": ..., "other": ...} for params, the same for grads); empty groups left out."""
        split = self.n_weights
        params = {"weights": self.flat[:split], "other": self.flat[split:]}
        grads = {"weights": self.flat_grad[:split], "other": self.flat_grad[split:]}
        keep = [key for key, value in params.items() if value.size]
        return {k: params[k] for k in keep}, {k: grads[k] for k in keep}

    @property
    def weights(self) -> np.ndarray:
        """All weights, flat (a view)."""
        return self.flat[: self.n_weights]

    @property
    def weight_layers(self) -> dict[str, np.ndarray]:
        return {name[: -len(".W")]: self.params[name] for name in self.weight_names}

    # computation ----------------------------------------------------------------------------
    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, train)
        return x

    def backward(self, dout: np.ndarray) -> None:
        for layer in reversed(self.layers):
            dout = layer.backward(dout)

    def predict_output(self, X: np.ndarray, batch: int = 4096) -> np.ndarray:
        """Eval-mode network output for X (N, n_in): logits (N, K) or values (N, 1)."""
        X = np.asarray(X, dtype=self.flat.dtype)
        parts = [self.forward(X[i: i + batch], train=False) for i in range(0, len(X), batch)]
        return np.concatenate(parts) if parts else np.empty((0, 0), self.flat.dtype)

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
        return Model(copy.deepcopy(self.layers), self.task)

    # state: parameters and running statistics -----------------------------------------------
    @property
    def buffers(self) -> dict[str, np.ndarray]:
        """Running statistics by name, e.g. "batchnorm1.running_mean"."""
        return {f"{layer.name}.{key}": value for layer in self.layers
                for key, value in getattr(layer, "buffers", {}).items()}

    def state(self) -> dict[str, np.ndarray]:
        """A copy of everything that defines the model's output: flat params and buffers."""
        return {"flat": self.flat.copy(), **{k: v.copy() for k, v in self.buffers.items()}}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        """Restore a `state()` copy in place (the views stay valid)."""
        self.flat[...] = state["flat"]
        for key, value in self.buffers.items():
            value[...] = state[key]


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
                dropout=0.0, init="he", task="classification", rng: np.random.Generator,
                dropout_rng: np.random.Generator | None = None, dtype=np.float32) -> Model:
    """Linear → [BatchNorm | LayerNorm] → activation → [Dropout], once per hidden width,
    then a Linear output layer. hidden=() gives a linear model."""
    layers: list[Layer] = []
    width_in = n_in
    for width in hidden:
        layers.append(Linear(width_in, width, rng=rng, init=init, dtype=dtype))
        if norm != "none":
            layers.append(NORM_LAYERS[norm](width, dtype=dtype))
        layers.append(ACTIVATIONS[activation]())
        if dropout > 0:
            layers.append(Dropout(dropout, rng=dropout_rng or rng))
        width_in = width
    layers.append(Linear(width_in, n_out, rng=rng, init=init, dtype=dtype))
    return Model(layers, task)
