"""Three ways to differentiate in code: numerically, symbolically, automatically.

The lecture's "Differentiation in code" slide (after Baydin et al. 2018,
*Automatic Differentiation in Machine Learning: a Survey*, JMLR) compares

* **numerical** differentiation: finite differences. Cheap to write, but the
  step ``h`` is a compromise. The truncation error of the Taylor series
  shrinks with ``h`` (∝ h for the forward difference, ∝ h² for the central
  one) while the round-off error of subtracting two nearly equal floats grows
  as ``ε/h`` (ε ≈ 2.2e-16 in float64). The best ``h`` sits where they cross:
  near ``ε^(1/2)`` (forward) or ``ε^(1/3)`` (central).

      >>> import numpy as np
      >>> err = finite_difference_error(np.sin, np.cos, 1.0, [1e-1, 1e-2], "central")
      >>> bool(err[1] < err[0] / 50)          # 10x smaller step, ~100x smaller error
      True

* **symbolic** differentiation: rules applied to an expression tree. Exact,
  but the derivative of a composed function repeats the same sub-expressions
  again and again (*expression swell*). :func:`diff` does it on expressions
  written as nested tuples, small enough to read in one sitting:

      >>> e = ("sigmoid", ("mul", "w", "x"))
      >>> to_string(diff(e, "x"))
      'σ(w*x)*(1 - σ(w*x))*w'

  :func:`tree_size` counts the nodes as printed (every repeat spelled out);
  :func:`dag_size` counts the *distinct* sub-expressions, which is what an
  evaluation that reuses intermediate values (automatic differentiation)
  pays for.

* **automatic** differentiation: the engine in :mod:`trisep_nn.tensor` and :mod:`trisep_nn.ops`.

Nothing here needs more than NumPy.
"""

import numpy as np
from scipy.special import expit  # σ(x) = 1 / (1 + e^-x), never overflows

__all__ = [
    "EPS",
    "finite_difference",
    "finite_difference_error",
    "error_model",
    "optimal_step",
    "loglog_slope",
    "diff",
    "simplify",
    "evaluate",
    "tree_size",
    "dag_size",
    "to_string",
    "logistic_map",
    "network_expression",
    "swell_table",
]

#: Machine epsilon of float64: the relative spacing of floating-point numbers near 1.
EPS = float(np.finfo(np.float64).eps)

_SCHEMES = ("forward", "central")


def _check_scheme(scheme):
    if scheme not in _SCHEMES:
        raise ValueError(f"scheme must be one of {_SCHEMES}, got {scheme!r}")


# --------------------------------------------------------------------------
# numerical differentiation
# --------------------------------------------------------------------------
def finite_difference(f, x, h, scheme="central"):
    """Finite-difference estimate of ``f'(x)`` with step ``h`` (scalar or array of steps).

    forward: ``(f(x + h) - f(x)) / h``, error O(h);
    central: ``(f(x + h) - f(x - h)) / (2h)``, error O(h²).

    >>> round(float(finite_difference(np.exp, 0.0, 1e-5)), 8)
    1.0
    """
    _check_scheme(scheme)
    h = np.asarray(h, dtype=np.float64)
    if np.any(h <= 0):
        raise ValueError("the step h must be positive")
    if scheme == "forward":
        return (f(x + h) - f(x)) / h
    return (f(x + h) - f(x - h)) / (2 * h)


def finite_difference_error(f, df, x, steps, scheme="central"):
    """Absolute error ``|finite_difference(f, x, h) - df(x)|`` for each step ``h``."""
    steps = np.asarray(steps, dtype=np.float64)
    return np.abs(finite_difference(f, x, steps, scheme) - df(x))


def error_model(steps, scheme="central", f_scale=1.0, derivative_scale=1.0):
    """The textbook estimate of the finite-difference error for each step ``h``.

    truncation: ``h/2 · |f''|`` (forward) or ``h²/6 · |f'''|`` (central), with
    ``derivative_scale`` standing for that derivative's size;
    round-off: ``ε · |f| / h``, with ``f_scale`` standing for ``|f(x)|``.
    Returns ``(truncation, roundoff)`` arrays; their sum is the model of the error.
    """
    _check_scheme(scheme)
    h = np.asarray(steps, dtype=np.float64)
    if scheme == "forward":
        truncation = 0.5 * h * derivative_scale
    else:
        truncation = h**2 / 6 * derivative_scale
    roundoff = EPS * f_scale / h
    return truncation, roundoff


