"""astgrad.nn's compiled training against the tape engine and PyTorch: from the same initial
weights and batch order, the parameters after training agree to 1e-10 relative (float64), on
a 10 -> 50 -> 1 ReLU network with MSE and SGD (momentum) and a 64 -> 128 -> 10 one with
cross-entropy and Adam."""

import numpy as np
import pytest

from ..runs import (
    RUNS,
    batch_order,
    compiled_model,
    dataset,
    layer_names,
    pytorch_model,
    tape_model,
    train,
    trainer_for,
)


def fitted(run, start=None, jit=True):
    """The trained astgrad.nn model, its history, and the start weights it was given."""
    X, Y = dataset(run)
    model = compiled_model(run.sizes)
    if start is not None:
        model.load_parameters(start)
    start = [p.copy() for p in model.parameters()]
    history = trainer_for(run, model, jit).fit(X, Y, epochs=run.epochs,
                                               batch_indices=batch_order(run, len(X)),
                                               progress=False)
    return model, history, start


def assert_same_parameters(ours, theirs):
    for name, a, b in zip(range(len(ours)), ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14, err_msg=f"parameter {name}")


@pytest.mark.parametrize("run", RUNS, ids=lambda r: r.name)
def test_the_parameters_after_training_equal_the_tape_engines(run):
    from astgrad import tape

    model, history, start = fitted(run)
    X, Y = dataset(run)
    reference = tape_model(run.sizes, dict(zip(layer_names(run.sizes), start)))
    losses = train(tape, reference, run, X, Y, batch_order(run, len(X)))
    assert_same_parameters(model.parameters(),
                           [p.detach().numpy() for p in reference.parameters()])
    steps_per_epoch = len(losses) // run.epochs
    np.testing.assert_allclose(history["loss"], losses.reshape(run.epochs, steps_per_epoch)
                               .mean(axis=1), rtol=1e-10)
    assert history["loss"][-1] < 0.8 * history["loss"][0]


@pytest.mark.parametrize("run", RUNS, ids=lambda r: r.name)
def test_the_parameters_after_training_equal_pytorchs(run):
    torch = pytest.importorskip("torch")
    theirs = pytorch_model(run.sizes)
    model, _, _ = fitted(run, start=[p.detach().numpy() for p in theirs.parameters()])
    X, Y = dataset(run)
    train(torch, theirs, run, X, Y, batch_order(run, len(X)))
    assert_same_parameters(model.parameters(), [p.detach().numpy() for p in theirs.parameters()])


def test_plain_python_training_gives_what_compiled_training_gives():
    from astgrad import tape

    run = RUNS[0]
    compiled, _, start = fitted(run)
    python, _, _ = fitted(run, start=start, jit=False)
    assert_same_parameters(python.parameters(), compiled.parameters())
    X, Y = dataset(run)  # and both what the tape engine gives
    reference = tape_model(run.sizes, dict(zip(layer_names(run.sizes), start)))
    train(tape, reference, run, X, Y, batch_order(run, len(X)))
    assert_same_parameters(python.parameters(),
                           [p.detach().numpy() for p in reference.parameters()])
