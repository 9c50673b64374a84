"""Load: generated source text to a module, through a file in the cache folder, compiled by numba.

Takes a generated module's text, the objects it refers to by name (user functions and arrays),
and the names of its functions to compile; produces the imported module. The text goes to a
file named by a hash of the text and of everything else that decides the compiled code
(astgrad's own sources, the numba, NumPy and Python versions, the injected objects), imported
under a module name registered in `sys.modules` (numba's disk cache only loads functions of
importable modules), and its compiled functions are wrapped with numba.njit, their machine
code cached on disk (astgrad/cache.py). A second process asking for the same gradient finds
the same file and numba's compiled code beside it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import linecache
import sys
import types
from pathlib import Path

import numba
import numpy as np

from . import cache

# x / 0 gives inf, as in NumPy; an index out of bounds raises IndexError, as in Python,
# instead of reading or writing whatever memory lies there
NUMBA_OPTIONS = {"error_model": "numpy", "boundscheck": True}


# Parts of astgrad that no generated gradient depends on: changing them keeps the cache.
_OUTSIDE_THE_TRANSFORM = {"tape", "nn", "cli", "__main__.py", "testing.py", "data"}


@functools.lru_cache(maxsize=1)
def _fingerprint() -> str:
    """A hash of the transformer's sources and of the versions compiled code depends on."""
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).parts[0] in _OUTSIDE_THE_TRANSFORM:
            continue
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    digest.update(f"{numba.__version__} {np.__version__} {sys.version}".encode())
    return digest.hexdigest()


def _object_fingerprint(value: object) -> str:
    """What of an injected object the compiled code depends on."""
    if isinstance(value, np.ndarray):
        return f"array {value.dtype} {value.shape} " + hashlib.sha256(
            np.ascontiguousarray(value).tobytes()).hexdigest()
    code = getattr(getattr(value, "py_func", value), "__code__", None)
    if code is not None:
        return f"function {code.co_filename}:{code.co_firstlineno} " + hashlib.sha256(
            code.co_code + repr(code.co_consts).encode()).hexdigest()
    return repr(value)


def load(text: str, stem: str, injected: dict[str, object], compiled: tuple[str, ...],
         jit: bool, **options) -> types.ModuleType:
    """Import generated `text` as a module, its `compiled` functions wrapped by numba if `jit`
    (with numba's `options` besides NUMBA_OPTIONS)."""
    digest = hashlib.sha256(text.encode())
    digest.update(_fingerprint().encode())
    digest.update(repr(sorted((name, sorted(value) if isinstance(value, set) else value)
                              for name, value in options.items())).encode())
    for name in sorted(injected):
        digest.update(f"{name}={_object_fingerprint(injected[name])}".encode())
    key = digest.hexdigest()[:20]
    module_name = f"astgrad_generated_{stem}_{key}" + ("" if jit else "_python")
    if module_name in sys.modules:
        return sys.modules[module_name]
    folder = cache.writable_folder()
    if folder is None:
        module, code = _in_memory_module(module_name, text, f"<astgrad {stem}_{key}>")
    else:
        path = folder / f"{stem}_{key}.py"
        cache.write_atomically(path, text)
        module = importlib.util.module_from_spec(
            importlib.util.spec_from_file_location(module_name, path))
        code = compile(text, str(path), "exec")  # the text, not the file: another may write it
    for name, value in injected.items():
        setattr(module, name, _compiled_object(value) if jit else value)
    sys.modules[module_name] = module  # before executing it: numba's cache imports it by name
    try:
        exec(code, module.__dict__)
    except BaseException:
        del sys.modules[module_name]
        raise
    if jit:
        wrap = functools.partial(cache.cached_njit if folder else numba.njit,
                                 **NUMBA_OPTIONS, **options)
        for name in compiled:
            setattr(module, name, wrap(getattr(module, name)))
    return module


def _in_memory_module(name: str, text: str, filename: str):
    """A module with no file; linecache holds its text for tracebacks and error messages."""
    module = types.ModuleType(name)
    module.__file__ = filename
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    return module, compile(text, filename, "exec")


def _compiled_object(value: object) -> object:
    """A user function called from compiled code must itself be compiled."""
    if isinstance(value, types.FunctionType):
        return numba.njit(**NUMBA_OPTIONS)(value)
    return value
