"""grad, value_and_grad, vjp, jvp and the two Jacobians."""

import numpy as np
import pytest

import trisep_nn as tnn
from trisep_nn import losses
from trisep_nn.autodiff import (
    grad,
    jacobian_forward,
    jacobian_reverse,
    jvp,
    value_and_grad,
    vjp,
)
from trisep_nn.tensor import Tensor


def log_ab(a, b):
    return (a * b).log()


def test_top_level_names():
    for name in ("grad", "value_and_grad", "vjp", "jvp", "jacobian_forward", "jacobian_reverse"):
        assert getattr(tnn, name) is globals()[name]


def test_grad_of_the_lectures_example():
    da = grad(log_ab)(2.0, 3.0)
    assert isinstance(da, np.ndarray)
    np.testing.assert_allclose(da, 0.5)
    da, db = grad(log_ab, argnums=(0, 1))(2.0, 3.0)
    np.testing.assert_allclose([da, db], [1 / 2, 1 / 3])
    (db,) = grad(log_ab, argnums=(1,))(2.0, 3.0)
    np.testing.assert_allclose(db, 1 / 3)


def test_value_and_grad_and_other_arguments_passed_unchanged():
    def loss(w, X, y):
        return losses.mse(X @ w, y)
    rng = np.random.default_rng(0)
    X, y, w = rng.normal(size=(10, 3)), rng.normal(size=10), rng.normal(size=3)
    value, g = value_and_grad(loss)(w, X, y)
    np.testing.assert_allclose(value, np.mean((X @ w - y) ** 2))
    np.testing.assert_allclose(g, 2 * X.T @ (X @ w - y) / 10)
    value2, (g_w, g_X) = value_and_grad(loss, argnums=(0, 1))(w, X, y)
    np.testing.assert_allclose(g_w, g)
    np.testing.assert_allclose(g_X, 2 * np.outer(X @ w - y, w) / 10)


def test_grad_does_not_touch_inputs_or_leave_state():
    x = np.array([1.0, 2.0])
    g1 = grad(lambda t: (t * t).sum())(x)
    g2 = grad(lambda t: (t * t).sum())(x)
    np.testing.assert_array_equal(g1, g2)  # no accumulation between calls
    np.testing.assert_array_equal(x, [1.0, 2.0])
    assert not np.shares_memory(g1, x)


def test_grad_inside_no_grad_still_works():
    with tnn.no_grad():
        np.testing.assert_allclose(grad(lambda t: t ** 3)(2.0), 12.0)


def test_grad_of_unused_argument_is_zero():
    da, db = grad(lambda a, b: a * 2, argnums=(0, 1))(1.0, np.ones(3))
    np.testing.assert_allclose(da, 2.0)
    np.testing.assert_array_equal(db, np.zeros(3))


def test_grad_errors():
    with pytest.raises(ValueError, match="one-element"):
        grad(lambda x: x * 2)(np.ones(3))
    with pytest.raises(TypeError, match="must return a Tensor"):
        grad(lambda x: 3.0)(1.0)


def test_vjp_many_cotangents_one_forward():
    calls = []

    def f(x, W):
        calls.append(1)
        return (x @ W).tanh()
    rng = np.random.default_rng(1)
    x, W = rng.normal(size=3), rng.normal(size=(3, 2))
    out, vjp_fn = vjp(f, x, W)
    np.testing.assert_allclose(out, np.tanh(x @ W))
    for _ in range(3):
        u = rng.normal(size=2)
        gx, gW = vjp_fn(u)
        d = u * (1 - np.tanh(x @ W) ** 2)
        np.testing.assert_allclose(gx, W @ d)
        np.testing.assert_allclose(gW, np.outer(x, d))
    assert len(calls) == 1
    with pytest.raises(ValueError, match="cotangent"):
        vjp_fn(np.ones(3))


def test_jvp_is_forward_mode_without_backward_pass(monkeypatch):
    def no_backward(*args, **kwargs):
        raise AssertionError("jvp ran a backward pass")
    monkeypatch.setattr(tnn.autodiff, "backpropagate", no_backward)
    monkeypatch.setattr(tnn.tensor, "backpropagate", no_backward)
    x, v = np.array([0.3, -1.2]), np.array([1.0, 2.0])
    out, tangent = jvp(lambda t: (t * t).sigmoid().sum(), (x,), (v,))
    s = 1 / (1 + np.exp(-x * x))
    np.testing.assert_allclose(out, s.sum())
    np.testing.assert_allclose(tangent, np.sum(s * (1 - s) * 2 * x * v))


def test_jvp_tangents_travel_with_values():
    x = Tensor([1.0, 2.0])
    x.tangent = np.array([1.0, 0.0])
    y = (x * 3).exp()
    np.testing.assert_allclose(y.tangent, [3 * np.exp(3), 0.0])
    assert not y.requires_grad  # no graph was needed


def test_jvp_of_constant_output_and_errors():
    out, t = jvp(lambda a, b: a * 2, (1.0, 5.0), (0.0, 1.0))
    np.testing.assert_allclose(t, 0.0)
    with pytest.raises(ValueError, match="one tangent per primal"):
        jvp(lambda a: a, (1.0, 2.0), (1.0,))
    with pytest.raises(ValueError, match="shape"):
        jvp(lambda a: a, (np.ones(2),), (np.ones(3),))


def f_wide(x):  # R^2 -> R^(2x3)
    return (x.reshape(-1, 1) * np.arange(1.0, 4.0)).tanh() + x.sum() ** 2


def test_jacobians_agree_with_each_other_and_finite_differences():
    x = np.array([0.3, -0.7])
    jf, jr = jacobian_forward(f_wide, x), jacobian_reverse(f_wide, x)
    assert jf.shape == jr.shape == (2, 3, 2)
    np.testing.assert_allclose(jf, jr, rtol=1e-12, atol=1e-12)
    eps = 1e-6
    fd = np.stack([(f_wide(Tensor(x + eps * e)).data - f_wide(Tensor(x - eps * e)).data)
                   / (2 * eps) for e in np.eye(2)], axis=-1)
    np.testing.assert_allclose(jf, fd, rtol=1e-6, atol=1e-8)


def test_jacobian_pass_counts():
    """n forward passes for jacobian_forward, one forward for jacobian_reverse."""
    calls = []

    def f(x):
        calls.append(1)
        return (x[:2] * x.sum()).exp()
    x = np.arange(5.0) / 10
    jacobian_forward(f, x)
    assert len(calls) == 5
    calls.clear()
    jacobian_reverse(f, x)
    assert len(calls) == 1


def test_jacobian_of_scalar_function_is_gradient():
    def f(x):
        return (x * x).sum()
    x = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(jacobian_reverse(f, x), 2 * x)
    np.testing.assert_allclose(jacobian_forward(f, x), 2 * x)
