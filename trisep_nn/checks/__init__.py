"""Checks for the notebooks' exercises.

Each ``check_…`` prints a specific verdict (what is wrong: the shape, the
sign, a factor) and returns True or False; none raises on a wrong or missing
answer. The checks live in one module per lecture topic and are re-exported
here, so a notebook writes ``from trisep_nn.checks import check_sigmoid``.
"""

from .._topics import reexport
from ._core import check_array, check_function, check_scalar, not_answered

__all__ = ["check_array", "check_function", "check_scalar", "not_answered"]
__all__ += reexport(__name__, globals())  # every topic module's public names
