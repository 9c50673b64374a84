"""Fit a physics model to data: the stiffness and damping of an oscillator, from noisy
trajectories. Not a stack of layers: the model is a simulation loop, differentiated by astgrad
and trained with the same compiled machinery as a network (`Trainer.from_function`).

    python examples/fit_a_physics_model.py
"""

import numpy as np

from astgrad import nn

DT, STEPS = 0.05, 80


def oscillator_loss(stiffness, damping, X, Y):
    """Mean squared distance between simulated and observed positions. X holds each
    trajectory's starting position and velocity, Y its positions at the following steps."""
    x, v = X[:, 0], X[:, 1]
    predicted = np.zeros(Y.shape)
    for i in range(STEPS):
        v = v + DT * (-stiffness * x - damping * v)
        x = x + DT * v
        predicted[:, i] = x
    return np.mean((predicted - Y) ** 2)


def observations(stiffness, damping, trajectories=64, noise=0.01, seed=0):
    """Starting states, and the positions the true oscillator reaches, with noise."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (trajectories, 2))
    x, v = X[:, 0].copy(), X[:, 1].copy()
    Y = np.zeros((trajectories, STEPS))
    for i in range(STEPS):
        v += DT * (-stiffness * x - damping * v)
        x += DT * v
        Y[:, i] = x
    return X, Y + noise * rng.normal(size=Y.shape)


def main():
    X, Y = observations(stiffness=4.0, damping=0.3)
    start = [np.array(1.0), np.array(0.05)]  # a guess far from the truth
    trainer = nn.Trainer.from_function(oscillator_loss, start, nn.Adam(lr=0.05))
    history = trainer.fit(X, Y, epochs=150, batch_size=16, progress=False)
    stiffness, damping = trainer.parameters
    print(f"loss {history['loss'][0]:.4f} -> {history['loss'][-1]:.6f}")
    print(f"stiffness {float(stiffness):.3f} (true 4.0), damping {float(damping):.3f} "
          "(true 0.3)")


if __name__ == "__main__":
    main()
