"""The two training runs that the engines must agree on (issues 4 and 5): their networks,
losses, optimizers, data and batch orders, fixed so that every engine sees the same run."""

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Run:
    name: str
    sizes: tuple  # layer widths, input first; ReLU between the Linear layers
    loss: str  # the PyTorch loss module
    optimizer: str
    options: dict = field(default_factory=dict)
    samples: int = 256
    batch: int = 32
    epochs: int = 3


RUNS = [
    Run("mse-sgd", (10, 50, 1), "MSELoss", "SGD", dict(lr=0.05, momentum=0.9)),
    Run("cross-entropy-adam", (64, 128, 10), "CrossEntropyLoss", "Adam", dict(lr=5e-3),
        samples=320, epochs=2),
]


def dataset(run: Run):
    """Inputs and targets with something to learn: a smooth function, or its class."""
    rng = np.random.default_rng(42)
    X = rng.normal(size=(run.samples, run.sizes[0]))
    projection = rng.normal(size=(run.sizes[0], run.sizes[-1])) / np.sqrt(run.sizes[0])
    scores = np.tanh(X @ projection) + 0.1 * rng.normal(size=(run.samples, run.sizes[-1]))
    if run.loss == "CrossEntropyLoss":
        return X, np.argmax(scores, axis=1)
    return X, scores


def batch_order(run: Run, samples: int) -> np.ndarray:
    """(steps, batch) row indices: a seeded shuffle per epoch, the last partial batch dropped."""
    rng = np.random.default_rng(7)
    steps = samples // run.batch
    return np.concatenate([rng.permutation(samples)[:steps * run.batch].reshape(steps, run.batch)
                           for _ in range(run.epochs)])


def pytorch_model(sizes):
    """The run's network in PyTorch, float64, initialized from PyTorch's seed 0."""
    import torch

    torch.manual_seed(0)
    layers = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        layers += [torch.nn.Linear(fan_in, fan_out, dtype=torch.float64), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1])


def tape_model(sizes, state_dict):
    """The same network in the tape engine, with the given weights."""
    from astgrad import tape

    layers = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        layers += [tape.nn.Linear(fan_in, fan_out, dtype=tape.float64), tape.nn.ReLU()]
    model = tape.nn.Sequential(*layers[:-1])
    model.load_state_dict(state_dict)
    return model


def train(library, model, run, X, Y, batches):
    """Train with PyTorch's idiom in `library` (torch or astgrad.tape); the loss per step."""
    criterion = getattr(library.nn, run.loss)()
    optimizer = getattr(library.optim, run.optimizer)(model.parameters(), **run.options)
    losses = []
    for rows in batches:
        loss = criterion(model(library.tensor(X[rows])), library.tensor(Y[rows]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return np.array(losses)


def layer_names(sizes) -> list[str]:
    """PyTorch's names for a Linear/ReLU stack's parameters: 0.weight, 0.bias, 2.weight, ..."""
    return [f"{2 * i}.{kind}" for i in range(len(sizes) - 1) for kind in ("weight", "bias")]


def compiled_model(sizes, dtype=np.float64):
    """The run's network in astgrad.nn (its own seeded initial weights)."""
    from astgrad import nn

    layers = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1], seed=0, dtype=dtype)


def trainer_for(run: Run, model, jit=True):
    from astgrad import nn

    loss = {"MSELoss": "mse", "CrossEntropyLoss": "cross_entropy"}[run.loss]
    optimizer = getattr(nn, run.optimizer)(**run.options)
    return nn.Trainer(model, loss=loss, optimizer=optimizer, jit=jit)
