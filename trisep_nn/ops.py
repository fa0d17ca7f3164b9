"""Operations: THE DERIVATIVE TABLE, and how an operation is applied.

Every operation is one entry in the table below: its name, how to compute it,
its vjp rule (reverse mode: from the upstream gradient to the gradient of
each input) and its jvp rule (forward mode: from the tangent of each input to
the output's tangent), one line each where possible, written in terms of

    g     the upstream gradient, shaped like the output
    t     the tangent of one input, shaped like that input
    ans   the output value
    x, y  the input values (plain NumPy arrays)

When an input was broadcast, the graph walk (tensor.py) sums its gradient back
to the input's exact shape, so the rules never worry about broadcasting.

To add an operation: one ``Op(...)`` entry in the table, or for a one-off,
``custom_op(value, parents, backward)``. The losses' fused operations (one
node each, gradients in closed form) are in losses.py, beside the checks of
their inputs.
"""

import numpy as np

from .tensor import Tensor

__all__ = ["Op", "custom_op", "exp", "log", "tanh", "sigmoid", "relu", "matmul",
           "linear", "logsumexp", "log_softmax", "softmax"]


class Op:
    """One differentiable operation: how to compute it, and its two derivative rules.

    forward(*xs, **params)        -> output value (or (value, saved) if saves=True;
                                     `saved` is then passed to the rules as a parameter)
    vjp[i](g, ans, *xs, **params) -> the gradient for input i (reverse mode)
    jvp[i](t, ans, *xs, **params) -> the output tangent due to input i's tangent t
                                     (forward mode; the tangents are added up)
    slope (optional): for an op ending in an element-wise activation, ans =
        f(inner(xs)), f' in terms of the output (for ReLU: ans > 0). The rules
        are then those of `inner`; f' is applied (the chain rule through f) to g
        before them, and to the summed tangent after them.
    explain (optional): function (shapes, error) -> a clearer error message.
    """

    __slots__ = ("name", "symbol", "forward", "vjp", "jvp", "saves", "slope", "explain")

    def __init__(self, name, symbol, forward, vjp, jvp, saves=False, slope=None, explain=None):
        self.name, self.symbol, self.forward, self.saves = name, symbol, forward, saves
        self.vjp, self.jvp = vjp and tuple(vjp), jvp and tuple(jvp)  # None: a custom op
        self.slope, self.explain = slope, explain

    def __call__(self, *inputs, **params):
        """Apply the op to tensors (numbers and arrays become constants)."""
        for x in inputs:
            if type(x) is not Tensor:
                inputs = lift(inputs)
                break
        xs = [x.data for x in inputs]
        try:
            ans = self.forward(*xs, **params)
        except ValueError as err:
            raise ValueError(_explain(self, [x.shape for x in xs], err)) from None
        if self.saves:
            ans, params["saved"] = ans
        if type(ans) is not np.ndarray:  # NumPy returns scalars for 0-d results
            ans = np.asarray(ans)
        out = Tensor.record(self, ans, inputs, params)
        for x in inputs:
            if x.tangent is not None:  # forward mode: the tangent comes along
                out.tangent = _push_tangents(self, ans, inputs, params)
                break
        return out

    def __repr__(self):
        return f"<Op {self.name}>"


def custom_op(data, parents, backward, jvp=None, op_name="custom"):
    """A graph node for an operation the engine does not know.

    data      the output value (array)
    parents   the input tensors
    backward  function g -> one gradient (or None) per parent, each shaped like
              that parent; the engine adds them up
    jvp       optional, for forward mode: function (tangents) -> the output's
              tangent, given one array (or None) per parent

        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> cube = custom_op(x.data ** 3, (x,), lambda g: (g * 3 * x.data ** 2,))
        >>> cube.sum().backward(); x.grad
        array([ 3., 12.])
    """
    if not isinstance(parents, (tuple, list)) or not all(isinstance(p, Tensor) for p in parents):
        raise TypeError(f"custom_op: parents must be a tuple of Tensors, got {describe(parents)}")
    parents = tuple(parents)
    if not callable(backward):
        raise TypeError(f"custom_op: backward must be a function, got {describe(backward)}")
    op = Op(op_name, op_name, forward=None, vjp=None, jvp=None)
    out = Tensor.record(op, as_float_array(data), parents, {"backward": backward})
    if any(p.tangent is not None for p in parents):
        if jvp is None:
            raise NotImplementedError(f"the custom op {op_name!r} has no jvp rule for forward "
                                      "mode; pass jvp=... to custom_op")
        out.tangent = np.asarray(jvp([p.tangent for p in parents]), dtype=out.dtype)
    return out


