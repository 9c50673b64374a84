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

The loop calls the loss's gradient through `call_compiled`, at the address of its machine code,
instead of linking it in.
"""

import numpy as np
from numba import typeof
from numba.core import cgutils, types
from numba.extending import intrinsic, overload, register_jitable


def call_compiled(function, address, arguments):
    """`function(*arguments)`, where `function` is a numba-compiled function and `address`
    is where the machine code of its version for these argument types starts
    (`compiled_address`).

    In compiled code, a call of that machine code. numba links the code of every function a
    compiled function calls into the caller and optimizes all of it again: the training loop
    would recompile the whole gradient (a second or more), and measured slower (a 10 -> 50 -> 1
    SGD step: 14 us linked, 11.5 us called here). The call follows numba's own calling
    convention, so the gradient's exceptions reach the caller as from any call. The address is
    an argument, not a constant, so the caller stays cacheable; it must come from
    `compiled_address` for arguments of the same types (nothing checks them at run time).

    >>> call_compiled(gradient, compiled_address(gradient, arguments), arguments)
    """
    return function(*arguments)


def compiled_address(function, arguments) -> int:
    """Where the machine code of numba-compiled `function` for the types of `arguments`
    starts, compiling it (or loading it from the cache) first.

    >>> address = compiled_address(gradient, (W1, b1, X_batch, Y_batch))
    """
    signature = tuple(typeof(a) for a in arguments)
    function.compile(signature)
    compiled = function.overloads[signature]
    return compiled.library.get_pointer_to_function(compiled.fndesc.llvm_func_name)


@overload(call_compiled, inline="always")  # inlined, `function` is never a value at run time
def _call_compiled(function, address, arguments):
    if not isinstance(function, types.Dispatcher) or not isinstance(arguments, types.BaseTuple):
        return None
    return lambda function, address, arguments: _call_at(function, address, arguments)


@intrinsic
def _call_at(typingctx, function, address, arguments):
    dispatcher = function.dispatcher
    argtypes = tuple(arguments.types)
    dispatcher.compile(argtypes)  # its return type and calling convention
    callee = dispatcher.overloads[argtypes].fndesc

    def codegen(context, builder, signature, args):
        function_type = context.call_conv.get_function_type(callee.restype, callee.argtypes)
        pointer = builder.inttoptr(args[1], function_type.as_pointer())
        values = cgutils.unpack_tuple(builder, args[2], len(argtypes))
        status, result = context.call_conv.call_function(builder, pointer, callee.restype,
                                                         callee.argtypes, values)
        with cgutils.if_unlikely(builder, status.is_error):
            context.call_conv.return_status_propagate(builder, status)
        return result

    return callee.restype(function, address, arguments), codegen


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
    """Whether every element of the flat array `a` is finite (without making a mask, and
    without stopping early: numba vectorizes the loop)."""
    finite = True
    for value in a:
        finite &= np.isfinite(value)
    return finite


@register_jitable
def count_argmax_matches(scores, one_hot) -> int:
    """How many rows of `scores` have their largest entry where `one_hot` has its 1."""
    count = 0
    for i in range(scores.shape[0]):
        if _row_argmax(scores, i) == _row_argmax(one_hot, i):
            count += 1
    return count


@register_jitable
def _row_argmax(a, i) -> int:
    """np.argmax(a[i]): where row i has its first largest entry (its first NaN, if any). A
    loop: numba compiles np.argmax of a row in a tenth of a second per caller."""
    best = 0
    for j in range(a.shape[1]):
        if a[i, j] != a[i, j]:
            return j
        if a[i, j] > a[i, best]:
            best = j
    return best


@register_jitable
def count_threshold_matches(outputs, targets, threshold) -> int:
    """How many outputs fall on the same side of `threshold` as their 0/1 targets."""
    count = 0
    flat_outputs, flat_targets = outputs.ravel(), targets.ravel()
    for i in range(flat_outputs.size):
        if (flat_outputs[i] > threshold) == (flat_targets[i] > 0.5):
            count += 1
    return count
