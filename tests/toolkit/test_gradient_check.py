"""gradcheck passes correct gradients, catches wrong ones, and reports readably."""

import doctest
import importlib

import numpy as np
import pytest

import trisep_nn as tnn
from trisep_nn import ops
from trisep_nn.gradient_check import GradcheckReport, gradcheck


def test_passes_on_the_lectures_example():
    report = gradcheck(lambda a, b: (a * b).log(), 2.0, 3.0)
    assert isinstance(report, GradcheckReport)
    assert report.passed and bool(report)
    assert report.max_abs_err < 1e-8


def test_top_level_gradcheck_stays_the_function_after_importing_its_module():
    import trisep_nn.gradient_check  # noqa: F401

    assert tnn.gradcheck is gradcheck
    assert tnn.gradcheck(lambda a: a * a, 3.0).passed


def test_passes_on_a_network_with_vector_output():
    rng = np.random.default_rng(0)
    X, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    report = gradcheck(lambda X, W, b: ops.linear(X, W, b).tanh(), X, W, b,
                       names=["X", "W", "b"])
    assert report.passed
    assert [row["name"] for row in report.rows] == ["X", "W", "b"]
    assert [row["shape"] for row in report.rows] == [(4, 3), (3, 2), (2,)]


def wrong_square(x):
    """x^2 with a gradient that is off by a factor of 2."""
    return ops.custom_op(x.data ** 2, (x,), lambda g: (g * x.data,))


def test_catches_a_wrong_gradient():
    x = np.array([0.5, -1.0, 2.0])
    report = gradcheck(lambda t: (wrong_square(t) + t).sum(), x)
    assert not report.passed and not bool(report)
    row = report.rows[0]
    assert row["max_abs_err"] > 0.5 and row["worst_index"] == (2,)
    np.testing.assert_allclose(report.numeric[0], 2 * x + 1, rtol=1e-6)
    np.testing.assert_allclose(report.analytic[0], x + 1)


def test_report_prints_a_table():
    ok = str(gradcheck(lambda a, b: a * b, 2.0, np.ones(3)))
    assert ok.startswith("gradcheck PASSED")
    assert "worst abs err" in ok and "worst rel err" in ok
    lines = ok.splitlines()
    assert len(lines) == 5 and lines[3].startswith("x0") and lines[4].startswith("x1")
    assert "(3,)" in lines[4] and lines[4].rstrip().endswith("yes")
    bad = repr(gradcheck(lambda t: wrong_square(t), np.array([1.0])))
    assert bad.startswith("gradcheck FAILED") and bad.rstrip().endswith("NO")


def test_inputs_not_mutated_and_dtype_is_float64():
    x = np.array([1.0, 2.0], dtype=np.float32)
    x0 = x.copy()
    report = gradcheck(lambda t: (t * t).sum(), x)
    np.testing.assert_array_equal(x, x0)
    assert report.analytic[0].dtype == np.float64


@pytest.mark.parametrize("name", ["tensor", "ops", "autodiff", "gradient_check", "graph",
                                  "losses", "train", "validation"])
def test_docstring_examples(name):
    """The examples in the engine modules' docstrings run and print what they show."""
    module = importlib.import_module(f"trisep_nn.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("kwargs, name", [(dict(eps=0), "eps"), (dict(eps=-1e-6), "eps"),
                                          (dict(atol=np.nan), "atol"), (dict(rtol=-1), "rtol"),
                                          (dict(seed="a"), "seed"), (dict(names=["a"]), "names")])
def test_gradcheck_arguments_are_checked_by_name(kwargs, name):
    with pytest.raises(ValueError, match=name):
        gradcheck(lambda a, b: a * b, 1.0, 2.0, **kwargs)


def test_gradcheck_needs_a_function_and_a_point():
    with pytest.raises(TypeError, match="f must be a function"):
        gradcheck(3.0, 1.0)
    with pytest.raises(TypeError, match="point"):
        gradcheck(lambda a: a)
    with pytest.raises(TypeError, match="input 0"):
        gradcheck(lambda a: a, None)
