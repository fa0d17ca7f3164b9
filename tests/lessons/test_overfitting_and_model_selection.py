"""Lesson overfitting_and_model_selection (notebook 02).

Its concepts against independent computations, its explorers redraw what they
drive, and its exercise checks accept the solution and name the typical slips."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from trisep_nn import (
    checks,
    data,
    widgets,  # noqa: E402
)


@pytest.fixture
def xy():
    return data.noisy_function(50, random_state=0)


def split(X, y, second):
    X_train, X_rest, y_train, y_rest = train_test_split(X, y, test_size=0.4, random_state=0)
    X_val, X_test, y_val, y_test = train_test_split(
        X_rest, y_rest, test_size=second, random_state=0)
    return X_train, X_val, X_test, y_train, y_val, y_test


def test_check_split_accepts_a_correct_split(verdict, xy):
    X, y = xy
    ok, out = verdict(checks.check_split, *split(X, y, 0.5), X, y)
    assert ok is True and "30 / 10 / 10" in out


def test_check_split_explains_the_usual_slips(verdict, xy):
    X, y = xy
    # 80/20 then 80/20 of the rest: 64 / 16 / 20
    X_train, X_rest, y_train, y_rest = train_test_split(X, y, test_size=0.2, random_state=0)
    X_tr, X_val, y_tr, y_val = train_test_split(X_train, y_train, test_size=0.2,
                                                random_state=0)
    ok, out = verdict(checks.check_split, X_tr, X_val, X_rest, y_tr, y_val, y_rest,
                      X, y)
    assert ok is False and "test_size must be 0.25" in out
    # validation cut from X again: overlaps the training set
    parts = list(split(X, y, 0.5))
    _, parts[1], _, parts[4] = train_test_split(X, y, test_size=10, random_state=1)
    ok, out = verdict(checks.check_split, *parts, X, y)
    assert ok is False and "share" in out
    # y shuffled separately from X
    parts = list(split(X, y, 0.5))
    parts[3] = parts[3][::-1]
    ok, out = verdict(checks.check_split, *parts, X, y)
    assert ok is False and "does not line up" in out
    ok, out = verdict(checks.check_split, None, None, None, None, None, None, X, y)
    assert ok is False and "not answered" in out


def test_check_best_degree(verdict):
    degrees = np.arange(1, 11)
    train = np.linspace(1, 0.1, 10)
    val = np.array([9, 5, 2, 1.5, 1.2, 1.4, 2, 3, 5, 8.0])
    assert verdict(checks.check_best_degree, 5, degrees, val, train)[0] is True
    assert verdict(checks.check_best_degree, np.int64(5), degrees, val, train)[0] is True
    assert verdict(checks.check_best_degree, 5.0, degrees, val, train)[0] is True
    ok, out = verdict(checks.check_best_degree, 5.5, degrees, val, train)
    assert ok is False and "whole number" in out
    for wrong, words in [(4, "position in the array"), (10, "training error"),
                         (1, "largest"), (12, "not one of the degrees"), (6, "another degree")]:
        ok, out = verdict(checks.check_best_degree, wrong, degrees, val, train)
        assert ok is False and words in out, (wrong, out)


def test_check_split_names_other_slips(verdict, xy):
    X, y = xy
    good = split(X, y, 0.5)
    ok, out = verdict(checks.check_split, *good[:2], good[2][:5], *good[3:5], good[5][:5], X, y)
    assert ok is False and "hold 45 of the 50 points" in out
    ok, out = verdict(checks.check_split, good[0], good[1], good[2] + 1.0, *good[3:], X, y)
    assert ok is False and "not in X" in out
    ok, out = verdict(checks.check_split, *good[:3], good[3], good[4], good[5][:-1], X, y)
    assert ok is False and "9" in out and "rows but" in out
    # equivalent answers: lists instead of arrays
    listed = [np.asarray(a).tolist() for a in good]
    assert verdict(checks.check_split, *listed, X, y)[0] is True


def right_chi2_ndf(y, y_pred, sigma, n_params):
    return np.sum(((y - y_pred) / sigma) ** 2) / (len(y) - n_params)


@pytest.mark.parametrize("wrong, words", [
    (lambda y, h, s, p: np.sum(((y - h) / s) ** 2), "divide it by ndf"),
    (lambda y, h, s, p: np.sum(((y - h) / s) ** 2) / len(y), "divided by n = 30"),
    (lambda y, h, s, p: np.sum((y - h) ** 2) / (len(y) - p), "forgot to divide"),
    (lambda y, h, s, p: np.sum((y - h) ** 2 / s) / (len(y) - p), "divided the squared"),
    (lambda y, h, s, p: np.sum(((y - h) / s) ** 2) / (len(y) - p - 1), "off by one"),
    (lambda y, h, s, p: np.sum(((y - h) / s) ** 2) / (len(y) - p + 1), "off by one"),
    (lambda y, h, s, p: np.sum(((y - h) / s) ** 2) / p, "divided by n_params"),
    (lambda y, h, s, p: np.sqrt(right_chi2_ndf(y, h, s, p)), "square root"),
    (lambda y, h, s, p: np.mean((y - h) ** 2), "mean squared error"),
    (lambda y, h, s, p: ((y - h) / s) ** 2, "one number"),
    (lambda y, h, s, p: None, "returned None"),
    (lambda y, h, s, p: 1.1 * right_chi2_ndf(y, h, s, p), "constant factor"),
])
def test_check_chi2_ndf_names_the_slip(verdict, wrong, words):
    assert verdict(checks.check_chi2_ndf, right_chi2_ndf)[0] is True
    ok, out = verdict(checks.check_chi2_ndf, wrong)
    assert ok is False and words in out, out


def test_check_chi2_ndf_accepts_other_spellings(verdict):
    assert verdict(checks.check_chi2_ndf, lambda y, h, s, p: [right_chi2_ndf(y, h, s, p)])[0]
    assert verdict(checks.check_chi2_ndf,
                   lambda y, h, s, p: np.dot(y - h, y - h) / s**2 / (y.size - p))[0]


def test_mark_off_scale_puts_the_points_above_the_axis_at_its_top_with_their_value():
    import matplotlib.pyplot as plt

    from trisep_nn.lessons.overfitting_and_model_selection import mark_off_scale

    fig, ax = plt.subplots()
    markers = mark_off_scale(ax, [15, 30, 60], [751.4, 37.2, 0.011], top=0.5, color="r")
    assert list(markers.get_xdata()) == [15, 30] and list(markers.get_ydata()) == [0.5, 0.5]
    assert [t.get_text() for t in ax.texts] == ["751", "37.2"]
    plt.close(fig)


def line_data(explorer, axis=0):
    return [np.asarray(line.get_ydata(), dtype=float).copy()
            for line in explorer.figure.axes[axis].get_lines()]


def titles(explorer):
    return [ax.get_title() for ax in explorer.figure.axes]


def test_fit_explorer_refits_on_degree_and_sample_size():
    e = widgets.fit_explorer(max_degree=8)
    fit_before = line_data(e)[0]
    e.update(degree=7)
    fit_degree = line_data(e)[0]
    assert e.last_error is None and not np.allclose(fit_before, fit_degree)
    e.update(n_samples=120)
    assert e.last_error is None and not np.allclose(fit_degree, line_data(e)[0])
    assert "120 training points" in titles(e)[0]
    assert len(e.figure.axes[0].collections[0].get_offsets()) == 120
    e.update(n_samples=125)  # off the slider's steps: fitted when asked
    assert e.last_error is None and "125 training points" in titles(e)[0]


def test_fit_explorer_draws_the_fits_of_polynomial_regression():
    from trisep_nn.polynomials import polynomial_regression

    e = widgets.fit_explorer(degree=6, n_samples=40)
    X, y = data.noisy_function(40, random_state=0)
    model = polynomial_regression(6).fit(X, y)
    assert np.allclose(line_data(e)[0], model.predict(np.linspace(0, 1, 200)[:, None]))
    X_test, y_test = data.noisy_function(2000, random_state=1)
    assert e.state["test"][5] == pytest.approx(np.mean((model.predict(X_test) - y_test) ** 2))


def test_fit_explorer_shows_the_u_and_more_data_moves_its_bottom():
    e = widgets.fit_explorer(n_samples=10)
    assert np.all(np.diff(e.state["train"][:9]) <= 1e-12)  # training error only falls
    best_small = e.state["best_degree"]
    e.update(n_samples=300)
    assert e.state["best_degree"] > best_small
    # errors off the axis are marked, not lost: at 10 points the high degrees explode
    e.update(n_samples=10, degree=15)
    above = e.figure.axes[1].get_lines()[2]
    assert len(above.get_xdata()) >= 5
