"""`python -m astgrad show`, and what every subcommand does with a mistake: one message on
stderr and exit status 2, never a traceback. (`train`: tests/test_cli_train.py; `cache`:
tests/test_cache.py.)"""

import re
import subprocess
import sys
import textwrap

import pytest

from astgrad.cli import main
from astgrad.cli.show import highlighted

MODEL = textwrap.dedent('''
    import numpy as np


    def helper(v):
        return np.tanh(v) * 2


    def loss(w, b, X, n):
        s = 0.0
        for i in range(n):
            s += np.sum(helper(X @ w + b) ** 2)
        return s


    def tries(x):
        try:
            return x
        except ValueError:
            return 0.0
    ''')



def line_of(text: str) -> int:
    """The line of MODEL that contains `text`."""
    return next(n for n, line in enumerate(MODEL.splitlines(), 1) if text in line)

@pytest.fixture
def model(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(MODEL)
    return path


def shown(capsys, *words):
    assert main(["show", *words]) == 0
    return capsys.readouterr().out


def test_show_prints_the_generated_gradient_by_default(model, capsys):
    out = shown(capsys, f"{model}:loss", "--wrt", "w,b")
    assert "def grad_loss(w, b, X, n):" in out
    assert "return cast_like(own(_dw), w), cast_like(own(_db), b)" in out
    statement = "s += np.sum(helper(X @ w + b) ** 2)"
    assert f"# line {line_of(statement)}: {statement}" in out


def test_show_differentiates_the_first_argument_without_wrt(model, capsys):
    assert re.search(r"return cast_like\(_dw, w\) +#", shown(capsys, f"{model}:loss"))


def test_the_parse_stage_is_the_function_as_read(model, capsys):
    out = shown(capsys, f"{model}:loss", "--stage", "parse")
    assert out.startswith("def loss(w, b, X, n):") and "helper(X @ w + b)" in out


def test_the_normalize_stage_has_one_operation_per_line_for_each_function(model, capsys):
    out = shown(capsys, f"{model}:loss", "--stage", "normalize")
    assert re.search(rf"def helper\(v\):\n\s+_t1 = np.tanh\(v\) +# line {line_of('tanh')}", out)
    assert re.search(rf"_t3 = helper\(_t2\) +# line {line_of('s += ')}", out)


def test_highlighting_colours_keywords_and_keeps_the_text():
    text = "def f(x):  # why\n    return x * 2.0 + 'a'\n"
    coloured = highlighted(text)
    assert "\x1b[1;34mdef\x1b[0m" in coloured and "\x1b[36m2.0\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == text


@pytest.mark.parametrize("target, words", [
    ("{model}", "is not FILE.py:FUNC"),
    ("{model}:", "is not FILE.py:FUNC"),
    ("{model}.missing.py:loss", "no file"),
    ("{model}:nothing", "defines no function nothing"),
])
def test_show_names_what_is_wrong_with_the_target(model, capsys, target, words):
    assert main(["show", target.format(model=model)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_a_file_that_fails_to_import_is_reported_with_its_error(tmp_path, capsys):
    broken = tmp_path / "broken.py"
    broken.write_text("import numpy\nraise RuntimeError('the data is missing')\n")
    assert main(["show", f"{broken}:f"]) == 2
    assert "RuntimeError: the data is missing" in capsys.readouterr().err


def test_an_unsupported_function_is_reported_on_its_line(model, capsys):
    assert main(["show", f"{model}:tries"]) == 2
    err = capsys.readouterr().err
    assert f'File "{model}", line {line_of("try:")}' in err and "try" in err


def test_a_wrong_wrt_name_lists_the_arguments(model, capsys):
    assert main(["show", f"{model}:loss", "--wrt", "q"]) == 2
    err = capsys.readouterr().err
    assert "q" in err and "w, b, X, n" in err


def test_the_module_runs_as_a_program_and_a_mistake_exits_2_without_traceback(model):
    done = subprocess.run([sys.executable, "-m", "astgrad", "show", f"{model}:nothing"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("astgrad show: ") and "Traceback" not in done.stderr


def test_an_unknown_subcommand_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["nonsense"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
