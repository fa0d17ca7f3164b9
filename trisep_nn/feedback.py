"""Feedback for the exercises.

Every ``check_…`` function prints one specific verdict and returns True or
False. None of them raises on a wrong or missing answer, so "Run All" on a
notebook whose exercises are untouched still runs to the end.

The helpers here diagnose the usual slips with arrays: nothing filled in yet,
the wrong shape, the sign flipped, off by a constant factor (a forgotten ½ or
1/n), a transpose.
"""

import numpy as np

OK = "✅"
WRONG = "❌"
TODO = "✏️"


def say(mark, message):
    print(f"{mark} {message}")


def not_answered(answer, what):
    """True (and says so) when the student has not filled in ``what`` yet."""
    if answer is None or answer is Ellipsis:
        say(TODO, f"{what}: not answered yet. Fill in the cell above and run it again.")
        return True
    return False


def call_student(fn, what, *args):
    """Run a student's function; return its result as a float array, or None
    after saying why it cannot be used (it raised, returned None, or returned
    something that is not numbers). Never raises."""
    try:
        with np.errstate(all="ignore"):
            value = fn(*args)
    except Exception as error:  # the student's code: report, never raise
        say(WRONG, f"{what} raised {type(error).__name__}: {error}")
        return None
    if value is None:
        say(TODO, f"{what} returned None: finish writing it, then run the check again.")
        return None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        say(WRONG, f"{what} returned {type(value).__name__}, not numbers.")
        return None


def check_array(answer, expected, what, rtol=1e-6, atol=1e-9):
    """Compare an array answer with the expected one and say what is off.

    Returns True when ``answer`` matches ``expected`` within tolerance.
    """
    if not_answered(answer, what):
        return False
    expected = np.asarray(expected, dtype=float)
    try:
        answer = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        say(WRONG, f"{what}: expected numbers, got {type(answer).__name__}.")
        return False
    if answer.shape != expected.shape:
        hint = ""
        if answer.T.shape == expected.shape and answer.ndim == 2:
            hint = " (it looks transposed)"
        elif answer.size == expected.size:
            hint = " (same number of values: check a reshape or a missing keepdims)"
        say(WRONG, f"{what}: shape {answer.shape}, expected {expected.shape}{hint}.")
        return False
    if not np.all(np.isfinite(answer)):
        say(WRONG, f"{what}: contains NaN or inf; check for log(0), a division by zero "
                    "or an overflowing exp.")
        return False
    if np.allclose(answer, expected, rtol=rtol, atol=atol):
        say(OK, f"{what}: correct.")
        return True
    if np.allclose(answer, -expected, rtol=rtol, atol=atol):
        say(WRONG, f"{what}: the sign is flipped.")
        return False
    if answer.ndim == 2 and answer.shape[0] == answer.shape[1] and np.allclose(
        answer, expected.T, rtol=rtol, atol=atol
    ):
        say(WRONG, f"{what}: transposed.")
        return False
    ratio = _constant_ratio(answer, expected, rtol)
    if ratio is not None:
        say(WRONG, f"{what}: off by a constant factor of {ratio:.4g} "
                    "(a missing ½, 1/n, or a sum where a mean was meant?).")
        return False
    worst = np.max(np.abs(answer - expected))
    say(WRONG, f"{what}: values differ (largest difference {worst:.3g}).")
    return False


def check_scalar(answer, expected, what, rtol=1e-6, atol=1e-9):
    """:func:`check_array` for a single number."""
    if not_answered(answer, what):
        return False
    try:
        answer = float(np.asarray(answer).item()) if np.size(answer) == 1 else answer
    except (TypeError, ValueError):
        pass
    return check_array(answer, expected, what, rtol=rtol, atol=atol)


def check_function(fn, inputs, reference, what, rtol=1e-6, atol=1e-9):
    """Call a student's function on each of ``inputs`` and compare with
    ``reference`` (the correct function), stopping at the first mismatch."""
    if not_answered(fn, what):
        return False
    for x in inputs:
        got = call_student(fn, f"{what}({_short(x)})", x)
        if got is None:
            return False
        expected = reference(x)
        with np.errstate(all="ignore"):
            ok = _quiet_check(got, expected, rtol, atol)
        if not ok:
            return check_array(got, expected, f"{what}({_short(x)})", rtol=rtol, atol=atol)
    say(OK, f"{what}: correct on {len(inputs)} test input(s).")
    return True


def _quiet_check(got, expected, rtol, atol):
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    expected = np.asarray(expected, dtype=float)
    return got.shape == expected.shape and np.allclose(got, expected, rtol=rtol, atol=atol)


def _constant_ratio(answer, expected, rtol):
    mask = np.abs(expected) > 1e-12
    if not mask.any() or np.any(np.abs(answer[~mask]) > 1e-9):
        return None
    ratios = answer[mask] / expected[mask]
    if np.allclose(ratios, ratios.flat[0], rtol=max(rtol, 1e-6)) and not np.isclose(
        ratios.flat[0], 1.0
    ):
        return float(ratios.flat[0])
    return None


def _short(x):
    text = np.array2string(np.asarray(x), precision=3, threshold=6)
    return text if len(text) < 40 else text[:37] + "..."
