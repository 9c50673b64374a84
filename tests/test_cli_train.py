"""`python -m astgrad train` and the bundled dataset (astgrad/cli/, astgrad/data/).

Most tests call `astgrad.cli.main` in this process; one runs `python -m astgrad train` as a
user would. Training runs use the default network for 2 or 3 epochs, so that they share the
compiled training loop (from astgrad's disk cache) with the no-argument run.
"""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import astgrad.data
from astgrad.cli import main
from astgrad.cli.report import History, curves_figure
from astgrad.cli.task import Task, batch_order, split_rows, task_of
from astgrad.cli.train import hidden_sizes
from astgrad.data import load_breast_cancer, read_csv, read_header
from astgrad.errors import CommandLineError

REPOSITORY = Path(__file__).resolve().parents[1]


def train(capsys, *options):
    """Exit status, stdout and stderr of `python -m astgrad train *options`, in-process."""
    status = main(["train", *map(str, options)])
    out, err = capsys.readouterr()
    return status, out, err


def number_after(label: str, text: str) -> float:
    return float(re.search(rf"^{re.escape(label)}:? +([-+.0-9e]+)", text, re.MULTILINE)[1])


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# -- the bundled data ---------------------------------------------------------------------------


def test_the_bundled_data_is_the_wisconsin_diagnostic_breast_cancer_data():
    X, y, names = load_breast_cancer()
    assert X.shape == (569, 30) and X.dtype == np.float64 and np.all(np.isfinite(X))
    assert y.dtype == np.int64 and set(y) == {0, 1}
    assert y.sum() == 212  # malignant = 1
    assert names[0] == "radius_mean" and names[-1] == "fractal_dimension_worst"
    assert X[0, 0] == 17.99 and y[0] == 1  # the first sample of the UCI file, malignant


def test_the_bundled_data_ships_with_its_source_and_licence():
    text = (Path(astgrad.data.__file__).parent / "BREAST_CANCER.md").read_text()
    assert "10.24432/C5DW2B" in text and "CC BY 4.0" in text and "`1` = malignant" in text


# -- reading a user's CSV file ------------------------------------------------------------------


def test_read_csv_takes_the_last_column_by_default_and_text_classes(tmp_path):
    path = write(tmp_path / "t.csv", "a, b ,kind\n1,2,cat\n\n3,4.5,dog\n")
    X, y, names = read_csv(path)
    assert names == ["a", "b"] and X.tolist() == [[1, 2], [3, 4.5]]
    assert y.tolist() == ["cat", "dog"]
    assert read_header(path) == ["a", "b", "kind"]
    X, y, names = read_csv(write(tmp_path / "u.csv", "y,x\n1,2\n"), "y")
    assert y.dtype == np.float64 and y.tolist() == [1.0] and names == ["x"]


@pytest.mark.parametrize("text, message", [
    ("a,b\n1,2\n3,inf\n", "line 3: column 'b' has 'inf', which is not a finite number"),
    ("b,a\n1,2\nnan,4\n", "line 3: column 'b' has 'nan', which is not a finite number"),
    ("b,a\n1,2\n,4\n", "line 3: the target 'b' is empty"),
    ("a,b\n1,2\n3\n", "line 3: 1 values, but the header names 2 columns"),
    ("a,b\n1,x\n3,4\n", "line 2: the target 'b' has 'x', but other rows have numbers there"),
    ("b\n1\n", "only the column 'b': no features"),
])
def test_read_csv_names_the_line_and_column_of_a_bad_value(tmp_path, text, message):
    with pytest.raises(CommandLineError, match=re.escape(message)):
        read_csv(write(tmp_path / "t.csv", text), "b")


# -- options and preparation, without training --------------------------------------------------


def test_hidden_sizes():
    assert hidden_sizes("32,16") == [32, 16] and hidden_sizes(" 8 ") == [8]


@pytest.mark.parametrize("y, loss, classes", [
    ([0, 1, 1, 0], "bce_with_logits", ["0", "1"]),
    ([2.0, 5.0, 5.0], "bce_with_logits", ["2", "5"]),
    ([1, 2, 3, 3], "cross_entropy", ["1", "2", "3"]),
    (np.array(["b", "a", "c"]), "cross_entropy", ["a", "b", "c"]),
    ([0.5, 1.5, 2.25], "mse", []),
    (list(range(30)), "mse", []),  # too many integer values to be classes
])
def test_the_target_decides_the_loss(y, loss, classes):
    task = task_of(np.asarray(y) if isinstance(y, np.ndarray) else np.array(y, float), "y")
    assert (task.loss, task.classes) == (loss, classes)


