"""Tests for trisep_nn.data: shapes, seeds, balance, argument checks, and the
physics toy's densities against its documented generative model."""

import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from trisep_nn import data

CLASSIFIERS = {
    "moons": (data.moons, 2, 2),
    "circles": (data.circles, 2, 2),
    "xor": (data.xor, 2, 2),
    "spirals": (data.spirals, 2, 4),
    "blobs": (data.blobs, 2, 3),
    "four_class": (data.four_class, 2, 4),
    "physics_toy": (data.physics_toy, 3, 2),
}


# --------------------------------------------------------------------------
# every classification set: shapes, dtypes, seeds, balance
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_classification_shapes_dtypes_balance(name):
    make, n_features, n_classes = CLASSIFIERS[name]
    X, y = make(n_samples=401, random_state=0)
    assert X.shape == (401, n_features) and X.dtype == np.float64
    assert y.shape == (401,) and y.dtype == np.int64
    assert np.all(np.isfinite(X))
    counts = np.bincount(y)
    assert len(counts) == n_classes
    assert counts.max() - counts.min() <= 1, counts  # balanced to within one point


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_classification_seeds(name):
    make = CLASSIFIERS[name][0]
    X1, y1 = make(n_samples=100, random_state=3)
    X2, y2 = make(n_samples=100, random_state=3)
    X3, _ = make(n_samples=100, random_state=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)
    # a RandomState is used as is, and advances
    rs = np.random.RandomState(3)
    Xa, _ = make(n_samples=100, random_state=rs)
    Xb, _ = make(n_samples=100, random_state=rs)
    np.testing.assert_array_equal(Xa, X1)
    assert not np.allclose(Xa, Xb)


def test_the_data_sets_draw_as_scikit_learn_does():
    """The data sets' random_state rule is scikit-learn's check_random_state, written
    out so that no data set has to import scikit-learn for it."""
    from sklearn.utils import check_random_state

    from trisep_nn.validation import check_random_state as ours

    for seed in (0, 7, 2**32 - 1, np.int64(5)):
        np.testing.assert_array_equal(ours(seed, legacy=True).random_sample(5),
                                      check_random_state(seed).random_sample(5))
    assert ours(None, legacy=True) is check_random_state(None)
    rs = np.random.RandomState(3)
    assert ours(rs, legacy=True) is check_random_state(rs) is rs


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_classes_are_shuffled(name):
    _, y = CLASSIFIERS[name][0](n_samples=200, random_state=0)
    assert np.any(y[:100] != y[0]) and np.any(np.diff(y) != 0)
    assert 0 < np.mean(y[:100] == y[1:101]) < 0.9


# --------------------------------------------------------------------------
# bad arguments: a ValueError naming the value
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
@pytest.mark.parametrize("bad", [0, -5, 2.5, True])
def test_bad_n_samples(name, bad):
    with pytest.raises(ValueError, match=rf"n_samples.*{bad!r}"):
        CLASSIFIERS[name][0](n_samples=bad, random_state=0)


@pytest.mark.parametrize(
    "make", [data.moons, data.circles, data.xor, data.spirals, data.four_class, data.noisy_function]
)
@pytest.mark.parametrize("bad", [-0.1, float("nan")])
def test_bad_noise(make, bad):
    with pytest.raises(ValueError, match=rf"noise.*{bad!r}"):
        make(n_samples=10, noise=bad, random_state=0)


@pytest.mark.parametrize("bad", [1, 0, -3])
def test_bad_n_classes(bad):
    with pytest.raises(ValueError, match=rf"n_classes.*{bad!r}"):
        data.spirals(100, n_classes=bad)
    with pytest.raises(ValueError, match=rf"n_classes.*{bad!r}"):
        data.blobs(100, n_classes=bad)


