"""Exercise checks for notebook 12 (double descent)."""

import numpy as np

from trisep_nn.feedback import OK, WRONG, call_student, check_array, not_answered, say
from trisep_nn.lessons.double_descent import (
    FALLOFF,
    RandomFourierFeatures,
    min_norm_fit,
    sample_data,
)

__all__ = ["check_min_norm_solution", "check_gradient_descent", "check_ridge_fit"]


def _as_vector(w, p, what):
    if isinstance(w, tuple):
        say(WRONG, f"{what} is a tuple: np.linalg.lstsq returns (w, residuals, rank, "
                    "singular values); take its first element, [0].")
        return None
    try:
        w = np.asarray(w, dtype=float)
    except (TypeError, ValueError):
        say(WRONG, f"{what}: expected numbers, got {type(w).__name__}.")
        return None
    if w.shape != (p,):
        hint = " (reshape it: w has one entry per feature)" if w.size == p else ""
        say(WRONG, f"{what}: shape {w.shape}, expected ({p},): one weight per feature{hint}.")
        return None
    if not np.all(np.isfinite(w)):
        say(WRONG, f"{what}: contains NaN or inf; inverting ΦᵀΦ fails when p > n "
                    "(it is singular): use np.linalg.pinv or np.linalg.lstsq.")
        return None
    return w


def _normal_equations(Phi, y):
    """inv(ΦᵀΦ) Φᵀ y, as a student would write it (garbage when p > n), or None."""
    try:
        with np.errstate(all="ignore"):
            return np.linalg.inv(Phi.T @ Phi) @ Phi.T @ y
    except np.linalg.LinAlgError:
        return None


def _close(a, b, rtol):
    return b is not None and np.all(np.isfinite(b)) and np.allclose(a, b, rtol=rtol, atol=1e-12)


def check_min_norm_solution(w, Phi, y, rtol=1e-6, what="w"):
    """Exercise 12.1: ``w`` must interpolate (Φw = y) with the smallest ‖w‖.

    ``rtol`` is the relative tolerance on both.
    """
    if not_answered(w, what):
        return False
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    w = _as_vector(w, Phi.shape[1], what)
    if w is None:
        return False
    best = np.linalg.pinv(Phi) @ y
    n, p = Phi.shape
    if _close(w, _normal_equations(Phi, y), rtol) and not _close(w, best, rtol):
        say(WRONG, f"{what}: that is the normal-equations formula inv(ΦᵀΦ) Φᵀ y. With p = {p} > "
                    f"n = {n}, ΦᵀΦ is {p}×{p} but has rank {n}: it is singular, and its "
                    "'inverse' is round-off. np.linalg.pinv(Φ) (or lstsq) handles the rank.")
        return False
    residual = np.linalg.norm(Phi @ w - y) / np.linalg.norm(y)
    if residual > rtol * 10:
        if np.allclose(w, -best, rtol=rtol, atol=1e-9):
            say(WRONG, f"{what}: the sign is flipped (Φw = -y).")
        elif np.allclose(w, Phi.T @ y, rtol=rtol, atol=1e-12):
            say(WRONG, f"{what} = Φᵀy: that is the (negative) gradient of the loss at w = 0, "
                        "not the solution; the pseudo-inverse is np.linalg.pinv(Φ) @ y.")
        else:
            say(WRONG, f"{what} does not fit the training data: ‖Φw - y‖ / ‖y‖ = "
                        f"{residual:.2g}, while with p = {p} > n = {n} features an exact "
                        "fit exists. Use np.linalg.pinv(Φ) @ y.")
        return False
    excess = np.linalg.norm(w) / np.linalg.norm(best) - 1
    if excess > rtol * 10:
        say(WRONG, f"{what} interpolates the data but is not the minimum-norm solution: "
                    f"‖w‖ = {np.linalg.norm(w):.4g} > {np.linalg.norm(best):.4g}. It has a part "
                    "in the null space of Φ (a direction Φ cannot see).")
        return False
    say(OK, f"{what}: interpolates (relative residual {residual:.1e}) with the smallest norm "
             f"‖w‖ = {np.linalg.norm(w):.4g}.")
    return True


def _descend(Phi, y, lr, steps, start=None):
    """Gradient descent on ½‖Φw - y‖² from ``start`` (zeros), every iterate up to ``steps``."""
    w = np.zeros(Phi.shape[1]) if start is None else start.copy()
    path = [w.copy()]
    with np.errstate(all="ignore"):
        for _ in range(steps):
            w = w - lr * (Phi.T @ (Phi @ w - y))
            path.append(w)
    return path


