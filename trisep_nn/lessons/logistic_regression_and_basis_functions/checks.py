"""Exercise checks for notebook 01 (logistic regression and basis functions).

Each check calls the student's function on small fixed inputs, compares with
the correct result, and when they differ, tries the usual slips one by one
(a sum where the mean was meant, a flipped sign, swapped labels, log10, a
missing σ) so the verdict names the slip.
"""

import numpy as np
from scipy.special import expit as sigmoid

from trisep_nn.feedback import OK, WRONG, call_student, check_array, not_answered, say

__all__ = ["check_cross_entropy", "check_gradient", "check_logit"]


def _cases():
    """A few (w, X, y) with the constant feature 1 in the first column of X."""
    rng = np.random.default_rng(1)
    cases = []
    for n, d in [(8, 3), (5, 2)]:
        X = np.column_stack([np.ones(n), rng.normal(size=(n, d - 1))])
        y = (rng.uniform(size=n) < 0.5).astype(float)
        y[:2] = [0.0, 1.0]  # both classes present
        cases.append((rng.normal(size=d), X, y))
    return cases


def _close(a, b, rtol=1e-6):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and np.allclose(a, b, rtol=rtol)


def _cross_entropy(w, X, y):
    z = X @ w
    # -[y log σ(z) + (1 - y) log(1 - σ(z))], with log σ(z) = -log(1 + e^{-z})
    return float(np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)))


def check_cross_entropy(cross_entropy):
    """Exercise 1.1: ``cross_entropy(w, X, y)`` = mean of −[y log σ(Xw) + (1−y) log(1−σ(Xw))]."""
    what = "cross_entropy(w, X, y)"
    if not_answered(cross_entropy, "cross_entropy"):
        return False
    for w, X, y in _cases():
        got = call_student(cross_entropy, what, w, X, y)
        if got is None:
            return False
        expected = _cross_entropy(w, X, y)
        if got.size != 1:
            say(WRONG, f"{what}: returned shape {got.shape}; the loss is one number, the "
                        "mean over the examples (np.mean of the per-example losses).")
            return False
        got = float(got.reshape(()))
        if _close(got, expected):
            continue
        n = len(y)
        swapped = _cross_entropy(w, X, 1 - y)
        if _close(got, n * expected):
            say(WRONG, f"{what}: {n} times too large: you summed over the {n} examples; "
                        "L(w) here is the mean (divide by n).")
        elif _close(got, -expected):
            say(WRONG, f"{what}: the sign is flipped: that is the log-likelihood; "
                        "the loss is minus the log-likelihood.")
        elif _close(got, expected / np.log(10)):
            say(WRONG, f"{what}: too small by a factor ln 10: use the natural log np.log, "
                        "not np.log10.")
        elif _close(got, swapped):
            say(WRONG, f"{what}: the labels are swapped: log σ(wᵀx) goes with y = 1 and "
                        "log(1 − σ(wᵀx)) with y = 0.")
        elif not np.isfinite(got):
            say(WRONG, f"{what}: gave {got}: is there a log of a number ≤ 0? Take the log "
                        "of σ(Xw) and of 1 − σ(Xw), which lie between 0 and 1.")
        else:
            say(WRONG, f"{what}: gave {got:.6g}, expected {expected:.6g} on a small test "
                        "case. Check that you apply σ to X @ w before taking the log.")
        return False
    say(OK, f"{what}: correct on {len(_cases())} test cases.")
    return True


def _gradient(w, X, y):
    return X.T @ (sigmoid(X @ w) - y) / len(y)


