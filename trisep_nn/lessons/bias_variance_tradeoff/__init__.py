"""The bias–variance decomposition, measured by Monte Carlo.

The lecture's backup slide: for a model ``h(x)`` fitted on a random training
set, with ``ȳ = E[y]`` at ``x`` and ``h̄(x) = E[h(x)]`` (the average over
training sets),

    E[(y − h(x))²] = E[(y − ȳ)²] + (ȳ − h̄(x))² + E[(h(x) − h̄(x))²]
                   =    noise    +    bias²     +     variance

Here every expectation is an average over simulated experiments: draw many
training sets from one known truth ``y = f(x) + ε``, fit the model on each,
predict on a grid of test points, and draw fresh test labels there.

    >>> from trisep_nn.lessons.bias_variance_tradeoff import bias_variance_decomposition
    >>> from trisep_nn.polynomials import polynomial_regression
    >>> r = bias_variance_decomposition(polynomial_regression(3), n_train=30,
    ...                                 n_datasets=100, random_state=0)
    >>> abs(r.expected_error - r.total) < 3 * r.difference_se   # the identity, within MC error
    True

With M training sets, ``h̄`` is itself uncertain, by variance / M, and the
measured ``(ȳ − h̄)²`` carries that uncertainty squared as a positive offset:
where the variance is large, this Monte-Carlo floor, not the model, sets the
measured bias². :class:`BiasVariance` also gives the bias² with the floor
subtracted (an unbiased estimate), its standard error, and an upper limit
for when it is not significantly above zero.

The generic path (:func:`fit_predict_many`) refits any scikit-learn
estimator once per training set. Polynomial least squares, used in the
sweeps over degree and sample size, is solved for all training sets at once
by :func:`trisep_nn.polynomials.polynomial_fit_predict_many` (the same fits, verified against
scikit-learn in the tests), so a sweep of a thousand fits takes milliseconds.
"""

from dataclasses import dataclass

import numpy as np

from trisep_nn.data import cosine
from trisep_nn.polynomials import polynomial_fit_predict_many

__all__ = [
    "BiasVariance",
    "draw_training_sets",
    "fit_predict_many",
    "decompose",
    "bias_variance_decomposition",
    "bias_variance_vs_degree",
    "bias_variance_vs_n_train",
]

X_RANGE = (0.0, 1.0)


@dataclass
class BiasVariance:
    """The result of one Monte-Carlo bias–variance measurement.

    Averages over the test points (the ``*_x`` arrays hold the value at each
    test point before that average) and over the training sets.

    Attributes
    ----------
    noise : float
        ``E[(y − ȳ)²]``, measured from the fresh test labels.
    bias2 : float
        ``(ȳ − h̄(x))²`` averaged over x.
    variance : float
        ``E[(h(x) − h̄(x))²]`` averaged over x.
    expected_error : float
        ``E[(y − h(x))²]`` measured directly on the fresh test labels.
    expected_error_se : float
        Its Monte-Carlo standard error (from the spread between training sets).
    difference_se : float
        The Monte-Carlo standard error of ``expected_error − total``. The
        two are computed from the same simulated experiments, so their
        difference fluctuates much less than either one.
    x, f, h_bar, bias2_x, variance_x : ndarray
        Test points, truth ``ȳ = f(x)``, mean prediction ``h̄(x)``, and the
        pointwise bias² and variance.
    predictions : ndarray, shape (n_datasets, n_test)
        ``h(x)`` of every fitted model at every test point.
    bias2_se : float
        The Monte-Carlo standard error of :attr:`bias2_unbiased` (jackknife).
    """

    noise: float
    bias2: float
    variance: float
    expected_error: float
    expected_error_se: float
    difference_se: float
    x: np.ndarray
    f: np.ndarray
    h_bar: np.ndarray
    bias2_x: np.ndarray
    variance_x: np.ndarray
    predictions: np.ndarray
    bias2_se: float = np.nan

    @property
    def total(self):
        """noise + bias² + variance."""
        return self.noise + self.bias2 + self.variance

    @property
    def bias2_floor(self):
        """What the Monte-Carlo uncertainty of ``h̄`` adds to the measured bias².

        ``h̄`` is the mean of M fits, so it scatters around the true mean by
        variance / M, and squaring turns that scatter into a positive offset:
        on average the measured ``(ȳ − h̄)²`` is bias² + variance / M (with
        the 1/M variance used here, variance / (M − 1) exactly). A bias²
        below this floor cannot be measured with M training sets.
        """
        return self.variance / (self.predictions.shape[0] - 1)

    @property
    def bias2_unbiased(self):
        """The measured bias² minus its Monte-Carlo floor: an unbiased estimate
        of bias² (it can come out negative when bias² is below the floor)."""
        return self.bias2 - self.bias2_floor

    @property
    def bias2_measured(self):
        """True when :attr:`bias2_unbiased` stands 3 standard errors above 0."""
        return bool(self.bias2_unbiased > 3 * self.bias2_se)

    @property
    def bias2_limit(self):
        """An upper limit on bias² (2 standard errors above the estimate, or above 0)."""
        return max(self.bias2_unbiased, 0.0) + 2 * self.bias2_se

    @property
    def difference(self):
        """``expected_error − total``: zero up to Monte-Carlo error."""
        return self.expected_error - self.total

    def __repr__(self):
        return (
            f"BiasVariance(noise={self.noise:.4g}, bias2={self.bias2:.4g}, "
            f"variance={self.variance:.4g}, total={self.total:.4g}, "
            f"expected_error={self.expected_error:.4g} ± {self.expected_error_se:.2g})"
        )


