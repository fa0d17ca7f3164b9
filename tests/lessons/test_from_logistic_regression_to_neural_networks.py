"""Lesson from_logistic_regression_to_neural_networks (notebook 05).

Its concepts against independent computations, its explorers redraw what they
drive, and its exercise checks accept the solution and name the typical slips."""

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

from trisep_nn import checks as cn
from trisep_nn import data  # noqa: E402


def test_parameter_count_accepts_the_solution_and_other_number_types(verdict):
    ok, out = verdict(cn.check_parameter_count,
                      lambda s: sum((a + 1) * b for a, b in zip(s[:-1], s[1:])))
    assert ok and "✅" in out
    ok, _ = verdict(cn.check_parameter_count, lambda s: float(
        np.sum((np.array(s[:-1]) + 1) * np.array(s[1:]))))
    assert ok


@pytest.mark.parametrize("wrong, named", [
    (lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])), "biases are missing"),
    (lambda s: sum((a + 1) * b for a, b in zip(s[:-2], s[1:-1])), "last layer"),
    (lambda s: sum((a + 1) * b for a, b in zip(s[1:-1], s[2:])), "first layer"),
    (lambda s: sum(a * (b + 1) for a, b in zip(s[:-1], s[1:])), "one bias per OUTPUT unit"),
    (lambda s: sum(a * b + 1 for a, b in zip(s[:-1], s[1:])), "one bias per layer"),
    (lambda s: sum(s), "expected"),
])
def test_parameter_count_names_the_slip(verdict, wrong, named):
    ok, out = verdict(cn.check_parameter_count, wrong)
    assert not ok and named in out, out


def test_parameter_count_unfinished(verdict):
    ok, out = verdict(cn.check_parameter_count, lambda s: None)
    assert not ok and "returned None" in out
    ok, out = verdict(cn.check_parameter_count, None)
    assert not ok and "not answered" in out
    ok, out = verdict(cn.check_parameter_count, lambda s: s[5])
    assert not ok and "IndexError" in out


def test_hidden_outputs(verdict):
    rng = np.random.default_rng(0)
    X, W, b = rng.normal(size=(5, 2)), rng.normal(size=(2, 3)), rng.normal(size=3)
    right = 1 / (1 + np.exp(-(X @ W + b)))
    assert verdict(cn.check_hidden_outputs, right, X, W, b)[0]
    ok, out = verdict(cn.check_hidden_outputs, X @ W + b, X, W, b)
    assert not ok and "apply the sigmoid" in out
    ok, out = verdict(cn.check_hidden_outputs, 1 / (1 + np.exp(-(X @ W))), X, W, b)
    assert not ok and "biases b are missing" in out
    ok, out = verdict(cn.check_hidden_outputs, right.T, X, W, b)
    assert not ok and "transposed" in out
    ok, out = verdict(cn.check_hidden_outputs, 1 / (1 + np.exp(X @ W + b)), X, W, b)
    assert not ok and "σ(−z)" in out
    ok, out = verdict(cn.check_hidden_outputs, np.tanh(X @ W + b), X, W, b)
    assert not ok and "tanh" in out
    assert verdict(cn.check_hidden_outputs, right.tolist(), X, W, b)[0]  # a list is fine


def test_step_locations(verdict):
    W, b = np.array([[2.0, -1.0, 4.0]]), np.array([1.0, 3.0, -2.0])
    assert verdict(cn.check_step_locations, -b / W.ravel(), W, b)[0]
    ok, out = verdict(cn.check_step_locations, b / W.ravel(), W, b)
    assert not ok and "sign is flipped" in out
    ok, out = verdict(cn.check_step_locations, -W.ravel() / b, W, b)
    assert not ok and "upside down" in out


def test_count_parameters_matches_the_toolkit():
    from trisep_nn.lessons import from_logistic_regression_to_neural_networks as lb
    from trisep_nn.nn import MLP

    for sizes in ([1, 1], [2, 3, 1], [5, 7, 7, 3]):
        model = MLP(sizes, random_state=0)
        assert lb.count_parameters(sizes) == sum(p.data.size for p in model.parameters())


def test_hidden_outputs_and_last_layer_rebuild_the_output():
    from trisep_nn.lessons import from_logistic_regression_to_neural_networks as lb
    from trisep_nn.nn import MLP
    from trisep_nn.train import predict

    model = MLP([2, 3, 4, 1], activation="sigmoid", random_state=0)
    X = np.random.default_rng(0).normal(size=(6, 2))
    H1, H2 = lb.hidden_outputs(model, X)
    W1, b1 = model.linears[0].weight.data, model.linears[0].bias.data
    np.testing.assert_allclose(H1, 1 / (1 + np.exp(-(X @ W1 + b1))), rtol=1e-12)
    assert H2.shape == (6, 4)
    w, b = lb.last_layer(model)
    np.testing.assert_allclose(H2 @ w + b, predict(model, X), rtol=1e-12)


def test_fit_lbfgs_fits_and_linear_boundary_accuracy_tells_straight_from_curved():
    from trisep_nn import data
    from trisep_nn.lessons import from_logistic_regression_to_neural_networks as lb
    from trisep_nn.nn import MLP

    X, y = data.noisy_function(30, noise=0.1, random_state=0)
    model = MLP([1, 3, 1], activation="sigmoid", random_state=1)
    result = lb.fit_lbfgs(model, X, y)
    assert result["loss"] < 0.02
    rng = np.random.default_rng(0)
    P = rng.normal(size=(300, 2))
    assert lb.linear_boundary_accuracy(P, P[:, 0] + 0.5 * P[:, 1] > 0.2) == 1.0
    assert lb.linear_boundary_accuracy(P, (P**2).sum(axis=1) < 1.0) < 0.8
    np.testing.assert_allclose(lb.polynomial_basis([2.0], 3), [[1, 2, 4, 8]])


def _drawn(ax):
    return sum(bool(np.isfinite(line.get_ydata()).any()) for line in ax.get_lines())


def test_learned_basis_explorer_refits_and_caches():
    from trisep_nn import widgets as wn

    X, y = data.noisy_function(30, noise=0.1, random_state=0)
    e = wn.learned_basis_explorer(X, y, truth=data.cosine, n_hidden=1)
    assert e.last_error is None and e.state["n_hidden"] == 1
    one = e.state["loss"]
    assert _drawn(e.figure.axes[0]) == 1
    e.update(n_hidden=4)
    assert e.last_error is None and e.state["loss"] < one
    assert _drawn(e.figure.axes[0]) == 4
    model = e.state["model"]
    e.update(seed=0)
    assert e.state["model"] is not model
    e.update(seed=1)
    assert e.state["model"] is model  # remembered, not refitted


def test_learned_basis_explorer_opens_on_a_good_fit_and_names_the_stuck_seed():
    from trisep_nn import widgets as wn

    X, y = data.noisy_function(30, noise=0.1, random_state=0)
    e = wn.learned_basis_explorer(X, y, truth=data.cosine)
    assert not e.state["poor"] and e.state["loss"] < 0.02  # the default is a good fit
    good = e.png
    e.update(seed=0)  # the one 3-unit seed that ends in a +15 constant cancelled by b ≈ −15.5
    warning = e.figure.axes[2].texts[0].get_text()
    assert e.state["poor"] and e.state["loss"] > 4 * e.state["best_loss"]
    assert "poor local minimum" in warning and e.png != good
    e.update(n_hidden=1, seed=0)  # one unit: this is the best one unit can do, not a failure
    assert not e.state["poor"] and e.figure.axes[2].texts[0].get_text() == ""
