"""Draw the computational graph of a small expression with matplotlib.

    >>> import trisep_nn as tnn
    >>> a = tnn.Tensor(2.0, requires_grad=True, name="a")
    >>> b = tnn.Tensor(3.0, requires_grad=True, name="b")
    >>> f = (a * b).log()
    >>> f.backward(retain_grads=True)     # keep the gradients of a*b and f too
    >>> ax = tnn.draw_graph(f)            # doctest: +SKIP

Each value is a box (name, value and, after backward, its gradient); each
operation is a circle between its inputs and its output. Columns go from the
inputs (left) to the output (right). Intermediate tensors have a gradient to
show only if it was kept: call ``backward(retain_grads=True)`` (or
``t.retain_grad()`` on the ones you want) before drawing.

Only matplotlib is needed (no graphviz program); it is imported when you
draw, so importing trisep_nn stays fast.
"""

import numpy as np

from .ops import describe
from .tensor import Tensor

__all__ = ["draw_graph"]

MAX_NODES = 60  # beyond this the picture is unreadable anyway


def _graph_nodes(root):
    """All tensors that root was computed from (constants included), inputs first."""
    order, seen, stack = [], {root}, [(root, iter(root.inputs))]
    while stack:  # iterative depth-first search, as in the engine
        node, inputs = stack[-1]
        for x in inputs:
            if x not in seen:
                seen.add(x)
                stack.append((x, iter(x.inputs)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def _fmt(array):
    """A short text for a value or gradient: the number, or the shape for arrays."""
    array = np.asarray(array)
    if array.size == 1:
        return f"{array.item():.4g}"
    if array.size <= 3 and array.ndim == 1:
        return "[" + ", ".join(f"{v:.3g}" for v in array) + "]"
    return f"array{array.shape}"


def _op_label(node):
    """The symbol in an operation's circle, e.g. '*', 'log', '**2'."""
    if node.op == "pow":
        return f"**{_fmt(node.op_params['p'])}"
    if node.op == "rpow":
        return f"{_fmt(node.op_params['base'])}**"
    return node.op_symbol


def _layers(nodes):
    """Column of each value: inputs in 0, others 2 + the deepest input's column
    (the odd column in between holds the operation). Constants sit just left
    of their first use instead of with the inputs."""
    column = {}
    for node in nodes:  # inputs come first, so their columns are known
        column[node] = 0 if not node.inputs else 2 + max(column[x] for x in node.inputs)
    placed = set()
    for node in nodes:
        for x in node.inputs:
            if not x.inputs and not x.requires_grad and x not in placed:
                column[x] = column[node] - 2
                placed.add(x)
    return column


def draw_graph(tensor, ax=None, show_grad=True):
    """Draw the graph that produced `tensor`; returns the matplotlib Axes.

    tensor : the output Tensor (e.g. a loss)
    ax : an Axes to draw into (a new figure if None)
    show_grad : also print each value's ``.grad`` where there is one
    """
    import matplotlib.pyplot as plt

    if not isinstance(tensor, Tensor):
        raise TypeError(f"draw_graph: tensor must be a Tensor (the output of a computation), "
                        f"got {describe(tensor)}")
    nodes = _graph_nodes(tensor)
    if len(nodes) > MAX_NODES:
        raise ValueError(f"draw_graph: the graph has {len(nodes)} values; drawings are "
                         f"readable up to about {MAX_NODES}. Draw a smaller expression.")
    position = _positions(nodes)
    if ax is None:
        xs, ys = zip(*position.values())
        width = max(xs) + 2.3
        _, ax = plt.subplots(figsize=(min(0.2 + 0.75 * width, 15), 1.2 + 0.8 * np.ptp(ys)))
    for node in nodes:
        _draw_value(ax, node, position, show_grad)
    xs, ys = zip(*position.values())
    ax.set_xlim(min(xs) - BOX_W / 2 - 0.1, max(xs) + BOX_W / 2 + 0.1)
    ax.set_ylim(min(ys) - BOX_H / 2 - 0.1, max(ys) + BOX_H / 2 + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


BOX_W, BOX_H, RADIUS = 1.6, 0.7, 0.3  # a value's box, an operation's circle
ARROW = dict(arrowstyle="-|>", color="0.35", lw=1.0, shrinkA=0, shrinkB=0)


def _positions(nodes):
    """(x, y) of every value: its column, and rows spread evenly in each column
    (centred, in discovery order)."""
    column = _layers(nodes)
    by_column = {}
    for node in nodes:
        by_column.setdefault(column[node], []).append(node)
    return {node: (col * 1.3, ((len(members) - 1) / 2 - k) * 1.0)
            for col, members in by_column.items() for k, node in enumerate(members)}


def _draw_value(ax, node, position, show_grad):
    """A value's box and, for an operation's output, the circle of the operation
    one column to its left with arrows from its inputs."""
    from matplotlib.patches import Circle, FancyBboxPatch

    x, y = position[node]
    is_input = not node.inputs
    label = node.name or ("" if not is_input else ("param" if node.requires_grad else "const"))
    lines = [f"{label}  {_fmt(node.data)}".strip() if label else _fmt(node.data)]
    if show_grad and node.grad is not None:
        lines.append(f"grad {_fmt(node.grad)}")
    colour = "#d8e8f8" if node.requires_grad and is_input else (
        "#eeeeee" if is_input else "#fdf1d6")
    ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                                boxstyle="round,pad=0.02", fc=colour, ec="0.3"))
    ax.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=9)
    if is_input:
        return
    ox, oy = x - 1.3, y
    ax.add_patch(Circle((ox, oy), RADIUS, fc="white", ec="0.3"))
    label = _op_label(node)
    widest = max(len(line) for line in label.split("\n"))
    ax.text(ox, oy, label, ha="center", va="center",  # long labels: smaller, to fit
            fontsize=9 if widest <= 4 else max(5, 36 / widest))
    ax.annotate("", xy=(x - BOX_W / 2, y), xytext=(ox + RADIUS, oy), arrowprops=ARROW)
    for inp in node.inputs:
        ix, iy = position[inp]
        ax.annotate("", xy=(ox - RADIUS * 0.95, oy), xytext=(ix + BOX_W / 2, iy),
                    arrowprops=ARROW)
