"""Where an eval's cold first call goes: astgrad's transform, then numba's passes over the
generated functions, astgrad's runtime helpers and numba's own NumPy implementations.

Run in a new process with an empty cache (run.py does), it prints one JSON object: seconds
for `transform` (astgrad.grad: parse to loaded module), `call` (the first call: all of
numba's work), and numba's passes by what they compile, each pass's time without the passes
of the functions it compiles on the way (typing a call compiles the callee):

    python benchmarks/gradbench/compile_time.py gmm

numba reports its passes as events ("numba:run_pass"); LLVM's optimization and machine code
generation run inside the pass `native_lowering` and when the library is finalized (the
"numba:llvm_lock" events outside passes).
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from numba.core import event  # noqa: E402

import astgrad  # noqa: E402

PASSES = {"nopython_type_inference": "typing", "native_lowering": "lowering and LLVM"}


def kind_of(module: str) -> str:
    if module.startswith("astgrad_generated_"):  # the gradient's module, or its version
        return "generated functions"  # specialized for the arguments' pattern
    if module.startswith("astgrad."):
        return "astgrad's helpers"
    return "numba's NumPy"


def breakdown(name: str) -> dict[str, float]:
    module = importlib.import_module(name)
    arguments = module.arguments()
    start = time.perf_counter()
    gradient = astgrad.grad(module.PRIMAL, wrt=module.WRT)
    built = time.perf_counter()
    with event.install_recorder("numba:run_pass") as passes, \
            event.install_recorder("numba:llvm_lock") as llvm:
        gradient(*arguments)
    done = time.perf_counter()
    seconds: dict[str, float] = defaultdict(float)
    stack: list[list] = []  # [start, time of the passes inside, pass, module]
    for stamp, happened in passes.buffer:
        if happened.is_start:
            stack.append([stamp, 0.0, happened.data["name"].split(" [")[0],
                          happened.data["module"]])
            continue
        began, inner, pass_name, of = stack.pop()
        if stack:
            stack[-1][1] += stamp - began
        what = PASSES.get(pass_name, "other passes")
        seconds[f"{what}: {kind_of(of)}"] += stamp - began - inner
    in_passes = [(s, e) for s, e in _spans(passes.buffer)]
    seconds["LLVM outside passes"] = sum(
        end - begin for begin, end in _spans(llvm.buffer)
        if not any(s <= begin and end <= e for s, e in in_passes))
    return {"transform": built - start, "call": done - built,
            **{key: seconds[key] for key in sorted(seconds)}}


def _spans(buffer) -> list[tuple[float, float]]:
    """The outermost (start, end) spans of nested events."""
    spans, depth, began = [], 0, 0.0
    for stamp, happened in buffer:
        if happened.is_start:
            began = stamp if depth == 0 else began
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                spans.append((began, stamp))
    return spans


if __name__ == "__main__":
    print(json.dumps(breakdown(sys.argv[1])))
