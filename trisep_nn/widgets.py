"""Interactive explorers: one call per explorer, each returning an
:class:`~trisep_nn.explorer.Explorer` (controls above a figure redrawn in place).

Each lesson keeps its explorers in ``trisep_nn/lessons/<lesson>/widgets.py``;
this module gathers them, so a notebook writes
``from trisep_nn.widgets import degree_explorer``. Loading it imports
ipywidgets and matplotlib, which ``import trisep_nn`` alone never does.
"""

from .explorer import Explorer, dropdown, log_slider, slider
from .lessons import gather

__all__ = ["Explorer", "dropdown", "log_slider", "slider"]
__all__ += gather("widgets", globals())  # every lesson's explorers
