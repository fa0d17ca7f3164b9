"""The Playground's data: 2-D datasets, the input features a network may see, and the
particle-physics toy's best possible classifier in the plane.

* :data:`DATASETS`: six classification problems (moons, circles, XOR, two Gaussian
  clusters, the lecture's 4-class spirals, the physics toy in ``(m, Δη)``) and two
  regression problems (a plane, a mixture of Gaussians), each made by
  :func:`make_dataset` from a name, a size, a noise level and a seed.
* :data:`FEATURES`: what the first layer is fed, as in TensorFlow Playground:
  ``x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂``. This is the basis-function story of
  notebooks 01 and 05: give a *linear* model good features φ(x) (circles are
  separated by ``x₁² + x₂²``) or let a network learn its own.
* :func:`physics_posterior`: ``P(signal | m, Δη)`` of the physics toy with the third
  feature (pT) integrated out, smeared like the Playground's noisy data; no
  classifier that sees only ``(m, Δη)`` does better.
"""

from typing import NamedTuple

import numpy as np
from scipy.special import roots_genlaguerre

from trisep_nn import data

__all__ = ["DATASETS", "REGRESSION", "DEFAULT_NOISE", "FEATURES", "Dataset", "make_dataset",
           "feature_map", "physics_posterior"]

#: Dataset name -> what it is. ``noise`` means each generator's own parameter (below).
DATASETS = {
    "moons": "two interleaving half moons",
    "circles": "a small circle inside a large one",
    "xor": "XOR: the class is the sign of x₁ x₂",
    "clusters": "two Gaussian clusters",
    "spirals": "four interleaved spiral arms (the lecture's 4-class problem)",
    "physics": "signal vs background in (m, Δη) of the particle-physics toy",
    "plane": "regression: y = (x₁ + x₂) / 2 on the square [-1, 1]²",
    "mixture": "regression: y = a sum of six Gaussian bumps of alternating sign",
}
#: The regression problems (a network with one output and the squared error).
REGRESSION = ("plane", "mixture")

# ``noise`` is each generator's own parameter: the standard deviation of Gaussian noise
# added to the points (moons, circles, xor, spirals); for "clusters", the variance of
# each cluster grows from 0.5 to 4 as noise goes from 0 to 0.5 (as in TensorFlow
# Playground); for "physics", an extra smearing in units of each feature's spread (a
# worse detector resolution); for the regression problems, the standard deviation of
# the noise on y.
#: Each generator's noise at its usual value (the datasets have different scales:
#: noise 0.2 blurs the moons a little but the spirals entirely).
DEFAULT_NOISE = {"moons": 0.2, "circles": 0.1, "xor": 0.1, "clusters": 0.1, "spirals": 0.05,
                 "physics": 0.0, "plane": 0.05, "mixture": 0.05}

#: Input features: name -> (label, function of the standardised inputs z₁, z₂).
FEATURES = {
    "x1": ("x₁", lambda z1, z2: z1),
    "x2": ("x₂", lambda z1, z2: z2),
    "x1sq": ("x₁²", lambda z1, z2: z1 * z1),
    "x2sq": ("x₂²", lambda z1, z2: z2 * z2),
    "x1x2": ("x₁x₂", lambda z1, z2: z1 * z2),
    "sinx1": ("sin x₁", lambda z1, z2: np.sin(z1)),
    "sinx2": ("sin x₂", lambda z1, z2: np.sin(z2)),
}

# The mixture of Gaussians: six bumps on a 3 x 2 grid, signs alternating.
_BUMPS = np.array([[-0.6, 0.45], [0.0, 0.45], [0.6, 0.45],
                   [-0.6, -0.45], [0.0, -0.45], [0.6, -0.45]])
_BUMP_SIGNS = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
_BUMP_WIDTH = 0.22


class Dataset(NamedTuple):
    """A Playground dataset: points, targets, and how to label them."""

    X: np.ndarray                 # (n, 2), original units
    y: np.ndarray                 # (n,): int class labels, or float targets (regression)
    feature_names: tuple          # axis labels, e.g. ("m [GeV]", "Δη")
    class_names: tuple            # one per class; () for regression
    smearing: tuple = (0.0, 0.0)  # physics: the extra Gaussian smearing of (m, Δη)


def make_dataset(name, n_samples=300, noise=0.2, random_state=0):
    """The :class:`Dataset` ``name`` with ``n_samples`` points (see :data:`DATASETS`).

    "physics" takes the mass ``m`` and ``Δη`` of :func:`trisep_nn.data.physics_toy`
    (two of its three features, so it can be drawn in the plane); its ``noise`` adds
    a Gaussian smearing of ``noise`` times each feature's spread, like a worse
    detector resolution.
    """
    binary = ("class 0", "class 1")
    plain = ("x₁", "x₂")
    if name == "moons":
        return Dataset(*data.moons(n_samples, noise=noise, random_state=random_state),
                       plain, binary)
    if name == "circles":
        return Dataset(*data.circles(n_samples, noise=noise, random_state=random_state),
                       plain, binary)
    if name == "xor":
        return Dataset(*data.xor(n_samples, noise=noise, random_state=random_state),
                       plain, binary)
    if name == "spirals":
        X, y = data.spirals(n_samples, n_classes=4, noise=noise, random_state=random_state)
        return Dataset(X, y, plain, ("arm 0", "arm 1", "arm 2", "arm 3"))
    if name == "physics":
        X, y = data.physics_toy(n_samples, random_state=random_state)
        X = X[:, [0, 2]]
        sigma = noise * X.std(axis=0)
        X = X + sigma * np.random.default_rng([random_state, 7]).standard_normal(X.shape)
        return Dataset(X, y, ("m [GeV]", "Δη"), ("background", "signal"), tuple(sigma))
    rng = np.random.default_rng([random_state, 11])
    if name == "clusters":
        y = np.arange(n_samples) % 2
        centres = np.where(y[:, None] == 1, 2.0, -2.0)
        X = centres + np.sqrt(0.5 + 7 * noise) * rng.standard_normal((n_samples, 2))
        return Dataset(X, y.astype(np.int64), plain, binary)
    if name in REGRESSION:
        X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
        y = regression_truth(name, X) + noise * rng.standard_normal(n_samples)
        return Dataset(X, y, plain, ())
    raise ValueError(f"dataset must be one of {sorted(DATASETS)}, got {name!r}")


