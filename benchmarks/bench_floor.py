"""Where does the engine's time go on a tiny network? Against a minimal tape.

    python benchmarks/bench_floor.py     # about 30 seconds

On 100 x [2, 16, 16, 1] every NumPy call takes about a microsecond, so the
Python work around the calls decides the speed. This script times one SGD
step (as in bench_engine.py) three ways, taking turns in one process:

- NumPy by hand: bench_engine.numpy_step;
- a minimal tape: reverse mode stripped to the bone for exactly this network.
  Each operation is one Python function that returns its value and a closure
  computing all its input gradients at once; no Op table, no broadcasting,
  dtype or aliasing checks, no forward mode. It is the least Python work a
  reverse-mode engine can do per operation: the floor for any engine that
  records operations one by one;
- the engine: trisep_nn, as bench_engine.py runs it.

The gap between the tape and NumPy is the price of recording a graph at all;
the gap between the engine and the tape is the price of a general engine
(one rule per input in a table, any shapes and dtypes, forward mode, gradients
that never alias).
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # must happen before NumPy loads its BLAS

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_engine as bench  # noqa: E402

from trisep_nn.tensor import Tensor  # noqa: E402


class Node:
    """A value on the tape: its data, and how to send a gradient to its inputs."""

    __slots__ = ("data", "grad", "inputs", "backward")

    def __init__(self, data, inputs=(), backward=None):
        self.data, self.grad, self.inputs, self.backward = data, None, inputs, backward


def tape_linear(x, W, b, relu):
    z = x.data @ W.data
    z += b.data
    if relu:
        np.maximum(z, 0, out=z)

    def backward(g):
        if relu:
            g *= z > 0
        dx = g @ W.data.T if x.backward is not None else None  # the input needs none
        return dx, x.data.T @ g, g.sum(axis=0)
    return Node(z, (x, W, b), backward)


def tape_bce(z, y):
    e = np.exp(-np.abs(z.data))
    loss = np.mean(np.maximum(z.data, 0) - z.data * y + np.log1p(e))
    p = np.where(z.data >= 0, 1 / (1 + e), e / (1 + e))

    def backward(g):
        d = p - y
        d *= g / d.size
        return (d,)
    return Node(loss, (z,), backward)


def tape_step(params, X, y, lr):
    W1, b1, W2, b2, W3, b3 = params
    h = tape_linear(Node(X), W1, b1, relu=True)
    h = tape_linear(h, W2, b2, relu=True)
    loss = tape_bce(tape_linear(h, W3, b3, relu=False), y)
    node, g = loss, 1.0  # a chain: each node has one input that needs a gradient
    while node is not None:
        upstream = None
        for x, gx in zip(node.inputs, node.backward(g)):
            if x.backward is None:
                if gx is not None:
                    x.grad = gx  # a parameter (its gradient is reset every step)
            else:
                upstream = (x, gx)
        node, g = upstream if upstream else (None, None)
    for p in params:
        p.data -= lr * p.grad
    return float(loss.data)


def main(rounds=40, calls=200):
    batch, sizes = bench.CASES[0]
    X, y, Ws, bs = bench.make_problem(batch, sizes)
    arrays = [a for pair in zip(Ws, bs) for a in pair]
    tape_params = [Node(a.copy()) for a in arrays]
    engine_params = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    hand = ([W.copy() for W in Ws], [b.copy() for b in bs])

    # all three take the same step from the same weights
    losses = [bench.numpy_step(*hand, X, y, bench.LR),
              tape_step(tape_params, X, y, bench.LR),
              bench.engine_step(engine_params, X, y, bench.LR)]
    assert np.allclose(losses, losses[0], rtol=1e-12), losses
    for a, t, e in zip([a for pair in zip(*hand) for a in pair], tape_params, engine_params):
        np.testing.assert_allclose(t.data, a, rtol=1e-12)
        np.testing.assert_allclose(e.data, a, rtol=1e-12)

    steps = {
        "NumPy by hand": lambda: bench.numpy_step(*hand, X, y, 0.0),
        "minimal tape": lambda: tape_step(tape_params, X, y, 0.0),
        "engine": lambda: bench.engine_step(engine_params, X, y, 0.0),
    }
    times = {name: [] for name in steps}
    for _ in range(rounds):  # taking turns, so a change in load hits all three
        for name, step in steps.items():
            start = time.thread_time()
            for _ in range(calls):
                step()
            times[name].append((time.thread_time() - start) / calls)
    median = {name: statistics.median(t) for name, t in times.items()}
    print(f"One SGD step, batch {batch}, layers {sizes}, CPU time, median of {rounds} rounds\n")
    print("| implementation | time | / NumPy by hand |")
    print("|---|---|---|")
    for name, t in median.items():
        print(f"| {name} | {t * 1e6:.0f} µs | {t / median['NumPy by hand']:.2f}× |")


if __name__ == "__main__":
    main()
