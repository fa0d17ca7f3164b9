"""Universal approximation, built by hand: one hidden layer, no training.

The lecture's theorem says a network with a single hidden layer,

    h(x) = c + v_1 σ(w_1 x + b_1) + v_2 σ(w_2 x + b_2) + ... ,

can approximate any continuous function on a closed interval as well as we
like, given enough hidden units. The proof idea fits in a picture, and this
module draws it with weights *chosen*, not learned:

* a steep sigmoid ``σ(w (x - t))`` is a step at ``x = t``; two of them with
  opposite signs make a bump (:func:`sigmoid_bump`); adjacent bumps share a
  step, so ``n`` steps build a staircase with ``n + 1`` levels that follows
  any continuous ``f`` (:func:`sigmoid_staircase`): sup error ~ 1/n;
* ``ReLU(x - t)`` is a kink at ``t``; three of them make a tent
  (:func:`relu_bump`), and ``n`` of them the piecewise-linear interpolation
  of ``f`` through ``n + 1`` knots (:func:`relu_interpolant`): error ~ 1/n²
  for a smooth ``f``.

    >>> import numpy as np
    >>> net = relu_interpolant(np.sin, n_units=8, x_range=(0.0, np.pi))
    >>> net.n_units, net.activation
    (8, 'relu')
    >>> bool(abs(net(np.pi / 2) - 1.0) < 1e-12)      # exact at every knot
    True

Everything here is plain NumPy: a :class:`OneHiddenLayer` is four arrays.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import expit as sigmoid  # σ(z) = 1 / (1 + e^-z), never overflows

__all__ = [
    "sigmoid", "relu", "resonance", "OneHiddenLayer", "sigmoid_bump", "relu_bump",
    "sigmoid_staircase", "relu_interpolant", "hand_built", "approximation_error",
    "error_vs_width", "loglog_slope", "train_one_hidden_layer", "train_one_hidden_layers",
]


def relu(z):
    """``max(0, z)`` element-wise."""
    return np.maximum(np.asarray(z, dtype=float), 0.0)


_ACTIVATIONS = {"sigmoid": sigmoid, "relu": relu}


def resonance(x):
    """The course's target function on [0, 1]: a peak on a falling background,

        f(x) = exp(-3x) + 0.6 exp(-(x - 0.5)² / (2 · 0.07²)),

    the shape of a mass spectrum with a resonance in it (x is the mass
    scaled to [0, 1]). Smooth, but with a narrow feature that needs units."""
    x = np.asarray(x, dtype=float)
    return np.exp(-3.0 * x) + 0.6 * np.exp(-0.5 * ((x - 0.5) / 0.07) ** 2)


@dataclass
class OneHiddenLayer:
    """``h(x) = c + Σ_i v_i act(w_i x + b_i)``: a one-hidden-layer network on 1-D input.

    Attributes
    ----------
    w, b : ndarray, shape (n_units,)
        Input weights and biases of the hidden units.
    v : ndarray, shape (n_units,)
        Output weights.
    c : float
        Output bias.
    activation : {"sigmoid", "relu"}
    """

    w: np.ndarray
    b: np.ndarray
    v: np.ndarray
    c: float
    activation: str = "sigmoid"

    def __post_init__(self):
        self.w, self.b, self.v = (np.atleast_1d(np.asarray(a, dtype=float))
                                  for a in (self.w, self.b, self.v))
        if not self.w.shape == self.b.shape == self.v.shape or self.w.ndim != 1:
            raise ValueError(f"w, b and v must be 1-D of equal length, got shapes "
                             f"{self.w.shape}, {self.b.shape}, {self.v.shape}")
        if self.activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, "
                             f"got {self.activation!r}")
        self.c = float(self.c)

    @property
    def n_units(self):
        """Number of hidden units (the width of the hidden layer)."""
        return self.w.size

    def hidden(self, x):
        """Outputs of the hidden units, shape ``x.shape + (n_units,)``."""
        x = np.asarray(x, dtype=float)[..., None]
        return _ACTIVATIONS[self.activation](x * self.w + self.b)

    def __call__(self, x):
        """The network's output ``h(x)``, same shape as ``x``."""
        return self.c + self.hidden(x) @ self.v


def sigmoid_bump(x, left, right, steepness=50.0):
    """A bump of height 1 on ``[left, right]`` made of two sigmoids:
    ``σ(s (x - left)) - σ(s (x - right))`` with ``s = steepness``.

    >>> round(float(sigmoid_bump(0.5, 0.0, 1.0)), 6), round(float(sigmoid_bump(2.0, 0.0, 1.0)), 6)
    (1.0, 0.0)
    """
    x = np.asarray(x, dtype=float)
    return sigmoid(steepness * (x - left)) - sigmoid(steepness * (x - right))


