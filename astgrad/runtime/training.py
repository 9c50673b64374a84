"""Helpers astgrad.nn's generated training loop calls: the optimizers' parameter updates,
a check that a step stayed finite, and counts of correct classifications.

Each update changes the parameter and the optimizer's state in place, element by element, with
PyTorch's formulas operation for operation (`_single_tensor_sgd`, `_single_tensor_adam`:
`lerp`, `addcmul`, `addcdiv` spelled out), so that a run from the same weights and batches
matches PyTorch's to rounding. Written as loops: numba compiles them in a tenth of the time
the same update takes as array expressions, and they make no temporaries. The updates and
`all_finite` take flat arrays: the training loop passes `W.ravel()`, a view of the parameter
(parameters and state arrays are C-contiguous; the trainer makes them so), so that numba
compiles each once for all the parameters, whatever their rank. `t` counts the steps taken
before this one.
"""

import numpy as np
from numba.extending import register_jitable


@register_jitable
def sgd_update(p, g, buffer, t, lr, momentum, dampening, weight_decay, nesterov):
    """SGD with momentum, dampening, Nesterov momentum and L2 weight decay."""
    for i in range(p.size):
        d = g[i]
        if weight_decay != 0:
            d = d + weight_decay * p[i]
        if momentum != 0:
            if t == 0:
                buffer[i] = d
            else:
                buffer[i] = buffer[i] * momentum + (1 - dampening) * d
            d = d + momentum * buffer[i] if nesterov else buffer[i]
        p[i] = p[i] + -lr * d


@register_jitable
def adam_update(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq, t, lr, beta1, beta2, eps,
                weight_decay, decoupled, amsgrad):
    """Adam (and AdamW, with `decoupled` weight decay), with AMSGrad."""
    step = t + 1.0
    bias_correction1 = 1 - beta1 ** step
    bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
    step_size = lr / bias_correction1
    weight = 1 - beta1  # exp_avg.lerp_(g, 1 - beta1), from its nearer end as PyTorch does
    for i in range(p.size):
        d = g[i]
        if weight_decay != 0:
            if decoupled:
                p[i] = p[i] * (1 - lr * weight_decay)
            else:
                d = d + weight_decay * p[i]
        if abs(weight) < 0.5:
            exp_avg[i] = exp_avg[i] + weight * (d - exp_avg[i])
        else:
            exp_avg[i] = d - (d - exp_avg[i]) * (1 - weight)
        exp_avg_sq[i] = exp_avg_sq[i] * beta2 + (1 - beta2) * d * d
        second = exp_avg_sq[i]
        if amsgrad:
            max_exp_avg_sq[i] = max(max_exp_avg_sq[i], second)
            second = max_exp_avg_sq[i]
        denominator = np.sqrt(second) / bias_correction2_sqrt + eps
        p[i] = p[i] + -step_size * exp_avg[i] / denominator


@register_jitable
def all_finite(a) -> bool:
    """Whether every element of the flat array `a` is finite (without making a mask)."""
    for value in a:
        if not np.isfinite(value):
            return False
    return True


@register_jitable
def count_argmax_matches(scores, one_hot) -> int:
    """How many rows of `scores` have their largest entry where `one_hot` has its 1."""
    count = 0
    for i in range(scores.shape[0]):
        if np.argmax(scores[i]) == np.argmax(one_hot[i]):
            count += 1
    return count


@register_jitable
def count_threshold_matches(outputs, targets, threshold) -> int:
    """How many outputs fall on the same side of `threshold` as their 0/1 targets."""
    count = 0
    flat_outputs, flat_targets = outputs.ravel(), targets.ravel()
    for i in range(flat_outputs.size):
        if (flat_outputs[i] > threshold) == (flat_targets[i] > 0.5):
            count += 1
    return count
