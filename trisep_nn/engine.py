"""The autodiff engine: a Tensor that remembers how it was made.

    >>> from trisep_nn.engine import Tensor
    >>> a = Tensor(2.0, requires_grad=True)
    >>> b = Tensor(3.0, requires_grad=True)
    >>> f = (a * b).log()            # f(a, b) = log(ab)
    >>> f.backward()
    >>> float(a.grad), float(b.grad)  # df/da = 1/a, df/db = 1/b
    (0.5, 0.3333333333333333)

Reverse mode (backpropagation)
    Every operation on Tensors returns a new Tensor that records the operation
    and its inputs: together they form the computational graph. ``f.backward()``
    walks that graph from the output back to the inputs, in reverse
    topological order, and applies the chain rule at every node: the gradient
    arriving at a node, ``g = dL/d(node)``, becomes one gradient per input
    through the operation's *vector-Jacobian product* (vjp) rule. Gradients
    arriving at a node along several paths are added.

Forward mode
    A Tensor can also carry a ``tangent``: the derivative of its value along
    one direction in input space. Every operation then also applies its
    *Jacobian-vector product* (jvp) rule, so the tangent travels forward
    together with the value. No graph is needed and nothing runs backwards.
    ``trisep_nn.jvp`` (in autodiff.py) is the friendly way to use it.

Both rules of every operation live side by side in one table (search for
"THE DERIVATIVE TABLE"), one line each where possible, written in terms of

    g     the upstream gradient, shaped like the output
    t     the tangent of one input, shaped like that input
    ans   the output value
    x, y  the input values (plain NumPy arrays)

When an input was broadcast, the engine sums its gradient back to the input's
exact shape, so the rules themselves never worry about broadcasting.

Semantics (the same as PyTorch's)
    - Gradients of leaves (tensors you create with ``requires_grad=True``)
      accumulate (+=) across backward() calls; ``zero_grad()`` sets them to None.
    - Intermediate tensors do not keep their gradient, unless you call
      ``retain_grad()`` on them, or ``backward(retain_grads=True)`` to keep all
      of them (handy for drawing the graph with ``trisep_nn.draw_graph``).
    - Inside ``with no_grad():`` no graph is recorded.
    - ``max`` with ties: the gradient is split equally among the tied entries,
      so it still sums to ``g`` (PyTorch's ``amax`` makes the same choice).
    - ``relu`` and ``abs`` use derivative 0 at exactly 0.
    - ``Tensor(array)`` wraps the array without copying. Operations never
      write into their inputs; optimizers update ``param.data`` in place.
"""

import heapq
import itertools

import numpy as np

__all__ = [
    "Tensor", "no_grad", "enable_grad",
    "exp", "log", "tanh", "sigmoid", "relu", "matmul",
    "linear", "logsumexp", "log_softmax", "softmax",
    "bce_with_logits", "softmax_cross_entropy", "mse",
]


# --------------------------------------------------------------------------- #
# Grad mode                                                                    #
# --------------------------------------------------------------------------- #
_grad_enabled = True  # when False, operations record no graph


class no_grad:
    """Context manager (or decorator) in which operations record no graph.

    Use it for evaluation and for parameter updates:

        >>> w = Tensor([1.0, 2.0], requires_grad=True)
        >>> with no_grad():
        ...     y = w * 2
        >>> y.requires_grad
        False
    """

    _mode = False

    def __enter__(self):
        global _grad_enabled
        self._previous = _grad_enabled
        _grad_enabled = self._mode

    def __exit__(self, *exc_info):
        global _grad_enabled
        _grad_enabled = self._previous

    def __call__(self, function):
        def wrapper(*args, **kwargs):
            with type(self)():
                return function(*args, **kwargs)
        wrapper.__name__ = getattr(function, "__name__", "wrapper")
        wrapper.__doc__ = getattr(function, "__doc__", None)
        return wrapper


class enable_grad(no_grad):
    """Context manager that turns graph recording back on (e.g. inside no_grad)."""

    _mode = True