def relu_bump(x, left, right):
    """A tent of height 1 on ``[left, right]`` (peak at the midpoint) made of
    three ReLUs: ``(ReLU(x - left) - 2 ReLU(x - mid) + ReLU(x - right)) / (mid - left)``.

    >>> [float(relu_bump(t, 0.0, 2.0)) for t in (-1.0, 0.5, 1.0, 1.5, 3.0)]
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    x = np.asarray(x, dtype=float)
    mid = 0.5 * (left + right)
    return (relu(x - left) - 2.0 * relu(x - mid) + relu(x - right)) / (mid - left)


def _check_width(n_units):
    if isinstance(n_units, bool) or int(n_units) != n_units or n_units < 1:
        raise ValueError(f"n_units must be a positive integer, got {n_units!r}")
    return int(n_units)


def sigmoid_staircase(f, n_units, x_range=(0.0, 1.0), steepness=20.0):
    """A staircase that follows ``f``, built from ``n_units`` steep sigmoids.

    ``x_range`` is cut into ``n_units + 1`` equal cells of width ``Δ``; the
    staircase takes the value of ``f`` at each cell's centre, and the step
    between two neighbouring cells is one hidden unit,
    ``(f(centre_k) - f(centre_{k-1})) σ(w (x - t_k))`` with ``t_k`` the cell
    border. Equivalently, each cell is a bump (two sigmoids) of height
    ``f(centre_k)``; neighbours share a step, so ``n`` steps suffice.

    Parameters
    ----------
    f : callable
        The function to approximate (vectorised over NumPy arrays).
    n_units : int
        Hidden units (steps).
    x_range : (float, float)
    steepness : float
        ``w · Δ``: how sharp a step is compared with the cell width. Large
        values give a crisp staircase (error ≈ half the jump between
        cells); around 4 the steps blend into a smooth curve.

    Returns
    -------
    OneHiddenLayer
    """
    n = _check_width(n_units)
    a, b = map(float, x_range)
    delta = (b - a) / (n + 1)
    centres = a + delta * (np.arange(n + 1) + 0.5)
    levels = np.asarray(f(centres), dtype=float)
    borders = a + delta * np.arange(1, n + 1)
    w = np.full(n, steepness / delta)
    return OneHiddenLayer(w=w, b=-w * borders, v=np.diff(levels), c=levels[0],
                          activation="sigmoid")


def relu_interpolant(f, n_units, x_range=(0.0, 1.0)):
    """The straight-line interpolation of ``f`` through ``n_units + 1`` equally
    spaced knots, built from ``n_units`` ReLUs.

    ``h(x) = f(x_0) + Σ_k (s_k - s_{k-1}) ReLU(x - x_k)``, where ``s_k`` is the
    slope of the k-th segment (``s_{-1} = 0``): each unit switches on a
    change of slope at its knot. Exact at the knots.

    Returns
    -------
    OneHiddenLayer
    """
    n = _check_width(n_units)
    a, b = map(float, x_range)
    knots = np.linspace(a, b, n + 1)
    values = np.asarray(f(knots), dtype=float)
    slopes = np.diff(values) / np.diff(knots)
    v = np.diff(slopes, prepend=0.0)
    return OneHiddenLayer(w=np.ones(n), b=-knots[:-1], v=v, c=values[0], activation="relu")


def hand_built(f, n_units, kind="sigmoid", x_range=(0.0, 1.0), steepness=20.0):
    """:func:`sigmoid_staircase` (``kind="sigmoid"``) or :func:`relu_interpolant`
    (``kind="relu"``) with ``n_units`` hidden units."""
    if kind == "sigmoid":
        return sigmoid_staircase(f, n_units, x_range, steepness)
    if kind == "relu":
        return relu_interpolant(f, n_units, x_range)
    raise ValueError(f"kind must be 'sigmoid' or 'relu', got {kind!r}")


def approximation_error(f, model, x_range=(0.0, 1.0), norm="max", n_grid=4001):
    """Distance between ``f`` and ``model`` on a fine grid over ``x_range``.

    ``norm="max"``: the largest deviation, the sup norm in which the theorem
    is stated; ``norm="rms"``: the root-mean-square deviation.
    """
    x = np.linspace(*map(float, x_range), n_grid)
    diff = np.asarray(model(x), dtype=float) - np.asarray(f(x), dtype=float)
    if norm == "max":
        return float(np.max(np.abs(diff)))
    if norm == "rms":
        return float(np.sqrt(np.mean(diff ** 2)))
    raise ValueError(f"norm must be 'max' or 'rms', got {norm!r}")


def error_vs_width(f, widths, kind="sigmoid", x_range=(0.0, 1.0), norm="max", steepness=20.0,
                   n_grid=4001):
    """Approximation error of the hand-built network for each width, as an array."""
    return np.array([
        approximation_error(f, hand_built(f, n, kind, x_range, steepness), x_range, norm, n_grid)
        for n in widths
    ])


def loglog_slope(x, y):
    """Slope of the straight-line fit of ``log y`` against ``log x``: the
    exponent ``p`` in ``y ∝ x^p`` (-1 for error ~ 1/n, -2 for 1/n²)."""
    return float(np.polyfit(np.log(np.asarray(x, float)), np.log(np.asarray(y, float)), 1)[0])


def _summed_mse(outputs, y):
    """The networks' mean squared errors, summed: each network gets its own gradient."""
    return ((outputs - y) ** 2).mean(axis=(1, 2)).sum()


