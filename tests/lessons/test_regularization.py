"""Lesson regularization (notebook 04).

Its concepts against independent computations, its explorers redraw what they
drive, and its exercise checks accept the solution and name the typical slips."""

import matplotlib

matplotlib.use("Agg")
import warnings

import numpy as np
import pytest
from sklearn.model_selection import KFold

from trisep_nn import (
    checks,
    data,
    widgets,  # noqa: E402
)
from trisep_nn.lessons import regularization as reg
from trisep_nn.lessons.regularization import widgets as regularization_widgets
from trisep_nn.polynomials import polynomial_regression


def _loss(w, X, y, alpha, kind):
    omega = np.sum(w**2) if kind == "l2" else np.sum(np.abs(w))
    return 0.5 * np.sum((y - X @ w) ** 2) + alpha * omega


@pytest.mark.parametrize("right", [
    _loss,
    lambda w, X, y, a, k: (0.5 * np.linalg.norm(y - X @ w) ** 2
                           + a * (np.linalg.norm(w) ** 2 if k == "l2" else np.linalg.norm(w, 1))),
    lambda w, X, y, a, k: np.array([[_loss(w, X, y, a, k)]]),  # one number, any shape
    lambda w, X, y, a, k: float(_loss(w, X, y, a, k)),
])
def test_check_regularized_loss_accepts_every_spelling(verdict, right):
    ok, out = verdict(checks.check_regularized_loss, right)
    assert ok is True and "both penalties" in out


def _omega(w, k):
    return np.sum(w**2) if k == "l2" else np.sum(np.abs(w))


@pytest.mark.parametrize("wrong, slip", [
    (lambda w, X, y, a, k: np.sum((y - X @ w) ** 2) + a * _omega(w, k), "missing its ½"),
    (lambda w, X, y, a, k: 0.5 * np.mean((y - X @ w) ** 2) + a * _omega(w, k), "averaged"),
    (lambda w, X, y, a, k: np.mean((y - X @ w) ** 2) + a * _omega(w, k), "mean squared error"),
    (lambda w, X, y, a, k: a * 0.5 * np.sum((y - X @ w) ** 2) + _omega(w, k), "wrong term"),
    (lambda w, X, y, a, k: 0.5 * (np.sum((y - X @ w) ** 2) + a * _omega(w, k)),
     "multiplies the penalty too"),
    (lambda w, X, y, a, k: 0.5 * np.sum((y - X @ w) ** 2) - a * _omega(w, k), "sign"),
    (lambda w, X, y, a, k: 0.5 * np.sum((y - X @ w) ** 2) + a * _omega(w, "l1" if k == "l2"
                                                                          else "l2"), "swapped"),
    (lambda w, X, y, a, k: 0.5 * np.sum((y - X @ w) ** 2) + a * (
        np.linalg.norm(w) if k == "l2" else np.sum(np.abs(w))), "not the norm"),
    (lambda w, X, y, a, k: 0.5 * np.sum((y - X @ w) ** 2) + a * (
        np.sum(w**2) if k == "l2" else np.sum(np.abs(w)) ** 2), "not squared"),
    (lambda w, X, y, a, k: 0.5 * np.sum((y - X @ w) ** 2) + a * (
        np.sum(w**2) if k == "l2" else np.sum(w)), "absolute value"),
    (lambda w, X, y, a, k: 0.5 * np.linalg.norm(y - X @ w) + a * _omega(w, k),
     "norm is not squared"),
    (lambda w, X, y, a, k: 0.5 * (y - X @ w) ** 2 + a * _omega(w, k), "one number"),
    (lambda w, X, y, a, k: 0.5 * np.sum((y - X @ w) ** 2), "expected"),
    (lambda w, X, y, a, k: None, "returned None"),
    (lambda w, X, y, a, k: X.T @ w, "ValueError"),
])
def test_check_regularized_loss_names_the_slip(verdict, wrong, slip):
    ok, out = verdict(checks.check_regularized_loss, wrong)
    assert ok is False and slip in out, out


