"""Loss functions ``L(w)`` and penalties ``Ω(w)`` as differentiable Tensors.

All data losses are **means** (over all elements for ``mse`` and
``bce_with_logits``, over rows for ``cross_entropy``), so their size does not
depend on the batch size. Each checks its inputs and raises a ValueError that
says what is wrong (mismatched shapes, labels that are not integers, ...), then
calls one fused node (below: its forward value and its gradient in closed form),
which stays finite for logits as large as ±1000::

    >>> import numpy as np
    >>> from trisep_nn.tensor import Tensor
    >>> logits = Tensor(np.array([[1000.0], [-1000.0]]), requires_grad=True)
    >>> bce_with_logits(logits, np.array([[1.0], [1.0]])).item()   # (0 + 1000) / 2
    500.0

Penalties follow the lecture, ``L(w) = data loss + α Ω(w)``:

* ``l2_penalty(params) = Σ w²`` (``Ω = ‖w‖²``, no factor ½),
* ``l1_penalty(params) = Σ |w|``.

Given a Module they penalise its **weights only** (parameters with two or more
dimensions; biases are not penalised, as in scikit-learn); given a list of
Tensors they penalise exactly those. scikit-learn's ``MLPClassifier(alpha=a)``
adds ``a / (2 n_batch) · l2_penalty(model)`` to the mean loss of each batch.
"""

import numbers

import numpy as np

from .ops import Op, custom_op, describe
from .tensor import Tensor

__all__ = ["mse", "bce_with_logits", "cross_entropy", "l1_penalty", "l2_penalty"]


def mse(pred, target):
    """Mean squared error ``mean((pred - target)²)`` over all elements.

    >>> from trisep_nn.tensor import Tensor
    >>> mse(Tensor([1.0, 2.0, 3.0]), [1.0, 2.0, 5.0]).item()    # (0 + 0 + 4) / 3
    1.3333333333333333
    """
    pred = _tensor(pred, "pred")
    target = check_target(pred, target, "mse")
    return _mse(pred, target)


def bce_with_logits(logits, targets):
    """Binary cross-entropy of ``σ(logits)`` against targets in [0, 1], mean over elements.

    ``-[y log σ(z) + (1 - y) log(1 - σ(z))]`` computed as
    ``max(z, 0) - z y + log(1 + e^-|z|)``, which never overflows. Pass raw
    logits ``z`` (no sigmoid applied).

    >>> from trisep_nn.tensor import Tensor
    >>> round(bce_with_logits(Tensor([0.0]), [1.0]).item(), 6)       # log 2
    0.693147
    """
    logits = _tensor(logits, "logits")
    targets = check_target(logits, targets, "bce_with_logits")
    check_binary_targets(targets)
    return _bce(logits, targets)


def cross_entropy(logits, int_labels):
    """Softmax cross-entropy, mean over rows: ``mean(-log softmax(logits)[i, y_i])``.

    Parameters
    ----------
    logits : Tensor, shape (n, K)
        Raw scores, one column per class (no softmax applied).
    int_labels : array of int, shape (n,)
        The class of each row, in ``0 .. K-1``. Float arrays holding whole
        numbers are accepted; anything else is a ValueError.

    >>> from trisep_nn.tensor import Tensor
    >>> round(cross_entropy(Tensor([[0.0, 0.0, 0.0]]), [2]).item(), 6)   # log 3
    1.098612
    """
    logits = _tensor(logits, "logits")
    labels = check_labels(logits, int_labels)
    return _softmax_ce(logits, labels=labels)


def l2_penalty(params):
    """``Ω(w) = Σ w²`` over the weights of a Module, or over the Tensors given.

    >>> from trisep_nn.tensor import Tensor
    >>> l2_penalty([Tensor([1.0, -2.0], requires_grad=True)]).item()
    5.0
    """
    params = _penalised(params)

    def backward(g):
        return tuple(2.0 * g * p.data for p in params)

    value = sum(float(np.vdot(p.data, p.data)) for p in params)
    return _node(value, params, backward)


