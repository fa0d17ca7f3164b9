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

from .validation import InvalidArgumentError, check_count, check_number

__all__ = ["polynomial_regression", "polynomial_classifier", "polynomial_fit_predict_many",
           "polynomial_fit_predict_degrees"]

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

    degree = check_count(degree, "degree", minimum=0)
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

    degree = check_count(degree, "degree", minimum=0)
    max_iter = check_count(max_iter, "max_iter")
    if not (isinstance(C, (int, float)) and C == np.inf):  # inf: no penalty at all
        check_number(C, "C", low=0.0, low_open=True)
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

    degree, X, Y, x_eval = _check_many(degree, X, Y, x_eval)

    def design(x):
        return legendre.legvander(2 * x - 1, degree)

    V = design(X)
    if V.shape[-2] >= V.shape[-1]:  # determined: least squares through V = QR
        Q, R = np.linalg.qr(V)
        W = np.linalg.solve(R, np.swapaxes(Q, -1, -2) @ Y[..., None])
    else:  # more coefficients than points: the minimum-norm interpolant
        W = np.linalg.pinv(V) @ Y[..., None]
    if np.ndim(x_eval) == 2:  # each training set has its own evaluation points
        return np.einsum("mp,mkp->mk", W[..., 0], design(x_eval))
    return W[..., 0] @ design(x_eval).T


def polynomial_fit_predict_degrees(degrees, X, Y, x_eval):
    """:func:`polynomial_fit_predict_many` for several degrees: one row per degree,
    ``np.array([polynomial_fit_predict_many(d, X, Y, x_eval) for d in degrees])``.

    One QR decomposition serves every degree: the Legendre design of degree d
    is the first d + 1 columns of the highest degree's, and the QR decomposition
    of a matrix's first k columns is the first k columns of its Q with the
    leading k × k block of its R. (A degree with more coefficients than points is
    solved on its own, as :func:`polynomial_fit_predict_many` does.)
    """
    from numpy.polynomial import legendre

    degrees = [check_count(d, "degree", minimum=0) for d in np.atleast_1d(degrees)]
    if not degrees:
        raise ValueError("degrees must name at least one degree")
    top, X, Y, x_eval = _check_many(max(degrees), X, Y, x_eval)
    determined = [d for d in degrees if d + 1 <= X.shape[-1]]
    if determined:
        Q, R = np.linalg.qr(legendre.legvander(2 * X - 1, max(determined)))
        QtY = np.swapaxes(Q, -1, -2) @ Y[..., None]
        E = legendre.legvander(2 * x_eval - 1, max(determined))
    rows = []
    for d in degrees:
        if d not in determined:
            rows.append(polynomial_fit_predict_many(d, X, Y, x_eval))
            continue
        W = np.linalg.solve(R[..., :d + 1, :d + 1], QtY[..., :d + 1, :])[..., 0]
        rows.append(np.einsum("mp,mkp->mk", W, E[..., :d + 1]) if x_eval.ndim == 2
                    else W @ E[..., :d + 1].T)
    return np.array(rows)


def _check_many(degree, X, Y, x_eval):
    """polynomial_fit_predict_many's arguments, as finite float arrays of fitting shapes."""
    degree = check_count(degree, "degree", minimum=0)
    arrays = []
    for name, a in (("X", X), ("Y", Y), ("x_eval", x_eval)):
        try:
            a = np.asarray(a, dtype=float)
        except (TypeError, ValueError):
            raise InvalidArgumentError(f"{name} must be an array of numbers, got {a!r}") from None
        if a.size == 0 or not np.all(np.isfinite(a)):
            raise ValueError(f"{name} must be a non-empty array of finite numbers")
        arrays.append(a)
    X, Y, x_eval = arrays
    if X.ndim not in (1, 2) or Y.shape != X.shape:
        raise ValueError(f"X and Y must have the same shape, (n_datasets, n_train) or "
                         f"(n_train,) for one training set; got {X.shape} and {Y.shape}")
    if x_eval.ndim not in (1, 2) or x_eval.ndim == 2 and (X.ndim != 2 or len(x_eval) != len(X)):
        raise ValueError(f"x_eval must have shape (K,) or ({len(X)}, K), got {x_eval.shape}")
    return degree, X, Y, x_eval
