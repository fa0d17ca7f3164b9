"""Explorers for notebook 01 (logistic regression and basis functions).

* :func:`linear_boundary_explorer`: move the weights of ``h(x; w) = σ(wᵀx)``
  by hand and watch the probability map, the boundary ``wᵀx = 0`` and the
  cross-entropy move.
* :func:`degree_explorer`: logistic regression on the polynomial basis
  ``φ(x)`` of a chosen degree, from too rigid to too flexible.

Both draw their figure once and then update only what moves (artists marked
animated, which the Explorer repaints alone); the boundary is the zero contour of the
logit (:class:`trisep_nn.plots.ProbabilityMap`), so a flexible model's
boundary is drawn smooth, not in the staircase steps of the plotting grid.
"""

import numpy as np
from scipy.special import expit as sigmoid
from scipy.special import log_expit

from trisep_nn import data, plots
from trisep_nn.explorer import Explorer, slider
from trisep_nn.polynomials import polynomial_classifier

__all__ = ["linear_boundary_explorer", "degree_explorer"]


def _extent(X, margin=0.1):
    """The plotted rectangle: the points' range and a margin on every side."""
    low, high = X.min(axis=0), X.max(axis=0)
    pad = margin * (high - low)
    return low[0] - pad[0], high[0] + pad[0], low[1] - pad[1], high[1] + pad[1]


def _map_panel(ax, X, y, resolution):
    """A probability map with the training points; returns the map and legend handles.

    The points are animated too: drawn after the map's image, they stay on top of it.
    """
    pmap = plots.ProbabilityMap(ax, _extent(X), resolution=resolution)
    handles = [ax.scatter(X[y == k, 0], X[y == k, 1], s=18, color=plots.PALETTE[k],
                          edgecolors="white", linewidths=0.5, zorder=3, label=f"class {k}",
                          animated=True) for k in (0, 1)]
    handles += ax.plot([], [], color="k", lw=1.5, label="boundary (p = ½)")
    ax.set(xlabel="x₁", ylabel="x₂")
    ax.grid(False)
    return pmap, handles


# -- linear_boundary_explorer -------------------------------------------------------
def _cross_entropy(z, y):
    """Mean of −[y log σ(z) + (1 − y) log(1 − σ(z))], computed from z without overflow."""
    return float(-np.mean(y * log_expit(z) + (1 - y) * log_expit(-z)))


def _build_linear(fig, X, y):
    with plots.style():
        ax_map, ax_z = fig.subplots(1, 2, width_ratios=[1.2, 1])
        pmap, handles = _map_panel(ax_map, X, y, resolution=60)
        z_panel = {
            "sigma": ax_z.plot([], [], color=plots.PALETTE[3], label="σ(z) along z",
                              animated=True)[0],
            "zero": ax_z.axvline(0, color="0.5", ls=":", lw=1, animated=True),
            "points": [ax_z.scatter(np.zeros(np.sum(y == k)), np.zeros(np.sum(y == k)), s=10,
                                    alpha=0.6, color=plots.PALETTE[k], animated=True)
                       for k in (0, 1)],
        }
        ax_z.set_ylim(-0.1, 1.1)
        ax_z.set_xlabel("z = wᵀx = w₀ + w₁x₁ + w₂x₂")
        ax_z.set_ylabel("label y   and   p(y = 1 | x)")
        ax_z.set_title("the same model along z")
        ax_z.xaxis.set_animated(True)  # its range follows the data's z: redrawn every move
        fig.legend(handles=handles + [z_panel["sigma"]], loc="outside lower center", ncol=4)
    titles = ax_map.set_title(" ", animated=True)
    return pmap, z_panel, titles


def linear_boundary_explorer(X=None, y=None, w=(0.0, 0.5, -0.5)):
    """Sliders for ``w₀`` (bias), ``w₁``, ``w₂`` of ``p(y=1|x) = σ(w₀ + w₁x₁ + w₂x₂)``.

    Left: the probability over the plane, the boundary ``wᵀx = 0`` and the
    data; the title gives the cross-entropy ``L(w)`` and the accuracy.
    Right: the same model seen along ``z = wᵀx``: every point sits at its
    ``z`` and its label, with ``σ(z)`` drawn through them.

    Default data: two overlapping Gaussian blobs (``data.blobs``, 200 points).
    """
    if X is None:
        X, y = data.blobs(200, n_classes=2, cluster_std=2.0, random_state=0)
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    jitter = np.random.default_rng(0).uniform(-0.04, 0.04, len(y))
    state = {}
    parts = []

    def draw(fig, w0, w1, w2):
        if not parts:
            parts.extend(_build_linear(fig, X, y))
        pmap, z_panel, title = parts
        w = np.array([w1, w2])
        z = w0 + X @ w
        loss, accuracy = _cross_entropy(z, y), np.mean((z > 0) == y)
        pmap.show(w0 + pmap.points @ w)
        title.set_text(f"L(w) = {loss:.3f}   accuracy = {accuracy:.1%}")
        zz = np.linspace(min(-6.0, z.min()), max(6.0, z.max()), 300)
        z_panel["sigma"].set_data(zz, sigmoid(zz))
        z_panel["sigma"].axes.set_xlim(1.02 * zz[0], 1.02 * zz[-1])
        for k, points in enumerate(z_panel["points"]):
            on = y == k
            points.set_offsets(np.column_stack([z[on], k + jitter[on]]))
        state.update(loss=loss, accuracy=accuracy)

    controls = {
        "w0": slider(float(w[0]), -4.0, 4.0, 0.1, "w₀ (bias)"),
        "w1": slider(float(w[1]), -3.0, 3.0, 0.1, "w₁"),
        "w2": slider(float(w[2]), -3.0, 3.0, 0.1, "w₂"),
    }
    return Explorer(draw, controls, figsize=(10, 4.2), state=state, clear=False,
                    title="Logistic regression by hand: p(y = 1 | x) = σ(wᵀx)")


