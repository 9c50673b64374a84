"""The training program: a model's loss and the loop of one epoch, written as Python source
and compiled (the model writes its own forward pass: Sequential.forward_source).

Takes a `Sequential` and a loss (or a user's loss function and its parameter names) and an
optimizer. Produces two generated modules, each a file in astgrad's cache folder (so a user
can read them, and a second process loads them compiled):

- `loss(W1, b1, ..., X, Y)`: the model and its loss in plain NumPy, returning `(loss, h)`;
  its gradient comes from `astgrad.value_and_grad(loss, has_aux=True)`, and the loop calls
  it specialized for the batches' shapes (`astgrad.specialized`, chosen by the trainer);
- `train_epoch(...)`: for every minibatch of an epoch, the loss and its gradient, a check that
  both are finite, and the optimizer's update of every parameter in place; Python is entered
  once per epoch.

`train_epoch` calls the compiled gradient at the address of its machine code (an argument,
`gradient_address`, see `astgrad.runtime.training.call_compiled`), rather than linking it in:
numba would optimize it all over again inside the loop.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import loader
from ..api import value_and_grad
from .layers import Sequential
from .losses import Loss
from .optimizers import Optimizer
from .source import HEADER, indented


def loss_source(model: Sequential, loss: Loss) -> str:
    params = ", ".join(model.parameter_names())
    body = model.forward_lines() + loss.source_lines(model.dtype) + ["return loss, h"]
    imports = HEADER + ("from astgrad import stop_gradient\n" if "stop_gradient" in "".join(
        loss.lines) else "")
    return (f'"""The {loss.title} of {model.kinds()}, written by astgrad.nn."""\n\n'
            f"{imports}\n\ndef loss({params}, X, Y):\n" + indented(body))


@dataclass
class Epoch:
    """The compiled loop of one epoch, and how to call it."""

    function: object
    source: str
    state_names: list[list[str]]  # per optimizer state, per parameter: its argument name


def epoch_source(gradient, params: list[str], optimizer: Optimizer, loss: Loss | None,
                 aux: bool) -> tuple[str, list[list[str]]]:
    """The training loop of one epoch, calling the compiled `gradient` of the loss."""
    function = getattr(gradient, "py_func", gradient)
    correct = loss.correct("h", "Y_batch") if loss is not None else None
    gradients = [f"d{p}" for p in params]
    states = [[f"{state}_{p}" for p in params] for state in optimizer.state_names]
    arguments = [*params, "X", "Y", "order", "batch_size", "t", "losses", "gradient_address"]
    arguments += ["correct"] if correct else []
    arguments += [*optimizer.hyperparameters, *(name for names in states for name in names)]
    value = "(loss, h)" if aux else "loss"
    finite = " and ".join(["np.isfinite(loss)"] + [f"all_finite({g}.ravel())" for g in gradients])
    body = [
        "steps = losses.shape[0]",
        "for step in range(steps):",
        "    rows = order[step * batch_size:(step + 1) * batch_size]",
        "    X_batch = X[rows]",
        "    Y_batch = Y[rows]",
        f"    {value}, ({', '.join(gradients)},) = call_compiled({function.__name__}, "
        f"gradient_address, ({', '.join(params)}, X_batch, Y_batch))",
        f"    if not ({finite}):",
        "        return step  # the parameters stay as they were before this step",
        "    losses[step] = loss",
    ]
    if correct:
        body.append(f"    correct[step] = {correct}")
    for i, (p, g) in enumerate(zip(params, gradients)):
        body.append("    " + optimizer.call(p, g, [names[i] for names in states]))
    body.append("return steps")
    helpers = ", ".join(sorted({"all_finite", "call_compiled", optimizer.update} | (
        {loss.counter} if correct else set())))
    text = (f'"""One epoch of minibatch training with {type(optimizer).__name__}, written by '
            f'astgrad.nn.\n\nEach step: the loss of a batch and its gradient '
            f"({function.__name__}), then every parameter's\nupdate in place. Returns the "
            f'number of steps taken: fewer if a loss or gradient was not finite.\n"""\n\n'
            f"{HEADER}from astgrad.runtime.training import {helpers}\n"
            f"from {function.__module__} import {function.__name__}\n\n\n"
            f"def train_epoch({', '.join(arguments)}):\n" + indented(body))
    return text, states


def loaded_loss(text: str):
    """The loss function of `text`, loaded from a file (astgrad reads its source)."""
    return loader.load(text, "nn_loss", {}, (), jit=False).loss


def loss_gradient(loss_function, params: list[str], loss: Loss | None, jit: bool):
    """The value and gradient of `loss_function` with respect to `params`; with a `loss` (a
    Sequential's), the function also returns the outputs, for accuracy."""
    return value_and_grad(loss_function, wrt=tuple(params), jit=jit, has_aux=loss is not None)


def compiled_epoch(gradient, params: list[str], optimizer: Optimizer, loss: Loss | None,
                   jit: bool) -> Epoch:
    """The epoch loop calling `gradient`, the compiled function of `loss_gradient`'s result
    (or a version specialized for the data, astgrad.api.specialized)."""
    text, states = epoch_source(gradient, params, optimizer, loss, loss is not None)
    module = loader.load(text, "nn_epoch", {}, ("train_epoch",), jit)
    return Epoch(module.train_epoch, text, states)
