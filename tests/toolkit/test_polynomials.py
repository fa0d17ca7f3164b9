"""trisep_nn.polynomials: polynomial fits on scikit-learn pipelines, and many at once."""

import numpy as np
import pytest

from trisep_nn import data
from trisep_nn.lessons import bias_variance_tradeoff as bv
from trisep_nn.polynomials import (
    polynomial_fit_predict_degrees,
    polynomial_fit_predict_many,
    polynomial_regression,
)


def test_polynomial_regression_recovers_an_exact_polynomial():
    x = np.linspace(-1, 1, 15).reshape(-1, 1)
    y = 0.5 - 2 * x[:, 0] + 3 * x[:, 0] ** 3
    model = polynomial_regression(3).fit(x, y)
    assert np.allclose(model.predict([[0.3]]), 0.5 - 0.6 + 3 * 0.027)
    assert not np.allclose(polynomial_regression(2).fit(x, y).predict(x), y)


def test_batched_polynomial_fits_equal_scikit_learn_fits():
    X, Y = bv.draw_training_sets(5, 25, random_state=0)
    x_eval = np.linspace(0, 1, 17)
    for degree in (1, 3, 8, 12, 15):
        fast = polynomial_fit_predict_many(degree, X, Y, x_eval)
        slow = bv.fit_predict_many(polynomial_regression(degree), X, Y, x_eval)
        assert fast.shape == (5, 17)
        assert np.allclose(fast, slow, rtol=1e-6, atol=1e-6)


def test_every_degree_at_once_equals_one_degree_at_a_time():
    X, Y = bv.draw_training_sets(6, 12, random_state=3)
    degrees = [0, 4, 1, 11, 13, 15]  # 13 and 15: more coefficients than points
    for x_eval in (np.linspace(0, 1, 17), np.random.default_rng(4).uniform(size=(6, 9))):
        together = polynomial_fit_predict_degrees(degrees, X, Y, x_eval)
        assert together.shape == (len(degrees), 6, x_eval.shape[-1])
        for d, row in zip(degrees, together):
            np.testing.assert_allclose(row, polynomial_fit_predict_many(d, X, Y, x_eval),
                                       rtol=1e-9, atol=1e-9)
    one = polynomial_fit_predict_degrees([2, 5], X[0], Y[0], np.linspace(0, 1, 7))
    np.testing.assert_allclose(one[1], polynomial_fit_predict_many(5, X[0], Y[0],
                                                                   np.linspace(0, 1, 7)))
    with pytest.raises(ValueError, match="degree"):
        polynomial_fit_predict_degrees([], X, Y, np.linspace(0, 1, 7))


def test_polynomial_regression_is_the_least_squares_minimum_at_high_degree():
    # scikit-learn's default LinearRegression(tol=1e-6) cuts small singular values and
    # returns a fit with a larger residual; ours must reach the true minimum (Legendre basis)
    from numpy.polynomial import legendre

    X, y = data.noisy_function(30, random_state=0)
    V = legendre.legvander(2 * X[:, 0] - 1, 15)
    rss_min = np.sum((V @ np.linalg.lstsq(V, y, rcond=None)[0] - y) ** 2)
    rss = np.sum((polynomial_regression(15).fit(X, y).predict(X) - y) ** 2)
    assert rss == pytest.approx(rss_min, rel=1e-8)


def test_batched_fits_with_per_dataset_evaluation_points():
    X, Y = bv.draw_training_sets(4, 20, random_state=1)
    x_eval = np.random.default_rng(2).uniform(size=(4, 9))
    fast = polynomial_fit_predict_many(5, X, Y, x_eval)
    for m in range(4):
        model = polynomial_regression(5).fit(X[m].reshape(-1, 1), Y[m])
        assert np.allclose(fast[m], model.predict(x_eval[m].reshape(-1, 1)), atol=1e-8)