def test_check_ridge_weights(verdict):
    rng = np.random.default_rng(0)
    X, y, alpha = rng.normal(size=(30, 4)), rng.normal(size=30), 2.0
    A, b = X.T @ X, X.T @ y
    right = np.linalg.solve(A + 2 * alpha * np.eye(4), b)
    assert verdict(checks.check_ridge_weights, right, X, y, alpha)[0] is True
    assert verdict(checks.check_ridge_weights, right.tolist(), X, y, alpha)[0] is True
    dual = X.T @ np.linalg.solve(X @ X.T + 2 * alpha * np.eye(30), y)  # the same, another way
    assert verdict(checks.check_ridge_weights, dual, X, y, alpha)[0] is True
    for wrong, words in [(np.linalg.solve(A + alpha * np.eye(4), b), "2αw"),
                         (np.linalg.solve(A, b), "unregularised"),
                         (np.linalg.solve(A + 2 * alpha * np.ones((4, 4)), b), "diagonal"),
                         (X @ right, "one value per feature"),
                         (np.linalg.solve(A - 2 * alpha * np.eye(4), b), "subtracted 2αI"),
                         (-right, "sign of every weight"),
                         (right.tolist()[:3], "shape (3,)")]:
        ok, out = verdict(checks.check_ridge_weights, wrong, X, y, alpha)
        assert ok is False and words in out


def test_check_soft_threshold(verdict):
    def right(z, alpha):
        return np.sign(z) * np.maximum(np.abs(z) - alpha, 0)

    assert verdict(checks.check_soft_threshold, right)[0] is True
    for wrong, words in [(lambda z, a: z / (1 + 2 * a), "ridge shrinkage"),
                         (lambda z, a: z - a * np.sign(z), "exactly 0"),
                         (lambda z, a: np.maximum(np.abs(z) - a, 0), "sign of z"),
                         (lambda z, a: right(z, 2 * a), "twice too wide"),
                         (lambda z, a: np.where(np.abs(z) > a, z, 0.0), "hard threshold"),
                         (lambda z, a: np.maximum(z - a, 0), "negative z"),
                         (lambda z, a: float(a), "shape ()")]:
        ok, out = verdict(checks.check_soft_threshold, wrong)
        assert ok is False and words in out


def test_check_cv_alpha(verdict):
    from sklearn.model_selection import GridSearchCV

    from trisep_nn.lessons.regularization import regularized_polynomial

    X, y = data.noisy_function(40, random_state=0)
    alphas = np.logspace(-4, 1, 6)
    cv = KFold(4, shuffle=True, random_state=0)
    search = GridSearchCV(regularized_polynomial(15, 1.0), {"ridge__alpha": 2 * alphas}, cv=cv,
                          scoring="neg_mean_squared_error").fit(X, y)
    best = search.best_params_["ridge__alpha"] / 2
    assert verdict(checks.check_cv_alpha, best, X, y, alphas, cv)[0] is True
    ok, out = verdict(checks.check_cv_alpha, 2 * best, X, y, alphas, cv)
    assert ok is False and "scikit-learn's alpha" in out
    ok, out = verdict(checks.check_cv_alpha, alphas.min(), X, y, alphas, cv)
    assert ok is False and "smallest α on the grid" in out
    ok, out = verdict(checks.check_cv_alpha, alphas.max(), X, y, alphas, cv)
    assert ok is False and "largest α on the grid" in out
    ok, out = verdict(checks.check_cv_alpha, 0.123, X, y, alphas, cv)
    assert ok is False and "not one of the α values" in out
    other = [a for a in alphas[1:-1] if not np.isclose(a, best)][0]
    ok, out = verdict(checks.check_cv_alpha, other, X, y, alphas, cv)
    assert ok is False and "not the cross-validated best" in out


@pytest.mark.parametrize("seed", [0, 1])
def test_the_cv_check_computes_what_grid_search_computes(seed):
    from sklearn.model_selection import GridSearchCV

    from trisep_nn.lessons.regularization.checks import cross_validated_errors

    X, y = data.noisy_function(60, random_state=seed)
    alphas = np.logspace(-7, 2, 10)
    cv = KFold(5, shuffle=True, random_state=seed)
    search = GridSearchCV(reg.regularized_polynomial(15, 1.0), {"ridge__alpha": 2 * alphas},
                          cv=cv, scoring="neg_mean_squared_error").fit(X, y)
    errors = cross_validated_errors(X, y, alphas, cv)
    assert np.allclose(errors, -search.cv_results_["mean_test_score"], rtol=1e-6)


