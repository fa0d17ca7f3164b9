"""Explorers for notebook 04 (regularization).

* :func:`regularization_explorer`: a degree-15 polynomial fitted with the
  penalty ``α Ω(w)``; an α slider and L2 / L1, with the fit and the weights.
* :func:`geometry_explorer`: the two-weight picture: contours of the squared
  error, the L2 circle and the L1 diamond, and where the solution sits.

α is the lecture's, in ``L(w) = ½‖y − Xw‖² + α Ω(w)`` (see
:mod:`trisep_nn.lessons.regularization` for scikit-learn's units).
"""

import functools
import warnings

import numpy as np
from matplotlib.ticker import MaxNLocator

from trisep_nn import data, plots
from trisep_nn.explorer import Explorer, dropdown, log_slider
from trisep_nn.lessons.regularization import penalty, regularized_model, regularized_polynomial
from trisep_nn.polynomials import polynomial_regression

__all__ = ["regularization_explorer", "geometry_explorer"]

_W_TICKS = (-10, -1, -0.1, 0, 0.1, 1, 10)
_PENALTIES = {"L2 (ridge): Ω = ‖w‖²": "l2", "L1 (lasso): Ω = ‖w‖₁": "l1"}


def regularization_explorer(alpha=1e-2, kind="l2", degree=15, n_samples=30, noise=0.1,
                            random_state=0):
    """An α slider (log scale, 10^-2.5 … 10) and an L2 / L1 choice for a polynomial fit.

    Left: ``n_samples`` noisy points of ``cos(1.5πx)``, the truth, the
    unregularised fit (faint) and the regularised one. Right: the weights of
    the standardised features x, x², …, x^degree, exactly-zero ones marked
    with a cross; the title counts them and gives the test error.
    """
    X, y = data.noisy_function(n_samples, noise=noise, random_state=random_state)
    X_test, y_test = data.noisy_function(2000, noise=noise, random_state=random_state + 1)
    plain = polynomial_regression(degree).fit(X, y)
    plain_mse = np.mean((plain.predict(X_test) - y_test) ** 2)
    powers = np.arange(1, degree + 1)

    @functools.lru_cache(maxsize=256)
    def fit(alpha, kind):
        from sklearn.exceptions import ConvergenceWarning

        model = regularized_polynomial(degree, alpha, kind, n_samples=len(y))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            model.fit(X, y)
        return model, any(issubclass(w.category, ConvergenceWarning) for w in caught)

    def draw(fig, alpha, penalty):
        kind = _PENALTIES[penalty]
        model, unconverged = fit(float(alpha), kind)
        w = model[-1].coef_
        zeros = w == 0
        test_mse = np.mean((model.predict(X_test) - y_test) ** 2)
        with plots.style():
            ax_fit, ax_w = fig.subplots(1, 2)
        plots.function_fit(
            X, y, {"α = 0 (no penalty)": plain, f"α = {alpha:.3g}": model}, ax_fit,
            truth=data.cosine, x_range=(0, 1), ylim=(-2, 2),
            title=f"test MSE: {plain_mse:.3g} at α = 0, {test_mse:.3g} at α = {alpha:.3g}",
        )
        ax_fit.get_lines()[1].set_alpha(0.35)  # the unregularised fit, faint
        ax_fit.set(xticks=(0, 0.5, 1), yticks=(-2, -1, 0, 1, 2))  # few tick labels: cheaper
        with plots.style():
            color = plots.PALETTE[2] if kind == "l2" else plots.PALETTE[3]
            ax_w.bar(powers, w, color=color)
            ax_w.plot(powers[zeros], np.zeros(zeros.sum()), "x", color="k", ms=7,
                      label="exactly 0")
            ax_w.axhline(0, color="k", lw=0.8)
            ax_w.set_yscale("symlog", linthresh=0.1)
            ax_w.set_ylim(-30, 30)
            ax_w.minorticks_off()
            # plain labels, fewer of them: mathtext powers of ten cost more than the bars
            ax_w.set_yticks(_W_TICKS, labels=[f"{t:g}".replace("-", "−") for t in _W_TICKS])
            ax_w.set_xticks(powers[(powers % 5 == 0) | (powers == 1)] if degree > 10 else powers)
            ax_w.set_xlabel("weight of the (standardised) feature xᵏ, k =")
            ax_w.set_ylabel("weight wₖ (symmetric log scale)")
            ax_w.set_title(f"{kind.upper()}: {zeros.sum()} of {degree} weights exactly 0, "
                           f"‖w‖₂ = {np.linalg.norm(w):.3g}"
                           + (" (not fully converged)" if unconverged else ""))
            ax_w.legend(loc="upper right")  # always: the same layout for L1 and L2

    controls = {
        "alpha": log_slider(float(alpha), -2.5, 1, description="α", step=0.125),
        "penalty": dropdown(list(_PENALTIES), [k for k, v in _PENALTIES.items() if v == kind][0],
                            description="penalty"),
    }
    return Explorer(draw, controls, figsize=(11, 4.2),
                    title=f"Regularisation tames a degree-{degree} polynomial")


