"""The explorer of notebook 00: a first look at a network learning.

* :func:`first_network_explorer`: a small network trained once on the moons,
  its picture kept after every epoch; an epoch slider shows how the decision
  boundary forms as the loss falls, and how the test loss stops following
  the training loss.
"""

import numpy as np

from trisep_nn import data, plots
from trisep_nn.explorer import Explorer, slider

__all__ = ["first_network_explorer"]

_RESOLUTION = 80  # grid points per side of the probability map


def train_with_snapshots(X_train, y_train, X_test, y_test, points, sizes=(2, 16, 16, 1),
                         epochs=40, lr=0.005, batch_size=32, random_state=0):
    """Train ``nn.MLP(sizes)`` with Adam on the cross-entropy.

    Returns the training and test loss per epoch, epoch 0 being the network
    before training (later epochs: the training loss is the mean over the
    epoch's mini-batches, as ``fit`` records it), and the logits on
    ``points`` before training and after every epoch.
    """
    from trisep_nn.nn import MLP
    from trisep_nn.train import evaluate, fit, predict

    model = MLP(list(sizes), random_state=random_state)
    losses = {"loss": [evaluate(model, X_train, y_train, "bce")["loss"]],
              "test_loss": [evaluate(model, X_test, y_test, "bce")["loss"]]}
    logits = [predict(model, points)[:, 0]]

    def snapshot(epoch, model, history):
        logits.append(predict(model, points)[:, 0])

    history = fit(model, X_train, y_train, loss="bce", lr=lr, epochs=epochs,
                  batch_size=batch_size, X_val=X_test, y_val=y_test, callbacks=[snapshot],
                  random_state=random_state, progress=False)
    losses["loss"] += history["loss"]
    losses["test_loss"] += history["val_loss"]
    return {key: np.array(value) for key, value in losses.items()}, np.array(logits)


def _extent(X, margin=0.3):
    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
    return low[0], high[0], low[1], high[1]


def _build(fig, X, y, losses):
    """Both panels, drawn once; returns the map and the artists a move updates."""
    with plots.style():
        ax_map, ax_loss = fig.subplots(1, 2, width_ratios=[1.2, 1])
        pmap = plots.ProbabilityMap(ax_map, _extent(X), resolution=_RESOLUTION)
        for k in (0, 1):
            ax_map.scatter(*X[y == k].T, s=14, color=plots.PALETTE[k], edgecolors="white",
                           linewidths=0.5, zorder=3, label=f"class {k}", animated=True)
        ax_map.plot([], [], color="k", lw=1.5, label="boundary (p = ½)")
        ax_map.set(xlabel="x₁", ylabel="x₂")
        ax_map.grid(False)
        epochs = np.arange(len(losses["loss"]))
        ax_loss.plot(epochs, losses["loss"], color="0.2", label="training loss")
        ax_loss.plot(epochs, losses["test_loss"], color=plots.PALETTE[2], label="test loss")
        marker = ax_loss.axvline(0, color="0.35", ls=":", lw=1.5, animated=True,
                                 label="this epoch")
        ax_loss.set(xlabel="epoch (one pass over the 280 training points)",
                    ylabel="cross-entropy loss", ylim=(0, None))
        handles = ax_map.get_legend_handles_labels()[0] + ax_loss.get_legend_handles_labels()[0]
        fig.legend(handles=handles, loc="outside lower center", ncol=6)
    titles = [ax.set_title(" ", animated=True) for ax in (ax_map, ax_loss)]
    return pmap, marker, titles


def first_network_explorer(X_train=None, y_train=None, X_test=None, y_test=None, epoch=0):
    """An epoch slider through the training of a 2-16-16-1 ReLU network on the moons.

    The network is trained once when the explorer is built (40 epochs of
    mini-batch Adam, about a second), and its probability over the plane is
    kept before training and after every epoch, so moving the slider only
    redraws. Left: ``p(class 1 | x)`` and the boundary at that epoch, with
    the training points. Right: the training and test loss per epoch, the
    epoch marked. ``explorer.state`` holds the losses, the logits and the accuracy.

    Default data: the moons of notebook 00 (400 points, noise 0.25), 70 % for
    training and 30 % for testing.
    """
    if X_train is None:
        from sklearn.model_selection import train_test_split

        X, y = data.moons(400, noise=0.25, random_state=0)
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3,
                                                            random_state=0)
    state = {}
    parts = []

    def draw(fig, epoch):
        if not parts:
            parts.extend(_build(fig, X_train, y_train, state["losses"]))
        pmap, marker, (map_title, loss_title) = parts
        pmap.show(state["logits"][epoch])
        marker.set_xdata([epoch, epoch])
        accuracy = np.mean((state["test_logits"][epoch] > 0) == y_test)
        map_title.set_text(f"after {epoch} epoch{'s' if epoch != 1 else ''}: "
                           f"test accuracy {accuracy:.0%}")
        loss_title.set_text(f"epoch {epoch}: training loss {state['losses']['loss'][epoch]:.3f}")
        state.update(epoch=epoch, test_accuracy=accuracy)

    grid = plots.ProbabilityMap.grid(_extent(X_train), _RESOLUTION)  # the map's points
    points = np.vstack([grid, X_test])
    losses, logits = train_with_snapshots(X_train, y_train, X_test, y_test, points)
    state.update(losses=losses, logits=logits[:, :len(grid)], test_logits=logits[:, len(grid):])
    controls = {"epoch": slider(int(epoch), 0, len(losses["loss"]) - 1, 1, "epoch")}
    return Explorer(draw, controls, figsize=(10, 4.4), state=state, clear=False,
                    title="A network learning: drag the epoch slider through its training")
