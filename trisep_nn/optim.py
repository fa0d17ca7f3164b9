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

import warnings

import numpy as np

from .validation import check_number

__all__ = ["Optimizer", "SGD", "Adam"]


class Optimizer:
    """Base class: stores the parameters and the learning rate ``lr``.

    ``lr`` is a plain attribute, so a learning-rate schedule can change it
    between steps (``opt.lr *= 0.5``).
    """

    def __init__(self, params, lr):
        self.params = _as_param_list(params)
        self.lr = check_number(lr, "lr (the learning rate)", low=0.0, low_open=True)
        self.t = 0  # number of steps taken

    def zero_grad(self):
        """Forget the gradients of the last step (set every ``p.grad`` to None)."""
        for p in self.params:
            p.grad = None

    def step(self):  # pragma: no cover - every optimizer overrides it
        raise NotImplementedError

    def gradients(self):
        """[(index, parameter, gradient)] for the parameters that have a gradient, once
        each gradient is checked to have its parameter's shape (before any moves)."""
        found = [(i, p, p.grad) for i, p in enumerate(self.params) if p.grad is not None]
        for i, p, g in found:
            if getattr(g, "shape", None) != p.data.shape:
                raise ValueError(f"{type(self).__name__}.step: parameter {i} has shape "
                                 f"{p.data.shape} but its .grad has shape "
                                 f"{getattr(g, 'shape', type(g).__name__)}; gradients must "
                                 f"have their parameter's shape")
        return found

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
        self.momentum = check_number(momentum, "momentum", 0.0, 1.0, high_open=True)
        self.weight_decay = check_number(weight_decay, "weight_decay", low=0.0)
        if nesterov and momentum == 0:
            raise ValueError("nesterov=True needs a momentum > 0")
        self.nesterov = bool(nesterov)
        self.velocity = [None] * len(self.params)

    def step(self):
        """Move every parameter with a gradient by one SGD step (in place)."""
        self.t += 1
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        for i, p, g in self.gradients():
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
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = tuple(check_number(b, f"betas[{i}]", 0.0, 1.0, high_open=True)
                           for i, b in enumerate(betas))
        self.eps = check_number(eps, "eps", low=0.0)
        self.weight_decay = check_number(weight_decay, "weight_decay", low=0.0)
        self.m = [np.zeros_like(p.data) for p in self.params]
        self.v = [np.zeros_like(p.data) for p in self.params]
        self.work = [np.empty_like(p.data) for p in self.params]  # scratch: no allocations

    #: Where ε enters: next to the bias-corrected √v̂, as in Algorithm 1 of the paper
    #: and PyTorch (True), or next to √v, as in scikit-learn (False; see estimators).
    eps_after_bias_correction = True

    def step(self):
        """Move every parameter with a gradient by one Adam step (in place)."""
        self.t += 1
        b1, b2 = self.betas
        # Fold both bias corrections into one step size and one epsilon:
        # η m̂/(√v̂ + ε) = (η / (1-β₁ᵗ)) · m / (√v / √(1-β₂ᵗ) + ε)
        if self.eps_after_bias_correction:
            step_size, root_c2 = self.lr / (1.0 - b1**self.t), np.sqrt(1.0 - b2**self.t)
        else:  # scikit-learn's form: η √(1-β₂ᵗ)/(1-β₁ᵗ) · m / (√v + ε)
            step_size, root_c2 = self.lr * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t), 1.0
        wd = self.weight_decay
        for i, p, g in self.gradients():
            m, v, w = self.m[i], self.v[i], self.work[i]
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
            if root_c2 != 1.0:
                w *= 1.0 / root_c2
            w += self.eps                         # w = √v̂ + ε
            np.divide(m, w, out=w)
            w *= step_size                        # w = η m̂ / (√v̂ + ε)
            p.data -= w


def _as_param_list(params):
    """A list of the parameters, refusing an empty one (a common slip)."""
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()  # a Module passed instead of its parameters
    if isinstance(params, (str, bytes)) or not hasattr(params, "__iter__"):
        raise TypeError(f"params must be a list of Tensors (e.g. model.parameters()), got "
                        f"{params!r}")
    params = list(params)
    if not params:
        raise ValueError("the optimizer got an empty list of parameters")
    for p in params:
        if not hasattr(p, "data") or not hasattr(p, "grad"):
            raise TypeError(
                "optimizer parameters must be Tensors (with .data and .grad), "
                f"got {type(p).__name__}"
            )
    unique = list({id(p): p for p in params}.values())
    if len(unique) < len(params):
        warnings.warn(f"the optimizer got {len(params) - len(unique)} parameter(s) more than "
                      "once; each is updated once per step", UserWarning, stacklevel=3)
    return unique
