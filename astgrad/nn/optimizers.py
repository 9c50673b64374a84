"""The optimizers astgrad.nn trains with: their hyperparameters, their state arrays, and the
call of their update in the generated training loop (the formulas, PyTorch's, are in
astgrad/runtime/training.py)."""

from __future__ import annotations

import numpy as np

from ..errors import TrainingError


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise TrainingError(message)


class Optimizer:
    update = ""  # the runtime helper's name
    hyperparameters: tuple[str, ...] = ()  # passed to the loop as arguments, in this order
    state_names: tuple[str, ...] = ()  # one array of each per parameter

    def new_state(self, parameters: list[np.ndarray]) -> list[list[np.ndarray]]:
        """Per state name, one array per parameter (zeros of the parameter's shape)."""
        return [[np.zeros_like(p) for p in parameters] for _ in self.state_names]

    def values(self) -> list:
        return [getattr(self, name) for name in self.hyperparameters]

    def call(self, parameter: str, gradient: str, state: list[str]) -> str:
        """The update of one parameter, as a line of the training loop (on flat views)."""
        flat = [f"{array}.ravel()" for array in (parameter, gradient, *state)]
        arguments = [*flat, "t + step", *self.hyperparameters]
        return f"{self.update}({', '.join(arguments)})"

    def __repr__(self) -> str:
        options = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.hyperparameters)
        return f"{type(self).__name__}({options})"


class SGD(Optimizer):
    """Stochastic gradient descent: `SGD(lr, momentum=0, nesterov=False, weight_decay=0)`."""

    update = "sgd_update"
    hyperparameters = ("lr", "momentum", "dampening", "weight_decay", "nesterov")
    state_names = ("momentum_buffer",)

    def __init__(self, lr: float, momentum: float = 0.0, dampening: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0):
        _check(lr >= 0, f"invalid learning rate {lr}")
        _check(momentum >= 0, f"invalid momentum {momentum}")
        _check(weight_decay >= 0, f"invalid weight_decay {weight_decay}")
        _check(not nesterov or (momentum > 0 and dampening == 0),
               "Nesterov momentum needs a momentum and zero dampening")
        self.lr, self.momentum, self.dampening = float(lr), float(momentum), float(dampening)
        self.weight_decay, self.nesterov = float(weight_decay), bool(nesterov)


class Adam(Optimizer):
    """Adam: `Adam(lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False)`."""

    update = "adam_update"
    hyperparameters = ("lr", "beta1", "beta2", "eps", "weight_decay", "decoupled", "amsgrad")
    state_names = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    decoupled = False

    def __init__(self, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False):
        _check(lr >= 0, f"invalid learning rate {lr}")
        _check(eps >= 0, f"invalid epsilon {eps}")
        _check(len(betas) == 2 and all(0 <= b < 1 for b in betas), f"invalid betas {betas}")
        _check(weight_decay >= 0, f"invalid weight_decay {weight_decay}")
        self.lr, self.eps, self.weight_decay = float(lr), float(eps), float(weight_decay)
        self.beta1, self.beta2 = (float(b) for b in betas)
        self.amsgrad = bool(amsgrad)

    def new_state(self, parameters):
        state = super().new_state(parameters)
        if not self.amsgrad:  # never read: the running maximum is only kept for AMSGrad
            state[2] = [np.zeros((0,) * p.ndim, p.dtype) for p in parameters]
        return state


class AdamW(Adam):
    """Adam with decoupled weight decay: `AdamW(lr, ..., weight_decay=0.01)`."""

    decoupled = True

    def __init__(self, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False):
        super().__init__(lr, betas, eps, weight_decay, amsgrad)
