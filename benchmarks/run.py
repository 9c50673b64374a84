"""Every benchmark of astgrad in one run, written as the markdown of the README's performance
section.

Runs, in one process (one thread), the workloads of benchmarks/core.py (a scalar function, a
256x256 layer), loops.py (the 10,000-step recurrence) and training.py (the two MLP trainings)
against numba-compiled forward code, hand-written numba gradients, PyTorch eager, JAX and
HIPS autograd where installed; each table's contenders are timed in interleaved rounds and
reported as medians and ratios. Then the compile times, each in new processes: the first call
of each gradient with a cold and a warm cache (startup.py), and the first fit of a model.

    python benchmarks/run.py                      # prints and writes benchmarks/results.md
"""

from __future__ import annotations

import platform
import sys
import time
from importlib import metadata
from pathlib import Path

import core
import harness  # noqa: F401  (sets one thread before NumPy loads)
import loops
import numba
import numpy as np
import startup
import training

import astgrad

RESULTS = Path(__file__).resolve().parent / "results.md"


def machine() -> str:
    versions = [f"astgrad {astgrad.__version__}", f"Python {platform.python_version()}",
                f"NumPy {np.__version__}", f"numba {numba.__version__}"]
    for name in ("torch", "jax", "autograd"):
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    return (f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()} "
            f"({platform.processor() or platform.system()}), one thread, float64: "
            + ", ".join(versions) + ".")


def sections():
    """The markdown sections, each produced (and printed) as its measurement ends."""
    yield machine()
    yield core.scalar_table().markdown()
    yield core.layer_table().markdown()
    recurrence, saved = loops.table()
    yield recurrence.markdown() + f"\n\nastgrad keeps: {saved}"
    for table in training.speed_tables():
        yield table.markdown()
    yield startup.markdown(startup.first_calls())
    yield training.compile_and_memory()


def main() -> str:
    done = []
    for section in sections():
        print(section, end="\n\n", flush=True)
        done.append(section)
    text = "\n\n".join(done) + "\n"
    RESULTS.write_text(text)
    print(f"written to {RESULTS}", file=sys.stderr)
    return text


if __name__ == "__main__":
    main()
