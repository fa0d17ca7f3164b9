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
    if not_answered(Value, "Value") or not _exp_value_right(Value):
        return False
    for build, what, judge in ((_times, "(x.exp() * y).backward()", _judge_upstream),
                               (_inner, "((x * 3).exp()).backward()", _judge_chain),
                               (_twice, "(x.exp() + x.exp()).backward()", _judge_twice)):
        grads = _exp_gradient(Value, build, what)
        if grads is None or not judge(grads[0]):
            return False
    say(OK, "Value.exp: values and gradients correct, with upstream gradients other than 1, "
             "inside a longer chain, and accumulating over two uses.")
    return True


_X0, _Y0 = 0.5, 2.5  # x and the upstream factor y of the checks below
_E = math.exp(_X0)


def _exp_value_right(Value):
    try:
        out = Value(_X0).exp()
    except Exception as error:  # the student's code: report, never raise
        say(WRONG, f"Value(0.5).exp() raised {type(error).__name__}: {error}")
        return False
    if out is None:
        say(TODO, "Value.exp returned None: finish writing it (return the new Value).")
        return False
    if not math.isclose(float(out.data), _E, rel_tol=1e-12):
        say(WRONG, f"Value(0.5).exp().data is {out.data!r}; expected e^0.5 = {_E:.6f}.")
        return False
    return True


def _judge_upstream(gx):
    """x.exp() * y: x.grad must be y·e^x; say which slip gave anything else."""
    expected = _Y0 * _E
    if math.isclose(gx, expected, rel_tol=1e-9):
        return True
    diagnoses = (
        (_E, "the upstream gradient is missing: the chain rule multiplies the local derivative "
             "exp(x) by out.grad (here y = 2.5), self.grad += out.data * out.grad"),
        (_Y0, "the local derivative exp(x) is missing: self.grad += out.data * out.grad"),
        (_Y0 * _X0, "the local derivative of exp(x) is exp(x) itself (out.data), not x"),
        (0.0, "x.grad is still 0: attach the backward function to the output "
              "(out._backward = _backward) and let it add into self.grad"),
    )
    slip = next((m for wrong, m in diagnoses if math.isclose(gx, wrong, rel_tol=1e-9,
                                                              abs_tol=1e-12)), None)
    say(WRONG, f"x.exp() * y with x = 0.5, y = 2.5: x.grad = {gx:.6g}, expected "
                f"y·e^x = {expected:.6g}" + (f": {slip}." if slip else "."))
    return False


def _judge_chain(gx):
    """(x * 3).exp(): x.grad must be 3·e^(3x); 0 means the chain stopped at exp."""
    expected = 3 * math.exp(3 * _X0)
    if math.isclose(gx, expected, rel_tol=1e-9):
        return True
    if gx == 0:
        say(WRONG, "(x * 3).exp(): x.grad = 0, the gradient stops at exp. The new Value "
                    "must remember its parent, Value(math.exp(self.data), (self,)), so "
                    "that backward() continues through x * 3 to x.")
    else:
        say(WRONG, f"(x * 3).exp() at x = 0.5: x.grad = {gx:.6g}, expected "
                    f"3·e^(3x) = {expected:.6g}.")
    return False


def _judge_twice(gx):
    """x.exp() + x.exp(): x.grad must be 2·e^x; e^x alone means = instead of +=."""
    if math.isclose(gx, 2 * _E, rel_tol=1e-9):
        return True
    if math.isclose(gx, _E, rel_tol=1e-9):
        say(WRONG, "x.exp() + x.exp() gives x.grad = e^0.5 instead of 2·e^0.5: the backward "
                    "must ADD into x.grad (+=), not assign (=).")
    else:
        say(WRONG, f"x.exp() + x.exp(): x.grad = {gx}, expected 2·e^0.5 = {2 * _E}.")
    return False


def _times(Value):
    x, y = Value(_X0), Value(_Y0)
    return x.exp() * y, (x, y)


def _inner(Value):
    x = Value(_X0)
    return (x * Value(3.0)).exp(), (x,)


def _twice(Value):
    x = Value(_X0)
    return x.exp() + x.exp(), (x,)
