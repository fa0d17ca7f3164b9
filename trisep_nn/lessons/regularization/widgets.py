"""Explorers for notebook 04 (regularization).

* :func:`regularization_explorer`: a degree-15 polynomial fitted with the
  penalty ``α Ω(w)``; an α slider and L2 / L1, with the fit and the weights.
* :func:`geometry_explorer`: the two-weight picture: contours of the squared
  error, the L2 circle and the L1 diamond, and where the solution sits.

α is the lecture's, in ``L(w) = ½‖y − Xw‖² + α Ω(w)`` (see
:mod:`trisep_nn.lessons.regularization` for scikit-learn's units).

Both explorers solve every α their slider can reach when they are built (a
coefficient path: warm-started, so all of them cost little more than one),
draw the figure once, and on a move only update the artists that change.
"""

import warnings

import numpy as np
from matplotlib.ticker import MaxNLocator

from trisep_nn import data, plots
from trisep_nn.explorer import Explorer, dropdown, log_slider
from trisep_nn.lessons.regularization import (
    PENALTIES,
    coefficient_path,
    penalty,
    regularized_polynomial,
)
from trisep_nn.polynomials import polynomial_regression

__all__ = ["regularization_explorer", "geometry_explorer"]

_W_TICKS = (-10, -1, -0.1, 0, 0.1, 1, 10)
_PENALTIES = {"L2 (ridge): Ω = ‖w‖²": "l2", "L1 (lasso): Ω = ‖w‖₁": "l1"}
_COLORS = {"l2": plots.PALETTE[2], "l1": plots.PALETTE[3]}
_REGION_LABELS = {"l2": "L2: the disc ‖w‖₂² ≤ const", "l1": "L1: the diamond ‖w‖₁ ≤ const"}


class _Solutions:
    """Weights for every (α, penalty), solved for a grid of α at once and
    looked up by α; an α off the grid (a test, a typed value) is solved then.
    Remembers which solves stopped before converging, so the picture can say so."""

    def __init__(self, solve_path, alphas):
        self._solve_path = solve_path
        self._cache = {}
        self.unconverged = set()
        for kind in PENALTIES:
            self._solve(alphas, kind)

    @staticmethod
    def key(alpha):
        return round(float(np.log10(alpha)), 6)

    def _solve(self, alphas, kind):
        from sklearn.exceptions import ConvergenceWarning

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            path = self._solve_path(alphas, kind)
        converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
        for alpha, w in zip(alphas, path):
            self._cache[self.key(alpha), kind] = w
            if not converged:
                self.unconverged.add((self.key(alpha), kind))

    def __call__(self, alpha, kind):
        if (self.key(alpha), kind) not in self._cache:
            self._solve(np.array([alpha]), kind)
        return self._cache[self.key(alpha), kind]


def _slider_alphas(low_exp, high_exp, step):
    """Every value a log slider from 10^low to 10^high in steps of ``step`` reaches."""
    return 10.0 ** np.round(np.arange(low_exp, high_exp + step / 2, step), 6)


# -- the degree-15 polynomial ------------------------------------------------------
def _polynomial_features(degree, X, *others):
    """The standardised features x, x², … of ``regularized_polynomial``, for X and others."""
    features = regularized_polynomial(degree, 1.0)[:-1].fit(X)  # the pipeline minus the fit
    return [features.transform(np.asarray(a).reshape(-1, 1)) for a in (X, *others)]


def _build_fit_panels(fig, X, y, x_grid, plain_curve, degree):
    """The fit and the weights, drawn once; returns the artists a move updates."""
    with plots.style():
        ax_fit, ax_w = fig.subplots(1, 2)
        ax_fit.scatter(X[:, 0], y, s=22, color="white", edgecolors="k", zorder=3,
                       label="training data")
        ax_fit.plot(x_grid, data.cosine(x_grid), color="k", lw=1.5, label="true function")
        ax_fit.plot(x_grid, plain_curve, color=plots.PALETTE[0], alpha=0.35,
                    label="α = 0 (no penalty)")
        fit = ax_fit.plot(x_grid, np.zeros_like(x_grid), color=plots.PALETTE[1],
                          label="with the penalty", animated=True)[0]
        ax_fit.set(xlim=(0, 1), ylim=(-2, 2), xticks=(0, 0.5, 1), yticks=(-2, -1, 0, 1, 2),
                   xlabel="x", ylabel="y")
        ax_fit.legend(loc="lower left", fontsize=8)
        powers = np.arange(1, degree + 1)
        bars = ax_w.bar(powers, np.zeros(degree), animated=True)
        zeros = ax_w.plot([], [], "x", color="k", ms=7, label="exactly 0", animated=True)[0]
        ax_w.axhline(0, color="k", lw=0.8)
        ax_w.set_yscale("symlog", linthresh=0.1)
        ax_w.set_ylim(-30, 30)
        ax_w.minorticks_off()
        # plain labels, fewer of them: mathtext powers of ten cost more than the bars
        ax_w.set_yticks(_W_TICKS, labels=[f"{t:g}".replace("-", "−") for t in _W_TICKS])
        ax_w.set_xticks(powers[(powers % 5 == 0) | (powers == 1)] if degree > 10 else powers)
        ax_w.set_xlabel("weight of the (standardised) feature xᵏ, k =")
        ax_w.set_ylabel("weight wₖ (symmetric log scale)")
        ax_w.legend(loc="upper right")
    titles = [ax.set_title(" ", fontsize=10, animated=True) for ax in (ax_fit, ax_w)]
    return {"fit": fit, "bars": bars, "zeros": zeros, "titles": titles, "powers": powers}


