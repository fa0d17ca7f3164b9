"""Lesson double_descent (notebook 12).

Its concepts against independent computations, its explorers redraw what they
drive, and its exercise checks accept the solution and name the typical slips."""

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from trisep_nn.checks import check_min_norm_solution, check_ridge_fit
from trisep_nn.data import cosine
from trisep_nn.lessons import double_descent as dd


def _problem(n=15, p=60, seed=0):
    rng = np.random.default_rng(seed)
    x, y = dd.sample_data(n, noise=0.3, random_state=rng)
    features = dd.RandomFourierFeatures(p, 1.3 * dd.nyquist_frequency(n), random_state=rng)
    return x, y, features


def test_sample_data_is_a_jittered_grid_of_the_cosine():
    x, y = dd.sample_data(40, noise=0.0, random_state=0)
    assert x.shape == y.shape == (40,)
    np.testing.assert_allclose(y, cosine(x))
    grid = (np.arange(40) + 0.5) / 40
    assert np.all(np.abs(x - grid) <= 0.25 / 40 + 1e-15)


def test_features_are_cosines_and_growing_p_keeps_the_first_ones():
    x, _, features = _problem()
    Phi = features.transform(x, 10)
    by_hand = np.sqrt(2 / 10) * np.cos(np.outer(x, features.frequencies_[:10])
                                       + features.phases_[:10])
    np.testing.assert_allclose(Phi, by_hand)
    np.testing.assert_allclose(features.transform(x, 60)[:, :10] * np.sqrt(60 / 10), Phi)
    assert features.frequencies_.max() <= 1.3 * dd.nyquist_frequency(15)
    with pytest.raises(ValueError):
        features.transform(x, 61)


def test_min_norm_fit_is_the_pseudo_inverse_and_ridge_is_sklearns():
    x, y, features = _problem()
    for p in (5, 15, 60):
        Phi = features.transform(x, p)
        np.testing.assert_allclose(dd.min_norm_fit(Phi, y), np.linalg.pinv(Phi) @ y, atol=1e-8)
    Phi = features.transform(x, 60)
    np.testing.assert_allclose(Phi @ dd.min_norm_fit(Phi, y), y, atol=1e-10)  # interpolates
    for lam in (1e-4, 0.1):
        ridge = Ridge(alpha=lam, fit_intercept=False, solver="svd").fit(Phi, y)
        np.testing.assert_allclose(dd.min_norm_fit(Phi, y, ridge=lam), ridge.coef_, atol=1e-8)


@pytest.mark.parametrize("ridge", [0.0, 1e-3])
def test_precomputed_experiment_matches_the_direct_fits(ridge):
    ps = [2, 6, 12, 13, 30, 100]
    fast = dd.DoubleDescent(n_samples=12, n_features=ps, n_draws=3, random_state=5)
    direct = dd.fit_risks(ps, n_samples=12, noise=0.3, ridge=ridge, n_draws=3,
                          x_test=np.linspace(0, 1, 401), random_state=5)
    got = fast.risks(noise=0.3, ridge=ridge)
    np.testing.assert_allclose(got["test"], direct["test"], rtol=1e-6)
    np.testing.assert_allclose(got["norm"], direct["norm"], rtol=1e-6)
    np.testing.assert_allclose(got["train"], direct["train"], rtol=1e-6, atol=1e-14)


def test_double_descent_shape_on_a_small_experiment():
    n = 20
    exp = dd.DoubleDescent(n_samples=n, n_draws=10, random_state=0)
    curve = exp.curve(noise=0.3)
    ps = exp.n_features
    at_n = int(np.flatnonzero(ps == n)[0])
    assert np.argmax(curve["test"]) == at_n and np.argmax(curve["norm"]) == at_n
    assert curve["test"][at_n] > 5 * curve["test"][ps < n].min()
    assert curve["test"][at_n] > 5 * curve["test"][-1]
    assert np.all(curve["train"][ps >= n] < 1e-12) and np.all(curve["train"][ps < n] > 1e-4)
    assert exp.curve(noise=0.3, ridge=1e-3)["test"][at_n] < curve["test"][at_n] / 5
    s_min = exp.smallest_singular_values()
    x, _, features = exp.draws[0]
    assert s_min[0, at_n] == pytest.approx(np.linalg.svd(features.transform(x, n),
                                                         compute_uv=False)[-1])


def test_fit_for_plotting_uses_the_draw():
    exp = dd.DoubleDescent(n_samples=10, n_features=[5, 10, 40], n_draws=2, random_state=1)
    x, y, x_plot, pred = exp.fit(40, noise=0.2, draw=1, x_plot=np.linspace(0, 1, 50))
    assert pred.shape == x_plot.shape and x.shape == y.shape == (10,)
    _, _, _, at_data = exp.fit(40, noise=0.2, draw=1, x_plot=x)
    np.testing.assert_allclose(at_data, y, atol=1e-9)  # p > n interpolates


def test_check_min_norm_solution(capsys):
    x, y, features = _problem()
    Phi = features.transform(x, 60)
    assert check_min_norm_solution(np.linalg.pinv(Phi) @ y, Phi, y)
    rng = np.random.default_rng(0)
    w = rng.normal(size=60)  # gradient descent from a random start keeps this null-space part
    null = w - np.linalg.pinv(Phi) @ (Phi @ w)
    assert not check_min_norm_solution(np.linalg.pinv(Phi) @ y + null, Phi, y)
    assert "null space" in capsys.readouterr().out
    assert not check_min_norm_solution(dd.min_norm_fit(Phi, y, ridge=0.1), Phi, y)
    assert "does not fit the training data" in capsys.readouterr().out
    assert not check_min_norm_solution(np.zeros(15), Phi, y)
    assert "shape" in capsys.readouterr().out
    assert not check_min_norm_solution(None, Phi, y)
    assert "not answered" in capsys.readouterr().out


def test_check_ridge_fit(capsys):
    def good(Phi, y, lam):
        p = Phi.shape[1]
        return np.linalg.lstsq(np.vstack([Phi, np.sqrt(lam) * np.eye(p)]),
                               np.r_[y, np.zeros(p)], rcond=None)[0]

    def lam_not_sqrt(Phi, y, lam):
        p = Phi.shape[1]
        return np.linalg.lstsq(np.vstack([Phi, lam * np.eye(p)]), np.r_[y, np.zeros(p)],
                               rcond=None)[0]

    assert check_ridge_fit(good)
    assert not check_ridge_fit(lam_not_sqrt)
    assert "√λ" in capsys.readouterr().out
    assert not check_ridge_fit(lambda Phi, y, lam: np.linalg.lstsq(Phi, y, rcond=None)[0])
    assert "ridgeless" in capsys.readouterr().out
    assert not check_ridge_fit(lambda Phi, y, lam: None)
    assert "returned None" in capsys.readouterr().out


def test_double_descent_explorer_redraws_for_noise_and_ridge():
    from trisep_nn.widgets import double_descent_explorer

    exp = dd.DoubleDescent(n_samples=12, n_draws=3, random_state=0)
    explorer = double_descent_explorer(exp, noise=0.2)
    assert explorer.last_error is None
    before = explorer.state["curve"]["test"].copy()
    explorer.update(ridge=1e-2)
    after_ridge = explorer.state["curve"]["test"].copy()
    assert explorer.last_error is None and not np.allclose(before, after_ridge)
    explorer.update(noise=0.5, ridge=0.0, n_features=int(exp.n_features[-1]))
    assert explorer.last_error is None
    assert explorer.state["curve"]["test"].max() > before.max()