def l1_penalty(params):
    """``Ω(w) = Σ |w|`` over the weights of a Module, or over the Tensors given.

    Its gradient is ``sign(w)`` (0 at w = 0): a constant pull towards zero, which
    is why L1 makes weights exactly zero while L2 only makes them small.

    >>> from trisep_nn.tensor import Tensor
    >>> l1_penalty([Tensor([1.0, -2.0], requires_grad=True)]).item()
    3.0
    """
    params = _penalised(params)

    def backward(g):
        return tuple(g * np.sign(p.data) for p in params)

    value = sum(float(np.abs(p.data).sum()) for p in params)
    return _node(value, params, backward)


# ----------------------------------------------------------------------------
# Input checks, shared with trisep_nn.train (which runs them once per fit).
# ----------------------------------------------------------------------------

def _tensor(x, name):
    if isinstance(x, Tensor):
        return x
    try:
        return Tensor(x)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a Tensor or an array of numbers; got "
                        f"{describe(x)}") from None


def check_target(pred, target, loss_name):
    """Targets as a float array (or Tensor) of exactly the prediction's shape."""
    if isinstance(target, Tensor):
        values, shape = target.data, target.shape
    elif isinstance(target, np.ndarray) and target.dtype == pred.data.dtype:
        values, shape = target, target.shape  # the common case (fit checks y once first)
    else:
        try:
            values = target = np.asarray(Tensor(target).data, dtype=pred.data.dtype)
        except (TypeError, ValueError):
            raise TypeError(f"{loss_name}: targets must be an array of numbers; got "
                            f"{describe(target)}") from None
        shape = target.shape
    if tuple(shape) != tuple(pred.shape):
        hint = ""
        if len(shape) == 1 and tuple(pred.shape) == (shape[0], 1):
            hint = " (reshape the targets with y.reshape(-1, 1))"
        elif len(pred.shape) == 1 and tuple(shape) == (pred.shape[0], 1):
            hint = " (flatten the targets with y.ravel())"
        raise ValueError(f"{loss_name}: predictions have shape {tuple(pred.shape)} but targets "
                         f"have shape {tuple(shape)}; they must be equal{hint}")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{loss_name}: targets contain NaN or infinity")
    return target


def check_binary_targets(targets):
    values = targets.data if isinstance(targets, Tensor) else targets
    if values.size and (values.min() < 0 or values.max() > 1):
        raise ValueError("bce_with_logits: targets must be probabilities in [0, 1] (usually "
                         f"0/1 labels), got values from {values.min():g} to {values.max():g}")


def check_labels(logits, labels):
    """Integer class labels of shape (n,), each in 0 .. K-1, for logits of shape (n, K)."""
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy: logits must have shape (n_samples, n_classes), got "
                         f"shape {tuple(logits.shape)}")
    n, k = logits.shape
    labels = labels.data if isinstance(labels, Tensor) else labels
    if isinstance(labels, numbers.Number):
        labels = [labels]
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels.ravel()
    if labels.shape != (n,):
        raise ValueError(f"cross_entropy: labels must have shape ({n},), one integer class "
                         f"per row of the logits, got shape {labels.shape}")
    if labels.dtype.kind not in "iub":
        if labels.dtype.kind != "f":
            raise ValueError("cross_entropy: labels must be integers 0 .. K-1, got dtype "
                             f"{labels.dtype}")
        if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
            raise ValueError("cross_entropy: labels must be integers 0 .. K-1 (class indices), "
                             "got non-integer values; for probabilities use bce_with_logits")
    labels = labels.astype(np.int64, copy=False)
    if n and (labels.min() < 0 or labels.max() >= k):
        raise ValueError(f"cross_entropy: labels must be in 0 .. {k - 1} for {k} logit columns, "
                         f"got values from {labels.min()} to {labels.max()}")
    return labels