def regression_truth(name, X):
    """The noise-free target of the regression problem ``name`` at the points X."""
    X = np.asarray(X, dtype=np.float64)
    if name == "plane":
        return 0.5 * (X[:, 0] + X[:, 1])
    if name == "mixture":
        d2 = ((X[:, None, :] - _BUMPS[None, :, :]) ** 2).sum(axis=2)
        return np.exp(-d2 / (2 * _BUMP_WIDTH**2)) @ _BUMP_SIGNS
    raise ValueError(f"{name!r} is not a regression problem; those are {REGRESSION}")


def feature_map(names):
    """``φ(z)``: a function from standardised inputs (n, 2) to the features ``names``
    (n, len(names)), the columns the network's first layer sees."""
    functions = [FEATURES[name][1] for name in names]

    def phi(Z):
        z1, z2 = Z[:, 0], Z[:, 1]
        return np.column_stack([f(z1, z2) for f in functions])

    return phi


# --------------------------------------------------------------------------- #
# The physics toy's Bayes-optimal classifier in the (m, Δη) plane
# --------------------------------------------------------------------------- #
# In three dimensions data.bayes_optimal_score is exact. The Playground shows only m
# and Δη, so pT is integrated out: p(m, Δη | class) = p(m) ∫ p(pT | m) p(Δη | pT) dpT.
# Smearing (noise > 0) convolves with a Gaussian: in Δη it adds to the variance, in m
# it is an integral over the true mass m'. Both integrals are done by quadrature.
_PT_NODES, _PT_WEIGHTS = roots_genlaguerre(40, 1.0)  # ∫ u e^-u f(u) du: Gamma(2) in u
_PT_WEIGHTS = _PT_WEIGHTS / _PT_WEIGHTS.sum()


def _gauss(x, width):
    return np.exp(-0.5 * (x / width) ** 2) / (np.sqrt(2 * np.pi) * width)


def _deta_density(m, deta, signal, sigma_eta):
    """p(Δη | m, class), pT integrated out and Δη smeared by sigma_eta, at the pairs
    (m[i], deta[i]) of two arrays of the same shape."""
    P = data.PHYSICS_TOY_PARAMS
    if signal:
        return np.broadcast_to(_gauss(deta, np.hypot(P["deta_signal_width"], sigma_eta)),
                               np.broadcast_shapes(np.shape(m), np.shape(deta)))
    shape, scale = P["pt_background_shape"], P["pt_background_scale"]
    assert shape == 2.0, "the quadrature assumes the background's pT is Gamma(2)"
    a, b, p0 = P["deta_background_width"]
    pt = scale * np.asarray(m)[..., None] * _PT_NODES            # pT = (0.15 m) u
    width = np.hypot(a + b * np.exp(-pt / p0), sigma_eta)
    return _gauss(np.asarray(deta)[..., None], width) @ _PT_WEIGHTS


def _class_density(X, signal, sigma_m, sigma_eta):
    """p(m, Δη | class) at the points X (n, 2)."""
    m, deta = X[:, 0], X[:, 1]
    if sigma_m <= 0:
        return data.physics_toy_mass_pdf(m, signal) * _deta_density(m, deta, signal, sigma_eta)
    # smeared in m: an integral over the true mass m', done on the grid of the distinct
    # Δη values (a plotting grid has few)
    low, high = data.PHYSICS_TOY_PARAMS["m_range"]
    step = min(0.5, sigma_m / 4)                                  # fine enough for the kernel
    true_m = np.arange(low + step / 2, high, step)                # midpoints of the true mass
    kernel = (_gauss(m[:, None] - true_m[None, :], sigma_m) * step
              * data.physics_toy_mass_pdf(true_m, signal))
    values, at = np.unique(deta, return_inverse=True)
    inner = _deta_density(true_m[:, None], values[None, :], signal, sigma_eta)
    return np.einsum("ij,ji->i", kernel, inner[:, at])


def physics_posterior(X, sigma=(0.0, 0.0)):
    """``P(signal | m, Δη)`` of the Playground's physics data (equal priors).

    Parameters
    ----------
    X : array (n, 2)
        Points ``(m [GeV], Δη)``.
    sigma : (float, float)
        The Gaussian smearing of m and Δη (the Playground's noise times each
        feature's spread); (0, 0) for the generator's own resolution.

    The best possible classifier on these two features: its cross-entropy on a
    sample is the floor a network's test loss can only reach by chance.
    """
    X = np.asarray(X, dtype=np.float64)
    if len(X) > 2048:  # in parts: the smeared densities hold (points x true masses) arrays
        return np.concatenate([physics_posterior(part, sigma)
                               for part in np.array_split(X, len(X) // 1024)])
    s = _class_density(X, True, *sigma)
    b = _class_density(X, False, *sigma)
    total = s + b
    return np.where(total > 0, s / np.where(total > 0, total, 1.0), 0.5)
