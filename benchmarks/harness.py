"""Timing harness: contenders timed in interleaved rounds, medians, ratios, a markdown table.

Interleaving (every round runs every contender once, in rotating order) keeps a slow phase
of the machine from favouring one contender. Everything runs on one thread.
"""

from __future__ import annotations

import os

_ONE_THREAD = {
    "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false",
}
for _variable, _value in _ONE_THREAD.items():
    os.environ.setdefault(_variable, _value)

import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402


@dataclass
class Contender:
    name: str
    call: Callable[[], object]
    note: str = ""


@dataclass
class Result:
    name: str
    seconds: float  # median per call
    note: str = ""
    spread: float = 0.0  # (max - min) / median over the rounds


@dataclass
class Table:
    title: str
    baseline: str
    results: list[Result] = field(default_factory=list)
    target: str = ""

    def ratio(self, name: str) -> float:
        base = next(r for r in self.results if r.name == self.baseline).seconds
        return next(r for r in self.results if r.name == name).seconds / base

    def markdown(self) -> str:
        lines = [f"**{self.title}**" + (f" (target: {self.target})" if self.target else ""), "",
                 f"| | time per call | ratio to {self.baseline} |", "|---|---:|---:|"]
        for result in self.results:
            note = f" ({result.note})" if result.note else ""
            lines.append(f"| {result.name}{note} | {human(result.seconds)} | "
                         f"{self.ratio(result.name):.2f}x |")
        return "\n".join(lines)


def human(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def measure(title: str, baseline: str, contenders: list[Contender], target: str = "",
            rounds: int = 15, round_time: float = 0.02) -> Table:
    """Median time per call of each contender, in interleaved rounds."""
    for contender in contenders:
        contender.call()  # compile, warm caches
    calls = {}
    for contender in contenders:  # calls per round, so that a round takes about round_time
        n, elapsed = 1, 0.0
        while elapsed < round_time / 4:
            start = time.perf_counter()
            for _ in range(n):
                contender.call()
            elapsed = time.perf_counter() - start
            n *= 2
        calls[contender.name] = max(1, int(n / 2 * round_time / max(elapsed, 1e-9)))
    samples: dict[str, list[float]] = {c.name: [] for c in contenders}
    for round_ in range(rounds):
        order = contenders[round_ % len(contenders):] + contenders[:round_ % len(contenders)]
        for contender in order:
            n, call = calls[contender.name], contender.call
            start = time.perf_counter()
            for _ in range(n):
                call()
            samples[contender.name].append((time.perf_counter() - start) / n)
    table = Table(title, baseline, target=target)
    for contender in contenders:
        values = samples[contender.name]
        median = statistics.median(values)
        table.results.append(Result(contender.name, median, contender.note,
                                    (max(values) - min(values)) / median))
    return table


def optional(module: str):
    """The module if installed, else None."""
    try:
        return __import__(module)
    except ImportError:
        return None
