"""Explorers for notebook 05 (from logistic regression to neural networks).

:func:`learned_basis_explorer` fits ``h(x) = Σ_j w_j σ(u_j x + c_j) + b`` to
1-D data for the number of hidden units (and the initialisation seed) on the
sliders and draws the learned basis functions next to the fit.
"""

import numpy as np
from matplotlib.ticker import MaxNLocator, ScalarFormatter

from trisep_nn.explorer import Explorer, slider
from trisep_nn.lessons.from_logistic_regression_to_neural_networks import (
    fit_basis_1d,
    hidden_outputs,
    last_layer,
)

__all__ = ["learned_basis_explorer"]

#: A fit whose training MSE is this many times that of a fit with as few units is stuck.
POOR_FIT = 1.5


class _PaddedFormatter(ScalarFormatter):
    """Tick labels padded to one width with figure spaces, so that the explorer can
    reuse its layout when the weights' scale changes (−6 ... 6 vs −20 ... 20)."""

    def __call__(self, x, pos=None):
        return super().__call__(x, pos).rjust(4, "\u2007")


def learned_basis_explorer(X, y, truth=None, max_hidden=8, n_hidden=3, seed=1, max_iter=500,
                           n_seeds=5):
    """Learned basis functions against the number of hidden units.

    Left: the basis functions ``φ_j(x) = σ(u_j x + c_j)``; middle: the weighted
    contributions ``w_j φ_j(x)`` (same colour per unit) and the constant ``b``;
    right: the data and the fit ``h(x)``, their sum.

    Each setting is fitted once (:func:`fit_basis_1d`, milliseconds) and
    remembered. A network with ``d`` units can do everything one with fewer
    can (set the extra output weights to 0), so a fit whose training MSE is
    over ``POOR_FIT`` times that of any fit seen so far with at most ``d``
    units is stuck in a poor local minimum; the picture says so in red: the
    "more difficult optimisation" of the lecture. The figure is built once;
    a move only replaces the curves' data and the texts. ``explorer.state``
    holds the current model, its loss, the best loss it was compared with and
    whether the fit is a poor one.
    """
    X = np.asarray(X, dtype=np.float64).reshape(-1, 1)
    y = np.asarray(y, dtype=np.float64).ravel()
    lo, hi = X.min(), X.max()
    grid = np.linspace(lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo), 300).reshape(-1, 1)
    fits, state, artists = {}, {}, {}  # fits: (n_hidden, seed) -> (model, loss)

    def draw(fig, n_hidden, seed):
        if not fig.axes:
            artists.update(_build(fig, grid, X, y, truth, max_hidden))
        if (n_hidden, seed) not in fits:
            fits[n_hidden, seed] = fit_basis_1d(X, y, n_hidden, seed, max_iter)
        model, loss = fits[n_hidden, seed]
        best = min(fit_loss for (d, _), (_, fit_loss) in fits.items() if d <= n_hidden)
        state.update(model=model, loss=loss, n_hidden=n_hidden, seed=seed, best_loss=best,
                     poor=loss > POOR_FIT * best)
        _update(artists, grid, model, loss, best, state["poor"])

    return Explorer(
        draw,
        {"n_hidden": slider(n_hidden, 1, max_hidden, 1, "hidden units d", continuous=False),
         "seed": slider(seed, 0, n_seeds - 1, 1, "initialisation seed", continuous=False)},
        figsize=(12, 3.8), title="Learned basis functions φ_j(x) = σ(u_j x + c_j)",
        state=state, clear=False,
    )


def _build(fig, grid, X, y, truth, max_hidden):
    """The three panels and every artist a move will update."""
    ax_basis, ax_terms, ax_fit = fig.subplots(1, 3)
    g = grid.ravel()
    colors = [f"C{j % 10}" for j in range(max_hidden)]
    basis = [ax_basis.plot(g, g * np.nan, lw=1.8, color=c)[0] for c in colors]
    terms = [ax_terms.plot(g, g * np.nan, lw=1.8, color=c)[0] for c in colors]
    constant = ax_terms.axhline(0, color="0.3", ls=":", lw=1.5)
    ax_basis.set(xlabel="x", ylabel="φ_j(x) = σ(u_j x + c_j)", ylim=(-0.05, 1.05),
                 yticks=(0, 0.5, 1))
    ax_terms.set(xlabel="x", ylabel="w_j φ_j(x)   (colour = unit j)")
    if truth is not None:
        ax_fit.plot(g, truth(g), color="0.5", lw=1.5, label="truth")
    fit = ax_fit.plot(g, g * np.nan, color="black", lw=2.2, label="h(x)")[0]
    ax_fit.scatter(X, y, s=16, color="black", zorder=3, label="data")
    span = y.max() - y.min()
    ax_fit.set(xlabel="x", ylabel="y", ylim=(y.min() - 0.3 * span, y.max() + 0.3 * span))
    ax_fit.legend(loc="lower left", fontsize=8)
    warning = ax_fit.text(0.98, 0.97, "", transform=ax_fit.transAxes, ha="right", va="top",
                          fontsize=8.5, color="C3")
    for ax in (ax_basis, ax_terms, ax_fit):  # tick labels cost more than the curves
        ax.set_xlim(g[0], g[-1])
        ax.xaxis.set_major_locator(MaxNLocator(4))
    for ax in (ax_terms, ax_fit):
        ax.yaxis.set_major_locator(MaxNLocator(4))
    ax_terms.yaxis.set_major_formatter(_PaddedFormatter())
    return {"axes": (ax_basis, ax_terms, ax_fit), "basis": basis, "terms": terms,
            "constant": constant, "fit": fit, "warning": warning}


def _update(artists, grid, model, loss, best, poor):
    """Put one fitted model's basis functions, weighted terms and fit on the figure."""
    ax_basis, ax_terms, ax_fit = artists["axes"]
    Phi = hidden_outputs(model, grid)[0]
    w, b = last_layer(model)
    weighted = Phi * w[:, 0]
    d = Phi.shape[1]
    for j, (line_basis, line_term) in enumerate(zip(artists["basis"], artists["terms"])):
        line_basis.set_ydata(Phi[:, j] if j < d else grid.ravel() * np.nan)
        line_term.set_ydata(weighted[:, j] if j < d else grid.ravel() * np.nan)
    artists["constant"].set_ydata([b[0], b[0]])
    artists["fit"].set_ydata(weighted.sum(axis=1) + b[0])
    low, high = min(weighted.min(), b[0]), max(weighted.max(), b[0])
    pad = 0.08 * (high - low) + 1e-9
    ax_terms.set_ylim(low - pad, high + pad)
    ax_basis.set_title(f"{d} learned basis function{'s' if d > 1 else ''}")
    ax_terms.set_title(f"weighted; h = their sum + b (dotted: b = {b[0]:.2f})", fontsize=11)
    ax_fit.set_title(f"fit: training MSE {loss:.4f}")
    artists["warning"].set_text(
        f"poor local minimum: MSE {loss / best:.1f}× that of a\nfit with as few units "
        f"({best:.4f}), so not the best\nthese units can do" if poor else "")