# --------------------------------------------------------------------------- #
# The Tensor                                                                   #
# --------------------------------------------------------------------------- #
class Tensor:
    """An array that records the operations applied to it, for differentiation.

    Parameters
    ----------
    data : number, nested list or ndarray
        Floats keep their dtype (float32 stays float32); integers and booleans
        become float64. An ndarray is wrapped without a copy.
    requires_grad : bool
        If True, ``backward()`` computes ``.grad`` for this tensor.
    name : str, optional
        A label, shown by ``draw_graph``.
    """

    # __slots__: no per-instance dict, so creating a node is cheap.
    __slots__ = ("data", "grad", "requires_grad", "tangent", "name",
                 "_op", "_inputs", "_params", "_retain", "_seq")

    # Make NumPy hand over to us: `ndarray + Tensor` calls Tensor.__radd__
    # instead of building an object array of Tensors.
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False, name=None):
        self.data = _as_float_array(data)
        self.grad = None            # dL/d(self) after backward(), same shape as data
        self.requires_grad = bool(requires_grad)
        self.tangent = None         # forward mode: d(self)/d(direction), or None
        self.name = name
        self._op = None             # the Op that produced this tensor; None for a leaf
        self._inputs = ()           # the tensors it was computed from
        self._params = None         # the Op's non-tensor arguments (axis, index, ...)
        self._retain = False        # keep .grad even though it is not a leaf
        self._seq = 0               # creation number of an operation's output (see _node)

    # ---- basic attributes --------------------------------------------------
    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)
    dtype = property(lambda self: self.data.dtype)
    is_leaf = property(lambda self: self._op is None,
                       doc="True for tensors not produced by a recorded operation.")

    @property
    def op(self):
        """The name of the operation that produced this tensor (None for a leaf)."""
        return None if self._op is None else self._op.name

    def numpy(self):
        """The data as a NumPy array (shared, not copied)."""
        return self.data

    def item(self):
        """The value of a one-element tensor as a Python float."""
        return self.data.item()

    def detach(self):
        """A new leaf sharing this tensor's data, cut off from the graph."""
        return Tensor(self.data)

    def zero_grad(self):
        """Forget the accumulated gradient (sets ``.grad`` to None)."""
        self.grad = None

    def retain_grad(self):
        """Keep ``.grad`` on this intermediate tensor after backward()."""
        self._retain = True
        return self

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extra = ""
        if self._op is not None:
            extra = f", op={self._op.name}"
        elif self.requires_grad:
            extra = ", requires_grad=True"
        if self.name:
            extra += f", name={self.name!r}"
        return f"Tensor({body}{extra})"

    def __len__(self):
        return len(self.data)

    def __bool__(self):
        return bool(self.data)

    def __float__(self):
        return float(self.data)

    def __format__(self, spec):  # f"{loss:.3f}" works for one-element tensors
        return format(self.data.item() if self.data.size == 1 else self.data, spec)

    def __array__(self, dtype=None, copy=None):  # np.asarray(t), plt.plot(t)
        return self.data if dtype is None else self.data.astype(dtype)

    # ---- reverse mode ------------------------------------------------------
    def backward(self, grad=None, retain_grads=False):
        """Backpropagate: add d(self)/d(leaf) to ``.grad`` of every leaf that
        requires a gradient.

        grad : array, optional
            The upstream gradient dL/d(self), shaped like ``self``. May be
            omitted for a one-element tensor (it is then 1).
        retain_grads : bool
            Also store ``.grad`` on every intermediate tensor of the graph.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward(): this tensor does not depend on any tensor with "
                "requires_grad=True (or it was computed inside no_grad()).")
        if grad is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() without an argument needs a one-element output, but this "
                    f"tensor has shape {self.shape}. Reduce it first (y.sum().backward()) "
                    f"or pass the upstream gradient: y.backward(np.ones({self.shape})).")
            seed = np.array(1, self.data.dtype).reshape(self.data.shape)  # (faster than ones)
            seed_is_ours = True
        else:
            seed = np.asarray(grad.data if isinstance(grad, Tensor) else grad,
                              dtype=self.data.dtype)
            if seed.shape != self.shape:
                raise ValueError(f"backward(): the gradient has shape {seed.shape} but the "
                                 f"tensor has shape {self.shape}; they must be equal.")
            seed_is_ours = False
        for node, g in backpropagate(self, seed, seed_is_ours, retain_grads).items():
            if node.grad is None:
                node.grad = g
            else:
                node.grad += g  # accumulate, as PyTorch does; zeroing is explicit

    @staticmethod
    def _make(data, parents, backward, jvp=None, op_name="custom"):
        """Make a graph node for an operation the engine does not know.

        data      the output value (array)
        parents   the input tensors
        backward  function g -> tuple with one gradient (or None) per parent,
                  each in that parent's shape; the engine accumulates them.
                  Return new arrays (or g itself), never an array kept elsewhere.
        jvp       optional, for forward mode: function (tangents) -> output tangent,
                  where tangents has one array (or None) per parent.

            >>> x = Tensor([1.0, 2.0], requires_grad=True)
            >>> cube = Tensor._make(x.data ** 3, (x,), lambda g: (g * 3 * x.data ** 2,))
            >>> cube.sum().backward(); x.grad
            array([ 3., 12.])
        """
        parents = tuple(parents)
        params = {"backward": backward, "jvp": jvp}
        return _node(_CustomOp(op_name), _as_float_array(data), parents, params)

    # ---- operators (the rules are in THE DERIVATIVE TABLE below) -----------
    def __add__(self, other):
        return add(self, other)

    def __radd__(self, other):
        return add(other, self)

    def __sub__(self, other):
        return sub(self, other)

    def __rsub__(self, other):
        return sub(other, self)

    def __mul__(self, other):
        return mul(self, other)

    def __rmul__(self, other):
        return mul(other, self)

    def __truediv__(self, other):
        return div(self, other)

    def __rtruediv__(self, other):
        return div(other, self)

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(other, self)

    def __neg__(self):
        return neg(self)

    def __pos__(self):
        return self

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor):
            raise TypeError("Tensor ** Tensor is not supported: the exponent must be a "
                            "number or array. For x ** y use (y * x.log()).exp().")
        return power(self, p=exponent)

    def __rpow__(self, base):
        return rpower(self, base=base)

    def __getitem__(self, index):
        return getitem(self, index=_plain_index(index))

    # ---- methods -------------------------------------------------------------
    def exp(self):
        return exp(self)

    def log(self):
        return log(self)

    def tanh(self):
        return tanh(self)

    def sigmoid(self):
        return sigmoid(self)

    def relu(self):
        return relu(self)

    def abs(self):
        return absolute(self)

    def sum(self, axis=None, keepdims=False):
        return sum_(self, axis=_axis(axis), keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return mean(self, axis=_axis(axis), keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return max_(self, axis=_axis(axis), keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return -max_(-self, axis=_axis(axis), keepdims=keepdims)

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return reshape(self, shape=shape)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        axes = tuple(a % self.ndim for a in axes) if axes else None  # argsort needs a >= 0
        return transpose(self, axes=axes)

    @property
    def T(self):
        return transpose(self, axes=None)


def _as_float_array(data):
    """Turn data into a float ndarray, or say clearly what was wrong with it."""
    if isinstance(data, Tensor):
        return data.data
    try:
        array = np.asarray(data)
    except (ValueError, TypeError) as err:
        raise ValueError(f"Tensor data must be a number, a rectangular list of numbers "
                         f"or an array; got {_describe(data)} ({err})") from None
    kind = array.dtype.kind
    if kind == "f":
        return array
    if kind in "iub":
        return array.astype(np.float64)
    if kind == "c":
        raise TypeError(f"Tensor does not support complex numbers; got {_describe(data)}")
    raise TypeError(f"Tensor data must be numeric (a number, a list of numbers or a "
                    f"numeric array); got {_describe(data)}")


def _describe(value):
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    kind = type(value).__name__
    if isinstance(value, np.ndarray):
        kind = f"ndarray of dtype {value.dtype}"
    return f"{kind} {text}"


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _plain_index(index):
    """Indices may contain Tensors or lists; NumPy wants arrays."""
    def plain(i):
        if isinstance(i, Tensor):
            return i.data
        if isinstance(i, list):
            return np.asarray(i)
        return i
    if isinstance(index, tuple):
        return tuple(plain(i) for i in index)
    return plain(index)


# --------------------------------------------------------------------------- #
# Operations and the graph                                                     #
# --------------------------------------------------------------------------- #
class Op:
    """One differentiable operation: how to compute it, and its two derivative rules.

    forward(*xs, **params)          -> output value (or (value, saved) if saves=True;
                                       `saved` is then passed to the rules as a parameter)
    vjp[i](g, ans, *xs, **params)   -> gradient for input i   (reverse mode)
    jvp[i](t, ans, *xs, **params)   -> output tangent due to input i's tangent t
                                       (forward mode; the engine adds them up)
    vjp_in_place (optional, one-input ops): the same rule as vjp[0], but allowed
        to overwrite g; the engine uses it when no other array shares g's memory.
        It saves allocating a new array of g's size (for ReLU, in every layer).
    slope (optional): for an op that ends in an element-wise activation,
        ans = f(inner(xs)), the derivative f' written in terms of the output
        (for ReLU: ans > 0). The vjp and jvp rules are then those of `inner`
        alone; the engine multiplies g by the slope before the vjp rules (the
        chain rule through f), and the summed tangent after the jvp rules.
    """

    __slots__ = ("name", "symbol", "forward", "vjp", "jvp", "saves", "vjp_in_place", "slope")

    def __init__(self, name, symbol, forward, vjp, jvp, saves=False, vjp_in_place=None,
                 slope=None):
        self.name, self.symbol, self.forward = name, symbol, forward
        self.vjp, self.jvp, self.saves = tuple(vjp), tuple(jvp), saves
        self.vjp_in_place, self.slope = vjp_in_place, slope

    def __call__(self, *inputs, **params):
        """Apply the op to tensors (numbers and arrays become constants)."""
        for x in inputs:
            if type(x) is not Tensor:
                inputs = _lift(inputs)
                break
        xs = [x.data for x in inputs]
        try:
            ans = self.forward(*xs, **params)
        except ValueError as err:
            raise ValueError(_explain(self, xs, params, err)) from None
        if self.saves:
            ans, params["saved"] = ans
        if type(ans) is not np.ndarray:  # NumPy returns scalars for 0-d results
            ans = np.asarray(ans)
        return _node(self, ans, inputs, params)

    def __repr__(self):
        return f"<Op {self.name}>"


class _CustomOp:
    """An op made with Tensor._make: the rules are the functions given there."""

    __slots__ = ("name", "symbol")
    vjp = jvp = vjp_in_place = slope = None

    def __init__(self, name):
        self.name = self.symbol = name


def _lift(inputs):
    """Numbers and arrays become constant tensors. A Python number takes the
    dtype of the tensor it meets, so float32 stays float32."""
    dtype = next((x.data.dtype for x in inputs if isinstance(x, Tensor)), np.float64)
    return tuple(x if isinstance(x, Tensor)
                 else Tensor(np.asarray(x, dtype=dtype)) if isinstance(x, (int, float))
                 else Tensor(x)
                 for x in inputs)


_clock = itertools.count(1)  # numbers the outputs of operations in creation order


def _node(op, ans, inputs, params):
    """Wrap an op's output in a Tensor; record the graph edge only if needed."""
    out = object.__new__(Tensor)  # skip __init__: ans is already a float ndarray
    out.data, out.grad, out.tangent, out.name, out._retain = ans, None, None, None, False
    needs_grad = tangents = False
    for x in inputs:
        needs_grad = needs_grad or x.requires_grad
        tangents = tangents or x.tangent is not None
    if needs_grad and _grad_enabled:
        out.requires_grad, out._op, out._inputs, out._params = True, op, inputs, params
        out._seq = next(_clock)  # larger than the number of any of its inputs
    else:
        out.requires_grad, out._op, out._inputs, out._params, out._seq = False, None, (), None, 0
    if tangents:  # forward mode: push the tangents through as well
        out.tangent = _push_tangents(op, ans, inputs, params)
    return out


