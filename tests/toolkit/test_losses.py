"""Losses equal their closed forms, stay finite at extreme logits, and check inputs."""

import numpy as np
import pytest
from finite_differences import SETTINGS, array, check_op, floats, seeds, small_shapes
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import log_expit, log_softmax

from trisep_nn.losses import bce_with_logits, cross_entropy, l1_penalty, l2_penalty, mse
from trisep_nn.nn import MLP
from trisep_nn.tensor import Tensor

rng = np.random.default_rng(0)


def leaf(a):
    return Tensor(np.array(a, dtype=float), requires_grad=True)


def test_mse_value_and_gradient():
    p, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    pred = leaf(p)
    loss = mse(pred, y)
    assert loss.item() == pytest.approx(np.mean((p - y) ** 2), rel=1e-14)
    loss.backward()
    np.testing.assert_allclose(pred.grad, 2 * (p - y) / p.size, rtol=1e-13)


def test_bce_value_and_gradient():
    z = rng.normal(scale=3, size=(8, 1))
    y = rng.integers(0, 2, size=(8, 1)).astype(float)
    logits = leaf(z)
    loss = bce_with_logits(logits, y)
    expected = -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z))
    assert loss.item() == pytest.approx(expected, rel=1e-13)
    loss.backward()
    np.testing.assert_allclose(logits.grad, (1 / (1 + np.exp(-z)) - y) / z.size, rtol=1e-12)


def test_bce_soft_targets():
    z, y = np.array([0.3, -1.2]), np.array([0.25, 0.9])
    expected = -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z))
    assert bce_with_logits(leaf(z), y).item() == pytest.approx(expected, rel=1e-13)


