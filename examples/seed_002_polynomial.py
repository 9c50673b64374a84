"""Seed 002, "Using autograd in PyTorch for automatic differentiation", in both engines.

    python examples/seed_002_polynomial.py

f(x) = 3x^2 + 2x + 1 at x = 2. The seed says the gradient printed is 6.0; it is not: the
derivative 6x + 2 is 14 at x = 2, which is what PyTorch, the tape and astgrad.grad all give.
"""

import astgrad
from astgrad import tape

x = tape.tensor(2.0, requires_grad=True)  # Create a tensor with requires_grad set to True

y = 3 * x ** 2 + 2 * x + 1  # Perform some operations on the tensor

y.backward()  # Compute the gradients

print(x.grad)  # tensor(14.), not the 6.0 the seed claims


def f(x):
    return 3 * x ** 2 + 2 * x + 1


print("astgrad.grad:", astgrad.grad(f)(2.0))  # 14.0
