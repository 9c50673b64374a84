"""Seed 000, "Deep Dive into PyTorch: Autograd and Neural Networks", in both astgrad engines.

    python examples/seed_000_simple_nn.py

First z = x * y + 2 (dz/dx = 3, dz/dy = 2). Then the SimpleNN 10 -> 50 -> 1 trained with MSE
and SGD: the seed leaves `inputs`, `targets` and `num_epochs` to the reader; here they are 100
samples of a smooth function and 100 epochs. The tape engine runs the seed's code nearly
verbatim; beside it the same loss, written as a NumPy function, is differentiated by
`astgrad.grad` from the same initial weights, and the two print the same losses. Last, the same
network and run in `astgrad.nn`, where the whole epoch is one compiled function.
"""

import numpy as np

import astgrad
from astgrad import nn as compiled
from astgrad import tape
from astgrad.tape import nn

# -- autograd ---------------------------------------------------------------------------------

x = tape.tensor(2.0, requires_grad=True)
y = tape.tensor(3.0, requires_grad=True)
z = x * y + 2
z.backward()
print(x.grad)  # Output: tensor(3.)
print(y.grad)  # Output: tensor(2.)


def z_of(x, y):
    return x * y + 2


print("astgrad.grad:", astgrad.grad(z_of, wrt=(0, 1))(2.0, 3.0))  # (3.0, 2.0)

# -- the network, on the tape -------------------------------------------------------------------


class SimpleNN(nn.Module):
    def __init__(self):
        super(SimpleNN, self).__init__()  # noqa: UP008 (the seed's spelling)
        self.fc1 = nn.Linear(10, 50)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(50, 1)

    def forward(self, x):
        x = self.fc1(x)
        x = self.relu(x)
        x = self.fc2(x)
        return x


tape.manual_seed(0)
model = SimpleNN()
rng = np.random.default_rng(0)
inputs_array = rng.normal(size=(100, 10)).astype(np.float32)
targets_array = np.sin(inputs_array.sum(axis=1, keepdims=True) / 3).astype(np.float32)
inputs, targets = tape.tensor(inputs_array), tape.tensor(targets_array)
num_epochs = 100

# -- the same network's loss as a NumPy function, for astgrad.grad -------------------------------


def mse_loss(W1, b1, W2, b2, X, Y):
    hidden = np.maximum(X @ W1.T + b1, 0.0)
    outputs = hidden @ W2.T + b2
    return np.mean((outputs - Y) ** 2)


loss_and_gradient = astgrad.value_and_grad(mse_loss, wrt=(0, 1, 2, 3))
weights = [p.detach().numpy() for p in model.parameters()]  # the same start
weights_at_start = [w.copy() for w in weights]

# -- training: the seed's loop, and the same steps with astgrad's gradients ----------------------

criterion = nn.MSELoss()
optimizer = tape.optim.SGD(model.parameters(), lr=0.01)

for epoch in range(num_epochs):
    # Forward pass
    outputs = model(inputs)
    loss = criterion(outputs, targets)

    # Backward pass and optimization
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

    # The same step: the gradient by source transformation, SGD by hand
    value, gradients = loss_and_gradient(*weights, inputs_array, targets_array)
    weights = [w - np.float32(0.01) * g for w, g in zip(weights, gradients)]

    # Print progress
    if (epoch + 1) % 10 == 0:
        print(f"Epoch [{epoch + 1}/{num_epochs}], Loss: {loss.item():.4f}   "
              f"astgrad.grad: {value:.4f}")

# -- the same run with astgrad.nn: one compiled function per epoch ------------------------------

network = compiled.Sequential(compiled.Linear(10, 50), compiled.ReLU(), compiled.Linear(50, 1),
                              dtype=np.float32)
network.load_parameters(weights_at_start)
trainer = compiled.Trainer(network, loss="mse", optimizer=compiled.SGD(lr=0.01))
history = trainer.fit(inputs_array, targets_array, epochs=num_epochs, batch_size=100,
                      shuffle=False, progress=False)
print("astgrad.nn, every 10th epoch:", " ".join(f"{loss:.4f}" for loss in history["loss"][9::10]))
