"""Every operation of the derivative table (ops.py) against central finite
differences (float64), with random upstream gradients and broadcast shapes, and
forward mode against reverse mode: <u, J v> computed both ways must agree (see
finite_differences.check_op, which also checks shapes, aliasing and mutation).
"""

import warnings

import numpy as np
import pytest
from finite_differences import (
    SETTINGS,
    array,
    away_from_zero,
    check_op,
    floats,
    seeds,
    small_shapes,
    two_shapes,
)
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from trisep_nn import ops
from trisep_nn.autodiff import jvp
from trisep_nn.tensor import Tensor

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
    "module exp": (lambda x: ops.exp(x), floats(-3, 3)),
    "module relu": (lambda x: ops.relu(x), away_from_zero(1e-3, 3)),
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
        check_op(lambda x_, W_: ops.linear(x_, W_), [x, W], seed)
    else:
        b = data.draw(array((d_out,) if bias == "vec" else (1, d_out)))
        if batch == "1d" and bias == "row":
            b = b[0]
        check_op(lambda x_, W_, b_: ops.linear(x_, W_, b_), [x, W, b], seed)
        # one node equals x @ W + b
        np.testing.assert_allclose(ops.linear(x, W, b).data, x @ W + b, rtol=1e-12, atol=1e-12)


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
        assume(np.min(np.abs(ops.linear(*inputs).data), initial=1) > 1e-3)
    check_op(lambda *ts: ops.linear(*ts, activation=activation), inputs, seed)
    fused = ops.linear(*[Tensor(a, requires_grad=True) for a in inputs], activation=activation)
    assert fused.op == f"linear_{activation}" and fused._inputs[0]._op is None  # one node
    two_nodes = getattr(ops.linear(*inputs), activation)()
    np.testing.assert_allclose(fused.data, two_nodes.data, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["logsumexp", "log_softmax", "softmax"])
@SETTINGS
@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
       keepdims=st.booleans(), seed=seeds)
def test_softmax_family(name, data, shape, keepdims, seed):
    x = data.draw(array(shape, floats(-5, 5)))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    if name == "logsumexp":
        check_op(lambda t: ops.logsumexp(t, axis=axis, keepdims=keepdims), [x], seed)
        all_axes = ops.logsumexp(Tensor(x), axis=None).data
        np.testing.assert_allclose(all_axes, np.log(np.sum(np.exp(x))), rtol=1e-12,
                                   atol=1e-12)
    else:
        check_op(lambda t: getattr(ops, name)(t, axis=axis), [x], seed)


def test_custom_op_with_make():
    def cube(x):
        return ops.custom_op(x.data ** 3, (x,), lambda g: (g * 3 * x.data ** 2,),
                            jvp=lambda ts: 3 * x.data ** 2 * ts[0])
    check_op(lambda x: cube(x) * 2, [np.array([0.5, -1.0, 2.0])], seed=0)


