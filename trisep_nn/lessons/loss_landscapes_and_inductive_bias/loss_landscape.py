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

__all__ = [
    "get_weights", "set_weights", "interpolate", "random_direction", "filter_normalize",
    "loss_function", "loss_along_line", "loss_surface", "rescale_layers", "weight_norm",
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


def loss_function(X, y, loss="bce"):
    """``f(model) -> float``: the model's mean loss on ``(X, y)``, without building a graph.

    loss : "bce" (0/1 labels, one logit per row), "mse" or "cross_entropy" (integer
        labels, one logit per class). The data are converted once, so that the
        hundreds of evaluations of a 2-D slice cost one forward pass each.
    """
    from trisep_nn import losses
    from trisep_nn.tensor import Tensor, no_grad

    X = Tensor(np.asarray(X, dtype=float))
    y = np.asarray(y)
    if loss == "bce":
        target = y.astype(float).reshape(-1, 1)
        loss_of = losses.bce_with_logits
    elif loss == "mse":
        target = y.astype(float).reshape(len(y), -1)
        loss_of = losses.mse
    elif loss == "cross_entropy":
        target = y.astype(int)
        loss_of = losses.cross_entropy
    else:
        raise ValueError(f"loss must be 'bce', 'mse' or 'cross_entropy', got {loss!r}")

    def f(model):
        with no_grad(), np.errstate(over="ignore"):
            return float(loss_of(model(X), target).item())

    return f


def loss_along_line(model, loss_fn, theta0, theta1, ts):
    """``[L((1 - t) θ0 + t θ1) for t in ts]``. The model's weights are restored afterwards."""
    saved = get_weights(model)
    try:
        values = []
        for t in ts:
            set_weights(model, interpolate(theta0, theta1, t))
            values.append(loss_fn(model))
    finally:
        set_weights(model, saved)
    return np.array(values)


def loss_surface(model, loss_fn, center, d1, d2, alphas, betas):
    """``L(center + α d1 + β d2)`` on the grid; array of shape (len(betas), len(alphas))
    (rows β, columns α, ready for ``contour(alphas, betas, Z)``). Weights restored."""
    saved = get_weights(model)
    Z = np.empty((len(betas), len(alphas)))
    try:
        for i, b in enumerate(betas):
            for j, a in enumerate(alphas):
                set_weights(model, [c + a * u + b * v for c, u, v in zip(center, d1, d2)])
                Z[i, j] = loss_fn(model)
    finally:
        set_weights(model, saved)
    return Z


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
