"""Training runs in the tape engine and in PyTorch, from the same initial weights and batch
order, give the same loss at every step (1e-10 relative, float64): a 10 -> 50 -> 1 ReLU
network with MSE and SGD, and a 64 -> 128 -> 10 one with cross-entropy and Adam."""

import numpy as np
import pytest

from astgrad import tape

from ..runs import RUNS, batch_order, dataset, pytorch_model, tape_model, train

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("run", RUNS, ids=lambda r: r.name)
def test_the_same_loss_at_every_step_as_pytorch(run):
    X, Y = dataset(run)
    batches = batch_order(run, len(X))
    theirs = pytorch_model(run.sizes)
    ours = tape_model(run.sizes, theirs.state_dict())
    our_losses = train(tape, ours, run, X, Y, batches)
    their_losses = train(torch, theirs, run, X, Y, batches)
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-10)
    assert our_losses[-1] < 0.8 * our_losses[0]  # it learned something: the test can fail
    for (name, ours_p), theirs_p in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(ours_p.detach().numpy(), theirs_p.detach().numpy(),
                                   rtol=1e-10, atol=1e-13, err_msg=name)
