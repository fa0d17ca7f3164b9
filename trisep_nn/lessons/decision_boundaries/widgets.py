"""Explorers for notebook 09 (decision boundaries) and the Playground.

* :func:`width_boundary_explorer`, :func:`depth_boundary_explorer` and
  :func:`l2_boundary_explorer`: the lecture's 4-class problem with one knob
  each. Every slider position is a trained network; the positions of the
  default sliders are stored ready-trained (see ``decision_boundaries.fitted_run``),
  so even a first visit costs only the redraw. The figure is built once and then
  updated in place (``Explorer(..., clear=False)``): the data points and axes
  stay, only the picture of the network's regions and the titles change.
* :func:`playground`: in the spirit of the TensorFlow Playground (see
  :mod:`trisep_nn.lessons.decision_boundaries.playground`).
"""

import asyncio
import functools

import numpy as np
from matplotlib.ticker import FixedLocator, MaxNLocator, NullFormatter

from trisep_nn import plots
from trisep_nn.explorer import Explorer, slider
from trisep_nn.lessons.decision_boundaries import (
    FOUR_CLASS,
    L2_STRENGTHS,
    MAX_HIDDEN_LAYERS,
    WIDTHS,
    count_parameters,
    fitted_run,
    linear_regions,
    weight_norm,
)
from trisep_nn.lessons.decision_boundaries.pictures import interpolation_matrix, upsample
from trisep_nn.lessons.decision_boundaries.playground import playground, selection_slider

__all__ = [
    "playground", "width_boundary_explorer", "depth_boundary_explorer", "l2_boundary_explorer",
]


def four_class_run(**changes):
    """The slide's run (``FOUR_CLASS``: 2 x 32 ReLU, α = 1e-3) with some settings
    changed, trained once and cached (see ``decision_boundaries.fitted_run``)."""
    return fitted_run(**{**FOUR_CLASS, **changes})


def draw_run(ax, run, title=None, resolution=150):
    """The decision boundary of a TrainingRun: training points filled, test points hollow."""
    plots.decision_boundary(
        run.predict_proba, run.X_train, run.y_train, ax, X_test=run.X_test, y_test=run.y_test,
        output="proba", class_names=list(run.class_names), feature_names=run.feature_names,
        resolution=resolution, legend=False, s=10, title=title,
    )
    return ax


# --------------------------------------------------------------------------- #
# A stored run's regions, drawn once and then updated
# --------------------------------------------------------------------------- #
RESOLUTION = 120  # grid points per axis where the network is evaluated
PIXELS = 360  # and the picture's pixels per axis, interpolated from them
_UPSAMPLE = interpolation_matrix(PIXELS, RESOLUTION)


@functools.lru_cache(maxsize=64)
def _regions_image(run):
    """The RGBA picture of a (read-only, cached) run's class regions over its grid:
    computed once per run, so moving a slider back costs only the redraw."""
    P = run.predict_proba(run.grid(RESOLUTION)).reshape(RESOLUTION, RESOLUTION, -1)
    return plots.class_image(upsample(P, _UPSAMPLE, _UPSAMPLE))


@functools.lru_cache(maxsize=64)
def _linear_pieces(run):
    return linear_regions(run, run.grid(150))


class _RegionsPanel:
    """One panel showing a run of the 4-class problem: the class regions as an image,
    the training points filled and the test points hollow. All the runs an explorer
    shows share the data, so only the image and the title change from run to run:
    they (and the points drawn over the image) are ``animated``, and the axes,
    ticks and labels are rendered once (see ``trisep_nn.explorer``)."""

    def __init__(self, ax, run):
        G = run.grid(RESOLUTION)
        extent = (G[0, 0], G[-1, 0], G[0, 1], G[-1, 1])
        with plots.style():
            self.image = ax.imshow(_regions_image(run), origin="lower", extent=extent,
                                   aspect="auto", interpolation="nearest", animated=True)
            colors = plots.PALETTE
            ax.scatter(*run.X_train.T, s=10, c=[colors[k] for k in run.y_train],
                       edgecolors="white", linewidths=0.5, zorder=3, animated=True)
            ax.scatter(*run.X_test.T, s=10, facecolors="none", animated=True,
                       edgecolors=[colors[k] for k in run.y_test], linewidths=1.0, zorder=3)
            ax.set(xlim=extent[:2], ylim=extent[2:], xlabel=run.feature_names[0],
                   ylabel=run.feature_names[1])
            ax.grid(False)
            for axis in (ax.xaxis, ax.yaxis):
                axis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10]))
        ax.title.set_animated(True)
        ax.title.set_fontsize(11)
        self.ax = ax

    def show(self, run, title):
        self.image.set_data(_regions_image(run))
        self.ax.title.set_text(title)  # (set_title would touch the other titles too)


def _summary(run):
    s = run.scores()
    return f"train {100 * s['accuracy']:.0f}%, test {100 * s['test_accuracy']:.0f}%"


