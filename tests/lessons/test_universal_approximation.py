"""Lesson universal_approximation (notebook 10).

Its concepts against independent computations, its explorers redraw what they
drive, and its exercise checks accept the solution and name the typical slips."""

import numpy as np
import pytest

from trisep_nn.lessons import universal_approximation as ua


def test_relu_interpolant_is_numpys_linear_interpolation():
    x = np.linspace(-0.2, 1.0, 997)  # also left of the range: h stays the first segment
    for n in (1, 3, 10, 37):
        net = ua.relu_interpolant(ua.resonance, n)
        knots = np.linspace(0, 1, n + 1)
        inside = x >= 0
        np.testing.assert_allclose(net(x[inside]), np.interp(x[inside], knots,
                                                             ua.resonance(knots)), atol=1e-12)
        assert net.n_units == n and net.activation == "relu"


def test_sigmoid_staircase_takes_the_cell_centre_values():
    n = 9
    net = ua.sigmoid_staircase(ua.resonance, n, steepness=60.0)
    delta = 1 / (n + 1)
    centres = delta * (np.arange(n + 1) + 0.5)
    np.testing.assert_allclose(net(centres), ua.resonance(centres), atol=1e-6)
    assert net.n_units == n
    # by hand: c + sum of steps, each step sigma(w (x - t))
    x = 0.437
    borders = delta * np.arange(1, n + 1)
    by_hand = ua.resonance(centres[0]) + sum(
        (ua.resonance(centres[k]) - ua.resonance(centres[k - 1]))
        / (1 + np.exp(-60.0 / delta * (x - borders[k - 1]))) for k in range(1, n + 1))
    assert net(x) == pytest.approx(by_hand)


def test_bumps():
    x = np.linspace(-1, 2, 301)
    tent = np.interp(x, [0.2, 0.5, 0.8], [0, 1, 0])
    np.testing.assert_allclose(ua.relu_bump(x, 0.2, 0.8), tent, atol=1e-12)
    bump = ua.sigmoid_bump(x, 0.0, 1.0, steepness=1e4)
    np.testing.assert_allclose(bump[(x > 0.01) & (x < 0.99)], 1.0)
    np.testing.assert_allclose(bump[(x < -0.01) | (x > 1.01)], 0.0, atol=1e-12)


def test_error_falls_like_one_over_n_and_one_over_n_squared():
    widths = [16, 32, 64, 128, 256]
    sig = ua.error_vs_width(ua.resonance, widths, "sigmoid")
    relu = ua.error_vs_width(ua.resonance, widths, "relu")
    assert np.all(np.diff(sig) < 0) and np.all(np.diff(relu) < 0)
    assert ua.loglog_slope(widths, sig) == pytest.approx(-1.0, abs=0.1)
    assert ua.loglog_slope(widths, relu) == pytest.approx(-2.0, abs=0.2)


def test_approximation_error_norms():
    def f(x):
        return np.zeros_like(x)

    net = ua.OneHiddenLayer(w=[0.0], b=[0.0], v=[0.0], c=0.5, activation="relu")
    assert ua.approximation_error(f, net) == pytest.approx(0.5)
    assert ua.approximation_error(f, net, norm="rms") == pytest.approx(0.5)
    with pytest.raises(ValueError):
        ua.approximation_error(f, net, norm="l1")
    with pytest.raises(ValueError):
        ua.OneHiddenLayer(w=[1.0, 2.0], b=[0.0], v=[1.0], c=0.0)
    with pytest.raises(ValueError):
        ua.hand_built(f, 0)


def test_trained_network_works_on_raw_inputs_far_from_zero():
    # x in [10, 20]: training standardises, the returned network must undo it
    x = np.linspace(10, 20, 40)
    y = 0.3 * x - 2.0
    net = ua.train_one_hidden_layer(x, y, 8, activation="relu", lr=0.05, num_epochs=300,
                                    random_state=0)
    assert np.sqrt(np.mean((net(x) - y) ** 2)) < 0.05 * y.std()
    other = ua.train_one_hidden_layer(x, y, 8, activation="relu", lr=0.05, num_epochs=300,
                                      random_state=1)
    assert not np.allclose(net.w, other.w)  # the seed sets the start


