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


def test_the_floor_is_the_tents_variance_on_every_tooth_without_a_kink():
    # a tent's best straight line is its mean: the error is its variance, 1/12
    x = np.linspace(0, 1, 100_001)
    tooth = depth.tent(x)
    line = np.polyval(np.polyfit(x, tooth, 1), x)
    assert np.mean((tooth - line) ** 2) == pytest.approx(1 / 12, rel=1e-4)
    assert depth.shallow_error_floor(6, 12) == pytest.approx((1 - 12 / 32) / 12)
    assert depth.shallow_error_floor(3, 6) == 0.0  # more units than teeth: no floor


@pytest.mark.parametrize("k, width", [(4, 3), (5, 10), (6, 12), (6, 30), (7, 14)])
def test_no_one_layer_network_beats_the_floor(k, width):
    best = depth.mse_on_sawtooth(depth.least_squares_shallow(k, width), k)
    assert best >= depth.shallow_error_floor(k, width) - 1e-12
    rng = np.random.default_rng(k * width)
    x = np.linspace(0, 1, 4097)
    for _ in range(20):  # random kinks anywhere, output weights by least squares
        bends = rng.uniform(-0.2, 1.2, width)
        features = np.column_stack([depth.relu(x[:, None] - bends), np.ones_like(x)])
        fit = features @ np.linalg.lstsq(features, depth.sawtooth(x, k), rcond=None)[0]
        assert np.mean((fit - depth.sawtooth(x, k)) ** 2) >= depth.shallow_error_floor(k, width)


def test_least_squares_shallow_is_exact_with_one_unit_per_piece():
    for k in (2, 4):
        net = depth.least_squares_shallow(k, 2 ** k)
        assert depth.count_parameters(net) == 3 * 2 ** k + 1
        assert depth.mse_on_sawtooth(net, k) < 1e-20


def test_training_all_seeds_at_once_matches_training_each_alone():
    from trisep_nn.nn import MLP
    from trisep_nn.train import fit

    models, mse = depth.train_on_sawtooth([1, 6, 1], 1, seeds=[3, 5], epochs=60, lr=0.02)
    alone = depth.spread_kinks(MLP([1, 6, 1], random_state=5), -1.0, 1.0, random_state=5)
    X, y = depth.sawtooth_data(1)
    fit(alone, 2 * X - 1, y, loss="mse", lr=0.02, epochs=60, batch_size=len(X), shuffle=False,
        progress=False)
    x = np.linspace(0, 1, 101)
    # the returned network takes x in [0, 1]: the rescaling 2x - 1 was folded into it
    np.testing.assert_allclose(depth.network_output(models[1], x),
                               depth.network_output(alone, 2 * x - 1), atol=1e-10)
    assert mse[1] == pytest.approx(depth.mse_on_sawtooth(models[1], 1))


def test_notebook_11_training_claims():
    # section 7: at k = 6 neither architecture gets away from the mean, from any of 8 starts
    _, deep = depth.train_on_sawtooth(depth.deep_sizes(2, 6), 6, range(8, 16), epochs=400)
    _, shallow = depth.train_on_sawtooth([1, 12, 1], 6, range(8, 16), epochs=400)
    assert deep.min() > 0.5 / 12 and np.all(shallow >= depth.shallow_error_floor(6, 12))


def test_notebook_11_think_width_trains_more_easily_at_small_k():
    # the "Think!" after section 7: k = 3, 73 parameters each, 1000 steps, lr = 0.03
    _, shallow = depth.train_on_sawtooth([1, 24, 1], 3, range(8), epochs=1000, lr=0.03)
    _, deep = depth.train_on_sawtooth(depth.deep_sizes(4, 4), 3, range(8), epochs=1000, lr=0.03)
    assert np.median(shallow) < np.median(deep) / 10


