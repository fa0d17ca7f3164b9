"""Exercise checks for notebook 05 (from logistic regression to neural networks)."""

import numpy as np
from scipy.special import expit as sigmoid

from trisep_nn.feedback import OK, TODO, WRONG, check_array, not_answered, say

__all__ = ["check_parameter_count", "check_hidden_outputs", "check_step_locations"]

_SIZES = ([1, 5, 1], [2, 8, 8, 1], [784, 128, 10], [3, 1])


def _count(sizes, bias=True):
    return int(sum((n_in + bias) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])))


def check_parameter_count(fn):
    """Exercise 5.3: ``fn(sizes)`` should return ``Σ (n_in + 1) · n_out`` over
    consecutive layers (weights plus one bias per unit)."""
    if not_answered(fn, "count_parameters"):
        return False
    for sizes in _SIZES:
        try:
            got = fn(list(sizes))
        except Exception as error:
            say(WRONG, f"count_parameters({sizes}) raised {type(error).__name__}: {error}")
            return False
        if got is None:
            say(TODO, "count_parameters returned None: finish writing it.")
            return False
        expected = _count(sizes)
        if got == expected:
            continue
        if got == _count(sizes, bias=False):
            say(WRONG, f"count_parameters({sizes}) = {got}: the biases are missing "
                        "(each unit of a layer has one, hence n_in + 1).")
        elif got == sum((n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:] + [0])):
            say(WRONG, f"count_parameters({sizes}) = {got}: pair each layer with the NEXT "
                        "one only (zip(sizes[:-1], sizes[1:])).")
        elif got == sum(n_in * (n_out + 1) for n_in, n_out in zip(sizes[:-1], sizes[1:])):
            say(WRONG, f"count_parameters({sizes}) = {got}: the +1 belongs to the input "
                        "side, (n_in + 1)·n_out: one bias per OUTPUT unit.")
        else:
            say(WRONG, f"count_parameters({sizes}) = {got}, expected {expected}.")
        return False
    say(OK, f"count_parameters: correct on {len(_SIZES)} networks "
             f"(e.g. {_SIZES[2]} has {_count(_SIZES[2]):,} parameters).")
    return True


def check_hidden_outputs(Phi, X, W, b):
    """Exercise 5.1: ``Phi`` should be ``σ(X W + b)``: the hidden units' outputs
    (the learned basis functions), shape ``(n_samples, n_hidden)``."""
    if not_answered(Phi, "Phi"):
        return False
    X, W, b = (np.asarray(a, dtype=float) for a in (X, W, b))
    expected = sigmoid(X @ W + b)
    try:
        got = np.asarray(Phi, dtype=float)
    except (TypeError, ValueError):
        say(WRONG, f"Phi should be an array of numbers, got {type(Phi).__name__}.")
        return False
    if got.shape == expected.shape:
        if np.allclose(got, X @ W + b):
            say(WRONG, "Phi: these are the pre-activations XW + b; apply the sigmoid σ to them.")
            return False
        if np.allclose(got, sigmoid(X @ W)):
            say(WRONG, "Phi: the biases b are missing: σ(X W + b).")
            return False
    return check_array(got, expected, "Phi = σ(X W + b)", rtol=1e-6, atol=1e-9)


def check_step_locations(locations, W, b):
    """Exercise 5.2: where each hidden unit of a 1-D network switches on:
    ``σ(W_j x + b_j)`` crosses ½ where ``x = −b_j / W_j``."""
    if not_answered(locations, "locations"):
        return False
    W = np.asarray(W, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    expected = -b / W
    got = np.asarray(locations, dtype=float)
    if got.shape == expected.shape and np.allclose(got, -W / b):
        say(WRONG, "locations: the fraction is upside down; solve W_j x + b_j = 0 for x.")
        return False
    return check_array(got.ravel() if got.size == expected.size else got, expected,
                       "step locations x = −b_j / W_j", rtol=1e-6, atol=1e-9)
