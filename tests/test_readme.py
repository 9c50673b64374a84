"""The README's examples run (written to a file first: astgrad reads functions' source)."""

import re
import runpy
from pathlib import Path

README = Path(__file__).parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_the_first_screen_example_runs(tmp_path, capsys):
    example = tmp_path / "readme_example.py"
    example.write_text(python_blocks()[0])
    runpy.run_path(str(example), run_name="__main__")
    printed = capsys.readouterr().out
    assert "def grad_loss(" in printed and "# line 5" in printed


def test_the_rule_example_registers_a_rule_that_checks_out(tmp_path):
    rule = next(b for b in python_blocks() if "def softplus_rule" in b)
    module = tmp_path / "readme_rule.py"
    module.write_text("import numpy as np\nimport astgrad\n\n" + rule + "\n\n"
                      "def loss(x):\n    return np.sum(softplus(x))\n")
    namespace = runpy.run_path(str(module))
    import numpy as np

    from astgrad.testing import check_grads

    check_grads(namespace["loss"], (np.linspace(-2, 2, 5),))


def test_the_generated_loop_in_the_readme_is_what_astgrad_writes():
    import astgrad

    from .corpus import control

    source = astgrad.grad(control.logistic, wrt=(0, 1)).source
    generated = source[source.index("def grad_logistic("):source.index("def grad_logistic_entry")]
    assert generated.strip() in README.read_text()


def test_the_tape_example_prints_what_its_comments_say(tmp_path, capsys):
    block = next(b for b in python_blocks() if "from astgrad import tape" in b)
    example = tmp_path / "readme_tape.py"
    example.write_text(block)
    runpy.run_path(str(example))
    assert capsys.readouterr().out == (
        "tensor(31., grad_fn=<AddBackward0>)\ntensor(4.) tensor(27.)\n")
