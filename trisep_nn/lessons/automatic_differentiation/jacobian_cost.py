"""The cost of a Jacobian, forward mode against reverse mode, measured.

For ``f: Rⁿ → Rᵐ`` the Jacobian has ``m × n`` entries.

* forward mode (``trisep_nn.jacobian_forward``) gets one *column* per pass
  (a jvp with the tangent ``e_k``): **n passes**;
* reverse mode (``trisep_nn.jacobian_reverse``) gets one *row* per backward
  pass (a vjp with the cotangent ``e_k``): one forward pass, then **m passes**.

So forward mode wins when ``n ≪ m`` and reverse mode when ``m ≪ n``. Training
a network is the extreme case: one scalar loss (``m = 1``) and many parameters
(``n`` in the thousands or billions), so the gradient costs about as much as
one evaluation of the loss. That is why backpropagation is reverse mode.

    >>> import numpy as np
    >>> from trisep_nn.autodiff import jacobian_forward, jacobian_reverse
    >>> f = layered_function(3, 2, random_state=0)
    >>> x = np.ones(3)
    >>> np.allclose(jacobian_forward(f, x), jacobian_reverse(f, x))
    True
"""

import time

import numpy as np

__all__ = ["layered_function", "time_jacobian", "jacobian_costs"]


def layered_function(n, m, width=32, depth=2, random_state=0):
    """A fixed smooth ``f: Rⁿ → Rᵐ``: ``depth`` tanh layers of ``width`` units,
    then a linear map to ``m`` outputs (a small network with frozen weights).
    Takes and returns a :class:`trisep_nn.Tensor` of shape ``(n,)`` / ``(m,)``."""
    rng = np.random.default_rng(random_state)
    sizes = [int(n)] + [int(width)] * int(depth) + [int(m)]
    weights = [rng.normal(0, 1 / np.sqrt(a), size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]

    def f(x):
        for W in weights[:-1]:
            x = (x @ W).tanh()
        return x @ weights[-1]

    return f


def time_jacobian(f, x, mode, repeats=3, min_seconds=0.02, max_repeats=200):
    """``(seconds, evaluations)`` for the Jacobian of ``f`` at ``x`` by ``mode``
    ("forward" or "reverse"): the best CPU time (``time.process_time``, which
    other programs busy on the machine do not inflate) of at least ``repeats``
    runs, and how many times one run evaluated ``f`` (counted, not assumed:
    forward mode runs ``f`` once per input with a tangent, reverse mode once,
    then sweeps back once per output).

    A cheap Jacobian (a tenth of a millisecond) is run again until
    ``min_seconds`` have passed (at most ``max_repeats`` times): on a busy
    machine the best of three such short runs can still be hit by another
    process, the best of a hundred hardly ever.
    """
    from trisep_nn.autodiff import jacobian_forward, jacobian_reverse

    jacobian = {"forward": jacobian_forward, "reverse": jacobian_reverse}[mode]
    calls = []

    def counted(x):
        calls.append(1)
        return f(x)

    best, spent, runs = np.inf, 0.0, 0
    while runs < int(repeats) or (spent < min_seconds and runs < max_repeats):
        calls.clear()
        start = time.process_time()
        jacobian(counted, x)
        elapsed = time.process_time() - start
        best, spent, runs = min(best, elapsed), spent + elapsed, runs + 1
    return best, len(calls)


def jacobian_costs(shapes, width=32, depth=2, repeats=3, random_state=0):
    """Time both Jacobians for each ``(n, m)`` in ``shapes``.

    Returns a dict of arrays: ``n``, ``m``, ``forward_s``, ``reverse_s``,
    ``forward_evals`` and ``reverse_evals`` (how often each evaluated ``f``),
    and ``ratio`` (forward time / reverse time; the pass counting predicts
    about ``n / m`` once both are large).
    """
    rows = {"n": [], "m": [], "forward_s": [], "reverse_s": [], "forward_evals": [],
            "reverse_evals": []}
    for n, m in shapes:
        f = layered_function(n, m, width, depth, random_state)
        x = np.random.default_rng(random_state).normal(size=int(n))
        rows["n"].append(int(n))
        rows["m"].append(int(m))
        for mode in ("forward", "reverse"):
            seconds, evaluations = time_jacobian(f, x, mode, repeats)
            rows[f"{mode}_s"].append(seconds)
            rows[f"{mode}_evals"].append(evaluations)
    out = {k: np.asarray(v) for k, v in rows.items()}
    out["ratio"] = out["forward_s"] / out["reverse_s"]
    return out
