"""Exercise checks of notebooks 05-07 accept the solution and name the typical mistake."""

import math

import numpy as np
import pytest

from trisep_nn import backprop as bp
from trisep_nn.checks import autodiff as ca
from trisep_nn.checks import neural_networks as cn
from trisep_nn.checks import training as ct


def _run(capsys, check, *args):
    result = check(*args)
    return result, capsys.readouterr().out


# ----------------------------------------------------------------------- 05
def test_parameter_count(capsys):
    ok, out = _run(capsys, cn.check_parameter_count,
                   lambda s: sum((a + 1) * b for a, b in zip(s[:-1], s[1:])))
    assert ok and "✅" in out
    ok, out = _run(capsys, cn.check_parameter_count,
                   lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])))
    assert not ok and "biases are missing" in out
    ok, out = _run(capsys, cn.check_parameter_count,
                   lambda s: sum(a * (b + 1) for a, b in zip(s[:-1], s[1:])))
    assert not ok and "one bias per OUTPUT unit" in out
    ok, out = _run(capsys, cn.check_parameter_count, lambda s: None)
    assert not ok and "returned None" in out
    ok, out = _run(capsys, cn.check_parameter_count, None)
    assert not ok and "not answered" in out


def test_hidden_outputs(capsys):
    rng = np.random.default_rng(0)
    X, W, b = rng.normal(size=(5, 2)), rng.normal(size=(2, 3)), rng.normal(size=3)
    right = 1 / (1 + np.exp(-(X @ W + b)))
    assert _run(capsys, cn.check_hidden_outputs, right, X, W, b)[0]
    ok, out = _run(capsys, cn.check_hidden_outputs, X @ W + b, X, W, b)
    assert not ok and "apply the sigmoid" in out
    ok, out = _run(capsys, cn.check_hidden_outputs, 1 / (1 + np.exp(-(X @ W))), X, W, b)
    assert not ok and "biases b are missing" in out
    ok, out = _run(capsys, cn.check_hidden_outputs, right.T, X, W, b)
    assert not ok and "transposed" in out


def test_step_locations(capsys):
    W, b = np.array([[2.0, -1.0, 4.0]]), np.array([1.0, 3.0, -2.0])
    assert _run(capsys, cn.check_step_locations, -b / W.ravel(), W, b)[0]
    ok, out = _run(capsys, cn.check_step_locations, b / W.ravel(), W, b)
    assert not ok and "sign is flipped" in out
    ok, out = _run(capsys, cn.check_step_locations, -W.ravel() / b, W, b)
    assert not ok and "upside down" in out


# ----------------------------------------------------------------------- 06
def test_central_difference(capsys):
    ok, out = _run(capsys, ca.check_central_difference,
                   lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h))
    assert ok and "✅" in out
    ok, out = _run(capsys, ca.check_central_difference, lambda f, x, h: (f(x + h) - f(x)) / h)
    assert not ok and "forward difference" in out
    ok, out = _run(capsys, ca.check_central_difference,
                   lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h)
    assert not ok and "(2 * h)" in out
    ok, out = _run(capsys, ca.check_central_difference, lambda f, x, h: None)
    assert not ok and "returned None" in out


def test_adjoints(capsys):
    a, b = 2.0, 5.0
    ok, out = _run(capsys, ca.check_adjoints, 1 / a + b, a - math.cos(b))
    assert ok and out.count("✅") == 2
    ok, out = _run(capsys, ca.check_adjoints, b, a + math.cos(b))
    assert not ok and "SUM of both" in out and "minus sign" in out
    ok, out = _run(capsys, ca.check_adjoints, None, None)
    assert not ok and "not answered" in out


class _Value:
    """A minimal engine like the notebook's, to test the exp check."""

    def __init__(self, data, parents=()):
        self.data, self.grad, self._parents = float(data), 0.0, parents
        self._backward = lambda: None

    def __add__(self, other):
        out = _Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def backward(self):
        order, seen = [], set()

        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for p in v._parents:
                    visit(p)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()


def _with_exp(rule):
    class V(_Value):
        pass

    def exp(self):
        out = V(math.exp(self.data), (self,))

        def _backward():
            rule(self, out)
        out._backward = _backward
        return out
    V.exp = exp
    V.__add__ = lambda s, o: _Value.__add__(s, o)
    return V


def test_value_exp(capsys):
    def good(x, out):
        x.grad += out.data * out.grad

    def assigns(x, out):
        x.grad = out.data * out.grad

    def wrong_local(x, out):
        x.grad += x.data * out.grad

    ok, out = _run(capsys, ca.check_value_exp, _with_exp(good))
    assert ok and "accumulate" in out
    ok, out = _run(capsys, ca.check_value_exp, _with_exp(assigns))
    assert not ok and "(+=)" in out
    ok, out = _run(capsys, ca.check_value_exp, _with_exp(wrong_local))
    assert not ok and "exp(x) itself" in out

    class Unfinished(_Value):
        def exp(self):
            return None
    ok, out = _run(capsys, ca.check_value_exp, Unfinished)
    assert not ok and "returned None" in out


# ----------------------------------------------------------------------- 07
def _grad_w(X, y, U, w):
    c = bp.forward(X, U, w)
    return c["Phi"].T @ (c["p"] - y)


def _grad_U(X, y, U, w):
    c = bp.forward(X, U, w)
    return ((c["p"] - y)[:, None] * w * c["Phi"] * (1 - c["Phi"])).T @ X


def test_grad_w(capsys):
    assert _run(capsys, ct.check_grad_w, _grad_w)[0]
    ok, out = _run(capsys, ct.check_grad_w, bp.slide_gradient_w)
    assert not ok and "printed on the slide" in out
    ok, out = _run(capsys, ct.check_grad_w, lambda *a: -_grad_w(*a))
    assert not ok and "sign is flipped" in out
    ok, out = _run(capsys, ct.check_grad_w, lambda X, y, U, w: _grad_w(X, y, U, w) / len(y))
    assert not ok and "constant factor" in out

    def per_sample(X, y, U, w):
        c = bp.forward(X, U, w)
        return (c["p"] - y)[:, None] * c["Phi"]
    ok, out = _run(capsys, ct.check_grad_w, per_sample)
    assert not ok and "sums these rows" in out


def test_grad_U(capsys):
    assert _run(capsys, ct.check_grad_U, _grad_U)[0]
    ok, out = _run(capsys, ct.check_grad_U, lambda *a: _grad_U(*a).T)
    assert not ok and "transposed" in out

    def no_sigma_prime(X, y, U, w):
        c = bp.forward(X, U, w)
        return ((c["p"] - y)[:, None] * w).T @ X
    ok, out = _run(capsys, ct.check_grad_U, no_sigma_prime)
    assert not ok and "σ'" in out


def test_early_stopping(capsys):
    ok, out = _run(capsys, ct.check_early_stopping, 5, 8)
    assert ok and out.count("✅") == 2
    ok, out = _run(capsys, ct.check_early_stopping, 3, 5)
    assert not ok and "one worse epoch does not stop" in out
    ok, out = _run(capsys, ct.check_early_stopping, 4, 5)
    assert not ok and "off by one" in out and "cannot know" in out


@pytest.mark.parametrize("patience, best, stop", [(1, 3, 4), (3, 5, 8), (20, 5, 10)])
def test_early_stopping_reference(patience, best, stop):
    assert ct._early_stopping(ct.EARLY_STOPPING_VAL_LOSS, patience) == (best, stop)
