"""Explorers for notebook 13 (loss landscapes and inductive bias).

* :func:`landscape_explorer`: a 2-D slice of the loss around a trained network
  along two random directions, filter-normalised or not, for the network as
  trained or rescaled (the same function with one layer ×c and the next ÷c).
"""

import numpy as np

from trisep_nn.explorer import Explorer, dropdown, log_slider, slider
from trisep_nn.lessons.loss_landscapes_and_inductive_bias.loss_landscape import (
    get_weights,
    loss_function,
    loss_surface,
    random_direction,
    rescale_layers,
)

__all__ = ["landscape_explorer"]


def landscape_explorer(model, X, y, normalization="filter", rescale=1.0, seed=0, span=1.0,
                       n_grid=15):
    """Sliders: normalisation, rescale factor c, direction seed and span of the slice.

    ``explorer.state["surface"]`` is the last grid of losses drawn.
    """
    loss_fn = loss_function(X, y)
    state = {}

    def draw(fig, normalization, rescale, seed, span):
        net = rescale_layers(model, rescale) if rescale != 1 else model
        center = get_weights(net)
        d1 = random_direction(center, normalization, random_state=2 * seed)
        d2 = random_direction(center, normalization, random_state=2 * seed + 1)
        a = np.linspace(-span, span, n_grid)
        Z = loss_surface(net, loss_fn, center, d1, d2, a, a)
        state["surface"] = Z
        ax_map, ax_cut = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1]})
        levels = np.geomspace(Z.min(), max(Z.max(), Z.min() * 1.01), 15)
        cs = ax_map.contourf(a, a, Z, levels=levels, cmap="viridis_r", norm="log")
        ax_map.contour(a, a, Z, levels=levels, colors="k", linewidths=0.3)
        ax_map.plot(0, 0, "r*", ms=10)
        # five labelled levels, not fifteen: tick labels dominate the redraw time
        fig.colorbar(cs, ax=ax_map, format="%.2g", ticks=levels[::3])
        ax_map.set(xlabel="α (direction δ)", ylabel="β (direction η)",
                   title=f"training loss, {normalization}-normalised, layer 1 ×{rescale:g}")
        ax_cut.plot(a, Z[n_grid // 2], "o-", ms=3, label="β = 0")
        ax_cut.plot(a, Z[:, n_grid // 2], "s-", ms=3, label="α = 0")
        ax_cut.set(xlabel="α or β", ylabel="training loss", yscale="log",
                   title="two cuts through the minimum")
        ax_cut.minorticks_off()
        ax_cut.legend(fontsize="small")

    controls = {
        "normalization": dropdown({"filter (Li et al.)": "filter", "global": "global"},
                                  normalization, "directions"),
        "rescale": log_slider(float(rescale), -1, 2, "rescale c"),
        "seed": slider(int(seed), 0, 9, 1, "direction seed", continuous=False),
        "span": slider(float(span), 0.25, 2.0, 0.25, "span", continuous=False),
    }
    explorer = Explorer(draw, controls, figsize=(10, 3.8),
                        title="A 2-D slice of the loss around the trained network", state=state)
    return explorer
