"""Checking gradients against finite differences: shared by the engine's tests.

check_op(f, inputs, seed) runs f on Tensors, backpropagates a random upstream
gradient u (never all ones), and compares every input's gradient with central
differences of sum(u * f(x)) in float64; it also checks that the gradients come
back in each input's exact shape and dtype, share memory with nothing, that no
input is modified, and that forward mode agrees: <u, J v> = <J^T u, v>.
"""

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from trisep_nn.autodiff import jvp
from trisep_nn.tensor import Tensor, no_grad

SETTINGS = settings(max_examples=30, deadline=None, database=None)
REL_TOL = 1e-6  # required agreement with finite differences
FD_STEP = 1e-6


def numeric_gradient(f, inputs, k, u):
    """Central differences of L(x) = sum(u * f(x)) with respect to inputs[k]."""
    grad = np.zeros_like(inputs[k])
    for i in np.ndindex(inputs[k].shape):
        values = []
        for step in (FD_STEP, -FD_STEP):
            shifted = [x.copy() for x in inputs]
            shifted[k][i] += step
            with no_grad():
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
