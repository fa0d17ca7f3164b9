"""The lecture topics, one module each in ``trisep_nn.checks`` and ``trisep_nn.widgets``."""

import importlib

# One module per notebook, in lecture order; each lists its public names in __all__.
TOPICS = (
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


def reexport(package, namespace):
    """Import every topic module of `package` and put its public names into
    `namespace` (the package's globals()), so a notebook imports them from the
    package. Returns those names, for the package's __all__."""
    names = []
    for topic in TOPICS:
        module = importlib.import_module(f".{topic}", package)
        namespace.update({name: getattr(module, name) for name in module.__all__})
        names += module.__all__
    return names
