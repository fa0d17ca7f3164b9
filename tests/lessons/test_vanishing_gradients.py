"""Lesson vanishing_gradients (notebook 08).

Its concepts against independent computations, its explorers redraw what they
drive, and its exercise checks accept the solution and name the typical slips."""

import numpy as np
import pytest

from trisep_nn.lessons import vanishing_gradients as vg
from trisep_nn.lessons.vanishing_gradients import checks as ca
from trisep_nn.nn import init_weights


def test_sigmoid_derivative_matches_finite_differences_and_is_at_most_a_quarter():
    x = np.linspace(-12, 12, 2001)
    h = 1e-5
    numeric = (vg.sigmoid(x + h) - vg.sigmoid(x - h)) / (2 * h)
    np.testing.assert_allclose(vg.sigmoid_derivative(x), numeric, atol=1e-10)
    assert vg.sigmoid_derivative(x).max() == pytest.approx(0.25)
    assert x[np.argmax(vg.sigmoid_derivative(x))] == pytest.approx(0.0)
    assert np.isfinite(vg.sigmoid_derivative(np.array([-1e4, 1e4]))).all()


def test_relu_derivative_is_a_step():
    np.testing.assert_array_equal(vg.relu_derivative([-2.0, 0.0, 1e-9, 3.0]), [0, 0, 1, 1])


@pytest.mark.parametrize("init", list(vg.INITIALISATIONS))
def test_weight_variance_matches_the_weights_the_toolkit_draws(init):
    kw = vg.INITIALISATIONS[init]
    W = init_weights(400, 300, kw["init"], kw.get("scale"), random_state=0)
    assert W.var() == pytest.approx(vg.weight_variance(init, 400, 300), rel=0.02)


def test_predicted_factors():
    assert vg.predicted_factor("sigmoid", "naive", 100) == pytest.approx(1 / np.sqrt(48))
    assert vg.predicted_factor("sigmoid", "xavier", 100) == pytest.approx(0.25)
    assert vg.predicted_factor("tanh", "xavier", 100) == pytest.approx(1.0)
    assert vg.predicted_factor("relu", "he", 100) == pytest.approx(1.0)
    assert vg.predicted_factor("relu", "naive", 100) == pytest.approx(np.sqrt(1 / 6))
    with pytest.raises(ValueError, match="activation"):
        vg.predicted_factor("softplus", "he", 10)
    with pytest.raises(ValueError, match="init"):
        vg.predicted_factor("relu", "lecun", 10)


def _numpy_backprop(model, X, y):
    """Independent backward pass in NumPy: std of dL/dz per layer for mean BCE."""
    acts = {"sigmoid": vg.sigmoid, "tanh": np.tanh, "relu": vg.relu}
    dacts = {"sigmoid": vg.sigmoid_derivative, "tanh": lambda z: 1 - np.tanh(z) ** 2,
             "relu": vg.relu_derivative}
    Ws = [lin.weight.data for lin in model.linears]
    bs = [lin.bias.data for lin in model.linears]
    h, zs = X, []
    for i, (W, b) in enumerate(zip(Ws, bs)):
        z = h @ W + b
        zs.append(z)
        h = acts[model.activation](z) if i < len(Ws) - 1 else z
    p = vg.sigmoid(zs[-1][:, 0])
    g = ((p - y) / len(y))[:, None]
    stds = [g.std()]
    for i in range(len(Ws) - 1, 0, -1):
        g = (g @ Ws[i].T) * dacts[model.activation](zs[i - 1])
        stds.append(g.std())
    return np.array(stds[::-1])


@pytest.mark.parametrize("activation,init", [("sigmoid", "naive"), ("relu", "he"),
                                             ("tanh", "xavier")])
def test_gradient_amplitudes_agree_with_an_independent_numpy_backprop(activation, init):
    X, y = vg.physics_batch(64, random_state=1)
    _, stats = vg.gradient_amplitudes(activation, init, X, y, depth=4, width=20,
                                      random_state=3)
    model = vg.deep_network(activation, init, depth=4, width=20, random_state=3)
    expected = _numpy_backprop(model, X, y)
    np.testing.assert_allclose(stats["gradient_std"], expected[:-1], rtol=1e-8)
    assert stats["output_gradient_std"][0] == pytest.approx(expected[-1])


