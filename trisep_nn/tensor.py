"""The autodiff engine: a Tensor that remembers how it was made, and the walk back.

    >>> from trisep_nn.tensor import Tensor
    >>> a = Tensor(2.0, requires_grad=True)
    >>> b = Tensor(3.0, requires_grad=True)
    >>> f = (a * b).log()            # f(a, b) = log(ab)
    >>> f.backward()
    >>> float(a.grad), float(b.grad)  # df/da = 1/a, df/db = 1/b
    (0.5, 0.3333333333333333)

Every operation on Tensors returns a new Tensor that records the operation and
its inputs: the computational graph. ``f.backward()`` walks it back from f and
applies the chain rule at every node (reverse mode, backpropagation). A Tensor
can also carry a ``tangent`` that every operation pushes forward (forward mode,
``trisep_nn.jvp``). This file is that machinery; each operation's rules are in
ops.py, one line each where possible: "THE DERIVATIVE TABLE".

Semantics: PyTorch's (backward, grad, zero_grad, no_grad, retain_graph, ...).
Every difference from PyTorch is listed in one place: ``help(trisep_nn)``.
"""

import heapq
import itertools

import numpy as np

__all__ = ["Tensor", "no_grad", "enable_grad", "backpropagate"]

_grad_enabled = True  # when False, operations record no graph
_clock = itertools.count(1)  # numbers operations' outputs and in-place changes, in order
_last_in_place = 0  # the clock reading at the latest in-place change of any tensor


class no_grad:
    """Context manager (or decorator) in which operations record no graph: for
    evaluation and for parameter updates (``with no_grad(): w -= lr * w.grad``)."""

    _mode = False

    def __enter__(self):
        global _grad_enabled
        self._previous, _grad_enabled = _grad_enabled, self._mode

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


