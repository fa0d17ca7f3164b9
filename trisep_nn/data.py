"""Seeded toy datasets for the course, as plain NumPy arrays.

Every generator takes ``random_state`` (``None``, an int seed or a
``numpy.random.RandomState``, as in scikit-learn): the same seed gives the same
arrays. Classification sets return ``X`` of shape ``(n_samples, n_features)``
(float64) and integer labels ``y`` of shape ``(n_samples,)`` (int64);
regression sets return ``X`` of shape ``(n_samples, 1)`` and float ``y``.

    >>> from trisep_nn import data
    >>> X, y = data.moons(200, noise=0.2, random_state=0)
    >>> X.shape, y.shape, sorted(set(y.tolist()))
    ((200, 2), (200,), [0, 1])

Where scikit-learn has a generator (``make_moons``, ``make_circles``,
``make_blobs``) it is used as is; scikit-learn is imported inside the
functions, so ``import trisep_nn.data`` stays light.

Contents
--------
- 1-D regression: :func:`noisy_function` (the noisy ``cos(1.5 pi x)`` of
  scikit-learn's under/over-fitting demo) and its truth :func:`cosine`.
- 2-D classification: :func:`moons`, :func:`circles`, :func:`xor`,
  :func:`spirals`, :func:`blobs` and :func:`four_class` (the lecture's
  4-class decision-boundary problem).
- Particle physics: :func:`physics_toy` (signal vs background with a fully
  known generative model), :func:`physics_toy_logpdf`,
  :func:`physics_toy_likelihood_ratio` and :func:`bayes_optimal_score`
  (the best possible classifier).
"""

import numpy as np

from .validation import check_bool, check_count, check_number, check_random_state

__all__ = [
    "cosine",
    "true_function",
    "noisy_function",
    "moons",
    "circles",
    "xor",
    "spirals",
    "blobs",
    "four_class",
    "PHYSICS_TOY_FEATURES",
    "PHYSICS_TOY_PARAMS",
    "physics_toy",
    "physics_toy_logpdf",
    "physics_toy_mass_pdf",
    "physics_toy_likelihood_ratio",
    "bayes_optimal_score",
]


# --------------------------------------------------------------------------
# argument checks: a bad argument is a ValueError that names the value
# --------------------------------------------------------------------------
def _check_n_classes(n_classes, n_samples):
    n_classes = check_count(n_classes, "n_classes", minimum=2)
    if n_classes > n_samples:
        raise ValueError(f"n_classes={n_classes} needs at least one sample per class, but "
                         f"n_samples is {n_samples}")
    return n_classes


def _rng(random_state):
    # scikit-learn's rule (the data sets draw as scikit-learn does): None -> NumPy's
    # global RandomState, int -> a new RandomState(seed), RandomState -> itself.
    return check_random_state(random_state, legacy=True)


