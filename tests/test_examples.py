"""Every example script runs, and prints what its seed document shows (or, for seed 002,
the right value where the seed is wrong); the two engines print the same numbers."""

import re
import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"


def run(name: str, capsys) -> str:
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    return capsys.readouterr().out


def test_seed_000_gradients_and_the_training_loop(capsys):
    out = run("seed_000_simple_nn.py", capsys)
    assert out.startswith("tensor(3.)\ntensor(2.)\nastgrad.grad: (3.0, 2.0)\n")
    epochs = re.findall(r"Epoch \[(\d+)/100\], Loss: ([\d.]+)   astgrad.grad: ([\d.]+)", out)
    assert [int(e) for e, _, _ in epochs] == list(range(10, 101, 10))
    # float32 in both engines, printed to 4 decimals: equal but for the last digit's rounding
    assert all(abs(float(a) - float(b)) <= 1e-4 for _, a, b in epochs)
    assert float(epochs[-1][1]) < 0.5 * float(epochs[0][1])
    compiled = re.search(r"astgrad.nn, every 10th epoch: ([\d. ]+)", out).group(1).split()
    assert all(abs(float(a) - float(c)) <= 1e-4 for (_, a, _), c in zip(epochs, compiled))


def test_seed_001_prints_the_seeds_values(capsys):
    out = run("seed_001_autograd.py", capsys)
    for line in ["tensor(31., grad_fn=<AddBackward0>)", "Gradient of x:  tensor(4.)",
                 "Gradient of y:  tensor(27.)", "astgrad.grad: (4.0, 27.0)",
                 "Gradient of a: tensor(6.)", "Gradient of b: None", "astgrad.grad: (6.0, 0.0)"]:
        assert line + "\n" in out
    tape_step, grad_step = re.findall(r"weight (-?[\d.]+), bias (-?[\d.]+)", out)
    assert tape_step == grad_step


def test_seed_002_gives_14_not_6(capsys):
    assert run("seed_002_polynomial.py", capsys) == "tensor(14.)\nastgrad.grad: 14.0\n"


def test_seed_003_classifies_its_data(capsys):
    out = run("seed_003_binary_classification.py", capsys)
    tape_accuracy = float(re.search(r"Accuracy \(tape\): +([\d.]+)", out).group(1))
    grad_accuracy = float(re.search(r"Accuracy \(astgrad.grad\): ([\d.]+)", out).group(1))
    assert tape_accuracy >= 0.9 and grad_accuracy == pytest.approx(tape_accuracy, abs=0.01)
    losses = re.findall(r"Loss: ([\d.]+)   astgrad.grad: ([\d.]+)", out)
    assert len(losses) == 5 and all(abs(float(a) - float(b)) <= 1e-4 for a, b in losses)
    assert float(re.search(r"Accuracy \(astgrad.nn\): +([\d.]+)", out).group(1)) >= 0.9


def test_seed_004_gives_3_and_8(capsys):
    out = run("seed_004_mixed.py", capsys)
    assert out == "tensor(3.)\ntensor(8.)\nastgrad.grad: (3.0, 8.0)\n"


def test_the_physics_model_recovers_its_constants(capsys):
    out = run("fit_a_physics_model.py", capsys)
    stiffness, damping = map(float, re.search(
        r"stiffness ([\d.]+) \(true 4.0\), damping ([\d.]+)", out).groups())
    assert stiffness == pytest.approx(4.0, abs=0.05) and damping == pytest.approx(0.3, abs=0.02)
