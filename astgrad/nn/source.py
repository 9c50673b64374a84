"""Text shared by the modules astgrad.nn writes: their imports, indentation, and float
constants that keep a float32 model float32 (used by nn/layers.py, nn/losses.py and
nn/program.py, which import nothing else from each other in that direction).
"""

from __future__ import annotations

import textwrap

import numpy as np

HEADER = "import numpy as np\n"


def literal(value: float, dtype: np.dtype) -> str:
    """A float constant in source that keeps float32 arithmetic float32 inside numba."""
    return repr(float(value)) if np.dtype(dtype) == np.float64 else f"np.float32({value!r})"


def indented(lines: list[str], depth: int = 1) -> str:
    """`lines` as a block `depth` levels deep, ending in a newline."""
    return textwrap.indent("\n".join(lines), "    " * depth) + "\n"