def _gradient_slip(got, w, X, y):
    """What a wrong gradient of the right shape is, if it is a typical slip; else None."""
    n, d = X.shape
    expected, p = _gradient(w, X, y), sigmoid(X @ w)
    slips = [
        (n * expected, f"{n} times too large: the loss is a mean over the {n} examples, so "
                       "its gradient is divided by n too."),
        (-expected, "the sign is flipped: ∇L = Xᵀ(σ(Xw) − y) / n, prediction minus label."),
        (X.T @ (X @ w - y) / n, "you used Xw where σ(Xw) belongs (that is the gradient of the "
                                "squared error of a straight line, not of the cross-entropy)."),
        (2 * expected, "twice the right gradient. Nothing in L(w) brings a 2: d/dz of "
                       "−[y log σ(z) + (1 − y) log(1 − σ(z))] is σ(z) − y exactly (a 2 would "
                       "come from differentiating a square)."),
        (expected / 2, "half the right gradient: a ½ too many. The cross-entropy has no ½ in "
                       "front (the ½ of ½‖y − Xw‖² belongs to the squared error), so "
                       "∇L = Xᵀ(σ(Xw) − y) / n."),
        (n * expected / d, f"you divided by the number of weights d = {d}; the loss is a mean "
                           f"over the n = {n} examples, so divide by n."),
        (X.T @ ((p - y) * p * (1 - p)) / n,
         "an extra factor σ(1 − σ): that is the gradient of the squared error ½(σ(Xw) − y)². "
         "For the cross-entropy, σ'(z) = σ(1 − σ) cancels against the 1/σ and 1/(1 − σ) "
         "of the logs."),
    ]
    return next((message for value, message in slips if _close(got, value)), None)


def check_gradient(gradient):
    """Exercise 1.2: ``gradient(w, X, y)`` = ∇L(w) = Xᵀ(σ(Xw) − y) / n."""
    what = "gradient(w, X, y)"
    if not_answered(gradient, "gradient"):
        return False
    for w, X, y in _cases():
        got = call_student(gradient, what, w, X, y)
        if got is None:
            return False
        expected = _gradient(w, X, y)
        if _close(got, expected):
            continue
        if got.shape == (len(y),):
            say(WRONG, f"{what}: shape {got.shape}, one value per example; the gradient has "
                        f"one value per weight, shape {expected.shape}: multiply by X.T "
                        "(sum over the examples).")
        elif got.shape != expected.shape:
            say(WRONG, f"{what}: shape {got.shape}, expected {expected.shape} "
                        "(one component per weight).")
        elif (slip := _gradient_slip(got, w, X, y)) is not None:
            say(WRONG, f"{what}: {slip}")
        else:
            check_array(got, expected, what)
        return False
    say(OK, f"{what}: correct on {len(_cases())} test cases (same as the formula "
             "Xᵀ(σ(Xw) − y) / n).")
    return True


def check_logit(logit):
    """Exercise 1.3: ``logit(p)`` = log(p / (1 − p)), the inverse of σ."""
    what = "logit(p)"
    if not_answered(logit, "logit"):
        return False
    p = np.array([0.1, 0.5, 0.9, 0.99])
    got = call_student(logit, what, p)
    if got is None:
        return False
    expected = np.log(p / (1 - p))
    if _close(got, expected):
        z = np.linspace(-5, 5, 11)
        back = call_student(logit, what, sigmoid(z))
        if back is None:
            return False
        if _close(back, z, rtol=1e-6):
            say(OK, f"{what}: correct, and logit(σ(z)) = z. p = 0.9 is reached at "
                     f"wᵀx = {np.log(9):.4f}.")
            return True
        say(WRONG, f"{what}: right at p = {p.tolist()} but logit(σ(z)) ≠ z for "
                    f"z = {z.tolist()}: is a value hard-coded?")
        return False
    if _close(got, p / (1 - p)):
        say(WRONG, f"{what}: that is the odds p / (1 − p); the logit is its logarithm.")
    elif _close(got, -expected):
        say(WRONG, f"{what}: the sign is flipped: logit(0.9) should be positive "
                    "(p > ½ means wᵀx > 0).")
    elif _close(got, expected / np.log(10)):
        say(WRONG, f"{what}: use the natural log (np.log): σ is built on e, not on 10.")
    elif _close(got, np.log(p)):
        say(WRONG, f"{what}: log p is not enough: σ(log p) ≠ p. Use log(p / (1 − p)).")
    else:
        check_array(got, expected, f"{what} at p = {p.tolist()}")
    return False
