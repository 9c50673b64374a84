"""Names in generated code, from one place.

`Names` hands out identifiers that cannot clash with the user's: temporaries (`_t1`), adjoints
(`_dx` for `x`), captured values (`_x1`), tapes. `Namespace` decides how an outside object
(np.exp, math.sin, a runtime helper, a user's global array) is spelled in the generated module,
and collects the imports and injected globals that the spelling needs.
"""

from __future__ import annotations

import ast
import builtins
import math
import sys
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from . import ir


class Names:
    """Fresh identifiers that never clash with the user's, nor with each other."""

    def __init__(self, taken: Iterable[str] = ()):
        self.taken = set(taken)
        self._adjoints: dict[str, str] = {}
        self._primals: dict[str, str] = {}
        self._counters: dict[str, int] = defaultdict(int)

    def fresh(self, base: str) -> str:
        """`base` itself if free, else `base` with the first free number appended."""
        name = base
        while name in self.taken:
            self._counters[base] += 1
            name = f"{base}{self._counters[base]}"
        self.taken.add(name)
        return name

    def numbered(self, base: str) -> str:
        """`base1`, `base2`, ...: for families of names such as temporaries."""
        while True:
            self._counters[base] += 1
            name = f"{base}{self._counters[base]}"
            if name not in self.taken:
                self.taken.add(name)
                return name

    def temp(self) -> str:
        return self.numbered("_t")

    def adjoint(self, name: str) -> str:
        """The adjoint of a primal variable: `_dx` for `x`, always the same for one name."""
        if name not in self._adjoints:
            self._adjoints[name] = self.fresh("_d" + name)
            self._primals[self._adjoints[name]] = name
        return self._adjoints[name]

    def adjoint_names(self) -> set[str]:
        return set(self._primals)

    def primal_of(self, adjoint: str) -> str:
        """The primal variable an adjoint variable belongs to."""
        return self._primals[adjoint]

    def capture(self, name: str) -> str:
        """A copy of `name`'s value kept for the adjoint: `_x1`, `_x2`, ..."""
        return self.numbered(f"_{name.lstrip('_')}")


_MODULE_SPELLINGS = ((np, "np"), (np.linalg, "np.linalg"), (math, "math"))


class Namespace:
    """How outside objects are spelled in generated code, and the imports that needs."""

    def __init__(self, names: Names):
        self.names = names
        self.modules: set[str] = set()  # "np", "math"
        self.imports: dict[tuple[str, str], str] = {}  # (module, name) -> local name
        self.injected: dict[str, object] = {}  # local name -> object (user globals)
        self._injected_ids: dict[int, str] = {}

    def spell(self, obj: object, attr_hint: str | None = None) -> ast.expr:
        """An expression naming `obj` in the generated module."""
        from . import runtime  # runtime imports numba; keep `names` importable without it

        if obj is np:
            self.modules.add("np")
            return _path("np")
        if obj is math:
            self.modules.add("math")
            return _path("math")
        candidates = [c for c in (attr_hint, getattr(obj, "__name__", None)) if c]
        for module, spelling in _MODULE_SPELLINGS:
            for attr in candidates:
                if getattr(module, attr, None) is obj:
                    self.modules.add(spelling.split(".")[0])
                    return _path(f"{spelling}.{attr}")
        for attr in candidates:
            if getattr(runtime, attr, None) is obj:
                return ast.Name(self.helper(attr), ast.Load())
            if getattr(builtins, attr, None) is obj:
                return ast.Name(attr, ast.Load())
        module = getattr(obj, "__module__", None) or ""
        if module.startswith(f"{runtime.__name__}.") and candidates and getattr(
                sys.modules[module], candidates[-1], None) is obj:  # a helper runtime/ keeps
            return ast.Name(self.import_from(module, candidates[-1]), ast.Load())
        return ast.Name(self.inject(obj, candidates[0] if candidates else "value"), ast.Load())

    def helper(self, name: str) -> str:
        """The local name of a runtime helper, imported from astgrad.runtime."""
        return self.import_from("astgrad.runtime", name)

    def import_from(self, module: str, name: str) -> str:
        """The local name under which `from module import name` binds `name`."""
        if (module, name) not in self.imports:
            self.imports[(module, name)] = self.names.fresh(name)
        return self.imports[(module, name)]

    def call(self, helper: str, *args: ast.expr) -> ast.Call:
        """A call to a runtime helper."""
        return ast.Call(ast.Name(self.helper(helper), ast.Load()), list(args), [])

    def resolve(self, expr: ast.expr) -> object | None:
        """The object an expression made by `spell` names, or None."""
        path = []
        while isinstance(expr, ast.Attribute):
            path.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        local = {v: k for k, v in self.imports.items()}.get(expr.id)
        if local is not None:
            obj = getattr(__import__(local[0], fromlist=[local[1]]), local[1])
        elif expr.id == "np":
            obj = np
        elif expr.id == "math":
            obj = math
        else:
            obj = self.injected.get(expr.id)
        for attr in reversed(path):
            obj = getattr(obj, attr, None)
        return obj

    def inject(self, obj: object, hint: str) -> str:
        """A module global of the generated code bound to `obj` (a user function or array)."""
        if id(obj) not in self._injected_ids:
            name = self.names.fresh(hint)
            self._injected_ids[id(obj)] = name
            self.injected[name] = obj
        return self._injected_ids[id(obj)]

    def constant(self, const: ir.Const) -> ast.expr:
        """An expression for a constant value."""
        value = const.value
        if isinstance(value, np.generic) and not isinstance(value, np.ndarray):
            value = value.item()
        if isinstance(value, str):
            return ast.Constant(value)
        if value is None or isinstance(value, (bool, int, float, complex)):
            if const.spelling:  # np.pi, math.inf: as the user wrote them
                self.modules.add(const.spelling.split(".")[0])
                return _path(const.spelling)
            if isinstance(value, float) and not math.isfinite(value):
                self.modules.add("np")
                if math.isnan(value):
                    return _path("np.nan")
                return _path("np.inf") if value > 0 else ast.UnaryOp(ast.USub(), _path("np.inf"))
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
                return ast.UnaryOp(ast.USub(), ast.Constant(-value))
            return ast.Constant(value)
        if isinstance(value, tuple):
            return ast.Tuple([self.constant(ir.Const(v)) for v in value], ast.Load())
        return self.spell(value, const.spelling)  # an array or a dtype: by reference

    def atom(self, atom: ir.Atom) -> ast.expr:
        if isinstance(atom, ir.Name):
            return ast.Name(atom.id, ast.Load())
        return self.constant(atom)

    def header(self) -> list[str]:
        """Import lines for the generated module."""
        lines = []
        if "math" in self.modules:
            lines.append("import math")
        lines.append("import numpy as np")
        for module in sorted({m for m, _ in self.imports}):
            items = ", ".join(name if local == name else f"{name} as {local}"
                              for (m, name), local in sorted(self.imports.items()) if m == module)
            lines.append(f"from {module} import {items}")
        return lines


def _path(dotted: str) -> ast.expr:
    """`a.b.c` as an expression."""
    first, *rest = dotted.split(".")
    node: ast.expr = ast.Name(first, ast.Load())
    for attr in rest:
        node = ast.Attribute(node, attr, ast.Load())
    return node
