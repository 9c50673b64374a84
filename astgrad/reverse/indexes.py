"""Module-level integer arrays that index, read into a local once per call.

Takes a generated function's syntax tree and the objects its module is given (the user's
module-level arrays among them). numba freezes a global array into the code it compiles, and
an indexing by a frozen array (`x[PICKS]`) becomes a `static_getitem` that numba's own passes
then compare with other statements as NumPy arrays, which fails ("The truth value of an array
... is ambiguous") when the same block also reads `x[0]`. So a function that indexes with such
an array starts with `_PICKS = own(PICKS)` and indexes with the copy, which numba computes at
run time like any array.
"""

from __future__ import annotations

import ast

import numpy as np

from ..emit import tag
from .numbers import after_checks
from .state import assign, load


def indexes_read_once(function: ast.FunctionDef, namespace, names, origin) -> ast.FunctionDef:
    """`function` indexing with local copies of the module's integer arrays (made first)."""
    locals_: dict[str, str] = {}

    class Rename(ast.NodeTransformer):
        def visit_Subscript(self, node: ast.Subscript) -> ast.Subscript:
            self.generic_visit(node)
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            for k, item in enumerate(items):
                if isinstance(item, ast.Name) and _is_index_array(namespace.injected.get(item.id)):
                    if item.id not in locals_:
                        locals_[item.id] = names.fresh(f"_{item.id}")
                    items[k] = ast.Name(locals_[item.id], ast.Load())
            if not isinstance(node.slice, ast.Tuple):
                node.slice = items[0]
            return node

    function.body = [Rename().visit(stmt) for stmt in function.body]
    copies = [tag(assign(local, namespace.call("own", load(name))), origin)
              for name, local in locals_.items()]
    start = after_checks(function.body)
    function.body[start:start] = copies
    return function


def _is_index_array(value) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind in "iub"