def _stacks(widths, seeds, n_samples, max_elements=20_000):
    """(width, seed) pairs in groups to train as one stack each, narrowest first.

    A stack pads every network to its widest, so one stack for 1 and 128 units on
    many points wastes most of its arithmetic, while a stack per width repeats the
    per-step overhead. A group grows while its padded hidden layer (networks ×
    points × widest) stays under ``max_elements``. (20,000 keeps the widest networks
    apart from the narrow ones in notebook 10's two runs, 1.5-2x faster than 100,000;
    the grouping changes a network's result by rounding at most, and there not at all.)
    """
    keys = sorted((_check_width(width), int(seed)) for width in widths for seed in seeds)
    groups = [[]]
    for key in keys:
        if groups[-1] and (len(groups[-1]) + 1) * n_samples * key[0] > max_elements:
            groups.append([])
        groups[-1].append(key)
    return groups


def train_one_hidden_layers(X, y, widths, seeds=(0,), activation="relu", lr=0.01,
                            num_epochs=1000):
    """Train ``h(x) = c + Σ v_i act(w_i x + b_i)`` on 1-D data, for every width and seed.

    Each network is a :class:`trisep_nn.nn.MLP` ``[1, width, 1]`` with initial weights
    seeded by ``seed``, trained with Adam on the mean squared error, full batch, for
    ``num_epochs`` steps. They train many at once, as one or a few
    :class:`trisep_nn.nn.StackedMLP` (:func:`_stacks`), which gives each exactly the
    result it would get alone, many times faster. The input is standardised for training; the
    returned networks take raw ``x``.

    Returns a dict ``{(width, seed): OneHiddenLayer}``, so that trained and
    hand-built networks are compared on the same footing.
    """
    from trisep_nn.nn import MLP, StackedMLP
    from trisep_nn.train import fit

    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}")
    x = np.asarray(X, dtype=float).ravel()
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    # Train on the standardised input u = (x - mean) / std, as one always should (the
    # initial kinks / steps then sit inside the data), and fold the scaling back into the
    # first layer: w u + b = (w / std) x + (b - w mean / std).
    mean, std = x.mean(), x.std() or 1.0
    u = ((x - mean) / std).reshape(-1, 1)
    trained = {}
    for keys in _stacks(widths, seeds, len(x)):
        stack = StackedMLP([MLP([1, width, 1], activation=activation, random_state=seed)
                            for width, seed in keys])
        fit(stack, u, y, loss=_summed_mse, optimizer="adam", lr=lr, epochs=num_epochs,
            batch_size=len(x), shuffle=False, progress=False)
        for key, model in zip(keys, stack.to_models()):
            hidden, out = model.linears
            w = hidden.weight.data[0] / std
            trained[key] = OneHiddenLayer(w=w, b=hidden.bias.data - w * mean,
                                          v=out.weight.data[:, 0], c=out.bias.data[0],
                                          activation=activation)
    return trained


def train_one_hidden_layer(X, y, width, activation="relu", lr=0.01, num_epochs=1000,
                           random_state=0):
    """One network of :func:`train_one_hidden_layers`: ``width`` units, initial weights
    seeded by ``random_state``. Returns a :class:`OneHiddenLayer` taking raw ``x``."""
    return train_one_hidden_layers(X, y, [width], [random_state], activation, lr,
                                   num_epochs)[_check_width(width), int(random_state)]
