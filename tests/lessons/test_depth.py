"""Lesson depth (notebook 11).

Its concepts against independent computations, its explorers redraw what they
drive, and its exercise checks accept the solution and name the typical slips."""

import numpy as np
import pytest

from trisep_nn.checks import check_sawtooth_counts, check_shallow_weights, check_tent
from trisep_nn.lessons import depth


def test_tent_is_the_piecewise_formula():
    x = np.linspace(0, 1, 101)
    np.testing.assert_allclose(depth.tent(x), np.where(x <= 0.5, 2 * x, 2 - 2 * x), atol=1e-15)


def test_sawtooth_is_the_composition_and_has_2_to_the_k_pieces():
    aligned = np.linspace(0, 1, 2 ** 12 + 1)  # kinks on grid points
    uneven = np.linspace(0, 1, 10_007)  # kinks between grid points
    for k in range(1, 7):
        y = aligned
        for _ in range(k):
            y = np.where(y <= 0.5, 2 * y, 2 - 2 * y)
        np.testing.assert_allclose(depth.sawtooth(aligned, k), y, atol=1e-12)
        assert depth.count_linear_pieces(aligned, depth.sawtooth(aligned, k)) == 2 ** k
        assert depth.count_linear_pieces(uneven, depth.sawtooth(uneven, k)) == 2 ** k
        kinks = depth.kinks(uneven, depth.sawtooth(uneven, k))
        np.testing.assert_allclose(kinks, np.arange(1, 2 ** k) / 2 ** k, atol=2e-4)


def test_count_linear_pieces_on_known_functions():
    x = np.linspace(-1, 1, 3001)
    assert depth.count_linear_pieces(x, 3 * x + 1) == 1
    assert depth.count_linear_pieces(x, np.abs(x - 0.3337)) == 2
    y = np.interp(x, [-1, -0.5, 0.1, 0.7, 1], [0, 2, -1, 0.5, 0.4])
    assert depth.count_linear_pieces(x, y) == 4
    with pytest.raises(ValueError):
        depth.count_linear_pieces(x[::-1], y)


def test_deep_network_computes_the_sawtooth_with_6k_plus_1_parameters():
    x = np.linspace(0, 1, 1025)
    for k in (1, 2, 5):
        net = depth.deep_sawtooth_network(k)
        np.testing.assert_allclose(depth.network_output(net, x), depth.sawtooth(x, k), atol=1e-12)
        assert depth.count_parameters(net) == 6 * k + 1
        layers = depth.hidden_layer_outputs(net, x)
        assert len(layers) == k
        for ell, out in enumerate(layers, start=1):
            np.testing.assert_allclose(out, depth.sawtooth(x, ell), atol=1e-12)


def test_shallow_weights_are_the_slope_changes():
    for k in (1, 3, 5):
        n = 2 ** k
        x = np.linspace(0, 1, 64 * n + 1)
        slopes = depth.slopes(x, depth.sawtooth(x, k))
        piece_slopes = slopes[:: 64]  # one slope per piece (the grid is aligned)
        expected = np.r_[piece_slopes[0], np.diff(piece_slopes)]
        np.testing.assert_allclose(depth.shallow_sawtooth_weights(k), expected)
        net = depth.shallow_sawtooth_network(k)
        np.testing.assert_allclose(depth.network_output(net, x), depth.sawtooth(x, k), atol=1e-9)


def test_one_hidden_layer_never_exceeds_width_plus_one_pieces():
    for width in (1, 3, 8, 15):
        counts = depth.random_shallow_pieces(width, n_networks=10, random_state=width)
        assert counts.max() <= width + 1 and counts.min() >= 2


def test_jitter_changes_the_weights_but_not_the_original():
    net = depth.deep_sawtooth_network(3)
    noisy = depth.jitter_weights(net, 0.1, random_state=0)
    x = np.linspace(0, 1, 257)
    np.testing.assert_allclose(depth.network_output(net, x), depth.sawtooth(x, 3), atol=1e-12)
    assert np.max(np.abs(depth.network_output(noisy, x) - depth.sawtooth(x, 3))) > 1e-3


def test_training_fits_a_one_fold_tent_and_records_all_restarts():
    model, mse, all_mse = depth.fit_sawtooth([1, 8, 1], 1, n_restarts=2, epochs=300)
    assert mse < 1e-2 and mse == min(all_mse) and len(all_mse) == 2
    x = np.linspace(0, 1, 501)  # the rescaling of the input was folded back into the model
    assert np.mean((depth.network_output(model, x) - depth.tent(x)) ** 2) == pytest.approx(
        mse, rel=0.05)
    result = depth.depth_vs_width(1, [2], [(2, 2)], n_restarts=1, epochs=20)
    assert [r["n_params"] for r in result["shallow"]] == [7]
    assert [r["n_params"] for r in result["deep"]] == [2 * 2 + 6 + 3]


def test_check_tent(capsys):
    assert check_tent(depth.tent)
    assert not check_tent(lambda x: 2 * depth.relu(x) - 2 * depth.relu(x - 0.5))
    assert "weight is -4" in capsys.readouterr().out
    assert not check_tent(lambda x: depth.relu(x) - 2 * depth.relu(x - 0.5))
    assert "only reaches" in capsys.readouterr().out
    assert not check_tent(lambda x: None)
    assert "returned None" in capsys.readouterr().out
    assert not check_tent(None)


def test_check_sawtooth_counts(capsys):
    assert check_sawtooth_counts(1024, 1023, k=10)
    assert not check_sawtooth_counts(1023, 1023, k=10)
    assert "number of kinks" in capsys.readouterr().out
    assert not check_sawtooth_counts(1024, 1024, k=10)
    assert "one more than the counting bound" in capsys.readouterr().out
    assert not check_sawtooth_counts(1024, 20, k=10)
    assert "DEEP" in capsys.readouterr().out
    assert not check_sawtooth_counts(None, None)
    assert "not answered" in capsys.readouterr().out


def test_check_shallow_weights(capsys):
    good = depth.shallow_sawtooth_weights(3)
    assert check_shallow_weights(good.copy(), k=3)
    assert not check_shallow_weights(8.0 * (-1.0) ** np.arange(8), k=3)
    assert "CHANGE of slope" in capsys.readouterr().out
    flipped = -good
    flipped[0] = 8
    assert not check_shallow_weights(flipped, k=3)
    assert "flipped" in capsys.readouterr().out
    wrong_first = good.copy()
    wrong_first[0] = 16
    assert not check_shallow_weights(wrong_first, k=3)
    assert "first slope" in capsys.readouterr().out
    assert not check_shallow_weights(good[:4], k=3)
    assert "one unit per piece" in capsys.readouterr().out


def test_sawtooth_explorer_redraws_with_k_and_jitter():
    from trisep_nn.widgets import sawtooth_explorer

    explorer = sawtooth_explorer(k=3)
    assert explorer.last_error is None and explorer.state["pieces"] == 8
    explorer.update(k=6)
    assert explorer.last_error is None and explorer.state["pieces"] == 64
    exact = explorer.state["output"].copy()
    explorer.update(jitter=0.1)
    assert explorer.last_error is None
    assert np.max(np.abs(explorer.state["output"] - exact)) > 1e-3
