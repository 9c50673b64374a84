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


def test_the_training_example_trains(tmp_path, monkeypatch):
    import numpy as np

    block = next(b for b in python_blocks() if "from astgrad import nn" in b)
    rng = np.random.default_rng(0)
    X, X_test = rng.normal(size=(256, 64)), rng.normal(size=(64, 64))
    labels, labels_test = np.argmax(X[:, :10], axis=1), np.argmax(X_test[:, :10], axis=1)
    monkeypatch.chdir(tmp_path)  # model.save writes model.npz
    namespace = {"X": X, "labels": labels, "X_test": X_test, "labels_test": labels_test}
    exec(compile(block.replace("epochs=10", "epochs=3").replace("print(", "str("),
                 str(tmp_path / "readme_nn.py"), "exec"), namespace)
    losses = namespace["history"]["loss"]
    assert losses[-1] < losses[0]
    assert (tmp_path / "model.npz").exists()


def test_the_physics_example_in_the_readme_is_the_one_in_examples():
    import ast

    def body(tree):
        function = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))
        statements = function.body[1:] if isinstance(function.body[0], ast.Expr) else function.body
        return [ast.dump(statement) for statement in statements]

    block = next(b for b in python_blocks() if "def oscillator_loss" in b)
    readme_function = block[:block.index("\n\n")]
    example = (README.parent / "examples" / "fit_a_physics_model.py").read_text()
    assert body(ast.parse(readme_function)) == body(ast.parse(example))


def test_the_performance_section_reproduces_the_benchmark_results():
    results = README.parent / "benchmarks" / "results.md"
    text = README.read_text()
    reproduced = text[text.index("<!-- benchmarks/results.md -->\n") + 31:
                      text.index("<!-- end of benchmarks/results.md -->")]
    assert reproduced.strip() == results.read_text().strip()


def test_the_table_of_rules_names_every_function_with_a_rule():
    """Each NumPy, SciPy or math function astgrad has a rule for (not a zero derivative) is
    named in the README's table of derivative rules, as `np.name`, `name` or `x.name`."""
    import math

    import numpy as np

    from astgrad.rules import declared, lookup

    text = README.read_text()
    table = text[text.index("| domain | functions |"):text.index("Refused today")]
    named = set(re.findall(r"`(?:np\.|x\.|\.)?(\w+)", table))
    libraries = ("numpy", "math", "scipy")
    missing = [p.__name__ for p in declared() if (isinstance(p, np.ufunc) or getattr(
        p, "__module__", "").split(".")[0] in libraries or p in vars(math).values())
        and lookup(p) is not None and not lookup(p).is_zero and p.__name__ not in named]
    assert not missing, f"rules the README's table does not name: {missing}"
