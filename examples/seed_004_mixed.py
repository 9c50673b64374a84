"""Seed 004, notes on autograd, in both engines: z = x * y + y**2 at (2, 3).

    python examples/seed_004_mixed.py

dz/dx = y = 3 and dz/dy = x + 2y = 8.
"""

import astgrad
from astgrad import tape

# Create tensors with requires_grad=True to track computations
x = tape.tensor(2.0, requires_grad=True)
y = tape.tensor(3.0, requires_grad=True)
z = x * y + y**2
# Perform backpropagation to compute gradients
z.backward()
# Gradients are stored in the .grad attribute of the tensors
print(x.grad)  # tensor(3.)
print(y.grad)  # tensor(8.)


def z_of(x, y):
    return x * y + y**2


print("astgrad.grad:", astgrad.grad(z_of, wrt=(0, 1))(2.0, 3.0))  # (3.0, 8.0)