def _problem(n=40, d=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + 1.5 + 0.5 * rng.normal(size=n)
    return X, y


@pytest.mark.parametrize("alpha", [0.1, 3.0, 30.0])
def test_ridge_with_converted_alpha_minimises_the_lecture_loss(alpha):
    X, y = _problem()
    model = reg.regularized_model(alpha, "l2").fit(X, y)
    residual = y - X @ model.coef_ - model.intercept_
    grad = -X.T @ residual + 2 * alpha * model.coef_  # ∇ of ½‖r‖² + α‖w‖²
    assert np.abs(grad).max() < 1e-8
    loss = reg.penalized_loss(model.coef_, X, y, alpha, "l2", model.intercept_)
    rng = np.random.default_rng(0)
    for _ in range(20):
        w = model.coef_ + 1e-3 * rng.normal(size=X.shape[1])
        assert reg.penalized_loss(w, X, y, alpha, "l2", model.intercept_) > loss


@pytest.mark.parametrize("alpha", [1.0, 10.0, 40.0])
def test_lasso_with_converted_alpha_satisfies_the_lecture_optimality_condition(alpha):
    # subgradient of ½‖r‖² + α‖w‖₁: Xᵀr = α sign(w) where w ≠ 0, |Xᵀr| ≤ α where w = 0
    X, y = _problem()
    model = reg.regularized_model(alpha, "l1", n_samples=len(y), tol=1e-10).fit(X, y)
    w = model.coef_
    corr = X.T @ (y - X @ w - model.intercept_)
    on = w != 0
    assert np.allclose(corr[on], alpha * np.sign(w[on]), atol=1e-4 * alpha)
    assert np.all(np.abs(corr[~on]) <= alpha * (1 + 1e-4))


def test_sklearn_alpha_conversions_and_bad_input():
    assert reg.sklearn_alpha(0.5, "l2") == 1.0
    assert reg.sklearn_alpha(3.0, "l1", n_samples=30) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="n_samples"):
        reg.sklearn_alpha(1.0, "l1")
    with pytest.raises(ValueError, match="penalty"):
        reg.penalty([1.0], "l3")
    assert reg.penalty([3.0, -4.0], "l2") == 25.0 and reg.penalty([3.0, -4.0], "l1") == 7.0


def test_coefficient_paths_match_individual_fits():
    X, y = _problem(d=8)
    alphas = np.array([30.0, 0.3, 3.0])  # unsorted on purpose
    for kind in ("l2", "l1"):
        path = reg.coefficient_path(X, y, alphas, kind)
        assert path.shape == (3, 8)
        for a, w in zip(alphas, path):
            direct = reg.regularized_model(a, kind, n_samples=len(y), tol=1e-10).fit(X, y)
            assert np.allclose(w, direct.coef_, atol=1e-3)