class Tensor:
    """An array that records the operations applied to it, for differentiation.

    data : number, nested list or ndarray (an ndarray is wrapped, not copied)
    requires_grad : bool. If True, ``backward()`` computes ``.grad`` for it.
    name : str, optional. A label, shown by ``draw_graph``.
    """

    # __slots__: no per-instance dict, so creating a node is cheap.
    __slots__ = ("data", "grad", "requires_grad", "tangent", "name",
                 "_op", "_inputs", "_params", "_retain", "_seq", "_version", "_freed")

    __array_ufunc__ = None  # NumPy hands over to us: `ndarray + Tensor` calls __radd__

    def __init__(self, data, requires_grad=False, name=None):
        self.data = ops.as_float_array(data)
        self.grad = None             # dL/d(self) after backward(), shaped like data
        self.requires_grad = bool(requires_grad)
        self.tangent = None          # forward mode: d(self)/d(direction), or None
        self.name = name
        self._op, self._inputs, self._params = None, (), None  # how it was made (None: a leaf)
        self._retain = False         # keep .grad although it is not a leaf
        self._seq = self._version = 0  # clock readings: when made / last changed in place
        self._freed = False          # backward() has walked through it (no retain_graph)

    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)
    dtype = property(lambda self: self.data.dtype)
    is_leaf = property(lambda self: self._op is None,
                       doc="True for tensors not produced by a recorded operation.")
    op = property(lambda self: None if self._op is None else self._op.name,
                  doc="The name of the operation that produced this tensor (None for a leaf).")
    op_symbol = property(lambda self: None if self._op is None else self._op.symbol)
    op_params = property(lambda self: self._params, doc="The op's other arguments (p of x**p).")
    inputs = property(lambda self: self._inputs, doc="The tensors it was computed from.")

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
        extra = f", op={self._op.name}" if self._op else (
            ", requires_grad=True" if self.requires_grad else "")
        return f"Tensor({body}{extra}{f', name={self.name!r}' if self.name else ''})"

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor: it has no first dimension")
        return len(self.data)

    def __iter__(self):  # rows, as tensors (so a loop over them stays differentiable)
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor: it has no rows")
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        return bool(self.data)

    def __float__(self):
        return float(self.data)

    def __format__(self, spec):  # f"{loss:.3f}" works for one-element tensors
        return format(self.data.item() if self.data.size == 1 else self.data, spec)

    def __array__(self, dtype=None, copy=None):  # np.asarray(t), plt.plot(t)
        return self.data if dtype is None else self.data.astype(dtype)

    # ---- reverse mode ------------------------------------------------------
    def backward(self, gradient=None, retain_graph=False, retain_grads=False):
        """Backpropagate: add d(self)/d(leaf) to ``.grad`` of every leaf that
        requires a gradient.

        gradient : array, optional. The upstream gradient dL/d(self), shaped like
            ``self``; may be omitted for a one-element tensor (it is then 1).
        retain_graph : bool. Allow another backward() through this graph later.
        retain_grads : bool. Also keep ``.grad`` on every intermediate tensor.
        """
        if not self.requires_grad:
            raise RuntimeError("backward(): this tensor does not depend on any tensor with "
                               "requires_grad=True (or it was computed inside no_grad()).")
        seed = _seed(gradient, self)
        for node, g in backpropagate(self, seed, retain_graph, retain_grads).items():
            if node.grad is None:
                node.grad = g
            else:
                node.grad += g  # accumulate, as PyTorch does; zeroing is explicit

    @staticmethod
    def record(op, value, inputs, params):
        """The output of an operation as a Tensor, recorded in the graph if an input
        requires grad (``ops.Op`` and ``ops.custom_op`` call this)."""
        out = object.__new__(Tensor)  # skip __init__: value is already a float ndarray
        out.data, out.grad, out.tangent, out.name, out._retain = value, None, None, None, False
        out._version, out._freed = 0, False
        for x in inputs:
            if x.requires_grad and _grad_enabled:
                out.requires_grad, out._op, out._inputs, out._params = True, op, inputs, params
                out._seq = next(_clock)  # larger than the number of any of its inputs
                return out
        out.requires_grad, out._op, out._inputs, out._params, out._seq = False, None, (), None, 0
        return out

    # ---- operators: the rules are in ops.py ----------------------------------
    __add__ = lambda self, other: ops.add(self, other)
    __radd__ = lambda self, other: ops.add(other, self)
    __sub__ = lambda self, other: ops.sub(self, other)
    __rsub__ = lambda self, other: ops.sub(other, self)
    __mul__ = lambda self, other: ops.mul(self, other)
    __rmul__ = lambda self, other: ops.mul(other, self)
    __truediv__ = lambda self, other: ops.div(self, other)
    __rtruediv__ = lambda self, other: ops.div(other, self)
    __matmul__ = lambda self, other: ops.matmul(self, other)
    __rmatmul__ = lambda self, other: ops.matmul(other, self)
    __neg__ = lambda self: ops.neg(self)
    __pos__ = lambda self: self
    __pow__ = lambda self, p: ops.power(self, p=ops.check_exponent(p, "exponent"))
    __rpow__ = lambda self, base: ops.rpower(self, base=ops.check_exponent(base, "base"))
    __getitem__ = lambda self, index: ops.getitem(self, index=ops.check_index(index))
    # in place (x -= y): see _in_place
    __iadd__ = lambda self, other: _in_place(self, other, np.add, ops.add, "+=")
    __isub__ = lambda self, other: _in_place(self, other, np.subtract, ops.sub, "-=")
    __imul__ = lambda self, other: _in_place(self, other, np.multiply, ops.mul, "*=")
    __itruediv__ = lambda self, other: _in_place(self, other, np.divide, ops.div, "/=")
    # comparisons: element by element, not differentiable (a NumPy bool array)
    __eq__ = lambda self, other: self.data == _data(other)
    __ne__ = lambda self, other: self.data != _data(other)
    __lt__ = lambda self, other: self.data < _data(other)
    __le__ = lambda self, other: self.data <= _data(other)
    __gt__ = lambda self, other: self.data > _data(other)
    __ge__ = lambda self, other: self.data >= _data(other)
    __hash__ = object.__hash__  # a Tensor is a graph node: hashed by identity

    # ---- methods: the rules are in ops.py -----------------------------------
    exp = lambda self: ops.exp(self)
    log = lambda self: ops.log(self)
    tanh = lambda self: ops.tanh(self)
    sigmoid = lambda self: ops.sigmoid(self)
    relu = lambda self: ops.relu(self)
    abs = lambda self: ops.absolute(self)
    sum = lambda self, axis=None, keepdims=False: ops.sum_(
        self, **ops.check_axis(axis, keepdims, self.ndim))
    mean = lambda self, axis=None, keepdims=False: ops.mean(
        self, **ops.check_axis(axis, keepdims, self.ndim))
    max = lambda self, axis=None, keepdims=False: ops.max_(
        self, **ops.check_axis(axis, keepdims, self.ndim))
    min = lambda self, axis=None, keepdims=False: -ops.max_(
        -self, **ops.check_axis(axis, keepdims, self.ndim))
    reshape = lambda self, *shape: ops.reshape(self, shape=ops.check_shape(shape))
    transpose = lambda self, *axes: ops.transpose(
        self, axes=ops.check_permutation(axes, self.ndim))
    T = property(lambda self: ops.transpose(self, axes=None))


