"""Seed 001, "Autograd (Automatic Differentiation) in PyTorch", in both astgrad engines.

    python examples/seed_001_autograd.py

z = x**2 + y**3 prints tensor(31., grad_fn=<AddBackward0>) and gradients 4 and 27; the
detached b gets no gradient; the Net of one Linear(1, 1) takes one SGD step. Beside each, the
same function differentiated by `astgrad.grad`.
"""

import numpy as np

import astgrad
from astgrad import stop_gradient, tape
from astgrad.tape import nn, optim

# 1. Enabling autograd

x = tape.tensor(2.0, requires_grad=True)
y = tape.tensor(3.0, requires_grad=True)

z = x**2 + y**3
print(z)  # tensor(31., grad_fn=<AddBackward0>)

# 2. Computing gradients

z.backward()
print("Gradient of x: ", x.grad)  # tensor(4.)
print("Gradient of y: ", y.grad)  # tensor(27.)


def z_of(x, y):
    return x**2 + y**3


print("astgrad.grad:", astgrad.grad(z_of, wrt=(0, 1))(2.0, 3.0))  # (4.0, 27.0)

# 3. Detaching tensors

a = tape.tensor(3.0, requires_grad=True)
b = tape.tensor(4.0, requires_grad=True)
c = a ** 2 + b.detach() ** 3
c.backward()
print("Gradient of a:", a.grad)  # tensor(6.)
print("Gradient of b:", b.grad)  # None


def c_of(a, b):
    return a ** 2 + stop_gradient(b) ** 3  # astgrad's detach


print("astgrad.grad:", astgrad.grad(c_of, wrt=(0, 1))(3.0, 4.0))  # (6.0, 0.0)

# 4. Autograd in neural networks


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()  # noqa: UP008 (the seed's spelling)
        self.fc = nn.Linear(1, 1)

    def forward(self, x):
        return self.fc(x)


tape.manual_seed(0)
net = Net()
weight, bias = net.fc.weight.item(), net.fc.bias.item()

input_data = tape.tensor([[1.0]])
target_data = tape.tensor([[2.0]])

criterion = nn.MSELoss()
optimizer = optim.SGD(net.parameters(), lr=0.1)

output = net(input_data)
loss = criterion(output, target_data)

optimizer.zero_grad()
loss.backward()
optimizer.step()
print(f"after one step: weight {net.fc.weight.item():.4f}, bias {net.fc.bias.item():.4f}")


def net_loss(weight, bias, x, target):
    return np.mean((x * weight + bias - target) ** 2)


dw, db = astgrad.grad(net_loss, wrt=(0, 1))(weight, bias, 1.0, 2.0)
print(f"astgrad.grad:   weight {weight - 0.1 * dw:.4f}, bias {bias - 0.1 * db:.4f}")
