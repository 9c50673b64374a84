"""GradBench's evals as benchmarks/gradbench writes them, at small sizes: astgrad's gradient,
compiled and as plain NumPy, against central finite differences and the tape engine (the
benchmark checks the timed sizes against JAX)."""

import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

import astgrad
from astgrad import tape
from astgrad.testing import check_grads

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks" / "gradbench"))
EVALS = ["ode", "lstm", "kmeans", "gmm", "lse", "llsq", "det", "particle"]
# these write differentiated values into NumPy arrays they create (np.empty, a copy of an
# argument not differentiated), which the tape engine refuses as PyTorch would
NOT_ON_THE_TAPE = {"lstm", "gmm"}


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
@pytest.mark.parametrize("name", EVALS)
def test_the_eval_matches_finite_differences_and_the_tape(name, jit):
    module = importlib.import_module(name)
    arguments = module.small_arguments()
    check_grads(module.PRIMAL, arguments, wrt=module.WRT, jit=jit)
    if name in NOT_ON_THE_TAPE:
        return
    got = astgrad.grad(module.PRIMAL, wrt=module.WRT, jit=jit)(*arguments)
    expected = tape.grad(module.PRIMAL, wrt=module.WRT)(*arguments)
    for g, e in zip(*(v if isinstance(v, tuple) else (v,) for v in (got, expected))):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)
