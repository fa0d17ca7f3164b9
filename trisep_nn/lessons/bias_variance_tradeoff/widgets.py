"""Explorers for notebook 03 (the bias–variance trade-off).

* :func:`bias_variance_explorer`: sliders for the polynomial degree and the
  training-set size; many fits from many training sets, and noise, bias²
  and variance against complexity and against the amount of data.

The measured bias² carries a Monte-Carlo floor: ``h̄`` is the mean of only M
fits, and its scatter, variance / M, adds to ``(ȳ − h̄)²``. Where the
variance is large that floor grows with the degree, and a plot of the raw
measurement would say "bias grows with complexity", the opposite of the
slide. So the explorer draws bias² with the floor subtracted where it is
significant (3 standard errors), and an upper limit (▼) where it is not.
"""

import numpy as np
from ipywidgets import SelectionSlider
from matplotlib.collections import LineCollection
from matplotlib.ticker import MaxNLocator

from trisep_nn import data, plots
from trisep_nn.explorer import Explorer, slider
from trisep_nn.lessons.bias_variance_tradeoff import X_RANGE, decompose, draw_training_sets
from trisep_nn.polynomials import polynomial_fit_predict_degrees

__all__ = ["bias_variance_explorer"]

#: The training-set sizes the explorer offers (and measures when it is built).
N_GRID = (10, 15, 20, 30, 50, 80, 120, 200, 300)
_N_TEST = 60
_Y_RANGE = (1e-5, 30.0)  # mean squared error shown; values above are marked ▲ at the top
_Y_TICKS = (1e-4, 1e-2, 1)
_CURVES = (  # key, label, colour, line style
    ("bias2", "bias² (Monte-Carlo floor subtracted)", plots.PALETTE[0], "-"),
    ("variance", "variance", plots.PALETTE[1], "-"),
    ("noise", "noise", "0.4", ":"),
    ("total", "noise + bias² + variance", "k", "-"),
)


def measure_grid(degrees, sizes=N_GRID, n_datasets=100, noise=0.1, random_state=0):
    """``{(degree, n): BiasVariance}`` for every degree and training-set size.

    At each size, ``n_datasets`` training sets and the fresh test labels are
    drawn once and shared by every degree (common random numbers: the curves
    against the degree are smooth), as ``bias_variance_decomposition`` would
    draw them with the seed ``[random_state, n]``.
    """
    table = {}
    x_eval = np.linspace(*X_RANGE, _N_TEST)
    f_eval = data.cosine(x_eval)
    for n in sizes:
        rng = np.random.default_rng([random_state, int(n)])
        X, Y = draw_training_sets(n_datasets, int(n), noise, data.cosine, rng)
        y_eval = f_eval + noise * rng.standard_normal((n_datasets, _N_TEST))
        for d, H in zip(degrees, polynomial_fit_predict_degrees(degrees, X, Y, x_eval)):
            table[int(d), int(n)] = decompose(H, f_eval, y_eval, x=x_eval)
    return table


def curves(results):
    """The arrays one panel draws, from a list of BiasVariance (one per x value).

    ``bias2`` is the floor-subtracted bias² where it is measured (3 standard
    errors above zero), NaN elsewhere; ``limit`` is the upper limit on bias²
    where it is not measured, NaN elsewhere.
    """
    get = {key: np.array([getattr(r, key) for r in results])
           for key in ("noise", "variance", "total", "expected_error", "bias2_unbiased",
                       "bias2_measured", "bias2_limit")}
    get["bias2"] = np.where(get["bias2_measured"], get["bias2_unbiased"], np.nan)
    get["limit"] = np.where(get["bias2_measured"], np.nan, get["bias2_limit"])
    return get


def _bias2_text(r):
    if r.bias2_measured:
        return f"bias² {r.bias2_unbiased:.2g}"
    return f"bias² < {r.bias2_limit:.2g}"


def _build_terms(ax, xlabel):
    """One panel of the decomposition: its lines, empty, to be filled by _set_terms."""
    lines = {key: ax.plot([], [], ls, color=color, label=label, animated=True,
                          marker="o" if key == "bias2" else None, ms=3)[0]
             for key, label, color, ls in _CURVES}
    lines["limit"] = ax.plot([], [], "v", color=plots.PALETTE[0], ms=5, animated=True,
                             label="bias² too small to measure: upper limit")[0]
    lines["expected_error"] = ax.plot([], [], "o", ms=4, mfc="none", color="k", animated=True,
                                      label="measured E[(y − h)²]")[0]
    lines["off_scale"] = ax.plot([], [], "^", color="k", ms=6, clip_on=False, animated=True,
                                 label="off the scale (above 30)")[0]
    lines["off_scale"].set_in_layout(False)  # unclipped, it would count in the layout
    lines["current"] = ax.axvline(1, color="0.35", ls="--", lw=1, animated=True)
    ax.set_yscale("log")
    ax.set_ylim(*_Y_RANGE)
    ax.set_yticks(_Y_TICKS)  # every other decade: tick labels cost more than the data
    ax.minorticks_off()
    ax.set_xlabel(xlabel)
    return lines


