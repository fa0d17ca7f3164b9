"""The lessons: one per notebook, each under one name everywhere.

Notebook ``notebooks/NN_<name>.ipynb`` is lesson ``<name>``: its code is the
package ``trisep_nn/lessons/<name>/`` and its tests are
``tests/lessons/test_<name>.py``. A lesson package holds

* ``__init__.py``: the lesson's concepts (functions the notebook calls), built
  on the toolkit (``trisep_nn.nn``, ``trisep_nn.train``, ...); a lesson with
  several ideas keeps each in a module of its own next to it;
* ``widgets.py``: its explorers (built on :mod:`trisep_nn.explorer`);
* ``checks.py``: its exercise checks (built on :mod:`trisep_nn.feedback`).

``trisep_nn.widgets`` and ``trisep_nn.checks`` gather every lesson's explorers
and checks, so a notebook writes ``from trisep_nn.checks import check_tent``.

    >>> import trisep_nn
    >>> trisep_nn.lessons.LESSONS[11]
    'depth'
    >>> float(trisep_nn.lessons.depth.sawtooth(0.25, 2))
    1.0
"""

import ast
import importlib
import re
from pathlib import Path

# Notebook number -> lesson name, in lecture order: the one list of the lessons.
LESSONS = {
    0: "start_here",
    1: "logistic_regression_and_basis_functions",
    2: "overfitting_and_model_selection",
    3: "bias_variance_tradeoff",
    4: "regularization",
    5: "from_logistic_regression_to_neural_networks",
    6: "automatic_differentiation",
    7: "backpropagation_and_training",
    8: "vanishing_gradients",
    9: "decision_boundaries",
    10: "universal_approximation",
    11: "depth",
    12: "double_descent",
    13: "loss_landscapes_and_inductive_bias",
}

__all__ = ["LESSONS", "notebook_name", "gather", "declared_names", *LESSONS.values()]


def notebook_name(number):
    """The notebook file of lesson ``number``, e.g. ``'11_depth.ipynb'``."""
    return f"{number:02d}_{LESSONS[number]}.ipynb"


def gather(part, namespace):
    """Offer the public names (the ``__all__``) of ``<lesson>.<part>`` of every
    lesson that has one (``part`` is ``"widgets"`` or ``"checks"``) in
    ``namespace``, a module's globals; returns those names. This is how
    ``trisep_nn.widgets`` and ``trisep_nn.checks`` offer every lesson's explorers
    and checks in one place.

    A lesson's module is imported when one of its names is first used, so a
    notebook that imports two explorers loads one lesson, not fourteen. The names
    are read from each module's ``__all__ = [...]`` without importing it.
    """
    owner = {}  # name -> lesson
    for lesson in LESSONS.values():
        path = Path(__file__).parent / lesson / f"{part}.py"
        if path.exists():
            owner.update(dict.fromkeys(declared_names(path), lesson))

    def __getattr__(name):
        if name not in owner:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        module = importlib.import_module(f".{owner[name]}.{part}", __name__)
        namespace[name] = getattr(module, name)
        return namespace[name]

    namespace["__getattr__"] = __getattr__
    namespace["__dir__"] = lambda: sorted(set(namespace) | set(owner))  # tab completion
    return list(owner)


def declared_names(path):
    """The list a module assigns to ``__all__`` (a literal list of strings at the
    start of a line), read from its source. Only that list is read: parsing every
    lesson's whole source would cost each notebook a tenth of a second."""
    found = re.search(r"^__all__ = (\[.*?\])", Path(path).read_text(), re.MULTILINE | re.DOTALL)
    if found is None:
        raise ValueError(f"{path} assigns no __all__ = [...] list")
    return ast.literal_eval(found.group(1))


def __getattr__(name):
    """``trisep_nn.lessons.depth`` imports the lesson on first use."""
    if name in LESSONS.values():
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'trisep_nn.lessons' has no lesson {name!r}; "
                         f"the lessons are: {', '.join(LESSONS.values())}")


def __dir__():
    return __all__