def _data(x):
    return x.data if isinstance(x, Tensor) else x


def _seed(gradient, root):
    """The upstream gradient of backward(): 1 for a one-element root, else given."""
    if gradient is None:
        if root.data.size != 1:
            raise ValueError(
                f"backward() without an argument needs a one-element output, but this "
                f"tensor has shape {root.shape}. Reduce it first (y.sum().backward()) "
                f"or pass the upstream gradient: y.backward(np.ones({root.shape})).")
        return np.ones_like(root.data)
    try:
        seed = np.asarray(ops.as_float_array(gradient), dtype=root.dtype)
    except (TypeError, ValueError):
        raise TypeError(f"backward(): gradient must be an array of numbers shaped like the "
                        f"tensor {root.shape}; got {ops.describe(gradient)}") from None
    if seed.shape != root.shape:
        raise ValueError(f"backward(): the gradient has shape {seed.shape} but the "
                         f"tensor has shape {root.shape}; they must be equal.")
    return seed


def _in_place(x, other, ufunc, op, symbol):
    """x -= y and its kind, as in PyTorch: in place where no graph is being recorded
    (under no_grad, or when neither side requires grad); a leaf that requires grad
    cannot change while recording; an intermediate result x becomes x - y, recorded."""
    global _last_in_place
    if x.tangent is not None or getattr(other, "tangent", None) is not None:
        return op(x, other)  # forward mode: the tangent must change too
    if _grad_enabled and (x.requires_grad or getattr(other, "requires_grad", False)):
        if x.requires_grad and x._op is None:
            raise RuntimeError(
                f"a leaf tensor that requires grad cannot be changed in place ({symbol}) "
                f"while gradients are recorded: the change would not be part of the graph. "
                f"Update parameters inside `with no_grad():`, as optimizers do.")
        return op(x, other)
    value = ops.as_float_array(other)
    try:
        ufunc(x.data, value, out=x.data)
    except ValueError as err:
        raise ValueError(f"x {symbol} y in place, x of shape {x.shape} and y of shape "
                         f"{value.shape}: {err}") from None
    x._version = _last_in_place = next(_clock)  # graphs that used x can no longer be walked
    return x


# --------------------------------------------------------------------------- #
# The graph walk                                                               #
# --------------------------------------------------------------------------- #
def backpropagate(root, seed, retain_graph=False, retain_all=False):
    """The chain rule, node by node from root back to the leaves.

    In which order? Every operation's output is numbered when it is made, and
    an operation can only use tensors that already exist: whatever uses a node
    is newer than the node. So we always continue with the newest node that has
    a gradient waiting; by then every node that uses it has passed its share
    back, and its gradient is complete. (A heap finds the newest quickly. No
    recursion: a chain of 200,000 operations is fine.)

    Returns {tensor: gradient} for the leaves that need one (and retained
    intermediates), each a new array of its own. `seed` is not changed.
    """
    grads = _Gradients(root, seed)
    waiting = [] if root._op is None else [(-root._seq, root)]  # nodes with a gradient
    kept = {}
    while waiting:
        node = heapq.heappop(waiting)[1]
        g, g_is_ours = grads.pop(node)  # dL/d(node), complete
        if retain_all or node._retain:
            kept[node] = g.copy()
        if node._freed or _last_in_place > node._seq:
            _refuse_walk(node)
        node._freed = not retain_graph  # as in PyTorch: one walk, unless retain_graph
        if node._op.slope is not None:  # node = f(inner): first the chain rule through f
            g = np.multiply(g, node._op.slope(node.data), out=g if g_is_ours else None)
        for x, gx in _input_gradients(node, g):
            if grads.arrive(x, gx, g) and x._op is not None:  # first arrival at an op's output
                heapq.heappush(waiting, (-x._seq, x))
    return {**grads.leaves(), **kept}