# --------------------------------------------------------------------------- #
# Forward against reverse on random compositions                              #
# --------------------------------------------------------------------------- #
UNARY_STEPS = [
    lambda a: a.tanh(), lambda a: a.sigmoid(), lambda a: (a * a + 1).log(),
    lambda a: a.relu(), lambda a: a.abs(), lambda a: -a * 0.7, lambda a: a.tanh().exp(),
    lambda a: a.sum(axis=0, keepdims=True) + a, lambda a: a.max(axis=-1, keepdims=True) * a,
    lambda a: a.mean() - a, lambda a: a.T, lambda a: ops.softmax(a), lambda a: a ** 2,
    lambda a: a[::-1], lambda a: a[[0, 0, 1]].reshape(3, 3) if a.size == 9 else a,
]
BINARY_STEPS = [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b,
    lambda a, b: a / (b * b + 1), lambda a, b: a @ b, lambda a, b: ops.linear(a, b, b[0]),
    lambda a, b: ops.linear(a, b, b[1], "tanh"), lambda a, b: ops.linear(a, b, None, "sigmoid"),
    lambda a, b: ops.linear(a, b, a[2], "relu"),
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


# --------------------------------------------------------------------------- #
# The cases peers' test suites check (tinygrad's test_ops, HIPS autograd's     #
# test_numpy and test_systematic, MyGrad's), in our own words                  #
# --------------------------------------------------------------------------- #
X342 = np.random.default_rng(7).normal(size=(4, 3, 2))

INDEX_FORMS = {  # every index form NumPy accepts, repeats included
    "int": 1, "negative int": -1, "slice": slice(1, 3), "reversed": slice(None, None, -1),
    "step": slice(None, None, 2), "None": None, "None inside": (slice(None), None),
    "Ellipsis": (Ellipsis, 0), "Ellipsis first": (0, Ellipsis), "empty tuple": (),
    "bool mask": X342 > 0, "row mask": np.array([True, False, True, True]),
    "int array with repeats": np.array([0, 0, 2, 0]), "2-D int array": np.array([[0, 1], [1, 1]]),
    "list with repeats": [3, 0, 3], "nested list": [[0, 1], [2, 2]], "empty list": [],
    "tuple inside": ((0, 0), slice(None)), "tuple of one tuple": ((0, 0),),
    "two tuples": ((0, 1, 1), (2, 2, 0)), "list and int": ([0, 0], 1),
    "int and list": (1, [0, 0, 2]), "Ellipsis and list": (Ellipsis, [1, 1]),
    "list and slice": ([2, 2], slice(1, None)), "bool list": [True, False, False, True],
}


@pytest.mark.parametrize("name", sorted(INDEX_FORMS))
def test_every_index_form_against_finite_differences(name):
    index = INDEX_FORMS[name]
    check_op(lambda t: t[index], [X342], seed=1)
    np.testing.assert_array_equal(Tensor(X342)[index].data, X342[index])


def test_a_tensor_index_holds_integer_positions():
    x = Tensor(np.arange(4.0), requires_grad=True)
    x[Tensor([0, 0, 3])].sum().backward()
    np.testing.assert_array_equal(x.grad, [2, 0, 0, 1])
    with pytest.raises(IndexError, match="whole numbers"):
        x[Tensor([0.5])]


def test_a_tuple_of_indices_inside_an_index_adds_repeated_gradients():
    x = Tensor(np.ones((3, 2)), requires_grad=True)  # PyTorch: [[2, 2], [0, 0], [0, 0]]
    x[(0, 0), :].sum().backward()
    np.testing.assert_array_equal(x.grad, [[2, 2], [0, 0], [0, 0]])
    y = Tensor(np.ones((3, 2)), requires_grad=True)
    y[((0, 0),)].sum().backward()
    np.testing.assert_array_equal(y.grad, [[2, 2], [0, 0], [0, 0]])


def test_an_empty_index_list_picks_nothing():
    x = Tensor(np.ones((3, 2)), requires_grad=True)
    picked = x[[]]
    assert picked.shape == (0, 2)
    picked.sum().backward()
    np.testing.assert_array_equal(x.grad, np.zeros((3, 2)))


@pytest.mark.parametrize("p, slope", [(0.0, 0.0), (0, 0.0), (1.0, 1.0), (2.0, 0.0), (3, 0.0)])
def test_power_at_zero_has_the_closed_form_slope(p, slope):
    """d(x^p)/dx at x = 0: 0 for p = 0 (x^0 is the constant 1), 1 for p = 1, 0 for
    p >= 2 (HIPS autograd's issue #116; NaN before)."""
    x = Tensor(0.0, requires_grad=True)
    (x ** p).backward()
    assert float(x.grad) == slope


def test_zero_to_a_power_has_slope_zero_where_it_is_constant():
    x = Tensor([0.0, 0.5, 2.0], requires_grad=True)
    (0.0 ** x).sum().backward()  # 0^x = 1 at x = 0, 0 for x > 0: PyTorch gives 0, 0, 0
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])
    bases = np.array([0.0, 2.0])
    y = Tensor([1.5, 1.5], requires_grad=True)
    (bases ** y).sum().backward()  # an array of bases, one of them 0
    np.testing.assert_allclose(y.grad, [0.0, 2.0 ** 1.5 * np.log(2.0)], rtol=1e-14)
    z = Tensor(0.0, requires_grad=True)
    (z ** np.array([0.0, 2.0])).sum().backward()  # an array of exponents, one of them 0
    assert float(z.grad) == 0.0


@pytest.mark.parametrize("p", [2, 3, -1, -2, 2.0, 3.0])
def test_negative_bases_with_whole_exponents(p):
    check_op(lambda t: t ** p, [np.array([-2.5, -1.0, -0.5])], seed=2)


def test_a_negative_base_to_a_fractional_power_is_nan_with_numpys_warning():
    with pytest.warns(RuntimeWarning, match="invalid value"):
        y = Tensor([-4.0], requires_grad=True) ** 0.5
    assert np.isnan(y.data).all()


REDUCTIONS = {
    "sum": lambda t, axis: t.sum(axis=axis), "mean": lambda t, axis: t.mean(axis=axis),
    "max": lambda t, axis: t.max(axis=axis), "min": lambda t, axis: t.min(axis=axis),
    "logsumexp": lambda t, axis: ops.logsumexp(t, axis=axis),
}