def test_other_bad_arguments():
    with pytest.raises(ValueError, match="random_state"):
        data.moons(10, random_state="seed")
    with pytest.raises(ValueError, match="factor"):
        data.circles(10, factor=1.5)
    with pytest.raises(ValueError, match="cluster_std"):
        data.blobs(10, cluster_std=-1)
    with pytest.raises(ValueError, match="centers"):
        data.blobs(10, centers=[1.0, 2.0])
    with pytest.raises(ValueError, match="turns"):
        data.spirals(10, turns=0)
    with pytest.raises(ValueError, match="signal_fraction.*1.5"):
        data.physics_toy(10, signal_fraction=1.5)
    with pytest.raises(ValueError, match="signal_fraction"):
        data.bayes_optimal_score(np.ones((2, 3)) * 100, signal_fraction=0)
    with pytest.raises(ValueError, match="x_range"):
        data.noisy_function(10, x_range=(1, 0))
    with pytest.raises(ValueError, match="f must be a callable"):
        data.noisy_function(10, f=3.0)
    with pytest.raises(ValueError, match="same shape"):
        data.noisy_function(10, f=lambda x: 1.0)
    with pytest.raises(ValueError, match=r"shape \(n_samples, 3\)"):
        data.physics_toy_likelihood_ratio(np.ones((4, 2)))
    with pytest.raises(ValueError, match="NaN"):
        data.physics_toy_likelihood_ratio(np.array([[np.nan, 10.0, 0.0]]))


# --------------------------------------------------------------------------
# individual generators
# --------------------------------------------------------------------------
def test_noisy_function_defaults_follow_the_sklearn_demo():
    X, y = data.noisy_function(random_state=0)
    assert X.shape == (30, 1) and y.shape == (30,) and X.dtype == y.dtype == np.float64
    x = X.ravel()
    assert 0 <= x.min() and x.max() <= 1
    assert np.any(np.diff(x) < 0)  # not sorted by default: KFold would extrapolate
    X_sorted, y_sorted = data.noisy_function(random_state=0, sort=True)
    order = np.argsort(x)
    np.testing.assert_array_equal(X_sorted.ravel(), x[order])
    np.testing.assert_array_equal(y_sorted, y[order])
    assert data.true_function is data.cosine
    np.testing.assert_allclose(data.cosine(np.array([0.0, 1 / 3, 2 / 3])), [1, 0, -1], atol=1e-12)
    # noise is Gaussian with the given standard deviation
    X, y = data.noisy_function(20000, noise=0.3, random_state=1)
    residual = y - data.cosine(X.ravel())
    assert abs(residual.std() - 0.3) < 0.01 and abs(residual.mean()) < 0.01


def test_noisy_function_custom_function_and_range():
    X, y = data.noisy_function(50, f=np.sin, noise=0.0, x_range=(-3, 3), random_state=0)
    assert X.min() >= -3 and X.max() <= 3
    np.testing.assert_array_equal(y, np.sin(X.ravel()))
    X1, y1 = data.noisy_function(30, random_state=5)
    X2, y2 = data.noisy_function(30, random_state=5)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(y1, data.noisy_function(30, random_state=6)[1])


def test_xor_labels_are_the_sign_product_without_noise():
    X, y = data.xor(400, noise=0.0, random_state=0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))
    assert np.abs(X).max() <= 1
    # no linear model does better than chance
    from sklearn.linear_model import LogisticRegression

    assert LogisticRegression().fit(X, y).score(X, y) < 0.65