def _push_tangents(op, ans, inputs, params):
    """Forward mode: the output tangent is the sum of each input's jvp rule."""
    if op.jvp is None:  # a custom op
        if params["jvp"] is None:
            raise NotImplementedError(f"the custom op {op.name!r} has no jvp rule; "
                                      "pass jvp=... to Tensor._make")
        tangent = params["jvp"]([x.tangent for x in inputs])
    else:
        xs = [x.data for x in inputs]
        tangent = None
        ours = False  # True once tangent is a new array shaped like ans: we may add into it
        for x, rule in zip(inputs, op.jvp):
            if x.tangent is not None:
                t = rule(x.tangent, ans, *xs, **params)
                if tangent is None:  # a rule's result is new unless it is t or a view
                    tangent = t
                    ours = _fits(t, ans) and t is not x.tangent and t.base is None
                elif ours:
                    tangent += t
                else:
                    tangent = tangent + t
                    ours = _fits(tangent, ans)
        if op.slope is not None:  # ans = f(inner): the tangent goes through f last
            if ours:
                np.multiply(tangent, op.slope(ans), out=tangent)
            else:
                tangent = tangent * op.slope(ans)
    tangent = np.asarray(tangent, dtype=ans.dtype)
    if tangent.shape != ans.shape:  # e.g. x + y where only x (smaller) has a tangent
        tangent = np.broadcast_to(tangent, ans.shape)
    return tangent


