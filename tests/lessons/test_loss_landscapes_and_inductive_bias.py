"""Lesson loss_landscapes_and_inductive_bias (notebook 13).

Its concepts against independent computations, its explorers redraw what they
drive, and its exercise checks accept the solution and name the typical slips."""

import numpy as np
import pytest

from trisep_nn.checks import check_filter_normalized, check_sum_pool
from trisep_nn.lessons.loss_landscapes_and_inductive_bias import inductive_bias as ib
from trisep_nn.lessons.loss_landscapes_and_inductive_bias import loss_landscape as ll
from trisep_nn.nn import MLP
from trisep_nn.train import evaluate, fit


@pytest.fixture(scope="module")
def trained():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    model = MLP([2, 8, 8, 1], random_state=0)
    theta0 = ll.get_weights(model)
    fit(model, X, y, loss="bce", lr=0.02, epochs=30, batch_size=50, random_state=0,
        progress=False)
    return model, theta0, ll.get_weights(model), X, y


def test_weights_round_trip_and_interpolation(trained):
    model, theta0, theta1, X, y = trained
    assert [w.shape for w in theta1] == [(2, 8), (8,), (8, 8), (8,), (8, 1), (1,)]
    for a, b in zip(ll.interpolate(theta0, theta1, 0.0), theta0):
        np.testing.assert_array_equal(a, b)
    mid = ll.interpolate(theta0, theta1, 0.25)
    np.testing.assert_allclose(mid[2], 0.75 * theta0[2] + 0.25 * theta1[2])
    with pytest.raises(ValueError):
        ll.set_weights(model, theta1[:-1])


def test_filter_normalisation_matches_each_column(trained):
    _, _, theta1, _, _ = trained
    d = ll.random_direction(theta1, "filter", random_state=3)
    for di, wi in zip(d, theta1):
        if wi.ndim == 1:
            assert np.all(di == 0)  # biases are not moved (Li et al.)
        else:
            for j in range(wi.shape[1]):
                assert np.linalg.norm(di[:, j]) == pytest.approx(np.linalg.norm(wi[:, j]))
    g = ll.random_direction(theta1, "global", random_state=3)
    weights_only = [w for w in theta1 if w.ndim == 2]
    assert ll.weight_norm(g) == pytest.approx(ll.weight_norm(weights_only))
    with pytest.raises(ValueError):
        ll.random_direction(theta1, "layer")


def test_line_and_surface_evaluate_the_right_points_and_restore_weights(trained):
    model, theta0, theta1, X, y = trained
    f = ll.loss_function(X, y)
    line = ll.loss_along_line(model, f, theta0, theta1, [0.0, 1.0])
    ll.set_weights(model, theta0)
    at_init = evaluate(model, X, y)["loss"]
    ll.set_weights(model, theta1)
    assert line[0] == pytest.approx(at_init) and line[1] == pytest.approx(f(model))
    d1 = ll.random_direction(theta1, random_state=1)
    d2 = ll.random_direction(theta1, random_state=2)
    alphas, betas = np.linspace(-1, 1, 5), np.linspace(-0.5, 0.5, 3)
    Z = ll.loss_surface(model, f, theta1, d1, d2, alphas, betas)
    assert Z.shape == (3, 5) and Z[1, 2] == pytest.approx(f(model))
    ll.set_weights(model, [c + 1.0 * u - 0.5 * v for c, u, v in zip(theta1, d1, d2)])
    assert Z[0, 4] == pytest.approx(f(model))  # row: beta = -0.5, column: alpha = 1
    ll.set_weights(model, theta1)
    for a, b in zip(ll.get_weights(model), theta1):
        np.testing.assert_array_equal(a, b)