def draw_training_sets(n_datasets, n_train, noise=0.1, f=cosine, random_state=None):
    """``n_datasets`` independent training sets of ``n_train`` points each.

    ``x`` is uniform on [0, 1] (as in :func:`trisep_nn.data.noisy_function`)
    and ``y = f(x) + noise · N(0, 1)``.

    Returns
    -------
    X, Y : ndarray, shape (n_datasets, n_train)
        Row ``m`` is the m-th training set.
    """
    rng = np.random.default_rng(random_state)
    X = rng.uniform(*X_RANGE, size=(n_datasets, n_train))
    Y = f(X) + noise * rng.standard_normal(X.shape)
    return X, Y


def fit_predict_many(model, X, Y, x_eval):
    """Fit a fresh copy of ``model`` on each training set; predict at ``x_eval``.

    ``X, Y`` as returned by :func:`draw_training_sets`; returns ``H`` of
    shape ``(n_datasets, len(x_eval))`` with ``H[m] = h_m(x_eval)``.
    """
    from sklearn.base import clone

    x_eval = np.asarray(x_eval, dtype=float).reshape(-1, 1)
    return np.array(
        [clone(model).fit(x.reshape(-1, 1), y).predict(x_eval) for x, y in zip(X, Y)]
    )


def _bias2_se(E):
    """Jackknife standard error of the unbiased bias² from the errors ``E = ȳ − H``.

    The unbiased bias² is the mean of ``e_m · e_m'`` (averaged over x) over
    all pairs of different training sets m ≠ m': a U-statistic. Leaving out
    set m removes its pairs; the spread of these leave-one-out values gives
    the standard error, computed from sums in O(M·K) without the M × M matrix.
    Where bias² is near zero the jackknife errs on the safe side (its error
    comes out up to about 1.4 times too large); elsewhere it is close.
    """
    M, K = E.shape
    e_bar = E.mean(axis=0)
    own = np.einsum("mk,mk->m", E, E) / K  # e_m · e_m
    with_all = M * (E @ e_bar) / K  # e_m · Σ e
    pairs = M**2 * (e_bar @ e_bar) / K - own.sum()  # Σ over m ≠ m' of e_m · e_m'
    left_out = (pairs - 2 * (with_all - own)) / ((M - 1) * (M - 2))
    return float(np.sqrt((M - 1) / M * np.sum((left_out - left_out.mean()) ** 2)))


