"""Exercise check for notebook 00 (how exercises work)."""

import math

from trisep_nn.feedback import OK, WRONG, not_answered, say

__all__ = ["check_decision_boundary"]


def check_decision_boundary(answer, w=2.0, b=-3.0):
    """Exercise 0.1: the decision boundary of σ(w x + b), where p = ½, is x = −b/w."""
    if not_answered(answer, "boundary"):
        return False
    try:
        x = float(answer)
    except (TypeError, ValueError):
        say(WRONG, f"boundary: expected a number, got {type(answer).__name__} {answer!r}.")
        return False
    right = -b / w
    if math.isclose(x, right, rel_tol=1e-6, abs_tol=1e-9):
        say(OK, f"boundary x = {x:g}: there w x + b = 0, so σ(w x + b) = σ(0) = ½.")
        return True
    slips = [  # (a value a typical slip gives, what the slip is)
        (b / w, "the sign is flipped: w x + b = 0 gives x = −b/w, not b/w"),
        (-w / b, "upside down: that is −w/b; solve w x + b = 0 for x"),
        (w / b, "upside down and the sign flipped: that is w/b; solve w x + b = 0 for x"),
        (-b, "not divided by w: w x + b = 0 gives x = −b/w"),
        (b, "that is b; solve w x + b = 0 for x"),
        (0.0, "σ = ½ where its argument w x + b is 0, not where x is 0"),
    ]
    for value, slip in slips:
        if math.isclose(x, value, rel_tol=1e-6, abs_tol=1e-9):
            say(WRONG, f"boundary = {x:g}: {slip}.")
            return False
    say(WRONG, f"boundary = {x:g}: not where p = ½. Set w x + b = 0 with w = {w:g}, "
               f"b = {b:g} and solve for x.")
    return False
