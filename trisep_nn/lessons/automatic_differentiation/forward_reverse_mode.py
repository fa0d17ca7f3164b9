"""Forward mode and reverse mode, one node at a time.

The lecture's "Automatic Differentiation Example" writes ``f(a, b) = log(ab)``
as a computational graph: inputs ``a`` and ``b``, a node ``v = a·b``, and the
output ``f = log(v)``. A graph like this is stored as an *evaluation trace*
(a "Wengert list"): one line per elementary operation, in the order they are
computed::

    LOG_AB = [("a", "input", ()), ("b", "input", ()),
              ("v", "mul", ("a", "b")), ("f", "log", ("v",))]

* **Forward mode** walks the trace top to bottom carrying, next to each value,
  its *tangent* ``v̇ = ∂v/∂(input direction)``: seed ``ȧ = 1, ḃ = 0`` and the
  output tangent is ``∂f/∂a``. One pass per input direction.
* **Reverse mode** first runs the trace forward (saving the values), then walks
  it bottom to top carrying *adjoints* ``v̄ = ∂f/∂v``: seed ``f̄ = 1``; every
  input's adjoint is then a component of the gradient. One pass per output.

    >>> steps = reverse_mode(LOG_AB, {"a": 2.0, "b": 3.0})
    >>> [(s["node"], round(s["adjoint"], 4)) for s in steps]
    [('f', 1.0), ('v', 0.1667), ('b', 0.3333), ('a', 0.5)]

Each step also carries the rule it applied, written out with numbers, so a
notebook (or the explorer in this lesson's ``widgets.py``) can show it.
"""

import numpy as np

__all__ = [
    "LOG_AB",
    "BAYDIN",
    "PROGRAMS",
    "evaluate_trace",
    "local_partials",
    "forward_mode",
    "reverse_mode",
    "layout",
]

#: The lecture's example ``f(a, b) = log(ab)``; ``∇f = (1/a, 1/b)``.
LOG_AB = [
    ("a", "input", ()),
    ("b", "input", ()),
    ("v", "mul", ("a", "b")),
    ("f", "log", ("v",)),
]

#: Baydin et al. (2018)'s running example ``f(a, b) = log(a) + a·b - sin(b)``,
#: where ``a`` is used twice, so its adjoint collects two contributions.
BAYDIN = [
    ("a", "input", ()),
    ("b", "input", ()),
    ("v1", "log", ("a",)),
    ("v2", "mul", ("a", "b")),
    ("v3", "sin", ("b",)),
    ("v4", "add", ("v1", "v2")),
    ("f", "sub", ("v4", "v3")),
]

PROGRAMS = {"log(a·b)": LOG_AB, "log(a) + a·b − sin(b)": BAYDIN}

# op -> (how to compute it, how to print it)
_OPS = {
    "mul": (lambda x, y: x * y, "{0}·{1}"),
    "add": (lambda x, y: x + y, "{0} + {1}"),
    "sub": (lambda x, y: x - y, "{0} − {1}"),
    "log": (np.log, "log {0}"),
    "exp": (np.exp, "exp {0}"),
    "sin": (np.sin, "sin {0}"),
}


def _check_program(program):
    names = set()
    for line in program:
        name, op, args = line
        if op != "input" and op not in _OPS:
            raise ValueError(f"unknown operation {op!r} in line {line}")
        for a in args:
            if a not in names:
                raise ValueError(f"{name} uses {a!r} before it is computed")
        names.add(name)


def evaluate_trace(program, inputs):
    """The value of every node, in trace order (a dict name -> float)."""
    _check_program(program)
    values = {}
    for name, op, args in program:
        if op == "input":
            if name not in inputs:
                raise ValueError(f"no value given for the input {name!r}")
            values[name] = float(inputs[name])
        else:
            values[name] = float(_OPS[op][0](*(values[a] for a in args)))
    return values


