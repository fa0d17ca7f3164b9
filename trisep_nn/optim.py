"""Optimizers: gradient-descent updates of a model's parameters.

Each optimizer holds a list of parameters (Tensors with ``requires_grad=True``)
and, after ``loss.backward()`` has filled every ``p.grad``, moves ``p.data`` in
place by one step. The loop is the same as in PyTorch::

    >>> from trisep_nn.nn import MLP
    >>> from trisep_nn.losses import mse
    >>> from trisep_nn.tensor import Tensor
    >>> import numpy as np
    >>> model = MLP([1, 8, 1], random_state=0)
    >>> opt = SGD(model.parameters(), lr=0.1)
    >>> X, y = np.linspace(-1, 1, 20)[:, None], np.linspace(-1, 1, 20)[:, None] ** 2
    >>> for step in range(5):
    ...     opt.zero_grad()                    # forget the last step's gradients
    ...     loss = mse(model(Tensor(X)), y)
    ...     loss.backward()                    # fill p.grad for every parameter
    ...     opt.step()                         # p.data -= lr * p.grad (for plain SGD)

Parameters whose ``grad`` is ``None`` (not used in the loss) are skipped.
The update formulas are written out in each class's docstring; they are the
ones of PyTorch's ``torch.optim.SGD`` and ``torch.optim.Adam``.
"""

import numpy as np

__all__ = ["Optimizer", "SGD", "Adam"]