def as_float_array(data):
    """Turn data into a float ndarray (shared where it already is one), or say
    clearly what was wrong with it."""
    if isinstance(data, Tensor):
        return data.data
    try:
        array = np.asarray(data)
    except (ValueError, TypeError) as err:
        raise ValueError(f"Tensor data must be a number, a rectangular list of numbers "
                         f"or an array; got {describe(data)} ({err})") from None
    if array.dtype.kind == "f":
        return array
    if array.dtype.kind in "iub":
        return array.astype(np.float64)
    what = "does not support complex numbers" if array.dtype.kind == "c" else (
        "data must be numeric (a number, a list of numbers or a numeric array)")
    raise TypeError(f"Tensor {what}; got {describe(data)}")


def describe(value):
    """A short description of a value for an error message: its type and repr."""
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    kind = f"ndarray of dtype {value.dtype}" if isinstance(value, np.ndarray) else (
        type(value).__name__)
    return f"{kind} {text}"


def lift(inputs):
    """Numbers and arrays become constant tensors. A Python number takes the
    dtype of the tensor it meets, so float32 stays float32."""
    dtype = next((x.data.dtype for x in inputs if isinstance(x, Tensor)), np.float64)
    return tuple(x if isinstance(x, Tensor)
                 else Tensor(np.asarray(x, dtype=dtype)) if isinstance(x, (int, float))
                 else Tensor(x)
                 for x in inputs)


def _explain(op, shapes, err):
    """A ValueError message naming the operation and the shapes involved."""
    if op.explain is not None:
        return op.explain(shapes, err)
    if len(shapes) > 1:
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:
            return (f"{op.name} ({op.symbol}): shapes {' and '.join(map(str, shapes))} "
                    f"cannot be broadcast together (compared from the right, each pair "
                    f"of dimensions must be equal or one of them 1)")
    return f"{op.name}: {err}"


def _push_tangents(op, ans, inputs, params):
    """Forward mode: the output's tangent is the sum of each input's jvp rule."""
    xs = [x.data for x in inputs]
    tangent, own = None, False  # own: a new array of ans's shape, ours to add into
    for x, rule in zip(inputs, op.jvp):
        if x.tangent is None:
            continue
        t = rule(x.tangent, ans, *xs, **params)
        if tangent is None:  # a rule's result is new, unless it is the tangent itself or a view
            tangent, own = t, _fits(t, ans) and t is not x.tangent and t.base is None
        elif own:
            tangent += t
        else:
            tangent = tangent + t
            own = _fits(tangent, ans)
    if op.slope is not None:  # ans = f(inner): the tangent goes through f last
        tangent = np.multiply(tangent, op.slope(ans), out=tangent if own else None)
    tangent = np.asarray(tangent, dtype=ans.dtype)
    return tangent if tangent.shape == ans.shape else np.broadcast_to(tangent, ans.shape)


def _fits(a, ans):
    """True if a is an array that results shaped and typed like ans can be written into."""
    return type(a) is np.ndarray and a.shape == ans.shape and a.dtype == ans.dtype


