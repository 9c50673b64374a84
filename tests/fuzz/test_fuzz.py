"""Differential fuzzing: random programs (tests/fuzz/programs.py) through astgrad compiled and
as plain NumPy, the tape engine and finite differences (tests/fuzz/differential.py).

numba compiling each program's gradient is what costs (measured on the project's 2-core
machine): a small program about 0.4 s (median; 1 s on average), a full-size one 0.6-1 s
(median; 1.5-2 s on average), and the first programs of a process 10-40 s each, while numba
specializes astgrad's runtime helpers for each new combination of argument types; the plain
NumPy gradient, the tape and finite differences take 0.05 s together. So CI runs four shards,
which pytest-xdist spreads over its workers, each from a fixed seed (the same programs every
run), about 80 seconds with two idle cores:

- two shards of COMPILED small programs (programs.SMALL) through all four gradients;
- two shards of PYTHON full-size programs (programs.FULL) through all but the compiled one.

A long local run, every program full-size and compiled, from a fresh seed each time:

    ASTGRAD_FUZZ_EXAMPLES=5000 python -m pytest -p no:benchmark tests/fuzz/test_fuzz.py

(the number is the total, shared among the shards). numba never frees what it compiled, about
6 MB per full-size program, so the long run checks its programs in forked processes of CHUNK
programs each.
"""

import multiprocessing
import os
import random
import traceback

import pytest
from hypothesis import HealthCheck, given, seed, settings

from .differential import check_case
from .programs import FULL, SMALL, cases

LONG = int(os.environ.get("ASTGRAD_FUZZ_EXAMPLES", "0"))
SHARDS = 4
COMPILED = 75  # programs per compiled shard in CI
PYTHON = 150  # programs per plain-NumPy shard in CI
CHUNK = 250  # programs per process in the long run

# shard -> (program size, programs, compiled?)
# (pytest-xdist hands out the first tests in order, a few to each worker: the compiled shards
# are first and last, so that two workers start on different ones)
PLAN = {shard: (FULL, -(-LONG // SHARDS), True) for shard in range(SHARDS)} if LONG else {
    0: (SMALL, COMPILED, True), 1: (FULL, PYTHON, False),
    2: (FULL, PYTHON, False), 3: (SMALL, COMPILED, True)}


@pytest.fixture(scope="session")
def folder(tmp_path_factory):
    """Where the programs are written as modules (astgrad reads their source)."""
    return tmp_path_factory.mktemp("programs")


def programs_test(size, examples: int, jit: bool, folder, draws: int, ci: bool):
    """The hypothesis test of `examples` random programs of `size`, drawn from the seed
    `draws`; in CI without the example database, so that every run is the same."""
    @seed(draws)
    @settings(max_examples=examples, deadline=None, derandomize=ci,
              database=None if ci else settings.default.database,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                     HealthCheck.data_too_large])
    @given(cases(size))
    def check(case):
        check_case(case, folder, jit)

    return check


def _report(*arguments) -> str | None:
    """Run a programs test; None if it passes, else its report (with the failing program)."""
    try:
        programs_test(*arguments, ci=False)()
    except Exception as error:
        return "".join(traceback.format_exception(error))
    return None


@pytest.mark.parametrize("shard", range(SHARDS))
def test_random_programs_have_one_gradient(shard, folder):
    size, examples, jit = PLAN[shard]
    if not LONG:
        programs_test(size, examples, jit, folder, draws=shard, ci=True)()
        return
    processes = multiprocessing.get_context("fork")
    for start in range(0, examples, CHUNK):
        draws = random.SystemRandom().getrandbits(64)  # a forked process repeats our random
        with processes.Pool(1) as pool:  # its compiled code goes when the process ends
            report = pool.apply(_report, (size, min(CHUNK, examples - start), jit, folder,
                                          draws))
        assert report is None, report
