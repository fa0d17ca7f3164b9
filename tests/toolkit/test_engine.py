"""Every engine operation against central finite differences (float64), with
random upstream gradients and broadcast shapes, and forward mode against
reverse mode: <u, J v> computed both ways must agree.

The same check also asserts, for every op, that gradients come back in each
input's exact shape, share memory with nothing, and that inputs are not
modified.
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from trisep_nn import engine as E
from trisep_nn.autodiff import jvp
from trisep_nn.engine import Tensor

SETTINGS = settings(max_examples=30, deadline=None, database=None)
REL_TOL = 1e-6  # required agreement with finite differences
FD_STEP = 1e-6


# --------------------------------------------------------------------------- #
# The checker                                                                  #
# --------------------------------------------------------------------------- #
def numeric_gradient(f, inputs, k, u):
    """Central differences of L(x) = sum(u * f(x)) with respect to inputs[k]."""
    grad = np.zeros_like(inputs[k])
    for i in np.ndindex(inputs[k].shape):
        values = []
        for step in (FD_STEP, -FD_STEP):
            shifted = [x.copy() for x in inputs]
            shifted[k][i] += step
            with E.no_grad():
                values.append(np.sum(u * f(*[Tensor(x) for x in shifted]).data))
        grad[i] = (values[0] - values[1]) / (2 * FD_STEP)
    return grad


def relative_error(a, b):
    """Worst entry error relative to the gradient's size (at least 1e-3)."""
    scale = max(np.max(np.abs(a), initial=0), np.max(np.abs(b), initial=0), 1e-3)
    return np.max(np.abs(a - b), initial=0) / scale


def check_op(f, inputs, seed):
    """Reverse mode vs finite differences, forward vs reverse, and hygiene."""
    rng = np.random.default_rng(seed)
    inputs = [np.asarray(x, dtype=np.float64) for x in inputs]
    originals = [x.copy() for x in inputs]
    tensors = [Tensor(x, requires_grad=True) for x in inputs]
    out = f(*tensors)
    u = rng.normal(size=out.shape)  # a random upstream gradient, never all ones
    u_copy = u.copy()
    out.backward(u)

    for x, t in zip(inputs, tensors):
        assert type(t.grad) is np.ndarray
        assert t.grad.shape == x.shape, (t.grad.shape, x.shape)
        assert t.grad.dtype == np.float64
    for k in range(len(inputs)):
        numeric = numeric_gradient(f, inputs, k, u)
        err = relative_error(tensors[k].grad, numeric)
        assert err <= REL_TOL, (k, err, tensors[k].grad, numeric)

    # no aliasing: no gradient shares memory with another, the upstream or data
    grads = [t.grad for t in tensors]
    for i, g in enumerate(grads):
        assert not np.shares_memory(g, u)
        assert not any(np.shares_memory(g, x) for x in inputs)
        assert not any(np.shares_memory(g, h) for h in grads[i + 1:])
    # no mutation: inputs and upstream gradient unchanged
    for x, x0 in zip(inputs, originals):
        np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(u, u_copy)

    # forward mode: <u, J v> = <J^T u, v>
    vs = [rng.normal(size=x.shape) for x in inputs]
    value, tangent = jvp(f, inputs, vs)
    np.testing.assert_allclose(value, out.data, rtol=1e-12, atol=1e-12)
    assert tangent.shape == out.shape
    forward = np.sum(u * tangent)
    reverse = sum(np.sum(g * v) for g, v in zip(grads, vs))
    assert abs(forward - reverse) <= 1e-9 * max(1.0, abs(reverse)), (forward, reverse)


# --------------------------------------------------------------------------- #
# Strategies                                                                   #
# --------------------------------------------------------------------------- #
seeds = st.integers(0, 2**32 - 1)
small_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
two_shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                               max_side=3)


def floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def away_from_zero(lo, hi):
    """Magnitudes in [lo, hi] with either sign (for 1/y, log|.|, kinks at 0)."""
    return floats(lo, hi) | floats(-hi, -lo)


def array(shape, elements=None):
    return hnp.arrays(np.float64, shape, elements=floats(-3, 3) if elements is None else elements)