def optimal_step(scheme="central", eps=EPS):
    """Where truncation and round-off balance, up to a factor of order one:
    ``ε^(1/2)`` for the forward difference, ``ε^(1/3)`` for the central one.

    >>> f"{optimal_step('forward'):.1e}", f"{optimal_step('central'):.1e}"
    ('1.5e-08', '6.1e-06')
    """
    _check_scheme(scheme)
    return eps ** (1 / 2) if scheme == "forward" else eps ** (1 / 3)


def loglog_slope(steps, errors, h_min=0.0, h_max=np.inf):
    """Least-squares slope of ``log(error)`` against ``log(h)`` for ``h_min <= h <= h_max``.

    A slope of 2 means "the error falls 100× when h falls 10×".
    """
    steps = np.asarray(steps, dtype=np.float64)
    errors = np.asarray(errors, dtype=np.float64)
    keep = (steps >= h_min) & (steps <= h_max) & (errors > 0)
    if keep.sum() < 2:
        raise ValueError("need at least two points with a positive error in the range")
    slope, _ = np.polyfit(np.log(steps[keep]), np.log(errors[keep]), 1)
    return float(slope)


# --------------------------------------------------------------------------
# symbolic differentiation on expression trees
# --------------------------------------------------------------------------
# An expression is a number, a variable name (str), or a tuple (op, *args) with
# op one of the keys below. Each rule reads like the maths of its derivative.
_UNARY = ("exp", "log", "sigmoid")
_BINARY = ("add", "sub", "mul", "div")


def diff(expr, var):
    """The derivative of ``expr`` with respect to the variable ``var``, by the
    rules of calculus applied blindly, as a computer algebra system without
    simplification would (the result is tidied only by :func:`simplify`).

    The chain rule copies the inner expression into the result, which is
    where the swell comes from: ``σ(g)' = σ(g)(1 - σ(g)) g'`` spells out ``g``
    twice, and ``g'`` contains ``g``'s own sub-expressions again.
    """
    return simplify(_diff(expr, var))


def _diff(e, var):
    if isinstance(e, (int, float)):
        return 0
    if isinstance(e, str):
        return 1 if e == var else 0
    op, *args = e
    if op in _BINARY:
        a, b = args
        da, db = _diff(a, var), _diff(b, var)
        if op in ("add", "sub"):  # (a ± b)' = a' ± b'
            return (op, da, db)
        if op == "mul":  # product rule: (ab)' = a'b + ab'
            return ("add", ("mul", da, b), ("mul", a, db))
        # quotient rule: (a/b)' = (a'b - ab') / b²
        return ("div", ("sub", ("mul", da, b), ("mul", a, db)), ("mul", b, b))
    (a,) = args
    da = _diff(a, var)
    if op == "exp":  # exp(a)' = exp(a) a'
        return ("mul", e, da)
    if op == "log":  # log(a)' = a' / a
        return ("div", da, a)
    if op == "sigmoid":  # σ(a)' = σ(a)(1 - σ(a)) a'
        return ("mul", ("mul", e, ("sub", 1, e)), da)
    raise ValueError(f"unknown operation {op!r}")


def simplify(e):
    """Remove the obvious zeros and ones (``0·a → 0``, ``1·a → a``, ``a + 0 → a``,
    numbers combined). This is all the tidying :func:`diff` does: it keeps the
    repeated sub-expressions, as they would be without common-subexpression
    elimination."""
    if not isinstance(e, tuple):
        return e
    op, *args = e
    args = [simplify(a) for a in args]
    if op in _UNARY:
        (a,) = args
        if isinstance(a, (int, float)):
            return float(_NUMERIC[op](a))
        return (op, a)
    a, b = args
    num_a, num_b = isinstance(a, (int, float)), isinstance(b, (int, float))
    if num_a and num_b:
        value = _NUMERIC[op](a, b)
        return int(value) if float(value).is_integer() else value
    if op == "add":
        if num_a and a == 0:
            return b
        if num_b and b == 0:
            return a
    elif op == "sub":
        if num_b and b == 0:
            return a
    elif op == "mul":
        if (num_a and a == 0) or (num_b and b == 0):
            return 0
        if num_a and a == 1:
            return b
        if num_b and b == 1:
            return a
    elif op == "div":
        if num_a and a == 0:
            return 0
        if num_b and b == 1:
            return a
    return (op, a, b)


_NUMERIC = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "exp": np.exp,
    "log": np.log,
    "sigmoid": expit,
}


def evaluate(expr, env):
    """The value of ``expr`` with the variables set by ``env`` (a dict name -> value).

    Each distinct sub-expression is computed once (a cache keyed by the
    sub-expression), as an automatic-differentiation trace would.

    >>> evaluate(("mul", "a", ("add", "b", 1)), {"a": 2.0, "b": 3.0})
    8.0
    """
    cache = {}

    def ev(e):
        if isinstance(e, (int, float)):
            return float(e)
        if isinstance(e, str):
            if e not in env:
                raise ValueError(f"no value given for the variable {e!r}")
            return float(env[e])
        if e in cache:
            return cache[e]
        op, *args = e
        value = float(_NUMERIC[op](*(ev(a) for a in args)))
        cache[e] = value
        return value

    return ev(expr)


