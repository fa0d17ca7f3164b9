"""Derivatives as functions: grad, value_and_grad, vjp, jvp and Jacobians.

These take a function written with Tensors and give back plain NumPy arrays,
in the style of JAX:

    >>> import numpy as np
    >>> from trisep_nn import grad, jvp
    >>> f = lambda a, b: (a * b).log()           # f(a, b) = log(ab)
    >>> grad(f, argnums=(0, 1))(2.0, 3.0)        # (1/a, 1/b), by reverse mode
    (array(0.5), array(0.33333333))
    >>> jvp(f, (2.0, 3.0), (1.0, 0.0))           # (f, df/da), by forward mode
    (array(1.79175947), array(0.5))

Reverse mode (``grad``, ``vjp``) runs f once, recording the graph, then
walks it backwards: one backward pass gives the gradient with respect to *all*
inputs, for one output direction. Forward mode (``jvp``) carries a tangent
along with every value: one forward pass gives the derivative of *all* outputs
along one input direction. Hence for f: R^n -> R^m, the full Jacobian costs
m backward passes (``jacobian_reverse``) or n forward passes
(``jacobian_forward``).
"""

import numpy as np

from .ops import as_float_array, describe
from .tensor import Tensor, backpropagate, enable_grad, no_grad

__all__ = ["grad", "value_and_grad", "vjp", "jvp", "jacobian_forward", "jacobian_reverse"]


def _array(value, name="an argument"):
    """A float array (floats keep their dtype, the rest becomes float64), copied so
    that nothing we return shares memory with the caller."""
    return _float(value, name).copy()


def _float(value, name):
    """value as a float array; booleans are refused (a point to differentiate at is
    made of numbers)."""
    try:
        if np.asarray(value.data if isinstance(value, Tensor) else value).dtype == bool:
            raise TypeError
        return as_float_array(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or an array of numbers; "
                        f"got {describe(value)}") from None


def _function(f, name):
    if not callable(f):
        raise TypeError(f"{name}: f must be a function of Tensors, got {describe(f)}")
    return f


def _sequence(values, name):
    if isinstance(values, (str, dict)) or not hasattr(values, "__iter__"):
        raise TypeError(f"jvp: {name} must be a tuple, one entry per argument of f; got "
                        f"{describe(values)}")
    return tuple(values)


def _output(out, name):
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}: the function must return a Tensor (built from its "
                        f"arguments with Tensor operations); it returned {type(out).__name__}")
    return out


def _gradients(out, leaves, seed):
    """d<seed, out>/d leaf for each leaf, as new arrays (zeros where out does not depend on it)."""
    if not out.requires_grad:
        return [np.zeros_like(leaf.data) for leaf in leaves]
    found = backpropagate(out, seed, retain_graph=True)  # vjp_fn may walk it again
    return [found[leaf] if leaf in found else np.zeros_like(leaf.data) for leaf in leaves]


def value_and_grad(f, argnums=0):
    """Turn f (Tensors -> one-element Tensor) into a function returning
    (f(*args), gradient), both as plain arrays.

    argnums: an int, or a tuple of ints for a tuple of gradients. The other
    arguments are passed to f unchanged.

        >>> value_and_grad(lambda x: (x * x).sum())(np.array([1.0, 2.0]))
        (array(5.), array([2., 4.]))
    """
    several = isinstance(argnums, (tuple, list))
    nums = tuple(argnums) if several else (argnums,)
    _function(f, "value_and_grad")
    if not nums or not all(isinstance(i, int) and not isinstance(i, bool) for i in nums):
        raise TypeError(f"argnums must be an int or a tuple of ints, got {argnums!r}")

    def value_and_grad_f(*args):
        args = list(args)
        for i in nums:
            if not -len(args) <= i < len(args):
                raise ValueError(f"argnums={argnums} but f was called with {len(args)} "
                                 "arguments")
        leaves = [Tensor(_array(args[i], f"argument {i}"), requires_grad=True) for i in nums]
        for i, leaf in zip(nums, leaves):
            args[i] = leaf
        with enable_grad():
            out = _output(f(*args), "value_and_grad")
        if out.data.size != 1:
            raise ValueError(f"grad: f must return a one-element Tensor (a scalar loss); it "
                             f"returned shape {out.shape}. For vector outputs use vjp or a "
                             "jacobian_* function.")
        grads = _gradients(out, leaves, np.ones_like(out.data))
        value = out.data.copy()
        return value, (tuple(grads) if several else grads[0])

    value_and_grad_f.__name__ = f"value_and_grad({getattr(f, '__name__', 'f')})"
    return value_and_grad_f


