"""Explorers for notebook 05 (from logistic regression to neural networks).

:func:`learned_basis_explorer` fits ``h(x) = Σ_j w_j σ(u_j x + c_j) + b`` to
1-D data for the number of hidden units (and the initialisation seed) on the
sliders and draws the learned basis functions next to the fit.
"""

import numpy as np
from matplotlib.ticker import MaxNLocator, ScalarFormatter

from trisep_nn.explorer import Explorer, slider
from trisep_nn.lessons.from_logistic_regression_to_neural_networks import (
    fit_lbfgs,
    hidden_outputs,
    last_layer,
    plot_basis_1d,
)
from trisep_nn.nn import MLP

__all__ = ["learned_basis_explorer"]


class _PaddedFormatter(ScalarFormatter):
    """Tick labels padded to one width with figure spaces, so that the explorer can
    reuse its layout when the weights' scale changes (−6 ... 6 vs −20 ... 20)."""

    def __call__(self, x, pos=None):
        return super().__call__(x, pos).rjust(4, "\u2007")


def learned_basis_explorer(X, y, truth=None, max_hidden=8, n_hidden=3, seed=0, max_iter=500):
    """Learned basis functions against the number of hidden units.

    Each setting is fitted once by full-batch L-BFGS
    (the lesson's :func:`fit_lbfgs`) and remembered, so moving back
    to a setting is instant. Left: the basis functions ``φ_j(x) = σ(u_j x + c_j)``;
    middle: the weighted contributions ``w_j φ_j(x)`` and the constant ``b``;
    right: the data and the fit ``h(x)``, their sum.
    The explorer's ``state`` attribute holds the current model and its loss.
    """
    X = np.asarray(X, dtype=np.float64).reshape(-1, 1)
    y = np.asarray(y, dtype=np.float64).ravel()
    lo, hi = X.min(), X.max()
    grid = np.linspace(lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo), 300).reshape(-1, 1)
    cache, state = {}, {}

    def fitted(n_hidden, seed):
        if (n_hidden, seed) not in cache:
            model = MLP([1, n_hidden, 1], activation="sigmoid", random_state=seed)
            result = fit_lbfgs(model, X, y, loss="mse", max_iter=max_iter)
            cache[(n_hidden, seed)] = (model, result)
        return cache[(n_hidden, seed)]

    def draw(fig, n_hidden, seed):
        model, result = fitted(n_hidden, seed)
        state.update(model=model, loss=result["loss"], n_hidden=n_hidden, seed=seed)
        Phi = hidden_outputs(model, grid)[0]
        w, b = last_layer(model)
        ax_basis, ax_terms, ax_fit = fig.subplots(1, 3)
        plot_basis_1d(ax_basis, grid, Phi)
        ax_basis.set(xlabel="x", ylabel="φ_j(x) = σ(u_j x + c_j)", ylim=(-0.05, 1.05),
                     yticks=(0, 0.5, 1), title=f"{n_hidden} learned basis function(s)")
        plot_basis_1d(ax_terms, grid, Phi, weights=w)
        ax_terms.axhline(b[0], color="0.4", ls=":", label=f"constant b = {b[0]:.2f}")
        ax_terms.set(xlabel="x", ylabel="w_j φ_j(x)", title="weighted: h(x) = their sum + b")
        ax_terms.legend(loc="best", fontsize=8)
        if truth is not None:
            ax_fit.plot(grid, truth(grid.ravel()), color="0.5", lw=1.5, label="truth")
        ax_fit.plot(grid, Phi @ w[:, 0] + b[0], color="black", lw=2.2, label="h(x)")
        ax_fit.scatter(X, y, s=16, color="black", zorder=3, label="data")
        span = y.max() - y.min()
        ax_fit.set(xlabel="x", ylabel="y", ylim=(y.min() - 0.3 * span, y.max() + 0.3 * span),
                   title=f"fit: training MSE {result['loss']:.4f}")
        ax_fit.legend(loc="lower left", fontsize=8)
        for ax in (ax_basis, ax_terms, ax_fit):  # tick labels cost more than the curves
            ax.xaxis.set_major_locator(MaxNLocator(4))
        for ax in (ax_terms, ax_fit):
            ax.yaxis.set_major_locator(MaxNLocator(4))
        ax_terms.yaxis.set_major_formatter(_PaddedFormatter())

    explorer = Explorer(
        draw,
        {"n_hidden": slider(n_hidden, 1, max_hidden, 1, "hidden units d", continuous=False),
         "seed": slider(seed, 0, 4, 1, "initialisation seed", continuous=False)},
        figsize=(12, 3.8), title="Learned basis functions φ_j(x) = σ(u_j x + c_j)",
        state=state,
    )
    return explorer
