"""Every benchmark of astgrad in one run, written as the markdown of the README's performance
section.

Runs, on one thread, the workloads of benchmarks/core.py (a scalar function, a 256x256 layer),
loops.py (the 10,000-step recurrence), training.py (the two MLP trainings) and gradbench/
(GradBench's evals) against numba-compiled forward code, hand-written numba gradients, PyTorch
eager, JAX and HIPS autograd where installed; each table's contenders are timed in interleaved
rounds and reported as medians and ratios. Then the compile times, each in new processes: the
first call of each gradient with a cold and a warm cache (startup.py), and the first fit of a
model.

Each section runs in a process of its own, so that what ran before it (the thread pools and
allocators of JAX and PyTorch, other sections' compiled code) does not slow what runs after:
measured in one process, the training steps of the numba-compiled contenders took up to a
quarter longer than in the same tables run alone (`python benchmarks/training.py`).

    python benchmarks/run.py                      # prints and writes benchmarks/results.md
    python benchmarks/run.py sgd                  # one section (the names are in SECTIONS)
"""

from __future__ import annotations

import platform
import subprocess
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
from gradbench import run as gradbench

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


def recurrence() -> str:
    table, saved = loops.table()
    return table.markdown() + f"\n\nastgrad keeps: {saved}"


SECTIONS = {
    "machine": machine,
    "scalar": lambda: core.scalar_table().markdown(),
    "layer": lambda: core.layer_table().markdown(),
    "recurrence": recurrence,
    "sgd": lambda: training.sgd_table().markdown(),
    "adam": lambda: training.adam_table().markdown(),
    "first calls": lambda: startup.markdown(startup.first_calls()),
    "first fit": training.compile_and_memory,
    "gradbench": lambda: gradbench.markdown(gradbench.EVALS),
}


def in_new_process(name: str) -> str:
    return subprocess.run([sys.executable, __file__, name], stdout=subprocess.PIPE, text=True,
                          check=True).stdout.strip()


def main() -> str:
    if len(sys.argv) > 1:
        text = SECTIONS[sys.argv[1]]()
        print(text)
        return text
    done = []
    for name in SECTIONS:
        section = in_new_process(name)
        print(section, end="\n\n", flush=True)
        done.append(section)
    text = "\n\n".join(done) + "\n"
    RESULTS.write_text(text)
    print(f"written to {RESULTS}", file=sys.stderr)
    return text


if __name__ == "__main__":
    main()
