"""Issue 5's workloads: a training step of a 10 -> 50 -> 1 ReLU network (batch 64, MSE, SGD)
and of a 64 -> 128 -> 10 one (batch 32, cross-entropy, Adam), float64, one thread; the first
fit's compile time in a new process (cold and warm cache); and fit's peak memory.

    python benchmarks/training.py

Contenders per step: astgrad.nn (`Trainer.fit`, an epoch per call), a training loop written
by hand in numba (np.dot), JAX with the whole run jitted in one `lax.scan`, PyTorch eager.
Every contender runs the same batches (rows gathered by index each step).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import textwrap

import harness  # noqa: F401  (sets one thread before NumPy loads)
import numba
import numpy as np
from harness import Contender, measure, optional

from astgrad import nn

STEPS = 100  # per timed call


def workload(sizes, batch, classes):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(STEPS * batch, sizes[0]))
    if classes:
        Y = rng.integers(0, sizes[-1], len(X))
    else:
        Y = np.tanh(X @ rng.normal(size=(sizes[0], 1)) / np.sqrt(sizes[0]))
    order = np.arange(len(X)).reshape(STEPS, batch)
    return X, Y, order


def initial(sizes):
    model = nn.Sequential(nn.Linear(sizes[0], sizes[1]), nn.ReLU(), nn.Linear(sizes[1], sizes[2]))
    return [p.copy() for p in model.parameters()]


# -- hand-written numba ---------------------------------------------------------------------------


@numba.njit(cache=True)
def sgd_by_hand(W1, b1, W2, b2, X, Y, order, lr):
    for step in range(order.shape[0]):
        rows = order[step]
        x, y = X[rows], Y[rows]
        h = np.dot(x, W1.T) + b1
        a = np.maximum(h, 0.0)
        out = np.dot(a, W2.T) + b2
        g = 2.0 * (out - y) / out.size
        dW2, db2 = np.dot(g.T, a), g.sum(axis=0)
        dh = np.dot(g, W2) * (h > 0)
        dW1, db1 = np.dot(dh.T, x), dh.sum(axis=0)
        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2


@numba.njit(cache=True)
def adam_apply(q, grad, m, v, lr, c1, c2):
    for i in range(q.size):
        m[i] += 0.1 * (grad[i] - m[i])
        v[i] = v[i] * 0.999 + 0.001 * grad[i] * grad[i]
        q[i] -= lr / c1 * m[i] / (np.sqrt(v[i]) / c2 + 1e-8)


@numba.njit(cache=True)
def adam_by_hand(W1, b1, W2, b2, X, onehot, order, lr, state):
    for step in range(order.shape[0]):
        rows = order[step]
        x, y = X[rows], onehot[rows]
        h = np.dot(x, W1.T) + b1
        a = np.maximum(h, 0.0)
        z = np.dot(a, W2.T) + b2
        for i in range(z.shape[0]):  # softmax, row by row
            z[i] = np.exp(z[i] - z[i].max())
            z[i] /= z[i].sum()
        g = (z - y) / x.shape[0]
        dW2, db2 = np.dot(g.T, a), g.sum(axis=0)
        dh = np.dot(g, W2) * (h > 0)
        dW1, db1 = np.dot(dh.T, x), dh.sum(axis=0)
        state[0][0] += 1
        t = state[0][0]
        c1, c2 = 1 - 0.9 ** t, np.sqrt(1 - 0.999 ** t)
        adam_apply(W1.ravel(), dW1.ravel(), state[1], state[2], lr, c1, c2)
        adam_apply(b1, db1, state[3], state[4], lr, c1, c2)
        adam_apply(W2.ravel(), dW2.ravel(), state[5], state[6], lr, c1, c2)
        adam_apply(b2, db2, state[7], state[8], lr, c1, c2)


# -- contenders ---------------------------------------------------------------------------------


def astgrad_contender(sizes, batch, classes, X, Y, order):
    model = nn.Sequential(nn.Linear(sizes[0], sizes[1]), nn.ReLU(), nn.Linear(sizes[1], sizes[2]))
    optimizer = nn.Adam(1e-3) if classes else nn.SGD(0.01)
    trainer = nn.Trainer(model, loss="cross_entropy" if classes else "mse",
                         optimizer=optimizer)
    return Contender("astgrad.nn", lambda: trainer.fit(X, Y, batch_indices=order,
                                                        progress=False))


def hand_contender(sizes, classes, X, Y, order):
    W1, b1, W2, b2 = initial(sizes)
    if not classes:
        return Contender("numba by hand", lambda: sgd_by_hand(W1, b1, W2, b2, X, Y, order,
                                                               0.01))
    onehot = np.eye(sizes[-1])[Y]
    state = [np.zeros(1)] + [np.zeros(p.size) for p in (W1, b1, W2, b2) for _ in range(2)]
    state = numba.typed.List(state)
    return Contender("numba by hand", lambda: adam_by_hand(W1, b1, W2, b2, X, onehot, order,
                                                            1e-3, state))


def jax_contender(sizes, classes, X, Y, order):
    jax = optional("jax")
    if jax is None:
        return None
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    params = [jnp.asarray(p) for p in initial(sizes)]
    targets = jnp.asarray(np.eye(sizes[-1])[Y] if classes else Y)
    data, batches = jnp.asarray(X), jnp.asarray(order)

    def loss(params, x, y):
        W1, b1, W2, b2 = params
        out = jnp.maximum(x @ W1.T + b1, 0.0) @ W2.T + b2
        if classes:
            return -jnp.mean(jnp.sum(y * jax.nn.log_softmax(out, axis=1), axis=1))
        return jnp.mean((out - y) ** 2)

    gradient = jax.grad(loss)

    def step(carry, rows):
        params, m, v, t = carry
        g = gradient(params, data[rows], targets[rows])
        if not classes:
            return ([p - 0.01 * d for p, d in zip(params, g)], m, v, t), None
        t = t + 1
        m = [mi + 0.1 * (d - mi) for mi, d in zip(m, g)]
        v = [vi * 0.999 + 0.001 * d * d for vi, d in zip(v, g)]
        c1, c2 = 1 - 0.9 ** t, jnp.sqrt(1 - 0.999 ** t)
        params = [p - 1e-3 / c1 * mi / (jnp.sqrt(vi) / c2 + 1e-8)
                  for p, mi, vi in zip(params, m, v)]
        return (params, m, v, t), None

    @jax.jit
    def run(params, m, v):
        return jax.lax.scan(step, (params, m, v, 0.0), batches)[0]

    zeros = [jnp.zeros_like(p) for p in params]
    return Contender("JAX (lax.scan, jit)",
                     lambda: jax.block_until_ready(run(params, zeros, zeros)))


def torch_contender(sizes, classes, X, Y, order):
    torch = optional("torch")
    if torch is None:
        return None
    torch.set_num_threads(1)
    model = torch.nn.Sequential(torch.nn.Linear(sizes[0], sizes[1], dtype=torch.float64),
                                torch.nn.ReLU(),
                                torch.nn.Linear(sizes[1], sizes[2], dtype=torch.float64))
    criterion = torch.nn.CrossEntropyLoss() if classes else torch.nn.MSELoss()
    optimizer = (torch.optim.Adam(model.parameters(), lr=1e-3) if classes else
                 torch.optim.SGD(model.parameters(), lr=0.01))
    data, targets = torch.tensor(X), torch.tensor(Y)
    batches = [torch.tensor(rows) for rows in order]

    def run():
        for rows in batches:
            loss = criterion(model(data[rows]), targets[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    return Contender("PyTorch eager", run)


def per_step(table):
    for result in table.results:
        result.seconds /= STEPS
    return table


def speed(sizes, batch, classes, title, target):
    X, Y, order = workload(sizes, batch, classes)
    contenders = [astgrad_contender(sizes, batch, classes, X, Y, order),
                  hand_contender(sizes, classes, X, Y, order),
                  jax_contender(sizes, classes, X, Y, order),
                  torch_contender(sizes, classes, X, Y, order)]
    return per_step(measure(title, "numba by hand", [c for c in contenders if c], target,
                            rounds=9, round_time=0.2))


# -- compile time and memory, each in a new process ---------------------------------------------

FIRST_FIT = textwrap.dedent("""
    import time, resource, numpy as np
    from astgrad import nn
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    trainer = nn.Trainer(model, loss="cross_entropy", optimizer=nn.Adam(1e-3))
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=({samples}, 64)), rng.integers(0, 10, {samples})
    start = time.perf_counter()
    trainer.fit(X, Y, epochs={epochs}, batch_size=32, progress=False)
    print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
