"""Explorers for notebook 01 (logistic regression and basis functions).

* :func:`linear_boundary_explorer`: move the weights of ``h(x; w) = σ(wᵀx)``
  by hand and watch the probability map, the boundary ``wᵀx = 0`` and the
  cross-entropy move.
* :func:`degree_explorer`: logistic regression on the polynomial basis
  ``φ(x)`` of a chosen degree, from too rigid to too flexible.
"""

import numpy as np
from scipy.special import expit as sigmoid

from trisep_nn import data, plots
from trisep_nn.explorer import Explorer, slider
from trisep_nn.polynomials import polynomial_classifier

__all__ = ["linear_boundary_explorer", "degree_explorer"]


def _cross_entropy(p, y):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


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

    def draw(fig, w0, w1, w2):
        w = np.array([w1, w2])
        z = w0 + X @ w
        p = sigmoid(z)
        loss, accuracy = _cross_entropy(p, y), np.mean((p > 0.5) == y)
        with plots.style():
            ax_map, ax_z = fig.subplots(1, 2, width_ratios=[1.2, 1])
        plots.decision_boundary(
            lambda G: sigmoid(w0 + G @ w), X, y, ax_map, output="proba", resolution=80,
            title=f"L(w) = {loss:.3f}   accuracy = {accuracy:.1%}",
        )
        zz = np.linspace(min(-6.0, z.min()), max(6.0, z.max()), 300)
        with plots.style():
            ax_z.plot(zz, sigmoid(zz), color="k", label="σ(z)")
            for label in (0, 1):
                on = y == label
                ax_z.scatter(z[on], label + jitter[on], s=10, alpha=0.6,
                             color=plots.PALETTE[label], label=f"class {label}")
            ax_z.axvline(0, color="0.5", ls=":", lw=1)
            ax_z.set_xlabel("z = wᵀx = w₀ + w₁x₁ + w₂x₂")
            ax_z.set_ylabel("label y   and   p(y = 1 | x)")
            ax_z.set_title("the same model along z")
            ax_z.legend(loc="center right")

    controls = {
        "w0": slider(float(w[0]), -4.0, 4.0, 0.1, "w₀ (bias)"),
        "w1": slider(float(w[1]), -3.0, 3.0, 0.1, "w₁"),
        "w2": slider(float(w[2]), -3.0, 3.0, 0.1, "w₂"),
    }
    return Explorer(draw, controls, figsize=(10, 4.2),
                    title="Logistic regression by hand: p(y = 1 | x) = σ(wᵀx)")


def degree_explorer(X=None, y=None, X_test=None, y_test=None, max_degree=15, degree=1):
    """A degree slider for logistic regression on the polynomial basis ``φ(x)``.

    Left: the decision boundary of ``σ(wᵀφ(x))`` with all monomials of
    ``x₁, x₂`` up to the degree (no penalty). Right: training and test
    accuracy against the degree, the current one marked. All degrees are
    fitted once when the explorer is built; moving the slider only redraws.

    Default data: 60 noisy moons for training, 1000 for testing.
    """
    if X is None:
        X, y = data.moons(60, noise=0.35, random_state=2)
    if X_test is None:
        X_test, y_test = data.moons(1000, noise=0.35, random_state=100)
    degrees = np.arange(1, max_degree + 1)
    models = [polynomial_classifier(int(d)).fit(X, y) for d in degrees]
    train_acc = np.array([m.score(X, y) for m in models])
    test_acc = np.array([m.score(X_test, y_test) for m in models])

    def draw(fig, degree):
        model = models[degree - 1]
        with plots.style():
            ax_map, ax_acc = fig.subplots(1, 2, width_ratios=[1.2, 1])
        n_features = model[1].n_output_features_ + 1
        plots.decision_boundary(
            model, X, y, ax_map, resolution=70,
            title=f"degree {degree}: {n_features} basis functions",
        )
        with plots.style():
            ax_acc.plot(degrees, train_acc, "o-", color=plots.PALETTE[0], ms=4,
                        label="training")
            ax_acc.plot(degrees, test_acc, "o-", color=plots.PALETTE[1], ms=4, label="test")
            ax_acc.axvline(degree, color="0.35", ls="--", lw=1,
                           label=f"degree {degree}: train {train_acc[degree - 1]:.0%}, "
                                 f"test {test_acc[degree - 1]:.0%}")
            ax_acc.set_xlabel("polynomial degree of φ(x)")
            ax_acc.set_ylabel("accuracy")
            ax_acc.set_ylim(0.5, 1.02)
            ax_acc.legend(loc="lower right")

    controls = {"degree": slider(int(degree), 1, int(max_degree), 1, "degree of φ(x)")}
    return Explorer(draw, controls, figsize=(10, 4.2),
                    title="Logistic regression on a polynomial basis φ(x) = {1, x, x², …}")
