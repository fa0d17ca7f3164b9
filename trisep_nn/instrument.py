"""Look inside a network: per-layer activations and backpropagated gradients.

This is the measurement behind the vanishing-gradient lesson (Glorot & Bengio
2010, "Understanding the difficulty of training deep feedforward neural
networks"): push one batch through an MLP, backpropagate its loss, and look at
each layer's

* activations ``h_l`` (the outputs of the activation function; hidden layers),
* pre-activations ``z_l = h_{l-1} W_l + b_l`` (every Linear layer),
* backpropagated gradients ``∂L/∂z_l`` (Glorot & Bengio's figure 7),
* weight gradients ``∂L/∂W_l``.

For a deep sigmoid network with naive initialisation the gradients shrink layer
by layer towards the input; with a good initialisation their spread is about
the same in every layer::

    >>> import numpy as np
    >>> from trisep_nn.nn import MLP
    >>> X = np.random.default_rng(0).normal(size=(256, 10))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> deep = MLP([10] + [64] * 5 + [1], activation="sigmoid", init="normal", scale=0.5,
    ...            random_state=0)
    >>> snap = layer_statistics(deep, X, y)
    >>> s = snap.summary()
    >>> bool(s["gradient_std"][0] < s["gradient_std"][-1])   # first layer: smallest
    True

To follow the same statistics during training, pass a :class:`LayerRecorder`
to :func:`trisep_nn.train.fit`; it records at initialisation (epoch 0) and then
every ``every`` epochs.

Gradients are those of the batch's *mean* loss, so they scale as 1/batch size;
compare layers with each other, not with numbers from a different batch size.
"""

import numpy as np

from .nn import Linear, Sequential
from .tensor import Tensor
from .train import Callback, check_Xy, resolve_loss
from .validation import check_count

__all__ = ["layer_statistics", "Snapshot", "LayerRecorder"]

KINDS = ("activations", "preactivations", "gradients", "weight_gradients", "weights")


