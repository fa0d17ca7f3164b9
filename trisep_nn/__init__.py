"""trisep_nn: the NumPy autodiff engine and neural-network toolkit behind the
TRISEP "Intro to Neural Networks" course.

    >>> import trisep_nn as tnn
    >>> a = tnn.Tensor(2.0, requires_grad=True)
    >>> b = tnn.Tensor(3.0, requires_grad=True)
    >>> f = (a * b).log()          # the lecture's f(a, b) = log(ab)
    >>> f.backward()
    >>> a.grad, b.grad             # (1/a, 1/b)
    (array(0.5), array(0.33333333))

Importing the package loads only NumPy and the engine (``tensor.py``, the
Tensor and the graph walk; ``ops.py``, the derivative table). The heavier parts
(matplotlib, scikit-learn, ipywidgets) load the first time a submodule that
needs them is used, e.g. ``tnn.plots`` or ``tnn.widgets``.

Coming from or going to PyTorch
-------------------------------
The names and the semantics are PyTorch's (``backward``, ``grad``,
``zero_grad``, ``no_grad``, ``retain_graph``, ``parameters``, ``SGD``, ``Adam``
...). Every difference, in one list:

- ``.data`` and ``.grad`` are NumPy arrays. Floats keep their dtype and mix by
  NumPy's rules (float32 with a Python number stays float32); integers and
  booleans become float64 (PyTorch's default is float32). ``Tensor(array)``
  shares the array, like ``torch.from_numpy``; ``torch.tensor`` copies.
- NumPy's argument names: ``axis=``, ``keepdims=`` (PyTorch: ``dim=``,
  ``keepdim=``). ``x.transpose(*axes)`` permutes the axes as ``np.transpose``
  does (PyTorch: ``x.permute``); PyTorch's ``x.transpose(0, 1)`` swaps two axes,
  here ``x.transpose(1, 0)``. ``x.T`` reverses all axes.
- Comparisons (``x == y``, ``x > 0``) give a NumPy bool array, not a tensor;
  use it as a mask, ``x[x > 0]``. A Tensor used as an index must hold whole
  numbers (PyTorch: an integer tensor).
- ``max``/``min`` with ties split the gradient equally among the tied entries
  (as ``torch.amax``; ``torch.max(x, dim)`` gives it to one). A NaN entry is the
  maximum and takes the gradient. ``relu`` and ``abs`` have slope 0 at 0, as in
  PyTorch.
- A second ``backward()`` through the same graph raises unless the first had
  ``retain_graph=True``, as in PyTorch, also for graphs that PyTorch would let
  through (those that save no values, such as ``x + y``).
  ``backward(retain_grads=True)`` keeps ``.grad`` on every intermediate tensor
  (PyTorch: ``t.retain_grad()`` on each, which works here too).
- In place: ``w -= lr * w.grad`` changes ``w`` in place under ``no_grad()`` and
  raises for a leaf that requires grad outside it, as in PyTorch. On an
  intermediate result while the graph is recorded, ``h += 1`` makes a new tensor
  and rebinds the name ``h`` (other names for the old ``h`` keep its value;
  PyTorch changes it in place). A graph that used a tensor changed in place
  afterwards refuses ``backward()``, as in PyTorch; writes into ``.data`` are
  not tracked (as PyTorch's ``.data``).
- ``x ** y`` takes a number or an array y, not a Tensor: for a Tensor y write
  ``(y * x.log()).exp()``.
- Values outside an operation's domain (the log of a negative number, a
  negative number to a fractional power, the mean of nothing) are NaN with
  NumPy's RuntimeWarning (PyTorch: NaN, silently).
- ``nn.Linear`` stores its weight as (in_features, out_features), scikit-learn's
  ``coefs_`` layout, and computes ``x @ W + b``; PyTorch stores the transpose.
  ``nn.MLP`` runs each Linear layer and its activation as one graph node.
- Losses (``losses.mse``, ``bce_with_logits``, ``cross_entropy``) are means,
  as PyTorch's default ``reduction="mean"``; no ``reduction=`` argument, and
  targets must have exactly the predictions' shape (PyTorch broadcasts ``mse``
  with a warning).
- An optimizer given a parameter twice warns and updates it once (PyTorch warns
  and updates it twice).
"""

import importlib

__version__ = "0.1.0"

# Names re-exported at the top level, and the module each comes from.
# They are imported on first use, so `import trisep_nn` stays fast.
_EXPORTS = {
    "Tensor": "tensor",
    "no_grad": "tensor",
    "enable_grad": "tensor",
    "grad": "autodiff",
    "value_and_grad": "autodiff",
    "vjp": "autodiff",
    "jvp": "autodiff",
    "jacobian_forward": "autodiff",
    "jacobian_reverse": "autodiff",
    "gradcheck": "gradient_check",
    "draw_graph": "graph",
}

# Submodules reachable as attributes, e.g. `trisep_nn.nn.MLP`. (The function
# `gradcheck` lives in `gradient_check`: a module of the same name as the function
# would replace it on the package as soon as it was imported.)
_SUBMODULES = {
    "tensor", "ops", "autodiff", "gradient_check", "graph", "nn", "losses", "optim", "train",
    "instrument", "estimators", "data", "polynomials", "plots", "explorer", "feedback",
    "widgets", "checks", "doctor", "lessons", "site", "validation",
}

__all__ = sorted(_EXPORTS) + sorted(_SUBMODULES)


def __getattr__(name):
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        value = getattr(module, name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'trisep_nn' has no attribute {name!r}")
    globals()[name] = value  # cache: the next access is a plain lookup
    return value


def __dir__():
    return __all__
