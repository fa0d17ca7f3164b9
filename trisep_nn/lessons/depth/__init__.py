"""Why depth helps: Telgarsky's sawtooth (notebook 11).

The **tent map** on [0, 1] is one layer of two ReLU units::

    t(x) = 2 relu(x) - 4 relu(x - 1/2)      # up with slope 2, then down with slope -2

Composing it k times, ``t(t(...t(x)))``, folds the interval in half k times and
gives a **sawtooth** with 2**k straight pieces, from a network with k hidden
layers of 2 units (O(k) units and parameters). A network with ONE hidden layer
of m ReLU units is a sum of m functions with one kink each, so it has at most
m + 1 pieces: it needs at least 2**k - 1 units for the same function
(Telgarsky 2015, "Representation benefits of deep feedforward networks").

    >>> import numpy as np
    >>> x = np.linspace(0, 1, 2**10 + 1)
    >>> [count_linear_pieces(x, sawtooth(x, k)) for k in (1, 2, 3)]
    [2, 4, 8]

Pure-NumPy functions (:func:`tent`, :func:`sawtooth`, :func:`count_linear_pieces`,
:func:`shallow_sawtooth_weights`) sit next to the same constructions as real
``trisep_nn.nn`` networks with the weights set by hand
(:func:`deep_sawtooth_network`, :func:`shallow_sawtooth_network`), and the
training experiment of the notebook (:func:`fit_sawtooth`, :func:`depth_vs_width`).
"""

import numpy as np

__all__ = [
    "relu", "tent", "sawtooth", "kinks", "count_linear_pieces", "slopes",
    "shallow_sawtooth_weights", "deep_sawtooth_network", "shallow_sawtooth_network",
    "network_output", "hidden_layer_outputs", "count_parameters", "max_pieces_one_layer",
    "random_shallow_pieces", "jitter_weights", "sawtooth_data", "deep_sizes",
    "fit_sawtooth", "spread_kinks", "depth_vs_width",
]


def relu(x):
    """``max(0, x)`` element-wise."""
    return np.maximum(0.0, x)


def tent(x):
    """The tent map ``t(x) = 2 relu(x) - 4 relu(x - 1/2)``: 2x on [0, ½], 2 - 2x on [½, 1].

    >>> tent(np.array([0.0, 0.25, 0.5, 0.75, 1.0]))
    array([0. , 0.5, 1. , 0.5, 0. ])
    """
    x = np.asarray(x, dtype=float)
    return 2 * relu(x) - 4 * relu(x - 0.5)


def sawtooth(x, k):
    """The tent map composed ``k`` times: a sawtooth with ``2**k`` linear pieces on [0, 1].

    ``k = 0`` is the identity. The teeth have height 1 and width ``2**(1 - k)``.
    """
    k = _check_depth(k, minimum=0)
    y = np.asarray(x, dtype=float)
    for _ in range(k):
        y = tent(y)
    return y


def slopes(x, y):
    """Slope of the straight line between consecutive grid points."""
    x, y = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    return np.diff(y) / np.diff(x)


