"""Explorers for notebook 08 (vanishing gradients).

:func:`gradient_explorer` builds a fresh deep network for the chosen depth,
activation and initialisation, pushes one batch forward and backward (no
training: a redraw takes tens of milliseconds) and shows the per-layer
gradient histograms of Glorot & Bengio (2010) next to the gradient amplitude
per layer.

    >>> from trisep_nn.lessons.vanishing_gradients import physics_batch
    >>> explorer = gradient_explorer(*physics_batch())      # doctest: +SKIP
"""

import functools

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, ScalarFormatter

from trisep_nn.explorer import Explorer, dropdown, slider
from trisep_nn.lessons.vanishing_gradients import (
    INITIALISATIONS,
    gradient_amplitudes,
    homogeneity,
    predicted_factor,
)

__all__ = ["gradient_explorer"]

_FIGURE_SPACE = "\u2007"  # as wide as a digit


class _PaddedFormatter(ScalarFormatter):
    """Tick labels padded to one width, so that the explorer can reuse its layout
    when the scale changes (0.1 vs 0.05)."""

    def __call__(self, x, pos=None):
        return super().__call__(x, pos).rjust(4, _FIGURE_SPACE)


# decades as plain 1e−9 ... 1e−10 of one width: cheaper than mathtext, and the same
# layout for every setting
_DECADES = FuncFormatter(
    lambda v, pos: f"1e{round(np.log10(v))}".replace("-", "−").rjust(5, _FIGURE_SPACE))

_KINDS = {
    "backpropagated ∂L/∂z": ("gradients", "gradient_std"),
    "weight gradient ∂L/∂W": ("weight_gradients", "weight_gradient_std"),
}


def gradient_explorer(X, y, depth=6, width=100, activation="sigmoid", init="naive",
                      random_state=0):
    """Sliders for depth, dropdowns for activation, initialisation and the
    gradient shown. Left: normalised histograms of the gradient in each hidden
    layer (layer 1 = next to the input); right: their standard deviation per
    layer on a log scale, with the prediction ``sqrt(n Var(W) E[σ'²])^(L-l)``
    of the linear regime drawn from the last hidden layer.

    ``explorer.state["stats"]`` holds the last per-layer numbers (see
    :func:`trisep_nn.lessons.vanishing_gradients.gradient_amplitudes`).
    """
    from trisep_nn import plots

    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    state = {}

    @functools.lru_cache(maxsize=16)  # the same network and batch: going back is instant
    def measure(depth, activation, init):
        return gradient_amplitudes(activation, init, X, y, depth=depth, width=width,
                                      random_state=random_state)

    def draw(fig, depth, activation, init, quantity):
        snapshot, stats = measure(depth, activation, init)
        state["stats"] = stats
        kind, key = _KINDS[quantity]
        values = getattr(snapshot, kind)[:-1]  # hidden layers only
        stds = stats[key]
        ax_hist, ax_std = fig.subplots(1, 2)
        plots.gradient_histograms(values, ax=ax_hist, bins=61, xlabel=quantity,
                                  title=f"{activation} + {init} init, {depth} hidden layers")
        if len(values) > 6:  # keep the legend readable for deep networks
            handles, labels = ax_hist.get_legend_handles_labels()
            keep = [0, len(values) // 2, len(values) - 1]
            ax_hist.legend([handles[i] for i in keep], [labels[i] for i in keep],
                           loc="upper right")
        ax_hist.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))
        ax_hist.xaxis.set_major_locator(MaxNLocator(4, symmetric=True))  # ticks cost more
        ax_hist.yaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10]))  # than curves
        ax_hist.yaxis.set_major_formatter(_PaddedFormatter())
        layers = np.arange(1, depth + 1)
        ax_std.semilogy(layers, stds, "o-", color="C0", label="measured")
        if kind == "gradients":
            factor = predicted_factor(activation, init, width)
            ax_std.semilogy(layers, stds[-1] * factor ** (depth - layers), "--", color="0.4",
                            label=f"predicted, ×{factor:.2f} per layer")
        ax_std.set(xlabel="hidden layer (1 = next to the input)",
                   ylabel=f"std of {quantity.split()[-1]}", xticks=layers[::1 + (depth > 6)],
                   title=f"max/min over layers = {homogeneity(stds):.3g}")
        # at least four decades, so that a factor 1.2 does not look like a cliff
        middle = np.exp(np.mean(np.log(stds)))
        ax_std.set_ylim(min(stds.min(), middle / 100) / 2, max(stds.max(), middle * 100) * 2)
        ax_std.yaxis.set_major_locator(LogLocator(numticks=5))  # fewer ticks: faster
        ax_std.yaxis.set_major_formatter(_DECADES)
        ax_std.minorticks_off()
        ax_std.legend(loc="best")

    controls = {
        "depth": slider(depth, 2, 12, 1, "hidden layers"),
        "activation": dropdown(["sigmoid", "tanh", "relu"], activation, "activation"),
        "init": dropdown(list(INITIALISATIONS), init, "initialisation"),
        "quantity": dropdown(list(_KINDS), "backpropagated ∂L/∂z", "gradient"),
    }
    explorer = Explorer(draw, controls, figsize=(10, 3.8),
                        title="Gradients at initialisation: one batch, no training", state=state)
    return explorer