def _show_weights(artists, w, kind, unconverged):
    """The bars, the crosses on exact zeros and the title of the weights panel."""
    for bar, height in zip(artists["bars"], w):
        bar.set_height(height)
        bar.set_color(_COLORS[kind])
    zeros = w == 0
    artists["zeros"].set_data(artists["powers"][zeros], np.zeros(zeros.sum()))
    artists["titles"][1].set_text(
        f"{kind.upper()}: {zeros.sum()} of {len(w)} weights exactly 0, "
        f"‖w‖₂ = {np.linalg.norm(w):.3g}" + (" (not fully converged)" if unconverged else ""))


def regularization_explorer(alpha=1e-2, kind="l2", degree=15, n_samples=30, noise=0.1,
                            random_state=0):
    """An α slider (log scale, 10^-2.5 … 10) and an L2 / L1 choice for a polynomial fit.

    Left: ``n_samples`` noisy points of ``cos(1.5πx)``, the truth, the
    unregularised fit (faint) and the regularised one. Right: the weights of
    the standardised features x, x², …, x^degree, exactly-zero ones marked
    with a cross; the title counts them. ``explorer.state`` holds the
    weights and the test error of the current setting.
    """
    X, y = data.noisy_function(n_samples, noise=noise, random_state=random_state)
    X_test, y_test = data.noisy_function(2000, noise=noise, random_state=random_state + 1)
    x_grid = np.linspace(0, 1, 200)
    plain = polynomial_regression(degree).fit(X, y)
    plain_mse = np.mean((plain.predict(X_test) - y_test) ** 2)
    Phi, Phi_grid, Phi_test = _polynomial_features(degree, X, x_grid, X_test)
    weights = _Solutions(lambda alphas, kind: coefficient_path(Phi, y, alphas, kind, tol=1e-8),
                         _slider_alphas(-2.5, 1, 0.125))  # (a small tol: the weights settle)
    state = {}
    artists = {}

    def draw(fig, alpha, penalty):
        if not artists:
            artists.update(_build_fit_panels(fig, X, y, x_grid, plain.predict(x_grid[:, None]),
                                             degree))
        kind = _PENALTIES[penalty]
        w = weights(alpha, kind)
        # the intercept is not penalised; on standardised features it is the mean of y
        test_mse = np.mean((Phi_test @ w + y.mean() - y_test) ** 2)
        artists["fit"].set_ydata(Phi_grid @ w + y.mean())
        artists["titles"][0].set_text(f"α = {alpha:.3g}: test MSE {test_mse:.3g} "
                                      f"(α = 0: {plain_mse:.3g})")
        _show_weights(artists, w, kind, (weights.key(alpha), kind) in weights.unconverged)
        state.update(weights=w, test_mse=test_mse, plain_mse=plain_mse)

    controls = {
        "alpha": log_slider(float(alpha), -2.5, 1, description="α", step=0.125),
        "penalty": dropdown(list(_PENALTIES), [k for k, v in _PENALTIES.items() if v == kind][0],
                            description="penalty"),
    }
    return Explorer(draw, controls, figsize=(11, 4.2), state=state, clear=False,
                    title=f"Regularisation tames a degree-{degree} polynomial")


# -- the two-weight picture --------------------------------------------------------
def _two_weight_problem():
    """A small least-squares problem in two weights with correlated features."""
    rng = np.random.default_rng(3)
    n = 50
    x1 = rng.normal(size=n)
    x2 = 0.6 * x1 + 0.8 * rng.normal(size=n)
    X = np.column_stack([x1, x2])
    y = X @ np.array([2.0, 0.6]) + 0.5 * rng.normal(size=n)
    return X - X.mean(axis=0), y - y.mean()


def _ellipses(center, A, heights, n_points=120):
    """Contours of ``½ (w − center)ᵀ A (w − center) = height``, one (x, y) pair each.

    The squared error is quadratic in w, so its contours are these ellipses:
    drawn as lines, they cost far less than a contour plot of a grid.
    """
    values, vectors = np.linalg.eigh(A)
    t = np.linspace(0, 2 * np.pi, n_points)
    circle = np.stack([np.cos(t), np.sin(t)])
    shape = vectors @ (circle / np.sqrt(values)[:, None])  # A^(-1/2) applied to the circle
    return [(center[:, None] + np.sqrt(2 * h) * shape) for h in np.atleast_1d(heights)]