def kinks(x, y, rtol=1e-6):
    """Where the slope of a piecewise-linear ``y(x)`` changes, measured on the grid ``x``.

    Returns the approximate x positions of the kinks. A kink that falls exactly on
    a grid point changes the slope once; a kink inside a grid interval gives that
    interval an in-between slope, so the slope changes twice in a row: each run of
    consecutive changes is counted as one kink. (Two kinks closer than two grid
    spacings would merge: make the grid fine enough.)

    ``rtol`` is relative to the largest slope: changes smaller than that are
    round-off, not kinks.
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape or x.size < 3:
        raise ValueError(f"x and y must be 1-D grids of the same length >= 3, got {x.shape}, "
                         f"{y.shape}")
    if np.any(np.diff(x) <= 0):
        raise ValueError("x must be strictly increasing")
    s = np.diff(y) / np.diff(x)
    scale = max(1.0, float(np.max(np.abs(s))))
    change = np.abs(np.diff(s)) > rtol * scale  # change[i]: between intervals i and i+1
    starts = np.flatnonzero(change & ~np.r_[False, change[:-1]])
    ends = np.flatnonzero(change & ~np.r_[change[1:], False])
    # a run of changes i..j means the kink sits between grid points i+1 and j+1
    return (x[starts + 1] + x[ends + 1]) / 2


def count_linear_pieces(x, y, rtol=1e-6):
    """Number of straight pieces of ``y(x)`` on the grid ``x`` (1 + number of kinks)."""
    return 1 + len(kinks(x, y, rtol))


def max_pieces_one_layer(width):
    """At most ``width + 1`` pieces for one hidden layer of ReLUs on a line:
    each unit ``relu(w x + b)`` bends the output at one point, ``x = -b/w``."""
    return int(width) + 1


def shallow_sawtooth_weights(k):
    """Output weights ``a_j`` with ``sawtooth(x, k) == sum_j a_j relu(x - j / 2**k)`` on [0, 1].

    There is one unit per piece, ``j = 0 .. 2**k - 1``: the first sets the initial
    slope ``+2**k`` and each later one flips the slope, from ``+2**k`` to ``-2**k``
    and back, so ``a_j = (-1)**j * 2 * 2**k`` for ``j >= 1``.

    >>> shallow_sawtooth_weights(2)
    array([ 4., -8.,  8., -8.])
    """
    k = _check_depth(k)
    n = 2 ** k
    a = 2.0 * n * (-1.0) ** np.arange(n)
    a[0] = n
    return a


def _check_depth(k, minimum=1):
    if int(k) != k or k < minimum:
        raise ValueError(f"k must be an integer >= {minimum}, got {k!r}")
    if k > 20:
        raise ValueError(f"k = {k} gives 2**{k} pieces; use k <= 20")
    return int(k)


# --------------------------------------------------------------------------
# The same functions as trisep_nn networks with the weights set by hand
# --------------------------------------------------------------------------
def _linear(W, b):
    from trisep_nn.nn import Linear

    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    layer = Linear(W.shape[0], W.shape[1])
    layer.weight.data[...] = W
    layer.bias.data[...] = b
    return layer


def deep_sawtooth_network(k):
    """``nn.Sequential`` with k hidden layers of 2 ReLU units computing ``sawtooth(x, k)``.

    Hidden layer 1 computes ``(relu(x), relu(x - 1/2))``. The tent's output,
    ``2 h1 - 4 h2``, is never stored: it is folded into the next layer's weights,
    ``W = [[2, 2], [-4, -4]]`` with biases ``(0, -1/2)``. The last layer is
    ``2 h1 - 4 h2``. Weights are (in, out), as everywhere in trisep_nn.
    """
    from trisep_nn.nn import ReLU, Sequential

    k = _check_depth(k)
    tent_out = np.array([[2.0], [-4.0]])  # t = 2 h1 - 4 h2
    into_tent = np.array([[1.0, 1.0]])  # (x, x)
    bias = np.array([0.0, -0.5])  # (x, x - 1/2)
    layers = [_linear(into_tent, bias), ReLU()]
    for _ in range(k - 1):
        layers += [_linear(tent_out @ into_tent, bias), ReLU()]
    layers.append(_linear(tent_out, [0.0]))
    return Sequential(*layers)


def shallow_sawtooth_network(k):
    """``nn.Sequential`` with ONE hidden layer of ``2**k`` ReLU units computing ``sawtooth(x, k)``
    on [0, 1]: unit j is ``relu(x - j / 2**k)``, weighted by :func:`shallow_sawtooth_weights`."""
    from trisep_nn.nn import ReLU, Sequential

    k = _check_depth(k)
    n = 2 ** k
    hidden = _linear(np.ones((1, n)), -np.arange(n) / n)
    out = _linear(shallow_sawtooth_weights(k)[:, None], [0.0])
    return Sequential(hidden, ReLU(), out)


def network_output(model, x):
    """The network's output on a 1-D array ``x``, as a 1-D NumPy array (no graph)."""
    from trisep_nn.tensor import Tensor, no_grad

    with no_grad():
        return model(Tensor(np.asarray(x, dtype=float).reshape(-1, 1))).data.ravel()


def hidden_layer_outputs(model, x):
    """What each hidden layer computes, read back as the tent map it implements.

    For :func:`deep_sawtooth_network`, layer ``l`` holds ``(relu(s), relu(s - ½))``
    with ``s = sawtooth(x, l - 1)``; ``2 h1 - 4 h2`` recovers ``sawtooth(x, l)``.
    Returns a list of arrays (one per hidden layer) of that combination.
    """
    from trisep_nn.nn import ReLU
    from trisep_nn.tensor import Tensor, no_grad

    out = []
    with no_grad():
        h = Tensor(np.asarray(x, dtype=float).reshape(-1, 1))
        for layer in model:
            h = layer(h)
            if isinstance(layer, ReLU):
                out.append(2 * h.data[:, 0] - 4 * h.data[:, 1])
    return out


def count_parameters(model):
    """Number of trainable numbers (weights and biases) of a model."""
    return int(sum(p.data.size for p in model.parameters()))


def jitter_weights(model, scale, random_state=None):
    """A copy of ``model`` (as a new network of the same layout) with every weight
    and bias multiplied by ``1 + scale * N(0, 1)``: how fragile is the construction?"""
    import copy

    rng = np.random.default_rng(random_state)
    noisy = copy.deepcopy(model)
    for p in noisy.parameters():
        p.data[...] = p.data * (1 + scale * rng.standard_normal(p.data.shape))
    return noisy


