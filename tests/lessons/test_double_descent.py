"""Lesson double_descent (notebook 12).

Its concepts against independent computations, its explorers redraw what they
drive, and its exercise checks accept the solution and name the typical slips."""

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from trisep_nn.checks import check_gradient_descent, check_min_norm_solution, check_ridge_fit
from trisep_nn.data import cosine
from trisep_nn.lessons import double_descent as dd


def _problem(n=15, p=60, seed=0, falloff=None):
    rng = np.random.default_rng(seed)
    x, y = dd.sample_data(n, noise=0.3, random_state=rng)
    features = dd.RandomFourierFeatures(p, 1.3 * dd.nyquist_frequency(n), falloff=falloff,
                                        random_state=rng)
    return x, y, features


def test_sample_data_is_a_jittered_grid_of_the_mass_spectrum():
    x, y = dd.sample_data(40, noise=0.0, random_state=0)
    assert x.shape == y.shape == (40,)
    np.testing.assert_allclose(y, dd.mass_spectrum(x))
    np.testing.assert_allclose(dd.mass_spectrum(x), np.exp(-3 * x)
                               + np.exp(-(x - 0.5) ** 2 / (2 * 0.05 ** 2)) - 0.5)
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
    _, _, falling = _problem(falloff=20.0)
    np.testing.assert_allclose(falling.transform(x, 10), Phi / np.sqrt(
        1 + (falling.frequencies_[:10] / 20.0) ** 2))  # same draw, amplitudes a(ω)


def test_least_squares_below_the_threshold_does_not_see_the_amplitudes():
    x, y, equal = _problem(n=30, p=200)
    _, _, falling = _problem(n=30, p=200, falloff=5.0)
    def fitted(features, p):
        Phi = features.transform(x, p)
        return Phi @ dd.min_norm_fit(Phi, y)

    for p in (5, 20, 29):  # p < n: the same fit, whatever the column scales
        np.testing.assert_allclose(fitted(falling, p), fitted(equal, p), atol=1e-8)
    grid = np.linspace(0, 1, 101)  # p > n: both interpolate, but they differ in between
    fits = [f.transform(grid, 200) @ dd.min_norm_fit(f.transform(x, 200), y)
            for f in (equal, falling)]
    assert np.max(np.abs(fits[0] - fits[1])) > 0.05

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


@pytest.mark.parametrize("ridge, falloff", [(0.0, None), (1e-3, None), (0.0, 20.0),
                                            (1e-3, 20.0)])