def test_training_many_at_once_gives_each_network_what_it_gets_alone():
    from trisep_nn.nn import MLP
    from trisep_nn.train import fit

    x = np.linspace(0, 1, 25)
    y = ua.resonance(x)
    many = ua.train_one_hidden_layers(x, y, [3, 5, 40], [0, 2], lr=0.05, num_epochs=150)
    assert sorted(many) == [(3, 0), (3, 2), (5, 0), (5, 2), (40, 0), (40, 2)]
    u = (x - x.mean()) / x.std()
    alone = MLP([1, 5, 1], random_state=2)
    fit(alone, u[:, None], y, loss="mse", lr=0.05, epochs=150, batch_size=len(x), shuffle=False,
        progress=False)
    hidden, out = alone.linears
    expected = np.maximum(np.outer(u, hidden.weight.data[0]) + hidden.bias.data, 0) @ \
        out.weight.data[:, 0] + out.bias.data[0]
    np.testing.assert_allclose(many[5, 2](x), expected, atol=1e-10)
    assert many[40, 0].n_units == 40


def test_how_networks_are_grouped_into_stacks_changes_nothing(monkeypatch):
    x = np.linspace(0, 1, 200)
    y = ua.resonance(x)
    args = (x, y, [1, 3, 5, 40], [0, 2])
    grouped = ua.train_one_hidden_layers(*args, lr=0.05, num_epochs=60)
    assert len(ua._stacks([1, 3, 5, 40], [0, 2], len(x))) > 1  # the default splits these
    stacks = ua._stacks
    monkeypatch.setattr(ua, "_stacks", lambda w, s, n: stacks(w, s, n, max_elements=10**9))
    together = ua.train_one_hidden_layers(*args, lr=0.05, num_epochs=60)
    for key, net in together.items():
        for part in "wbvc":
            np.testing.assert_allclose(getattr(grouped[key], part), getattr(net, part),
                                       rtol=1e-12, atol=1e-12)


def test_width_explorer_drives_every_control():
    from trisep_nn.widgets import width_explorer

    explorer = width_explorer(n_units=4)
    ax_fit, ax_err = explorer.figure.axes
    assert explorer.last_error is None
    first, png = explorer.state["model"], explorer.png
    explorer.update(n_units=20)
    assert explorer.last_error is None and explorer.state["model"].n_units == 20
    assert explorer.png != png and len(ax_fit.collections[0].get_segments()) == 20
    assert "20 units" in ax_fit.get_legend().get_texts()[1].get_text()
    star = ax_err.lines[-1].get_xydata()[0]
    assert star[0] == 20 and star[1] == pytest.approx(
        ua.approximation_error(ua.resonance, explorer.state["model"]))
    explorer.update(kind="relu", steepness=5.0)
    assert explorer.last_error is None and explorer.state["model"].activation == "relu"
    legend = ax_err.get_legend()  # the highlighted curve and its legend entry agree
    for line, handle in zip(ax_err.lines[:2], legend.legend_handles[:2]):
        assert line.get_color() == handle.get_color()
    assert ax_err.lines[1].get_color() == "C1"
    soft = ax_err.lines[0].get_ydata().copy()
    explorer.update(kind="sigmoid", steepness=40.0)
    assert not np.allclose(explorer.state["model"].w[:4], first.w)  # steepness changed
    assert not np.allclose(ax_err.lines[0].get_ydata(), soft)  # and so did its error curve
    explorer.update(n_units=64)  # too many units to draw one by one: none drawn
    assert len(ax_fit.collections[0].get_segments()) == 0
    low, high = ax_err.get_ylim()
    assert all(low <= v <= high for line in ax_err.lines for v in line.get_ydata())


def test_trained_width_explorer_trains_every_reachable_network_once():
    from trisep_nn.widgets import trained_width_explorer

    x = np.linspace(0, 1, 10)
    y = ua.resonance(x)
    explorer = trained_width_explorer(x, y, x, y, f=ua.resonance, width=2, num_epochs=30,
                                      widths=(2, 5), n_seeds=3)
    ax = explorer.figure.axes[0]
    assert explorer.last_error is None and explorer.state["model"].n_units == 2
    png = explorer.png
    explorer.update(width=5)
    assert explorer.last_error is None and explorer.state["model"].n_units == 5
    assert explorer.png != png and "5 relu units" in ax.get_legend().get_texts()[1].get_text()
    seed0 = explorer.state["model"]
    explorer.update(seed=2)
    assert not np.allclose(explorer.state["model"].w, seed0.w)
    alone = ua.train_one_hidden_layer(x, y, 5, lr=0.01, num_epochs=30, random_state=2)
    np.testing.assert_allclose(explorer.state["model"].w, alone.w, atol=1e-12)
    assert np.isfinite(explorer.state["test_mse"]) and "test MSE" in ax.get_title()
    low, high = ax.get_ylim()
    assert low <= ax.lines[1].get_ydata().min() and ax.lines[1].get_ydata().max() <= high