class Snapshot:
    """Per-layer values from one forward and backward pass (see :func:`layer_statistics`).

    Attributes
    ----------
    epoch : int or None
        Training epoch when recorded (0 = at initialisation).
    loss : float
    names : list of str
        "layer 1" ... "layer L", one per Linear layer, input to output.
    activations : list of arrays (n, width), one per hidden layer (L - 1 of them)
    preactivations, gradients, weight_gradients, weights : lists of arrays,
        one per Linear layer (L of them); ``gradients[l]`` is ∂L/∂z_l.
    """

    def __init__(self, epoch, loss, activations, preactivations, gradients,
                 weight_gradients, weights):
        self.epoch, self.loss = epoch, loss
        self.activations = activations
        self.preactivations = preactivations
        self.gradients = gradients
        self.weight_gradients = weight_gradients
        self.weights = weights
        self.names = [f"layer {i + 1}" for i in range(len(preactivations))]

    def summary(self):
        """Mean and standard deviation of each quantity, one number per layer.

        Returns a dict of arrays: ``"activation_mean"``, ``"activation_std"``
        (hidden layers), ``"gradient_mean"``, ``"gradient_std"``,
        ``"weight_gradient_std"``, ``"weight_std"`` (all Linear layers).
        """
        def stat(values, fn):
            return np.array([fn(v) for v in values])

        return {
            "activation_mean": stat(self.activations, np.mean),
            "activation_std": stat(self.activations, np.std),
            "preactivation_std": stat(self.preactivations, np.std),
            "gradient_mean": stat(self.gradients, np.mean),
            "gradient_std": stat(self.gradients, np.std),
            "weight_gradient_std": stat(self.weight_gradients, np.std),
            "weight_std": stat(self.weights, np.std),
        }

    def histograms(self, kind="gradients", bins=50, range=None, density=True):
        """Histograms of one quantity for every layer, on shared bin edges.

        Parameters
        ----------
        kind : {"activations", "preactivations", "gradients", "weight_gradients", "weights"}
        bins : int
        range : (low, high), optional
            Default: symmetric around 0 for gradients (±the largest |value|),
            from the smallest to the largest value otherwise.
        density : bool
            Normalise each histogram to unit area (Glorot & Bengio's "normalized
            histograms"), so layers of different widths compare.

        Returns
        -------
        edges : array (bins + 1,)
        counts : list of arrays (bins,), one per layer
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        values = [np.ravel(v) for v in getattr(self, kind)]
        if range is None:
            allv = np.concatenate(values) if values else np.zeros(1)
            if kind in ("gradients", "weight_gradients", "weights"):
                top = float(np.max(np.abs(allv))) or 1.0
                range = (-top, top)
            else:
                lo, hi = float(allv.min()), float(allv.max())
                range = (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)
        edges = np.histogram_bin_edges(values[0] if values else [], bins=bins, range=range)
        counts = [np.histogram(v, bins=edges, density=density)[0] for v in values]
        return edges, counts

    def __repr__(self):
        s = self.summary()
        g = ", ".join(f"{x:.2e}" for x in s["gradient_std"])
        return f"Snapshot(epoch={self.epoch}, loss={self.loss:.4g}, gradient_std=[{g}])"


def layer_statistics(model, X, y, loss="auto", epoch=None):
    """Forward and backward one batch through ``model``; return a :class:`Snapshot`.

    Parameters
    ----------
    model : Sequential or MLP
        Its layers are walked one by one to keep the intermediate values.
    X, y : arrays
        The batch (a few hundred samples is plenty).
    loss : "auto", "mse", "bce", "cross_entropy" or callable
        As in :func:`trisep_nn.train.fit`.
    epoch : int, optional
        Stored in the snapshot.

    The model's parameters and their ``.grad`` are left exactly as they were.
    """
    if not isinstance(model, Sequential):
        raise TypeError("layer_statistics: model must be a Sequential or MLP, whose layers it "
                        "can "
                        f"walk; got {type(model).__name__}")
    X, y = check_Xy(X, y)
    _, loss_fn, y = resolve_loss(loss, model, X, y)
    params = model.parameters()
    saved_grads = [p.grad for p in params]
    for p in params:
        p.grad = None
    try:
        h = Tensor(X)
        linears, pre, post = [], [], {}
        for layer in model:
            h = layer(h)
            if isinstance(layer, Linear):
                linears.append(layer)
                pre.append(h.retain_grad())
            elif linears:
                post[len(pre) - 1] = h  # the last output before the next Linear layer
        value = loss_fn(h, y)
        value.backward()
        snapshot = Snapshot(
            epoch=epoch,
            loss=float(value.item()),
            activations=[post.get(i, pre[i]).data.copy() for i in range(len(pre) - 1)],
            preactivations=[z.data.copy() for z in pre],
            gradients=[np.zeros_like(z.data) if z.grad is None else z.grad.copy() for z in pre],
            weight_gradients=[np.zeros_like(lin.weight.data) if lin.weight.grad is None
                              else lin.weight.grad.copy() for lin in linears],
            weights=[lin.weight.data.copy() for lin in linears],
        )
    finally:
        for p, g in zip(params, saved_grads):
            p.grad = g
    return snapshot


class LayerRecorder(Callback):
    """A :func:`~trisep_nn.train.fit` callback recording :func:`layer_statistics`.

    Records on a fixed batch ``(X, y)`` at initialisation (epoch 0) and after
    every ``every`` epochs. Afterwards ``snapshots`` holds the
    :class:`Snapshot` objects and :meth:`summary` stacks their statistics.

    >>> from trisep_nn.train import fit
    >>> import numpy as np
    >>> from trisep_nn.nn import MLP
    >>> X = np.random.default_rng(0).normal(size=(128, 4)); y = (X.sum(1) > 0).astype(int)
    >>> rec = LayerRecorder(X, y, every=5)
    >>> _ = fit(MLP([4, 8, 8, 1], random_state=0), X, y, epochs=10, callbacks=[rec])
    >>> [s.epoch for s in rec.snapshots]
    [0, 5, 10]
    """

    def __init__(self, X, y, loss="auto", every=1):
        every = check_count(every, "every")
        X, y = check_Xy(X, y)
        self.X, self.y, self.loss, self.every = X, y, loss, every
        self.snapshots = []

    def on_train_begin(self, model, history):
        if not self.snapshots:  # a second fit continues the same record
            self.snapshots.append(layer_statistics(model, self.X, self.y, self.loss, epoch=0))
        self._offset = self.snapshots[-1].epoch

    def on_epoch_end(self, epoch, model, history):
        if epoch % self.every == 0:
            self.snapshots.append(layer_statistics(model, self.X, self.y, self.loss,
                                                   epoch=self._offset + epoch))

    def summary(self):
        """Dict of arrays of shape (n_snapshots, n_layers), plus ``"epoch"`` and ``"loss"``."""
        parts = [s.summary() for s in self.snapshots]
        out = {key: np.array([p[key] for p in parts]) for key in parts[0]} if parts else {}
        out["epoch"] = np.array([s.epoch for s in self.snapshots])
        out["loss"] = np.array([s.loss for s in self.snapshots])
        return out
