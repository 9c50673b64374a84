"""The learning task of `python -m astgrad train`: what the target column asks for (the
loss and the classes), the seeded split into standardized training and test rows, and the
seeded batch order of the whole run (which `--compare torch` replays).

Takes the table read by astgrad.data.read_csv; produces a Task, a Split and the batch order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import CommandLineError

MOST_INTEGER_CLASSES = 20  # integer targets with more distinct values are regression targets


@dataclass
class Task:
    """What is learned from the target: the loss, the classes, the training targets."""

    loss: str  # "bce_with_logits", "cross_entropy" or "mse"
    classes: list[str]  # names of the labels 0, 1, ...; empty for regression
    y: np.ndarray  # labels (int64) or the target as floats

    @property
    def outputs(self) -> int:
        return len(self.classes) if self.loss == "cross_entropy" else 1


@dataclass
class Split:
    """Training and test rows, standardized with the training rows' statistics."""

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    target_scale: tuple[float, float] = (0.0, 1.0)  # regression: the target's mean and std


def task_of(y: np.ndarray, target: str) -> Task:
    """The loss for a target column: 2 classes, more classes, or regression.

    >>> task_of(np.array([0.0, 1.0, 1.0]), "y").loss
    'bce_with_logits'
    """
    values, labels = np.unique(y, return_inverse=True)
    if len(values) < 2:
        raise CommandLineError(f"the target {target!r} has the same value {values[0]} in every "
                               "row: there is nothing to learn")
    integers = y.dtype.kind == "U" or np.all(values == np.round(values))
    names = [str(v) if y.dtype.kind == "U" else f"{v:g}" for v in values]
    if integers and len(values) == 2:
        return Task("bce_with_logits", names, labels.astype(np.int64))
    if y.dtype.kind == "U" or (integers and len(values) <= MOST_INTEGER_CLASSES):
        return Task("cross_entropy", names, labels.astype(np.int64))
    return Task("mse", [], y.astype(np.float64))


def describe_target(task: Task) -> str:
    if not task.classes:
        return "numbers (regression; trained standardized with the training rows' mean and std)"
    counts = np.bincount(task.y, minlength=len(task.classes))
    return f"{len(task.classes)} classes: " + ", ".join(
        f"{label}{'' if name == str(label) else f' = {name!r}'} ({count} rows)"
        for label, (name, count) in enumerate(zip(task.classes, counts)))


def describe_loss(task: Task) -> str:
    return {"bce_with_logits": "bce_with_logits: binary cross-entropy of one output's logit",
            "cross_entropy": "cross_entropy: cross-entropy of one logit per class",
            "mse": "mse: mean squared error"}[task.loss]


def split_rows(X: np.ndarray, task: Task, fraction: float, seed: int) -> Split:
    """A seeded split into training and test rows (stratified for classes), standardized.

    >>> X, y, _ = load_breast_cancer()
    >>> split_rows(X, task_of(y, "diagnosis"), 0.2, seed=0).X_test.shape
    (113, 30)
    """
    rng = np.random.default_rng([seed, 0])
    groups = ([np.flatnonzero(task.y == label) for label in range(len(task.classes))]
              if task.classes else [np.arange(len(X))])
    test = []
    for group in groups:
        test.extend(rng.permutation(group)[:int(round(len(group) * fraction))])
    test = np.sort(np.array(test, dtype=np.int64))
    train = np.setdiff1d(np.arange(len(X)), test)
    if len(test) == 0 or len(train) == 0:
        raise CommandLineError(f"{len(X)} rows are too few to split into training and test "
                               f"rows with --test-fraction {fraction}",
                               "use more rows, or another --test-fraction")
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    std[std == 0] = 1.0  # a constant feature stays constant (zero) instead of dividing by 0
    X = (X - mean) / std
    if task.classes:
        return Split(X[train], task.y[train], X[test], task.y[test])
    y_mean, y_std = task.y[train].mean(), task.y[train].std() or 1.0
    y = (task.y - y_mean) / y_std
    return Split(X[train], y[train], X[test], y[test], (float(y_mean), float(y_std)))


def batch_order(samples: int, epochs: int, batch_size: int, seed: int) -> np.ndarray:
    """Row indices of every step of the run, shape (epochs * steps, batch_size): a seeded
    shuffle per epoch, cut into full batches (the rest of each shuffle is left out).

    >>> batch_order(10, epochs=2, batch_size=4, seed=0).shape
    (4, 4)
    """
    rng = np.random.default_rng([seed, 1])
    steps = samples // batch_size
    return np.concatenate([rng.permutation(samples)[:steps * batch_size]
                           .reshape(steps, batch_size) for _ in range(epochs)])