def test_check_tent(verdict):
    assert verdict(check_tent, depth.tent)[0]
    slips = {
        "weight is -4": lambda x: 2 * depth.relu(x) - 2 * depth.relu(x - 0.5),
        "only reaches": lambda x: depth.relu(x) - 2 * depth.relu(x - 0.5),
        "bends at x = 1,": lambda x: 2 * depth.relu(x) - 4 * depth.relu(x - 1),
        "upside down": lambda x: 1 - depth.tent(x),
        "sign is flipped": lambda x: -depth.tent(x),
        "subtract 4": lambda x: 2 * depth.relu(x) + 4 * depth.relu(x - 0.5),
        "returned None": lambda x: None,
        "raised": lambda x: max(0, x),
        "not outside it": lambda x: np.where(x < 0.5, 2 * x, 2 - 2 * x).tolist(),
    }
    for slip, answer in slips.items():
        ok, printed = verdict(check_tent, answer)
        assert not ok and slip in printed, (slip, printed)
    assert "not answered" in verdict(check_tent, None)[1]


def test_check_tent_accepts_the_relu_form_with_floats_and_lists():
    assert check_tent(lambda x: [2 * max(0.0, v) - 4 * max(0.0, v - 0.5) for v in x])
    assert check_tent(lambda x: (2 * np.maximum(0, x) - 4 * np.maximum(0, x - 0.5)).astype(
        np.float32))


def test_check_sawtooth_counts(verdict):
    assert verdict(check_sawtooth_counts, 1024, 1023, k=10)[0]
    assert verdict(check_sawtooth_counts, np.int64(1024), 1023.0, k=10)[0]
    slips = {
        "number of kinks": (1023, 1023),
        "one more than the counting bound": (1024, 1024),
        "DEEP": (1024, 20),
        "2k is the deep network's number of units": (20, 1023),
        "off by a little": (1024, 1025),
    }
    for slip, answer in slips.items():
        ok, printed = verdict(check_sawtooth_counts, *answer, k=10)
        assert not ok and slip in printed, (slip, printed)
    assert "not answered" in verdict(check_sawtooth_counts, None, None)[1]


def test_check_shallow_weights(verdict):
    good = depth.shallow_sawtooth_weights(3)
    assert verdict(check_shallow_weights, good.copy(), k=3)[0]
    assert verdict(check_shallow_weights, good.tolist(), k=3)[0]
    flipped = -good
    flipped[0] = 8
    wrong_first = good.copy()
    wrong_first[0] = 16
    slips = {
        "CHANGE of slope": 8.0 * (-1.0) ** np.arange(8),
        "flipped": flipped,
        "first slope": wrong_first,
        "one unit per piece": good[:4],
    }
    for slip, answer in slips.items():
        ok, printed = verdict(check_shallow_weights, answer, k=3)
        assert not ok and slip in printed, (slip, printed)


def test_sawtooth_explorer_redraws_with_k_and_jitter():
    from trisep_nn.widgets import sawtooth_explorer

    explorer = sawtooth_explorer(k=3)
    assert explorer.last_error is None and explorer.state["pieces"] == 8
    ax = explorer.figure.axes[0]
    png = explorer.png
    explorer.update(k=6)
    assert explorer.last_error is None and explorer.state["pieces"] == 64
    assert explorer.png != png and ax.get_title().startswith("64 linear pieces")
    assert "12 ReLU units" in ax.get_legend().get_texts()[1].get_text()
    exact = explorer.state["output"].copy()
    assert not ax.lines[0].get_visible()  # no grey reference without noise
    explorer.update(jitter=0.1)
    assert explorer.last_error is None and ax.lines[0].get_visible()
    assert np.max(np.abs(explorer.state["output"] - exact)) > 1e-3
    explorer.update(jitter=0.2, k=8)  # the noisy output stays inside the axes
    low, high = ax.get_ylim()
    assert low <= explorer.state["output"].min() and explorer.state["output"].max() <= high
    assert len(explorer.figure.axes) == 2  # updated in place, never rebuilt
