"""Double descent with random-features regression (notebook 12; Belkin et al. 2019).

The model is the lecture's ``h(x) = wᵀφ(x)`` with a basis that is *fixed and
random*: ``p`` random Fourier features (Rahimi & Recht 2007)::

    φ_j(x) = sqrt(2/p) a(ω_j) cos(ω_j x + b_j),   ω_j = ω_max u_j^1.5,  u_j, b_j/2π ~ U(0, 1)

— a Fourier series whose frequencies are drawn at random (more of them low,
density ∝ ω^(-1/3), up to ω_max), each with an amplitude ``a(ω)`` that falls
with the frequency, ``a(ω) = (1 + (ω/ω_0)²)^(-1/2)`` (``falloff = ω_0``; all
amplitudes 1 with ``falloff=None``). Only ``w`` is fitted, by least squares.
With fewer features than training points (p < n) that is the ordinary
least-squares fit, which does not depend on the amplitudes (rescaling a column
of Φ rescales its weight, the fit is the same); with p ≥ n infinitely many
``w`` fit the data exactly, and we take the one of **minimum norm** ``‖w‖``
(what ``np.linalg.lstsq`` and ``np.linalg.pinv`` return; also where gradient
descent started from w = 0 ends up). The minimum-norm fit *does* depend on the
amplitudes: a feature with a large amplitude needs only a small weight, so it
is cheap, and falling amplitudes make smooth interpolants cheap. Sweeping p
across the *interpolation threshold* p = n draws Belkin's double-descent curve.

    >>> x, y = sample_data(40, noise=0.05, random_state=0)
    >>> features = RandomFourierFeatures(1000, 1.3 * nyquist_frequency(40), falloff=FALLOFF,
    ...                                  random_state=0)
    >>> w = min_norm_fit(features.transform(x, 100), y)        # p = 100 > n = 40
    >>> bool(np.allclose(features.transform(x, 100) @ w, y))   # interpolates
    True

The truth is a falling background with a narrow resonance, :func:`mass_spectrum`,
sampled on an evenly spaced, slightly jittered grid of ``n`` points. The
frequencies reach 1.3 times the grid's Nyquist frequency ``π / Δx``, so that n
features can resolve the n points (a sharp threshold), while many low
frequencies let a few features already describe the broad background (the
classical U on the left).

:class:`DoubleDescent` computes the whole curve (many p, many random draws)
once, with one SVD per fit, so that changing the noise level or the ridge
penalty afterwards costs only a few small matrix products (the explorer's
sliders).
"""

from typing import NamedTuple

import numpy as np

from trisep_nn.validation import check_count

__all__ = [
    "mass_spectrum", "FALLOFF", "sample_data", "nyquist_frequency", "RandomFourierFeatures",
    "min_norm_fit", "fit_risks", "feature_counts", "DoubleDescent", "iid_smallest_singular_values",
]

#: ω_0 of the features' falling amplitudes ``a(ω) = (1 + (ω/ω_0)²)^(-1/2)``, in radians per
#: unit of x: frequencies above about 3 wiggles per unit get smaller amplitudes.
FALLOFF = 20.0


def mass_spectrum(x):
    """The truth of notebook 12: a falling background with a narrow resonance,

        f(x) = exp(-3x) + exp(-(x - 0.5)² / (2 · 0.05²)) - 0.5,

    the shape of notebook 10's mass spectrum with a sharper, taller peak (shifted down
    by ½ so that it is centred near 0). The background needs only a few low
    frequencies; the peak needs many, which is what makes interpolation pay.

    >>> round(float(mass_spectrum(0.5)), 4)
    0.7231
    """
    x = np.asarray(x, dtype=float)
    return np.exp(-3.0 * x) + np.exp(-0.5 * ((x - 0.5) / 0.05) ** 2) - 0.5


