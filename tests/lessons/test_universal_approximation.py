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


def test_width_explorer_changes_the_network():
    from trisep_nn.widgets import width_explorer

    explorer = width_explorer(n_units=4)
    assert explorer.last_error is None
    first = explorer.state["model"]
    explorer.update(n_units=20)
    assert explorer.last_error is None and explorer.state["model"].n_units == 20
    explorer.update(kind="relu", steepness=5.0)
    assert explorer.last_error is None and explorer.state["model"].activation == "relu"
    explorer.update(kind="sigmoid")
    assert not np.allclose(explorer.state["model"].w[:4], first.w)  # steepness changed


def test_trained_width_explorer_refits():
    from trisep_nn.widgets import trained_width_explorer

    x = np.linspace(0, 1, 10)
    y = ua.resonance(x)
    explorer = trained_width_explorer(x, y, x, y, f=ua.resonance, width=2, num_epochs=30)
    assert explorer.last_error is None
    first = explorer.state["model"]
    explorer.update(width=5)
    assert explorer.last_error is None and explorer.state["model"].n_units == 5
    assert first.n_units == 2
    seed0 = explorer.state["model"]
    explorer.update(seed=3)
    assert not np.allclose(explorer.state["model"].w, seed0.w)
    assert np.isfinite(explorer.state["test_mse"])


def test_check_sigmoid_bump(capsys):
    from trisep_nn.checks import check_sigmoid_bump

    s = ua.sigmoid
    assert check_sigmoid_bump(lambda x, left, right, k: s(k * (x - left)) - s(k * (x - right)))
    assert not check_sigmoid_bump(lambda x, left, right, k: s(k * (x - left)) + s(k * (x - right)))
    assert "subtract" in capsys.readouterr().out
    assert not check_sigmoid_bump(lambda x, left, right, k: s(x - left) - s(x - right))
    assert "steepness is missing" in capsys.readouterr().out
    assert not check_sigmoid_bump(None)


def test_check_relu_bump(capsys):
    from trisep_nn.checks import check_relu_bump

    r = ua.relu

    def unnormalised(x, left, right):
        mid = (left + right) / 2
        return r(x - left) - 2 * r(x - mid) + r(x - right)

    def no_two(x, left, right):
        mid = (left + right) / 2
        return (r(x - left) - r(x - mid) + r(x - right)) / (mid - left)

    assert check_relu_bump(lambda x, left, right: ua.relu_bump(x, left, right))
    assert not check_relu_bump(unnormalised)
    assert "divide by" in capsys.readouterr().out
    assert not check_relu_bump(no_two)
    assert "+1, -2, +1" in capsys.readouterr().out


def test_check_units_needed(capsys):
    from trisep_nn.checks import check_units_needed

    def smallest(kind):
        n = 1
        while ua.approximation_error(ua.resonance, ua.hand_built(ua.resonance, n, kind)) > 0.01:
            n += 1
        return n

    n_relu = smallest("relu")
    assert check_units_needed(n_relu, "relu")
    assert not check_units_needed(n_relu - 1, "relu")
    assert "need more" in capsys.readouterr().out
    assert not check_units_needed(n_relu + 10, "relu")
    assert "fewer also do" in capsys.readouterr().out
    assert not check_units_needed(None, "sigmoid")


def test_soft_steps_are_a_little_more_accurate_than_a_crisp_staircase():
    # notebook 10's explorer text says so for the resonance
    widths = [8, 16, 32, 64]
    crisp = ua.error_vs_width(ua.resonance, widths, "sigmoid", steepness=20.0)
    soft = ua.error_vs_width(ua.resonance, widths, "sigmoid", steepness=4.0)
    assert np.all(soft < crisp) and np.all(soft > 0.7 * crisp)