def _input_gradients(node, g):
    """dL/dx = dL/d(node) d(node)/dx for each input x that needs it: the vjp rules."""
    op, inputs, ans, params = node._op, node._inputs, node.data, node._params
    if op.vjp is None:  # a custom op: copies, as we cannot know what it returns
        pairs = [(x, np.array(gx, dtype=x.dtype)) for x, gx in zip(inputs, params["backward"](g))
                 if gx is not None and x.requires_grad]
        for x, gx in pairs:
            if gx.shape != x.shape:
                raise ValueError(f"the custom op {op.name!r} returned a gradient of shape "
                                 f"{gx.shape} for an input of shape {x.shape}")
        return pairs
    xs = [x.data for x in inputs]
    return [(x, rule(g, ans, *xs, **params)) for x, rule in zip(inputs, op.vjp) if x.requires_grad]


def _refuse_walk(node):
    """A second walk through a freed graph, or through values changed in place since
    the graph was recorded, is an error (else the gradients would be wrong)."""
    if node._freed:
        raise RuntimeError(
            f"backward() through the graph a second time (at {node._op.name}): the first "
            f"backward() freed it. Call the first one with backward(retain_graph=True) if "
            f"you need two, or build the graph again (a new forward pass).")
    if any(x._version > node._seq for x in (node, *node._inputs)):
        raise RuntimeError(
            f"a tensor used by {node._op.name} was changed in place after the graph was "
            f"recorded, so its gradient would be wrong. Build the graph again after the "
            f"change, or make a new tensor (x = x - y) instead of changing x (x -= y).")


class _Gradients:
    """The gradients that have arrived at each node so far: the aliasing bookkeeping.

    A rule may return g itself or a view of it (add passes g on; reshape returns
    a view): such a gradient is shared with another node's, so it must not be
    changed in place, nor handed to a caller as their own. Any other array a rule
    returns is new, and ours. The seed is the caller's: shared.
    """

    def __init__(self, root, seed):
        self.grads = {root: seed}
        self.shared = {root}  # the nodes whose gradient in grads is not ours

    def pop(self, node):
        """The gradient of node, and whether it is ours to change."""
        return self.grads.pop(node), node not in self.shared

    def arrive(self, x, gx, g):
        """Gradient gx (computed from g) reaches input x: shape it like x and add it
        to what arrived there along other paths. True on the first arrival."""
        data = x.data
        if type(gx) is not np.ndarray or gx.shape != data.shape or gx.dtype != data.dtype:
            gx = _like(gx, data)
        if x in self.grads:  # another path already arrived: the sum is a new array
            self.grads[x] = np.asarray(self.grads[x] + gx)  # (0-d + 0-d is a scalar)
            self.shared.discard(x)
            return False
        self.grads[x] = gx
        if gx is g or gx.base is not None:
            self.shared.add(x)
        return True

    def leaves(self):
        """What is left are the leaves' gradients, each made an array of its own."""
        return {x: gx.copy() if x in self.shared else gx for x, gx in self.grads.items()}


def _like(gx, data):
    """gx as an array of data's shape and dtype: summed over the broadcast axes."""
    if type(gx) is not np.ndarray:
        gx = np.asarray(gx)
    if gx.shape != data.shape:  # the input was broadcast: sum back to its shape
        lead = gx.ndim - data.ndim  # axes added in front (a bias added to a batch: one)
        if lead:  # (np.asarray: a reduction to 0-d gives a NumPy scalar)
            gx = np.asarray(np.add.reduce(gx, axis=0 if lead == 1 else tuple(range(lead))))
        if gx.shape != data.shape:  # axes of length 1 stretched to match
            stretched = tuple(i for i, n in enumerate(data.shape) if n == 1 and gx.shape[i] != 1)
            gx = np.add.reduce(gx, axis=stretched, keepdims=True)
    return gx if gx.dtype == data.dtype else gx.astype(data.dtype)


from . import ops  # noqa: E402  (last: ops.py builds its table on the Tensor above)