def _region(w, kind):
    """The boundary of Ω(v) ≤ Ω(w): a circle (L2) or a diamond (L1) through w."""
    r = penalty(w, kind)
    if kind == "l2":
        t = np.linspace(0, 2 * np.pi, 100)
        return np.column_stack([np.sqrt(r) * np.cos(t), np.sqrt(r) * np.sin(t)])
    return np.array([[r, 0], [0, r], [-r, 0], [0, -r]])


def _build_geometry(fig, w_ls, A, paths, lim):
    """Both panels, drawn once; returns per panel the artists a move updates."""
    from matplotlib.patches import Polygon

    with plots.style():
        axes = fig.subplots(1, 2)  # (sharey would clip the titles: equal aspect + fig.legend)
    panels = {}
    for ax, kind in zip(axes, PENALTIES):
        with plots.style():
            for curve in _ellipses(w_ls, A, np.geomspace(0.5, 400, 9)):
                ax.plot(*curve, color="0.6", lw=0.8)
            region = ax.add_patch(Polygon(np.zeros((4, 2)), color=_COLORS[kind], alpha=0.3,
                                          label=_REGION_LABELS[kind], animated=True))
            touching = ax.plot([], [], color="k", lw=1.2, animated=True,
                               label="the contour of ½‖y − Xw‖² through w")[0]
            path = ax.plot(*paths[kind].T, color="0.3", lw=1, ls="--",
                           label="solution as α grows")[0]
            ls = ax.plot(*w_ls, "k+", ms=10, mew=2, label="least squares (α = 0)")[0]
            dot = ax.plot([], [], "o", color=plots.PALETTE[1], ms=7, label="solution w",
                          animated=True)[0]
            ax.axhline(0, color="k", lw=0.6)
            ax.axvline(0, color="k", lw=0.6)
            ax.set(xlim=(-0.3 * lim, lim), ylim=(-0.3 * lim, lim), aspect="equal", xlabel="w₁")
            ax.xaxis.set_major_locator(MaxNLocator(4))  # tick labels cost more than
            ax.yaxis.set_major_locator(MaxNLocator(4))  # the contours
        panels[kind] = {"region": region, "touching": touching, "dot": dot,
                        "title": ax.set_title(" ", fontsize=10, animated=True)}
    axes[0].set_ylabel("w₂")
    axes[1].tick_params(labelleft=False)  # the same w₂ axis as on the left: labelled once
    with plots.style():
        handles = [panels["l2"]["region"], touching, path, panels["l1"]["region"], ls, dot]
        fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=8)
    # Constrained layout places equal-aspect axes right only on its second pass, and
    # the explorer keeps the first frame's layout: run one pass now.
    fig.get_layout_engine().execute(fig)
    return panels


def geometry_explorer(alpha=100.0):
    """The lecture's picture of why L1 gives zeros, for a problem with two weights.

    Both panels show the contours of ½‖y − Xw‖² in the (w₁, w₂) plane, the
    unregularised minimum, the path of the solution as α grows, and for the
    current α the solution and the constraint region through it: the circle
    ‖w‖₂ = const (L2) and the diamond ‖w‖₁ = const (L1). The solution is
    where the smallest contour touches that region; the diamond's corners
    stick out, so the touching point is often a corner, where a weight is 0.
    The default α = 100 is such a case: the lasso has set w₂ = 0, ridge has not.
    """
    X, y = _two_weight_problem()
    A = X.T @ X  # ½‖y − Xw‖² = ½(w − w_ls)ᵀ A (w − w_ls) + its minimum
    w_ls = np.linalg.solve(A, X.T @ y)
    alphas = _slider_alphas(-1, 3, 0.05)

    # the data are centred, so the paths' intercepts are 0: these are the fits without one
    solutions = _Solutions(lambda a, kind: coefficient_path(X, y, a, kind, tol=1e-10), alphas)
    paths = {kind: np.array([solutions(a, kind) for a in alphas]) for kind in PENALTIES}
    state = {}
    panels = {}

    def draw(fig, alpha):
        if not panels:
            panels.update(_build_geometry(fig, w_ls, A, paths, 1.25 * np.abs(w_ls).max()))
        for kind, artists in panels.items():
            w = solutions(alpha, kind)
            artists["region"].set_xy(_region(w, kind))
            height = 0.5 * (w - w_ls) @ A @ (w - w_ls)
            artists["touching"].set_data(*_ellipses(w_ls, A, height)[0])
            artists["dot"].set_data([w[0]], [w[1]])
            name = "L2 (ridge), the circle" if kind == "l2" else "L1 (lasso), the diamond"
            artists["title"].set_text(f"{name}: w = ({w[0]:.2f}, {w[1]:.2f})")
            state[kind] = w

    controls = {"alpha": log_slider(float(alpha), -1, 3, description="α", step=0.05)}
    return Explorer(draw, controls, figsize=(10, 5.6), state=state, clear=False,
                    title="Where the contours of ½‖y − Xw‖² first touch the penalty region")