def check_gradient_descent(w, Phi, y, lr, num_epochs, what="w_gd"):
    """Exercise 12.2: ``w`` = ``num_epochs`` steps of w ← w - lr Φᵀ(Φw - y) from w = 0.

    Compares with the exact iterate (what the exercise asks), names the usual
    slips (too few steps, a random start, a factor 2 or 1/n in the step, stepping
    uphill, the direct solution instead of descent), then says how close the
    iterate came to the minimum-norm interpolant.
    """
    if not_answered(w, what):
        return False
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    try:
        diverged = not np.all(np.isfinite(np.asarray(w, dtype=float)))
    except (TypeError, ValueError):
        diverged = False  # reported by _as_vector
    if diverged:
        say(WRONG, f"{what} contains NaN or inf: the descent ran away. Subtract the gradient "
                    "(w - lr·Φᵀ(Φw - y), not +), with the step lr given.")
        return False
    w = _as_vector(w, Phi.shape[1], what)
    if w is None:
        return False
    n = len(y)
    path = _descend(Phi, y, lr, 2 * num_epochs)
    expected, best = path[num_epochs], np.linalg.pinv(Phi) @ y

    def same(a, b):
        return np.all(np.isfinite(b)) and np.allclose(a, b, rtol=1e-8, atol=1e-12)

    if not same(w, expected):
        steps = [t for t in range(len(path)) if same(w, path[t])]
        null_part = w - np.linalg.pinv(Phi) @ (Phi @ w)
        if steps:  # late iterates lie close together: name the closest
            count = min(steps, key=lambda t: np.linalg.norm(w - path[t]))
            say(WRONG, f"{what} is where {count} steps land, not {num_epochs}: loop "
                        "`for _ in range(num_epochs):`, one update per pass.")
        elif same(w, best) or same(w, min_norm_fit(Phi, y)):
            say(WRONG, f"{what} is the minimum-norm solution itself, computed directly; the "
                        "exercise asks for gradient descent: num_epochs steps from w = 0.")
        elif same(w, _descend(Phi, y, 2 * lr, num_epochs)[-1]):
            say(WRONG, f"{what}: every step is twice too long. L = ½‖Φw - y‖², so its gradient "
                        "is Φᵀ(Φw - y): the ½ cancels the 2 of the square.")
        elif same(w, _descend(Phi, y, lr / n, num_epochs)[-1]):
            say(WRONG, f"{what}: the step is divided by n = {n} (a mean over the points); "
                        "the exercise's L is a sum: w ← w - lr Φᵀ(Φw - y).")
        elif np.linalg.norm(Phi @ w - y) > 10 * np.linalg.norm(y):
            say(WRONG, f"{what} runs away (‖Φw - y‖ grew to {np.linalg.norm(Phi @ w - y):.3g}): "
                        "a step w + lr·gradient goes uphill; subtract it.")
        elif np.linalg.norm(null_part) > 1e-6 * np.linalg.norm(w):
            say(WRONG, f"{what} has a part in the null space of Φ (size "
                        f"{np.linalg.norm(null_part):.3g}) that no step can change: did you "
                        "start from random weights instead of w = 0 (np.zeros)?")
        else:
            check_array(w, expected, f"{what} after {num_epochs} steps")
        return False
    gap = np.linalg.norm(w - best) / np.linalg.norm(best)
    say(OK, f"{what}: the exact iterate after {num_epochs} steps, {gap:.1e} (relative) from the "
             "minimum-norm interpolant, and with nothing in the null space of Φ.")
    return True


def check_ridge_fit(fn):
    """Exercise 12.3: ``fn(Phi, y, lam)`` minimises ‖Φw - y‖² + λ‖w‖² (via lstsq)."""
    if not_answered(fn, "ridge_fit"):
        return False
    rng = np.random.default_rng(12)
    x, y = sample_data(20, noise=0.05, random_state=rng)
    Phi = RandomFourierFeatures(60, 100.0, falloff=FALLOFF, random_state=rng).transform(x, 60)
    slips = {  # answer for this λ -> what went wrong
        lambda lam: lam ** 2: "you stacked λ·I under Φ; the stacked rows must be √λ·I, "
                              "because they are squared in the least-squares sum.",
        lambda lam: 2 * lam: "that minimises ‖Φw - y‖² + 2λ‖w‖²: twice the penalty. The 2 "
                             "belongs to the gradient (2Φᵀ(Φw - y) + 2λw), on both sides; "
                             "stack √λ·I, or solve (ΦᵀΦ + λI) w = Φᵀy.",
        lambda lam: lam / 2: "that minimises ‖Φw - y‖² + ½λ‖w‖²: half the penalty. Stack "
                             "√λ·I, not √(λ/2)·I.",
        lambda lam: 0.0: "returns the ridgeless solution: λ has no effect. Stack √λ·I under "
                         "Φ and zeros under y.",
    }
    for lam in (1e-3, 0.1):
        what = f"ridge_fit(Phi, y, lam={lam})"
        w = call_student(fn, "ridge_fit", Phi, y, lam)
        if w is None:
            return False
        w = _as_vector(w, Phi.shape[1], what)
        if w is None:
            return False
        expected = min_norm_fit(Phi, y, ridge=lam)
        if np.allclose(w, expected, rtol=1e-6, atol=1e-9):
            continue
        for penalty, message in slips.items():
            if np.allclose(w, min_norm_fit(Phi, y, ridge=penalty(lam)), rtol=1e-6, atol=1e-9):
                say(WRONG, f"{what}: {message}")
                return False
        return check_array(w, expected, what)
    say(OK, "ridge_fit: matches ‖Φw - y‖² + λ‖w‖² minimised exactly, for two values of λ.")
    return True
