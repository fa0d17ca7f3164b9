"""Exercise checks for notebook 04 (regularization).

The lecture's regularised loss is ``L(w) = ½‖y − Xw‖² + α Ω(w)``; the
checks use the same α (not scikit-learn's, see :mod:`trisep_nn.lessons.regularization`).
"""

import numpy as np

from trisep_nn.feedback import OK, WRONG, call_student, check_array, not_answered, say
from trisep_nn.lessons.regularization import penalized_loss

__all__ = ["check_regularized_loss", "check_ridge_weights", "check_soft_threshold",
           "check_cv_alpha"]


def _close(a, b):
    return np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-6, atol=1e-10)


def _loss_cases():
    """(w, X, y, alpha, kind): a non-square X, weights of both signs, α ≠ 1, both penalties."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(7, 3))
    y = rng.normal(size=7)
    w = np.array([0.8, -1.3, 0.4])
    return [(w, X, y, 0.7, "l2"), (w, X, y, 0.7, "l1"), (-0.5 * w, X, y, 2.5, "l2"),
            (-0.5 * w, X, y, 2.5, "l1")]


def _loss_slips(w, X, y, alpha, kind):
    """The value each typical slip gives on one case, with what the slip is."""
    r2 = float(np.sum((y - X @ w) ** 2))
    l1, l2 = float(np.sum(np.abs(w))), float(np.sum(w**2))
    omega = l2 if kind == "l2" else l1
    other = l1 if kind == "l2" else l2
    slips = [
        (r2 + alpha * omega, "the squared error is missing its ½: L = ½‖y − Xw‖² + αΩ(w)"),
        (0.5 * r2 / len(y) + alpha * omega,
         f"you averaged the squared residuals (divided by n = {len(y)}); the lecture's loss "
         "sums them: ½‖y − Xw‖² = ½ Σᵢ (yᵢ − xᵢᵀw)², a χ² with σ = 1"),
        (r2 / len(y) + alpha * omega,
         f"that is the mean squared error (1/n with n = {len(y)}, no ½) plus the penalty; "
         "the lecture's loss is ½ Σᵢ (yᵢ − xᵢᵀw)², a sum"),
        (alpha * 0.5 * r2 + omega, "α multiplies the wrong term: it sets the price of the "
         "penalty, L = ½‖y − Xw‖² + α Ω(w)"),
        (0.5 * (r2 + alpha * omega), "the ½ multiplies the penalty too; only the squared "
         "error carries it: L = ½‖y − Xw‖² + α Ω(w)"),
        (0.5 * r2 - alpha * omega, "the sign of the penalty is flipped: it is added, so "
         "that large weights cost more"),
        (0.5 * r2 + alpha * other, "the two penalties are swapped: L2 is Ω = Σ wⱼ², "
         "L1 is Ω = Σ |wⱼ|"),
        (0.5 * np.sqrt(r2) + alpha * omega, "the residual's norm is not squared: "
         "½‖y − Xw‖² = ½ Σᵢ (yᵢ − xᵢᵀw)²"),
    ]
    if kind == "l2":
        slips.append((0.5 * r2 + alpha * np.sqrt(l2), "Ω is ‖w‖₂², the norm squared "
                      "(Σ wⱼ²), not the norm ‖w‖₂ = np.linalg.norm(w)"))
    else:
        slips += [(0.5 * r2 + alpha * l1**2, "Ω is ‖w‖₁ = Σ |wⱼ|, not squared"),
                  (0.5 * r2 + alpha * float(np.sum(w)),
                   "Ω is Σ |wⱼ|: take the absolute value of each weight (np.abs)")]
    return slips


def check_regularized_loss(regularized_loss):
    """Exercise 4.1: ``regularized_loss(w, X, y, alpha, kind)`` = ½‖y − Xw‖² + α Ω(w).

    Tried on a non-square X with weights of both signs, α = 0.7 and 2.5,
    and both penalties, so that each typical slip gives a value of its own.
    """
    what = "regularized_loss(w, X, y, alpha, kind)"
    if not_answered(regularized_loss, "regularized_loss"):
        return False
    for w, X, y, alpha, kind in _loss_cases():
        where = f"(kind = {kind!r}, α = {alpha}, X of shape {X.shape})"
        got = call_student(regularized_loss, what, w.copy(), X.copy(), y.copy(), alpha, kind)
        if got is None:
            return False
        if got.size != 1:
            say(WRONG, f"{what}: returned shape {got.shape} {where}; the loss is one number: "
                        "sum the squared residuals (and the penalty) over everything.")
            return False
        value = float(got.reshape(()))
        expected = penalized_loss(w, X, y, alpha, kind)
        if np.isclose(value, expected, rtol=1e-9):
            continue
        for slip_value, slip in _loss_slips(w, X, y, alpha, kind):
            if np.isclose(value, slip_value, rtol=1e-9):
                say(WRONG, f"{what}: {slip} {where}.")
                return False
        say(WRONG, f"{what}: gave {value:.6g}, expected {expected:.6g} {where}. Compute "
                    "the residual y − X @ w, then 0.5 * its sum of squares, plus alpha times "
                    "Ω(w).")
        return False
    say(OK, f"{what}: correct for both penalties: L = ½‖y − Xw‖² + α Ω(w).")
    return True


def check_ridge_weights(answer, X, y, alpha):
    """Exercise 4.2: the minimiser of ½‖y − Xw‖² + α‖w‖², i.e. (XᵀX + 2αI)⁻¹Xᵀy."""
    what = "w_ridge"
    if not_answered(answer, what):
        return False
    try:
        answer = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        say(WRONG, f"{what}: expected an array of numbers, got {type(answer).__name__}.")
        return False
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    d = X.shape[1]
    A, b = X.T @ X, X.T @ y

    def solve(a):
        return np.linalg.solve(A + a * np.eye(d), b)

    expected = solve(2 * alpha)
    if _close(answer, expected):
        say(OK, f"{what}: correct: ∇L = −Xᵀ(y − Xw) + 2αw = 0 gives w = (XᵀX + 2αI)⁻¹Xᵀy.")
        return True
    if answer.shape != expected.shape:
        if answer.shape == (len(y),):
            say(WRONG, f"{what}: shape {answer.shape}, one value per example; the weights "
                        f"have one value per feature, shape {expected.shape}.")
        else:
            say(WRONG, f"{what}: shape {answer.shape}, expected {expected.shape}.")
    elif _close(answer, solve(alpha)):
        say(WRONG, f"{what}: you added αI; the derivative of α‖w‖² is 2αw, so the matrix "
                    "is XᵀX + 2αI.")
    elif _close(answer, solve(alpha / 2)):
        say(WRONG, f"{what}: you added (α/2)I; the derivative of α‖w‖² is 2αw, so the "
                    "matrix is XᵀX + 2αI.")
    elif _close(answer, solve(-2 * alpha)):
        say(WRONG, f"{what}: you subtracted 2αI. Setting ∇L = −Xᵀ(y − Xw) + 2αw to zero "
                    "gives (XᵀX + 2αI) w = Xᵀy: the penalty adds to XᵀX (that is why the "
                    "weights shrink).")
    elif _close(answer, -expected):
        say(WRONG, f"{what}: the sign of every weight is flipped: solve (XᵀX + 2αI) w = +Xᵀy "
                    "(the gradient is −Xᵀ(y − Xw) + 2αw).")
    elif _close(answer, solve(0.0)):
        say(WRONG, f"{what}: that is the unregularised least-squares solution (α = 0): "
                    "the penalty adds 2αI to XᵀX.")
    elif _close(answer, np.linalg.solve(A + 2 * alpha * np.ones((d, d)), b)):
        say(WRONG, f"{what}: you added 2α to every entry of XᵀX; only the diagonal: "
                    "2α * np.eye(n_features).")
    else:
        check_array(answer, expected, what)
    return False


def _soft_threshold(z, alpha):
    return np.sign(z) * np.maximum(np.abs(z) - alpha, 0.0)


def check_soft_threshold(soft_threshold):
    """Exercise 4.3: the lasso solution for an orthonormal design, sign(z)·max(|z| − α, 0)."""
    what = "soft_threshold(z, alpha)"
    if not_answered(soft_threshold, "soft_threshold"):
        return False
    z = np.array([-3.0, -1.0, -0.4, 0.0, 0.3, 0.5, 2.0])
    for alpha in (0.5, 1.5):
        got = call_student(soft_threshold, what, z.copy(), alpha)
        if got is None:
            return False
        expected = _soft_threshold(z, alpha)
        if _close(got, expected):
            continue
        where = f"at z = {z.tolist()}, α = {alpha}"
        if got.shape != expected.shape:
            say(WRONG, f"{what}: shape {got.shape} for an input of shape {z.shape}; "
                        "work element by element (np.sign, np.abs, np.maximum).")
        elif _close(got, z / (1 + 2 * alpha)):
            say(WRONG, f"{what}: that is the ridge shrinkage z / (1 + 2α), which never "
                        "reaches exactly 0. The lasso subtracts α from |z| and stops at 0.")
        elif _close(got, np.sign(z) * (np.abs(z) - alpha)) or _close(got, z - alpha * np.sign(z)):
            say(WRONG, f"{what}: weights with |z| < α must be exactly 0, yours change sign "
                        f"({where}): clip |z| − α at 0 with np.maximum.")
        elif _close(got, np.where(np.abs(z) > alpha, z, 0.0)):
            say(WRONG, f"{what}: that is a hard threshold: it zeroes |z| ≤ α but keeps the "
                        f"larger z unchanged ({where}). The lasso also moves the survivors "
                        "towards 0 by α: sign(z) · max(|z| − α, 0).")
        elif _close(got, np.maximum(z - alpha, 0)):
            say(WRONG, f"{what}: every negative z became 0 ({where}): the lasso treats −z "
                        "like z. Work with |z| and put the sign back: "
                        "sign(z) · max(|z| − α, 0).")
        elif _close(got, np.maximum(np.abs(z) - alpha, 0)):
            say(WRONG, f"{what}: the sign of z is lost: multiply by np.sign(z).")
        elif _close(got, _soft_threshold(z, 2 * alpha)):
            say(WRONG, f"{what}: your dead zone is |z| < 2α, twice too wide: the derivative "
                        "of α|w| is ±α, so the threshold is α.")
        elif _close(got, _soft_threshold(z, alpha / 2)):
            say(WRONG, f"{what}: your dead zone is |z| < α/2, half as wide as it should be: "
                        "the threshold is α.")
        else:
            check_array(got, expected, f"{what} {where}")
        return False
    say(OK, f"{what}: correct. Every |z| ≤ α becomes exactly 0: that is where the "
             "lasso's zeros come from.")
    return True


def cross_validated_errors(X, y, alphas, cv, degree=15):
    """Mean squared validation error of ``regularized_polynomial(degree, α, "l2")`` for
    each α (the lecture's), averaged over the folds of ``cv``.

    What ``GridSearchCV(..., scoring="neg_mean_squared_error")`` computes (with
    the opposite sign), but each fold's fits for every α come from one SVD
    (:func:`~trisep_nn.lessons.regularization.ridge_path`) instead of one fit
    per α: a check should not take longer than the exercise.
    """
    from trisep_nn.lessons.regularization import regularized_polynomial, ridge_path

    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    errors = np.zeros(len(alphas))
    for train, val in cv.split(X):
        features = regularized_polynomial(degree, 1.0, "l2")[:-1].fit(X[train])
        weights, intercepts = ridge_path(features.transform(X[train]), y[train], alphas)
        predictions = features.transform(X[val]) @ weights.T + intercepts  # (n_val, n_alphas)
        errors += np.mean((predictions - y[val][:, None]) ** 2, axis=0)
    return errors / cv.get_n_splits(X)


def check_cv_alpha(answer, X, y, alphas, cv, degree=15):
    """Exercise 4.4: the lecture's α chosen by cross-validation for the ridge polynomial.

    Recomputes what ``GridSearchCV`` on ``regularized_polynomial(degree, α, "l2")``
    over ``alphas`` (the lecture's α) with the given ``cv`` and mean squared
    error finds (see :func:`cross_validated_errors`).
    """
    what = "best_alpha"
    if not_answered(answer, what):
        return False
    try:
        value = float(np.asarray(answer, dtype=float).reshape(()))
    except (TypeError, ValueError):
        say(WRONG, f"{what}: expected one number, got {np.shape(answer)}.")
        return False
    alphas = np.asarray(alphas, dtype=float)
    errors = cross_validated_errors(X, y, alphas, cv, degree)
    best = alphas[np.argmin(errors)]
    if np.isclose(value, best, rtol=1e-6):
        say(OK, f"{what} = {best:.3g}: correct (cross-validated mean squared error "
                 f"{errors.min():.4g}).")
        return True
    if np.isclose(value, 2 * best, rtol=1e-6):
        say(WRONG, f"{what}: {value:.3g} is scikit-learn's alpha; the lecture's α is half "
                    f"of it, {best:.3g} (Ridge minimises ‖y − Xw‖² + alpha‖w‖²).")
    elif np.isclose(value, alphas.min(), rtol=1e-6):
        say(WRONG, f"{what}: {value:.3g} is the smallest α on the grid: did you pick the "
                    "lowest training error? Use the cross-validated score (best_params_).")
    elif np.isclose(value, alphas.max(), rtol=1e-6):
        say(WRONG, f"{what}: {value:.3g} is the largest α on the grid: the score is the "
                    "negative MSE, so the best model has the largest score, not the smallest.")
    elif not np.any(np.isclose(value, alphas, rtol=1e-6)):
        say(WRONG, f"{what}: {value:.3g} is not one of the α values on the grid.")
    else:
        say(WRONG, f"{what}: {value:.3g} is on the grid but is not the cross-validated "
                    f"best; check that you used the given cv and scoring "
                    "'neg_mean_squared_error'.")
    return False
