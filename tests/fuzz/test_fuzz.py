"""Differential fuzzing: random programs (tests/fuzz/programs.py) through astgrad compiled and
as plain NumPy, the tape engine and finite differences (tests/fuzz/differential.py).

numba compiling each program's gradient is what costs (measured on the project's 2-core
machine): a small program about 0.4 s (median; 1 s on average), a full-size one 0.6-1 s
(median; 1.5-2 s on average), and the first programs of a process 10-40 s each, while numba
specializes astgrad's runtime helpers for each new combination of argument types; the plain
NumPy gradient, the tape and finite differences take 0.05 s together. So CI runs five shards,
which pytest-xdist spreads over its workers:

- two shards of COMPILED small programs (programs.SMALL, loops nested in loops) through all
  four gradients;
- a shard of PYTHON full-size programs (programs.FULL) through all but the compiled one;
- a shard of PYTHON straight-line programs (programs.STRAIGHT: no branch or loop, arguments
  of rank 1 or 2), whose gradients astgrad specializes (astgrad/specialize/, as it does any
  gradient whose arguments are arrays of rank 1 or 2 and numbers: the other shards' too,
  where they are), the specialized source running as plain
  NumPy the same as compiled;
- one shard of FLOAT32 small programs: astgrad on float32 inputs, compiled and as plain
  NumPy, against the tape in float64.

Every run draws new programs: the shards start from a seed drawn at random (printed, and named
in any failure), so that CI explores rather than repeating itself; it reports a failing program
as drawn. To replay a run, which shrinks a failing program to a few lines:

    ASTGRAD_FUZZ_SEED=1234 python -m pytest -p no:benchmark tests/fuzz/test_fuzz.py

A long local run, every program compiled, full-size but in one shard straight-line (the
number is the total, shared among the shards):

    ASTGRAD_FUZZ_EXAMPLES=5000 python -m pytest -p no:benchmark tests/fuzz/test_fuzz.py

numba never frees what it compiled, about 6 MB per full-size program, so the long run checks
its programs in forked processes of CHUNK programs each. A chunk that finds a failure writes
its report at once to astgrad-fuzz-<seed>.txt in the temporary folder (pytest shows it only
when the shard ends), and the shard goes on to its next chunk.
"""

import multiprocessing
import os
import random
import tempfile
import traceback
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

from .differential import check_case
from .programs import EINSUMS, FULL, JOINS, SMALL, STRAIGHT, cases

LONG = int(os.environ.get("ASTGRAD_FUZZ_EXAMPLES", "0"))
SEED = int(os.environ.get("ASTGRAD_FUZZ_SEED") or random.SystemRandom().getrandbits(32))
# a failure is shrunk when a seed is replayed (or in a long run), not in a run of a new seed:
# shrinking compiles every candidate, for minutes, which CI's time limit would cut short of
# reporting the program as drawn (its seed replays it, shrunk)
SHRINK = bool(os.environ.get("ASTGRAD_FUZZ_SEED") or LONG)
COMPILED = 75  # programs per compiled shard in CI
PYTHON = 150  # programs per plain-NumPy shard in CI
FLOAT32 = 40  # programs of the float32 shard in CI
CHUNK = 250  # programs per process in the long run

# shard -> (program size, programs, compiled?, float32?)
# (pytest-xdist hands out the first tests in order, a few to each worker: the compiled shards
# are first and last, so that two workers start on different ones)
PLAN = {shard: (STRAIGHT if shard == 2 else FULL, -(-LONG // 5), True, shard == 4)
        for shard in range(5)} if LONG else {
    0: (SMALL, COMPILED, True, False), 1: (FULL, PYTHON, False, False),
    2: (STRAIGHT, PYTHON, False, False), 3: (SMALL, FLOAT32, True, True),
    4: (SMALL, COMPILED, True, False)}


@pytest.fixture(scope="session")
def folder(tmp_path_factory):
    """Where the programs are written as modules (astgrad reads their source)."""
    return tmp_path_factory.mktemp("programs")


def programs_test(size, examples: int, jit: bool, float32: bool, folder, draws: int):
    """The hypothesis test of `examples` random programs of `size`, drawn from the seed
    `draws`, without the example database (a failure is replayed by its seed). It shrinks
    the first failure it finds, not every distinct one: CI found 23 at once, and shrinking
    them all took more than five minutes (the fix of one often fixes the others)."""
    @seed(draws)
    @settings(max_examples=examples, deadline=None, derandomize=False, database=None,
              report_multiple_bugs=False,
              phases=list(Phase) if SHRINK else [p for p in Phase if p != Phase.shrink],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                     HealthCheck.data_too_large])
    @given(cases(size, float32))
    def check(case):
        check_case(case, folder, jit, float32)

    return check


def _report(*arguments) -> str | None:
    """Run a programs test; None if it passes, else its report (with the failing program)."""
    try:
        programs_test(*arguments)()
    except Exception as error:
        return "".join(traceback.format_exception(error))
    return None


@pytest.mark.parametrize("shard", range(len(PLAN)))
def test_random_programs_have_one_gradient(shard, folder):
    size, examples, jit, float32 = PLAN[shard]
    replay = f"fuzz seed {SEED}: replay with ASTGRAD_FUZZ_SEED={SEED}"
    print(replay)
    if not LONG:
        try:
            programs_test(size, examples, jit, float32, folder, draws=SEED + shard)()
        except Exception as error:
            raise AssertionError(replay) from error
        return
    processes = multiprocessing.get_context("fork")
    failures = []
    for start in range(0, examples, CHUNK):
        draws = random.SystemRandom().getrandbits(64)  # a forked process repeats our random
        with processes.Pool(1) as pool:  # its compiled code goes when the process ends
            report = pool.apply(_report, (size, min(CHUNK, examples - start), jit, float32,
                                          folder, draws))
        if report is not None:  # kept at once: pytest shows a shard's report when it ends
            path = Path(tempfile.gettempdir()) / f"astgrad-fuzz-{draws}.txt"
            path.write_text(report)
            failures.append(f"fuzz seed {draws} (report in {path}):\n{report}")
    assert not failures, "\n\n".join(failures)


def test_the_tables_of_drawn_calls_give_the_shapes_they_claim():
    """A table entry whose call gives another shape than its key makes programs whose runs fail
    on the fuzzer's own expectations (np.concatenate without axis=None did)."""
    for shape, entries in JOINS.items():
        for function, axis, shapes in entries:
            keywords = {} if axis is None else {"axis": None if axis == "flat" else axis}
            result = getattr(np, function)([np.ones(s) for s in shapes], **keywords)
            assert result.shape == shape, (function, axis, shapes)
    for shape, entries in EINSUMS.items():
        for subscripts, shapes in entries:
            operands = [np.ones((3, 3, 2) if s == "square" else s) for s in shapes]
            assert np.einsum(subscripts, *operands).shape == shape, subscripts
