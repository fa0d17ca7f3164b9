"""Backpropagation written out by hand for the lecture's network.

The model of the slide "Neural Network Optimization Problem"::

    h(x) = wᵀ σ(U x),    p = σ(h),
    L(w, U) = -Σ_i [ y_i ln p_i + (1 - y_i) ln(1 - p_i) ]

with ``x ∈ Rᵐ``, ``U ∈ R^{d×m}`` (row ``u_j`` is hidden unit j), ``w ∈ Rᵈ``.
The chain rule, done carefully (note ``∂L/∂h_i = p_i - y_i``)::

    ∂L/∂w   = Σ_i (p_i - y_i) σ(U x_i)
    ∂L/∂u_j = Σ_i (p_i - y_i) w_j σ(u_jᵀ x_i) (1 - σ(u_jᵀ x_i)) x_i

:func:`forward` is the f-prop: it computes the loss and *saves* every
intermediate (pre-activations ``A``, hidden outputs ``Phi``, ``h``, ``p``);
:func:`backward` is the b-prop: it consumes them from the output back to the
input. That is reverse-mode automatic differentiation, done by hand.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
    >>> U, w = init_params(3, 4, random_state=0)
    >>> L, grads = loss_and_gradients(X, y, U, w)
    >>> num = numerical_gradients(X, y, U, w)
    >>> bool(relative_error(grads["w"], num["w"]) < 1e-7)
    True

A bias is a weight on a constant input: prepend a column of ones to ``X``
(:func:`add_bias_column`) and ``u_j``'s first entry becomes unit j's bias.

Only NumPy is used, so :func:`train` is fast enough to refit inside a slider.
"""

import numpy as np
from scipy.special import expit as sigmoid  # σ(z) = 1 / (1 + e^-z), never overflows

__all__ = [
    "sigmoid",
    "add_bias_column",
    "init_params",
    "forward",
    "cross_entropy",
    "loss",
    "backward",
    "loss_and_gradients",
    "slide_gradient_w",
    "numerical_gradients",
    "relative_error",
    "predict_proba",
    "train",
]


def add_bias_column(X):
    """``X`` with a first column of ones: ``x₀ = 1``, so ``u_jᵀx`` includes a bias."""
    X = np.asarray(X, dtype=np.float64)
    return np.hstack([np.ones((X.shape[0], 1)), X])


def init_params(n_inputs, n_hidden, scale=None, random_state=None):
    """Random ``U`` (shape ``(n_hidden, n_inputs)``) and ``w`` (shape ``(n_hidden,)``).

    Entries are normal with standard deviation ``scale`` (default
    ``1/sqrt(n_inputs)`` for ``U`` and ``1/sqrt(n_hidden)`` for ``w``): large
    enough to break the symmetry between hidden units, small enough to keep
    the sigmoids away from their flat tails.
    """
    rng = np.random.default_rng(random_state)
    su = 1 / np.sqrt(n_inputs) if scale is None else scale
    sw = 1 / np.sqrt(n_hidden) if scale is None else scale
    return rng.normal(0, su, size=(n_hidden, n_inputs)), rng.normal(0, sw, size=n_hidden)


