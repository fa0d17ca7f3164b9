"""Notebook 13, loss landscapes and inductive bias.

* :mod:`.loss_landscape`: the loss along the line from the initial to the
  trained weights, and on planes through the solution along filter-normalised
  random directions (Li et al. 2018);
* :mod:`.inductive_bias`: a symmetry built into the model (Deep Sets) against
  a plain MLP on a permutation-invariant physics quantity.
"""

from . import inductive_bias, loss_landscape

__all__ = ["inductive_bias", "loss_landscape"]
