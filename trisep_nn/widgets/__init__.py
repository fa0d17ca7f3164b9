"""Interactive explorers: one call per explorer, each returning an
:class:`Explorer` (controls above a figure redrawn in place).

The explorers live in one module per lecture topic; this package re-exports
them so a notebook writes ``from trisep_nn.widgets import degree_explorer``.
Loading this package imports ipywidgets and matplotlib, which
``import trisep_nn`` alone never does.
"""

import importlib

from ._core import Explorer, dropdown, log_slider, slider

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

__all__ = ["Explorer", "dropdown", "log_slider", "slider"]
for _topic in _TOPICS:
    _module = importlib.import_module(f".{_topic}", __name__)
    globals().update({name: getattr(_module, name) for name in _module.__all__})
    __all__ += _module.__all__
