"""Checks for the notebooks' exercises.

Each ``check_…`` prints a specific verdict (what is wrong: the shape, the
sign, a factor) and returns True or False; none raises on a wrong or missing
answer. Each lesson keeps its checks in ``trisep_nn/lessons/<lesson>/checks.py``
on top of :mod:`trisep_nn.feedback`; this module gathers them, so a notebook
writes ``from trisep_nn.checks import check_sigmoid_derivative``.
"""

from .feedback import check_array, check_function, check_scalar, not_answered
from .lessons import gather

__all__ = ["check_array", "check_function", "check_scalar", "not_answered"]
__all__ += gather("checks", globals())  # every lesson's checks
