"""Looking at the loss landscape ``L(θ)`` of a network (notebook 13).

``θ`` has hundreds or millions of components, so we look at it along lines and
planes through parameter space:

* **the straight line** from the initial weights θ0 to the trained ones θ1
  (Goodfellow, Vinyals & Saxe 2015)::

      L((1 - t) θ0 + t θ1),   t from -0.5 to 1.5

* **a plane** around the solution spanned by two random directions δ, η
  (Li, Xu, Taylor, Studer & Goldstein 2018)::

      L(θ1 + α δ + β η)

  with each direction **filter-normalised**: every filter (the weights into one
  unit: a *column* of our ``(in, out)`` weight matrices, a row in PyTorch's
  layout) is rescaled to the norm of the same filter of θ1, and the biases are
  not moved. A ReLU network computes the same function if one layer's weights
  are multiplied by c > 0 and the next layer's divided by c; without filter
  normalisation the same minimum would then look sharper or flatter, which says
  nothing about the function. Filter normalisation removes that arbitrariness.

Weights are handled as a list of arrays, one per parameter of ``model.parameters()``:

    >>> from trisep_nn.nn import MLP
    >>> model = MLP([2, 8, 1], random_state=0)
    >>> theta = get_weights(model)
    >>> [w.shape for w in theta]
    [(2, 8), (8,), (8, 1), (1,)]
"""

import copy

import numpy as np
from scipy.special import expit

__all__ = [
    "get_weights", "set_weights", "interpolate", "random_direction", "filter_normalize",
    "Loss", "loss_function", "loss_along_line", "loss_surface", "rescale_layers", "weight_norm",
]


def get_weights(model):
    """Copies of the model's parameter arrays, in ``model.parameters()`` order."""
    return [p.data.copy() for p in model.parameters()]


def set_weights(model, weights):
    """Write a list of arrays (as from :func:`get_weights`) into the model, in place."""
    params = model.parameters()
    if len(params) != len(weights):
        raise ValueError(f"the model has {len(params)} parameter arrays, got {len(weights)}")
    for p, w in zip(params, weights):
        w = np.asarray(w, dtype=float)
        if w.shape != p.data.shape:
            raise ValueError(f"shape {w.shape} given for a parameter of shape {p.data.shape}")
        p.data[...] = w
    return model


def interpolate(theta0, theta1, t):
    """``(1 - t) θ0 + t θ1``, array by array."""
    return [(1 - t) * a + t * b for a, b in zip(theta0, theta1)]


def weight_norm(weights):
    """Euclidean norm of all the arrays together."""
    return float(np.sqrt(sum(np.sum(np.square(w)) for w in weights)))


def filter_normalize(direction, weights, ignore_bias=True):
    """Li et al.'s filter normalisation of ``direction`` against ``weights``.

    For each 2-D weight matrix (shape (in, out)), column j of the direction is
    rescaled to the norm of column j of the weights: ``d[:, j] * ‖W[:, j]‖ / ‖d[:, j]‖``.
    1-D arrays (biases) are set to zero when ``ignore_bias`` (the paper's
    choice), else rescaled as one filter. Returns new arrays.
    """
    out = []
    for d, w in zip(direction, weights):
        d, w = np.asarray(d, dtype=float), np.asarray(w, dtype=float)
        if d.ndim == 1:
            if ignore_bias:
                out.append(np.zeros_like(d))
            else:
                out.append(d * np.linalg.norm(w) / (np.linalg.norm(d) + 1e-12))
            continue
        column_norms = np.linalg.norm(d, axis=0, keepdims=True)
        out.append(d * np.linalg.norm(w, axis=0, keepdims=True) / (column_norms + 1e-12))
    return out


def random_direction(weights, normalization="filter", ignore_bias=True, random_state=None):
    """A random Gaussian direction in parameter space, normalised against ``weights``.

    normalization : "filter" (Li et al.; default), "global" (the whole direction
        scaled to the norm of all of θ, biases excluded like the filter version) or
        None (raw N(0, 1) entries).
    """
    rng = np.random.default_rng(random_state)
    d = [rng.standard_normal(np.shape(w)) for w in weights]
    if normalization is None:
        return d
    if normalization == "filter":
        return filter_normalize(d, weights, ignore_bias)
    if normalization == "global":
        keep = [not (ignore_bias and np.ndim(w) == 1) for w in weights]
        d = [x if k else np.zeros_like(x) for x, k in zip(d, keep)]
        scale = weight_norm([w for w, k in zip(weights, keep) if k]) / weight_norm(d)
        return [x * scale for x in d]
    raise ValueError(f"normalization must be 'filter', 'global' or None, got {normalization!r}")


_NUMPY_ACTIVATIONS = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh,
                      "sigmoid": expit, "logistic": expit, "identity": lambda z: z,
                      "linear": lambda z: z}


