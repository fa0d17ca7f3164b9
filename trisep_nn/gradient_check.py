"""Gradient checking: compare backpropagation with finite differences.

    >>> import numpy as np
    >>> from trisep_nn import gradcheck
    >>> report = gradcheck(lambda a, b: (a * b).log(), 2.0, 3.0)
    >>> report.passed
    True
    >>> print(report)                                      # doctest: +SKIP
    gradcheck PASSED  (central differences in float64, eps=1e-06)
    an entry passes if |analytic - numeric| <= 1e-06 + 1e-05 |numeric|
    input  shape  worst abs err  worst rel err  at index   ok
    x0     ()          4.11e-11       8.23e-11        ()  yes
    x1     ()          4.66e-11       1.40e-10        ()  yes

The engine's gradient of ``L = sum(u * f(x))`` for a random ``u`` (so that
every output entry matters, with a different weight) is compared, entry by
entry, with the central difference

    dL/dx_i  ~  (L(x + eps e_i) - L(x - eps e_i)) / (2 eps),

whose error is O(eps^2) from truncation plus O(machine epsilon / eps) from
round-off: about 1e-10 in float64 with eps = 1e-6. A correct gradient
therefore agrees to many digits; a wrong one is typically off by O(1).
"""


import numpy as np

from .autodiff import vjp
from .ops import as_float_array, describe
from .tensor import Tensor, no_grad
from .validation import check_number, check_random_state

__all__ = ["gradcheck", "GradcheckReport"]


class GradcheckReport:
    """The result of ``gradcheck``: per input, the worst errors and a verdict.

    Attributes
    ----------
    passed : bool            every entry of every input within tolerance
    rows : list of dict      per input: name, shape, max_abs_err, max_rel_err,
                             worst_index, passed
    analytic, numeric : list of arrays, the two gradients per input
    """

    def __init__(self, rows, analytic, numeric, eps, atol, rtol):
        self.rows, self.analytic, self.numeric = rows, analytic, numeric
        self.eps, self.atol, self.rtol = eps, atol, rtol
        self.passed = all(row["passed"] for row in rows)

    def __bool__(self):
        return self.passed

    @property
    def max_abs_err(self):
        return max((row["max_abs_err"] for row in self.rows), default=0.0)

    @property
    def max_rel_err(self):
        return max((row["max_rel_err"] for row in self.rows), default=0.0)

    def __str__(self):
        verdict = "PASSED" if self.passed else "FAILED"
        lines = [f"gradcheck {verdict}  (central differences in float64, eps={self.eps:g})",
                 f"an entry passes if |analytic - numeric| <= {self.atol:g} + "
                 f"{self.rtol:g} |numeric|"]
        header = ("input", "shape", "worst abs err", "worst rel err", "at index", "ok")
        table = [header] + [
            (row["name"], str(row["shape"]), f"{row['max_abs_err']:.2e}",
             f"{row['max_rel_err']:.2e}", str(row["worst_index"]),
             "yes" if row["passed"] else "NO")
            for row in self.rows]
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        for r in table:
            lines.append("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                                   for i, (cell, w) in enumerate(zip(r, widths))))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle):  # IPython / Jupyter display
        printer.text(str(self))


def gradcheck(f, *arrays, eps=1e-6, atol=1e-6, rtol=1e-5, seed=0, names=None):
    """Check the engine's gradients of f against central finite differences.

    Parameters
    ----------
    f : function of Tensors returning a Tensor (any shape)
    *arrays : the point at which to check (numbers or arrays; converted to
        float64 copies, never modified)
    eps : finite-difference step
    atol, rtol : an entry passes if |analytic - numeric| <= atol + rtol |numeric|
    seed : seed of the random output weights u (for non-scalar outputs)
    names : optional names of the inputs for the report (default x0, x1, ...)

    Returns
    -------
    GradcheckReport : prints as a small table; ``bool(report)`` is the verdict.
    """
    xs, names = _check_gradcheck_arguments(f, arrays, eps, atol, rtol, seed, names)
    out, vjp_fn = vjp(f, *xs)
    out = np.asarray(out, dtype=np.float64)
    # Random output weights: every output entry counts, each differently, so a
    # gradient that mixes up two outputs cannot pass by luck.
    u = np.ones_like(out) if out.size == 1 else check_random_state(seed, "seed").normal(
        size=out.shape)
    analytic = [np.asarray(g, dtype=np.float64) for g in vjp_fn(u)]

    def weighted_output(values):
        with no_grad():
            result = f(*[Tensor(v) for v in values])
        return float(np.sum(u * np.asarray(result.data if isinstance(result, Tensor)
                                           else result, dtype=np.float64)))

    numeric, rows = [], []
    for k, x in enumerate(xs):
        num = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            plus = [v.copy() for v in xs]
            minus = [v.copy() for v in xs]
            plus[k][i] += eps
            minus[k][i] -= eps
            num[i] = (weighted_output(plus) - weighted_output(minus)) / (2 * eps)
        numeric.append(num)
        abs_err = np.abs(analytic[k] - num)
        scale = np.maximum(np.abs(analytic[k]), np.abs(num))
        rel_err = np.divide(abs_err, scale, out=np.zeros_like(abs_err), where=scale > 0)
        worst = np.unravel_index(np.argmax(abs_err), x.shape) if x.size else ()
        rows.append({
            "name": names[k], "shape": x.shape,
            "max_abs_err": float(abs_err.max(initial=0.0)),
            "max_rel_err": float(rel_err.max(initial=0.0)),
            "worst_index": tuple(int(j) for j in worst),
            "passed": bool(np.all(abs_err <= atol + rtol * np.abs(num))),
        })
    return GradcheckReport(rows, analytic, numeric, eps, atol, rtol)


def _check_gradcheck_arguments(f, arrays, eps, atol, rtol, seed, names):
    """The inputs as float64 copies and one name per input, or a clear error."""
    if not callable(f):
        raise TypeError(f"gradcheck: f must be a function of Tensors, got {describe(f)}")
    if not arrays:
        raise TypeError("gradcheck: give the point to check at, e.g. gradcheck(f, x)")
    xs = []
    for i, a in enumerate(arrays):
        try:
            xs.append(np.array(as_float_array(a), dtype=np.float64, copy=True))
        except (TypeError, ValueError):
            raise TypeError(f"gradcheck: input {i} must be a number or an array of numbers, "
                            f"got {describe(a)}") from None
    check_number(eps, "eps", low=0.0, low_open=True)
    check_number(atol, "atol", low=0.0)
    check_number(rtol, "rtol", low=0.0)
    check_random_state(seed, "seed")
    if names is not None and (isinstance(names, str) or not hasattr(names, "__iter__")):
        raise TypeError(f"gradcheck: names must be a list of names, one per input; got "
                        f"{describe(names)}")
    names = [f"x{i}" for i in range(len(xs))] if names is None else [str(n) for n in names]
    if len(names) != len(xs):
        raise ValueError(f"gradcheck: names has {len(names)} entries for {len(xs)} inputs; "
                         "give one name per input")
    return xs, names
