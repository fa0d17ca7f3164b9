"""Explorers for notebook 08 (vanishing gradients).

:func:`gradient_explorer` builds a fresh deep network for the chosen depth,
activation and initialisation, pushes one batch forward and backward (no
training: a redraw takes tens of milliseconds) and shows the per-layer
gradient histograms of Glorot & Bengio (2010), on a log-magnitude axis so
that every layer is visible, next to the gradient amplitude per layer.

    >>> from trisep_nn.lessons.vanishing_gradients import physics_batch
    >>> explorer = gradient_explorer(*physics_batch())      # doctest: +SKIP
"""

import functools

import numpy as np
from matplotlib import colormaps
from matplotlib.ticker import (
    FuncFormatter,
    LogLocator,
    MaxNLocator,
    NullLocator,
    ScalarFormatter,
)

from trisep_nn.explorer import Explorer, dropdown, slider
from trisep_nn.lessons.vanishing_gradients import (
    INITIALISATIONS,
    gradient_amplitudes,
    homogeneity,
    log_magnitude_histograms,
    predicted_factor,
)

__all__ = ["gradient_explorer"]

_FIGURE_SPACE = "\u2007"  # as wide as a digit
_MAX_DEPTH = 12

# decades as plain 1e−9 ... 1e−10 of one width: cheaper than mathtext, and the same
# layout for every setting
_DECADES = FuncFormatter(
    lambda v, pos: f"1e{round(np.log10(v))}".replace("-", "−").rjust(5, _FIGURE_SPACE))



class _PaddedFormatter(ScalarFormatter):
    """Tick labels padded to one width, so that the explorer can reuse its layout
    when the scale changes (0.1 vs 0.05): a new layout costs as much as a picture."""

    def __call__(self, x, pos=None):
        return super().__call__(x, pos).rjust(4, _FIGURE_SPACE)


_KINDS = {
    "backpropagated ∂L/∂z": ("gradients", "gradient_std"),
    "weight gradient ∂L/∂W": ("weight_gradients", "weight_gradient_std"),
}


