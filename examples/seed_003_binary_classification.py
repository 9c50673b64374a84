"""Seed 003, "PyTorch Autograd" tutorial: a two-layer sigmoid network for binary
classification, trained with binary cross-entropy and SGD, then checked for accuracy on its
training data, in both astgrad engines.

    python examples/seed_003_binary_classification.py

The seed does not show its data; here it is two overlapping clouds of 100 points in the plane,
one per class (no classifier does much better than 0.96 on them). The tape engine runs the
seed's loop; beside it `astgrad.grad` differentiates the same loss written in NumPy, from the
same initial weights, and both reach the same accuracy; last, `astgrad.nn` trains the same
network with each epoch compiled.
"""

import numpy as np

import astgrad
from astgrad import nn as compiled
from astgrad import tape
from astgrad.tape import nn, optim


class SimpleNN(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.sigmoid = nn.Sigmoid()
        self.fc2 = nn.Linear(hidden_size, 1)

    def forward(self, x):
        x = self.sigmoid(self.fc1(x))
        x = self.sigmoid(self.fc2(x))
        return x


def clouds(samples_per_class=100, seed=0):
    """Two Gaussian clouds centred at (-1, -1) and (1, 1): features (N, 2), labels (N, 1)."""
    rng = np.random.default_rng(seed)
    centres = np.repeat([[-1.0, -1.0], [1.0, 1.0]], samples_per_class, axis=0)
    features = centres + 0.8 * rng.normal(size=centres.shape)
    labels = np.repeat([0.0, 1.0], samples_per_class)[:, None]
    return features.astype(np.float32), labels.astype(np.float32)


def bce_loss(W1, b1, W2, b2, X, y):
    """The same network and loss, as a NumPy function for astgrad.grad."""
    hidden = 1 / (1 + np.exp(-(X @ W1.T + b1)))
    p = 1 / (1 + np.exp(-(hidden @ W2.T + b2)))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def predict(W1, b1, W2, b2, X):
    hidden = 1 / (1 + np.exp(-(X @ W1.T + b1)))
    return 1 / (1 + np.exp(-(hidden @ W2.T + b2)))


X_array, y_array = clouds()
X, y = tape.tensor(X_array), tape.tensor(y_array)

tape.manual_seed(0)
model = SimpleNN(input_size=2, hidden_size=4)
weights = [p.detach().numpy() for p in model.parameters()]  # astgrad's copy of the start
weights_at_start = [w.copy() for w in weights]

criterion = nn.BCELoss()
optimizer = optim.SGD(model.parameters(), lr=0.5)
loss_and_gradient = astgrad.value_and_grad(bce_loss, wrt=(0, 1, 2, 3))
epochs = 500

for epoch in range(epochs):
    # Forward pass, loss, fresh gradients, backward pass and the update
    outputs = model(X)
    loss = criterion(outputs, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

    # The same step with the gradient astgrad writes
    value, gradients = loss_and_gradient(*weights, X_array, y_array)
    weights = [w - np.float32(0.5) * g for w, g in zip(weights, gradients)]

    if (epoch + 1) % 100 == 0:
        print(f"Epoch [{epoch + 1}/{epochs}], Loss: {loss.item():.4f}   "
              f"astgrad.grad: {value:.4f}")

# Prediction on the same data, and the accuracy
with tape.no_grad():
    predicted = (model(X) > 0.5).float()
    accuracy = (predicted == y).float().mean().item()
print(f"Accuracy (tape):         {accuracy:.4f}")

astgrad_accuracy = np.mean((predict(*weights, X_array) > 0.5) == y_array)
print(f"Accuracy (astgrad.grad): {astgrad_accuracy:.4f}")

# The same network, loss, optimizer and full-batch steps in astgrad.nn
network = compiled.Sequential(compiled.Linear(2, 4), compiled.Sigmoid(), compiled.Linear(4, 1),
                              compiled.Sigmoid(), dtype=np.float32)
network.load_parameters(weights_at_start)
trainer = compiled.Trainer(network, loss="bce", optimizer=compiled.SGD(lr=0.5))
history = trainer.fit(X_array, y_array, epochs=epochs, batch_size=len(X_array), progress=False)
print(f"Accuracy (astgrad.nn):   {trainer.evaluate(X_array, y_array)['accuracy']:.4f}")
