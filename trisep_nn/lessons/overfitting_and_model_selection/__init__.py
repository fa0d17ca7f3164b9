"""Notebook 02, overfitting and model selection.

The lecture's recipe splits the data in three: a **training** set to fit
the parameters, a **validation** set to compare models and tune
hyper-parameters (here, the polynomial degree), and a **test** set for the
final evaluation, "needed since we tune, or 'peek', performance with the
validation set". The notebook measures the price of peeking (the
look-elsewhere effect) with a loop written in the notebook itself; the fits
are :mod:`trisep_nn.polynomials`'. What lives here is a plotting helper, the
explorer (:mod:`.widgets`) and the exercise checks (:mod:`.checks`).
"""

import numpy as np

__all__ = ["mark_off_scale"]


def mark_off_scale(ax, x, y, top, color="k"):
    """Mark the points of a curve that lie above ``top``, the top of the axis.

    Errors of flexible models on little data span many decades: an axis wide
    enough for all of them squashes the differences that matter. Keep the
    axis on those, and show each point above it as a ▲ at the top edge with
    its value, so the curve says where it went instead of vanishing.
    Returns the markers (a Line2D).
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    above = y > top
    markers = ax.plot(x[above], np.full(above.sum(), top), "^", color=color, ms=7,
                      clip_on=False)[0]
    for xi, yi in zip(x[above], y[above]):
        ax.annotate(f"{yi:.3g}", (xi, top), xytext=(0, 7), textcoords="offset points",
                    ha="center", va="bottom", color=color, fontsize=8)
    return markers