def gradient_explorer(X, y, depth=6, width=100, activation="sigmoid", init="naive",
                      random_state=0):
    """Sliders for depth, dropdowns for activation, initialisation and the
    gradient shown. Left: per hidden layer (layer 1 = next to the input), the
    histogram of the gradient's magnitude on a log axis, each curve labelled
    with its layer; right: their standard deviation per layer on a log scale,
    with the prediction ``sqrt(n Var(W) E[σ'²])^(L-l)`` of the linear regime
    drawn from the last hidden layer.

    The figure is built once and a move only replaces the curves' data, the
    limits and the texts. ``explorer.state["stats"]`` holds the last per-layer
    numbers (see :func:`trisep_nn.lessons.vanishing_gradients.gradient_amplitudes`).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    state, artists = {}, {}

    @functools.lru_cache(maxsize=32)  # the same network and batch: going back is instant
    def measure(depth, activation, init):
        return gradient_amplitudes(activation, init, X, y, depth=depth, width=width,
                                   random_state=random_state)

    def draw(fig, depth, activation, init, quantity):
        if not fig.axes:
            artists.update(_build(fig))
        snapshot, stats = measure(depth, activation, init)
        state["stats"] = stats
        kind, key = _KINDS[quantity]
        predicted = predicted_factor(activation, init, width) if kind == "gradients" else None
        _update_histograms(artists, getattr(snapshot, kind)[:-1], quantity,
                           f"{activation} + {init} init, {depth} hidden layers")
        _update_amplitudes(artists, stats[key], quantity, predicted)

    controls = {
        "depth": slider(depth, 2, _MAX_DEPTH, 1, "hidden layers"),
        "activation": dropdown(["sigmoid", "tanh", "relu"], activation, "activation"),
        "init": dropdown(list(INITIALISATIONS), init, "initialisation"),
        "quantity": dropdown(list(_KINDS), "backpropagated ∂L/∂z", "gradient"),
    }
    return Explorer(draw, controls, figsize=(10, 3.8),
                    title="Gradients at initialisation: one batch, no training", state=state,
                    clear=False)


def _build(fig):
    """Both panels, with a curve and a label for every layer the slider can reach."""
    ax_hist, ax_std = fig.subplots(1, 2)
    colors = colormaps["viridis"](np.linspace(0, 0.85, _MAX_DEPTH))
    curves = [ax_hist.plot([], [], color=c, lw=1.6)[0] for c in colors]
    labels = [ax_hist.text(1, 0, "", color=c, fontsize=8, ha="center", va="bottom",
                           weight="bold") for c in colors]
    zeros = ax_hist.text(0.98, 0.97, "", transform=ax_hist.transAxes, ha="right", va="top",
                         fontsize=8, color="0.3")
    ax_hist.set(xscale="log", ylabel="fraction per bin (curve: layer)")
    ax_hist.yaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10]))
    ax_hist.yaxis.set_major_formatter(_PaddedFormatter())
    ax_hist.xaxis.set_major_formatter(_DECADES)
    ax_hist.xaxis.set_minor_locator(NullLocator())
    measured = ax_std.semilogy([], [], "o-", color="C0", label="measured")[0]
    predicted = ax_std.semilogy([], [], "--", color="0.4", label="predicted (linear regime)")[0]
    ax_std.set(xlabel="hidden layer (1 = next to the input)")
    ax_std.yaxis.set_major_locator(LogLocator(numticks=5))  # fewer ticks: faster
    ax_std.yaxis.set_major_formatter(_DECADES)
    ax_std.yaxis.set_minor_locator(NullLocator())
    return {"hist": ax_hist, "std": ax_std, "curves": curves, "labels": labels,
            "zeros": zeros, "measured": measured, "predicted": predicted}


def _update_histograms(artists, values, quantity, title):
    """One log-magnitude histogram per layer, each labelled with its layer at its peak."""
    ax = artists["hist"]
    centres, fractions, zeros = log_magnitude_histograms(values)
    for layer, (curve, label) in enumerate(zip(artists["curves"], artists["labels"])):
        if layer < len(fractions):
            peak = int(np.argmax(fractions[layer]))
            curve.set_data(centres, fractions[layer])
            label.set_position((centres[peak], fractions[layer][peak]))
            label.set_text(str(layer + 1))
        else:
            curve.set_data([], [])
            label.set_text("")
    artists["zeros"].set_text(f"exact zeros (off units) left out: {zeros.mean():.0%}"
                              if zeros.mean() > 0.005 else "")
    ax.set_xlim(centres[0], centres[-1])
    ax.set_ylim(0, 1.15 * fractions.max())
    decades = np.log10(centres[-1] / centres[0])
    ax.xaxis.set_major_locator(LogLocator(numticks=5 if decades < 12 else 4))
    ax.set_xlabel(f"|{quantity.split()[-1]}| (log scale)")
    ax.set_title(title, fontsize=10)


def _update_amplitudes(artists, stds, quantity, factor):
    """The std per layer, and the linear-regime prediction when there is one."""
    ax = artists["std"]
    depth = len(stds)
    layers = np.arange(1, depth + 1)
    artists["measured"].set_data(layers, stds)
    if factor is None:
        artists["predicted"].set_data([], [])
    else:
        artists["predicted"].set_data(layers, stds[-1] * factor ** (depth - layers))
        artists["predicted"].set_label(f"predicted, ×{factor:.2f} per layer")
    ax.legend(loc="best", fontsize=8)  # 2 short lines: finding the free corner is cheap
    ax.set_xlim(0.5, depth + 0.5)
    ax.set_xticks(layers[::1 + (depth > 6)])
    # at least four decades, so that a factor 1.2 does not look like a cliff
    middle = np.exp(np.mean(np.log(stds)))
    ax.set_ylim(min(stds.min(), middle / 100) / 2, max(stds.max(), middle * 100) * 2)
    ax.set_ylabel(f"std of {quantity.split()[-1]}")
    ax.set_title(f"max/min over layers = {homogeneity(stds):.3g}", fontsize=10)
