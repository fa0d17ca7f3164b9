"""Lesson bias_variance_tradeoff (notebook 03).

Its concepts against independent computations, its explorers redraw what they
drive, and its exercise checks accept the solution and name the typical slips."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from trisep_nn import (
    checks,
    widgets,  # noqa: E402
)
from trisep_nn.lessons import bias_variance_tradeoff as bv


@pytest.fixture
def H_f():
    rng = np.random.default_rng(0)
    return rng.normal(size=(40, 25)), rng.normal(size=25)


def test_check_bias_squared(verdict, H_f):
    H, f = H_f
    ok, _ = verdict(checks.check_bias_squared, (H.mean(axis=0) - f) ** 2, H, f)
    assert ok is True
    for wrong, words in [((H.mean(axis=1) - f.mean()) ** 2, "axis=0"),
                         (((H - f) ** 2).mean(axis=0), "bias² + variance"),
                         (H.mean(axis=0) - f, "square it"),
                         (np.mean((H.mean(axis=0) - f) ** 2), "one value per test point")]:
        ok, out = verdict(checks.check_bias_squared, wrong, H, f)
        assert ok is False and words in out


def test_check_variance(verdict, H_f):
    H, _ = H_f
    assert verdict(checks.check_variance, H.var(axis=0), H)[0] is True
    for wrong, words in [(H.var(axis=1), "axis=0"), (H.var(axis=0, ddof=1), "ddof=1"),
                         (H.std(axis=0), "standard deviation")]:
        ok, out = verdict(checks.check_variance, wrong, H)
        assert ok is False and words in out


def test_check_noise_floor(verdict):
    assert verdict(checks.check_noise_floor, 0.01, 0.1)[0] is True
    for wrong, words in [(0.1, "standard deviation"), (0.0, "not even the true function"),
                         (0.0135, "a perfect model"), (0.001, "below")]:
        ok, out = verdict(checks.check_noise_floor, wrong, 0.1)
        assert ok is False and words in out


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


def line_data(explorer, axis=0):
    return [np.asarray(line.get_ydata(), dtype=float).copy()
            for line in explorer.figure.axes[axis].get_lines()]


def titles(explorer):
    return [ax.get_title() for ax in explorer.figure.axes]


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_bias_variance_explorer_redraws_fits_and_curves():
    e = widgets.bias_variance_explorer(max_degree=6, n_datasets=30)
    fits = e.figure.axes[0].collections[0].get_segments()
    e.update(degree=6)
    assert e.last_error is None
    assert not np.allclose(fits, e.figure.axes[0].collections[0].get_segments())
    curve = line_data(e, 1)  # the decomposition vs degree, at this n
    e.update(n_train=120)
    assert e.last_error is None and not same(curve, line_data(e, 1))
    assert "n = 120" in titles(e)[0] and "degree 6" in titles(e)[2]
    with pytest.raises(ValueError, match="unknown control"):
        e.update(alpha=1)


def test_the_explorer_never_shows_bias_growing_with_complexity():
    # The slide: bias² falls with complexity. The raw measurement carries the
    # Monte-Carlo floor variance / M, which rises with the degree; the explorer
    # must draw bias² only where it is measured, and those values must fall.
    from trisep_nn.lessons.bias_variance_tradeoff.widgets import N_GRID

    e = widgets.bias_variance_explorer()
    for n_train in N_GRID:
        e.update(n_train=n_train)
        drawn = e.state["by_degree"]["bias2"]
        measured = drawn[np.isfinite(drawn)]
        assert len(measured) >= 2 and np.all(np.diff(measured) < 0), n_train
        assert np.all(np.isfinite(drawn[:len(measured)])), n_train  # degree 1 up, no gaps
        limits = e.state["by_degree"]["limit"]
        assert np.all(np.isfinite(limits) == np.isnan(drawn))  # a limit where not measured
        # and the drawn line holds exactly these values
        assert np.array_equal(e.figure.axes[1].get_lines()[0].get_ydata(), drawn, equal_nan=True)


def test_the_explorer_title_gives_an_upper_limit_when_bias_is_not_measurable():
    e = widgets.bias_variance_explorer(degree=10, n_train=20)
    assert "bias² <" in titles(e)[0]
    e.update(degree=1)
    assert "bias² <" not in titles(e)[0] and "bias² 0.19" in titles(e)[0]


def test_the_floor_is_what_the_mean_of_m_fits_adds_to_the_measured_bias():
    # h = truth + pure noise of variance v: true bias² is 0, so the measured
    # bias² is the floor alone: about v / M, and the floor-subtracted one is 0
    rng = np.random.default_rng(0)
    f = np.zeros(40)
    measured, unbiased, se = [], [], []
    for _ in range(200):
        H = f + 0.5 * rng.normal(size=(25, 40))
        r = bv.decompose(H, f, f + rng.normal(size=(25, 40)))
        measured.append(r.bias2)
        unbiased.append(r.bias2_unbiased)
        se.append(r.bias2_se)
        assert np.isclose(r.bias2_floor, r.variance / 24)
    assert np.mean(measured) == pytest.approx(0.25 / 25, rel=0.05)
    assert abs(np.mean(unbiased)) < 3 * np.std(unbiased) / np.sqrt(200)
    # the quoted standard error is honest, on the safe side when bias² is 0
    assert 0.6 < np.std(unbiased) / np.mean(se) < 1.2


def test_the_bias2_standard_error_matches_the_spread_when_there_is_a_bias():
    rng = np.random.default_rng(2)
    f = np.zeros(30)
    unbiased, se = [], []
    for _ in range(200):
        H = 0.05 + 0.5 * rng.normal(size=(100, 30)) + 0.3 * rng.normal(size=(100, 1))
        r = bv.decompose(H, f, f)
        unbiased.append(r.bias2_unbiased)
        se.append(r.bias2_se)
    assert np.mean(unbiased) == pytest.approx(0.05**2, abs=3 * np.std(unbiased) / np.sqrt(200))
    assert 0.8 < np.std(unbiased) / np.mean(se) < 1.25


def test_a_real_bias_is_measured_and_the_floor_subtraction_keeps_it():
    rng = np.random.default_rng(1)
    f = np.zeros(40)
    H = 0.1 + 0.5 * rng.normal(size=(400, 40))  # bias 0.1, bias² 0.01
    r = bv.decompose(H, f, f)
    assert r.bias2_measured and r.bias2_unbiased == pytest.approx(0.01, abs=3 * r.bias2_se)
    assert r.bias2_limit > r.bias2_unbiased


def test_the_identity_fails_on_the_training_labels_by_minus_two_sigma2_p_over_n():
    # the notebook's check that could fail: a fixed design, fits measured on the
    # labels they were fitted to; the cross term is -2 Cov(y, h) = -2 σ² p / n
    from trisep_nn.data import cosine
    from trisep_nn.polynomials import polynomial_fit_predict_many

    rng = np.random.default_rng(0)
    n, sigma, degree, M = 25, 0.2, 3, 800
    x = np.sort(rng.uniform(0, 1, n))
    Y = cosine(x) + sigma * rng.standard_normal((M, n))
    H = polynomial_fit_predict_many(degree, np.tile(x, (M, 1)), Y, x)
    fresh = bv.decompose(H, cosine(x), cosine(x) + sigma * rng.standard_normal(Y.shape))
    reused = bv.decompose(H, cosine(x), Y)
    assert abs(fresh.difference) < 3 * fresh.difference_se
    predicted = -2 * sigma**2 * (degree + 1) / n
    assert abs(reused.difference - predicted) < 3 * reused.difference_se
    assert reused.difference < -10 * reused.difference_se