def test_sigmoid_naive_vanishes_at_the_predicted_rate_and_good_inits_are_homogeneous():
    X, y = vg.physics_batch(256)
    _, sig = vg.gradient_amplitudes("sigmoid", "naive", X, y, depth=6, width=100)
    assert np.all(np.diff(sig["gradient_std"]) > 0)  # grows toward the output
    assert vg.layer_factor(sig["gradient_std"]) == pytest.approx(
        vg.predicted_factor("sigmoid", "naive", 100), rel=0.1)
    assert vg.homogeneity(sig["gradient_std"]) > 1000
    for activation, init in [("relu", "he"), ("tanh", "xavier")]:
        _, good = vg.gradient_amplitudes(activation, init, X, y, depth=6, width=100)
        assert vg.homogeneity(good["gradient_std"]) < 2


def test_layer_factor_and_homogeneity_on_a_geometric_sequence():
    stds = 3.0 * 0.2 ** np.arange(5)[::-1]
    assert vg.layer_factor(stds) == pytest.approx(0.2)
    assert vg.homogeneity(stds) == pytest.approx(0.2 ** -4)


def _peaks(ax):
    """The x position of every labelled histogram curve, by layer."""
    return {int(t.get_text()): t.get_position()[0] for t in ax.texts if t.get_text().isdigit()}


def test_gradient_explorer_redraws_for_every_control():
    from trisep_nn.widgets import gradient_explorer

    X, y = vg.physics_batch(128)
    explorer = gradient_explorer(X, y, depth=4, width=30)
    assert explorer.last_error is None
    before = explorer.state["stats"]["gradient_std"].copy()
    peaks = _peaks(explorer.figure.axes[0])
    assert sorted(peaks) == [1, 2, 3, 4]
    assert all(peaks[k] < peaks[k + 1] for k in (1, 2, 3))  # vanishing: layer 1 smallest
    explorer.update(activation="relu", init="he")
    assert explorer.last_error is None
    after = explorer.state["stats"]["gradient_std"]
    assert not np.allclose(before, after)
    peaks = _peaks(explorer.figure.axes[0])
    assert max(peaks.values()) / min(peaks.values()) < 10  # homogeneous: bumps together
    explorer.update(depth=7, quantity="weight gradient ∂L/∂W")
    assert explorer.last_error is None
    assert len(explorer.state["stats"]["gradient_std"]) == 7
    assert sorted(_peaks(explorer.figure.axes[0])) == list(range(1, 8))
    hist_ax = explorer.figure.axes[0]
    assert "∂L/∂W" in hist_ax.get_xlabel() and hist_ax.get_xscale() == "log"
    explorer.update(init="N(0,1)", quantity="backpropagated ∂L/∂z")
    peaks = _peaks(explorer.figure.axes[0])
    assert peaks[1] > 100 * peaks[7]  # exploding: layer 1 largest


def test_log_magnitude_histograms_separate_layers_by_decades():
    rng = np.random.default_rng(0)
    layers = [rng.normal(0, 10.0 ** -k, 1000) for k in (6, 3, 0)] + [np.zeros(10)]
    centres, fractions, zeros = vg.log_magnitude_histograms(layers[:3] + [
        np.r_[np.zeros(500), rng.normal(0, 1, 500)]])
    np.testing.assert_allclose(fractions.sum(axis=1), 1)
    peaks = centres[fractions.argmax(axis=1)]
    assert 1e-7 < peaks[0] < 1e-5 and 1e-4 < peaks[1] < 1e-2 and 0.1 < peaks[2] < 10
    np.testing.assert_allclose(zeros, [0, 0, 0, 0.5])


def _sigma(x):
    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))


@pytest.mark.parametrize("answer", [
    lambda x: vg.sigmoid(x) * (1 - vg.sigmoid(x)),
    lambda x: _sigma(x) * (1 - _sigma(x)),          # the naive σ is fine: 1/inf = 0
    lambda x: 0.5 * (1 + np.tanh(np.asarray(x) / 2)) * 0.5 * (1 - np.tanh(np.asarray(x) / 2)),
    lambda x: (vg.sigmoid(x) * (1 - vg.sigmoid(x))).tolist(),
])
def test_sigmoid_derivative_accepts_every_right_formula(verdict, answer):
    assert verdict(ca.check_sigmoid_derivative, answer)[0]


@pytest.mark.parametrize("answer, named", [
    (vg.sigmoid, "σ(x) itself"),
    (lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2, "inf/inf"),
    (lambda x: vg.sigmoid(x) * (1 + vg.sigmoid(x)), "should be minus"),
    (lambda x: 1 - np.tanh(x) ** 2, "derivative of tanh"),
    (lambda x: 1 - vg.sigmoid(x), "only one factor"),
    (lambda x: None, "returned None"),
])
def test_sigmoid_derivative_names_the_slip(verdict, answer, named):
    ok, out = verdict(ca.check_sigmoid_derivative, answer)
    assert not ok and named in out, out