@pytest.mark.parametrize("axis", [None, 0, -1, (0,), (-1,), ()])
@pytest.mark.parametrize("name", sorted(REDUCTIONS) + ["softmax", "log_softmax"])
def test_reductions_of_a_zero_d_tensor_over_every_axis_form(name, axis):
    """A 0-d tensor takes axis 0 and -1, as in PyTorch; the value is x itself (1 and
    0 for softmax and log_softmax), the slope 1 (0)."""
    x = Tensor(1.5, requires_grad=True)
    if name in REDUCTIONS:
        y, value, slope = REDUCTIONS[name](x, axis), 1.5, 1.0
    else:
        y = getattr(ops, name)(x, axis=axis)
        value, slope = (1.0, 0.0) if name == "softmax" else (0.0, 0.0)
    assert y.shape == () and float(y.data) == value
    y.backward()
    assert x.grad.shape == () and float(x.grad) == slope


@pytest.mark.parametrize("axis", [1, -2, (0, 1)])
def test_an_axis_a_zero_d_tensor_does_not_have_is_named(axis):
    with pytest.raises(ValueError, match="axis"):
        Tensor(1.5).sum(axis=axis)


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0,)])
@pytest.mark.parametrize("axis", [None, 0, -1, ()])
@pytest.mark.parametrize("name", ["sum", "mean", "logsumexp"])
def test_reductions_of_empty_arrays_give_empty_gradients(name, shape, axis):
    x = Tensor(np.zeros(shape), requires_grad=True)
    expected = {"sum": np.sum, "mean": np.mean,
                "logsumexp": lambda a, axis: np.log(np.sum(np.exp(a), axis=axis))}[name]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the mean of nothing is NaN
        y = REDUCTIONS[name](x, axis)
        np.testing.assert_array_equal(y.data, expected(np.zeros(shape), axis=axis))
        y.backward(np.ones(y.shape))
    assert x.grad.shape == shape and x.grad.size == 0


def test_the_max_of_nothing_is_an_error_that_names_max():
    with pytest.raises(ValueError, match="max"):
        Tensor(np.zeros((0, 3))).max(axis=0)


@pytest.mark.parametrize("shape", [(1,), (1, 1), (1, 1, 1)])
@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reductions_of_one_element_arrays_over_every_axis(name, shape):
    axes = [None, *range(-len(shape), len(shape)), tuple(range(len(shape))), ()]
    for axis in axes:
        check_op(lambda t, axis=axis: REDUCTIONS[name](t, axis), [np.array(0.7).reshape(shape)],
                 seed=3)


# --------------------------------------------------------------------------- #
# Infinities and NaNs through every operation, against closed forms            #
# --------------------------------------------------------------------------- #
SPECIAL = np.array([-np.inf, -2.0, -0.5, 0.5, 2.0, np.inf, np.nan])

# op: (the function of Tensors, its value and its derivative written in NumPy)
ELEMENTWISE = {
    "exp": (lambda t: t.exp(), np.exp, np.exp),
    "log": (lambda t: t.log(), np.log, lambda x: 1 / x),
    "tanh": (lambda t: t.tanh(), np.tanh, lambda x: 1 / np.cosh(x) ** 2),
    "sigmoid": (lambda t: t.sigmoid(), lambda x: 0.5 * (1 + np.tanh(x / 2)),
                lambda x: 0.25 / np.cosh(x / 2) ** 2),
    "relu": (lambda t: t.relu(), lambda x: np.maximum(x, 0), lambda x: (x > 0) * 1.0),
    "abs": (lambda t: t.abs(), np.abs, np.sign),
    "neg": (lambda t: -t, np.negative, lambda x: -np.ones_like(x)),
    "square": (lambda t: t ** 2, np.square, lambda x: 2 * x),
    "cube": (lambda t: t ** 3, lambda x: x ** 3, lambda x: 3 * x ** 2),
    "sqrt": (lambda t: t ** 0.5, np.sqrt, lambda x: 0.5 / np.sqrt(x)),
    "reciprocal": (lambda t: 1 / t, lambda x: 1 / x, lambda x: -1 / x ** 2),
    "two to the x": (lambda t: 2.0 ** t, np.exp2, lambda x: np.exp2(x) * np.log(2)),
}


