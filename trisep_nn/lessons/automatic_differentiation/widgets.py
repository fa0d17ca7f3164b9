"""Explorers for notebook 06 (automatic differentiation).

:func:`ad_modes_explorer` steps through a computational graph one node at a
time: first forward mode (values and tangents travel from the inputs to the
output), then reverse mode (adjoints travel from the output back to the
inputs). The current node is highlighted and the rule it applies is written
out with numbers. The bookkeeping is :mod:`.forward_reverse_mode`.
"""

import numpy as np
from matplotlib.patches import FancyArrowPatch

from trisep_nn.explorer import Explorer, dropdown, slider
from trisep_nn.lessons.automatic_differentiation.forward_reverse_mode import (
    PROGRAMS,
    forward_mode,
    layout,
    reverse_mode,
)

__all__ = ["ad_modes_explorer", "draw_trace"]

_FORWARD, _REVERSE, _DONE = "C0", "C3", "0.55"


def _steps(program, a, b, wrt):
    inputs = {"a": a, "b": b}
    forward = forward_mode(program, inputs, {wrt: 1.0})
    reverse = reverse_mode(program, inputs)
    return forward, reverse


def draw_trace(ax, program, inputs, step=None, wrt="a"):
    """Draw ``program``'s graph on ``ax`` after ``step`` steps
    (``0 … n-1``: forward mode, ``n … 2n-1``: reverse mode; None: all done).

    Returns a dict describing the current step: ``phase`` ("forward" or
    "reverse"), ``node``, ``rule`` and the step dict itself.
    """
    forward = forward_mode(program, inputs, {wrt: 1.0})
    reverse = reverse_mode(program, inputs)
    n = len(program)
    step = 2 * n - 1 if step is None else int(np.clip(step, 0, 2 * n - 1))
    phase = "forward" if step < n else "reverse"
    shown_fwd = forward[: min(step, n - 1) + 1]
    shown_rev = reverse[: step - n + 1] if phase == "reverse" else []
    current = shown_fwd[-1] if phase == "forward" else shown_rev[-1]
    tangent = {s["node"]: s["tangent"] for s in shown_fwd}
    adjoint = {s["node"]: s["adjoint"] for s in shown_rev}

    pos = layout(program)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    _draw_edges(ax, program, pos, phase, tangent, adjoint)
    _draw_nodes(ax, program, pos, forward, current["node"], tangent, adjoint)
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.9, max(ys) + 0.55)
    ax.set_axis_off()
    color = _FORWARD if phase == "forward" else _REVERSE
    what = (f"forward mode, seed {wrt}̇ = 1: tangents flow input → output"
            if phase == "forward" else "reverse mode, seed f̄ = 1: adjoints flow output → input")
    ax.set_title(f"step {step + 1} of {2 * n}: {what}", color=color, fontsize=10)
    ax.text(0.5, 0.02, current["rule"], transform=ax.transAxes, ha="center", va="bottom",
            fontsize=11, color=color,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": color})
    return {"phase": phase, "node": current["node"], "rule": current["rule"], "step": current}


def _draw_edges(ax, program, pos, phase, tangent, adjoint):
    """One arrow per use of a node, drawn first so that the nodes sit on top.

    Forward mode: value and tangent travel argument → user; reverse mode: the
    adjoint travels user → argument, so the arrows turn round. An arrow is
    coloured once something has travelled along it."""
    for name, _op, args in program:
        for arg in args:
            if phase == "forward":
                start, end, lit, color = pos[arg], pos[name], name in tangent, _FORWARD
            else:
                start, end, lit, color = pos[name], pos[arg], arg in adjoint, _REVERSE
            ax.add_patch(FancyArrowPatch(
                start, end, arrowstyle="-|>", mutation_scale=14, lw=1.5,
                shrinkA=21, shrinkB=21, color=color if lit else "0.45", zorder=1))


def _draw_nodes(ax, program, pos, forward, current, tangent, adjoint):
    """Each node as a circle with its definition and value above it and the
    tangent and adjoint computed so far below it; the current one highlighted."""
    values = {s["node"]: s["value"] for s in forward}
    definitions = {s["node"]: s["definition"] for s in forward}
    for name, op, _args in program:
        x, y = pos[name]
        is_current = name == current
        face = "#FFE08A" if is_current else ("#EAF2FA" if name in tangent else "white")
        ax.scatter([x], [y], s=1500, c=face, edgecolors="black" if is_current else "0.4",
                   linewidths=2.5 if is_current else 1, zorder=2)
        ax.text(x, y, name, ha="center", va="center", fontsize=10, weight="bold", zorder=3)
        label = definitions[name] if op != "input" else f"input {name}"
        if name in tangent:  # the forward pass has computed this node's value
            label += f" = {values[name]:.4g}"
        ax.annotate(label, (x, y), xytext=(0, 23), textcoords="offset points", ha="center",
                    va="bottom", fontsize=8.5, zorder=3)
        lines = []
        if name in tangent:
            lines.append((f"tangent {tangent[name]:.4g}", _FORWARD))
        if name in adjoint:
            lines.append((f"adjoint {adjoint[name]:.4g}", _REVERSE))
        for k, (text, color) in enumerate(lines):
            ax.annotate(text, (x, y), xytext=(0, -23 - 12 * k), textcoords="offset points",
                        ha="center", va="top", fontsize=8.5, color=color, zorder=3)


def ad_modes_explorer(function="log(a·b)", a=2.0, b=3.0, wrt="a"):
    """Step through forward mode then reverse mode on a small graph.

    Controls: the function (the lecture's ``log(a·b)`` or Baydin et al.'s
    ``log(a) + a·b − sin(b)``), the step, the input values, and which input
    forward mode differentiates with respect to (its seed). The explorer's
    ``state`` attribute describes the current step (for tests).
    """
    n_max = max(len(p) for p in PROGRAMS.values())
    controls = {
        "function": dropdown(list(PROGRAMS), function, "f(a, b) ="),
        "step": slider(0, 0, 2 * len(PROGRAMS[function]) - 1, 1, "step"),
        "wrt": dropdown({"∂/∂a": "a", "∂/∂b": "b"}, wrt, "forward mode:"),
        "a": slider(float(a), 0.5, 5.0, 0.1, "a"),
        "b": slider(float(b), 0.5, 5.0, 0.1, "b"),
    }

    def on_function(change):  # the step slider's range follows the graph's size
        controls["step"].max = 2 * len(PROGRAMS[change["new"]]) - 1

    controls["function"].observe(on_function, names="value")  # before the Explorer's redraw
    state = {}

    def draw(fig, function, step, wrt, a, b):
        program = PROGRAMS[function]
        ax = fig.subplots()
        state.clear()
        state.update(draw_trace(ax, program, {"a": a, "b": b}, min(step, 2 * len(program) - 1),
                                wrt))

    explorer = Explorer(draw, controls, figsize=(9, 5.2 if n_max > 4 else 4),
                        title="Forward mode, then reverse mode, one node at a time", state=state)
    return explorer
