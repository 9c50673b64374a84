"""The programs the fuzzer found astgrad getting wrong (tests/fuzz/regressions.py), through the
four gradients: astgrad compiled and as plain NumPy, the tape, and finite differences."""

import numpy as np
import pytest

from .differential import (
    assert_float32_gradients_agree,
    assert_gradients_agree,
    assert_index_errors,
)
from .regressions import CASES, FLOAT32, INDEX_ERRORS, PYTHON_ONLY


def _floats(args) -> tuple:
    return tuple(k for k, a in enumerate(args) if np.asarray(a).dtype.kind == "f")


@pytest.mark.parametrize("function, args", [
    pytest.param(function, args, id=f"{function.__name__}-{k}")
    for function, points in CASES for k, args in enumerate(points)])
def test_found_by_fuzzing(function, args):
    assert_gradients_agree(function, args, _floats(args), jit=function not in PYTHON_ONLY)


@pytest.mark.parametrize("function, args, message", INDEX_ERRORS,
                         ids=[f.__name__ for f, _, _ in INDEX_ERRORS])
def test_an_index_past_the_end_is_refused_in_both_modes(function, args, message):
    with pytest.raises(IndexError, match=message):
        function(*args)
    assert_index_errors(function, args, _floats(args), message)


@pytest.mark.parametrize("function, args", FLOAT32, ids=[f.__name__ for f, _ in FLOAT32])
def test_found_by_fuzzing_in_float32(function, args):
    assert_float32_gradients_agree(function, args, _floats(args))
