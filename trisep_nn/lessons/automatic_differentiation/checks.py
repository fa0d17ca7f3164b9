"""Exercise checks for notebook 06 (automatic differentiation)."""

import math

import numpy as np

from trisep_nn.feedback import OK, TODO, WRONG, call_student, check_scalar, not_answered, say

__all__ = ["check_central_difference", "check_adjoints", "check_value_exp"]


def check_central_difference(fn):
    """Exercise 6.1: ``fn(f, x, h)`` should return ``(f(x + h) - f(x - h)) / (2h)``."""
    if not_answered(fn, "central_difference"):
        return False
    f, x, h = np.exp, 1.0, 1e-3
    got = call_student(fn, "central_difference(np.exp, 1.0, 1e-3)", f, x, h)
    if got is None:
        return False
    if got.size != 1:
        say(WRONG, f"central_difference should return one number, got shape {got.shape}.")
        return False
    got = float(got.item())
    central = (f(x + h) - f(x - h)) / (2 * h)
    candidates = {
        "the forward difference (f(x+h) - f(x)) / h: its error is O(h), not O(h²)":
            (f(x + h) - f(x)) / h,
        "the backward difference (f(x) - f(x-h)) / h: its error is O(h), not O(h²)":
            (f(x) - f(x - h)) / h,
        "twice the answer: divide by 2h, not by h": 2 * central,
        "the difference multiplied by h/2: `/ 2 * h` multiplies by h; write `/ (2 * h)`":
            central * h * h,
        "the sign is flipped: (f(x+h) - f(x-h)), not (f(x-h) - f(x+h))": -central,
    }
    if math.isclose(got, central, rel_tol=1e-9):
        say(OK, f"central_difference: correct ({got:.10f} vs e = {math.e:.10f}; "
                 f"error {abs(got - math.e):.1e}, about h²·e/6 = {h**2 * math.e / 6:.1e}).")
        return True
    for message, value in candidates.items():
        if math.isclose(got, value, rel_tol=1e-9):
            say(WRONG, f"central_difference: this is {message}.")
            return False
    say(WRONG, f"central_difference(np.exp, 1.0, 1e-3) gave {got:.6g}; expected {central:.6g}.")
    return False


def check_adjoints(a_bar, b_bar, a=2.0, b=5.0):
    """Exercise 6.2: the adjoints of ``f(a, b) = log(a) + a·b − sin(b)`` at (a, b)."""
    if not_answered(a_bar, "a_bar") or not_answered(b_bar, "b_bar"):
        return False
    ok = True
    a_true, b_true = 1 / a + b, a - math.cos(b)
    try:
        a_val, b_val = float(a_bar), float(b_bar)
    except (TypeError, ValueError):
        say(WRONG, "a_bar and b_bar should be numbers.")
        return False
    if math.isclose(a_val, a_true, rel_tol=1e-6):
        say(OK, f"a_bar = 1/a + b = {a_true:.6g}: correct.")
    else:
        ok = False
        if math.isclose(a_val, 1 / a, rel_tol=1e-6) or math.isclose(a_val, b, rel_tol=1e-6):
            say(WRONG, "a_bar: a is used by two nodes (v1 = log a and v2 = a·b); its adjoint "
                        "is the SUM of both contributions v1̄·∂v1/∂a + v2̄·∂v2/∂a.")
        else:
            say(WRONG, f"a_bar = {a_val:.6g}, expected {a_true:.6g}: add up v1̄·(1/a) and "
                        "v2̄·b.")
    if math.isclose(b_val, b_true, rel_tol=1e-6):
        say(OK, f"b_bar = a − cos(b) = {b_true:.6g}: correct.")
    else:
        ok = False
        if math.isclose(b_val, a + math.cos(b), rel_tol=1e-6):
            say(WRONG, "b_bar: v3 = sin b enters f with a minus sign, so v3̄ = −1 and its "
                        "contribution is −cos(b).")
        elif math.isclose(b_val, a, rel_tol=1e-6) or math.isclose(b_val, -math.cos(b),
                                                                  rel_tol=1e-6):
            say(WRONG, "b_bar: b is used by two nodes (v2 = a·b and v3 = sin b); add both "
                        "contributions.")
        else:
            say(WRONG, f"b_bar = {b_val:.6g}, expected {b_true:.6g}.")
    return ok


def check_value_exp(Value):
    """Exercise 6.3: ``Value.exp`` of the notebook's tiny engine.

    Builds ``x.exp()`` and ``x.exp() + x.exp()``, runs ``backward()`` and
    compares the values and gradients with ``d/dx e^x = e^x``.
    """
    if not_answered(Value, "Value"):
        return False
    x0 = 0.5
    try:
        x = Value(x0)
        out = x.exp()
    except Exception as error:
        say(WRONG, f"Value(0.5).exp() raised {type(error).__name__}: {error}")
        return False
    if out is None:
        say(TODO, "Value.exp returned None: finish writing it (return the new Value).")
        return False
    if not math.isclose(float(out.data), math.exp(x0), rel_tol=1e-12):
        say(WRONG, f"Value(0.5).exp().data is {out.data!r}; expected e^0.5 = {math.exp(x0):.6f}.")
        return False
    try:
        out.backward()
    except Exception as error:
        say(WRONG, f"backward() through exp raised {type(error).__name__}: {error}")
        return False
    expected = math.exp(x0)
    if not check_scalar(x.grad, expected, "d exp(x)/dx at x = 0.5", rtol=1e-10):
        if math.isclose(float(x.grad), x0, rel_tol=1e-9):
            say(WRONG, "the local derivative of exp(x) is exp(x) itself (out.data), not x.")
        elif float(x.grad) == 0:
            say(WRONG, "x.grad is still 0: did you attach the backward function to the "
                        "output (out._backward = ...)?")
        return False
    x = Value(x0)
    out = x.exp() + x.exp()
    out.backward()
    if math.isclose(float(x.grad), expected, rel_tol=1e-9):
        say(WRONG, "x.exp() + x.exp() gives x.grad = e^0.5 instead of 2·e^0.5: the backward "
                    "must ADD into x.grad (+=), not assign (=).")
        return False
    if not math.isclose(float(x.grad), 2 * expected, rel_tol=1e-9):
        say(WRONG, f"x.exp() + x.exp(): x.grad = {x.grad}, expected 2·e^0.5 = {2 * expected}.")
        return False
    say(OK, "Value.exp: values and gradients correct, and gradients accumulate.")
    return True
