"""The Tensor interface the seed documents teach: requires_grad, backward, .grad, detach,
no_grad, repr; and the errors PyTorch users make, each an AstgradError on their line."""

import math

import numpy as np
import pytest

import astgrad
from astgrad import tape
from astgrad.errors import TapeError


def test_grad_is_none_before_backward_and_accumulates_across_calls():
    x = tape.tensor(2.0, requires_grad=True)
    assert x.grad is None
    (x * x).backward()
    held = x.grad
    (3 * x).backward()
    assert x.grad.item() == 7.0 and held is x.grad  # added into the same tensor, as PyTorch


def test_backward_with_an_upstream_gradient():
    x = tape.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    y = x * x
    y.backward(tape.tensor(np.array([1.0, 0.5, -1.0])))
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, -6.0])


def _line_of(marker: str) -> int:
    with open(__file__) as source:
        return next(i for i, line in enumerate(source, 1) if marker in line and "_line_of" not in
                    line)


def test_backward_of_a_non_scalar_needs_a_gradient():
    x = tape.tensor(np.ones(3), requires_grad=True)
    with pytest.raises(TapeError, match="needs a gradient") as error:
        (x * 2).backward()  # non-scalar backward
    assert error.value.origin.line == _line_of("# non-scalar backward")
    assert error.value.origin.filename == __file__
    assert isinstance(error.value, astgrad.AstgradError) and isinstance(error.value, RuntimeError)


def test_a_second_backward_through_a_freed_graph_is_an_error_unless_retained():
    x = tape.tensor(3.0, requires_grad=True)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 12.0
    with pytest.raises(TapeError, match="second time") as error:
        y.backward()  # freed
    assert error.value.origin.line == _line_of("# freed")
    assert "retain_graph=True" in str(error.value)


def test_backward_without_any_input_requiring_grad_is_an_error():
    with pytest.raises(TapeError, match="does not depend on any tensor"):
        (tape.tensor(2.0) * 3).backward()


def test_detach_cuts_the_graph():
    a = tape.tensor(3.0, requires_grad=True)
    b = tape.tensor(4.0, requires_grad=True)
    c = a ** 2 + b.detach() ** 3
    c.backward()
    assert a.grad.item() == 6.0 and b.grad is None
    assert not b.detach().requires_grad and b.detach().is_leaf


def test_stop_gradient_detaches_a_tensor():
    a = tape.tensor(3.0, requires_grad=True)
    (a * astgrad.stop_gradient(a)).backward()
    assert a.grad.item() == 3.0


def test_no_grad_records_nothing_and_enable_grad_records_again():
    x = tape.tensor(1.0, requires_grad=True)
    with tape.no_grad():
        y = x * 2
        with tape.enable_grad():
            z = x * 2
    assert not y.requires_grad and y.grad_fn is None and z.requires_grad
    assert tape.is_grad_enabled()

    @tape.no_grad()
    def evaluate(v):
        return v * 3

    assert not evaluate(x).requires_grad


def test_requires_grad_on_an_integer_tensor_is_an_error():
    with pytest.raises(TapeError, match="floating-point"):
        tape.tensor(2, requires_grad=True)
    assert tape.tensor(2).dtype == np.int64


def test_requires_grad_can_only_be_changed_on_leaves():
    x = tape.tensor(1.0).requires_grad_()
    assert x.requires_grad and x.is_leaf
    with pytest.raises(TapeError, match="leaf|created by the user"):
        (x * 2).requires_grad_(False)


def test_python_floats_are_float32_and_numpy_arrays_keep_their_dtype():
    assert tape.tensor(2.0).dtype == np.float32
    assert tape.tensor([1.0, 2.0]).dtype == np.float32
    assert tape.tensor(np.ones(2)).dtype == np.float64
    assert tape.tensor(1.5, dtype=tape.float64).dtype == np.float64
    assert (tape.tensor(2.0) * 2.5).dtype == np.float32  # a Python float does not promote


