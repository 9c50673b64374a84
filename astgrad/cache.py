"""The disk cache: the folder where generated modules and numba's compiled code persist, and
the checks that make it safe to share between processes.

Takes the text of generated modules and numba's compiled functions (from astgrad/loader.py);
produces files in `$ASTGRAD_CACHE_DIR`, else the platform's user cache folder, and numba
dispatchers whose compiled code is saved there and loaded back in later processes.

- The folder is created private to the user (mode 0700).
- Every file is written to a temporary name and renamed into place, so processes compiling the
  same gradient at once never read half a file.
- numba keeps compiled code as pickles, and unpickling runs code. astgrad seals each of numba's
  cache files with the SHA-256 of its contents; a file whose seal does not match (truncated,
  altered) is never unpickled: it reads as absent, and numba compiles again and overwrites it.
- A folder that cannot be written degrades to in-memory operation, with one warning.

    $ python -m astgrad cache info
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numba
from numba.core.caching import FunctionCache, IndexDataCacheFile


def cache_folder() -> Path:
    """Where generated modules and numba's compiled code are kept.

    >>> cache_folder()
    PosixPath('/home/ada/.cache/astgrad')
    """
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


def generated_folder() -> Path:
    """The folder of generated modules; numba's files are in its `__pycache__`."""
    return cache_folder() / "generated"


@functools.lru_cache(maxsize=1)
def writable_folder() -> Path | None:
    """The generated folder, created if needed, or None (with one warning) if it cannot be
    written: gradients are then kept in memory and compiled again by each process."""
    folder = generated_folder()
    try:
        folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.mkdir(exist_ok=True, mode=0o700)
        probe = folder / f".probe-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
        return folder
    except OSError as error:
        warnings.warn(f"astgrad cannot write to its cache folder {folder} ({error.strerror}); "
                      "gradients are kept in memory and compiled again in every process. Set "
                      "ASTGRAD_CACHE_DIR to a folder you can write.", stacklevel=4)
        return None


def write_atomically(path: Path, text: str) -> None:
    """Write `path` so that a reader never sees half of it; leave it alone if already right."""
    try:
        if path.read_text() == text:
            return  # rewriting would change its time stamp and void numba's cache
    except (OSError, UnicodeDecodeError):
        pass
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remembered(name: str, make):
    """What `make()` returns (JSON data, or None), kept in the cache folder as `name` by the
    first process to make it and read back by the others; made again if unreadable."""
    folder = writable_folder()
    path = None if folder is None else folder / name
    if path is not None:
        try:
            return json.loads(path.read_text())["made"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
    made = make()
    if path is not None:
        write_atomically(path, json.dumps({"made": made}))
    return made


def cached_njit(function, **options):
    """`numba.njit(function, cache=True, **options)`, with its cache files sealed."""
    dispatcher = numba.njit(**options)(function)
    dispatcher._cache = _SealedFunctionCache(function)  # what numba's enable_caching() sets
    return dispatcher


class _BrokenSeal(OSError):
    """A cache file whose contents do not match its seal. An OSError, because numba treats
    those as a missing file: it compiles again."""


class _Unloadable(OSError):
    """Compiled code that calls a function of a module no import finds (one run by runpy,
    `<run_path>`, which numba records as `<dynamic>`): compiled again (an OSError, as
    `_BrokenSeal`)."""


class _SealedCacheFile(IndexDataCacheFile):
    """numba's index and data files, each starting with the SHA-256 of the rest."""

    def _load_index(self):
        try:
            version, stamp, overloads = pickle.loads(self._unsealed(self._index_path))
        except OSError:
            return {}  # absent or broken: numba compiles and writes a new index
        fresh = version == self._version and stamp == self._source_stamp
        return overloads if fresh else {}

    def _save_index(self, overloads):
        self._seal(self._index_path, (self._version, self._source_stamp, overloads))

    def _load_data(self, name):
        body = self._unsealed(self._data_path(name))
        try:
            return pickle.loads(body)
        except ImportError as error:
            raise _Unloadable(f"{self._data_path(name)}: {error}") from error

    def _save_data(self, name, data):
        self._seal(self._data_path(name), data)

    def _seal(self, path: str, value) -> None:
        body = self._dump(value)
        with self._open_for_write(path) as file:  # numba's: a temporary file, then a rename
            file.write(hashlib.sha256(body).digest() + body)

    @staticmethod
    def _unsealed(path: str) -> bytes:
        with open(path, "rb") as file:
            sealed = file.read()
        seal, body = sealed[:32], sealed[32:]
        if hashlib.sha256(body).digest() != seal:
            warnings.warn(f"astgrad's cache file {path} is damaged or was changed; it is "
                          "ignored and compiled again", stacklevel=2)
            raise _BrokenSeal(f"broken seal: {path}")
        return body


class _SealedFunctionCache(FunctionCache):
    """numba's per-function cache, reading and writing through `_SealedCacheFile`."""

    def __init__(self, py_func):
        super().__init__(py_func)
        self._cache_file = _SealedCacheFile(
            cache_path=self._cache_path, filename_base=self._impl.filename_base,
            source_stamp=self._impl.locator.get_source_stamp())


def info() -> dict[str, object]:
    """What the cache holds: its folder, the number of generated modules, the bytes used.

    >>> info()["modules"]
    12
    """
    folder = generated_folder()
    files = [path for path in folder.rglob("*") if path.is_file()] if folder.is_dir() else []
    return {"folder": folder,
            "modules": sum(1 for path in files if path.suffix == ".py"),
            "compiled files": sum(1 for path in files if path.suffix in (".nbi", ".nbc")),
            "bytes": sum(path.stat().st_size for path in files),
            "exists": folder.is_dir(), "writable": _can_write(folder)}


def _can_write(folder: Path) -> bool:
    """Can `folder` be written, or created and written (its nearest existing ancestor is a
    folder we can write into)?"""
    while not folder.exists():
        if folder.parent == folder:
            return False
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def clear() -> int:
    """Delete every generated module and compiled file; return the bytes freed.

    >>> clear()
    734003200
    """
    folder = generated_folder()
    freed = info()["bytes"]
    shutil.rmtree(folder, ignore_errors=True)
    writable_folder.cache_clear()
    return freed
