"""Exercise checks for notebook 05 (from logistic regression to neural networks)."""

import numpy as np
from scipy.special import expit as sigmoid

from trisep_nn.feedback import OK, TODO, WRONG, check_array, not_answered, say

__all__ = ["check_parameter_count", "check_hidden_outputs", "check_step_locations"]

# Networks on which the usual slips give different numbers (with a 1 at both ends,
# "no biases" and "the last layer left out" would agree).
_SIZES = ([1, 5, 1], [2, 8, 8, 1], [784, 128, 10], [3, 1], [4, 6, 5, 3])


def _pairs(sizes):
    return list(zip(sizes[:-1], sizes[1:]))


# What a slip of the exercise gives, and how to say which slip it was.
_PARAMETER_SLIPS = (
    (lambda s: sum(a * b for a, b in _pairs(s)),
     "the biases are missing (each unit of a layer has one, hence n_in + 1)"),
    (lambda s: sum((a + 1) * b for a, b in _pairs(s)[:-1]),
     "the last layer (into the output units) is left out: zip(sizes[:-1], sizes[1:]) pairs "
     "every layer with the next, the output layer included"),
    (lambda s: sum((a + 1) * b for a, b in _pairs(s)[1:]),
     "the first layer (from the inputs) is left out: zip(sizes[:-1], sizes[1:]) starts at "
     "the input layer"),
    (lambda s: sum(a * (b + 1) for a, b in _pairs(s)),
     "the +1 belongs to the input side, (n_in + 1)·n_out: one bias per OUTPUT unit"),
    (lambda s: sum(a * b + 1 for a, b in _pairs(s)),
     "one bias per layer; there is one per unit: (n_in + 1)·n_out"),
    (lambda s: sum((a + 1) * b for a, b in zip(s, list(s[1:]) + [0])),
     "pair each layer with the NEXT one only (zip(sizes[:-1], sizes[1:]))"),
)


def check_parameter_count(fn):
    """Exercise 5.3: ``fn(sizes)`` should return ``Σ (n_in + 1) · n_out`` over
    consecutive layers (weights plus one bias per unit)."""
    if not_answered(fn, "count_parameters"):
        return False
    got = []
    for sizes in _SIZES:
        try:
            value = fn(list(sizes))
        except Exception as error:
            say(WRONG, f"count_parameters({list(sizes)}) raised {type(error).__name__}: {error}")
            return False
        if value is None:
            say(TODO, "count_parameters returned None: finish writing it.")
            return False
        got.append(value)
    expected = [_count(s) for s in _SIZES]
    if all(np.isclose(g, e, rtol=0, atol=0.5) for g, e in zip(got, expected)):
        say(OK, f"count_parameters: correct on {len(_SIZES)} networks "
                 f"(e.g. {list(_SIZES[2])} has {expected[2]:,} parameters).")
        return True
    k = next(i for i, (g, e) in enumerate(zip(got, expected)) if not np.isclose(g, e, atol=0.5))
    where = f"count_parameters({list(_SIZES[k])}) = {got[k]}, expected {expected[k]}"
    for slip, message in _PARAMETER_SLIPS:  # the slip must explain every network, not one
        if all(np.isclose(g, slip(list(s)), atol=0.5) for g, s in zip(got, _SIZES)):
            say(WRONG, f"{where}: {message}.")
            return False
    say(WRONG, f"{where}.")
    return False


def _count(sizes):
    return int(sum((n_in + 1) * n_out for n_in, n_out in _pairs(list(sizes))))


def check_hidden_outputs(Phi, X, W, b):
    """Exercise 5.1: ``Phi`` should be ``σ(X W + b)``: the hidden units' outputs
    (the learned basis functions), shape ``(n_samples, n_hidden)``."""
    if not_answered(Phi, "Phi"):
        return False
    X, W, b = (np.asarray(a, dtype=float) for a in (X, W, b))
    Z = X @ W + b
    expected = sigmoid(Z)
    try:
        got = np.asarray(Phi, dtype=float)
    except (TypeError, ValueError):
        say(WRONG, f"Phi should be an array of numbers, got {type(Phi).__name__}.")
        return False
    if got.shape == expected.shape:
        for wrong, message in (
            (Z, "these are the pre-activations XW + b; apply the sigmoid σ to them"),
            (sigmoid(X @ W), "the biases b are missing: σ(X W + b)"),
            (sigmoid(-Z), "this is σ(−z) = 1 − σ(z), a sign slip inside the exponential: "
                          "σ(z) = 1 / (1 + exp(−z))"),
            (np.tanh(Z), "this is tanh(z); the lecture's basis function is the logistic "
                         "sigmoid σ(z) = 1 / (1 + exp(−z)), which runs from 0 to 1"),
            (np.exp(-Z), "exp(−z) is only part of it: σ(z) = 1 / (1 + exp(−z))"),
            (1 + np.exp(-Z), "this is the denominator 1 + exp(−z); σ(z) is one over it"),
        ):
            if np.allclose(got, wrong, rtol=1e-6, atol=1e-9):
                say(WRONG, f"Phi: {message}.")
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
