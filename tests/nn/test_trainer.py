"""astgrad.nn's interface: models, their files, batch orders, histories, float32, training
any loss function, and every bad input as a TrainingError naming the caller's line."""

import numpy as np
import pytest

from astgrad import AstgradError, nn, stop_gradient
from astgrad.errors import TrainingError

from ..corpus import training


def regression(samples=96, features=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(samples, features))
    return X, np.tanh(X @ rng.normal(size=(features, 1)))


def classification(samples=120, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, samples)
    X = rng.normal(size=(samples, 2)) + 2.5 * np.eye(3)[labels][:, :2] - 1.0 * (labels == 2)[
        :, None]
    return X, labels


def small_model(**options):
    return nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1), **options)


# -- models -------------------------------------------------------------------------------------


def test_parameters_follow_pytorchs_layout_and_initialization():
    model = nn.Sequential(nn.Linear(400, 30), nn.ReLU(), nn.Linear(30, 2), seed=3)
    W1, b1, W2, b2 = model.parameters()
    assert (W1.shape, b1.shape, W2.shape, b2.shape) == ((30, 400), (30,), (2, 30), (2,))
    bound = 1 / np.sqrt(400)
    assert np.abs(W1).max() <= bound and np.std(W1) == pytest.approx(bound / np.sqrt(3), 0.05)
    same = nn.Sequential(nn.Linear(400, 30), nn.ReLU(), nn.Linear(30, 2), seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(model.parameters(), same.parameters()))
    assert model.parameter_names() == ["W1", "b1", "W2", "b2"]
    assert nn.Sequential(nn.Linear(2, 2, bias=False)).parameter_names() == ["W1"]


def test_calling_the_model_predicts_with_the_compiled_forward_pass():
    model = small_model()
    X, _ = regression(5)
    W1, b1, W2, b2 = model.parameters()
    np.testing.assert_allclose(model(X), np.tanh(X @ W1.T + b1) @ W2.T + b2, rtol=1e-13)


def test_load_parameters_copies_in_and_checks_shapes():
    model = small_model()
    given = [np.full(p.shape, 0.5) for p in model.parameters()]
    model.load_parameters(given)
    given[0][:] = 9.0
    assert np.all(model.parameters()[0] == 0.5)
    with pytest.raises(TrainingError, match="W1 has shape"):
        model.load_parameters([np.zeros((2, 2))] + given[1:])
    with pytest.raises(TrainingError, match="4"):
        model.load_parameters(given[:2])


def test_save_and_load_keep_layers_and_parameters(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 2, bias=False), seed=5,
                          dtype=np.float32)
    model.save(tmp_path / "model.npz")
    loaded = nn.Sequential.load(tmp_path / "model.npz")
    assert repr(loaded) == repr(model) and loaded.dtype == np.float32
    assert all(np.array_equal(a, b) for a, b in zip(loaded.parameters(), model.parameters()))
    (tmp_path / "broken.npz").write_bytes(b"not a model")
    with pytest.raises(TrainingError, match="cannot read a model"):
        nn.Sequential.load(tmp_path / "broken.npz")


@pytest.mark.parametrize("layers, message", [
    ((), "at least one layer"),
    ((nn.ReLU(),), "Linear"),
    ((nn.Linear(3, 4), nn.Linear(5, 1)), "takes 5 inputs"),
    (("dense",), "Linear, ReLU"),
])
def test_a_model_that_cannot_be_built_says_why(layers, message):
    with pytest.raises(TrainingError, match=message):
        nn.Sequential(*layers)


# -- training -----------------------------------------------------------------------------------


def test_fit_learns_and_returns_the_history():
    X, Y = regression()
    trainer = nn.Trainer(small_model(), loss="mse", optimizer=nn.Adam(0.02))
    history = trainer.fit(X, Y, epochs=30, batch_size=16, progress=False)
    assert list(history) == ["loss"] and len(history["loss"]) == 30
    assert history["loss"][-1] < 0.2 * history["loss"][0]
    assert trainer.evaluate(X, Y)["loss"] == pytest.approx(np.mean((trainer.predict(X) - Y) ** 2))
    assert trainer.steps_taken == 30 * 6