def test_spirals_arms_without_noise():
    X, y = data.spirals(300, n_classes=3, noise=0.0, turns=1.0, random_state=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.min() >= 0.05 - 1e-12 and r.max() <= 1 + 1e-12
    # each point lies on its arm: angle = 2 pi (k/K + turns r) mod 2 pi
    expected = np.exp(1j * 2 * np.pi * (y / 3 + r))
    np.testing.assert_allclose(X[:, 0] + 1j * X[:, 1], r * expected, atol=1e-12)


def test_blobs_custom_centers():
    centers = [[0.0, 0.0], [10.0, 0.0]]
    X, y = data.blobs(2000, centers=centers, cluster_std=0.5, random_state=0)
    for k, c in enumerate(centers):
        np.testing.assert_allclose(X[y == k].mean(axis=0), c, atol=0.1)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_four_class_needs_a_non_linear_model():
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    X, y = data.four_class(600, random_state=0)
    X_test, y_test = data.four_class(2000, random_state=1)
    assert LogisticRegression().fit(X, y).score(X_test, y_test) < 0.5
    net = MLPClassifier((32, 32), max_iter=600, random_state=0).fit(X, y)
    assert net.score(X_test, y_test) > 0.85


def test_import_is_light():
    code = "import sys, trisep_nn.data; print('sklearn' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------
# the physics toy against its documented generative model
# --------------------------------------------------------------------------
# The model written out again from the docstring, independently of the module.
def documented_parts(signal):
    if signal:
        m = stats.truncnorm((50 - 125) / 20, (200 - 125) / 20, loc=125, scale=20)
        pt = lambda m: stats.gamma(4.0, scale=0.10 * m)
        deta = lambda pt: stats.norm(0.0, 0.8 + 0 * pt)
    else:
        m = stats.truncexpon((200 - 50) / 80, loc=50, scale=80)
        pt = lambda m: stats.gamma(2.0, scale=0.15 * m)
        deta = lambda pt: stats.norm(0.0, 0.8 + 1.7 * np.exp(-pt / 30))
    return m, pt, deta


def documented_logpdf(X, signal):
    m, pt, deta = documented_parts(signal)
    return m.logpdf(X[:, 0]) + pt(X[:, 0]).logpdf(X[:, 1]) + deta(X[:, 1]).logpdf(X[:, 2])


@pytest.fixture(scope="module")
def physics_sample():
    return data.physics_toy(20000, random_state=123)


def test_physics_toy_basics():
    assert data.PHYSICS_TOY_FEATURES == ["m [GeV]", "pT [GeV]", "Δη"]
    X, y = data.physics_toy(1000, signal_fraction=0.2, random_state=0)
    assert y.sum() == 200
    assert X[:, 0].min() >= 50 and X[:, 0].max() <= 200 and X[:, 1].min() > 0
    X, y = data.physics_toy(10, signal_fraction=0.0, random_state=0)
    assert y.sum() == 0


@pytest.mark.parametrize("signal", [True, False])
def test_physics_logpdf_is_the_documented_density(physics_sample, signal):
    X, _ = physics_sample
    np.testing.assert_allclose(
        data.physics_toy_logpdf(X[:500], signal), documented_logpdf(X[:500], signal), rtol=1e-10
    )
    # outside the support the density is zero
    outside = np.array([[40.0, 10.0, 0.0], [210.0, 10.0, 0.0], [100.0, -1.0, 0.0]])
    assert np.all(data.physics_toy_logpdf(outside, signal) == -np.inf)


@pytest.mark.parametrize("signal", [True, False])
def test_physics_samples_follow_the_documented_density(physics_sample, signal):
    X, y = physics_sample
    X = X[y == int(signal)]
    m, pt, deta = documented_parts(signal)
    # each factor by a Kolmogorov-Smirnov test of its probability integral transform
    u_m = m.cdf(X[:, 0])
    u_pt = pt(X[:, 0]).cdf(X[:, 1])
    u_deta = deta(X[:, 1]).cdf(X[:, 2])
    for u in (u_m, u_pt, u_deta):
        assert stats.kstest(u, "uniform").pvalue > 1e-3
    # and the mass histogram against the pdf, bin by bin within 4 sigma (Poisson)
    edges = np.linspace(50, 200, 31)
    counts, _ = np.histogram(X[:, 0], edges)
    expected = len(X) * np.diff(m.cdf(edges))
    assert np.all(np.abs(counts - expected) < 4 * np.sqrt(expected) + 1)


def test_physics_likelihood_ratio_is_normalised(physics_sample):
    # E_b[p_s / p_b] = 1 checks the two densities and the sampler together
    X, y = physics_sample
    ratio = data.physics_toy_likelihood_ratio(X[y == 0])
    assert abs(ratio.mean() - 1) < 4 * ratio.std() / np.sqrt(len(ratio))
    llr = data.physics_toy_likelihood_ratio(X, log=True)
    np.testing.assert_allclose(np.exp(llr), data.physics_toy_likelihood_ratio(X), rtol=1e-12)


def test_bayes_optimal_score_is_calibrated(physics_sample):
    X, y = physics_sample
    p = data.bayes_optimal_score(X)
    assert np.all((p >= 0) & (p <= 1))
    bins = np.digitize(p, np.linspace(0, 1, 11)[1:-1])
    for b in range(10):
        inside = bins == b
        if inside.sum() > 200:
            observed, predicted = y[inside].mean(), p[inside].mean()
            sigma = np.sqrt(predicted * (1 - predicted) / inside.sum())
            assert abs(observed - predicted) < 4 * sigma
    # a prior other than 0.5 shifts the log-odds by log(f / (1 - f))
    p2 = data.bayes_optimal_score(X[:10], signal_fraction=0.2)
    shift = np.log(p2 / (1 - p2)) - np.log(p[:10] / (1 - p[:10]))
    np.testing.assert_allclose(shift, np.log(0.25), rtol=1e-8)


def test_bayes_optimal_beats_trained_classifiers(physics_sample):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    X_train, y_train = data.physics_toy(4000, random_state=7)
    X_test, y_test = physics_sample
    bayes = roc_auc_score(y_test, data.bayes_optimal_score(X_test))
    gbt = HistGradientBoostingClassifier(max_iter=100, random_state=0).fit(X_train, y_train)
    auc_gbt = roc_auc_score(y_test, gbt.predict_proba(X_test)[:, 1])
    logreg = LogisticRegression().fit(X_train, y_train)
    auc_lr = roc_auc_score(y_test, logreg.predict_proba(X_test)[:, 1])
    assert 0.8 < bayes < 0.95  # a problem neither trivial nor hopeless
    assert bayes >= auc_gbt - 0.003  # ties at most, within MC error
    assert auc_gbt > auc_lr + 0.05  # the mass peak is not linearly separable


def test_impossible_requests_are_refused():
    """(With noise 1e308, 1000 points cannot all stay finite: some would be inf.)"""
    for make, message in [(lambda: data.spirals(3, n_classes=5), "n_classes=5.*n_samples is 3"),
                          (lambda: data.blobs(2, n_classes=5), "n_classes=5"),
                          (lambda: data.blobs(20, n_classes=4, centers=np.eye(3)), "n_classes=4"),
                          (lambda: data.moons(1000, noise=1e308), "noise"),
                          (lambda: data.xor(1000, noise=1e308), "noise"),
                          (lambda: data.blobs(1000, cluster_std=1e308), "cluster_std"),
                          (lambda: data.noisy_function(1000, noise=1e308), "noise")]:
        with pytest.raises(ValueError, match=message):
            make()


def test_a_million_classes_for_twenty_points_is_refused_at_once():
    import time

    start = time.perf_counter()  # it used to try, for more than 20 s
    with pytest.raises(ValueError, match="n_classes=1000000"):
        data.blobs(20, n_classes=10**6)
    assert time.perf_counter() - start < 0.5


def test_blobs_takes_its_number_of_classes_from_the_centers():
    X, y = data.blobs(30, centers=np.array([[0.0, 0.0], [5.0, 5.0], [9.0, 0.0], [0.0, 9.0]]),
                      random_state=0)
    assert sorted(set(y.tolist())) == [0, 1, 2, 3]


@pytest.mark.parametrize("signal", ["no", 1, None])
def test_the_class_of_a_physics_density_is_true_or_false(signal):
    X, _ = data.physics_toy(5, random_state=0)
    with pytest.raises(ValueError, match="signal"):
        data.physics_toy_logpdf(X, signal=signal)