def _penalised(params):
    from .nn import Module  # local import: nn imports the engine too, no cycle at load

    if isinstance(params, Module):
        return [p for p in params.parameters() if p.ndim >= 2]
    if isinstance(params, Tensor):
        return [params]
    if isinstance(params, (str, dict)) or not hasattr(params, "__iter__"):
        raise TypeError(f"penalties take Tensors or a Module (params), got {describe(params)}")
    params = list(params)
    for p in params:
        if not isinstance(p, Tensor):
            raise ValueError(f"penalties take Tensors or a Module, got {type(p).__name__}")
    return params


def _node(value, parents, backward):
    parents = tuple(parents)
    if not parents:
        return Tensor(0.0)
    return custom_op(np.array(value), parents, backward, op_name="penalty")


# ----------------------------------------------------------------------------
# The fused loss nodes: forward value and gradient in closed form (the rules of
# THE DERIVATIVE TABLE in ops.py, for these three). Private: the functions
# above check the inputs first.
# ----------------------------------------------------------------------------

def _mean_grad(g, d):
    """The gradient of mean(f) when df = d: g * d / N (N = number of entries)."""
    return (g / d.size) * d


def _bce_forward(z, y):
    """mean( max(z, 0) - z y + log(1 + exp(-|z|)) ): the binary cross-entropy of
    sigmoid(z) against y, never computing log(0) or exp(large)."""
    e = np.exp(-np.abs(z))
    loss = np.mean(np.maximum(z, 0) - z * y + np.log1p(e))
    # sigmoid(z) for the rules: ops.sigmoid's stable formula, reusing e (a quarter
    # of this function's time on a small batch)
    return loss, np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _softmax_ce_forward(z, labels):
    """mean over rows of -log softmax(z)[label] = mean(logsumexp(z) - z[label]);
    saves the softmax probabilities for the gradient."""
    shifted = z - np.max(z, axis=1, keepdims=True)  # largest logit 0: exp cannot overflow
    probs = np.exp(shifted)
    total = np.sum(probs, axis=1, keepdims=True)
    loss = np.mean(np.log(total[:, 0]) - shifted[np.arange(len(z)), labels])
    probs /= total
    return loss, probs


def _softmax_ce_grad(g, probs, labels):
    """(softmax(z) - onehot(labels)) * g / n."""
    d = probs.copy()
    d[np.arange(len(d)), labels] -= 1
    d *= g / len(d)
    return d


def _softmax_ce_tangent(t, probs, labels):
    """mean over rows of sum_j p_j t_j - t_label."""
    return np.mean(np.sum(probs * t, axis=1) - t[np.arange(len(t)), labels])


_bce = Op("bce_with_logits", "BCE", _bce_forward, saves=True,  # saved = sigmoid(z)
          vjp=[lambda g, ans, z, y, saved: _mean_grad(g, saved - y),    # (σ(z) - y) / N
               lambda g, ans, z, y, saved: _mean_grad(g, -z)],          # -z / N
          jvp=[lambda t, ans, z, y, saved: np.mean((saved - y) * t),
               lambda t, ans, z, y, saved: np.mean(-z * t)])
_softmax_ce = Op("softmax_cross_entropy", "CE", _softmax_ce_forward, saves=True,
                 vjp=[lambda g, ans, z, labels, saved: _softmax_ce_grad(g, saved, labels)],
                 jvp=[lambda t, ans, z, labels, saved: _softmax_ce_tangent(t, saved, labels)])
_mse = Op("mse", "MSE", lambda p, y: (lambda d: (np.mean(d * d), d))(p - y), saves=True,
          vjp=[lambda g, ans, p, y, saved: _mean_grad(g, 2 * saved),   # 2 (p - y) / N
               lambda g, ans, p, y, saved: _mean_grad(g, -2 * saved)],
          jvp=[lambda t, ans, p, y, saved: np.mean(2 * saved * t),
               lambda t, ans, p, y, saved: np.mean(-2 * saved * t)])
