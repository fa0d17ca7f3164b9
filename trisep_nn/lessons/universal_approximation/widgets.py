"""Explorers for notebook 10 (universal approximation).

* :func:`width_explorer`: the hand-built one-hidden-layer networks of
  :mod:`trisep_nn.lessons.universal_approximation` (no training, instant redraw);
* :func:`trained_width_explorer`: a one-hidden-layer network *trained* on
  noisy samples, refitted when the slider is released.

    >>> explorer = width_explorer()      # doctest: +SKIP
"""

import numpy as np
from matplotlib.ticker import MaxNLocator

from trisep_nn.explorer import Explorer, dropdown, slider
from trisep_nn.lessons.universal_approximation import (
    approximation_error,
    error_vs_width,
    hand_built,
    resonance,
)

__all__ = ["width_explorer", "trained_width_explorer"]


def visible_ticks(low, high, n=5):
    """Up to ``n`` round tick positions inside [low, high], for ``ax.set_yticks``.

    Why: an explorer that changes an axis's limits should set its ticks itself. The
    Explorer lays a figure out again only when a tick label's text gets longer, and a
    locator also reports ticks outside the view, which would then count. (Not in
    ``__all__``: a helper for the explorers of notebooks 10-13.)
    """
    ticks = MaxNLocator(n).tick_values(low, high)
    return ticks[(ticks >= low) & (ticks <= high)]

_KIND_LABELS = {"sigmoid": "sigmoid staircase", "relu": "ReLU interpolation"}


def width_explorer(f=resonance, x_range=(0.0, 1.0), n_units=8, kind="sigmoid",
                   steepness=20.0, max_units=64):
    """Width slider for the hand-built approximation of ``f``.

    Left: ``f``, the network's output and (faint) each hidden unit's
    contribution ``v_i act(w_i x + b_i)``; right: the sup error against the
    width for both constructions, the current one marked.
    ``explorer.state["model"]`` is the last network drawn.
    """
    x = np.linspace(*x_range, 801)
    fx = f(x)
    widths = np.unique(np.round(np.geomspace(1, max_units, 25)).astype(int))
    curves = {k: error_vs_width(f, widths, k, x_range, steepness=steepness)
              for k in ("sigmoid", "relu")}
    state = {}

    def draw(fig, n_units, kind, steepness):
        model = hand_built(f, n_units, kind, x_range, steepness)
        state["model"] = model
        error = approximation_error(f, model, x_range)
        ax_fit, ax_err = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
        units = model.hidden(x) * model.v
        if n_units <= 40:
            ax_fit.plot(x, model.c + units, color="0.75", lw=0.8)
        ax_fit.plot(x, fx, color="k", lw=2.5, label="target f(x)")
        ax_fit.plot(x, model(x), color="C1", lw=1.8,
                    label=f"{_KIND_LABELS[kind]}, {n_units} units")
        margin = 0.25 * (fx.max() - fx.min())  # ReLU units are long lines: keep f in view
        ax_fit.set_ylim(fx.min() - margin, fx.max() + margin)
        ax_fit.set(xlabel="x (scaled mass)", ylabel="f(x)",
                   title=f"max |h - f| = {error:.3g}  (grey: c + each unit)")
        ax_fit.legend(loc="upper right")
        for k, errors in curves.items():
            if k == "sigmoid" and steepness != curves_steepness:
                errors = error_vs_width(f, widths, k, x_range, steepness=steepness)
            ax_err.loglog(widths, errors, "o-", ms=3, color="C1" if k == kind else "0.6",
                          label=_KIND_LABELS[k])
        ax_err.loglog([n_units], [error], "*", ms=14, color="C3", label="this network")
        ax_err.set(xlabel="hidden units (width)", ylabel="max |h(x) - f(x)|",
                   title="error against width")
        ax_err.minorticks_off()  # fewer ticks: a redraw costs a third less
        ax_err.legend(loc="lower left")

    curves_steepness = steepness
    controls = {
        "n_units": slider(n_units, 1, max_units, 1, "hidden units"),
        "kind": dropdown({v: k for k, v in _KIND_LABELS.items()}, kind, "built from"),
        "steepness": slider(float(steepness), 1.0, 60.0, 1.0, "sigmoid steepness w·Δ"),
    }
    explorer = Explorer(draw, controls, figsize=(10, 3.8),
                        title="A one-hidden-layer network built by hand", state=state)
    return explorer


def trained_width_explorer(X, y, X_test=None, y_test=None, f=None, width=8, seed=0,
                           activation="relu", num_epochs=400, lr=0.01, max_width=128):
    """Train a one-hidden-layer network of the chosen width on ``(X, y)``
    (Adam, full batch, ``num_epochs`` steps) and draw it against the data
    and, if given, the true ``f``. Refits when a slider is released.
    ``explorer.state`` holds ``"model"``, ``"train_mse"`` and ``"test_mse"``.
    """
    from trisep_nn.lessons.universal_approximation import train_one_hidden_layer

    X = np.asarray(X, dtype=float).reshape(-1, 1)
    y = np.asarray(y, dtype=float).ravel()
    lo, hi = float(X.min()), float(X.max())
    x = np.linspace(lo, hi, 400)
    state = {}

    def draw(fig, width, seed):
        model = train_one_hidden_layer(X, y, width, activation=activation, lr=lr,
                                       num_epochs=num_epochs, random_state=seed)
        state["model"] = model
        state["train_mse"] = float(np.mean((model(X[:, 0]) - y) ** 2))
        title = f"train MSE {state['train_mse']:.2g}"
        if X_test is not None:
            xt = np.asarray(X_test, dtype=float).ravel()
            state["test_mse"] = float(np.mean((model(xt) - np.ravel(y_test)) ** 2))
            title += f", test MSE {state['test_mse']:.2g}"
        ax = fig.subplots()
        if f is not None:
            ax.plot(x, f(x), color="k", lw=2, label="true f(x)")
        ax.plot(x, model(x), color="C1", lw=2, label=f"trained, {width} {activation} units")
        ax.plot(X[:, 0], y, "o", color="C0", label="training points")
        ax.set(xlabel="x", ylabel="y", title=title)
        ax.legend(loc="upper right")

    controls = {
        "width": slider(width, 1, max_width, 1, "hidden units", continuous=False),
        "seed": slider(seed, 0, 20, 1, "initial-weights seed", continuous=False),
    }
    explorer = Explorer(draw, controls, figsize=(7, 3.8),
                        title="A one-hidden-layer network found by gradient descent", state=state)
    return explorer