# --------------------------------------------------------------------------- #
# Arguments of the operations, checked                                         #
# --------------------------------------------------------------------------- #
def check_axis(axis, keepdims, ndim):
    """A reduction's axis (None, an int or a tuple of ints; negative counts from the
    end) and keepdims, checked. A 0-d tensor takes axis 0 or -1, as in PyTorch."""
    if not isinstance(keepdims, (bool, np.bool_)):
        raise TypeError(f"keepdims must be True or False; got {keepdims!r}")
    several = isinstance(axis, (tuple, list))
    axes = tuple(axis) if several else (axis,)
    if axis is None or ndim == 0 and axes and all(a in (0, -1) for a in axes):
        return {"axis": None, "keepdims": bool(keepdims)}
    if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"axis must be None, an int or a tuple of ints; got {axis!r}")
    if not all(-ndim <= a < ndim for a in axes):
        raise ValueError(f"axis {axis!r} is out of range for a tensor with {ndim} dimension(s)")
    axes = tuple(int(a) % ndim for a in axes)
    if len(set(axes)) < len(axes):
        raise ValueError(f"axis {axis!r} names the same axis twice")
    return {"axis": axes if several else axes[0], "keepdims": bool(keepdims)}


def check_permutation(axes, ndim):
    """transpose's axes: none (reverse them all) or a permutation of 0 .. ndim-1."""
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    if not axes:
        return None
    if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"transpose: axes must be whole numbers; got {axes!r}")
    if sorted(int(a) % ndim if ndim and -ndim <= a < ndim else -1 for a in axes) != list(
            range(ndim)):
        raise ValueError(f"transpose: axes {axes} must be a permutation of "
                         f"{tuple(range(ndim))} for a tensor with {ndim} dimension(s)")
    return tuple(int(a) % ndim for a in axes)


def check_shape(shape):
    """reshape's shape, given as reshape(2, 3) or reshape((2, 3))."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in shape):
        raise TypeError(f"reshape: the shape must be whole numbers; got {shape!r}")
    return shape


def check_exponent(value, name):
    """The number or array in x ** p (name "exponent") or b ** x (name "base")."""
    if isinstance(value, Tensor):
        raise TypeError(f"x ** y with a Tensor {name} is not supported: the {name} must be a "
                        f"number or an array. For x ** y write (y * x.log()).exp().")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    array = np.asarray(value) if isinstance(value, (np.ndarray, np.number, list)) else None
    if array is None or array.dtype.kind not in "iuf":
        raise TypeError(f"the {name} of ** must be a number or an array of numbers; "
                        f"got {describe(value)}")
    return array


def check_index(index):
    """NumPy's index forms, with lists, nested tuples and Tensors made arrays (so that
    an entry picked twice, x[[0, 0]] or x[(0, 0), :], gets both gradients)."""
    if isinstance(index, tuple):
        return tuple(_index_part(i) for i in index)
    return _index_part(index)


def _index_part(i):
    if isinstance(i, Tensor):
        if not np.all(i.data == np.round(i.data)):  # also refuses NaN and inf
            raise IndexError(f"a Tensor used as an index must hold whole numbers (it is used "
                             f"as integer indices); got {describe(i.data)}. For a mask use "
                             f"a NumPy bool array (x > 0 gives one).")
        return i.data.astype(np.intp)
    if isinstance(i, (list, tuple)):
        array = np.asarray(i)
        return array.astype(np.intp) if array.size == 0 else array  # x[[]]: no entries
    return i


# --------------------------------------------------------------------------- #
# Helpers used by the rules                                                    #
# --------------------------------------------------------------------------- #
def _expand(g, shape, axis, keepdims):
    """Undo a reduction over `axis`: lay g out in `shape` again (a broadcast view)."""
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    return np.broadcast_to(g, shape)


def _sigmoid(x):
    """1 / (1 + exp(-x)) without overflow: exp(-|x|) is always in (0, 1]."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _power_slope(x, p):
    """d(x^p)/dx = p x^(p-1), and 0 where p = 0: x^0 = 1 is constant, also at x = 0
    (where p x^(p-1) would be 0 * inf = NaN). A negative x to a fractional power is
    NaN, and so is its slope (also at x = -inf, where x^(p-1) alone would be 0)."""
    if np.ndim(p) == 0:
        if p == 0:
            return np.zeros_like(x)
        slope = p * x ** (p - 1)
        return slope if float(p).is_integer() else np.where(x < 0, np.nan, slope)
    slope = p * x ** np.where(p == 0, 0, p - 1)  # p = 0: p x^0 = 0
    return np.where((x < 0) & (p != np.round(p)), np.nan, slope)