def test_lasso_gives_exact_zeros_ridge_does_not():
    X, y = _problem(d=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ridge = reg.coefficient_path(X, y, [20.0], "l2")[0]
        lasso = reg.coefficient_path(X, y, [20.0], "l1")[0]
    assert np.sum(ridge == 0) == 0 and np.sum(lasso == 0) >= 2


def test_regularized_polynomial_is_smaller_and_smoother():
    X, y = data.noisy_function(20, random_state=0)
    plain = polynomial_regression(15).fit(X, y)
    ridge = reg.regularized_polynomial(15, 0.01, "l2").fit(X, y)
    X_test, y_test = data.noisy_function(2000, random_state=1)
    mse = [np.mean((m.predict(X_test) - y_test) ** 2) for m in (plain, ridge)]
    assert mse[1] < mse[0]
    assert reg.regularized_polynomial(15, 0, "l2")[-1].__class__.__name__ == "LinearRegression"


def bar_heights(explorer, axis=1):
    return np.array([p.get_height() for p in explorer.figure.axes[axis].patches])


def titles(explorer):
    return [ax.get_title() for ax in explorer.figure.axes]


def test_regularization_explorer_shrinks_weights_and_lasso_zeroes_them():
    e = widgets.regularization_explorer(alpha=1e-2)
    small = bar_heights(e)
    assert np.allclose(small, e.state["weights"])
    e.update(alpha=3.0)  # off the slider's grid: solved when asked
    large = bar_heights(e)
    assert e.last_error is None
    assert np.linalg.norm(large) < np.linalg.norm(small)
    assert np.sum(large == 0) == 0  # ridge: no exact zeros
    lasso = [k for k in regularization_widgets._PENALTIES if "L1" in k][0]
    e.update(penalty=lasso)
    assert e.last_error is None and np.sum(bar_heights(e) == 0) >= 5
    assert f"{np.sum(bar_heights(e) == 0)} of 15 weights exactly 0" in titles(e)[1]
    crosses = e.figure.axes[1].get_lines()[0].get_xdata()
    assert len(crosses) == np.sum(bar_heights(e) == 0)


def test_regularization_explorer_matches_a_direct_fit_on_and_off_the_grid():
    X, y = data.noisy_function(30, random_state=0)
    e = widgets.regularization_explorer()
    grid = np.linspace(0, 1, 200)[:, None]
    for alpha, kind in [(10 ** -1.5, "l2"), (10 ** -1.5, "l1"), (0.37, "l1")]:
        name = [k for k, v in regularization_widgets._PENALTIES.items() if v == kind][0]
        e.update(alpha=alpha, penalty=name)
        direct = reg.regularized_polynomial(15, alpha, kind, n_samples=30, tol=1e-10).fit(X, y)
        features = direct[:-1].transform(X)
        loss = [reg.penalized_loss(w, features, y, alpha, kind, direct[-1].intercept_)
                for w in (e.state["weights"], direct[-1].coef_)]
        assert loss[0] == pytest.approx(loss[1], rel=1e-6)  # the same minimum
        assert np.allclose(e.figure.axes[0].get_lines()[2].get_ydata(), direct.predict(grid),
                           atol=2e-3)


def test_regularization_explorer_smooths_the_fit_as_alpha_grows():
    def wiggle(e):  # the summed curvature of the drawn fit
        return np.sum(np.abs(np.diff(e.figure.axes[0].get_lines()[2].get_ydata(), 2)))

    e = widgets.regularization_explorer(alpha=10 ** -2.5)
    rough, mse = wiggle(e), e.state["test_mse"]
    e.update(alpha=10.0)  # a strong penalty: smooth, under-fitting
    assert wiggle(e) < rough / 2
    assert e.state["test_mse"] > mse and "α = 10" in titles(e)[0]


def test_geometry_explorer_opens_on_a_corner_and_moves_the_solution():
    X, y = regularization_widgets._two_weight_problem()
    e = widgets.geometry_explorer()
    # the default α: the lasso sits on a corner of the diamond (w₂ = 0), ridge does not
    assert e.state["l1"][1] == 0 and e.state["l1"][0] > 0.3
    assert np.all(np.abs(e.state["l2"]) > 0.1)
    assert "w = (0.78, 0.00)" in titles(e)[1]
    e.update(alpha=1.0)
    assert e.last_error is None and np.all(e.state["l1"] != 0)  # weak penalty: no corner
    for ax, kind in zip(e.figure.axes, ("l2", "l1")):
        w = e.state[kind]
        dot = ax.get_lines()[12]
        assert np.allclose([dot.get_xdata()[0], dot.get_ydata()[0]], w)
        # the drawn region and the drawn contour both pass through the solution
        region = ax.patches[0].get_xy()
        assert reg.penalty(region[0], kind) == pytest.approx(reg.penalty(w, kind), rel=1e-6)
        contour = np.column_stack(ax.get_lines()[9].get_data())
        level = [0.5 * np.sum((y - X @ v) ** 2) for v in (*contour, w)]
        assert np.allclose(level, level[-1])
    e.update(alpha=300.0)
    assert np.array_equal(e.state["l1"], [0, 0]) and np.all(e.state["l2"] > 0)
