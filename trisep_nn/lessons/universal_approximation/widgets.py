"""Explorers for notebook 10 (universal approximation).

* :func:`width_explorer`: the hand-built one-hidden-layer networks of
  :mod:`trisep_nn.lessons.universal_approximation` (no training, instant redraw);
* :func:`trained_width_explorer`: one-hidden-layer networks *trained* on noisy
  samples, every width and seed the sliders can reach trained once, up front.

Both build their figure once and then only update it (``Explorer(..., clear=False)``).

    >>> explorer = width_explorer()      # doctest: +SKIP
"""

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import MaxNLocator, NullLocator, StrMethodFormatter

from trisep_nn.explorer import Explorer, dropdown, slider
from trisep_nn.lessons.universal_approximation import (
    approximation_error,
    error_vs_width,
    hand_built,
    resonance,
    train_one_hidden_layers,
)

__all__ = ["width_explorer", "trained_width_explorer"]

_KIND_LABELS = {"sigmoid": "sigmoid staircase", "relu": "ReLU interpolation"}
_MAX_DRAWN_UNITS = 40  # beyond this the grey unit curves are a blur


def visible_ticks(low, high, n=5):
    """Up to ``n`` round tick positions inside [low, high], for ``ax.set_yticks``.

    Why: an explorer that changes an axis's limits should set its ticks itself. The
    Explorer lays a figure out again only when a tick label's text gets longer, and a
    locator also reports ticks outside the view, which would then count. (Not in
    ``__all__``: a helper for the explorers of notebooks 10-13.)
    """
    ticks = MaxNLocator(n).tick_values(low, high)
    return ticks[(ticks >= low) & (ticks <= high)]


def log_ticks(low, high, most=6):
    """Round values (1, 2, 5, ... times a power of ten) between low and high, for the
    ticks of a log axis whose limits an explorer changes (see :func:`visible_ticks`):
    whole decades when there are at least three, finer steps when the range is narrow."""
    powers = 10.0 ** np.arange(np.floor(np.log10(low)), np.ceil(np.log10(high)) + 1)
    for multiples in ([1.0], [1.0, 3.0], [1.0, 2.0, 5.0], np.arange(1.0, 10.0)):
        values = np.outer(powers, multiples).ravel()
        values = values[(values >= low * (1 - 1e-9)) & (values <= high * (1 + 1e-9))]
        if len(values) >= 3:
            break
    return values[::max(1, int(np.ceil(len(values) / most)))]


def plain_log_labels(*axes):
    """Plain tick labels ("0.01", "100") and no minor ticks on log-scaled axes.

    Why: matplotlib writes log ticks as mathtext (10², typeset like TeX), and typesetting
    them costs a third of an explorer's redraw. (A helper for notebooks 10-13.)
    """
    for axis in axes:
        axis.set_major_formatter(StrMethodFormatter("{x:g}"))
        axis.set_minor_locator(NullLocator())


def width_explorer(f=resonance, x_range=(0.0, 1.0), n_units=8, kind="sigmoid",
                   steepness=20.0, max_units=64):
    """Width slider for the hand-built approximation of ``f``.

    Left: ``f``, the network's output and (faint) each hidden unit's
    contribution ``v_i act(w_i x + b_i)``; right: the sup error against the
    width for both constructions, the current one marked.
    ``explorer.state["model"]`` is the last network drawn.
    """
    x = np.linspace(*x_range, 801)
    widths = np.unique(np.round(np.geomspace(1, max_units, 25)).astype(int))
    state = {"curves": {}}

    def curve(kind, steepness):  # the error curve for the right panel, cached
        key = (kind, steepness if kind == "sigmoid" else None)
        if key not in state["curves"]:  # on the plotting grid: a picture, not a measurement
            state["curves"][key] = error_vs_width(f, widths, kind, x_range, steepness=steepness,
                                                  n_grid=x.size)
        return state["curves"][key]

    def draw(fig, n_units, kind, steepness):
        model = hand_built(f, n_units, kind, x_range, steepness)
        state["model"] = model
        if not fig.axes:
            state["artists"] = _build_width(fig, x, f(x), widths)
        curves = {k: curve(k, steepness) for k in _KIND_LABELS}
        _update_width(state["artists"], x, model, kind, approximation_error(f, model, x_range),
                      curves)

    controls = {
        "n_units": slider(n_units, 1, max_units, 1, "hidden units"),
        "kind": dropdown({v: k for k, v in _KIND_LABELS.items()}, kind, "built from"),
        "steepness": slider(float(steepness), 1.0, 60.0, 1.0, "sigmoid steepness w·Δ"),
    }
    return Explorer(draw, controls, figsize=(10, 3.8), clear=False, state=state,
                    title="A one-hidden-layer network built by hand")


