"""Explorers for notebook 02 (overfitting and model selection).

* :func:`fit_explorer`: a polynomial fit to the noisy cosine, with sliders
  for the degree and the number of training points, next to its training
  and test error for every degree (the U, and how it moves with more data).
"""

import functools

import numpy as np
from matplotlib.ticker import MaxNLocator

from trisep_nn import data, plots
from trisep_nn.explorer import Explorer, slider
from trisep_nn.polynomials import polynomial_regression

__all__ = ["fit_explorer"]


def fit_explorer(degree=4, n_samples=30, max_degree=15, noise=0.1, random_state=0):
    """Sliders for the polynomial degree and the training-set size.

    Left: ``n_samples`` noisy points of ``cos(1.5πx)`` (``data.noisy_function``
    with ``random_state``), the truth and the least-squares polynomial fit.
    Right: training and test mean squared error for every degree at this
    training-set size (test: 2000 fresh points), the chosen degree marked,
    and the noise floor σ² below which no model can go.
    """
    X_test, y_test = data.noisy_function(2000, noise=noise, random_state=random_state + 1)
    degrees = np.arange(1, max_degree + 1)

    @functools.lru_cache(maxsize=32)
    def fits(n):
        X, y = data.noisy_function(n, noise=noise, random_state=random_state)
        models = [polynomial_regression(int(d)).fit(X, y) for d in degrees]
        train = np.array([np.mean((m.predict(X) - y) ** 2) for m in models])
        test = np.array([np.mean((m.predict(X_test) - y_test) ** 2) for m in models])
        return X, y, models, train, test

    def draw(fig, degree, n_samples):
        X, y, models, train, test = fits(n_samples)
        with plots.style():
            ax_fit, ax_err = fig.subplots(1, 2)
        plots.function_fit(
            X, y, {f"degree {degree}": models[degree - 1]}, ax_fit, truth=data.cosine,
            x_range=(0, 1), ylim=(-2, 2), title=f"{n_samples} training points",
        )
        with plots.style():
            ax_err.semilogy(degrees, train, "o-", ms=4, color=plots.PALETTE[0],
                            label="training")
            ax_err.semilogy(degrees, test, "o-", ms=4, color=plots.PALETTE[1], label="test")
            ax_err.axhline(noise**2, color="k", ls=":", lw=1, label="noise σ²")
            ax_err.axvline(degree, color="0.35", ls="--", lw=1,
                           label=f"degree {degree}: train {train[degree - 1]:.3g}, "
                                 f"test {test[degree - 1]:.3g}")
            best = int(degrees[np.argmin(test)])
            ax_err.set_title(f"lowest test error at degree {best}")
            ax_err.set_xlabel("polynomial degree")
            ax_err.set_ylabel("mean squared error")
            ax_err.set_ylim(noise**2 / 10, 10)
            ax_err.minorticks_off()
            ax_err.xaxis.set_major_locator(MaxNLocator(5, integer=True))  # each tick label
            ax_err.legend(loc="upper right")  # costs about a millisecond to draw
        for axis in (ax_fit.xaxis, ax_fit.yaxis):
            axis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))

    controls = {
        "degree": slider(int(degree), 1, int(max_degree), 1, "degree"),
        "n_samples": slider(int(n_samples), 10, 300, 10, "training points",
                            continuous=False),
    }
    return Explorer(draw, controls, figsize=(10, 4.2),
                    title="Under- and over-fitting: polynomial degree vs amount of data")
