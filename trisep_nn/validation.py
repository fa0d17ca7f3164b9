"""Checks of arguments, shared by the toolkit: one clear error that names the
argument and the value, instead of a NumPy error (or a NaN) three calls later.

    >>> check_count(3, "epochs")
    3
    >>> check_count(0, "epochs")
    Traceback (most recent call last):
    ...
    trisep_nn.validation.InvalidArgumentError: epochs must be a positive integer, got 0

Each check raises :class:`InvalidArgumentError`, which is both a ValueError
and a TypeError (as scikit-learn's InvalidParameterError), so either catches it.

``random_state`` follows one convention everywhere in the toolkit: ``None``
(fresh randomness), an int seed, a NumPy ``Generator`` or a ``RandomState``;
:func:`check_random_state` turns it into the generator to draw from.
"""

import numbers

import numpy as np

__all__ = ["InvalidArgumentError", "check_count", "check_number", "check_bool",
           "check_random_state"]


class InvalidArgumentError(ValueError, TypeError):
    """An argument of the wrong type or value; the message names it."""


def check_count(value, name, minimum=1):
    """A whole number >= minimum (1: a positive count), as an int."""
    whole = isinstance(value, numbers.Integral) or (
        isinstance(value, numbers.Real) and np.isfinite(value) and value == int(value))
    if isinstance(value, (bool, np.bool_)) or not whole or value < minimum:
        what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise InvalidArgumentError(f"{name} must be {what}, got {value!r}")
    return int(value)


def check_number(value, name, low=-np.inf, high=np.inf, low_open=False, high_open=False):
    """A finite real number in [low, high] (open at an end if asked), as a float."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidArgumentError(f"{name} must be a number, got {value!r}")
    value = float(value)
    inside = (low < value if low_open else low <= value) and (
        value < high if high_open else value <= high)
    if not np.isfinite(value) or not inside:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise InvalidArgumentError(f"{name} must be a finite number in {interval}, got {value!r}")
    return value


def check_bool(value, name):
    """True or False (not 0, 1 or 'yes'), as a bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidArgumentError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_random_state(random_state, name="random_state", legacy=False):
    """The generator to draw from, for the toolkit's one random_state convention.

    random_state : None, an int seed (>= 0), a numpy Generator or RandomState
    legacy : False (default): None or an int seed gives a new NumPy Generator
        (``np.random.default_rng``); a Generator or RandomState is used as is.
        True: a RandomState, drawn as scikit-learn draws (the data sets use it,
        so that a seed gives scikit-learn's numbers): None is NumPy's global
        one, an int seeds a new one, a Generator seeds one from its stream.
    """
    if isinstance(random_state, (bool, np.bool_)) or not (
            random_state is None or isinstance(random_state, (numbers.Integral,
                                                              np.random.Generator,
                                                              np.random.RandomState))):
        raise InvalidArgumentError(f"{name} must be None, an int seed, a numpy Generator or a "
                        f"RandomState, got {random_state!r}")
    if isinstance(random_state, numbers.Integral) and not 0 <= random_state < 2**32:
        raise InvalidArgumentError(f"{name} must be a seed between 0 and 2**32 - 1, got "
                                   f"{random_state!r}")
    if not legacy:
        if isinstance(random_state, (np.random.Generator, np.random.RandomState)):
            return random_state
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.Generator):
        return np.random.RandomState(random_state.integers(2**32))
    # scikit-learn's check_random_state, written out: importing scikit-learn for it
    # costs a second (it loads scipy.stats), and a data set may not need it otherwise.
    if random_state is None:
        return np.random.mtrand._rand
    if isinstance(random_state, numbers.Integral):
        return np.random.RandomState(random_state)
    return random_state
