"""`python -m astgrad train`: train a small ReLU network with astgrad.nn on a CSV table (by
default the bundled Wisconsin breast cancer data) and report, per epoch, the loss and accuracy
on the training and test rows and the time the epoch took.

    $ python -m astgrad train
    $ python -m astgrad train --data houses.csv --target price --hidden 64 --epochs 50

The rows are split once into training and test rows (seeded; stratified by class), and the
features are standardized with the training rows' mean and standard deviation. The target
decides the loss: two classes train one output with `bce_with_logits`, 3 to 20 integer classes
(or any number of text classes) train one output per class with `cross_entropy`, anything else
is regression with `mse` on the standardized target. The batch order is drawn once for the
whole run (`batch_order`), so `--compare torch` can replay it in PyTorch exactly.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ..data import (
    BREAST_CANCER_CLASSES,
    BREAST_CANCER_TARGET,
    breast_cancer_path,
    read_csv,
    read_header,
)
from ..errors import CommandLineError, TrainingError
from ..nn import SGD, Adam, AdamW, Linear, ReLU, Sequential, Trainer
from .report import History, plot, report, row
from .task import Split, batch_order, describe_loss, describe_target, split_rows, task_of

OPTIMIZERS = {"sgd": SGD, "adam": Adam, "adamw": AdamW}
DEFAULT_LR = {"sgd": 0.1, "adam": 0.001, "adamw": 0.001}


def add_parser(subcommands) -> None:
    command = subcommands.add_parser(
        "train", help="train a small network on a CSV table (default: the bundled breast "
        "cancer data)", description=__doc__.split("\n\n")[0],
        epilog="The target column decides the loss: two classes train one output with "
        "bce_with_logits; 3 to 20 integer classes, or text labels, train one output per class "
        "with cross_entropy; other numbers are regression with mse.")
    option = command.add_argument
    option("--data", metavar="FILE.csv",
           help="a CSV file with a header row (default: astgrad's bundled breast_cancer.csv)")
    option("--target", metavar="COLUMN", help=f"the column to predict (default: "
           f"{BREAST_CANCER_TARGET!r} for the bundled data, else the last column)")
    option("--hidden", default="32,16", metavar="SIZES", help="the hidden layers' widths, "
           "comma-separated, a ReLU after each (default: %(default)s)")
    option("--optimizer", choices=sorted(OPTIMIZERS), default="adam",
           help="(default: %(default)s)")
    option("--lr", type=float, help="the learning rate (default: 0.001 for adam and adamw, "
           "0.1 for sgd)")
    option("--epochs", type=int, default=20, help="passes over the training rows "
           "(default: %(default)s)")
    option("--batch-size", type=int, default=32, help="rows per step (default: %(default)s)")
    option("--test-fraction", type=float, default=0.2, metavar="FRACTION",
           help="the fraction of the rows held out to test on (default: %(default)s)")
    option("--seed", type=int, default=0, help="seeds the split, the initial weights and the "
           "batch order (default: %(default)s)")
    option("--compare", choices=["torch"], help="also train the same model in PyTorch "
           "(float64) from the same weights and batch order, and compare the two")
    option("--plot", metavar="FILE.png", help="draw the loss and accuracy curves into an "
           "image (needs matplotlib)")
    command.set_defaults(run=run)


def run(arguments) -> int:
    """Train as the options say and print the results (the `train` subcommand).

    >>> from astgrad.cli import main
    >>> main(["train", "--epochs", "5"])
    0
    """
    hidden = hidden_sizes(arguments.hidden)
    lr = check_options(arguments)
    torch = _import_torch() if arguments.compare else None
    plot_to = _plot_target(arguments.plot) if arguments.plot else None

    path, target = _data_source(arguments)
    X, y, features = read_csv(path, target)
    task = task_of(y, target)
    if arguments.data is None and target == BREAST_CANCER_TARGET:
        task.classes = list(BREAST_CANCER_CLASSES)
    split = split_rows(X, task, arguments.test_fraction, arguments.seed)
    batch_size = min(arguments.batch_size, len(split.X_train))  # at least one batch per epoch
    model = network(X.shape[1], hidden, task.outputs, arguments.seed)
    start = [p.copy() for p in model.parameters()]
    optimizer = OPTIMIZERS[arguments.optimizer](lr)
    trainer = Trainer(model, loss=task.loss, optimizer=optimizer)
    order = batch_order(len(split.X_train), arguments.epochs, batch_size, arguments.seed)

    shown = f"{path.name} (bundled with astgrad)" if arguments.data is None else path
    print(f"data      {shown}: {len(X)} rows, {len(features)} features")
    print(f"target    {target!r}: {describe_target(task)}")
    print(f"loss      {describe_loss(task)}")
    print(f"split     {len(split.X_train)} training rows, {len(split.X_test)} test rows "
          f"({'stratified, ' if task.classes else ''}seed {arguments.seed}); features "
          "standardized on the training rows")
    print(f"model     {describe_model(model)}")
    steps = len(order) // arguments.epochs
    print(f"training  {_describe_optimizer(optimizer)}, {arguments.epochs} epochs of {steps} "
          f"batch{'es' * (steps > 1)} of {batch_size} rows (shuffled per epoch, remainder left "
          "out)" + (" (all the training rows)" if batch_size < arguments.batch_size else ""))
    history = train(trainer, split, order, arguments.epochs, bool(task.classes))
    report(history, task, split)
    if torch is not None:
        from .compare import compare_with_torch

        compare_with_torch(torch, model, start, task.loss, arguments.optimizer, lr, split,
                           order, history)
    if plot_to is not None:
        plot(history, plot_to, task, f"{path.name}, target {target!r}: "
                                     f"{describe_model(model)}")
    return 0


# -- options ------------------------------------------------------------------------------------


def hidden_sizes(text: str) -> list[int]:
    """The hidden layers' widths from `--hidden`: positive integers, comma-separated.

    >>> hidden_sizes("32,16")
    [32, 16]
    """
    sizes = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) < 1:
            raise CommandLineError(f"--hidden {text!r}: {part!r} is not a positive integer",
                                   "give the hidden layers' widths, e.g. --hidden 32,16")
        sizes.append(int(part))
    return sizes


def check_options(arguments) -> float:
    """Check the numeric options; returns the learning rate (the optimizer's default if none)."""
    lr = DEFAULT_LR[arguments.optimizer] if arguments.lr is None else arguments.lr
    if not (np.isfinite(lr) and lr > 0):
        raise CommandLineError(f"--lr {lr}: the learning rate must be a positive number",
                               "e.g. --lr 0.001")
    if arguments.epochs < 1:
        raise CommandLineError(f"--epochs {arguments.epochs}: train for at least one epoch")
    if arguments.batch_size < 1:
        raise CommandLineError(f"--batch-size {arguments.batch_size}: a batch holds at least "
                               "one row")
    if arguments.seed < 0:
        raise CommandLineError(f"--seed {arguments.seed}: a seed is a non-negative integer")
    if not 0 < arguments.test_fraction < 1:
        raise CommandLineError(f"--test-fraction {arguments.test_fraction}: the fraction of "
                               "rows held out must be between 0 and 1", "e.g. --test-fraction "
                               "0.2")
    return lr


def _data_source(arguments):
    """The CSV file to read and its target column."""
    if arguments.data is None:
        return breast_cancer_path(), arguments.target or BREAST_CANCER_TARGET
    path = Path(arguments.data)
    return path, arguments.target or read_header(path)[-1]


def _import_torch():
    try:
        import torch
    except ImportError:
        raise CommandLineError("--compare torch needs PyTorch, which is not installed",
                               "pip install torch==2.13.0") from None
    return torch


def _plot_target(name: str) -> Path:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise CommandLineError("--plot needs matplotlib, which is not installed",
                               "pip install 'astgrad[plot]' (or: pip install matplotlib)"
                               ) from None
    path = Path(name)
    if not path.parent.is_dir():
        raise CommandLineError(f"--plot {name}: the folder {path.parent} does not exist")
    return path


# -- the model and its training -----------------------------------------------------------------


def network(features: int, hidden: list[int], outputs: int, seed: int) -> Sequential:
    """Linear layers of the given widths with a ReLU between each two, seeded.

    >>> network(30, [32, 16], 1, seed=0).out_features
    1
    """
    widths = [features, *hidden, outputs]
    layers = []
    for fan_in, fan_out in zip(widths, widths[1:]):
        layers += [Linear(fan_in, fan_out), ReLU()]
    return Sequential(*layers[:-1], seed=seed, dtype=np.float64)


def _describe_optimizer(optimizer) -> str:
    return f"{type(optimizer).__name__}(lr={optimizer.lr:g})"


def describe_model(model: Sequential) -> str:
    widths = [model.in_features] + [layer.out_features for layer in model.linears]
    count = sum(p.size for p in model.parameters())
    return f"{' -> '.join(map(str, widths))} with ReLU between layers ({count:,} parameters)"


def train(trainer: Trainer, split: Split, order: np.ndarray, epochs: int,
          classes: bool) -> History:
    """Fit one epoch at a time (so the test set is scored after each), with a progress bar."""
    from tqdm import tqdm

    history = History()
    per_epoch = len(order) // epochs
    columns = ["epoch", "train loss", "train acc", "test loss", "test acc", "time"]
    if not classes:
        columns = [c for c in columns if not c.endswith("acc")]
    # disable=None: a bar on a terminal only, not in a log file or a pipe
    with tqdm(total=epochs, unit="epoch", desc="compiling", leave=False, disable=None) as bar:
        bar.write("  ".join(f"{c:>10}" for c in columns))
        for epoch in range(epochs):
            try:
                _train_epoch(trainer, split, order[epoch * per_epoch:(epoch + 1) * per_epoch],
                             history, classes)
            except TrainingError as error:
                # fit ran a single epoch, so its message counts from 1; its origin would name
                # runpy, the caller of this command, which tells a user nothing
                message = error.message.replace("at epoch 1,", f"at epoch {epoch + 1},")
                raise CommandLineError(message, error.hint) from None
            bar.write(row(history, epoch, classes))
            bar.set_description("training")
            bar.update(1)
    print("(*) the first epoch includes compiling the training loop, or loading it from "
          "astgrad's cache")
    return history


def _train_epoch(trainer: Trainer, split: Split, rows: np.ndarray, history: History,
                 classes: bool) -> None:
    started = time.perf_counter()
    fitted = trainer.fit(split.X_train, split.Y_train, epochs=1, progress=False,
                         batch_indices=rows)
    history.seconds.append(time.perf_counter() - started)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging model's loss shows as inf
        tested = trainer.evaluate(split.X_test, split.Y_test)
    history.train_loss.append(fitted["loss"][0])
    history.test_loss.append(tested["loss"])
    if classes:
        history.train_accuracy.append(fitted["accuracy"][0])
        history.test_accuracy.append(tested["accuracy"])