def _prefetch(changes):
    """In Jupyter, make the other slider positions ready in the background, one per
    turn of the kernel's event loop (stored runs are only loaded; others are trained),
    so that moving the slider finds them ready. (Without a running event loop, as in
    tests and scripts, nothing happens.)"""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None

    async def fit_all():
        for change in changes:
            await asyncio.sleep(0.05)  # let the kernel run cells and slider moves first
            _regions_image(four_class_run(**change))

    return loop.create_task(fit_all())


def _one_run_explorer(name, control, run_at, title_at, figsize, extra=None):
    """An explorer whose one control picks a run of the 4-class problem: the regions
    panel (built on the first draw, updated after) and optionally an ``extra`` panel,
    ``extra(ax, run, first)``. ``state`` holds the run shown and its title."""
    state = {}

    def draw(fig, **values):
        (value,) = values.values()
        run = run_at(value)
        if not fig.axes:  # the first draw builds the figure
            axes = fig.subplots(1, 2 if extra else 1,
                                gridspec_kw=dict(width_ratios=[1.3, 1]) if extra else None)
            state["panel"] = _RegionsPanel(np.atleast_1d(axes)[0], run)
        title = title_at(value, run)
        state["panel"].show(run, title)
        if extra:
            extra(fig.axes[1], run, first="extra" not in state)
            state["extra"] = True
        state.update(run=run, title=title)

    return Explorer(draw, {name: control}, figsize=figsize, state=state, clear=False)


def width_boundary_explorer(widths=WIDTHS, width=8, depth=2, l2=1e-3):
    """Decision boundary on the 4-class problem against the width of each hidden layer."""
    def run_at(w):
        return four_class_run(hidden=[w] * depth, l2=l2)

    def title_at(w, run):
        sizes = [2, *[w] * depth, 4]
        return (f"{depth} hidden layers × {w} ReLU units "
                f"({count_parameters(sizes)} parameters)\n{_summary(run)}")

    control = selection_slider(widths, width, "units per hidden layer")
    explorer = _one_run_explorer("width", control, run_at, title_at, figsize=(5.6, 4.6))
    explorer.prefetch = _prefetch([{"hidden": [w] * depth, "l2": l2} for w in widths])
    return explorer


def depth_boundary_explorer(max_depth=MAX_HIDDEN_LAYERS, depth=2, width=8, l2=1e-3):
    """Decision boundary on the 4-class problem against the number of hidden layers,
    with the number of linear pieces the ReLU network cuts the plane into."""
    def run_at(d):
        return four_class_run(hidden=[width] * d, l2=l2)

    def title_at(d, run):
        pieces = _linear_pieces(run)
        return (f"{d} hidden layer{'s' * (d != 1)} × {width} ReLU units: "
                f"{pieces} linear piece{'s' * (pieces != 1)}\n{_summary(run)}")

    control = slider(depth, 0, max_depth, 1, "hidden layers", continuous=False)
    explorer = _one_run_explorer("depth", control, run_at, title_at, figsize=(5.6, 4.6))
    explorer.prefetch = _prefetch([{"hidden": [width] * d, "l2": l2}
                                   for d in range(max_depth + 1)])
    return explorer


WEIGHT_BINS = np.linspace(-4, 4, 81)


def _weights_panel(ax, run, first):
    """The histogram of the run's weights (log counts: the few large weights show too)."""
    weights = np.concatenate([layer.weight.data.ravel() for layer in run.model.linears])
    counts, _ = np.histogram(np.clip(weights, WEIGHT_BINS[0], WEIGHT_BINS[-1]), WEIGHT_BINS)
    if first:
        with plots.style():
            ax.stairs(counts, WEIGHT_BINS, fill=True, color=plots.PALETTE[0], baseline=0.5,
                      animated=True)
            ax.set_yscale("log")
            ax.set_ylim(0.5, 2000)
            ax.yaxis.set_major_locator(FixedLocator([1, 10, 100, 1000]))
            ax.yaxis.set_minor_formatter(NullFormatter())
            ax.set(xlabel="weight value (the edge bins hold the rest)",
                   ylabel="number of weights")
            ax.title.set_animated(True)
            ax.title.set_fontsize(11)
    ax.patches[0].set_data(values=counts)
    ax.title.set_text(f"Ω(w) = Σw² = {weight_norm(run.model):.3g}")


def l2_boundary_explorer(alphas=L2_STRENGTHS, alpha=1e-3, hidden=(32, 32)):
    """Decision boundary and weights of the slide's network against the L2 strength α."""
    def run_at(a):
        return four_class_run(hidden=list(hidden), l2=a)

    def title_at(a, run):
        return f"α = {a:g}: {_summary(run)}"

    control = selection_slider(alphas, alpha, "L2 strength α")
    explorer = _one_run_explorer("alpha", control, run_at, title_at, figsize=(9, 4.2),
                                 extra=_weights_panel)
    explorer.prefetch = _prefetch([{"hidden": list(hidden), "l2": a} for a in alphas])
    return explorer

