"""astgrad.tape.nn: modules subclassed the seeds' way, Linear's layout and initialization,
the losses and their reductions (against PyTorch), and the errors of mismatched data."""

import math

import numpy as np
import pytest

from astgrad import tape
from astgrad.errors import TapeError
from astgrad.tape import nn

torch = pytest.importorskip("torch")


class SimpleNN(nn.Module):  # seed 000, verbatim but for the import
    def __init__(self):
        super(SimpleNN, self).__init__()  # noqa: UP008 (the seed's spelling)
        self.fc1 = nn.Linear(10, 50)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(50, 1)

    def forward(self, x):
        x = self.fc1(x)
        x = self.relu(x)
        x = self.fc2(x)
        return x


def test_layers_assigned_in_init_are_registered_in_order():
    model = SimpleNN()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert [p.shape for p in model.parameters()] == [(50, 10), (50,), (1, 50), (1,)]
    assert all(p.requires_grad and p.dtype == np.float32 for p in model.parameters())
    assert [name for name, _ in model.named_children()] == ["fc1", "relu", "fc2"]
    assert model.fc1 is dict(model.named_modules())["fc1"]


def test_repr_is_pytorchs():
    assert repr(SimpleNN()) == (
        "SimpleNN(\n"
        "  (fc1): Linear(in_features=10, out_features=50, bias=True)\n"
        "  (relu): ReLU()\n"
        "  (fc2): Linear(in_features=50, out_features=1, bias=True)\n"
        ")")


def test_calling_the_model_runs_forward():
    model = SimpleNN().double()
    x = np.random.default_rng(0).normal(size=(4, 10))
    w1, b1, w2, b2 = (p.detach().numpy() for p in model.parameters())
    expected = np.maximum(x @ w1.T + b1, 0) @ w2.T + b2
    np.testing.assert_allclose(model(tape.tensor(x)).detach().numpy(), expected, rtol=1e-13)


def test_assigning_a_layer_before_super_init_is_an_error():
    class Early(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)
            super().__init__()

    with pytest.raises(TapeError, match=r"super\(\).__init__\(\)"):
        Early()


def test_a_module_without_forward_is_an_error():
    class NoForward(nn.Module):
        pass

    with pytest.raises(TapeError, match="no forward"):
        NoForward()(tape.zeros(1))


def test_zero_grad_train_and_eval():
    model = SimpleNN()
    model(tape.ones(2, 10)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    assert model.eval() is model and not model.training and not model.fc1.training
    assert model.train().training and model.fc2.training


def test_state_dict_is_a_snapshot_and_loads_back():
    model = SimpleNN()
    saved = model.state_dict()
    assert list(saved) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    with tape.no_grad():
        model.fc1.weight *= 0.0
    assert saved["fc1.weight"].abs().sum().item() > 0
    model.load_state_dict(saved)
    np.testing.assert_array_equal(model.fc1.weight.detach().numpy(), saved["fc1.weight"].numpy())


def test_pytorch_weights_load_into_the_same_model():
    torch_model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(),
                                      torch.nn.Linear(4, 2))
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    model.load_state_dict(torch_model.state_dict())
    x = np.random.default_rng(1).normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_allclose(model(tape.tensor(x)).detach().numpy(),
                               torch_model(torch.tensor(x)).detach().numpy(), rtol=1e-5,
                               atol=1e-6)  # float32


def test_load_state_dict_reports_missing_names_and_wrong_shapes():
    model = nn.Sequential(nn.Linear(3, 4))
    with pytest.raises(TapeError, match="missing"):
        model.load_state_dict({"0.weight": np.zeros((4, 3))})
    model.load_state_dict({"0.weight": np.zeros((4, 3))}, strict=False)
    with pytest.raises(TapeError, match="shape"):
        model.load_state_dict({"0.weight": np.zeros((3, 4)), "0.bias": np.zeros(4)})


def test_linear_initialization_is_pytorchs_and_seedable():
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    weights = layer.weight.detach().numpy()
    assert np.abs(weights).max() <= bound and np.abs(weights).max() > 0.99 * bound
    assert np.std(weights) == pytest.approx(bound / math.sqrt(3), rel=0.02)  # uniform
    assert np.abs(layer.bias.detach().numpy()).max() <= bound
    tape.manual_seed(7)
    first = nn.Linear(3, 2).weight.tolist()
    tape.manual_seed(7)
    assert nn.Linear(3, 2).weight.tolist() == first
    generator = np.random.default_rng(3)
    assert nn.Linear(3, 2, generator=generator).weight.tolist() != first
    assert nn.Linear(3, 2, dtype=tape.float64).weight.dtype == np.float64
    assert nn.Linear(3, 2, bias=False).bias is None
    assert len(list(nn.Linear(3, 2, bias=False).parameters())) == 1


LOSSES = [
    ("MSELoss", (4, 3), (4, 3), "real"),
    ("BCELoss", (5,), (5,), "probability"),
    ("BCEWithLogitsLoss", (2, 3), (2, 3), "probability"),
    ("CrossEntropyLoss", (6, 4), (6,), "label"),
]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("loss", LOSSES, ids=lambda loss: loss[0])
def test_loss_modules_equal_pytorchs(loss, reduction):
    name, input_shape, target_shape, kind = loss
    rng = np.random.default_rng(len(name))
    x = rng.uniform(0.05, 0.95, input_shape) if name == "BCELoss" else rng.normal(
        size=input_shape)
    target = {"real": lambda: rng.normal(size=target_shape),
              "probability": lambda: rng.uniform(0, 1, target_shape),
              "label": lambda: rng.integers(0, input_shape[-1], target_shape)}[kind]()
    results = []
    for library in (tape, torch):
        inputs = library.tensor(x, requires_grad=True)
        out = getattr(library.nn, name)(reduction=reduction)(inputs, library.tensor(target))
        out.sum().backward()
        results.append((out.detach().numpy(), inputs.grad.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


def test_cross_entropy_ignores_the_ignored_label():
    x = np.random.default_rng(0).normal(size=(4, 3))
    labels = np.array([0, -100, 2, 1])
    ours = nn.CrossEntropyLoss()(tape.tensor(x), tape.tensor(labels)).item()
    theirs = torch.nn.CrossEntropyLoss()(torch.tensor(x), torch.tensor(labels)).item()
    assert ours == pytest.approx(theirs, rel=1e-12)


def test_a_label_out_of_range_is_an_error_naming_it():
    with pytest.raises(TapeError, match="class label 3 is out of range for 3 classes"):
        nn.CrossEntropyLoss()(tape.zeros(2, 3), tape.tensor([0, 3]))


def test_mismatched_shapes_are_an_error():
    with pytest.raises(TapeError, match=r"\(4, 1\).*\(4,\)"):
        nn.MSELoss()(tape.zeros(4, 1), tape.zeros(4))
    with pytest.raises(TapeError, match="between 0 and 1"):
        nn.BCELoss()(tape.tensor([1.5]), tape.tensor([1.0]))
    with pytest.raises(TapeError, match="reduction"):
        nn.MSELoss(reduction="average")(tape.zeros(2), tape.zeros(2))
