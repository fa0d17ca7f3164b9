"""Interactive explorers: one call per explorer, each returning an
:class:`Explorer` (controls above a figure redrawn in place).

The explorers live in one module per lecture topic; this package re-exports
them so a notebook writes ``from trisep_nn.widgets import degree_explorer``.
Loading this package imports ipywidgets and matplotlib, which
``import trisep_nn`` alone never does.
"""

from .._topics import reexport
from ._core import Explorer, dropdown, log_slider, slider

__all__ = ["Explorer", "dropdown", "log_slider", "slider"]
__all__ += reexport(__name__, globals())  # every topic module's public names
