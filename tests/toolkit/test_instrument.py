"""Per-layer activation and gradient records (the vanishing-gradient measurement)."""

import numpy as np
import pytest

from trisep_nn.instrument import LayerRecorder, layer_statistics
from trisep_nn.nn import MLP, Linear, Module, ReLU, Sequential
from trisep_nn.train import fit

rng = np.random.default_rng(0)
X = rng.normal(size=(200, 5))
y = (X[:, 0] + X[:, 1] ** 2 > 1).astype(int)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_values_are_consistent_with_the_chain_rule():
    model = MLP([5, 12, 9, 1], activation="tanh", random_state=0)
    snap = layer_statistics(model, X, y, loss="bce")
    assert len(snap.activations) == 2 and len(snap.gradients) == 3 and snap.names[0] == "layer 1"
    # activations are the activation function of the pre-activations
    for h, z in zip(snap.activations, snap.preactivations):
        np.testing.assert_allclose(h, np.tanh(z))
    # output layer: dL/dz = (σ(z) - y) / n for the mean binary cross-entropy
    z_out = snap.preactivations[-1]
    np.testing.assert_allclose(snap.gradients[-1], (sigmoid(z_out) - y[:, None]) / len(X))
    # dL/dW_l = h_{l-1}^T dL/dz_l, and dL/dz_l = (dL/dz_{l+1} W_{l+1}^T) * tanh'(z_l)
    inputs = [X] + snap.activations
    for l in range(3):
        np.testing.assert_allclose(snap.weight_gradients[l], inputs[l].T @ snap.gradients[l],
                                   atol=1e-15)
    for l in range(2):
        back = snap.gradients[l + 1] @ snap.weights[l + 1].T
        np.testing.assert_allclose(snap.gradients[l], back * (1 - snap.activations[l] ** 2),
                                   atol=1e-15)


def test_weight_gradients_equal_a_plain_backward_pass():
    from trisep_nn.losses import bce_with_logits

    model = MLP([5, 8, 1], random_state=1)
    snap = layer_statistics(model, X, y)
    bce_with_logits(model(X), y[:, None].astype(float)).backward()
    for lin, g in zip(model.linears, snap.weight_gradients):
        np.testing.assert_allclose(g, lin.weight.grad, rtol=1e-12)


def test_model_and_its_gradients_are_left_untouched():
    model = MLP([5, 8, 8, 1], random_state=0)
    before = model.state_dict()
    sentinels = [np.full(p.shape, 7.0) for p in model.parameters()]
    for p, s in zip(model.parameters(), sentinels):
        p.grad = s
    layer_statistics(model, X, y)
    for p, s in zip(model.parameters(), sentinels):
        assert p.grad is s and np.all(s == 7.0)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


def test_deep_sigmoid_gradients_vanish_but_relu_he_stays_homogeneous():
    Xd = rng.normal(size=(256, 20))
    yd = (Xd[:, 0] > 0).astype(int)
    deep_sigmoid = MLP([20] + [100] * 6 + [1], activation="sigmoid", init="uniform",
                       random_state=0)      # Glorot & Bengio's "standard" initialisation
    s = layer_statistics(deep_sigmoid, Xd, yd).summary()["gradient_std"][:-1]
    assert s[0] < 0.05 * s[-1]              # the first hidden layer gets ≪ the last one
    assert np.all(np.diff(s) > 0)           # shrinking layer by layer towards the input
    relu_he = MLP([20] + [100] * 6 + [1], activation="relu", init="he", random_state=0)
    s = layer_statistics(relu_he, Xd, yd).summary()["gradient_std"][:-1]
    assert s.max() / s.min() < 3


def test_histograms_share_edges_and_are_normalised():
    snap = layer_statistics(MLP([5, 16, 16, 1], activation="tanh", random_state=0), X, y)
    edges, counts = snap.histograms("gradients", bins=30)
    assert len(edges) == 31 and len(counts) == 3
    assert edges[0] == -edges[-1]  # symmetric around zero
    for c in counts:
        assert np.sum(c * np.diff(edges)) == pytest.approx(1.0)
    edges, counts = snap.histograms("activations", bins=10, range=(-1, 1), density=False)
    assert [c.sum() for c in counts] == [200 * 16, 200 * 16]
    with pytest.raises(ValueError, match="kind must be one of"):
        snap.histograms("biases")
    assert "gradient_std" in repr(snap)


def test_recorder_follows_training_from_initialisation():
    model = MLP([5, 8, 8, 1], random_state=3)
    fresh = layer_statistics(MLP([5, 8, 8, 1], random_state=3), X, y)
    rec = LayerRecorder(X[:64], y[:64], every=2)
    fit(model, X, y, epochs=5, lr=0.01, callbacks=[rec], random_state=0)
    assert [s.epoch for s in rec.snapshots] == [0, 2, 4]
    first = layer_statistics(MLP([5, 8, 8, 1], random_state=3), X[:64], y[:64])
    np.testing.assert_array_equal(rec.snapshots[0].gradients[0], first.gradients[0])
    assert not np.array_equal(rec.snapshots[-1].weights[0], fresh.weights[0])
    summary = rec.summary()
    assert summary["gradient_std"].shape == (3, 3)
    assert summary["activation_std"].shape == (3, 2)
    np.testing.assert_array_equal(summary["epoch"], [0, 2, 4])
    assert summary["loss"][-1] < summary["loss"][0]
    with pytest.raises(ValueError, match="every"):
        LayerRecorder(X, y, every=0)


def test_sequential_without_activation_between_layers_and_non_sequential():
    net = Sequential(Linear(5, 4, random_state=0), Linear(4, 3, random_state=1), ReLU(),
                     Linear(3, 1, random_state=2))
    snap = layer_statistics(net, X, y)
    np.testing.assert_array_equal(snap.activations[0], snap.preactivations[0])
    np.testing.assert_allclose(snap.activations[1], np.maximum(snap.preactivations[1], 0))

    class Custom(Module):
        def forward(self, x):
            return x

    with pytest.raises(TypeError, match="Sequential"):
        layer_statistics(Custom(), X, y)
