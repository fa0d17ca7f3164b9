"""Every public callable of the toolkit, given bad arguments (hypothesis).

For each callable we write down one good call, then hypothesis replaces one
argument at a time with something bad: a wrong type, an array of the wrong
shape, NaN or infinity, an empty array, None, a negative or zero size. Each call
must either work (and then return no NaN, unless NaN went in and the callable is
element-wise maths, which follows IEEE as NumPy and PyTorch do) or raise a
ValueError or TypeError whose message names the argument: never a bare NumPy or
Python error from three calls further down, never AttributeError, KeyError or
ZeroDivisionError, and never more than a second.

The lesson infrastructure is left out: the explorer's widgets need a kernel,
and the feedback checks judge student answers by printing (their own tests).
"""

import time
import warnings
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import trisep_nn as tnn  # noqa: E402
from trisep_nn import (  # noqa: E402
    autodiff,
    data,
    estimators,
    gradient_check,
    graph,
    instrument,
    losses,
    nn,
    ops,
    optim,
    plots,
    polynomials,
    train,
    validation,
)
from trisep_nn.tensor import Tensor  # noqa: E402

CASES = {"run": 0}  # calls made, reported at the end of the module's run
TIME_LIMIT_S = 1.0  # CPU seconds a call may take

# --------------------------------------------------------------------------- #
# The bad values                                                               #
# --------------------------------------------------------------------------- #
special_floats = st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -1.0, 1e308, -1e-320])
bad_arrays = hnp.arrays(
    np.float64, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
    elements=st.floats(allow_nan=True, allow_infinity=True, width=64) | special_floats)
BAD = st.one_of(
    st.none(), st.text(max_size=3), st.just({}), st.just(object()), st.booleans(),
    special_floats, st.integers(-(10**12), 0), st.just(np.zeros(0)), st.just(np.zeros((0, 2))),
    bad_arrays, st.lists(st.text(max_size=2), min_size=1, max_size=2),
    st.just(np.array(["a", "b"])), st.just([[1.0, 2.0], [3.0]]))


def contains_nonfinite(value):
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return not np.all(np.isfinite(array))


# --------------------------------------------------------------------------- #
# Good calls                                                                   #
# --------------------------------------------------------------------------- #
RNG = np.random.default_rng(0)
X = RNG.normal(size=(20, 2))
Y = (X[:, 0] > 0).astype(int)


def model():
    return nn.MLP([2, 4, 1], random_state=0)


def params():
    return model().parameters()


@dataclass
class Spec:
    """One public callable: how to call it, its arguments' good values, and the
    words an error about each argument may use to name it."""

    name: str
    call: object          # function(**arguments)
    good: dict            # argument -> good value (a function is called to make it)
    aliases: dict = field(default_factory=dict)
    nan_ok: bool = False  # element-wise maths: NaN in, NaN out (IEEE)
    examples: int = 6


def spec(name, call, good, **kw):
    return Spec(name, call, good, **kw)


