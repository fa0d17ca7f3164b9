"""Exercise checks for notebook 13 (loss landscapes and inductive bias)."""

import numpy as np

from trisep_nn.feedback import OK, WRONG, call_student, check_array, not_answered, say
from trisep_nn.lessons.loss_landscapes_and_inductive_bias.loss_landscape import filter_normalize

__all__ = ["check_filter_normalized", "check_sum_pool"]


def check_filter_normalized(answer, W, d):
    """Exercise 13.1: ``d`` rescaled column by column to the norms of ``W``'s columns."""
    if not_answered(answer, "d_normalized"):
        return False
    W, d = np.asarray(W, dtype=float), np.asarray(d, dtype=float)
    try:
        answer = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        say(WRONG, f"d_normalized: expected an array, got {type(answer).__name__}.")
        return False
    expected = filter_normalize([d], [W])[0]
    if answer.shape != W.shape:
        say(WRONG, f"d_normalized: shape {answer.shape}, expected {W.shape}, the shape of W; "
                    "keepdims=True keeps the norms broadcastable.")
        return False
    if np.allclose(answer, expected):
        say(OK, "d_normalized: correct: every column (the weights into one unit) now has "
                 "the norm of the same column of W.")
        return True
    by_rows = d * np.linalg.norm(W, axis=1, keepdims=True) / np.linalg.norm(d, axis=1,
                                                                              keepdims=True)
    if np.allclose(answer, by_rows):
        say(WRONG, "d_normalized: you normalised the rows. With weights stored as (in, out), "
                    "a filter (the weights INTO one unit) is a column: use axis=0.")
        return False
    whole = d * np.linalg.norm(W) / np.linalg.norm(d)
    if np.allclose(answer, whole):
        say(WRONG, "d_normalized: you scaled the whole matrix at once (‖d‖ = ‖W‖). Filter "
                    "normalisation does it column by column, so each unit keeps its own scale.")
        return False
    column_norm = {name: np.linalg.norm(m, axis=0, keepdims=True) for name, m in (("W", W),
                                                                                  ("d", d))}
    unit = d / column_norm["d"]
    if np.allclose(answer, unit):
        say(WRONG, "d_normalized: each column has norm 1; multiply by the norm of the same "
                    "column of W.")
        return False
    if np.allclose(answer, d * column_norm["d"] / column_norm["W"]):
        say(WRONG, "d_normalized: the ratio is upside down: you multiplied by ‖d_j‖/‖W_j‖. "
                    "Each column must end with the norm of W's column: d_j · ‖W_j‖ / ‖d_j‖.")
        return False
    if np.allclose(answer, d * column_norm["W"] ** 2 / column_norm["d"] ** 2):
        say(WRONG, "d_normalized: you used squared norms (sums of squares); take the square "
                    "root: np.linalg.norm, not the sum of squares.")
        return False
    if np.allclose(answer, d * W / column_norm["d"]):
        say(WRONG, "d_normalized: you multiplied by W itself, element by element; multiply by "
                    "the NORM of each column of W (one number per column).")
        return False
    return check_array(answer, expected, "d_normalized")


def check_sum_pool(fn):
    """Exercise 13.2: ``fn(features)`` sums (n_events, n_particles, k) over the particles."""
    if not_answered(fn, "pool"):
        return False
    rng = np.random.default_rng(13)
    features = rng.normal(size=(5, 4, 3))
    got = call_student(fn, "pool", features.copy())
    if got is None:
        return False
    expected = features.sum(axis=1)
    if got.shape == (4, 3):
        say(WRONG, "pool: shape (4, 3) for 5 events of 4 particles: you summed over the events "
                    "(axis 0). Sum over the particles, axis 1, to keep one row per event.")
        return False
    if got.shape == (5, 1, 3):
        say(WRONG, "pool: shape (5, 1, 3): keepdims=True kept the particle axis; drop it, one "
                    "row of k numbers per event.")
        return False
    if got.shape == (5, 4):
        say(WRONG, "pool: shape (5, 4): you summed the k features of each particle (axis 2). "
                    "Sum over the particles, axis 1.")
        return False
    if got.shape == expected.shape and np.allclose(got, features[:, 0]):
        say(WRONG, "pool: you kept the first particle only; that depends on the order.")
        return False
    if got.shape == expected.shape and np.allclose(got, features.max(axis=1)):
        say(WRONG, "pool: a max over the particles is permutation invariant too (PointNet uses "
                    "it), but the exercise asks for the sum of Deep Sets.")
        return False
    if got.shape == expected.shape and np.allclose(got, features.mean(axis=1)):
        say(WRONG, "pool: you took the mean; Deep Sets sums over the particles (a sum also "
                    "knows how many particles there are, e.g. for H_T).")
        return False
    shuffled = features[:, rng.permutation(4)]
    try:
        invariant = np.allclose(np.asarray(fn(shuffled), dtype=float), got)
    except Exception:  # reported below as not invariant
        invariant = False
    if not invariant:
        say(WRONG, "pool: the result changes when the particles are reordered; it must not.")
        return False
    return check_array(got, expected, "pool(features)")
