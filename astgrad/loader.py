"""Load: generated source text to a module, through a file in the cache folder, compiled by numba.

Takes a generated module's text, the objects it refers to by name (user functions and arrays),
and the names of its functions to compile. Writes the text to a file named by a hash of the
text and of everything else that decides the compiled code (astgrad's own sources, the numba,
NumPy and Python versions, the injected objects), imports it under a module name registered in
`sys.modules` (numba's disk cache only loads functions of importable modules), and wraps its
compiled functions with `numba.njit(cache=True)`. A second process asking for the same gradient
finds the same file and numba's compiled code beside it.

The cache folder is `$ASTGRAD_CACHE_DIR`, else the platform's user cache folder.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import sys
import tempfile
import types
import warnings
from pathlib import Path

import numba
import numpy as np

NUMBA_OPTIONS = {"cache": True, "error_model": "numpy"}  # x / 0 gives inf, as in NumPy


def cache_folder() -> Path:
    """Where generated modules and numba's compiled code are kept."""
    configured = os.environ.get("ASTGRAD_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
        return base / "astgrad" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "astgrad"
    return Path(os.environ.get("XDG_CACHE_HOME", home / ".cache")) / "astgrad"


# Parts of astgrad that no generated gradient depends on: changing them keeps the cache.
_OUTSIDE_THE_TRANSFORM = {"tape", "nn", "cli.py", "__main__.py", "testing.py", "data"}


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


@functools.lru_cache(maxsize=1)
def _writable_folder() -> Path:
    folder = cache_folder() / "generated"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = folder / f".probe-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
        return folder
    except OSError as error:
        fallback = Path(tempfile.mkdtemp(prefix="astgrad-"))
        warnings.warn(f"astgrad cannot write to its cache folder {folder} ({error}); generated "
                      f"gradients go to {fallback} for this process and are compiled again in "
                      "the next one. Set ASTGRAD_CACHE_DIR to a writable folder.", stacklevel=3)
        return fallback


def _write_atomically(path: Path, text: str) -> None:
    """Write `path` so that a reader never sees half of it; leave it alone if already right."""
    try:
        if path.read_text() == text:
            return  # rewriting would change its time stamp and void numba's cache
    except OSError:
        pass
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(text: str, stem: str, injected: dict[str, object], compiled: tuple[str, ...],
         jit: bool) -> types.ModuleType:
    """Import generated `text` as a module, its `compiled` functions wrapped by numba if `jit`."""
    digest = hashlib.sha256(text.encode())
    digest.update(_fingerprint().encode())
    for name in sorted(injected):
        digest.update(f"{name}={_object_fingerprint(injected[name])}".encode())
    key = digest.hexdigest()[:20]
    path = _writable_folder() / f"{stem}_{key}.py"
    _write_atomically(path, text)
    module_name = f"astgrad_generated_{stem}_{key}" + ("" if jit else "_python")
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    for name, value in injected.items():
        setattr(module, name, _compiled_object(value) if jit else value)
    sys.modules[module_name] = module  # before executing it: numba's cache imports it by name
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    if jit:
        for name in compiled:
            setattr(module, name, numba.njit(**NUMBA_OPTIONS)(getattr(module, name)))
    return module


def _compiled_object(value: object) -> object:
    """A user function called from compiled code must itself be compiled."""
    if isinstance(value, types.FunctionType):
        return numba.njit(error_model="numpy")(value)
    return value