def _set_terms(lines, x, results, current):
    values = curves(results)
    for key in ("bias2", "variance", "noise", "total", "expected_error", "limit"):
        lines[key].set_data(x, values[key])
    above = values["total"] > _Y_RANGE[1]
    lines["off_scale"].set_data(np.asarray(x)[above], np.full(above.sum(), _Y_RANGE[1]))
    lines["current"].set_xdata([current, current])


def _build(fig, degrees):
    """The three panels, drawn once; returns their artists by name."""
    with plots.style():
        ax_fit, ax_deg, ax_n = fig.subplots(1, 3)
        ax_n.sharey(ax_deg)  # the same error scale, labelled once
        ax_n.tick_params(labelleft=False)
        fits = LineCollection([], color=plots.PALETTE[5], lw=0.8, alpha=0.5, animated=True)
        ax_fit.add_collection(fits)
        fits_key = ax_fit.plot([], [], color=plots.PALETTE[5], lw=0.8,
                               label="fits h(x), one per training set")[0]
        h_bar = ax_fit.plot([], [], color=plots.PALETTE[1], lw=2.2, label="mean h̄(x)",
                            animated=True)[0]
        x = np.linspace(*X_RANGE, 200)
        truth = ax_fit.plot(x, data.cosine(x), "k--", lw=1.5, label="truth ȳ(x)")[0]
        ax_fit.set(xlim=X_RANGE, ylim=(-2, 2), xticks=(0, 0.5, 1), yticks=(-2, 0, 2),
                   xlabel="x", ylabel="y")

        by_degree = _build_terms(ax_deg, "polynomial degree")
        ax_deg.set_xlim(degrees[0] - 0.5, degrees[-1] + 0.5)
        ax_deg.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        ax_deg.set_ylabel("mean squared error")
        by_n = _build_terms(ax_n, "training-set size n")
        ax_n.set_xscale("log")
        ax_n.set_xlim(N_GRID[0] / 1.2, N_GRID[-1] * 1.2)
        ax_n.set_xticks(N_GRID[::2], labels=N_GRID[::2])
        ax_n.minorticks_off()
        legend = [fits_key, h_bar, truth] + [
            by_degree[key] for key in ("bias2", "limit", "variance", "noise", "total",
                                       "expected_error", "off_scale")]
        fig.legend(handles=legend, loc="outside lower center", ncol=5, fontsize=8)
    return {"fits": fits, "h_bar": h_bar, "by_degree": by_degree, "by_n": by_n,
            "titles": [ax.set_title(" ", fontsize=10, animated=True)
                       for ax in (ax_fit, ax_deg, ax_n)]}


def bias_variance_explorer(degree=3, n_train=30, max_degree=12, n_datasets=100, noise=0.1,
                           n_shown=25, random_state=0):
    """Bias and variance of polynomial fits, as a function of degree and data.

    Every setting draws ``n_datasets`` training sets of ``n_train`` points
    from ``y = cos(1.5πx) + noise · N(0, 1)`` and fits each (the same
    training sets for every degree at a given size). Every setting the
    sliders can reach is measured when the explorer is built (about half a
    second), so a move only redraws.

    Left: ``n_shown`` of the fitted curves, their mean ``h̄(x)`` and the truth.
    Middle: the decomposition against the degree at this size, the directly
    measured expected test error as dots. Right: the same against the
    training-set size at this degree. In both, bias² is drawn with its
    Monte-Carlo floor subtracted (see the module docstring); the numbers
    behind the picture are in ``explorer.state``.
    """
    degrees = np.arange(1, max_degree + 1)
    table = measure_grid(degrees, N_GRID, n_datasets, noise, random_state)
    state = {}
    artists = {}

    def draw(fig, degree, n_train):
        if not artists:
            artists.update(_build(fig, degrees))
        here = table[degree, n_train]
        fits = here.predictions[:n_shown]
        artists["fits"].set_segments(np.stack([np.broadcast_to(here.x, fits.shape), fits], -1))
        artists["h_bar"].set_data(here.x, here.h_bar)
        _set_terms(artists["by_degree"], degrees, [table[d, n_train] for d in degrees], degree)
        _set_terms(artists["by_n"], N_GRID, [table[degree, n] for n in N_GRID], n_train)
        fit_title, deg_title, n_title = artists["titles"]
        fit_title.set_text(f"degree {degree}, n = {n_train}: {_bias2_text(here)}, "
                           f"variance {here.variance:.2g}")
        deg_title.set_text(f"vs complexity (n = {n_train})")
        n_title.set_text(f"vs data (degree {degree})")
        state.update(here=here, by_degree=curves([table[d, n_train] for d in degrees]),
                     by_n=curves([table[degree, n] for n in N_GRID]))

    controls = {
        "degree": slider(int(degree), 1, int(max_degree), 1, "degree"),
        "n_train": SelectionSlider(options=list(N_GRID), value=int(n_train),
                                   description="training points n",
                                   style={"description_width": "initial"}),
    }
    return Explorer(draw, controls, figsize=(12, 4.6), state=state, clear=False,
                    title="Bias–variance: many training sets, one truth")
