"""Regularization: the lecture's penalised least squares and its scikit-learn spelling.

The lecture writes the regularised loss as

    L(w) = ½ ‖y − Xw‖² + α Ω(w),     Ω(w) = ‖w‖₂²  (L2, ridge)   or   ‖w‖₁  (L1, lasso).

scikit-learn minimises the same functions with other constants in front:

* ``Ridge(alpha=a)``:  ‖y − Xw‖² + a ‖w‖₂²              → the lecture's α is a / 2,
* ``Lasso(alpha=a)``:  ‖y − Xw‖² / (2n) + a ‖w‖₁        → the lecture's α is a · n.

:func:`sklearn_alpha` converts the lecture's α into scikit-learn's, so the
notebooks can quote α as on the slide and still let scikit-learn fit.

    >>> sklearn_alpha(0.5, "l2"), sklearn_alpha(3.0, "l1", n_samples=30)
    (1.0, 0.1)
"""

import numpy as np

__all__ = [
    "PENALTIES",
    "sklearn_alpha",
    "penalty",
    "penalized_loss",
    "regularized_model",
    "regularized_polynomial",
    "ridge_path",
    "coefficient_path",
]

PENALTIES = ("l2", "l1")


def _check_penalty(kind):
    if kind not in PENALTIES:
        raise ValueError(f"penalty must be 'l2' (ridge) or 'l1' (lasso), got {kind!r}")
    return kind


def sklearn_alpha(alpha, kind="l2", n_samples=None):
    """scikit-learn's ``alpha`` for the lecture's α (see the module docstring).

    ``kind="l2"``: ``Ridge(alpha=2α)``. ``kind="l1"``: ``Lasso(alpha=α / n)``,
    which needs the number of training samples ``n``.
    """
    if _check_penalty(kind) == "l2":
        return 2.0 * alpha
    if n_samples is None:
        raise ValueError("an L1 (lasso) alpha needs n_samples: scikit-learn's is alpha / n")
    return alpha / n_samples


def penalty(w, kind="l2"):
    """``Ω(w)``: ``‖w‖₂²`` for ``"l2"``, ``‖w‖₁`` for ``"l1"``."""
    w = np.asarray(w, dtype=float)
    return float(np.sum(w**2)) if _check_penalty(kind) == "l2" else float(np.sum(np.abs(w)))


def penalized_loss(w, X, y, alpha, kind="l2", intercept=0.0):
    """The lecture's ``L(w) = ½ ‖y − Xw − b‖² + α Ω(w)`` (the intercept ``b`` is not penalised)."""
    residual = np.asarray(y, dtype=float) - np.asarray(X, dtype=float) @ np.asarray(w) - intercept
    return 0.5 * float(residual @ residual) + alpha * penalty(w, kind)


def regularized_model(alpha, kind="l2", n_samples=None, max_iter=100_000, tol=1e-4):
    """A scikit-learn ``Ridge`` or ``Lasso`` minimising the lecture's ``L(w)`` with this α.

    ``n_samples`` is the size of the training set the model will be fitted
    on (needed for the lasso; see :func:`sklearn_alpha`). ``alpha=0`` gives
    plain least squares (``LinearRegression``, exact: see
    :mod:`trisep_nn.polynomials`).
    """
    from sklearn.linear_model import Lasso, LinearRegression, Ridge

    if alpha == 0:
        from trisep_nn.polynomials import LSTSQ_TOL

        return LinearRegression(tol=LSTSQ_TOL)
    a = sklearn_alpha(alpha, kind, n_samples)
    if kind == "l2":
        return Ridge(alpha=a)
    return Lasso(alpha=a, max_iter=max_iter, tol=tol)


def regularized_polynomial(degree, alpha, kind="l2", n_samples=None, **kwargs):
    """Polynomial features of ``degree``, standardised, then :func:`regularized_model`.

    x is standardised before its powers are taken (for precision, see
    :mod:`trisep_nn.polynomials`), and the powers are standardised
    again: every feature then has the same scale, so the penalty treats
    them alike and the fitted weights can be compared side by side.
    """
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    return make_pipeline(
        StandardScaler(),
        PolynomialFeatures(degree, include_bias=False),
        StandardScaler(),
        regularized_model(alpha, kind, n_samples, **kwargs),
    )


def ridge_path(X, y, alphas):
    """Ridge weights for every α at once (the lecture's α), with an unpenalised intercept.

    Returns ``(weights, intercepts)``, shapes ``(len(alphas), n_features)`` and
    ``(len(alphas),)``: what ``Ridge(alpha=2α)`` fits for each α, from one SVD
    of the centred ``X = U S Vᵀ``: ``w = V diag(s / (s² + 2α)) Uᵀ y``, each
    singular direction shrunk by its own factor (the 1 / (1 + 2α) of an
    orthonormal design, in general).
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    X_mean, y_mean = X.mean(axis=0), y.mean()  # the intercept is not penalised: centre
    U, s, Vt = np.linalg.svd(X - X_mean, full_matrices=False)
    shrink = s / (s**2 + 2 * np.asarray(alphas, dtype=float)[:, None])  # (n_alphas, rank)
    weights = (shrink * (U.T @ (y - y_mean))) @ Vt
    return weights, y_mean - weights @ X_mean


def coefficient_path(X, y, alphas, kind="l2", tol=1e-4):
    """Fitted weights for each α (the lecture's α): shape ``(len(alphas), n_features)``.

    The intercept is fitted and not penalised, as in scikit-learn. The L2
    path is :func:`ridge_path` (one SVD); the L1 path is scikit-learn's ``lasso_path``
    (coordinate descent with warm starts from one α to the next), on
    centred data, which is what fitting an unpenalised intercept amounts to.
    ``tol`` is the lasso's stopping tolerance: with strongly correlated
    features (powers of x) the minimum lies in a long flat valley, and the
    weights need a small ``tol`` to settle.
    """
    from sklearn.linear_model import lasso_path

    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    alphas = np.asarray(alphas, dtype=float)
    if _check_penalty(kind) == "l2":
        return ridge_path(X, y, alphas)[0]
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    order = np.argsort(alphas)[::-1]  # lasso_path runs from strong to weak penalty
    _, coefs, _ = lasso_path(
        Xc, yc, alphas=alphas[order] / len(y), max_iter=1_000_000, tol=tol
    )
    path = np.empty((len(alphas), X.shape[1]))
    path[order] = coefs.T
    return path
