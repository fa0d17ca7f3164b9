"""Concept modules of notebooks 01-04: basis functions, bias–variance, regularization.

Each is checked against an independent computation: a closed form, a
hand-written loop, or an optimality condition.
"""

import warnings

import numpy as np
import pytest

from trisep_nn import bias_variance as bv
from trisep_nn import data
from trisep_nn import regularization as reg
from trisep_nn.basis_functions import polynomial_classifier, polynomial_regression


# ------------------------------------------------------------------ basis functions
def test_polynomial_regression_recovers_an_exact_polynomial():
    x = np.linspace(-1, 1, 15).reshape(-1, 1)
    y = 0.5 - 2 * x[:, 0] + 3 * x[:, 0] ** 3
    model = polynomial_regression(3).fit(x, y)
    assert np.allclose(model.predict([[0.3]]), 0.5 - 0.6 + 3 * 0.027)
    assert not np.allclose(polynomial_regression(2).fit(x, y).predict(x), y)


def test_a_quadratic_basis_separates_the_circles_a_line_cannot():
    X, y = data.circles(200, noise=0.05, random_state=0)
    assert polynomial_classifier(1).fit(X, y).score(X, y) < 0.7
    assert polynomial_classifier(2).fit(X, y).score(X, y) > 0.95


# -------------------------------------------------------------------- bias–variance
def test_batched_polynomial_fits_equal_scikit_learn_fits():
    X, Y = bv.draw_training_sets(5, 25, random_state=0)
    x_eval = np.linspace(0, 1, 17)
    for degree in (1, 3, 8, 12, 15):
        fast = bv.polynomial_fit_predict_many(degree, X, Y, x_eval)
        slow = bv.fit_predict_many(polynomial_regression(degree), X, Y, x_eval)
        assert fast.shape == (5, 17)
        assert np.allclose(fast, slow, rtol=1e-6, atol=1e-6)


def test_polynomial_regression_is_the_least_squares_minimum_at_high_degree():
    # scikit-learn's default LinearRegression(tol=1e-6) cuts small singular values and
    # returns a fit with a larger residual; ours must reach the true minimum (Legendre basis)
    from numpy.polynomial import legendre

    X, y = data.noisy_function(30, random_state=0)
    V = legendre.legvander(2 * X[:, 0] - 1, 15)
    rss_min = np.sum((V @ np.linalg.lstsq(V, y, rcond=None)[0] - y) ** 2)
    rss = np.sum((polynomial_regression(15).fit(X, y).predict(X) - y) ** 2)
    assert rss == pytest.approx(rss_min, rel=1e-8)


def test_decompose_matches_a_hand_written_loop():
    rng = np.random.default_rng(1)
    H = rng.normal(size=(7, 4))
    f = rng.normal(size=4)
    y_eval = f + 0.3 * rng.normal(size=(7, 4))
    r = bv.decompose(H, f, y_eval)
    bias2 = variance = direct = noise = 0.0
    for k in range(4):
        h_bar = sum(H[m, k] for m in range(7)) / 7
        bias2 += (f[k] - h_bar) ** 2 / 4
        variance += sum((H[m, k] - h_bar) ** 2 for m in range(7)) / 7 / 4
        direct += sum((y_eval[m, k] - H[m, k]) ** 2 for m in range(7)) / 28
        noise += sum((y_eval[m, k] - f[k]) ** 2 for m in range(7)) / 28
    assert np.isclose(r.bias2, bias2) and np.isclose(r.variance, variance)
    assert np.isclose(r.expected_error, direct) and np.isclose(r.noise, noise)
    # bias² + variance = mean (f - h)², exactly, with the 1/M variance
    assert np.isclose(r.bias2 + r.variance, np.mean((H - f) ** 2))


