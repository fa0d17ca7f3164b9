"""Basis functions: linear models on new features ``φ(x) = {1, x, x², …}``.

The lecture's recipe for a non-linear relationship between ``y`` and ``x``:
keep a model that is linear in its weights, but feed it new features
``φ(x)``. With the polynomial basis this is a truncated Taylor series whose
coefficients are fitted to data.

    >>> from trisep_nn.polynomials import polynomial_regression
    >>> import numpy as np
    >>> x = np.linspace(0, 1, 20).reshape(-1, 1)
    >>> model = polynomial_regression(degree=2).fit(x, 1 + 2 * x[:, 0] - 3 * x[:, 0] ** 2)
    >>> np.round(model.predict([[0.5]]), 6)
    array([1.25])

All fitting is scikit-learn's: ``PolynomialFeatures`` builds ``φ(x)``, then
``LinearRegression`` (least squares, the χ² fit of a physicist with equal
errors) or ``LogisticRegression`` (maximum likelihood for a class
probability ``σ(wᵀφ(x))``) fits the weights. The intercept plays the role
of the constant basis function 1.

Two numerical details make the fits exact least squares at every degree
the course uses (up to 15):

* each input is standardised (mean 0, standard deviation 1) before its
  powers are taken: on [0, 1], x¹⁴ and x¹⁵ are almost the same column;
* ``LinearRegression(tol=1e-12)``: scikit-learn's default ``tol=1e-6`` is
  passed to ``lstsq`` as the cut-off for small singular values, which at
  high degree silently replaces the least-squares fit by a smoother one
  with a visibly larger χ².
"""

import numpy as np

__all__ = ["polynomial_regression", "polynomial_classifier", "polynomial_fit_predict_many"]

#: ``LinearRegression``'s singular-value cut-off: exact least squares, still
#: safe when there are more coefficients than points.
LSTSQ_TOL = 1e-12


def polynomial_regression(degree):
    """Least-squares fit of a polynomial of the given degree in each input.

    A scikit-learn ``Pipeline``: ``StandardScaler`` (see the module
    docstring), ``PolynomialFeatures(degree)``, then ``LinearRegression``
    (with an exact least-squares cut-off). ``degree=1`` is a straight line.
    """
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    return make_pipeline(
        StandardScaler(),
        PolynomialFeatures(degree, include_bias=False),
        LinearRegression(tol=LSTSQ_TOL),
    )


def polynomial_classifier(degree, C=np.inf, max_iter=10_000):
    """Logistic regression ``σ(wᵀφ(x))`` on all monomials of the inputs up to ``degree``.

    A scikit-learn ``Pipeline``: ``StandardScaler``, ``PolynomialFeatures(degree)``,
    ``StandardScaler`` again (so the optimiser sees features of similar
    size), then ``LogisticRegression(C=C)``. The default ``C=inf`` means no penalty at
    all: the plain maximum-likelihood fit of the lecture, free to overfit.
    A finite ``C`` adds an L2 penalty of strength ``1 / C`` (notebook 04).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    return make_pipeline(
        StandardScaler(),
        PolynomialFeatures(degree, include_bias=False),
        StandardScaler(),
        LogisticRegression(C=C, max_iter=max_iter),
    )


def polynomial_fit_predict_many(degree, X, Y, x_eval):
    """Least-squares polynomial fits of one degree to every training set at once.

    ``x_eval`` is one array of points for all training sets, shape ``(K,)``,
    or one row per training set, shape ``(n_datasets, K)``. The same fits as
    ``fit_predict_many(polynomial_regression(degree), ...)``, solved for all
    training sets at once: by a batched QR decomposition when there are at
    least as many points as coefficients (ten times faster than an SVD, and
    as accurate), by the pseudo-inverse otherwise. The polynomial is written in
    Legendre polynomials of ``2x − 1`` rather than in powers of ``x``: the
    same functions, but far better conditioned at high degree. (With more
    coefficients than points, ``degree + 1 > n_train``, the fit is not
    unique: both interpolate the data, each with its own minimum-norm choice.)
    """
    from numpy.polynomial import legendre

    def design(x):
        return legendre.legvander(2 * np.asarray(x, dtype=float) - 1, degree)

    V, Y = design(X), np.asarray(Y, dtype=float)[..., None]
    if V.shape[-2] >= V.shape[-1]:  # determined: least squares through V = QR
        Q, R = np.linalg.qr(V)
        W = np.linalg.solve(R, np.swapaxes(Q, -1, -2) @ Y)
    else:  # more coefficients than points: the minimum-norm interpolant
        W = np.linalg.pinv(V) @ Y
    if np.ndim(x_eval) == 2:  # each training set has its own evaluation points
        return np.einsum("mp,mkp->mk", W[..., 0], design(x_eval))
    return W[..., 0] @ design(x_eval).T