def sample_data(n_samples=40, noise=0.05, jitter=0.25, f=mass_spectrum, random_state=None):
    """``n_samples`` points on an evenly spaced grid of [0, 1], each moved by up to
    ``jitter`` grid spacings, with ``y = f(x) + noise * N(0, 1)``.

    Returns ``x`` (n,) and ``y`` (n,). An even design keeps the interpolation
    threshold sharp; with uniformly random x two points can land almost on top of
    each other with different noise, and every interpolant has to jump between them.
    """
    n = check_count(n_samples, "n_samples")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = np.random.default_rng(random_state)
    spacing = 1.0 / n
    x = (np.arange(n) + 0.5 + rng.uniform(-jitter, jitter, n)) * spacing
    y = f(x) + noise * rng.standard_normal(n)
    return x, y


def nyquist_frequency(n_samples):
    """``π / Δx`` for ``n_samples`` evenly spaced points on [0, 1]: the highest
    angular frequency the grid can resolve."""
    return np.pi * check_count(n_samples, "n_samples")


class RandomFourierFeatures:
    """``p`` random cosines ``sqrt(2/p) a(ω_j) cos(ω_j x + b_j)``; the first ``p`` of a fixed draw.

    Parameters
    ----------
    max_features : int
        How many (ω, b) pairs to draw. ``transform(x, p)`` uses the first ``p``,
        so growing p adds features to the same model instead of redrawing them.
    max_frequency : float
        The largest possible ω.
    power : float, default 1.5
        ``ω = max_frequency * u**power`` with u uniform on [0, 1]: 1 draws ω
        uniformly, larger powers favour low frequencies.
    falloff : float or None
        ``ω_0`` of the amplitudes ``a(ω) = (1 + (ω/ω_0)²)^(-1/2)``; None: all 1.
        Least squares with p < n does not see the amplitudes; the minimum-norm
        fit with p > n prefers the features with large ones.
    random_state : None, int or Generator

    Attributes
    ----------
    frequencies_, phases_, amplitudes_ : arrays of shape (max_features,)
    """

    def __init__(self, max_features, max_frequency, power=1.5, falloff=None, random_state=None):
        self.max_features = check_count(max_features, "max_features")
        self.max_frequency, self.power = float(max_frequency), float(power)
        if not (self.max_frequency > 0 and self.power > 0):
            raise ValueError(f"max_frequency and power must be > 0, got {max_frequency}, {power}")
        if falloff is not None and not falloff > 0:
            raise ValueError(f"falloff must be > 0 or None, got {falloff}")
        self.falloff = falloff
        rng = np.random.default_rng(random_state)
        self.frequencies_ = self.max_frequency * rng.uniform(0, 1, self.max_features) ** self.power
        self.phases_ = rng.uniform(0, 2 * np.pi, self.max_features)
        self.amplitudes_ = (np.ones(self.max_features) if falloff is None
                            else 1 / np.sqrt(1 + (self.frequencies_ / falloff) ** 2))

    def transform(self, x, n_features=None):
        """Feature matrix ``Φ`` of shape (len(x), p) with ``Φ[i, j] = φ_j(x_i)``."""
        p = self.max_features if n_features is None else check_count(n_features, "n_features")
        if p > self.max_features:
            raise ValueError(f"asked for {p} features, only {self.max_features} were drawn")
        x = np.asarray(x, dtype=float).reshape(-1, 1)
        waves = np.cos(x * self.frequencies_[:p] + self.phases_[:p])
        return np.sqrt(2.0 / p) * self.amplitudes_[:p] * waves


def min_norm_fit(Phi, y, ridge=0.0):
    """Least-squares weights ``w`` for ``Φ w ≈ y``.

    ``ridge = 0``: the minimum-norm least-squares solution (``np.linalg.lstsq``):
    for p ≤ n the ordinary least-squares fit, for p > n the interpolant with the
    smallest ``‖w‖``. ``ridge = λ > 0``: minimises ``‖Φw − y‖² + λ‖w‖²``, solved
    as the least-squares problem ``[Φ; √λ I] w ≈ [y; 0]``.
    """
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],):
        raise ValueError(f"need Phi of shape (n, p) and y of shape (n,), got {Phi.shape}, "
                         f"{y.shape}")
    if ridge < 0:
        raise ValueError(f"ridge must be >= 0, got {ridge}")
    if ridge > 0:
        p = Phi.shape[1]
        Phi = np.vstack([Phi, np.sqrt(ridge) * np.eye(p)])
        y = np.concatenate([y, np.zeros(p)])
    return np.linalg.lstsq(Phi, y, rcond=None)[0]


