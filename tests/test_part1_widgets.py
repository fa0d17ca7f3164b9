"""Explorers of notebooks 01-04: they build, redraw without error, and moving a
slider changes what it drives (the fitted curve, the boundary, the weights)."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from trisep_nn import widgets  # noqa: E402


def line_data(explorer, axis=0):
    return [np.asarray(line.get_ydata(), dtype=float).copy()
            for line in explorer.figure.axes[axis].get_lines()]


def bar_heights(explorer, axis=1):
    return np.array([p.get_height() for p in explorer.figure.axes[axis].patches])


def titles(explorer):
    return [ax.get_title() for ax in explorer.figure.axes]


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_linear_boundary_explorer_moves_the_model():
    e = widgets.linear_boundary_explorer()
    assert e.last_error is None
    before, loss_before = line_data(e, 1), titles(e)[0]
    e.update(w1=1.5, w0=-1.0)
    assert e.last_error is None
    assert not same(before, line_data(e, 1))  # σ(z) is drawn over a new range of z
    assert titles(e)[0] != loss_before  # the cross-entropy L(w) changed
    e.update(w1=0.0, w2=0.0)  # a flat model: no boundary, still draws
    assert e.last_error is None and "accuracy" in titles(e)[0]


def test_degree_explorer_changes_the_boundary():
    e = widgets.degree_explorer(max_degree=6)
    first = titles(e)[0]
    e.update(degree=5)
    assert e.last_error is None
    assert titles(e)[0] != first and "21 basis functions" in titles(e)[0]
    with pytest.raises(ValueError, match="unknown control"):
        e.update(alpha=1)


def test_fit_explorer_refits_on_degree_and_sample_size():
    e = widgets.fit_explorer(max_degree=8)
    fit_before = line_data(e)[-1]
    e.update(degree=7)
    fit_degree = line_data(e)[-1]
    assert e.last_error is None and not np.allclose(fit_before, fit_degree)
    e.update(n_samples=120)
    assert e.last_error is None and not np.allclose(fit_degree, line_data(e)[-1])
    assert "120 training points" in titles(e)[0]


def test_bias_variance_explorer_redraws_fits_and_curves():
    e = widgets.bias_variance_explorer(max_degree=6, n_datasets=30)
    fits = line_data(e, 0)
    e.update(degree=6)
    assert e.last_error is None and not same(fits, line_data(e, 0))
    curve = line_data(e, 1)  # the decomposition vs degree, at this n
    e.update(n_train=100)
    assert e.last_error is None and not same(curve, line_data(e, 1))
    assert "n = 100" in titles(e)[0]


def test_regularization_explorer_shrinks_weights_and_lasso_zeroes_them():
    e = widgets.regularization_explorer(alpha=1e-2)
    small = bar_heights(e)
    e.update(alpha=3.0)
    large = bar_heights(e)
    assert e.last_error is None
    assert np.linalg.norm(large) < np.linalg.norm(small)
    assert np.sum(large == 0) == 0  # ridge: no exact zeros
    lasso = [k for k in widgets.regularization._PENALTIES if "L1" in k][0]
    e.update(penalty=lasso)
    assert e.last_error is None and np.sum(bar_heights(e) == 0) >= 5


def test_geometry_explorer_moves_the_solution():
    e = widgets.geometry_explorer(alpha=1.0)
    before = titles(e), [ax.get_legend().get_texts()[-1].get_text() for ax in e.figure.axes]
    e.update(alpha=300.0)
    after = [ax.get_legend().get_texts()[-1].get_text() for ax in e.figure.axes]
    assert e.last_error is None and after != before[1]
    # at strong penalty the lasso solution sits on an axis: one weight is exactly zero
    assert "0.00)" in after[1] or "(0.00," in after[1]
