"""Layers and `Sequential`: a network's parameters as NumPy arrays, and its forward pass as
Python source.

`Sequential(Linear(10, 50), ReLU(), Linear(50, 1), seed=0)` owns one weight `(out, in)` and
one bias `(out,)` per Linear layer, PyTorch's layout, initialized as PyTorch does: uniform on
(-1/sqrt(in), 1/sqrt(in)) (its `kaiming_uniform_(a=sqrt(5))`), from a seeded generator. Its
`forward_lines()` write the forward pass, one statement per layer, which both the compiled
predictions and the loss the trainer differentiates are made of.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .. import loader
from ..errors import TrainingError
from .source import HEADER, indented, literal


class Linear:
    """`x @ weight.T + bias`, with `weight` of shape (out_features, in_features)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        for what, size in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(size, (int, np.integer)) or size < 1:
                raise TrainingError(f"Linear: {what} must be a positive integer, not {size!r}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.has_bias = bool(bias)
        self.weight: np.ndarray | None = None  # set by the Sequential that holds the layer
        self.bias: np.ndarray | None = None

    def spec(self) -> dict:
        return {"layer": "Linear", "in_features": self.in_features,
                "out_features": self.out_features, "bias": self.has_bias}

    def __repr__(self) -> str:
        return (f"Linear(in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.has_bias})")


class _Activation:
    line = ""  # the statement applying it to `h`, with {zero}/{one} for dtype-exact literals

    def spec(self) -> dict:
        return {"layer": type(self).__name__}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ReLU(_Activation):
    """max(x, 0), elementwise."""

    line = "h = np.maximum(h, {zero})"


class Sigmoid(_Activation):
    """1 / (1 + exp(-x)), elementwise."""

    line = "h = {one} / ({one} + np.exp(-h))"


class Tanh(_Activation):
    """tanh(x), elementwise."""

    line = "h = np.tanh(h)"


LAYERS = {"Linear": Linear, "ReLU": ReLU, "Sigmoid": Sigmoid, "Tanh": Tanh}


class Sequential:
    """Layers applied in order, with their parameters.

    >>> model = Sequential(Linear(10, 50), ReLU(), Linear(50, 1), seed=0)
    >>> predictions = model(X)                   # compiled forward pass
    """

    def __init__(self, *layers, seed: int = 0, dtype=np.float64):
        if not layers:
            raise TrainingError("Sequential needs at least one layer", hint="Sequential("
                                "Linear(in, out), ...)")
        for layer in layers:
            if not isinstance(layer, (Linear, _Activation)):
                raise TrainingError(f"Sequential takes Linear, ReLU, Sigmoid and Tanh layers, "
                                    f"not {layer!r}",
                                    hint="for another model, write its loss as a function and "
                                         "use Trainer.from_function")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise TrainingError(f"Sequential trains float32 or float64 parameters, not "
                                f"{self.dtype}")
        self.layers = list(layers)
        self.linears = [layer for layer in layers if isinstance(layer, Linear)]
        if not self.linears:
            raise TrainingError("Sequential needs at least one Linear layer")
        for before, after in zip(self.linears, self.linears[1:]):
            if before.out_features != after.in_features:
                raise TrainingError(f"{after!r} takes {after.in_features} inputs, but the "
                                    f"Linear before it gives {before.out_features}")
        self.seed = seed
        self._initialize(np.random.default_rng(seed))
        self._forward = None

    def _initialize(self, rng: np.random.Generator) -> None:
        for layer in self.linears:
            bound = 1 / np.sqrt(layer.in_features)
            shape = (layer.out_features, layer.in_features)
            layer.weight = rng.uniform(-bound, bound, shape).astype(self.dtype)
            layer.bias = (rng.uniform(-bound, bound, layer.out_features).astype(self.dtype)
                          if layer.has_bias else None)

    @property
    def in_features(self) -> int:
        return self.linears[0].in_features

    @property
    def out_features(self) -> int:
        return self.linears[-1].out_features

    # -- parameters -----------------------------------------------------------------------------

    def parameters(self) -> list[np.ndarray]:
        """The weight and bias arrays of each Linear layer, in order (the model's own arrays:
        training changes them in place)."""
        return [p for layer in self.linears for p in (layer.weight, layer.bias) if p is not None]

    def parameter_names(self) -> list[str]:
        """W1, b1, W2, b2, ...: the names the generated source gives the parameters."""
        return [f"{kind}{i}" for i, layer in enumerate(self.linears, 1)
                for kind in ("W", "b") if kind == "W" or layer.has_bias]

    def load_parameters(self, parameters) -> None:
        """Set every parameter from a list of arrays of the same shapes (copied in)."""
        parameters = list(parameters)
        own = self.parameters()
        if len(parameters) != len(own):
            raise TrainingError(f"load_parameters got {len(parameters)} arrays; the model has "
                                f"{len(own)} ({', '.join(self.parameter_names())})")
        for name, mine, given in zip(self.parameter_names(), own, parameters):
            given = np.asarray(given)
            if given.shape != mine.shape:
                raise TrainingError(f"load_parameters: {name} has shape {mine.shape}, the "
                                    f"array given has shape {given.shape}")
        for mine, given in zip(own, parameters):
            np.copyto(mine, np.asarray(given), casting="same_kind")

    # -- the forward pass -----------------------------------------------------------------------

    def forward_lines(self) -> list[str]:
        """The forward pass as statements, from `X` to `h`, the last layer's output."""
        lines, first = [], True
        zero, one = literal(0.0, self.dtype), literal(1.0, self.dtype)
        for layer in self.layers:
            source = "X" if first else "h"
            if isinstance(layer, Linear):
                i = self.linears.index(layer) + 1
                bias = f" + b{i}" if layer.has_bias else ""
                lines.append(f"h = {source} @ W{i}.T{bias}")
                first = False
            else:
                if first:
                    lines.append("h = X")
                    first = False
                lines.append(layer.line.format(zero=zero, one=one))
        return lines

    def kinds(self) -> str:
        """The kinds of layers, not their widths: the code is the same for any widths, and a
        text that does not name them lets models of other widths share the compiled code."""
        return "Sequential(" + ", ".join(type(layer).__name__ for layer in self.layers) + ")"

    def forward_source(self) -> str:
        """A module of `forward(W1, b1, ..., X)`, the predictions."""
        params = ", ".join(self.parameter_names())
        return (f'"""The forward pass of {self.kinds()}, written by astgrad.nn."""\n\n'
                f"{HEADER}\n\ndef forward({params}, X):\n"
                + indented(self.forward_lines() + ["return h"]))

    def __call__(self, X) -> np.ndarray:
        """The model's outputs for the rows of `X` (the last layer's, before any loss)."""
        X = check_inputs(X, self.in_features, self.dtype, "the model's input")
        if self._forward is None:
            self._forward = loader.load(self.forward_source(), "nn_forward", {}, ("forward",),
                                        jit=True).forward
        return self._forward(*self.parameters(), X)

    # -- files ----------------------------------------------------------------------------------

    def save(self, path) -> None:
        """Write the layers and parameters to an `.npz` file (no pickle)."""
        spec = {"layers": [layer.spec() for layer in self.layers], "dtype": self.dtype.name,
                "seed": self.seed}
        arrays = {f"parameter_{i}": p for i, p in enumerate(self.parameters())}
        np.savez(Path(path), architecture=np.array(json.dumps(spec)), **arrays)

    @classmethod
    def load(cls, path) -> Sequential:
        """A model saved by `save`."""
        try:
            with np.load(Path(path), allow_pickle=False) as saved:
                spec = json.loads(str(saved["architecture"]))
                parameters = [saved[f"parameter_{i}"] for i in range(len(saved.files) - 1)]
        except (OSError, KeyError, ValueError) as error:
            raise TrainingError(f"cannot read a model from {path}: {error}",
                                hint="load files written by Sequential.save") from None
        layers = [LAYERS[item.pop("layer")](**item) for item in spec["layers"]]
        model = cls(*layers, seed=spec["seed"], dtype=spec["dtype"])
        model.load_parameters(parameters)
        return model

    def __repr__(self) -> str:
        inner = "\n".join(f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"


def check_inputs(X, features: int, dtype: np.dtype, what: str) -> np.ndarray:
    """`X` as a C-contiguous 2-D array of the model's dtype, or a TrainingError saying why."""
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TrainingError(f"{what} holds {X.dtype} values; it must be numbers")
    if X.ndim != 2 or X.shape[1] != features:
        raise TrainingError(f"{what} has shape {X.shape}; the model takes rows of {features} "
                            f"features, shape (samples, {features})",
                            hint="X.reshape(-1, 1) for a single feature"
                            if X.ndim == 1 and features == 1 else None)
    return np.ascontiguousarray(X, dtype=dtype)
