"""Explorers for notebook 13 (loss landscapes and inductive bias).

* :func:`landscape_explorer`: a 2-D slice of the loss around a trained network
  along two random directions, filter-normalised or not, for the network as
  trained or rescaled (the same function with one layer ×c and the next ÷c).

The figure is built once and then only updated (``Explorer(..., clear=False)``), and
a slice is computed in one stacked forward pass (:meth:`Loss.many`), on a subsample
of the events: a move costs a fraction of a second.
"""

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.ticker import FuncFormatter, NullLocator, StrMethodFormatter

from trisep_nn.explorer import Explorer, dropdown, log_slider, slider
from trisep_nn.lessons.loss_landscapes_and_inductive_bias.loss_landscape import (
    get_weights,
    loss_function,
    loss_surface,
    random_direction,
    rescale_layers,
)
from trisep_nn.lessons.universal_approximation.widgets import log_ticks

__all__ = ["landscape_explorer"]


def landscape_explorer(model, X, y, normalization="filter", rescale=1.0, seed=0, span=1.0,
                       n_grid=13, n_events=150):
    """Sliders: normalisation, rescale factor c, direction seed and span of the slice.

    The loss is the mean binary cross-entropy on the first ``n_events`` rows of
    ``(X, y)`` (all of them if None): the shape of the slice barely changes, and a
    redraw costs a third. ``explorer.state["surface"]`` is the last grid of losses drawn.
    """
    rows = slice(None) if n_events is None else slice(0, int(n_events))
    loss_fn = loss_function(np.asarray(X)[rows], np.asarray(y)[rows])
    events = len(loss_fn.X)
    state = {"surfaces": {}}

    def surface(normalization, rescale, seed, span):  # cached: a revisit costs nothing
        key = (normalization, rescale, seed, span)
        if key not in state["surfaces"]:
            net = rescale_layers(model, rescale) if rescale != 1 else model
            center = get_weights(net)
            d1 = random_direction(center, normalization, random_state=2 * seed)
            d2 = random_direction(center, normalization, random_state=2 * seed + 1)
            a = np.linspace(-span, span, n_grid)
            state["surfaces"][key] = loss_surface(net, loss_fn, center, d1, d2, a, a)
        return state["surfaces"][key]

    def draw(fig, normalization, rescale, seed, span):
        Z = surface(normalization, rescale, seed, span)
        state["surface"] = Z
        if not fig.axes:
            state["artists"] = _build(fig, Z, n_grid, events)
        _update(state["artists"], Z, span, normalization, rescale)

    controls = {
        "normalization": dropdown({"filter (Li et al.)": "filter", "global": "global"},
                                  normalization, "directions"),
        "rescale": log_slider(float(rescale), -1, 2, "rescale c"),
        "seed": slider(int(seed), 0, 9, 1, "direction seed", continuous=False),
        "span": slider(float(span), 0.25, 2.0, 0.25, "span", continuous=False),
    }
    return Explorer(draw, controls, figsize=(10, 3.8), clear=False, state=state,
                    title="A 2-D slice of the loss around the trained network")


def _build(fig, Z, n_grid, events):
    """Axes and artists, once; :func:`_update` then only changes their data.

    The colour bar is drawn by hand, as a thin image of the colour map against
    log10(loss): matplotlib's own colour bar costs as much as the rest of the
    figure. Its labels, 1e-01, 1e+00, ..., are always five characters, so the
    Explorer can keep its layout from one slice to the next."""
    ax_map, cax, ax_cut = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 0.05, 1.1]})
    image = ax_map.imshow(Z, origin="lower", extent=(-1, 1, -1, 1), cmap="viridis_r",
                          norm=LogNorm(), interpolation="bilinear", aspect="auto")
    ax_map.plot(0, 0, "r*", ms=10)
    ax_map.set(xlabel="α (direction δ)", ylabel="β (direction η)")
    scale = cax.imshow(np.linspace(0, 1, 256)[:, None], origin="lower", aspect="auto",
                       cmap="viridis_r", extent=(0, 1, 0, 1))
    cax.set(xticks=[], title="loss")
    cax.yaxis.tick_right()
    cax.yaxis.set_major_formatter(FuncFormatter(lambda e, _: f"{10 ** e:.0e}"))
    a = np.linspace(-1, 1, n_grid)
    cut_a, = ax_cut.plot(a, a, "o-", ms=3, label="β = 0")
    cut_b, = ax_cut.plot(a, a, "s-", ms=3, label="α = 0")
    ax_cut.set(xlabel="α or β", ylabel=f"training loss ({events} events)", yscale="log",
               title="two cuts through the minimum")
    ax_cut.yaxis.set_major_formatter(StrMethodFormatter("{x:.0e}"))
    ax_cut.yaxis.set_minor_locator(NullLocator())
    ax_cut.legend(fontsize="small", loc="upper center")
    return {"map": ax_map, "image": image, "scale": scale, "cax": cax, "cut": ax_cut,
            "cut_a": cut_a, "cut_b": cut_b}


def _update(artists, Z, span, normalization, rescale):
    low, high = float(Z.min()), max(float(Z.max()), float(Z.min()) * 1.01)
    image = artists["image"]
    image.set_data(Z)
    image.set_extent((-span, span, -span, span))
    image.norm.vmin, image.norm.vmax = low, high
    decades = np.log10([low, high])  # the hand-made colour bar: the same colours, in log10
    artists["scale"].set_extent((0, 1, *decades))
    artists["cax"].set_ylim(*decades)
    artists["cax"].set_yticks(np.log10(log_ticks(low, high)))
    ticks, labels = [-span, 0, span], [f"{-span:.2f}", "0", f"{span:.2f}"]
    for axis in (artists["map"].xaxis, artists["map"].yaxis, artists["cut"].xaxis):
        axis.set_ticks(ticks, labels)  # one length for every span: the layout is kept
    artists["map"].set_title(f"{normalization}-normalised, layer 1 ×{rescale:.3g}")
    middle = Z.shape[0] // 2
    a = np.linspace(-span, span, Z.shape[1])
    artists["cut_a"].set_data(a, Z[middle])
    artists["cut_b"].set_data(a, Z[:, middle])
    cut = artists["cut"]
    cut.set_xlim(-span * 1.05, span * 1.05)
    cut.set_ylim(low / 1.2, high * 1.2)
    cut.set_yticks(log_ticks(low / 1.2, high * 1.2))
