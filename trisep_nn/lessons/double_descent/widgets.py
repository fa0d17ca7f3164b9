"""Explorers for notebook 12 (double descent).

* :func:`double_descent_explorer`: the risk curves of
  :class:`trisep_nn.lessons.double_descent.DoubleDescent` for a chosen noise level,
  ridge penalty and choice of feature amplitudes, and one fit at a chosen number
  of features. The features and their SVDs are computed once; a move costs a few
  small matrix products, and the figure is built once and then only updated
  (``Explorer(..., clear=False)``).
"""

import ipywidgets as widgets
import numpy as np

from trisep_nn.explorer import Explorer, dropdown, slider
from trisep_nn.lessons.double_descent import FALLOFF, DoubleDescent
from trisep_nn.lessons.universal_approximation.widgets import (
    log_ticks,
    plain_log_labels,
    visible_ticks,
)

__all__ = ["double_descent_explorer", "RIDGE_OPTIONS"]

#: The ridge slider's stops: 0 (the minimum-norm solution), then 1e-10 ... 1.
RIDGE_OPTIONS = [("0", 0.0)] + [(f"1e{e}", 10.0 ** e) for e in range(-10, 1)]


def double_descent_explorer(experiments=None, noise=0.05, ridge=0.0, n_features=None):
    """Sliders: noise σ, ridge λ, the number of features p of the fit shown, and (with
    two experiments) which feature amplitudes.

    ``experiments`` is a dict {label: DoubleDescent}, or one DoubleDescent (default:
    falling and equal amplitudes, built with the defaults). With two, the other one's
    test risk is drawn in grey for comparison. ``explorer.state["curve"]`` holds the
    medians drawn.
    """
    if experiments is None:
        experiments = {"falling": DoubleDescent(falloff=FALLOFF),
                       "equal": DoubleDescent(falloff=None)}
    elif isinstance(experiments, DoubleDescent):
        experiments = {"these": experiments}
    first = next(iter(experiments.values()))
    n = first.n_samples
    n_features = n if n_features is None else int(n_features)
    state = {"curves": {}}

    def curve(label, noise, ridge):  # cached: a revisit costs nothing
        key = (label, noise, ridge)
        if key not in state["curves"]:
            state["curves"][key] = experiments[label].curve(noise, ridge)
        return state["curves"][key]

    def draw(fig, amplitudes, noise, ridge, n_features):
        state["curve"] = curve(amplitudes, noise, ridge)
        others = [label for label in experiments if label != amplitudes]
        reference = curve(others[0], noise, ridge) if others else curve(amplitudes, 0.05, 0.0)
        if not fig.axes:
            state["artists"] = _build(fig, first, others[0] if others else None)
        fit = experiments[amplitudes].fit(n_features, noise, ridge, draw=0,
                                          x_plot=state["artists"]["x_plot"])
        _update(state["artists"], state["curve"], reference, fit, n_features,
                others[0] if others else None)

    controls = {
        "amplitudes": dropdown(list(experiments), next(iter(experiments)), "feature amplitudes"),
        "noise": slider(float(noise), 0.0, 0.4, 0.01, "noise σ", continuous=False),
        "ridge": widgets.SelectionSlider(
            options=RIDGE_OPTIONS, value=float(ridge), description="ridge λ",
            continuous_update=False, style={"description_width": "initial"}),
        "n_features": widgets.SelectionSlider(
            options=[int(p) for p in first.n_features], value=n_features,
            description="features p (fit)", continuous_update=False,
            style={"description_width": "initial"}),
    }
    controls["amplitudes"].disabled = len(experiments) == 1
    return Explorer(draw, controls, figsize=(10, 3.8), clear=False, state=state,
                    title="Double descent: random Fourier features, minimum-norm fit")


def _build(fig, experiment, other):
    """Axes and artists, once; :func:`_update` then only changes their data."""
    ps, n = experiment.n_features, experiment.n_samples
    ax_risk, ax_fit = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    ones = np.ones(len(ps))
    lines = {
        "reference": ax_risk.loglog(ps, ones, color="0.75", lw=1.5,
                                    label=f"test, {other} amplitudes" if other
                                    else "test, σ = 0.05, λ = 0")[0],
        "test": ax_risk.loglog(ps, ones, color="C0", lw=2, label="test risk")[0],
        "train": ax_risk.loglog(ps, ones, color="C1", ls="--",
                                label="training risk (on the bottom edge when ≈ 0)")[0],
    }
    ax_risk.axvline(n, color="k", ls=":", lw=1)
    lines["p"] = ax_risk.axvline(n, color="C3", lw=1, alpha=0.6)
    ax_risk.text(n * 1.05, 0.97, "p = n", transform=ax_risk.get_xaxis_transform(),
                 va="top", fontsize="small")
    ax_risk.set(xlabel="number of random features p",
                ylabel=f"mean squared error (median of {experiment.n_draws} draws)")
    plain_log_labels(ax_risk.xaxis, ax_risk.yaxis)
    # above the axes: the curves can be anywhere inside them
    ax_risk.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize="small")
    x, _, x_plot, _ = experiment.fit(n, draw=0)
    x_plot = np.linspace(0, 1, 300)
    lines["truth"], = ax_fit.plot(x_plot, experiment.f(x_plot), color="k", lw=1.5)  # black
    lines["fit"], = ax_fit.plot(x_plot, x_plot, color="C3", lw=1.2)
    lines["data"], = ax_fit.plot(x, x, "o", ms=3, color="C0")
    # no legend: the title names the curves (every text costs redraw time)
    ax_fit.set(xlabel="x", ylabel="y", xticks=[0, 0.5, 1])
    return {"risk": ax_risk, "fit_ax": ax_fit, "x_plot": x_plot, **lines}


def _decades(values):
    """Axis limits on whole decades around the finite, positive values."""
    values = np.asarray(values)[np.isfinite(values) & (np.asarray(values) > 0)]
    return 10.0 ** np.floor(np.log10(values.min())), 10.0 ** np.ceil(np.log10(values.max()))


def _update(artists, curve, reference, fit, n_features, other):
    low, high = _decades(np.r_[curve["test"], reference["test"]])
    artists["risk"].set_ylim(low, high)
    artists["risk"].set_yticks(log_ticks(low, high))
    artists["reference"].set_ydata(reference["test"])
    artists["test"].set_ydata(curve["test"])
    artists["train"].set_ydata(np.maximum(curve["train"], low))  # ≈ 0: on the bottom edge
    artists["p"].set_xdata([n_features, n_features])
    x, y, _, prediction = fit
    if other:
        artists["risk"].get_legend().get_texts()[0].set_text(f"test, {other} amplitudes")
    artists["fit"].set_ydata(prediction)
    artists["data"].set_ydata(y)
    ax = artists["fit_ax"]
    ax.set_title(f"one draw: truth (black), fit p = {n_features} (red)")
    shown = np.r_[prediction, y, artists["truth"].get_ydata()]
    margin = 0.1 * (shown.max() - shown.min())
    ax.set_ylim(shown.min() - margin, shown.max() + margin)
    ax.set_yticks(visible_ticks(*ax.get_ylim()))
