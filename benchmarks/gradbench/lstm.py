"""lstm: GradBench's `lstm` eval (evals/lstm/README.md, after ADBench): a stack of LSTM cells
whose weights are diagonal (each gate multiplies its inputs elementwise), run over a sequence
of characters; the objective is the mean log-likelihood of each next character under a
log-softmax of the prediction (ADBench's normalizer is log(2 + sum exp), kept). main_params
holds each layer's weights and biases (two rows of 4b: forget, input, output, change), extra
params the input scale and the output's scale and shift, state each layer's hidden and cell
rows. The gradient is wrt main_params and extra_params."""

from __future__ import annotations

import numpy as np
from common import rebound

TITLE = "lstm (2 layers, b=14, 1024 characters)"
WRT = (0, 1)


def arguments(layers=2, b=14, characters=1024):
    rng = np.random.default_rng(0)
    return (rng.normal(size=(2 * layers, 4 * b)) / 2, rng.normal(size=(3, b)) / 2,
            rng.normal(size=(2 * layers, b)) / 2, rng.normal(size=(characters, b)))


def small_arguments():
    return arguments(b=3, characters=4)


def checked_arguments():
    return arguments(characters=64)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm_cell(x, hidden, cell, weight, bias):
    b = x.shape[0]
    forget = sigmoid(x * weight[:b] + bias[:b])
    ingate = sigmoid(hidden * weight[b:2 * b] + bias[b:2 * b])
    outgate = sigmoid(x * weight[2 * b:3 * b] + bias[2 * b:3 * b])
    change = np.tanh(hidden * weight[3 * b:] + bias[3 * b:])
    cell = cell * forget + ingate * change
    return outgate * np.tanh(cell), cell


def log_likelihood(x, extra_params, gold):
    prediction = x * extra_params[1] + extra_params[2]
    return np.sum(gold * (prediction - np.log(np.sum(np.exp(prediction)) + 2.0)))


def lstm(main_params, extra_params, state, sequence):
    state = state.copy()
    total = 0.0
    for t in range(sequence.shape[0] - 1):
        x = sequence[t] * extra_params[0]
        for layer in range(state.shape[0] // 2):
            # copies: the rows are written below, and their old values are read backward
            hidden, cell = lstm_cell(x, state[2 * layer].copy(), state[2 * layer + 1].copy(),
                                     main_params[2 * layer], main_params[2 * layer + 1])
            state[2 * layer] = hidden
            state[2 * layer + 1] = cell
            x = hidden
        total = total + log_likelihood(x, extra_params, sequence[t + 1])
    return -total / ((sequence.shape[0] - 1) * sequence.shape[1])


def _with(xp):
    """The cell and the likelihood for another library's NumPy."""
    step = rebound(lstm_cell, np=xp, sigmoid=rebound(sigmoid, np=xp))
    return step, rebound(log_likelihood, np=xp)


def reference(xp):
    """The same objective for autograd.numpy or torch: the state a list of rows."""
    step, likelihood = _with(xp)

    def lstm(main_params, extra_params, state, sequence):
        state = [state[i] for i in range(state.shape[0])]
        total = 0.0
        for t in range(sequence.shape[0] - 1):
            x = sequence[t] * extra_params[0]
            for layer in range(len(state) // 2):
                x, state[2 * layer + 1] = step(x, state[2 * layer], state[2 * layer + 1],
                                               main_params[2 * layer], main_params[2 * layer + 1])
                state[2 * layer] = x
            total = total + likelihood(x, extra_params, sequence[t + 1])
        return -total / ((sequence.shape[0] - 1) * sequence.shape[1])

    return lstm


def jax_reference(jax):
    """For JAX: the characters by lax.scan, the state an array updated with .at[].set."""
    step, likelihood = _with(jax.numpy)

    def lstm(main_params, extra_params, state, sequence):
        def trip(state, pair):
            x, gold = pair
            x = x * extra_params[0]
            for layer in range(state.shape[0] // 2):
                x, cell = step(x, state[2 * layer], state[2 * layer + 1],
                               main_params[2 * layer], main_params[2 * layer + 1])
                state = state.at[2 * layer].set(x).at[2 * layer + 1].set(cell)
            return state, likelihood(x, extra_params, gold)

        _, totals = jax.lax.scan(trip, state, (sequence[:-1], sequence[1:]))
        return -jax.numpy.sum(totals) / ((sequence.shape[0] - 1) * sequence.shape[1])

    return lstm


PRIMAL = lstm