def tree_size(expr):
    """Number of nodes (operations, variables, numbers) in the expression as
    printed, every repeated sub-expression counted each time it appears."""
    memo = {}

    def size(e):
        if not isinstance(e, tuple):
            return 1
        if e not in memo:
            memo[e] = 1 + sum(size(a) for a in e[1:])
        return memo[e]

    return size(expr)


def dag_size(expr):
    """Number of *distinct* sub-expressions: the nodes of the computational
    graph when every repeated sub-expression is computed once and reused."""
    seen = set()
    stack = [expr]
    while stack:
        e = stack.pop()
        if e in seen:
            continue
        seen.add(e)
        if isinstance(e, tuple):
            stack.extend(e[1:])
    return len(seen)


_SYMBOL = {"add": " + ", "sub": " - ", "mul": "*", "div": "/"}
_PRECEDENCE = {"add": 1, "sub": 1, "mul": 2, "div": 2}


def to_string(expr):
    """The expression in ordinary notation, with only the parentheses it needs."""

    def fmt(e, parent_prec=0, right=False):
        if isinstance(e, str):
            return e
        if isinstance(e, (int, float)):
            text = f"{e:g}"
            return f"({text})" if e < 0 else text
        op, *args = e
        if op in _UNARY:
            name = "σ" if op == "sigmoid" else op
            return f"{name}({fmt(args[0])})"
        prec = _PRECEDENCE[op]
        a = fmt(args[0], prec)
        # the right operand of - and / needs brackets at equal precedence
        b = fmt(args[1], prec + (op in ("sub", "div")), right=True)
        text = f"{a}{_SYMBOL[op]}{b}"
        return f"({text})" if prec < parent_prec else text

    return fmt(expr)


def logistic_map(n, var="x"):
    """Baydin et al.'s example of expression swell: ``l₁ = x``,
    ``l_{k+1} = 4 l_k (1 - l_k)``; returns the expression of ``l_n``.

    >>> to_string(logistic_map(2))
    '4*x*(1 - x)'
    """
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    e = var
    for _ in range(int(n) - 1):
        e = ("mul", ("mul", 4, e), ("sub", 1, e))
    return e


def network_expression(depth, width=1, var="x"):
    """The output of a small sigmoid network as one expression in ``x``.

    ``depth`` hidden layers of ``width`` sigmoid units each; unit ``i`` of
    layer ``l`` computes ``σ(Σ_j w{l}_{i}{j} · (unit j of layer l-1))`` with the
    input ``x`` as layer 0; the output is ``Σ_i v_i · (unit i of the last
    layer)``. Weights are symbols, so ``diff(e, "x")`` is the derivative a
    computer algebra system would produce.

    >>> to_string(network_expression(1))
    'v1*σ(w1_11*x)'
    """
    if int(depth) != depth or depth < 1 or int(width) != width or width < 1:
        raise ValueError(f"depth and width must be positive integers, got {depth!r}, {width!r}")
    units = [var]
    for layer in range(1, int(depth) + 1):
        new = []
        for i in range(1, int(width) + 1):
            total = None
            for j, prev in enumerate(units, start=1):
                term = ("mul", f"w{layer}_{i}{j}", prev)
                total = term if total is None else ("add", total, term)
            new.append(("sigmoid", total))
        units = new
    out = None
    for i, unit in enumerate(units, start=1):
        term = ("mul", f"v{i}", unit)
        out = term if out is None else ("add", out, term)
    return out


def swell_table(make_expr, sizes, var="x"):
    """Sizes of an expression and of its symbolic derivative for each ``n`` in ``sizes``.

    Returns a dict of arrays: ``n``, ``f_tree``, ``f_dag``, ``df_tree``,
    ``df_dag`` (tree = as printed, dag = distinct sub-expressions).

    >>> t = swell_table(logistic_map, [1, 2, 3])
    >>> t["df_tree"].tolist()
    [1, 11, 47]
    """
    rows = {"n": [], "f_tree": [], "f_dag": [], "df_tree": [], "df_dag": []}
    for n in sizes:
        e = make_expr(n)
        d = diff(e, var)
        rows["n"].append(n)
        rows["f_tree"].append(tree_size(e))
        rows["f_dag"].append(dag_size(e))
        rows["df_tree"].append(tree_size(d))
        rows["df_dag"].append(dag_size(d))
    return {k: np.asarray(v) for k, v in rows.items()}