def _check(X, U, w):
    X = np.asarray(X, dtype=np.float64)
    U = np.asarray(U, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if X.ndim != 2 or U.ndim != 2 or w.ndim != 1:
        raise ValueError(f"expected X (n, m), U (d, m), w (d,); got shapes {X.shape}, "
                         f"{U.shape}, {w.shape}")
    if U.shape[1] != X.shape[1] or U.shape[0] != w.shape[0]:
        raise ValueError(f"shapes do not fit h = wᵀσ(Ux): X {X.shape}, U {U.shape}, w {w.shape}"
                         " (need U.shape[1] == X.shape[1] and U.shape[0] == w.shape[0])")
    return X, U, w


def forward(X, U, w):
    """The f-prop. Returns a dict of everything the backward pass will need:
    ``X`` (n, m), ``A = X Uᵀ`` (n, d) the pre-activations ``u_jᵀ x_i``,
    ``Phi = σ(A)`` (n, d) the learned basis functions, ``h = Phi w`` (n,),
    ``p = σ(h)`` (n,)."""
    X, U, w = _check(X, U, w)
    A = X @ U.T
    Phi = sigmoid(A)
    h = Phi @ w
    return {"X": X, "A": A, "Phi": Phi, "h": h, "p": sigmoid(h)}


def cross_entropy(h, y, reduction="sum"):
    """``-Σ_i [y_i ln σ(h_i) + (1 - y_i) ln(1 - σ(h_i))]`` computed from the
    logits ``h`` (``ln σ(h) = -log(1 + e^-h)``: stable at any ``h``).
    ``reduction="mean"`` divides by the number of samples."""
    h = np.asarray(h, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    per_sample = y * np.logaddexp(0.0, -h) + (1 - y) * np.logaddexp(0.0, h)
    return float(per_sample.sum() if reduction == "sum" else per_sample.mean())


def loss(X, y, U, w, reduction="sum"):
    """The lecture's cross-entropy ``L(w, U)`` (a sum over samples by default)."""
    return cross_entropy(forward(X, U, w)["h"], y, reduction)


def backward(cache, y, w, reduction="sum"):
    """The b-prop: gradients of the loss from the saved intermediates.

    Returns ``{"U": ∂L/∂U (d, m), "w": ∂L/∂w (d,)}``. Each line is one step of
    the chain rule, from the output back to the input.
    """
    y = np.asarray(y, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    X, Phi, p = cache["X"], cache["Phi"], cache["p"]
    delta = p - y  # ∂L/∂h_i: the σ' of the output cancels against the log
    if reduction == "mean":
        delta = delta / len(y)
    grad_w = Phi.T @ delta  # ∂h_i/∂w = φ_i
    grad_Phi = np.outer(delta, w)  # ∂h_i/∂φ_ij = w_j
    grad_A = grad_Phi * Phi * (1 - Phi)  # σ'(a) = σ(a)(1 - σ(a))
    grad_U = grad_A.T @ X  # ∂a_ij/∂u_j = x_i
    return {"U": grad_U, "w": grad_w}


def loss_and_gradients(X, y, U, w, reduction="sum"):
    """``(L, {"U": ∂L/∂U, "w": ∂L/∂w})``: one forward and one backward pass."""
    cache = forward(X, U, w)
    return cross_entropy(cache["h"], y, reduction), backward(cache, y, w, reduction)


def slide_gradient_w(X, y, U, w):
    """``∂L/∂w`` exactly as printed on the lecture slide:
    ``Σ_i y_i (1 - σ(h_i)) σ(Ux_i) + (1 - y_i) σ(h_i) σ(Ux_i)``.

    The first term's sign is flipped (it should be ``-y_i (1 - p_i)``), so
    this is *not* the gradient; kept to show that a gradient check catches it.
    """
    c = forward(X, U, w)
    y = np.asarray(y, dtype=np.float64)
    return c["Phi"].T @ (y * (1 - c["p"]) + (1 - y) * c["p"])


def numerical_gradients(X, y, U, w, step=1e-6, reduction="sum"):
    """Central finite differences of :func:`loss`, one parameter at a time
    (``2 · (U.size + w.size)`` forward passes): slow, but independent of any
    derivative we wrote."""
    X, U, w = _check(X, U, w)
    grads = {}
    for name, param in (("U", U), ("w", w)):
        g = np.zeros_like(param)
        for idx in np.ndindex(param.shape):
            plus, minus = param.copy(), param.copy()
            plus[idx] += step
            minus[idx] -= step
            args_p = (plus, w) if name == "U" else (U, plus)
            args_m = (minus, w) if name == "U" else (U, minus)
            g[idx] = (loss(X, y, *args_p, reduction) - loss(X, y, *args_m, reduction)) / (2 * step)
        grads[name] = g
    return grads


def relative_error(a, b):
    """``max|a - b| / max(|a| + |b|)``: 0 for equal arrays, ~1 for unrelated ones.

    For a correct gradient in float64 compared with central differences
    expect about 1e-8 or smaller; above 1e-4 something is wrong.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    scale = np.max(np.abs(a) + np.abs(b))
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)


def predict_proba(X, U, w):
    """``p(y = 1 | x) = σ(wᵀσ(Ux))`` for each row of ``X``."""
    return forward(X, U, w)["p"]


def train(X, y, n_hidden=8, lr=1.0, num_epochs=100, batch_size=None, X_val=None,
          y_val=None, random_state=0, params=None, max_loss=1e6):
    """Gradient descent ``w ← w - η ∂L/∂w``, ``U ← U - η ∂L/∂U`` with the
    hand-written backward pass, on the *mean* cross-entropy (so ``lr`` does
    not depend on the number of samples).

    ``batch_size=None`` uses the whole training set at each step (one step per
    epoch); otherwise each epoch shuffles the data and takes one step per
    mini-batch. Stops early, marking ``diverged_at``, if the loss stops being
    finite or exceeds ``max_loss``.

    Returns a dict: ``U``, ``w``, ``train_loss`` and ``val_loss`` (per epoch,
    measured on the whole set at the end of the epoch; entry 0 is before
    training), ``steps`` (number of updates), ``diverged_at`` (epoch or None).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if lr <= 0 or num_epochs < 0:
        raise ValueError(f"lr must be positive and num_epochs >= 0, got {lr!r}, {num_epochs!r}")
    n = len(y)
    batch = n if batch_size is None else max(1, min(int(batch_size), n))
    rng = np.random.default_rng(random_state)
    U, w = params if params is not None else init_params(X.shape[1], n_hidden, random_state=rng)
    U, w = np.array(U, dtype=np.float64), np.array(w, dtype=np.float64)
    has_val = X_val is not None
    history = {"train_loss": [loss(X, y, U, w, "mean")],
               "val_loss": [loss(X_val, y_val, U, w, "mean")] if has_val else [],
               "steps": 0, "diverged_at": None}
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is caught below
        _run_epochs(X, y, U, w, lr, num_epochs, batch, rng, X_val, y_val, history, max_loss)
    history["train_loss"] = np.asarray(history["train_loss"])
    history["val_loss"] = np.asarray(history["val_loss"])
    history["U"], history["w"] = U, w
    return history


def _run_epochs(X, y, U, w, lr, num_epochs, batch, rng, X_val, y_val, history, max_loss):
    n = len(y)
    for epoch in range(1, int(num_epochs) + 1):
        order = rng.permutation(n) if batch < n else np.arange(n)
        for start in range(0, n, batch):
            rows = order[start:start + batch]
            _, g = loss_and_gradients(X[rows], y[rows], U, w, "mean")
            U -= lr * g["U"]
            w -= lr * g["w"]
            history["steps"] += 1
        current = loss(X, y, U, w, "mean")
        history["train_loss"].append(current)
        if X_val is not None:
            history["val_loss"].append(loss(X_val, y_val, U, w, "mean"))
        if not np.isfinite(current) or current > max_loss:
            history["diverged_at"] = epoch
            return
