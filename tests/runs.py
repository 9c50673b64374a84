"""The two training runs that the engines must agree on (issues 4 and 5): their networks,
losses, optimizers, data and batch orders, fixed so that every engine sees the same run."""

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Run:
    name: str
    sizes: tuple  # layer widths, input first; ReLU between the Linear layers
    loss: str  # the PyTorch loss module
    optimizer: str
    options: dict = field(default_factory=dict)
    samples: int = 256
    batch: int = 32
    epochs: int = 3


RUNS = [
    Run("mse-sgd", (10, 50, 1), "MSELoss", "SGD", dict(lr=0.05, momentum=0.9)),
    Run("cross-entropy-adam", (64, 128, 10), "CrossEntropyLoss", "Adam", dict(lr=5e-3),
        samples=320, epochs=2),
]


def dataset(run: Run):
    """Inputs and targets with something to learn: a smooth function, or its class."""
    rng = np.random.default_rng(42)
    X = rng.normal(size=(run.samples, run.sizes[0]))
    projection = rng.normal(size=(run.sizes[0], run.sizes[-1])) / np.sqrt(run.sizes[0])
    scores = np.tanh(X @ projection) + 0.1 * rng.normal(size=(run.samples, run.sizes[-1]))
    if run.loss == "CrossEntropyLoss":
        return X, np.argmax(scores, axis=1)
    return X, scores


def batch_order(run: Run, samples: int) -> np.ndarray:
    """(steps, batch) row indices: a seeded shuffle per epoch, the last partial batch dropped."""
    rng = np.random.default_rng(7)
    steps = samples // run.batch
    return np.concatenate([rng.permutation(samples)[:steps * run.batch].reshape(steps, run.batch)
                           for _ in range(run.epochs)])
