"""Vanishing gradients: why deep sigmoid networks stall, and how
initialisation and ReLU fix it.

Backpropagation multiplies, layer by layer, the gradient by the weights and
by the derivative of the activation. With ``δ_l = ∂L/∂z_l`` the gradient at
the pre-activations ``z_l = h_{l-1} W_l + b_l`` of layer ``l``,

    δ_l = (δ_{l+1} W_{l+1}ᵀ) ⊙ σ'(z_l),

so for independent random weights of variance ``Var(W)`` and width ``n`` the
spread of the gradient changes by a factor

    std(δ_l) / std(δ_{l+1}) ≈ sqrt(n · Var(W) · E[σ'(z)²])

per layer (:func:`predicted_factor`). For the sigmoid, ``σ' ≤ 1/4``; with the
"standard" weights ``U[-1/√n, 1/√n]`` (``Var = 1/(3n)``) the factor is
``sqrt(1/3 · 1/16) ≈ 0.14``: after six layers the gradient is 10⁻⁵ of what it
was. Xavier/Glorot weights (``Var = 2/(n_in + n_out)``) make the factor 1 for
tanh (``tanh'(0) = 1``), He weights (``Var = 2/n``) for ReLU (derivative 1 on
half the inputs).

    >>> round(predicted_factor("sigmoid", "naive", width=100), 3)
    0.144
    >>> predicted_factor("relu", "he", width=100)
    1.0

The measurement itself is :func:`trisep_nn.instrument.layer_statistics`;
:func:`gradient_amplitudes` runs it for one activation / initialisation /
depth, and :func:`sigmoid_derivative` and :func:`relu_derivative` are the
slide's formulas.
"""

import numpy as np
from scipy.special import expit as sigmoid  # σ(z) = 1 / (1 + e^-z), never overflows

__all__ = [
    "sigmoid", "sigmoid_derivative", "relu", "relu_derivative", "INITIALISATIONS",
    "weight_variance", "predicted_factor", "deep_network", "gradient_amplitudes",
    "homogeneity", "layer_factor", "physics_batch", "amplitude_table", "plot_amplitudes",
    "log_magnitude_histograms", "plot_log_histograms",
]


def sigmoid_derivative(x):
    """``σ'(x) = σ(x) (1 - σ(x))``, at most 1/4 (at x = 0)."""
    s = sigmoid(x)
    return s * (1.0 - s)


def relu(x):
    """``ReLU(x) = max(0, x)``."""
    return np.maximum(np.asarray(x, dtype=float), 0.0)


def relu_derivative(x):
    """1 where ``x > 0``, 0 otherwise (the slide's convention at 0)."""
    return (np.asarray(x, dtype=float) > 0).astype(float)


# Name shown to students -> keyword arguments of trisep_nn.nn.MLP.
INITIALISATIONS = {
    "naive": {"init": "uniform"},            # U[-1/√n, 1/√n]: Glorot & Bengio's "standard"
    "small": {"init": "normal", "scale": 0.01},  # N(0, 0.01²): "small random numbers"
    "N(0,1)": {"init": "normal", "scale": 1.0},  # unit-variance weights
    "xavier": {"init": "xavier"},            # U[±√(6/(n_in + n_out))]
    "he": {"init": "he"},                    # N(0, 2/n_in)
}

# E[act'(z)²] for small z: the square of the slope at 0 (ReLU: slope 1 on half the inputs).
_SLOPE_SQUARED = {"sigmoid": 1.0 / 16.0, "tanh": 1.0, "relu": 0.5}


def _init_kwargs(init):
    if init not in INITIALISATIONS:
        raise ValueError(f"init must be one of {list(INITIALISATIONS)}, got {init!r}")
    return dict(INITIALISATIONS[init])


def weight_variance(init, fan_in, fan_out):
    """Variance of one weight drawn by the named initialisation."""
    kw = _init_kwargs(init)
    if kw["init"] == "uniform":
        return 1.0 / (3.0 * fan_in)           # U[-a, a] has variance a²/3
    if kw["init"] == "normal":
        return kw["scale"] ** 2
    if kw["init"] == "xavier":
        return 2.0 / (fan_in + fan_out)       # (√(6/(n_in+n_out)))² / 3
    return 2.0 / fan_in                       # he


def predicted_factor(activation, init, width):
    """Predicted ``std(δ_l) / std(δ_{l+1})`` between two hidden layers of equal
    ``width``: ``sqrt(width · Var(W) · E[act'(0)²])``, valid while the
    pre-activations stay small (the linear regime of Glorot & Bengio)."""
    if activation not in _SLOPE_SQUARED:
        raise ValueError(f"activation must be one of {sorted(_SLOPE_SQUARED)}, "
                         f"got {activation!r}")
    return float(np.sqrt(width * weight_variance(init, width, width)
                         * _SLOPE_SQUARED[activation]))


def deep_network(activation="sigmoid", init="naive", depth=6, width=100, n_inputs=3,
                 random_state=0):
    """A :class:`trisep_nn.nn.MLP` with ``depth`` hidden layers of ``width`` units
    and one output (a logit), weights drawn by the named initialisation
    (see ``INITIALISATIONS``)."""
    from trisep_nn.nn import MLP

    return MLP([n_inputs] + [int(width)] * int(depth) + [1], activation=activation,
               random_state=random_state, **_init_kwargs(init))