def _deltas(step):
    def backward_deltas(weights, zs, delta_out):
        deltas = [delta_out]
        for layer in reversed(range(len(zs))):
            deltas.insert(0, step(deltas[0], weights[layer + 1], zs, layer))
        return deltas[:-1]
    return backward_deltas


def test_backward_deltas_accepts_the_recursion(verdict):
    ok, out = verdict(ca.check_backward_deltas, _deltas(
        lambda d, W, zs, l: (d @ W.T) * vg.sigmoid_derivative(zs[l])))
    assert ok and "agree with the engine" in out
    ok, _ = verdict(ca.check_backward_deltas, lambda W, zs, d: tuple(_deltas(
        lambda d, W, zs, l: (d @ W.T) * vg.sigmoid_derivative(zs[l]))(W, zs, d)))
    assert ok


@pytest.mark.parametrize("answer, named", [
    (_deltas(lambda d, W, zs, l: d @ W.T), "σ'(z_l) is missing"),
    (_deltas(lambda d, W, zs, l: (d @ W.T) * vg.sigmoid(zs[l])), "the activation"),
    (_deltas(lambda d, W, zs, l: (d @ W) * vg.sigmoid_derivative(zs[l])), "W_{l+1}ᵀ"),
    (_deltas(lambda d, W, zs, l: (d @ W.T) * vg.sigmoid_derivative(zs[min(l + 1, 2)])),
     "σ' is taken at z_l"),
    (lambda W, zs, d: _deltas(lambda d, W, zs, l: (d @ W.T) * vg.sigmoid_derivative(zs[l]))(
        W, zs, d)[::-1], "reverse order"),
    (lambda W, zs, d: [d] + _deltas(lambda d, W, zs, l: (d @ W.T) * vg.sigmoid_derivative(
        zs[l]))(W, zs, d), "is given, not part of the answer"),
    (_deltas(lambda d, W, zs, l: 2 * (d @ W.T) * vg.sigmoid_derivative(zs[l])), "δ_1"),
    (lambda W, zs, d: None, "returned None"),
])
def test_backward_deltas_names_the_slip(verdict, answer, named):
    ok, out = verdict(ca.check_backward_deltas, answer)
    assert not ok and named in out, out


def test_layer_factor(verdict):
    assert verdict(ca.check_layer_factor, np.sqrt(100 * (1 / (3 * 100)) * (1 / 4) ** 2))[0]
    assert verdict(ca.check_layer_factor, [1 / np.sqrt(48)])[0]  # a one-element list is fine
    for wrong, named in ((1 / 48, "square root"), (np.sqrt(1 / 12), "squared"),
                         (0.25, "left out the weights"), (np.sqrt(48), "inverse"),
                         (0.3, "not it"), (None, "not answered")):
        ok, out = verdict(ca.check_layer_factor, wrong)
        assert not ok and named in out, out


@pytest.mark.parametrize("answer, named", [
    (lambda n: np.sqrt(1 / n), "half of its inputs"),
    (lambda n: 2 / n, "variance"),
    (lambda n: np.sqrt(2 / (n + 1)), "counts the bias"),
    (lambda n: 2 / np.sqrt(n), "over the 2 as well"),
    (lambda n: np.sqrt(1 / (2 * n)), "upside down"),
    (lambda n: None, "returned None"),
])
def test_he_std_names_the_slip(verdict, answer, named):
    ok, out = verdict(ca.check_he_std, answer)
    assert not ok and named in out, out


def test_he_std_accepts_the_solution(verdict):
    assert verdict(ca.check_he_std, lambda n: np.sqrt(2 / n))[0]
    assert verdict(ca.check_he_std, lambda n: (2 / n) ** 0.5)[0]


def test_amplitude_table_and_its_plot():
    import matplotlib

    matplotlib.use("Agg")
    X, y = vg.physics_batch(64)
    table = vg.amplitude_table(X, y, activations=("sigmoid", "relu"), inits=("naive", "he"),
                               depth=3, width=20)
    assert set(table) == {("sigmoid", "naive"), ("sigmoid", "he"), ("relu", "naive"),
                          ("relu", "he")}
    _, direct = vg.gradient_amplitudes("relu", "he", X, y, depth=3, width=20)
    np.testing.assert_allclose(table["relu", "he"], direct["gradient_std"])
    axes = vg.plot_amplitudes(table)
    assert [ax.get_title() for ax in axes] == ["sigmoid", "relu"]
    assert len(axes[0].get_lines()) == 2
