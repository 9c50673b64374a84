"""`python -m astgrad train --compare torch`: the same training run replayed in PyTorch.

Takes the astgrad.nn model's initial parameters (PyTorch's layout: weight (out, in), then
bias, layer by layer), the loss, the optimizer and the batch order of the run, trains a float64
`torch.nn.Sequential` with them, and prints both loss curves side by side, their largest
difference, the largest difference of the trained parameters, and the time per epoch of each.

    $ python -m astgrad train --compare torch --epochs 5
"""

from __future__ import annotations

import time

import numpy as np

from ..nn import Linear, Sequential
from .report import duration_text, typical_epoch_seconds

TORCH_LOSSES = {"bce_with_logits": "BCEWithLogitsLoss", "cross_entropy": "CrossEntropyLoss",
                "mse": "MSELoss"}
TORCH_OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW"}  # same defaults as ours


def torch_network(torch, model: Sequential, parameters: list[np.ndarray]):
    """`model`'s layers as a float64 `torch.nn.Sequential` holding copies of `parameters`.

    >>> net = torch_network(torch, model, [p.copy() for p in model.parameters()])
    """
    layers = [torch.nn.Linear(layer.in_features, layer.out_features, bias=layer.has_bias,
                              dtype=torch.float64) if isinstance(layer, Linear)
              else getattr(torch.nn, type(layer).__name__)() for layer in model.layers]
    net = torch.nn.Sequential(*layers)
    with torch.no_grad():
        for theirs, ours in zip(net.parameters(), parameters, strict=True):
            theirs.copy_(torch.from_numpy(ours))
    return net


def torch_training(torch, net, loss: str, optimizer: str, lr: float, X: np.ndarray,
                   Y: np.ndarray, order: np.ndarray, epochs: int):
    """Train `net` on the batches of `order` (epochs * steps rows of indices); returns per
    epoch the mean of the batch losses and the seconds the epoch took.

    >>> losses, seconds = torch_training(torch, net, "mse", "sgd", 0.1, X, Y, order, 3)
    """
    criterion = getattr(torch.nn, TORCH_LOSSES[loss])()
    inputs = torch.from_numpy(X)
    targets = (torch.from_numpy(Y) if loss == "cross_entropy"
               else torch.from_numpy(Y.reshape(len(Y), -1).astype(np.float64)))
    update = getattr(torch.optim, TORCH_OPTIMIZERS[optimizer])(net.parameters(), lr=lr)
    steps = len(order) // epochs
    losses, seconds = [], []
    for epoch in range(epochs):
        started = time.perf_counter()
        total = 0.0
        for rows in torch.from_numpy(order[epoch * steps:(epoch + 1) * steps]):
            update.zero_grad()
            batch_loss = criterion(net(inputs[rows]), targets[rows])
            batch_loss.backward()
            update.step()
            total += batch_loss.item()
        seconds.append(time.perf_counter() - started)
        losses.append(total / steps)
    return losses, seconds


def compare_with_torch(torch, model: Sequential, start: list[np.ndarray], loss: str,
                       optimizer: str, lr: float, split, order: np.ndarray, history) -> None:
    """Train in PyTorch from `start` as astgrad did, and print the comparison with `history`
    (astgrad's run, whose `torch_loss` it fills in for the plot)."""
    epochs = len(history.train_loss)
    net = torch_network(torch, model, start)
    threads = torch.get_num_threads()
    # astgrad's loop runs on one core; PyTorch gets one too (its thread pool also stalls
    # badly on small batches when the cores are busy)
    torch.set_num_threads(1)
    try:
        losses, seconds = torch_training(torch, net, loss, optimizer, lr, split.X_train,
                                         split.Y_train, order, epochs)
    finally:
        torch.set_num_threads(threads)
    history.torch_loss = losses
    print(f"\nPyTorch {torch.__version__}, float64, one thread, from the same initial weights "
          "and batch order:")
    print(f"{'epoch':>6}  {'astgrad loss':>20}  {'PyTorch loss':>20}  {'difference':>10}  "
          f"{'astgrad time':>12}  {'PyTorch time':>12}")
    differences = np.abs(np.array(history.train_loss) - np.array(losses))
    for epoch in range(epochs):
        print(f"{epoch + 1:>6d}  {history.train_loss[epoch]:>20.15g}  {losses[epoch]:>20.15g}  "
              f"{differences[epoch]:>10.1e}  {duration_text(history.seconds[epoch]):>12}  "
              f"{duration_text(seconds[epoch]):>12}")
    trained = max(float(np.max(np.abs(ours - theirs.detach().numpy())))
                  for ours, theirs in zip(model.parameters(), net.parameters()))
    print(f"max |difference| of the epoch losses: {differences.max():.1e}")
    print(f"max |difference| of the trained parameters: {trained:.1e}")
    ours, theirs = typical_epoch_seconds(history.seconds), typical_epoch_seconds(seconds)
    faster = (f"astgrad is {theirs / ours:.1f}x faster" if ours <= theirs
              else f"PyTorch is {ours / theirs:.1f}x faster")
    print(f"time per epoch (median): astgrad {duration_text(ours)}, PyTorch "
          f"{duration_text(theirs)}: {faster}")
