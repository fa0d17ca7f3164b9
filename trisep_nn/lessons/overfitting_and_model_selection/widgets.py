"""Explorers for notebook 02 (overfitting and model selection).

* :func:`fit_explorer`: a polynomial fit to the noisy cosine, with sliders
  for the degree and the number of training points, next to its training
  and test error for every degree (the U, and how it moves with more data).
"""

import numpy as np
from matplotlib.ticker import MaxNLocator

from trisep_nn import data, plots
from trisep_nn.explorer import Explorer, slider
from trisep_nn.polynomials import polynomial_fit_predict_degrees

__all__ = ["fit_explorer"]

_ERROR_RANGE = (1e-3, 10.0)  # the error axis; errors above it are marked ▲ at the top


def fit_every_degree(n, degrees, noise=0.1, random_state=0, n_test=2000):
    """One data set of ``n`` points, least-squares polynomials of every degree.

    Returns ``(X, y, curves, train, test)``: the data, each fit on 200 points
    of [0, 1] (one row per degree) and the training and test mean squared
    errors (test: ``n_test`` fresh points). The fits are those of
    ``polynomial_regression`` (solved by ``polynomial_fit_predict_degrees``);
    with fewer points than coefficients, each basis picks its own
    interpolating fit.
    """
    X, y = data.noisy_function(n, noise=noise, random_state=random_state)
    X_test, y_test = data.noisy_function(n_test, noise=noise, random_state=random_state + 1)
    x_grid = np.linspace(0, 1, 200)
    x_all = np.concatenate([X[:, 0], X_test[:, 0], x_grid])
    h = polynomial_fit_predict_degrees(degrees, X[:, 0], y, x_all)
    train = np.mean((h[:, :n] - y) ** 2, axis=1)
    test = np.mean((h[:, n:n + n_test] - y_test) ** 2, axis=1)
    return X, y, h[:, n + n_test:], train, test


def _build(fig, degrees, noise):
    """Both panels, drawn once; returns the artists a move updates."""
    animated = {"animated": True}
    with plots.style():
        ax_fit, ax_err = fig.subplots(1, 2)
        x = np.linspace(0, 1, 200)
        parts = {
            "points": ax_fit.scatter([], [], s=22, color="white", edgecolors="k", zorder=3,
                                     label="training data", **animated),
            "fit": ax_fit.plot(x, np.zeros_like(x), color=plots.PALETTE[2],
                               label="the fit", **animated)[0],
            "train": ax_err.plot(degrees, degrees * 0.0, "o-", ms=4, color=plots.PALETTE[0],
                                 label="training error", **animated)[0],
            "test": ax_err.plot(degrees, degrees * 0.0, "o-", ms=4, color=plots.PALETTE[1],
                                label="test error", **animated)[0],
            "off_scale": ax_err.plot([], [], "^", color=plots.PALETTE[1], ms=7, clip_on=False,
                                     label="test error above the scale", **animated)[0],
            "below_scale": ax_err.plot([], [], "v", color=plots.PALETTE[0], ms=7,
                                       clip_on=False, label="training error below the scale "
                                       "(the fit passes through every point)", **animated)[0],
            "current": ax_err.axvline(degrees[0], color="0.35", ls="--", lw=1, **animated),
            "titles": [ax.set_title(" ", fontsize=10, **animated) for ax in (ax_fit, ax_err)],
        }
        parts["off_scale"].set_in_layout(False)
        parts["below_scale"].set_in_layout(False)
        truth = ax_fit.plot(x, data.cosine(x), color="k", lw=1.5, label="true function")[0]
        floor = ax_err.axhline(noise**2, color="k", ls=":", lw=1, label="noise σ²")
        ax_fit.set(xlim=(0, 1), ylim=(-2, 2), xlabel="x", ylabel="y")
        ax_err.set(yscale="log", ylim=_ERROR_RANGE, xlabel="polynomial degree",
                   ylabel="mean squared error")
        ax_err.minorticks_off()
        ax_err.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        handles = [parts["points"], truth, parts["fit"], floor, parts["train"], parts["test"],
                   parts["off_scale"], parts["below_scale"]]
        fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=9)
    return parts


def fit_explorer(degree=4, n_samples=30, max_degree=15, noise=0.1, random_state=0):
    """Sliders for the polynomial degree and the training-set size.

    Left: ``n_samples`` noisy points of ``cos(1.5πx)`` (``data.noisy_function``
    with ``random_state``), the truth and the least-squares polynomial fit.
    Right: training and test mean squared error for every degree at this
    training-set size (test: 2000 fresh points), the chosen degree marked,
    and the noise floor σ² below which no model can go. Every setting the
    sliders reach is fitted when the explorer is built (a fraction of a
    second: the fits are solved in batches); ``explorer.state`` holds the errors.
    """
    degrees = np.arange(1, max_degree + 1)
    sizes = range(10, 301, 10)
    fits = {n: fit_every_degree(n, degrees, noise, random_state) for n in sizes}
    state = {}
    parts = {}

    def draw(fig, degree, n_samples):
        if not parts:
            parts.update(_build(fig, degrees, noise))
        if n_samples not in fits:  # a size off the slider's steps (a test, a typed value)
            fits[n_samples] = fit_every_degree(n_samples, degrees, noise, random_state)
        X, y, curves, train, test = fits[n_samples]
        parts["points"].set_offsets(np.column_stack([X[:, 0], y]))
        parts["fit"].set_ydata(curves[degree - 1])
        parts["train"].set_ydata(train)
        parts["test"].set_ydata(test)
        above, below = test > _ERROR_RANGE[1], train < _ERROR_RANGE[0]
        parts["off_scale"].set_data(degrees[above], np.full(above.sum(), _ERROR_RANGE[1]))
        parts["below_scale"].set_data(degrees[below], np.full(below.sum(), _ERROR_RANGE[0]))
        parts["current"].set_xdata([degree, degree])
        best = int(degrees[np.argmin(test)])
        parts["titles"][0].set_text(f"{n_samples} training points, degree {degree}: "
                                    f"train {train[degree - 1]:.3g}, test {test[degree - 1]:.3g}")
        parts["titles"][1].set_text(f"lowest test error at degree {best}")
        state.update(train=train, test=test, best_degree=best)

    controls = {
        "degree": slider(int(degree), 1, int(max_degree), 1, "degree"),
        "n_samples": slider(int(n_samples), 10, 300, 10, "training points"),
    }
    return Explorer(draw, controls, figsize=(10, 4.6), state=state, clear=False,
                    title="Under- and over-fitting: polynomial degree vs amount of data")