def random_shallow_pieces(width, n_networks=20, grid=20001, random_state=None):
    """Pieces on [0, 1] of random one-hidden-layer ReLU networks of this width.

    The kinks ``-b/w`` are put inside [0, 1] on purpose (uniformly), the most
    favourable case; each network has ``width + 1`` pieces at most.
    """
    rng = np.random.default_rng(random_state)
    x = np.linspace(0, 1, grid)
    counts = []
    for _ in range(n_networks):
        w = rng.standard_normal(width)
        b = -w * rng.uniform(0, 1, width)
        a = rng.standard_normal(width)
        counts.append(count_linear_pieces(x, relu(np.outer(x, w) + b) @ a))
    return np.array(counts)


# --------------------------------------------------------------------------
# Training deep and shallow networks on the sawtooth
# --------------------------------------------------------------------------
def sawtooth_data(k, n_samples=256):
    """Training data: the sawtooth on an even grid of [0, 1] (no noise).
    Returns ``X`` (n, 1) and ``y`` (n,)."""
    x = np.linspace(0, 1, n_samples)
    return x.reshape(-1, 1), sawtooth(x, k)


def deep_sizes(width, depth):
    """``[1, width, ..., width, 1]`` with ``depth`` hidden layers (MLP sizes)."""
    return [1] + [int(width)] * int(depth) + [1]


def fit_sawtooth(sizes, k, n_restarts=3, epochs=1500, lr=0.01, n_samples=256,
                 random_state=0):
    """Train ``MLP(sizes)`` (ReLU, He init) on the sawtooth with Adam, full batch.

    Two standard tricks help ReLU networks on a 1-D input: the network sees the
    input rescaled to [-1, 1] (as ``StandardScaler`` would do), and the first
    layer's kinks start spread over the data (:func:`spread_kinks`); deeper layers
    start with a small positive bias so that fewer units start dead. After
    training, the rescaling is folded into the first layer, so the returned
    model takes x in [0, 1] directly.

    ReLU networks sometimes still start badly, so we train ``n_restarts`` networks
    from different seeds and keep the best: we ask what the *architecture* can
    learn, not how lucky one start was.

    Returns ``(model, mse, all_mse)``: the best network, its mean squared error on
    a fine grid of [0, 1], and the errors of all the restarts.
    """
    from trisep_nn.nn import MLP
    from trisep_nn.train import fit

    X, y = sawtooth_data(k, n_samples)
    x_fine = np.linspace(0, 1, 2001)
    y_fine = sawtooth(x_fine, k)
    best, all_mse = (None, np.inf), []
    for restart in range(n_restarts):
        seed = int(np.random.default_rng([random_state, restart]).integers(2**31))
        model = MLP(sizes, activation="relu", random_state=seed)
        spread_kinks(model, low=-1.0, high=1.0, random_state=seed)
        for layer in model.linears[1:-1]:
            layer.bias.data[...] = 0.1
        fit(model, 2 * X - 1, y, loss="mse", lr=lr, epochs=epochs, batch_size=len(X),
            random_state=seed, progress=False)
        first = model.linears[0]  # h = W(2x - 1) + b = (2W) x + (b - W)
        first.bias.data[...] = first.bias.data - first.weight.data[0]
        first.weight.data[...] = 2 * first.weight.data
        mse = float(np.mean((network_output(model, x_fine) - y_fine) ** 2))
        all_mse.append(mse)
        if mse < best[1]:
            best = (model, mse)
    return best[0], best[1], all_mse


def spread_kinks(model, low=0.0, high=1.0, random_state=None):
    """Give the first layer's units their kinks at random places in [low, high].

    The toolkit starts every bias at 0, which for a 1-D input puts all the first
    layer's kinks at x = 0: gradient descent then spends most of its time moving
    them apart. With ``b = -w u``, ``u ~ U(low, high)``, unit i bends at
    ``x = u_i`` instead (in place; returns the model).
    """
    rng = np.random.default_rng(random_state)
    first = model.linears[0]
    w = first.weight.data[0]
    first.bias.data[...] = -w * rng.uniform(low, high, w.shape)
    return model


def depth_vs_width(k, shallow_widths, deep_configs, **fit_kwargs):
    """Train one-hidden-layer networks of the given widths and deep networks of the
    given ``(width, depth)`` on the sawtooth of ``k`` folds.

    Returns a dict with, for ``"shallow"`` and ``"deep"``, a list of records
    ``{"sizes", "n_params", "mse", "pieces", "model", "all_mse"}``: the best of the
    restarts (its error, its pieces on [0, 1], the network itself) and the errors of
    all restarts.
    """
    x_fine = np.linspace(0, 1, 20001)
    result = {"shallow": [], "deep": []}
    configs = [("shallow", [1, int(m), 1]) for m in shallow_widths]
    configs += [("deep", deep_sizes(w, d)) for w, d in deep_configs]
    for kind, sizes in configs:
        model, mse, all_mse = fit_sawtooth(sizes, k, **fit_kwargs)
        result[kind].append({
            "sizes": sizes, "n_params": count_parameters(model), "mse": mse, "model": model,
            "all_mse": all_mse,
            "pieces": count_linear_pieces(x_fine, network_output(model, x_fine)),
        })
    return result
