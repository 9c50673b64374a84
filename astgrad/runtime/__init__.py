"""Helpers that generated gradients call, as plain NumPy and as numba implementations.

The generated module imports these by name (`from astgrad.runtime import unbroadcast, ...`).
Run with `jit=False`, they are ordinary Python functions; compiled, numba uses their
`@overload` implementations, chosen by argument type, so that one generated source serves
floats and arrays, float32 and float64.
"""

from .adjoints import (
    cast_like,
    extremum_share,
    extremum_share_scalar,
    not_shared,
    output_seed,
    own,
    require_float,
    select,
    size,
    stop_gradient,
    unbroadcast,
    zeros_like,
)
from .broadcasting import ShapePatternError
from .elementwise import heaviside
from .indexing import add_at, written_part
from .integers import (
    ceil_int,
    check_progress,
    floor_int,
    loop_bound,
    require_int,
    round_int,
    to_int,
    trunc_int,
)
from .linalg import (
    astype_adjoint,
    matmul_adjoint_a,
    matmul_adjoint_b,
    outer_adjoint_a,
    outer_adjoint_b,
    promoted_dot,
    promoted_matmul,
    reshape_like,
    trace,
    trace_adjoint,
    transpose_adjoint,
)
from .numbers import float_type
from .reductions import (
    clip,
    extremum_adjoint,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_sum,
    unreduce,
)
from .tapes import (
    empty_tape,
    grow,
    keep,
    keep_result,
    result_tape,
    retyped,
    same_shape,
    trip_count,
)
from .undo import log_mark, log_write, undo_log, undo_to

__all__ = [
    "ShapePatternError", "add_at", "astype_adjoint", "cast_like", "extremum_share",
    "extremum_share_scalar", "not_shared", "clip", "extremum_adjoint",
    "matmul_adjoint_a", "matmul_adjoint_b", "promoted_dot", "promoted_matmul",
    "outer_adjoint_a", "outer_adjoint_b", "output_seed", "own", "reduce_max", "reduce_mean",
    "reduce_min", "reduce_sum", "require_float", "reshape_like", "select", "size",
    "stop_gradient", "trace", "trace_adjoint", "transpose_adjoint", "unbroadcast", "unreduce",
    "zeros_like", "empty_tape", "grow", "keep", "keep_result", "log_mark", "log_write",
    "result_tape", "retyped", "same_shape",
    "trip_count", "undo_log", "undo_to", "ceil_int", "check_progress", "floor_int",
    "loop_bound", "require_int", "round_int", "to_int", "trunc_int", "written_part",
    "float_type", "heaviside",
]
