"""The programs the fuzzer found astgrad getting wrong (tests/fuzz/regressions.py), through the
four gradients: astgrad compiled and as plain NumPy, the tape, and finite differences."""

import numpy as np
import pytest

from .differential import assert_gradients_agree
from .regressions import CASES


def _floats(args) -> tuple:
    return tuple(k for k, a in enumerate(args) if np.asarray(a).dtype.kind == "f")


@pytest.mark.parametrize("function, args", [
    pytest.param(function, args, id=f"{function.__name__}-{k}")
    for function, points in CASES for k, args in enumerate(points)])
def test_found_by_fuzzing(function, args):
    assert_gradients_agree(function, args, _floats(args))
