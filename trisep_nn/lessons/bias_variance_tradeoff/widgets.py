"""Explorers for notebook 03 (the bias–variance trade-off).

* :func:`bias_variance_explorer`: sliders for the polynomial degree and the
  training-set size; many fits from many training sets, and noise, bias²
  and variance against complexity and against the amount of data.
"""

import functools

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import MaxNLocator

from trisep_nn import data, plots
from trisep_nn.explorer import Explorer, slider
from trisep_nn.lessons.bias_variance_tradeoff import X_RANGE, decompose, draw_training_sets
from trisep_nn.polynomials import polynomial_fit_predict_many

__all__ = ["bias_variance_explorer"]

_N_GRID = (10, 15, 20, 30, 50, 80, 120, 200, 300)
_TERMS = (  # attribute, label, colour, line style
    ("bias2", "bias²", plots.PALETTE[0], "-"),
    ("variance", "variance", plots.PALETTE[1], "-"),
    ("noise", "noise", "0.4", ":"),
    ("total", "noise + bias² + variance", "k", "-"),
)
_Y_TICKS = (1e-4, 1e-2, 1)


def bias_variance_explorer(degree=3, n_train=30, max_degree=12, n_datasets=100, noise=0.1,
                           n_shown=25, random_state=0):
    """Bias and variance of polynomial fits, as a function of degree and data.

    Every setting draws ``n_datasets`` training sets of ``n_train`` points
    from ``y = cos(1.5πx) + noise · N(0, 1)`` and fits each (the same
    training sets for every degree at a given size). Building it measures
    every degree at the sizes of the right panel (about half a second).

    Left: ``n_shown`` of the fitted curves, their mean ``h̄(x)`` and the truth.
    Middle: the decomposition against the degree at this size, the directly
    measured expected test error as dots. Right: the same against the
    training-set size at this degree. Results are cached, so going back to
    a setting is instant.
    """
    degrees = np.arange(1, max_degree + 1)

    @functools.lru_cache(maxsize=64)
    def experiment(n):
        # What bias_variance_decomposition(d, n, ..., random_state=[random_state, n]) draws,
        # drawn once per size and shared by every degree (the same numbers, in the same order).
        rng = np.random.default_rng([random_state, int(n)])
        X, Y = draw_training_sets(n_datasets, int(n), noise, data.cosine, rng)
        x_eval = np.linspace(*X_RANGE, 60)
        f_eval = data.cosine(x_eval)
        return X, Y, x_eval, f_eval, f_eval + noise * rng.standard_normal((n_datasets, 60))

    @functools.lru_cache(maxsize=512)
    def measure(d, n):
        X, Y, x_eval, f_eval, y_eval = experiment(n)
        return decompose(polynomial_fit_predict_many(int(d), X, Y, x_eval), f_eval, y_eval,
                         x=x_eval)

    def draw_terms(ax, x, results, current, xlabel):
        for name, label, color, ls in _TERMS:
            ax.plot(x, [getattr(r, name) for r in results], ls, color=color, label=label)
        ax.plot(x, [r.expected_error for r in results], "o", ms=4, mfc="none", color="k",
                label="measured E[(y − h)²]")
        ax.axvline(current, color="0.35", ls="--", lw=1)
        ax.set_yscale("log")
        ax.set_ylim(noise**2 / 1000, 30)
        ax.set_yticks(_Y_TICKS)  # every other decade: tick labels cost more than the data
        ax.set_xlabel(xlabel)
        ax.minorticks_off()

    def draw(fig, degree, n_train):
        here = measure(degree, n_train)
        with plots.style():
            ax_fit, ax_deg, ax_n = fig.subplots(1, 3)
            ax_n.sharey(ax_deg)  # the same error scale, labelled once
            ax_n.tick_params(labelleft=False)
            fits = here.predictions[:n_shown]  # one collection: far cheaper than a line each
            ax_fit.add_collection(LineCollection(
                np.stack([np.broadcast_to(here.x, fits.shape), fits], axis=-1),
                color=plots.PALETTE[5], lw=0.8, alpha=0.5))
            ax_fit.plot([], [], color=plots.PALETTE[5], lw=0.8, label="fits h(x), one per set")
            ax_fit.plot(here.x, here.h_bar, color=plots.PALETTE[1], lw=2.2, label="mean h̄(x)")
            ax_fit.plot(here.x, data.cosine(here.x), "k--", lw=1.5, label="truth ȳ(x)")
            ax_fit.set(ylim=(-2, 2), xticks=(0, 0.5, 1), yticks=(-2, 0, 2))  # few labels: cheap
            ax_fit.set_xlabel("x")
            ax_fit.set_ylabel("y")
            ax_fit.set_title(f"degree {degree}, n = {n_train}: bias² {here.bias2:.2g}, "
                             f"variance {here.variance:.2g}", fontsize=10)
            ax_fit.legend(loc="lower left", fontsize=8)

            draw_terms(ax_deg, degrees, [measure(d, n_train) for d in degrees], degree,
                       "polynomial degree")
            ax_deg.xaxis.set_major_locator(MaxNLocator(4, integer=True))
            ax_deg.set_ylabel("mean squared error")
            ax_deg.set_title(f"vs complexity (n = {n_train})", fontsize=10)
            ax_deg.legend(loc="upper left", fontsize=8)

            draw_terms(ax_n, _N_GRID, [measure(degree, n) for n in _N_GRID], n_train,
                       "training-set size n")
            ax_n.set_xscale("log")
            ax_n.set_xticks(_N_GRID[::2], labels=_N_GRID[::2])
            ax_n.minorticks_off()
            ax_n.set_title(f"vs data (degree {degree})", fontsize=10)

    # The "vs data" panel needs every degree at the sizes of _N_GRID: measure them all now
    # (about half a second, once), so that moving the degree slider only redraws.
    for n in _N_GRID:
        for d in degrees:
            measure(int(d), n)

    controls = {
        "degree": slider(int(degree), 1, int(max_degree), 1, "degree"),
        "n_train": slider(int(n_train), 10, 300, 10, "training points n", continuous=False),
    }
    return Explorer(draw, controls, figsize=(12, 4),
                    title="Bias–variance: many training sets, one truth")
