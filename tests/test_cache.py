"""The disk cache, seen from separate processes: what one process compiles, the next loads;
concurrent writers, damaged and altered files, and an unwritable folder.

Each test runs a small script in fresh Python processes with its own ASTGRAD_CACHE_DIR. The
script prints the gradient and numba's dispatcher counters: a cache hit compiles nothing
(`cache_misses` is empty), a cache miss compiles.
"""

import json
import math
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import astgrad

SCRIPT = '''
import json, warnings
import numpy as np
import astgrad

def f(x, y):
    return x * y + np.sin(x)

warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    df = astgrad.grad(f, wrt=(0, 1))
    gradient = df(2.0, 3.0)
stats = df.compiled.stats
print(json.dumps({"gradient": [float(g) for g in gradient],
                  "hits": sum(stats.cache_hits.values()),
                  "misses": sum(stats.cache_misses.values()),
                  "warnings": [str(w.message) for w in caught]}))
'''

EXPECTED = [3.0 + math.cos(2.0), 2.0]  # d/dx = y + cos x, d/dy = x
REPOSITORY = str(Path(astgrad.__file__).resolve().parents[1])


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "uses_astgrad.py"
    path.write_text(SCRIPT)
    return path


def start(script: Path, cache: Path) -> subprocess.Popen:
    env = dict(os.environ, ASTGRAD_CACHE_DIR=str(cache), PYTHONPATH=REPOSITORY)
    return subprocess.Popen([sys.executable, str(script)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert "Traceback" not in err, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["gradient"] == pytest.approx(EXPECTED, rel=1e-12)
    return report


def run(script: Path, cache: Path) -> dict:
    return finish(start(script, cache))


def compiled_files(cache: Path, suffix: str) -> list[Path]:
    return sorted((cache / "generated" / "__pycache__").glob(f"*{suffix}"))


@pytest.fixture
def warm(script, tmp_path):
    """A cache folder a first process has filled."""
    cache = tmp_path / "cache"
    first = run(script, cache)
    assert first["misses"] == 1 and first["hits"] == 0
    return cache


def test_a_second_process_loads_what_the_first_compiled_and_compiles_nothing(script, warm):
    second = run(script, warm)
    assert second == {**second, "hits": 1, "misses": 0, "warnings": []}


def test_the_cache_folder_is_private_to_the_user(warm):
    assert (warm / "generated").stat().st_mode & 0o077 == 0


def test_two_processes_compiling_the_same_gradient_at_once_both_succeed(script, tmp_path):
    cache = tmp_path / "cache"
    both = [start(script, cache) for _ in range(2)]
    for report in map(finish, both):
        assert report["warnings"] == []
    assert not list((cache / "generated").rglob("*.tmp*"))  # no temporary file left behind
    assert run(script, cache)["misses"] == 0


@pytest.mark.parametrize("suffix", [".nbi", ".nbc"])
def test_a_truncated_compiled_file_is_detected_and_compiled_again(script, warm, suffix):
    for path in compiled_files(warm, suffix):
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    again = run(script, warm)
    assert again["misses"] == 1
    assert any("damaged or was changed" in w for w in again["warnings"])
    assert run(script, warm) == {**again, "hits": 1, "misses": 0, "warnings": []}


def test_an_altered_compiled_file_is_never_unpickled(script, warm, tmp_path):
    """A data file replaced by a pickle that would create a file when loaded: it must not."""
    marker = tmp_path / "unpickled"

    class Evil:
        def __reduce__(self):
            return open, (str(marker), "w")

    for path in compiled_files(warm, ".nbc"):
        seal = path.read_bytes()[:32]
        path.write_bytes(seal + pickle.dumps(Evil()))
    again = run(script, warm)
    assert not marker.exists()
    assert again["misses"] == 1


def test_an_altered_generated_module_is_written_again_before_it_runs(script, warm, tmp_path):
    marker = tmp_path / "executed"
    (module,) = (warm / "generated").glob("*.py")
    module.write_text(f"open({str(marker)!r}, 'w')\n" + module.read_text())
    again = run(script, warm)  # its gradient is right: finish() checks
    assert not marker.exists()
    assert "open(" not in module.read_text()
    assert again["warnings"] == []


@pytest.fixture
def unwritable(tmp_path):
    """A folder this process cannot write: read-only by mode, or immutable for root."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)
        return
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0:
        yield folder
        subprocess.run(["chattr", "-i", str(folder)], check=True)
        return
    blocker = tmp_path / "a-file"  # root ignores modes: a folder inside a file cannot exist
    blocker.write_text("")
    yield blocker / "cache"


def test_an_unwritable_cache_folder_gives_one_warning_and_works_in_memory(script, unwritable):
    report = run(script, unwritable)
    assert report["misses"] == 1
    (warning,) = report["warnings"]
    assert "cannot write to its cache folder" in warning and "ASTGRAD_CACHE_DIR" in warning


def test_cache_info_and_clear_from_the_command_line(warm):
    env = dict(os.environ, ASTGRAD_CACHE_DIR=str(warm), PYTHONPATH=REPOSITORY)

    def command(*words):
        done = subprocess.run([sys.executable, "-m", "astgrad", "cache", *words], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    info = command("info")
    assert str(warm / "generated") in info and "1 generated module" in info
    assert "freed" in command("clear")
    assert not (warm / "generated").exists()
    info = command("info")  # a folder not made yet is one the next gradient makes
    assert "0 generated modules" in info and "made when the first gradient is compiled" in info
    assert "cannot be written" not in info
    shutil.rmtree(warm)
    assert "made when the first gradient is compiled" in command("info")


def test_cache_info_says_when_the_folder_cannot_be_written(unwritable):
    env = dict(os.environ, ASTGRAD_CACHE_DIR=str(unwritable), PYTHONPATH=REPOSITORY)
    done = subprocess.run([sys.executable, "-m", "astgrad", "cache", "info"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "(cannot be written)" in done.stdout


TEXTS = '''
import hashlib, sys
import numpy as np
import astgrad
from tests import test_specialize
from tests.corpus import control
from tests.fuzz import regressions

texts = []
for function, wrt in [(c.function, c.wrt) for c in control.CASES] + [
        (f, (0,)) for f, _ in regressions.CASES]:
    try:
        texts.append(astgrad.grad(function, wrt, jit=False).source)
    except astgrad.AstgradError as error:
        texts.append(type(error).__name__)
for function, sizes in test_specialize.PATTERNS.items():  # and their specialized versions
    args = [np.ones(s) for s in test_specialize.shapes_of(function, sizes)]
    texts.append(astgrad.specialized(test_specialize.gradient(function, False), args).source)
print(hashlib.sha256("\\n".join(texts).encode()).hexdigest())
'''


def test_the_generated_text_is_the_same_in_every_process(tmp_path):
    """The text is the disk cache's key: a process that wrote it otherwise (sets of names
    iterated in the order of their hashes, which Python varies from process to process)
    would compile again what another compiled."""
    path = tmp_path / "texts.py"
    path.write_text(TEXTS)

    def digest(seed: str) -> str:
        env = dict(os.environ, ASTGRAD_CACHE_DIR=str(tmp_path / "cache"),
                   PYTHONPATH=REPOSITORY, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, str(path)], env=env, capture_output=True,
                              text=True, timeout=600, cwd=REPOSITORY)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert len({digest(seed) for seed in ("1", "2", "3", "4")}) == 1


SPECIALIZING = '''
import json, os, warnings
import numpy as np
import astgrad, astgrad.api

def loss(w, x):
    return np.sum(np.tanh(x * w) ** 2)

if os.environ.get("WITHOUT_THE_SPECIALIZER"):
    def refuse(*args):
        raise AssertionError("the specializer ran")
    astgrad.api.specialize = refuse
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    df = astgrad.grad(loss)
    gradient = df(np.linspace(-1.0, 1.0, 4), np.linspace(0.0, 2.0, 4))
print(json.dumps({"gradient": gradient.tolist(), "versions": len(df.specialized),
                  "warnings": [str(w.message) for w in caught]}))
'''


def test_a_specialized_gradients_text_is_written_once_for_every_process(tmp_path):
    # the specializer's text is kept beside the generated modules: a later process reads it
    # instead of specializing again (its first call then pays numba's loading alone)
    script, cache = tmp_path / "specializes.py", tmp_path / "cache"
    script.write_text(SPECIALIZING)
    reports = []
    for without in ("", "1"):
        env = dict(os.environ, ASTGRAD_CACHE_DIR=str(cache), PYTHONPATH=REPOSITORY,
                   WITHOUT_THE_SPECIALIZER=without)
        done = subprocess.run([sys.executable, str(script)], env=env, text=True,
                              capture_output=True, timeout=300)
        assert done.returncode == 0, done.stderr
        reports.append(json.loads(done.stdout.strip().splitlines()[-1]))
    first, second = reports
    assert first["versions"] == second["versions"] == 1
    assert second["warnings"] == [] and second["gradient"] == first["gradient"]
    assert len(list((cache / "generated").glob("loss_specialized_*.json"))) == 0
    assert len(list((cache / "generated").glob("grad_loss_specialized_*.json"))) == 1


RUN_PATH = """
import json, runpy, sys
import numpy as np
import astgrad

namespace = runpy.run_path(sys.argv[1])
gradient = astgrad.grad(namespace["loss"])(np.linspace(-2.0, 2.0, 5))
print(json.dumps([float(g) for g in gradient]))
"""

RULED = """
import numpy as np
import astgrad

def softplus(x):
    return np.log1p(np.exp(x))

@astgrad.rule(softplus)
def softplus_rule(ans, x):
    return 1 / (1 + np.exp(-x))

def loss(x):
    return np.sum(softplus(x))
"""


def test_a_function_of_a_module_runpy_ran_is_compiled_again_not_loaded(tmp_path):
    # the compiled gradient calls softplus, whose module (`<run_path>`) no import finds:
    # numba's cached code of it cannot be loaded in the next process, which compiles it again
    (tmp_path / "ruled.py").write_text(RULED)
    (tmp_path / "runs_it.py").write_text(RUN_PATH)
    env = dict(os.environ, ASTGRAD_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=REPOSITORY)
    expected = 1 / (1 + np.exp(-np.linspace(-2.0, 2.0, 5)))
    for _ in range(2):
        done = subprocess.run([sys.executable, str(tmp_path / "runs_it.py"),
                               str(tmp_path / "ruled.py")], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        np.testing.assert_allclose(json.loads(done.stdout.strip().splitlines()[-1]), expected)