def test_the_split_is_stratified_and_standardized_on_the_training_rows():
    X, y, _ = load_breast_cancer()
    split = split_rows(X, task_of(y, "diagnosis"), 0.2, seed=0)
    assert len(split.X_train) + len(split.X_test) == 569
    assert abs(split.Y_test.mean() - 212 / 569) < 0.01
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(split.X_train.std(axis=0), 1)
    again = split_rows(X, task_of(y, "diagnosis"), 0.2, seed=0)
    np.testing.assert_array_equal(split.X_test, again.X_test)


def test_the_batch_order_shuffles_each_epoch_into_full_batches():
    order = batch_order(10, epochs=3, batch_size=4, seed=0)
    assert order.shape == (6, 4) and order.dtype == np.int64
    for epoch in order.reshape(3, 8):
        assert len(set(epoch)) == 8
    assert not np.array_equal(order[:2], order[2:4])


# -- mistakes: a message on stderr, a non-zero status, never a traceback ------------------------

TOO_SMALL = "a,y\n1,0\n2,1\n"


@pytest.mark.parametrize("options, files, message", [
    (["--data", "{tmp}/nowhere.csv"], {}, "no such file: "),
    (["--data", "{tmp}/t.csv"], {"t.csv": "a,b,y\n1,2,0\n3,x,1\n"},
     "t.csv, line 3: column 'b' has 'x', which is not a finite number"),
    (["--data", "{tmp}/t.csv"], {"t.csv": ""}, "t.csv is empty"),
    (["--data", "{tmp}/t.csv"], {"t.csv": "a,y\n"}, "t.csv has a header but no data rows"),
    (["--data", "{tmp}/t.csv", "--target", "z"], {"t.csv": "a,y\n1,0\n"},
     "t.csv has no column 'z'; its columns are: a, y"),
    (["--target", "nope"], {}, "has no column 'nope'; its columns are: radius_mean, "),
    (["--data", "{tmp}/t.csv"], {"t.csv": TOO_SMALL}, "2 rows are too few to split"),
    (["--data", "{tmp}/t.csv", "--test-fraction", "0.9"], {"t.csv": "a,y\n1,0\n2,1\n3,0\n"},
     "too few to split"),
    (["--data", "{tmp}/t.csv"], {"t.csv": "a,y\n1,3\n2,3\n3,3\n"},
     "the target 'y' has the same value 3.0 in every row"),
    (["--hidden", "32,x"], {}, "--hidden '32,x': 'x' is not a positive integer"),
    (["--hidden", "0"], {}, "--hidden '0': '0' is not a positive integer"),
    (["--lr", "-0.1"], {}, "--lr -0.1: the learning rate must be a positive number"),
    (["--lr", "0"], {}, "the learning rate must be a positive number"),
    (["--epochs", "0"], {}, "--epochs 0: train for at least one epoch"),
    (["--batch-size", "0"], {}, "--batch-size 0: a batch holds at least one row"),
    (["--test-fraction", "0"], {}, "--test-fraction 0.0: the fraction of rows held out"),
    (["--test-fraction", "1"], {}, "must be between 0 and 1"),
    (["--seed", "-1"], {}, "--seed -1: a seed is a non-negative integer"),
    (["--plot", "{tmp}/no/such/folder/curves.png"], {}, "does not exist"),
])
def test_a_mistake_is_one_clear_message(capsys, tmp_path, options, files, message):
    if "--plot" in options:
        pytest.importorskip("matplotlib")
    for name, text in files.items():
        write(tmp_path / name, text)
    status, out, err = train(capsys, *(o.format(tmp=tmp_path) for o in options))
    assert status == 2
    assert err.startswith("astgrad train: ") and message in err
    assert "Traceback" not in out + err


def test_an_option_that_is_not_a_number_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["train", "--epochs", "many"])
    assert exit.value.code == 2
    assert "--epochs: invalid int value: 'many'" in capsys.readouterr().err


@pytest.mark.parametrize("option, module, hint", [
    (["--compare", "torch"], "torch", "pip install torch==2.13.0"),
    (["--plot", "curves.png"], "matplotlib", "pip install matplotlib"),
])
def test_a_missing_optional_library_is_named_with_its_install_command(
        capsys, monkeypatch, option, module, hint):
    monkeypatch.setitem(sys.modules, module, None)  # `import` now fails as if not installed
    status, out, err = train(capsys, *option)
    assert status == 2 and f"needs {'PyTorch' if module == 'torch' else module}" in err
    assert hint in err and "Traceback" not in err


