"""The known traps of small autodiff engines, the semantics we promise
(PyTorch's), numerical stability, dtypes and error messages."""

import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

import trisep_nn as tnn
from trisep_nn import losses, ops
from trisep_nn.tensor import Tensor, no_grad


# --------------------------------------------------------------------------- #
# Graph traps                                                                  #
# --------------------------------------------------------------------------- #
def test_a_plus_a_twice_gives_four():
    a = Tensor(3.0, requires_grad=True)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0


def test_same_tensor_on_both_sides():
    a = Tensor(3.0, requires_grad=True)
    (a * a).backward()  # d(a^2)/da = 2a, not a
    assert a.grad == 6.0


def test_diamond_graph():
    # a -> b = 2a, c = a^2 -> d = b * c = 2a^3: dd/da = 6 a^2
    a = Tensor(1.5, requires_grad=True)
    b = a * 2
    c = a ** 2
    d = b * c
    d.backward()
    np.testing.assert_allclose(a.grad, 6 * 1.5 ** 2)


def test_deep_diamonds_are_linear_not_exponential():
    # each level doubles the number of paths: 2^60 paths, 120 nodes
    a = Tensor(1.0, requires_grad=True)
    x = a
    for _ in range(60):
        x = x * 0.5 + x * 0.5
    start = time.perf_counter()
    x.backward()
    assert time.perf_counter() - start < 1.0
    np.testing.assert_allclose(a.grad, 1.0)


def test_two_backward_calls_accumulate():
    w = Tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    y.backward(retain_graph=True)
    y.backward()  # the same graph again, allowed by retain_graph=True
    np.testing.assert_allclose(w.grad, 2 * 2 * w.data)
    (w * 3).sum().backward()  # and a new graph
    np.testing.assert_allclose(w.grad, 4 * w.data + 3)
    w.zero_grad()
    assert w.grad is None