class Optimizer:
    """Base class: stores the parameters and the learning rate ``lr``.

    ``lr`` is a plain attribute, so a learning-rate schedule can change it
    between steps (``opt.lr *= 0.5``).
    """

    def __init__(self, params, lr):
        self.params = _as_param_list(params)
        _check_positive("lr", lr, "the learning rate")
        self.lr = float(lr)
        self.t = 0  # number of steps taken

    def zero_grad(self):
        """Forget the gradients of the last step (set every ``p.grad`` to None)."""
        for p in self.params:
            p.grad = None

    def step(self):  # pragma: no cover - every optimizer overrides it
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr:g})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum and L2 weight decay.

    With gradient ``g`` of parameter ``w``, learning rate ``η`` (``lr``),
    momentum ``μ`` and weight decay ``λ``, one step is::

        g ← g + λ w                      (L2 penalty λ/2 ‖w‖², added to the gradient)
        v ← μ v + g                      (v starts at 0; skipped when μ = 0)
        w ← w − η v                      (or w − η (g + μ v) with nesterov=True)

    With ``momentum=0`` this is the plain update ``w ← w − η g`` of the lecture.

    Parameters
    ----------
    params : iterable of Tensor
        Usually ``model.parameters()``.
    lr : float
        Learning rate η, > 0.
    momentum : float, default 0.0
        Momentum μ in [0, 1).
    weight_decay : float, default 0.0
        L2 coefficient λ ≥ 0, applied to every parameter given (biases too).
    nesterov : bool, default False
        Nesterov momentum (as scikit-learn's default ``nesterovs_momentum=True``).

    Examples
    --------
    >>> from trisep_nn.tensor import Tensor
    >>> w = Tensor([1.0, -2.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.1)
    >>> (w * w).sum().backward()        # g = 2 w
    >>> opt.step()
    >>> w.data                          # w - 0.1 * 2 w
    array([ 0.8, -1.6])
    """

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, lr)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        _check_nonnegative("weight_decay", weight_decay)
        if nesterov and momentum == 0:
            raise ValueError("nesterov=True needs a momentum > 0")
        self.momentum = float(momentum)
        self.weight_decay = float(weight_decay)
        self.nesterov = bool(nesterov)
        self.velocity = [None] * len(self.params)

    def step(self):
        """Move every parameter with a gradient by one SGD step (in place)."""
        self.t += 1
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            if wd:
                g = g + wd * p.data
            if mu:
                v = self.velocity[i]
                if v is None:
                    v = self.velocity[i] = np.zeros_like(p.data)
                v *= mu
                v += g
                g = g + mu * v if self.nesterov else v
            p.data -= lr * g


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): per-parameter step sizes from running moments.

    With gradient ``g``, step number ``t`` (1, 2, ...), learning rate η::

        g ← g + λ w                          (L2 weight decay, as torch.optim.Adam)
        m ← β₁ m + (1 − β₁) g                (running mean of g, starts at 0)
        v ← β₂ v + (1 − β₂) g²               (running mean of g², starts at 0)
        m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)  (bias corrections)
        w ← w − η m̂ / (√v̂ + ε)

    This is Algorithm 1 of the paper. (scikit-learn puts ε next to √v instead of
    √v̂; the two differ only when √v̂ is as small as ε.) The weight decay is the
    coupled L2 kind, not AdamW's decoupled one.

    Parameters
    ----------
    params : iterable of Tensor
    lr : float, default 1e-3
        Learning rate η, > 0.
    betas : (float, float), default (0.9, 0.999)
        Decay rates β₁, β₂ of the moment estimates, each in [0, 1).
    eps : float, default 1e-8
    weight_decay : float, default 0.0

    Examples
    --------
    >>> from trisep_nn.tensor import Tensor
    >>> w = Tensor([1.0, -2.0], requires_grad=True)
    >>> opt = Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()                      # the first Adam step moves each weight by ≈ lr
    >>> w.data
    array([ 0.9, -1.9])
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        b1, b2 = betas
        for name, b in (("betas[0]", b1), ("betas[1]", b2)):
            if not 0.0 <= b < 1.0:
                raise ValueError(f"{name} must be in [0, 1), got {b!r}")
        _check_nonnegative("eps", eps)
        _check_nonnegative("weight_decay", weight_decay)
        self.betas = (float(b1), float(b2))
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.m = [np.zeros_like(p.data) for p in self.params]
        self.v = [np.zeros_like(p.data) for p in self.params]
        self._work = [np.empty_like(p.data) for p in self.params]  # scratch, no allocations

    def step(self):
        """Move every parameter with a gradient by one Adam step (in place)."""
        self.t += 1
        b1, b2 = self.betas
        # Fold both bias corrections into one step size and one epsilon:
        # η m̂/(√v̂ + ε) = (η / (1-β₁ᵗ)) · m / (√v / √(1-β₂ᵗ) + ε)
        step_size = self.lr / (1.0 - b1**self.t)
        root_c2 = np.sqrt(1.0 - b2**self.t)
        wd = self.weight_decay
        for p, m, v, w in zip(self.params, self.m, self.v, self._work):
            g = p.grad
            if g is None:
                continue
            if wd:
                g = g + wd * p.data
            # The same formulas as above, written with in-place NumPy calls so that
            # no temporary arrays are allocated (this runs once per mini-batch).
            m *= b1
            np.multiply(g, 1.0 - b1, out=w)
            m += w                                # m = β₁ m + (1-β₁) g
            v *= b2
            np.multiply(g, g, out=w)
            w *= 1.0 - b2
            v += w                                # v = β₂ v + (1-β₂) g²
            np.sqrt(v, out=w)
            w *= 1.0 / root_c2
            w += self.eps                         # w = √v̂ + ε
            np.divide(m, w, out=w)
            w *= step_size                        # w = η m̂ / (√v̂ + ε)
            p.data -= w


def _as_param_list(params):
    """A list of the parameters, refusing an empty one (a common slip)."""
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()  # a Module passed instead of its parameters
    params = list(params)
    if not params:
        raise ValueError("the optimizer got an empty list of parameters")
    for p in params:
        if not hasattr(p, "data") or not hasattr(p, "grad"):
            raise TypeError(
                "optimizer parameters must be Tensors (with .data and .grad), "
                f"got {type(p).__name__}"
            )
    return params


def _check_positive(name, value, what):
    if not np.isscalar(value) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} ({what}) must be a positive number, got {value!r}")


def _check_nonnegative(name, value):
    if not np.isscalar(value) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative number, got {value!r}")