def feature_counts(n_samples, max_ratio=25, n_points=22):
    """A log-spaced list of feature counts p from 1 to ``max_ratio * n``, with
    ``n`` itself (the threshold) and a few points around it included."""
    n = check_count(n_samples, "n_samples")
    grid = np.round(np.logspace(0, np.log10(max_ratio * n), n_points)).astype(int)
    near = [n // 4, n // 2, 3 * n // 4, n - 2, n, n + 2, 5 * n // 4, 2 * n]
    return np.unique(np.r_[grid, [p for p in near if p >= 1]])


def fit_risks(n_features, n_samples=40, noise=0.05, ridge=0.0, n_draws=20, max_frequency=None,
              falloff=FALLOFF, f=mass_spectrum, x_test=None, random_state=0):
    """The direct way: for each draw and each p, fit with :func:`min_norm_fit` and
    measure. Slower than :class:`DoubleDescent` (which must agree with it).

    Returns a dict of arrays of shape (n_draws, len(n_features)): ``"test"`` (mean
    squared error against the truth on ``x_test``, plus ``noise²``, i.e. the
    expected error on fresh noisy points), ``"train"`` and ``"norm"`` (‖w‖).
    """
    n_features = np.asarray(n_features, dtype=int)
    x_test = np.linspace(0, 1, 401) if x_test is None else np.asarray(x_test, dtype=float)
    omega = 1.3 * nyquist_frequency(n_samples) if max_frequency is None else max_frequency
    out = {key: np.zeros((n_draws, len(n_features))) for key in ("test", "train", "norm")}
    for d, seed in enumerate(_draw_seeds(random_state, n_draws)):
        x, z, features = _draw(seed, n_samples, int(n_features.max()), omega, falloff)
        y = f(x) + noise * z
        for i, p in enumerate(n_features):
            Phi = features.transform(x, p)
            w = min_norm_fit(Phi, y, ridge)
            out["test"][d, i] = np.mean((features.transform(x_test, p) @ w
                                         - f(x_test)) ** 2) + noise ** 2
            out["train"][d, i] = np.mean((Phi @ w - y) ** 2)
            out["norm"][d, i] = np.linalg.norm(w)
    return out


class SolvedFits(NamedTuple):
    """Every draw's fit at one feature count p, solved once for every noise and ridge.

    With ``Φ = U S Vᵀ`` (only the kept singular values; rows of the arrays are the
    draws, padded with zeros where a draw kept fewer) and ``y = f(x) + σ z``:"""

    Uf: np.ndarray  # Uᵀ f(x): the true function in the basis U
    Uz: np.ndarray  # Uᵀ z: the noise pattern in the basis U
    S: np.ndarray  # the kept singular values of Φ, largest first (padding: 0)
    R: np.ndarray  # R of the QR factorisation of Φ_test V / √n_test
    q: np.ndarray  # Qᵀ f_test / √n_test
    rest: np.ndarray  # the part of mean(f_test²) outside the span of Φ_test V
    fx: np.ndarray  # f(x) at the training points
    z: np.ndarray  # the draw's standard-normal noise pattern
    U: np.ndarray  # the left singular vectors kept


class DoubleDescent:
    """The double-descent experiment, precomputed so that noise and ridge are cheap.

    For each of ``n_draws`` random draws (data positions, noise pattern, features)
    and each feature count p, the SVD ``Φ = U S Vᵀ`` is computed once. For any
    noise level σ and ridge λ the fit is then ``w = V c`` with
    ``c = S / (S² + λ) · Uᵀ y`` (``1/S`` for λ = 0: the minimum-norm solution) and
    ``y = f(x) + σ z`` with the draw's fixed standard-normal ``z``. The test risk
    is exact for the test grid: ``mean((Φ_test w − f)²) + σ²`` is a quadratic in
    ``c``, stored through a QR factorisation of ``Φ_test V``.

    Parameters
    ----------
    n_samples : int
        Training points n (the threshold is at p = n).
    n_features : array of int, optional
        Feature counts p (default :func:`feature_counts`).
    n_draws : int
        Random draws to average over (the curves use the median).
    max_frequency : float, optional
        Default: 1.3 times the Nyquist frequency of the grid, 1.3 π n.
    falloff : float or None
        The features' amplitudes, see :class:`RandomFourierFeatures`.
    f : callable
        The truth (default :func:`mass_spectrum`).
    random_state : int
    """

    def __init__(self, n_samples=40, n_features=None, n_draws=20, max_frequency=None,
                 falloff=FALLOFF, f=mass_spectrum, n_test=201, random_state=0):
        self.n_samples = check_count(n_samples, "n_samples")
        self.n_features = (feature_counts(self.n_samples) if n_features is None
                           else np.asarray(n_features, dtype=int))
        self.n_draws = check_count(n_draws, "n_draws")
        self.max_frequency = (1.3 * nyquist_frequency(self.n_samples) if max_frequency is None
                              else float(max_frequency))
        self.falloff, self.f = falloff, f
        self.draws = []  # per draw: (x, z, features)
        per_draw = []  # per draw: one tuple of arrays per feature count
        for seed in _draw_seeds(random_state, self.n_draws):
            x, z, features = _draw(seed, self.n_samples, int(self.n_features.max()),
                                   self.max_frequency, falloff)
            self.draws.append((x, z, features))
            per_draw.append(self._solve(x, z, features, np.linspace(0, 1, n_test)))
        self._fits = [_pad(parts) for parts in zip(*per_draw)]  # one SolvedFits per p

    def _solve(self, x, z, features, x_test):
        """One draw: SVD, test-risk quadratic, for every feature count."""
        p_max = int(self.n_features.max())
        Phi_all, Phi_test_all = features.transform(x, p_max), features.transform(x_test, p_max)
        f_test, fx, n_test = self.f(x_test), self.f(x), len(x_test)
        out = []
        for p in self.n_features:  # φ for p features = the first p columns, rescaled
            scale = np.sqrt(p_max / p)
            U, S, Vt = np.linalg.svd(scale * Phi_all[:, :p], full_matrices=False)
            # directions with a numerically zero singular value carry no weight
            # (the same cut-off as np.linalg.lstsq's default rcond)
            keep = S > S[0] * np.finfo(float).eps * max(self.n_samples, p)
            U, S, Vt = U[:, keep], S[keep], Vt[keep]
            Q, R = np.linalg.qr(Phi_test_all[:, :p] @ (scale / np.sqrt(n_test) * Vt.T))
            q = Q.T @ f_test / np.sqrt(n_test)
            rest = max(float(f_test @ f_test) / n_test - float(q @ q), 0.0)
            out.append((U.T @ fx, U.T @ z, S, R, q, rest, fx, z, U))
        return out

    def risks(self, noise=0.05, ridge=0.0):
        """Arrays of shape (n_draws, len(n_features)): ``"test"``, ``"train"``, ``"norm"``."""
        if noise < 0 or ridge < 0:
            raise ValueError(f"noise and ridge must be >= 0, got {noise}, {ridge}")
        out = {key: np.zeros((self.n_draws, len(self.n_features)))
               for key in ("test", "train", "norm")}
        for i, fit in enumerate(self._fits):  # all draws at once
            S = fit.S  # 0 where a draw is padded: no weight there
            gain = np.divide(S, S ** 2 + ridge, out=np.zeros_like(S), where=S > 0)  # 1/S at λ = 0
            c = (fit.Uf + noise * fit.Uz) * gain
            residual = np.einsum("drk,dk->dr", fit.R, c) - fit.q
            out["test"][:, i] = np.sum(residual ** 2, axis=1) + fit.rest + noise ** 2
            y = fit.fx + noise * fit.z
            fitted = np.einsum("dnk,dk->dn", fit.U, S * c)
            out["train"][:, i] = np.mean((fitted - y) ** 2, axis=1)
            out["norm"][:, i] = np.linalg.norm(c, axis=1)
        return out

    def fit(self, n_features, noise=0.05, ridge=0.0, draw=0, x_plot=None):
        """One fit of one draw, directly with :func:`min_norm_fit`, for plotting.

        Returns ``(x, y, x_plot, prediction)``: the training data and the fitted
        curve on ``x_plot`` (default: 400 points on [0, 1]).
        """
        x, z, features = self.draws[draw]
        y = self.f(x) + noise * z
        w = min_norm_fit(features.transform(x, n_features), y, ridge)
        x_plot = np.linspace(0, 1, 400) if x_plot is None else np.asarray(x_plot, dtype=float)
        return x, y, x_plot, features.transform(x_plot, n_features) @ w

    def smallest_singular_values(self):
        """Smallest (kept) singular value of Φ, shape (n_draws, len(n_features)).

        It dips to nearly 0 at p = n, where Φ is square: there is no spare column
        to fill its weakest direction, and the minimum-norm fit divides by it. (For
        a matrix of independent random entries it would scale like |√p - √n|,
        Marchenko-Pastur; our smooth features are far more degenerate than that.)"""
        return np.array([np.min(np.where(fit.S > 0, fit.S, np.inf), axis=1)
                         for fit in self._fits]).T

    def curve(self, noise=0.05, ridge=0.0):
        """Median over the draws of :meth:`risks`: one value per feature count."""
        return {key: np.median(value, axis=0) for key, value in self.risks(noise, ridge).items()}


def _pad(parts):
    """Stack one feature count's per-draw tuples into a :class:`SolvedFits`, padding the
    draws that kept fewer singular values with zeros (S = 0 there: no weight)."""
    Uf, Uz, S, R, q, rest, fx, z, U = zip(*parts)
    r = max(len(s) for s in S)

    def stack(arrays):
        out = np.zeros((len(arrays), r) + (r,) * (arrays[0].ndim - 1))
        for d, a in enumerate(arrays):
            out[d][tuple(slice(0, k) for k in a.shape)] = a
        return out

    U_pad = np.zeros((len(U), U[0].shape[0], r))
    for d, u in enumerate(U):
        U_pad[d, :, :u.shape[1]] = u
    return SolvedFits(stack(Uf), stack(Uz), stack(S), stack(R), stack(q),
                      np.array(rest), np.array(fx), np.array(z), U_pad)


def iid_smallest_singular_values(experiment, n_draws=5, random_state=0):
    """What random-matrix theory would predict: the median smallest singular value of
    ``n × p`` matrices of independent Gaussian entries, scaled to the same Frobenius norm
    as the experiment's ``Φ`` (first draw), for each of its feature counts p.

    For such matrices ``s_min ≈ (entry size) |√p - √n|`` (Marchenko-Pastur); the
    smooth, correlated features of :class:`DoubleDescent` come out far smaller.
    """
    rng = np.random.default_rng(random_state)
    x, _, features = experiment.draws[0]
    n, out = experiment.n_samples, []
    for p in experiment.n_features:
        size = np.linalg.norm(features.transform(x, p)) / np.sqrt(n * p)  # rms entry
        out.append(np.median([np.linalg.svd(size * rng.standard_normal((n, p)),
                                            compute_uv=False)[-1] for _ in range(n_draws)]))
    return np.array(out)


def _draw_seeds(random_state, n_draws):
    return np.random.default_rng(random_state).integers(2**31, size=n_draws)


def _draw(seed, n_samples, max_features, max_frequency, falloff):
    """One random draw: positions x, a standard-normal noise pattern z, the features."""
    rng = np.random.default_rng(seed)
    x, z = sample_data(n_samples, noise=1.0, f=np.zeros_like, random_state=rng)
    features = RandomFourierFeatures(max_features, max_frequency, falloff=falloff,
                                     random_state=rng)
    return x, z, features