def test_repr_is_pytorchs():
    x = tape.tensor(2.0, requires_grad=True)
    y = tape.tensor(3.0, requires_grad=True)
    assert repr(x ** 2 + y ** 3) == "tensor(31., grad_fn=<AddBackward0>)"
    assert repr(x) == "tensor(2., requires_grad=True)"
    assert repr(x * y) == "tensor(6., grad_fn=<MulBackward0>)"
    assert repr(tape.tensor([[0.1, 2.0], [3.0, 4.0]])) == (
        "tensor([[0.1000, 2.0000],\n        [3.0000, 4.0000]])")
    assert repr(tape.tensor(np.array([1.0, 2.5]))) == "tensor([1.0000, 2.5000], dtype=float64)"
    assert repr(tape.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(tape.tensor([True, False])) == "tensor([ True, False])"
    assert repr(tape.tensor([1e-6, 1.0])) == "tensor([1.0000e-06, 1.0000e+00])"
    assert "..." in repr(tape.zeros(2000))
    assert f"{tape.tensor(0.123456):.3f}" == "0.123"


def test_item_and_numpy():
    x = tape.tensor(np.array([2.5]), requires_grad=True)
    assert x.item() == 2.5
    with pytest.raises(TapeError, match="detach"):
        x.numpy()
    np.testing.assert_array_equal(x.detach().numpy(), [2.5])
    with pytest.raises(TapeError, match="3 elements"):
        tape.zeros(3).item()


def test_float_or_math_of_a_tensor_that_requires_grad_is_refused():
    # PyTorch would silently drop the gradient here; a silent zero is what astgrad never gives.
    x = tape.tensor(2.0, requires_grad=True)
    with pytest.raises(TapeError, match="drop its gradient"):
        math.exp(x)
    with pytest.raises(TapeError, match="drop its gradient"):
        float(x)
    assert float(x.detach()) == 2.0 and math.exp(tape.tensor(0.0)) == 1.0


def test_float_and_item_of_one_element_of_any_rank():
    x = tape.tensor(np.array([[1.5]]))
    assert float(x) == 1.5 and type(float(x)) is float
    assert tape.tensor(np.array([[[2.0]]]), requires_grad=True).item() == 2.0
    with pytest.raises(TapeError, match="2 elements"):
        float(tape.zeros(2))


def test_data_changes_a_parameter_in_place_as_tutorials_write_it():
    """`w.data -= lr * w.grad` and `w.grad.data.zero_()`, PyTorch's idioms before no_grad."""
    w = tape.tensor(np.array([1.0, 2.0]), requires_grad=True)
    before = w
    (w * w).sum().backward()
    w.data -= 0.25 * w.grad
    assert w is before and w.requires_grad and w.is_leaf
    np.testing.assert_allclose(w.detach().numpy(), [0.5, 1.0])
    w.grad.data.zero_()
    np.testing.assert_array_equal(w.grad.numpy(), [0.0, 0.0])
    (w * w).sum().backward()  # the next gradient, into the zeroed one
    np.testing.assert_allclose(w.grad.numpy(), [1.0, 2.0])
    w.data = tape.tensor(np.array([3.0, 4.0]))
    np.testing.assert_array_equal(w.detach().numpy(), [3.0, 4.0])
    assert not w.data.requires_grad


def test_to_a_dtype_or_the_cpu():
    x = tape.tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert x.to("cpu") is x and x.to(device="cpu") is x and x.to(np.float64) is x
    assert x.to(np.float32).dtype == np.float32
    assert x.to("cpu", dtype=np.float32).dtype == np.float32
    with pytest.raises(TapeError, match="CPU only"):
        x.to("cuda")


def test_a_numpy_function_without_a_tape_rule_is_refused_when_it_would_lose_the_gradient():
    x = tape.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    with pytest.raises(TapeError, match="no derivative for numpy.median"):
        np.median(x)
    assert np.median(x.detach()).item() == 2.0
    assert np.argmax(x).item() == 2 and np.all(x > 0).item()  # no float result: no gradient


def test_numpy_functions_on_tensors_record_the_tape():
    x = tape.tensor(np.array([[1.0, -2.0], [0.5, 3.0]]), requires_grad=True)
    y = np.sum(np.tanh(x) * np.exp(x), axis=0)
    assert isinstance(y, tape.Tensor) and y.grad_fn.name() == "SumBackward0"
    np.mean(y).backward()
    v = x.detach().numpy()
    expected = 0.5 * ((1 - np.tanh(v) ** 2) * np.exp(v) + np.tanh(v) * np.exp(v))
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-14)
    w = np.array([1.0, 2.0]) * x  # an ndarray on the left hands over to the tensor
    assert isinstance(w, tape.Tensor) and w.requires_grad


def test_writing_into_a_tensor_keeps_both_gradients():
    x = tape.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    v = tape.tensor(5.0, dtype=tape.float64, requires_grad=True)
    y = x * 1.0
    before = y
    y[1] = v * v
    assert y is before and y.grad_fn.name() == "CopySlices"
    (y * tape.tensor(np.array([1.0, 2.0, 3.0]))).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.0, 3.0])
    assert v.grad.item() == 2.0 * 2 * 5.0


def test_an_earlier_value_is_not_changed_by_a_later_write():
    x = tape.tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * 1.0
    z = y * y  # saves y's value for its gradient
    y[0] = 10.0
    z.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_changing_a_leaf_in_place_is_refused_outside_no_grad():
    w = tape.tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(TapeError, match="in place"):
        w += 1.0
    with tape.no_grad():
        w -= 0.5 * tape.tensor(np.array([2.0, 2.0]))
    assert w.requires_grad and w.is_leaf and w.tolist() == [0.0, 1.0]


def test_retain_grad_keeps_an_intermediate_gradient():
    x = tape.tensor(2.0, requires_grad=True)
    y = x * 3
    y.retain_grad()
    (y * y).backward()
    assert y.grad.item() == 12.0 and x.grad.item() == 36.0


def test_a_deep_graph_does_not_exhaust_the_stack():
    x0 = tape.tensor(0.3, dtype=tape.float64, requires_grad=True)
    x = x0
    for _ in range(20_000):
        x = 0.999 * x + 0.001
    x.backward()
    assert x0.grad.item() == pytest.approx(0.999 ** 20_000, rel=1e-9)


def test_grad_gives_what_astgrad_grad_gives():
    def f(x, y, n):
        s = 0.0
        for i in range(n):
            s = s + np.sin(x * i) * y
        return s

    dx, dy = tape.grad(f, wrt=(0, "y"))(0.5, 2.0, 4)
    assert type(dx) is float and dx == pytest.approx(sum(np.cos(0.5 * i) * i * 2.0
                                                         for i in range(4)))
    assert dy == pytest.approx(sum(np.sin(0.5 * i) for i in range(4)))
    value, gradient = tape.value_and_grad(f)(0.5, 2.0, 0)
    assert value == 0.0 and gradient == 0.0


def test_grad_refuses_an_integer_input_and_a_vector_output():
    with pytest.raises(TapeError, match="floating-point"):
        tape.grad(lambda x: x * 2.0)(3)
    with pytest.raises(TapeError, match="not a scalar"):
        tape.grad(lambda x: x * 2.0)(np.ones(2))