def test_mean_predictor_has_the_analytic_bias_and_variance():
    # h(x) = mean of the training y. For x ~ U(0, 1) and f = cos(1.5πx):
    # E f = -1/(1.5π), Var f = 1/2 - (1/(1.5π))², variance = (Var f + σ²) / n.
    from sklearn.dummy import DummyRegressor

    n, sigma = 10, 0.3
    n_datasets = 2500
    r = bv.bias_variance_decomposition(
        DummyRegressor(), n_train=n, n_datasets=n_datasets, noise=sigma, n_test=2001,
        random_state=0,
    )
    mean_f = -1 / (1.5 * np.pi)
    var_f = 0.5 - mean_f**2
    # a sample variance of M near-Gaussian values has a relative error sqrt(2 / M): allow 3σ
    assert r.variance == pytest.approx((var_f + sigma**2) / n, rel=3 * np.sqrt(2 / n_datasets))
    assert r.bias2 == pytest.approx(var_f, rel=0.02)
    assert r.noise == pytest.approx(sigma**2, rel=0.02)


@pytest.mark.parametrize("degree", [1, 3, 6])
def test_the_identity_holds_within_monte_carlo_error(degree):
    r = bv.bias_variance_decomposition(degree, n_train=30, n_datasets=400, random_state=degree)
    assert abs(r.expected_error - r.total) < 4 * r.difference_se
    assert r.difference_se < r.expected_error_se  # the paired difference is sharper


def test_standard_error_is_honest():
    # the spread of the difference over independent repetitions matches its quoted SE
    diffs, ses = [], []
    for seed in range(40):
        r = bv.bias_variance_decomposition(3, n_train=20, n_datasets=50, random_state=seed)
        diffs.append(r.difference)
        ses.append(r.difference_se)
    assert 0.6 < np.std(diffs) / np.mean(ses) < 1.5


def test_variance_shrinks_with_data_and_approaches_sigma2_p_over_n():
    n = [30, 120, 480]
    r = bv.bias_variance_vs_n_train(n, degree=5, n_datasets=400, random_state=0)
    assert np.all(np.diff(r["variance"]) < 0)
    # least squares, nearly unbiased model: average variance -> σ² p / n (p = 6)
    assert r["variance"][-1] * 480 == pytest.approx(0.01 * 6, rel=0.2)


def test_bias_falls_with_degree_and_sweeps_reuse_training_sets():
    r = bv.bias_variance_vs_degree([1, 2, 3, 4], n_datasets=100, random_state=0)
    assert np.all(np.diff(r["bias2"]) < 0)
    # an int seed: every degree sees the same training sets and the same test noise
    assert np.allclose(r["noise"], r["noise"][0])


# ------------------------------------------------------------------- regularization
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


# ------------------------------------------------------------------ model selection
def test_batched_fits_with_per_dataset_evaluation_points():
    X, Y = bv.draw_training_sets(4, 20, random_state=1)
    x_eval = np.random.default_rng(2).uniform(size=(4, 9))
    fast = bv.polynomial_fit_predict_many(5, X, Y, x_eval)
    for m in range(4):
        model = polynomial_regression(5).fit(X[m].reshape(-1, 1), Y[m])
        assert np.allclose(fast[m], model.predict(x_eval[m].reshape(-1, 1)), atol=1e-8)


def test_validation_error_of_the_chosen_model_is_optimistic():
    from trisep_nn.model_selection import validation_optimism

    n = 1500
    se = np.sqrt(0.25 / n)  # of a fraction near 1/2
    # one fixed model: validation and test sets are exchangeable, so P(test > val) = 1/2
    fixed = validation_optimism(degrees=[4], n_repeats=n, random_state=0)
    assert abs(np.mean(fixed["test_error"] > fixed["validation_error"]) - 0.5) < 3 * se
    # the best of 15 on the validation set: its validation error is biased low
    chosen = validation_optimism(n_repeats=n, random_state=0)
    assert np.mean(chosen["test_error"] > chosen["validation_error"]) > 0.5 + 5 * se
    assert set(np.unique(chosen["degree"])) <= set(range(1, 16))