def test_classification_reports_accuracy():
    X, labels = classification()
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
    trainer = nn.Trainer(model, loss="cross_entropy", optimizer=nn.Adam(0.05))
    history = trainer.fit(X, labels, epochs=40, batch_size=20, progress=False)
    assert history["accuracy"][-1] > 0.9
    evaluation = trainer.evaluate(X, labels)
    assert evaluation["accuracy"] == np.mean(np.argmax(trainer.predict(X), axis=1) == labels)


@pytest.mark.parametrize("loss, last", [("bce", nn.Sigmoid()), ("bce_with_logits", None)])
def test_binary_losses_train_a_classifier(loss, last):
    X, labels = classification()
    Y = (labels == 0).astype(float)
    layers = [nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1)] + ([last] if last else [])
    trainer = nn.Trainer(nn.Sequential(*layers), loss=loss, optimizer=nn.SGD(0.5, momentum=0.5))
    history = trainer.fit(X, Y, epochs=30, batch_size=30, progress=False)
    assert history["accuracy"][-1] > 0.9


def test_the_shuffle_is_seeded_and_the_last_partial_batch_is_kept_or_dropped():
    X, Y = regression(samples=50)

    def run(**options):
        trainer = nn.Trainer(small_model(), loss="mse", optimizer=nn.SGD(0.1))
        history = trainer.fit(X, Y, epochs=2, batch_size=16, progress=False, **options)
        return history["loss"], trainer.steps_taken

    assert run(seed=1) == run(seed=1) and run(seed=1) != run(seed=2)
    assert run()[1] == 2 * 4 and run(drop_last=True)[1] == 2 * 3
    assert run(shuffle=False)[1] == 8


def test_batch_indices_replay_an_order_over_epochs():
    X, Y = regression(samples=40)
    order = np.random.default_rng(0).permutation(40).reshape(4, 10)
    trainer = nn.Trainer(small_model(), loss="mse", optimizer=nn.SGD(0.1))
    history = trainer.fit(X, Y, epochs=2, batch_indices=order, progress=False)
    assert len(history["loss"]) == 2 and trainer.steps_taken == 4


def test_float32_training_stays_float32_and_follows_float64():
    X, Y = regression()
    runs = {}
    for dtype in (np.float32, np.float64):
        trainer = nn.Trainer(small_model(dtype=dtype), loss="mse", optimizer=nn.Adam(0.01))
        runs[dtype] = trainer.fit(X, Y, epochs=5, batch_size=16, progress=False)["loss"]
        assert all(p.dtype == dtype for p in trainer.model.parameters())
    np.testing.assert_allclose(runs[np.float32], runs[np.float64], rtol=1e-4)


def test_the_generated_sources_are_readable():
    trainer = nn.Trainer(small_model(), loss="mse", optimizer=nn.SGD(0.1, momentum=0.9))
    assert "def loss(W1, b1, W2, b2, X, Y):" in trainer.source
    assert "h = np.tanh(h)" in trainer.source
    assert "sgd_update(W1.ravel(), dW1.ravel(), momentum_buffer_W1.ravel()" in trainer.epoch_source


def test_fit_runs_the_gradient_specialized_for_batches_of_one_shape_pattern():
    # 96 rows: batches of 32 rows, one pattern; 97: the last batch has one row, whose
    # dimension of 1 broadcasts where the others' do not, so the loop calls the generic gradient
    for samples, specialized in ((96, True), (97, False)):
        X, Y = regression(samples)
        trained = {}
        for jit in (True, False):
            model = small_model(seed=1)
            trainer = nn.Trainer(model, loss="mse", optimizer=nn.Adam(0.01), jit=jit)
            trainer.fit(X, Y, epochs=2, batch_size=32, progress=False)
            trained[jit] = model.parameters()
            if jit:
                assert ("_specialized_" in trainer.epoch_source) == specialized
        for ours, plain in zip(trained[True], trained[False]):
            np.testing.assert_allclose(ours, plain, rtol=1e-12, atol=1e-15)