def _two_weight_problem():
    """A small least-squares problem in two weights with correlated features."""
    rng = np.random.default_rng(3)
    n = 50
    x1 = rng.normal(size=n)
    x2 = 0.6 * x1 + 0.8 * rng.normal(size=n)
    X = np.column_stack([x1, x2])
    y = X @ np.array([2.0, 0.6]) + 0.5 * rng.normal(size=n)
    return X - X.mean(axis=0), y - y.mean()


def geometry_explorer(alpha=10.0):
    """The lecture's picture of why L1 gives zeros, for a problem with two weights.

    Both panels show the contours of ½‖y − Xw‖² in the (w₁, w₂) plane, the
    unregularised minimum, the path of the solution as α grows, and for the
    current α the solution and the constraint region through it: the circle
    ‖w‖₂ = const (L2) and the diamond ‖w‖₁ = const (L1). The solution is
    where the smallest contour touches that region; the diamond's corners
    stick out, so the touching point is often a corner, where a weight is 0.
    """
    X, y = _two_weight_problem()
    n = len(y)
    w_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    lim = 1.25 * np.abs(w_ls).max()
    g = np.linspace(-0.3 * lim, lim, 80)
    W1, W2 = np.meshgrid(g, g)
    Wg = np.stack([W1.ravel(), W2.ravel()])
    R = y[:, None] - X @ Wg
    loss = 0.5 * np.sum(R**2, axis=0).reshape(W1.shape)
    loss_min = 0.5 * np.sum((y - X @ w_ls) ** 2)
    levels = loss_min + np.geomspace(0.5, 400, 9)

    @functools.lru_cache(maxsize=512)
    def solve(alpha, kind):
        model = regularized_model(alpha, kind, n_samples=n, tol=1e-8)
        model.set_params(fit_intercept=False)
        return model.fit(X, y).coef_

    path_alphas = np.geomspace(0.1, 1000, 60)
    paths = {kind: np.array([solve(float(a), kind) for a in path_alphas])
             for kind in ("l2", "l1")}
    t = np.linspace(0, 2 * np.pi, 200)

    def draw(fig, alpha):
        with plots.style():
            axes = fig.subplots(1, 2)
        for ax, kind in zip(axes, ("l2", "l1")):
            w = solve(float(alpha), kind)
            r = penalty(w, kind)
            with plots.style():
                ax.contour(W1, W2, loss, levels=levels, colors="0.6", linewidths=0.8)
                ax.contour(W1, W2, loss, levels=[0.5 * np.sum((y - X @ w) ** 2)],
                           colors="k", linewidths=1.2)
                if kind == "l2":
                    ax.fill(np.sqrt(r) * np.cos(t), np.sqrt(r) * np.sin(t),
                            color=plots.PALETTE[2], alpha=0.3, label="‖w‖₂² ≤ const")
                else:
                    ax.fill([r, 0, -r, 0], [0, r, 0, -r], color=plots.PALETTE[3], alpha=0.3,
                            label="‖w‖₁ ≤ const")
                ax.plot(*paths[kind].T, color="0.3", lw=1, ls="--", label="solution as α grows")
                ax.plot(*w_ls, "k+", ms=10, mew=2, label="least squares (α = 0)")
                ax.plot(*w, "o", color=plots.PALETTE[1], ms=7,
                        label=f"α = {alpha:.3g}: w = ({w[0]:.2f}, {w[1]:.2f})")
                ax.axhline(0, color="k", lw=0.6)
                ax.axvline(0, color="k", lw=0.6)
                ax.set_xlim(g[0], g[-1])
                ax.set_ylim(g[0], g[-1])
                ax.set_aspect("equal")
                ax.set_xlabel("w₁")
                ax.xaxis.set_major_locator(MaxNLocator(4))  # tick labels cost more than
                ax.yaxis.set_major_locator(MaxNLocator(4))  # the contours
                if kind == "l2":
                    ax.set_ylabel("w₂")
                else:  # the same w₂ axis as on the left: labelled once
                    ax.tick_params(labelleft=False)
                ax.set_title("L2 (ridge): the circle" if kind == "l2"
                             else "L1 (lasso): the diamond")
                ax.legend(loc="upper right", fontsize=8)

    controls = {"alpha": log_slider(float(alpha), -1, 3, description="α", step=0.05)}
    return Explorer(draw, controls, figsize=(10, 5),
                    title="Where the contours of ½‖y − Xw‖² first touch the penalty region")
