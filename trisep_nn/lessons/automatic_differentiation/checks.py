"""Exercise checks for notebook 06 (automatic differentiation)."""

import math

import numpy as np

from trisep_nn.feedback import OK, TODO, WRONG, call_student, not_answered, say

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
        "(f(x-h) - f(x+h)) / (2h): the sign is flipped; subtract f(x-h) from f(x+h)": -central,
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


def _exp_gradient(Value, build, what):
    """Run ``build(Value) -> (output, inputs)``, call ``backward()`` on the output and
    return the inputs' gradients, or None after saying what went wrong."""
    try:
        out, inputs = build(Value)
        out.backward()
    except Exception as error:  # the student's code: report, never raise
        say(WRONG, f"{what} raised {type(error).__name__}: {error}")
        return None
    return [float(v.grad) for v in inputs]


def check_value_exp(Value):
    """Exercise 6.3: ``Value.exp`` of the notebook's tiny engine.

    The slips this exercise exists for only show when the gradient arriving
    from above (``out.grad``) is not 1 and when ``exp`` sits inside a graph,
    so besides ``x.exp()`` the check builds ``x.exp() * y`` (upstream ``y``),
    ``(x * 3).exp()`` (the chain must continue through ``x * 3``, so ``out``
    has to remember its parent) and ``x.exp() + x.exp()`` (``+=``, not ``=``).
    """
    if not_answered(Value, "Value"):
        return False
    x0, y0 = 0.5, 2.5
    e = math.exp(x0)
    try:
        out = Value(x0).exp()
    except Exception as error:
        say(WRONG, f"Value(0.5).exp() raised {type(error).__name__}: {error}")
        return False
    if out is None:
        say(TODO, "Value.exp returned None: finish writing it (return the new Value).")
        return False
    if not math.isclose(float(out.data), e, rel_tol=1e-12):
        say(WRONG, f"Value(0.5).exp().data is {out.data!r}; expected e^0.5 = {e:.6f}.")
        return False

    grads = _exp_gradient(Value, lambda V: _times(V, x0, y0), "(x.exp() * y).backward()")
    if grads is None:
        return False
    gx, expected = grads[0], y0 * e
    if not math.isclose(gx, expected, rel_tol=1e-9):
        diagnoses = (
            (e, "the upstream gradient is missing: the chain rule multiplies the local "
                "derivative exp(x) by out.grad (here y = 2.5), self.grad += out.data * "
                "out.grad"),
            (y0, "the local derivative exp(x) is missing: self.grad += out.data * out.grad"),
            (y0 * x0, "the local derivative of exp(x) is exp(x) itself (out.data), not x"),
            (0.0, "x.grad is still 0: attach the backward function to the output "
                  "(out._backward = _backward) and let it add into self.grad"),
        )
        for wrong, message in diagnoses:
            if math.isclose(gx, wrong, rel_tol=1e-9, abs_tol=1e-12):
                say(WRONG, f"x.exp() * y with x = 0.5, y = 2.5: x.grad = {gx:.6g}, expected "
                            f"y·e^x = {expected:.6g}: {message}.")
                return False
        say(WRONG, f"x.exp() * y with x = 0.5, y = 2.5: x.grad = {gx:.6g}, expected "
                    f"y·e^x = {expected:.6g}.")
        return False

    grads = _exp_gradient(Value, lambda V: _inner(V, x0), "((x * 3).exp()).backward()")
    if grads is None:
        return False
    expected = 3 * math.exp(3 * x0)
    if not math.isclose(grads[0], expected, rel_tol=1e-9):
        if grads[0] == 0:
            say(WRONG, "(x * 3).exp(): x.grad = 0, the gradient stops at exp. The new Value "
                        "must remember its parent, Value(math.exp(self.data), (self,)), so "
                        "that backward() continues through x * 3 to x.")
        else:
            say(WRONG, f"(x * 3).exp() at x = 0.5: x.grad = {grads[0]:.6g}, expected "
                        f"3·e^(3x) = {expected:.6g}.")
        return False

    grads = _exp_gradient(Value, lambda V: _twice(V, x0), "(x.exp() + x.exp()).backward()")
    if grads is None:
        return False
    if math.isclose(grads[0], e, rel_tol=1e-9):
        say(WRONG, "x.exp() + x.exp() gives x.grad = e^0.5 instead of 2·e^0.5: the backward "
                    "must ADD into x.grad (+=), not assign (=).")
        return False
    if not math.isclose(grads[0], 2 * e, rel_tol=1e-9):
        say(WRONG, f"x.exp() + x.exp(): x.grad = {grads[0]}, expected 2·e^0.5 = {2 * e}.")
        return False
    say(OK, "Value.exp: values and gradients correct, with upstream gradients other than 1, "
             "inside a longer chain, and accumulating over two uses.")
    return True


def _times(Value, x0, y0):
    x, y = Value(x0), Value(y0)
    return x.exp() * y, (x, y)


def _inner(Value, x0):
    x = Value(x0)
    return (x * Value(3.0)).exp(), (x,)


def _twice(Value, x0):
    x = Value(x0)
    return x.exp() + x.exp(), (x,)