def _rpow_slope(ans, x, base):
    """d(b^x)/dx = b^x log(b). At b = 0, b^x is constant (0 for x > 0, 1 at x = 0):
    slope 0 there, as in PyTorch (b^x log b would be 0 * -inf = NaN)."""
    zero = np.asarray(base) == 0
    if not zero.any():
        return ans * np.log(base)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(zero & (x >= 0), 0.0, ans * np.log(base))


def _mean_share(ans, x):
    """Each entry's share in a mean: 1 / (entries per mean); nothing if x is empty."""
    return ans.size / x.size if x.size else 0.0


def _logsumexp(x, axis, keepdims):
    """log(sum(exp(x))) with the maximum m subtracted first, so exp never overflows.
    An infinite m is not subtracted (inf - inf is NaN): the result is then +inf, or
    -inf where every entry is -inf (and for an empty sum), as in PyTorch."""
    m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isinf(m), 0.0, m)
    with np.errstate(divide="ignore"):  # log(0) = -inf is the right answer here
        s = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return s if keepdims else np.squeeze(s, axis=axis)


def _softmax(x, axis, lse):
    """exp(x - lse) along axis, lse = logsumexp(x) (kept dims): the softmax, and the
    gradient of logsumexp. Where lse is infinite (an entry +inf, or all -inf),
    x - lse is inf - inf: take the limit, shared equally among the entries equal
    to lse (softmax([t, 1]) -> [1, 0] as t -> inf)."""
    with np.errstate(invalid="ignore"):
        p = np.exp(x - lse)
    infinite = np.isinf(lse)
    if infinite.any():
        hit = x == lse
        p = np.where(infinite, hit / hit.sum(axis=axis, keepdims=True, dtype=x.dtype), p)
    return p


def _log_softmax(x, axis):
    """x - logsumexp(x) along axis, with the limit where logsumexp is infinite."""
    lse = _logsumexp(x, axis, keepdims=True)
    with np.errstate(invalid="ignore"):
        out = x - lse
    if np.isinf(lse).any():
        with np.errstate(divide="ignore"):  # log 0 = -inf: the limit for the others
            out = np.where(np.isinf(lse), np.log(_softmax(x, axis, lse)), out)
    return out


def _max_share(ans, x, axis, keepdims):
    """Where x attains its maximum: 1/k on each of k tied entries, 0 elsewhere.
    A NaN entry is the maximum (np.max returns it), so it takes the share."""
    peak = _expand(ans, x.shape, axis, keepdims)
    hit = x == peak
    if np.isnan(ans).any():
        hit |= np.isnan(x) & np.isnan(peak)
    return hit / hit.sum(axis=axis, keepdims=True, dtype=x.dtype)


def _scatter(g, shape, index):
    """The gradient of x[index]: g put back where the entries came from.

    With integer-array indices an entry can be picked twice (x[[0, 0]]); it then
    gets both gradients. np.add.at adds repeats; `out[index] = g` would keep only
    the last one, so it is used only when no index is an integer array.
    """
    out = np.zeros(shape, dtype=g.dtype)
    parts = index if isinstance(index, tuple) else (index,)
    if any(isinstance(i, np.ndarray) and i.dtype.kind in "iu" for i in parts):
        np.add.at(out, index, g)
    else:
        out[index] = g
    return out


def _matmul_grad(g, a, b, wrt):
    """Gradient of a @ b for 1-D or N-D a and b: g @ b^T or a^T @ g, with a 1-D
    operand treated as a row (left) or column (right) vector."""
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    g2 = g
    if b.ndim == 1:
        g2 = g2[..., None]
    if a.ndim == 1:
        g2 = np.expand_dims(g2, -2)
    if wrt == 0:
        ga = g2 @ np.swapaxes(b2, -1, -2)
        return ga[..., 0, :] if a.ndim == 1 else ga  # the walk sums any batch axes
    gb = np.swapaxes(a2, -1, -2) @ g2
    return gb[..., 0] if b.ndim == 1 else gb


