"""Compile times: a gradient's first call in a new process, with a cold and with a warm cache.

Each measurement is a fresh Python process with its own ASTGRAD_CACHE_DIR: the first process
finds the cache empty (it transforms and compiles), the second finds what the first left
(it transforms, finds the compiled code, and loads it). The floor is numba's own: a function
of the same file compiled by `numba.njit(cache=True)`, loaded from numba's cache in a new
process, pays numba's per-process start-up (loading its typing and lowering registries) too.

    python benchmarks/startup.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import harness  # noqa: F401  (sets one thread before NumPy loads)

HERE = Path(__file__).resolve().parent

# Each workload: (what it is, the module and function, the call's arguments as source)
LAYER_ARGUMENTS = "np.ones((256, 256)) / 256, np.zeros(256), np.ones(256)"
WORKLOADS = [
    ("x*y + 2 from floats", "core", "product", "wrt=(0, 1)", "2.0, 3.0"),
    ("sum(tanh(W @ x + b)**2), 256x256", "core", "layer", "wrt=(0, 1)", LAYER_ARGUMENTS),
    ("the same, np.einsum('ij,j->i', W, x) for W @ x", "core", "layer_einsum", "wrt=(0, 1)",
     LAYER_ARGUMENTS),
    ("10,000-step recurrence", "loops", "recurrence", "wrt=(0, 1)", "2.5, 0.3, 10_000"),
]
NUMBA_CANNOT = {"layer_einsum"}  # numba has no np.einsum: no floor to compare with

FIRST_CALL = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {here!r})
    start = time.perf_counter()
    import numpy as np
    import astgrad
    imported = time.perf_counter()
    from {module} import {function} as f
    gradient = astgrad.grad(f, {wrt})
    gradient({arguments})
    print(imported - start, time.perf_counter() - imported)
""")

NUMBA_FLOOR = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {here!r})
    import numba
    import numpy as np
    from {module} import {function} as f
    start = time.perf_counter()
    numba.njit(cache=True)(f)({arguments})
    print(time.perf_counter() - start)
""")


def environment(cache: str) -> dict[str, str]:
    """The environment of a process whose astgrad and numba caches are in `cache`."""
    return {**os.environ, "ASTGRAD_CACHE_DIR": cache, "NUMBA_CACHE_DIR": cache}


def run_script(script: str, cache: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", script], env=environment(cache),
                         capture_output=True, text=True, check=True).stdout.split()
    return [float(value) for value in out]


def first_calls() -> list[dict[str, object]]:
    """For each workload: import time, and the first call's time with a cold and warm cache."""
    rows = []
    for title, module, function, wrt, arguments in WORKLOADS:
        fill = dict(here=str(HERE), module=module, function=function, wrt=wrt,
                    arguments=arguments)
        with tempfile.TemporaryDirectory() as cache:
            imported, cold = run_script(FIRST_CALL.format(**fill), cache)
            imported_warm, warm = run_script(FIRST_CALL.format(**fill), cache)
            floor = None
            if function not in NUMBA_CANNOT:
                run_script(NUMBA_FLOOR.format(**fill), cache)  # fills numba's cache
                (floor,) = run_script(NUMBA_FLOOR.format(**fill), cache)
        rows.append({"workload": title, "import": min(imported, imported_warm),
                     "cold": cold, "warm": warm, "numba floor": floor})
    return rows


def markdown(rows) -> str:
    lines = ["**First call of a gradient in a new process** (after `import astgrad`; targets: "
             "warm cache at most 0.2 s beyond the import)", "",
             "| workload | cold cache | warm cache | numba's own cached function | "
             "import astgrad |", "|---|---:|---:|---:|---:|"]
    for row in rows:
        floor = "-" if row["numba floor"] is None else f"{row['numba floor']:.2f} s"
        lines.append(f"| {row['workload']} | {row['cold']:.2f} s | {row['warm']:.2f} s | "
                     f"{floor} | {row['import']:.2f} s |")
    return "\n".join(lines)


def main():
    text = markdown(first_calls())
    print(text)
    return text


if __name__ == "__main__":
    main()