def test_a_diverging_run_stops_with_a_message(capsys):
    status, out, err = train(capsys, "--epochs", "2", "--lr", "1e300")
    assert status == 2 and "the loss or its gradient is not finite at epoch" in err
    assert "lower the learning rate" in err and "Traceback" not in err
    assert 'File "' not in err  # no meaningless origin (runpy's line) on the command line


# -- training runs ------------------------------------------------------------------------------


def test_python_m_astgrad_train_with_no_arguments_learns_the_bundled_data():
    result = subprocess.run([sys.executable, "-m", "astgrad", "train"], cwd=REPOSITORY,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert number_after("test accuracy", result.stdout) > 0.9
    assert len(re.findall(r"^ +\d+ +\d\.\d{4} ", result.stdout, re.MULTILINE)) == 20  # epochs


def test_compare_torch_gives_the_same_loss_curve(capsys):
    pytest.importorskip("torch")
    status, out, err = train(capsys, "--epochs", "3", "--compare", "torch")
    assert status == 0, err
    table = out[out.index("astgrad loss"):]
    rows = re.findall(r"^ +(\d+) +([-.0-9e+]+) +([-.0-9e+]+) +([-.0-9e+]+) ", table,
                      re.MULTILINE)
    assert [int(row[0]) for row in rows] == [1, 2, 3]
    ours, theirs = (np.array([float(row[i]) for row in rows]) for i in (1, 2))
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)
    assert ours[-1] < ours[0]
    assert number_after("max |difference| of the trained parameters", out) < 1e-10
    assert re.search(r"^time per epoch \(median\): astgrad .* (astgrad|PyTorch) is [.0-9]+x "
                     "faster$", out, re.MULTILINE)


def test_plot_writes_a_png(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "curves.png"
    status, out, err = train(capsys, "--epochs", "2", "--plot", path)
    assert status == 0, err
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_plot_has_whole_epochs_and_a_title_naming_data_and_model():
    pytest.importorskip("matplotlib")
    history = History([0.6, 0.5, 0.4], [0.7, 0.8, 0.9], [0.6, 0.55, 0.5], [0.7, 0.75, 0.8])
    task = Task("bce_with_logits", ["benign", "malignant"], np.zeros(3, np.int64))
    figure = curves_figure(history, task, "breast_cancer.csv: 30 -> 32 -> 1")
    assert figure.get_suptitle() == "breast_cancer.csv: 30 -> 32 -> 1"
    for axes in figure.axes:
        ticks = [t for t in axes.get_xticks() if 1 <= t <= 3]
        assert ticks and all(float(t).is_integer() for t in ticks)


def tiny_table(rows: int = 90, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 3))
    return X, X @ np.array([1.0, -2.0, 0.5])


def test_regression_on_a_users_csv(capsys, tmp_path):
    X, y = tiny_table()
    lines = ["x1,x2,x3,price"] + [",".join(f"{v:.6f}" for v in (*x, 100 + 10 * t))
                                  for x, t in zip(X, y)]
    path = write(tmp_path / "houses.csv", "\n".join(lines) + "\n")
    status, out, err = train(capsys, "--data", path, "--hidden", 8, "--epochs", 3,
                             "--batch-size", 1000)
    assert status == 0, err
    assert "'price': numbers (regression" in out and "mse" in out
    assert "1 batch of 72 rows" in out  # the batch size is cut to the training rows
    assert "accuracy" not in out and number_after("test RMSE", out) > 0


def test_three_named_classes_in_a_users_csv(capsys, tmp_path):
    X, y = tiny_table()
    names = np.array(["setosa", "versicolor", "virginica"])[np.digitize(y, [-1, 1])]
    lines = ["species,x1,x2,x3"] + [f"{name}," + ",".join(f"{v:.6f}" for v in x)
                                    for name, x in zip(names, X)]
    path = write(tmp_path / "iris.csv", "\n".join(lines) + "\n")
    status, out, err = train(capsys, "--data", path, "--target", "species", "--hidden", 8,
                             "--epochs", 3, "--batch-size", 8)
    assert status == 0, err
    assert "3 classes: 0 = 'setosa'" in out and "cross_entropy" in out
    assert 0 <= number_after("test accuracy", out) <= 1
