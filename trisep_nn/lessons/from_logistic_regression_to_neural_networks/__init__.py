"""Learned basis functions: a neural network is a linear model on features it learns.

The lecture's step "from logistic regression to neural networks": instead of
a fixed basis ``φ(x) = {1, x, x², …}``, let the basis have parameters and
learn them from the data,

    φ_j(x; u_j) = σ(u_jᵀ x),    φ(x; U) = σ(U x),    h(x; w, U) = wᵀ φ(x; U).

A one-hidden-layer network is exactly this: its hidden units' outputs are
the basis functions, its last layer is the linear model on top. A deeper
network repeats the step, each layer building its basis from the previous
layer's. This module gets those hidden outputs out of a
:class:`trisep_nn.nn.MLP` so they can be plotted, counts parameters, and fits
small networks quickly (full-batch L-BFGS on the engine's gradients).

    >>> from trisep_nn.nn import MLP
    >>> count_parameters([2, 16, 16, 1])     # (2+1)·16 + (16+1)·16 + (16+1)·1
    337
    >>> model = MLP([1, 3, 1], activation="sigmoid", random_state=0)
    >>> [phi.shape for phi in hidden_outputs(model, [[0.0], [1.0]])]
    [(2, 3)]
"""

import numpy as np

from trisep_nn import losses
from trisep_nn.tensor import Tensor, no_grad

__all__ = [
    "count_parameters",
    "hidden_outputs",
    "last_layer",
    "fit_lbfgs",
    "fit_basis_1d",
    "polynomial_basis",
    "plot_basis_1d",
    "plot_features_2d",
    "plot_units_2d",
    "linear_boundary_accuracy",
]


def count_parameters(sizes):
    """``Σ (n_in + 1) · n_out`` over consecutive layers: a weight for every
    (input, unit) pair plus one bias per unit.

    >>> count_parameters([784, 128, 10])
    101770
    """
    sizes = [int(s) for s in sizes]
    return int(sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])))


def hidden_outputs(model, X):
    """The outputs of every hidden layer (after its activation) for inputs ``X``:
    a list of arrays of shape ``(n_samples, width)``, first hidden layer first.
    These are the learned basis functions evaluated at ``X``."""
    from trisep_nn.nn import Linear

    X = np.asarray(X, dtype=np.float64)
    out, layers = [], list(model)
    with no_grad():
        h = Tensor(X)
        for i, layer in enumerate(layers):
            h = layer(h)
            is_last = i == len(layers) - 1
            if not isinstance(layer, Linear) and not is_last:
                out.append(h.data.copy())
    return out


def last_layer(model):
    """``(w, b)`` of the output layer as arrays: ``h = φ(x) @ w + b``, where
    ``φ`` is the last hidden layer's output (``w`` has shape ``(width, n_out)``)."""
    from trisep_nn.nn import Linear

    linear = [m for m in model if isinstance(m, Linear)][-1]
    bias = np.zeros(linear.out_features) if linear.bias is None else linear.bias.data.copy()
    return linear.weight.data.copy(), bias


def fit_lbfgs(model, X, y, loss="mse", alpha=0.0, max_iter=500):
    """Fit all of ``model``'s parameters at once by L-BFGS (scipy) on the full
    data set, with gradients from the engine (reverse mode).

    ``loss``: "mse" (regression) or "bce" (0/1 labels, the model outputs a
    logit). ``alpha`` adds ``alpha · Σ w²`` over the weights (not the biases),
    which keeps the sigmoids from becoming infinitely steep on separable data.
    For the small networks of notebook 05 this converges in tens of
    milliseconds, fast enough for a slider; training with mini-batches and
    a learning rate is the subject of notebook 07. Returns a dict with the
    final ``loss`` and the number of iterations ``n_iter``.
    """
    from scipy.optimize import minimize
    from threadpoolctl import threadpool_limits

    loss_fn = {"mse": losses.mse, "bce": losses.bce_with_logits}[loss]
    X = Tensor(np.asarray(X, dtype=np.float64))
    y = np.asarray(y, dtype=np.float64).reshape(len(X.data), -1)
    params = model.parameters()
    sizes = [p.data.size for p in params]

    def set_params(theta):
        for p, chunk in zip(params, np.split(theta, np.cumsum(sizes)[:-1])):
            p.data[...] = chunk.reshape(p.data.shape)

    def value_and_gradient(theta):
        set_params(theta)
        model.zero_grad()
        value = loss_fn(model(X), y)
        if alpha:
            value = value + alpha * losses.l2_penalty(model)
        value.backward()
        grads = [np.zeros(p.data.shape) if p.grad is None else p.grad for p in params]
        return float(value.data), np.concatenate([g.ravel() for g in grads])

    theta0 = np.concatenate([p.data.ravel() for p in params])
    # one BLAS thread: for arrays this small, extra threads only add overhead
    with threadpool_limits(1):
        result = minimize(value_and_gradient, theta0, jac=True, method="L-BFGS-B",
                          options={"maxiter": int(max_iter)})
    set_params(result.x)
    return {"loss": float(result.fun), "n_iter": int(result.nit)}


