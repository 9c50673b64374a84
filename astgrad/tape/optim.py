"""Optimizers with PyTorch's exact update formulas: `SGD`, `Adam`, `AdamW`.

    optimizer = SGD(model.parameters(), lr=0.01, momentum=0.9)
    optimizer.zero_grad(); loss.backward(); optimizer.step()

Each update is written as PyTorch's `_single_tensor_sgd` / `_single_tensor_adam` compute it,
operation for operation (`lerp`, `addcmul`, `addcdiv` spelled out), so that a run from the same
weights and batches gives the same numbers to rounding.
"""

from __future__ import annotations

import numpy as np

from ..errors import TapeError
from .graph import no_grad
from .tensor import Tensor


class Optimizer:
    """Parameters in groups (each a dict of hyperparameters), a state per parameter, and
    `step()` applying the update to every parameter that has a gradient."""

    def __init__(self, params, defaults: dict):
        params = list(params)
        if not params:
            raise TapeError(f"{type(self).__name__} got an empty list of parameters",
                            "pass model.parameters() of a model that has layers")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        self.defaults = defaults
        self.param_groups = [{**defaults, **group, "params": list(group["params"])}
                             for group in groups]
        self.state: dict = {}
        for group in self.param_groups:
            for parameter in group["params"]:
                if not isinstance(parameter, Tensor) or not parameter.requires_grad:
                    raise TapeError(f"{type(self).__name__} can only optimize tensors that "
                                    "require grad", "pass model.parameters()")

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of the last backward pass."""
        for group in self.param_groups:
            for parameter in group["params"]:
                if set_to_none or parameter.grad is None:
                    parameter.grad = None
                else:
                    parameter.grad.zero_()

    def step(self, closure=None):
        """Update every parameter that has a gradient; `closure` recomputes the loss first."""
        loss = closure() if closure is not None else None
        with no_grad():
            for group in self.param_groups:
                for parameter in group["params"]:
                    if parameter.grad is None:
                        continue
                    gradient = parameter.grad.numpy()
                    if group.get("maximize", False):
                        gradient = -gradient
                    state = self.state.setdefault(parameter, {})
                    value = self.update(parameter.detach().numpy(), gradient, state, group)
                    parameter.copy_(Tensor(value))
        return loss

    def update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> np.ndarray:
        raise NotImplementedError


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise TapeError(message)


class SGD(Optimizer):
    """Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay."""

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False, *, maximize: bool = False):
        _check(lr >= 0, f"invalid learning rate {lr}")
        _check(momentum >= 0, f"invalid momentum {momentum}")
        _check(weight_decay >= 0, f"invalid weight_decay {weight_decay}")
        _check(not nesterov or (momentum > 0 and dampening == 0),
               "Nesterov momentum needs a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def update(self, p, g, state, group):
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        momentum = group["momentum"]
        if momentum != 0:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buffer = g.copy()
            else:
                buffer = buffer * momentum + (1 - group["dampening"]) * g
            state["momentum_buffer"] = buffer
            g = g + momentum * buffer if group["nesterov"] else buffer
        return p + -group["lr"] * g


class Adam(Optimizer):
    """Adam (Kingma and Ba), with L2 weight decay added to the gradient, and AMSGrad."""

    decoupled = False

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False, *, maximize: bool = False):
        _check(lr >= 0, f"invalid learning rate {lr}")
        _check(eps >= 0, f"invalid epsilon {eps}")
        _check(all(0 <= b < 1 for b in betas), f"invalid betas {betas}")
        _check(weight_decay >= 0, f"invalid weight_decay {weight_decay}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize))

    def update(self, p, g, state, group):
        if not state:
            state.update(step=0.0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p)
        lr, (beta1, beta2), decay = group["lr"], group["betas"], group["weight_decay"]
        state["step"] += 1
        if decay != 0:
            if self.decoupled:
                p = p * (1 - lr * decay)
            else:
                g = g + decay * p
        m = state["exp_avg"] = _lerp(state["exp_avg"], g, 1 - beta1)
        v = state["exp_avg_sq"] = state["exp_avg_sq"] * beta2 + (1 - beta2) * g * g
        step = state["step"]
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        step_size = lr / bias_correction1
        if group["amsgrad"]:
            v = state["max_exp_avg_sq"] = np.maximum(state["max_exp_avg_sq"], v)
        denominator = np.sqrt(v) / bias_correction2 ** 0.5 + group["eps"]
        return p + -step_size * m / denominator


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter): the parameters shrink by
    `lr * weight_decay` each step instead of the decay joining the gradient."""

    decoupled = True

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)


def _lerp(start: np.ndarray, end: np.ndarray, weight: float) -> np.ndarray:
    """PyTorch's `lerp`: from the nearer end, for accuracy."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)