def grad(f, argnums=0):
    """Turn f (Tensors -> one-element Tensor) into a function returning its
    gradient (a plain array; a tuple of arrays if argnums is a tuple).

        >>> grad(lambda x: (x ** 3).sum())(np.array([1.0, 2.0]))   # 3 x^2
        array([ 3., 12.])
    """
    value_and_grad_f = value_and_grad(f, argnums)

    def grad_f(*args):
        return value_and_grad_f(*args)[1]

    grad_f.__name__ = f"grad({getattr(f, '__name__', 'f')})"
    return grad_f


def vjp(f, *primals):
    """Reverse mode. Returns (f(*primals), vjp_fn), where vjp_fn(u) gives the
    tuple (u^T df/dx_1, ..., u^T df/dx_k): one array per primal, each shaped
    like that primal. f runs once; vjp_fn may be called many times (each call
    is one backward pass).

        >>> out, vjp_fn = vjp(lambda x: x * x, np.array([1.0, 2.0]))
        >>> vjp_fn(np.array([1.0, 10.0]))
        (array([ 2., 40.]),)
    """
    _function(f, "vjp")
    leaves = [Tensor(_array(p, "a primal"), requires_grad=True) for p in primals]
    with enable_grad():
        out = _output(f(*leaves), "vjp")
    value = out.data.copy()

    def vjp_fn(cotangent):
        u = np.asarray(_float(cotangent, "the cotangent"), dtype=out.data.dtype)
        if u.shape != out.shape:
            raise ValueError(f"vjp_fn: the cotangent has shape {u.shape} but f's output has "
                             f"shape {out.shape}")
        return tuple(_gradients(out, leaves, u))

    return value, vjp_fn


def jvp(f, primals, tangents):
    """Forward mode. Returns (f(*primals), J @ tangents): the output and its
    derivative along the direction `tangents` (one per primal, each shaped like
    it). The tangents travel forward with the values; nothing runs backwards
    and no graph is recorded.

        >>> jvp(lambda x: x.exp(), (np.array([0.0, 1.0]),), (np.array([1.0, 1.0]),))
        (array([1.        , 2.71828183]), array([1.        , 2.71828183]))
    """
    _function(f, "jvp")
    primals, tangents = _sequence(primals, "primals"), _sequence(tangents, "tangents")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: got {len(primals)} primals but {len(tangents)} tangents; "
                         "give one tangent per primal")
    inputs = []
    for p, t in zip(primals, tangents):
        # no copy of p: operations never write into their inputs, and what we
        # return is copied below
        x = Tensor(_float(p, "a primal"))
        t = np.asarray(_float(t, "a tangent"), dtype=x.data.dtype)
        if t.shape != x.shape:
            raise ValueError(f"jvp: a tangent has shape {t.shape} but its primal has shape "
                             f"{x.shape}")
        x.tangent = t
        inputs.append(x)
    with no_grad():  # forward mode needs no graph
        out = _output(f(*inputs), "jvp")
    tangent = out.tangent if out.tangent is not None else np.zeros_like(out.data)
    return out.data.copy(), np.array(tangent, copy=True)


def jacobian_forward(f, x):
    """The Jacobian d f(x) / dx by forward mode: one jvp per input entry (n passes).

    Shape: f(x).shape + x.shape. Cheap when x is small and f(x) is large.
    """
    _function(f, "jacobian_forward")
    x = _array(x, "x")
    out = None
    columns = []
    for k in range(x.size):
        e_k = np.zeros(x.size, dtype=x.dtype)
        e_k[k] = 1.0
        out, column = jvp(f, (x,), (e_k.reshape(x.shape),))
        columns.append(column)
    if out is None:  # x has no entries
        out = np.asarray(_output(f(Tensor(x)), "jacobian_forward").data)
        return np.zeros(out.shape + x.shape, dtype=x.dtype)
    return np.stack(columns, axis=-1).reshape(out.shape + x.shape)


def jacobian_reverse(f, x):
    """The Jacobian d f(x) / dx by reverse mode: one forward pass, then one
    backward pass per output entry (m passes).

    Shape: f(x).shape + x.shape. Cheap when f(x) is small (a loss!) and x is large.
    """
    out, vjp_fn = vjp(f, _array(x, "x"))
    rows = []
    for k in range(out.size):
        e_k = np.zeros(out.size, dtype=out.dtype)
        e_k[k] = 1.0
        rows.append(vjp_fn(e_k.reshape(out.shape))[0])
    x_shape = np.shape(x)
    if not rows:
        return np.zeros(out.shape + x_shape, dtype=out.dtype)
    return np.stack(rows).reshape(out.shape + x_shape)
