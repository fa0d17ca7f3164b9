"""Notebook 06, automatic differentiation: three ways to differentiate in code.

* :mod:`.differentiation`: numerical (finite differences: truncation against
  round-off) and symbolic (rules on an expression tree, and its swell);
* :mod:`.forward_reverse_mode`: forward mode (tangents) and reverse mode
  (adjoints) on the lecture's ``f(a, b) = log(ab)``, one node at a time;
* :mod:`.jacobian_cost`: the cost of a Jacobian of ``f: Rⁿ → Rᵐ`` both ways,
  measured with the engine's ``jacobian_forward`` and ``jacobian_reverse``.

The engine itself, which the notebook ends with, is ``trisep_nn.tensor`` (the Tensor and
the graph walk) with ``trisep_nn.ops`` (the derivative table).
"""

from . import differentiation, forward_reverse_mode, jacobian_cost

__all__ = ["differentiation", "forward_reverse_mode", "jacobian_cost"]