ELEMENTWISE = ["exp", "log", "tanh", "sigmoid", "relu"]
SPECS = [
    *[spec(f"ops.{f}", lambda x, f=f: getattr(ops, f)(x), {"x": [0.5, 1.0]}, nan_ok=True,
           aliases={"x": [f, "Tensor data"]}) for f in ELEMENTWISE],
    spec("ops.matmul", lambda a, b: ops.matmul(a, b), {"a": np.ones((2, 3)), "b": np.ones((3, 2))},
         nan_ok=True,
         aliases={"a": ["matmul", "Tensor data"], "b": ["matmul", "Tensor data"]}),
    spec("ops.linear", ops.linear, {"x": np.ones((2, 3)), "W": np.ones((3, 2)), "b": np.ones(2),
                                    "activation": "relu"},
         nan_ok=True, aliases={k: ["linear", "Tensor data"] for k in ("x", "W", "b")}),
    spec("ops.logsumexp", ops.logsumexp, {"x": np.ones((2, 3)), "axis": -1, "keepdims": False},
         nan_ok=True, aliases={"x": ["logsumexp", "Tensor data"]}),
    spec("ops.softmax", ops.softmax, {"x": np.ones((2, 3)), "axis": -1}, nan_ok=True,
         aliases={"x": ["softmax", "Tensor data"]}),
    spec("ops.log_softmax", ops.log_softmax, {"x": np.ones((2, 3)), "axis": -1}, nan_ok=True,
         aliases={"x": ["softmax", "Tensor data"]}),
    spec("ops.custom_op", ops.custom_op,
         {"data": np.ones(2), "parents": lambda: [Tensor(np.ones(2), requires_grad=True)],
          "backward": lambda: (lambda g: (g,)), "op_name": "mine"}, nan_ok=True,
         aliases={"data": ["Tensor data"], "parents": ["parents"], "backward": ["backward"]}),
    spec("Tensor", Tensor, {"data": [1.0, 2.0], "requires_grad": True, "name": "t"},
         nan_ok=True, aliases={"data": ["Tensor data", "Tensor does not"]}),
    # methods and operators: the arguments are fuzzed, the tensor is a good one
    spec("Tensor.sum", lambda **kw: Tensor(np.ones((2, 3))).sum(**kw),
         {"axis": 0, "keepdims": False}),
    spec("Tensor.max", lambda **kw: Tensor(np.ones((2, 3))).max(**kw),
         {"axis": 1, "keepdims": True}),
    spec("Tensor.reshape", lambda shape: Tensor(np.ones((2, 3))).reshape(shape),
         {"shape": (3, 2)}),
    spec("Tensor.transpose", lambda axes: Tensor(np.ones((2, 3))).transpose(axes),
         {"axes": (1, 0)}),
    spec("Tensor[index]", lambda index: Tensor(np.ones((2, 3)))[index], {"index": 1}),
    spec("Tensor.backward", lambda gradient: (Tensor(np.ones(3), requires_grad=True) * 2)
         .backward(gradient), {"gradient": np.ones(3)}),
    spec("Tensor ** p", lambda p: Tensor([1.0, 2.0]) ** p, {"p": 2}, nan_ok=True,
         aliases={"p": ["exponent"]}),
    spec("Tensor + other", lambda other: Tensor([1.0, 2.0]) + other, {"other": 1.0},
         nan_ok=True, aliases={"other": ["add", "Tensor data"]}),
    spec("Tensor -= other", lambda other: tnn.no_grad()(Tensor([1.0, 2.0]).__isub__)(other),
         {"other": 1.0}, nan_ok=True, aliases={"other": ["-=", "Tensor data"]}),
    spec("grad", lambda f, argnums, x: autodiff.grad(f, argnums)(x),
         {"f": lambda: (lambda t: (t * t).sum()), "argnums": 0, "x": [1.0, 2.0]},
         aliases={"x": ["argument 0"]}, nan_ok=True),
    spec("vjp", lambda f, x: (lambda out, fn: fn(np.ones(np.shape(out))))(*autodiff.vjp(f, x)),
         {"f": lambda: (lambda t: t * 2), "x": [1.0, 2.0]}, aliases={"x": ["primal"]},
         nan_ok=True),
    spec("vjp_fn", lambda u: autodiff.vjp(lambda t: t * 2, np.ones(2))[1](u), {"u": [1.0, 1.0]},
         aliases={"u": ["cotangent"]}, nan_ok=True),
    spec("jvp", lambda f, x, t: autodiff.jvp(f, (x,), (t,)),
         {"f": lambda: (lambda s: s * 2), "x": [1.0, 2.0], "t": [1.0, 1.0]},
         aliases={"x": ["primal"], "t": ["tangent"]}, nan_ok=True),
    spec("jacobian_forward", autodiff.jacobian_forward,
         {"f": lambda: (lambda s: s.tanh()), "x": [1.0, 2.0]}, nan_ok=True),
    spec("jacobian_reverse", autodiff.jacobian_reverse,
         {"f": lambda: (lambda s: s.tanh()), "x": [1.0, 2.0]}, nan_ok=True),
    spec("gradcheck", lambda f, x, eps, names: gradient_check.gradcheck(f, x, eps=eps,
                                                                        names=names),
         {"f": lambda: (lambda s: s * s), "x": [1.0, 2.0], "eps": 1e-6, "names": ["x"]},
         aliases={"x": ["input 0"]}, nan_ok=True),
    spec("draw_graph", graph.draw_graph,
         {"tensor": lambda: Tensor(2.0, requires_grad=True) * 3, "show_grad": True},
         examples=3),
    spec("nn.Linear", nn.Linear, {"in_features": 2, "out_features": 3, "init": "he",
                                  "scale": 1.0, "random_state": 0}),
    spec("nn.MLP", nn.MLP, {"sizes": [2, 3, 1], "activation": "relu", "init": None,
                            "scale": None, "random_state": 0}),
    spec("nn.init_weights", nn.init_weights, {"fan_in": 2, "fan_out": 3, "init": "xavier",
                                              "scale": 1.0, "random_state": 0}),
    spec("Module(x)", lambda x: model()(x), {"x": X}, aliases={"x": ["input", "linear"]},
         nan_ok=True),
    spec("Sequential", lambda layers: nn.Sequential(*layers),
         {"layers": lambda: [nn.Linear(2, 2), nn.ReLU()]}, aliases={"layers": ["Sequential"]}),
    spec("losses.mse", losses.mse, {"pred": lambda: Tensor(np.ones(3)), "target": np.ones(3)},
         aliases={"target": ["targets"]}),
    spec("losses.bce_with_logits", losses.bce_with_logits,
         {"logits": lambda: Tensor(np.ones(3)), "targets": np.ones(3)}),
    spec("losses.cross_entropy", losses.cross_entropy,
         {"logits": lambda: Tensor(np.ones((3, 2))), "int_labels": [0, 1, 1]},
         aliases={"int_labels": ["labels"]}),
    spec("losses.l2_penalty", losses.l2_penalty, {"params": params},
         aliases={"params": ["penalties take"]}),
    spec("losses.l1_penalty", losses.l1_penalty, {"params": params},
         aliases={"params": ["penalties take"]}),
    spec("optim.SGD", optim.SGD, {"params": params, "lr": 0.1, "momentum": 0.5,
                                  "weight_decay": 0.0, "nesterov": False},
         aliases={"params": ["optimizer", "parameters"]}),
    spec("optim.Adam", optim.Adam, {"params": params, "lr": 0.1, "betas": (0.9, 0.999),
                                    "eps": 1e-8, "weight_decay": 0.0},
         aliases={"params": ["optimizer", "parameters"]}),
    spec("train.fit", lambda model, X, y, **kw: train.fit(model, X, y, progress=False, **kw),
         {"model": model, "X": X, "y": Y, "loss": "auto", "optimizer": "sgd", "lr": 0.1,
          "epochs": 1, "batch_size": 8, "validation_fraction": None, "early_stopping": False,
          "patience": 2, "min_delta": 0.0, "callbacks": (), "random_state": 0, "shuffle": True,
          "verbose": False},
         aliases={"X": ["X", "samples"], "y": ["y", "targets", "labels"]}),
    spec("train.evaluate", train.evaluate, {"model": model, "X": X, "y": Y, "loss": "auto"},
         aliases={"y": ["y", "targets", "labels"]}),
    spec("train.predict", train.predict, {"model": model, "X": X}),
    spec("train.EarlyStopping", train.EarlyStopping,
         {"monitor": "val_loss", "mode": "min", "patience": 3, "min_delta": 0.0,
          "restore_best_weights": True}),
    *[spec(f"estimators.{cls.__name__}", lambda X, y, cls=cls, **kw: cls(**kw).fit(X, y),
           {"X": X, "y": Y, "hidden_layer_sizes": (3,), "max_iter": 2, "alpha": 1e-4,
            "batch_size": "auto", "learning_rate_init": 0.01, "tol": 1e-4, "epsilon": 1e-8,
            "early_stopping": False, "validation_fraction": 0.2, "random_state": 0},
           aliases={"X": ["X", "array", "sample", "feature"],
                    "y": ["y", "array", "label", "sample", "target", "class"]}, examples=3)
      for cls in (estimators.MLPClassifier, estimators.MLPRegressor)],
    *[spec(f"data.{f.__name__}", f, {"n_samples": 20, "noise": 0.1, "random_state": 0})
      for f in (data.moons, data.circles, data.xor)],
    spec("data.spirals", data.spirals, {"n_samples": 20, "n_classes": 3, "noise": 0.1,
                                        "turns": 0.5, "random_state": 0}),
    spec("data.blobs", data.blobs, {"n_samples": 20, "n_classes": 3, "cluster_std": 1.0,
                                    "centers": None, "random_state": 0}),
    spec("data.noisy_function", data.noisy_function,
         {"n_samples": 20, "noise": 0.1, "x_range": (0.0, 1.0), "random_state": 0}),
    spec("data.physics_toy", data.physics_toy,
         {"n_samples": 20, "signal_fraction": 0.5, "random_state": 0}),
    spec("data.physics_toy_logpdf", data.physics_toy_logpdf,
         {"X": lambda: data.physics_toy(5, random_state=0)[0], "signal": True}),
    spec("data.bayes_optimal_score", data.bayes_optimal_score,
         {"X": lambda: data.physics_toy(5, random_state=0)[0], "signal_fraction": 0.5}),
    spec("data.cosine", data.cosine, {"x": [0.0, 0.5]}, nan_ok=True),
    spec("validation.check_count", validation.check_count, {"value": 3, "name": "n"},
         aliases={"value": ["n"]}),
    spec("validation.check_random_state", validation.check_random_state,
         {"random_state": 0, "name": "seed"}, aliases={"random_state": ["seed"]}),
    spec("instrument.layer_statistics", instrument.layer_statistics,
         {"model": model, "X": X, "y": Y, "loss": "auto"},
         aliases={"y": ["y", "targets", "labels"]}),
    spec("instrument.LayerRecorder", instrument.LayerRecorder,
         {"X": X, "y": Y, "loss": "auto", "every": 1}),
    spec("polynomials.polynomial_regression", polynomials.polynomial_regression,
         {"degree": 3}),
    spec("polynomials.polynomial_classifier", polynomials.polynomial_classifier,
         {"degree": 3, "C": 1.0, "max_iter": 100}),
    spec("polynomials.polynomial_fit_predict_many", polynomials.polynomial_fit_predict_many,
         {"degree": 2, "X": np.linspace(0, 1, 6).reshape(2, 3), "Y": np.ones((2, 3)),
          "x_eval": np.linspace(0, 1, 5)}),
    spec("plots.decision_boundary", plots.decision_boundary,
         {"model": model, "X": X, "y": Y, "resolution": 20}, examples=3),
    spec("plots.training_curves", plots.training_curves,
         {"history": {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}}, examples=3),
    spec("plots.gradient_histograms", plots.gradient_histograms,
         {"grads_by_layer": [np.ones(5), np.zeros(5)], "bins": 11}, examples=3),
    spec("plots.complexity_curve", plots.complexity_curve,
         {"param_values": [1, 2, 3], "train_scores": [0.3, 0.2, 0.1],
          "val_scores": [0.4, 0.3, 0.35]}, examples=3),
    spec("plots.learning_curve_plot", plots.learning_curve_plot,
         {"train_sizes": [5, 10, 20], "train_scores": [0.9, 0.85, 0.8],
          "val_scores": [0.6, 0.7, 0.75]}, examples=3),
    spec("plots.roc_curve_plot", plots.roc_curve_plot,
         {"y_true": Y, "scores": X[:, 0]}, examples=3),
    spec("plots.function_fit", plots.function_fit,
         {"x": np.linspace(0, 1, 5), "y": np.ones(5)}, examples=3),
]
PAIRS = [(s, arg) for s in SPECS for arg in s.good]