class Loss:
    """``loss_fn(model) -> float``: a model's mean loss on ``(X, y)``, without a graph.

    ``loss_fn.many(model, weight_sets)`` gives the loss for many settings of the
    model's weights (lists of arrays, as from :func:`get_weights`): for an MLP, all at
    once, as one stacked forward pass in NumPy with the loss's formula written out
    (the hundreds of points of a 2-D slice then cost a few large matrix products
    instead of hundreds of small ones; tested to agree with the engine's loss); for
    other models, one setting after the other. The model's weights are restored.
    """

    def __init__(self, X, y, loss="bce"):
        from trisep_nn import Tensor, losses

        self.X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        if loss == "bce":
            self.target, self._loss_of = y.astype(float).reshape(-1, 1), losses.bce_with_logits
            # the same, for many outputs at once: mean(max(z, 0) - z y + log(1 + e^-|z|))
            self._many_of = lambda z: np.mean(np.maximum(z, 0) - z * self.target
                                              + np.log1p(np.exp(-np.abs(z))), axis=(1, 2))
        elif loss == "mse":
            self.target, self._loss_of = y.astype(float).reshape(len(y), -1), losses.mse
            self._many_of = lambda z: np.mean((z - self.target) ** 2, axis=(1, 2))
        elif loss == "cross_entropy":
            self.target, self._loss_of = y.astype(int), losses.cross_entropy
            self._many_of = lambda z: np.array([self._of_outputs(zi) for zi in z])
        else:
            raise ValueError(f"loss must be 'bce', 'mse' or 'cross_entropy', got {loss!r}")
        self._tensor = Tensor(self.X)  # converted once: a slice evaluates it hundreds of times

    def _of_outputs(self, outputs):
        from trisep_nn import Tensor, no_grad

        with no_grad(), np.errstate(over="ignore"):
            return float(self._loss_of(outputs if isinstance(outputs, Tensor)
                                       else Tensor(outputs), self.target).item())

    def __call__(self, model):
        from trisep_nn import no_grad

        with no_grad(), np.errstate(over="ignore"):
            return self._of_outputs(model(self._tensor))

    def many(self, model, weight_sets, chunk=32):
        """The loss at each of ``weight_sets``, as an array."""
        from trisep_nn.nn import MLP

        weight_sets = list(weight_sets)
        activation = getattr(model, "activation", None)
        if not (isinstance(model, MLP) and activation in _NUMPY_ACTIVATIONS):
            saved = get_weights(model)
            try:
                return np.array([self(set_weights(model, w)) for w in weight_sets])
            finally:
                set_weights(model, saved)
        act = _NUMPY_ACTIVATIONS[activation]
        out = []
        for start in range(0, len(weight_sets), chunk):  # a chunk's activations fit in memory
            group = weight_sets[start:start + chunk]
            h = self.X
            n_layers = len(group[0]) // 2  # (weight, bias) per Linear layer, in order
            for i in range(n_layers):  # the MLP's forward, x @ W + b, for every setting at once
                W = np.stack([w[2 * i] for w in group])
                b = np.stack([w[2 * i + 1] for w in group])[:, None, :]
                h = h @ W + b
                if i < n_layers - 1:
                    h = act(h)
            with np.errstate(over="ignore"):
                out.append(self._many_of(h))
        return np.concatenate(out)


def loss_function(X, y, loss="bce"):
    """A :class:`Loss`: ``f(model) -> float``, the model's mean loss on ``(X, y)``.

    loss : "bce" (0/1 labels, one logit per row), "mse" or "cross_entropy" (integer
        labels, one logit per class).
    """
    return Loss(X, y, loss)


def loss_along_line(model, loss_fn, theta0, theta1, ts):
    """``[L((1 - t) θ0 + t θ1) for t in ts]``. The model's weights are left unchanged."""
    return loss_fn.many(model, [interpolate(theta0, theta1, t) for t in ts])


def loss_surface(model, loss_fn, center, d1, d2, alphas, betas):
    """``L(center + α d1 + β d2)`` on the grid; array of shape (len(betas), len(alphas))
    (rows β, columns α, ready for ``contour(alphas, betas, Z)``). Weights unchanged."""
    points = [[c + a * u + b * v for c, u, v in zip(center, d1, d2)]
              for b in betas for a in alphas]
    return loss_fn.many(model, points).reshape(len(betas), len(alphas))


def rescale_layers(model, c, layer=0):
    """A copy of an MLP computing the same function: Linear layer ``layer`` (weights
    and bias) times ``c > 0`` and the next Linear layer's weights divided by ``c``.

    Works because ``relu(c z) = c relu(z)`` for c > 0 (not for sigmoid or tanh).
    """
    if not c > 0:
        raise ValueError(f"c must be > 0, got {c}")
    other = copy.deepcopy(model)
    first, second = other.linears[layer], other.linears[layer + 1]
    first.weight.data *= c
    first.bias.data *= c
    second.weight.data /= c
    return other