def test_a_loss_function_trains_like_a_model():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 200)
    y = 0.5 - 2.0 * x + 1.5 * x ** 3 + 0.01 * rng.normal(size=200)
    start = np.zeros(4)
    trainer = nn.Trainer.from_function(training.cubic_loss, [start], nn.Adam(0.1))
    history = trainer.fit(x, y, epochs=150, batch_size=50, progress=False)
    (coefficients,) = trainer.parameters
    np.testing.assert_allclose(coefficients, [0.5, -2.0, 0.0, 1.5], atol=0.05)
    assert np.all(start == 0) and history["loss"][-1] < 1e-3
    assert trainer.evaluate(x, y)["loss"] == pytest.approx(training.cubic_loss(coefficients, x,
                                                                                y))
    with pytest.raises(TrainingError, match="no forward pass"):
        trainer.predict(x)


@pytest.mark.parametrize("jit", [True, False])
def test_a_trainer_fits_data_of_another_dtype_the_next_time(jit):
    # float32 coefficients meet float32 data, then float64 data: the second fit's epoch calls
    # the gradient compiled for its own batches, and goes on as a new trainer started from
    # the first fit's result does
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-1, 1, 64), rng.normal(size=64)
    options = dict(epochs=2, batch_size=16, shuffle=False, progress=False)

    def trainer(start):
        return nn.Trainer.from_function(training.cubic_loss, [start], nn.SGD(0.1), jit=jit)

    both = trainer(np.array([0.1, 0.2, 0.3, 0.4], np.float32))
    both.fit(x.astype(np.float32), y.astype(np.float32), **options)
    second = trainer(both.parameters[0].copy())
    both.fit(x, y, **options)
    second.fit(x, y, **options)
    np.testing.assert_array_equal(both.parameters[0], second.parameters[0])


def median_loss(w, X, Y):
    center = np.median(stop_gradient(X), axis=1)  # numba compiles no median along an axis
    return np.mean((X @ w - center - Y[:, 0]) ** 2)


def test_a_loss_numba_cannot_compile_is_an_error_on_its_line():
    trainer = nn.Trainer.from_function(median_loss, [np.ones(3)], nn.SGD(0.1))
    with pytest.raises(AstgradError, match="median") as error:
        trainer.fit(*regression(), progress=False)
    assert "numba compiles no median" in str(error.value)


def first_two_targets_loss(w, X, Y):
    return np.mean((X @ w - Y[:2]) ** 2)  # a batch of one row fits, of 16 rows does not


@pytest.mark.parametrize("jit", [True, False])
def test_an_error_the_loss_raises_inside_the_epoch_is_reported_on_its_line(jit):
    # the gradient's check runs on one row; the compiled epoch meets the error at its first
    # batch, and fit reports it as the gradient's entry point does, on the loss's line
    trainer = nn.Trainer.from_function(first_two_targets_loss, [np.zeros(3)], nn.SGD(0.1),
                                       jit=jit)
    X, Y = regression()
    with pytest.raises(AstgradError, match="broadcast") as error:
        trainer.fit(X, Y[:, 0], batch_size=16, progress=False)
    assert "return np.mean((X @ w - Y[:2]) ** 2)" in str(error.value)
    assert np.array_equal(trainer.parameters[0], np.zeros(3))  # no step was taken


# -- errors -------------------------------------------------------------------------------------


def _line_of(marker: str) -> int:
    with open(__file__) as source:
        return next(i for i, line in enumerate(source, 1) if marker in line and "_line_of"
                    not in line)


def test_an_error_names_the_line_that_called_fit():
    trainer = nn.Trainer(small_model(), loss="mse", optimizer=nn.SGD(0.1))
    with pytest.raises(TrainingError) as error:
        trainer.fit(np.zeros((4, 2)), np.zeros(4), progress=False)  # the fit call
    assert isinstance(error.value, AstgradError)
    assert error.value.origin.filename == __file__
    assert error.value.origin.line == _line_of("# the fit call")