def _explain_matmul(shapes, err):
    a, b = shapes
    if len(a) == 0 or len(b) == 0:
        return f"matmul (@) needs operands with at least one dimension; got shapes {a} and {b}"
    inner, which = (b[0], "first") if len(b) == 1 else (b[-2], "second-to-last")
    return (f"matmul (@): shapes {a} and {b} do not match: the last dimension of the "
            f"left ({a[-1]}) must equal the {which} dimension of the right ({inner})")


def _linear_forward(x, W, b=None):
    out = x @ W
    if b is not None:
        out += b  # out is a new array: adding in place is safe and saves a copy
    return out


def _linear_grad_W(g, x):
    """dL/dW for x @ W: the sum over samples of outer(x_i, g_i), i.e. x^T g."""
    if x.ndim == 2:
        return x.T @ g
    return np.tensordot(x, g, axes=(list(range(x.ndim - 1)), list(range(g.ndim - 1))))


def _explain_linear(shapes, err):
    x, W = shapes[:2]
    if len(W) != 2:
        return f"linear: W must have shape (in, out); got {W}"
    if len(x) == 0 or x[-1] != W[0]:
        return (f"linear: x of shape {x} and W of shape {W} do not match: x's last "
                f"dimension must equal W's first (W has shape (in, out))")
    return f"linear: b of shape {shapes[2]} does not broadcast with x @ W of shape {x[:-1] + W[1:]}"


# --------------------------------------------------------------------------- #
# THE DERIVATIVE TABLE                                                         #
#                                                                              #
# Each entry: name, symbol, forward, then the vjp rule(s) (reverse mode, one  #
# per input: g -> dL/dinput) and jvp rule(s) (forward mode, one per input:    #
# t -> tangent of the output).                                                #
# --------------------------------------------------------------------------- #
add = Op("add", "+", np.add,
         vjp=[lambda g, ans, x, y: g,              lambda g, ans, x, y: g],
         jvp=[lambda t, ans, x, y: t,              lambda t, ans, x, y: t])
sub = Op("sub", "-", np.subtract,
         vjp=[lambda g, ans, x, y: g,              lambda g, ans, x, y: -g],
         jvp=[lambda t, ans, x, y: t,              lambda t, ans, x, y: -t])
mul = Op("mul", "*", np.multiply,
         vjp=[lambda g, ans, x, y: g * y,          lambda g, ans, x, y: g * x],
         jvp=[lambda t, ans, x, y: t * y,          lambda t, ans, x, y: x * t])
div = Op("div", "/", np.divide,                    # d(x/y) = dx/y - (x/y) dy/y
         vjp=[lambda g, ans, x, y: g / y,          lambda g, ans, x, y: -g * ans / y],
         jvp=[lambda t, ans, x, y: t / y,          lambda t, ans, x, y: -t * ans / y])
neg = Op("neg", "-", np.negative,
         vjp=[lambda g, ans, x: -g],
         jvp=[lambda t, ans, x: -t])
power = Op("pow", "**", lambda x, p: x ** p,       # d(x^p) = p x^(p-1) dx
           vjp=[lambda g, ans, x, p: g * _power_slope(x, p)],
           jvp=[lambda t, ans, x, p: t * _power_slope(x, p)])
rpower = Op("rpow", "**", lambda x, base: base ** x,  # d(b^x) = b^x log(b) dx
            vjp=[lambda g, ans, x, base: g * _rpow_slope(ans, x, base)],
            jvp=[lambda t, ans, x, base: t * _rpow_slope(ans, x, base)])