def decompose(H, f_eval, y_eval, x=None):
    """The bias–variance decomposition from predictions and fresh test labels.

    Parameters
    ----------
    H : ndarray, shape (n_datasets, n_test)
        Predictions of the model fitted on each training set.
    f_eval : ndarray, shape (n_test,)
        The truth ``ȳ = E[y]`` at the test points.
    y_eval : ndarray, shape (n_datasets, n_test)
        Independent test labels ``y = f(x) + ε``, one per prediction.
    x : ndarray, shape (n_test,), optional
        The test points (kept in the result, for plotting).

    Returns
    -------
    BiasVariance
    """
    H, f_eval, y_eval = (np.asarray(a, dtype=float) for a in (H, f_eval, y_eval))
    n_datasets = H.shape[0]
    h_bar = H.mean(axis=0)
    bias2_x = (f_eval - h_bar) ** 2
    variance_x = H.var(axis=0)  # 1/M: then bias² + variance = mean (f − h)² exactly
    # Per training set m (independent experiments): its squared test error,
    # and its contribution to direct − (noise + bias² + variance).
    error_m = ((y_eval - H) ** 2).mean(axis=1)
    diff_m = ((y_eval - H) ** 2 - (y_eval - f_eval) ** 2 - (f_eval - H) ** 2).mean(axis=1)
    return BiasVariance(
        noise=float(((y_eval - f_eval) ** 2).mean()),
        bias2=float(bias2_x.mean()),
        variance=float(variance_x.mean()),
        expected_error=float(error_m.mean()),
        expected_error_se=float(error_m.std(ddof=1) / np.sqrt(n_datasets)),
        difference_se=float(diff_m.std(ddof=1) / np.sqrt(n_datasets)),
        x=x, f=f_eval, h_bar=h_bar, bias2_x=bias2_x, variance_x=variance_x,
        predictions=H, bias2_se=_bias2_se(f_eval - H) if n_datasets > 2 else np.nan,
    )


def bias_variance_decomposition(
    model, n_train=30, n_datasets=200, noise=0.1, f=cosine, n_test=50, random_state=None
):
    """Measure noise, bias², variance and the expected test error of ``model``.

    Draws ``n_datasets`` training sets of ``n_train`` points from
    ``y = f(x) + noise · N(0, 1)``, fits ``model`` on each (``model`` is a
    scikit-learn regressor, or an int: a polynomial of that degree fitted by
    :func:`polynomial_fit_predict_many`), predicts on ``n_test`` evenly
    spaced points of [0, 1], and draws one fresh test label per prediction.

    Returns
    -------
    BiasVariance
    """
    rng = np.random.default_rng(random_state)
    X, Y = draw_training_sets(n_datasets, n_train, noise, f, rng)
    x_eval = np.linspace(*X_RANGE, n_test)
    if isinstance(model, (int, np.integer)):
        H = polynomial_fit_predict_many(int(model), X, Y, x_eval)
    else:
        H = fit_predict_many(model, X, Y, x_eval)
    f_eval = f(x_eval)
    y_eval = f_eval + noise * rng.standard_normal(H.shape)
    return decompose(H, f_eval, y_eval, x=x_eval)


def _sweep(settings, n_datasets, noise, f, n_test, random_state):
    # An int seed restarts the generator for every setting: all degrees then see
    # the same training sets (common random numbers), so the curves are smooth.
    # A Generator is shared and consumed instead.
    def rng():
        if isinstance(random_state, np.random.Generator):
            return random_state
        return np.random.default_rng(random_state)

    results = [
        bias_variance_decomposition(degree, n_train, n_datasets, noise, f, n_test, rng())
        for degree, n_train in settings
    ]
    return {
        name: np.array([getattr(r, name) for r in results])
        for name in ("noise", "bias2", "variance", "total", "expected_error",
                     "expected_error_se", "bias2_floor", "bias2_unbiased", "bias2_se",
                     "bias2_measured", "bias2_limit")
    }


def bias_variance_vs_degree(
    degrees, n_train=30, n_datasets=200, noise=0.1, f=cosine, n_test=50, random_state=None
):
    """Polynomial fits of each degree: the decomposition as a function of complexity.

    Returns a dict of arrays, one value per degree: ``noise``, ``bias2``,
    ``variance``, ``total`` and ``expected_error`` (with
    ``expected_error_se``), and the Monte-Carlo-corrected bias² (``bias2_floor``,
    ``bias2_unbiased``, ``bias2_se``, ``bias2_measured``, ``bias2_limit``; see
    :class:`BiasVariance`). With an int ``random_state`` every degree is
    fitted to the same training sets.
    """
    return _sweep([(d, n_train) for d in degrees], n_datasets, noise, f, n_test, random_state)


def bias_variance_vs_n_train(
    n_trains, degree=5, n_datasets=200, noise=0.1, f=cosine, n_test=50, random_state=None
):
    """One polynomial degree, growing training sets: the same dict, one value per size."""
    return _sweep([(degree, n) for n in n_trains], n_datasets, noise, f, n_test, random_state)
