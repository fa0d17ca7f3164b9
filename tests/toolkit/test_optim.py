"""Optimizer steps equal the reference update formulas.

The optimizers only touch ``p.data`` and ``p.grad``, so most tests use a bare
stand-in object; one test runs them on engine Tensors.
"""

from types import SimpleNamespace

import numpy as np
import pytest

from trisep_nn.optim import SGD, Adam


def param(values, grad=None):
    return SimpleNamespace(
        data=np.array(values, dtype=float),
        grad=None if grad is None else np.array(grad, dtype=float),
    )


def grads_sequence(shape, n, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape) for _ in range(n)]


def test_sgd_plain_step_by_hand():
    p = param([1.0, -2.0], grad=[0.5, -1.0])
    SGD([p], lr=0.1).step()
    np.testing.assert_allclose(p.data, [1.0 - 0.05, -2.0 + 0.1], rtol=0, atol=1e-15)


def test_sgd_weight_decay_by_hand():
    p = param([2.0], grad=[1.0])
    SGD([p], lr=0.5, weight_decay=0.1).step()
    # g = 1 + 0.1*2 = 1.2 ; w = 2 - 0.5*1.2
    np.testing.assert_allclose(p.data, [1.4], rtol=0, atol=1e-15)


def test_sgd_momentum_two_steps_by_hand():
    p = param([0.0])
    opt = SGD([p], lr=0.1, momentum=0.9)
    p.grad = np.array([1.0])
    opt.step()                      # v = 1,            w = -0.1
    p.grad = np.array([2.0])
    opt.step()                      # v = 0.9 + 2 = 2.9, w = -0.1 - 0.29
    np.testing.assert_allclose(p.data, [-0.39], rtol=0, atol=1e-15)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_matches_sklearn_optimizer(nesterov):
    from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

    shapes = [(3, 4), (4,)]
    ours = [param(np.ones(s)) for s in shapes]
    ref = [np.ones(s) for s in shapes]
    opt = SGD(ours, lr=0.05, momentum=0.8, nesterov=nesterov)
    sk = SGDOptimizer(ref, learning_rate_init=0.05, momentum=0.8, nesterov=nesterov)
    seqs = [grads_sequence(s, 6, seed=i) for i, s in enumerate(shapes)]
    for t in range(6):
        grads = [seq[t] for seq in seqs]
        for p, g in zip(ours, grads):
            p.grad = g
        opt.step()
        sk.update_params(ref, grads)
    for p, r in zip(ours, ref):
        np.testing.assert_allclose(p.data, r, rtol=1e-12, atol=1e-14)


def test_adam_first_step_moves_by_lr():
    p = param([1.0, -3.0], grad=[0.2, -50.0])
    Adam([p], lr=0.01, eps=0.0).step()
    # first step: m̂ = g, v̂ = g², so w ← w − lr·sign(g)
    np.testing.assert_allclose(p.data, [0.99, -2.99], rtol=0, atol=1e-15)


def test_adam_reference_formula_with_weight_decay():
    b1, b2, eps, lr, wd = 0.8, 0.99, 1e-3, 0.05, 0.1
    rng = np.random.default_rng(3)
    w0 = rng.normal(size=5)
    p = param(w0.copy())
    opt = Adam([p], lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)
    w, m, v = w0.copy(), np.zeros(5), np.zeros(5)
    for t, g in enumerate(grads_sequence(5, 7, seed=4), start=1):
        p.grad = g.copy()
        opt.step()
        g = g + wd * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        w = w - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        np.testing.assert_allclose(p.data, w, rtol=1e-12, atol=1e-14)


def test_adam_matches_sklearn_optimizer_when_eps_is_zero():
    from sklearn.neural_network._stochastic_optimizers import AdamOptimizer

    shapes = [(2, 3), (3,)]
    ours = [param(np.zeros(s)) for s in shapes]
    ref = [np.zeros(s) for s in shapes]
    opt = Adam(ours, lr=0.01, eps=0.0)
    sk = AdamOptimizer(ref, learning_rate_init=0.01, epsilon=0.0)
    seqs = [grads_sequence(s, 5, seed=10 + i) for i, s in enumerate(shapes)]
    for t in range(5):
        grads = [seq[t] for seq in seqs]
        for p, g in zip(ours, grads):
            p.grad = g
        opt.step()
        sk.update_params(ref, grads)
    for p, r in zip(ours, ref):
        np.testing.assert_allclose(p.data, r, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.5), Adam])
def test_parameters_without_grad_are_left_alone(make):
    used, unused = param([1.0], grad=[1.0]), param([5.0])
    opt = make([used, unused])
    opt.step()
    assert unused.data[0] == 5.0 and used.data[0] != 1.0


def test_zero_grad_and_step_counter():
    p = param([1.0], grad=[1.0])
    opt = Adam([p])
    opt.step()
    opt.zero_grad()
    assert p.grad is None and opt.t == 1


def test_updates_are_in_place():
    p = param([1.0, 2.0], grad=[1.0, 1.0])
    buffer = p.data
    SGD([p], lr=0.1).step()
    assert p.data is buffer


@pytest.mark.parametrize("lr", [0, -0.1, np.nan, np.inf])
@pytest.mark.parametrize("cls", [SGD, Adam])
def test_bad_learning_rate_is_a_value_error(cls, lr):
    with pytest.raises(ValueError, match="learning rate"):
        cls([param([1.0])], lr=lr)


def test_other_bad_settings():
    with pytest.raises(ValueError, match="momentum"):
        SGD([param([1.0])], lr=0.1, momentum=1.0)
    with pytest.raises(ValueError, match="weight_decay"):
        SGD([param([1.0])], lr=0.1, weight_decay=-1)
    with pytest.raises(ValueError, match="betas"):
        Adam([param([1.0])], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="empty"):
        Adam([])


def test_on_engine_tensors_and_modules():
    Tensor = pytest.importorskip("trisep_nn.tensor").Tensor
    w = Tensor(np.array([1.0, -2.0]), requires_grad=True)
    opt = SGD([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.data, [0.8, -1.6])
    nn = pytest.importorskip("trisep_nn.nn")
    model = nn.MLP([2, 3, 1], random_state=0)
    assert len(Adam(model).params) == len(model.parameters())


def test_a_parameter_given_twice_warns_and_steps_once():
    Tensor = pytest.importorskip("trisep_nn.tensor").Tensor
    p = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="more than once"):
        opt = SGD([p, p], lr=0.5)
    p.grad = np.array([1.0, 1.0])
    opt.step()
    np.testing.assert_array_equal(p.data, [0.5, 1.5])  # one step, not two (PyTorch: two)


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1), lambda ps: Adam(ps, lr=0.1)])
def test_a_gradient_of_the_wrong_shape_names_both_shapes(make):
    Tensor = pytest.importorskip("trisep_nn.tensor").Tensor
    p = Tensor(np.ones((2, 3)), requires_grad=True)
    opt = make([p])
    p.grad = np.ones(3)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3,\)"):
        opt.step()
    np.testing.assert_array_equal(p.data, np.ones((2, 3)))  # nothing moved
