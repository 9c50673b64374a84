"""The seed documents' autograd examples, with @astgrad.grad.

    python examples/01_autograd_basics.py

Each PyTorch example builds a graph and calls backward(); here the same functions are
differentiated by reading their source. Seed 002 prints 6.0 for d/dx (3x^2 + 2x + 1) at x = 2:
that is wrong, the derivative 6x + 2 is 14 there, which is what astgrad (and PyTorch) give.
"""

import astgrad
from astgrad import stop_gradient


def z_product(x, y):  # seed 000: z = x * y + 2
    return x * y + 2


def z_powers(x, y):  # seed 001: z = x**2 + y**3
    return x**2 + y**3


def y_polynomial(x):  # seed 002: y = 3 * x ** 2 + 2 * x + 1
    return 3 * x ** 2 + 2 * x + 1


def z_mixed(x, y):  # seed 004: z = x * y + y**2
    return x * y + y**2


def c_detached(a, b):  # seed 001: c = a ** 2 + b.detach() ** 3
    return a ** 2 + stop_gradient(b) ** 3


def main():
    dx, dy = astgrad.grad(z_product, wrt=(0, 1))(2.0, 3.0)
    print(f"x*y + 2 at (2, 3):        dz/dx = {dx}, dz/dy = {dy}")  # 3.0, 2.0

    value, (dx, dy) = astgrad.value_and_grad(z_powers, wrt=(0, 1))(2.0, 3.0)
    print(f"x**2 + y**3 at (2, 3):    z = {value}, dz/dx = {dx}, dz/dy = {dy}")  # 31, 4, 27

    dx = astgrad.grad(y_polynomial)(2.0)
    print(f"3x^2 + 2x + 1 at 2:       dy/dx = {dx}  (seed 002 prints 6.0, which is wrong)")

    dx, dy = astgrad.grad(z_mixed, wrt=(0, 1))(2.0, 3.0)
    print(f"x*y + y**2 at (2, 3):     dz/dx = {dx}, dz/dy = {dy}")  # 3.0, 8.0

    da, db = astgrad.grad(c_detached, wrt=(0, 1))(3.0, 4.0)
    print(f"a**2 + detach(b)**3:      dc/da = {da}, dc/db = {db}  (PyTorch leaves b.grad None)")

    print("\nThe generated gradient of x**2 + y**3:\n")
    print(astgrad.grad(z_powers, wrt=(0, 1)).source)


if __name__ == "__main__":
    main()