@pytest.mark.parametrize("X, Y, message", [
    (np.zeros((4, 2)), np.zeros(4), r"shape \(4, 2\).*rows of 3 features"),
    (np.zeros((4, 3)), np.zeros((4, 2)), r"targets Y have shape \(4, 2\)"),
    (np.zeros((4, 3)), np.zeros(5), "4 samples of X but 5 targets"),
    (np.zeros((0, 3)), np.zeros(0), "empty"),
    (np.full((4, 3), np.nan), np.zeros(4), "NaN"),
    (np.array([["a", "b", "c"]]), np.zeros(1), "numbers"),
])
def test_data_that_does_not_fit_the_model_is_an_error(X, Y, message):
    trainer = nn.Trainer(small_model(), loss="mse", optimizer=nn.SGD(0.1))
    with pytest.raises(TrainingError, match=message):
        trainer.fit(X, Y, progress=False)


def test_labels_out_of_range_are_an_error():
    model = nn.Sequential(nn.Linear(2, 3))
    trainer = nn.Trainer(model, loss="cross_entropy", optimizer=nn.SGD(0.1))
    with pytest.raises(TrainingError, match="class label 3 is out of range for the model's 3"):
        trainer.fit(np.zeros((2, 2)), np.array([0, 3]), progress=False)
    with pytest.raises(TrainingError, match="integer class labels"):
        trainer.fit(np.zeros((2, 2)), np.array([0.0, 1.0]), progress=False)


def test_a_loss_that_becomes_nan_stops_training_and_keeps_the_parameters_before_it():
    X, Y = regression()
    trainer = nn.Trainer(small_model(), loss="mse", optimizer=nn.SGD(1e6))
    with pytest.raises(TrainingError, match=r"not finite at epoch \d+, step \d+") as error:
        trainer.fit(X * 1e3, Y, epochs=5, batch_size=16, progress=False)
    assert "lower the learning rate" in str(error.value)
    assert all(np.all(np.isfinite(p)) for p in trainer.model.parameters())


@pytest.mark.parametrize("make, message", [
    (lambda: nn.Trainer(small_model(), loss="hinge"), "unknown loss 'hinge'"),
    (lambda: nn.Trainer(small_model(), loss="bce"), "ends with Linear"),
    (lambda: nn.Trainer("model"), "Sequential"),
    (lambda: nn.Trainer(small_model(), optimizer="adam"), "optimizer"),
    (lambda: nn.SGD(0.1, nesterov=True), "Nesterov"),
    (lambda: nn.Adam(-1.0), "learning rate"),
    (lambda: nn.Trainer.from_function(training.cubic_loss, [np.zeros(4), 1.0]), "1 parameter"),
])
def test_bad_options_are_errors(make, message):
    with pytest.raises(TrainingError, match=message):
        make()


@pytest.mark.parametrize("options, message", [
    (dict(epochs=0), "epochs"),
    (dict(batch_size=0), "batch_size"),
    (dict(batch_indices=np.array([[0, 99]])), "outside"),
    (dict(batch_indices=np.zeros((3, 2), int), epochs=2), "divide"),
    (dict(batch_size=64, drop_last=True), "leaves no batch"),
])
def test_bad_fit_options_are_errors(options, message):
    X, Y = regression(samples=10)
    trainer = nn.Trainer(small_model(), loss="mse", optimizer=nn.SGD(0.1))
    with pytest.raises(TrainingError, match=message):
        trainer.fit(X, Y, progress=False, **options)


class _Terminal:
    """A stand-in for stderr that says it is a terminal, and keeps what is written to it."""

    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_the_progress_bar_is_drawn_on_a_terminal_only(capsys, monkeypatch):
    trainer = nn.Trainer(small_model(), loss="mse", optimizer=nn.SGD(0.1))
    trainer.fit(*regression(), epochs=2, progress=True)  # pytest's stderr is no terminal
    assert capsys.readouterr().err == ""
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    trainer.fit(*regression(), epochs=2, progress=True)
    assert "training" in terminal.text and "2/2" in terminal.text
    terminal.text = ""
    trainer.fit(*regression(), epochs=2, progress=False)
    assert terminal.text == ""
