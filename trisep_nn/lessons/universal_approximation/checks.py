"""Exercise checks for notebook 10 (universal approximation)."""

import functools

import numpy as np

from trisep_nn.feedback import OK, WRONG, call_student, check_array, not_answered, say
from trisep_nn.lessons.universal_approximation import (
    approximation_error,
    hand_built,
    relu_bump,
    resonance,
    sigmoid,
    sigmoid_bump,
)

__all__ = ["check_sigmoid_bump", "check_relu_bump", "check_units_needed"]

_X = np.linspace(-1.0, 2.0, 61)


def check_sigmoid_bump(fn):
    """Exercise 10.1: ``fn(x, left, right, steepness)`` = σ(s(x - left)) - σ(s(x - right))."""
    if not_answered(fn, "sigmoid_bump"):
        return False
    cases = [(0.0, 1.0, 50.0), (0.2, 0.5, 20.0), (-0.5, 1.5, 5.0)]
    for left, right, s in cases:
        got = call_student(fn, "sigmoid_bump", _X, left, right, s)
        if got is None:
            return False
        expected = sigmoid_bump(_X, left, right, s)
        what = f"sigmoid_bump(x, left={left}, right={right}, steepness={s})"
        if got.shape == expected.shape and np.all(np.isfinite(got)):
            if np.allclose(got, 1 - expected, atol=1e-9):
                say(WRONG, f"{what}: you built a dip, 1 - bump: the step up belongs at "
                            "`left`, the step down at `right`.")
                return False
            inside = (_X > left + 5 / s) & (_X < right - 5 / s)
            if inside.any() and np.allclose(got[inside], 0.0, atol=0.05) and np.any(
                    np.abs(got) > 0.5):
                say(WRONG, f"{what}: the bump is not up between left and right; "
                            "check which sigmoid is added and which subtracted.")
                return False
            if np.allclose(got, sigmoid(s * (_X - left)) + sigmoid(s * (_X - right))):
                say(WRONG, f"{what}: you added the two steps; subtract the second, so the "
                            "function comes back down to 0 after `right`.")
                return False
            if np.allclose(got, sigmoid(_X - left) - sigmoid(_X - right)):
                say(WRONG, f"{what}: the steepness is missing: use σ(s (x - left)), "
                            "not σ(x - left).")
                return False
            if np.allclose(got, -expected, atol=1e-9):
                say(WRONG, f"{what}: upside down (-bump): left and right are swapped; the step "
                            "UP is σ(s (x - left)), the step down σ(s (x - right)).")
                return False
            if np.allclose(got, sigmoid((_X - left) / s) - sigmoid((_X - right) / s)):
                say(WRONG, f"{what}: you divided by the steepness; multiply: σ(s (x - left)).")
                return False
        if not check_array(got, expected, what, rtol=1e-6, atol=1e-9):
            return False
    return True


def check_relu_bump(fn):
    """Exercise 10.2: ``fn(x, left, right)`` = a tent of height 1 on [left, right]
    built from three ReLUs."""
    if not_answered(fn, "relu_bump"):
        return False
    cases = [(0.0, 1.0), (0.2, 0.6), (-0.5, 1.5)]
    answers = []
    for left, right in cases:  # every case first: one interval alone can hide a slip
        got = call_student(fn, "relu_bump", _X, left, right)
        if got is None:
            return False
        answers.append(got)

    def every_case(slip):
        return all(got.shape == _X.shape and np.allclose(got, slip(relu_bump(_X, a, b), a, b),
                                                         atol=1e-9)
                   for got, (a, b) in zip(answers, cases))

    if every_case(lambda tent, a, b: tent * (b - a) / 2) and not every_case(
            lambda tent, a, b: tent):
        say(WRONG, "relu_bump: the tent's height is (right - left)/2, not 1; divide by "
                    "(mid - left), the half-width.")
        return False
    if every_case(lambda tent, a, b: tent / 2):
        say(WRONG, "relu_bump: the tent has height ½: you divided by the full width "
                    "(right - left); the slope up must reach 1 at the midpoint, so divide "
                    "by the half-width (mid - left).")
        return False
    for got, (left, right) in zip(answers, cases):
        what = f"relu_bump(x, left={left}, right={right})"
        far = _X > right + 0.05
        if got.shape == _X.shape and np.all(np.isfinite(got)) and far.any() and not np.allclose(
                got[far], 0.0, atol=1e-9):
            say(WRONG, f"{what} is not 0 to the right of `right` (it is "
                        f"{got[far][-1]:.3g} at x = {_X[far][-1]:.3g}): the three slopes "
                        "must add up to 0, i.e. +1, -2, +1 (times 1/(mid - left)).")
            return False
        if not check_array(got, relu_bump(_X, left, right), what, rtol=1e-6, atol=1e-9):
            return False
    return True


@functools.lru_cache(maxsize=16)
def _smallest_width(f, target, kind, max_units=400):
    for n in range(1, max_units + 1):
        if approximation_error(f, hand_built(f, n, kind)) <= target:
            return n
    return None


def check_units_needed(answer, kind, target=0.02, f=resonance):
    """Exercise 10.3: the smallest width at which the hand-built network of
    ``kind`` ("relu" or "sigmoid") approximates ``f`` on [0, 1] within
    ``target``, measured as the student does, with
    ``approximation_error(f, hand_built(f, n, kind))`` (defaults)."""
    labels = {"relu": "ReLU interpolation", "sigmoid": "sigmoid staircase"}
    what = f"units for the {labels[kind]}"
    if not_answered(answer, what):
        return False
    try:
        n = int(answer)
        if n != answer or n < 1:
            raise ValueError
    except (TypeError, ValueError):
        say(WRONG, f"{what}: expected a positive whole number of units (the width n), got "
                    f"{answer!r}.")
        return False
    expected = _smallest_width(f, target, kind)
    other = "sigmoid" if kind == "relu" else "relu"
    error = approximation_error(f, hand_built(f, n, kind))
    if n == expected:
        say(OK, f"{what}: {n} is right (max error {error:.4f} ≤ {target}).")
        return True
    if n == _smallest_width(f, target, other):
        say(WRONG, f"{what}: {n} is the answer for the {labels[other]}; this one asks for the "
                    f"{labels[kind]} (kind={kind!r}).")
    elif error > target:
        say(WRONG, f"{what}: with {n} units the max error is still {error:.4f} > {target}; "
                    "you need more.")
    elif n == expected + 1:
        say(WRONG, f"{what}: {n} is one too many: {n - 1} units already reach the target. Off by "
                    "one: stop at the first width that reaches it, before adding a unit.")
    else:
        say(WRONG, f"{what}: {n} units do reach {error:.4f} ≤ {target}, but fewer also do; "
                    "find the smallest width (loop upwards from 1 and stop at the first).")
    return False
