"""Explorers for notebook 07 (backpropagation and training).

Both retrain the lecture's one-hidden-layer network ``h(x) = wᵀσ(Ux)`` with
the hand-written backward pass of this lesson (pure NumPy, so a
refit takes tens of milliseconds) and redraw when the slider is released.

    >>> from trisep_nn import data
    >>> X, y = data.moons(200, noise=0.2, random_state=0)
    >>> explorer = learning_rate_explorer(X, y)      # doctest: +SKIP
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import LogLocator, MaxNLocator

from trisep_nn.explorer import Explorer, log_slider
from trisep_nn.lessons.backpropagation_and_training import (
    add_bias_column,
    init_params,
    predict_proba,
    train,
)

__all__ = ["learning_rate_explorer", "batch_size_explorer"]


def _with_bias(X):
    return add_bias_column(X)


def _boundary(ax, U, w, X, y, title):
    from trisep_nn import plots

    plots.decision_boundary(lambda Z: predict_proba(_with_bias(Z), U, w), X, y, ax=ax,
                            resolution=80, legend=False, title=title)
    _few_ticks(ax, 3)


def _few_ticks(ax, n=4, x=True, y=True):
    """At most ``n`` ticks on linear axes: tick labels cost more to draw than the data."""
    for axis, on in ((ax.xaxis, x), (ax.yaxis, y)):
        if on:
            axis.set_major_locator(MaxNLocator(n, steps=[1, 2, 5, 10]))


def _few_log_ticks(axis):
    """Decades only, at most five, no minor ticks."""
    axis.set_major_locator(LogLocator(numticks=5))
    axis.set_minor_locator(LogLocator(subs=()))


def learning_rate_explorer(X, y, n_hidden=10, num_epochs=300, lr=10.0, reference_lr=10.0,
                           random_state=0):
    """Full-batch gradient descent ``θ ← θ − η ∇L`` for ``num_epochs`` epochs at
    the learning rate ``η`` of the slider, from the same initial weights every
    time. Left: the training loss per epoch (grey: ``reference_lr``); right:
    the decision boundary reached.

    The explorer's ``history`` attribute holds the last run (see
    :func:`trisep_nn.lessons.backpropagation_and_training.train`).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    Xb = _with_bias(X)
    params = init_params(Xb.shape[1], n_hidden, random_state=random_state)
    reference = train(Xb, y, lr=reference_lr, num_epochs=num_epochs, params=params)
    state, runs = {}, {}  # runs: learning rate -> history (same start: going back is instant)

    def draw(fig, lr):
        if lr not in runs:
            runs[lr] = train(Xb, y, lr=lr, num_epochs=num_epochs, params=params)
        history = runs[lr]
        state["history"] = history
        ax_loss, ax_map = fig.subplots(1, 2)
        epochs = np.arange(len(history["train_loss"]))
        ax_loss.plot(np.arange(num_epochs + 1), reference["train_loss"], color="0.6",
                     label=f"η = {reference_lr:g} (reference)")
        ax_loss.plot(epochs, history["train_loss"], color="C0", lw=2, label=f"η = {lr:.3g}")
        ax_loss.axhline(history["train_loss"][0], color="0.3", ls=":", lw=1,
                        label="loss at the start")
        ax_loss.set(xlabel="epoch (= one full-batch step)", ylabel="mean cross-entropy",
                    yscale="log", title="training loss")
        ax_loss.legend(loc="lower left")
        _few_ticks(ax_loss, y=False)
        _few_log_ticks(ax_loss.yaxis)
        _boundary(ax_map, history["U"], history["w"], X, y,
                  f"after {num_epochs} epochs: loss {history['train_loss'][-1]:.3f}")

    explorer = Explorer(
        draw, {"lr": log_slider(lr, -2, 3, "learning rate η", readout_format=".3g")},
        figsize=(10, 4), title="Gradient descent at different learning rates",
        state=state,
    )
    return explorer


def batch_size_explorer(X, y, X_val=None, y_val=None, n_hidden=10, num_epochs=20, lr=1.0,
                        batch_size=16, random_state=0):
    """Mini-batch gradient descent: each epoch shuffles the training set and
    takes one step per mini-batch of the slider's size. Left: loss per epoch
    (training, and validation if given); right: the same runs against the
    number of updates. Grey: full-batch gradient descent for comparison.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    Xb = _with_bias(X)
    Xv = None if X_val is None else _with_bias(X_val)
    params = init_params(Xb.shape[1], n_hidden, random_state=random_state)
    full = train(Xb, y, lr=lr, num_epochs=num_epochs, params=params)
    state, runs = {}, {}  # runs: batch size -> history (same seed: going back is instant)

    def draw(fig, batch_size):
        if batch_size not in runs:
            runs[batch_size] = train(
                Xb, y, lr=lr, num_epochs=num_epochs, batch_size=batch_size, X_val=Xv,
                y_val=y_val, params=params, random_state=random_state)
        history = runs[batch_size]
        state["history"] = history
        per_epoch = int(np.ceil(n / batch_size))
        ax_epoch, ax_steps = fig.subplots(1, 2, sharey=True)
        epochs = np.arange(num_epochs + 1)
        for ax, x in ((ax_epoch, epochs), (ax_steps, epochs * per_epoch)):
            ax.plot(epochs, full["train_loss"], color="0.6", label=f"full batch ({n})")
            ax.plot(x, history["train_loss"], "C0", lw=2, label=f"batch size {batch_size}")
            if Xv is not None:
                ax.plot(x, history["val_loss"], "C1", lw=1.5, label="validation")
        ax_epoch.set(xlabel="epoch (one pass over the training set)", ylabel="mean cross-entropy",
                     title=f"{per_epoch} update(s) per epoch")
        ax_steps.set(xlabel="number of updates (log scale)", xscale="log",
                     xlim=(1, max(num_epochs * per_epoch, num_epochs) * 1.2),
                     title=f"{history['steps']} updates in {num_epochs} epochs")
        ax_epoch.legend(loc="lower left")
        _few_ticks(ax_epoch)
        _few_log_ticks(ax_steps.xaxis)

    sizes = sorted({2**k for k in range(int(np.log2(n)) + 1)} | {n, int(batch_size)})
    control = widgets.SelectionSlider(
        options=sizes, value=int(batch_size), description="batch size",
        continuous_update=False, style={"description_width": "initial"})
    explorer = Explorer(
        draw, {"batch_size": control},
        figsize=(10, 4), title=f"Mini-batches: {num_epochs} epochs at η = {lr:g}",
     state=state)
    return explorer
