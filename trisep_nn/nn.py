"""Layers and networks built on the engine: the ``h(x; w)`` of the lecture.

A network is a :class:`Module`: something with parameters (Tensors with
``requires_grad=True``) and a ``forward`` that maps an input Tensor to an
output Tensor. The names follow PyTorch, so the habits carry over::

    >>> import numpy as np
    >>> from trisep_nn.nn import MLP
    >>> model = MLP([2, 16, 16, 1], activation="relu", random_state=0)
    >>> model
    MLP([2, 16, 16, 1], activation='relu', init='he')
    >>> out = model(np.zeros((5, 2)))       # arrays are wrapped in a Tensor
    >>> out.shape
    (5, 1)
    >>> sum(p.data.size for p in model.parameters())   # 2*16+16 + 16*16+16 + 16*1+1
    337

Weights are stored with shape ``(in_features, out_features)`` so that a layer
is ``x @ W + b`` for a batch ``x`` of shape ``(n, in_features)``; this is
scikit-learn's ``coefs_`` convention (PyTorch stores the transpose).
"""

import numpy as np

from .ops import describe, linear
from .tensor import Tensor
from .validation import check_count, check_number, check_random_state

__all__ = [
    "Module", "Linear", "ReLU", "Sigmoid", "Tanh", "Identity", "Sequential", "MLP",
    "StackedMLP", "ACTIVATIONS",
]


class Module:
    """Base class of every layer and network.

    Subclasses set their parameters and sub-modules as attributes and define
    ``forward(x)``. ``parameters()`` finds them all (in the order they were
    assigned), so an optimizer can be built with ``SGD(model.parameters(), lr)``.

    >>> class Affine(Module):
    ...     def __init__(self):
    ...         self.a = Tensor(np.ones(3), requires_grad=True)
    ...     def forward(self, x):
    ...         return x * self.a
    >>> len(Affine().parameters())
    1
    """

    training = True

    def forward(self, x):
        raise NotImplementedError(f"{type(self).__name__} must define forward(x)")

    def __repr__(self):  # e.g. ReLU(); layers with settings show them
        return f"{type(self).__name__}()"

    def __call__(self, x):
        if not isinstance(x, Tensor):
            try:
                x = Tensor(x)
            except (TypeError, ValueError):
                raise TypeError(f"{type(self).__name__}: the input must be a Tensor or an "
                                f"array of numbers, got {describe(x)}") from None
        return self.forward(x)

    def named_parameters(self, prefix=""):
        """List of ``(name, Tensor)`` pairs, e.g. ``("layers.0.weight", W)``."""
        out, seen = [], set()
        for name, value in _children(self, prefix):
            if isinstance(value, Tensor):
                if value.requires_grad and id(value) not in seen:
                    seen.add(id(value))
                    out.append((name, value))
            else:
                for sub_name, p in value.named_parameters(prefix=name + "."):
                    if id(p) not in seen:
                        seen.add(id(p))
                        out.append((sub_name, p))
        return out

    def parameters(self):
        """List of all trainable Tensors of this module and its sub-modules."""
        return [p for _, p in self.named_parameters()]

    def modules(self):
        """This module and all its sub-modules, depth first."""
        out = [self]
        for _, value in _children(self, ""):
            if isinstance(value, Module):
                out.extend(value.modules())
        return out

    def zero_grad(self):
        """Set every parameter's ``grad`` to None (do this before each backward)."""
        for p in self.parameters():
            p.grad = None

    def train(self, mode=True):
        """Switch to training mode (matters only for layers that behave differently)."""
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self):
        """Switch to evaluation mode; same as ``train(False)``."""
        return self.train(False)

    def state_dict(self):
        """A copy of every parameter's values, keyed by name (to save or restore)."""
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(self, state):
        """Copy values saved by :meth:`state_dict` back into the parameters (in place)."""
        params = dict(self.named_parameters())
        if set(params) != set(state):
            missing, extra = set(params) - set(state), set(state) - set(params)
            raise ValueError(f"state does not match the model: missing {sorted(missing)}, "
                             f"unexpected {sorted(extra)}")
        for name, p in params.items():
            value = np.asarray(state[name])
            if value.shape != p.data.shape:
                raise ValueError(f"{name}: saved shape {value.shape} but the model has "
                                 f"shape {p.data.shape}")
            p.data[...] = value