def quietly(f, *args):
    """f(*args) with NumPy's warnings about inf and NaN silenced (the values are the test)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return f(*args)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_infinities_and_nans_through_elementwise_ops(name):
    f, value, slope = ELEMENTWISE[name]
    u = np.linspace(0.5, 2.0, SPECIAL.size)
    x = Tensor(SPECIAL.copy(), requires_grad=True)

    def run():
        y = f(x)
        y.backward(u)
        return y.data

    np.testing.assert_allclose(quietly(run), quietly(value, SPECIAL), rtol=1e-14)
    np.testing.assert_allclose(x.grad, quietly(lambda: u * slope(SPECIAL)), rtol=1e-12)


BINARY_CLOSED = {  # value, and the gradients for x and y given the upstream u
    "add": (np.add, lambda u, x, y: (u, u)),
    "sub": (np.subtract, lambda u, x, y: (u, -u)),
    "mul": (np.multiply, lambda u, x, y: (u * y, u * x)),
    "div": (np.divide, lambda u, x, y: (u / y, -u * x / y ** 2)),
}


@pytest.mark.parametrize("name", sorted(BINARY_CLOSED))
def test_infinities_and_nans_through_binary_ops(name):
    value, grads = BINARY_CLOSED[name]
    x_values, y_values = np.meshgrid(SPECIAL, SPECIAL)
    u = np.random.default_rng(4).normal(size=x_values.shape)
    x, y = Tensor(x_values, requires_grad=True), Tensor(y_values, requires_grad=True)

    def run():
        out = getattr(x, f"__{'truediv' if name == 'div' else name}__")(y)
        out.backward(u)
        return out.data

    np.testing.assert_allclose(quietly(run), quietly(value, x_values, y_values), rtol=1e-14)
    expected = quietly(grads, u, x_values, y_values)
    np.testing.assert_allclose(x.grad, expected[0], rtol=1e-12)
    np.testing.assert_allclose(y.grad, expected[1], rtol=1e-12)


def test_infinities_and_nans_through_matmul_linear_and_shape_ops():
    a = np.array([[np.inf, 1.0], [np.nan, 2.0]])
    W = np.array([[1.0, -1.0], [0.5, 2.0]])
    u = np.array([[1.0, 2.0], [3.0, 4.0]])
    for f in (lambda t, w: t @ w, lambda t, w: ops.linear(t, w)):
        x, w = Tensor(a, requires_grad=True), Tensor(W, requires_grad=True)
        out = quietly(f, x, w)
        quietly(out.backward, u)
        np.testing.assert_allclose(out.data, quietly(np.matmul, a, W))
        np.testing.assert_allclose(x.grad, u @ W.T)  # finite: W and u are
        np.testing.assert_allclose(w.grad, quietly(np.matmul, a.T, u))
    for f in (lambda t: t.T, lambda t: t.reshape(4), lambda t: t[::-1], lambda t: t.sum(0)):
        x = Tensor(a, requires_grad=True)
        out = f(x)
        out.backward(np.ones(out.shape))
        np.testing.assert_array_equal(x.grad, np.ones(a.shape))  # moved, never NaN


def test_sum_and_mean_pass_gradients_past_infinities_and_nans():
    x = Tensor(SPECIAL.copy(), requires_grad=True)
    quietly(lambda: (x.sum() + x.mean()).backward())
    np.testing.assert_allclose(x.grad, np.full(SPECIAL.size, 1 + 1 / SPECIAL.size))


def test_max_gives_the_gradient_to_a_nan_or_infinite_maximum():
    x = Tensor([1.0, np.nan, 3.0], requires_grad=True)
    y = x.max()  # PyTorch: NaN is the maximum, and takes the gradient
    y.backward()
    assert np.isnan(y.data) and x.grad.tolist() == [0.0, 1.0, 0.0]
    x = Tensor([1.0, np.inf, -np.inf], requires_grad=True)
    x.max().backward()
    x.min().backward()  # a second graph: the gradients add up in x.grad
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 1.0])


@pytest.mark.parametrize("x, value, grad", [
    ([np.inf, 1.0, 2.0], np.inf, [1.0, 0.0, 0.0]),          # PyTorch: inf (was NaN)
    ([np.inf, np.inf, 0.0], np.inf, [0.5, 0.5, 0.0]),
    ([-np.inf, -np.inf], -np.inf, [0.5, 0.5]),              # PyTorch: -inf (was NaN)
    ([-np.inf, 0.0], 0.0, [0.0, 1.0]),
    ([np.nan, 0.0], np.nan, [np.nan, np.nan]),
])
def test_logsumexp_and_softmax_at_infinities_take_their_limits(x, value, grad):
    """logsumexp's value and gradient (softmax) where an entry is infinite: the
    limits (the softmax of [t, 1, 2] tends to [1, 0, 0] as t -> inf)."""
    t = Tensor(x, requires_grad=True)
    y = ops.logsumexp(t)
    y.backward()
    np.testing.assert_array_equal(y.data, value)
    np.testing.assert_array_equal(t.grad, grad)
    np.testing.assert_array_equal(ops.softmax(Tensor(x)).data, grad)
    expected_log = quietly(np.log, np.asarray(grad))
    np.testing.assert_array_equal(ops.log_softmax(Tensor(x)).data, expected_log)
