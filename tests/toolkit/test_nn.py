"""Layers and networks: shapes, initialisation statistics, parameters, gradients."""

import numpy as np
import pytest

from trisep_nn.nn import (
    MLP,
    Identity,
    Linear,
    Module,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
    init_weights,
)
from trisep_nn.tensor import Tensor


def test_linear_shapes_and_forward_is_x_W_plus_b():
    layer = Linear(3, 2, random_state=0)
    assert layer.weight.shape == (3, 2) and layer.bias.shape == (2,)
    assert layer.weight.requires_grad and layer.bias.requires_grad
    layer.bias.data[:] = [0.5, -1.0]
    x = np.arange(12.0).reshape(4, 3)
    out = layer(x)
    np.testing.assert_allclose(out.data, x @ layer.weight.data + layer.bias.data)
    assert out.op == "linear"  # one fused node, not matmul + add


def test_linear_gradients_closed_form():
    rng = np.random.default_rng(1)
    layer = Linear(4, 3, random_state=0)
    x = Tensor(rng.normal(size=(5, 4)), requires_grad=True)
    g = rng.normal(size=(5, 3))  # a random upstream gradient, not only ones
    layer(x).backward(g)
    np.testing.assert_allclose(layer.weight.grad, x.data.T @ g)
    np.testing.assert_allclose(layer.bias.grad, g.sum(axis=0))
    np.testing.assert_allclose(x.grad, g @ layer.weight.data.T)


def test_linear_without_bias():
    layer = Linear(2, 2, bias=False, random_state=0)
    assert layer.bias is None and len(layer.parameters()) == 1
    assert "bias=False" in repr(layer)


@pytest.mark.parametrize("init, expected_std", [
    ("he", np.sqrt(2 / 400)),
    ("xavier", np.sqrt(6 / (400 + 300)) / np.sqrt(3)),   # uniform(±a) has std a/√3
    ("uniform", 1 / np.sqrt(400) / np.sqrt(3)),
    ("normal", 0.01),
])
def test_initialisation_statistics(init, expected_std):
    W = Linear(400, 300, init=init, random_state=0).weight.data
    assert abs(W.mean()) < 0.05 * expected_std
    assert abs(W.std() / expected_std - 1) < 0.02


def test_init_bounds_and_scale():
    W = init_weights(50, 70, "xavier", random_state=0)
    bound = np.sqrt(6 / 120)
    assert np.abs(W).max() <= bound and np.abs(W).max() > 0.95 * bound
    big = init_weights(200, 200, "he", scale=3.0, random_state=0)
    assert abs(big.std() / (3 * np.sqrt(2 / 200)) - 1) < 0.03
    unit = init_weights(200, 200, "normal", scale=1.0, random_state=0)
    assert unit.std() == pytest.approx(1, rel=0.02)
    np.testing.assert_array_equal(init_weights(3, 3, "glorot", random_state=1),
                                  init_weights(3, 3, "xavier", random_state=1))
    with pytest.raises(ValueError, match="init must be one of"):
        init_weights(2, 2, "zeros")


def test_same_seed_same_weights_different_seed_different():
    a, b, c = (MLP([3, 5, 2], random_state=s) for s in (7, 7, 8))
    for pa, pb in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(pa.data, pb.data)
    assert not np.array_equal(a[0].weight.data, c[0].weight.data)
    # the layers of one MLP are not copies of each other
    d = MLP([4, 4, 4, 4], random_state=0)
    assert not np.array_equal(d[0].weight.data, d[2].weight.data)


def test_activations_match_numpy():
    x = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(ReLU()(x).data, np.maximum(x, 0))
    np.testing.assert_allclose(Sigmoid()(x).data, 1 / (1 + np.exp(-x)))
    np.testing.assert_allclose(Tanh()(x).data, np.tanh(x))
    np.testing.assert_allclose(Identity()(x).data, x)


def test_mlp_structure_and_parameter_count():
    model = MLP([2, 16, 8, 3], activation="tanh", random_state=0)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]  # none after the last
    assert model.init == "xavier"
    assert MLP([2, 4, 1]).init == "he"
    n_params = sum(p.data.size for p in model.parameters())
    assert n_params == (2 * 16 + 16) + (16 * 8 + 8) + (8 * 3 + 3)
    assert [lin.weight.shape for lin in model.linears] == [(2, 16), (16, 8), (8, 3)]
    assert model(np.zeros((7, 2))).shape == (7, 3)
    assert repr(model) == "MLP([2, 16, 8, 3], activation='tanh', init='xavier')"
    assert MLP([1, 1]).layers[0].in_features == 1  # a single layer: no activation at all
    assert isinstance(MLP([2, 3, 1], activation="logistic")[1], Sigmoid)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "identity"])
