"""Exercise checks for notebook 11 (depth)."""

import numpy as np

from trisep_nn.feedback import OK, WRONG, call_student, check_array, not_answered, say
from trisep_nn.lessons import depth

__all__ = ["check_tent", "check_sawtooth_counts", "check_shallow_weights"]

_X = np.linspace(-0.5, 1.5, 81)  # beyond [0, 1] too: the ReLU form fixes it there as well


def check_tent(fn):
    """Exercise 11.1: ``fn(x)`` = 2 relu(x) - 4 relu(x - 1/2), for an array x."""
    if not_answered(fn, "tent"):
        return False
    got = call_student(fn, "tent(x)", _X.copy())
    if got is None:
        return False
    expected = depth.tent(_X)
    if got.shape != expected.shape:
        say(WRONG, f"tent(x) returned shape {got.shape} for x of shape {_X.shape}: "
                    "work element-wise (np.maximum, not max).")
        return False
    relu = depth.relu
    inside = (_X >= 0) & (_X <= 1)
    if np.allclose(got, expected):
        say(OK, "tent: correct. Up with slope 2 to 1 at x = ½, down to 0 at x = 1.")
        return True
    if np.allclose(got, 2 * relu(_X) - 2 * relu(_X - 0.5)):
        say(WRONG, "tent: your function goes up and then stays flat at 1: the second ReLU "
                    "has to cancel the slope +2 AND add a slope -2, so its weight is -4.")
        return False
    if np.allclose(got, relu(_X) - 2 * relu(_X - 0.5)):
        say(WRONG, "tent: the shape is right but it only reaches ½: the tent map goes up to 1 "
                    "(slopes ±2), so that it maps [0, 1] onto [0, 1].")
        return False
    if np.allclose(got[inside], expected[inside]):
        say(WRONG, "tent: right on [0, 1] but not outside it; write it with two ReLUs, "
                    "2 relu(x) - 4 relu(x - ½), as a network layer would.")
        return False
    if np.allclose(got[inside], 1 - expected[inside]):
        say(WRONG, "tent: upside down (1 - tent): the tent starts at 0, peaks at x = ½.")
        return False
    for bend in (1.0, -0.5, 0.25, 0.0):  # the second unit switched on in the wrong place
        if np.allclose(got, 2 * relu(_X) - 4 * relu(_X - bend)):
            say(WRONG, f"tent: your second ReLU bends at x = {bend:g}, not at x = ½: it must "
                        "switch on halfway, relu(x - 0.5), where the tent turns down.")
            return False
    if np.allclose(got, 2 * relu(_X) + 4 * relu(_X - 0.5)):
        say(WRONG, "tent: the second unit adds +4 to the slope; it must subtract 4 "
                    "(from +2 to -2).")
        return False
    return check_array(got, expected, "tent(x)")


def check_sawtooth_counts(pieces, min_units, k=10):
    """Exercise 11.2: pieces of the k-fold sawtooth, and the fewest hidden units a
    ONE-hidden-layer ReLU network needs to draw it."""
    if not_answered(pieces, "pieces") or not_answered(min_units, "min_units"):
        return False
    ok = True
    n = 2 ** k
    if pieces == n:
        say(OK, f"pieces = 2^{k} = {n}: correct (every fold doubles the number of pieces).")
    elif pieces == n - 1:
        say(WRONG, f"pieces = {pieces}: that is the number of kinks; pieces = kinks + 1.")
        ok = False
    elif pieces == 2 * k:
        say(WRONG, f"pieces = {pieces} = 2k is the deep network's number of units; each fold "
                    "doubles the pieces, it does not add two.")
        ok = False
    else:
        say(WRONG, f"pieces = {pieces}: count them for k = 1, 2, 3 in the plot above and "
                    "look for the pattern.")
        ok = False
    if min_units == n - 1:
        say(OK, f"min_units = 2^{k} - 1 = {n - 1}: correct. Each unit adds at most one kink, "
                 f"and {n} pieces need {n - 1} kinks.")
    elif min_units == n:
        say(WRONG, f"min_units = {n}: one more than the counting bound asks for. {n} "
                    f"pieces need {n - 1} kinks, and each unit gives at most one, so the bound "
                    f"is {n - 1} (our hand-built network happens to use {n}: one unit just "
                    "sets the first slope).")
        ok = False
    elif min_units == 2 * k:
        say(WRONG, f"min_units = {min_units} = 2k is what the DEEP network uses; with one "
                    "hidden layer each unit adds at most one kink.")
        ok = False
    elif min_units == n + 1 or min_units == n - 2:
        say(WRONG, f"min_units = {min_units}: off by a little; a network with m units has at "
                    "most m + 1 pieces.")
        ok = False
    else:
        say(WRONG, f"min_units = {min_units}: a network with m units has at most m + 1 "
                    "pieces; solve m + 1 >= pieces.")
        ok = False
    return ok


def check_shallow_weights(a, k=3):
    """Exercise 11.3: ``a_j`` with sawtooth(x, k) = Σ_j a_j relu(x - j / 2^k) on [0, 1]."""
    if not_answered(a, "a"):
        return False
    expected = depth.shallow_sawtooth_weights(k)
    try:
        a = np.asarray(a, dtype=float).ravel()
    except (TypeError, ValueError):
        say(WRONG, f"a: expected {2 ** k} numbers, got {type(a).__name__}.")
        return False
    n = 2 ** k
    if a.shape != (n,):
        say(WRONG, f"a has {a.size} entries; there is one unit per piece: 2^{k} = {n}.")
        return False
    x = np.linspace(0, 1, 2 ** (k + 4) + 1)
    built = depth.relu(x[:, None] - np.arange(n) / n) @ a
    if np.allclose(built, depth.sawtooth(x, k)):
        say(OK, f"a: correct: slope +{n} first, then each kink flips it by ∓{2 * n}.")
        return True
    if np.allclose(np.abs(a), n):
        say(WRONG, f"a: each a_j is the CHANGE of slope at its kink. The slope goes from +{n} "
                    f"to -{n}, a change of -{2 * n}, so only a_0 = {n}; the others are "
                    f"±{2 * n}.")
        return False
    if np.isclose(a[0], n) and np.allclose(a[1:], -expected[1:]):
        say(WRONG, "a: the first slope is right, but the signs of the later changes are "
                    "flipped: the first kink turns the tooth DOWN.")
        return False
    if np.allclose(a[1:], expected[1:]) and not np.isclose(a[0], n):
        say(WRONG, f"a: the slope changes are right, but a_0 sets the first slope, which is "
                    f"+{n} (the tooth rises from 0 to 1 over 1/{n}).")
        return False
    return check_array(a, expected, "a")
