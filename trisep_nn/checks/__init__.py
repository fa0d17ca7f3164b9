"""Checks for the notebooks' exercises.

Each ``check_…`` prints a specific verdict (what is wrong: the shape, the
sign, a factor) and returns True or False; none raises on a wrong or missing
answer. The checks live in one module per lecture topic and are re-exported
here, so a notebook writes ``from trisep_nn.checks import check_sigmoid``.
"""

import importlib

from ._core import check_array, check_function, check_scalar, not_answered

# One module per notebook, in lecture order; each lists its public names in __all__.
_TOPICS = (
    "logistic_regression",  # 01
    "model_selection",  # 02
    "bias_variance",  # 03
    "regularization",  # 04
    "neural_networks",  # 05
    "autodiff",  # 06
    "training",  # 07
    "vanishing_gradients",  # 08
    "decision_boundaries",  # 09
    "universal_approximation",  # 10
    "depth",  # 11
    "double_descent",  # 12
    "loss_landscapes",  # 13
)

__all__ = ["check_array", "check_function", "check_scalar", "not_answered"]
for _topic in _TOPICS:
    _module = importlib.import_module(f".{_topic}", __name__)
    globals().update({name: getattr(_module, name) for name in _module.__all__})
    __all__ += _module.__all__