def _children(module, prefix):
    """(name, Tensor-or-Module) for every attribute, lists and tuples expanded."""
    for key, value in vars(module).items():
        if isinstance(value, (Tensor, Module)):
            yield prefix + key, value
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                if isinstance(item, (Tensor, Module)):
                    yield f"{prefix}{key}.{i}", item


INITS = ("he", "xavier", "uniform", "normal")


def init_weights(fan_in, fan_out, init="he", scale=None, random_state=None):
    """A ``(fan_in, fan_out)`` weight matrix drawn by one of the classic recipes.

    ==========  ==========================================  =======================
    ``init``    distribution                                designed for
    ==========  ==========================================  =======================
    "he"        normal, std ``scale * sqrt(2 / fan_in)``    ReLU (He et al. 2015)
    "xavier"    uniform on ``±scale * sqrt(6 / (fan_in +    tanh, sigmoid
                fan_out))`` ("glorot" is the same)          (Glorot & Bengio 2010)
    "uniform"   uniform on ``±scale / sqrt(fan_in)``        Glorot & Bengio's
                                                            "standard" baseline
    "normal"    normal, std ``scale`` (default 0.01)        the naive "small random
                                                            numbers"
    ==========  ==========================================  =======================

    ``scale`` multiplies the recipe (default 1) except for "normal", where it is
    the standard deviation itself.
    """
    if not isinstance(init, str):
        raise TypeError(f"init must be one of {INITS}, got {describe(init)}")
    init = {"glorot": "xavier", "kaiming": "he"}.get(init, init)
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    fan_in, fan_out = check_count(fan_in, "fan_in"), check_count(fan_out, "fan_out")
    if scale is not None:
        scale = check_number(scale, "scale", low=0.0)
    rng = check_random_state(random_state)
    if init == "normal":
        std = 0.01 if scale is None else scale
        return rng.normal(0.0, std, size=(fan_in, fan_out))
    scale = 1.0 if scale is None else scale
    if init == "he":
        return rng.normal(0.0, scale * np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
    if init == "xavier":
        bound = scale * np.sqrt(6.0 / (fan_in + fan_out))
    else:
        bound = scale / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


class Linear(Module):
    """A fully connected layer ``x @ W + b``, one node of the graph.

    Parameters
    ----------
    in_features, out_features : int
    init : {"he", "xavier", "uniform", "normal"}, default "he"
        How to draw the weights (see :func:`init_weights`); biases start at 0.
    scale : float, optional
        Multiplies the init recipe; for ``init="normal"`` it is the std (default 0.01).
    bias : bool, default True
    random_state : None, int or numpy Generator
        Seed of the weights (``rng`` is accepted as another name for it).

    Attributes
    ----------
    weight : Tensor, shape (in_features, out_features)
    bias : Tensor, shape (out_features,), or None

    >>> layer = Linear(3, 2, random_state=0)
    >>> layer.weight.shape, layer.bias.shape
    ((3, 2), (2,))
    >>> layer(np.ones((4, 3))).shape
    (4, 2)
    """

    def __init__(self, in_features, out_features, init="he", scale=None, bias=True,
                 random_state=None, rng=None):
        self.in_features = check_count(in_features, "in_features")
        self.out_features = check_count(out_features, "out_features")
        self.init = init
        W = init_weights(self.in_features, self.out_features, init, scale,
                         random_state if rng is None else rng)
        self.weight = Tensor(W, requires_grad=True)
        self.bias = Tensor(np.zeros(self.out_features), requires_grad=True) if bias else None

    def forward(self, x):
        return linear(x, self.weight, self.bias)

    def __repr__(self):
        extra = "" if self.bias is not None else ", bias=False"
        return f"Linear({self.in_features}, {self.out_features}, init={self.init!r}{extra})"


class ReLU(Module):
    """``max(0, x)`` element-wise; derivative 1 for x > 0, so gradients pass unchanged."""

    def forward(self, x):
        return x.relu()


class Sigmoid(Module):
    """``σ(x) = 1 / (1 + e^-x)``; its derivative is at most 1/4 (vanishing gradients)."""

    def forward(self, x):
        return x.sigmoid()


class Tanh(Module):
    """``tanh(x)``; zero-centred, derivative at most 1."""

    def forward(self, x):
        return x.tanh()


class Identity(Module):
    """Returns its input (no activation)."""

    def forward(self, x):
        return x


# Names accepted by MLP(activation=...); "logistic" is scikit-learn's name for the sigmoid.
ACTIVATIONS = {"relu": ReLU, "sigmoid": Sigmoid, "logistic": Sigmoid, "tanh": Tanh,
               "identity": Identity, "linear": Identity}


# MLP runs each Linear layer and the activation after it as one graph node,
# ops.linear(x, W, b, activation), for these activations (Identity: no activation).
_FUSED = {ReLU: "relu", Tanh: "tanh", Sigmoid: "sigmoid", Identity: None}


class Sequential(Module):
    """Modules applied one after the other: ``Sequential(f, g)(x) == g(f(x))``.

    >>> net = Sequential(Linear(2, 8, random_state=0), Tanh(), Linear(8, 1, random_state=1))
    >>> len(net), net[1]
    (3, Tanh())
    """

    def __init__(self, *layers):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for layer in layers:
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential takes Modules, got {type(layer).__name__}")
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, i):
        return self.layers[i]

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def __repr__(self):
        inner = "".join(f"\n  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"{type(self).__name__}({inner}\n)"


class MLP(Sequential):
    """A multi-layer perceptron: Linear layers of the given sizes, an activation
    between consecutive ones and none after the last (the output is a logit or
    a regression value; the loss function applies the sigmoid / softmax).

    Each Linear layer and the activation after it run as one graph node,
    ``linear(x, W, b, activation)``: the same numbers as the two layers, one
    array less per layer. Iterate over the layers (``for layer in model:
    x = layer(x)``) to get the pre-activations as tensors of their own.

    Parameters
    ----------
    sizes : sequence of int
        ``[n_inputs, hidden_1, ..., n_outputs]``, at least two numbers.
    activation : str or Module class, default "relu"
        "relu", "tanh", "sigmoid" (or "logistic"), "identity", or a Module class.
    init : str, optional
        Weight initialisation of every layer (see :func:`init_weights`). Default:
        "he" for ReLU, "xavier" otherwise.
    scale : float, optional
        Passed to :func:`init_weights`.
    bias : bool, default True
    random_state : None, int or numpy Generator
        Seed of all the weights, so the same seed gives the same network.

    >>> MLP([4, 32, 3], activation="tanh", random_state=0)
    MLP([4, 32, 3], activation='tanh', init='xavier')
    >>> [type(m).__name__ for m in MLP([2, 8, 8, 1])]
    ['Linear', 'ReLU', 'Linear', 'ReLU', 'Linear']
    """

    def __init__(self, sizes, activation="relu", init=None, scale=None, bias=True,
                 random_state=None):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
            raise TypeError(f"sizes must be a list of layer sizes, got {sizes!r}")
        sizes = [check_count(s, "every entry of sizes") for s in sizes]
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output size, got {sizes}")
        if isinstance(activation, str):
            if activation not in ACTIVATIONS:
                raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, "
                                 f"got {activation!r}")
            act_cls = ACTIVATIONS[activation]
        elif isinstance(activation, type) and issubclass(activation, Module):
            act_cls = activation
        else:
            raise TypeError("activation must be a name such as 'relu' or a Module class")
        if init is None:
            init = "he" if act_cls is ReLU else "xavier"
        rng = check_random_state(random_state)
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Linear(n_in, n_out, init=init, scale=scale, bias=bias, rng=rng))
            if i < len(sizes) - 2:
                layers.append(act_cls())
        super().__init__(*layers)
        self.sizes, self.activation, self.init = sizes, activation, init
        self._fused = _FUSED.get(act_cls, False)  # False: run layer by layer

    def forward(self, x):
        if self._fused is False:  # an activation of your own: layer by layer
            return super().forward(x)
        *hidden, last = self.linears
        for layer in hidden:  # Linear + activation as one graph node
            x = linear(x, layer.weight, layer.bias, self._fused)
        return linear(x, last.weight, last.bias)

    @property
    def linears(self):
        """The Linear layers, input to output."""
        return [m for m in self.layers if isinstance(m, Linear)]

    def __repr__(self):
        act = self.activation if isinstance(self.activation, str) else self.activation.__name__
        return f"MLP({self.sizes}, activation={act!r}, init={self.init!r})"