def _fits(a, ans):
    """True if results shaped and typed like ans can be written into array a."""
    return type(a) is np.ndarray and a.shape == ans.shape and a.dtype == ans.dtype


def backpropagate(root, seed, seed_is_ours=True, retain_all=False):
    """The chain rule, node by node from root back to the leaves.

    In which order? Every operation's output is numbered when it is made (see
    _node), and an operation can only use tensors that already exist: whatever
    uses a node is newer than the node. So we always continue with the newest
    node that has a gradient waiting; by then every node that uses it has
    passed its share back, and its gradient is complete. (A heap finds the
    newest quickly. No recursion: a chain of 200,000 operations is fine.)

    Returns {tensor: gradient} for the leaves that need one (and for retained
    intermediates). Every returned array is new: it shares memory with no other
    gradient and not with `seed`, so callers may keep it and add into it.
    """
    grads = {root: seed}  # the gradient that has arrived at each node so far
    borrowed = set() if seed_is_ours else {root}  # grads that may alias another array
    waiting = [] if root._op is None else [(-root._seq, root)]  # nodes with a gradient

    def arrive(x, gx, g):
        """Gradient gx (computed from g) reaches input x: shape it like x, and add
        it to what already arrived there along other paths."""
        data = x.data
        if type(gx) is not np.ndarray:
            gx = np.asarray(gx)
        if gx.shape != data.shape:  # x was broadcast: sum back to its shape
            gx = _unbroadcast(gx, data.shape)
        if gx.dtype is not data.dtype and gx.dtype != data.dtype:
            gx = gx.astype(data.dtype)
        if x in grads:  # another path already arrived: add, into a new array
            grads[x] = np.asarray(grads[x] + gx)
            borrowed.discard(x)
            return
        grads[x] = gx
        if gx is g or gx.base is not None:  # g itself or a view: not ours
            borrowed.add(x)
        if x._op is not None:  # an operation's output: its rules run when its turn comes
            heapq.heappush(waiting, (-x._seq, x))

    kept = {}
    while waiting:
        node = heapq.heappop(waiting)[1]
        g = grads.pop(node)
        if retain_all or node._retain:
            kept[node] = g.copy()
        op, inputs, ans, params = node._op, node._inputs, node.data, node._params
        if op.slope is not None:  # ans = f(inner): first the chain rule through f
            if node in borrowed:
                g = g * op.slope(ans)
            else:  # g is ours and used by nothing else: multiply in place
                g = np.multiply(g, op.slope(ans), out=g)
        if op.vjp is None:  # custom op: copy, as we cannot know what it returns
            for x, gx in zip(inputs, params["backward"](g)):
                if gx is not None and x.requires_grad:
                    arrive(x, np.array(gx, copy=True), g)
        elif op.vjp_in_place is not None and node not in borrowed:
            # g is ours and used by nothing else: the rule may write into it
            x = inputs[0]
            arrive(x, op.vjp_in_place(g, ans, x.data, **params), g)
        else:  # the derivative table: one rule per input, only where needed
            xs = [x.data for x in inputs]
            for x, rule in zip(inputs, op.vjp):
                if x.requires_grad:
                    arrive(x, rule(g, ans, *xs, **params), g)
    for leaf in borrowed.intersection(grads):  # what is left in grads are the leaves
        grads[leaf] = grads[leaf].copy()
    grads.update(kept)
    return grads


