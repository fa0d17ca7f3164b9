"""Explorers of notebooks 05-07: they build, redraw without error, and what they drive changes."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from trisep_nn import data  # noqa: E402
from trisep_nn.widgets import autodiff as wa  # noqa: E402
from trisep_nn.widgets import training as wt  # noqa: E402


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_ad_modes_explorer_steps_forward_then_backward():
    e = wa.ad_modes_explorer()
    assert e.last_error is None and e.state["phase"] == "forward" and e.state["node"] == "a"
    e.update(step=3)
    assert e.state["node"] == "f" and e.state["step"]["tangent"] == 0.5  # ∂/∂a of log(ab) at a=2
    before = _texts(e.figure)
    e.update(step=7)
    assert e.last_error is None and e.state["phase"] == "reverse" and e.state["node"] == "a"
    assert abs(e.state["step"]["adjoint"] - 0.5) < 1e-12
    assert _texts(e.figure) != before
    e.update(function="log(a) + a·b − sin(b)")
    assert e.controls["step"].max == 13
    e.update(step=13, a=2.0, b=5.0)
    assert e.last_error is None and e.state["node"] == "a"
    assert abs(e.state["step"]["adjoint"] - 5.5) < 1e-12
    e.update(wrt="b", step=6)
    assert abs(e.state["step"]["tangent"] - (2 - np.cos(5.0))) < 1e-12


def test_learning_rate_explorer_refits():
    X, y = data.moons(120, noise=0.2, random_state=0)
    e = wt.learning_rate_explorer(X, y, num_epochs=60)
    assert e.last_error is None
    small = e.update(lr=0.01).state["history"]["train_loss"].copy()
    big = e.update(lr=30.0).state["history"]["train_loss"].copy()
    assert e.last_error is None
    assert small[-1] > 0.6 and big[-1] < small[-1]
    lines = e.figure.axes[0].get_lines()
    assert any(np.allclose(line.get_ydata(), big) for line in lines)


def test_batch_size_explorer_refits():
    X, y = data.moons(120, noise=0.2, random_state=0)
    e = wt.batch_size_explorer(X[:80], y[:80], X[80:], y[80:], num_epochs=5)
    assert e.last_error is None
    assert e.update(batch_size=80).state["history"]["steps"] == 5
    assert e.update(batch_size=8).state["history"]["steps"] == 50
    assert e.last_error is None and len(e.state["history"]["val_loss"]) == 6


def test_learned_basis_explorer_refits_and_caches():
    from trisep_nn.widgets import neural_networks as wn

    X, y = data.noisy_function(30, noise=0.1, random_state=0)
    e = wn.learned_basis_explorer(X, y, truth=data.cosine, n_hidden=1)
    assert e.last_error is None and e.state["n_hidden"] == 1
    one = e.state["loss"]
    basis_lines = len(e.figure.axes[0].get_lines())
    e.update(n_hidden=4)
    assert e.last_error is None and e.state["loss"] < one
    assert len(e.figure.axes[0].get_lines()) == basis_lines + 3
    model = e.state["model"]
    e.update(seed=1)
    assert e.state["model"] is not model
    e.update(seed=0)
    assert e.state["model"] is model  # remembered, not refitted
