"""astgrad.nn: training on compiled gradients, a whole epoch inside one numba function.

    from astgrad.nn import Sequential, Linear, ReLU, Trainer, Adam

    model = Sequential(Linear(64, 128), ReLU(), Linear(128, 10), seed=0)
    trainer = Trainer(model, loss="cross_entropy", optimizer=Adam(1e-3))
    history = trainer.fit(X, labels, epochs=10, batch_size=32)

The model's loss is written as plain Python (`trainer.source`), its gradient comes from
`astgrad.value_and_grad` (compiled, specialized for the batches' shapes by
`astgrad.specialized`), and the epoch loop (`trainer.epoch_source`) is generated and
compiled with it. `Trainer.from_function(loss, parameters, ...)` trains any model whose loss
is a NumPy function of its parameters and the data.
"""

from .layers import Linear, ReLU, Sequential, Sigmoid, Tanh
from .losses import LOSSES
from .optimizers import SGD, Adam, AdamW
from .trainer import Trainer

__all__ = ["LOSSES", "SGD", "Adam", "AdamW", "Linear", "ReLU", "Sequential", "Sigmoid", "Tanh",
           "Trainer"]
