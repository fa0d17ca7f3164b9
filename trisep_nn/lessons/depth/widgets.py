"""Explorers for notebook 11 (depth).

* :func:`sawtooth_explorer`: the k-fold sawtooth drawn by the deep network of
  :func:`trisep_nn.lessons.depth.deep_sawtooth_network`, its pieces counted, and what
  happens when its weights are jittered; next to it, the parameters a deep and a
  one-hidden-layer network need, against k.

The figure is built once and then only updated (``Explorer(..., clear=False)``):
a move recomputes one network on 8193 points and redraws, it never rebuilds axes.
"""

import numpy as np
from matplotlib.ticker import StrMethodFormatter

from trisep_nn.explorer import Explorer, slider
from trisep_nn.lessons.depth import (
    count_linear_pieces,
    deep_sawtooth_network,
    jitter_weights,
    network_output,
    sawtooth,
)
from trisep_nn.lessons.universal_approximation.widgets import plain_log_labels, visible_ticks

__all__ = ["sawtooth_explorer"]


def sawtooth_explorer(k=3, jitter=0.0, max_k=8, seed=0):
    """Sliders: folds ``k`` and the relative weight noise ``jitter`` of the deep network.

    ``explorer.state`` holds the last ``"pieces"`` counted and the ``"output"`` drawn.
    """
    x = np.linspace(0, 1, 2 ** 13 + 1)  # kinks of k <= 8 sit on grid points when jitter = 0
    ks = np.arange(1, max_k + 1)
    costs = {"deep": 6 * ks + 1,  # 2 + 2, then 4 + 2 per extra layer, then 2 + 1
             "one layer": 3 * (2 ** ks - 1) + 1}  # the counting bound: 2^k - 1 units
    state = {}

    def draw(fig, k, jitter):
        model = deep_sawtooth_network(k)
        if jitter > 0:
            model = jitter_weights(model, jitter, random_state=seed)
        y = network_output(model, x)
        state.update(pieces=count_linear_pieces(x, y), output=y)
        if not fig.axes:
            state["artists"] = _build(fig, x, ks, costs)
        _update(state["artists"], x, y, k, jitter, state["pieces"], costs)

    controls = {
        "k": slider(int(k), 1, int(max_k), 1, "folds k"),
        "jitter": slider(float(jitter), 0.0, 0.2, 0.01, "weight noise (relative)"),
    }
    return Explorer(draw, controls, figsize=(10, 3.6), clear=False, state=state,
                    title="Telgarsky's sawtooth: k tent maps composed")


def _build(fig, x, ks, costs):
    """Axes and artists, once; :func:`_update` then only changes their data."""
    ax_saw, ax_par = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    exact, = ax_saw.plot(x, x, color="0.75", lw=1, label="exact sawtooth")
    net, = ax_saw.plot(x, x, color="C0", lw=1.2, label="deep network")
    # few tick labels (text is most of a redraw), one decimal: a longer label ("-0.4")
    # is a longer string, so the Explorer knows to lay the figure out again
    ax_saw.set(xlabel="x", ylabel="network output", xticks=[0, 0.5, 1])
    ax_saw.yaxis.set_major_formatter(StrMethodFormatter("{x:.1f}"))
    # below the axes: with weight noise the curve can be anywhere inside them
    ax_saw.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize="small")
    for (name, cost), marker in zip(costs.items(), "os"):
        ax_par.semilogy(ks, cost, marker + "-", ms=4,
                        label="deep: 6k + 1" if name == "deep" else "one layer: ≥ 3(2^k - 1) + 1")
    star, = ax_par.semilogy(ks[:1], costs["deep"][:1], "*", ms=12, color="C3")
    ax_par.set(xlabel="folds k", ylabel="parameters needed", title="cost of the sawtooth (★: k)",
               xticks=ks[1::2])
    plain_log_labels(ax_par.yaxis)
    ax_par.legend(loc="upper left", fontsize="small")
    return {"ax": ax_saw, "exact": exact, "net": net, "star": star}


def _update(artists, x, y, k, jitter, pieces, costs):
    ax = artists["ax"]
    artists["exact"].set_ydata(sawtooth(x, k))
    legend = ax.get_legend()
    for shown in (artists["exact"], legend.legend_handles[0], legend.get_texts()[0]):
        shown.set_visible(jitter > 0)  # the grey reference only with noise, and its entry
    artists["net"].set_ydata(y)
    ax.get_legend().get_texts()[1].set_text(f"deep network, {2 * k} ReLU units")
    # the noisy network can leave [0, 1]: widen the view in steps of ½ so nothing is cut off
    low, high = min(-0.25, np.floor(2 * y.min()) / 2), max(1.25, np.ceil(2 * y.max()) / 2)
    ax.set_ylim(low, high)
    ax.set_yticks(visible_ticks(low, high))
    ax.set_title(f"{pieces} linear pieces (2^k = {2 ** k}), t composed {k}×")
    artists["star"].set_data([k, k], [costs["deep"][k - 1], costs["one layer"][k - 1]])