def local_partials(op, arg_values, out_value):
    """``∂(node)/∂(argument)`` for each argument, the only calculus AD needs,
    with a readable form of each: a list of ``(number, text)``."""
    if op == "mul":
        x, y = arg_values
        return [(y, f"{y:.4g}"), (x, f"{x:.4g}")]
    if op == "add":
        return [(1.0, "1"), (1.0, "1")]
    if op == "sub":
        return [(1.0, "1"), (-1.0, "(−1)")]
    (x,) = arg_values
    if op == "log":
        return [(1 / x, f"(1/{x:.4g})")]
    if op == "exp":
        return [(out_value, f"exp({x:.4g})")]
    if op == "sin":
        return [(float(np.cos(x)), f"cos({x:.4g})")]
    raise ValueError(f"unknown operation {op!r}")


def _definition(name, op, args):
    return name if op == "input" else f"{name} = " + _OPS[op][1].format(*args)


def forward_mode(program, inputs, seed):
    """Forward mode: one step per node, in trace order.

    ``seed`` gives the input tangents (e.g. ``{"a": 1, "b": 0}`` for ∂/∂a).
    Each step is a dict: ``node``, ``definition`` (e.g. ``"v = a·b"``),
    ``value``, ``tangent`` and ``rule`` (the tangent's computation written out).
    """
    values = evaluate_trace(program, inputs)
    tangents, steps = {}, []
    for name, op, args in program:
        if op == "input":
            tangents[name] = float(seed.get(name, 0.0))
            rule = f"{name}̇ = {tangents[name]:g}  (seed)"
        else:
            partials = local_partials(op, [values[a] for a in args], values[name])
            tangents[name] = float(sum(p * tangents[a] for (p, _), a in zip(partials, args)))
            terms = " + ".join(f"{text}·{tangents[a]:.4g}" for (_, text), a in zip(partials, args))
            rule = f"{name}̇ = {terms} = {tangents[name]:.4g}"
        steps.append({"node": name, "definition": _definition(name, op, args),
                      "value": values[name], "tangent": tangents[name], "rule": rule})
    return steps


def reverse_mode(program, inputs, output=None):
    """Reverse mode: one step per node, from the output back to the inputs.

    The forward pass runs first (the values are saved); then each node's
    adjoint ``v̄ = ∂f/∂v`` is the sum, over the nodes that use ``v``, of
    ``(their adjoint) · ∂(them)/∂v``: complete by the time we reach ``v``,
    because every user of ``v`` comes later in the trace. Each step is a dict:
    ``node``, ``definition``, ``value``, ``adjoint`` and ``rule``.
    """
    values = evaluate_trace(program, inputs)
    output = program[-1][0] if output is None else output
    users = {name: [] for name, _, _ in program}  # node -> [(user, local partial, text)]
    for name, op, args in program:
        if op != "input":
            partials = local_partials(op, [values[a] for a in args], values[name])
            for a, (p, text) in zip(args, partials):
                users[a].append((name, p, text))
    adjoints, steps = {}, []
    for name, op, args in reversed(program):
        if name == output:
            adjoints[name] = 1.0
            rule = f"{name}̄ = 1  (seed: ∂{name}/∂{name})"
        else:
            contributions = [(u, p, t) for u, p, t in users[name] if u in adjoints]
            adjoints[name] = float(sum(adjoints[u] * p for u, p, _ in contributions))
            terms = " + ".join(f"{u}̄·{t}" for u, _, t in contributions) or "0"
            rule = f"{name}̄ = {terms} = {adjoints[name]:.4g}"
        steps.append({"node": name, "definition": _definition(name, op, args),
                      "value": values[name], "adjoint": adjoints[name], "rule": rule})
    return steps


def layout(program):
    """(x, y) positions for drawing: x = depth in the graph (inputs at 0),
    nodes of equal depth stacked vertically."""
    depth = {}
    for name, op, args in program:
        depth[name] = 0 if op == "input" else 1 + max(depth[a] for a in args)
    columns = {}
    for name, _, _ in program:
        columns.setdefault(depth[name], []).append(name)
    pos = {}
    for d, names in columns.items():
        for k, name in enumerate(names):
            pos[name] = (float(d), (len(names) - 1) / 2 - k)
    return pos