# --------------------------------------------------------------------------- #
# Elementwise operations with broadcasting                                    #
# --------------------------------------------------------------------------- #
BINARY = {
    "add": (lambda x, y: x + y, floats(-3, 3)),
    "sub": (lambda x, y: x - y, floats(-3, 3)),
    "mul": (lambda x, y: x * y, floats(-3, 3)),
    "div": (lambda x, y: x / y, away_from_zero(0.5, 3)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@SETTINGS
@given(data=st.data(), shapes=two_shapes, seed=seeds)
def test_binary_ops_broadcast(name, data, shapes, seed):
    f, y_elements = BINARY[name]
    x = data.draw(array(shapes.input_shapes[0]))
    y = data.draw(array(shapes.input_shapes[1], y_elements))
    check_op(f, [x, y], seed)


@pytest.mark.parametrize("name", sorted(BINARY))
@SETTINGS
@given(data=st.data(), shapes=two_shapes, seed=seeds)
def test_binary_ops_with_constant_on_either_side(name, data, shapes, seed):
    """Tensor op ndarray and ndarray op Tensor, gradient for the Tensor only."""
    f, y_elements = BINARY[name]
    x = data.draw(array(shapes.input_shapes[0], y_elements))
    c = data.draw(array(shapes.input_shapes[1], y_elements))
    check_op(lambda t: f(t, c), [x], seed)
    check_op(lambda t: f(c, t), [x], seed)
    check_op(lambda t: f(t, 1.5) + f(-2, t), [x], seed)  # Python numbers


UNARY = {
    "neg": (lambda x: -x, floats(-3, 3)),
    "exp": (lambda x: x.exp(), floats(-3, 3)),
    "log": (lambda x: x.log(), floats(0.1, 5)),
    "tanh": (lambda x: x.tanh(), floats(-4, 4)),
    "sigmoid": (lambda x: x.sigmoid(), floats(-6, 6)),
    "relu": (lambda x: x.relu(), away_from_zero(1e-3, 3)),   # away from the kink
    "abs": (lambda x: x.abs(), away_from_zero(1e-3, 3)),
    "pow2": (lambda x: x ** 2, floats(-3, 3)),
    "pow3": (lambda x: x ** 3, floats(-3, 3)),
    "sqrt": (lambda x: x ** 0.5, floats(0.2, 4)),
    "pow-1.5": (lambda x: x ** -1.5, floats(0.3, 4)),
    "rpow": (lambda x: 2.5 ** x, floats(-3, 3)),
    "rsub": (lambda x: 1 - x, floats(-3, 3)),
    "rdiv": (lambda x: 2 / x, away_from_zero(0.5, 3)),
    "module exp": (lambda x: E.exp(x), floats(-3, 3)),
    "module relu": (lambda x: E.relu(x), away_from_zero(1e-3, 3)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@SETTINGS
@given(data=st.data(), shape=small_shapes, seed=seeds)
def test_unary_ops(name, data, shape, seed):
    f, elements = UNARY[name]
    check_op(f, [data.draw(array(shape, elements))], seed)


@SETTINGS
@given(data=st.data(), shape=small_shapes, p=floats(-2.5, 2.5), seed=seeds)
def test_pow_with_any_exponent(data, shape, p, seed):
    check_op(lambda x: x ** p, [data.draw(array(shape, floats(0.3, 3)))], seed)


# --------------------------------------------------------------------------- #
# Reductions and shape operations                                              #
# --------------------------------------------------------------------------- #
@st.composite
def axes_for(draw, ndim):
    """None, one axis (possibly negative) or a tuple of distinct axes."""
    if ndim == 0:
        return None
    one = st.integers(-ndim, ndim - 1)
    several = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True)
    return draw(st.none() | one | several.map(tuple))


def well_separated(x, gap=1e-2):
    """All entries differ by more than gap: max has no (near) ties for FD."""
    values = np.sort(x.ravel())
    return values.size < 2 or np.min(np.diff(values)) > gap


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min"])
@SETTINGS
@given(data=st.data(), shape=small_shapes, keepdims=st.booleans(), seed=seeds)
def test_reductions(name, data, shape, keepdims, seed):
    x = data.draw(array(shape))
    axis = data.draw(axes_for(len(shape)))
    if name in ("max", "min"):
        assume(well_separated(x))
    check_op(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), [x], seed)


@SETTINGS
@given(data=st.data(), shape=small_shapes, seed=seeds)
def test_reshape_and_transpose(data, shape, seed):
    x = data.draw(array(shape))
    target = data.draw(st.sampled_from([(-1,), (x.size, 1), tuple(reversed(shape)),
                                        (1,) + shape]))
    perm = data.draw(st.permutations(range(len(shape))))
    check_op(lambda t: t.reshape(*target) if target else t.reshape(()), [x], seed)
    check_op(lambda t: t.transpose(*perm), [x], seed)
    check_op(lambda t: t.T, [x], seed)
    if len(shape) >= 2:
        check_op(lambda t: t.transpose(-1, *range(len(shape) - 1)), [x], seed)


@st.composite
def indexed(draw):
    """An array and an index: a slice, integer arrays (with repeats), a mask, a mix."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    x = draw(array(shape))
    n = shape[0]
    kind = draw(st.sampled_from(["int", "slice", "ints", "mask", "mixed", "negative"]))
    if kind == "int":
        index = draw(st.integers(-n, n - 1))
    elif kind == "slice":
        index = slice(draw(st.integers(0, n)), None, draw(st.sampled_from([1, 2, -1])))
    elif kind == "ints":  # repeated indices must accumulate
        index = np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=6)))
    elif kind == "mask":
        index = draw(hnp.arrays(np.bool_, shape))
    elif kind == "negative":
        index = [draw(st.integers(-n, -1)), draw(st.integers(-n, -1))]  # a list
    else:
        rows = np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5)))
        index = (rows, slice(None)) if len(shape) > 1 else rows
    return x, index


@SETTINGS
@given(case=indexed(), seed=seeds)
def test_indexing(case, seed):
    x, index = case
    check_op(lambda t: t[index], [x], seed)


def test_repeated_fancy_index_accumulates():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x[[0, 0, 2, 0]]
    y.backward(np.array([1.0, 10.0, 100.0, 1000.0]))
    np.testing.assert_array_equal(x.grad, [1011.0, 0.0, 100.0])


# --------------------------------------------------------------------------- #
# Matrix products and fused operations                                         #
# --------------------------------------------------------------------------- #
@st.composite
def matmul_shapes(draw):
    n, k, m, b = (draw(st.integers(1, 3)) for _ in range(4))
    return draw(st.sampled_from([
        ((n, k), (k, m)), ((k,), (k, m)), ((n, k), (k,)), ((k,), (k,)),
        ((b, n, k), (k, m)), ((b, n, k), (b, k, m)), ((1, n, k), (b, k, m)),
        ((k,), (b, k, m)), ((b, n, k), (k,)),
    ]))


@SETTINGS
@given(data=st.data(), shapes=matmul_shapes(), seed=seeds)
def test_matmul(data, shapes, seed):
    a = data.draw(array(shapes[0]))
    b = data.draw(array(shapes[1]))
    check_op(lambda x, y: x @ y, [a, b], seed)
    check_op(lambda x: x @ b, [a], seed)       # Tensor @ ndarray
    check_op(lambda y: a @ y, [b], seed)       # ndarray @ Tensor (__rmatmul__)


@SETTINGS
@given(data=st.data(), n=st.integers(1, 4), d_in=st.integers(1, 4), d_out=st.integers(1, 4),
       batch=st.sampled_from(["1d", "2d", "3d"]), bias=st.sampled_from([None, "vec", "row"]),
       seed=seeds)
def test_linear(data, n, d_in, d_out, batch, bias, seed):
    x_shape = {"1d": (d_in,), "2d": (n, d_in), "3d": (2, n, d_in)}[batch]
    x = data.draw(array(x_shape))
    W = data.draw(array((d_in, d_out)))
    if bias is None:
        check_op(lambda x_, W_: E.linear(x_, W_), [x, W], seed)
    else:
        b = data.draw(array((d_out,) if bias == "vec" else (1, d_out)))
        if batch == "1d" and bias == "row":
            b = b[0]
        check_op(lambda x_, W_, b_: E.linear(x_, W_, b_), [x, W, b], seed)
        # one node equals x @ W + b
        np.testing.assert_allclose(E.linear(x, W, b).data, x @ W + b, rtol=1e-12, atol=1e-12)


@SETTINGS
@given(data=st.data(), n=st.integers(1, 4), d_in=st.integers(1, 4), d_out=st.integers(1, 4),
       batch=st.sampled_from(["1d", "2d", "3d"]), bias=st.booleans(),
       activation=st.sampled_from(["relu", "tanh", "sigmoid"]), seed=seeds)
def test_linear_with_activation(data, n, d_in, d_out, batch, bias, activation, seed):
    """linear(x, W, b, activation) is one node; it must equal the two-node form."""
    x_shape = {"1d": (d_in,), "2d": (n, d_in), "3d": (2, n, d_in)}[batch]
    x = data.draw(array(x_shape))
    W = data.draw(array((d_in, d_out)))
    inputs = [x, W] + ([data.draw(array((d_out,)))] if bias else [])
    if activation == "relu":  # keep x W + b away from the kink, where FD is meaningless
        assume(np.min(np.abs(E.linear(*inputs).data), initial=1) > 1e-3)
    check_op(lambda *ts: E.linear(*ts, activation=activation), inputs, seed)
    fused = E.linear(*[Tensor(a, requires_grad=True) for a in inputs], activation=activation)
    assert fused.op == f"linear_{activation}" and fused._inputs[0]._op is None  # one node
    two_nodes = getattr(E.linear(*inputs), activation)()
    np.testing.assert_allclose(fused.data, two_nodes.data, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["logsumexp", "log_softmax", "softmax"])
@SETTINGS
@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
       keepdims=st.booleans(), seed=seeds)
def test_softmax_family(name, data, shape, keepdims, seed):
    x = data.draw(array(shape, floats(-5, 5)))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    if name == "logsumexp":
        check_op(lambda t: E.logsumexp(t, axis=axis, keepdims=keepdims), [x], seed)
        all_axes = E.logsumexp(Tensor(x), axis=None).data
        np.testing.assert_allclose(all_axes, np.log(np.sum(np.exp(x))), rtol=1e-12,
                                   atol=1e-12)
    else:
        check_op(lambda t: getattr(E, name)(t, axis=axis), [x], seed)


@SETTINGS
@given(data=st.data(), shapes=two_shapes, seed=seeds)
def test_bce_with_logits(data, shapes, seed):
    z = data.draw(array(shapes.input_shapes[0], floats(-6, 6)))
    y = data.draw(array(shapes.input_shapes[1], floats(0, 1)))
    check_op(E.bce_with_logits, [z, y], seed)
    # equals the textbook formula where that one is safe
    p = 1 / (1 + np.exp(-z))
    textbook = np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    np.testing.assert_allclose(E.bce_with_logits(z, y).data, textbook, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(data=st.data(), n=st.integers(1, 5), k=st.integers(1, 5), seed=seeds)
def test_softmax_cross_entropy(data, n, k, seed):
    z = data.draw(array((n, k), floats(-5, 5)))
    labels = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    check_op(lambda t: E.softmax_cross_entropy(t, labels), [z], seed)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    textbook = -np.mean(logp[np.arange(n), labels])
    np.testing.assert_allclose(E.softmax_cross_entropy(z, labels).data, textbook,
                               rtol=1e-9, atol=1e-12)


@SETTINGS
@given(data=st.data(), shapes=two_shapes, seed=seeds)
def test_mse(data, shapes, seed):
    p = data.draw(array(shapes.input_shapes[0]))
    y = data.draw(array(shapes.input_shapes[1]))
    check_op(E.mse, [p, y], seed)
    np.testing.assert_allclose(E.mse(p, y).data, np.mean((p - y) ** 2), rtol=1e-12)


def test_custom_op_with_make():
    def cube(x):
        return Tensor._make(x.data ** 3, (x,), lambda g: (g * 3 * x.data ** 2,),
                            jvp=lambda ts: 3 * x.data ** 2 * ts[0])
    check_op(lambda x: cube(x) * 2, [np.array([0.5, -1.0, 2.0])], seed=0)


# --------------------------------------------------------------------------- #
# Forward against reverse on random compositions                              #
# --------------------------------------------------------------------------- #
UNARY_STEPS = [
    lambda a: a.tanh(), lambda a: a.sigmoid(), lambda a: (a * a + 1).log(),
    lambda a: a.relu(), lambda a: a.abs(), lambda a: -a * 0.7, lambda a: a.tanh().exp(),
    lambda a: a.sum(axis=0, keepdims=True) + a, lambda a: a.max(axis=-1, keepdims=True) * a,
    lambda a: a.mean() - a, lambda a: a.T, lambda a: E.softmax(a), lambda a: a ** 2,
    lambda a: a[::-1], lambda a: a[[0, 0, 1]].reshape(3, 3) if a.size == 9 else a,
]
BINARY_STEPS = [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b,
    lambda a, b: a / (b * b + 1), lambda a, b: a @ b, lambda a, b: E.linear(a, b, b[0]),
    lambda a, b: E.linear(a, b, b[1], "tanh"), lambda a, b: E.linear(a, b, None, "sigmoid"),
    lambda a, b: E.linear(a, b, a[2], "relu"),
]


@SETTINGS
@given(program=st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100),
                                  st.integers(0, 100)), min_size=1, max_size=8),
       seed=seeds)
def test_forward_matches_reverse_on_random_programs(program, seed):
    """<u, J v> by one jvp equals <J^T u, v> by one backward pass."""
    rng = np.random.default_rng(seed)
    inputs = [rng.normal(size=(3, 3)) for _ in range(3)]

    def f(*xs):
        values = list(xs)
        for op, i, j in program:
            a, b = values[i % len(values)], values[j % len(values)]
            steps = len(UNARY_STEPS) + len(BINARY_STEPS)
            k = op % steps
            if k < len(UNARY_STEPS):
                values.append(UNARY_STEPS[k](a))
            else:
                values.append(BINARY_STEPS[k - len(UNARY_STEPS)](a, b))
        return values[-1]

    tensors = [Tensor(x, requires_grad=True) for x in inputs]
    out = f(*tensors)
    u = rng.normal(size=out.shape)
    out.backward(u)
    vs = [rng.normal(size=x.shape) for x in inputs]
    _, tangent = jvp(f, inputs, vs)
    forward = np.sum(u * tangent)
    reverse = sum(np.sum((t.grad if t.grad is not None else 0) * v) for t, v in zip(tensors, vs))
    assert abs(forward - reverse) <= 1e-9 * max(1.0, abs(forward), abs(reverse))