# --------------------------------------------------------------------------- #
# The check                                                                    #
# --------------------------------------------------------------------------- #
def arrays_in(result, depth=0):
    """The float arrays a callable returned (inside tuples, lists, dicts, Tensors)."""
    if depth > 3:
        return
    if isinstance(result, Tensor):
        yield result.data
    elif isinstance(result, np.ndarray) and result.dtype.kind == "f":
        yield result
    elif isinstance(result, (tuple, list)):
        for item in result:
            yield from arrays_in(item, depth + 1)
    elif isinstance(result, dict):
        for item in result.values():
            yield from arrays_in(item, depth + 1)


def good_arguments(s):
    """The good call's arguments; a function in s.good makes a fresh value each time."""
    return {k: v() if callable(v) else v for k, v in s.good.items()}


def run(s, arg, bad):
    arguments = good_arguments(s)
    arguments[arg] = bad
    CASES["run"] += 1
    start = time.process_time()  # CPU time: the machine's load does not count
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")  # NumPy's and scikit-learn's warnings are allowed
            result = s.call(**arguments)
    except (ValueError, TypeError) as error:  # (InvalidArgumentError is both)
        names = [arg, *s.aliases.get(arg, [])]
        message = str(error).lower()
        assert any(n.lower() in message for n in names), (
            f"{s.name}({arg}={bad!r}): {type(error).__name__}: {error} -- does not name {names}")
    except IndexError as error:  # NumPy's and PyTorch's error for a bad index
        assert arg == "index", f"{s.name}({arg}={bad!r}): IndexError: {error}"
    except Exception as error:  # noqa: BLE001 - anything else is what this test looks for
        pytest.fail(f"{s.name}({arg}={bad!r}) raised {type(error).__name__}: {error}")
    else:
        if not s.nan_ok:  # (element-wise maths: NaN in, or out of domain, NaN out)
            for a in arrays_in(result):
                assert not np.isnan(a).any(), f"{s.name}({arg}={bad!r}) returned NaN"
    finally:
        plt.close("all")
    seconds = time.process_time() - start
    assert seconds < TIME_LIMIT_S, f"{s.name}({arg}={bad!r}) took {seconds:.1f} s"


def test_the_good_calls_are_good():
    """Each spec's good call works, so every error below is the bad argument's. (Run
    first: the first use of matplotlib and scikit-learn is slow.)"""
    for s in SPECS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s.call(**good_arguments(s))
        plt.close("all")


@pytest.mark.parametrize("s, arg", PAIRS, ids=[f"{s.name}-{arg}" for s, arg in PAIRS])
def test_a_bad_argument_gets_a_clear_error_or_a_correct_answer(s, arg):
    @settings(max_examples=s.examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(bad=BAD)
    def check(bad):
        run(s, arg, bad)

    check()


@pytest.fixture(scope="module", autouse=True)
def count_the_cases(request):
    """After the module: every (callable, argument) pair that ran made at least one
    bad call, and the number of calls is reported in pytest's summary."""
    yield
    ran = [item for item in request.session.items
           if getattr(item, "module", None) is request.module
           and "bad_argument" in item.name]
    assert CASES["run"] >= len(ran), "a pair ran no example"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():  # shown even when pytest captures output
        print(f"\napi fuzz: {CASES['run']} bad calls over {len(ran)} arguments of "
              f"{len(SPECS)} public callables")


