"""GradBench's public evals, written in plain NumPy from their specifications (one module
each here), timed in one run: astgrad's gradient, JAX jit, PyTorch eager and HIPS autograd
against the function itself compiled by numba, and astgrad's first call in new processes with
a cold and a warm cache. Every contender's gradient is checked against JAX's first.

Each eval module has TITLE, PRIMAL (the function astgrad differentiates and numba compiles,
with its helpers), WRT (the differentiated arguments), arguments() (the timed ones),
optionally checked_arguments() (where the timed gradient is degenerate), reference(xp) (the
function for autograd.numpy, jax.numpy or torch, as a user of those writes it) and optionally
jax_reference(jax) (with JAX's loops) and JAX_MODE = "forward" (where JAX refuses reverse
mode: a while loop).

    python benchmarks/gradbench/run.py            # every eval (benchmarks/run.py runs it too)
    python benchmarks/gradbench/run.py ode lstm   # some
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import tempfile
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import harness  # noqa: E402  (sets one thread before NumPy loads)
import numba  # noqa: E402
import numpy as np  # noqa: E402
import startup  # noqa: E402
from harness import Contender, measure, optional  # noqa: E402

import astgrad  # noqa: E402
from astgrad import tape  # noqa: E402

EVALS = ["ode", "lstm", "kmeans", "gmm", "lse", "llsq", "det", "particle"]
CONTENDERS = ["astgrad", "JAX jit", "PyTorch eager", "HIPS autograd"]


def numba_primal(module):
    """The eval's function compiled by numba, its helpers (the module's other functions)
    compiled too, as numba requires of what a compiled function calls."""
    namespace = dict(vars(module))
    for name, value in vars(module).items():
        if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
            namespace[name] = numba.njit(types.FunctionType(value.__code__, namespace, name,
                                                            value.__defaults__))
    return namespace[module.PRIMAL.__name__]


def with_wrt(arguments, module, wrt_values):
    full = list(arguments)
    for position, value in zip(module.WRT, wrt_values):
        full[position] = value
    return full


def gradients(module, arguments):
    """Callables computing the gradient wrt module.WRT as a tuple of NumPy arrays or numbers,
    one per installed contender (name -> callable)."""
    wrt = module.WRT
    astgrad_gradient = astgrad.grad(module.PRIMAL, wrt=wrt)
    found = {"astgrad": lambda: _tuple(astgrad_gradient(*arguments))}
    jax, torch, autograd = optional("jax"), optional("torch"), optional("autograd")
    if jax is not None:
        jax.config.update("jax_enable_x64", True)
        jax_function = (module.jax_reference(jax) if hasattr(module, "jax_reference")
                        else module.reference(jax.numpy))
        static = tuple(i for i, a in enumerate(arguments) if isinstance(a, int))
        derivative = jax.jacfwd if getattr(module, "JAX_MODE", "") == "forward" else jax.grad
        compiled = jax.jit(derivative(jax_function, argnums=wrt), static_argnums=static)
        given = [a if i in static else jax.numpy.asarray(a) for i, a in enumerate(arguments)]
        found["JAX jit"] = lambda: tuple(np.asarray(g) for g in compiled(*given))
    if torch is not None:
        torch_function = module.reference(torch)

        def torch_gradient():
            given = [_tensor(torch, a, i in wrt) for i, a in enumerate(arguments)]
            inputs = [given[i] for i in wrt]
            return tuple(g.numpy() for g in torch.autograd.grad(torch_function(*given), inputs))

        found["PyTorch eager"] = torch_gradient
    if autograd is not None:
        autograd_function = module.reference(autograd.numpy)
        hips = autograd.grad(lambda w: autograd_function(*with_wrt(arguments, module, w)))
        found["HIPS autograd"] = lambda: tuple(hips(tuple(arguments[i] for i in wrt)))
    return found


def _tensor(torch, value, differentiated: bool):
    """A PyTorch tensor of an argument (float64 for a float), or the argument as it is."""
    if isinstance(value, np.ndarray) and value.dtype.kind != "f":
        return torch.tensor(value)
    if isinstance(value, np.ndarray) or differentiated:
        return torch.tensor(value, dtype=torch.float64, requires_grad=differentiated)
    return value


def _tuple(gradient):
    return gradient if isinstance(gradient, tuple) else (gradient,)


def check(module) -> dict[str, str]:
    """Each contender's gradient against JAX's (else the tape engine's), on the checked
    arguments: 'ok' or what differs."""
    arguments = (module.checked_arguments() if hasattr(module, "checked_arguments")
                 else module.arguments())
    found = gradients(module, arguments)
    if "JAX jit" in found:
        expected = found["JAX jit"]()
    else:
        expected = _tuple(tape.grad(module.PRIMAL, wrt=module.WRT)(*arguments))
    verdicts = {}
    for name, gradient in found.items():
        got = gradient()
        errors = [np.max(np.abs(np.asarray(g, float) - e)) / max(np.max(np.abs(e)), 1e-300)
                  for g, e in zip(got, expected)]
        worst = max(errors)
        verdicts[name] = "ok" if worst < 1e-8 else f"differs by {worst:.1e} (relative)"
    return verdicts


def timed(module):
    """The eval's table: each contender's median time per call, and ratios to the primal."""
    arguments = module.arguments()
    primal = numba_primal(module)
    try:
        primal(*arguments)
    except numba.core.errors.TypingError:  # (np.min with an axis, say): NumPy's time instead
        primal = module.PRIMAL
    note = "NumPy: numba cannot compile it" if primal is module.PRIMAL else ""
    contenders = [Contender("numba primal", lambda: primal(*arguments), note)]
    contenders += [Contender(name, call) for name, call in gradients(module, arguments).items()]
    return measure(module.TITLE, "numba primal", contenders, rounds=9, round_time=0.05)


FIRST_CALL = """
import sys, time
sys.path.insert(0, {here!r})
import astgrad
from {name} import PRIMAL, WRT, arguments
given = arguments()
start = time.perf_counter()
astgrad.grad(PRIMAL, wrt=WRT)(*given)
print(time.perf_counter() - start)
"""


# numba's floor: the function itself compiled (its helpers too) in a new process; nan where
# numba cannot compile it
PRIMAL_FIRST_CALL = """
import sys, time
sys.path.insert(0, {here!r})
import numba
from run import numba_primal
from {name} import arguments
import {name} as module
given = arguments()
primal = numba_primal(module)
start = time.perf_counter()
try:
    primal(*given)
except numba.core.errors.TypingError:
    start = float("nan")
print(time.perf_counter() - start)
"""


def first_call(name: str) -> tuple[dict[str, float], float, float]:
    """astgrad's first call in a new process with a cold cache, where its time goes
    (compile_time.py), then the first call in another with the cache warm; and numba's first
    call of the function itself."""
    with tempfile.TemporaryDirectory() as cache:
        cold = json.loads(subprocess.run(
            [sys.executable, str(HERE / "compile_time.py"), name], check=True, text=True,
            stdout=subprocess.PIPE, env=startup.environment(cache)).stdout)
        (warm,) = startup.run_script(FIRST_CALL.format(here=str(HERE), name=name), cache)
        (primal,) = startup.run_script(PRIMAL_FIRST_CALL.format(here=str(HERE), name=name),
                                       cache)
    return cold, warm, primal


def row(name: str) -> tuple[str, str]:
    """The eval's row in the table of times, and in the table of the cold first call."""
    module = importlib.import_module(name)
    verdicts = check(module)
    table = timed(module)
    breakdown, warm, primal_compiled = first_call(name)
    cold = breakdown["transform"] + breakdown["call"]
    cells = []
    for contender in CONTENDERS:
        if contender not in verdicts:
            cells.append("n/a")
            continue
        ratio = f"{table.ratio(contender):.2g}x"
        cells.append(ratio if verdicts[contender] == "ok" else f"{ratio} ({verdicts[contender]})")
    primal = next(r for r in table.results if r.name == "numba primal")
    note = f" ({primal.note})" if primal.note else ""
    times = (f"| {module.TITLE} | {harness.human(primal.seconds)}{note} | " + " | ".join(cells)
             + f" | {cold:.1f} s | {warm:.2f} s |")
    parts = [breakdown["transform"]] + [sum(seconds for key, seconds in breakdown.items()
                                            if key.startswith(part)) for part in PARTS[1:]]
    parts.append(cold - sum(parts))
    floor = "n/a" if primal_compiled != primal_compiled else f"{primal_compiled:.1f} s"
    return times, (f"| {name} | {cold:.1f} s | {floor} | " + " | ".join(f"{p:.2f}" for p in parts)
                   + " |")


# where a cold first call goes: compile_time.py's keys, by their start
PARTS = ["transform", "typing", "lowering and LLVM: generated",
         "lowering and LLVM: astgrad's", "lowering and LLVM: numba's", "other passes",
         "LLVM outside"]


def markdown(names) -> str:
    lines = ["**GradBench's evals** (benchmarks/gradbench: each written in plain NumPy from its "
             "specification; time of the gradient as a ratio to the numba-compiled function; "
             "each gradient checked against JAX's; first call of astgrad's gradient in a new "
             "process; targets: at most JAX's time, at most 3x the primal for ode, lstm and "
             "kmeans, a cold first call at most 2 s)", "",
             "| eval | numba primal | " + " | ".join(CONTENDERS)
             + " | first call, cold | first call, warm |",
             "|---|---:|" + "---:|" * len(CONTENDERS) + "---:|---:|"]
    compiling = ["**Where the cold first call goes** (seconds; numba's passes by what they "
                 "compile, each without the functions it compiles on the way: "
                 "benchmarks/gradbench/compile_time.py; beside it numba's floor, its first call "
                 "of the function itself in a new process, n/a where numba cannot compile it)",
                 "", "| eval | cold first call | numba compiling the function | astgrad's "
                 "transform | numba typing | lowering and LLVM: the generated functions | "
                 "astgrad's helpers | numba's NumPy | other passes | LLVM, finishing | the rest |",
                 "|---|" + "---:|" * 10]
    for name in names:
        times, parts = row(name)
        lines.append(times)
        compiling.append(parts)
        print(times, parts, sep="\n", file=sys.stderr, flush=True)
    return "\n".join(lines + [""] + compiling)


def main():
    text = markdown(sys.argv[1:] or EVALS)
    print(text)
    return text


if __name__ == "__main__":
    main()
