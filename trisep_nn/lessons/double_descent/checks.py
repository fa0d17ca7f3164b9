"""Exercise checks for notebook 12 (double descent)."""

import numpy as np

from trisep_nn.feedback import OK, WRONG, call_student, check_array, not_answered, say
from trisep_nn.lessons.double_descent import RandomFourierFeatures, min_norm_fit, sample_data

__all__ = ["check_min_norm_solution", "check_ridge_fit"]


def _as_vector(w, p, what):
    try:
        w = np.asarray(w, dtype=float)
    except (TypeError, ValueError):
        say(WRONG, f"{what}: expected numbers, got {type(w).__name__}.")
        return None
    if w.shape != (p,):
        hint = " (it is the transpose problem: w has one entry per feature)" if w.size == p else ""
        say(WRONG, f"{what}: shape {w.shape}, expected ({p},): one weight per feature{hint}.")
        return None
    if not np.all(np.isfinite(w)):
        say(WRONG, f"{what}: contains NaN or inf; inverting ΦᵀΦ fails when p > n "
                    "(it is singular): use np.linalg.pinv or np.linalg.lstsq.")
        return None
    return w


def check_min_norm_solution(w, Phi, y, rtol=1e-6, what="w"):
    """Exercises 12.1 and 12.2: ``w`` must interpolate (Φw = y) with the smallest ‖w‖.

    ``rtol`` is the relative tolerance on both (looser for gradient descent).
    """
    if not_answered(w, what):
        return False
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    w = _as_vector(w, Phi.shape[1], what)
    if w is None:
        return False
    best = np.linalg.pinv(Phi) @ y
    residual = np.linalg.norm(Phi @ w - y) / np.linalg.norm(y)
    if residual > rtol * 10:
        if np.allclose(w, -best, rtol=rtol, atol=1e-9):
            say(WRONG, f"{what}: the sign is flipped (Φw = -y).")
        else:
            say(WRONG, f"{what} does not fit the training data: ‖Φw - y‖ / ‖y‖ = "
                        f"{residual:.2g}. With p > n there are exact solutions; a ridge term "
                        "or too few gradient steps leave a residual.")
        return False
    excess = np.linalg.norm(w) / np.linalg.norm(best) - 1
    if excess > rtol * 10:
        say(WRONG, f"{what} interpolates the data but is not the minimum-norm solution: "
                    f"‖w‖ = {np.linalg.norm(w):.4g} > {np.linalg.norm(best):.4g}. It has a part "
                    "in the null space of Φ (a direction Φ cannot see): did you start gradient "
                    "descent from random weights instead of w = 0?")
        return False
    say(OK, f"{what}: interpolates (relative residual {residual:.1e}) with the smallest norm "
             f"‖w‖ = {np.linalg.norm(w):.4g}.")
    return True


def check_ridge_fit(fn):
    """Exercise 12.3: ``fn(Phi, y, lam)`` minimises ‖Φw - y‖² + λ‖w‖² (via lstsq)."""
    if not_answered(fn, "ridge_fit"):
        return False
    rng = np.random.default_rng(12)
    features = RandomFourierFeatures(60, 100.0, random_state=rng)
    x, y = sample_data(20, noise=0.2, random_state=rng)
    Phi = features.transform(x, 60)
    for lam in (1e-3, 0.1):
        w = call_student(fn, "ridge_fit", Phi, y, lam)
        if w is None:
            return False
        w = _as_vector(w, Phi.shape[1], f"ridge_fit(Phi, y, lam={lam})")
        if w is None:
            return False
        expected = min_norm_fit(Phi, y, ridge=lam)
        if np.allclose(w, expected, rtol=1e-6, atol=1e-9):
            continue
        if np.allclose(w, min_norm_fit(Phi, y, ridge=lam ** 2), rtol=1e-6, atol=1e-9):
            say(WRONG, f"ridge_fit(lam={lam}): you stacked λ·I under Φ; the stacked rows must "
                        "be √λ·I, because they are squared in the least-squares sum.")
            return False
        if np.allclose(w, min_norm_fit(Phi, y), rtol=1e-6, atol=1e-9):
            say(WRONG, f"ridge_fit(lam={lam}) returns the ridgeless solution: λ has no effect. "
                        "Stack √λ·I under Φ and zeros under y.")
            return False
        return check_array(w, expected, f"ridge_fit(Phi, y, lam={lam})")
    say(OK, "ridge_fit: matches ‖Φw - y‖² + λ‖w‖² minimised exactly, for two values of λ.")
    return True