def _build_width(fig, x, fx, widths):
    ax_fit, ax_err = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    units = LineCollection([], colors="0.75", linewidths=0.8)
    ax_fit.add_collection(units)
    ax_fit.plot(x, fx, color="k", lw=2.5, label="target f(x)")
    net, = ax_fit.plot(x, fx, color="C1", lw=1.8, label="network")
    margin = 0.25 * (fx.max() - fx.min())  # ReLU units are long lines: keep f in view
    ax_fit.set(xlabel="x (scaled mass)", ylabel="f(x)", ylim=(fx.min() - margin, fx.max() + margin))
    ax_fit.legend(loc="lower left")
    lines = {k: ax_err.loglog(widths, np.ones(len(widths)), "o-", ms=3, label=label)[0]
             for k, label in _KIND_LABELS.items()}
    star, = ax_err.loglog([1], [1], "*", ms=14, color="C3", label="this network")
    ax_err.set(xlabel="hidden units (width)", ylabel="max |h(x) - f(x)|",
               title="error against width")
    plain_log_labels(ax_err.xaxis, ax_err.yaxis)
    ax_err.legend(loc="lower left")
    return {"fit": ax_fit, "err": ax_err, "units": units, "net": net, "star": star, **lines}


def _update_width(artists, x, model, kind, error, curves):
    contributions = model.c + model.hidden(x) * model.v
    shown = contributions.T if model.n_units <= _MAX_DRAWN_UNITS else []
    artists["units"].set_segments([np.column_stack([x, c]) for c in shown])
    artists["net"].set_ydata(model(x))
    artists["fit"].get_legend().get_texts()[1].set_text(
        f"{_KIND_LABELS[kind]}, {model.n_units} units")
    artists["fit"].set_title(f"max |h - f| = {error:.3g}  (grey: c + each unit)")
    handles = dict(zip(_KIND_LABELS, artists["err"].get_legend().legend_handles))
    for k, errors in curves.items():
        artists[k].set_ydata(errors)
        for line in (artists[k], handles[k]):  # the legend's copy follows the line's colour
            line.set_color("C1" if k == kind else "0.6")
    artists["star"].set_data([model.n_units], [error])
    low = min(error, *(c.min() for c in curves.values()))
    high = max(error, *(c.max() for c in curves.values()))
    limits = 10 ** np.floor(np.log10(low)), 10 ** np.ceil(np.log10(high))
    artists["err"].set_ylim(*limits)
    artists["err"].set_yticks(log_ticks(*limits))


def trained_width_explorer(X, y, X_test=None, y_test=None, f=None, width=8, seed=0,
                           activation="relu", num_epochs=400, lr=0.01,
                           widths=(1, 2, 4, 8, 16, 32, 64, 128), n_seeds=5):
    """A one-hidden-layer network of the chosen width and initial-weights seed, trained
    on ``(X, y)`` (Adam, full batch, ``num_epochs`` steps), drawn against the data and,
    if given, the true ``f``.

    Every width in ``widths`` and every seed below ``n_seeds`` is trained once, when the
    explorer is built (all at once, :func:`train_one_hidden_layers`), so that moving a
    slider only redraws. ``explorer.state`` holds ``"model"``, ``"train_mse"`` and
    ``"test_mse"``.
    """
    X = np.asarray(X, dtype=float).reshape(-1, 1)
    y = np.asarray(y, dtype=float).ravel()
    widths = sorted({int(w) for w in widths} | {int(width)})
    trained = train_one_hidden_layers(X, y, widths, range(max(n_seeds, seed + 1)),
                                      activation=activation, lr=lr, num_epochs=num_epochs)
    x = np.linspace(float(X.min()), float(X.max()), 400)
    state = {}

    def draw(fig, width, seed):
        model = trained[width, seed]
        state["model"] = model
        state["train_mse"] = float(np.mean((model(X[:, 0]) - y) ** 2))
        title = f"train MSE {state['train_mse']:.2g}"
        if X_test is not None:
            xt = np.asarray(X_test, dtype=float).ravel()
            state["test_mse"] = float(np.mean((model(xt) - np.ravel(y_test)) ** 2))
            title += f", test MSE {state['test_mse']:.2g}"
        if not fig.axes:
            state["artists"] = _build_trained(fig, x, X[:, 0], y, f)
        artists = state["artists"]
        prediction = model(x)
        artists["net"].set_ydata(prediction)
        artists["ax"].get_legend().get_texts()[-2].set_text(
            f"trained, {width} {activation} units")
        artists["ax"].set_title(title)
        shown = np.r_[prediction, artists["always_shown"]]
        margin = 0.1 * (shown.max() - shown.min())
        artists["ax"].set_ylim(shown.min() - margin, shown.max() + margin)
        artists["ax"].set_yticks(visible_ticks(*artists["ax"].get_ylim()))

    controls = {
        "width": dropdown({str(w): w for w in widths}, int(width), "hidden units"),
        "seed": slider(int(seed), 0, max(n_seeds, seed + 1) - 1, 1, "initial-weights seed",
                       continuous=False),
    }
    return Explorer(draw, controls, figsize=(7, 3.8), clear=False, state=state,
                    title="A one-hidden-layer network found by gradient descent")


def _build_trained(fig, x, x_data, y, f):
    ax = fig.subplots()
    always_shown = np.r_[y]  # the axes follow the network, but keep these in view
    if f is not None:
        ax.plot(x, f(x), color="k", lw=2, label="true f(x)")
        always_shown = np.r_[always_shown, f(x)]
    net, = ax.plot(x, x, color="C1", lw=2, label="trained")
    ax.plot(x_data, y, "o", color="C0", label="training points")
    ax.set(xlabel="x", ylabel="y")
    ax.legend(loc="upper right")
    return {"ax": ax, "net": net, "always_shown": always_shown}
