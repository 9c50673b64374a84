"""astgrad.nn against the tape engine for every layer kind, loss and optimizer, in float64 and
float32: 20 steps from the same weights and batches, then the parameters compared.

Every hidden activation meets every loss in both dtypes; the optimizers (and their options:
momentum, Nesterov, weight decay, AMSGrad) take turns over those runs, so that each one runs in
both dtypes too. A float32 network's wrong first-layer gradients (astgrad.nn's float32
Sigmoid once got them) change its parameters by far more than float32's rounding.

Tolerances: float64 runs agree with the tape to 1e-10 relative, as two exact methods do.
float32 runs are compared with the tape in float64 from the same (float32) starting weights:
after 20 steps each parameter is within 1e-5 of the largest element of the same parameter in
the tape's run (float32 rounds at 6e-8 relative; 20 steps of updates and the sums in each
gradient grew that to at most 3e-7 in these runs, measured). The float32 Sigmoid's wrong
gradients were off by more than 1e-2.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from astgrad import nn, tape

STEPS, BATCH, SAMPLES, FEATURES, HIDDEN = 20, 8, 40, 3, 6
ACTIVATIONS = {"relu": (nn.ReLU, tape.nn.ReLU), "sigmoid": (nn.Sigmoid, tape.nn.Sigmoid),
               "tanh": (nn.Tanh, tape.nn.Tanh)}
LOSSES = {"mse": "MSELoss", "bce": "BCELoss", "bce_with_logits": "BCEWithLogitsLoss",
          "cross_entropy": "CrossEntropyLoss"}
OPTIMIZERS = [  # (astgrad.nn's, the tape's, options)
    ("SGD", dict(lr=0.2)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.02, weight_decay=0.01)),
    ("AdamW", dict(lr=0.02, weight_decay=0.05, amsgrad=True)),
    ("SGD", dict(lr=0.1, momentum=0.5, dampening=0.1)),
]
RUNS = [(activation, loss, dtype, OPTIMIZERS[k % len(OPTIMIZERS)], k % 2 == 0)
        for k, (activation, loss, dtype) in enumerate(itertools.product(
            ACTIVATIONS, LOSSES, ("float64", "float32")))]


def _data(loss: str, outputs: int):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(SAMPLES, FEATURES))
    scores = np.tanh(X @ rng.normal(size=(FEATURES, outputs)))
    if loss == "cross_entropy":
        return X, np.argmax(scores, axis=1)
    if loss.startswith("bce"):
        return X, (scores > 0).astype(float)
    return X, scores


def _layers(activation: str, loss: str, bias: bool, outputs: int):
    """The same network in astgrad.nn and in the tape; `bce` ends with a Sigmoid."""
    ours, theirs = ACTIVATIONS[activation]
    mine = [nn.Linear(FEATURES, HIDDEN, bias=bias), ours(), nn.Linear(HIDDEN, outputs)]
    tapes = [tape.nn.Linear(FEATURES, HIDDEN, bias=bias, dtype=tape.float64), theirs(),
             tape.nn.Linear(HIDDEN, outputs, dtype=tape.float64)]
    if loss == "bce":
        mine.append(nn.Sigmoid())
        tapes.append(tape.nn.Sigmoid())
    return mine, tapes


@pytest.mark.parametrize("activation, loss, dtype, optimizer, bias", RUNS,
                         ids=[f"{a}-{loss}-{d}-{o[0]}{k % len(OPTIMIZERS)}"
                              for k, (a, loss, d, o, _) in enumerate(RUNS)])
def test_twenty_steps_equal_the_tape_engines(activation, loss, dtype, optimizer, bias):
    outputs = 3 if loss == "cross_entropy" else 1
    X, Y = _data(loss, outputs)
    mine, tapes = _layers(activation, loss, bias, outputs)
    model = nn.Sequential(*mine, seed=1, dtype=dtype)
    reference = tape.nn.Sequential(*tapes)
    start = model.parameters()
    with tape.no_grad():  # the same order: each Linear's weight, then its bias
        for parameter, value in zip(reference.parameters(), start, strict=True):
            parameter.copy_(tape.tensor(value.astype(np.float64)))
    start = [p.copy() for p in start]
    order = np.random.default_rng(5).integers(0, SAMPLES, size=(STEPS, BATCH))
    name, options = optimizer
    nn.Trainer(model, loss=loss, optimizer=getattr(nn, name)(**options)).fit(
        X, Y, batch_indices=order, progress=False)

    criterion = getattr(tape.nn, LOSSES[loss])()
    stepper = getattr(tape.optim, name)(reference.parameters(), **options)
    targets = Y if loss == "cross_entropy" else Y.reshape(SAMPLES, outputs)
    for rows in order:
        value = criterion(reference(tape.tensor(X[rows])), tape.tensor(targets[rows]))
        stepper.zero_grad()
        value.backward()
        stepper.step()

    theirs = [p.detach().numpy() for p in reference.parameters()]
    for k, (a, b) in enumerate(zip(model.parameters(), theirs)):
        assert a.dtype == np.dtype(dtype)
        if dtype == "float64":
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13, err_msg=f"parameter {k}")
        else:
            scale = max(np.max(np.abs(b)), 1e-3)
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-5 * scale,
                                       err_msg=f"parameter {k}")
    moved = max(np.max(np.abs(b - s)) for b, s in zip(theirs, start))
    assert moved > 1e-2  # the run trained: a wrong gradient would show