class StackedMLP(Module):
    """Several MLPs, run side by side as one model.

    Why: training a small network is slow because every step runs a few dozen
    tiny NumPy operations, each costing far more in overhead than in arithmetic.
    Stacking ``J`` networks' weights into arrays of shape ``(J, in, out)`` does
    the J networks' operations in one go, for about the price of one network.

    The networks need the same number of layers, inputs and outputs; their hidden
    layers may differ in width: a narrower network is padded with units whose
    weights are held at 0 by a mask, so they stay switched off and add nothing.
    The outputs have shape ``(J, n, out)``, one slice per network. Trained on the
    **sum** of the networks' losses, every network learns exactly as it would
    alone: no weight is shared, so each weight's gradient is its own network's
    (and 0 for the padding), and SGD and Adam update every weight on its own.
    (A mean over the networks would divide every gradient by J: the same for
    Adam, J times slower for SGD.)

    >>> nets = [MLP([1, width, 1], random_state=seed) for width, seed in [(8, 0), (8, 1), (3, 0)]]
    >>> stack = StackedMLP(nets)
    >>> stack(np.zeros((5, 1))).shape
    (3, 5, 1)
    >>> [m.sizes for m in stack.to_models()]
    [[1, 8, 1], [1, 8, 1], [1, 3, 1]]
    """

    def __init__(self, models):
        models = list(models)
        if not models or any(not isinstance(m, MLP) for m in models):
            raise TypeError("StackedMLP takes a non-empty list of MLPs")
        first = models[0]
        if any(len(m.sizes) != len(first.sizes) or m.sizes[0] != first.sizes[0]
               or m.sizes[-1] != first.sizes[-1] or m.activation != first.activation
               for m in models):
            raise ValueError("the MLPs must have the same number of layers, inputs, outputs "
                             "and activation")
        self.sizes = [m.sizes for m in models]
        self.activation = first.activation
        widest = np.max(self.sizes, axis=0)
        self.weights, self.biases, self._masks = [], [], []
        for i, (n_in, n_out) in enumerate(zip(widest[:-1], widest[1:])):
            W, b = np.zeros((len(models), n_in, n_out)), np.zeros((len(models), 1, n_out))
            mask = np.zeros_like(W)
            for j, m in enumerate(models):  # each network in the top-left corner
                layer = m.linears[i]
                W[j, :layer.in_features, :layer.out_features] = layer.weight.data
                b[j, 0, :layer.out_features] = layer.bias.data
                mask[j, :layer.in_features, :layer.out_features] = 1.0
            self.weights.append(Tensor(W, requires_grad=True))
            self.biases.append(Tensor(b, requires_grad=True))
            self._masks.append(None if mask.all() else mask)  # padded units stay at 0
        act = first.activation
        self._activation = ACTIVATIONS[act]() if isinstance(act, str) else act()

    def __len__(self):
        return len(self.sizes)

    def forward(self, x):
        """``x`` of shape (n, in) (the same input for every network) or (J, n, in)."""
        for i, (W, b, mask) in enumerate(zip(self.weights, self.biases, self._masks)):
            x = x @ (W if mask is None else W * mask) + b  # one (n, in) @ (in, out) per network
            if i < len(self.weights) - 1:
                x = self._activation(x)
        return x

    def to_models(self):
        """The J networks as separate MLPs with the current weights."""
        models = []
        for j, sizes in enumerate(self.sizes):
            model = MLP(sizes, activation=self.activation, random_state=0)
            for layer, W, b in zip(model.linears, self.weights, self.biases):
                n_in, n_out = layer.in_features, layer.out_features
                layer.weight.data[...] = W.data[j, :n_in, :n_out]
                layer.bias.data[...] = b.data[j, 0, :n_out]
            models.append(model)
        return models

    def __repr__(self):
        return f"StackedMLP({len(self)} networks, activation={self.activation!r})"
