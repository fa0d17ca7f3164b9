"""trisep_nn: the NumPy autodiff engine and neural-network toolkit behind the
TRISEP "Intro to Neural Networks" course.

    >>> import trisep_nn as tnn
    >>> a = tnn.Tensor(2.0, requires_grad=True)
    >>> b = tnn.Tensor(3.0, requires_grad=True)
    >>> f = (a * b).log()          # the lecture's f(a, b) = log(ab)
    >>> f.backward()
    >>> a.grad, b.grad             # (1/a, 1/b)
    (array(0.5), array(0.33333333))

Importing the package loads only NumPy and the engine. The heavier parts
(matplotlib, scikit-learn, ipywidgets) load the first time a submodule that
needs them is used, e.g. ``tnn.plots`` or ``tnn.widgets``.
"""

import importlib

__version__ = "0.1.0"

# Names re-exported at the top level, and the module each comes from.
# They are imported on first use, so `import trisep_nn` stays fast.
_EXPORTS = {
    "Tensor": "engine",
    "no_grad": "engine",
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
    "engine", "autodiff", "gradient_check", "graph", "nn", "losses", "optim", "train",
    "instrument", "estimators", "data", "polynomials", "plots", "explorer", "feedback",
    "widgets", "checks", "doctor", "lessons", "site",
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
