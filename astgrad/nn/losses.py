"""The losses astgrad.nn trains with, as source lines, PyTorch's definitions with its mean
reduction: "mse", "bce" (on probabilities), "bce_with_logits", "cross_entropy" (integer labels).

Each is statements computing `loss` from the model's outputs `h` and the targets `Y`, plus,
for classification, an expression counting the correct predictions in a batch. Cross-entropy
sees its labels one-hot (the trainer converts them once), so that its loss is a sum of a
product, which numba compiles, rather than a gather by label.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import TrainingError
from ..runtime import training
from .source import literal


@dataclass(frozen=True)
class Loss:
    name: str
    title: str
    lines: tuple[str, ...]  # from `h` and `Y` to `loss`
    counter: str | None = None  # astgrad.runtime.training's count of correct predictions
    threshold: float | None = None  # where the counter splits outputs into 0 and 1
    labels: bool = False  # Y holds integer class labels, one-hot inside the training loop

    def correct(self, outputs: str, targets: str) -> str | None:
        """The count of correct predictions, as an expression of the two names."""
        if self.counter is None:
            return None
        extra = "" if self.threshold is None else f", {self.threshold!r}"
        return f"{self.counter}({outputs}, {targets}{extra})"

    def count_correct(self, outputs: np.ndarray, targets: np.ndarray) -> int:
        counter = getattr(training, self.counter)
        return counter(outputs, targets) if self.threshold is None else counter(
            outputs, targets, self.threshold)

    def predictions_per_sample(self, outputs: int) -> int:
        return 1 if self.labels else outputs

    def source_lines(self, dtype: np.dtype) -> list[str]:
        constants = {"one": literal(1.0, dtype), "zero": literal(0.0, dtype),
                     "floor": literal(-100.0, dtype)}
        return [line.format(**constants) for line in self.lines]


LOSSES = {loss.name: loss for loss in [
    Loss("mse", "mean squared error", ("loss = np.mean((h - Y) ** 2)",)),
    Loss("bce", "binary cross-entropy of probabilities (logarithms clamped at -100)",
         ("log_p = np.maximum(np.log(h), {floor})",
          "log_q = np.maximum(np.log1p(-h), {floor})",
          "loss = -np.mean(Y * log_p + ({one} - Y) * log_q)"),
         "count_threshold_matches", 0.5),
    Loss("bce_with_logits", "binary cross-entropy of logits, through a stable log-sigmoid",
         ("log_sigmoid = np.minimum(h, {zero}) - np.log1p(np.exp(-np.abs(h)))",
          "loss = np.mean(({one} - Y) * h - log_sigmoid)"),
         "count_threshold_matches", 0.0),
    Loss("cross_entropy", "cross-entropy of logits against class labels (log-softmax)",
         ("shifted = h - stop_gradient(np.max(h, axis=1, keepdims=True))",
          "log_probabilities = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))",
          "loss = -np.mean(np.sum(Y * log_probabilities, axis=1))"),
         "count_argmax_matches", labels=True),
]}


def loss_named(name: str, model) -> Loss:
    """The loss `name`, checked against the model it trains."""
    if name not in LOSSES:
        raise TrainingError(f"unknown loss {name!r}", f"use one of {', '.join(LOSSES)}")
    loss = LOSSES[name]
    last = type(model.layers[-1]).__name__
    if name == "bce" and last != "Sigmoid":
        raise TrainingError("loss 'bce' takes probabilities, but the model ends with "
                            f"{last}, not Sigmoid",
                            "end the model with Sigmoid(), or use loss='bce_with_logits'")
    if name == "cross_entropy" and model.out_features < 2:
        raise TrainingError("loss 'cross_entropy' needs one output per class (at least 2)")
    return loss


def prepared_targets(loss: Loss, Y, samples: int, outputs: int, dtype) -> np.ndarray:
    """The targets as the loss source reads them: (samples, outputs) floats, labels one-hot."""
    Y = np.asarray(Y)
    if len(Y) != samples:
        raise TrainingError(f"there are {samples} samples of X but {len(Y)} targets Y")
    if loss.labels:
        if Y.dtype.kind not in "iu" or Y.ndim != 1:
            raise TrainingError(f"cross_entropy takes integer class labels of shape "
                                f"(samples,), not {Y.dtype} of shape {Y.shape}",
                                "pass labels as integers, e.g. Y.astype(int)")
        bad = Y[(Y < 0) | (Y >= outputs)]
        if bad.size:
            raise TrainingError(f"class label {bad[0]} is out of range for the model's "
                                f"{outputs} outputs", f"labels must be 0 to {outputs - 1}")
        return np.eye(outputs, dtype=dtype)[Y]
    if Y.dtype.kind not in "biuf":
        raise TrainingError(f"the targets Y hold {Y.dtype} values; they must be numbers")
    if Y.ndim == 1 and outputs == 1:
        Y = Y.reshape(-1, 1)
    if Y.shape != (samples, outputs):
        raise TrainingError(f"the targets Y have shape {Y.shape}; the model gives "
                            f"{outputs} output(s) per sample, shape ({samples}, {outputs})")
    if loss.name.startswith("bce") and np.any((Y < 0) | (Y > 1)):
        raise TrainingError(f"{loss.name} takes targets between 0 and 1")
    return np.ascontiguousarray(Y, dtype=dtype)