""")


def first_fit(cache: str, samples: int = 320, epochs: int = 1) -> tuple[float, float]:
    """Seconds of the first fit in a new process, and its peak memory (MB)."""
    script = FIRST_FIT.format(samples=samples, epochs=epochs)
    env = {**os.environ, "ASTGRAD_CACHE_DIR": cache}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]) / 1024


def compile_and_memory(rounds: int = 3) -> str:
    # compile times on this machine vary by a third from one process to the next: the median
    # of a few new processes, each with its own cold cache, and their range
    colds, warms = [], []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as cache:
            colds.append(first_fit(cache)[0])
            warms.append(first_fit(cache)[0])
    with tempfile.TemporaryDirectory() as cache:
        first_fit(cache)
        memory = {(n, e): first_fit(cache, n, e)[1] for n in (3200, 32000) for e in (2, 20)}
    cold, warm = statistics.median(colds), statistics.median(warms)
    lines = ["**First fit in a new process, 64 -> 128 -> 10, cross-entropy, Adam** "
             f"(targets: cold cache at most 5 s, warm at most 0.5 s; median of {rounds} "
             "processes, range in brackets)", "",
             "| cache | time |", "|---|---:|",
             f"| cold (compiles the gradient and the epoch loop) | {cold:.2f} s "
             f"({min(colds):.2f}-{max(colds):.2f}) |",
             f"| warm (loads both from the cache) | {warm:.2f} s "
             f"({min(warms):.2f}-{max(warms):.2f}) |", "",
             "**Peak memory of a process that fits** (MB; grows with the data, not with "
             "the epochs)", "", "| samples | size of X and Y | 2 epochs | 20 epochs |",
             "|---:|---:|---:|---:|"]
    for n in (3200, 32000):
        data = n * (64 + 1) * 8 / 1e6
        lines.append(f"| {n} | {data:.1f} | {memory[n, 2]:.0f} | {memory[n, 20]:.0f} |")
    return "\n".join(lines)


def sgd_table():
    return speed((10, 50, 1), 64, False, "Training step, 10 -> 50 -> 1, batch 64, MSE, SGD",
                 "at most JAX's lax.scan")


def adam_table():
    return speed((64, 128, 10), 32, True, "Training step, 64 -> 128 -> 10, batch 32, "
                 "cross-entropy, Adam", "at most numba by hand")


def main():
    for table in (sgd_table(), adam_table()):
        print(table.markdown(), end="\n\n")
    print(compile_and_memory())


if __name__ == "__main__":
    main()
