"""Exercise checks for notebook 03 (the bias–variance trade-off).

``H`` is the matrix of predictions, one row per training set and one column
per test point: ``H[m, k] = h_m(x_k)``; ``f`` is the truth ``ȳ`` at the
test points.
"""

import numpy as np

from trisep_nn.feedback import OK, WRONG, check_array, not_answered, say

__all__ = ["check_bias_squared", "check_variance", "check_noise_floor"]


def _as_array(answer, what):
    try:
        return np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        say(WRONG, f"{what}: expected an array of numbers, got {type(answer).__name__}.")
        return None


def _close(a, b):
    return a.shape == np.shape(b) and np.allclose(a, b, rtol=1e-6, atol=1e-12)


def check_bias_squared(answer, H, f):
    """Exercise 3.1: ``bias2_x = (h̄(x) − ȳ)²`` at each test point, with ``h̄ = H.mean(axis=0)``."""
    what = "bias2_x"
    if not_answered(answer, what):
        return False
    answer = _as_array(answer, what)
    if answer is None:
        return False
    H, f = np.asarray(H, dtype=float), np.asarray(f, dtype=float)
    n_sets, n_points = H.shape
    h_bar = H.mean(axis=0)
    expected = (h_bar - f) ** 2
    if _close(answer, expected):
        say(OK, f"{what}: correct, one value per test point (mean {expected.mean():.4g}).")
        return True
    if answer.shape == (n_sets,):
        say(WRONG, f"{what}: shape {answer.shape}, one value per training set: you averaged "
                    f"over the test points (axis=1). Average over the training sets "
                    f"(axis=0) to get h̄(x), one value per test point, shape {expected.shape}.")
    elif answer.size == 1:
        say(WRONG, f"{what}: a single number; keep one value per test point, shape "
                    f"{expected.shape} (the notebook averages over x afterwards).")
    elif _close(answer, ((H - f) ** 2).mean(axis=0)):
        say(WRONG, f"{what}: you averaged the squared errors (h − ȳ)² over the training sets: "
                    "that is bias² + variance. Average the predictions first (h̄ = mean of h), "
                    "then square h̄ − ȳ.")
    elif _close(answer, h_bar - f) or _close(answer, f - h_bar):
        say(WRONG, f"{what}: that is the bias h̄ − ȳ; square it.")
    elif _close(answer, np.abs(h_bar - f)):
        say(WRONG, f"{what}: that is |bias|; square it.")
    else:
        check_array(answer, expected, what)
    return False


def check_variance(answer, H):
    """Exercise 3.2: ``variance_x = mean over training sets of (h − h̄)²`` (1/M, as ``np.var``)."""
    what = "variance_x"
    if not_answered(answer, what):
        return False
    answer = _as_array(answer, what)
    if answer is None:
        return False
    H = np.asarray(H, dtype=float)
    n_sets, n_points = H.shape
    expected = H.var(axis=0)
    if _close(answer, expected):
        say(OK, f"{what}: correct (mean over x {expected.mean():.4g}).")
        return True
    if answer.shape == (n_sets,):
        say(WRONG, f"{what}: shape {answer.shape}, one value per training set: that is the "
                    "spread over the test points (axis=1). The variance is over the training "
                    f"sets (axis=0), shape {expected.shape}.")
    elif answer.size == 1:
        say(WRONG, f"{what}: a single number; keep one value per test point, shape "
                    f"{expected.shape}.")
    elif _close(answer, H.var(axis=0, ddof=1)):
        say(WRONG, f"{what}: you used ddof=1 (divide by M − 1 = {n_sets - 1}). That is the "
                    "unbiased estimate, but the identity bias² + variance = mean (h − ȳ)² holds "
                    f"exactly with 1/M = 1/{n_sets}: use np.var's default ddof=0.")
    elif _close(answer, H.std(axis=0)) or _close(answer, H.std(axis=0, ddof=1)):
        say(WRONG, f"{what}: that is the standard deviation; the variance is its square.")
    else:
        check_array(answer, expected, what)
    return False


def check_noise_floor(answer, sigma):
    """Exercise 3.3: the lowest expected squared error any model can reach, ``σ²``."""
    what = "lowest_error"
    if not_answered(answer, what):
        return False
    try:
        value = float(np.asarray(answer, dtype=float).reshape(()))
    except (TypeError, ValueError):
        say(WRONG, f"{what}: expected one number, got {type(answer).__name__}.")
        return False
    expected = sigma**2
    if np.isclose(value, expected, rtol=1e-3):
        say(OK, f"{what} = σ² = {expected:.3g}: correct. Even the truth h(x) = ȳ(x) itself "
                 "(bias 0, variance 0) makes this error: the noise is irreducible.")
        return True
    if np.isclose(value, sigma, rtol=1e-3):
        say(WRONG, f"{what}: {value:.3g} is σ, a standard deviation; the error is a mean "
                    "squared difference, so the noise term is σ².")
    elif value == 0:
        say(WRONG, f"{what}: not even the true function reaches 0: y = ȳ(x) + ε, and the "
                    "noise ε is new in every measurement.")
    elif value < expected:
        say(WRONG, f"{what}: {value:.3g} is below what the true function itself achieves: "
                    "E[(y − ȳ)²] is a floor for every model.")
    else:
        say(WRONG, f"{what}: {value:.3g} is what some model reaches, but a perfect model "
                    "(bias 0, variance 0) does better: only the noise term remains.")
    return False
