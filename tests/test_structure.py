"""The package's shape: its modules import one another in one direction only (no circle, not
even through an import inside a function), so that each stage can be read, and tested,
without the stages after it."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "astgrad"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path, name: str) -> set[str]:
    """The astgrad modules `path` (module `name`) imports, anywhere in its text."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("astgrad")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if not module.startswith("astgrad"):
                continue
            for alias in node.names:  # `from . import ir` imports the module astgrad.ir
                found.add(f"{module}.{alias.name}" if node.module is None else module)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imported(path, name) if m in modules and m != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A circle of imports, as the modules along it, or None (a depth-first walk)."""
    finished: set[str] = set()

    def walk(path: list[str]) -> list[str] | None:
        for following in sorted(graph[path[-1]]):
            if following in path:
                return path[path.index(following):] + [following]
            if following not in finished:
                found = walk(path + [following])
                if found:
                    return found
        finished.add(path[-1])
        return None

    for start in sorted(graph):
        found = None if start in finished else walk([start])
        if found:
            return found
    return None


def test_the_import_graph_is_read_correctly():
    graph = import_graph()
    assert "astgrad.reverse.state" in graph["astgrad.reverse.writer"]
    assert "astgrad.ir" in graph["astgrad.reverse.writer"]  # `from .. import ir`
    assert "astgrad.api" in graph["astgrad.testing"]


def test_a_circle_is_found():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_module_imports_one_that_imports_it_back():
    assert _cycle(import_graph()) is None


def test_scipy_is_imported_by_the_program_not_by_astgrad(tmp_path):
    """`import astgrad` leaves SciPy out (a tenth of a second); a program that imports it
    after astgrad still gets its rules (rules/registry.py registers them on the first look)."""
    import subprocess
    import sys

    script = ("import sys, astgrad; before = 'scipy.special' in sys.modules\n"
              "import scipy.special\n"
              "def f(x):\n"
              "    return scipy.special.erf(x) * scipy.special.expit(x)\n"
              "print(before, round(astgrad.grad(f, jit=False)(0.5), 12))")
    program = tmp_path / "program.py"  # (astgrad reads the function's source)
    program.write_text(script)
    out = subprocess.run([sys.executable, str(program)], capture_output=True, text=True,
                         check=True).stdout.split()
    import math
    sigmoid = 1 / (1 + math.exp(-0.5))
    expected = (2 / math.sqrt(math.pi) * math.exp(-0.25) * sigmoid
                + math.erf(0.5) * sigmoid * (1 - sigmoid))
    assert out == ["False", str(round(expected, 12))]