def test_max_ties_split_gradient_equally():
    x = Tensor([1.0, 3.0, 3.0, 2.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_allclose(x.grad, [0, 0.5, 0.5, 0])
    m = Tensor([[1.0, 1.0, 1.0], [0.0, 2.0, 1.0]], requires_grad=True)
    m.max(axis=1).backward(np.array([3.0, 1.0]))
    np.testing.assert_allclose(m.grad, [[1, 1, 1], [0, 1, 0]])


def test_backward_runs_each_node_once():
    calls = []

    def counted(x):
        def backward(g):
            calls.append(1)
            return (g,)
        return ops.custom_op(x.data.copy(), (x,), backward)

    a = Tensor(1.0, requires_grad=True)
    b = counted(a)
    c = b * b + b * 3  # b is used three times
    c.backward()
    assert len(calls) == 1
    assert a.grad == 2 * 1.0 + 3


def _chain(n):
    x = Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(n):
        y = -y  # one operation per step
    return x, y


def test_200k_chain_no_recursion_error_and_linear_time():
    x, y = _chain(20_000)
    start = time.perf_counter()
    y.backward()
    small = time.perf_counter() - start
    x, y = _chain(200_000)
    start = time.perf_counter()
    y.backward()
    big = time.perf_counter() - start
    assert x.grad == 1.0
    assert big < 25 * small + 0.5  # 10x the work; quadratic would be 100x
    del y  # and freeing the chain must not overflow the C stack either


def test_no_aliasing_between_gradients_or_with_upstream():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    y = Tensor(np.ones((2, 3)), requires_grad=True)
    z = Tensor(np.ones(3), requires_grad=True)
    out = x + y + z  # add passes g through unchanged to every input
    upstream = np.arange(6.0).reshape(2, 3)
    out.backward(upstream)
    assert not np.shares_memory(x.grad, y.grad)
    assert not np.shares_memory(x.grad, upstream) and not np.shares_memory(y.grad, upstream)
    x.grad += 100  # modifying one gradient leaves the others alone
    np.testing.assert_array_equal(y.grad, upstream)
    np.testing.assert_array_equal(upstream, np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(z.grad, upstream.sum(0))


def test_leaf_backward_with_seed_copies_it():
    x = Tensor(np.ones(3), requires_grad=True)
    seed = np.array([1.0, 2.0, 3.0])
    x.backward(seed)
    seed[0] = 99
    np.testing.assert_array_equal(x.grad, [1.0, 2.0, 3.0])


def test_reshape_and_transpose_grads_are_not_views_of_upstream():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    y = Tensor(np.ones((3, 2)), requires_grad=True)
    u = np.ones((3, 2))
    (x.T + y.reshape(3, 2)).backward(u)
    assert not np.shares_memory(x.grad, u) and not np.shares_memory(y.grad, u)
    assert not np.shares_memory(x.grad, y.grad)
    assert x.grad.flags.writeable and y.grad.flags.writeable


def test_inputs_are_never_mutated():
    rng = np.random.default_rng(0)
    X, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    copies = [a.copy() for a in (X, W, b)]
    labels = np.array([0, 1, 2, 3, 0])
    Wt, bt = Tensor(W, requires_grad=True), Tensor(b, requires_grad=True)
    h = ops.linear(X, Wt, bt).relu()
    loss = (losses.cross_entropy(h, labels) + losses.mse(h, np.full(h.shape, 0.5)) + h.max()
            + h[[0, 0]].sum())
    loss.backward(retain_graph=True)
    loss.backward()
    for a, a0 in zip((X, W, b), copies):
        np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(labels, [0, 1, 2, 3, 0])


def test_fused_activation_never_writes_into_a_shared_gradient():
    """linear(..., activation) multiplies g by the slope in place when g is its
    own. Here add hands the same g to both branches, sum hands a read-only
    view, and the user's seed is the user's: each must stay untouched, and the
    gradients must equal those of the two-node form."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(6, 3))
    params = [rng.normal(size=s) for s in [(3, 4), (4,), (3, 4), (4,)]]
    u = rng.normal(size=(6, 4))
    u0 = u.copy()

    def grads(fused):
        W1, b1, W2, b2 = ts = [Tensor(p.copy(), requires_grad=True) for p in params]
        if fused:
            a, c = ops.linear(X, W1, b1, "relu"), ops.linear(X, W2, b2, "tanh")
        else:
            a, c = ops.linear(X, W1, b1).relu(), ops.linear(X, W2, b2).tanh()
        (a + c).backward(u, retain_graph=True)  # the same g reaches both nodes
        (a * 1).sum().backward()      # g is a read-only broadcast view
        return [t.grad for t in ts]

    for fused, plain in zip(grads(True), grads(False)):
        np.testing.assert_allclose(fused, plain, rtol=1e-13, atol=1e-14)
    np.testing.assert_array_equal(u, u0)


def test_forward_mode_never_writes_into_a_tangent_it_was_given():
    """Forward mode adds tangents in place when the sum is its own array; the
    tangents passed in (and ones an op hands on unchanged, as add does) must
    stay as they were, and the result must be the directional derivative."""
    rng = np.random.default_rng(2)
    X, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 3)), rng.normal(size=3)
    tangents = [rng.normal(size=a.shape) for a in (X, W, b)]
    copies = [t.copy() for t in tangents]

    def f(x, w, c):
        h = x + ops.linear(x, w, c, "tanh")      # add passes x's tangent on as it is
        return ops.linear(h + h[:, ::-1], w, c, "sigmoid") * x

    _, tangent = tnn.jvp(f, (X, W, b), tangents)
    for t, t0 in zip(tangents, copies):
        np.testing.assert_array_equal(t, t0)
    eps = 1e-6
    plus = f(*[Tensor(a + eps * t) for a, t in zip((X, W, b), tangents)]).data
    minus = f(*[Tensor(a - eps * t) for a, t in zip((X, W, b), tangents)]).data
    np.testing.assert_allclose(tangent, (plus - minus) / (2 * eps), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("shape", [(), (1,), (3, 1), (1, 4), (4,), (1, 1, 1)])
def test_broadcast_gradients_have_the_input_shape(shape):
    a = Tensor(np.ones(shape), requires_grad=True)
    b = Tensor(np.ones((2, 3, 4)), requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.shape == shape
    np.testing.assert_allclose(a.grad.sum(), 24)
    assert type(a.grad) is np.ndarray


# --------------------------------------------------------------------------- #
# Stability                                                                    #
# --------------------------------------------------------------------------- #
EXTREME = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])


@pytest.mark.parametrize("name, f", [
    ("sigmoid", lambda x: x.sigmoid()),
    ("tanh", lambda x: x.tanh()),
    ("logsumexp", lambda x: ops.logsumexp(x)),
    ("log_softmax", lambda x: ops.log_softmax(x)),
    ("softmax", lambda x: ops.softmax(x)),
    ("log(sigmoid) via bce", lambda x: losses.bce_with_logits(x, np.array([1.0, 0, 1, 0, 1]))),
    ("bce", lambda x: losses.bce_with_logits(x, np.array([0.0, 1, 0, 1, 0]))),
    ("softmax CE", lambda x: losses.cross_entropy(x.reshape(1, 5), np.array([0]))),
    ("softmax CE other class", lambda x: losses.cross_entropy(x.reshape(1, 5), [4])),
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stable_at_plus_minus_1000(name, f, dtype):
    x = Tensor(EXTREME.astype(dtype), requires_grad=True)
    # overflow, 0/0 and log(0) would be bugs; underflow (exp(-2000) -> 0) is exact enough
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        y = f(x)
        y.backward(np.ones(y.shape, dtype=dtype))
    assert np.all(np.isfinite(y.data)) and np.all(np.isfinite(x.grad))
    assert x.grad.dtype == dtype


def test_extreme_values_are_correct():
    x = Tensor(EXTREME, requires_grad=True)
    np.testing.assert_allclose(x.sigmoid().data[[0, -1]], [0.0, 1.0])
    np.testing.assert_allclose(ops.logsumexp(x).data, 1000.0)
    z = Tensor([[1000.0, -1000.0]], requires_grad=True)
    loss = losses.cross_entropy(z, [1])
    loss.backward()
    np.testing.assert_allclose(loss.data, 2000.0)
    np.testing.assert_allclose(z.grad, [[1.0, -1.0]])
    w = Tensor([1000.0, -1000.0], requires_grad=True)
    bce = losses.bce_with_logits(w, np.array([0.0, 1.0]))
    bce.backward()
    np.testing.assert_allclose(bce.data, 1000.0)
    np.testing.assert_allclose(w.grad, [0.5, -0.5])


# --------------------------------------------------------------------------- #
# dtypes, operands on either side, no_grad, small API                          #
# --------------------------------------------------------------------------- #
def test_float32_stays_float32():
    x = Tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    W = Tensor(np.ones((3, 2), dtype=np.float32), requires_grad=True)
    y = (ops.linear(x * 2.5 + 1, W, np.zeros(2, np.float32)).tanh() / 3 - 1).exp()
    loss = (losses.cross_entropy(y, [0, 1]) + losses.mse(y, np.zeros((2, 2)))
            + losses.bce_with_logits(y, np.ones((2, 2))))
    assert y.dtype == np.float32 and loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32 and W.grad.dtype == np.float32
    _, t = tnn.jvp(lambda a: (a * 2.0).sigmoid(), (np.ones(2, np.float32),),
                   (np.ones(2, np.float32),))
    assert t.dtype == np.float32


def test_integer_and_bool_data_become_float64():
    assert Tensor([1, 2]).dtype == np.float64
    assert Tensor(True).dtype == np.float64
    assert Tensor(np.arange(3)).dtype == np.float64


def test_numpy_operands_on_the_left_dispatch_to_tensor():
    t = Tensor([1.0, 2.0], requires_grad=True)
    for value in (np.array([3.0, 4.0]), np.float64(2.0), 2, 2.0):
        for result in (value + t, value - t, value * t, value / t):
            assert isinstance(result, Tensor) and result.requires_grad
    m = np.ones((3, 2)) @ t
    assert isinstance(m, Tensor) and m.shape == (3,)
    assert isinstance(2.0 ** t, Tensor)


def test_no_grad_records_nothing():
    w = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        y = (w * 2).sum()
    assert not y.requires_grad and y.is_leaf
    with pytest.raises(RuntimeError, match="requires_grad"):
        y.backward()
    z = (w * 2).sum()  # recording is back on after the block
    assert z.requires_grad

    @no_grad()
    def evaluate(v):
        return v * 3
    assert not evaluate(w).requires_grad


def test_retain_grad_and_retain_grads():
    a = Tensor(2.0, requires_grad=True)
    b = Tensor(3.0, requires_grad=True)
    ab = a * b
    f = ab.log()
    f.backward(retain_graph=True)
    assert ab.grad is None  # intermediates forget, as in PyTorch
    ab.retain_grad()
    f.backward(retain_graph=True)
    np.testing.assert_allclose(ab.grad, 1 / 6)
    a.zero_grad()
    f.backward(retain_grads=True)
    np.testing.assert_allclose(f.grad, 1.0)
    np.testing.assert_allclose(a.grad, 0.5)


def test_small_api():
    t = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True, name="t")
    assert t.shape == (2, 2) and t.ndim == 2 and t.size == 4 and len(t) == 2
    assert t.numpy() is t.data
    assert Tensor(2.5).item() == 2.5 and float(Tensor(2.5)) == 2.5
    assert f"{Tensor(2.5):.2f}" == "2.50"
    d = (t * 2).detach()
    assert d.is_leaf and not d.requires_grad
    assert "requires_grad=True" in repr(t) and "op=mul" in repr(t * 2)
    np.testing.assert_array_equal(np.asarray(t), t.data)
    assert t.op is None and (t * 2).op == "mul"
    assert tnn.Tensor is Tensor and tnn.no_grad is no_grad


# --------------------------------------------------------------------------- #
# Errors say what went wrong                                                   #
# --------------------------------------------------------------------------- #
def test_matmul_shape_error_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 5\)"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"matmul.*\(3,\).*\(4,\)"):
        Tensor(np.ones(3)) @ np.ones(4)


def test_broadcast_error_names_op_and_shapes():
    for op, name in [(lambda a, b: a + b, "add"), (lambda a, b: a * b, "mul"),
                     (lambda a, b: a - b, "sub"), (lambda a, b: a / b, "div")]:
        with pytest.raises(ValueError, match=rf"{name}.*\(2, 3\).*\(4,\)"):
            op(Tensor(np.ones((2, 3))), np.ones(4))
    with pytest.raises(ValueError, match=r"mse.*\(2, 3\).*\(2,\)"):
        losses.mse(Tensor(np.ones((2, 3))), np.ones(2))


def test_linear_shape_errors():
    with pytest.raises(ValueError, match=r"linear.*\(5, 3\).*\(4, 2\)"):
        ops.linear(Tensor(np.ones((5, 3))), Tensor(np.ones((4, 2))))
    with pytest.raises(ValueError, match=r"linear.*b of shape \(3,\)"):
        ops.linear(Tensor(np.ones((5, 4))), Tensor(np.ones((4, 2))), np.ones(3))


@pytest.mark.parametrize("bad, words", [
    ("abc", "str"), (None, "NoneType"), ([1, "a"], "list"), ({"a": 1}, "dict"),
    (np.array(["x"]), "dtype <U1"), (1 + 2j, "complex"), ([[1, 2], [3]], "rectangular"),
])
def test_non_numeric_data_is_refused_with_what_was_given(bad, words):
    with pytest.raises((TypeError, ValueError)) as info:
        Tensor(bad)
    assert words in str(info.value)


def test_backward_errors():
    y = Tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        y.backward()
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        y.backward(np.ones(3))


def test_softmax_cross_entropy_label_errors():
    z = Tensor(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="labels must have shape"):
        losses.cross_entropy(z, [0, 1])
    with pytest.raises(ValueError, match=r"0 \.\. 3"):
        losses.cross_entropy(z, [0, 1, 4])
    with pytest.raises(ValueError, match="integers"):
        losses.cross_entropy(z, [0.5, 1, 2])
    with pytest.raises(ValueError, match=r"\(n_samples, n_classes\)"):
        losses.cross_entropy(Tensor(np.zeros(4)), [0])


def test_tensor_exponent_is_refused_clearly():
    with pytest.raises(TypeError, match="exponent"):
        Tensor(2.0) ** Tensor(3.0)


def test_import_is_light():
    code = ("import sys, trisep_nn as t; t.Tensor; t.grad; t.gradcheck; t.draw_graph; "
            "bad = [m for m in ('matplotlib', 'sklearn', 'ipywidgets', 'scipy') "
            "if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_relu_never_writes_into_a_gradient_it_does_not_own():
    # the user's seed, a gradient kept by retain_grads, and a read-only broadcast view
    u = np.array([1.0, -2.0, 3.0])
    x = Tensor([-1.0, 2.0, 3.0], requires_grad=True)
    y = x.relu()
    y.backward(u)  # the user's seed: never written into
    np.testing.assert_array_equal(u, [1.0, -2.0, 3.0])
    np.testing.assert_array_equal(x.grad, [0.0, -2.0, 3.0])

    x.zero_grad()
    h = x * 2.0
    r = h.relu()
    out = (r * 3).sum() + r.sum()  # r's gradient is a sum of two paths
    out.backward(retain_grads=True)
    np.testing.assert_array_equal(r.grad, [4.0, 4.0, 4.0])  # kept as it arrived
    np.testing.assert_array_equal(h.grad, [0.0, 4.0, 4.0])
    np.testing.assert_array_equal(x.grad, [0.0, 8.0, 8.0])

    z = Tensor([-1.0, 2.0], requires_grad=True)
    z.relu().sum().backward()  # sum hands relu a read-only broadcast view
    np.testing.assert_array_equal(z.grad, [0.0, 1.0])


# --------------------------------------------------------------------------- #
# PyTorch habits carry over (issue 14)                                         #
# --------------------------------------------------------------------------- #
def test_an_in_place_update_under_no_grad_changes_the_parameter_itself():
    w = Tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    same = w
    with no_grad():
        w -= 0.1 * w.grad   # PyTorch's manual SGD step
        w *= 2.0
        w += 1.0
        w /= 4.0
    assert w is same and w.requires_grad and w.is_leaf
    np.testing.assert_allclose(w.data, ((np.array([1.0, 2.0]) * 0.8) * 2 + 1) / 4)
    w.zero_grad()
    (w * w).sum().backward()  # the parameter still works: a new graph, a new gradient
    np.testing.assert_allclose(w.grad, 2 * w.data)


def test_an_in_place_change_of_a_leaf_that_requires_grad_needs_no_grad():
    w = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w -= 0.1
    np.testing.assert_array_equal(w.data, [1.0, 2.0])


def test_in_place_on_an_intermediate_result_records_a_new_node():
    """`total += loss` in a loop builds the sum, as in PyTorch (here a new tensor)."""
    w = Tensor([1.0, 2.0], requires_grad=True)
    total = 0
    for k in range(3):
        total += (w * k).sum()
    h = w * 2.0
    h += w
    total = total + h.sum()
    total.backward()
    np.testing.assert_allclose(w.grad, [3.0 + 3.0, 3.0 + 3.0])


def test_a_graph_that_used_a_tensor_changed_in_place_refuses_backward():
    w = Tensor([1.0, 2.0], requires_grad=True)
    x = Tensor([3.0, 4.0])
    y = (w * x).sum()
    x += 1.0  # no graph records x: changed in place; but y's gradient needs the old x
    with pytest.raises(RuntimeError, match="changed in place"):
        y.backward()
    z = (w * x).sum()  # a graph recorded after the change is fine
    z.backward()
    np.testing.assert_array_equal(w.grad, [4.0, 5.0])
    loss = (w * w).sum()
    with no_grad():
        w -= 0.5  # a step between the forward pass and its backward (PyTorch raises too)
    with pytest.raises(RuntimeError, match="changed in place"):
        loss.backward()


def test_in_place_in_forward_mode_moves_the_tangent_too():
    def f(x):
        y = x * 1.0
        y *= x        # y = x^2: its tangent must be 2x dx, not dx
        y += 3.0
        return y

    value, tangent = tnn.jvp(f, (np.array([1.0, -2.0]),), (np.array([1.0, 1.0]),))
    np.testing.assert_allclose(value, [4.0, 7.0])
    np.testing.assert_allclose(tangent, [2.0, -4.0])


def test_in_place_with_a_wrong_shape_names_both_shapes():
    x = Tensor(np.zeros(3))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 3\)"):
        x += np.ones((2, 3))


def test_a_second_backward_through_the_same_graph_raises_like_pytorch():
    w = Tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()
    np.testing.assert_allclose(w.grad, 2 * w.data)  # the refused walk added nothing
    w.zero_grad()
    y = (w * w).sum()
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    y.backward()  # the last walk may free it
    np.testing.assert_allclose(w.grad, 3 * 2 * w.data)


def test_comparisons_are_element_by_element_and_not_differentiable():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result, expected in [(x == np.array([1.0, 0.0, 3.0]), [True, False, True]),
                             (x != 2.0, [True, False, True]), (x < 2.0, [True, False, False]),
                             (x <= 2.0, [True, True, False]),
                             (x > Tensor(2.0), [False, False, True]),
                             (x >= 2.0, [False, True, True]), (2.0 < x, [False, False, True])]:
        assert type(result) is np.ndarray and result.dtype == bool
        np.testing.assert_array_equal(result, expected)
    np.testing.assert_array_equal(x[x > 1.5].data, [2.0, 3.0])  # a mask, as in PyTorch
    assert len({x, x * 1}) == 2  # still hashed by identity: tensors are graph nodes


def test_len_and_iteration_follow_pytorch():
    with pytest.raises(TypeError, match="0-d"):
        list(Tensor(3.0))
    with pytest.raises(TypeError, match="0-d"):
        len(Tensor(3.0))
    x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    rows = list(x)
    assert len(rows) == 2 and all(isinstance(r, Tensor) for r in rows)
    sum(r.sum() * k for k, r in enumerate(rows)).backward()  # rows stay differentiable
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0], [1.0, 1.0]])


def test_every_difference_from_pytorch_is_written_down_in_one_place():
    doc = tnn.__doc__
    for topic in ("float64", "axis=", "transpose", "Comparisons", "retain_graph",
                  "no_grad()", "changed in place", "x ** y", "NaN", "in_features", "twice"):
        assert topic in doc, f"help(trisep_nn) does not mention {topic!r}"
    assert "help(trisep_nn)" in tnn.tensor.__doc__  # the engine points there


def test_none_is_refused_not_turned_into_nan():
    for make in (lambda: Tensor(None), lambda: Tensor(1.0) + None, lambda: tnn.grad(
            lambda x: x.sum())(None), lambda: tnn.jacobian_forward(lambda x: x, None),
            lambda: tnn.nn.Tanh()(None)):
        with pytest.raises(TypeError, match="NoneType|None"):
            make()


def test_transpose_with_axes_that_do_not_fit_names_them():
    with pytest.raises(ValueError, match=r"axes \(0,\)"):
        Tensor(2.0).transpose(0)
    with pytest.raises(ValueError, match="permutation"):
        Tensor(np.ones((2, 3))).transpose(0, 0)
    assert Tensor(np.ones((2, 3))).transpose(1, 0).shape == (3, 2)
