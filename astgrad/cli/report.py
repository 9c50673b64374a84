"""What `python -m astgrad train` reports: the per-epoch history of a run, its table rows,
the closing summary, and the loss and accuracy curves drawn with matplotlib.

Takes the run's History (filled by cli/train.py, and by cli/compare.py for PyTorch's curve);
produces text on stdout and an image file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import CommandLineError
from .task import Split, Task


@dataclass
class History:
    """Per epoch: the training batches' mean loss and accuracy, the test set's, the seconds."""

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    torch_loss: list[float] | None = None  # the same run in PyTorch, with --compare torch


def row(history: History, epoch: int, classes: bool) -> str:
    """The table's line for `epoch`: its losses (and accuracies, for classes) and seconds."""
    values = [f"{epoch + 1:>10d}", _number(history.train_loss[epoch])]
    if classes:
        values.append(_number(history.train_accuracy[epoch]))
    values.append(_number(history.test_loss[epoch]))
    if classes:
        values.append(_number(history.test_accuracy[epoch]))
    mark = "*" if epoch == 0 else " "
    values.append(f"{duration_text(history.seconds[epoch]):>9}{mark}")
    return "  ".join(values)


def _number(value: float) -> str:
    return f"{value:>10.4f}" if abs(value) < 1e5 else f"{value:>10.3e}"


def duration_text(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def typical_epoch_seconds(seconds: list[float]) -> float:
    """The median time of an epoch, leaving out the first (which compiles) when there are
    others."""
    return float(np.median(seconds[1:] if len(seconds) > 1 else seconds))


def report(history: History, task: Task, split: Split) -> None:
    if len(history.seconds) > 1:
        print(f"time per epoch: {duration_text(typical_epoch_seconds(history.seconds))} (median of "
              f"epochs 2 to {len(history.seconds)}); first epoch: "
              f"{duration_text(history.seconds[0])}")
    print(f"test loss: {history.test_loss[-1]:.4f}")
    if task.classes:
        correct = int(round(history.test_accuracy[-1] * len(split.X_test)))
        print(f"test accuracy: {history.test_accuracy[-1]:.4f} ({correct} of "
              f"{len(split.X_test)} test rows)")
    else:
        rmse = np.sqrt(history.test_loss[-1]) * split.target_scale[1]
        print(f"test RMSE: {rmse:.4g} (in the target's units)")


def plot(history: History, path: Path, task: Task, title: str) -> None:
    """Draw the loss curves (and accuracy curves, for classes) into an image file."""
    figure = curves_figure(history, task, title)
    try:
        figure.savefig(path)
    except (OSError, ValueError) as error:
        raise CommandLineError(f"--plot {path}: cannot write the image: {error}") from None
    print(f"plot: {path}")


def curves_figure(history: History, task: Task, title: str):
    """The loss curves (and accuracy curves, for classes) per epoch, under `title`."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    panels = 2 if task.classes else 1
    figure = Figure(figsize=(5 * panels, 4), layout="constrained")
    figure.suptitle(title)
    epochs = np.arange(1, len(history.train_loss) + 1)
    curves = [("loss", history.train_loss, history.test_loss)]
    if task.classes:
        curves.append(("accuracy", history.train_accuracy, history.test_accuracy))
    for axes, (name, train_values, test_values) in zip(figure.subplots(1, panels, squeeze=False)[0],
                                                      curves):
        axes.plot(epochs, train_values, label=f"training batches' mean {name}")
        axes.plot(epochs, test_values, label=f"test {name}")
        if name == "loss" and history.torch_loss is not None:
            axes.plot(epochs, history.torch_loss, linestyle="--",
                      label="PyTorch: training batches' mean loss")
        axes.set_xlabel("epoch")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # no epoch 2.5
        axes.set_ylabel(name)
        axes.legend()
    return figure
