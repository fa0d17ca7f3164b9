"""Concept modules of notebooks 05-07: differentiation, backprop, forward/reverse mode."""

import numpy as np
import pytest

from trisep_nn import backprop as bp
from trisep_nn import differentiation as dff
from trisep_nn import forward_reverse_mode as frm
from trisep_nn.engine import Tensor


# ----------------------------------------------------------------- finite differences
@pytest.mark.parametrize("scheme, order", [("forward", 1), ("central", 2)])
def test_truncation_slope_matches_the_order_of_the_scheme(scheme, order):
    h = np.logspace(-5 if scheme == "forward" else -3, -1, 30)
    err = dff.finite_difference_error(np.exp, np.exp, 0.3, h, scheme)
    assert abs(dff.loglog_slope(h, err) - order) < 0.05


@pytest.mark.parametrize("scheme", ["forward", "central"])
def test_roundoff_grows_as_one_over_h_and_optimum_is_near_the_prediction(scheme):
    h = np.logspace(-16, 0, 161)
    err = dff.finite_difference_error(np.sin, np.cos, 1.0, h, scheme)
    assert -1.3 < dff.loglog_slope(h, err, 1e-15, 1e-10) < -0.7
    best = h[np.argmin(err)]
    assert 0.03 < best / dff.optimal_step(scheme) < 30


def test_error_model_balances_at_the_optimal_step():
    h = dff.optimal_step("central")
    trunc, rnd = dff.error_model(h, "central")
    assert 0.01 < trunc / rnd < 100
    with pytest.raises(ValueError, match="scheme"):
        dff.finite_difference(np.sin, 1.0, 1e-3, "backward")
    with pytest.raises(ValueError, match="positive"):
        dff.finite_difference(np.sin, 1.0, 0.0)


# ----------------------------------------------------------------- symbolic
@pytest.mark.parametrize("expr", [
    dff.logistic_map(4),
    dff.network_expression(3, 2),
    ("div", ("exp", ("mul", "x", "x")), ("add", ("log", "x"), 3)),
])
def test_symbolic_derivative_agrees_with_finite_differences(expr):
    rng = np.random.default_rng(1)
    names = {n for n in _variables(expr)}
    env = {n: rng.uniform(0.3, 0.9) for n in names}
    d = dff.diff(expr, "x")

    def f(x):
        return dff.evaluate(expr, {**env, "x": x})

    numeric = float(dff.finite_difference(f, env["x"], 1e-6))
    assert dff.evaluate(d, env) == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def _variables(e):
    if isinstance(e, str):
        yield e
    elif isinstance(e, tuple):
        for a in e[1:]:
            yield from _variables(a)


def test_expression_swell_tree_grows_much_faster_than_the_shared_graph():
    t = dff.swell_table(dff.logistic_map, [1, 2, 3, 4, 5, 6])
    # the printed derivative more than doubles per step, the graph of distinct pieces linearly
    assert np.all(t["df_tree"][2:] / t["df_tree"][1:-1] > 2)
    assert np.all(np.diff(t["df_dag"][1:]) <= 10)
    assert t["df_tree"][-1] > 20 * t["df_dag"][-1]


def test_to_string_and_simplify():
    e = dff.diff(("sigmoid", ("mul", "w", "x")), "x")
    assert dff.to_string(e) == "σ(w*x)*(1 - σ(w*x))*w"
    assert dff.simplify(("add", ("mul", 0, "x"), ("mul", 1, "y"))) == "y"
    assert dff.to_string(("sub", "a", ("sub", "b", "c"))) == "a - (b - c)"
    assert dff.tree_size(("mul", "x", "x")) == 3 and dff.dag_size(("mul", "x", "x")) == 2


# ----------------------------------------------------------------- backprop by hand
def _problem(n=7, m=3, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, m))
    y = rng.integers(0, 2, size=n).astype(float)
    U, w = bp.init_params(m, d, scale=1.0, random_state=seed)
    return X, y, U, w


def test_hand_gradients_match_finite_differences():
    X, y, U, w = _problem()
    _, g = bp.loss_and_gradients(X, y, U, w)
    num = bp.numerical_gradients(X, y, U, w)
    assert bp.relative_error(g["U"], num["U"]) < 1e-7
    assert bp.relative_error(g["w"], num["w"]) < 1e-7


def test_hand_gradients_match_the_engine():
    X, y, U, w = _problem(seed=3)
    Ut, wt = Tensor(U.copy(), requires_grad=True), Tensor(w.copy(), requires_grad=True)
    h = (X @ Ut.T).sigmoid() @ wt
    p = h.sigmoid()
    L = -(y * p.log() + (1 - y) * (1 - p).log()).sum()
    L.backward()
    value, g = bp.loss_and_gradients(X, y, U, w)
    assert value == pytest.approx(float(L.data), rel=1e-12)
    np.testing.assert_allclose(g["U"], Ut.grad, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g["w"], wt.grad, rtol=1e-10, atol=1e-12)