matmul = Op("matmul", "@", np.matmul,              # d(AB) = dA B + A dB
            vjp=[lambda g, ans, a, b: _matmul_grad(g, a, b, 0),
                 lambda g, ans, a, b: _matmul_grad(g, a, b, 1)],
            jvp=[lambda t, ans, a, b: t @ b,       lambda t, ans, a, b: a @ t],
            explain=_explain_matmul)

exp = Op("exp", "exp", np.exp,                     # d exp(x) = exp(x) dx
         vjp=[lambda g, ans, x: g * ans],
         jvp=[lambda t, ans, x: t * ans])
log = Op("log", "log", np.log,                     # d log(x) = dx / x
         vjp=[lambda g, ans, x: g / x],
         jvp=[lambda t, ans, x: t / x])
tanh = Op("tanh", "tanh", np.tanh,                 # d tanh(x) = (1 - tanh^2) dx
          vjp=[lambda g, ans, x: g * (1 - ans * ans)],
          jvp=[lambda t, ans, x: t * (1 - ans * ans)])
sigmoid = Op("sigmoid", "σ", _sigmoid,             # dσ = σ (1 - σ) dx
             vjp=[lambda g, ans, x: g * ans * (1 - ans)],
             jvp=[lambda t, ans, x: t * ans * (1 - ans)])
relu = Op("relu", "relu", lambda x: np.maximum(x, 0),  # slope 1 where x > 0, else 0
          vjp=[lambda g, ans, x: g * (x > 0)],
          jvp=[lambda t, ans, x: t * (x > 0)])
absolute = Op("abs", "|x|", np.abs,                # slope sign(x), 0 at 0
              vjp=[lambda g, ans, x: g * np.sign(x)],
              jvp=[lambda t, ans, x: t * np.sign(x)])

sum_ = Op("sum", "Σ", lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
          vjp=[lambda g, ans, x, axis, keepdims: _expand(g, x.shape, axis, keepdims)],
          jvp=[lambda t, ans, x, axis, keepdims: np.sum(t, axis=axis, keepdims=keepdims)])
mean = Op("mean", "mean", lambda x, axis, keepdims: np.mean(x, axis=axis, keepdims=keepdims),
          vjp=[lambda g, ans, x, axis, keepdims:
               _expand(g * _mean_share(ans, x), x.shape, axis, keepdims)],
          jvp=[lambda t, ans, x, axis, keepdims: np.mean(t, axis=axis, keepdims=keepdims)])
max_ = Op("max", "max", lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims),
          vjp=[lambda g, ans, x, axis, keepdims:  # ties share g equally
               _expand(g, x.shape, axis, keepdims) * _max_share(ans, x, axis, keepdims)],
          jvp=[lambda t, ans, x, axis, keepdims:
               np.sum(t * _max_share(ans, x, axis, keepdims), axis=axis, keepdims=keepdims)])

reshape = Op("reshape", "reshape", lambda x, shape: np.reshape(x, shape),
             vjp=[lambda g, ans, x, shape: g.reshape(x.shape)],
             jvp=[lambda t, ans, x, shape: t.reshape(shape)])
transpose = Op("transpose", "T", lambda x, axes: np.transpose(x, axes),
               vjp=[lambda g, ans, x, axes:
                    np.transpose(g, None if axes is None else np.argsort(axes))],
               jvp=[lambda t, ans, x, axes: np.transpose(t, axes)])
getitem = Op("getitem", "[]", lambda x, index: x[index],
             vjp=[lambda g, ans, x, index: _scatter(g, x.shape, index)],
             jvp=[lambda t, ans, x, index: t[index]])

# ---- fused operations: one node each, with closed-form gradients -----------
_linear = Op("linear", "linear", _linear_forward,  # x W + b
             vjp=[lambda g, ans, x, W, b=None: g @ W.T,
                  lambda g, ans, x, W, b=None: _linear_grad_W(g, x),
                  lambda g, ans, x, W, b=None: g],  # the walk sums g over the batch
             jvp=[lambda t, ans, x, W, b=None: t @ W,
                  lambda t, ans, x, W, b=None: x @ t,
                  lambda t, ans, x, W, b=None: t],
             explain=_explain_linear)
