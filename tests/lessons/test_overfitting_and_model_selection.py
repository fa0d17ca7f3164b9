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
    for wrong, words in [(4, "position in the array"), (10, "training error"),
                         (1, "largest"), (12, "not one of the degrees"), (6, "another degree")]:
        ok, out = verdict(checks.check_best_degree, wrong, degrees, val, train)
        assert ok is False and words in out, (wrong, out)


def test_check_chi2_ndf(verdict):
    def right(y, y_pred, sigma, n_params):
        return np.sum(((y - y_pred) / sigma) ** 2) / (len(y) - n_params)

    ok, out = verdict(checks.check_chi2_ndf, right)
    assert ok is True
    for wrong, words in [
        (lambda y, h, s, p: np.sum(((y - h) / s) ** 2), "divide it by ndf"),
        (lambda y, h, s, p: np.sum(((y - h) / s) ** 2) / len(y), "divided by n = 30"),
        (lambda y, h, s, p: np.sum((y - h) ** 2) / (len(y) - p), "forgot to divide"),
        (lambda y, h, s, p: np.sum((y - h) ** 2 / s) / (len(y) - p), "divided the squared"),
        (lambda y, h, s, p: ((y - h) / s) ** 2, "one number"),
        (lambda y, h, s, p: None, "returned None"),
    ]:
        ok, out = verdict(checks.check_chi2_ndf, wrong)
        assert ok is False and words in out, out


def test_validation_error_of_the_chosen_model_is_optimistic():
    from trisep_nn.lessons.overfitting_and_model_selection import validation_optimism

    n = 1500
    se = np.sqrt(0.25 / n)  # of a fraction near 1/2
    # one fixed model: validation and test sets are exchangeable, so P(test > val) = 1/2
    fixed = validation_optimism(degrees=[4], n_repeats=n, random_state=0)
    assert abs(np.mean(fixed["test_error"] > fixed["validation_error"]) - 0.5) < 3 * se
    # the best of 15 on the validation set: its validation error is biased low
    chosen = validation_optimism(n_repeats=n, random_state=0)
    assert np.mean(chosen["test_error"] > chosen["validation_error"]) > 0.5 + 5 * se
    assert set(np.unique(chosen["degree"])) <= set(range(1, 16))


def line_data(explorer, axis=0):
    return [np.asarray(line.get_ydata(), dtype=float).copy()
            for line in explorer.figure.axes[axis].get_lines()]


def titles(explorer):
    return [ax.get_title() for ax in explorer.figure.axes]


def test_fit_explorer_refits_on_degree_and_sample_size():
    e = widgets.fit_explorer(max_degree=8)
    fit_before = line_data(e)[-1]
    e.update(degree=7)
    fit_degree = line_data(e)[-1]
    assert e.last_error is None and not np.allclose(fit_before, fit_degree)
    e.update(n_samples=120)
    assert e.last_error is None and not np.allclose(fit_degree, line_data(e)[-1])
    assert "120 training points" in titles(e)[0]