def test_mean_reduction_divides_by_n_and_slide_formula_is_not_the_gradient():
    X, y, U, w = _problem()
    _, gs = bp.loss_and_gradients(X, y, U, w, "sum")
    _, gm = bp.loss_and_gradients(X, y, U, w, "mean")
    np.testing.assert_allclose(gm["w"], gs["w"] / len(y))
    assert bp.relative_error(bp.slide_gradient_w(X, y, U, w), gs["w"]) > 0.1


def test_cross_entropy_is_stable_at_extreme_logits():
    value = bp.cross_entropy(np.array([1000.0, -1000.0]), np.array([0.0, 1.0]))
    assert value == pytest.approx(2000.0)
    assert bp.sigmoid(-1000.0) == 0.0 and bp.sigmoid(1000.0) == 1.0


def test_train_reduces_loss_and_batches_count_steps():
    rng = np.random.default_rng(0)
    X = bp.add_bias_column(rng.normal(size=(60, 2)))
    y = (X[:, 1] * X[:, 2] > 0).astype(float)  # XOR: needs the hidden layer
    full = bp.train(X, y, n_hidden=8, lr=5.0, num_epochs=300, random_state=0)
    assert full["steps"] == 300
    assert full["train_loss"][-1] < 0.5 * full["train_loss"][0]
    mini = bp.train(X, y, n_hidden=8, lr=0.5, num_epochs=3, batch_size=16, random_state=0,
                    X_val=X[:10], y_val=y[:10])
    assert mini["steps"] == 3 * 4 and len(mini["val_loss"]) == 4


def test_train_marks_divergence_and_rejects_bad_lr():
    X, y, _, _ = _problem(n=20)
    hist = bp.train(X, y, n_hidden=4, lr=1e3, num_epochs=50, random_state=0, max_loss=0.8)
    assert hist["diverged_at"] is not None and len(hist["train_loss"]) == hist["diverged_at"] + 1
    with pytest.raises(ValueError, match="lr"):
        bp.train(X, y, lr=0.0)


# ----------------------------------------------------------------- forward / reverse mode
@pytest.mark.parametrize("program", [frm.LOG_AB, frm.BAYDIN])
def test_trace_modes_agree_with_the_engine(program):
    a, b = Tensor(2.0, requires_grad=True), Tensor(5.0, requires_grad=True)
    if program is frm.LOG_AB:
        f = (a * b).log()
    else:
        f = a.log() + a * b - Tensor(np.sin(5.0))  # sin is not an engine op: constant in b
    f.backward()
    inputs = {"a": 2.0, "b": 5.0}
    rev = {s["node"]: s["adjoint"] for s in frm.reverse_mode(program, inputs)}
    fwd = frm.forward_mode(program, inputs, {"a": 1.0})
    assert rev["a"] == pytest.approx(float(a.grad))
    assert fwd[-1]["tangent"] == pytest.approx(float(a.grad))
    assert fwd[-1]["value"] == pytest.approx(float(f.data))
    expected_b = 1 / 5 if program is frm.LOG_AB else 2.0 - np.cos(5.0)
    assert rev["b"] == pytest.approx(expected_b)
    assert frm.forward_mode(program, inputs, {"b": 1.0})[-1]["tangent"] == pytest.approx(
        expected_b)


def test_trace_rules_and_layout():
    rev = frm.reverse_mode(frm.BAYDIN, {"a": 2.0, "b": 5.0})
    a_step = [s for s in rev if s["node"] == "a"][0]
    assert "v1̄" in a_step["rule"] and "v2̄" in a_step["rule"]  # two users: two terms
    pos = frm.layout(frm.LOG_AB)
    assert pos["a"][0] == 0 and pos["v"][0] == 1 and pos["f"][0] == 2
    with pytest.raises(ValueError, match="before"):
        frm.evaluate_trace([("v", "mul", ("a", "b"))], {})


# ----------------------------------------------------------------- learned basis (05)
def test_count_parameters_matches_the_toolkit():
    from trisep_nn import learned_basis as lb
    from trisep_nn.nn import MLP

    for sizes in ([1, 1], [2, 3, 1], [5, 7, 7, 3]):
        model = MLP(sizes, random_state=0)
        assert lb.count_parameters(sizes) == sum(p.data.size for p in model.parameters())


def test_hidden_outputs_and_last_layer_rebuild_the_output():
    from trisep_nn import learned_basis as lb
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
    from trisep_nn import learned_basis as lb
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