# An activation applied to x W + b, one node per layer instead of two. The
# activation works in place on the new x W + b (no second array of that size),
# and its slope (f' in terms of the output, as in the entries of relu, tanh and
# sigmoid above) is applied once to g before linear's rules.
_ACTIVATIONS = {  # name: (f applied in place to a new array, f' in terms of f)
    "relu": (lambda u: np.maximum(u, 0, out=u), lambda ans: ans > 0),
    "tanh": (lambda u: np.tanh(u, out=u), lambda ans: 1 - ans * ans),
    "sigmoid": (_sigmoid, lambda ans: ans * (1 - ans)),
}
_linear_activation = {
    name: Op(f"linear_{name}", f"{name}\n(xW+b)",
             lambda x, W, b=None, f=f: f(_linear_forward(x, W, b)),
             vjp=_linear.vjp, jvp=_linear.jvp, slope=slope, explain=_explain_linear)
    for name, (f, slope) in _ACTIVATIONS.items()
}
_logsumexp_op = Op("logsumexp", "logsumexp", _logsumexp,  # gradient: softmax(x)
                   vjp=[lambda g, ans, x, axis, keepdims:
                        _expand(g, x.shape, axis, keepdims)
                        * _softmax(x, axis, _expand(ans, x.shape, axis, keepdims))],
                   jvp=[lambda t, ans, x, axis, keepdims:
                        np.sum(t * _softmax(x, axis, _expand(ans, x.shape, axis, keepdims)),
                               axis=axis, keepdims=keepdims)])
_log_softmax_op = Op("log_softmax", "log_softmax", _log_softmax,
                     vjp=[lambda g, ans, x, axis:  # g - softmax * sum(g)
                          g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True)],
                     jvp=[lambda t, ans, x, axis:
                          t - np.sum(np.exp(ans) * t, axis=axis, keepdims=True)])
_softmax_op = Op("softmax", "softmax",
                 lambda x, axis: _softmax(x, axis, _logsumexp(x, axis, keepdims=True)),
                 vjp=[lambda g, ans, x, axis:  # p * (g - sum(p g))
                      ans * (g - np.sum(ans * g, axis=axis, keepdims=True))],
                 jvp=[lambda t, ans, x, axis:
                      ans * (t - np.sum(ans * t, axis=axis, keepdims=True))])


# --------------------------------------------------------------------------- #
# Functions for the fused operations                                           #
# --------------------------------------------------------------------------- #
def linear(x, W, b=None, activation=None):
    """x @ W + b as a single graph node (W has shape (in, out), b shape (out,)).

    One node instead of two saves Python work per layer; the gradients are
    dx = g W^T, dW = x^T g, db = sum of g over the batch.

    activation : None, "relu", "tanh" or "sigmoid"
        Also apply the activation in the same node: ``linear(x, W, b, "relu")``
        equals ``linear(x, W, b).relu()`` but needs one array less per layer
        and one node less (``nn.MLP`` uses it). The pre-activation x W + b is
        then not kept: use the two-node form to look at it or its gradient.
    """
    if activation is None:
        op = _linear
    elif isinstance(activation, str) and activation in _linear_activation:
        op = _linear_activation[activation]
    else:
        raise ValueError(f"linear: activation must be None or one of "
                         f"{sorted(_linear_activation)}; got {activation!r}")
    return op(x, W) if b is None else op(x, W, b)


def logsumexp(x, axis=-1, keepdims=False):
    """log(sum(exp(x), axis)), stable for large |x|. Its gradient is softmax(x)."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    return _logsumexp_op(x, **check_axis(axis, keepdims, x.ndim))


def log_softmax(x, axis=-1):
    """x - logsumexp(x): log-probabilities, stable for large |x|."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    return _log_softmax_op(x, axis=check_axis(axis, False, x.ndim)["axis"])


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along axis, stable for large |x|."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    return _softmax_op(x, axis=check_axis(axis, False, x.ndim)["axis"])
