"""Model selection: why the test set is touched only once.

The lecture's recipe splits the data in three: a **training** set to fit
the parameters, a **validation** set to compare models and tune
hyper-parameters (here, the polynomial degree), and a **test** set for the
final evaluation, "needed since we tune, or 'peek', performance with the
validation set".

Peeking has a price that a physicist knows as the look-elsewhere effect:
the smallest of many noisy validation errors is smaller than the error the
chosen model really has, just as the most significant bump in a mass scan
overstates its significance. :func:`validation_optimism` measures that
price by repeating the whole procedure on many simulated data sets.

    >>> r = validation_optimism(n_repeats=500, random_state=0)
    >>> bool(r["test_error"].mean() > r["validation_error"].mean())
    True
"""

import numpy as np

from trisep_nn.data import cosine
from trisep_nn.polynomials import polynomial_fit_predict_many

__all__ = ["validation_optimism"]


def validation_optimism(n_samples=60, degrees=range(1, 16), n_repeats=2000, noise=0.1,
                        fractions=(0.5, 0.25, 0.25), f=cosine, random_state=None):
    """Repeat "fit every degree, keep the best on validation, report" many times.

    Each repetition draws ``n_samples`` points of ``y = f(x) + noise · N(0, 1)``
    (x uniform on [0, 1]), splits them at random into training, validation
    and test sets in the given ``fractions``, fits a least-squares
    polynomial of every degree on the training set, chooses the degree with
    the smallest validation mean squared error, and records that error and
    the chosen model's error on the untouched test set.

    The fits are the batched least squares of
    :func:`trisep_nn.polynomials.polynomial_fit_predict_many` (the same
    fits as ``polynomial_regression(degree)``; a shuffled split is what
    ``train_test_split`` does), so thousands of repetitions take a second.

    Returns
    -------
    dict of arrays, one value per repetition: ``validation_error`` (the
    smallest validation MSE), ``test_error`` (the test MSE of the model that
    achieved it) and ``degree`` (the chosen degree).
    """
    rng = np.random.default_rng(random_state)
    degrees = np.asarray(list(degrees))
    n_train = int(round(fractions[0] * n_samples))
    n_val = int(round(fractions[1] * n_samples))
    x = rng.uniform(0.0, 1.0, size=(n_repeats, n_samples))
    y = f(x) + noise * rng.standard_normal(x.shape)
    order = np.argsort(rng.uniform(size=x.shape), axis=1)  # a random permutation per row
    x, y = np.take_along_axis(x, order, axis=1), np.take_along_axis(y, order, axis=1)
    parts = np.split(np.arange(n_samples), [n_train, n_train + n_val])
    (x_tr, x_val, x_te), (y_tr, y_val, y_te) = ([a[:, p] for p in parts] for a in (x, y))

    val_err, test_err = [], []
    for degree in degrees:
        both = polynomial_fit_predict_many(int(degree), x_tr, y_tr, np.hstack([x_val, x_te]))
        val_err.append(np.mean((both[:, :n_val] - y_val) ** 2, axis=1))
        test_err.append(np.mean((both[:, n_val:] - y_te) ** 2, axis=1))
    val_err, test_err = np.array(val_err), np.array(test_err)  # (n_degrees, n_repeats)
    best = np.argmin(val_err, axis=0)
    rows = np.arange(n_repeats)
    return {
        "validation_error": val_err[best, rows],
        "test_error": test_err[best, rows],
        "degree": degrees[best],
    }