def test_check_sigmoid_bump(verdict):
    from trisep_nn.checks import check_sigmoid_bump

    s = ua.sigmoid
    assert verdict(check_sigmoid_bump, lambda x, a, b, k: s(k * (x - a)) - s(k * (x - b)))[0]
    assert verdict(check_sigmoid_bump, lambda x, a, b, k: list(
        1 / (1 + np.exp(-k * (x - a))) - 1 / (1 + np.exp(-k * (x - b)))))[0]
    slips = {
        "subtract": lambda x, a, b, k: s(k * (x - a)) + s(k * (x - b)),
        "steepness is missing": lambda x, a, b, k: s(x - a) - s(x - b),
        "left and right are swapped": lambda x, a, b, k: s(k * (x - b)) - s(k * (x - a)),
        "dip": lambda x, a, b, k: 1 - (s(k * (x - a)) - s(k * (x - b))),
        "divided by the steepness": lambda x, a, b, k: s((x - a) / k) - s((x - b) / k),
        "returned None": lambda x, a, b, k: None,
    }
    for slip, answer in slips.items():
        ok, printed = verdict(check_sigmoid_bump, answer)
        assert not ok and slip in printed, (slip, printed)
    assert "not answered" in verdict(check_sigmoid_bump, None)[1]


def test_check_relu_bump(verdict):
    from trisep_nn.checks import check_relu_bump

    r = ua.relu

    def tent(x, left, right, middle=2.0, scale=None):
        mid = (left + right) / 2
        scale = (mid - left) if scale is None else scale(left, right)
        return (r(x - left) - middle * r(x - mid) + r(x - right)) / scale

    assert verdict(check_relu_bump, tent)[0]
    assert verdict(check_relu_bump, lambda x, a, b: tent(x, a, b).astype(np.float32))[0]
    slips = {
        "divide by (mid - left)": lambda x, a, b: tent(x, a, b, scale=lambda a, b: 1.0),
        "+1, -2, +1": lambda x, a, b: tent(x, a, b, middle=1.0),
        "full width": lambda x, a, b: tent(x, a, b, scale=lambda a, b: b - a),
        "sign is flipped": lambda x, a, b: -tent(x, a, b),
    }
    for slip, answer in slips.items():
        ok, printed = verdict(check_relu_bump, answer)
        assert not ok and slip in printed, (slip, printed)


def test_check_units_needed(verdict):
    from trisep_nn.checks import check_units_needed

    def smallest(kind):
        n = 1
        while ua.approximation_error(ua.resonance, ua.hand_built(ua.resonance, n, kind)) > 0.02:
            n += 1
        return n

    n_relu, n_sigmoid = smallest("relu"), smallest("sigmoid")
    assert verdict(check_units_needed, n_relu, "relu")[0]
    assert verdict(check_units_needed, np.int64(n_sigmoid), "sigmoid")[0]
    assert verdict(check_units_needed, float(n_relu), "relu")[0]
    slips = {
        "need more": (n_relu - 1, "relu"),
        "one too many": (n_sigmoid + 1, "sigmoid"),
        "fewer also do": (n_relu + 10, "relu"),
        "the answer for the ReLU interpolation": (n_relu, "sigmoid"),
        "whole number": (0.5, "relu"),
    }
    for slip, answer in slips.items():
        ok, printed = verdict(check_units_needed, *answer)
        assert not ok and slip in printed, (slip, printed)
    assert "not answered" in verdict(check_units_needed, None, "sigmoid")[1]


def test_soft_steps_are_a_little_more_accurate_than_a_crisp_staircase():
    # notebook 10's explorer text says so for the resonance
    widths = [8, 16, 32, 64]
    crisp = ua.error_vs_width(ua.resonance, widths, "sigmoid", steepness=20.0)
    soft = ua.error_vs_width(ua.resonance, widths, "sigmoid", steepness=4.0)
    assert np.all(soft < crisp) and np.all(soft > 0.7 * crisp)