def _unbroadcast(g, shape):
    """Sum g over the axes along which an input of `shape` was broadcast."""
    lead = g.ndim - len(shape)
    if lead == 1 and shape and g.shape[1:] == shape:  # common: a bias added to a batch
        return np.add.reduce(g, axis=0)
    if lead > 0:
        g = np.add.reduce(g, axis=tuple(range(lead)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = np.add.reduce(g, axis=stretched, keepdims=True)
    return np.asarray(g)


def _explain(op, xs, params, err):
    """A ValueError message naming the operation and the shapes involved."""
    shapes = [x.shape for x in xs]
    if op.name == "matmul":
        a, b = shapes
        if len(a) == 0 or len(b) == 0:
            return f"matmul (@) needs operands with at least one dimension; got shapes {a} and {b}"
        inner = b[0] if len(b) == 1 else b[-2]
        which = "first" if len(b) == 1 else "second-to-last"
        return (f"matmul (@): shapes {a} and {b} do not match: the last dimension of the "
                f"left ({a[-1]}) must equal the {which} dimension of the right ({inner})")
    if op.name.startswith("linear"):
        x, W = shapes[:2]
        if len(W) != 2:
            return f"{op.name}: W must have shape (in, out); got {W}"
        if len(x) == 0 or x[-1] != W[0]:
            return (f"{op.name}: x of shape {x} and W of shape {W} do not match: x's last "
                    f"dimension must equal W's first (W has shape (in, out))")
        return (f"{op.name}: b of shape {shapes[2]} does not broadcast with x @ W of shape "
                f"{x[:-1] + W[1:]}")
    if len(shapes) > 1:
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:
            return (f"{op.name} ({op.symbol}): shapes {' and '.join(map(str, shapes))} "
                    f"cannot be broadcast together (compared from the right, each pair "
                    f"of dimensions must be equal or one of them 1)")
    return f"{op.name}: {err}"


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


def _logsumexp(x, axis, keepdims):
    """log(sum(exp(x))) with the maximum subtracted first, so exp never overflows."""
    m = np.max(x, axis=axis, keepdims=True)
    s = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return s if keepdims else np.squeeze(s, axis=axis)


def _max_share(ans, x, axis, keepdims):
    """Where x attains its maximum: 1/k on each of k tied entries, 0 elsewhere."""
    hit = x == _expand(ans, x.shape, axis, keepdims)
    return hit / hit.sum(axis=axis, keepdims=True, dtype=x.dtype)


def _scatter(g, shape, index):
    """The gradient of x[index]: g put back where the entries came from.

    With integer-array indices an entry can be picked twice (x[[0, 0]]); it
    then gets both gradients. np.add.at adds repeats; `out[index] = g` would
    keep only the last one, so it is used only when no index is an int array.
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
        return ga[..., 0, :] if a.ndim == 1 else ga  # engine sums any batch axes
    gb = np.swapaxes(a2, -1, -2) @ g2
    return gb[..., 0] if b.ndim == 1 else gb


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


def _bce_forward(z, y):
    """mean( max(z, 0) - z y + log(1 + exp(-|z|)) ): the binary cross-entropy of
    sigmoid(z) against y, never computing log(0) or exp(large)."""
    e = np.exp(-np.abs(z))
    loss = np.mean(np.maximum(z, 0) - z * y + np.log1p(e))
    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))  # sigmoid(z), reused by the rules
    return loss, p


def _mean_grad(g, d):
    """The gradient of mean(f) when df = d: g * d / N (N = number of entries)."""
    return (g / d.size) * d


def _broadcast_like(a, b):
    """a stretched to the broadcast shape of a and b (a view)."""
    return np.broadcast_to(a, np.broadcast_shapes(a.shape, b.shape))


def _softmax_ce_forward(z, labels):
    """mean over rows of -log softmax(z)[label] = mean(logsumexp(z) - z[label]);
    saves the softmax probabilities for the gradient."""
    shifted = z - np.max(z, axis=1, keepdims=True)  # largest logit 0: exp cannot overflow
    probs = np.exp(shifted)
    total = np.sum(probs, axis=1, keepdims=True)
    loss = np.mean(np.log(total[:, 0]) - shifted[np.arange(len(z)), labels])
    probs /= total
    return loss, probs


def _softmax_ce_grad(g, probs, labels):
    """(softmax(z) - onehot(labels)) * g / n."""
    d = probs.copy()
    d[np.arange(len(d)), labels] -= 1
    d *= g / len(d)
    return d


def _softmax_ce_tangent(t, probs, labels):
    """mean over rows of sum_j p_j t_j - t_label."""
    return np.mean(np.sum(probs * t, axis=1) - t[np.arange(len(t)), labels])


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
           vjp=[lambda g, ans, x, p: g * (p * x ** (p - 1))],
           jvp=[lambda t, ans, x, p: t * (p * x ** (p - 1))])
rpower = Op("rpow", "**", lambda x, base: base ** x,  # d(base^x) = base^x log(base) dx
            vjp=[lambda g, ans, x, base: g * ans * np.log(base)],
            jvp=[lambda t, ans, x, base: t * ans * np.log(base)])
matmul = Op("matmul", "@", np.matmul,              # d(AB) = dA B + A dB
            vjp=[lambda g, ans, a, b: _matmul_grad(g, a, b, 0),
                 lambda g, ans, a, b: _matmul_grad(g, a, b, 1)],
            jvp=[lambda t, ans, a, b: t @ b,       lambda t, ans, a, b: a @ t])

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
          jvp=[lambda t, ans, x: t * (x > 0)],
          vjp_in_place=lambda g, ans, x: np.multiply(g, x > 0, out=g))
absolute = Op("abs", "|x|", np.abs,                # slope sign(x), 0 at 0
              vjp=[lambda g, ans, x: g * np.sign(x)],
              jvp=[lambda t, ans, x: t * np.sign(x)])

sum_ = Op("sum", "Σ", lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
          vjp=[lambda g, ans, x, axis, keepdims: _expand(g, x.shape, axis, keepdims)],
          jvp=[lambda t, ans, x, axis, keepdims: np.sum(t, axis=axis, keepdims=keepdims)])
mean = Op("mean", "mean", lambda x, axis, keepdims: np.mean(x, axis=axis, keepdims=keepdims),
          vjp=[lambda g, ans, x, axis, keepdims:
               _expand(g * (ans.size / x.size), x.shape, axis, keepdims)],
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
                  lambda g, ans, x, W, b=None: g],  # engine sums g over the batch
             jvp=[lambda t, ans, x, W, b=None: t @ W,
                  lambda t, ans, x, W, b=None: x @ t,
                  lambda t, ans, x, W, b=None: t])
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
             vjp=_linear.vjp, jvp=_linear.jvp, slope=slope)
    for name, (f, slope) in _ACTIVATIONS.items()
}
_logsumexp_op = Op("logsumexp", "logsumexp", _logsumexp,  # gradient: softmax(x)
                   vjp=[lambda g, ans, x, axis, keepdims:
                        _expand(g, x.shape, axis, keepdims)
                        * np.exp(x - _expand(ans, x.shape, axis, keepdims))],
                   jvp=[lambda t, ans, x, axis, keepdims:
                        np.sum(t * np.exp(x - _expand(ans, x.shape, axis, keepdims)),
                               axis=axis, keepdims=keepdims)])
_log_softmax = Op("log_softmax", "log_softmax",
                  lambda x, axis: x - _logsumexp(x, axis, keepdims=True),
                  vjp=[lambda g, ans, x, axis:  # g - softmax * sum(g)
                       g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True)],
                  jvp=[lambda t, ans, x, axis:
                       t - np.sum(np.exp(ans) * t, axis=axis, keepdims=True)])
_softmax = Op("softmax", "softmax",
              lambda x, axis: np.exp(x - _logsumexp(x, axis, keepdims=True)),
              vjp=[lambda g, ans, x, axis:  # p * (g - sum(p g))
                   ans * (g - np.sum(ans * g, axis=axis, keepdims=True))],
              jvp=[lambda t, ans, x, axis:
                   ans * (t - np.sum(ans * t, axis=axis, keepdims=True))])
_bce = Op("bce_with_logits", "BCE", _bce_forward, saves=True,  # saved = sigmoid(z)
          vjp=[lambda g, ans, z, y, saved: _mean_grad(g, saved - y),    # (σ(z) - y) / N
               lambda g, ans, z, y, saved: _mean_grad(g, _broadcast_like(-z, y))],  # -z/N
          jvp=[lambda t, ans, z, y, saved: np.mean((saved - y) * t),
               lambda t, ans, z, y, saved: np.mean(-z * t)])
_softmax_ce = Op("softmax_cross_entropy", "CE", _softmax_ce_forward, saves=True,
                 vjp=[lambda g, ans, z, labels, saved: _softmax_ce_grad(g, saved, labels)],
                 jvp=[lambda t, ans, z, labels, saved: _softmax_ce_tangent(t, saved, labels)])
_mse = Op("mse", "MSE", lambda p, y: (lambda d: (np.mean(d * d), d))(p - y), saves=True,
          vjp=[lambda g, ans, p, y, saved: _mean_grad(g, 2 * saved),   # 2 (p - y) / N
               lambda g, ans, p, y, saved: _mean_grad(g, -2 * saved)],
          jvp=[lambda t, ans, p, y, saved: np.mean(2 * saved * t),
               lambda t, ans, p, y, saved: np.mean(-2 * saved * t)])


# --------------------------------------------------------------------------- #
# Public functions for the fused operations                                    #
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
    elif activation in _linear_activation:
        op = _linear_activation[activation]
    else:
        raise ValueError(f"linear: activation must be None or one of "
                         f"{sorted(_linear_activation)}; got {activation!r}")
    return op(x, W) if b is None else op(x, W, b)


def logsumexp(x, axis=-1, keepdims=False):
    """log(sum(exp(x), axis)), stable for large |x|. Its gradient is softmax(x)."""
    return _logsumexp_op(x, axis=_axis(axis), keepdims=keepdims)


def log_softmax(x, axis=-1):
    """x - logsumexp(x): log-probabilities, stable for large |x|."""
    return _log_softmax(x, axis=axis)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along axis, stable for large |x|."""
    return _softmax(x, axis=axis)


def bce_with_logits(logits, targets):
    """Binary cross-entropy of sigmoid(logits) against targets in [0, 1],
    averaged over all entries. Stable at logits of +-1000; gradient (σ(z) - y)/N."""
    return _bce(logits, targets)


def softmax_cross_entropy(logits, labels):
    """Cross-entropy of softmax(logits) (shape (n, classes)) against integer
    labels (shape (n,)), averaged over the n rows. Gradient (softmax - onehot)/n."""
    z = logits.data if isinstance(logits, Tensor) else np.asarray(logits)
    labels = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    if z.ndim != 2:
        raise ValueError(f"softmax_cross_entropy: logits must have shape (n, classes); "
                         f"got {z.shape}")
    if labels.shape != (z.shape[0],):
        raise ValueError(f"softmax_cross_entropy: labels must have shape ({z.shape[0]},) "
                         f"to match logits of shape {z.shape}; got {labels.shape}")
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind in "fb" and np.all(labels == np.round(labels)):
            labels = labels.astype(np.intp)
        else:
            raise TypeError(f"softmax_cross_entropy: labels must be integer class indices; "
                            f"got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= z.shape[1]):
        raise ValueError(f"softmax_cross_entropy: labels must be in 0..{z.shape[1] - 1}; "
                         f"got values from {labels.min()} to {labels.max()}")
    return _softmax_ce(logits, labels=labels)


def mse(pred, target):
    """Mean squared error, mean((pred - target)^2) over all entries."""
    return _mse(pred, target)

