"""Explorers for notebook 07 (backpropagation and training).

Both train the lecture's one-hidden-layer network ``h(x) = wᵀσ(Ux)`` with
the hand-written backward pass of this lesson (pure NumPy). Each builds its
figure once; a move only replaces the curves' data, the image and the texts,
which costs a fraction of drawing the figure anew.

    >>> from trisep_nn import data
    >>> X, y = data.moons(200, noise=0.2, random_state=0)
    >>> explorer = learning_rate_explorer(X, y)      # doctest: +SKIP
"""

import contourpy
import ipywidgets as widgets
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from trisep_nn.explorer import Explorer, log_slider
from trisep_nn.lessons.backpropagation_and_training import (
    add_bias_column,
    init_params,
    predict_proba,
    train,
)

__all__ = ["learning_rate_explorer", "batch_size_explorer"]


def _few_ticks(ax, n=4, x=True, y=True):
    """At most ``n`` ticks on linear axes: tick labels cost more to draw than the data."""
    for axis, on in ((ax.xaxis, x), (ax.yaxis, y)):
        if on:
            axis.set_major_locator(MaxNLocator(n, steps=[1, 2, 5, 10]))


def _few_log_ticks(axis):
    """Decades only, at most five, no minor ticks."""
    axis.set_major_locator(LogLocator(numticks=5))
    axis.set_minor_locator(NullLocator())


class _BoundaryPanel:
    """p(y = 1 | x) over the plane as an image, the data, and the p = ½ line:
    built once, then :meth:`show` swaps in the probabilities of new weights.
    What changes is animated (see :class:`~trisep_nn.explorer.Explorer`), so a move
    repaints the image, the data above it, the line and the title, not the axes."""

    def __init__(self, ax, X, y, resolution=80):
        from trisep_nn.plots import PALETTE

        self.ax = ax
        low, high = X.min(axis=0), X.max(axis=0)
        low, high = low - 0.1 * (high - low), high + 0.1 * (high - low)
        self.xs = np.linspace(low[0], high[0], resolution)
        self.ys = np.linspace(low[1], high[1], resolution)
        xx, yy = np.meshgrid(self.xs, self.ys)
        self.grid = add_bias_column(np.column_stack([xx.ravel(), yy.ravel()]))
        cmap = LinearSegmentedColormap.from_list("p", [PALETTE[0], "white", PALETTE[1]])
        self.image = ax.imshow(np.full(xx.shape, 0.5), origin="lower", cmap=cmap,
                               vmin=0, vmax=1, alpha=0.75, aspect="auto", animated=True,
                               extent=(low[0], high[0], low[1], high[1]))
        ax.scatter(X[:, 0], X[:, 1], c=[PALETTE[int(k)] for k in y], s=14, edgecolors="white",
                   linewidths=0.5, animated=True)  # above the image, so animated too
        self.line = ax.plot([], [], color="k", lw=1.5, animated=True,
                            scalex=False, scaley=False)[0]
        ax.set(xlabel="x₁", ylabel="x₂")
        ax.title.set_animated(True)
        _few_ticks(ax, 3)

    def show(self, U, w, title):
        P = predict_proba(self.grid, U, w).reshape(len(self.ys), len(self.xs))
        self.image.set_data(P)
        pieces = contourpy.contour_generator(self.xs, self.ys, P).lines(0.5)
        gap = np.full((1, 2), np.nan)  # one line, its pieces apart
        path = np.concatenate([part for piece in pieces for part in (piece, gap)] or [gap])
        self.line.set_data(path[:, 0], path[:, 1])
        self.ax.title.set_text(title)  # (set_title would mark the axes as changed)


