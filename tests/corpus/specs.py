"""How the corpus tables say what arguments to draw: F(lo, hi) a float, A(shape, lo, hi) an
array, I(lo, hi) an int; a Case adds the positions or names to differentiate and, where a
branch or a kink makes finite differences meaningless near it, `away(args)`: true when the
inputs keep off. tests/strategies.py turns a Case into a hypothesis strategy."""

from dataclasses import dataclass, field


@dataclass
class F:
    low: float
    high: float


@dataclass
class A:
    shape: tuple
    low: float = -1.0
    high: float = 1.0


@dataclass
class I:  # noqa: E742
    low: int
    high: int


@dataclass
class Case:
    function: object
    args: list
    wrt: tuple = (0,)
    away: object = None  # inputs -> bool: off branch boundaries and kinks
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.function.__name__
