"""Lesson logistic_regression_and_basis_functions (notebook 01).

Its concepts against independent computations, its explorers redraw what they
drive, and its exercise checks accept the solution and name the typical slips."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from trisep_nn import (
    checks,
    data,
    widgets,  # noqa: E402
)
from trisep_nn.polynomials import polynomial_classifier


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def ce(w, X, y):
    p = sigmoid(X @ w)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


@pytest.mark.parametrize("wrong, words", [
    (lambda w, X, y: len(y) * ce(w, X, y), "summed"),
    (lambda w, X, y: -ce(w, X, y), "sign"),
    (lambda w, X, y: ce(w, X, y) / np.log(10), "np.log10"),
    (lambda w, X, y: ce(w, X, 1 - y), "labels are swapped"),
    (lambda w, X, y: sigmoid(X @ w), "one number"),
    (lambda w, X, y: None, "returned None"),
    (lambda w, X, y: 1 / 0, "ZeroDivisionError"),
])
def test_check_cross_entropy(verdict, wrong, words):
    ok, out = verdict(checks.check_cross_entropy, ce)
    assert ok is True and "correct" in out
    ok, out = verdict(checks.check_cross_entropy, wrong)
    assert ok is False and words in out


def test_unanswered_exercises_do_not_raise(verdict):
    for check in (checks.check_cross_entropy, checks.check_gradient, checks.check_logit,
                  checks.check_soft_threshold):
        ok, out = verdict(check, None)
        assert ok is False and "not answered" in out


def grad(w, X, y):
    return X.T @ (sigmoid(X @ w) - y) / len(y)


@pytest.mark.parametrize("wrong, words", [
    (lambda w, X, y: len(y) * grad(w, X, y), "divided by n"),
    (lambda w, X, y: -grad(w, X, y), "sign is flipped"),
    (lambda w, X, y: X.T @ (X @ w - y) / len(y), "Xw where σ(Xw)"),
    (lambda w, X, y: (sigmoid(X @ w) - y) / len(y), "one value per example"),
    (lambda w, X, y: 2 * grad(w, X, y), "twice the right gradient"),
    (lambda w, X, y: grad(w, X, y) / 2, "a ½ too many"),
    (lambda w, X, y: X.T @ (sigmoid(X @ w) - y) / X.shape[1], "number of weights"),
    (lambda w, X, y: X.T @ ((sigmoid(X @ w) - y) * sigmoid(X @ w) * (1 - sigmoid(X @ w)))
     / len(y), "extra factor σ(1 − σ)"),
    (lambda w, X, y: X.T @ (sigmoid(X @ w) - y) / len(y) + 0.1, "values differ"),
    (lambda w, X, y: np.sum(X.T @ (sigmoid(X @ w) - y)), "shape ()"),
])
def test_check_gradient(verdict, wrong, words):
    ok, out = verdict(checks.check_gradient, grad)
    assert ok is True
    ok, out = verdict(checks.check_gradient, lambda w, X, y: list(grad(w, X, y)))  # a list
    assert ok is True
    ok, out = verdict(checks.check_gradient, wrong)
    assert ok is False and words in out


@pytest.mark.parametrize("wrong, words", [
    (lambda p: p / (1 - p), "odds"),
    (lambda p: np.log((1 - p) / p), "sign is flipped"),
    (lambda p: np.log10(p / (1 - p)), "natural log"),
    (lambda p: np.log(p), "log p is not enough"),
])
def test_check_logit(verdict, wrong, words):
    ok, out = verdict(checks.check_logit, lambda p: np.log(p / (1 - p)))
    assert ok is True and "2.1972" in out
    ok, out = verdict(checks.check_logit, wrong)
    assert ok is False and words in out


def test_a_quadratic_basis_separates_the_circles_a_line_cannot():
    X, y = data.circles(200, noise=0.05, random_state=0)
    assert polynomial_classifier(1).fit(X, y).score(X, y) < 0.7
    assert polynomial_classifier(2).fit(X, y).score(X, y) > 0.95


def line_data(explorer, axis=0):
    return [np.asarray(line.get_ydata(), dtype=float).copy()
            for line in explorer.figure.axes[axis].get_lines()]


def titles(explorer):
    return [ax.get_title() for ax in explorer.figure.axes]


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def boundary_segments(explorer):
    from matplotlib.collections import LineCollection

    ax = explorer.figure.axes[0]
    [boundary] = [c for c in ax.collections if isinstance(c, LineCollection)]
    return boundary.get_segments()


def test_linear_boundary_explorer_moves_the_model():
    e = widgets.linear_boundary_explorer()
    assert e.last_error is None
    before, loss_before = line_data(e, 1), titles(e)[0]
    e.update(w1=1.5, w0=-1.0)
    assert e.last_error is None
    assert not same(before, line_data(e, 1))  # σ(z) is drawn over a new range of z
    assert titles(e)[0] != loss_before  # the cross-entropy L(w) changed
    # the boundary drawn is the line w0 + w1 x1 + w2 x2 = 0
    [segment] = boundary_segments(e)
    assert np.allclose(-1.0 + segment @ [1.5, -0.5], 0, atol=1e-9)
    # and the points along z sit at their z
    X, y = data.blobs(200, n_classes=2, cluster_std=2.0, random_state=0)
    z = -1.0 + X @ [1.5, -0.5]
    shown = np.concatenate([c.get_offsets()[:, 0] for c in e.figure.axes[1].collections])
    assert np.allclose(np.sort(shown), np.sort(z))
    e.update(w0=0.0, w1=0.0, w2=0.0)  # a flat model, p = ½ everywhere: no boundary
    assert e.last_error is None and "accuracy" in titles(e)[0]
    assert len(boundary_segments(e)) == 0 and e.state["loss"] == pytest.approx(np.log(2))


def test_degree_explorer_changes_the_boundary():
    e = widgets.degree_explorer(max_degree=6)
    first = titles(e)[0]
    e.update(degree=5)
    assert e.last_error is None
    assert titles(e)[0] != first and "21 basis functions" in titles(e)[0]
    with pytest.raises(ValueError, match="unknown control"):
        e.update(alpha=1)


def test_degree_explorer_shows_overfitting_and_a_smooth_boundary():
    e = widgets.degree_explorer()
    train, test = e.state["train_accuracy"], e.state["test_accuracy"]
    best = int(np.argmax(test))
    assert 1 <= best <= 4 and train[-1] > train[best] and test[-1] < test[best] - 0.05
    e.update(degree=15)
    assert "training 98%" in titles(e)[1]
    # The boundary is the zero contour of the logit, smooth between grid points: few of
    # its segments run along the grid's rows, columns or diagonals (the staircase of a
    # contour of the saturated probability has a third of them there).
    ax = e.figure.axes[0]
    cell = np.array([np.ptp(ax.get_xlim()), np.ptp(ax.get_ylim())]) / 99
    steps = np.concatenate([np.diff(s, axis=0) for s in boundary_segments(e)]) / cell
    angle = np.degrees(np.arctan2(np.abs(steps[:, 1]), np.abs(steps[:, 0]))) % 45
    on_grid = np.isclose(angle, 0, atol=0.5) | np.isclose(angle, 45, atol=0.5)
    assert len(steps) > 100 and on_grid.mean() < 0.1