def test_rescaled_relu_network_same_function_same_filter_slice(trained):
    model, _, theta1, X, y = trained
    other = ll.rescale_layers(model, 7.0)
    np.testing.assert_allclose(ib.predict_array(other, X), ib.predict_array(model, X), atol=1e-12)
    f = ll.loss_function(X, y)
    grid = np.linspace(-1, 1, 5)
    slices = {}
    for name, net in (("a", model), ("b", other)):
        c = ll.get_weights(net)
        for norm in ("filter", "global"):
            d1 = ll.random_direction(c, norm, random_state=1)
            d2 = ll.random_direction(c, norm, random_state=2)
            slices[name, norm] = ll.loss_surface(net, f, c, d1, d2, grid, grid)
    np.testing.assert_allclose(slices["a", "filter"], slices["b", "filter"], atol=1e-12)
    assert np.max(np.abs(slices["a", "global"] - slices["b", "global"])) > 0.1


def test_particle_data_and_permutations():
    X, ht = ib.particle_data(50, random_state=0)
    assert X.shape == (50, 12)
    by_hand = [sum(np.hypot(X[i, 2 * j], X[i, 2 * j + 1]) for j in range(6)) for i in range(50)]
    np.testing.assert_allclose(ht, by_hand)
    P = ib.permute_particles(X, random_state=1)
    assert not np.allclose(P, X)
    np.testing.assert_allclose(ib.scalar_sum_pt(P), ht)
    np.testing.assert_allclose(np.sort(P.reshape(50, 6, 2)[:, :, 0], axis=1),
                               np.sort(X.reshape(50, 6, 2)[:, :, 0], axis=1))


def test_deep_sets_is_invariant_and_the_mlp_is_not():
    X, _ = ib.particle_data(30, random_state=0)
    P = ib.permute_particles(X, random_state=2)
    ds, mlp = ib.DeepSets(random_state=0), ib.plain_mlp(random_state=0)
    np.testing.assert_allclose(ib.predict_array(ds, X), ib.predict_array(ds, P), atol=1e-12)
    assert np.max(np.abs(ib.predict_array(mlp, X) - ib.predict_array(mlp, P))) > 1e-3
    np.testing.assert_allclose(ib.sum_pool(np.ones((2, 6, 3))), 6 * np.ones((2, 3)))


def test_deep_sets_gradients_flow_to_phi_and_rho():
    X, ht = ib.particle_data(20, random_state=0)
    model = ib.DeepSets(random_state=0)
    fit(model, X, ht, loss="mse", lr=0.01, epochs=1, batch_size=20, progress=False)
    assert all(p.grad is not None for p in model.parameters())
    assert np.any(model.phi.linears[0].weight.grad != 0)  # through the sum, back to phi
    assert np.any(model.rho.linears[-1].weight.grad != 0)


def test_sample_efficiency_small_run():
    out = ib.sample_efficiency([30, 120], n_test=200, epochs=60, random_state=0)
    assert out["deep_sets"].shape == out["mlp"].shape == (2,)
    assert out["deep_sets_params"] < out["mlp_params"]
    assert out["deep_sets"][1] < out["mlp"][1]


def test_stacked_losses_agree_with_the_engine_for_every_loss(trained):
    model, theta0, theta1, X, y = trained
    settings = [ll.interpolate(theta0, theta1, t) for t in (-0.3, 0.2, 0.9, 1.4)]
    for loss, target in (("bce", y), ("mse", X[:, 0]), ("cross_entropy", None)):
        if loss == "cross_entropy":
            net = MLP([2, 8, 8, 3], random_state=1)
            target = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
            settings_here = [[w * (1 + 0.1 * k) for w in ll.get_weights(net)] for k in range(3)]
        else:
            net, settings_here = model, settings
        f = ll.loss_function(X, target, loss)
        one_by_one = []
        for w in settings_here:
            ll.set_weights(net, w)
            one_by_one.append(evaluate(net, X, target, loss=loss)["loss"])
        saved = ll.get_weights(net)
        np.testing.assert_allclose(f.many(net, settings_here), one_by_one, rtol=1e-10)
        for a, b in zip(ll.get_weights(net), saved):  # weights untouched
            np.testing.assert_array_equal(a, b)
    ll.set_weights(model, theta1)