# -- degree_explorer ----------------------------------------------------------------
#: The degree explorer's penalty: C = 10⁴, an L2 strength of 10⁻⁴ (see degree_explorer).
DEGREE_EXPLORER_C = 1e4


def fit_degrees(X, y, degrees, C=DEGREE_EXPLORER_C):
    """``polynomial_classifier(d, C)`` for every degree, fitted by Newton's method.

    Newton's method (scikit-learn's "newton-cholesky") needs about ten steps
    where the default quasi-Newton method needs hundreds: these problems have
    at most a few hundred weights, so each Newton step is cheap.
    """
    return [polynomial_classifier(int(d), C=C)
            .set_params(logisticregression__solver="newton-cholesky").fit(X, y)
            for d in degrees]


def _build_degrees(fig, X, y, degrees, train_acc, test_acc):
    with plots.style():
        ax_map, ax_acc = fig.subplots(1, 2, width_ratios=[1.2, 1])
        pmap, handles = _map_panel(ax_map, X, y, resolution=100)
        handles += ax_acc.plot(degrees, train_acc, "o-", color="0.2", ms=4,
                               label="training accuracy")
        handles += ax_acc.plot(degrees, test_acc, "s--", color=plots.PALETTE[2], ms=4,
                               label="test accuracy")
        current = ax_acc.axvline(degrees[0], color="0.35", ls=":", lw=1.5, animated=True)
        ax_acc.set(xlabel="polynomial degree of φ(x)", ylabel="accuracy", ylim=(0.5, 1.02))
        fig.legend(handles=handles, loc="outside lower center", ncol=5)
    titles = [ax.set_title(" ", animated=True) for ax in (ax_map, ax_acc)]
    return pmap, current, titles


def degree_explorer(X=None, y=None, X_test=None, y_test=None, max_degree=15, degree=1,
                    C=DEGREE_EXPLORER_C):
    """A degree slider for logistic regression on the polynomial basis ``φ(x)``.

    Left: the decision boundary of ``σ(wᵀφ(x))`` with all monomials of
    ``x₁, x₂`` up to the degree. Right: training and test accuracy against
    the degree, the current one marked. All degrees are fitted when the
    explorer is built (about a second); moving the slider only redraws.

    ``C`` is a tiny L2 penalty (strength 1/C), there only to make the fit
    well defined: from degree 5 or so the 60 points are separable, the
    likelihood keeps rising as the weights grow, and with no penalty at all
    the weights would be wherever the optimiser gave up. It leaves the
    boundary free to wiggle around single points (notebook 04 makes the
    penalty the knob). ``explorer.state`` holds the accuracies.

    Default data: 60 noisy moons for training, 1000 for testing.
    """
    if X is None:
        X, y = data.moons(60, noise=0.35, random_state=2)
    if X_test is None:
        X_test, y_test = data.moons(1000, noise=0.35, random_state=100)
    degrees = np.arange(1, max_degree + 1)
    models = fit_degrees(X, y, degrees, C)
    train_acc = np.array([m.score(X, y) for m in models])
    test_acc = np.array([m.score(X_test, y_test) for m in models])
    state = {"degrees": degrees, "train_accuracy": train_acc, "test_accuracy": test_acc}
    parts = []

    def draw(fig, degree):
        if not parts:
            parts.extend(_build_degrees(fig, X, y, degrees, train_acc, test_acc))
            state["logits"] = [m.decision_function(parts[0].points) for m in models]
        pmap, current, (map_title, acc_title) = parts
        pmap.show(state["logits"][degree - 1])
        current.set_xdata([degree, degree])
        n_features = models[degree - 1][1].n_output_features_ + 1
        map_title.set_text(f"degree {degree}: {n_features} basis functions")
        acc_title.set_text(f"degree {degree}: training {train_acc[degree - 1]:.0%}, "
                           f"test {test_acc[degree - 1]:.0%}")
        state["degree"] = degree

    controls = {"degree": slider(int(degree), 1, int(max_degree), 1, "degree of φ(x)")}
    return Explorer(draw, controls, figsize=(10, 4.2), state=state, clear=False,
                    title="Logistic regression on a polynomial basis φ(x) = {1, x, x², …}")