def test_sequential_fuses_linear_and_activation_with_the_same_numbers(activation):
    """Sequential runs Linear + activation as one node; calling the layers one by
    one (two nodes each) must give the same output and the same gradients."""
    model = MLP([3, 5, 4, 2], activation=activation, random_state=0)
    X = np.random.default_rng(1).normal(size=(7, 3))
    u = np.random.default_rng(2).normal(size=(7, 2))

    def run(fused):
        model.zero_grad()
        if fused:
            out = model(X)
        else:
            out = Tensor(X)
            for layer in model:
                out = layer(out)
        out.backward(u)
        return out, [p.grad.copy() for p in model.parameters()]

    (fused_out, fused_grads), (plain_out, plain_grads) = run(True), run(False)
    np.testing.assert_allclose(fused_out.data, plain_out.data, rtol=1e-13, atol=1e-15)
    for a, b in zip(fused_grads, plain_grads):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    hidden = fused_out._inputs[0]  # the input of the output layer
    expected = "linear" if activation == "identity" else f"linear_{activation}"
    assert hidden.op == expected and plain_out._inputs[0].op == (
        "linear" if activation == "identity" else activation)


def test_mlp_bad_arguments():
    with pytest.raises(ValueError, match="at least"):
        MLP([3])
    with pytest.raises(ValueError, match="activation must be one of"):
        MLP([2, 2], activation="swish")
    with pytest.raises(ValueError, match="positive integer"):
        MLP([2, 0, 1])


def test_parameters_are_found_in_order_and_deduplicated():
    class Net(Module):
        def __init__(self):
            self.first = Linear(2, 3, random_state=0)
            self.blocks = [Linear(3, 3, random_state=1), Tanh()]
            self.scale = Tensor(np.ones(3), requires_grad=True)
            self.constant = Tensor(np.ones(3))          # no requires_grad: not a parameter
            self.again = self.first                     # shared: counted once

        def forward(self, x):
            return self.blocks[1](self.blocks[0](self.first(x))) * self.scale

    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["first.weight", "first.bias", "blocks.0.weight", "blocks.0.bias", "scale"]
    out = net(np.ones((2, 2))).sum()
    out.backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_state_dict_round_trip_is_a_copy():
    model = MLP([2, 4, 1], random_state=0)
    state = model.state_dict()
    original = model[0].weight.data.copy()
    model[0].weight.data += 1.0
    assert not np.array_equal(state["layers.0.weight"], model[0].weight.data)
    model.load_state_dict(state)
    np.testing.assert_array_equal(model[0].weight.data, original)
    with pytest.raises(ValueError, match="does not match"):
        model.load_state_dict({"layers.0.weight": original})
    bad = dict(state, **{"layers.0.bias": np.zeros(5)})
    with pytest.raises(ValueError, match="shape"):
        model.load_state_dict(bad)


def test_sequential_and_train_eval_modes():
    net = Sequential(Linear(2, 3, random_state=0), ReLU(), Linear(3, 1, random_state=1))
    assert len(net) == 3 and isinstance(net[1], ReLU)
    assert Sequential([ReLU(), Tanh()]).layers[1].__class__ is Tanh
    net.eval()
    assert not net.training and not net[0].training
    net.train()
    assert net[2].training
    with pytest.raises(TypeError, match="Modules"):
        Sequential(np.tanh)


def test_mlp_learns_by_hand_written_loop():
    """The pieces fit together: a plain gradient-descent loop fits y = x²."""
    from trisep_nn.losses import mse
    from trisep_nn.optim import Adam

    X = np.linspace(-1, 1, 64)[:, None]
    y = X**2
    model = MLP([1, 32, 1], activation="tanh", random_state=0)
    opt = Adam(model.parameters(), lr=0.02)
    first = None
    for _ in range(300):
        loss = mse(model(X), y)
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.01 * first


@pytest.mark.parametrize("sizes", [[2.5, 3, 1], [2, 0, 1], [2, -1, 1], [2, "3", 1], [2, True]])
def test_mlp_sizes_must_be_positive_whole_numbers(sizes):
    with pytest.raises(ValueError, match="sizes"):
        MLP(sizes)


@pytest.mark.parametrize("scale", [np.nan, np.inf, -1.0, "big"])
def test_a_weight_scale_that_would_make_nan_weights_is_refused(scale):
    with pytest.raises(ValueError, match="scale"):
        Linear(2, 2, scale=scale)


def test_mlp_runs_each_layer_and_its_activation_as_one_node_and_sequential_does_not():
    """Fusion is MLP's business: the same numbers as its layers one by one."""
    mlp = MLP([3, 5, 2], activation="tanh", random_state=0)
    x = np.random.default_rng(0).normal(size=(4, 3))
    fused = mlp(x)
    assert fused.inputs[0].op == "linear_tanh"
    plain = Sequential(*mlp.layers)(x)
    assert plain.inputs[0].op == "tanh"
    np.testing.assert_allclose(fused.data, plain.data, rtol=1e-14)
