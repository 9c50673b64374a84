"""`Trainer`: minibatch training of a Sequential model, or of any loss written as a NumPy
function, with each epoch run inside one compiled function (astgrad/nn/program.py).

    trainer = Trainer(model, loss="cross_entropy", optimizer=Adam(1e-3))
    history = trainer.fit(X, labels, epochs=10, batch_size=32)
    trainer.evaluate(X_test, labels_test)        # {"loss": ..., "accuracy": ...}

Python is entered once per epoch: to draw the epoch's batch order, call the compiled loop, and
show the progress bar. Before training, the data is checked against the model and converted
once to the model's dtype; a step whose loss or gradient is not finite stops training with an
error naming the epoch and step, and leaves the parameters as they were before it.
"""

from __future__ import annotations

import inspect
import itertools
import sys

import numpy as np

from ..api import specialized
from ..errors import TrainingError
from ..parse import plain_function
from ..runtime.training import compiled_address
from .layers import Sequential, check_inputs
from .losses import loss_named, prepared_targets
from .optimizers import Adam, Optimizer
from .program import compiled_epoch, loaded_loss, loss_gradient, loss_source


class Trainer:
    """Trains a model's parameters in place with one of astgrad.nn's optimizers.

    >>> trainer = Trainer(Sequential(Linear(10, 50), ReLU(), Linear(50, 1)), loss="mse",
    ...                   optimizer=SGD(lr=0.01))
    >>> history = trainer.fit(X, Y, epochs=20, batch_size=64)
    """

    def __init__(self, model: Sequential, loss: str = "mse", optimizer: Optimizer | None = None,
                 *, jit: bool = True):
        if not isinstance(model, Sequential):
            raise TrainingError(f"Trainer takes an astgrad.nn.Sequential, not {model!r}",
                                "for a loss written as a function, use Trainer.from_function")
        self.model = model
        self.loss = loss_named(loss, model)
        self.source = loss_source(model, self.loss)
        self._setup(loaded_loss(self.source), model.parameters(), model.parameter_names(),
                    optimizer, jit)

    @classmethod
    def from_function(cls, loss_function, parameters, optimizer: Optimizer | None = None, *,
                      jit: bool = True) -> Trainer:
        """Train the parameters of any model whose loss is a NumPy function
        `loss_function(p1, ..., pk, X, Y)` returning a scalar; `parameters` are the starting
        values of p1..pk (copied: the trained ones are `trainer.parameters`).

        >>> trainer = Trainer.from_function(polynomial_loss, [np.zeros(4)], Adam(0.05))
        """
        names = [p for p in inspect.signature(plain_function(loss_function)).parameters][:-2]
        parameters = [np.array(p, dtype=np.result_type(p, np.float32)) for p in parameters]
        if len(parameters) != len(names) or not names:
            raise TrainingError(f"{loss_function.__name__} takes {len(names)} parameter(s) "
                                f"before X and Y ({', '.join(names)}); {len(parameters)} "
                                "starting value(s) were given",
                                "the loss's arguments are its parameters, then X, then Y")
        trainer = cls.__new__(cls)
        trainer.model, trainer.loss = None, None
        trainer.source = inspect.getsource(plain_function(loss_function))
        trainer._setup(loss_function, parameters, names, optimizer, jit)
        return trainer

    def _setup(self, loss_function, parameters, names, optimizer, jit) -> None:
        self.loss_function = loss_function
        self.parameters = parameters
        self.parameter_names = names
        self.optimizer = optimizer if optimizer is not None else Adam(1e-3)
        if not isinstance(self.optimizer, Optimizer):
            raise TrainingError(f"optimizer must be astgrad.nn.SGD, Adam or AdamW, not "
                                f"{self.optimizer!r}")
        self.state = self.optimizer.new_state(parameters)
        self.steps_taken = 0  # Adam's bias corrections and SGD's first step count these
        self.jit = jit
        self.gradient = loss_gradient(loss_function, names, self.loss, jit)
        self._loops = {}  # per kind of batch: the epoch loop and its gradient's address
        self._last_loop = None

    @property
    def epoch_source(self) -> str:
        """The generated loop of one epoch: the one the last `fit` ran (with the gradient
        specialized for its batches' shapes where it could be, see `_loop_for`), before any
        fit the one with the generic gradient."""
        if self._last_loop is not None:
            return self._last_loop.source
        return compiled_epoch(self.gradient.compiled, self.parameter_names, self.optimizer,
                              self.loss, self.jit).source

    def _loop_for(self, X, Y, batch_sizes: set[int]):
        """The epoch loop for batches of X and Y of these sizes, and the address of the
        compiled gradient it calls (0 when not compiled).

        Compiled, the gradient is the version specialized for the batches' shapes
        (astgrad.api.specialized: loops instead of NumPy's broadcasting, compiled in a
        fraction of the time) when all batches have one pattern of shapes (a batch of one row
        has another), else the generic one. It is first called on one batch: a mistake in the
        loss is then reported on the loss's own line, by the generic gradient's entry point.
        """
        single_rows = frozenset(size == 1 for size in batch_sizes)
        key = (X.dtype, X.shape[1:], Y.dtype, Y.shape[1:], single_rows)  # all the loop's
        # batches' types and shape patterns depend on
        if key not in self._loops:
            one_pattern = len(single_rows) == 1
            rows = np.arange(min(batch_sizes))  # a batch, taken as the loop takes its batches
            batch = (*self.parameters, X[rows], Y[rows])
            function = self.gradient.compiled
            if self.jit and one_pattern:
                function = specialized(self.gradient, batch).compiled
            try:
                function(*batch)
            except Exception:
                self.gradient(*batch)  # raises the error on the loss's line
                function = self.gradient.compiled  # which the specialization did not pass
            epoch = compiled_epoch(function, self.parameter_names, self.optimizer, self.loss,
                                   self.jit)
            self._loops[key] = epoch, compiled_address(function, batch) if self.jit else 0
        return self._loops[key]

    # -- data -----------------------------------------------------------------------------------

    def _data(self, X, Y):
        dtype = self.parameters[0].dtype
        X = np.asarray(X)
        if X.ndim == 0 or len(X) == 0:
            raise TrainingError("the dataset is empty: X has no samples")
        if self.model is not None:
            X = check_inputs(X, self.model.in_features, dtype, "X")
            Y = prepared_targets(self.loss, Y, len(X), self.model.out_features, dtype)
        else:
            Y = np.asarray(Y)
            if len(Y) != len(X):
                raise TrainingError(f"there are {len(X)} samples of X but {len(Y)} targets Y")
            X = np.ascontiguousarray(X, dtype=np.result_type(X, dtype))
            Y = np.ascontiguousarray(Y, dtype=np.result_type(Y, dtype))
        for name, values in (("X", X), ("Y", Y)):
            if not np.all(np.isfinite(values)):
                raise TrainingError(f"{name} holds NaN or infinite values",
                                    "remove or impute them before training")
        return X, Y

    def _batches(self, samples, epochs, batch_size, seed, shuffle, batch_indices, drop_last):
        """Per epoch, the order of the rows and the batch size."""
        if batch_indices is not None:
            indices = np.asarray(batch_indices)
            if indices.ndim != 2 or indices.dtype.kind not in "iu" or indices.size == 0:
                raise TrainingError("batch_indices must be integers of shape (steps, batch)")
            if indices.min() < 0 or indices.max() >= samples:
                raise TrainingError(f"batch_indices name rows outside 0..{samples - 1}")
            if len(indices) % epochs:
                raise TrainingError(f"{len(indices)} steps of batch_indices do not divide into "
                                    f"{epochs} epochs")
            per_epoch = len(indices) // epochs
            for epoch in range(epochs):
                rows = indices[epoch * per_epoch:(epoch + 1) * per_epoch]
                yield np.ascontiguousarray(rows.ravel(), dtype=np.int64), indices.shape[1]
            return
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise TrainingError(f"batch_size must be a positive integer, not {batch_size!r}")
        used = samples - samples % batch_size if drop_last else samples
        if used == 0:
            raise TrainingError(f"drop_last=True with batch_size={batch_size} leaves no batch "
                                f"of the {samples} samples")
        rng = np.random.default_rng(seed)
        for _ in range(epochs):
            order = rng.permutation(samples) if shuffle else np.arange(samples)
            yield order[:used].astype(np.int64), batch_size

    # -- training -------------------------------------------------------------------------------

    def fit(self, X, Y, epochs: int = 1, batch_size: int = 32, seed: int = 0,
            shuffle: bool = True, batch_indices=None, drop_last: bool = False,
            progress: bool = True) -> dict:
        """Train for `epochs` passes over (X, Y) in minibatches; returns the history: per
        epoch, the mean loss over its batches and, for classification, the accuracy.

        `batch_indices`, integers of shape (steps, batch), replay an exact batch order (all
        epochs' steps, in order); otherwise each epoch draws a shuffle seeded by `seed`, and
        keeps the last partial batch unless `drop_last`. `progress` draws a bar on stderr when
        it is a terminal (not into a log file), as the command line does.
        """
        if not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise TrainingError(f"epochs must be a positive integer, not {epochs!r}")
        X, Y = self._data(X, Y)
        history: dict[str, list[float]] = {"loss": []}
        if self.loss is not None and self.loss.counter:
            history["accuracy"] = []
        batches = self._batches(len(X), epochs, batch_size, seed, shuffle, batch_indices,
                                drop_last)
        first = next(batches)  # every epoch has as many rows, in batches of the same sizes
        batches = itertools.chain([first], batches)
        order, size = first
        epoch, gradient_address = self._loop_for(X, Y, {min(size, len(order)),
                                                        len(order) % size or size})
        self._last_loop = epoch
        bar = _progress(epochs, progress)
        for number, (order, size) in enumerate(batches, 1):
            steps = -(-len(order) // size)
            losses = np.zeros(steps)
            correct = np.zeros(steps, dtype=np.int64)
            arguments = [*self.parameters, X, Y, order, size, self.steps_taken, losses,
                         gradient_address]
            arguments += [correct] if "accuracy" in history else []
            arguments += self.optimizer.values() + [a for arrays in self.state for a in arrays]
            try:
                taken = epoch.function(*arguments)
            except Exception as error:
                bar.close()
                raise self._located(error, X, Y, order, size) from None
            self.steps_taken += taken
            if taken < steps:
                bar.close()
                raise TrainingError(
                    f"the loss or its gradient is not finite at epoch {number}, step "
                    f"{taken + 1}; training stopped with the parameters from before that step",
                    "lower the learning rate, or scale the inputs")
            sizes = np.diff(np.append(np.arange(0, len(order), size), len(order)))
            history["loss"].append(float(np.sum(losses * sizes) / len(order)))
            if "accuracy" in history:
                per_sample = self.loss.predictions_per_sample(self.model.out_features)
                history["accuracy"].append(float(correct.sum() / (len(order) * per_sample)))
            bar.update(1)
            bar.set_postfix({k: f"{v[-1]:.4f}" for k, v in history.items()})
        bar.close()
        return history

    def _located(self, error: Exception, X, Y, order, size) -> Exception:
        """An error the compiled epoch raised, as the gradient's entry point reports it: on the
        line of the loss. The epoch's batches go through the entry point, from the parameters
        the failed step started from, until one raises."""
        for start in range(0, len(order), size):
            rows = order[start:start + size]
            self.gradient(*self.parameters, X[rows], Y[rows])
        return TrainingError(f"training stopped: {type(error).__name__}: {error}",
                             "the loss raised it for one of this epoch's batches")

    # -- using the model ------------------------------------------------------------------------

    def evaluate(self, X, Y) -> dict:
        """The loss over all of (X, Y) and, for classification, the accuracy (computed by the
        loss function as plain NumPy: one pass, no gradient)."""
        X, Y = self._data(X, Y)
        if self.model is None:
            return {"loss": float(self.loss_function(*self.parameters, X, Y))}
        loss, outputs = self.loss_function(*self.parameters, X, Y)
        result = {"loss": float(loss)}
        if self.loss.counter:
            predictions = len(X) * self.loss.predictions_per_sample(self.model.out_features)
            result["accuracy"] = self.loss.count_correct(outputs, Y) / predictions
        return result

    def predict(self, X) -> np.ndarray:
        """The model's outputs for the rows of X (logits or probabilities, as its last layer
        gives them)."""
        if self.model is None:
            raise TrainingError("predict needs a Sequential model; a Trainer made from a loss "
                                "function has no forward pass of its own")
        return self.model(X)


def _progress(epochs: int, enabled: bool):
    # a bar written into a log fills it; a disabled tqdm still costs tens of microseconds
    if not (enabled and sys.stderr is not None and sys.stderr.isatty()):
        return _NoProgress()
    from tqdm import tqdm

    return tqdm(total=epochs, unit="epoch", desc="training", leave=True)


class _NoProgress:
    """The progress bar of `fit(progress=False)`, or away from a terminal: shows nothing."""

    def update(self, n: int) -> None:
        pass

    def set_postfix(self, values: dict) -> None:
        pass

    def close(self) -> None:
        pass
