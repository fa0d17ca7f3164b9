"""Explorers for notebook 11 (depth).

* :func:`sawtooth_explorer`: the k-fold sawtooth drawn by the deep network of
  :func:`trisep_nn.lessons.depth.deep_sawtooth_network`, its pieces counted, and what
  happens when its weights are jittered; next to it, the parameters a deep and a
  one-hidden-layer network need, against k.
"""

import numpy as np

from trisep_nn.explorer import Explorer, slider
from trisep_nn.lessons.depth import (
    count_linear_pieces,
    deep_sawtooth_network,
    jitter_weights,
    network_output,
    sawtooth,
)

__all__ = ["sawtooth_explorer"]


def sawtooth_explorer(k=3, jitter=0.0, max_k=8, seed=0):
    """Sliders: folds ``k`` and the relative weight noise ``jitter`` of the deep network.

    ``explorer.state`` holds the last ``"pieces"`` counted and the ``"output"`` drawn.
    """
    x = np.linspace(0, 1, 2 ** 13 + 1)  # kinks of k <= 8 sit on grid points when jitter = 0
    ks = np.arange(1, max_k + 1)
    deep_params = 6 * ks + 1  # 2 + 2, then 4 + 2 per extra layer, then 2 + 1
    shallow_params = 3 * (2 ** ks - 1) + 1  # the counting bound: 2^k - 1 units
    state = {}

    def draw(fig, k, jitter):
        model = deep_sawtooth_network(k)
        if jitter > 0:
            model = jitter_weights(model, jitter, random_state=seed)
        y = network_output(model, x)
        pieces = count_linear_pieces(x, y)
        state.update(pieces=pieces, output=y)
        ax_saw, ax_par = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
        if jitter > 0:
            ax_saw.plot(x, sawtooth(x, k), color="0.75", lw=1, label="exact sawtooth")
        ax_saw.plot(x, y, color="C0", lw=1.2, label=f"deep network, {2 * k} ReLU units")
        ax_saw.set(xlabel="x", ylabel=f"network output ($t$ composed {k}×)",
                   title=f"{pieces} linear pieces (2^k = {2 ** k})")
        ax_saw.legend(loc="lower right", fontsize="small")
        ax_par.semilogy(ks, deep_params, "o-", ms=4, label="deep: 6k + 1")
        ax_par.semilogy(ks, shallow_params, "s-", ms=4, label="one layer: ≥ 3(2^k - 1) + 1")
        ax_par.semilogy([k, k], [deep_params[k - 1], shallow_params[k - 1]], "*", ms=12,
                        color="C3")
        ax_par.set(xlabel="folds k", ylabel="parameters needed", title="cost of the sawtooth")
        ax_par.minorticks_off()
        ax_par.legend(loc="upper left", fontsize="small")

    controls = {
        "k": slider(int(k), 1, int(max_k), 1, "folds k"),
        "jitter": slider(float(jitter), 0.0, 0.2, 0.01, "weight noise (relative)"),
    }
    explorer = Explorer(draw, controls, figsize=(10, 3.6),
                        title="Telgarsky's sawtooth: k tent maps composed", state=state)
    return explorer