def test_cross_entropy_value_and_gradient():
    z = rng.normal(scale=2, size=(5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    logits = leaf(z)
    loss = cross_entropy(logits, labels)
    expected = -np.mean(log_softmax(z, axis=1)[np.arange(5), labels])
    assert loss.item() == pytest.approx(expected, rel=1e-13)
    loss.backward()
    onehot = np.eye(4)[labels]
    p = np.exp(log_softmax(z, axis=1))
    np.testing.assert_allclose(logits.grad, (p - onehot) / 5, rtol=1e-12, atol=1e-16)


def test_cross_entropy_matches_sklearn_log_loss():
    from sklearn.metrics import log_loss

    z = rng.normal(size=(20, 3))
    labels = rng.integers(0, 3, size=20)
    p = np.exp(log_softmax(z, axis=1))
    assert cross_entropy(leaf(z), labels).item() == pytest.approx(
        log_loss(labels, p, labels=[0, 1, 2]), rel=1e-10)


def test_extreme_logits_are_finite_and_exact():
    z = leaf([[1000.0], [-1000.0], [1000.0], [-1000.0]])
    y = np.array([[1.0], [0.0], [0.0], [1.0]])       # right, right, wrong, wrong
    loss = bce_with_logits(z, y)
    assert loss.item() == pytest.approx((0 + 0 + 1000 + 1000) / 4)
    loss.backward()
    assert np.all(np.isfinite(z.grad))
    np.testing.assert_allclose(z.grad.ravel(), np.array([0, 0, 1, -1]) / 4)

    logits = leaf([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    ce = cross_entropy(logits, [0, 2])
    assert ce.item() == pytest.approx((0 + (1 + np.log1p(np.exp(-1)))) / 2, rel=1e-12)
    ce.backward()
    assert np.all(np.isfinite(logits.grad))


def test_losses_accept_plain_arrays_and_integral_float_labels():
    assert mse([1.0, 2.0], [1.0, 4.0]).item() == pytest.approx(2.0)
    a = cross_entropy(leaf([[1.0, 2.0]]), np.array([1.0])).item()
    b = cross_entropy(leaf([[1.0, 2.0]]), np.array([1])).item()
    assert a == b


@pytest.mark.parametrize("fn", [mse, bce_with_logits])
def test_shape_mismatch_is_a_value_error_with_a_hint(fn):
    with pytest.raises(ValueError, match=r"shape \(4, 1\).*shape \(4,\).*reshape"):
        fn(leaf(np.zeros((4, 1))), np.zeros(4))
    with pytest.raises(ValueError, match="shape"):
        fn(leaf(np.zeros((4, 2))), np.zeros((3, 2)))


def test_label_problems_are_value_errors_naming_the_problem():
    z = leaf(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="non-integer"):
        cross_entropy(z, [0.5, 1.0, 0.0])
    with pytest.raises(ValueError, match=r"in 0 \.\. 1"):
        cross_entropy(z, [0, 1, 2])
    with pytest.raises(ValueError, match="shape"):
        cross_entropy(z, [0, 1])
    with pytest.raises(ValueError, match="integers"):
        cross_entropy(z, np.array(["a", "b", "c"]))
    with pytest.raises(ValueError, match=r"\(n_samples, n_classes\)"):
        cross_entropy(leaf(np.zeros(3)), [0, 1, 0])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        bce_with_logits(leaf(np.zeros(2)), [0.0, 2.0])
    with pytest.raises(ValueError, match="NaN"):
        mse(leaf(np.zeros(2)), [0.0, np.nan])


def test_l2_and_l1_penalties_values_and_gradients():
    w1, w2 = leaf([[1.0, -2.0], [0.5, 0.0]]), leaf([3.0])
    l2 = l2_penalty([w1, w2])
    assert l2.item() == pytest.approx(1 + 4 + 0.25 + 0 + 9)          # Σ w², no ½
    l2.backward()
    np.testing.assert_allclose(w1.grad, 2 * w1.data)
    np.testing.assert_allclose(w2.grad, 2 * w2.data)
    w1.zero_grad()
    l1 = l1_penalty([w1])
    assert l1.item() == pytest.approx(3.5)
    (l1 * 2.0).backward()
    np.testing.assert_allclose(w1.grad, 2 * np.array([[1, -1], [1, 0]]))  # sign, 0 at 0


def test_penalties_of_a_module_skip_the_biases():
    model = MLP([3, 4, 2], random_state=0)
    for lin in model.linears:
        lin.bias.data[:] = 10.0
    expected = sum(np.sum(lin.weight.data ** 2) for lin in model.linears)
    assert l2_penalty(model).item() == pytest.approx(expected)
    l2_penalty(model).backward()
    assert all(lin.bias.grad is None for lin in model.linears)
    # passing the parameters explicitly includes the biases
    assert l2_penalty(model.parameters()).item() == pytest.approx(expected + 10**2 * 6)


def test_penalty_in_a_loss():
    model = MLP([2, 3, 1], random_state=0)
    X, y = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    total = mse(model(X), y) + 0.1 * l2_penalty(model)
    total.backward()
    W = model[0].weight
    assert W.grad.shape == W.shape
    with pytest.raises(ValueError, match="Tensors"):
        l2_penalty([np.ones(3)])


@SETTINGS
@given(data=st.data(), shape=small_shapes, seed=seeds)
def test_bce_with_logits_against_finite_differences(data, shape, seed):
    z = data.draw(array(shape, floats(-6, 6)))
    y = data.draw(array(shape, floats(0.01, 0.99)))  # FD steps stay inside [0, 1]
    check_op(bce_with_logits, [z, y], seed)
    # equals the textbook formula where that one is safe
    p = 1 / (1 + np.exp(-z))
    textbook = np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    np.testing.assert_allclose(bce_with_logits(z, y).data, textbook, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(data=st.data(), n=st.integers(1, 5), k=st.integers(1, 5), seed=seeds)
def test_cross_entropy_against_finite_differences(data, n, k, seed):
    z = data.draw(array((n, k), floats(-5, 5)))
    labels = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    check_op(lambda t: cross_entropy(t, labels), [z], seed)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    textbook = -np.mean(logp[np.arange(n), labels])
    np.testing.assert_allclose(cross_entropy(z, labels).data, textbook,
                               rtol=1e-9, atol=1e-12)


@SETTINGS
@given(data=st.data(), shape=small_shapes, seed=seeds)
def test_mse_against_finite_differences(data, shape, seed):
    p = data.draw(array(shape))
    y = data.draw(array(shape))
    check_op(mse, [p, y], seed)
    np.testing.assert_allclose(mse(p, y).data, np.mean((p - y) ** 2), rtol=1e-12)


@pytest.mark.parametrize("loss", [mse, bce_with_logits])
def test_mismatched_shapes_are_an_error_not_a_broadcast(loss):
    # (3, 1) against (3,) broadcast to (3, 3) and gave a wrong number without a word
    with pytest.raises(ValueError, match=r"\(3, 1\).*\(3,\).*reshape|flatten"):
        loss(Tensor(np.zeros((3, 1))), np.zeros(3))
    with pytest.raises(ValueError, match=r"\(3,\).*\(3, 1\)"):
        loss(Tensor(np.zeros(3)), np.zeros((3, 1)))


def test_the_losses_module_is_the_only_public_way_to_a_loss():
    import trisep_nn

    for module in (trisep_nn.tensor, trisep_nn.ops):
        for name in ("mse", "bce_with_logits", "softmax_cross_entropy", "cross_entropy"):
            assert not hasattr(module, name), f"{module.__name__}.{name} skips the checks"
    with pytest.raises(TypeError, match="pred"):
        mse(None, np.zeros(1))
