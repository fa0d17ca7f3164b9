"""Explorers for notebook 12 (double descent).

* :func:`double_descent_explorer`: the risk curves of
  :class:`trisep_nn.lessons.double_descent.DoubleDescent` for a chosen noise level and
  ridge penalty, and one fit at a chosen number of features. The features and
  their SVDs are computed once; moving a slider costs a few small matrix
  products and the drawing.
"""

import ipywidgets as widgets
import numpy as np

from trisep_nn.data import cosine
from trisep_nn.explorer import Explorer, slider
from trisep_nn.lessons.double_descent import DoubleDescent

__all__ = ["double_descent_explorer", "RIDGE_OPTIONS"]

#: The ridge slider's stops: 0 (the minimum-norm solution), then 1e-10 ... 1.
RIDGE_OPTIONS = [("0", 0.0)] + [(f"1e{e}", 10.0 ** e) for e in range(-10, 1)]


def double_descent_explorer(experiment=None, noise=0.2, ridge=0.0, n_features=None):
    """Sliders: noise σ, ridge λ, and the number of features p of the fit shown.

    ``experiment`` is a :class:`~trisep_nn.lessons.double_descent.DoubleDescent` (built with
    its defaults if None). ``explorer.state["curve"]`` holds the medians drawn.
    """
    experiment = DoubleDescent() if experiment is None else experiment
    ps = [int(p) for p in experiment.n_features]
    n = experiment.n_samples
    n_features = n if n_features is None else int(n_features)
    reference = experiment.curve(0.2, 0.0)
    x_plot = np.linspace(0, 1, 300)
    state = {}

    def draw(fig, noise, ridge, n_features):
        curve = experiment.curve(noise, ridge)
        state["curve"] = curve
        ax_risk, ax_fit = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
        ax_risk.loglog(ps, reference["test"], color="0.8", lw=1,
                       label="test, σ = 0.2, λ = 0 (reference)")
        ax_risk.loglog(ps, curve["test"], color="C0", lw=2, label="test risk")
        ax_risk.loglog(ps, np.maximum(curve["train"], 1e-3), color="C1", ls="--",
                       label="training risk (drawn at 1e-3 when below)")
        ax_risk.axvline(n, color="k", ls=":", lw=1)
        ax_risk.axvline(n_features, color="C3", lw=1, alpha=0.6)
        ax_risk.text(n * 1.05, 0.95, "p = n", transform=ax_risk.get_xaxis_transform(),
                     va="top", fontsize="small")
        ax_risk.set(xlabel="number of random features p", ylabel="mean squared error",
                    ylim=(5e-4, 1e2), title=f"median of {experiment.n_draws} draws")
        ax_risk.minorticks_off()
        ax_risk.legend(loc="lower left", fontsize="small")
        x, y, _, pred = experiment.fit(n_features, noise, ridge, draw=0, x_plot=x_plot)
        ax_fit.plot(x_plot, cosine(x_plot), color="k", lw=1.5, label="truth")
        ax_fit.plot(x_plot, pred, color="C3", lw=1.2, label=f"fit, p = {n_features}")
        ax_fit.plot(x, y, "o", ms=3, color="C0", label=f"{n} training points")
        ax_fit.set(xlabel="x", ylabel="y", ylim=(-2.5, 2.5), title="one draw")
        ax_fit.legend(loc="lower left", fontsize="small")

    controls = {
        "noise": slider(float(noise), 0.0, 0.6, 0.05, "noise σ", continuous=False),
        "ridge": widgets.SelectionSlider(
            options=RIDGE_OPTIONS, value=float(ridge), description="ridge λ",
            continuous_update=False, style={"description_width": "initial"}),
        "n_features": widgets.SelectionSlider(
            options=ps, value=n_features, description="features p (fit)",
            continuous_update=False, style={"description_width": "initial"}),
    }
    explorer = Explorer(draw, controls, figsize=(10, 3.8),
                        title="Double descent: random Fourier features, minimum-norm fit",
                        state=state)
    return explorer