def fit_basis_1d(X, y, n_hidden, random_state=0, max_iter=500):
    """Fit ``h(x) = Σ_j w_j σ(u_j x + c_j) + b`` to 1-D data (mean squared error).

    The same start (``MLP([1, n_hidden, 1], "sigmoid", random_state)``), objective
    and optimiser (L-BFGS) as :func:`fit_lbfgs`, so the same answer, but with
    the gradient of this one formula written out in NumPy instead of taken
    from the engine's general graph: about ten times faster, which is what
    lets the explorer refit every seed while a slider moves. Returns
    ``(model, loss)``, the model holding the fitted weights.
    """
    from scipy.optimize import minimize
    from scipy.special import expit
    from threadpoolctl import threadpool_limits

    from trisep_nn.nn import MLP

    x = np.asarray(X, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    d, n = int(n_hidden), len(x)
    model = MLP([1, d, 1], activation="sigmoid", random_state=random_state)
    hidden, output = model.linears
    params = (hidden.weight, hidden.bias, output.weight, output.bias)  # u, c, w, b

    def value_and_gradient(theta):
        u, c, w, b = theta[:d], theta[d:2 * d], theta[2 * d:3 * d], theta[3 * d]
        Phi = expit(np.outer(x, u) + c)              # the basis functions at the data
        residual = Phi @ w + b - y
        dh = 2 * residual / n                        # ∂(mean squared error)/∂h_i
        dA = np.outer(dh, w) * Phi * (1 - Phi)       # back through σ
        gradient = np.concatenate([x @ dA, dA.sum(axis=0), Phi.T @ dh, [dh.sum()]])
        return residual @ residual / n, gradient

    theta0 = np.concatenate([p.data.ravel() for p in params])
    with threadpool_limits(1):  # arrays this small: extra BLAS threads only add overhead
        result = minimize(value_and_gradient, theta0, jac=True, method="L-BFGS-B",
                          options={"maxiter": int(max_iter)})
    for p, chunk in zip(params, np.split(result.x, [d, 2 * d, 3 * d])):
        p.data[...] = chunk.reshape(p.data.shape)
    return model, float(result.fun)


def polynomial_basis(x, degree):
    """The fixed basis ``1, x, x², …, x^degree`` at the points ``x``,
    shape ``(len(x), degree + 1)``."""
    x = np.asarray(x, dtype=np.float64).ravel()
    return x[:, None] ** np.arange(int(degree) + 1)


def plot_basis_1d(ax, x, Phi, weights=None, labels=None, title=None, lw=1.8):
    """Basis functions ``Phi[:, j]`` against ``x`` (one line each). With
    ``weights``, draw the weighted contributions ``w_j φ_j(x)`` instead."""
    x = np.asarray(x).ravel()
    order = np.argsort(x)
    Phi = np.asarray(Phi)
    if weights is not None:
        Phi = Phi * np.asarray(weights).ravel()
    for j in range(Phi.shape[1]):
        label = labels[j] if labels is not None else None
        ax.plot(x[order], Phi[order, j], lw=lw, label=label)
    if title:
        ax.set_title(title)
    return ax


def plot_features_2d(axes, features, X, y=None, titles=None, extent=None, resolution=60,
                     unit_range=False):
    """Images of 2-D features over the plane, one per axes, with the data points.

    ``features(grid)`` maps an array of points ``(k, 2)`` to ``(k, n_features)``.
    With ``unit_range`` the colour scale is fixed to [0, 1] (white to dark) and
    the ½-level is drawn as an orange line, as befits sigmoid units; otherwise each
    image is scaled to its own range.
    """
    from trisep_nn.plots import PALETTE

    X = np.asarray(X, dtype=np.float64)
    if extent is None:
        pad = 0.1 * (X.max(axis=0) - X.min(axis=0))
        (x0, y0), (x1, y1) = X.min(axis=0) - pad, X.max(axis=0) + pad
    else:
        x0, x1, y0, y1 = extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    F = np.asarray(features(np.column_stack([gx.ravel(), gy.ravel()])))
    axes = np.atleast_1d(axes).ravel()
    for j, ax in enumerate(axes[: F.shape[1]]):
        Z = F[:, j].reshape(gx.shape)
        limits = {"vmin": 0, "vmax": 1} if unit_range else {}
        ax.imshow(Z, origin="lower", extent=(x0, x1, y0, y1), cmap="Greys", aspect="auto",
                  interpolation="bilinear", **limits)
        if unit_range and Z.min() < 0.5 < Z.max():
            ax.contour(gx, gy, Z, levels=[0.5], colors="C1", linewidths=1.2)
        if y is not None:  # class k in the course's colour PALETTE[k], as in plots
            ax.scatter(X[:, 0], X[:, 1], c=[PALETTE[int(k)] for k in np.asarray(y)], s=4,
                       alpha=0.6, linewidths=0)
        if titles is not None:
            ax.set_title(titles[j], fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    return axes


def plot_units_2d(axes, model, layer, X, y=None, extent=None, resolution=60, title="unit"):
    """Images of hidden layer ``layer``'s units (0 = first hidden layer) over
    the plane, one unit per axes, from 0 (white) to 1 (dark), with each unit's
    ½-level as an orange line and the data points."""
    def features(grid):
        return hidden_outputs(model, grid)[layer]

    width = hidden_outputs(model, np.asarray(X)[:1])[layer].shape[1]
    titles = [f"{title} {j + 1}" for j in range(width)]
    return plot_features_2d(axes, features, X, y, titles, extent, resolution, unit_range=True)


def linear_boundary_accuracy(X, unit_output):
    """How well a *straight line* reproduces where a unit is above ½: the
    training accuracy of a (nearly unregularised) logistic regression on ``X``
    predicting ``unit_output > 0.5``. 1.0 means the unit's ½-level set is a
    straight line (or the unit is on/off everywhere); lower means curved."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    labels = np.asarray(unit_output).ravel() > 0.5
    if labels.all() or not labels.any():
        return 1.0
    with threadpool_limits(1):  # small problem: extra BLAS threads only add overhead
        clf = LogisticRegression(C=1e6, max_iter=5000).fit(X, labels)
    return float(clf.score(X, labels))
