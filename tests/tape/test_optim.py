"""The optimizers' updates equal PyTorch's, step for step, to 1e-12 in float64; their
arguments are checked as PyTorch checks them."""

import numpy as np
import pytest

from astgrad import tape
from astgrad.errors import TapeError

torch = pytest.importorskip("torch")

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, weight_decay=0.1, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
]


@pytest.mark.parametrize("name, options", CONFIGS,
                         ids=[f"{n}-{'-'.join(o)}" for n, o in CONFIGS])
def test_steps_equal_pytorchs(name, options):
    rng = np.random.default_rng(0)
    start = [rng.normal(size=(3, 2)), rng.normal(size=4)]
    ours = [tape.tensor(p, requires_grad=True) for p in start]
    theirs = [torch.tensor(p, requires_grad=True) for p in start]
    optimizers = (getattr(tape.optim, name)(ours, **options),
                  getattr(torch.optim, name)(theirs, **options))
    for _ in range(6):
        gradients = [rng.normal(size=p.shape) for p in start]
        for optimizer, params, grad in zip(optimizers, (ours, theirs), (tape, torch)):
            optimizer.zero_grad()
            for p, g in zip(params, gradients):
                p.grad = grad.tensor(g)
            optimizer.step()
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12,
                                       atol=1e-15)


def test_parameter_groups_have_their_own_learning_rates():
    a, b = tape.tensor(1.0, requires_grad=True), tape.tensor(1.0, requires_grad=True)
    optimizer = tape.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    (a + b).backward()
    optimizer.step()
    assert a.item() == pytest.approx(0.9) and b.item() == pytest.approx(0.5)


def test_a_parameter_without_a_gradient_is_left_alone():
    a, b = tape.tensor(1.0, requires_grad=True), tape.tensor(1.0, requires_grad=True)
    optimizer = tape.optim.Adam([a, b], lr=0.1)
    (a * 2).backward()
    optimizer.step()
    assert a.item() < 1.0 and b.item() == 1.0


@pytest.mark.parametrize("make, message", [
    (lambda p: tape.optim.SGD(p, lr=-1.0), "learning rate"),
    (lambda p: tape.optim.SGD(p, lr=0.1, nesterov=True), "Nesterov"),
    (lambda p: tape.optim.Adam(p, betas=(0.9, 1.0)), "betas"),
    (lambda p: tape.optim.SGD([], lr=0.1), "empty"),
    (lambda p: tape.optim.SGD([tape.tensor(1.0)], lr=0.1), "require grad"),
])
def test_bad_arguments_are_errors(make, message):
    with pytest.raises(TapeError, match=message):
        make([tape.tensor(1.0, requires_grad=True)])
