"""draw_graph draws inputs, operations, values and gradients with matplotlib."""

import subprocess
import sys

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import trisep_nn as tnn  # noqa: E402
from trisep_nn.graph import draw_graph  # noqa: E402


def texts(ax):
    return [t.get_text() for t in ax.texts]


def test_draws_log_ab_with_values_and_gradients():
    a = tnn.Tensor(2.0, requires_grad=True, name="a")
    b = tnn.Tensor(3.0, requires_grad=True, name="b")
    f = (a * b).log()
    f.backward(retain_grads=True)
    ax = draw_graph(f)
    labels = texts(ax)
    assert "a  2\ngrad 0.5" in labels and "b  3\ngrad 0.3333" in labels
    assert "6\ngrad 0.1667" in labels and "1.792\ngrad 1" in labels
    assert "*" in labels and "log" in labels  # the operations
    assert tnn.draw_graph is draw_graph
    plt.close(ax.figure)


def test_before_backward_no_gradients_and_into_given_axes():
    x = tnn.Tensor(np.array([1.0, 2.0]), requires_grad=True, name="x")
    y = (x ** 2).sum()
    fig, ax = plt.subplots()
    assert draw_graph(y, ax=ax) is ax
    assert not any("grad" in t for t in texts(ax))
    assert "**2" in texts(ax) and "x  [1, 2]" in texts(ax)
    plt.close(fig)


def test_intermediate_grads_only_if_retained():
    x = tnn.Tensor(1.0, requires_grad=True, name="x")
    h = (x * 3).retain_grad()
    y = h.tanh()
    y.backward()
    labels = texts(draw_graph(y))
    assert sum("grad" in t for t in labels) == 2  # x and h, not y
    plt.close("all")


def test_large_graph_is_refused_clearly():
    x = tnn.Tensor(1.0, requires_grad=True)
    for _ in range(100):
        x = x * 1.01
    with pytest.raises(ValueError, match="readable"):
        draw_graph(x)


def test_matplotlib_not_imported_with_the_module():
    code = "import sys, trisep_nn.graph; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("bad", [3.0, None, np.ones(2)])
def test_drawing_something_that_is_not_a_tensor_says_so(bad):
    with pytest.raises(TypeError, match="tensor must be a Tensor"):
        draw_graph(bad)