def _class_sizes(n_samples, n_classes):
    """Split n_samples as evenly as possible: the first classes get the extra ones."""
    sizes = np.full(n_classes, n_samples // n_classes)
    sizes[: n_samples % n_classes] += 1
    return sizes


def _shuffle(X, y, rng):
    order = rng.permutation(len(y))
    return X[order], y[order]


def _as_xy(X, y, noise_name="noise"):
    """X as float64, y as int64, unless a huge noise made a point infinite."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{noise_name} is so large that some points are not finite numbers; "
                         "use a smaller value")
    return X, np.asarray(y, dtype=np.int64)


# --------------------------------------------------------------------------
# 1-D regression
# --------------------------------------------------------------------------
def cosine(x):
    """The true function of scikit-learn's under/over-fitting demo: ``cos(1.5 pi x)``.

    >>> float(cosine(0.0)), round(float(cosine(1 / 3)), 12)
    (1.0, 0.0)
    """
    try:
        x = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"x must be a number or an array of numbers, got {x!r}") from None
    return np.cos(1.5 * np.pi * x)


#: The default truth of :func:`noisy_function`, for plotting it next to the data.
true_function = cosine


def noisy_function(n_samples=30, f=None, noise=0.1, x_range=(0.0, 1.0), sort=False,
                   random_state=None):
    """Noisy samples ``y = f(x) + noise * N(0, 1)`` of a 1-D function.

    ``x`` is drawn uniformly in ``x_range``. With the defaults this is the
    data of scikit-learn's "Underfitting vs. Overfitting" example: 30 points
    of ``cos(1.5 pi x)`` on [0, 1] with noise of standard deviation 0.1.

    Parameters
    ----------
    n_samples : int
    f : callable, optional
        The true function, applied to a 1-D array of x values; default
        :func:`cosine` (also available as ``true_function``).
    noise : float
        Standard deviation of the Gaussian noise added to ``f(x)``.
    x_range : (low, high)
    sort : bool
        Return the points in increasing x (handy for ``plt.plot``). Off by
        default: scikit-learn's ``KFold`` (the default ``cv`` of
        ``cross_val_score`` and ``validation_curve``) does not shuffle, so on
        sorted data every fold would test extrapolation to an unseen x range.
    random_state : None, int or RandomState

    Returns
    -------
    X : ndarray, shape (n_samples, 1)
    y : ndarray, shape (n_samples,)

    >>> X, y = noisy_function(30, random_state=0)
    >>> X.shape, y.shape
    ((30, 1), (30,))
    """
    n_samples = check_count(n_samples, "n_samples")
    noise = check_number(noise, "noise", low=0.0)
    f = cosine if f is None else f
    if not callable(f):
        raise ValueError(f"f must be a callable such as numpy.sin, got {f!r}")
    try:
        low, high = (float(v) for v in x_range)
    except (TypeError, ValueError):
        raise ValueError(f"x_range must be a pair (low, high), got {x_range!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"x_range must be finite with low < high, got {x_range!r}")

    rng = _rng(random_state)
    x = rng.uniform(low, high, size=n_samples)
    fx = np.asarray(f(x), dtype=np.float64)
    if fx.shape != x.shape:
        raise ValueError(
            f"f must map an array of shape {x.shape} to the same shape, got shape {fx.shape}"
        )
    with np.errstate(over="ignore"):  # an overflow is reported below, by name
        y = fx + noise * rng.standard_normal(n_samples)
    if not np.all(np.isfinite(y)):
        raise ValueError("f(x) + noise is not finite everywhere: check f and noise")
    if sort:  # the same points, reordered
        order = np.argsort(x, kind="stable")
        x, y = x[order], y[order]
    return x.reshape(-1, 1), y


# --------------------------------------------------------------------------
# 2-D classification
# --------------------------------------------------------------------------
def moons(n_samples=200, noise=0.2, random_state=None):
    """Two interleaving half circles (scikit-learn's ``make_moons``), labels 0/1.

    ``noise`` is the standard deviation of Gaussian noise added to the points.

    >>> X, y = moons(100, random_state=0)
    >>> X.shape, int(y.sum())
    ((100, 2), 50)
    """
    from sklearn.datasets import make_moons

    n_samples = check_count(n_samples, "n_samples")
    noise = check_number(noise, "noise", low=0.0)
    X, y = make_moons(n_samples=n_samples, noise=noise, random_state=_rng(random_state))
    return _as_xy(X, y)


def circles(n_samples=200, noise=0.1, factor=0.5, random_state=None):
    """A small circle (label 1) inside a large one (label 0): scikit-learn's ``make_circles``.

    ``factor`` is the ratio of the inner radius to the outer radius (0 < factor < 1).

    >>> X, y = circles(100, random_state=0)
    >>> X.shape, int(y.sum())
    ((100, 2), 50)
    """
    from sklearn.datasets import make_circles

    n_samples = check_count(n_samples, "n_samples")
    noise = check_number(noise, "noise", low=0.0)
    factor = check_number(factor, "factor", 0.0, 1.0, low_open=True, high_open=True)
    X, y = make_circles(
        n_samples=n_samples, noise=noise, factor=factor, random_state=_rng(random_state)
    )
    return _as_xy(X, y)


def xor(n_samples=200, noise=0.1, random_state=None):
    """The XOR problem: label 1 where ``x1 * x2 > 0``, 0 otherwise.

    Points are uniform in the four quadrants of the square [-1, 1]^2, the same
    number in each quadrant (so the classes are balanced to within one point),
    labelled by their quadrant, then moved by Gaussian noise of standard
    deviation ``noise``: with noise > 0 a few points cross the axes, so the
    best possible accuracy is just below 1. No linear boundary does better
    than chance.

    >>> X, y = xor(200, random_state=0)
    >>> X.shape, int(y.sum())
    ((200, 2), 100)
    """
    n_samples = check_count(n_samples, "n_samples")
    noise = check_number(noise, "noise", low=0.0)
    rng = _rng(random_state)
    # quadrants 0..3 in turn: signs (+,+), (-,+), (-,-), (+,-); label 1 for (+,+), (-,-)
    quadrant = np.arange(n_samples) % 4
    signs = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]], dtype=np.float64)[quadrant]
    X = signs * rng.uniform(0.0, 1.0, size=(n_samples, 2))
    y = (quadrant % 2 == 0).astype(np.int64)
    with np.errstate(over="ignore"):  # an overflow is reported below, by name
        X = X + noise * rng.standard_normal((n_samples, 2))
    return _shuffle(*_as_xy(X, y), rng)


def spirals(n_samples=400, n_classes=4, noise=0.05, turns=0.75, random_state=None):
    """``n_classes`` interleaved spiral arms in the plane, one class per arm.

    Arm ``k`` is the curve ``r (cos t, sin t)`` with radius ``r`` uniform in
    [0.05, 1] and angle ``t = 2 pi (k / n_classes + turns * r)``; each point
    is then moved by Gaussian noise of standard deviation ``noise``. ``turns``
    is how many times an arm winds around the centre: more turns and more
    arms need a wider and deeper network. The classes are balanced to within
    one point.

    >>> X, y = spirals(300, n_classes=3, random_state=0)
    >>> X.shape, [int((y == k).sum()) for k in range(3)]
    ((300, 2), [100, 100, 100])
    """
    n_samples = check_count(n_samples, "n_samples")
    n_classes = _check_n_classes(n_classes, n_samples)
    noise = check_number(noise, "noise", low=0.0)
    turns = check_number(turns, "turns", low=0.0, low_open=True)
    rng = _rng(random_state)
    y = np.repeat(np.arange(n_classes), _class_sizes(n_samples, n_classes))
    r = rng.uniform(0.05, 1.0, size=n_samples)
    t = 2 * np.pi * (y / n_classes + turns * r)
    X = np.column_stack([r * np.cos(t), r * np.sin(t)])
    with np.errstate(over="ignore"):  # an overflow is reported below, by name
        X = X + noise * rng.standard_normal((n_samples, 2))
    return _shuffle(*_as_xy(X, y), rng)


def blobs(n_samples=300, n_classes=None, cluster_std=1.0, centers=None, random_state=None):
    """Gaussian blobs, one per class (scikit-learn's ``make_blobs``).

    By default the ``n_classes`` (default 3) centres sit evenly on a circle of
    radius 3, so every run has the same geometry and only the points change;
    pass ``centers`` (an array of shape ``(n_classes, n_features)``) to place
    them yourself. ``cluster_std`` is the standard deviation of each blob. The
    classes are balanced to within one point.

    >>> X, y = blobs(300, n_classes=3, random_state=0)
    >>> X.shape, [int((y == k).sum()) for k in range(3)]
    ((300, 2), [100, 100, 100])
    """
    from sklearn.datasets import make_blobs

    n_samples = check_count(n_samples, "n_samples")
    cluster_std = check_number(cluster_std, "cluster_std", low=0.0)
    if centers is None:
        n_classes = _check_n_classes(3 if n_classes is None else n_classes, n_samples)
        angle = 2 * np.pi * np.arange(n_classes) / n_classes + np.pi / 4
        centers = 3.0 * np.column_stack([np.cos(angle), np.sin(angle)])
    else:
        centers = _check_centers(centers, n_classes, n_samples)
    X, y = make_blobs(
        n_samples=n_samples, centers=centers, cluster_std=cluster_std,
        random_state=_rng(random_state),
    )
    return _as_xy(X, y, "cluster_std")


def _check_centers(centers, n_classes, n_samples):
    try:
        centers = np.asarray(centers, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"centers must be an array of numbers, got {centers!r}") from None
    if centers.ndim != 2 or centers.shape[0] < 2 or not np.all(np.isfinite(centers)):
        raise ValueError("centers must be a finite array of shape (n_classes >= 2, n_features), "
                         f"got shape {centers.shape}")
    if n_classes is not None and n_classes != len(centers):
        raise ValueError(f"n_classes={n_classes!r} but centers has {len(centers)} rows; give "
                         "one of them, or both in agreement")
    _check_n_classes(len(centers), n_samples)
    return centers


def four_class(n_samples=600, noise=0.08, random_state=None):
    """The lecture's 4-class decision-boundary problem: four interleaved spiral arms.

    ``spirals(n_samples, n_classes=4, noise=noise, turns=0.75)``. The arms
    curl around each other, so a linear model or a very narrow network cannot
    separate them, one or two hidden layers of a few tens of ReLU units can,
    and the L2 strength ``alpha`` visibly trades a wiggly boundary that
    follows the noise for a smooth one that cuts the arms' tips.

    >>> X, y = four_class(400, random_state=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((400, 2), [0, 1, 2, 3])
    """
    return spirals(n_samples, n_classes=4, noise=noise, turns=0.75, random_state=random_state)


# --------------------------------------------------------------------------
# Particle-physics toy: signal vs background with a known density
# --------------------------------------------------------------------------
#: Column names of :func:`physics_toy`'s X, with units.
PHYSICS_TOY_FEATURES = ["m [GeV]", "pT [GeV]", "Δη"]

#: The numbers of the generative model (see :func:`physics_toy`).
PHYSICS_TOY_PARAMS = {
    "m_range": (50.0, 200.0),  # GeV, window of the mass measurement
    "m_signal_mean": 125.0,  # GeV, resonance mass
    "m_signal_width": 20.0,  # GeV, Gaussian resolution of the peak
    "m_background_slope": 80.0,  # GeV, decay length of the falling background
    "pt_signal_shape": 4.0,  # Gamma shape, signal pT
    "pt_signal_scale": 0.10,  # Gamma scale per GeV of m, signal pT
    "pt_background_shape": 2.0,  # Gamma shape, background pT
    "pt_background_scale": 0.15,  # Gamma scale per GeV of m, background pT
    "deta_signal_width": 0.8,  # Normal width of Δη, signal
    "deta_background_width": (0.8, 1.7, 30.0),  # (a, b, p0): a + b exp(-pT / p0 GeV)
}


def _physics_mass_distribution(signal):
    from scipy import stats

    P = PHYSICS_TOY_PARAMS
    low, high = P["m_range"]
    if signal:
        mu, sigma = P["m_signal_mean"], P["m_signal_width"]
        return stats.truncnorm((low - mu) / sigma, (high - mu) / sigma, loc=mu, scale=sigma)
    slope = P["m_background_slope"]
    return stats.truncexpon((high - low) / slope, loc=low, scale=slope)


def _physics_pt_shape_scale(m, signal):
    P = PHYSICS_TOY_PARAMS
    kind = "signal" if signal else "background"
    return P[f"pt_{kind}_shape"], P[f"pt_{kind}_scale"] * m


def _physics_deta_width(pt, signal):
    P = PHYSICS_TOY_PARAMS
    if signal:
        return np.full_like(pt, P["deta_signal_width"])
    a, b, p0 = P["deta_background_width"]
    return a + b * np.exp(-pt / p0)


def _physics_sample(n, signal, rng):
    m = _physics_mass_distribution(signal).rvs(size=n, random_state=rng)
    shape, scale = _physics_pt_shape_scale(m, signal)
    pt = rng.gamma(shape, scale)
    deta = rng.normal(0.0, _physics_deta_width(pt, signal))
    return np.column_stack([m, pt, deta])


def physics_toy(n_samples=2000, signal_fraction=0.5, random_state=None):
    """Signal (y = 1) vs background (y = 0) events in three physics-like features.

    Columns of X (see ``PHYSICS_TOY_FEATURES``): ``m [GeV]`` an invariant
    mass, ``pT [GeV]`` a transverse momentum, ``Δη`` a pseudorapidity
    difference. Exactly ``round(signal_fraction * n_samples)`` events are
    signal; the rows are shuffled.

    Generative model (numbers in ``PHYSICS_TOY_PARAMS``), each event drawn
    as m, then pT given m, then Δη given pT:

    ========  ====================================  ====================================
    feature   signal                                background
    ========  ====================================  ====================================
    m         Normal(mean 125, sd 20)               Exponential(decay length 80)
              truncated to [50, 200]                truncated to [50, 200]
    pT | m    Gamma(shape 4, scale 0.10 m),         Gamma(shape 2, scale 0.15 m),
              mean 0.4 m                            mean 0.3 m
    Δη | pT   Normal(0, sd 0.8)                     Normal(0, sd 0.8 + 1.7 exp(-pT / 30))
    ========  ====================================  ====================================

    (all masses and momenta in GeV).

    So the signal is a resonance peak at 125 GeV over a falling mass
    spectrum; pT grows with m in both classes (they are correlated), signal
    is harder; signal is central in Δη, soft background is spread out in Δη
    while hard background looks like signal. The density of each class is
    the product of the three factors, computed exactly by
    :func:`physics_toy_logpdf`; :func:`physics_toy_likelihood_ratio` and
    :func:`bayes_optimal_score` give the best possible classifier
    (Neyman-Pearson): no classifier has a higher ROC curve on this data.

    Returns
    -------
    X : ndarray, shape (n_samples, 3), float64
    y : ndarray, shape (n_samples,), int64 in {0, 1}

    >>> X, y = physics_toy(1000, random_state=0)
    >>> X.shape, int(y.sum())
    ((1000, 3), 500)
    """
    n_samples = check_count(n_samples, "n_samples")
    signal_fraction = check_number(signal_fraction, "signal_fraction", 0.0, 1.0)
    rng = _rng(random_state)
    n_signal = int(round(signal_fraction * n_samples))
    X = np.concatenate(
        [_physics_sample(n_signal, True, rng), _physics_sample(n_samples - n_signal, False, rng)]
    )
    y = np.repeat(np.array([1, 0], dtype=np.int64), [n_signal, n_samples - n_signal])
    return _shuffle(*_as_xy(X, y), rng)


def _check_physics_X(X):
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"X must be an array of numbers, got {type(X).__name__}") from None
    if X.ndim != 2 or X.shape[1] != len(PHYSICS_TOY_FEATURES):
        raise ValueError(
            f"X must have shape (n_samples, {len(PHYSICS_TOY_FEATURES)}) with columns "
            f"{PHYSICS_TOY_FEATURES}, got shape {X.shape}"
        )
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
    return X


def physics_toy_logpdf(X, signal):
    """Log density ``log p(x | signal)`` (``signal=True``) or ``log p(x | background)``.

    Exactly the density :func:`physics_toy` samples from (normalised over
    its support; ``-inf`` outside it, e.g. for m outside [50, 200] GeV or
    pT <= 0).

    >>> X, y = physics_toy(5, random_state=0)
    >>> physics_toy_logpdf(X, signal=True).shape
    (5,)
    """
    from scipy import stats

    X = _check_physics_X(X)
    m, pt, deta = X.T
    signal = check_bool(signal, "signal")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_m = _physics_mass_distribution(signal).logpdf(m)
        shape, scale = _physics_pt_shape_scale(np.where(m > 0, m, 1.0), signal)
        log_pt = stats.gamma.logpdf(pt, shape, scale=scale)
        log_deta = stats.norm.logpdf(deta, 0.0, _physics_deta_width(np.maximum(pt, 0.0), signal))
        out = log_m + log_pt + log_deta
    return np.where(np.isnan(out), -np.inf, out)


def physics_toy_mass_pdf(m, signal):
    """``p(m | signal)`` (``signal=True``) or ``p(m | background)``: the mass factor of
    :func:`physics_toy_logpdf`'s density, for computing marginals in fewer features.

    >>> float(physics_toy_mass_pdf(300.0, signal=True))    # outside [50, 200] GeV
    0.0
    """
    return _physics_mass_distribution(bool(signal)).pdf(m)


def physics_toy_likelihood_ratio(X, log=False):
    """The likelihood ratio ``p(x | signal) / p(x | background)`` of :func:`physics_toy`.

    By the Neyman-Pearson lemma, cutting on it gives the highest signal
    efficiency at every background efficiency: its ROC curve is the best
    possible one. ``log=True`` returns ``log p(x|s) - log p(x|b)``, which is
    better behaved numerically (same ROC curve).

    >>> X, y = physics_toy(2000, random_state=0)
    >>> from sklearn.metrics import roc_auc_score
    >>> round(roc_auc_score(y, physics_toy_likelihood_ratio(X)), 2)
    0.88
    """
    X = _check_physics_X(X)
    log_s = physics_toy_logpdf(X, True)
    log_b = physics_toy_logpdf(X, False)
    with np.errstate(invalid="ignore"):
        llr = log_s - log_b  # both -inf (outside the support): no information
    llr = np.where(np.isnan(llr), 0.0, llr)
    if log:
        return llr
    with np.errstate(over="ignore"):
        return np.exp(llr)


def bayes_optimal_score(X, signal_fraction=0.5):
    """The Bayes-optimal classifier of :func:`physics_toy`: ``P(signal | x)``.

    ``f p(x|s) / (f p(x|s) + (1 - f) p(x|b))`` with ``f = signal_fraction``,
    the fraction of signal in the data. A monotone function of the
    likelihood ratio, so it has the same (best possible) ROC curve; it is
    also the best possible probability: thresholding at 0.5 gives the
    highest achievable accuracy.

    >>> X, y = physics_toy(5, random_state=0)
    >>> p = bayes_optimal_score(X)
    >>> bool(((p >= 0) & (p <= 1)).all())
    True
    """
    signal_fraction = check_number(signal_fraction, "signal_fraction", 0.0, 1.0, low_open=True,
                                   high_open=True)
    from scipy.special import expit  # the logistic sigmoid, stable at large |logit|

    llr = physics_toy_likelihood_ratio(X, log=True)
    return expit(llr + np.log(signal_fraction) - np.log1p(-signal_fraction))