def test_tuning_narrows_but_does_not_close_the_gap():
    # the numbers quoted in notebook 13, section 6, "How fair is this comparison?"
    events = ib.experiment_events()
    recipe = {"lr": 0.03, "batch_size": 32}
    mlp, _ = ib.tuned_test_error(ib.plain_mlp(random_state=0), 1000, events, **recipe)
    deep_sets = {n: ib.tuned_test_error(ib.DeepSets(random_state=0), n, events, **recipe)[0]
                 for n in (50, 100, 200)}
    untuned = ib.sample_efficiency([1000], random_state=0)["mlp"][0]
    assert mlp < untuned / 5  # tuning helps the MLP a lot (0.18 -> 0.016)
    assert deep_sets[200] < mlp / 3 and deep_sets[100] < 2 * mlp and deep_sets[50] > mlp


def test_check_filter_normalized(verdict):
    rng = np.random.default_rng(0)
    W, d = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    good = d * np.linalg.norm(W, axis=0) / np.linalg.norm(d, axis=0)
    assert verdict(check_filter_normalized, good, W, d)[0]
    assert verdict(check_filter_normalized, good.tolist(), W, d)[0]
    norm_W, norm_d = np.linalg.norm(W, axis=0), np.linalg.norm(d, axis=0)
    slips = {
        "rows": d * np.linalg.norm(W, axis=1, keepdims=True)
        / np.linalg.norm(d, axis=1, keepdims=True),
        "whole matrix": d * np.linalg.norm(W) / np.linalg.norm(d),
        "norm 1": d / norm_d,
        "upside down": d * norm_d / norm_W,
        "squared norms": d * norm_W ** 2 / norm_d ** 2,
        "W itself": d * W / norm_d,
        "shape": norm_W,
    }
    for slip, answer in slips.items():
        ok, printed = verdict(check_filter_normalized, answer, W, d)
        assert not ok and slip in printed, (slip, printed)
    assert "not answered" in verdict(check_filter_normalized, None, W, d)[1]


def test_check_sum_pool(verdict):
    assert verdict(check_sum_pool, lambda f: f.sum(axis=1))[0]
    assert verdict(check_sum_pool, lambda f: [list(row) for row in np.sum(f, axis=1)])[0]
    slips = {
        "events (axis 0)": lambda f: f.sum(axis=0),
        "(axis 2)": lambda f: f.sum(axis=2),
        "mean": lambda f: f.mean(axis=1),
        "first particle": lambda f: f[:, 0],
        "max over the particles": lambda f: f.max(axis=1),
        "keepdims=True kept": lambda f: f.sum(axis=1, keepdims=True),
        "returned None": lambda f: None,
    }
    for slip, answer in slips.items():
        ok, printed = verdict(check_sum_pool, answer)
        assert not ok and slip in printed, (slip, printed)


def test_landscape_explorer_drives_every_control(trained):
    from trisep_nn.widgets import landscape_explorer

    model, _, _, X, y = trained
    explorer = landscape_explorer(model, X, y, n_grid=7)
    ax_map, cax, ax_cut = explorer.figure.axes
    assert explorer.last_error is None
    filtered, png = explorer.state["surface"].copy(), explorer.png
    explorer.update(rescale=10.0)  # filter-normalised: the same function, the same slice
    assert explorer.last_error is None and "×10" in ax_map.get_title()
    np.testing.assert_allclose(explorer.state["surface"], filtered, atol=1e-10)
    explorer.update(normalization="global")
    assert explorer.png != png and ax_map.get_title().startswith("global")
    global_rescaled = explorer.state["surface"].copy()
    explorer.update(rescale=1.0)
    assert np.max(np.abs(explorer.state["surface"] - global_rescaled)) > 0.1
    explorer.update(seed=3, span=0.5)
    assert explorer.last_error is None
    image = ax_map.images[0]
    assert image.get_extent() == [-0.5, 0.5, -0.5, 0.5]
    np.testing.assert_allclose(image.get_array(), explorer.state["surface"])
    assert image.norm.vmin == pytest.approx(explorer.state["surface"].min())
    low, high = ax_cut.get_ylim()  # both cuts inside their axes
    assert all(low <= v <= high for line in ax_cut.lines for v in line.get_ydata())
    assert len(explorer.figure.axes) == 3  # updated in place, never rebuilt