def learning_rate_explorer(X, y, n_hidden=10, num_epochs=300, lr=10.0, reference_lr=10.0,
                           random_state=0):
    """Full-batch gradient descent ``θ ← θ − η ∇L`` for ``num_epochs`` epochs at
    the learning rate ``η`` of the slider, from the same initial weights every
    time. Left: the training loss per epoch (grey: ``reference_lr``); right:
    the decision boundary reached. A run is remembered, so going back is
    instant.

    The explorer's ``history`` attribute holds the last run (see
    :func:`trisep_nn.lessons.backpropagation_and_training.train`).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    Xb = add_bias_column(X)
    params = init_params(Xb.shape[1], n_hidden, random_state=random_state)
    reference = train(Xb, y, lr=reference_lr, num_epochs=num_epochs, params=params)
    state, runs, parts = {}, {}, {}  # runs: learning rate -> history

    def build(fig):
        ax_loss, ax_map = fig.subplots(1, 2)
        epochs = np.arange(num_epochs + 1)
        ax_loss.plot(epochs, reference["train_loss"], color="0.6",
                     label=f"η = {reference_lr:g} (reference)")
        parts["loss"] = ax_loss.plot(epochs, reference["train_loss"], color="C0", lw=2,
                                     label="η of the slider", animated=True)[0]
        ax_loss.title.set_animated(True)
        ax_loss.axhline(reference["train_loss"][0], color="0.3", ls=":", lw=1,
                        label="loss at the start")
        # fixed limits: every rate's curve fits, and the layout never has to change
        ax_loss.set(xlabel="epoch (= one full-batch step)", ylabel="mean cross-entropy",
                    yscale="log", ylim=(0.02, 5e3), xlim=(0, num_epochs),
                    title="training loss")
        # upper right, where no rate's curve goes (a diverging run stops), so it need not be
        # animated: repainting a legend would cost more than the rest of a move
        ax_loss.legend(loc="upper right", fontsize=8)
        _few_ticks(ax_loss, y=False)
        _few_log_ticks(ax_loss.yaxis)
        parts["map"] = _BoundaryPanel(ax_map, X, y)
        parts["loss_axes"] = ax_loss

    def draw(fig, lr):
        if not fig.axes:
            build(fig)
        if lr not in runs:
            runs[lr] = train(Xb, y, lr=lr, num_epochs=num_epochs, params=params)
        history = state["history"] = runs[lr]
        loss = history["train_loss"]
        parts["loss"].set_data(np.arange(len(loss)), loss)
        parts["loss_axes"].title.set_text(f"training loss at η = {lr:.3g}")
        parts["map"].show(history["U"], history["w"],
                          f"after {num_epochs} epochs: loss {loss[-1]:.3f}")

    return Explorer(
        draw, {"lr": log_slider(lr, -2, 3, "learning rate η", readout_format=".3g")},
        figsize=(10, 4), title="Gradient descent at different learning rates",
        state=state, clear=False,
    )


def batch_size_explorer(X, y, X_val=None, y_val=None, n_hidden=10, num_epochs=20, lr=1.0,
                        batch_size=16, random_state=0):
    """Mini-batch gradient descent: each epoch shuffles the training set and
    takes one step per mini-batch of the slider's size. Left: loss per epoch
    (training, and validation if given); right: the same runs against the
    number of updates. Grey: full-batch gradient descent for comparison.

    Every batch size the slider can reach is trained when the explorer is
    built (a few tenths of a second), so a move only redraws.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    Xb = add_bias_column(X)
    Xv = None if X_val is None else add_bias_column(X_val)
    params = init_params(Xb.shape[1], n_hidden, random_state=random_state)
    sizes = sorted({2**k for k in range(int(np.log2(n)) + 1)} | {n, int(batch_size)})
    runs = {B: train(Xb, y, lr=lr, num_epochs=num_epochs, batch_size=B, X_val=Xv,
                     y_val=y_val, params=params, random_state=random_state) for B in sizes}
    full = train(Xb, y, lr=lr, num_epochs=num_epochs, params=params)
    state, parts = {}, {}
    epochs = np.arange(num_epochs + 1)

    def draw(fig, batch_size):
        if not fig.axes:
            parts.update(_build_batch_figure(fig, epochs, full, runs, Xv is not None))
        history = state["history"] = runs[batch_size]
        per_epoch = int(np.ceil(n / batch_size))
        ax_epoch, ax_steps = parts["axes"]
        for ax, first in ((ax_epoch, 0), (ax_steps, 1)):
            x = epochs[first:] * (1 if ax is ax_epoch else per_epoch)
            parts[ax, "train"].set_data(x, history["train_loss"][first:])
            parts[ax, "train"].set_label(f"batch size {batch_size}")
            if Xv is not None:
                parts[ax, "val"].set_data(x, history["val_loss"][first:])
        ax_epoch.legend(loc="lower left", fontsize=8)
        ax_epoch.set_title(f"batch size {batch_size}: {per_epoch} update(s) per epoch",
                           fontsize=10)
        ax_steps.set_title(f"{history['steps']} updates in {num_epochs} epochs", fontsize=10)

    control = widgets.SelectionSlider(
        options=sizes, value=int(batch_size), description="batch size",
        continuous_update=False, style={"description_width": "initial"})
    return Explorer(draw, {"batch_size": control}, figsize=(10, 4),
                    title=f"Mini-batches: {num_epochs} epochs at η = {lr:g}", state=state,
                    clear=False)


def _build_batch_figure(fig, epochs, full, runs, with_validation):
    """The two panels of :func:`batch_size_explorer` with the full-batch reference
    and empty curves for the runs; the limits fit every run, so they never change."""
    n = max(runs)  # the batch sizes run up to the whole training set
    num_epochs = len(epochs) - 1
    parts = {}
    ax_epoch, ax_steps = fig.subplots(1, 2, sharey=True)
    for ax, first in ((ax_epoch, 0), (ax_steps, 1)):  # a log axis has no update 0
        ax.plot(epochs[first:], full["train_loss"][first:], color="0.6",
                label=f"full batch ({n})")
        parts[ax, "train"] = ax.plot(epochs, epochs * np.nan, "C0", lw=2, label="training")[0]
        if with_validation:
            parts[ax, "val"] = ax.plot(epochs, epochs * np.nan, "C1", lw=1.5,
                                       label="validation")[0]
    top = max(max(r["train_loss"].max() for r in runs.values()), full["train_loss"].max())
    ax_epoch.set(xlabel="epoch (one pass over the training set)",
                 ylabel="mean cross-entropy", ylim=(0, 1.05 * top))
    ax_steps.set(xlabel="number of updates (log scale)", xscale="log",
                 xlim=(0.8, num_epochs * n * 1.2))
    ax_epoch.legend(loc="lower left", fontsize=8)
    _few_ticks(ax_epoch)
    _few_log_ticks(ax_steps.xaxis)
    parts["axes"] = ax_epoch, ax_steps
    return parts