def test_precomputed_experiment_matches_the_direct_fits(ridge, falloff):
    ps = [2, 6, 12, 13, 30, 100]
    fast = dd.DoubleDescent(n_samples=12, n_features=ps, n_draws=3, random_state=5,
                            falloff=falloff, n_test=401)
    direct = dd.fit_risks(ps, n_samples=12, noise=0.3, ridge=ridge, n_draws=3, falloff=falloff,
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


@pytest.mark.parametrize("random_state", [1, 3])
def test_notebook_12_claims_hold_for_other_draws(random_state):
    # section 3 with other random draws: a U, a peak, and a second descent well below
    exp = dd.DoubleDescent(n_draws=20, random_state=random_state)
    ps, n = exp.n_features, exp.n_samples
    risks = exp.risks(noise=0.05)["test"]
    test, left = np.median(risks, axis=0), ps < n
    classical = test[left].min()
    assert test[ps == n][0] > 5 * classical and test[0] > 2 * classical
    assert test[-1] < 0.5 * classical
    per_draw = risks[:, -1] / risks[:, left].min(axis=1)
    assert np.median(per_draw) < 0.75 and np.mean(per_draw < 1) >= 0.8
    # section 4: correlated features are far more degenerate than random-matrix theory
    near = np.abs(ps - n) <= 2
    s_min = np.median(exp.smallest_singular_values(), axis=0)
    assert s_min[near].max() < dd.iid_smallest_singular_values(exp)[near].min() / 100


def test_notebook_12_smooth_truth_favours_the_classical_regime_with_equal_amplitudes():
    # the remark at the end of section 5, for the cosine of notebooks 02-04
    exp = dd.DoubleDescent(n_draws=20, falloff=None, f=cosine)
    test, ps = exp.curve(noise=0.05)["test"], exp.n_features
    assert test[-1] > 1.2 * test[ps < exp.n_samples].min()


def test_check_min_norm_solution(verdict):
    x, y, features = _problem(falloff=20.0)
    Phi = features.transform(x, 60)
    best = np.linalg.pinv(Phi) @ y
    assert verdict(check_min_norm_solution, best, Phi, y)[0]
    assert verdict(check_min_norm_solution, list(best), Phi, y)[0]
    assert verdict(check_min_norm_solution, Phi.T @ np.linalg.solve(Phi @ Phi.T, y), Phi, y)[0]
    rng = np.random.default_rng(0)
    w = rng.normal(size=60)  # gradient descent from a random start keeps this null-space part
    null = w - np.linalg.pinv(Phi) @ (Phi @ w)
    with np.errstate(all="ignore"):
        normal = np.linalg.inv(Phi.T @ Phi) @ Phi.T @ y
    slips = {
        "null space": best + null,
        "normal-equations formula inv(ΦᵀΦ)": normal,
        "sign is flipped": -best,
        "gradient of the loss at w = 0": Phi.T @ y,
        "does not fit the training data": dd.min_norm_fit(Phi, y, ridge=0.1),
        "take its first element": np.linalg.lstsq(Phi, y, rcond=None),
        "shape": np.zeros(15),
    }
    for slip, answer in slips.items():
        ok, printed = verdict(check_min_norm_solution, answer, Phi, y)
        assert not ok and slip in printed, (slip, printed)
    assert "not answered" in verdict(check_min_norm_solution, None, Phi, y)[1]


def _descend(Phi, y, lr, steps, start=None, sign=1.0):
    w = np.zeros(Phi.shape[1]) if start is None else start.copy()
    with np.errstate(all="ignore"):
        for _ in range(steps):
            w -= sign * lr * Phi.T @ (Phi @ w - y)
    return w


def test_check_gradient_descent(verdict):
    x, y, features = _problem(n=40, p=200, falloff=20.0)
    Phi = features.transform(x, 200)
    lr, steps = 1 / np.linalg.norm(Phi, ord=2) ** 2, 5000
    ok, printed = verdict(check_gradient_descent, _descend(Phi, y, lr, steps), Phi, y, lr, steps)
    assert ok and "minimum-norm" in printed
    start = np.random.default_rng(1).normal(size=200)
    slips = {
        "100 steps land": _descend(Phi, y, lr, 100),
        "computed directly": np.linalg.pinv(Phi) @ y,
        "twice too long": _descend(Phi, y, 2 * lr, steps),
        "divided by n = 40": _descend(Phi, y, lr / 40, steps),
        "ran away": _descend(Phi, y, lr, steps, sign=-1.0),
        "random weights": _descend(Phi, y, lr, steps, start=start),
    }
    for slip, answer in slips.items():
        ok, printed = verdict(check_gradient_descent, answer, Phi, y, lr, steps)
        assert not ok and slip in printed, (slip, printed)
    assert "not answered" in verdict(check_gradient_descent, None, Phi, y, lr, steps)[1]
    # near convergence many iterates agree to 1e-8: the message names the right count
    ok, printed = verdict(check_gradient_descent, _descend(Phi, y, lr, 4000), Phi, y, lr, steps)
    assert not ok and "where 4000 steps land" in printed, printed


def test_check_ridge_fit(verdict):
    def stacked(scale):
        def fit(Phi, y, lam):
            p = Phi.shape[1]
            return np.linalg.lstsq(np.vstack([Phi, scale(lam) * np.eye(p)]),
                                   np.r_[y, np.zeros(p)], rcond=None)[0]
        return fit

    def normal_equations(Phi, y, lam):
        return np.linalg.solve(Phi.T @ Phi + lam * np.eye(Phi.shape[1]), Phi.T @ y)

    assert verdict(check_ridge_fit, stacked(np.sqrt))[0]
    assert verdict(check_ridge_fit, normal_equations)[0]
    slips = {
        "√λ": stacked(lambda lam: lam),
        "twice the penalty": stacked(lambda lam: np.sqrt(2 * lam)),
        "half the penalty": stacked(lambda lam: np.sqrt(lam / 2)),
        "ridgeless": lambda Phi, y, lam: np.linalg.lstsq(Phi, y, rcond=None)[0],
        "returned None": lambda Phi, y, lam: None,
        "raised": lambda Phi, y, lam: np.linalg.lstsq(
            np.vstack([Phi, np.sqrt(lam) * np.eye(Phi.shape[1])]), y, rcond=None)[0],
    }
    for slip, answer in slips.items():
        ok, printed = verdict(check_ridge_fit, answer)
        assert not ok and slip in printed, (slip, printed)


def test_double_descent_explorer_drives_every_control():
    from trisep_nn.widgets import double_descent_explorer

    kwargs = {"n_samples": 12, "n_draws": 3, "random_state": 0}
    experiments = {"falling": dd.DoubleDescent(**kwargs),
                   "equal": dd.DoubleDescent(falloff=None, **kwargs)}
    explorer = double_descent_explorer(experiments, noise=0.2)
    ax_risk, ax_fit = explorer.figure.axes
    assert explorer.last_error is None
    before, png = explorer.state["curve"]["test"].copy(), explorer.png
    explorer.update(ridge=1e-2)
    assert explorer.last_error is None and explorer.png != png
    assert explorer.state["curve"]["test"].max() < before.max()  # the ridge lowers the peak
    explorer.update(noise=0.0, ridge=0.0)  # the σ = 0 curve stays on the axes
    low, high = ax_risk.get_ylim()
    test = explorer.state["curve"]["test"]
    assert low <= test.min() and test.max() <= high
    fit_before = ax_fit.lines[1].get_ydata().copy()
    explorer.update(n_features=int(experiments["falling"].n_features[-1]))
    assert not np.allclose(ax_fit.lines[1].get_ydata(), fit_before)
    assert str(experiments["falling"].n_features[-1]) in ax_fit.get_title()
    assert "equal amplitudes" in ax_risk.get_legend().get_texts()[0].get_text()
    explorer.update(amplitudes="equal")
    assert explorer.last_error is None
    assert "falling amplitudes" in ax_risk.get_legend().get_texts()[0].get_text()
    assert len(explorer.figure.axes) == 2  # updated in place, never rebuilt