def physics_batch(n_samples=256, random_state=0):
    """A standardised batch of the physics toy (signal vs background): ``X, y``."""
    from trisep_nn.data import physics_toy

    X, y = physics_toy(n_samples, random_state=random_state)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def gradient_amplitudes(activation, init, X, y, depth=6, width=100, random_state=0):
    """One forward and backward pass of a fresh :func:`deep_network` on ``(X, y)``.

    Returns ``(snapshot, stats)``: the :class:`trisep_nn.instrument.Snapshot`
    and a dict with, per *hidden* layer (input side first),
    ``"gradient_std"`` = std of ``∂L/∂z_l`` and ``"weight_gradient_std"`` =
    std of ``∂L/∂W_l``, plus ``"output_gradient_std"``, the same two for the
    output layer.
    """
    from trisep_nn.instrument import layer_statistics

    model = deep_network(activation, init, depth, width, X.shape[1], random_state)
    snapshot = layer_statistics(model, X, y, loss="bce")
    s = snapshot.summary()
    stats = {
        "gradient_std": s["gradient_std"][:-1],
        "weight_gradient_std": s["weight_gradient_std"][:-1],
        "output_gradient_std": (s["gradient_std"][-1], s["weight_gradient_std"][-1]),
    }
    return snapshot, stats


def homogeneity(stds):
    """Largest over smallest per-layer std: 1 means every layer gets gradients
    of the same size."""
    stds = np.asarray(stds, dtype=float)
    return float(stds.max() / stds.min())


def layer_factor(stds):
    """Measured ``std(δ_l) / std(δ_{l+1})``: the geometric mean of the ratios
    of consecutive layers (input side first in ``stds``)."""
    stds = np.asarray(stds, dtype=float)
    return float(np.exp(np.mean(np.log(stds[:-1] / stds[1:]))))


def amplitude_table(X, y, activations=("sigmoid", "tanh", "relu"),
                    inits=("naive", "xavier", "he"), depth=6, width=100, random_state=0):
    """Per-layer std of ``∂L/∂z`` (hidden layers) for every activation × initialisation.

    Returns a dict ``{(activation, init): array of shape (depth,)}``.
    """
    return {(a, i): gradient_amplitudes(a, i, X, y, depth, width, random_state)[1][
        "gradient_std"] for a in activations for i in inits}


def plot_amplitudes(table, axes=None):
    """One panel per activation: gradient std per hidden layer (log scale), one
    line per initialisation. Returns the list of Axes."""
    import matplotlib.pyplot as plt

    activations = list(dict.fromkeys(a for a, _ in table))
    if axes is None:
        _, axes = plt.subplots(1, len(activations), figsize=(4 * len(activations), 3.5),
                               sharey=True, layout="constrained")
    axes = list(np.atleast_1d(axes))
    for ax, activation in zip(axes, activations):
        for (a, init), stds in table.items():
            if a == activation:
                layers = np.arange(1, len(stds) + 1)
                ax.semilogy(layers, stds, "o-", label=f"{init} (×{layer_factor(stds):.2f}/layer)")
        ax.set(title=activation, xlabel="hidden layer (1 = next to the input)", xticks=layers)
        ax.legend(loc="lower right", fontsize=8)
    axes[0].set_ylabel("std of ∂L/∂z (gradient amplitude)")
    return axes


def log_magnitude_histograms(values_by_layer, bins=40, span=None):
    """Normalised histograms of ``log10 |value|``, one per layer, on shared bins.

    A linear axis cannot show gradients that differ by orders of magnitude
    from layer to layer: the small ones collapse into one bar at 0 and the
    large ones fall off the edge. On a log-magnitude axis each layer is a bump
    whose position says its typical size, and a factor 7 per layer is an even
    step between bumps. Exact zeros (switched-off ReLU units) have no
    logarithm: they are left out, and their fraction is returned.

    ``span``: ``(low, high)`` in decades; default from the 0.5th percentile to
    the largest value over all layers, with a quarter decade to spare.
    Returns ``(centres, fractions, zero_fraction)``: bin centres in
    ``|value|`` (log-spaced), an array ``(layers, bins)`` with each layer's
    fraction of values per bin, and each layer's fraction of zeros.
    """
    logs, zeros = [], []
    for values in values_by_layer:
        magnitude = np.abs(np.asarray(values, dtype=float)).ravel()
        nonzero = magnitude[magnitude > 0]
        zeros.append(1 - nonzero.size / max(magnitude.size, 1))
        logs.append(np.log10(nonzero))
    if span is None:
        every = np.concatenate(logs) if any(x.size for x in logs) else np.zeros(1)
        span = (np.percentile(every, 0.5) - 0.25, every.max() + 0.25)
    edges = np.linspace(span[0], span[1], int(bins) + 1)
    fractions = np.array([np.histogram(np.clip(x, edges[0], edges[-1]), edges)[0]
                          / max(x.size, 1) for x in logs])
    return 10 ** (0.5 * (edges[1:] + edges[:-1])), fractions, np.array(zeros)


def plot_log_histograms(values_by_layer, ax=None, xlabel="|∂L/∂z|", bins=40, title=None):
    """Glorot & Bengio's per-layer histograms on a log-magnitude axis: one curve
    per layer, layer 1 (next to the input) darkest. Returns the Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    centres, fractions, _ = log_magnitude_histograms(values_by_layer, bins)
    colors = plt.get_cmap("viridis")(np.linspace(0, 0.85, len(fractions)))
    for layer, (fraction, color) in enumerate(zip(fractions, colors), start=1):
        ax.plot(centres, fraction, color=color, lw=1.8, label=f"layer {layer}")
    ax.set(xscale="log", xlabel=f"{xlabel} (log scale)", ylabel="fraction of values per bin",
           title=title)
    ax.legend(fontsize=8, loc="upper left")
    return ax
